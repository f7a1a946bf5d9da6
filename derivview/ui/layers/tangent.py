"""The point at x₀ on f and its tangent — or, where f′ does not exist, what there is.

What moves on a drag (x₀) is cheap: the point, a 2-point tangent (or the one-sided
tangents, the subgradient fan at a convex corner, a vertical line), each updated with
``setData``. A person drags the point along f, clicks near f to move x₀ there, or uses
the arrow keys on the plot.
"""

from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.ui.layers.base import Drag, LegendEntry, PlotLayer
from derivview.ui.layers.items import Handle, LineItem, clear_data, set_xy

if TYPE_CHECKING:
    from derivview.model.calculus import PointInfo
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

#: Arrow keys move x₀ by this fraction of the view (Shift: a tenth of it).
KEY_STEP = 1 / 200
#: How near (pixels) to the point a drag must start to grab it.
GRAB_RADIUS_PX = 10.0
#: How near (pixels) a click must be to f to move x₀ there.
CLICK_RADIUS_PX = 8.0
#: Lines in the subgradient fan (including both one-sided slopes).
FAN_LINES = 5


class TangentLayer(PlotLayer):
    """``point`` (the handle at x₀), ``tangent``, ``left_tangent``/``right_tangent``,
    the subgradient ``fan`` and ``vertical_tangent``; shown with "tangent"."""

    name = "tangent"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self._line_state: tuple[str, ...] = ()
        self._drawn_for: object = None  # the function the tangent was last drawn for
        self.fan = [LineItem(antialias=True) for _ in range(FAN_LINES)]
        self.left_tangent = LineItem(antialias=True)
        self.right_tangent = LineItem(antialias=True)
        self.tangent = LineItem(antialias=True)
        for z, item in enumerate((*self.fan, self.left_tangent, self.right_tangent)):
            item.setZValue(1 + z * 0.01)
        self.tangent.setZValue(3)
        for item in (*self.fan, self.left_tangent, self.right_tangent, self.tangent):
            plot.plot_item.addItem(item, ignoreBounds=True)
        self.vertical_tangent = pg.InfiniteLine(angle=90, movable=False)
        self.vertical_tangent.setZValue(3)
        self.vertical_tangent.hide()
        self._vertical_sample = pg.PlotDataItem()  # its legend sample (never in the view)
        plot.plot_item.addItem(self.vertical_tangent, ignoreBounds=True)
        self.point = Handle(plot.plot_colors.point_size)
        self.point.setZValue(10)
        self.point.hide()
        plot.view_box.addItem(self.point, ignoreBounds=True)
        s = self.session
        plot.listen(
            [
                (s.point_changed, self._on_point_changed),
                (s.visibility_changed, self._on_visibility_changed),
            ]
        )
        self._on_visibility_changed()

    # -- public -----------------------------------------------------------------------

    def point_scene_pos(self) -> QPointF:
        """Where the dragged point is, in scene coordinates (for tests and tools)."""
        return self.plot.view_box.mapViewToScene(self.point.pos())

    # -- hooks ------------------------------------------------------------------------

    def set_style(self, style: PlotStyle) -> None:
        self.tangent.setPen(pg.mkPen(style.tangent, width=style.tangent_width))
        dash = Qt.PenStyle.DashLine
        for item in (self.left_tangent, self.right_tangent):
            item.setPen(pg.mkPen(style.one_sided, width=style.tangent_width, style=dash))
        fan = pg.mkColor(style.one_sided)
        fan.setAlpha(style.fan_alpha)
        for item in self.fan:
            item.setPen(pg.mkPen(fan, width=1))
        self.vertical_tangent.setPen(
            pg.mkPen(style.vertical, width=style.tangent_width, style=dash)
        )
        self._vertical_sample.setPen(self.vertical_tangent.pen)
        self.point.set_colors(style.point, style.point_edge)
        self.point.set_size(style.point_size)

    def on_resample(self) -> None:
        self._update()

    def legend_entries(self) -> list[LegendEntry]:
        entries: list[LegendEntry] = [(self.tangent, "tangent", "tangent")]
        if "left" in self._line_state or "right" in self._line_state:
            entries.append((self.left_tangent, "one-sided tangents", "tangent"))
        if "fan" in self._line_state:
            entries.append((self.fan[len(self.fan) // 2], "subgradients", "tangent"))
        if "vertical" in self._line_state:
            entries.append((self._vertical_sample, "vertical tangent", "tangent"))
        return entries

    def handle_at(self, scene_pos: QPointF) -> Drag | None:
        if self.point.isVisible() and self.plot.within(self.point.pos(), scene_pos, GRAB_RADIUS_PX):
            return self._drag
        return None

    def click(self, scene_pos: QPointF) -> bool:
        """A click on the point leaves it; a click within a few pixels of f moves x₀ there."""
        if self.handle_at(scene_pos) is not None:
            return True
        fn = self.session.function
        if fn is None:
            return False
        vb = self.plot.view_box
        px = vb.viewPixelSize()[0]
        click = vb.mapSceneToView(scene_pos)
        xs = click.x() + px * np.linspace(-CLICK_RADIUS_PX, CLICK_RADIUS_PX, 17)
        params = self.session.param_values()
        ys = sampling.evaluate(lambda x: fn.f(x, params), xs)
        best, best_d = None, CLICK_RADIUS_PX
        for x, y in zip(xs.tolist(), ys.tolist(), strict=True):
            if not math.isfinite(y):
                continue
            sp = vb.mapViewToScene(QPointF(x, y))
            d = math.hypot(sp.x() - scene_pos.x(), sp.y() - scene_pos.y())
            if d <= best_d:
                best, best_d = x, d
        if best is None:
            return False
        self.session.set_x0(best)
        return True

    def key(self, event: QKeyEvent) -> bool:
        """Left/Right move x₀ by 1/200 of the view (Shift: 1/2000)."""
        key = event.key()
        if key not in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            return False
        xr = self.session.x_range
        step = (xr[1] - xr[0]) * KEY_STEP
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            step /= 10
        sign = -1.0 if key == Qt.Key.Key_Left else 1.0
        with contextlib.suppress(ValueError):
            self.session.set_x0(self.session.x0 + sign * step)
        return True

    # -- drawing ----------------------------------------------------------------------

    def _drag(self, x: float, phase: str) -> None:
        with contextlib.suppress(ValueError):  # beyond the session's bounds: stay put
            self.session.set_x0(x)

    def _on_point_changed(self) -> None:
        # A new f's point is announced just before the new f itself (one batch), and a
        # new f resamples every layer once its view is fitted: drawn now, in the old
        # view, the tangent would be drawn again at once (~0.5 ms of a keystroke's frame).
        if self.session.function is self._drawn_for:
            self._update()

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("tangent")
        for item in (self.tangent, self.left_tangent, self.right_tangent, *self.fan):
            item.setVisible(shown)
        self.vertical_tangent.setVisible(shown and "vertical" in self._line_state)

    def _update(self) -> None:
        s = self.session
        info = s.point
        self._drawn_for = s.function
        if s.function is None or info is None:
            self.point.hide()
            self._set_lines(())
            return
        x0 = s.x0
        xr, yr = self.plot.view_x(), self.plot.view_y()
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
                set_xy(self.tangent, sampling.clip_line(x0, y0, info.tangent[0], xr, box))
            else:
                self._draw_nondifferentiable(info, x0, y0, xr, box)
        if not self.point.isVisible():
            self.point.show()

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
            set_xy(self.left_tangent, sampling.clip_ray(x0, y0, info.left_df, xr, box, "left"))
        if info.right_df is not None:
            seg = sampling.clip_ray(x0, y0, info.right_df, xr, box, "right")
            set_xy(self.right_tangent, seg)
        if info.subgradient is not None:
            lo, hi = info.subgradient
            for k, item in enumerate(self.fan):
                slope = lo + (hi - lo) * k / (len(self.fan) - 1)
                set_xy(item, sampling.clip_line(x0, y0, slope, xr, box))

    def _set_lines(self, state: tuple[str, ...]) -> None:
        """Empty the line items not in ``state`` (only when the state changes)."""
        if state == self._line_state:
            return
        self._line_state = state
        self.plot.refresh_legend()
        if "tangent" not in state:
            clear_data(self.tangent)
        if "left" not in state:
            clear_data(self.left_tangent)
        if "right" not in state:
            clear_data(self.right_tangent)
        if "fan" not in state:
            for item in self.fan:
                clear_data(item)
        self.vertical_tangent.setVisible("vertical" in state and self.session.is_visible("tangent"))

    def _hole_y(self, x0: float, yr: tuple[float, float]) -> float:
        """Where to draw the hollow marker when f(x₀) is undefined.

        At the limit if f has one there (sin(x)/x at 0), else on the x-axis (clamped
        into the view) — at a pole there is no height to show.
        """
        fn = self.session.function
        if fn is not None:
            eps = 1e-7 * max(1.0, abs(x0))
            params = self.session.param_values()
            ys = sampling.evaluate(lambda x: fn.f(x, params), np.array([x0 - eps, x0 + eps]))
            if np.isfinite(ys).all() and abs(ys[0] - ys[1]) <= 1e-4 * max(1.0, abs(ys[0])):
                return float(ys.mean())
        return min(max(0.0, yr[0]), yr[1])
