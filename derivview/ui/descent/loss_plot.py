"""Loss per iteration: f(x_k) against k for each descent run, optionally on a log scale.

The log scale shows the *gap* f(x_k) − f*, not f: f can be zero or negative (x³ − 3x has
minimum −2), so its logarithm is undefined, and a symmetric-log of f would hide what the
log scale is for: linear convergence (the gap shrinking by a constant factor per step) is
a straight line. f* is each run's estimate of the minimum it is heading to: the minimum of
the local quadratic at the newest iterate, f − f′²/(2f″) where f″ > 0 (exact on a
parabola, and close to any smooth minimum once the run is near it), or else the lowest f
the run has reached. Points with no positive gap have no logarithm and are left out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from derivview.model.session import Session

if TYPE_CHECKING:
    from derivview.model.optimizers import DescentRun
from derivview.model.formatting import format_number
from derivview.ui.axes import number_axes
from derivview.ui.descent.layer import RunArrays, trajectory_colors
from derivview.ui.descent.source import RunSource, fx_source
from derivview.ui.plot_style import plot_style
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

_DOTS_MAX = 300
#: The loss plot turns logarithmic by itself when the gap spans this ratio (3 decades).
LOG_DECADES_RATIO = 1e3
_LOG_LABEL = "log scale: f(xₖ) − f*"
_MIN_PLOT_HEIGHT = 110
_SPACING = 2


def _layout(owner: QWidget, top_widgets: tuple[QWidget, QWidget], plot: QWidget) -> None:
    """The loss plot's layout: the log box and note above the plot."""
    top = QHBoxLayout()
    top.setContentsMargins(0, 0, 0, 0)
    top.addWidget(top_widgets[0])
    top.addStretch(1)
    top.addWidget(top_widgets[1])
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(_SPACING)
    layout.addLayout(top)
    layout.addWidget(plot, 1)


class LossPlotStandIn(QWidget):
    """What the descent panel holds until the loss plot is built (when its tab is shown).

    Nothing of it is ever seen; it only has the size hints a new :class:`LossPlot` has, so
    the sidebar is laid out exactly as with the real plot, without building a second
    pyqtgraph PlotWidget before the window's first paint. Same widgets, same sizes: a
    plain QGraphicsView set up as pyqtgraph's (no frame, no scroll bars) whose scene rect
    is its own initial size, as a new PlotWidget's is.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        view = QGraphicsView()
        view.setFrameShape(QFrame.Shape.NoFrame)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setScene(QGraphicsScene(view))
        view.setSceneRect(QRectF(0, 0, view.width(), view.height()))
        view.setMinimumHeight(_MIN_PLOT_HEIGHT)
        _layout(self, (QCheckBox(_LOG_LABEL), QLabel()), view)


class LossPlot(QWidget):
    """f(x_k) vs k for the session's descent runs; ``gdLossLog`` switches to the log gap.

    ``source`` says whose runs (default: the f(x) descent's).
    """

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, source: RunSource | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._source = src = fx_source(session) if source is None else source

        self.log_box = QCheckBox(_LOG_LABEL)
        self.log_box.setObjectName(src.name("LossLog"))
        self.log_box.setToolTip(
            "Plot the gap f(xₖ) − f* to the minimum the run heads for, on a log scale:\n"
            "f itself may be negative, so its log is undefined; the gap is positive, and\n"
            "linear convergence shows as a straight line. f* is the minimum of the local\n"
            "parabola at the newest iterate, f − f′²/(2f″) where f″ > 0, else the lowest\n"
            "f reached. Points with no positive gap have no logarithm and are not drawn."
        )
        self.note = QLabel()
        self.note.setObjectName(src.name("LossNote"))
        self.note.setStyleSheet("color: gray;")

        self.plot_widget = pg.PlotWidget(axisItems=number_axes())
        self.plot_widget.setObjectName(src.name("LossPlot"))
        self.plot_widget.setMinimumHeight(_MIN_PLOT_HEIGHT)
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        self.plot_item.setMenuEnabled(False)
        self.plot_item.hideButtons()
        self.plot_item.showGrid(x=True, y=True, alpha=0.25)
        self.plot_item.setLabel("bottom", "k")
        self.curves = [
            self.plot_item.plot(connect="finite", symbol="o", symbolSize=4) for _ in range(2)
        ]
        self._arrays = [RunArrays(), RunArrays()]
        for i, c in enumerate(self.curves):
            c.setObjectName(src.name(f"LossCurve{i}"))
            # k increases: only the visible part is drawn, peaks kept when many points.
            c.setClipToView(True)
            c.setDownsampling(auto=True, method="peak")

        _layout(self, (self.log_box, self.note), self.plot_widget)

        self._log_chosen = False  # the person ticked or unticked the log box
        self._auto_n = 0  # run length at the last automatic check
        self._setting_log = False
        self.log_box.toggled.connect(self._on_log_toggled)
        connect_while_alive(self, [(src.changed, self._on_descent_changed)])
        follow_theme(self, self.set_dark)
        self.redraw()

    def set_dark(self, dark: bool) -> None:
        """Take the light or dark theme's colours."""
        style = plot_style(dark)
        self.plot_widget.setBackground(style.background)
        fg = style.foreground
        self.plot_item.showGrid(x=True, y=True, alpha=style.grid_alpha)
        for axis in ("left", "bottom"):
            ax = self.plot_item.getAxis(axis)
            ax.setPen(pg.mkPen(fg))
            ax.setTextPen(pg.mkPen(fg))
        for curve, color in zip(self.curves, trajectory_colors(dark), strict=True):
            curve.setPen(pg.mkPen(color, width=1))  # wider pens cost 3-4x per frame here
            curve.setSymbolPen(pg.mkPen(color))
            curve.setSymbolBrush(pg.mkBrush(color))

    def estimate_minimum(self, run: DescentRun, fs: np.ndarray) -> float:
        """f* for the log scale: the local model's minimum at the newest iterate, if lower.

        For f(x): f(x) ≈ f + f′·h + f″·h²/2 has its minimum f − f′²/(2f″) where f″ > 0.
        It never exceeds the lowest f reached, so every gap stays ≥ 0.
        """
        return self._source.minimum(run, fs)

    def _on_log_toggled(self, _on: bool) -> None:
        if not self._setting_log:
            self._log_chosen = True  # the person chose: no more automatic switching
        self.redraw()

    def _auto_log(self, runs: tuple[DescentRun, ...]) -> None:
        """Switch to the log scale when the gap to f* spans 3 decades or more (a linear
        plot of a converging run is a flat line after the first few steps), and back
        when it no longer does — until the person ticks or unticks the box."""
        if self._log_chosen or not runs:
            self._auto_n = 0
            return
        # O(n) per check: only when the runs grew by a quarter, or ended (Play adds a
        # step a frame to runs of up to 100,000 steps)
        n = max(len(r.iterates) for r in runs)
        finished = all(r.status is not None for r in runs)
        if n < 1.25 * self._auto_n and not (finished and n != self._auto_n):
            return
        self._auto_n = n
        spans = []
        for i, run in enumerate(runs):
            _ks, fs = self._arrays[i].update(run)[::2]
            with np.errstate(all="ignore"):
                gap = fs - self.estimate_minimum(run, fs)
            gap = gap[np.isfinite(gap) & (gap > 0)]
            if gap.size >= 2:
                spans.append(float(gap.max() / gap.min()))
        want = bool(spans) and max(spans) >= LOG_DECADES_RATIO
        if want != self.log_box.isChecked():
            self._setting_log = True
            try:
                self.log_box.setChecked(want)
            finally:
                self._setting_log = False

    def _on_descent_changed(self) -> None:
        self.redraw()

    def redraw(self) -> None:
        """Redraw from the session's runs."""
        runs = self._source.state.runs
        self._auto_log(runs)
        log = self.log_box.isChecked()
        src_axis = self._source.loss_axis
        series = [self._arrays[i].update(run)[::2] for i, run in enumerate(runs)]
        note = ""
        if log:
            gapped, stars = [], []
            for run, (ks, fs) in zip(runs, series, strict=True):
                f_star = self.estimate_minimum(run, fs)
                stars.append(f_star)
                # A new array: those in ``series`` are the cache's, which the plot keeps.
                with np.errstate(all="ignore"):
                    gap = fs - f_star
                gap[~(gap > 0)] = math.nan  # no positive gap (or NaN): no logarithm
                gapped.append((ks, gap))
            series = gapped
            note = ", ".join(
                (f"{'AB'[i]}: " if len(stars) > 1 else "") + f"f* ≈ {format_number(v, 6)}"
                for i, v in enumerate(stars)
                if math.isfinite(v)
            )
            self.plot_item.setLabel("left", f"{src_axis} − f*")
        else:
            self.plot_item.setLabel("left", src_axis)
        self.plot_item.setLogMode(x=False, y=log)
        for i, curve in enumerate(self.curves):
            if i < len(series):
                # Dots only while they can be told apart; a line beyond that.
                symbol = "o" if len(series[i][0]) <= _DOTS_MAX else None
                if curve.opts["symbol"] != symbol:
                    curve.setSymbol(symbol)
                ks, ys = series[i]
                if np.isfinite(ys).any():
                    curve.setData(ks, ys)
                else:  # all undefined: pyqtgraph warns on all-NaN data
                    curve.setData([], [])
                curve.setVisible(True)
            else:
                curve.setData([], [])
                curve.setVisible(False)
        self.note.setText(note)
        self.note.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
