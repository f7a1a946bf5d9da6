"""Parameter rows: one per letter of f, live without re-differentiating."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QSlider, QWidget


def test_rows_appear_and_disappear_with_the_parameters(make_window, ui):
    win = make_window("--expr", "a sin(b x)")
    assert list(win.param_panel.rows) == ["a", "b"]
    assert win.param_panel.isVisible()
    for name in ("a", "b"):
        assert win.findChild(QSlider, f"param_{name}_slider") is not None
        assert win.findChild(QDoubleSpinBox, f"param_{name}_spin").value() == 1.0
    ui.type(win, "k x^2")
    ui.wait_ready(win)
    assert list(win.param_panel.rows) == ["k"]
    ui.type(win, "x^2")
    ui.wait_ready(win)
    assert win.param_panel.rows == {}
    assert not win.param_panel.isVisible()


def test_typing_a_value_updates_f_live_without_recompiling(make_window, ui, qtbot):
    win = make_window("--expr", "a sin(b x)", "--x0", "1")
    function = win.session.function
    spin = win.findChild(QDoubleSpinBox, "param_a_spin")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "2.5")
    assert win.session.params["a"].value == 2.5
    assert win.session.function is function  # not re-differentiated
    # f = 2.5 sin(x) at 1; f′ = 2.5 cos(1).
    text = ui.readout(win)
    assert f"f(x₀) = {2.5 * math.sin(1):.8g}" in text
    assert f"f′(x₀) = {2.5 * math.cos(1):.8g}" in text


def test_dragging_the_slider_with_keys(make_window, ui, qtbot):
    win = make_window("--expr", "b x", "--x0", "2")
    slider = win.findChild(QSlider, "param_b_slider")
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    spec = win.session.params["b"]
    assert spec.value == spec.hi == 5.0
    assert win.findChild(QDoubleSpinBox, "param_b_spin").value() == 5.0
    assert "f(x₀) = 10" in ui.readout(win) and "f′(x₀) = 5" in ui.readout(win)
    qtbot.keyClick(slider, Qt.Key.Key_Home)
    assert win.session.params["b"].value == -5.0


def test_editing_the_range(make_window, qtbot):
    win = make_window("--expr", "a x")
    hi = win.findChild(QDoubleSpinBox, "param_a_hi")
    hi.setFocus()
    hi.selectAll()
    qtbot.keyClicks(hi, "20")
    qtbot.keyClick(hi, Qt.Key.Key_Return)
    assert win.session.params["a"].hi == 20.0
    slider = win.findChild(QSlider, "param_a_slider")
    # a = 1 on [−5, 20]: 6/25 of the way.
    assert slider.value() == round(6 / 25 * slider.maximum())
    # An impossible range snaps back.
    lo = win.findChild(QDoubleSpinBox, "param_a_lo")
    lo.setFocus()
    lo.selectAll()
    qtbot.keyClicks(lo, "30")
    qtbot.keyClick(lo, Qt.Key.Key_Return)
    assert win.session.params["a"].lo == -5.0 and lo.value() == -5.0


def test_launch_param_sets_the_value(make_window, ui):
    win = make_window("--expr", "a x^2", "--param", "a=-3", "--x0", "1")
    assert win.findChild(QDoubleSpinBox, "param_a_spin").value() == -3.0
    assert "f(x₀) = −3" in ui.readout(win)
    assert "concave down" in ui.readout(win)


def test_values_from_the_session_do_not_echo(make_window, qtbot):
    win = make_window("--expr", "a x")
    calls: list[str] = []
    win.session.params_changed.connect(lambda: calls.append("p"))
    win.session.set_param("a", 3.25)
    assert calls == ["p"]  # writing the widgets did not set the value again
    assert win.findChild(QDoubleSpinBox, "param_a_spin").value() == pytest.approx(3.25)
    assert isinstance(win.param_panel, QWidget)
