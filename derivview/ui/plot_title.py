"""A title above the plot for exports: f's formula as typeset mathematics, or a text.

``--title auto`` sets f as the derivation dock does (:mod:`derivview.model.expr.typeset`,
laid out and painted by :mod:`derivview.ui.mathview`), so SVG and PDF get vector glyphs.
The title takes the place of pyqtgraph's own title label in the plot's layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QPainter

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model.mathbox import Box, Fence, Row, Sym, row
from derivview.ui.mathview import MathLayout, layout_math, paint_math

if TYPE_CHECKING:
    from derivview.model.session import Session

#: "auto": f's formula; "none" (or ""): no title; anything else: that text.
AUTO = "auto"
NONE = "none"


def title_box(session: Session, title: str) -> Box | None:
    """The box to set for ``title`` (None: no title)."""
    title = title.strip()
    if not title or title == NONE:
        return None
    if title != AUTO:
        return row(title)
    from derivview.model.expr.typeset import typeset_text

    try:
        formula = typeset_text(session.text)
    except Exception:  # an invalid f has no formula to show: its text will do
        return row(f"f(x) = {session.text}")
    lhs = Row((Sym("f", "var"), Fence(Sym("x", "var"))))
    return Row((lhs, Sym("=", "rel"), formula))


class MathTitle(pg.GraphicsWidget):
    """A laid-out formula centred in its row, in the plot's foreground colour."""

    def __init__(self, box: Box, pixel_size: float, color: str) -> None:
        super().__init__()
        self._box = box
        self._px = pixel_size
        self._laid: MathLayout = layout_math(box, pixel_size)
        self._color = QColor(color)
        self._pad = 0.5 * pixel_size
        height = self._laid.height + 2 * self._pad
        self.setMinimumHeight(height)
        self.setMaximumHeight(height)
        self.setPreferredSize(QSizeF(self._laid.width + 2 * self._pad, height))

    @property
    def box(self) -> Box:
        """What the title shows."""
        return self._box

    def set_box(self, box: Box) -> None:
        """Show ``box`` instead (the row keeps its height: an animation's caption)."""
        self._box = box
        self._laid = layout_math(box, self._px)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.size().width(), self.size().height())

    def paint(self, p: QPainter, *args: Any) -> None:
        x = max(0.0, (self.size().width() - self._laid.width) / 2)
        baseline = self._pad + self._laid.ascent
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        paint_math(p, self._laid, x, baseline, self._color)


def current_title(plot_item: pg.PlotItem) -> MathTitle | None:
    """The MathTitle in the plot's title row, if any."""
    item = plot_item.layout.itemAt(0, 1)
    return item if isinstance(item, MathTitle) else None


def install_title(plot_item: pg.PlotItem, title: MathTitle | None) -> None:
    """Put ``title`` in the plot's title row (None: an empty row of no height)."""
    layout = plot_item.layout
    current = layout.itemAt(0, 1)
    if current is not None:
        layout.removeItem(current)
        if current is not plot_item.titleLabel:
            scene = current.scene()
            if scene is not None:
                scene.removeItem(current)
    plot_item.titleLabel.setVisible(False)
    if title is None:
        layout.addItem(plot_item.titleLabel, 0, 1)
        layout.setRowFixedHeight(0, 0)
        return
    layout.addItem(title, 0, 1)
    layout.setRowFixedHeight(0, title.maximumHeight())
    layout.setAlignment(title, Qt.AlignmentFlag.AlignCenter)
