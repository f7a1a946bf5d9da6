"""The regression lab's plots: the data and the line, the loss bowl, the loss per epoch.

Each takes the lab's state (``session.state("regression")``) and redraws from what it
announces: ``data_changed`` (new data or coordinates: scatter, contours, answer) and
``changed`` (the run moved: line, residuals, path, loss curve). Items are made once and
updated with ``setData``; what grows with the run is decimated to a few thousand points
per frame, so Play keeps its frame rate on long runs and large data.
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem

import pyqtgraph as pg  # isort: skip  (after PySide6)

from derivview.ui.axes import number_axes
from derivview.ui.labs.lab_plot import style_legend
from derivview.ui.layers.items import blend
from derivview.ui.plot_style import BLUISH_GREEN, ORANGE, REDDISH_PURPLE, plot_style
from derivview.ui.regression.clip import Arrays, Rect, clip_polyline, clip_segments, inside
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from derivview.model.labs.regression_state import RegressionState

#: At most this many points of the data are drawn (a fixed random sample beyond).
MAX_SCATTER = 20_000
#: At most this many residuals are drawn (a fixed random sample beyond).
MAX_RESIDUALS = 1_000
#: A path or loss curve is decimated to about this many points per frame.
MAX_PATH_POINTS = 4_000
#: Dots on the path (and the loss curve) while it has at most this many points: a
#: hundred dots redrawn every frame cost more than everything else in the plot.
PATH_DOTS = 40
#: The newest epochs of the path are redrawn every frame; the rest every TAIL epochs.
TAIL = 32
#: Contour levels L − L* = 10^(k/3): three per decade, this many at most in view.
MAX_LEVELS = 16
LINE_COLOR = REDDISH_PURPLE  # the current line: the tangent's colour, the thing that moves


class Grid:
    """Grid lines at the axes' major and minor ticks, as two "pairs" curves.

    pyqtgraph's own grid is drawn by the axes, which then repaint (a QPicture replay of
    every line) whenever anything in the plot moves: ~7 ms per axis per frame here.
    These two curves cost a fraction of a millisecond, and change only with the view.
    """

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self._item = plot_item
        self.lines = [pg.PlotCurveItem(connect="pairs", antialias=False) for _ in "ab"]
        view_box = plot_item.getViewBox()
        for z, line in enumerate(self.lines):
            line.setZValue(-15 - z)
            line.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)  # static
            view_box.addItem(line, ignoreBounds=True)
        view_box.sigRangeChanged.connect(self.update)
        view_box.sigResized.connect(self.update)

    def set_dark(self, dark: bool) -> None:
        """The theme's colours."""
        style = plot_style(dark)
        bg, fg = QColor(style.background), QColor(style.foreground)
        for line, alpha in zip(self.lines, (style.grid_alpha, style.grid_alpha / 2.5), strict=True):
            line.setPen(pg.mkPen(blend(bg, fg, alpha), width=1))

    def update(self, *_: object) -> None:
        """Lines at the ticks of the current view."""
        item = self._item
        vb = item.getViewBox()
        (x0, x1), (y0, y1) = vb.viewRange()
        w, h = max(float(vb.width()), 1.0), max(float(vb.height()), 1.0)
        xt = item.getAxis("bottom").tickValues(x0, x1, w)
        yt = item.getAxis("left").tickValues(y0, y1, h)
        for level, line in enumerate(self.lines):
            xv = np.asarray(xt[level][1] if level < len(xt) else [], dtype=float)
            yv = np.asarray(yt[level][1] if level < len(yt) else [], dtype=float)
            xs = np.concatenate((np.repeat(xv, 2), np.tile([x0, x1], yv.size)))
            ys = np.concatenate((np.tile([y0, y1], xv.size), np.repeat(yv, 2)))
            line.setData(xs, ys)


def _style_axes(widget: pg.PlotWidget, dark: bool) -> None:
    style = plot_style(dark)
    widget.setBackground(style.background)
    item = widget.getPlotItem()
    for axis in ("left", "bottom"):
        ax = item.getAxis(axis)
        ax.setPen(pg.mkPen(style.foreground))
        ax.setTextPen(pg.mkPen(style.foreground))
    if item.legend is not None:
        style_legend(item.legend, style)


def _cache_legend(legend: pg.LegendItem) -> None:
    """Paint the legend from pixmaps: it is static, and the line or path under it would
    make it lay out and draw its text again on every frame of Play."""
    legend.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    for sample, label in legend.items:
        sample.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        label.item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def decimated(*columns: NDArray[np.float64], limit: int = MAX_PATH_POINTS) -> tuple[Any, ...]:
    """Every k-th point of the columns (and always the last), about ``limit`` in all."""
    n = len(columns[0])
    if n <= limit:
        return columns
    step = math.ceil(n / limit)
    idx = np.arange(0, n, step)
    if idx[-1] != n - 1:
        idx = np.append(idx, n - 1)
    return tuple(c[idx] for c in columns)


def _line(m: float, b: float, rect: Rect) -> Arrays:
    """The line y = m·x + b across ``rect``, clipped to it."""
    xs = np.array([rect[0], rect[1]])
    with np.errstate(all="ignore"):
        return clip_polyline(xs, m * xs + b, rect)


def peaks(
    x: NDArray[np.float64], y: NDArray[np.float64], limit: int = MAX_PATH_POINTS
) -> tuple[Any, ...]:
    """(x, y) in about ``limit`` points: per bin of k points its lowest and highest y (an
    oscillating loss keeps its swings), and always the last point."""
    n = len(x)
    if n <= limit:
        return x, y
    k = math.ceil(2 * n / limit)
    full = (n // k) * k
    with np.errstate(all="ignore"):
        lo = np.min(y[:full].reshape(-1, k), axis=1)
        hi = np.max(y[:full].reshape(-1, k), axis=1)
    xs = np.repeat(x[:full:k], 2)
    ys = np.empty(2 * len(lo))
    ys[0::2], ys[1::2] = lo, hi
    return np.append(xs, x[full:]), np.append(ys, y[full:])


def _sample(n: int, limit: int) -> NDArray[np.intp] | slice:
    """A fixed random sample of ``limit`` indices of ``n`` (all of them if n ≤ limit)."""
    if n <= limit:
        return slice(None)
    return np.sort(np.random.default_rng(0).choice(n, limit, replace=False))


class DataPlot(pg.PlotWidget):
    """The data, the current line with its residuals, and the least-squares line."""

    def __init__(self, state: RegressionState) -> None:
        super().__init__(axisItems=number_axes())  # ticks with a real minus sign
        self.setObjectName("regressPlot")
        self.setToolTip(
            "The data, the line of the current epoch (y = m·x + b) with its residuals "
            "ŷᵢ − yᵢ, and the least-squares line (dashed)"
        )
        self._state = state
        self.plot_item: pg.PlotItem = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setLabel("bottom", "x")
        self.plot_item.setLabel("left", "y")
        self.setMinimumSize(160, 120)
        self.grid = Grid(self.plot_item)
        self.legend = self.plot_item.addLegend(offset=(8, 8))
        self.residuals = pg.PlotDataItem(connect="pairs")
        self.scatter = pg.ScatterPlotItem(size=6, pxMode=True)
        self.scatter.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.answer_line = pg.PlotDataItem()
        self.line = pg.PlotDataItem()
        for item, z in ((self.residuals, 1), (self.scatter, 2), (self.answer_line, 3)):
            item.setZValue(z)
            self.plot_item.addItem(item)
        self.line.setZValue(4)
        self.plot_item.addItem(self.line)
        self.legend.addItem(self.scatter, "data")
        self.legend.addItem(self.line, "current line")
        self.legend.addItem(self.answer_line, "least squares")
        self.legend.addItem(self.residuals, "residuals")
        self.answer_line.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        _cache_legend(self.legend)
        self._idx: NDArray[np.intp] | slice = slice(None)
        self._points: Arrays = (np.zeros(0), np.zeros(0))

        self.plot_item.getViewBox().sigRangeChanged.connect(self._on_range)
        connect_while_alive(
            self, [(state.data_changed, self._on_data), (state.changed, self._on_run)]
        )
        follow_theme(self, self.set_dark)
        self._on_data()

    # -- theme ------------------------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        """Take the light or dark theme's colours."""
        style = plot_style(dark)
        _style_axes(self, dark)
        self.grid.set_dark(dark)
        self.scatter.setBrush(pg.mkBrush(style.f + "C0"))
        self.scatter.setPen(pg.mkPen(None))
        self.line.setPen(pg.mkPen(LINE_COLOR, width=2))
        self.answer_line.setPen(pg.mkPen(BLUISH_GREEN, width=1.5, style=Qt.PenStyle.DashLine))
        # Opaque (blended with the background): a translucent pen costs ~1 ms a frame.
        bg = QColor(style.background)
        self.residuals.setPen(pg.mkPen(blend(bg, QColor(ORANGE), 0.8), width=1))

    # -- model -> view ------------------------------------------------------------------

    def _on_data(self) -> None:
        data = self._state.data
        shown = _sample(data.n, MAX_SCATTER)
        self._points = (data.x[shown], data.y[shown])
        self._idx = _sample(data.n, MAX_RESIDUALS)
        self.fit()
        self._on_range()

    def fit(self) -> None:
        """Show all the data."""
        data = self._state.data
        x_lo, x_hi = float(data.x.min()), float(data.x.max())
        y_lo, y_hi = float(data.y.min()), float(data.y.max())
        pad_x = 0.06 * (x_hi - x_lo or 1.0)
        pad_y = 0.08 * (y_hi - y_lo or 1.0)
        self.plot_item.getViewBox().setRange(
            xRange=(x_lo - pad_x, x_hi + pad_x), yRange=(y_lo - pad_y, y_hi + pad_y), padding=0
        )

    def _rect(self) -> Rect:
        (x0, x1), (y0, y1) = self.plot_item.getViewBox().viewRange()
        return x0, x1, y0, y1

    def _on_range(self, *_: object) -> None:
        rect = self._rect()
        px, py = self._points
        keep = inside(px, py, rect)
        self.scatter.setData(px[keep], py[keep])
        ls = self._state.answer
        if ls is None:
            self.answer_line.setData([], [])
        else:
            self.answer_line.setData(*_line(ls.m, ls.b, rect))
        self._on_run()

    def _on_run(self) -> None:
        m, b = self._state.line()
        rect = self._rect()
        with np.errstate(all="ignore"):
            data = self._state.data
            px = data.x[self._idx]
            py = data.y[self._idx]
            fit = m * px + b
        if not (math.isfinite(m) and math.isfinite(b) and np.all(np.isfinite(fit))):
            self.line.setData([], [])  # a diverged run: no line to draw
            self.residuals.setData([], [])
            return
        self.line.setData(*_line(m, b, rect))
        self.residuals.setData(*clip_segments(px, py, px, fit, rect))


class Dot(QGraphicsEllipseItem):
    """A round marker of ``size`` pixels at a point of the view, moved with ``setPos``.

    Moving it costs next to nothing; a one-point ScatterPlotItem's ``setData`` costs
    ~1 ms a frame.
    """

    def __init__(self, size: float) -> None:
        super().__init__(-size / 2, -size / 2, size, size)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)

    def place(self, x: float | None, y: float | None) -> None:
        """Show it at (x, y), or hide it (None)."""
        if x is None or y is None:
            self.setVisible(False)
            return
        self.setPos(x, y)
        self.setVisible(True)


class ContourSet(pg.GraphicsObject):
    """The contour lines, drawn by one item painted from one cached pixmap.

    They change only when the data or the view does; Play's path moves over them on
    every frame, and sixteen curves stroked again each time cost more than the rest of
    the plot. ``lines`` holds each level's (m, b) points as drawn (clipped to the view).
    """

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
        self._paths: list[tuple[QPainterPath, QPen]] = []
        self._rect = QRectF()
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_lines(self, lines: list[tuple[Any, Any, str]]) -> None:
        """Each level's points and colour."""
        self.prepareGeometryChange()
        self.lines = [(xs, ys) for xs, ys, _ in lines]
        self._paths = []
        rect = QRectF()
        for xs, ys, color in lines:
            if len(xs) < 2:
                continue
            path = pg.arrayToQPath(np.asarray(xs), np.asarray(ys), connect="finite")
            self._paths.append((path, pg.mkPen(color, width=1)))
            rect = rect.united(path.boundingRect())
        # Room for the 1-px pen at the edges of the cached pixmap.
        pad_x, pad_y = 0.01 * rect.width(), 0.01 * rect.height()
        self._rect = rect.adjusted(-pad_x, -pad_y, pad_x, pad_y)
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._rect)

    def paint(self, painter: QPainter, *_: Any) -> None:
        for path, pen in self._paths:
            painter.setPen(pen)
            painter.drawPath(path)


class LossPlot(pg.PlotWidget):
    """Contours of L over (m, b) — m′, b′ when x is standardized — and the run's path.

    The contours are exact: L is a quadratic bowl, its level sets ellipses
    (:meth:`~derivview.model.labs.regression.Bowl.level`). They are drawn at
    L − L* = 10^(k/3) (three per decade), the same levels wherever the view is, so
    panning and zooming show more of one picture. Ctrl+click sets the start there.
    The axes keep one scale (a round bowl looks round).
    """

    def __init__(self, state: RegressionState) -> None:
        super().__init__(axisItems=number_axes())  # ticks with a real minus sign
        self.setObjectName("regressLossPlot")
        self.setToolTip(
            "Contours of the loss L(m, b) and the path of (m, b), epoch by epoch; "
            "the star is the least-squares answer.\nCtrl+click: start the run there."
        )
        self._state = state
        self.plot_item: pg.PlotItem = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        self.view_box.setAspectLocked(True)
        self.setMinimumSize(160, 120)
        self.grid = Grid(self.plot_item)
        self.legend = self.plot_item.addLegend(offset=(-8, 8))
        self.contours = ContourSet()
        self.contours.setZValue(0)
        self.plot_item.addItem(self.contours, ignoreBounds=True)
        # The path: what is settled (cached; redrawn every TAIL epochs) and the newest
        # epochs (redrawn every frame, a small region once the steps get small).
        self.path = pg.PlotDataItem()
        self.path.setZValue(10)
        self.tail = pg.PlotDataItem()
        self.tail.setZValue(10)
        self._settled: tuple[object, ...] = ()
        self._dots: dict[str, tuple[float, float, bool]] = {}
        self.start_dot = pg.ScatterPlotItem(size=9, symbol="s")
        self.current_dot = Dot(10)
        self.answer_dot = pg.ScatterPlotItem(size=20, symbol="star")
        for item, z in ((self.start_dot, 11), (self.answer_dot, 12)):
            item.setZValue(z)
            # Painted from a pixmap: a scatter item's paint is Python-heavy, and the path
            # under them makes them repaint on every frame of Play.
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self.plot_item.addItem(item)
        self.current_dot.setZValue(13)
        self.plot_item.addItem(self.current_dot, ignoreBounds=True)
        self.plot_item.addItem(self.path)
        self.plot_item.addItem(self.tail)
        self.path.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.legend.addItem(self.path, "path of (m, b)")
        self.legend.addItem(self.answer_dot, "least squares")
        _cache_legend(self.legend)
        self._colors: list[str] = []
        self._dark = False
        self._levels_timer = QTimer(self)
        self._levels_timer.setSingleShot(True)
        self._levels_timer.setInterval(0)
        self._levels_timer.timeout.connect(self._draw_levels)

        self.view_box.sigRangeChanged.connect(self._levels_timer.start)
        self._levels_timer.timeout.connect(self._on_run)
        self.scene().sigMouseClicked.connect(self._on_click)
        connect_while_alive(
            self, [(state.data_changed, self._on_data), (state.changed, self._on_run)]
        )
        follow_theme(self, self.set_dark)
        self._on_data()

    # -- theme ------------------------------------------------------------------------

    def set_dark(self, dark: bool) -> None:
        """Take the light or dark theme's colours."""
        self._dark = dark
        style = plot_style(dark)
        _style_axes(self, dark)
        self.grid.set_dark(dark)
        cmap = pg.colormap.get("viridis")
        lo, hi = (0.25, 1.0) if dark else (0.0, 0.8)
        self._colors = [
            cmap.map(lo + (hi - lo) * i / (MAX_LEVELS - 1), mode="qcolor").name()
            for i in range(MAX_LEVELS)
        ]
        # The path and the point have the current line's colour: the point on the right
        # is the line on the left.
        for item in (self.path, self.tail):
            item.setPen(pg.mkPen(LINE_COLOR, width=2))
            item.setSymbolPen(pg.mkPen(LINE_COLOR))
            item.setSymbolBrush(pg.mkBrush(LINE_COLOR))
        self.start_dot.setPen(pg.mkPen(style.foreground))
        self.start_dot.setBrush(pg.mkBrush(style.background))
        self.current_dot.setPen(pg.mkPen(style.point_edge, width=1.5))
        self.current_dot.setBrush(pg.mkBrush(LINE_COLOR))
        self.answer_dot.setPen(pg.mkPen(style.point_edge))
        self.answer_dot.setBrush(pg.mkBrush(BLUISH_GREEN))
        self._draw_levels()

    # -- model -> view ------------------------------------------------------------------

    def _on_data(self) -> None:
        st = self._state
        prime = "′" if st.scaling is not None else ""
        self.plot_item.setLabel("bottom", f"m{prime}  (slope)")
        self.plot_item.setLabel("left", f"b{prime}  (intercept)")
        for sample, label in self.legend.items:
            if sample.item is self.path:
                label.setText(f"path of (m{prime}, b{prime})")
        self.fit()
        self._draw_levels()
        self._on_run()

    def fit(self) -> None:
        """Show the start and the least-squares answer, with room around them."""
        st = self._state
        cm, cb = st.bowl.center
        m0, b0 = st.start()
        lo_m, hi_m = min(m0, cm), max(m0, cm)
        lo_b, hi_b = min(b0, cb), max(b0, cb)
        span = max(hi_m - lo_m, hi_b - lo_b, 1e-6 * max(1.0, abs(cm), abs(cb)))
        pad = 0.25 * span
        self.view_box.setRange(
            xRange=(lo_m - pad, hi_m + pad), yRange=(lo_b - pad, hi_b + pad), padding=0
        )

    def _draw_levels(self) -> None:
        if not self._colors:
            return
        bowl = self._state.bowl
        (m_lo, m_hi), (b_lo, b_hi) = self.view_box.viewRange()
        rect = (m_lo, m_hi, b_lo, b_hi)
        top = bowl.gap_at_corners((m_lo, m_hi), (b_lo, b_hi))
        levels: list[float] = []
        if top > 0 and math.isfinite(top):
            k = math.floor(3 * math.log10(top))
            while len(levels) < MAX_LEVELS:
                levels.append(10 ** (k / 3))
                k -= 1
        reach = 4 * max(m_hi - m_lo, b_hi - b_lo)
        lines = []
        for i, level in enumerate(levels):
            ms, bs = bowl.level(level, reach=reach)
            # Outer (high loss) yellow, inner (low loss) dark, as viridis reads.
            color = self._colors[max(0, MAX_LEVELS - 1 - i)]
            lines.append((*clip_polyline(ms, bs, rect), color))
        self.contours.set_lines(lines)

    def _on_run(self) -> None:
        st = self._state
        history = st.run.history
        ms, bs = decimated(history.m, history.b)
        (m_lo, m_hi), (b_lo, b_hi) = self.view_box.viewRange()
        rect = (m_lo, m_hi, b_lo, b_hi)
        dots = "o" if len(ms) <= PATH_DOTS else None
        for item in (self.path, self.tail):
            if item.opts["symbol"] != dots:
                item.setSymbol(dots)
                item.setSymbolSize(4)
        n = len(ms)
        settled = max(0, n - 1 - (n - 1) % TAIL - TAIL) if n > 2 * TAIL else 0
        # Redrawn when it grew, or the run, the view or the decimation is another.
        key = (id(st.run), settled, math.ceil(len(history) / MAX_PATH_POINTS), rect)
        if key != self._settled:
            self._settled = key
            self.path.setData(*clip_polyline(ms[: settled + 1], bs[: settled + 1], rect))
        self.tail.setData(*clip_polyline(ms[settled:], bs[settled:], rect))
        cm, cb = st.bowl.center
        m0, b0 = st.start()
        for name, dot, (m, b) in (
            ("start", self.start_dot, (m0, b0)),
            ("answer", self.answer_dot, (cm, cb)),
        ):
            shown = bool(inside(m, b, rect))
            if self._dots.get(name) != (m, b, shown):  # static markers: set only on change
                self._dots[name] = (m, b, shown)
                dot.setData([m] if shown else [], [b] if shown else [])
        m, b = float(ms[-1]), float(bs[-1])
        if inside(m, b, rect):
            self.current_dot.place(m, b)
        else:
            self.current_dot.place(None, None)

    # -- input --------------------------------------------------------------------------

    def _on_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return
        point = self.view_box.mapSceneToView(event.scenePos())
        self.start_at(float(point.x()), float(point.y()))
        event.accept()

    def start_at(self, m: float, b: float) -> None:
        """Start the run at (m, b) of this plot's coordinates (m′, b′ if standardized)."""
        st = self._state
        scaling = st.scaling
        if scaling is not None:
            m, b = scaling.to_original(m, b)
        with contextlib.suppress(ValueError):  # beyond ±1e12: not a start a person means
            st.update(init=(float(f"{m:.6g}"), float(f"{b:.6g}")))


class EpochPlot(pg.PlotWidget):
    """The loss per epoch, and the least-squares loss L* (dashed); log scale when it spans
    more than two decades.

    Its ranges move in steps (the epochs to the next 1-2-5 number, the loss to the next
    decade on a log scale): a range that changed on every epoch would re-lay out the
    axes' ticks on every frame of Play.
    """

    def __init__(self, state: RegressionState) -> None:
        super().__init__(axisItems=number_axes())  # ticks with a real minus sign
        self.setObjectName("regressEpochPlot")
        self.setToolTip(
            "The loss L after each epoch; the dashed line is the least-squares loss L*, "
            "the lowest any line reaches.\nA log scale when L spans more than two decades."
        )
        self._state = state
        self.plot_item: pg.PlotItem = self.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setLabel("bottom", "epoch")
        self.plot_item.setLabel("left", "L")
        self.setMinimumSize(160, 90)
        self.view_box: pg.ViewBox = self.plot_item.getViewBox()
        self.view_box.disableAutoRange()
        self.grid = Grid(self.plot_item)
        self.curve = pg.PlotDataItem()
        self.plot_item.addItem(self.curve)
        self.floor = pg.InfiniteLine(angle=0, movable=False)
        self.plot_item.addItem(self.floor)
        self._epochs = np.arange(0, dtype=np.float64)
        self._ranges: tuple[object, ...] = ()
        self.log = False
        connect_while_alive(self, [(state.changed, self._on_run)])
        follow_theme(self, self.set_dark)
        self._on_run()

    def set_dark(self, dark: bool) -> None:
        """Take the light or dark theme's colours."""
        _style_axes(self, dark)
        self.grid.set_dark(dark)
        self.curve.setPen(pg.mkPen(LINE_COLOR, width=1.5))
        self.curve.setSymbolPen(pg.mkPen(LINE_COLOR))
        self.curve.setSymbolBrush(pg.mkBrush(LINE_COLOR))
        self.floor.setPen(pg.mkPen(BLUISH_GREEN, width=1, style=Qt.PenStyle.DashLine))

    def _on_run(self) -> None:
        st = self._state
        losses = st.run.history.loss
        n = len(losses)
        if len(self._epochs) < n:
            self._epochs = np.arange(max(n, 2 * len(self._epochs)), dtype=np.float64)
        finite = losses[np.isfinite(losses)]
        floor = st.bowl.floor
        low = min(float(finite.min()), floor) if finite.size else floor
        high = float(finite.max()) if finite.size else floor
        log = low > 0 and high / low > 100
        if log != self.log:
            self.log = log
            self.plot_item.setLogMode(x=False, y=log)
        dots = "o" if n <= PATH_DOTS else None
        if self.curve.opts["symbol"] != dots:
            self.curve.setSymbol(dots)
            self.curve.setSymbolSize(4)
        self.curve.setData(*peaks(self._epochs[:n], losses))
        self.floor.setPos(math.log10(floor) if log and floor > 0 else floor)
        self.floor.setVisible(not log or floor > 0)
        x_hi = _nice_above(max(n - 1, 10))  # whole epochs on the axis, never 0.5
        if log:
            y_lo = math.floor(math.log10(low))
            y_hi = math.ceil(math.log10(high)) if high > low else y_lo + 1
        else:
            span = (high - min(low, 0.0)) or 1.0
            y_lo, y_hi = min(low, 0.0) - 0.04 * span, high + 0.04 * span
        ranges = (x_hi, y_lo, y_hi, log)
        if ranges != self._ranges:
            self._ranges = ranges
            self.view_box.setRange(xRange=(0, x_hi), yRange=(y_lo, y_hi), padding=0.02)


def _nice_above(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least ``value``."""
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power
