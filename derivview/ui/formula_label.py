"""A typeset formula that fits the width it is given: the readout's f, f′, f″ and the
derivation's lines.

:class:`~derivview.ui.mathview.MathLabel` asks for the width of its formula; in a dock a
long f″ would then push the dock (or the window) wider. A :class:`FormulaLabel` takes the
width its layout gives it instead: a formula that is too wide is set a little smaller
(down to :data:`MIN_SCALE`) and, beyond that, cut at the right edge with "…". The whole
formula is always its tooltip and accessible name (``plainText()``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from derivview.model.mathbox import Box
from derivview.ui.mathview import MathLabel, paint_math

__all__ = ["MIN_SCALE", "FormulaLabel"]

MIN_SCALE = 0.7
"""The smallest a formula is set to fit before it is cut."""


class FormulaLabel(MathLabel):
    """A :class:`MathLabel` that never asks for more width than it gets."""

    def __init__(self, parent: QWidget | None = None, *, scale: float = 1.15) -> None:
        super().__init__(parent, scale=scale)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._held = 0  # a height kept from the last formula (see setMath)
        self._height: int | None = None  # the height last announced to the layout

    def setMath(self, box: Box | None, words: str = "", *, hold_height: bool = False) -> None:
        """Show ``box`` (or ``words``). ``hold_height``: stay at least as tall as now —
        for words that stand in for a formula still being printed, so that the lines
        below do not move up while it is printed and down again when it comes."""
        held = self.sizeHint().height() if hold_height else 0
        same = box == self.box() and words == self._words
        if held != self._held:
            self._held = held
            if same:  # (MathLabel.setMath does nothing then)
                self._relayout()
        super().setMath(box, words)
        self.setToolTip(self.plainText())

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if self._held > hint.height():
            hint.setHeight(self._held)
        return hint

    def changeEvent(self, event: QEvent) -> None:
        # Only a new font changes the layout (not a tooltip, the palette or activation).
        QWidget.changeEvent(self, event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._relayout()
        elif event.type() == QEvent.Type.PaletteChange:
            self.update()

    def _relayout(self) -> None:
        # A new formula of the same height re-lays out nothing: the width is the layout's.
        self._laid = None
        self.setAccessibleName(self.plainText())
        height = self.sizeHint().height()
        if height != self._height:
            self._height = height
            self.updateGeometry()
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(40, self.sizeHint().height())

    def fits(self) -> bool:
        """Whether the formula is shown whole at its full size."""
        laid = self._layout()
        return laid is None or laid.width + 2 * self._margin <= self.width()

    def paintEvent(self, event: object) -> None:
        laid = self._layout()
        if laid is None:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        color = self.palette().color(QPalette.ColorRole.WindowText)
        if not self.isEnabled():
            color = self.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
            )
        roles = {"highlight": self.palette().color(QPalette.ColorRole.Link)}
        muted = QColor(color)
        muted.setAlphaF(0.55)
        roles["muted"] = muted
        room = max(1.0, self.width() - 2 * self._margin)
        scale = 1.0 if laid.width <= room else max(MIN_SCALE, room / laid.width)
        cut = laid.width * scale > room
        if cut:
            # leave room for the ellipsis and clip what does not fit
            ellipsis_w = painter.fontMetrics().horizontalAdvance("…") + 4
            painter.setClipRect(QRectF(0, 0, self._margin + room - ellipsis_w, self.height()))
        painter.save()
        top = (self.height() - laid.height * scale) / 2
        painter.translate(QPointF(self._margin, top))
        painter.scale(scale, scale)
        paint_math(painter, laid, 0.0, laid.ascent, color, roles)
        painter.restore()
        if cut:
            painter.setClipping(False)
            painter.setPen(color)
            painter.drawText(
                QRectF(0, 0, self.width() - 2, self.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                "…",
            )
        painter.end()
