"""The f(x, y) readout (``xyReadout``): f, ∂f/∂x, ∂f/∂y, |∇f|, the Hessian, its
eigenvalues and the kind of point (contracts.md §6), and what they mean.

Two labels, because they change at different rates: the numbers on every drag frame
(plain text in a fixed-pitch font, 8 significant digits, a Unicode minus), and the words
(the kind of point, the curvature, the step size gradient descent tolerates here) only
when their text changes.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.formatting import format_number as fmt
from derivview.ui.label_frame import LabelFrame, WrappedFrame
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.fxy import XyPoint
    from derivview.model.labs.xy_state import XyState

KIND_WORDS = {
    "regular": "<b>regular point</b>: ∇f ≠ 0. f rises fastest along ∇f and falls fastest "
    "along −∇f; the level line through the point is perpendicular to ∇f",
    "minimum": "<b>a local minimum</b>: ∇f = 0 and both eigenvalues of H are &gt; 0",
    "maximum": "<b>a local maximum</b>: ∇f = 0 and both eigenvalues of H are &lt; 0",
    "saddle": "<b>a saddle point</b>: ∇f = 0 but the eigenvalues of H have opposite signs: "
    "f curves up along one eigenvector and down along the other",
    "degenerate": "<b>a degenerate stationary point</b>: ∇f = 0 and an eigenvalue of H is 0: "
    "second derivatives cannot tell what kind of point it is",
}


def point_rows(p: XyPoint) -> list[tuple[str, str]]:
    """The readout's numbers at a point, as (name, value) rows."""
    rows = [("(x₀, y₀)", f"({fmt(p.x)}, {fmt(p.y)})"), ("f", fmt(p.f))]
    if p.f is None:
        return rows
    if p.gradient is None:
        rows.append(("∇f", "does not exist here"))
        return rows
    gx, gy = p.gradient
    rows += [("∂f/∂x", fmt(gx)), ("∂f/∂y", fmt(gy)), ("|∇f|", fmt(p.norm))]
    if p.hessian is None:
        rows.append(("H", "does not exist here"))
        return rows
    (a, b), (_, d) = p.hessian
    cells = [fmt(v) for v in (a, b, b, d)]
    w = max(len(c) for c in cells)
    rows.append(("H", f"⎡{cells[0].rjust(w)}  {cells[1].rjust(w)}⎤"))
    rows.append(("", f"⎣{cells[2].rjust(w)}  {cells[3].rjust(w)}⎦"))
    ev = p.eigenvalues
    assert ev is not None
    rows.append(("λ₁, λ₂", f"{fmt(ev[0])}, {fmt(ev[1])}"))
    return rows


def rows_text(rows: list[tuple[str, str]]) -> str:
    """Rows as aligned plain text; a row without a name continues the one above (H)."""
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)} {'=' if name else ' '} {value}" for name, value in rows)


def point_words(p: XyPoint, learning_rate: float | None = None) -> list[str]:
    """What the numbers say: the kind of point, the curvature, gradient descent's η bound."""
    if p.f is None:
        return [f"<b>f is undefined at ({fmt(p.x)}, {fmt(p.y)})</b>: outside its domain"]
    if p.gradient is None:
        return [
            "<b>no gradient here</b>: a partial derivative does not exist at this point "
            "(a crease or corner of f, as at ReLU's corner)"
        ]
    words = [KIND_WORDS[p.kind]] if p.kind else []
    ev = p.eigenvalues
    if ev is not None:
        lo, hi = ev
        if lo >= 0 and hi > 0:
            words.append("curvature: <b>convex</b> here (H is positive semi-definite)")
        elif hi <= 0 and lo < 0:
            words.append("curvature: <b>concave</b> here (H is negative semi-definite)")
        elif lo < 0 < hi:
            words.append("curvature: <b>neither convex nor concave</b> here (H is indefinite)")
        if hi > 0 and math.isfinite(hi):
            bound = 2.0 / hi
            text = f"gradient descent is stable near here for η &lt; 2/λ₂ = {fmt(bound, 6)}"
            if learning_rate is not None and learning_rate >= bound:
                text += f"; η = {fmt(learning_rate, 6)} overshoots"
            words.append(text)
    return words


class XyReadout(QWidget):
    """The numbers at (x₀, y₀) (``xyReadout``) and what they mean (``xyWords``)."""

    def __init__(self, state: XyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xyReadoutPanel")
        self.state = state
        selectable = (
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label = QLabel(self)
        self.label.setObjectName("xyReadout")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.label.setTextInteractionFlags(selectable)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Short lines, never wrapped: the label's height is its number of lines, whatever
        # the dock's width (a wrapped height measured before layout left a gap below).
        self.label.setWordWrap(False)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.label.setToolTip(
            "f, its gradient and its Hessian H at (x₀, y₀), with H's eigenvalues "
            "(select to copy); 8 significant digits"
        )
        self.words = QLabel(self)
        self.words.setObjectName("xyWords")
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(selectable)
        self.words.setToolTip("What the numbers say about f at (x₀, y₀)")
        # Both change on drag frames: opaque (their own background, the dock's colour), so
        # that a new text repaints the label alone, not the panel beneath it.
        for label in (self.label, self.words):
            label.setAutoFillBackground(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        self._frame = LabelFrame(self.label, self)
        layout.addWidget(self._frame)
        self._words_frame = WrappedFrame(self.words, self)
        layout.addWidget(self._words_frame)
        connect_while_alive(
            self,
            [
                (state.point_changed, self._on_point_changed),
                (state.error_changed, self._on_point_changed),
                (state.descent.changed, self._on_point_changed),
            ],
        )
        self._on_point_changed()

    def plain_text(self) -> str:
        """What the readout says, without markup (for tests and copying)."""
        from PySide6.QtGui import QTextDocument

        doc = QTextDocument()
        doc.setHtml(self.words.text())
        return "\n".join(t for t in (self.label.text(), doc.toPlainText()) if t)

    def _on_point_changed(self, *_: object) -> None:
        p = self.state.point
        if p is None:
            self._frame.set_text("")
            text = (
                "<i>No function yet: correct the expression above.</i>"
                if self.state.error is not None
                else "<i>Type a function of x and y above.</i>"
            )
            self._set_words(text)
            return
        self._frame.set_text(rows_text(point_rows(p)))
        config = self.state.descent.configs[0]
        lr = config.learning_rate if config.method == "gd" else None
        self._set_words("<br>".join(point_words(p, lr)))

    def _set_words(self, text: str) -> None:
        self._words_frame.set_text(text)
