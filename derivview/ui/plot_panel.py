"""The main plot: f, f′, f″, the tangent at x₀ and the point a person drags along f.

``PlotPanel`` observes a :class:`~derivview.model.session.Session` and writes inputs back
to it (x₀ from a drag, a click or the arrow keys; the view from pan/zoom). Every plot item
is created once in ``__init__`` and updated with ``setData``; curves are sampled by
:mod:`derivview.model.sampling` at a few points per pixel with NaN gaps at poles and
jumps, drawn with ``connect="finite"``.

f′ and f″ share f's axes (not a linked plot below): one view keeps the relations a
person is meant to see — f′ crosses zero under f's extrema, f″ under its inflections — at
the same height and place, and one view costs one paint per frame.

What moves on a drag (x₀) is cheap: the point, a 2-point tangent (or the one-sided
tangents, the subgradient fan, a vertical line), the secant. Curves are resampled only
when the view, the function or a parameter changes; special points likewise.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QGraphicsItem,
    QGraphicsRectItem,
    QLabel,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model import sampling
from derivview.ui.plot_style import PlotStyle, plot_style
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.calculus import PointInfo
    from derivview.model.session import Session

#: Refresh interval for view-driven work (resampling, pushing the view): one frame.
FRAME_MS = 16
#: Special points are recomputed this long after the view last changed.
MARKER_DELAY_MS = 150
#: Arrow keys move x₀ by this fraction of the view (Shift: a tenth of it).
KEY_STEP = 1 / 200
#: How near (pixels) to the point a drag must start to grab it.
GRAB_RADIUS_PX = 10.0
#: How near (pixels) a click must be to f to move x₀ there.
CLICK_RADIUS_PX = 8.0
#: Lines in the subgradient fan (including both one-sided slopes).
FAN_LINES = 5
#: y values further than this many view heights beyond the view are clamped for drawing:
#: the visible part of the stroke is unchanged, and the raster engine never sees 1e16.
CLAMP_HEIGHTS = 50.0

LEGEND_NAMES = {"f": "f(x)", "df": "f′(x)", "d2f": "f″(x)", "tangent": "tangent"}


class _Handle(pg.GraphicsObject):
    """A round marker drawn in pixels (not data units) at a point in data coordinates.

    It only paints: grabbing it is decided by :class:`_ViewBox` from pixel distances,
    because pyqtgraph's item lookup misses items that ignore transformations.
    """

    def __init__(self, size: float) -> None:
        super().__init__()
        self._size = size
        self._pen = QPen(QColor("black"), 1.5)
        self._brush = QBrush(QColor("blue"))
        self._hollow = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)

    def set_colors(self, fill: str, edge: str) -> None:
        self._pen = QPen(pg.mkColor(edge), 1.5)
        self._brush = QBrush(pg.mkColor(fill))
        self.update()

    def set_hollow(self, hollow: bool) -> None:
        if hollow != self._hollow:
            self._hollow = hollow
            self.update()

    @property
    def hollow(self) -> bool:
        return self._hollow

    def boundingRect(self) -> QRectF:
        r = self._size / 2 + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self._size / 2
        if self._hollow:
            p.setPen(QPen(self._pen.color(), 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
        else:
            p.setPen(self._pen)
            p.setBrush(self._brush)
        p.drawEllipse(QRectF(-r, -r, 2 * r, 2 * r))


class _PixelCurve(pg.PlotCurveItem):
    """A curve item that strokes a short, finite polyline in device pixels.

    Qt's raster engine strokes a wide (2 px) antialiased cosmetic pen under the view's
    scaling transform ~20× slower than the same stroke mapped to pixels first
    (measured: 0.46 vs 0.02–0.04 ms for one line; the tangent cost ~1 ms a frame). The
    picture is the same: a cosmetic pen's width and dashes are in pixels either way.
    Anything else (long curves, fills, shadows, non-finite points) paints as usual.
    """

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        x, y = self.xData, self.yData
        pen = self.opts["pen"]
        if (
            x is None
            or y is None
            or not 2 <= len(x) <= 16
            or self.opts["shadowPen"] is not None
            or self.opts["fillLevel"] is not None
            or not isinstance(pen, QPen)
            or not pen.isCosmetic()
            or not (np.isfinite(x).all() and np.isfinite(y).all())
        ):
            super().paint(p, opt, widget)
            return
        export = self._exportOpts
        aa = export.get("antialias", True) if export is not False else self.opts["antialias"]
        tr = p.transform()
        if not tr.isInvertible():  # a view of no size: nothing to see
            return
        points = [tr.map(QPointF(a, b)) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
        path = QPainterPath(points[0])
        for q in points[1:]:
            path.lineTo(q)
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        p.setPen(pen)
        p.drawPath(path)  # (drawPolyline strokes a wide antialiased pen ~20× slower)
        p.restore()


class _LineItem(pg.PlotDataItem):
    """A ``PlotDataItem`` for the short straight lines (tangents, fan, secant) that a
    drag moves every frame: its curve is a :class:`_PixelCurve`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        old = self.curve
        old.setParentItem(None)
        self.curve = _PixelCurve()
        self.curve.setParentItem(self)
        self.curve.sigClicked.connect(self.sigClicked)
        old.deleteLater()


class _ViewBox(pg.ViewBox):
    """A ViewBox whose left-drags that start on the point move the point, not the view.

    ``grab_test(scene_pos) -> bool`` says whether a drag starting there grabs the point;
    ``on_grab(x, phase)`` gets the data x under the mouse with phase "start", "move" or
    "finish".

    Every ``ScatterPlotItem`` added (the markers, and overlays' dots such as a descent
    run's) paints from a pixmap cache: pyqtgraph's scatter paint is Python-heavy (~0.1 ms
    per item), and the tangent, which spans the view, makes every item under it repaint
    on each drag frame. The cache is redrawn only when the item's data or the view's
    scale changes.
    """

    def __init__(self) -> None:
        super().__init__()
        self.grab_test: Callable[[QPointF], bool] | None = None
        self.on_grab: Callable[[float, str], None] | None = None
        self._grabbing = False

    def addItem(self, item: QGraphicsItem, ignoreBounds: bool = False) -> None:
        super().addItem(item, ignoreBounds)
        no_cache = QGraphicsItem.CacheMode.NoCache
        if isinstance(item, pg.ScatterPlotItem) and item.cacheMode() == no_cache:
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def mouseDragEvent(self, ev: Any, axis: int | None = None) -> None:
        if axis is None and ev.button() == Qt.MouseButton.LeftButton:
            if ev.isStart():
                self._grabbing = self.grab_test is not None and self.grab_test(
                    ev.buttonDownScenePos()
                )
            if self._grabbing and self.on_grab is not None:
                ev.accept()
                phase = "start" if ev.isStart() else "finish" if ev.isFinish() else "move"
                if ev.isFinish():
                    self._grabbing = False
                self.on_grab(float(self.mapSceneToView(ev.scenePos()).x()), phase)
                return
        super().mouseDragEvent(ev, axis)


class _LegendSample(pg.ItemSample):
    """A legend sample whose click toggles the item through the session, not directly."""

    toggle: Callable[[object], None] | None = None  # set per sample by its panel

    def mouseClickEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.toggle is not None:
            self.toggle(self.item)
        event.accept()


class _Throttle:
    """Run ``func`` at once, then at most once per ``ms`` while calls keep coming."""

    def __init__(self, parent: QObject, ms: int, func: Callable[[], None]) -> None:
        self._func = func
        self._pending = False
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(self._on_timeout)

    def __call__(self) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._func()
        self._timer.start()

    def flush(self) -> None:
        """Run a pending call now."""
        if self._pending:
            self._pending = False
            self._func()

    def _on_timeout(self) -> None:
        if self._pending:
            self._pending = False
            self._func()
            self._timer.start()


class PlotPanel(QWidget):
    """The plot of f, f′, f″ with the tangent at x₀, its point, markers and secant.

    Public: ``plot_widget`` (the ``pg.PlotWidget``, objectName ``plotView``) and
    ``plot_item`` (its ``pg.PlotItem``; overlays such as a descent trajectory add items).
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._style: PlotStyle = plot_style(_palette_is_dark(self.palette()))
        self._applying_view = False  # echo guard: session -> ViewBox
        self._pushing_view = False  # echo guard: ViewBox -> session
        self._fitted_y: tuple[float, float, float, float] | None = None  # y-range, x-range
        self.concavity: list[tuple[float, float, int]] = []
        self._last_width = 0.0
        self._line_state: tuple[str, ...] = ()
        self._grabbed: str | None = None  # the handle being dragged

        # -- widgets ------------------------------------------------------------------
        self._vb = _ViewBox()
        self.plot_widget = pg.PlotWidget(
            parent=self, background=self._style.background, viewBox=self._vb
        )
        self.plot_widget.setObjectName("plotView")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.setToolTip("")
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self._vb.disableAutoRange()
        # pyqtgraph's autorange includes tan's 1e16 near a pole: the "A" button and the
        # context menu's "View All" would blow the view up. Refit robustly instead.
        self.plot_item.setMenuEnabled(False)
        self.plot_item.autoBtn.clicked.disconnect()
        self.plot_item.autoBtn.clicked.connect(self._on_auto_button)
        self.plot_item.setLabel("bottom", "x")
        for name in ("left", "bottom"):
            # plain numbers: "x (x0.001)" with ticks at ±400 misreads as x = 400
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.coords_label = QLabel(self.plot_widget)
        self.coords_label.setObjectName("plotCoords")
        self.coords_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.coords_label.hide()

        # -- plot items, created once ---------------------------------------------------
        vb = self._vb
        self._bands: list[QGraphicsRectItem] = []  # concavity shading, a growing pool
        # The grid: major and minor lines at the axes' ticks, two NaN-free "pairs" curves.
        # pyqtgraph's own grid (drawn by the axes) costs ~10 ms a frame here, this ~0.3.
        self.grid_lines = [pg.PlotCurveItem(connect="pairs", antialias=False) for _ in "ab"]
        for z, line in enumerate(self.grid_lines):
            line.setZValue(-15 - z)
            vb.addItem(line, ignoreBounds=True)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for z, name in ((-3, "d2f"), (-2, "df"), (0, "f")):
            # Antialiased: an aliased 1-px stroke of sub-pixel segments drops pixels (Qt's
            # cosmetic stroker); measured, a 1-px antialiased curve costs no more here.
            curve = pg.PlotDataItem(connect="finite", antialias=True, skipFiniteCheck=False)
            curve.setZValue(z)
            self.plot_item.addItem(curve)
            curve.setClipToView(True)  # after adding: as a constructor option it raises
            self.curves[name] = curve
        self.fan = [_LineItem(antialias=True) for _ in range(FAN_LINES)]
        self.left_tangent = _LineItem(antialias=True)
        self.right_tangent = _LineItem(antialias=True)
        self.tangent = _LineItem(antialias=True)
        self.secant = _LineItem(antialias=True)
        for z, item in enumerate((*self.fan, self.left_tangent, self.right_tangent)):
            item.setZValue(1 + z * 0.01)
        self.tangent.setZValue(3)
        self.secant.setZValue(2.5)
        for item in (*self.fan, self.left_tangent, self.right_tangent, self.tangent):
            self.plot_item.addItem(item, ignoreBounds=True)
        self.plot_item.addItem(self.secant, ignoreBounds=True)
        self.vertical_tangent = pg.InfiniteLine(angle=90, movable=False)
        self.vertical_tangent.setZValue(3)
        self.vertical_tangent.hide()
        self.plot_item.addItem(self.vertical_tangent, ignoreBounds=True)
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for name in ("critical", "inflection", "nondifferentiable"):
            item = pg.ScatterPlotItem(hoverable=True, tip=_marker_tip)
            item.setZValue(5)
            self.plot_item.addItem(item, ignoreBounds=True)
            self.markers[name] = item
        self.secant_point = _Handle(self._style.point_size * 0.8)
        self.secant_point.setZValue(9)
        self.secant_point.hide()
        vb.addItem(self.secant_point, ignoreBounds=True)
        self.point = _Handle(self._style.point_size)
        self.point.setZValue(10)
        self.point.hide()
        vb.addItem(self.point, ignoreBounds=True)
        self.legend: pg.LegendItem = self.plot_item.addLegend(
            offset=(8, 8), sampleType=_LegendSample, labelTextSize="9pt"
        )
        # Things a drag does not change are painted from a pixmap cache: text (axes,
        # legend) and pyqtgraph's Python-heavy scatter paint (the markers: see _ViewBox)
        # cost more than the curves.
        cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).setCacheMode(cache)

        # -- throttles --------------------------------------------------------------------
        self._resample_throttle = _Throttle(self, FRAME_MS, self._resample)
        self._push_throttle = _Throttle(self, FRAME_MS, self._push_view)
        self._marker_timer = QTimer(self)
        self._marker_timer.setSingleShot(True)
        self._marker_timer.setInterval(MARKER_DELAY_MS)
        self._marker_timer.timeout.connect(self._update_markers)

        # -- subscriptions ----------------------------------------------------------------
        vb.grab_test = self._grabs_point
        vb.on_grab = self._on_point_dragged
        vb.sigRangeChanged.connect(self._on_viewbox_range_changed)
        vb.sigResized.connect(self._on_viewbox_resized)
        scene = self.plot_widget.scene()
        scene.sigMouseClicked.connect(self._on_scene_clicked)
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot_widget.installEventFilter(self)
        connect_while_alive(
            self,
            [
                (session.function_changed, self._on_function_changed),
                (session.params_changed, self._on_params_changed),
                (session.point_changed, self._on_point_changed),
                (session.view_changed, self._on_view_changed),
                (session.visibility_changed, self._on_visibility_changed),
                (session.secant_changed, self._on_secant_changed),
            ],
        )

        self._apply_style()
        self._on_visibility_changed()
        self._apply_view()
        self._resample()
        self._update_markers()
        self._on_point_changed()

    # -- public -------------------------------------------------------------------------

    @property
    def dark(self) -> bool:
        """Whether the dark theme's colours are in use."""
        return self._style.dark

    @property
    def plot_colors(self) -> PlotStyle:
        """The plot's current colours (see :mod:`derivview.ui.plot_style`)."""
        return self._style

    def set_dark(self, dark: bool) -> None:
        """Use the dark (True) or light (False) theme's colours."""
        if dark != self._style.dark:
            self._style = plot_style(dark)
            self._apply_style()

    def secant_point_scene_pos(self) -> QPointF:
        """Where the secant's second point is, in scene coordinates."""
        return self._vb.mapViewToScene(self.secant_point.pos())

    def point_scene_pos(self) -> QPointF:
        """Where the dragged point is, in scene coordinates (for tests and tools)."""
        return self._vb.mapViewToScene(self.point.pos())  # up to date even before a paint

    # -- session -> view -------------------------------------------------------------------

    def _on_function_changed(self) -> None:
        self._fitted_y = None  # a new f: fit the y-range to it (when the view asks to)
        self._resample()
        # The new f, f′, f″ are drawn in this frame; its special points (a search over
        # the view, several ms) come a moment later and never delay a keystroke's frame.
        for item in self.markers.values():
            item.setData([], [])
        self._marker_timer.start()

    def _on_params_changed(self) -> None:
        self._resample()
        self._marker_timer.start()

    def _on_view_changed(self) -> None:
        if not self._pushing_view:
            self._apply_view()
        self._resample_throttle()
        self._marker_timer.start()

    def _on_secant_changed(self, _h: float) -> None:
        self._update_secant()

    def _on_visibility_changed(self) -> None:
        shown = self.session.visible
        for name, curve in self.curves.items():
            was = curve.isVisible()
            curve.setVisible(name in shown)
            if name in shown and not was:
                self._resample()
        tangent = "tangent" in shown
        for item in (self.tangent, self.left_tangent, self.right_tangent, *self.fan):
            item.setVisible(tangent)
        self.vertical_tangent.setVisible(tangent and "vertical" in self._line_state)
        for item in self.markers.values():
            item.setVisible("markers" in shown)
        self.legend.setVisible("legend" in shown)
        for line in self.grid_lines:
            line.setVisible("grid" in shown)
        self._update_grid()
        for band in self._bands:
            band.setVisible(False)
        if "concavity" in shown:
            self._resample()
        self._update_secant()
        self._rebuild_legend()

    def _apply_view(self) -> None:
        """Set the ViewBox to the session's view (y fitted robustly when it is None)."""
        s = self.session
        yr = s.y_range
        if yr is None:
            if self._fitted_y is None or self._fitted_y[2:] != s.x_range:
                self._fitted_y = (*self._fit_y(), *s.x_range)
            yr = (self._fitted_y[0], self._fitted_y[1])
        self._applying_view = True
        try:
            self._vb.setRange(xRange=s.x_range, yRange=yr, padding=0.0, update=True)
        finally:
            self._applying_view = False

    def _fit_y(self) -> tuple[float, float]:
        fn = self.session.function
        if fn is None:
            return sampling.DEFAULT_Y_RANGE
        params = self.session.param_values()
        point = self.session.point
        f0 = point.f if point is not None and point.f is not None else None
        xr = self.session.x_range
        if f0 is not None and not xr[0] <= self.session.x0 <= xr[1]:
            f0 = None
        return sampling.fit_y_range(lambda x: fn.f(x, params), xr, include=f0)

    def _view_y(self) -> tuple[float, float]:
        yr = self._vb.viewRange()[1]
        return float(yr[0]), float(yr[1])

    def _view_x(self) -> tuple[float, float]:
        xr = self._vb.viewRange()[0]
        return float(xr[0]), float(xr[1])

    def _resample(self) -> None:
        """Sample f, f′, f″ over the view (and the concavity bands)."""
        fn = self.session.function
        shown = self.session.visible
        if fn is None:
            for curve in self.curves.values():
                curve.setData([], [])
            self._set_bands([])
            return
        if self.session.y_range is None:
            self._apply_view()  # refit y for this function / x-range
        xr, yr = self._view_x(), self._view_y()
        width = max(float(self._vb.width()), 200.0)
        self._last_width = width
        params = self.session.param_values()
        funcs = {"f": fn.f, "df": fn.df, "d2f": fn.d2f}
        for name, curve in self.curves.items():
            if name not in shown:
                continue
            s = sampling.sample(functools.partial(_with_params, funcs[name], params), xr, width, yr)
            curve.setData(s.x, sampling.clamp_for_drawing(s.y, yr, CLAMP_HEIGHTS))
        if "concavity" in shown:
            x = np.linspace(xr[0], xr[1], sampling.sample_count(width))
            d2 = sampling.evaluate(lambda t: fn.d2f(t, params), x)
            self._set_bands(sampling.concavity_intervals(x, d2))
        self._update_point_items()

    def _set_bands(self, intervals: list[tuple[float, float, int]]) -> None:
        yr = self._view_y()
        height = yr[1] - yr[0]
        top, span = yr[0] - height, 3 * height
        up = QBrush(pg.mkColor(self._style.concave_up))
        down = QBrush(pg.mkColor(self._style.concave_down))
        while len(self._bands) < len(intervals):
            band = QGraphicsRectItem()
            band.setPen(QPen(Qt.PenStyle.NoPen))
            band.setZValue(-20)
            self._vb.addItem(band, ignoreBounds=True)
            self._bands.append(band)
        for band, (a, b, sign) in zip(self._bands, intervals, strict=False):
            band.setRect(QRectF(a, top, b - a, span))
            band.setBrush(up if sign > 0 else down)
            band.setToolTip("concave up (f″ > 0)" if sign > 0 else "concave down (f″ < 0)")
            band.setVisible(True)
        for band in self._bands[len(intervals) :]:
            band.setVisible(False)
        self.concavity = intervals

    def _update_markers(self) -> None:
        fn = self.session.function
        for item in self.markers.values():
            item.setData([], [])
        if fn is None:
            return
        try:
            sp = self.session.special_points()
        except Exception:  # markers are a nicety: a failure must not break the plot
            sp = None
        if sp is None:
            return
        params = self.session.param_values()
        xr = self.session.x_range
        texts = {
            "critical": "critical point: f′ = 0 at x = {:.6g}",
            "inflection": "inflection point: f″ changes sign at x = {:.6g}",
            "nondifferentiable": "no derivative at x = {:.6g}",
        }
        for name, item in self.markers.items():
            xs = np.array([x for x in getattr(sp, name) if xr[0] <= x <= xr[1]], dtype=float)
            ys = sampling.evaluate(lambda x: fn.f(x, params), xs)
            ok = np.isfinite(ys)
            item.setData(x=xs[ok], y=ys[ok], data=[texts[name].format(x) for x in xs[ok].tolist()])

    # -- the point, its tangent, the secant ---------------------------------------------

    def _on_point_changed(self) -> None:
        self._update_point_items()

    def _update_point_items(self) -> None:
        s = self.session
        info = s.point
        if s.function is None or info is None:
            self.point.hide()
            self._set_lines(())
            self._update_secant()
            return
        x0 = s.x0
        xr, yr = self._view_x(), self._view_y()
        height = yr[1] - yr[0]
        box = (yr[0] - height, yr[1] + height)  # lines drawn a view-height beyond the edges
        if info.f is None:
            self.point.set_hollow(True)
            self.point.setPos(x0, self._hole_y(x0, yr))
            self._set_lines(())
        else:
            y0 = info.f
            self.point.set_hollow(False)
            self.point.setPos(x0, y0)
            if info.differentiable and info.tangent is not None:
                self._set_lines(("tangent",))
                seg = sampling.clip_line(x0, y0, info.tangent[0], xr, box)
                _set_xy(self.tangent, seg)
            else:
                self._draw_nondifferentiable(info, x0, y0, xr, box)
        if not self.point.isVisible():
            self.point.show()
        self._update_secant()

    def _draw_nondifferentiable(
        self,
        info: PointInfo,
        x0: float,
        y0: float,
        xr: tuple[float, float],
        box: tuple[float, float],
    ) -> None:
        if info.kind == "vertical tangent":
            self._set_lines(("vertical",))
            self.vertical_tangent.setValue(x0)
            return
        state: list[str] = []
        if info.left_df is not None:
            state.append("left")
        if info.right_df is not None:
            state.append("right")
        if info.subgradient is not None:
            state.append("fan")
        self._set_lines(tuple(state))
        if info.left_df is not None:
            _set_xy(self.left_tangent, sampling.clip_ray(x0, y0, info.left_df, xr, box, "left"))
        if info.right_df is not None:
            seg = sampling.clip_ray(x0, y0, info.right_df, xr, box, "right")
            _set_xy(self.right_tangent, seg)
        if info.subgradient is not None:
            lo, hi = info.subgradient
            for k, item in enumerate(self.fan):
                slope = lo + (hi - lo) * k / (len(self.fan) - 1)
                _set_xy(item, sampling.clip_line(x0, y0, slope, xr, box))

    def _set_lines(self, state: tuple[str, ...]) -> None:
        """Empty the line items not in ``state`` (only when the state changes)."""
        if state == self._line_state:
            return
        self._line_state = state
        if "tangent" not in state:
            self.tangent.setData([], [])
        if "left" not in state:
            self.left_tangent.setData([], [])
        if "right" not in state:
            self.right_tangent.setData([], [])
        if "fan" not in state:
            for item in self.fan:
                item.setData([], [])
        self.vertical_tangent.setVisible("vertical" in state and self.session.is_visible("tangent"))

    def _hole_y(self, x0: float, yr: tuple[float, float]) -> float:
        """Where to draw the hollow marker when f(x₀) is undefined.

        At the limit if f has one there (sin(x)/x at 0), else on the x-axis (clamped
        into the view) — at a pole there is no height to show.
        """
        fn = self.session.function
        if fn is not None:
            eps = 1e-7 * max(1.0, abs(x0))
            ys = sampling.evaluate(
                lambda x: fn.f(x, self.session.param_values()), np.array([x0 - eps, x0 + eps])
            )
            if np.isfinite(ys).all() and abs(ys[0] - ys[1]) <= 1e-4 * max(1.0, abs(ys[0])):
                return float(ys.mean())
        return min(max(0.0, yr[0]), yr[1])

    def _update_secant(self) -> None:
        s = self.session
        fn, info = s.function, s.point
        show = s.is_visible("secant") and fn is not None and info is not None
        if show and info is not None and fn is not None and info.f is not None:
            h = s.secant_h
            y1 = sampling.evaluate(lambda x: fn.f(x, s.param_values()), np.array([s.x0 + h]))[0]
            if math.isfinite(y1):
                xr, yr = self._view_x(), self._view_y()
                height = yr[1] - yr[0]
                slope = (y1 - info.f) / h
                seg = sampling.clip_line(s.x0, info.f, slope, xr, (yr[0] - height, yr[1] + height))
                _set_xy(self.secant, seg)
                self.secant_point.setPos(s.x0 + h, y1)
                if not self.secant_point.isVisible():
                    self.secant_point.show()
                return
        self.secant.setData([], [])
        if self.secant_point.isVisible():
            self.secant_point.hide()

    # -- view -> session ------------------------------------------------------------------

    def _on_viewbox_range_changed(self, *_: object) -> None:
        self._update_grid()
        if self._applying_view:
            return
        self._push_throttle()

    def _push_view(self) -> None:
        xr, yr = self._view_x(), self._view_y()
        self._pushing_view = True
        try:
            self.session.set_view(xr, yr)
        except ValueError:  # zoomed beyond what float64 can sample: go back
            self._apply_view()
        finally:
            self._pushing_view = False

    def _update_grid(self) -> None:
        """Put the grid lines at the axes' major and minor ticks over the view."""
        if not self.session.is_visible("grid"):
            return
        (x0, x1), (y0, y1) = self._view_x(), self._view_y()
        w, h = max(float(self._vb.width()), 1.0), max(float(self._vb.height()), 1.0)
        xt = self.plot_item.getAxis("bottom").tickValues(x0, x1, w)
        yt = self.plot_item.getAxis("left").tickValues(y0, y1, h)
        for level, line in enumerate(self.grid_lines):
            xv = np.asarray(xt[level][1] if level < len(xt) else [], dtype=float)
            yv = np.asarray(yt[level][1] if level < len(yt) else [], dtype=float)
            # each tick value: one segment across the view (x pairs, then y pairs)
            xs = np.concatenate((np.repeat(xv, 2), np.tile([x0, x1], yv.size)))
            ys = np.concatenate((np.tile([y0, y1], xv.size), np.repeat(yv, 2)))
            line.setData(xs, ys)

    def _on_viewbox_resized(self, *_: object) -> None:
        self._update_grid()
        if abs(float(self._vb.width()) - self._last_width) > 0.5:
            self._resample_throttle()

    def _on_auto_button(self) -> None:
        self._fitted_y = None
        self.session.set_view(self.session.x_range, None)
        self._apply_view()
        self._resample()

    # -- mouse and keys -------------------------------------------------------------------

    def _handle_at(self, scene_pos: QPointF) -> str | None:
        """Which handle ("point", or the secant's "secant") is within grabbing distance."""
        for name, handle in (("point", self.point), ("secant", self.secant_point)):
            if handle.isVisible():
                p = self._vb.mapViewToScene(handle.pos())
                if math.hypot(p.x() - scene_pos.x(), p.y() - scene_pos.y()) <= GRAB_RADIUS_PX:
                    return name
        return None

    def _grabs_point(self, scene_pos: QPointF) -> bool:
        """Whether a drag starting at ``scene_pos`` grabs a handle (and remember which)."""
        self._grabbed = self._handle_at(scene_pos)
        return self._grabbed is not None

    def _on_point_dragged(self, x: float, phase: str) -> None:
        """x follows the mouse (f gives y): x₀ for the point, x₀ + h for the secant's."""
        viewport = self.plot_widget.viewport()
        if phase == "finish":
            viewport.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            viewport.setCursor(Qt.CursorShape.ClosedHandCursor)
        xr = self._view_x()
        x = min(max(x, xr[0]), xr[1])
        with contextlib.suppress(ValueError):  # beyond the session's bounds: stay put
            if self._grabbed == "secant":
                h = x - self.session.x0
                if h != 0.0:
                    self.session.set_secant_h(h)
            else:
                self.session.set_x0(x)

    def _on_scene_clicked(self, ev: Any) -> None:
        """A left click within a few pixels of f moves x₀ to the nearest point of f."""
        fn = self.session.function
        if (
            fn is None
            or ev.isAccepted()
            or ev.double()
            or ev.button() != Qt.MouseButton.LeftButton
            or not self._vb.sceneBoundingRect().contains(ev.scenePos())
        ):
            return
        pos = ev.scenePos()
        if self._handle_at(pos) is not None:
            ev.accept()  # a click on a handle leaves it where it is
            return
        px = self._vb.viewPixelSize()[0]
        click = self._vb.mapSceneToView(pos)
        xs = click.x() + px * np.linspace(-CLICK_RADIUS_PX, CLICK_RADIUS_PX, 17)
        ys = sampling.evaluate(lambda x: fn.f(x, self.session.param_values()), xs)
        best, best_d = None, CLICK_RADIUS_PX
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            if not math.isfinite(y):
                continue
            sp = self._vb.mapViewToScene(QPointF(x, y))
            d = math.hypot(sp.x() - pos.x(), sp.y() - pos.y())
            if d <= best_d:
                best, best_d = x, d
        if best is not None:
            ev.accept()
            self.session.set_x0(best)

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        viewport = self.plot_widget.viewport()
        if not QApplication.mouseButtons():
            if self._handle_at(pos) is not None:
                viewport.setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                viewport.unsetCursor()
        if not self._vb.sceneBoundingRect().contains(pos):
            self.coords_label.hide()
            return
        p = self._vb.mapSceneToView(pos)
        self.coords_label.setText(f"x = {p.x():.6g}   y = {p.y():.6g}")
        self.coords_label.adjustSize()
        w = self.plot_widget.width()
        self.coords_label.move(w - self.coords_label.width() - 8, 4)
        self.coords_label.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.plot_widget and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
                xr = self.session.x_range
                step = (xr[1] - xr[0]) * KEY_STEP
                if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    step /= 10
                sign = -1.0 if key == Qt.Key.Key_Left else 1.0
                with contextlib.suppress(ValueError):
                    self.session.set_x0(self.session.x0 + sign * step)
                return True
        return super().eventFilter(obj, event)

    def _on_legend_clicked(self, item: object) -> None:
        for name, curve in (*self.curves.items(), ("tangent", self.tangent)):
            if item is curve:
                self.session.set_visible(name, not self.session.is_visible(name))
                return
        if item is self.secant:
            self.session.set_visible("secant", False)
        elif item in self.markers.values():
            self.session.set_visible("markers", False)

    # -- theme ------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        # (hasattr: a parent's palette can reach us while __init__ is still running)
        if event.type() in kinds and hasattr(self, "legend"):
            self.set_dark(_palette_is_dark(self.palette()))
        super().changeEvent(event)

    def _apply_style(self) -> None:
        st = self._style
        self.plot_widget.setBackground(st.background)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(st.foreground)
            axis.setTextPen(st.foreground)
        bg, fg = QColor(st.background), QColor(st.foreground)
        for line, alpha in zip(self.grid_lines, (st.grid_alpha, st.grid_alpha / 2.5), strict=True):
            line.setPen(pg.mkPen(_blend(bg, fg, alpha), width=1))
        self.curves["f"].setPen(pg.mkPen(st.f, width=st.curve_width))
        self.curves["df"].setPen(pg.mkPen(st.df, width=st.curve_width))
        self.curves["d2f"].setPen(pg.mkPen(st.d2f, width=st.curve_width))
        self.tangent.setPen(pg.mkPen(st.tangent, width=st.tangent_width))
        dash = Qt.PenStyle.DashLine
        for item in (self.left_tangent, self.right_tangent):
            item.setPen(pg.mkPen(st.one_sided, width=st.tangent_width, style=dash))
        fan = pg.mkColor(st.one_sided)
        fan.setAlpha(st.fan_alpha)
        for item in self.fan:
            item.setPen(pg.mkPen(fan, width=1))
        self.vertical_tangent.setPen(pg.mkPen(st.vertical, width=st.tangent_width, style=dash))
        self.secant.setPen(pg.mkPen(st.secant, width=st.tangent_width))
        self.point.set_colors(st.point, st.point_edge)
        self.secant_point.set_colors(st.secant, st.point_edge)
        symbols = {
            "critical": (st.symbol_critical, st.critical),
            "inflection": (st.symbol_inflection, st.inflection),
            "nondifferentiable": (st.symbol_nondifferentiable, st.nondifferentiable),
        }
        for name, (symbol, color) in symbols.items():
            self.markers[name].setSymbol(symbol)
            self.markers[name].setSize(st.marker_size)
            self.markers[name].setPen(pg.mkPen(st.foreground if symbol != "x" else color))
            self.markers[name].setBrush(pg.mkBrush(color))
        self.legend.setLabelTextColor(st.foreground)
        # translucent, so curves behind it still show: the legend is pixmap-cached, so
        # the blend is not redone per frame (uncached it cost ~1 ms)
        legend_bg = QColor(st.background)
        legend_bg.setAlpha(210)
        self.legend.setBrush(pg.mkBrush(legend_bg))
        self.legend.setPen(pg.mkPen(st.foreground, width=0.5))
        self.coords_label.setStyleSheet(
            f"color: {st.foreground}; background: transparent; font-size: 9pt;"
        )
        if self._bands:
            self._resample()
        self._rebuild_legend()

    def _rebuild_legend(self) -> None:
        # Entries depend on the style and on two visibility flags only; rebuilding costs
        # 4–8 ms, and construction would otherwise do it twice (style, then visibility).
        key = (
            id(self._style),
            self.session.is_visible("secant"),
            self.session.is_visible("markers"),
        )
        if key == getattr(self, "_legend_key", None):
            return
        self._legend_key = key
        self.legend.clear()
        for name in ("f", "df", "d2f"):
            self.legend.addItem(self.curves[name], LEGEND_NAMES[name])
        self.legend.addItem(self.tangent, LEGEND_NAMES["tangent"])
        if self.session.is_visible("secant"):
            self.legend.addItem(self.secant, "secant")
        if self.session.is_visible("markers"):
            self.legend.addItem(self.markers["critical"], "critical point")
            self.legend.addItem(self.markers["inflection"], "inflection point")
            self.legend.addItem(self.markers["nondifferentiable"], "no derivative")
        cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
        self.legend.setCacheMode(cache)
        for sample, label in self.legend.items:
            sample.toggle = self._on_legend_clicked
            sample.setCacheMode(cache)
            label.setCacheMode(cache)
            label.item.setCacheMode(cache)

    def legend_labels(self) -> list[str]:
        """The legend's entries as a person reads them."""
        return [label.text for _, label in self.legend.items]


def _set_xy(item: pg.PlotDataItem, seg: tuple[Any, Any] | None) -> None:
    if seg is None:
        item.setData([], [])
    else:
        item.setData(seg[0], seg[1])


def _with_params(g: Callable[..., Any], params: dict[str, float], x: Any) -> Any:
    return g(x, params)


def _blend(bg: QColor, fg: QColor, alpha: float) -> QColor:
    """fg over bg at ``alpha``, as an opaque colour (no blending cost per frame)."""
    return QColor(
        round(bg.red() + (fg.red() - bg.red()) * alpha),
        round(bg.green() + (fg.green() - bg.green()) * alpha),
        round(bg.blue() + (fg.blue() - bg.blue()) * alpha),
    )


def _marker_tip(x: float, y: float, data: object) -> str:
    return str(data) if data is not None else f"x = {x:.6g}"


def _palette_is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128
