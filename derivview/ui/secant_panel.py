"""Secant mode: the limit definition of the derivative, watched as h → 0.

A checkbox shows the secant through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h)) on the plot; a
logarithmic slider moves |h| from 2 down to 1e-6, a sign button makes h negative, and a
spin box takes an exact h. The readout puts the difference quotient
[f(x₀ + h) − f(x₀)] / h beside f′(x₀) and their difference, so a person sees the secant's
slope approach the tangent's.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSlider,
    QToolButton,
    QWidget,
)

from derivview.model import sampling
from derivview.model.formatting import format_number
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.session import Session

H_MIN = 1e-6
H_MAX = 2.0
SLIDER_STEPS = 1000
H_LIMIT = 1e6  # the session's bound on |h|


def h_to_slider(h: float) -> int:
    """Slider position for |h| (log scale, clamped to [H_MIN, H_MAX])."""
    a = min(max(abs(h), H_MIN), H_MAX)
    t = (math.log10(a) - math.log10(H_MIN)) / (math.log10(H_MAX) - math.log10(H_MIN))
    return round(t * SLIDER_STEPS)


def slider_to_h(pos: int) -> float:
    """|h| at a slider position (log scale)."""
    t = pos / SLIDER_STEPS
    return float(10 ** (math.log10(H_MIN) + t * (math.log10(H_MAX) - math.log10(H_MIN))))


def _fmt(v: float) -> str:
    return format_number(v, 10)  # a real minus sign, as every number a person reads


class HSpinBox(QDoubleSpinBox):
    """A spin box for h that shows it in significant digits (1e-06, 0.5, -0.0125).

    The arrows scale |h| by 10^(±1/10) per step, like the logarithmic slider; typing
    accepts any non-zero number within ±1e6.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(300)  # QDoubleSpinBox rounds the value to `decimals`: keep it all
        self.setRange(-H_LIMIT, H_LIMIT)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip().replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> Any:
        t = text.strip().replace("−", "-")
        if t in ("", "-", "+", ".", "-.", "+.") or t.lower().endswith(("e", "e-", "e+")):
            return (QValidator.State.Intermediate, text, pos)
        try:
            v = float(t)
        except ValueError:
            return (QValidator.State.Invalid, text, pos)
        if not math.isfinite(v) or abs(v) > H_LIMIT:
            return (QValidator.State.Invalid, text, pos)
        if v == 0:
            return (QValidator.State.Intermediate, text, pos)
        return (QValidator.State.Acceptable, text, pos)

    def stepBy(self, steps: int) -> None:
        v = self.value() or H_MIN
        a = min(max(abs(v) * 10 ** (steps / 10), 1e-12), H_LIMIT)
        self.setValue(math.copysign(a, v))


class SecantPanel(QWidget):
    """Controls and readout of the secant (the limit definition of f′)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

        self.check = QCheckBox("Secant (limit definition)")
        self.check.setObjectName("secantCheck")
        self.check.setToolTip("Show the secant through (x₀, f(x₀)) and (x₀ + h, f(x₀ + h))")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("secantHSlider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip("|h| on a logarithmic scale, from 1e-6 to 2")
        self.slider.setAccessibleName("secant step h")
        self.sign = QToolButton()
        self.sign.setObjectName("secantSign")
        self.sign.setText("−h")
        self.sign.setCheckable(True)
        self.sign.setToolTip("Take the secant to the left of x₀ (h < 0)")
        self.spin = HSpinBox()
        self.spin.setObjectName("secantHSpin")
        self.spin.setToolTip("h, exactly (any non-zero number)")
        self.spin.setAccessibleName("secant step h")
        self.readout = QLabel()
        self.readout.setObjectName("secantReadout")
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setTextFormat(Qt.TextFormat.PlainText)
        # Wrapped, so that the panel fits a narrow dock (a long quotient is not cut).
        self.readout.setWordWrap(True)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        # left-aligned at its natural size: a stretched QCheckBox ignores clicks beyond
        # its text, which reads as a dead control
        grid.addWidget(self.check, 0, 0, 1, 4, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(QLabel("h"), 1, 0)
        grid.addWidget(self.sign, 1, 1)
        grid.addWidget(self.slider, 1, 2)
        grid.addWidget(self.spin, 1, 3)
        grid.addWidget(self.readout, 2, 0, 1, 4)
        grid.setColumnStretch(2, 1)

        # -- subscriptions --------------------------------------------------------------
        self.check.toggled.connect(self._on_check_toggled)
        self.slider.valueChanged.connect(self._on_slider_moved)
        self.sign.toggled.connect(self._on_sign_toggled)
        self.spin.valueChanged.connect(self._on_spin_changed)
        connect_while_alive(
            self,
            [
                (session.visibility_changed, self._on_visibility_changed),
                (session.secant_changed, self._on_secant_changed),
                (session.point_changed, self._update_readout),
                (session.function_changed, self._update_readout),
                (session.params_changed, self._update_readout),
            ],
        )

        self._on_visibility_changed()
        self._on_secant_changed(session.secant_h)

    # -- widgets -> session -----------------------------------------------------------------

    def _on_check_toggled(self, on: bool) -> None:
        self.session.set_visible("secant", on)

    def _on_slider_moved(self, pos: int) -> None:
        sign = -1.0 if self.sign.isChecked() else 1.0
        self.session.set_secant_h(sign * slider_to_h(pos))

    def _on_sign_toggled(self, negative: bool) -> None:
        h = abs(self.session.secant_h)
        self.session.set_secant_h(-h if negative else h)

    def _on_spin_changed(self, value: float) -> None:
        if value == 0 or not math.isfinite(value):
            self._on_secant_changed(self.session.secant_h)  # h = 0 has no quotient
            return
        self.session.set_secant_h(value)

    # -- session -> widgets (signals blocked: no echo) -------------------------------------

    def _on_visibility_changed(self) -> None:
        shown = self.session.is_visible("secant")
        if self.check.isChecked() != shown:
            self.check.blockSignals(True)
            self.check.setChecked(shown)
            self.check.blockSignals(False)
        self._update_readout()

    def _on_secant_changed(self, h: float) -> None:
        for w in (self.slider, self.sign, self.spin):
            w.blockSignals(True)
        try:
            # keep the slider where it is if it already stands for this |h|
            if slider_to_h(self.slider.value()) != abs(h):
                self.slider.setValue(h_to_slider(h))
            self.sign.setChecked(h < 0)
            if self.spin.value() != h:
                self.spin.setValue(h)
        finally:
            for w in (self.slider, self.sign, self.spin):
                w.blockSignals(False)
        self._update_readout()

    def _update_readout(self, *_: object) -> None:
        # Only while the secant is shown: a label's new text re-lays out the window,
        # which would cost every drag frame for numbers nobody is looking at.
        if self.session.is_visible("secant"):
            text = self.readout_text()
        else:
            text = "Show the secant to compare [f(x₀ + h) − f(x₀)] / h with f′(x₀)."
        if text != self.readout.text():
            self.readout.setText(text)

    def readout_text(self) -> str:
        """The difference quotient, f′(x₀) and their difference, as the readout shows them."""
        s = self.session
        fn, info = s.function, s.point
        h, x0 = s.secant_h, s.x0
        head = f"h = {_fmt(h)}"
        if fn is None or info is None:
            return f"{head}\nno function yet"
        y = sampling.evaluate(lambda x: fn.f(x, s.param_values()), np.array([x0, x0 + h]))
        if not np.isfinite(y).all():
            where = "f(x₀)" if not math.isfinite(y[0]) else "f(x₀ + h)"
            return f"{head}\n[f(x₀ + h) − f(x₀)] / h is undefined: {where} is undefined"
        q = float((y[1] - y[0]) / h)
        line1 = f"{head}    [f(x₀ + h) − f(x₀)] / h = {_fmt(q)}"
        if info.df is not None and info.differentiable:
            diff = q - info.df
            return f"{line1}\nf′(x₀) = {_fmt(info.df)}    difference = {_fmt(diff)}"
        sides = []
        if info.left_df is not None:
            sides.append(f"from the left {_fmt(info.left_df)}")
        if info.right_df is not None:
            sides.append(f"from the right {_fmt(info.right_df)}")
        detail = f" (slopes {', '.join(sides)})" if sides else ""
        return f"{line1}\nf′(x₀) does not exist{detail}"
