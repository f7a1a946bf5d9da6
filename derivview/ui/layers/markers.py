"""Markers at the special points in view: critical, inflection, no derivative.

They say which derivative vanishes by colour and, for people who cannot tell the colours
apart, by symbol (see :mod:`derivview.ui.plot_style`). Special points cost more than a
frame to find: they are recomputed a little after the view or a parameter last changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QTimer

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.model.formatting import format_number
from derivview.ui.layers.base import LegendEntry, PlotLayer

if TYPE_CHECKING:
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

#: Special points are recomputed this long after the view last changed.
MARKER_DELAY_MS = 150

_TIPS = {
    "critical": "critical point: f′ = 0 at x = {}",
    "inflection": "inflection point: f″ changes sign at x = {}",
    "nondifferentiable": "no derivative at x = {}",
}
_LEGEND = {
    "critical": "critical point",
    "inflection": "inflection point",
    "nondifferentiable": "no derivative",
}


def _marker_tip(x: float, y: float, data: object) -> str:
    return str(data) if data is not None else f"x = {format_number(x, 6)}"


class MarkersLayer(PlotLayer):
    """``markers["critical"]``, ``["inflection"]``, ``["nondifferentiable"]``."""

    name = "markers"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for name in ("critical", "inflection", "nondifferentiable"):
            item = pg.ScatterPlotItem(hoverable=True, tip=_marker_tip)
            item.setZValue(5)
            plot.plot_item.addItem(item, ignoreBounds=True)
            self.markers[name] = item
        self._timer = QTimer(plot)  # a child of the plot: an export runs it at once
        self._timer.setSingleShot(True)
        self._timer.setInterval(MARKER_DELAY_MS)
        self._timer.timeout.connect(self.update_markers)
        s = self.session
        plot.listen(
            [
                (s.function_changed, self._on_function_changed),
                (s.params_changed, self._timer.start),
                (s.view_changed, self._timer.start),
                (s.visibility_changed, self._on_visibility_changed),
            ]
        )
        self._on_visibility_changed()
        self.update_markers()

    def set_style(self, style: PlotStyle) -> None:
        symbols = {
            "critical": (style.symbol_critical, style.critical),
            "inflection": (style.symbol_inflection, style.inflection),
            "nondifferentiable": (style.symbol_nondifferentiable, style.nondifferentiable),
        }
        for name, (symbol, color) in symbols.items():
            self.markers[name].setSymbol(symbol)
            self.markers[name].setSize(style.marker_size)
            self.markers[name].setPen(pg.mkPen(style.foreground if symbol != "x" else color))
            self.markers[name].setBrush(pg.mkBrush(color))

    def legend_entries(self) -> list[LegendEntry]:
        if not self.session.is_visible("markers"):
            return []
        # Only the kinds of point in view: no "inflection point" entry for x².
        return [
            (self.markers[name], _LEGEND[name], "markers")
            for name in _LEGEND
            if len(self.markers[name].data) > 0
        ]

    def _on_function_changed(self) -> None:
        # The new f, f′, f″ are drawn in this frame; its special points (a search over
        # the view, several ms) come a moment later and never delay a keystroke's frame.
        for item in self.markers.values():
            item.setData([], [])
        # (The legend follows when the markers come: a rebuild costs ms, not in this frame.)
        self._timer.start()

    def update_markers(self) -> None:
        """Recompute the special points in view and mark them (at once)."""
        fn = self.session.function
        for item in self.markers.values():
            item.setData([], [])
        try:
            self._mark(fn)
        finally:
            self.plot.refresh_legend()

    def _mark(self, fn: object) -> None:
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
        for name, item in self.markers.items():
            xs = np.array([x for x in getattr(sp, name) if xr[0] <= x <= xr[1]], dtype=float)
            ys = sampling.evaluate(lambda x: fn.f(x, params), xs)
            ok = np.isfinite(ys)
            tips = [_TIPS[name].format(format_number(x, 6)) for x in xs[ok].tolist()]
            item.setData(x=xs[ok], y=ys[ok], data=tips)

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("markers")
        for item in self.markers.values():
            item.setVisible(shown)
