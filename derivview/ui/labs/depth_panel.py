"""The deep-chain dock: vanishing and exploding gradients, layer by layer (seed §9.3).

The chain of contracts.md §5 ``depth`` — a₀ = x, zₖ = W·aₖ₋₁ + B, aₖ = act(zₖ) — with its
activation, depth N (1 … 200), W, B and input x (or x₀: dragging the tangent point moves
it), plotted as |∂aₖ/∂x| against the layer k on a log axis, beside the per-layer local
derivative |W·act′(zₖ)| whose product it is. Sigmoid's ≤ 1/4 per layer vanishes, W > 1
explodes, relu passes W or kills with 0; clipping at a chosen norm caps an exploding
gradient and cannot bring back a vanished one. Words say what is happening.

Plotted from log₁₀|∂aₖ/∂x| (:attr:`~derivview.model.labs.depth.Layer.log10_grad`), so a
gradient that underflows to 0 or overflows float64 still has its place on the plot.
Nothing is computed while the dock is hidden; it catches up when shown.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QShowEvent, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model.labs.depth_part import (
    ACTIVATIONS,
    BIAS,
    CLIP_NORM,
    INPUT,
    MAX_DEPTH,
    WEIGHT,
)
from derivview.model.state.fields import Field, Invalid, Number
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
from derivview.ui.plot_style import ORANGE, VERMILLION, plot_style
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.depth import Chain
    from derivview.model.session import Session

#: Layers drawn with a dot each up to this depth; a line beyond.
DOTS_UP_TO = 60


class NumberSpinBox(QDoubleSpinBox):
    """A number in significant digits (0.5, −1.5, 1e-7, 2.5e+06), checked by a field's
    bounds; the arrows step by ``step``; any number within the bounds may be typed."""

    def __init__(self, field: Field, step: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        kind = field.kind
        assert isinstance(kind, Number)
        self._field = field
        self._min_hint: QSize | None = None
        self.setDecimals(300)  # QDoubleSpinBox rounds the value to `decimals`: keep it all
        lo = kind.lo if not kind.lo_open else min(abs(kind.hi), 1e-12)
        self.setRange(lo, kind.hi)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)

    def textFromValue(self, value: float) -> str:
        return f"{value + 0.0:.7g}"

    def minimumSizeHint(self) -> QSize:
        # The widest text of the range (−1000000) would set the dock's narrowest width;
        # a few digits are enough at a pinch, the layout gives more when it can.
        if self._min_hint is None:
            hint = super().minimumSizeHint()
            self._min_hint = QSize(min(hint.width(), 64), hint.height())
        return self._min_hint

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> Any:
        t = text.strip().replace("−", "-")
        if t in ("", "-", "+", ".", "-.") or t.lower().endswith(("e", "e-", "e+")):
            return (QValidator.State.Intermediate, text, pos)
        try:
            self._field.check(float(t))
        except (ValueError, Invalid):
            try:
                float(t)
            except ValueError:
                return (QValidator.State.Invalid, text, pos)
            return (QValidator.State.Intermediate, text, pos)
        return (QValidator.State.Acceptable, text, pos)


#: The legend's corners, in order of preference on a tie: (itemPos = parentPos, offset).
LEGEND_CORNERS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "bottom left": ((0, 1), (6, -6)),
    "top left": ((0, 0), (6, 6)),
    "bottom right": ((1, 1), (-6, -6)),
    "top right": ((1, 0), (-6, 6)),
}


class DepthPanel(QWidget):
    """The chain's controls, |∂aₖ/∂x| against k, and what is happening in words."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("depthPanel")
        self.session = session
        self.settings = session.state("depth")
        self._chain: Chain | None = None
        self._key: tuple[Any, ...] | None = None
        self._drawn_key: tuple[Any, ...] | None = None
        self._dirty = True
        self._dark = False

        # -- controls -----------------------------------------------------------------
        self.activation = QComboBox()
        self.activation.setObjectName("depthActivation")
        self.activation.addItems(list(ACTIVATIONS))
        self.activation.setAccessibleName("activation")
        self.activation.setToolTip(
            "act in aₖ = act(W·aₖ₋₁ + B): sigmoid (σ′ ≤ 1/4), tanh (≤ 1), relu (1 or 0), linear (1)"
        )
        self.depth = QSpinBox()
        self.depth.setObjectName("depthSpin")
        self.depth.setRange(1, MAX_DEPTH)
        self.depth.setKeyboardTracking(False)
        self.depth.setAccelerated(True)
        self.depth.setToolTip(f"the number of layers N, 1 … {MAX_DEPTH}")
        self.weight = NumberSpinBox(WEIGHT, 0.1)
        self.weight.setObjectName("depthWeight")
        self.weight.setToolTip("the weight W of every layer")
        self.bias = NumberSpinBox(BIAS, 0.1)
        self.bias.setObjectName("depthBias")
        self.bias.setToolTip("the bias B of every layer")
        self.input = NumberSpinBox(INPUT, 0.1)
        self.input.setObjectName("depthInput")
        self.input.setToolTip("the input x = a₀")
        self.follow = QCheckBox("= x₀")
        self.follow.setObjectName("depthFollowX0")
        self.follow.setToolTip("the input is the tangent point x₀: drag it on the plot")
        self.clip = QCheckBox("clip")
        self.clip.setObjectName("depthClip")
        self.clip.setToolTip(
            "gradient clipping by norm: g·min(1, c/|g|) — caps an exploding gradient at c"
        )
        self.clip_norm = NumberSpinBox(CLIP_NORM, 1.0)
        self.clip_norm.setObjectName("depthClipNorm")
        self.clip_norm.setToolTip("the clipping norm c")

        self.view = LabPlotView("depthPlot", "|∂aₖ/∂x|", "layer k", self._build_plot)
        self.view.setToolTip(
            "|∂aₖ/∂x| (the product of the local derivatives so far) against the layer k,\n"
            "on a log scale, and each layer's local derivative |W·act′(zₖ)|. The dashed\n"
            "line is 1: below it the gradient shrinks, above it it grows."
        )
        self.summary = QLabel()
        self.summary.setObjectName("depthSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_frame = FittedFrame(self.summary)  # a new text per x₀: no re-layout

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        # Three rows: the dock is often a short tab of the side column, and the plot
        # needs the room. Check boxes at their natural size, left-aligned: a stretched
        # QCheckBox ignores clicks beyond its text, which reads as a dead control.
        left = Qt.AlignmentFlag.AlignLeft
        # the activation's names say what the box is (and its tooltip): no label, which
        # would widen the first column of every row
        grid.addWidget(self.activation, 0, 0, 1, 2)
        grid.addWidget(QLabel("N"), 0, 2)
        grid.addWidget(self.depth, 0, 3, 1, 2)
        grid.addWidget(QLabel("W"), 1, 0)
        grid.addWidget(self.weight, 1, 1)
        grid.addWidget(QLabel("B"), 1, 2)
        grid.addWidget(self.bias, 1, 3, 1, 2)
        x_row = QHBoxLayout()
        x_row.setContentsMargins(0, 0, 0, 0)
        x_row.addWidget(self.input, 1)
        x_row.addWidget(self.follow, 0, left)
        grid.addWidget(QLabel("x"), 2, 0)
        grid.addLayout(x_row, 2, 1)
        grid.addWidget(self.clip, 2, 2, 1, 2, left)
        grid.addWidget(self.clip_norm, 2, 4)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(4, 2)
        column = scrolled_column(self, "depthBody")
        column.addLayout(grid)
        column.addWidget(self.view, 1)
        column.addWidget(self.summary_frame)
        fit_width(self)

        # -- subscriptions ----------------------------------------------------------------
        self.activation.currentTextChanged.connect(lambda name: self._write(activation=name))
        self.depth.valueChanged.connect(lambda n: self._write(depth=n))
        self.weight.valueChanged.connect(lambda v: self._write(weight=v))
        self.bias.valueChanged.connect(lambda v: self._write(bias=v))
        self.input.valueChanged.connect(self._on_input_changed)
        self.follow.toggled.connect(lambda on: self._write(follow_x0=on))
        self.clip.toggled.connect(lambda on: self._write(clip=on))
        self.clip_norm.valueChanged.connect(lambda v: self._write(clip_norm=v))
        connect_while_alive(
            self,
            [
                (self.settings.changed, self._on_settings_changed),
                (session.x0_changed, self._on_x0_changed),
            ],
        )
        follow_theme(self, self._on_theme)
        self._on_settings_changed()

    # -- the plot (made on first show) -----------------------------------------------------

    def _build_plot(self, item: pg.PlotItem) -> None:
        item.getAxis("bottom").set_powers(False)
        self.one = pg.PlotCurveItem()  # |∂a/∂x| = 1
        self.cap = pg.PlotCurveItem()  # the clipping norm
        self.grad = pg.PlotDataItem(connect="finite")
        self.local = pg.PlotDataItem(pen=None, symbol="s", symbolSize=4, connect="finite")
        self.clipped = pg.PlotDataItem(connect="finite")
        self.stop = pg.InfiniteLine(angle=90, movable=False)  # where the gradient dies
        self.stop_label = pg.TextItem(anchor=(0.0, 0.0))
        for z, it in enumerate((self.one, self.cap, self.local, self.clipped, self.grad)):
            it.setZValue(z)
            item.addItem(it)
        item.addItem(self.stop, ignoreBounds=True)
        item.addItem(self.stop_label, ignoreBounds=True)
        self.stop.hide()
        self.stop_label.hide()
        self.legend = pg.LegendItem(offset=(6, -6), labelTextSize="8pt")
        self.legend.setParentItem(item.getViewBox())
        self.legend.addItem(self.grad, "|∂aₖ/∂x|")
        self.legend.addItem(self.local, "|W·act′(zₖ)|")
        self.legend.setCacheMode(self.legend.CacheMode.DeviceCoordinateCache)
        self._legend_at: str | None = None
        self._legend_args: tuple[Any, ...] | None = None
        item.getViewBox().sigResized.connect(self._on_view_resized)
        self._ranges: tuple[int, float, float] | None = None
        self._clip_in_legend = False
        self._drawn_key = None
        self._style_plot()

    @property
    def plot_item(self) -> pg.PlotItem:
        """The plot (made now if it was not yet)."""
        return self.view.build()

    # -- widgets -> session ------------------------------------------------------------------

    def _write(self, **values: Any) -> None:
        try:
            self.settings.set(**values)
        except Invalid:
            self._on_settings_changed()  # refused: show the value the session keeps

    def _on_input_changed(self, value: float) -> None:
        if not self.settings.get("follow_x0"):
            self._write(x=value)

    # -- session -> widgets (signals blocked: no echo) -------------------------------------

    def _on_settings_changed(self) -> None:
        s = self.settings
        widgets = (
            self.activation, self.depth, self.weight, self.bias, self.input, self.follow,
            self.clip, self.clip_norm,
        )  # fmt: skip
        for w in widgets:
            w.blockSignals(True)
        try:
            self.activation.setCurrentText(s.get("activation"))
            self.depth.setValue(s.get("depth"))
            for spin, name in ((self.weight, "weight"), (self.bias, "bias")):
                if spin.value() != s.get(name):
                    spin.setValue(s.get(name))
            self.follow.setChecked(s.get("follow_x0"))
            self.input.setEnabled(not s.get("follow_x0"))
            self.clip.setChecked(s.get("clip"))
            self.clip_norm.setEnabled(s.get("clip"))
            if self.clip_norm.value() != s.get("clip_norm"):
                self.clip_norm.setValue(s.get("clip_norm"))
            x = self.input_x()
            if self.input.value() != x:
                self.input.setValue(x)
        finally:
            for w in widgets:
                w.blockSignals(False)
        self._changed()

    def _on_x0_changed(self) -> None:
        if self.settings.get("follow_x0"):
            self._changed()  # the x box shows x₀ at the next refresh (none while unseen)

    def _show_input(self) -> None:
        x = self.input_x()
        if self.input.value() != x:
            self.input.blockSignals(True)
            self.input.setValue(x)
            self.input.blockSignals(False)

    def _changed(self) -> None:
        self._dirty = True
        if is_seen(self):
            self.refresh()

    def _on_theme(self, dark: bool) -> None:
        self._dark = dark
        self._style_plot()

    def _style_plot(self) -> None:
        if self.view.plot_item is None:
            return
        style = plot_style(self._dark)
        style_plot(self.view, style)
        blue = accent_blue(self._dark)
        ref = muted(style)
        self.grad.setPen(pg.mkPen(blue, width=2))
        self.grad.setSymbolPen(pg.mkPen(blue))
        self.grad.setSymbolBrush(pg.mkBrush(blue))
        self.local.setSymbolPen(pg.mkPen(VERMILLION))
        self.local.setSymbolBrush(pg.mkBrush(VERMILLION))
        # the legend draws a sample from the scatter's own colours, which an empty
        # series (a dead chain) never passed on
        for item, color in ((self.grad, blue), (self.local, VERMILLION)):
            item.scatter.setPen(pg.mkPen(color))
            item.scatter.setBrush(pg.mkBrush(color))
        self.clipped.setPen(pg.mkPen(ORANGE, width=2, style=Qt.PenStyle.DashLine))
        self.one.setPen(pg.mkPen(ref, width=1, style=Qt.PenStyle.DashLine))
        self.cap.setPen(pg.mkPen(ORANGE, width=1, style=Qt.PenStyle.DotLine))
        self.stop.setPen(pg.mkPen(ref, width=1, style=Qt.PenStyle.DashDotLine))
        self.stop_label.setColor(style.foreground)
        style_legend(self.legend, style)
        self._drawn_key = None
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

    # -- the chain -------------------------------------------------------------------------

    def input_x(self) -> float:
        """The chain's input: x₀ when it follows the tangent point, else its own x."""
        if self.settings.get("follow_x0"):
            return self.session.x0
        return float(self.settings.get("x"))

    def chain(self) -> Chain:
        """The chain shown (computed once per activation, N, W, B and x)."""
        from derivview.model.labs.depth import chain

        s = self.settings
        key = (s.get("activation"), s.get("depth"), s.get("weight"), s.get("bias"))
        key += (self.input_x(),)
        if key != self._key or self._chain is None:
            self._chain = chain(key[0], key[1], key[4], weight=key[2], bias=key[3])
            self._key = key
        return self._chain

    def summary_text(self) -> str:
        """What is happening, in words (and what clipping does, when it is on)."""
        c = self.chain()
        text = c.summary()
        if self.settings.get("clip"):
            text += " " + c.clip_summary(self.settings.get("clip_norm"))
        return text

    def refresh(self) -> None:
        """Recompute the chain (if an input changed) and redraw."""
        self._dirty = False
        self._show_input()
        c = self.chain()
        self.summary_frame.set_text(self.summary_text())
        self.plot_item  # noqa: B018  (made now if the dock was never shown)
        key = (self._key, self.settings.get("clip"), self.settings.get("clip_norm"))
        if key != self._drawn_key:
            self._draw(c)
            self._drawn_key = key

    def _draw(self, c: Chain) -> None:
        from derivview.model.labs.depth import clip_log10

        item = self.plot_item
        n = len(c.layers)
        ks = [float(layer.k) for layer in c.layers]
        nan = math.nan

        def finite_log(v: float | None) -> float:
            return v if v is not None and math.isfinite(v) else nan

        grads = [finite_log(layer.log10_grad) for layer in c.layers]
        locals_ = [finite_log(layer.log10_local) for layer in c.layers]
        dots = "o" if n <= DOTS_UP_TO else None
        if self.grad.opts["symbol"] != dots:
            self.grad.setSymbol(dots)
            self.grad.setSymbolSize(5)
        set_data(self.grad, ks, grads)
        set_data(self.local, ks, locals_)
        values = [v for v in (*grads, *locals_, 0.0) if math.isfinite(v)]
        clip_on = bool(self.settings.get("clip"))
        if clip_on:
            norm = float(self.settings.get("clip_norm"))
            capped = [finite_log(clip_log10(layer.log10_grad, norm)) for layer in c.layers]
            set_data(self.clipped, ks, capped)
            self.cap.setData([0.5, n + 0.5], [math.log10(norm)] * 2)
            values.append(math.log10(norm))
        else:
            capped = []
            self.clipped.setData([], [])
            self.cap.setData([], [])
        if clip_on != self._clip_in_legend:
            if clip_on:
                self.legend.addItem(self.clipped, "clipped")
            else:
                self.legend.removeItem(self.clipped)
            self._clip_in_legend = clip_on
        # where the gradient dies (0) or stops existing (relu at z = 0)
        dead = next(
            (
                layer
                for layer in c.layers
                if layer.log10_local == -math.inf or layer.log10_grad in (None, -math.inf)
            ),
            None,
        )
        if dead is not None and c.regime in ("dead", "undefined"):
            self.stop.setValue(dead.k)
            what = "0 from here" if c.regime == "dead" else "undefined from here"
            self.stop_label.setText(what)
            self.stop.show()
            show_text(self.stop_label)
        else:
            self.stop.hide()
            self.stop_label.hide()
        lo, hi = min(values), max(values)
        pad = max((hi - lo) * 0.08, 0.5)
        # whole decades, kept while the chain stays inside: a drag of x₀ (the input)
        # rarely changes the range (a new one redraws the axes)
        current = self._ranges[1:] if self._ranges is not None and self._ranges[0] == n else None
        lo, hi = steady_range(current, lo - pad, hi + pad, 1.0)
        if (n, lo, hi) != self._ranges:
            item.setRange(xRange=(0.5, n + 0.5), yRange=(lo, hi), padding=0)
            self.one.setData([0.5, n + 0.5], [0.0, 0.0])
            self._ranges = (n, lo, hi)
        if self.stop_label.isVisible():
            self.stop_label.setPos(dead.k if dead is not None else 1, hi)
        drawn = [*grads, *locals_, *capped]
        self._place_legend(c.regime, ks, drawn, lo, hi, n)

    def _on_view_resized(self) -> None:
        if self._legend_args is not None:
            self._place_legend(*self._legend_args)

    def _place_legend(
        self, regime: str, ks: list[float], ys: list[float], lo: float, hi: float, n: int
    ) -> None:
        """Put the legend in the corner that covers the fewest plotted points.

        Both series start together at k = 1 and the per-layer locals stay level while
        |∂aₖ/∂x| walks away from them, so a left-hand corner is usually empty: the bottom
        while it vanishes, the top while it explodes. Where the curve bends (tanh at
        W = 1 falls fast, then slowly) the points are counted, in view coordinates."""
        self._legend_args = (regime, ks, ys, lo, hi, n)
        at = "top left" if regime == "exploding" else "bottom left"
        vb = self.plot_item.getViewBox()
        width, height = vb.width(), vb.height()
        box = self.legend.boundingRect()
        if width > 0 and height > 0 and box.width() > 0:
            xs = np.array(ks * (len(ys) // max(len(ks), 1)), dtype=float)
            y = np.array(ys, dtype=float)
            keep = np.isfinite(y)
            # points in pixels from the view's top left (x: 0.5 … n + 0.5, y: lo … hi)
            px = (xs[keep] - 0.5) / n * width
            py = (hi - y[keep]) / (hi - lo) * height
            w, h = box.width() + 6 + 4, box.height() + 6 + 4  # offset and a margin
            counts = {}
            for name in LEGEND_CORNERS:
                in_x = px <= w if "left" in name else px >= width - w
                in_y = py <= h if "top" in name else py >= height - h
                counts[name] = int(np.count_nonzero(in_x & in_y))
            if counts[at] > 0:
                at = min(LEGEND_CORNERS, key=lambda name: counts[name])  # first on a tie
        if at != self._legend_at:
            corner, offset = LEGEND_CORNERS[at]
            self.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
            self._legend_at = at


__all__ = ["DepthPanel", "NumberSpinBox"]
