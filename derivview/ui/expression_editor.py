"""The expression editor: f(x) as typed, its error, presets and recent expressions.

The plot follows as the person types: each edit restarts a short debounce timer and the
text goes to the session when it fires (at once on Enter). The session's text is written
back into the editor only when it differs and the person is not typing, and always as an
undoable edit, so Ctrl+Z keeps working.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QInputMethodEvent, QKeyEvent, QTextCharFormat
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from derivview.model.errors import ComplexityError
from derivview.model.session import Session
from derivview.model.state.core import MAX_TEXT_CHARS
from derivview.ui.settings import KEY_RECENT_EXPRESSIONS, app_settings, read_str_list
from derivview.ui.theme import ERROR_COLOR, follow_theme

DEBOUNCE_MS = 200
MAX_RECENT = 15
#: Writing the settings file costs ~10 ms: not on every keystroke's path, a little later.
SAVE_RECENT_DELAY_MS = 1500

LANGUAGE_HELP = (
    "<b>f(x)</b> — type a function of x, e.g. <tt>x^3 - 3x</tt>, <tt>sin(x)/x</tt>, "
    "<tt>a x^2 + b</tt><br>"
    "Operators: <tt>+ − * / ^</tt> (also <tt>**</tt>, <tt>·</tt>, <tt>x²</tt>, <tt>√x</tt>); "
    "<tt>2x</tt> and <tt>(x+1)(x−1)</tt> multiply<br>"
    "Constants: <tt>e</tt>, <tt>pi</tt> (π)<br>"
    "Functions: sin cos tan sec csc cot asin acos atan sinh cosh tanh exp ln log "
    "log(x, b) log2 log10 sqrt cbrt abs |x| sign floor ceil sigmoid relu softplus "
    "max min<br>"
    "Any other single letter (a, b, k, …) is a parameter with its own slider.<br>"
    "Enter: plot now · Up/Down: recent expressions · Ctrl+Z: undo"
)


@dataclass(frozen=True)
class Preset:
    """A function offered in the presets menu."""

    label: str
    expr: str


#: The package's data files. A plain path beside this module rather than
#: ``importlib.resources.files``: that imports ``importlib.readers`` (~3 ms before the
#: window's first paint), and the package is always a directory on disk (Qt loads the icon
#: from a file path too).
ASSETS = Path(__file__).resolve().parent.parent / "assets"


@functools.cache
def _read_presets() -> tuple[Preset, ...]:
    data: dict[str, Any] = json.loads((ASSETS / "presets.json").read_text("utf-8"))
    return tuple(Preset(str(p["label"]), str(p["expr"])) for p in data["presets"])


def load_presets() -> list[Preset]:
    """The presets shipped in ``derivview/assets/presets.json`` (read once per process)."""
    return list(_read_presets())


def describe_error(error: BaseException) -> tuple[str, int | None, int]:
    """``(message for people, 1-based column or None, length)`` of an error."""
    column = getattr(error, "column", None)
    length = int(getattr(error, "length", 1) or 1)
    if isinstance(column, int) and column >= 1:
        return str(error), column, max(1, length)
    message = str(error).strip() or type(error).__name__
    if isinstance(error, ComplexityError) and "complex" not in message:
        message = f"Too complex: {message}"
    return message, None, 0


class ExpressionEditor(QWidget):
    """Line edit (``expressionEdit``), presets button and error label (``expressionError``).

    ``session`` is anything with the session's text interface: ``text``, ``set_text``,
    ``error``, ``function`` and the signals ``text_changed``, ``error_changed``,
    ``function_changed`` (the f(x, y) workspace's state edits its f with a subclass).

    Signals
    -------
    recentChanged()
        The list of recent valid expressions changed.
    """

    recentChanged = Signal()

    #: A subclass editing another function: its objectNames' prefix ("xy":
    #: ``xyExpressionEdit``), its words, where its recent expressions are kept.
    name_prefix = ""
    label_text = "f(x) ="
    placeholder = "f(x), e.g. x^3 - 3x"
    accessible_name = "f(x)"
    help_text = LANGUAGE_HELP
    recent_key = KEY_RECENT_EXPRESSIONS

    def object_name(self, base: str) -> str:
        """``base`` with this editor's prefix: ``expressionEdit`` → ``xyExpressionEdit``."""
        p = self.name_prefix
        return f"{p}{base[0].upper()}{base[1:]}" if p else base

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._writing = False  # True while the editor's text is set from the session
        self._history_pos = -1  # -1: editing the draft; else an index into recent
        self._draft = ""
        self._recent = read_str_list(app_settings(), self.recent_key)[:MAX_RECENT]
        self._error_color = "#c0392b"
        self._marked: tuple[int, int] | None = None  # the underlined error span

        self.line_edit = QLineEdit(session.text, self)
        self.line_edit.setObjectName(self.object_name("expressionEdit"))
        self.line_edit.setPlaceholderText(self.placeholder)
        self.line_edit.setMaxLength(MAX_TEXT_CHARS)  # what a session holds (and a file)
        self.line_edit.setClearButtonEnabled(True)
        self.line_edit.setToolTip(self.help_text)
        self.line_edit.setAccessibleName(self.accessible_name)
        self.line_edit.installEventFilter(self)
        font = self.line_edit.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.line_edit.setFont(font)

        self.label = QLabel(self.label_text, self)
        self.label.setBuddy(self.line_edit)
        self.label.setToolTip(self.help_text)

        self.presets_menu = QMenu("&Functions", self)
        self.presets_menu.setObjectName(self.object_name("presetsMenu"))
        self.presets_menu.setToolTipsVisible(True)
        self.recent_menu = QMenu("&Recent expressions", self)
        self.recent_menu.setObjectName(self.object_name("recentMenu"))
        # Filled as it opens: a keystroke that installs a new f only marks it stale.
        self._recent_menu_stale = True
        self.recent_menu.aboutToShow.connect(self._rebuild_recent_menu)
        self._build_presets_menu()

        self.presets_button = QToolButton(self)
        self.presets_button.setObjectName(self.object_name("presetsButton"))
        self.presets_button.setText("Functions")
        self.presets_button.setMenu(self.presets_menu)
        self.presets_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.presets_button.setToolTip("Pick a function to look at (and recent expressions)")

        self.error_label = QLabel("", self)
        self.error_label.setObjectName(self.object_name("expressionError"))
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.setToolTip("What is wrong with the expression, and where")
        self.error_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.error_label.hide()
        # The error's line is kept even while there is no error: the plot below must not
        # jump up and down as a person types through an error ("sin(" → "sin(x)").
        self.error_line = QWidget(self)
        self.error_line.setObjectName(self.object_name("expressionErrorLine"))
        error_layout = QVBoxLayout(self.error_line)
        error_layout.setContentsMargins(0, 0, 0, 0)
        error_layout.addWidget(self.error_label)
        self.error_line.setMinimumHeight(self.error_label.fontMetrics().height() + 2)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(DEBOUNCE_MS)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_RECENT_DELAY_MS)
        self._save_timer.timeout.connect(self.save_recent)

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.line_edit, 1)
        row.addWidget(self.presets_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.error_line)

        # -- wiring: widget -> session, session -> widget
        self.line_edit.textEdited.connect(self._on_text_edited)
        self.line_edit.returnPressed.connect(self._on_return_pressed)
        self.debounce.timeout.connect(self.commit)
        session.text_changed.connect(self._on_session_text)
        session.error_changed.connect(self._on_error_changed)
        session.function_changed.connect(self._on_function_changed)
        follow_theme(self, self._on_theme)

        if session.error is not None:
            self._on_error_changed(session.error)

    # -- public -------------------------------------------------------------------------

    def commit(self) -> None:
        """Send the editor's text to the session now (stops a pending debounce)."""
        self.debounce.stop()
        self.session.set_text(self.line_edit.text())

    def set_expression(self, text: str) -> None:
        """Replace the text as an undoable edit and compute it at once (presets, history)."""
        self._write(text)
        self.commit()

    def save_recent(self) -> None:
        """Persist the recent expressions now (also done shortly after each change)."""
        self._save_timer.stop()
        app_settings().setValue(self.recent_key, self._recent)

    def recent(self) -> list[str]:
        """Recent valid expressions, most recent first."""
        return list(self._recent)

    def set_error_color(self, color: str) -> None:
        """The colour used for the error text, border and underline (per theme)."""
        self._error_color = color
        self._on_error_changed(self.session.error)

    def _on_theme(self, dark: bool) -> None:
        self.set_error_color(ERROR_COLOR[dark])

    # -- session -> widget ----------------------------------------------------------------

    def _on_session_text(self, text: str) -> None:
        # Never overwrite what the person is typing: their text reaches the session soon.
        if text != self.line_edit.text() and not self.debounce.isActive():
            self._write(text)
        self._show_error(None)

    def _on_error_changed(self, error: object) -> None:
        self._show_error(error if isinstance(error, BaseException) else None)

    def _on_function_changed(self) -> None:
        f = self.session.function
        text = self.session.text
        if f is None or not text.strip():
            return
        if text in self._recent:
            self._recent.remove(text)
        self._recent.insert(0, text)
        del self._recent[MAX_RECENT:]
        self._save_timer.start()
        self._recent_menu_stale = True
        self.recent_menu.setEnabled(True)
        self.recentChanged.emit()

    # -- widget -> session ----------------------------------------------------------------

    def _on_text_edited(self, _text: str) -> None:
        if self._writing:
            return
        self._history_pos = -1
        self._clear_marks()
        self.debounce.start()

    def _on_return_pressed(self) -> None:
        self.commit()

    # -- history (Up/Down) ----------------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.line_edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() == Qt.KeyboardModifier.NoModifier or event.modifiers() == (
                Qt.KeyboardModifier.KeypadModifier
            ):
                if event.key() == Qt.Key.Key_Up:
                    self._step_history(+1)
                    return True
                if event.key() == Qt.Key.Key_Down:
                    self._step_history(-1)
                    return True
        return super().eventFilter(obj, event)

    def _step_history(self, direction: int) -> None:
        """Up (+1) goes to older expressions, Down (-1) back towards the draft."""
        if not self._recent:
            return
        if self._history_pos == -1:
            self._draft = self.line_edit.text()
        new = self._history_pos + direction
        # Skip an entry equal to what is shown (usually the current function).
        while 0 <= new < len(self._recent) and self._recent[new] == self.line_edit.text():
            new += direction
        if new >= len(self._recent):
            return
        if new < 0:
            self._history_pos = -1
            self._write(self._draft)
        else:
            self._history_pos = new
            self._write(self._recent[new])
        self.debounce.start()

    # -- helpers --------------------------------------------------------------------------

    def _write(self, text: str) -> None:
        """Set the text as one undoable edit (setText would clear the undo history)."""
        if text == self.line_edit.text():
            return
        self._writing = True
        try:
            self.line_edit.selectAll()
            self.line_edit.insert(text)
        finally:
            self._writing = False
        self._clear_marks()

    def _show_error(self, error: BaseException | None) -> None:
        if error is None or self.session.text != self.line_edit.text():
            self.error_label.setText("")
            self.error_label.hide()
            self.line_edit.setStyleSheet("")
            self.line_edit.setProperty("hasError", False)
            self._clear_marks()
            return
        message, column, length = describe_error(error)
        self.error_label.setText(message)
        self.error_label.setStyleSheet(f"color: {self._error_color};")
        self.error_label.show()
        self.line_edit.setProperty("hasError", True)
        self.line_edit.setStyleSheet(
            f"QLineEdit {{ border: 2px solid {self._error_color}; border-radius: 3px;"
            " padding: 1px 2px; }"
        )
        if column is not None:
            self._mark(column - 1, length)
        else:
            self._clear_marks()

    def _mark(self, start: int, length: int) -> None:
        """Underline ``length`` characters from ``start`` (0-based) with a red wave.

        QLineEdit has no public API for character formats; an input-method event with
        only formatting attributes (no text) sets them without touching text or undo.
        """
        text_len = len(self.line_edit.text())
        start = max(0, min(start, text_len))
        if start >= text_len:
            # An error at the end (e.g. a missing ")"): mark the last character.
            start, length = max(0, text_len - 1), 1
        length = max(1, min(length, text_len - start))
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor(self._error_color))
        fmt.setForeground(QColor(self._error_color))
        self._marked = (start, length)
        self._send_formats(
            [
                QInputMethodEvent.Attribute(
                    QInputMethodEvent.AttributeType.TextFormat,
                    start - self.line_edit.cursorPosition(),
                    length,
                    fmt,
                )
            ]
        )

    def marked_span(self) -> tuple[int, int] | None:
        """The (0-based start, length) of the underlined error span, if any."""
        return self._marked

    def _clear_marks(self) -> None:
        if self._marked is not None:
            self._marked = None
            self._send_formats([])

    def _send_formats(self, attributes: list[QInputMethodEvent.Attribute]) -> None:
        QCoreApplication.sendEvent(self.line_edit, QInputMethodEvent("", attributes))

    # -- presets menu ---------------------------------------------------------------------

    def add_presets(self, menu: QMenu) -> None:
        """Fill the presets menu (a subclass offers its own presets)."""
        for preset in load_presets():
            action = menu.addAction(preset.label)
            action.setToolTip(preset.expr)
            action.setData(preset.expr)
            action.triggered.connect(lambda _checked=False, e=preset.expr: self.set_expression(e))

    def _build_presets_menu(self) -> None:
        self.add_presets(self.presets_menu)
        self.presets_menu.addSeparator()
        self.presets_menu.addMenu(self.recent_menu)
        self._rebuild_recent_menu()

    def _rebuild_recent_menu(self) -> None:
        self.recent_menu.setEnabled(bool(self._recent))
        if not self._recent_menu_stale:
            return
        self._recent_menu_stale = False
        self.recent_menu.clear()
        for text in self._recent:
            action = self.recent_menu.addAction(text)
            action.setData(text)
            action.triggered.connect(lambda _checked=False, t=text: self.set_expression(t))
