"""The slices through (x₀, y₀): f(x, y₀) against x and f(x₀, y) against y, each with its
tangent — the 1-D picture inside the 2-D one. The slope of the first tangent is ∂f/∂x,
of the second ∂f/∂y: a partial derivative is the ordinary derivative of a slice.

Each slice is sampled across the region shown (300 points, one forward pass) when f, a
parameter, the region or the line through the point changes: a drag along x keeps the
curve of f(x, y₀) and moves only its point and tangent. The y range follows the curve
with some slack (it moves when the curve leaves it or becomes lost in it), so that the
axes do not repaint on every drag frame. The tangent and the point are drawn in pixels
(:mod:`derivview.ui.layers.items`): a 2-px line stroked under the view's scale and a
scatter plot of one point cost most of a slice's frame.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.formatting import format_number as fmt
from derivview.ui.axes import number_axes
from derivview.ui.label_frame import LabelFrame
from derivview.ui.layers.items import Curve, Handle, PixelLine
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive
from derivview.ui.xy.style import XyStyle, xy_style

if TYPE_CHECKING:
    from derivview.model.labs.fxy import XyFunction
    from derivview.model.labs.xy_state import XyState

SAMPLES = 300
#: The tangent spans this share of the slice's range on each side of the point.
TANGENT_SHARE = 0.22


def fit_range(values: np.ndarray, include: float | None) -> tuple[float, float] | None:
    """A y range for a curve: its 2nd–98th percentiles (and ``include``), padded 10%."""
    v = values[np.isfinite(values)]
    if include is not None and math.isfinite(include):
        v = np.append(v, include)
    if v.size == 0:
        return None
    lo, hi = (float(q) for q in np.percentile(v, [2.0, 98.0]))
    if include is not None and math.isfinite(include):
        lo, hi = min(lo, include), max(hi, include)
    span = hi - lo
    if span <= 1e-12 * max(1.0, abs(lo), abs(hi)):
        span = max(1.0, abs(lo))
        return lo - span / 2, hi + span / 2
    return lo - 0.1 * span, hi + 0.1 * span


class SlicePlot(QWidget):
    """One slice: a small plot with the curve, the tangent and the point."""

    def __init__(self, name: str, title: str, axis: str) -> None:
        super().__init__()
        self.title = QLabel(title)
        self.title.setObjectName(f"{name}Title")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.view = pg.PlotWidget(axisItems=number_axes())  # ticks with a real minus sign
        self.view.setObjectName(name)
        self.view.setMinimumHeight(55)
        self.item: pg.PlotItem = self.view.getPlotItem()
        self.item.setMenuEnabled(False)
        self.item.hideButtons()
        self.item.setMouseEnabled(x=False, y=False)
        self.item.setLabel("bottom", axis)
        for a in ("left", "bottom"):
            ax = self.item.getAxis(a)
            ax.enableAutoSIPrefix(False)
            ax.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.view.disableAutoRange()
        self.curve = Curve(connect="finite")
        self.tangent = PixelLine()
        self.dot = Handle(9)
        for it in (self.curve, self.tangent, self.dot):
            self.item.addItem(it)
        self.dot.setZValue(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # The title changes on every drag frame: outside any layout, so that its new text
        # re-lays out nothing (a relayout repainted the whole window on each frame).
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # Opaque (its own background, the dock's colour): a new text repaints the label
        # alone, not the panel and the dock beneath it.
        self.title.setAutoFillBackground(True)
        self._title_frame = LabelFrame(self.title, self)
        layout.addWidget(self._title_frame)
        layout.addWidget(self.view, 1)
        self._yrange: tuple[float, float] | None = None
        self._xrange: tuple[float, float] | None = None

    def sizeHint(self) -> QSize:
        """Small: a PlotWidget asks for 640×480, which would stretch the window."""
        return QSize(300, 160)

    def set_style(self, style: XyStyle) -> None:
        self.view.setBackground(style.background)
        for a in ("left", "bottom"):
            ax = self.item.getAxis(a)
            ax.setPen(pg.mkPen(style.foreground))
            ax.setTextPen(pg.mkPen(style.foreground))
        self.curve.setPen(pg.mkPen(style.slice, width=1))  # wider pens cost 4–18× per frame
        self.tangent.setPen(pg.mkPen(style.tangent, width=2))
        self.dot.set_colors(style.point, style.point_edge)

    def show_slice(
        self,
        ts: np.ndarray,
        values: np.ndarray,
        at: float,
        f: float | None,
        slope: float | None,
        title: str,
        new_curve: bool = True,
    ) -> None:
        """The curve over ``ts``, the point (at, f) and the tangent of slope ``slope``
        (``new_curve`` False: the curve drawn is already ``values`` over ``ts``)."""
        self._title_frame.set_text(title)
        lo, hi = float(ts[0]), float(ts[-1])
        if (lo, hi) != self._xrange:
            self._xrange = (lo, hi)
            self.item.setXRange(lo, hi, padding=0.0)
        if not new_curve:
            pass
        elif np.isfinite(values).any():
            self.curve.setData(ts, values)
        else:
            self.curve.setData([], [])
        if f is None:
            self.dot.setVisible(False)
            self.tangent.setData([], [])
        else:
            self.dot.setPos(at, f)
            self.dot.setVisible(True)
            if slope is None:
                self.tangent.setData([], [])
            else:
                h = TANGENT_SHARE * (hi - lo)
                self.tangent.setData([at - h, at + h], [f - slope * h, f + slope * h])
        fitted = fit_range(values, f)
        cur = self._yrange
        if fitted is not None:
            # With slack: a y range that moved on every drag frame would repaint the axes
            # each frame; it moves when the curve leaves it or is lost in it (4× smaller).
            outside = cur is None or fitted[0] < cur[0] or fitted[1] > cur[1]
            lost = cur is not None and (cur[1] - cur[0]) > 4 * (fitted[1] - fitted[0])
            if outside or lost:
                span = fitted[1] - fitted[0]
                self.set_y_range((fitted[0] - 0.25 * span, fitted[1] + 0.25 * span))

    def set_y_range(self, yrange: tuple[float, float] | None) -> None:
        """The y range shown (None: fit the next slice)."""
        self._yrange = yrange
        if yrange is not None:
            self.item.setYRange(*yrange, padding=0.0)


class SlicesPanel(QWidget):
    """f(x, y₀) (``xySliceX``) and f(x₀, y) (``xySliceY``) with their tangents; a dock.

    The two plots are built when the panel is first shown (it starts on a tab behind the
    readout), and redrawn only while it is visible: a hidden slice costs no drag frame.
    """

    def __init__(self, state: XyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xySlices")
        self.state = state
        self.along_x: SlicePlot | None = None
        self.along_y: SlicePlot | None = None
        # What each drawn curve is of: (f, parameters, the range, the other coordinate).
        self._drawn: dict[str, tuple[object, ...]] = {}
        self._samples: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._dark = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.setSpacing(6)
        self.setMinimumHeight(2 * 55 + 40)
        connect_while_alive(
            self,
            [
                (state.point_changed, self._on_changed),
                (state.view_changed, self._on_changed),
                (state.params_changed, self._on_changed),
            ],
        )
        follow_theme(self, self.set_dark)

    def sizeHint(self) -> QSize:
        return QSize(320, 340)

    def build(self) -> None:
        """Make the two plots (at the first show; tests may call it)."""
        if self.along_x is not None:
            return
        self.along_x = SlicePlot("xySliceX", "f(x, y₀)", "x")
        self.along_y = SlicePlot("xySliceY", "f(x₀, y)", "y")
        self.along_x.setToolTip(
            "f along the horizontal line through the point: its tangent's slope is ∂f/∂x"
        )
        self.along_y.setToolTip(
            "f along the vertical line through the point: its tangent's slope is ∂f/∂y"
        )
        self._layout.addWidget(self.along_x, 1)
        self._layout.addWidget(self.along_y, 1)
        self.set_dark(self._dark)

    def showEvent(self, event: QShowEvent) -> None:
        self.build()
        super().showEvent(event)
        self.redraw()

    def set_dark(self, dark: bool) -> None:
        """Take the light or dark theme's colours."""
        self._dark = dark
        if self.along_x is not None and self.along_y is not None:
            style = xy_style(dark)
            self.along_x.set_style(style)
            self.along_y.set_style(style)

    def _on_changed(self) -> None:
        if self.isVisible():
            self.redraw()

    def redraw(self) -> None:
        """Sample both slices again at the current point."""
        if self.along_x is None or self.along_y is None:
            return
        st = self.state
        fn, p = st.function, st.point
        if fn is None or p is None:
            self._drawn.clear()
            for s in (self.along_x, self.along_y):
                s.curve.setData([], [])
                s.tangent.setData([], [])
                s.dot.setVisible(False)
            return
        params = st.param_values()
        g = p.gradient
        gx = None if g is None else g[0]
        gy = None if g is None else g[1]
        xs, fx, new_x = self._slice("x", st.x_range, p.y, fn, params)
        ys, fy, new_y = self._slice("y", st.y_range, p.x, fn, params)
        self.along_x.show_slice(
            xs, fx, p.x, p.f, gx,
            f"f(x, y₀) at y₀ = {fmt(p.y, 6)} — slope ∂f/∂x = {fmt(gx, 6)}", new_x,
        )  # fmt: skip
        self.along_y.show_slice(
            ys, fy, p.y, p.f, gy,
            f"f(x₀, y) at x₀ = {fmt(p.x, 6)} — slope ∂f/∂y = {fmt(gy, 6)}", new_y,
        )  # fmt: skip

    def _slice(
        self, axis: str, span: tuple[float, float], at: float, fn: XyFunction,
        params: dict[str, float],
    ) -> tuple[np.ndarray, np.ndarray, bool]:  # fmt: skip
        """The samples along ``axis`` through the other coordinate ``at``: (ts, values,
        whether they differ from the curve drawn). Sampled again only when f, a
        parameter, the region or ``at`` changed."""
        key = (fn, tuple(params.items()), span, at)
        kept = self._samples.get(axis)
        if kept is not None and self._drawn.get(axis) == key:
            return kept[0], kept[1], False
        ts = np.linspace(*span, SAMPLES)
        values = fn.values(ts, at, params) if axis == "x" else fn.values(at, ts, params)
        self._samples[axis] = (ts, values)
        self._drawn[axis] = key
        return ts, values, True
