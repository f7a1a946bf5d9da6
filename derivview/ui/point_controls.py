"""The tangent point x₀: a fine slider over the visible x range and an exact spin box.

Both write ``session.set_x0``; both follow ``session.x0_changed`` with their signals
blocked, so that a value written from the model never echoes back into it.

Keys: Left/Right (and Page Up/Down) on the slider; anywhere in the window, Alt+Left and
Alt+Right move x₀ by 1/200 of the visible range, with Shift by 1/2000 (see
:class:`PointControls.nudge`).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale, QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QWidget,
)

from derivview.model.formatting import MINUS
from derivview.model.session import Session

SLIDER_STEPS = 10_000
SPIN_LIMIT = 1e9
SPIN_DECIMALS = 10
NUDGE_COARSE = 1 / 200
NUDGE_FINE = 1 / 2000


class PreciseSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows as many digits as the value needs (no trailing zeros).

    It keeps ``SPIN_DECIMALS`` decimals internally and always uses the C locale, so that
    ``1.5`` reads the same everywhere and copy-pasted numbers parse.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setLocale(QLocale.c())
        self.setDecimals(SPIN_DECIMALS)
        self.setRange(-SPIN_LIMIT, SPIN_LIMIT)
        self.setKeyboardTracking(True)
        self.setAccelerated(True)
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{SPIN_DECIMALS}f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text.replace("-", MINUS)

    def valueFromText(self, text: str) -> float:
        return super().valueFromText(text.replace(MINUS, "-"))

    def validate(self, text: str, pos: int) -> object:
        # A real minus sign (shown, or pasted) reads as "-"; the text keeps what was typed.
        state = super().validate(text.replace(MINUS, "-"), pos)
        return (state[0], text, pos) if isinstance(state, tuple) else state


def slider_to_value(position: int, lo: float, hi: float) -> float:
    """The x a slider position stands for."""
    return lo + (hi - lo) * position / SLIDER_STEPS


def value_to_slider(value: float, lo: float, hi: float) -> int:
    """The slider position nearest to ``value`` (clamped to the ends)."""
    if not math.isfinite(value) or hi <= lo:
        return 0
    t = (value - lo) / (hi - lo)
    return round(min(max(t, 0.0), 1.0) * SLIDER_STEPS)


class PointControls(QWidget):
    """``x0Slider`` and ``x0Spin``, bound to ``session.x0`` and ``session.x_range``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session

        self.label = QLabel("x₀", self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("x0Slider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setSingleStep(SLIDER_STEPS // 1000)
        self.slider.setPageStep(SLIDER_STEPS // 20)
        self.slider.setToolTip(
            "The tangent point x₀ across the visible x range.\n"
            "Left/Right: small steps, Page Up/Down: big steps.\n"
            "Anywhere: Alt+Left/Alt+Right (add Shift for finer steps)."
        )
        self.slider.setAccessibleName("tangent point x₀")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.spin = PreciseSpinBox(self)
        self.spin.setObjectName("x0Spin")
        self.spin.setToolTip("The tangent point x₀, exactly (type a number, or use the arrows)")
        self.spin.setAccessibleName("tangent point x₀, exact")
        self.spin.setMinimumWidth(110)
        self.label.setBuddy(self.spin)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)

        # -- wiring
        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)
        session.x0_changed.connect(self._on_x0_changed)
        session.view_changed.connect(self._on_view_changed)

        self._sync()

    # -- public -------------------------------------------------------------------------

    def nudge(self, direction: int, fine: bool = False) -> None:
        """Move x₀ by a small fraction of the visible range (direction ±1)."""
        lo, hi = self.session.x_range
        step = (hi - lo) * (NUDGE_FINE if fine else NUDGE_COARSE)
        x0 = self.session.x0 + direction * step
        self.session.set_x0(min(max(x0, -SPIN_LIMIT), SPIN_LIMIT))

    # -- widget -> session ----------------------------------------------------------------

    def _on_slider(self, position: int) -> None:
        lo, hi = self.session.x_range
        self.session.set_x0(slider_to_value(position, lo, hi))

    def _on_spin(self, value: float) -> None:
        if math.isfinite(value):
            self.session.set_x0(value)

    # -- session -> widget ----------------------------------------------------------------

    def _on_x0_changed(self, _x0: float) -> None:
        self._sync()

    def _on_view_changed(self) -> None:
        self._sync()

    def _sync(self) -> None:
        x0 = self.session.x0
        lo, hi = self.session.x_range
        with QSignalBlocker(self.slider):
            self.slider.setValue(value_to_slider(x0, lo, hi))
        # The spin box holds SPIN_DECIMALS decimals: do not rewrite it (and move the
        # cursor under the person's fingers) when it already shows this value.
        if abs(self.spin.value() - x0) > 0.5 * 10.0**-SPIN_DECIMALS:
            with QSignalBlocker(self.spin):
                self.spin.setValue(min(max(x0, -SPIN_LIMIT), SPIN_LIMIT))
