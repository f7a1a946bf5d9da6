"""The secant through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h)), the handle at x₀ + h, and
its rise-over-run triangle: a run of h along, a rise of Δy = f(x₀ + h) − f(x₀) up, each
labelled (the secant's slope is Δy/h)."""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.model.formatting import format_number
from derivview.ui.layers.base import Drag, LegendEntry, PlotLayer
from derivview.ui.layers.items import Handle, LineItem, clear_data, set_xy
from derivview.ui.layers.tangent import GRAB_RADIUS_PX

if TYPE_CHECKING:
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle


class SecantLayer(PlotLayer):
    """``secant`` (the line), ``secant_point`` (drag it to set h), ``triangle`` (run and
    rise) with ``run_label`` and ``rise_label``; shown with "secant"."""

    name = "secant"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.secant = LineItem(antialias=True)
        self.secant.setZValue(2.5)
        plot.plot_item.addItem(self.secant, ignoreBounds=True)
        self.triangle = LineItem(antialias=True)
        self.triangle.setZValue(2.4)
        plot.plot_item.addItem(self.triangle, ignoreBounds=True)
        self.run_label = pg.TextItem(anchor=(0.5, 0.0))
        self.rise_label = pg.TextItem(anchor=(0.0, 0.5))
        for label in (self.run_label, self.rise_label):
            label.setZValue(9)
            label.hide()
            plot.plot_item.addItem(label, ignoreBounds=True)
        self.secant_point = Handle(plot.plot_colors.point_size * 0.8)
        self.secant_point.setZValue(9)
        self.secant_point.hide()
        plot.view_box.addItem(self.secant_point, ignoreBounds=True)
        s = self.session
        plot.listen(
            [
                (s.point_changed, self._update),
                (s.secant_changed, self._update),
                (s.visibility_changed, self._update),
            ]
        )

    def secant_point_scene_pos(self) -> QPointF:
        """Where the secant's second point is, in scene coordinates."""
        return self.plot.view_box.mapViewToScene(self.secant_point.pos())

    def set_style(self, style: PlotStyle) -> None:
        self.secant.setPen(pg.mkPen(style.secant, width=style.tangent_width))
        self.triangle.setPen(pg.mkPen(style.secant, width=1, style=Qt.PenStyle.DashLine))
        for label in (self.run_label, self.rise_label):
            label.setColor(style.secant)
        self.secant_point.set_colors(style.secant, style.point_edge)
        self.secant_point.set_size(style.point_size * 0.8)

    def on_resample(self) -> None:
        self._update()

    def legend_entries(self) -> list[LegendEntry]:
        return [(self.secant, "secant", "secant")] if self.session.is_visible("secant") else []

    def handle_at(self, scene_pos: QPointF) -> Drag | None:
        p = self.secant_point
        if p.isVisible() and self.plot.within(p.pos(), scene_pos, GRAB_RADIUS_PX):
            return self._drag
        return None

    def click(self, scene_pos: QPointF) -> bool:
        return self.handle_at(scene_pos) is not None  # a click on the handle leaves it

    def _drag(self, x: float, phase: str) -> None:
        h = x - self.session.x0
        if h != 0.0:
            with contextlib.suppress(ValueError):  # beyond the session's bounds: stay put
                self.session.set_secant_h(h)

    def _update(self, *_: object) -> None:
        s = self.session
        fn, info = s.function, s.point
        if s.is_visible("secant") and fn is not None and info is not None and info.f is not None:
            h = s.secant_h
            params = s.param_values()
            y1 = sampling.evaluate(lambda x: fn.f(x, params), np.array([s.x0 + h]))[0]
            if math.isfinite(y1):
                xr, yr = self.plot.view_x(), self.plot.view_y()
                height = yr[1] - yr[0]
                slope = (y1 - info.f) / h
                seg = sampling.clip_line(s.x0, info.f, slope, xr, (yr[0] - height, yr[1] + height))
                set_xy(self.secant, seg)
                self.secant_point.setPos(s.x0 + h, y1)
                if not self.secant_point.isVisible():
                    self.secant_point.show()
                self._draw_triangle(s.x0, info.f, h, float(y1))
                return
        clear_data(self.secant)
        clear_data(self.triangle)
        for item in (self.secant_point, self.run_label, self.rise_label):
            if item.isVisible():
                item.hide()

    def _draw_triangle(self, x0: float, y0: float, h: float, y1: float) -> None:
        """Run along from (x₀, f(x₀)) to x₀ + h, rise up to f(x₀ + h); each labelled."""
        x1 = x0 + h
        self.triangle.setData([x0, x1, x1], [y0, y0, y1])
        dy = y1 - y0
        self.run_label.setText(f"h = {format_number(h, 4)}")
        # under the run when the secant climbs, over it when it falls
        self.run_label.setAnchor((0.5, 0.0) if dy >= 0 else (0.5, 1.0))
        self.run_label.setPos((x0 + x1) / 2, y0)
        self.rise_label.setText(f"Δy = {format_number(dy, 4)}")
        # beside the rise, away from the run
        self.rise_label.setAnchor((-0.1, 0.5) if h >= 0 else (1.1, 0.5))
        self.rise_label.setPos(x1, (y0 + y1) / 2)
        for label in (self.run_label, self.rise_label):
            if not label.isVisible():
                label.show()
