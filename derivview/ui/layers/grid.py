"""The grid: major and minor lines at the axes' ticks.

Two NaN-free "pairs" curves: pyqtgraph's own grid (drawn by the axes) costs ~10 ms a
frame here, this ~0.3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtGui import QColor

import pyqtgraph as pg  # isort: skip

from derivview.ui.layers.base import PlotLayer
from derivview.ui.layers.items import Curve, blend

if TYPE_CHECKING:
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle


class GridLayer(PlotLayer):
    """``grid_lines[0]`` (major) and ``grid_lines[1]`` (minor), shown with "grid"."""

    name = "grid"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.grid_lines = [Curve(connect="pairs", antialias=False) for _ in "ab"]
        for z, line in enumerate(self.grid_lines):
            line.setZValue(-15 - z)
            plot.view_box.addItem(line, ignoreBounds=True)
        plot.listen([(self.session.visibility_changed, self._on_visibility_changed)])
        self._on_visibility_changed()

    def set_style(self, style: PlotStyle) -> None:
        bg, fg = QColor(style.background), QColor(style.foreground)
        alphas = (style.grid_alpha, style.grid_alpha / 2.5)
        for line, alpha in zip(self.grid_lines, alphas, strict=True):
            line.setPen(pg.mkPen(blend(bg, fg, alpha), width=1))

    def on_view_moved(self) -> None:
        """Put the grid lines at the axes' major and minor ticks over the view."""
        if not self.session.is_visible("grid"):
            return
        (x0, x1), (y0, y1) = self.plot.view_x(), self.plot.view_y()
        # The very ticks each axis labels (and the same question, asked once a frame).
        xt = self.plot.plot_item.getAxis("bottom").drawn_ticks(x0, x1)
        yt = self.plot.plot_item.getAxis("left").drawn_ticks(y0, y1)
        for level, line in enumerate(self.grid_lines):
            xv = np.asarray(xt[level][1] if level < len(xt) else [], dtype=float)
            yv = np.asarray(yt[level][1] if level < len(yt) else [], dtype=float)
            # each tick value: one segment across the view (x pairs, then y pairs)
            xs = np.concatenate((np.repeat(xv, 2), np.tile([x0, x1], yv.size)))
            ys = np.concatenate((np.tile([y0, y1], xv.size), np.repeat(yv, 2)))
            line.setData(xs, ys)

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("grid")
        for line in self.grid_lines:
            line.setVisible(shown)
        self.on_view_moved()
