"""The point (x₀, y₀) on the f(x, y) plot: a handle to drag, the gradient there as an
arrow, and the level line f = f(x₀, y₀) through it.

The arrow shows the direction of ∇f (steepest ascent) at a fixed length on screen; its
size is in the readout. It is perpendicular to the level line, which is the contour of
the view's sample at the point's value (a fraction of a millisecond per drag frame: only
the blocks of cells the level crosses are searched). Items are created once, then
``setData``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg

from derivview.ui.layers.items import Curve, PixelLine
from derivview.ui.xy.surface import Sample, XyLayer, arrow_segments

if TYPE_CHECKING:
    from derivview.ui.xy.plot import XyPlot
    from derivview.ui.xy.style import XyStyle

#: The arrow's length, as a share of the view's smaller side.
ARROW_SHARE = 0.14


class PointLayer(XyLayer):
    """The point handle (``xyPointHandle``), its gradient arrow and level line."""

    name = "point"

    def __init__(self, plot: XyPlot) -> None:
        super().__init__(plot)
        st = self.state
        # Plain curve items (a PlotDataItem's bookkeeping costs as much as the data), the
        # arrow stroked in pixels (a 2.5-px pen under the view's scale is slow).
        self.level = Curve(connect="pairs")
        self.level.setObjectName("xyLevelLine")
        self.level.setZValue(20)
        self.arrow = PixelLine()
        self.arrow.setObjectName("xyGradientArrow")
        self.arrow.setZValue(30)
        self.label = pg.TextItem("∇f", anchor=(0.0, 1.0))
        self.label.setZValue(31)
        self.handle = pg.TargetItem(pos=(st.x0, st.y0), size=13, symbol="o", movable=True)
        self.handle.setObjectName("xyPointHandle")
        self.handle.setZValue(40)
        self.handle.setToolTip("(x₀, y₀): drag it, or click anywhere on the plot")
        for item in (self.level, self.arrow, self.label, self.handle):
            plot.plot_item.addItem(item, ignoreBounds=True)
        self._syncing = False
        self._sample: Sample | None = None
        self.handle.sigPositionChanged.connect(self._on_handle_moved)
        plot.listen([(st.point_changed, self._on_point_changed)])

    def set_style(self, style: XyStyle) -> None:
        self.level.setPen(pg.mkPen(style.level, width=2))  # measured: as cheap as 1 px here
        self.arrow.setPen(pg.mkPen(style.arrow, width=2.5))
        self.label.setColor(style.arrow)
        pen = pg.mkPen(style.point_edge, width=1.5)
        brush = pg.mkBrush(style.point)
        self.handle.setPen(pen)
        self.handle.setBrush(brush)
        self.handle.setHoverPen(pg.mkPen(style.point_edge, width=2.5))
        self.handle.setHoverBrush(brush)

    # -- the handle -> the state ------------------------------------------------------------

    def _on_handle_moved(self, *_: object) -> None:
        if self._syncing:
            return
        p = self.handle.pos()
        try:
            self.state.set_point(float(p.x()), float(p.y()))
        except ValueError:  # beyond ±1e12: back to where the state is
            self._on_point_changed()

    # -- the state -> the items -------------------------------------------------------------

    def _on_point_changed(self) -> None:
        st = self.state
        p = self.handle.pos()
        if (p.x(), p.y()) != (st.x0, st.y0):
            self._syncing = True
            try:
                self.handle.setPos(st.x0, st.y0)
            finally:
                self._syncing = False
        self._draw_arrow()
        self._draw_level()

    def on_sample(self, sample: Sample | None) -> None:
        self._sample = sample
        self._draw_level()
        self._draw_arrow()

    def on_view_moved(self) -> None:
        self._draw_arrow()

    def on_visibility(self) -> None:
        self._draw_arrow()
        self._draw_level()

    def _draw_arrow(self) -> None:
        point = self.state.point
        g = None if point is None else point.gradient
        norm = 0.0 if g is None else math.hypot(*g)
        if not self.state.is_visible("gradient") or g is None or not norm > 0:
            self.arrow.setData([], [])
            self.label.setVisible(False)
            return
        (x0, x1), (y0, y1) = self.plot.view_x(), self.plot.view_y()
        length = ARROW_SHARE * min(x1 - x0, y1 - y0)
        ux, uy = g[0] / norm, g[1] / norm
        xs, ys = arrow_segments(
            np.array([point.x]), np.array([point.y]), np.array([ux]), np.array([uy]), length
        )
        # one polyline: shaft to the tip, out to a barb, back, out to the other barb
        order = [0, 1, 3, 2, 5]
        self.arrow.setData(xs[order], ys[order])
        self.label.setPos(point.x + 1.08 * length * ux, point.y + 1.08 * length * uy)
        self.label.setVisible(True)

    def _draw_level(self) -> None:
        point = self.state.point
        sample = self._sample
        if sample is None or point is None or point.f is None or not self.state.is_visible("level"):
            self.level.setData([], [])
            return
        x, y = sample.grid.segments(point.f)
        self.level.setData(x, y, connect="pairs")

    def level_points(self) -> tuple[np.ndarray, np.ndarray]:
        """The level line's points (pairs), for tests and tools."""
        x, y = self.level.getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)
