"""Markers at the special points in view: critical, inflection, no derivative; an open
circle at each hole (f undefined at a point where its limit exists: sin(x)/x at 0, where
the curve alone would look whole); dashed vertical asymptotes at poles; and, on request
(the "extrema" item), labels such as "local max (−1, 2)" at the extrema.

They say which derivative vanishes by colour and, for people who cannot tell the colours
apart, by symbol (see :mod:`derivview.ui.plot_style`). Special points cost more than a
frame to find: they are recomputed a little after the view or a parameter last changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, QTimer

import pyqtgraph as pg  # isort: skip

from derivview.model import sampling
from derivview.model.extrema import classify_critical
from derivview.model.formatting import format_number
from derivview.ui.layers.base import LegendEntry, PlotLayer
from derivview.ui.layers.items import clear_data

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
    "hole": "hole (f undefined)",
}


def _marker_tip(x: float, y: float, data: object) -> str:
    return str(data) if data is not None else f"x = {format_number(x, 6)}"


class MarkersLayer(PlotLayer):
    """``markers["critical"]``, ``["inflection"]``, ``["nondifferentiable"]``, ``["hole"]``."""

    name = "markers"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for name in _LEGEND:
            item = pg.ScatterPlotItem(hoverable=True, tip=_marker_tip)
            item.setZValue(5)
            plot.plot_item.addItem(item, ignoreBounds=True)
            self.markers[name] = item
        #: Dashed vertical lines at the poles in view (a pool, grown as needed).
        self.asymptotes: list[pg.InfiniteLine] = []
        self._asymptote_sample = pg.PlotDataItem()  # its legend sample (never in the view)
        #: "local max (−1, 2)" labels at the extrema (item "extrema"; a pool).
        self.labels: list[pg.TextItem] = []
        self._label_color = "#303030"
        self._style: PlotStyle | None = None
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
        if self.session.function is None:
            self.update_markers()
        else:  # as for a new f: never in the frame that draws the curves (a launch's first)
            self._timer.start()

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        pen = pg.mkPen(style.foreground, width=1, style=Qt.PenStyle.DashLine)
        for line in self.asymptotes:
            line.setPen(pen)
        self._asymptote_sample.setPen(pen)
        self._label_color = style.foreground
        for label in self.labels:
            label.setColor(style.foreground)
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
        # a hole: the curve's colour around the background, as drawn in textbooks
        hole = self.markers["hole"]
        hole.setSymbol("o")
        hole.setSize(style.marker_size)
        hole.setPen(pg.mkPen(style.f, width=1.5))
        hole.setBrush(pg.mkBrush(style.background))

    def legend_entries(self) -> list[LegendEntry]:
        if not self.session.is_visible("markers"):
            return []
        # Only the kinds of point in view: no "inflection point" entry for x².
        entries = [
            (self.markers[name], _LEGEND[name], "markers")
            for name in _LEGEND
            if len(self.markers[name].data) > 0
        ]
        if any(line.isVisible() for line in self.asymptotes):
            entries.append((self._asymptote_sample, "asymptote (pole)", "markers"))
        return entries

    def _on_function_changed(self) -> None:
        # The new f, f′, f″ are drawn in this frame; its special points (a search over
        # the view, several ms) come a moment later and never delay a keystroke's frame.
        for item in self.markers.values():
            clear_data(item)
        self._show_marked()
        # (The legend follows when the markers come: a rebuild costs ms, not in this frame.)
        self._timer.start()

    def _show_marked(self) -> None:
        # An empty scatter still paints (~0.3 ms each in pyqtgraph): only those with points.
        shown = self.session.is_visible("markers")
        for item in self.markers.values():
            item.setVisible(shown and len(item.data) > 0)

    def update_markers(self) -> None:
        """Recompute the special points in view and mark them (at once)."""
        fn = self.session.function
        for item in self.markers.values():
            item.setData([], [])
        poles: list[float] = []
        extrema: list[tuple[float, float, str]] = []
        try:
            poles, extrema = self._mark(fn)
        finally:
            self._show_marked()
            self._set_asymptotes(poles)
            self._set_labels(extrema)
            self.plot.refresh_legend()

    def _mark(self, fn: Any) -> tuple[list[float], list[tuple[float, float, str]]]:
        """Mark the special points; return the poles and the labelled extrema in view."""
        if fn is None:
            return [], []
        try:
            sp = self.session.special_points()
        except Exception:  # markers are a nicety: a failure must not break the plot
            sp = None
        if sp is None:
            return [], []
        params = self.session.param_values()
        xr = self.session.x_range
        infos = [fn.point(x, params) for x in sp.nondifferentiable if xr[0] <= x <= xr[1]]
        poles = [info.x for info in infos if info.kind == "pole"]
        holes = [
            (info.x, info.limit, "hole: " + info.reason)
            for info in infos
            if info.limit is not None and np.isfinite(info.limit)
        ]
        for name, item in self.markers.items():
            if name == "hole":
                item.setData(
                    x=[h[0] for h in holes], y=[h[1] for h in holes], data=[h[2] for h in holes]
                )
                continue
            # a pole gets its asymptote, not a × (float64 puts tan(π/2) at 1.6e16)
            skip = set(poles) if name == "nondifferentiable" else set()
            xs = np.array(
                [x for x in getattr(sp, name) if xr[0] <= x <= xr[1] and x not in skip],
                dtype=float,
            )
            ys = sampling.evaluate(lambda x: fn.f(x, params), xs)
            ok = np.isfinite(ys)
            tips = [_TIPS[name].format(format_number(x, 6)) for x in xs[ok].tolist()]
            item.setData(x=xs[ok], y=ys[ok], data=tips)
        extrema: list[tuple[float, float, str]] = []
        if self.session.is_visible("extrema"):
            for x in sp.critical:
                if not xr[0] <= x <= xr[1]:
                    continue
                kind = classify_critical(lambda a: fn.df(a, params), x)
                y = float(fn.f(np.array([x]), params)[0])
                if kind != "neither" and np.isfinite(y):
                    extrema.append((x, y, "local max" if kind == "local maximum" else "local min"))
        return poles, extrema

    def _set_asymptotes(self, poles: list[float]) -> None:
        """Dashed vertical lines at the poles (only while markers are shown)."""
        shown = self.session.is_visible("markers")
        while len(self.asymptotes) < len(poles):
            line = pg.InfiniteLine(angle=90, movable=False)
            line.setZValue(4)
            if self._style is not None:
                line.setPen(pg.mkPen(self._style.foreground, width=1, style=Qt.PenStyle.DashLine))
            self.plot.plot_item.addItem(line, ignoreBounds=True)
            self.asymptotes.append(line)
        for i, line in enumerate(self.asymptotes):
            if i < len(poles):
                line.setValue(poles[i])
                line.setToolTip(f"asymptote: f has a pole at x = {format_number(poles[i], 6)}")
            line.setVisible(shown and i < len(poles))

    def _set_labels(self, extrema: list[tuple[float, float, str]]) -> None:
        """ "local max (−1, 2)" above a maximum, "local min (1, −2)" below a minimum."""
        while len(self.labels) < len(extrema):
            label = pg.TextItem(color=self._label_color)
            label.setZValue(6)
            self.plot.plot_item.addItem(label, ignoreBounds=True)
            self.labels.append(label)
        for i, label in enumerate(self.labels):
            if i < len(extrema):
                x, y, what = extrema[i]
                label.setText(f"{what} ({format_number(x, 5)}, {format_number(y, 5)})")
                label.setAnchor((0.5, 1.3) if what == "local max" else (0.5, -0.3))
                label.setPos(x, y)
            label.setVisible(i < len(extrema))

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("markers")
        self._show_marked()
        if self.session.is_visible("extrema") != any(lb.isVisible() for lb in self.labels):
            self._timer.start()  # label (or unlabel) the extrema a moment later
        elif any(line.isVisible() for line in self.asymptotes) and not shown:
            self._set_asymptotes([])
