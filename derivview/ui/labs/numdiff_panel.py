"""The numerical-derivative dock: f′(x₀) exact beside the forward, backward and central
difference quotients, and why h = 1e-5 and not 1e-12 (the seed's §9.1–9.2).

At x₀: the exact f′ (derivview's tree) and the three quotients at an h chosen on a
logarithmic slider (1 … 1e-16), with their errors; a log-log plot of |error| against h
for all three — the truncation regime (reference lines of slope 1 and 2), the round-off
regime (the line ε·S/h), the smallest error of each formula marked, the current h as a
vertical line (drag it) — and a gradient check of f′ over the visible range. Where
f′(x₀) does not exist the plot shows the quotients themselves and the dock says why.

It follows x₀ drags and changes of f live, within the drag's frame budget: the curves
(three quotients on 321 h, one vectorized pass of f) are cached per (f, parameters, x₀);
moving h redraws only the line and the numbers. Nothing is computed while the dock is
hidden (a tab behind another); it catches up when shown.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QShowEvent, QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model.labs.numdiff_part import H_MAX, H_MIN, SEED_H, NumdiffState
from derivview.model.state.fields import number_words
from derivview.ui.label_frame import FittedFrame
from derivview.ui.labs.lab_plot import (
    LabPlotView,
    accent_blue,
    fit_width,
    is_seen,
    muted,
    scrolled_column,
    set_data,
    show_text,
    steady_range,
    style_legend,
    style_plot,
    watch_dock,
)
from derivview.ui.layers.items import Handle
from derivview.ui.plot_style import BLUISH_GREEN, ORANGE, VERMILLION, plot_style
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction, PointInfo
    from derivview.model.labs.numdiff import Curves, ErrorModel
    from derivview.model.session import Session

FORMULAS = ("forward", "backward", "central")
#: Slider positions per decade of h; the curves have the same points (321 from 1 to 1e-16).
PER_DECADE = 20
SLIDER_MAX = 16 * PER_DECADE
#: The plot's lowest error: below float64's resolution of any f′ worth plotting.
FLOOR = -20.0
READOUT_LINES = 4
#: The bottom of each V: the running median of log|error| over ±0.2 decade.
BEST_WINDOW = 9


def h_to_slider(h: float) -> int:
    """The slider position of h (h = 10^(−pos/20), clamped to 1 … 1e-16)."""
    h = min(max(h, H_MIN), H_MAX)
    return max(0, min(SLIDER_MAX, round(-PER_DECADE * math.log10(h))))


def slider_to_h(pos: int) -> float:
    """h at a slider position: whole decades exactly (1e-5, not 1.0000000000000001e-05)."""
    if pos % PER_DECADE == 0:
        return float(f"1e-{pos // PER_DECADE}")
    return float(10.0 ** (-pos / PER_DECADE))


def formula_colors(dark: bool) -> dict[str, str]:
    """The colour of each quotient's curve (Okabe–Ito, both themes)."""
    return {"forward": VERMILLION, "backward": accent_blue(dark), "central": BLUISH_GREEN}


class StepSpinBox(QDoubleSpinBox):
    """h exactly, written short (1e-5, 0.001, 3.2e-9); the arrows step 1/20 of a decade,
    as the slider does; any number in [1e-16, 1] may be typed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(300)  # QDoubleSpinBox rounds the value to `decimals`: keep it all
        self.setRange(H_MIN, H_MAX)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:
        return number_words(float(f"{value:.4g}"))

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> Any:
        t = text.strip().replace("−", "-")
        if t in ("", ".", "-") or t.lower().endswith(("e", "e-", "e+")):
            return (QValidator.State.Intermediate, text, pos)
        try:
            v = float(t)
        except ValueError:
            return (QValidator.State.Invalid, text, pos)
        if not math.isfinite(v) or v < 0:
            return (QValidator.State.Invalid, text, pos)
        if not H_MIN <= v <= H_MAX:  # "0.0" on the way to "0.001", "2" to "2e-9"
            return (QValidator.State.Intermediate, text, pos)
        return (QValidator.State.Acceptable, text, pos)

    def stepBy(self, steps: int) -> None:
        h = self.value() * 10 ** (-steps / PER_DECADE)  # up = larger h
        self.setValue(min(max(h, H_MIN), H_MAX))


class Analysis:
    """What the dock shows of f at x₀, for any h: computed once per (f, parameters, x₀).

    ``f``: the vectorized f (raw: ±inf kept) at these parameters; ``curves`` None where f
    is undefined at x₀; ``model`` None where f′(x₀) does not exist. (A plain class: the
    window imports this module before its first paint, and a dataclass costs ~1 ms.)
    """

    __slots__ = ("best", "curves", "f", "model", "point", "predicted", "x0")

    def __init__(
        self,
        x0: float,
        f: Any,
        point: PointInfo,
        curves: Curves | None,
        model: ErrorModel | None,
    ) -> None:
        self.x0, self.f, self.point, self.curves, self.model = x0, f, point, curves, model
        #: (h, error) at the bottom of each curve's V; the error model's best h.
        self.best: dict[str, tuple[float, float] | None] = (
            curves.best(BEST_WINDOW) if curves is not None else {}
        )
        self.predicted: dict[str, float | None] = model.best() if model is not None else {}


def analyse(fn: CompiledFunction, params: dict[str, float], point: PointInfo) -> Analysis:
    """The curves and the error model of f at ``point`` (its x is x₀)."""
    from derivview.model.labs import numdiff as nd

    def f(xs: np.ndarray) -> np.ndarray:
        return fn.evaluate_raw(xs, params, 0)[0]  # no cache: the plot's samples stay cached

    x0 = point.x
    if point.f is None:
        return Analysis(x0, f, point, None, None)
    exact = point.df if point.differentiable else None
    curves = nd.curves(f, x0, exact)
    model = None
    if curves.exact is not None:
        size = float(fn.magnitudes(x0, params)[0])
        d3f = nd.third_derivative(lambda xs: fn.evaluate_raw(xs, params, 2)[2], x0)
        model = nd.ErrorModel(nd.rounding_scale(size, x0, curves.exact), point.d2f, d3f)
    return Analysis(x0, f, point, curves, model)


def _num(v: float | None, digits: int = 12) -> str:
    if v is None or not math.isfinite(v):
        return "undefined"
    return f"{v + 0.0:.{digits}g}".replace("-", "−")


def _short(v: float) -> str:
    return number_words(float(f"{v:.2g}")).replace("-", "−")


def readout_text(a: Analysis | None, h: float) -> str:
    """The readout: h, exact f′(x₀), the three quotients at h and their errors (plain
    text, at most :data:`READOUT_LINES` lines; the best h is in :func:`regime_text`)."""
    from derivview.model.labs import numdiff as nd

    head = f"h = {nd.short_number(h)}"
    if a is None:
        return f"{head}\nno function yet"
    if a.curves is None:
        if "f" in getattr(a.point, "overflow", ()):
            return f"{head}\nf(x₀) is too large to represent in float64: no quotient"
        return f"{head}\nf is undefined at x₀ = {_num(a.x0, 8)}: no quotient"
    q = [float(v[0]) for v in nd.quotients(a.f, a.x0, [h])]
    exact = a.curves.exact
    names = ("forward", "backward", "central")
    if exact is None and a.point.differentiable:  # f′ exists, beyond float64
        lines = [f"{head}   f′(x₀) is too large to represent"]
        for name, value in zip(names, q, strict=True):
            lines.append(f"{name:<9}{_num(value if math.isfinite(value) else None):>16}")
        return "\n".join(lines)
    if exact is None:
        p = a.point
        mean = None if p.left_df is None or p.right_df is None else (p.left_df + p.right_df) / 2
        lines = [f"{head}   f′(x₀) does not exist"]
        for name, value, limit, side in zip(
            names, q, (p.right_df, p.left_df, mean), ("right", "left", "mean"), strict=True
        ):
            tail = f"   → {_num(limit, 6)} ({side})" if limit is not None else ""
            lines.append(f"{name:<9}{_num(value if math.isfinite(value) else None):>16}{tail}")
        return "\n".join(lines)
    lines = [f"{head}   exact f′(x₀) = {_num(exact)}"]
    for name, value in zip(names, q, strict=True):
        ok = math.isfinite(value)
        err = f"error {_short(abs(value - exact))}" if ok else ""
        lines.append(f"{name:<9}{_num(value if ok else None):>16}   {err}")
    return "\n".join(lines)


def regime_text(a: Analysis | None, h: float) -> str:
    """What dominates the error at h and where the error model puts the best h, in
    words — or why there is no error to plot."""
    from derivview.model.labs import numdiff as nd

    if a is None:
        return ""
    if a.curves is None:
        return a.point.reason
    p = a.point
    if a.curves.exact is None and p.differentiable:
        return (
            "f′(x₀) exists but is too large to represent in float64 (about 1.8·10³⁰⁸): "
            "there is no number to measure the quotients' errors against; the plot "
            "shows the quotients themselves."
        )
    if a.curves.exact is None:
        return nd.no_derivative_words(a.x0, p.kind, p.left_df, p.right_df, p.reason)
    model = a.model
    assert model is not None
    hs = np.array([h])
    words = []
    for name, label, slope, d in (
        ("forward", "forward/backward", "1", "f″"),
        ("central", "central", "2", "f‴"),
    ):
        trunc = model.truncation(name, hs)
        round_off = model.roundoff(hs)
        if trunc is None:
            words.append(f"{label}: no truncation error ({d} = 0 here), only round-off")
        elif round_off is None or trunc[0] >= round_off[0]:
            words.append(f"{label}: truncation dominates (slope {slope}), a smaller h helps")
        else:
            words.append(f"{label}: round-off ε·S/h dominates, a smaller h makes it worse")
    pair = ("forward", "central")
    # no best: the error is exactly 0 at every h (nothing to put on a log axis)
    bests = [_short(b[0]) if (b := a.best.get(k)) else None for k in pair]
    models = [_short(v) if (v := a.predicted.get(k)) is not None else None for k in pair]
    if bests == [None, None]:
        first = "No best h: every quotient hits f′(x₀) exactly, at every h"
    else:
        best = " and ".join(b or "none (exact at every h)" for b in bests)
        first = f"Best h ≈ {best} (forward and central: where each curve bottoms out, the dots; "
        if models == [None, None]:
            first += "the error model has no truncation term to balance)"
        else:
            model = " and ".join(m or "none" for m in models)
            first += f"the error model says {model}, where its lines cross)"
    return f"{first}. At h = {nd.short_number(h)}: " + "; ".join(words) + "."


class NumdiffPanel(QWidget):
    """Controls, readout, plot and gradient check of the numerical derivative at x₀."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("numdiffPanel")
        self.session = session
        self.state: NumdiffState = session.state("numdiff")
        self._analysis: Analysis | None = None
        self._key: tuple[Any, ...] | None = None
        self._dirty = True
        self._drawn_key: tuple[Any, ...] | None = None
        self._dark = False
        self._placing_line = False  # the h line moved by the code, not by a drag
        self._y_range: tuple[float, float] | None = None
        self._mode: str | None = None  # "errors" or "quotients": the left axis

        # -- controls -------------------------------------------------------------------
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("numdiffHSlider")
        self.slider.setRange(0, SLIDER_MAX)
        self.slider.setPageStep(PER_DECADE)
        self.slider.setToolTip(
            "h on a logarithmic scale: from 1 (left) down to 1e-16 (right), 20 steps a "
            "decade (Page Up/Down: a decade)"
        )
        self.slider.setAccessibleName("numerical derivative step h")
        self.spin = StepSpinBox()
        self.spin.setObjectName("numdiffHSpin")
        self.spin.setToolTip("h exactly: any number from 1e-16 to 1")
        self.spin.setAccessibleName("numerical derivative step h")
        self.seed_button = QPushButton("h = 1e-5")
        self.seed_button.setObjectName("numdiffSeed")
        self.seed_button.setToolTip(
            "The seed's numerical_gradient(f, x, h=1e-5): the central difference at h = 1e-5"
        )

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.readout = QLabel()
        self.readout.setObjectName("numdiffReadout")
        self.readout.setFont(mono)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # A new text every drag frame must not re-lay out the dock: a frame outside any
        # layout, as tall as the most lines the readout has.
        self.readout.setText("\n" * (READOUT_LINES - 1))
        self.readout_frame = FittedFrame(self.readout)
        self.readout.setToolTip(
            "The exact f′(x₀) from derivview's own automatic differentiation, beside\n"
            "forward (f(x+h) − f(x))/h, backward (f(x) − f(x−h))/h and central\n"
            "(f(x+h) − f(x−h))/(2h), computed in float64 exactly as written"
        )

        self.view = LabPlotView("numdiffPlot", "|error|", "h  (→ 0)", self._build_plot)
        self.view.setToolTip(
            "|quotient − f′(x₀)| against h, both on log scales, h shrinking to the right.\n"
            "Dashed: the truncation error |f″|h/2 (slope 1) and |f‴|h²/6 (slope 2);\n"
            "dotted: the round-off ε·S/h (S: the size of f and of x·f′). Dots: the\n"
            "bottom of each formula's V, its best h. The orange line is h: drag it."
        )
        self.note = QLabel()
        self.note.setObjectName("numdiffNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note_frame = FittedFrame(self.note)

        self.check_button = QPushButton("Check f′ over the view")
        self.check_button.setObjectName("numdiffCheck")
        self.check_button.setToolTip(
            "Gradient check (the seed's §9.2): compare f′ with the central difference at\n"
            "h = 1e-5 at 2,001 points of the visible x range; report the worst relative\n"
            "error |f′ − numerical| / max(|f′|, |numerical|) and where it is"
        )
        self.check_result = QLabel()
        self.check_result.setObjectName("numdiffCheckResult")
        self.check_result.setWordWrap(True)
        self.check_result.setTextFormat(Qt.TextFormat.PlainText)
        self.check_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("h"), 0, 0)
        grid.addWidget(self.slider, 0, 1)
        grid.addWidget(self.spin, 0, 2)
        grid.addWidget(self.seed_button, 0, 3)
        grid.setColumnStretch(1, 1)
        column = scrolled_column(self, "numdiffBody")
        column.addLayout(grid)
        column.addWidget(self.readout_frame)
        column.addWidget(self.view, 1)
        column.addWidget(self.note_frame)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addStretch(1)
        column.addLayout(check_row)
        column.addWidget(self.check_result)
        fit_width(self)

        # -- subscriptions ----------------------------------------------------------------
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.spin.valueChanged.connect(self._on_spin_changed)
        self.seed_button.clicked.connect(self._on_seed_clicked)
        self.check_button.clicked.connect(self._on_check_clicked)
        connect_while_alive(
            self,
            [
                (session.point_changed, self._on_point_changed),
                (self.state.changed, self._on_h_changed),
                (self.state.check_changed, self._on_check_changed),
            ],
        )
        follow_theme(self, self._on_theme)
        self._show_h()
        self._on_check_changed()

    # -- the plot (made on first show) ---------------------------------------------------------

    def _build_plot(self, item: pg.PlotItem) -> None:
        item.invertX(True)  # h shrinks to the right, as on the slider
        item.setXRange(0.2, -16.2, padding=0)
        self.curves = {}
        for z, name in ((2, "forward"), (1, "backward"), (3, "central")):
            # PlotCurveItem, not PlotDataItem: a third of the Python per setData (every
            # drag frame), and nothing of PlotDataItem (symbols, downsampling) is used.
            curve = pg.PlotCurveItem(connect="finite")  # NaN (undefined): a gap
            curve.setZValue(z)
            item.addItem(curve)
            self.curves[name] = curve
        # reference lines: truncation of slope 1 and 2, round-off; one-sided limits
        self.lines = {
            name: pg.PlotCurveItem(connect="finite")
            for name in ("slope1", "slope2", "roundoff", "left", "right")
        }
        for line in self.lines.values():
            line.setZValue(0)
            item.addItem(line)
        self.line_labels = {  # above their lines, clear of the h = 1 and h = 1e-16 edges
            "slope1": pg.TextItem(anchor=(0.0, 1.0)),
            "slope2": pg.TextItem(anchor=(0.0, 1.0)),
            "roundoff": pg.TextItem(anchor=(1.0, 1.0)),
        }
        for label in self.line_labels.values():
            item.addItem(label, ignoreBounds=True)
        # bottom right: tiny h, where round-off makes every error large (the curves high)
        self.legend = pg.LegendItem(offset=(-6, -6), labelTextSize="8pt")
        self.legend.setParentItem(item.getViewBox())
        for name in ("forward", "backward", "central"):
            self.legend.addItem(self.curves[name], name)
        self.legend.setCacheMode(self.legend.CacheMode.DeviceCoordinateCache)
        # The bottom of each V: a dot drawn in pixels, moved with setPos (a scatter's
        # setData costs ten times more per drag frame).
        self.best = {name: Handle(8.0) for name in FORMULAS}
        for dot in self.best.values():
            dot.setZValue(5)
            dot.hide()
            item.addItem(dot, ignoreBounds=True)
        self.h_line = pg.InfiniteLine(angle=90, movable=True, bounds=(-16.0, 0.0))
        self.h_line.setZValue(6)
        self.h_line.setToolTip("h: drag it")
        self.h_line.sigPositionChanged.connect(self._on_h_line_dragged)
        item.addItem(self.h_line, ignoreBounds=True)
        self._drawn_key = None
        self._style_plot()

    @property
    def plot_item(self) -> pg.PlotItem:
        """The plot (made now if it was not yet)."""
        return self.view.build()

    # -- widgets -> session ------------------------------------------------------------------

    def _set_h(self, h: float) -> None:
        self.state.set(h=min(max(h, H_MIN), H_MAX))

    def _on_slider_moved(self, pos: int) -> None:
        self._set_h(slider_to_h(pos))

    def _on_spin_changed(self, value: float) -> None:
        if math.isfinite(value) and value > 0:
            self._set_h(value)

    def _on_seed_clicked(self) -> None:
        self._set_h(SEED_H)

    def _on_h_line_dragged(self, line: Any) -> None:
        if self._placing_line:
            return
        self._set_h(10.0 ** float(line.value()))

    def _on_check_clicked(self) -> None:
        s = self.session
        if s.function is None:
            return
        self.state.run_check(s.function, s.param_values(), *s.x_range)

    # -- session -> widgets ------------------------------------------------------------------

    def _on_point_changed(self) -> None:
        self._dirty = True
        if is_seen(self):
            self.refresh()

    def _on_h_changed(self) -> None:
        self._show_h()
        if is_seen(self):
            self.refresh()
        else:
            self._dirty = True

    def _show_h(self) -> None:
        h = self.state.get("h")
        for w in (self.slider, self.spin):
            w.blockSignals(True)
        try:
            if slider_to_h(self.slider.value()) != h:
                self.slider.setValue(h_to_slider(h))
            if self.spin.value() != h:
                self.spin.setValue(h)
        finally:
            for w in (self.slider, self.spin):
                w.blockSignals(False)

    def _on_check_changed(self) -> None:
        check = self.state.check
        if check is not None and self.state.check_function is self.session.function:
            text = check.summary()
        else:
            text = (
                "Check compares f′ with the seed's central difference (h = 1e-5) at 2,001 "
                "points of the visible x range."
            )
        if text != self.check_result.text():
            self.check_result.setText(text)

    def _on_theme(self, dark: bool) -> None:
        self._dark = dark
        self._style_plot()

    def _style_plot(self) -> None:
        if self.view.plot_item is None:
            return
        dark = self._dark
        style = plot_style(dark)
        style_plot(self.view, style)
        colors = formula_colors(dark)
        for name, curve in self.curves.items():
            curve.setPen(pg.mkPen(colors[name], width=1))
        ref = muted(style)
        dash = Qt.PenStyle.DashLine
        self.lines["slope1"].setPen(pg.mkPen(ref, width=1, style=dash))
        self.lines["slope2"].setPen(pg.mkPen(ref, width=1, style=Qt.PenStyle.DashDotLine))
        self.lines["roundoff"].setPen(pg.mkPen(ref, width=1, style=Qt.PenStyle.DotLine))
        self.lines["right"].setPen(pg.mkPen(colors["forward"], width=1, style=dash))
        self.lines["left"].setPen(pg.mkPen(colors["backward"], width=1, style=dash))
        for label in self.line_labels.values():
            label.setColor(ref)
        style_legend(self.legend, style)
        self.h_line.setPen(pg.mkPen(ORANGE, width=2))
        self.h_line.setHoverPen(pg.mkPen(ORANGE, width=3))
        for name, dot in self.best.items():
            dot.set_colors(colors[name], style.foreground)
        self._drawn_key = None  # the best dots take the colours at the next draw
        if is_seen(self):
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        watch_dock(self, self._on_seen)  # a tab chosen: no show event, the dock moves
        if is_seen(self):
            self._on_seen()
        else:  # shown out of the window (a tab behind another), or not yet laid out
            QTimer.singleShot(0, self._on_maybe_seen)

    def _on_maybe_seen(self) -> None:
        if is_seen(self):
            self._on_seen()

    def _on_seen(self) -> None:
        if self._dirty:
            self.refresh()

    # -- drawing ---------------------------------------------------------------------------

    def analysis(self) -> Analysis | None:
        """What the dock shows now (cached per f, parameters and x₀)."""
        s = self.session
        fn, point = s.function, s.point
        if fn is None or point is None:
            return None
        params = s.param_values()
        key = (id(fn), tuple(params.items()), point.x, id(point))
        if key != self._key:
            self._analysis = analyse(fn, params, point)
            self._key = key
        return self._analysis

    def refresh(self) -> None:
        """Recompute (if f, its parameters or x₀ changed) and redraw everything."""
        self._dirty = False
        a = self.analysis()
        h = self.state.get("h")
        text = readout_text(a, h)
        # always READOUT_LINES lines: the frame keeps its height, the plot its place
        self.readout_frame.set_text(text + "\n" * (READOUT_LINES - 1 - text.count("\n")))
        self.note_frame.set_text(regime_text(a, h))
        self.plot_item  # noqa: B018  (made now if the dock was never shown)
        if self._drawn_key != self._key or self._key is None:
            self._draw_curves(a)
            self._drawn_key = self._key
        self._place_h_line(h)

    def _place_h_line(self, h: float) -> None:
        self._placing_line = True
        try:
            x = math.log10(h)
            if self.h_line.value() != x:
                self.h_line.setValue(x)
        finally:
            self._placing_line = False

    def _draw_curves(self, a: Analysis | None) -> None:
        item = self.plot_item
        used: set[str] = set()
        if a is None or a.curves is None:
            for curve in self.curves.values():
                curve.setData([], [])
            self._hide_best()
        elif a.curves.errors is None:
            self._set_mode("quotients")
            used = self._draw_quotients(a, np.log10(a.curves.h))
        else:
            self._set_mode("errors")
            used = self._draw_errors(a, item)
        for key, line in self.lines.items():
            if key not in used and line.xData is not None and len(line.xData):
                line.setData([], [])
        for key, label in self.line_labels.items():
            if key not in used and label.isVisible():
                label.hide()

    def _hide_best(self) -> None:
        for dot in self.best.values():
            if dot.isVisible():
                dot.hide()

    def _set_mode(self, mode: str) -> None:
        """The left axis: powers of ten for errors, plain numbers for the quotients (only
        on a change: a new label re-lays out the axis)."""
        if mode != self._mode:
            left = self.plot_item.getAxis("left")
            left.set_powers(mode == "errors")
            self.plot_item.setLabel("left", "|error|" if mode == "errors" else "quotient")
            self._mode = mode
            self._y_range = None

    def _draw_errors(self, a: Analysis, item: pg.PlotItem) -> set[str]:
        c = a.curves
        assert c is not None and c.errors is not None
        logh = np.log10(c.h)
        lo, hi = math.inf, -math.inf
        for name, curve in self.curves.items():
            err = c.errors[name]
            with np.errstate(all="ignore"):
                y = np.where(err > 0, np.log10(err), np.nan)
            set_data(curve, logh, y)
            finite = y[np.isfinite(y)]
            if finite.size:
                lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
        if not math.isfinite(lo):
            lo, hi = FLOOR, 0.0
        lo, hi = max(lo - 0.7, FLOOR), hi + 0.7
        if hi - lo < 4:
            lo -= (4 - (hi - lo)) / 2
            hi = lo + 4
        self._set_y_range(item, lo, hi)
        lo, hi = self._y_range
        for name, dot in self.best.items():
            b = a.best.get(name)
            if b is None:
                dot.hide()
                continue
            dot.setPos(math.log10(b[0]), math.log10(b[1]))
            if not dot.isVisible():
                dot.show()
        used: set[str] = set()
        model = a.model
        if model is not None:
            for key, formula, at, text in (
                ("slope1", "forward", -1.5, "slope 1"),
                ("slope2", "central", -3.0, "slope 2"),
                ("roundoff", "", -12.0, "round-off"),
            ):
                hs = np.array([1.0, 10.0**at, 1e-16])
                line = model.roundoff(hs) if key == "roundoff" else model.truncation(formula, hs)
                if line is not None:
                    self._reference(key, at, line, text, lo, hi)
                    used.add(key)
        return used

    def _set_y_range(self, item: pg.PlotItem, lo: float, hi: float, step: float = 2.0) -> None:
        """Show at least [lo, hi]: in whole steps of decades, kept while the data stay
        inside (:func:`steady_range`); exactly (``step`` 0) for the quotients."""
        current = self._y_range
        if step > 0:
            lo, hi = steady_range(current, lo, hi, step)
        if (lo, hi) != current:
            item.setYRange(lo, hi, padding=0)
            self._y_range = (lo, hi)

    def _reference(
        self, key: str, at: float, values: np.ndarray, text: str, lo: float, hi: float
    ) -> None:
        """A reference line — straight in log-log: through h = 1, 10^at and 1e-16, the
        values it has there — labelled at 10^at."""
        logh = np.array([0.0, at, -16.0])
        with np.errstate(all="ignore"):
            y = np.log10(values)
        set_data(self.lines[key], logh, y)
        label = self.line_labels[key]
        if lo < y[1] < hi - 0.3:
            if label.toPlainText() != text:
                label.setText(text)
            pos = label.pos()
            if abs(pos.x() - at) + abs(pos.y() - y[1]) > 0.05:  # a setPos costs
                label.setPos(at, y[1])
            show_text(label)
        elif label.isVisible():
            label.hide()

    def _draw_quotients(self, a: Analysis, logh: np.ndarray) -> set[str]:
        """Where f′(x₀) does not exist: the quotients themselves, and the one-sided
        derivatives they tend to."""
        item = self.plot_item
        c = a.curves
        assert c is not None
        values = []
        for name, curve in self.curves.items():
            q = c.quotients[name]
            set_data(curve, logh, q)
            values.append(q[(c.h >= 1e-6) & np.isfinite(q)])
        p = a.point
        used = set()
        for key, limit in (("left", p.left_df), ("right", p.right_df)):
            if limit is not None:
                self.lines[key].setData([0.2, -16.2], [limit, limit])
                values.append(np.array([limit]))
                used.add(key)
        self._hide_best()
        pool = np.concatenate(values) if values else np.array([])
        if pool.size == 0:
            lo, hi = -1.0, 1.0
        else:
            lo, hi = float(pool.min()), float(pool.max())
        pad = max((hi - lo) * 0.15, 0.25 * max(1.0, abs(lo), abs(hi)) if hi == lo else 0.0, 1e-9)
        self._set_y_range(item, lo - pad, hi + pad, step=0.0)
        return used
