"""The η sliders of the three descents (f(x), f(x, y), the regression lab): one log scale,
driven as a person does (keys on the slider, a number typed in the spin box beside it)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QSlider

# (workspace action or None, slider, spin box, the slider's range as the issue states it)
PANELS = [
    (None, "gdLearningRateSlider", "gdLearningRate", (1e-4, 10.0)),
    ("actionWorkspaceFxy", "xyLearningRateSlider", "xyLearningRate", (1e-4, 10.0)),
    ("actionWorkspaceRegression", "regressLearningRateSlider", "regressLearningRate", (1e-5, 10.0)),
]


def _open(make_window: Any, action: str | None) -> Any:
    win = make_window("--expr", "x^2")
    if action:
        win.findChild(QAction, action).trigger()
    QApplication.processEvents()
    return win


@pytest.mark.parametrize(("action", "slider_name", "spin_name", "bounds"), PANELS)
def test_the_eta_slider_sweeps_its_range_on_a_log_scale(
    make_window, qtbot, action, slider_name, spin_name, bounds
):
    win = _open(make_window, action)
    slider = win.findChild(QSlider, slider_name)
    spin = win.findChild(QDoubleSpinBox, spin_name)
    lo, hi = bounds
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert spin.value() == hi
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert spin.value() == pytest.approx(lo)
    # The middle of the slider is the geometric mean of its ends, to 3 digits.
    slider.setValue(slider.maximum() // 2)
    assert spin.value() == pytest.approx(float(f"{math.sqrt(lo * hi):.3g}"))
    # A number typed beside it moves the slider to its place on the scale.
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.1")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    QApplication.processEvents()
    t = (math.log10(0.1) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    assert slider.value() == round(t * slider.maximum())
    assert spin.value() == pytest.approx(0.1)
    assert "logarithmic" in slider.toolTip()
