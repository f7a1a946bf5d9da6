"""f, f′ and f″ on the main plot, sampled over the view with gaps at poles and jumps.

f′ and f″ share f's axes (not a linked plot below): one view keeps the relations a
person is meant to see — f′ crosses zero under f's extrema, f″ under its inflections — at
the same height and place, and one view costs one paint per frame. Curves are sampled by
:mod:`derivview.model.sampling` at a few points per pixel with NaN gaps, drawn with
``connect="finite"``, and resampled only when the view, f or a parameter changes.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model import sampling
from derivview.model.formatting import format_number
from derivview.ui.layers.base import LegendEntry, PlotLayer
from derivview.ui.layers.items import Curve

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

#: y values further than this many view heights beyond the view are clamped for drawing:
#: the visible part of the stroke is unchanged, and the raster engine never sees 1e16.
CLAMP_HEIGHTS = 50.0

LEGEND_NAMES = {"f": "f(x)", "df": "f′(x)", "d2f": "f″(x)"}


#: Which part of CompiledFunction.evaluate_raw each curve is.
ORDER = {"f": 0, "df": 1, "d2f": 2}


def _parts_of(
    fn: CompiledFunction, params: dict[str, float], order: int, parts: list[int], x: Any
) -> list[Any]:
    values = fn.evaluate_raw(x, params, order)
    return [values[k] for k in parts]


class CurvesLayer(PlotLayer):
    """The curves of f, f′ and f″ (``curves["f"]``, ``["df"]``, ``["d2f"]``)."""

    name = "curves"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.curves: dict[str, pg.PlotCurveItem] = {}
        for z, name in ((-3, "d2f"), (-2, "df"), (0, "f")):
            # Antialiased: an aliased 1-px stroke of sub-pixel segments drops pixels (Qt's
            # cosmetic stroker); measured, a 1-px antialiased curve costs no more here.
            # A bare PlotCurveItem, not a PlotDataItem: the samples already cover just the
            # view at a few points per pixel, so PlotDataItem's clip-to-view and
            # downsampling only cost time (setData 0.03 ms against 0.3 ms for 3,000
            # points, and no re-clipping of every curve on each view change). A Curve:
            # its bounds are not measured again at each change of the view.
            curve = Curve(connect="finite", antialias=True, skipFiniteCheck=False)
            curve.setZValue(z)
            plot.plot_item.addItem(curve)
            self.curves[name] = curve
        # An empty picture says why: f is undefined everywhere in view (sqrt(-x^2 - 1), or
        # sqrt(x - 10) until the view is moved right).
        self.notice = pg.TextItem(anchor=(0.5, 0.5))
        self.notice.setObjectName("plotEmptyNotice")
        self.notice.setZValue(50)
        self.notice.hide()
        plot.plot_item.addItem(self.notice, ignoreBounds=True)
        plot.listen([(self.session.visibility_changed, self._on_visibility_changed)])
        self._on_visibility_changed()

    def set_style(self, style: PlotStyle) -> None:
        for name in ("f", "df", "d2f"):
            width = style.f_width if name == "f" else style.curve_width
            self.curves[name].setPen(pg.mkPen(getattr(style, name), width=width))
        self.notice.setColor(style.foreground)

    def notice_text(self) -> str:
        """What the plot says over an empty picture ("" when f is drawn)."""
        return self.notice.toPlainText() if self.notice.isVisible() else ""

    def _say_empty(self, empty: bool) -> None:
        if not empty:
            if self.notice.isVisible():
                self.notice.hide()
            return
        a, b = self.plot.view_x()
        self.notice.setText(
            f"f is undefined for every x from {format_number(a, 4)} to {format_number(b, 4)}"
        )
        self.notice.show()
        self.on_view_moved()

    def on_view_moved(self) -> None:
        if self.notice.isVisible():
            (a, b), (c, d) = self.plot.view_x(), self.plot.view_y()
            self.notice.setPos((a + b) / 2, c + 0.75 * (d - c))  # above the x axis's point

    def legend_entries(self) -> list[LegendEntry]:
        return [(self.curves[name], LEGEND_NAMES[name], name) for name in ("f", "df", "d2f")]

    def on_resample(self) -> None:
        fn = self.session.function
        if fn is None:
            for curve in self.curves.values():
                curve.setData([], [])
            self._say_empty(False)
            return
        shown = self.session.visible
        xr, yr = self.plot.view_x(), self.plot.view_y()
        width = max(self.plot.view_width(), 200.0)
        params = self.session.param_values()
        names = [name for name in self.curves if name in shown]
        if not names:
            self._say_empty(False)
            return
        parts = [ORDER[name] for name in names]
        # The curves shown, from one forward pass of the order they need, sampled together.
        many = functools.partial(_parts_of, fn, params, max(parts), parts)
        samples = sampling.sample_many(many, len(parts), xr, width, yr)
        for name, s in zip(names, samples, strict=True):
            self.curves[name].setData(s.x, sampling.clamp_for_drawing(s.y, yr, CLAMP_HEIGHTS))
        f = samples[names.index("f")] if "f" in names else None
        self._say_empty(f is not None and bool(np.isnan(f.y).all()))  # (±inf: too large)

    def _on_visibility_changed(self) -> None:
        shown = self.session.visible
        newly = False
        for name, curve in self.curves.items():
            was = curve.isVisible()
            curve.setVisible(name in shown)
            newly = newly or (name in shown and not was)
        if newly:
            self.on_resample()
        elif "f" not in shown:
            self._say_empty(False)  # f hidden: nothing is missing from the picture
