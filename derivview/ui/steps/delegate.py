"""Painting a derivation line in the tree: the rule's name, the formula typeset, the note.

Each row of the derivation's tree holds a :class:`~derivview.ui.steps.lines.StepLine`
(role :data:`LINE_ROLE`); this delegate lays its boxes out with the window's fonts
(:func:`derivview.ui.mathview.layout_math`, cached per box and size) and paints them in
the palette's colours: the rule's name small and in the link colour, the formula in the
text colour, a note muted — or, where it says a derivative is missing, in vermillion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from derivview.ui.mathview import MathLayout, layout_math, paint_math

if TYPE_CHECKING:  # (the derivation's modules load when it is first shown, not at start)
    from derivview.ui.steps.lines import StepLine

__all__ = ["LINE_ROLE", "StepDelegate"]

LINE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
WARNING = "#D55E00"  # Okabe–Ito vermillion: reads on light and dark
_PAD = 4.0


def _is_line(value: object) -> bool:
    """Whether ``value`` is a StepLine (by its fields: the class loads later)."""
    return hasattr(value, "formula") and hasattr(value, "title")


class StepDelegate(QStyledItemDelegate):
    """Paints :class:`StepLine` rows (see the module docstring)."""

    def __init__(self, parent: object = None, *, scale: float = 1.1) -> None:
        super().__init__(parent)  # type: ignore[arg-type]
        self.scale = scale

    # -- geometry ------------------------------------------------------------------------

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, float]:
        base = QFont(option.font)
        small = QFont(base)
        small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        title = QFont(small)
        title.setBold(True)
        px = QFontMetricsF(base).height() * 0.78 * self.scale
        return title, small, round(px * 2) / 2

    def _parts(
        self, line: StepLine, option: QStyleOptionViewItem
    ) -> tuple[QFont, QFont, MathLayout, MathLayout | None]:
        title, small, px = self._fonts(option)
        formula = layout_math(line.formula, px)
        chain = layout_math(line.chain, px * 0.9) if line.chain is not None else None
        return title, small, formula, chain

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        line = index.data(LINE_ROLE)
        if not _is_line(line):
            return super().sizeHint(option, index)
        title, small, formula, chain = self._parts(line, option)
        tm, sm = QFontMetricsF(title), QFontMetricsF(small)
        width = max(tm.horizontalAdvance(line.title), formula.width)
        height = tm.height() + formula.height + 2 * _PAD
        if chain is not None:
            width = max(width, chain.width)
            height += chain.height + 2
        if line.note:
            width = max(width, sm.horizontalAdvance(line.note))
            height += sm.height()
        return QSize(int(width + 2 * _PAD + 1), int(height + 1))

    # -- painting ------------------------------------------------------------------------

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        line = index.data(LINE_ROLE)
        if not _is_line(line):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pal = opt.palette
        text = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        accent = text if selected else pal.color(QPalette.ColorRole.Link)
        muted = QColor(text)
        muted.setAlphaF(0.7)
        title_font, small, formula, chain = self._parts(line, opt)
        rect = QRectF(opt.rect).adjusted(_PAD, _PAD, -_PAD, -_PAD)
        painter.save()
        painter.setClipRect(opt.rect)
        tm = QFontMetricsF(title_font)
        painter.setFont(title_font)
        painter.setPen(accent)
        y = rect.top()
        painter.drawText(QPointF(rect.left(), y + tm.ascent()), line.title)
        y += tm.height()
        roles = {"highlight": accent, "muted": muted}
        paint_math(painter, formula, rect.left(), y + formula.ascent, text, roles)
        y += formula.height
        if chain is not None:
            y += 2
            paint_math(painter, chain, rect.left(), y + chain.ascent, muted, roles)
            y += chain.height
        if line.note:
            sm = QFontMetricsF(small)
            painter.setFont(small)
            painter.setPen(QColor(WARNING) if line.warning and not selected else muted)
            painter.drawText(QPointF(rect.left(), y + sm.ascent()), line.note)
        painter.restore()
