"""Concavity shading: bands where f is concave up (f″ > 0) or down (f″ < 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsRectItem

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.ui.layers.base import LegendEntry, PlotLayer

if TYPE_CHECKING:
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle


class ConcavityLayer(PlotLayer):
    """Shaded ``bands`` (a growing pool) over ``intervals`` = [(a, b, sign), ...]."""

    name = "concavity"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.bands: list[QGraphicsRectItem] = []
        self.intervals: list[tuple[float, float, int]] = []
        self._up = QBrush()
        self._down = QBrush()
        # Legend samples (never added to the view): a filled square in each band's colour.
        self.samples = {
            1: pg.BarGraphItem(x=[0], height=[1], width=1, pen=None),
            -1: pg.BarGraphItem(x=[0], height=[1], width=1, pen=None),
        }
        plot.listen([(self.session.visibility_changed, self._on_visibility_changed)])

    def set_style(self, style: PlotStyle) -> None:
        self._up = QBrush(pg.mkColor(style.concave_up))
        self._down = QBrush(pg.mkColor(style.concave_down))
        for sign, color in ((1, style.concave_up), (-1, style.concave_down)):
            self.samples[sign].setOpts(brush=pg.mkBrush(color), pen=None)
        if self.bands:
            self.on_resample()

    def on_resample(self) -> None:
        fn = self.session.function
        if fn is None or not self.session.is_visible("concavity"):
            self._set_bands([])
            return
        xr = self.plot.view_x()
        width = max(self.plot.view_width(), 200.0)
        params = self.session.param_values()
        x = np.linspace(xr[0], xr[1], sampling.sample_count(width))
        d2 = sampling.evaluate(lambda t: fn.d2f(t, params), x)
        self._set_bands(sampling.concavity_intervals(x, d2))

    def _set_bands(self, intervals: list[tuple[float, float, int]]) -> None:
        yr = self.plot.view_y()
        height = yr[1] - yr[0]
        top, span = yr[0] - height, 3 * height
        while len(self.bands) < len(intervals):
            band = QGraphicsRectItem()
            band.setPen(QPen(Qt.PenStyle.NoPen))
            band.setZValue(-20)
            self.plot.view_box.addItem(band, ignoreBounds=True)
            self.bands.append(band)
        for band, (a, b, sign) in zip(self.bands, intervals, strict=False):
            band.setRect(QRectF(a, top, b - a, span))
            band.setBrush(self._up if sign > 0 else self._down)
            band.setToolTip("concave up (f″ > 0)" if sign > 0 else "concave down (f″ < 0)")
            band.setVisible(True)
        for band in self.bands[len(intervals) :]:
            band.setVisible(False)
        signs = {s for _a, _b, s in self.intervals}
        self.intervals = intervals
        if signs != {s for _a, _b, s in intervals}:
            self.plot.refresh_legend()

    def legend_entries(self) -> list[LegendEntry]:
        signs = {s for _a, _b, s in self.intervals}
        names = {1: "concave up (f″ > 0)", -1: "concave down (f″ < 0)"}
        return [(self.samples[s], names[s], "concavity") for s in (1, -1) if s in signs]

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("concavity")
        if shown != bool(self.intervals):
            self.on_resample()  # shade (or clear) now, not at the next pan
        if self.session.is_visible("concavity"):
            self.on_resample()
