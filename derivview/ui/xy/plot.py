"""The f(x, y) plot: contours and heat map of f over a pannable, zoomable region with a
colour bar; the point (x₀, y₀) with ∇f and its level line; the gradient field; descent.

``XyPlot`` observes the workspace's state (:class:`~derivview.model.labs.xy_state.
XyState`) and owns the view: the region (state → view, and a person's pan or zoom →
state), the sample of f on a grid of the view (made when the view, f or a parameter
changes, at most once per frame; never on a point drag), the colour bar, the theme, and
input — a click moves the point there, Ctrl+click starts the descent there, a drag on
the point or the start marker moves it, a drag elsewhere pans, the wheel zooms. The
axes keep one scale for x and y, so the gradient is drawn perpendicular to the level
lines, as it is. Everything drawn belongs to a layer (:mod:`.surface`, :mod:`.paths`,
:mod:`.marker`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGraphicsItem, QLabel, QMenu, QVBoxLayout, QWidget

from derivview.model.labs.contours import ContourGrid, color_positions, quantile_levels
from derivview.ui.axes import number_axes
from derivview.ui.pace import Paced
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive
from derivview.ui.xy.colorbar import ColorBar
from derivview.ui.xy.marker import PointLayer
from derivview.ui.xy.paths import PathsLayer
from derivview.ui.xy.style import XyStyle, xy_style
from derivview.ui.xy.surface import FieldLayer, Sample, SurfaceLayer, XyLayer

if TYPE_CHECKING:
    from derivview.model.labs.xy_state import XyState
    from derivview.model.signals import SignalInstance

#: The grid of the sample: about one point per pixel, within these bounds per side.
GRID_MIN, GRID_MAX = 120, 400
#: The sample reaches this share beyond each side of the view: a small pan shows no edge.
GRID_MARGIN = 0.08
LEVELS = 12
FRAME_MS = 16


class _ViewBox(pg.ViewBox):
    """Right-click asks the plot for its menu (pyqtgraph's own is off)."""

    def __init__(self) -> None:
        super().__init__(lockAspect=True)
        self.on_menu: Callable[[Any], None] | None = None

    def mouseClickEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.RightButton and self.on_menu is not None:
            ev.accept()
            self.on_menu(ev)
            return
        super().mouseClickEvent(ev)


class XyPlot(QWidget):
    """The f(x, y) plot of ``state``; ``widget`` is the pyqtgraph view (``xyPlot``).

    Public: ``plot_item``, ``view_box``, ``colorbar``, ``layers``, ``layer(name)``,
    ``sample`` (the current sample of f), ``view_x()``, ``view_y()``.
    """

    def __init__(
        self, state: XyState, parent: QWidget | None = None, *, dark: bool | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        from derivview.ui.theme import theme_signals

        self._style: XyStyle = xy_style(theme_signals().dark if dark is None else dark)
        self.sample: Sample | None = None
        self._applying_view = False
        self._pushing = False  # echo guard: view -> state

        self.widget = pg.GraphicsLayoutWidget(parent=self)
        self.widget.setObjectName("xyPlot")
        self.widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view_box = _ViewBox()
        self.plot_item: pg.PlotItem = self.widget.addPlot(
            row=0, col=0, viewBox=self.view_box, axisItems=number_axes()
        )
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.plot_item.setLabel("bottom", "x")
        self.plot_item.setLabel("left", "y")
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.enableAutoSIPrefix(False)
            axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.colorbar = ColorBar()
        self.widget.addItem(self.colorbar, row=0, col=1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.widget)
        self.coords_label = QLabel(self.widget)
        self.coords_label.setObjectName("xyCoords")
        self.coords_label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.coords_label.hide()
        #: The last right-click menu (for tests and tools).
        self.menu: QMenu | None = None
        self._menu_pos = QPointF()
        self.point_here_action = QAction("Move the point here", self)
        self.point_here_action.setObjectName("actionXyPointHere")
        self.point_here_action.triggered.connect(lambda: self._move_point(self._menu_pos))
        self.start_here_action = QAction("Start descent here", self)
        self.start_here_action.setObjectName("actionXyStartHere")
        self.start_here_action.setToolTip("Move the descent's start here (also Ctrl+click)")
        self.start_here_action.triggered.connect(lambda: self._move_start(self._menu_pos))
        self.home_action = QAction("Show the whole region again", self)
        self.home_action.triggered.connect(self.apply_view)

        self._resample_throttle = Paced(self, self.resample, FRAME_MS)
        self._push_throttle = Paced(self, self._push_view, FRAME_MS)

        st = self.state
        connect_while_alive(
            self,
            [
                (st.function_changed, self.resample),
                (st.params_changed, self._on_params_changed),
                (st.view_changed, self._on_view_changed),
                (st.visibility_changed, self._on_visibility_changed),
            ],
        )
        self.layers: list[XyLayer] = [
            SurfaceLayer(self),
            FieldLayer(self),
            PathsLayer(self),
            PointLayer(self),
        ]

        vb = self.view_box
        vb.on_menu = self._on_menu
        vb.sigRangeChanged.connect(self._on_range_changed)
        vb.sigRangeChangedManually.connect(self._on_range_changed_manually)
        vb.sigResized.connect(self._on_resized)
        scene = self.widget.scene()
        scene.sigMouseClicked.connect(self._on_scene_clicked)
        scene.sigMouseMoved.connect(self._on_mouse_moved)

        self._apply_style()
        self.apply_view()
        self.resample()
        if dark is None:
            follow_theme(self, self.set_dark)

    # -- public -----------------------------------------------------------------------------

    def listen(self, pairs: list[tuple[SignalInstance, Callable[..., Any]]]) -> None:
        """Connect state signals to handlers while this plot lives (for layers)."""
        connect_while_alive(self, pairs)

    def layer(self, name: str) -> XyLayer:
        """The layer called ``name`` (KeyError if none)."""
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise KeyError(name)

    @property
    def dark(self) -> bool:
        """Whether the dark theme's colours are in use."""
        return self._style.dark

    def set_dark(self, dark: bool) -> None:
        """Use the dark (True) or light (False) theme's colours."""
        if dark != self._style.dark:
            self._style = xy_style(dark)
            self._apply_style()

    def view_x(self) -> tuple[float, float]:
        """The visible x range."""
        xr = self.view_box.viewRange()[0]
        return float(xr[0]), float(xr[1])

    def view_y(self) -> tuple[float, float]:
        """The visible y range."""
        yr = self.view_box.viewRange()[1]
        return float(yr[0]), float(yr[1])

    def apply_view(self) -> None:
        """Show the state's region (with one scale for x and y, at least that region)."""
        st = self.state
        self._applying_view = True
        try:
            self.view_box.setRange(xRange=st.x_range, yRange=st.y_range, padding=0.0)
        finally:
            self._applying_view = False

    def resample(self) -> None:
        """Sample f on a grid of the view again and redraw what depends on it (now)."""
        fn = self.state.function
        if fn is None:
            self.sample = None
        else:
            (x0, x1), (y0, y1) = self.view_x(), self.view_y()
            mx, my = GRID_MARGIN * (x1 - x0), GRID_MARGIN * (y1 - y0)
            nx = int(min(max(self.view_box.width(), GRID_MIN), GRID_MAX))
            ny = int(min(max(self.view_box.height(), GRID_MIN), GRID_MAX))
            xs = np.linspace(x0 - mx, x1 + mx, nx)
            ys = np.linspace(y0 - my, y1 + my, ny)
            z = fn.grid(xs, ys, self.state.param_values())
            levels = quantile_levels(z, LEVELS)
            self.sample = Sample(xs, ys, z, ContourGrid(xs, ys, z), levels,
                                 color_positions(z, levels))  # fmt: skip
        for layer in self.layers:
            layer.on_sample(self.sample)

    # -- state -> view ----------------------------------------------------------------------

    def _on_params_changed(self) -> None:
        self.resample()

    def _on_view_changed(self) -> None:
        if not self._pushing:
            self.apply_view()

    def _on_visibility_changed(self) -> None:
        for layer in self.layers:
            layer.on_visibility()

    # -- view -> state ----------------------------------------------------------------------

    def _on_range_changed(self, *_: object) -> None:
        for layer in self.layers:
            layer.on_view_moved()
        self._resample_throttle()

    def _on_range_changed_manually(self, *_: object) -> None:
        self._push_throttle()

    def _on_resized(self, *_: object) -> None:
        for layer in self.layers:
            layer.on_view_moved()
        self._resample_throttle()

    def _push_view(self) -> None:
        """A person panned or zoomed: the visible region is the state's region now."""
        self._pushing = True
        try:
            self.state.set_view(self.view_x(), self.view_y())
        except ValueError:  # zoomed beyond what float64 can sample: go back
            self.apply_view()
        finally:
            self._pushing = False

    # -- input ------------------------------------------------------------------------------

    def _on_scene_clicked(self, ev: Any) -> None:
        if (
            ev.isAccepted()
            or ev.double()
            or ev.button() != Qt.MouseButton.LeftButton
            or not self.view_box.sceneBoundingRect().contains(ev.scenePos())
        ):
            return
        pos = self.view_box.mapSceneToView(ev.scenePos())
        ev.accept()
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._move_start(pos)
        else:
            self._move_point(pos)

    def _move_point(self, pos: QPointF) -> None:
        with contextlib.suppress(ValueError):  # beyond ±1e12: nothing to move to
            self.state.set_point(float(pos.x()), float(pos.y()))

    def _move_start(self, pos: QPointF) -> None:
        with contextlib.suppress(ValueError):
            self.state.descent.set_start(float(pos.x()), float(pos.y()))

    def _on_menu(self, ev: Any) -> None:
        self._menu_pos = self.view_box.mapSceneToView(ev.scenePos())
        menu = QMenu(self.widget)
        menu.setObjectName("xyPlotMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setToolTipsVisible(True)
        menu.addAction(self.point_here_action)
        menu.addAction(self.start_here_action)
        menu.addSeparator()
        menu.addAction(self.home_action)
        self.menu = menu
        menu.popup(ev.screenPos().toPoint())

    def _on_mouse_moved(self, pos: QPointF) -> None:
        if not self.view_box.sceneBoundingRect().contains(pos):
            self.coords_label.hide()
            return
        p = self.view_box.mapSceneToView(pos)
        text = f"x = {p.x():.6g}   y = {p.y():.6g}"
        sample = self.sample
        if sample is not None and self.state.function is not None:
            value = self.state.function.values(p.x(), p.y(), self.state.param_values())
            v = float(value)
            text += f"   f = {v:.6g}" if np.isfinite(v) else "   f undefined"
        self.coords_label.setText(text)
        self.coords_label.adjustSize()
        self.coords_label.move(
            self.widget.width() - self.coords_label.width() - 90, 4
        )  # left of the colour bar
        self.coords_label.show()

    # -- theme ------------------------------------------------------------------------------

    def _apply_style(self) -> None:
        st = self._style
        self.widget.setBackground(st.background)
        for name in ("left", "bottom"):
            axis = self.plot_item.getAxis(name)
            axis.setPen(st.foreground)
            axis.setTextPen(st.foreground)
        self.colorbar.set_foreground(st.foreground)
        self.coords_label.setStyleSheet(
            f"color: {st.foreground}; background: transparent; font-size: 9pt;"
        )
        for layer in self.layers:
            layer.set_style(st)
