"""The step pointed at in the derivation, selected where it was typed in the editor.

The derivation dock writes the step it points at on the session
(``session.state("steps")``); this link, made once by the f(x) workspace, selects that
step's span in the expression editor — only while the editor shows the text the
derivation was made for (a person typing is never interrupted).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.session import Session
    from derivview.ui.expression_editor import ExpressionEditor

__all__ = ["link_editor"]


def link_editor(editor: ExpressionEditor, session: Session) -> None:
    """Select the span of the step pointed at in ``editor`` (deselect when none)."""
    state = session.state("steps")
    line = editor.line_edit
    selected: list[tuple[int, int]] = []  # what this link selected, to undo it

    def on_focus() -> None:
        span = state.span()
        if span is None or state.text != line.text():
            if selected and line.selectionStart() == selected[0][0] and (
                line.selectedText() and len(line.selectedText()) == selected[0][1]
            ):
                line.deselect()
            selected.clear()
            return
        start, end = span
        line.setSelection(start, end - start)
        selected[:] = [(start, end - start)]

    connect_while_alive(editor, [(state.focus_changed, on_focus)])
