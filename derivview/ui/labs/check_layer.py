"""Where the gradient check found its worst disagreement, marked on the f(x) plot.

After "Check f′ over the view" (the numerical-derivative dock), a ring on f at the x of
the worst relative error between f′ and the central difference, with the error beside
it: the person sees *where*, not only a number. It goes when f or a parameter changes
(the check no longer says anything about f′) and while the check found nothing to flag.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model import sampling
from derivview.ui.labs.lab_plot import show_text
from derivview.ui.layers.base import PlotLayer

if TYPE_CHECKING:
    from derivview.model.labs.numdiff_part import NumdiffState
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle


class CheckLayer(PlotLayer):
    """``ring`` (a hollow circle on f at the worst x) and ``label`` (the error)."""

    name = "gradient_check"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.state: NumdiffState = self.session.state("numdiff")
        self.ring = pg.ScatterPlotItem(size=16, symbol="o", brush=None, pxMode=True)
        self.ring.setZValue(8)
        self.label = pg.TextItem(anchor=(0.0, 1.2))
        self.label.setZValue(8)
        for item in (self.ring, self.label):
            plot.plot_item.addItem(item, ignoreBounds=True)
            item.hide()
        s = self.session
        plot.listen(
            [
                (self.state.check_changed, self._update),
                (s.function_changed, self._update),
                (s.params_changed, self._update),
            ]
        )
        self._update()

    def set_style(self, style: PlotStyle) -> None:
        self.ring.setPen(pg.mkPen(style.foreground, width=2, style=Qt.PenStyle.DotLine))
        self.label.setColor(style.foreground)

    def _update(self, *_: object) -> None:
        check = self.state.check
        fn = self.session.function
        if (
            check is None
            or fn is None
            or self.state.check_function is not fn
            or check.at is None
            or check.worst is None
        ):
            self._hide()
            return
        params = self.session.param_values()
        y = float(sampling.evaluate(lambda x: fn.f(x, params), np.array([check.at]))[0])
        if not math.isfinite(y):
            self._hide()
            return
        self.ring.setData([check.at], [y])
        self.label.setText(f"worst relative error {check.worst:.2g} ({check.verdict})")
        self.label.setPos(check.at, y)
        self.ring.show()
        show_text(self.label)

    def _hide(self) -> None:
        self.ring.setData([], [])
        self.ring.hide()
        self.label.hide()
