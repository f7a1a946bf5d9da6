"""The descent trajectory: a layer of the main plot.

For each run: the iterates (x_k, f(x_k)) as dots joined by segments with an arrowhead at
each segment's middle (pointing the way the run went), the current iterate highlighted,
and the tangent there (its slope is the f′ that drives the next step). A start marker
sits on the curve at the start point; drag it along the curve to move the start.
Ctrl+click on the plot, or right-click → "Start descent here", starts there. A plain drag
is left to the plot (it moves the tangent point).

The layer only reads the session and writes the start point; items are created once
and updated with ``setData``.
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QColor, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem

import pyqtgraph as pg  # isort: skip

from derivview.ui.layers.base import LegendEntry, PlotLayer
from derivview.ui.layers.items import clear_data
from derivview.ui.plot_style import plot_style

if TYPE_CHECKING:
    from derivview.model.optimizers import DescentRun
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

_ARROW_MIN_PX = 18.0  # segments shorter than this on screen get no arrowhead
_ARROW_MAX = 300  # arrowheads on the newest segments only: older ones are history
_DOTS_MAX = 300  # dots on the newest iterates only: thousands of dots cost, and overlap
_TANGENT_PX = 70.0  # half-length of the iterate's tangent, in pixels
_Z = 30  # above f and its derivatives


def trajectory_colors(dark: bool) -> tuple[str, str]:
    """The colours of runs A and B: the plot style's, so exports and window agree."""
    a, b = plot_style(dark).descent
    return a, b


_ARROW_CACHE: dict[int, QPainterPath] = {}


def _arrowhead(degrees: float) -> QPainterPath:
    """A filled arrowhead pointing at ``degrees`` (screen: 0 = right, 90 = down)."""
    key = round(degrees / 3.0) % 120  # 3° steps: symbols are cached per path object
    path = _ARROW_CACHE.get(key)
    if path is None:
        base = QPainterPath()
        base.moveTo(0.5, 0.0)
        base.lineTo(-0.5, -0.42)
        base.lineTo(-0.22, 0.0)
        base.lineTo(-0.5, 0.42)
        base.closeSubpath()
        path = QTransform().rotate(key * 3.0).map(base)
        _ARROW_CACHE[key] = path
    return path


class RunArrays:
    """A run's k, x and f(x) as numpy arrays that grow by appending only the new iterates.

    Play adds a step at a time to runs of up to 100,000 iterates: rebuilding the arrays
    from the iterates on every frame would cost O(n) Python work per frame. A new run
    (a different first iterate) starts new arrays; arrays already handed to a plot item
    are never written below their length, so items may keep views of them.
    """

    def __init__(self) -> None:
        self._first: object | None = None
        self._n = 0
        self._k = np.empty(0)
        self._x = np.empty(0)
        self._f = np.empty(0)

    def update(self, run: DescentRun) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(k, x, f) of ``run``'s iterates; NaN where x or f is undefined or not finite."""
        its = run.iterates
        if self._first is not its[0] or len(its) < self._n:
            self._first, self._n = its[0], 0
            self._k, self._x, self._f = np.empty(0), np.empty(0), np.empty(0)
        n_old, n = self._n, len(its)
        if n > n_old:
            if n > self._x.size:  # grow geometrically into fresh arrays
                cap = max(64, 2 * n)
                k, x, f = np.empty(cap), np.empty(cap), np.empty(cap)
                k[:n_old], x[:n_old], f[:n_old] = (
                    self._k[:n_old],
                    self._x[:n_old],
                    self._f[:n_old],
                )
                self._k, self._x, self._f = k, x, f
            new = its[n_old:n]
            self._k[n_old:n] = [it.k for it in new]
            self._x[n_old:n] = [it.x for it in new]
            self._f[n_old:n] = [math.nan if it.f is None else it.f for it in new]
            with np.errstate(all="ignore"):
                for arr in (self._x, self._f):
                    seg = arr[n_old:n]
                    seg[~np.isfinite(seg)] = math.nan
            self._n = n
        return self._k[:n], self._x[:n], self._f[:n]


class StartMarker(pg.TargetItem):
    """The start point on the curve; dragging moves it along x only (y follows f)."""

    def __init__(self, layer: DescentLayer) -> None:
        # The "start" label is set by DescentOverlay.set_dark, in the run's colour: a label
        # here would be built only to be replaced at once (a TextItem costs ~2 ms).
        super().__init__(pos=(0.0, 0.0), size=15, symbol="o", movable=True)
        self._layer = layer

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        if ev.isStart():
            self.moving = True
        if not self.moving:
            return
        x = self.mapToView(ev.pos()).x()
        self._layer.drag_start(x)
        if ev.isFinish():
            self.moving = False


class DescentLayer(PlotLayer):
    """Draws the session's descent runs on the plot and lets a person pick the start.

    ``paths``, ``dots``, ``arrows``, ``currents``, ``tangents``: the items of runs A and B;
    ``start_marker``; ``start_here_action`` (in the plot's right-click menu).
    """

    name = "descent"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self._vb: pg.ViewBox = plot.view_box
        self._dark = plot.dark
        self._geometry_drawn = False  # arrowheads or tangents hold data
        self._menu_x: float | None = None
        self._runs_listed = 0  # what the legend lists (rebuilt only when that changes)
        self._configs_listed: object = None

        # Items for runs A and B, created once.
        self.paths: list[pg.PlotDataItem] = []
        self.dots: list[pg.ScatterPlotItem] = []
        self._arrays = [RunArrays(), RunArrays()]
        self.arrows: list[pg.ScatterPlotItem] = []
        self.currents: list[pg.ScatterPlotItem] = []
        self.tangents: list[pg.PlotDataItem] = []
        for _ in range(2):
            path = pg.PlotDataItem(connect="finite")
            dots = pg.ScatterPlotItem(pxMode=True, size=6, symbol="o")
            arrow = pg.ScatterPlotItem(pxMode=True, size=11)
            current = pg.ScatterPlotItem(pxMode=True, size=13, symbol="o")
            tangent = pg.PlotDataItem()
            for z, item in enumerate((tangent, path, dots, arrow, current)):
                item.setZValue(_Z + z)
                plot.plot_item.addItem(item, ignoreBounds=True)
            self.paths.append(path)
            self.dots.append(dots)
            self.arrows.append(arrow)
            self.currents.append(current)
            self.tangents.append(tangent)
        self.start_marker = StartMarker(self)
        # Below the plot's own draggable point: where they overlap, the plot's drag wins.
        self.start_marker.setZValue(5)
        # Painted from a pixmap: the tangent, which spans the view, makes every item under
        # it repaint on each drag frame (a path and a label, ~0.1 ms, for a marker that
        # rarely moves).
        self.start_marker.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        plot.plot_item.addItem(self.start_marker, ignoreBounds=True)

        # "Start descent here" in the plot's context menu, at the right-clicked x.
        self.start_here_action = QAction("Start descent here", plot)
        self.start_here_action.setObjectName("actionStartDescentHere")
        self.start_here_action.setToolTip("Start gradient descent at the x you right-clicked")
        self.start_here_action.triggered.connect(self._on_start_here)

        s = self.session
        plot.listen(
            [
                (s.descent_changed, self._on_descent_changed),
                (s.visibility_changed, self._on_visibility_changed),
            ]
        )
        self.redraw()
        self._on_visibility_changed()

    # -- public -----------------------------------------------------------------------

    def set_style(self, style: PlotStyle) -> None:
        """Follow the theme."""
        dark = style.dark
        self._dark = dark
        for i, color in enumerate(trajectory_colors(dark)):
            c = QColor(color)
            self.paths[i].setPen(pg.mkPen(c, width=1.5))
            self.dots[i].setPen(pg.mkPen(c, width=1))
            self.dots[i].setBrush(pg.mkBrush(c))
            self.arrows[i].setPen(pg.mkPen(None))
            self.arrows[i].setBrush(pg.mkBrush(c))
            halo = QColor(style.background)  # a ring that separates dot and curve
            self.currents[i].setPen(pg.mkPen(halo, width=2))
            self.currents[i].setBrush(pg.mkBrush(c))
            self.tangents[i].setPen(pg.mkPen(c, width=1.5, style=Qt.PenStyle.DashLine))
        a = QColor(trajectory_colors(dark)[0])
        self.start_marker.setPen(pg.mkPen(a, width=2))
        self.start_marker.setBrush(pg.mkBrush(None))
        self.start_marker.setHoverPen(pg.mkPen(a, width=3))
        # The label in the run's colour (pyqtgraph's default grey is faint on white).
        self.start_marker.setLabel("start", {"color": a, "offset": (12, 0), "anchor": (0, 0.5)})

    def legend_entries(self) -> list[LegendEntry]:
        """One row per run drawn: "descent A: gradient descent, η = 0.1"."""
        if not self.session.is_visible("descent"):
            return []
        state = self.session.descent
        names = ("A", "B") if len(state.runs) > 1 else ("",)
        return [
            (self.paths[i], f"descent {names[i]}: {state.configs[i].label}".replace(" :", ":"),
             "descent")
            for i in range(len(state.runs))
        ]  # fmt: skip

    def redraw(self) -> None:
        """Redraw everything from the session."""
        state = self.session.descent
        runs = state.runs
        for i in range(2):
            if i < len(runs):
                _, xs, ys = self._arrays[i].update(runs[i])
                if np.isfinite(ys).any():
                    self.paths[i].setData(xs, ys)
                else:  # e.g. a start outside the domain: nothing to draw
                    self.paths[i].setData([], [])
                dx, dy = xs[-_DOTS_MAX:], ys[-_DOTS_MAX:]
                shown = np.isfinite(dx) & np.isfinite(dy)  # all-NaN data makes pyqtgraph warn
                self.dots[i].setData(dx[shown], dy[shown])
                last = runs[i].iterates[-1]
                if last.f is not None and math.isfinite(last.x):
                    self.currents[i].setData([last.x], [last.f])
                else:
                    self.currents[i].setData([], [])
            else:
                for item in (self.paths[i], self.dots[i], self.currents[i]):
                    clear_data(item)
        self._show_run_items()
        self._place_start_marker()
        self._update_geometry_items()
        if len(runs) != self._runs_listed or state.configs != self._configs_listed:
            self._runs_listed, self._configs_listed = len(runs), state.configs
            self.plot.refresh_legend()

    def _show_run_items(self) -> None:
        """Only the items of runs that exist are shown: an empty item still costs the
        scene a bounding-rect query on every drag frame (a run's five, times two)."""
        shown = self.session.is_visible("descent")
        n = len(self.session.descent.runs)
        for group in (self.paths, self.dots, self.arrows, self.currents, self.tangents):
            for i, item in enumerate(group):
                on = shown and i < n
                if item.isVisible() != on:
                    item.setVisible(on)

    def drag_start(self, x: float) -> None:
        """Move the start point to ``x`` (rounded to about a pixel), as a drag does."""
        self._set_start(self._round_to_pixel(x))

    # -- handlers ---------------------------------------------------------------------

    def _on_descent_changed(self) -> None:
        self.redraw()

    def _on_visibility_changed(self) -> None:
        self._show_run_items()
        self._place_start_marker()

    def on_view_moved(self) -> None:
        self._update_geometry_items()

    def press(self, view_pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        """Ctrl+click starts the descent there (and the plot does not pan or move x₀)."""
        if not modifiers & Qt.KeyboardModifier.ControlModifier:
            return False
        self._set_start(self._round_to_pixel(view_pos.x()))
        return True

    def context_actions(self, view_pos: QPointF) -> list[QAction]:
        self._menu_x = view_pos.x()
        return [self.start_here_action]

    def _on_start_here(self) -> None:
        if self._menu_x is not None:
            self._set_start(self._round_to_pixel(self._menu_x))

    # -- drawing helpers --------------------------------------------------------------

    def _pixel_size(self) -> tuple[float, float] | None:
        try:
            px, py = self._vb.viewPixelSize()
        except (ZeroDivisionError, np.linalg.LinAlgError):
            return None
        if not (px > 0 and py > 0 and math.isfinite(px) and math.isfinite(py)):
            return None
        return float(px), float(py)

    def _place_start_marker(self) -> None:
        state = self.session.descent
        fn = state.function()
        y = None
        if fn is not None:
            try:
                y = fn.f(state.start)
            except (ArithmeticError, ValueError):
                y = None
        # Only once a run is being set up or shown: on every plot it covered other markers
        # (x³ − 3x's inflection, relu's ×) and sat off the curve where f is undefined.
        self.start_marker.setVisible(
            fn is not None and self.session.is_visible("descent") and state.set_up
        )
        # Where f is undefined the marker sits on the x axis, so it can still be dragged.
        self.start_marker.setPos(state.start, y if y is not None and math.isfinite(y) else 0.0)

    def _update_geometry_items(self) -> None:
        """Arrowheads and tangents: their shape depends on the view's pixel size."""
        runs = self.session.descent.runs
        if not runs:
            # Nothing to shape (at start-up, and on every pan or zoom until a run starts):
            # no pixel-size computation, and the items are cleared once only.
            if self._geometry_drawn:
                for i in range(2):
                    self.arrows[i].setData([], [])
                    self.tangents[i].setData([], [])
                self._geometry_drawn = False
            return
        self._geometry_drawn = True
        pixel = self._pixel_size()
        for i in range(2):
            if i >= len(runs) or pixel is None:
                self.arrows[i].setData([], [])
                self.tangents[i].setData([], [])
                continue
            px, py = pixel
            its = runs[i].iterates[-(_ARROW_MAX + 1) :]
            xs = np.array([it.x for it in its], dtype=float)
            ys = np.array([math.nan if it.f is None else it.f for it in its], dtype=float)
            with np.errstate(all="ignore"):
                dx_px = np.diff(xs) / px
                dy_px = -np.diff(ys) / py  # screen y points down
                length = np.hypot(dx_px, dy_px)
                ok = np.isfinite(length) & (length >= _ARROW_MIN_PX)
                mx = (xs[:-1] + xs[1:]) / 2
                my = (ys[:-1] + ys[1:]) / 2
                angles = np.degrees(np.arctan2(dy_px, dx_px))
            idx = np.flatnonzero(ok)
            self.arrows[i].setData(
                mx[idx], my[idx], symbol=[_arrowhead(float(a)) for a in angles[idx]]
            )
            last = runs[i].iterates[-1]
            if last.f is None or last.df is None or not math.isfinite(last.x):
                self.tangents[i].setData([], [])
                continue
            # Half-width in x so that the drawn segment is _TANGENT_PX long on screen.
            per_dx = math.hypot(1.0 / px, last.df / py)
            half = _TANGENT_PX / per_dx if per_dx > 0 and math.isfinite(per_dx) else 0.0
            tx = np.array([last.x - half, last.x + half])
            self.tangents[i].setData(tx, last.f + last.df * (tx - last.x))

    def _round_to_pixel(self, x: float) -> float:
        pixel = self._pixel_size()
        if pixel is None or not math.isfinite(x):
            return x
        decimals = max(0, -math.floor(math.log10(pixel[0])))
        return round(x, min(decimals, 12))

    def _set_start(self, x: float) -> None:
        # Beyond ±1e12 the view cannot even show that: the gesture is ignored.
        with contextlib.suppress(ValueError):
            self.session.descent.set_start(x)
