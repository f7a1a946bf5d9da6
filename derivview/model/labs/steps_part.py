"""The derivation dock's part of the session: its setting, and the step a person points at.

Clicking a step of the derivation (``stepsView``) *points at* it: the editor selects the
sub-expression where it was typed, and the plot draws it and its derivative faintly
(where it is a function of x). Those views never call each other: the dock writes the
step here (:class:`StepsState`, ``session.state("steps")``), and each view redraws from
what it announces. Whether the plot draws the step is a setting saved in session files
(``"steps": {"draw_on_plot": true}``); which step is pointed at is not saved.

Light (no numpy, no sympy): the window imports it before its first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal
from derivview.model.state.fields import Field, Flag
from derivview.model.state.part import Settings, SettingsPart

if TYPE_CHECKING:
    from derivview.model.labs.steps import Step
    from derivview.model.session import Session

__all__ = ["DRAW_ON_PLOT", "StepsPart", "StepsState"]

DRAW_ON_PLOT = Field(
    "draw_on_plot", Flag(), True, "draw the selected step on the plot",
    help="Draw the step selected in the derivation, and its derivative, faintly on the plot",
)  # fmt: skip


class StepsState(Settings):
    """The derivation dock's setting, and the step pointed at.

    Signals
    -------
    changed()
        The setting changed (from :class:`Settings`).
    focus_changed()
        A step was pointed at, or the pointing cleared (``step`` is None).
    """

    focus_changed = Signal()

    def __init__(self, fields: tuple[Field, ...]) -> None:
        super().__init__(fields)
        self.step: Step | None = None
        self.text: str | None = None

    def point_at(self, text: str, step: Step) -> None:
        """Point at ``step`` of the derivation of the function typed as ``text``."""
        if self.step is step and self.text == text:
            return
        self.step, self.text = step, text
        self.focus_changed.emit()

    def clear(self) -> None:
        """Point at nothing."""
        if self.step is not None:
            self.step, self.text = None, None
            self.focus_changed.emit()

    def span(self) -> tuple[int, int] | None:
        """Where the step's expression was typed in ``text`` (None for a function in u)."""
        return None if self.step is None else self.step.span


class StepsPart(SettingsPart):
    """``"steps"`` in session files: whether the plot draws the selected step."""

    key = "steps"
    title = "the derivation"
    fields = (DRAW_ON_PLOT,)
    settings_class = StepsState

    def create(self, session: Session) -> Any:
        state = super().create(session)

        def forget_if_stale() -> None:
            # A step belongs to the function it was derived for: a new text makes it stale.
            if state.text is not None and session.text != state.text:
                state.clear()

        session.function_changed.connect(forget_if_stale)
        session.text_changed.connect(forget_if_stale)
        return state
