"""The graph dock (``graphView``), driven as a person does: read the forward pass, step
the backward pass with buttons and keys, drag x₀. Truth: closed forms (f = x sin x)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QDoubleSpinBox, QLabel, QPushButton, QWidget

WAIT_MS = 60_000


def open_graph(win: Any, qtbot: Any) -> Any:
    dock = win.findChild(QDockWidget, "graphDock")
    dock.show()
    dock.raise_()
    panel = win.findChild(QWidget, "graphPanel")
    qtbot.waitUntil(lambda: panel.is_shown() and panel.graph is not None, timeout=WAIT_MS)
    return panel


def node_texts(panel: Any) -> dict[str, tuple[str, str]]:
    """What each node says (keyed by its text as typed): (value, adjoint)."""
    return {item.text: (item.value, item.adjoint) for item in panel.view.nodes.values()}


def fmt(v: float) -> str:
    return f"{v:.6g}".replace("-", "−")


def test_forward_then_backward_node_by_node(make_window, qtbot):
    win = make_window("--expr", "x sin(x)", "--x0", "2")
    panel = open_graph(win, qtbot)
    view = win.findChild(QWidget, "graphView")
    assert view is panel.view and len(view.nodes) == 3 and len(view.edges) == 3
    s, c = math.sin(2.0), math.cos(2.0)
    nodes = node_texts(panel)
    assert nodes["x"] == ("2", "")  # forward pass: values only
    assert nodes["sin(x)"] == (fmt(s), "")
    assert nodes["x sin(x)"] == (fmt(2 * s), "")
    back = win.findChild(QPushButton, "graphBack")
    step = win.findChild(QPushButton, "graphStep")
    assert not back.isEnabled() and step.isEnabled()
    assert "Forward pass" in panel.explanation()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert node_texts(panel)["x sin(x)"][1] == "1"  # the output's adjoint
    assert "∂f/∂v₀ = 1" in panel.explanation()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert node_texts(panel)["sin(x)"][1] == "2"  # ∂(x sin x)/∂(sin x) = x = 2
    assert node_texts(panel)["x"][1] == ""
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    df = s + 2 * c
    assert node_texts(panel)["x"][1] == fmt(df)
    words = panel.explanation()
    assert f"= 1 × {fmt(s)} + 2 × ({fmt(c)}) = {fmt(df)}" in words
    assert "used 2 times" in words and "multivariable chain rule" in words
    assert not step.isEnabled()
    # the adjoint of x is the readout's f′(x₀)
    readout = win.findChild(QLabel, "pointReadout").text()
    assert f"f′(x₀)  = {df:.8g}".replace("-", "−") in readout
    assert panel.result_text().startswith(f"∂f/∂x = {fmt(df)} = f′(x₀) = {fmt(df)}")
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert node_texts(panel)["x"][1] == "" and step.isEnabled()


def test_keys_walk_the_backward_pass(make_window, qtbot):
    win = make_window("--expr", "sigmoid(x)(1 - sigmoid(x))", "--x0", "0.5")
    panel = open_graph(win, qtbot)
    view = panel.view
    view.setFocus()
    n = len(panel.graph.nodes)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert panel.walk.position == 1
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert panel.walk.position == 2
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert panel.walk.position == 1
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert panel.walk.done and panel.walk.position == n
    x = next(item for item in view.nodes.values() if item.text == "x")
    sig = 1 / (1 + math.exp(-0.5))
    want = sig * (1 - sig) * (1 - 2 * sig)  # d/dx σ(1 − σ) = σ′(1 − 2σ)
    assert x.adjoint == fmt(want)
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert panel.walk.position == 0 and x.adjoint == ""


def test_dragging_x0_changes_numbers_not_the_picture(make_window, qtbot):
    win = make_window("--expr", "x sin(x)", "--x0", "2")
    panel = open_graph(win, qtbot)
    panel.act("all")
    items = dict(panel.view.nodes)
    places = {k: (v.pos().x(), v.pos().y()) for k, v in items.items()}
    spin = win.findChild(QDoubleSpinBox, "x0Spin")
    for x0 in (0.5, -1.25, 3.0):
        spin.setValue(x0)
        qtbot.waitUntil(lambda x0=x0: win.session.x0 == x0, timeout=5000)
        nodes = node_texts(panel)
        assert nodes["x"][0] == fmt(x0)
        assert nodes["x sin(x)"][0] == fmt(x0 * math.sin(x0))
        assert nodes["x"][1] == fmt(math.sin(x0) + x0 * math.cos(x0))
        assert panel.view.nodes == items  # the same items, in the same places
        assert {k: (v.pos().x(), v.pos().y()) for k, v in items.items()} == places
        assert panel.walk.done  # the walk survives a new x₀


def test_parameters_get_their_adjoints(make_window, qtbot):
    win = make_window("--expr", "a x^2 + b", "--x0", "3", "--param", "a=2")
    panel = open_graph(win, qtbot)
    panel.act("all")
    assert "∂f/∂a = 9" in panel.result_text() and "∂f/∂b = 1" in panel.result_text()
    assert panel.result_text().startswith("∂f/∂x = 12")


def test_no_derivative_at_a_corner_is_undefined(make_window, qtbot):
    win = make_window("--expr", "relu(x)", "--x0", "0")
    panel = open_graph(win, qtbot)
    panel.act("all")
    assert node_texts(panel)["x"][1] == "undefined"


def test_where_backprop_stops_it_says_where_and_what_the_readout_says(make_window, qtbot):
    # relu(x)² at 0: relu has no local derivative, so the chain rule stops there, yet f
    # is differentiable (both one-sided slopes are 0): the readout says f′(0) = 0.
    win = make_window("--expr", "relu(x)^2", "--x0", "0")
    panel = open_graph(win, qtbot)
    panel.act("all")
    relu = next(i for i in panel.view.nodes.values() if i.text == "relu(x)")
    lines = panel.result_text().split("\n")
    assert lines[0] == f"∂f/∂x = undefined: no ∂{relu.tag}/∂x here"
    assert lines[1] == "yet f′(x₀) = 0: both one-sided slopes agree"
    win.findChild(QDoubleSpinBox, "x0Spin").setValue(1.0)
    qtbot.waitUntil(lambda: panel.result_text().startswith("∂f/∂x = 2 = f′(x₀) = 2"),
                    timeout=WAIT_MS)  # fmt: skip
    win2 = make_window("--expr", "relu(x)", "--x0", "0")
    panel = open_graph(win2, qtbot)
    panel.act("all")
    assert panel.result_text().split("\n")[1] == "nor has f a derivative here: a corner"


def test_a_value_beyond_float64_says_too_large(make_window, qtbot):
    # e^(e^(e^2)) ≈ 10^702 exists (the readout says "too large to represent"), it is
    # not undefined
    win = make_window("--expr", "exp(exp(exp(x)))", "--x0", "2")
    panel = open_graph(win, qtbot)
    nodes = node_texts(panel)
    assert nodes["exp(exp(exp(x)))"][0] == "too large"
    assert nodes["exp(exp(x))"][0] == fmt(math.exp(math.exp(2.0)))
    panel.act("all")
    assert panel.result_text().split("\n") == [
        "∂f/∂x = undefined: a value on the way is too large for float64",
        "f′(x₀) exists: the readout says too large to represent",
    ]


def test_a_new_function_rebuilds_and_resets_the_walk(make_window, qtbot, ui):
    win = make_window("--expr", "x sin(x)", "--x0", "2")
    panel = open_graph(win, qtbot)
    panel.act("all")
    ui.type(win, "x^2 + 1")
    qtbot.waitUntil(lambda: "x^2 + 1" in {i.text for i in panel.view.nodes.values()},
                    timeout=WAIT_MS)  # fmt: skip
    assert panel.walk.position == 0


def test_too_many_operations_are_not_drawn(make_window, qtbot):
    text = "+".join(["x"] * 160)
    win = make_window("--expr", text)
    panel = open_graph(win, qtbot)
    assert panel.view.nodes == {}
    assert "too many to draw" in panel.view.toolTip()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_graph_paints_in_both_themes(make_window, qtbot, theme):
    from PySide6.QtWidgets import QMenu

    win = make_window("--expr", "x sin(x)", "--x0", "2")
    menu = win.findChild(QMenu, "themeMenu")
    next(a for a in menu.actions() if theme in a.text().lower()).trigger()
    panel = open_graph(win, qtbot)
    panel.act("all")
    dark_bg = panel.view.colors.node.lightness() < 128
    assert dark_bg == (theme == "dark")
    image = panel.view.viewport().grab().toImage()
    colors = {image.pixel(x, y) for x in range(0, image.width(), 4)
              for y in range(0, image.height(), 4)}  # fmt: skip
    assert len(colors) > 10  # nodes, numbers and edges are painted
