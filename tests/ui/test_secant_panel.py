"""Secant mode: the checkbox, the h controls and the readout, against closed forms."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLabel, QSlider

from derivview.model.session import Session
from derivview.ui.plot_panel import PlotPanel
from derivview.ui.secant_panel import (
    H_MAX,
    H_MIN,
    SLIDER_STEPS,
    SecantPanel,
    h_to_slider,
    slider_to_h,
)


@cache
def compiled(text: str) -> Any:
    from derivview.model.calculus import analyze

    return analyze(text)


def make(qtbot: Any, text: str = "x^3 - 3x", x0: float = 1.5, secant: bool = True) -> SecantPanel:
    session = Session()
    panel = SecantPanel(session)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    session.set_text(text)
    session.apply_function(text, compiled(text))
    session.set_x0(x0)
    if secant:
        click_check(qtbot, panel.check)  # show the secant
    return panel


def click_check(qtbot: Any, check: QCheckBox) -> None:
    """Click the box itself (a wide QCheckBox only reacts on its box and its text)."""
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(8, check.height() // 2))


def numbers(text: str) -> list[float]:
    """The numbers in a readout, which writes a real minus sign (U+2212)."""
    text = text.replace("−", "-")
    return [float(m) for m in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def quotient(x0: float, h: float) -> float:
    """[f(x₀+h) − f(x₀)]/h for f = x³ − 3x, in closed form: 3x₀² + 3x₀h + h² − 3."""
    return 3 * x0**2 + 3 * x0 * h + h**2 - 3


def test_object_names(qtbot) -> None:
    panel = make(qtbot)
    assert isinstance(panel.findChild(QCheckBox, "secantCheck"), QCheckBox)
    assert isinstance(panel.findChild(QSlider, "secantHSlider"), QSlider)
    assert isinstance(panel.findChild(QDoubleSpinBox, "secantHSpin"), QDoubleSpinBox)
    assert isinstance(panel.findChild(QLabel, "secantReadout"), QLabel)


def test_checkbox_is_bound_to_the_secant_item(qtbot) -> None:
    panel = make(qtbot, secant=False)
    s = panel.session
    assert not panel.check.isChecked() and not s.is_visible("secant")
    assert "Show the secant" in panel.readout.text()
    click_check(qtbot, panel.check)
    assert s.is_visible("secant")
    assert "f′(x₀) = 3.75" in panel.readout.text()
    s.set_visible("secant", False)
    assert not panel.check.isChecked()


def test_readout_shows_the_difference_quotient_beside_f_prime(qtbot) -> None:
    panel = make(qtbot)
    text = panel.readout.text()
    assert "f′(x₀) = 3.75" in text
    q = quotient(1.5, 0.5)  # 6.25
    assert f"= {q:.10g}" in text
    assert numbers(text.split("difference =")[1])[0] == pytest.approx(q - 3.75, rel=1e-6)


def test_slider_is_logarithmic_from_1e_6_to_2(qtbot) -> None:
    panel = make(qtbot)
    s = panel.session
    panel.slider.setValue(0)
    assert s.secant_h == pytest.approx(H_MIN)
    panel.slider.setValue(SLIDER_STEPS)
    assert s.secant_h == pytest.approx(H_MAX)
    panel.slider.setValue(SLIDER_STEPS // 2)
    assert s.secant_h == pytest.approx(math.sqrt(H_MIN * H_MAX))
    assert slider_to_h(h_to_slider(0.01)) == pytest.approx(0.01, rel=0.01)


def test_h_to_zero_makes_the_quotient_approach_f_prime(qtbot) -> None:
    panel = make(qtbot)
    s = panel.session
    diffs = []
    for pos in (SLIDER_STEPS, 700, 400, 100, 0):
        panel.slider.setValue(pos)
        h = s.secant_h
        text = panel.readout.text()
        shown_q = numbers(text.split("/ h =")[1])[0]
        assert shown_q == pytest.approx(quotient(1.5, h), rel=1e-8)
        diffs.append(abs(numbers(text.split("difference =")[1])[0]))
    assert diffs == sorted(diffs, reverse=True)
    assert diffs[-1] < 1e-5  # at h = 1e-6: 3·1.5·h + h² ≈ 4.5e-6


def test_sign_button_and_exact_spin(qtbot) -> None:
    panel = make(qtbot)
    s = panel.session
    qtbot.mouseClick(panel.sign, Qt.MouseButton.LeftButton)
    assert s.secant_h == -0.5
    assert panel.spin.value() == -0.5
    text = panel.readout.text()
    assert numbers(text.split("/ h =")[1])[0] == pytest.approx(quotient(1.5, -0.5))
    # q = 1.75 against f′ = 3.75: the difference −2 written as people write it
    assert "difference = −2" in text and "-" not in text.split("difference =")[1]
    panel.spin.setValue(0.125)
    assert s.secant_h == 0.125 and not panel.sign.isChecked()
    assert panel.slider.value() == h_to_slider(0.125)
    # typing an exact h
    panel.spin.lineEdit().selectAll()
    qtbot.keyClicks(panel.spin.lineEdit(), "1e-4")
    qtbot.keyClick(panel.spin.lineEdit(), Qt.Key.Key_Return)
    assert s.secant_h == 1e-4
    assert panel.spin.text() == "0.0001"


def test_spin_refuses_zero(qtbot) -> None:
    panel = make(qtbot)
    panel.spin.setValue(0.0)
    assert panel.session.secant_h == 0.5
    assert panel.spin.value() == 0.5


def test_session_h_updates_the_controls(qtbot) -> None:
    panel = make(qtbot)
    panel.session.set_secant_h(-0.01)
    assert panel.sign.isChecked()
    assert panel.spin.value() == -0.01
    assert panel.slider.value() == h_to_slider(0.01)


def test_readout_where_there_is_no_derivative(qtbot) -> None:
    panel = make(qtbot, "relu(x)", 0.0)
    text = panel.readout.text()
    assert "does not exist" in text
    assert "from the left 0" in text and "from the right 1" in text
    # the quotient from the right is 1 for h > 0
    assert numbers(text.split("/ h =")[1])[0] == pytest.approx(1.0)


def test_readout_where_f_is_undefined(qtbot) -> None:
    panel = make(qtbot, "sqrt(x)", 0.25)
    panel.session.set_secant_h(-1.0)
    assert "undefined" in panel.readout.text()


def test_plot_panel_draws_the_secant_of_the_panel(qtbot) -> None:
    session = Session()
    plot = PlotPanel(session)
    sec = SecantPanel(session)
    qtbot.addWidget(plot)
    qtbot.addWidget(sec)
    plot.resize(600, 400)
    plot.show()
    sec.show()
    qtbot.waitExposed(plot)
    session.apply_function(session.text, compiled(session.text))
    click_check(qtbot, sec.check)
    sec.spin.setValue(0.25)
    x, y = plot.layer("secant").secant.getData()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(quotient(1.5, 0.25))
