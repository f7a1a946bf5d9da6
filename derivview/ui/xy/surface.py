"""Layers of the f(x, y) plot that show f itself: the heat map with its contour lines, and
the gradient field. They are drawn from a sample of f on a grid of the view, made when
the view, f or a parameter changes (never on a point drag).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsItem

from derivview.ui.xy.colorbar import lut

if TYPE_CHECKING:
    from derivview.model.labs.contours import ContourGrid
    from derivview.ui.xy.plot import XyPlot
    from derivview.ui.xy.style import XyStyle

_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache


@dataclass(frozen=True)
class Sample:
    """f on a grid over the view: ``z[i, j]`` = f(xs[j], ys[i]); its level lines' grid,
    the contour levels, and the colour scale's anchors (values and positions 0…1)."""

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    grid: ContourGrid
    levels: np.ndarray
    anchors: tuple[np.ndarray, np.ndarray]


class XyLayer:
    """One thing drawn on the f(x, y) plot (hooks called by :class:`XyPlot`)."""

    #: Unique within the plot: ``plot.layer(name)``.
    name = ""

    def __init__(self, plot: XyPlot) -> None:
        self.plot = plot
        self.state = plot.state

    def set_style(self, style: XyStyle) -> None:
        """Take the theme's colours."""

    def on_sample(self, sample: Sample | None) -> None:
        """A new sample of f over the view (None: no function)."""

    def on_view_moved(self) -> None:
        """The visible region moved or was resized (keep it cheap)."""

    def on_visibility(self) -> None:
        """The shown items changed."""


class SurfaceLayer(XyLayer):
    """The heat map (``heatmap``) and the contour lines (``contours``) of f."""

    name = "surface"

    def __init__(self, plot: XyPlot) -> None:
        super().__init__(plot)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setZValue(-20)
        self.image.setCacheMode(_CACHE)
        self.contours = pg.PlotDataItem(connect="pairs")
        self.contours.setObjectName("xyContours")
        self.contours.setZValue(-10)
        self.contours.curve.setCacheMode(_CACHE)
        plot.plot_item.addItem(self.image, ignoreBounds=True)
        plot.plot_item.addItem(self.contours, ignoreBounds=True)
        self._table = lut("viridis")
        self._sample: Sample | None = None

    def set_style(self, style: XyStyle) -> None:
        self._table = lut(style.colormap, style.heat_alpha)
        self.contours.setPen(pg.mkPen(style.contour, width=1))
        # the bar as the heat map is seen: the same translucency over the same background
        self.plot.colorbar.set_colors(self._table)
        self.on_sample(self._sample)

    def on_sample(self, sample: Sample | None) -> None:
        self._sample = sample
        if sample is None:
            self.image.clear()
            self.contours.setData([], [])
            return
        xs, ys, z = sample.xs, sample.ys, sample.z
        values, positions = sample.anchors
        finite = np.isfinite(z)
        t = np.interp(np.where(finite, z, values[0]), values, positions)
        rgba = self._table[np.clip((t * 255.0).round().astype(np.intp), 0, 255)]
        rgba[~finite, 3] = 0  # outside the domain: transparent
        self.image.setImage(rgba, autoLevels=False)
        dx = (xs[-1] - xs[0]) / max(xs.size - 1, 1)
        dy = (ys[-1] - ys[0]) / max(ys.size - 1, 1)
        # each pixel centred on its sample
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx,
                                  ys[-1] - ys[0] + dy))  # fmt: skip
        cx: list[np.ndarray] = []
        cy: list[np.ndarray] = []
        for c in sample.levels:
            x, y = sample.grid.segments(float(c))
            cx.append(x)
            cy.append(y)
        if cx:
            self.contours.setData(np.concatenate(cx), np.concatenate(cy), connect="pairs")
        else:
            self.contours.setData([], [])
        self.plot.colorbar.set_scale(values, positions)
        self.on_visibility()

    def on_visibility(self) -> None:
        self.image.setVisible(self.state.is_visible("heatmap"))
        self.contours.setVisible(self.state.is_visible("contours"))

    def segment_count(self) -> int:
        """How many contour segments are drawn (for tests and tools)."""
        x, _ = self.contours.getData()
        return 0 if x is None else len(x) // 2


#: Arrows across the wider side of the view, in the gradient field.
FIELD_ARROWS = 22


def arrow_segments(
    px: np.ndarray, py: np.ndarray, ux: np.ndarray, uy: np.ndarray, length: float
) -> tuple[np.ndarray, np.ndarray]:
    """Arrows from (px, py) along the unit vectors (ux, uy), ``length`` long, as segment
    pairs (shaft and two barbs) for ``connect="pairs"``."""
    tx, ty = px + length * ux, py + length * uy
    head = 0.28 * length
    c, s = np.cos(np.radians(24.0)), np.sin(np.radians(24.0))
    b1x, b1y = tx - head * (c * ux - s * uy), ty - head * (s * ux + c * uy)
    b2x, b2y = tx - head * (c * ux + s * uy), ty - head * (-s * ux + c * uy)
    xs = np.stack([px, tx, tx, b1x, tx, b2x], axis=-1).reshape(-1)
    ys = np.stack([py, ty, ty, b1y, ty, b2y], axis=-1).reshape(-1)
    return xs, ys


class FieldLayer(XyLayer):
    """The gradient field (``field``): the direction of ∇f on a grid of arrows.

    Every arrow has the same length (its direction is the information; how steep f is
    shows in how close the contour lines are); they point uphill, the way ∇f points —
    descent moves against them.
    """

    name = "field"

    def __init__(self, plot: XyPlot) -> None:
        super().__init__(plot)
        self.arrows = pg.PlotDataItem(connect="pairs")
        self.arrows.setObjectName("xyField")
        self.arrows.setZValue(-5)
        self.arrows.curve.setCacheMode(_CACHE)
        plot.plot_item.addItem(self.arrows, ignoreBounds=True)
        self._count = 0

    def set_style(self, style: XyStyle) -> None:
        self.arrows.setPen(pg.mkPen(style.field, width=1))

    def on_sample(self, sample: Sample | None) -> None:
        self._draw()

    def on_visibility(self) -> None:
        shown = self.state.is_visible("field")
        self.arrows.setVisible(shown)
        if shown != (self._count > 0):
            self._draw()

    def _draw(self) -> None:
        fn = self.state.function
        if fn is None or not self.state.is_visible("field"):
            self.arrows.setData([], [])
            self._count = 0
            return
        (x0, x1), (y0, y1) = self.plot.view_x(), self.plot.view_y()
        step = max(x1 - x0, y1 - y0) / FIELD_ARROWS
        gx = np.arange(x0 + step / 2, x1, step)
        gy = np.arange(y0 + step / 2, y1, step)
        px, py = (a.reshape(-1) for a in np.meshgrid(gx, gy))
        _, (dx, dy), _ = fn.jets(px, py, self.state.param_values())
        with np.errstate(all="ignore"):
            norm = np.hypot(dx, dy)
            ok = np.isfinite(norm) & (norm > 0)
            ux, uy = dx[ok] / norm[ok], dy[ok] / norm[ok]
        xs, ys = arrow_segments(px[ok], py[ok], ux, uy, 0.7 * step)
        self.arrows.setData(xs, ys, connect="pairs")
        self._count = int(ok.sum())

    def arrow_count(self) -> int:
        """How many arrows are drawn (for tests and tools)."""
        return self._count
