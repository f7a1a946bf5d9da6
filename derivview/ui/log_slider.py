"""A slider over a positive range on a logarithmic scale: η from 1e−4 to 10 in one sweep.

The f(x) descent, the f(x, y) descent and the regression lab each pair one with an exact
spin box: the slider says where η is on the scale, the spin box what it is exactly.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QSlider, QWidget

from derivview.model.formatting import format_number


class LogSlider(QSlider):
    """A horizontal slider of ``STEPS`` positions, evenly spaced in log10 of its range."""

    #: The value a person moved it to, rounded to 3 significant digits (0.101, not
    #: 0.1011579…). Not emitted by :meth:`show_value`.
    moved_to = Signal(float)

    STEPS = 1000

    def __init__(
        self,
        name: str,
        value_range: tuple[float, float],
        what: str = "learning rate η",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        lo, hi = value_range
        if not 0 < lo < hi:
            raise ValueError(f"a log scale needs 0 < lo < hi, got {value_range}")
        self._log_lo, self._log_hi = math.log10(lo), math.log10(hi)
        self.setObjectName(name)
        self.setRange(0, self.STEPS)
        self.setToolTip(
            f"{what} on a logarithmic scale, {format_number(lo)} … {format_number(hi)}"
        )
        self.valueChanged.connect(lambda pos: self.moved_to.emit(self.value_at(pos)))

    def value_at(self, pos: int) -> float:
        """The value at slider position ``pos``, to 3 significant digits."""
        t = pos / self.STEPS
        return float(f"{10 ** (self._log_lo + (self._log_hi - self._log_lo) * t):.3g}")

    def show_value(self, value: float) -> None:
        """Move to the position nearest ``value`` (clamped to the range) without
        announcing it; never while a person holds the handle."""
        if self.isSliderDown() or not value > 0:
            return
        t = (math.log10(value) - self._log_lo) / (self._log_hi - self._log_lo)
        pos = round(min(max(t, 0.0), 1.0) * self.STEPS)
        if pos != self.value():
            with QSignalBlocker(self):
                self.setValue(pos)
