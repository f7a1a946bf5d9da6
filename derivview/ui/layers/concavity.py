"""Concavity shading: bands where f is concave up (f″ > 0) or down (f″ < 0)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsRectItem

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.ui.layers.base import PlotLayer

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
        plot.listen([(self.session.visibility_changed, self._on_visibility_changed)])

    def set_style(self, style: PlotStyle) -> None:
        self._up = QBrush(pg.mkColor(style.concave_up))
        self._down = QBrush(pg.mkColor(style.concave_down))
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
        self.intervals = intervals

    def _on_visibility_changed(self) -> None:
        for band in self.bands:
            band.setVisible(False)
        if self.session.is_visible("concavity"):
            self.on_resample()
