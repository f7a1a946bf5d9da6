"""The derivation step pointed at, drawn faintly on the f(x) plot.

When a person clicks a step of the derivation whose expression is a function of x (not
an outer function written in u), the plot shows that sub-expression (dashed, in f's
colour) and its derivative as the step gives it (dashed, in f′'s colour), faint, under
everything else — ``sin(x^2)``'s inner ``x^2`` and its ``2x``, beside f and f′. Only
while ``session.state("steps")`` points at such a step and "Draw on the plot" is on.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model import sampling
from derivview.ui.layers.base import PlotLayer
from derivview.ui.layers.curves import CLAMP_HEIGHTS
from derivview.ui.layers.items import clear_data

if TYPE_CHECKING:
    from derivview.model.labs.steps import Step
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

__all__ = ["StepLayer"]

#: How opaque the faint curves are (0..255).
ALPHA = 150


def _call(g: Any, params: dict[str, float], x: Any) -> Any:
    return g(x, params)


class StepLayer(PlotLayer):
    """``expression`` and ``derivative``: the step pointed at, and its derivative."""

    name = "step"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.expression = pg.PlotDataItem(connect="finite", antialias=True)
        self.derivative = pg.PlotDataItem(connect="finite", antialias=True)
        for z, item in ((-4.5, self.expression), (-4.6, self.derivative)):
            item.setZValue(z)
            plot.plot_item.addItem(item, ignoreBounds=True)
            item.setClipToView(True)
        self._compiled: tuple[Step, Any, Any] | None = None
        s = self.session
        state = s.state("steps")
        self.state = state
        plot.listen(
            [
                (state.focus_changed, self.on_resample),
                (state.changed, self.on_resample),
            ]
        )

    def set_style(self, style: PlotStyle) -> None:
        dash = pg.QtCore.Qt.PenStyle.DashLine
        f_color = pg.mkColor(style.f)
        f_color.setAlpha(ALPHA)
        df_color = pg.mkColor(style.df)
        df_color.setAlpha(ALPHA)
        self.expression.setPen(pg.mkPen(f_color, width=1.5, style=dash))
        self.derivative.setPen(pg.mkPen(df_color, width=1.5, style=dash))

    def shown_step(self) -> Step | None:
        """The step drawn now (None: nothing drawn)."""
        st, s = self.state, self.session
        step = st.step
        if step is None or not st.get("draw_on_plot") or st.text != s.text:
            return None
        if not step.of_x or s.function is None:
            return None
        return step

    def on_resample(self, *_: object) -> None:
        step = self.shown_step()
        if step is None:
            clear_data(self.expression)
            clear_data(self.derivative)
            return
        g, dg = self._functions(step)
        xr, yr = self.plot.view_x(), self.plot.view_y()
        width = max(self.plot.view_width(), 200.0)
        params = self.session.param_values()
        for item, fn in ((self.expression, g), (self.derivative, dg)):
            samples = sampling.sample(functools.partial(_call, fn, params), xr, width, yr)
            item.setData(samples.x, sampling.clamp_for_drawing(samples.y, yr, CLAMP_HEIGHTS))

    def _functions(self, step: Step) -> tuple[Any, Any]:
        """The step's expression and result, compiled (once per step)."""
        if self._compiled is not None and self._compiled[0] is step:
            return self._compiled[1], self._compiled[2]
        from derivview.model.calculus import CompiledFunction
        from derivview.model.expr.nodes import Param, walk
        from derivview.model.expr.parser import Expression
        from derivview.model.labs.steps import printed

        def compiled(tree: Any) -> Any:
            names = tuple(dict.fromkeys(n.name for n in walk(tree) if isinstance(n, Param)))
            return CompiledFunction(Expression(printed(tree) or "", tree, names)).f

        g, dg = compiled(step.expression), compiled(step.result)
        self._compiled = (step, g, dg)
        return g, dg
