"""The main plot: a view that hosts layers (curves, tangent, secant, markers, descent, …).

``PlotPanel`` observes a :class:`~derivview.model.session.Session` and owns the view:
the ranges (session → ViewBox, and pan/zoom → session), the robust y fit, the legend,
the right-click menu, the theme's colours, and the throttling of resampling. Everything
drawn belongs to a layer (:mod:`derivview.ui.layers`): the panel creates its layers,
calls their hooks (``on_resample``, ``on_view_moved``, ``set_style``) and dispatches
input to them — a drag to the handle under the mouse, a click or a key to the first
layer that takes it, a right-click menu made of the layers' actions and its own.
Layers never reach into the panel's internals nor into each other.

Export draws the same layers (an offscreen ``PlotPanel`` with fixed colours).
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QFont, QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsItem, QLabel, QMenu, QVBoxLayout, QWidget

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model import framing, sampling
from derivview.model.formatting import format_number
from derivview.model.signals import SignalInstance
from derivview.ui.axes import number_axes
from derivview.ui.layers.base import Drag, PlotLayer
from derivview.ui.legend import Legend, LegendSample
from derivview.ui.pace import AfterFrame, Paced
from derivview.ui.plot_style import PlotStyle, plot_style
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.session import Session

#: Refresh interval for view-driven work (resampling, pushing the view): one frame.
FRAME_MS = 16


#: A change of the plot's width by less than this share keeps the samples (see
#: ``_on_viewbox_resized``).
RESAMPLE_WIDTH_SHARE = 0.05


class _ViewBox(pg.ViewBox):
    """A ViewBox whose left-drags that start on a handle move the handle, not the view,
    and whose right-click asks its panel for a menu (pyqtgraph's own is off: its "View
    All" would include tan's 1e16 near a pole).

    Every ``ScatterPlotItem`` added (the markers, and layers' dots such as a descent
    run's) paints from a pixmap cache: pyqtgraph's scatter paint is Python-heavy (~0.1 ms
    per item), and the tangent, which spans the view, makes every item under it repaint
    on each drag frame. The cache is redrawn only when the item's data or the view's
    scale changes.
    """

    def __init__(self) -> None:
        # No pyqtgraph menu (see the class docstring): not even built (~2 ms at launch).
        super().__init__(enableMenu=False)
        self.grab_test: Callable[[QPointF], bool] | None = None
        self.on_grab: Callable[[float, str], None] | None = None
        self.on_menu: Callable[[Any], None] | None = None
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

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.RightButton and self.on_menu is not None:
            ev.accept()
            self.on_menu(ev)
            return
        super().mouseClickEvent(ev)


#: Legend corners (item and parent anchor) and their offsets in pixels.
_CORNERS = {
    (0, 0): (8, 8),
    (1, 0): (-8, 8),
    (0, 1): (8, -8),
    (1, 1): (-8, -8),
}


def _call_with(g: Callable[..., Any], params: dict[str, float], x: Any) -> Any:
    return g(x, params)


def default_layers() -> tuple[type[PlotLayer], ...]:
    """The f(x) plot's layers (:data:`derivview.ui.layers.registry.FX_LAYERS`)."""
    from derivview.ui.layers.registry import FX_LAYERS

    return FX_LAYERS


#: The y axis narrows only when its labels need less than this share of its width.
Y_AXIS_NARROWS_BELOW = 0.5


class PlotPanel(QWidget):
    """The plot of the session: a view, and the layers drawn in it.

    Public: ``plot_widget`` (the ``pg.PlotWidget``, objectName ``plotView``),
    ``plot_item``, ``view_box``, ``legend``, ``layers`` and ``layer(name)``.

    Parameters
    ----------
    session
        What to draw.
    layers
        The layer classes, bottom to top (default: the f(x) plot's).
    dark
        Fixed colours (an export); None follows the application's theme.
    presentation, picture
        An export's style: for a projector, or any picture (f 2 px wide).
    later
        Build only the grid now and the other default layers once the plot has painted
        (the launch: its first paint does not wait for layers that have nothing to draw
        before f is computed). ``layer(name)`` builds them at once when asked first.
    """

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        layers: Sequence[type[PlotLayer]] | None = None,
        dark: bool | None = None,
        presentation: bool = False,
        picture: bool = False,
        later: bool = False,
    ) -> None:
        super().__init__(parent)
        self.session = session
        from derivview.ui.theme import theme_signals

        self._presentation = presentation
        self._picture = picture
        self._style: PlotStyle = plot_style(
            theme_signals().dark if dark is None else dark, presentation, picture
        )
        self._applying_view = False  # echo guard: session -> ViewBox
        self._pushing_view = False  # echo guard: ViewBox -> session
        self._fitted_y: tuple[float, float, float, float] | None = None  # y-range, x-range
        self._last_width = 0.0
        self._drag: Drag | None = None  # the handle being dragged
        self._swallowing = False  # a layer took a press: the rest of the gesture is its
        self._legend_key: tuple[Any, ...] | None = None
        self._following = False  # the view is the descent run's framing, not the person's

        # -- the view -----------------------------------------------------------------
        self.view_box = _ViewBox()
        self.plot_widget = pg.PlotWidget(
            parent=self,
            background=self._style.background,
            viewBox=self.view_box,
            axisItems=number_axes(),
        )
        self.plot_widget.setObjectName("plotView")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot_widget.setToolTip("")
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.view_box.disableAutoRange()
        # pyqtgraph's autorange includes tan's 1e16 near a pole: the "A" button and the
        # context menu's "View All" would blow the view up. Refit robustly instead.
        self.plot_item.setMenuEnabled(False)
        self.plot_item.autoBtn.clicked.disconnect()
        self.plot_item.autoBtn.clicked.connect(self.fit_y)
        self._y_label = ""
        for name in ("left", "bottom", "right", "top"):
            # plain numbers: "x (x0.001)" with ticks at ±400 misreads as x = 400. (The
            # hidden right and top axes too: with it on, each new y range set their
            # label's HTML again, on every keystroke and drag frame.)
            self.plot_item.getAxis(name).enableAutoSIPrefix(False)
        # The y axis grows for wider tick labels but narrows only for much narrower ones:
        # as f changes (every keystroke refits y), labels such as "4" and "−60" resized
        # it, and with it the view, every curve and the grid — a relayout in the
        # keystroke's frame, and a plot that twitched sideways while a person typed.
        self.plot_item.getAxis("left").narrows_below = Y_AXIS_NARROWS_BELOW
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot_widget)
        self.coords_label = QLabel(self.plot_widget)
        self.coords_label.setObjectName("plotCoords")
        self.coords_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.coords_label.hide()
        self.fit_action = QAction("Fit the y range to the curves", self)
        self.fit_action.setObjectName("actionFitY")
        self.fit_action.setToolTip(
            "Fit the y range to f, f′ and f″ again (robustly: poles do not blow it up)"
        )
        self.fit_action.triggered.connect(self.fit_y)
        #: The last right-click menu (for tests and tools).
        self.menu: QMenu | None = None

        # -- throttles ------------------------------------------------------------------
        self._resample_throttle = Paced(self, self.resample, FRAME_MS)
        self._push_throttle = Paced(self, self._push_view, FRAME_MS)
        # Where the legend sits waits for the new curves' first frame.
        self._place_legend_soon = AfterFrame(self, self.place_legend)

        # -- the panel's own subscriptions, before the layers': the view is refitted and
        # resampled before a layer's own handler runs.
        connect_while_alive(
            self,
            [
                (session.function_changed, self._on_function_changed),
                (session.params_changed, self._on_params_changed),
                (session.view_changed, self._on_view_changed),
                (session.visibility_changed, self._on_visibility_changed),
                (session.descent_changed, self._follow_descent),
            ],
        )
        self.legend: Legend = Legend(offset=(8, 8), sampleType=LegendSample, labelTextSize="9pt")
        self.legend.setParentItem(self.view_box)
        self.plot_item.legend = self.legend
        self._legend_corner = (0, 0)
        # Things a drag does not change are painted from a pixmap cache: text (axes,
        # legend) and pyqtgraph's Python-heavy scatter paint (the markers: see _ViewBox)
        # cost more than the curves.
        cache = QGraphicsItem.CacheMode.DeviceCoordinateCache
        for name in ("left", "bottom"):
            self.plot_item.getAxis(name).setCacheMode(cache)

        # -- the layers -------------------------------------------------------------------
        self._legend_ready = False  # the legend is built once every layer exists
        self.layers: list[PlotLayer] = []
        if later and layers is None:
            from derivview.ui.layers.grid import GridLayer  # the bottom layer

            self.layers = [GridLayer(self)]
        else:
            self.layers = [cls(self) for cls in (layers or default_layers())]
        #: The default layers above the grid are still to be built (see ``later``).
        self._later_pending = later and layers is None
        self._legend_ready = True

        # -- input ------------------------------------------------------------------------
        vb = self.view_box
        vb.grab_test = self._grabs_handle
        vb.on_grab = self._on_handle_dragged
        vb.on_menu = self._on_menu
        vb.sigRangeChanged.connect(self._on_viewbox_range_changed)
        vb.sigResized.connect(self._on_viewbox_resized)
        scene = self.plot_widget.scene()
        scene.sigMouseClicked.connect(self._on_scene_clicked)
        scene.sigMouseMoved.connect(self._on_scene_mouse_moved)
        self.plot_widget.installEventFilter(self)
        self.plot_widget.viewport().installEventFilter(self)

        self._apply_style()
        self._apply_view()
        self.resample()
        self._follow_descent()  # a session that already holds a run (an export's copy)
        self.place_legend()
        if dark is None:
            follow_theme(self, self.set_dark)

    # -- public -------------------------------------------------------------------------

    def layer(self, name: str) -> PlotLayer:
        """The layer called ``name`` (KeyError if the plot has none)."""
        self.build_later()
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    def build_later(self) -> None:
        """Build the layers a plot made with ``later`` has not built yet (once)."""
        if not self._later_pending:
            return
        self._later_pending = False
        built = {type(layer) for layer in self.layers}
        new = [cls(self) for cls in default_layers() if cls not in built]
        self.layers.extend(new)  # above the grid, in the registry's order
        for layer in new:
            layer.set_style(self._style)
            layer.on_view_moved()
            layer.on_resample()
        self._follow_descent()
        self._rebuild_legend()
        self.place_legend()

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
            self._style = plot_style(dark, self._presentation, self._picture)
            self._apply_style()

    def set_axis_labels(self, y_label: str = "") -> None:
        """Label the axes: x, and ``y_label`` on the y-axis ("" for none), in the style's size."""
        self._y_label = y_label
        size = {"font-size": f"{self._style.text_pt:g}pt"} if self._style.text_pt else {}
        self.plot_item.setLabel("bottom", "x", **size)
        if y_label:
            self.plot_item.setLabel("left", y_label, **size)
        else:
            self.plot_item.setLabel("left", None)
            self.plot_item.showLabel("left", False)

    def listen(self, pairs: list[tuple[SignalInstance, Callable[..., Any]]]) -> None:
        """Connect session signals to handlers while this plot lives (for layers)."""
        connect_while_alive(self, pairs)

    def view_x(self) -> tuple[float, float]:
        """The visible x range of the ViewBox."""
        xr = self.view_box.viewRange()[0]
        return float(xr[0]), float(xr[1])

    def view_y(self) -> tuple[float, float]:
        """The visible y range of the ViewBox."""
        yr = self.view_box.viewRange()[1]
        return float(yr[0]), float(yr[1])

    def view_width(self) -> float:
        """The view's width in pixels (how finely to sample)."""
        return float(self.view_box.width())

    def within(self, view_point: QPointF, scene_pos: QPointF, radius_px: float) -> bool:
        """Whether a point in data coordinates is within ``radius_px`` of ``scene_pos``."""
        p = self.view_box.mapViewToScene(view_point)
        return math.hypot(p.x() - scene_pos.x(), p.y() - scene_pos.y()) <= radius_px

    def refresh_legend(self) -> None:
        """A layer's drawn items changed: list exactly what is drawn (cheap when unchanged)."""
        if self._legend_ready:
            self._rebuild_legend()

    def legend_labels(self) -> list[str]:
        """The legend's entries as a person reads them."""
        return [label.text for _, label in self.legend.items]

    def resample(self) -> None:
        """Sample every layer again for the current view, f and parameters (now)."""
        if self.session.function is not None and self.session.y_range is None:
            self._apply_view()  # refit y for this function / x-range
        self._last_width = self.view_width()
        for layer in self.layers:
            layer.on_resample()

    def place_legend(self) -> None:
        """Put the legend in the corner where it covers the least of the curves (f most),
        unless the person moved it. Deterministic (no history: an export's reused plot
        gives the fresh picture); called when f, a parameter, the items shown or the fit
        change — not on every frame of a pan, where it would hop about."""
        legend = self.legend
        if legend.moved_by_hand or not legend.isVisible() or not legend.items:
            return
        size = legend.boundingRect()
        vb = self.view_box
        box = vb.boundingRect()
        if box.width() < 2 * size.width() or box.height() < 2 * size.height():
            return
        try:
            px, py = vb.viewPixelSize()
        except (ZeroDivisionError, ValueError):
            return
        (x0, x1), (y0, y1) = self.view_x(), self.view_y()
        w, h = (size.width() + 8) * px, (size.height() + 8) * py
        curves = []
        for item in self.plot_item.listDataItems():
            if not item.isVisible():
                continue
            xs, ys = item.getData()
            if xs is None or len(xs) == 0:
                continue
            # covering f (the widest pen) costs most
            weight = max(pg.mkPen(item.opts.get("pen")).widthF(), 1.0)
            curves.append((np.asarray(xs), np.asarray(ys), weight))
        scores = {}
        for corner in _CORNERS:
            left = x0 if corner[0] == 0 else x1 - w
            top = y1 if corner[1] == 0 else y0 + h
            score = 0.0
            for xs, ys, weight in curves:
                with np.errstate(invalid="ignore"):
                    inside = (xs >= left) & (xs <= left + w) & (ys <= top) & (ys >= top - h)
                score += weight * float(np.count_nonzero(inside)) / max(len(xs), 1)
            scores[corner] = score
        order = list(_CORNERS)  # ties: top left first, as people expect a legend
        best = min(scores, key=lambda c: (round(scores[c], 6), order.index(c)))
        if best != self._legend_corner:
            self._legend_corner = best
            legend.anchor(itemPos=best, parentPos=best, offset=_CORNERS[best])

    def fit_y(self) -> None:
        """Fit the y range to f again (robustly), as the "A" button does."""
        self._fitted_y = None
        self.session.set_view(self.session.x_range, None)
        self._apply_view()
        self.resample()
        self.place_legend()

    # -- session -> view ------------------------------------------------------------------

    def _on_function_changed(self) -> None:
        self._fitted_y = None  # a new f: fit the y-range to it (when the view asks to)
        self.resample()
        self._place_legend_soon()

    def _on_params_changed(self) -> None:
        self._refit_if_out_of_view()
        self.resample()
        self._place_legend_soon()

    def _refit_if_out_of_view(self) -> None:
        """A parameter moved f out of view: fit y again, unless the person set the view."""
        s = self.session
        fn = s.function
        if fn is None or s.y_range is not None or self._fitted_y is None:
            return
        params = s.param_values()
        if framing.mostly_out_of_view(lambda x: fn.f(x, params), s.x_range, self.view_y()):
            self._fitted_y = None

    def _on_view_changed(self) -> None:
        if not self._pushing_view:
            self._apply_view()
        self._resample_throttle()

    def _on_visibility_changed(self) -> None:
        self._rebuild_legend()
        self.place_legend()

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
            self.view_box.setRange(xRange=s.x_range, yRange=yr, padding=0.0, update=True)
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
        shown = self.session.visible
        others = [
            functools.partial(_call_with, getattr(fn, name), params)
            for name in ("df", "d2f")
            if name in shown
        ]
        return framing.fit_curves_y(lambda x: fn.f(x, params), others, xr, include=f0)

    def _follow_descent(self) -> None:
        """Frame a descent run when its newest iterate leaves the view, or when it ended
        squeezed into a corner — unless the person set the view themselves."""
        s = self.session
        runs = s.descent.runs if s.is_visible("descent") else ()
        fn = s.function
        if not runs or fn is None:
            return
        if s.y_range is not None and not self._following:
            return
        finished = all(r.status is not None for r in runs)
        (x0, x1), (y0, y1) = view = (self.view_x(), self.view_y())
        newest_in_view = all(
            it.f is not None and x0 <= it.x <= x1 and y0 <= it.f <= y1
            for it in (r.iterates[-1] for r in runs)
        )
        if newest_in_view and not finished:
            return  # the common case, every step of a Play: no more work
        its = [it for run in runs for it in run.iterates[-2000:]]
        xs = [it.x for it in its]
        ys = [math.nan if it.f is None else it.f for it in its]
        if newest_in_view and not framing.needs_descent_frame(xs, ys, view, finished):
            return
        params = s.param_values()
        frame = framing.frame_points(functools.partial(_call_with, fn.f, params), xs, s.x_range)
        if frame is None:
            return
        self._following = True
        with contextlib.suppress(ValueError):  # beyond what a view may span (past 1e12)
            s.set_view(*frame)

    # -- view -> session ------------------------------------------------------------------

    def _on_viewbox_range_changed(self, *_: object) -> None:
        for layer in self.layers:
            layer.on_view_moved()
        if self._applying_view:
            return
        self._push_throttle()

    def _push_view(self) -> None:
        self._following = False  # the person moved the view: it is theirs now
        self._pushing_view = True
        try:
            self.session.set_view(self.view_x(), self.view_y())
        except ValueError:  # zoomed beyond what float64 can sample: go back
            self._apply_view()
        finally:
            self._pushing_view = False

    def _on_viewbox_resized(self, *_: object) -> None:
        for layer in self.layers:
            layer.on_view_moved()
        # Sampling density follows the width; a few pixels do not show. The left axis
        # widens and narrows with its tick labels as f changes (930–952 px seen at
        # 1400×900): resampling for that did every keystroke's sampling twice.
        last = self._last_width
        if abs(self.view_width() - last) > max(0.5, RESAMPLE_WIDTH_SHARE * last):
            self._resample_throttle()

    # -- input: dispatched to the layers, top layer first ----------------------------------

    def _grabs_handle(self, scene_pos: QPointF) -> bool:
        """Whether a drag starting at ``scene_pos`` grabs a layer's handle (remember it)."""
        self._drag = self._handle_at(scene_pos)
        return self._drag is not None

    def _handle_at(self, scene_pos: QPointF) -> Drag | None:
        for layer in reversed(self.layers):
            drag = layer.handle_at(scene_pos)
            if drag is not None:
                return drag
        return None

    def _on_handle_dragged(self, x: float, phase: str) -> None:
        """The handle follows the mouse's x (clamped to the view; f gives y)."""
        viewport = self.plot_widget.viewport()
        if phase == "finish":
            viewport.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            viewport.setCursor(Qt.CursorShape.ClosedHandCursor)
        xr = self.view_x()
        if self._drag is not None:
            self._drag(min(max(x, xr[0]), xr[1]), phase)

    def _on_scene_clicked(self, ev: Any) -> None:
        if (
            ev.isAccepted()
            or ev.double()
            or ev.button() != Qt.MouseButton.LeftButton
            or not self.view_box.sceneBoundingRect().contains(ev.scenePos())
        ):
            return
        pos = ev.scenePos()
        for layer in reversed(self.layers):
            if layer.click(pos):
                ev.accept()
                return

    def _on_menu(self, ev: Any) -> None:
        """The right-click menu: the layers' actions at that point, then the plot's own."""
        pos = self.view_box.mapSceneToView(ev.scenePos())
        menu = QMenu(self.plot_widget)
        menu.setObjectName("plotMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        for layer in self.layers:
            actions = layer.context_actions(pos)
            if actions:
                menu.addActions(actions)
                menu.addSeparator()
        menu.addAction(self.fit_action)
        self.menu = menu
        menu.popup(ev.screenPos().toPoint())

    def _on_scene_mouse_moved(self, pos: QPointF) -> None:
        viewport = self.plot_widget.viewport()
        if not QApplication.mouseButtons():
            if self._handle_at(pos) is not None:
                viewport.setCursor(Qt.CursorShape.OpenHandCursor)
            else:
                viewport.unsetCursor()
        if not self.view_box.sceneBoundingRect().contains(pos):
            self.coords_label.hide()
            return
        p = self.view_box.mapSceneToView(pos)
        self.coords_label.setText(f"x = {format_number(p.x(), 6)}   y = {format_number(p.y(), 6)}")
        self.coords_label.adjustSize()
        w = self.plot_widget.width()
        self.coords_label.move(w - self.coords_label.width() - 8, 4)
        self.coords_label.show()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """Keys to the layers; a left press a layer takes (with its whole gesture)."""
        etype = event.type()
        if self._later_pending and etype == QEvent.Type.Paint:
            # After this paint, before the next: the layers that wait for it.
            QTimer.singleShot(0, self.build_later)
        if obj is self.plot_widget and etype == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            return any(layer.key(event) for layer in reversed(self.layers))
        if obj is self.plot_widget.viewport() and isinstance(event, QMouseEvent):
            left = event.button() == Qt.MouseButton.LeftButton
            if etype == QEvent.Type.MouseButtonPress and left:
                scene_pos = self.plot_widget.mapToScene(event.position().toPoint())
                if self.view_box.sceneBoundingRect().contains(scene_pos):
                    pos = self.view_box.mapSceneToView(scene_pos)
                    for layer in reversed(self.layers):
                        if layer.press(pos, event.modifiers()):
                            self._swallowing = True
                            return True
            elif self._swallowing and etype in (
                QEvent.Type.MouseMove,
                QEvent.Type.MouseButtonRelease,
            ):
                if etype == QEvent.Type.MouseButtonRelease:
                    self._swallowing = False
                return True
        return super().eventFilter(obj, event)

    def _toggle(self, item: str) -> None:
        self.session.set_visible(item, not self.session.is_visible(item))

    # -- theme ------------------------------------------------------------------------------

    def _apply_style(self) -> None:
        st = self._style
        self.plot_widget.setBackground(st.background)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(st.foreground)
            axis.setTextPen(st.foreground)
            if st.text_pt is not None:
                font = QFont(self.font())
                font.setPointSizeF(st.text_pt)
                axis.setStyle(tickFont=font)
                axis.label.setFont(font)
        if f"{st.legend_pt:g}pt" != self.legend.opts["labelTextSize"]:
            self.legend.setLabelTextSize(f"{st.legend_pt:g}pt")
        self.set_axis_labels(self._y_label)
        for layer in self.layers:
            layer.set_style(st)
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
        self._rebuild_legend()

    def _rebuild_legend(self) -> None:
        # Only when the entries (or the colours) changed (rows listed before: ~1 ms).
        entries = [e for layer in self.layers for e in layer.legend_entries()]
        # Shown with "legend", and only with rows (not an empty box while the layers
        # above the grid are still to be built).
        self.legend.setVisible(self.session.is_visible("legend") and bool(entries))
        key = (id(self._style), tuple((id(item), label) for item, label, _ in entries))
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.set_entries(
            [(item, label, functools.partial(self._toggle, name)) for item, label, name in entries],
            id(self._style),
        )
