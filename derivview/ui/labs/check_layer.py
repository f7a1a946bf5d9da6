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

import pyqtgraph as pg  # isort: skip  (the window imports PySide6 first: its binding)

from derivview.model import sampling
from derivview.ui.labs.lab_plot import show_text
from derivview.ui.layers.base import PlotLayer
from derivview.ui.layers.items import Handle

if TYPE_CHECKING:
    from derivview.model.labs.numdiff_part import NumdiffState
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle


class CheckLayer(PlotLayer):
    """``ring`` (a hollow circle on f at the worst x) and ``label`` (the error), made at
    the first check (not before the window's first paint: most sessions never check)."""

    name = "gradient_check"

    def __init__(self, plot: PlotPanel) -> None:
        super().__init__(plot)
        self.state: NumdiffState = self.session.state("numdiff")
        self.ring: Handle | None = None
        self.label: pg.TextItem | None = None
        self._style: PlotStyle | None = None
        s = self.session
        plot.listen(
            [
                (self.state.check_changed, self._update),
                (s.function_changed, self._update),
                (s.params_changed, self._update),
            ]
        )
        if self.state.check is not None:  # the export's copy of a checked session
            self._update()

    def _make(self) -> tuple[Handle, pg.TextItem]:
        if self.ring is None or self.label is None:
            self.ring = Handle(16.0)
            self.ring.set_hollow(True)
            self.ring.setZValue(8)
            self.label = pg.TextItem(anchor=(0.0, 1.2))
            self.label.setZValue(8)
            self.plot.plot_item.addItem(self.ring, ignoreBounds=True)
            self.plot.plot_item.addItem(self.label, ignoreBounds=True)
            self.ring.hide()
            self.label.hide()
            if self._style is not None:
                self.set_style(self._style)
        return self.ring, self.label

    def set_style(self, style: PlotStyle) -> None:
        self._style = style
        if self.ring is not None and self.label is not None:
            self.ring.set_colors(style.background, style.foreground)
            self.label.setColor(style.foreground)

    def shown(self) -> bool:
        """Whether the worst point is marked now."""
        return self.ring is not None and self.ring.isVisible()

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
        ring, label = self._make()
        ring.setPos(check.at, y)
        label.setText(f"worst relative error {check.worst:.2g} ({check.verdict})")
        lo, hi = self.plot.view_x()
        label.setAnchor((1.0, 1.2) if check.at > (lo + hi) / 2 else (0.0, 1.2))  # inward
        label.setPos(check.at, y)
        ring.show()
        show_text(label)

    def _hide(self) -> None:
        if self.ring is not None and self.label is not None:
            self.ring.hide()
            self.label.hide()
