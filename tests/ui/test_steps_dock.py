"""The derivation dock (``stepsView``), driven as a person does: open it, read the lines,
click a step (the editor selects it, the plot draws it), open and close levels, type a
new function. Truth: hand-derived derivatives and closed forms."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QDockWidget, QLineEdit, QWidget

WAIT_MS = 60_000


def open_steps(win: Any, qtbot: Any) -> Any:
    dock = win.findChild(QDockWidget, "stepsDock")
    dock.show()
    dock.raise_()
    panel = win.findChild(QWidget, "stepsView")
    qtbot.waitUntil(lambda: panel.is_shown() and panel.derivation is not None, timeout=WAIT_MS)
    return panel


def click_step(qtbot: Any, panel: Any, k: int) -> None:
    index = panel.index_of_step(k)
    panel.tree.scrollTo(index)
    rect = panel.tree.visualRect(index)
    assert rect.isValid(), k
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_lines_say_each_rule_as_typed(make_window, qtbot):
    win = make_window("--expr", "x^2 sin(x)")
    panel = open_steps(win, qtbot)
    assert panel.function_label.plainText() == "f(x) = x² sin(x)"
    lines = panel.step_lines()
    assert lines[0].startswith("product rule: (d/dx) (x² sin(x)) = 2x sin(x) + x² cos(x)")
    assert lines[1].startswith("power rule: (d/dx) (x²) = 2x")
    assert lines[2].startswith("trigonometric: (d/dx) sin(x) = cos(x)")
    # the quotient rule for a quotient as typed
    ui_type(qtbot, win, "sin(x)/x")
    qtbot.waitUntil(lambda: panel.function_label.plainText() == "f(x) = sin(x)/x", timeout=WAIT_MS)
    assert panel.step_lines()[0].startswith("quotient rule: ")
    assert "(x cos(x) − sin(x))/x²" in panel.step_lines()[0]


def ui_type(qtbot: Any, win: Any, text: str) -> None:
    edit = win.findChild(QLineEdit, "expressionEdit")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_the_chain_rule_names_outer_and_inner_and_relu_says_where(make_window, qtbot):
    win = make_window("--expr", "relu(x - 2) + sin(x^2)")
    panel = open_steps(win, qtbot)
    panel.expand_button.click()
    text = "\n".join(panel.visible_lines())
    assert "chain rule: (d/dx) sin(x²) = 2x cos(x²); outer sin(u), inner u = x²" in text
    assert "ReLU: (d/du) ReLU(u) = { 1 if u > 0; 0 if u < 0 }" in text
    assert "no derivative where u = 0 (a corner): at x = 2" in text


def test_levels_open_and_close(make_window, qtbot):
    win = make_window("--expr", "sigmoid(2x - 1)")
    panel = open_steps(win, qtbot)
    every = panel.step_lines()
    assert len(every) == 6  # chain, sigmoid (in u), sum, constant multiple, identity, 1
    panel.depth_spin.setValue(1)
    assert len(panel.visible_lines()) == 1
    panel.depth_spin.setValue(2)
    assert len(panel.visible_lines()) == 3  # chain; σ in u; the inner sum
    panel.expand_button.click()
    assert panel.visible_lines() == every
    assert "σ(u)(1 − σ(u))" in every[1]  # the seed's form


def test_clicking_a_step_selects_it_in_the_editor_and_draws_it(make_window, qtbot):
    win = make_window("--expr", "x^2 sin(x)", "--xrange", "-3", "3")
    panel = open_steps(win, qtbot)
    click_step(qtbot, panel, 1)  # the power rule: x^2
    edit = win.findChild(QLineEdit, "expressionEdit")
    qtbot.waitUntil(lambda: edit.selectedText() == "x^2", timeout=5000)
    assert edit.selectionStart() == 0
    # the step highlighted in f as typed
    assert panel.function_label.box() is not None
    layer = win.plot_panel.layer("step")
    x, y = layer.expression.getData()
    assert len(x) > 50
    assert np.allclose(y, x**2, rtol=1e-12, atol=1e-12)  # the sub-expression x²
    xd, yd = layer.derivative.getData()
    assert np.allclose(yd, 2 * xd, rtol=1e-12, atol=1e-12)  # and its derivative 2x
    # the next step: sin(x), selected where it was typed
    click_step(qtbot, panel, 2)
    qtbot.waitUntil(lambda: edit.selectedText() == "sin(x)", timeout=5000)
    x, y = layer.expression.getData()
    assert np.allclose(y, np.sin(x), rtol=1e-12, atol=1e-12)
    # Esc: nothing pointed at, nothing drawn, nothing selected
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: layer.expression.getData()[0] is None or
                    len(layer.expression.getData()[0]) == 0, timeout=5000)  # fmt: skip
    assert win.session.state("steps").step is None
    assert edit.selectedText() == ""


def test_a_step_in_u_is_not_drawn_and_drawing_can_be_turned_off(make_window, qtbot):
    win = make_window("--expr", "sin(x^2)")
    panel = open_steps(win, qtbot)
    layer = win.plot_panel.layer("step")

    def drawn() -> int:
        x, _ = layer.expression.getData()
        return 0 if x is None else len(x)

    click_step(qtbot, panel, 1)  # sin(u): an outer function, not a function of x
    qtbot.waitUntil(lambda: win.session.state("steps").step is not None, timeout=5000)
    assert drawn() == 0
    click_step(qtbot, panel, 0)  # sin(x^2) itself
    qtbot.waitUntil(lambda: drawn() > 0, timeout=5000)
    check = win.findChild(QCheckBox, "stepsDrawOnPlot")
    check.click()
    assert win.session.state("steps").get("draw_on_plot") is False
    assert drawn() == 0
    check.click()
    assert drawn() > 0


def test_the_final_line_is_the_plotted_derivative(make_window, qtbot):
    win = make_window("--expr", "x^3 sin(x) e^(-x^2/4)")
    panel = open_steps(win, qtbot)
    qtbot.waitUntil(lambda: win.session.formulas is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: panel.caption.text().startswith("f′, simplified"), timeout=WAIT_MS)
    assert panel.derivative_label.plainText().startswith("f′(x) = ")
    from derivview.model.expr import parse
    from derivview.model.expr.forward import compile_program, forward

    printed = parse(panel.derivative_text).tree
    xs = np.array([-2.5, -0.7, 0.3, 1.9])
    with np.errstate(all="ignore"):
        shown = forward(compile_program([printed]), xs, {}, 0)[0][0]
    # the curve on the plot comes from the tree; and by hand:
    plotted = win.session.function.df(xs)
    by_hand = (3 * xs**2 * np.sin(xs) + xs**3 * np.cos(xs) - xs**4 / 2 * np.sin(xs)) * np.exp(
        -(xs**2) / 4
    )
    assert np.allclose(shown, by_hand, rtol=1e-12)
    assert np.allclose(plotted, by_hand, rtol=1e-12)


def test_a_new_function_forgets_the_step_pointed_at(make_window, qtbot):
    win = make_window("--expr", "x^2 + 1")
    panel = open_steps(win, qtbot)
    click_step(qtbot, panel, 1)
    qtbot.waitUntil(lambda: win.session.state("steps").step is not None, timeout=5000)
    ui_type(qtbot, win, "cos(x)")
    qtbot.waitUntil(lambda: panel.function_label.plainText() == "f(x) = cos(x)", timeout=WAIT_MS)
    assert win.session.state("steps").step is None
    assert panel.step_lines()[0].startswith("trigonometric: (d/dx) cos(x) = −sin(x)")


def test_an_invalid_expression_keeps_the_last_derivation_and_says_nothing_wrong(make_window, qtbot):
    win = make_window("--expr", "x^2")
    panel = open_steps(win, qtbot)
    ui_type(qtbot, win, "sin(")
    qtbot.waitUntil(lambda: win.session.error is not None, timeout=WAIT_MS)
    QApplication.processEvents()
    assert panel.step_lines()[0].startswith("power rule")  # the last good function


def test_sympy_simplifies_a_step_in_the_background(make_window, qtbot):
    win = make_window("--expr", "(x+1)(x-1)")
    panel = open_steps(win, qtbot)
    first = panel.step_lines()[0]
    assert "= x − 1 + (x + 1)" in first  # the product rule's result, at once
    qtbot.waitUntil(lambda: panel.step_lines()[0].endswith("= 2x"), timeout=WAIT_MS)


def test_hiding_the_dock_points_at_nothing(make_window, qtbot):
    win = make_window("--expr", "x^2 + 1")
    panel = open_steps(win, qtbot)
    click_step(qtbot, panel, 1)
    qtbot.waitUntil(lambda: win.session.state("steps").step is not None, timeout=5000)
    win.findChild(QDockWidget, "iteratesDock").raise_()
    qtbot.waitUntil(lambda: not panel.is_shown(), timeout=5000)
    assert win.session.state("steps").step is None
    # behind another tab it does no work: a new function is derived when it is shown
    ui_type(qtbot, win, "x^3")
    qtbot.waitUntil(lambda: win.session.function.expression.text == "x^3", timeout=WAIT_MS)
    assert panel.derivation.expression.text == "x^2 + 1"
    win.findChild(QDockWidget, "stepsDock").raise_()
    qtbot.waitUntil(lambda: panel.derivation.expression.text == "x^3", timeout=5000)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_dock_paints_in_both_themes(make_window, qtbot, theme):
    from PySide6.QtWidgets import QMenu

    win = make_window("--expr", "sin(x)/x")
    menu = win.findChild(QMenu, "themeMenu")
    next(a for a in menu.actions() if theme in a.text().lower()).trigger()
    panel = open_steps(win, qtbot)
    image = panel.grab().toImage()
    assert not image.isNull()
    # ink of the text colour is drawn on the tree (the lines are painted, not blank)
    tree = panel.tree.viewport().grab().toImage()
    colors = {tree.pixel(x, y) for x in range(0, tree.width(), 3) for y in range(0, 60, 2)}
    assert len(colors) > 8
    assert math.isfinite(panel.tree.sizeHintForRow(0))


def test_a_dock_floated_out_from_behind_a_tab_derives(make_window, qtbot):
    win = make_window("--expr", "x^2 + 1")
    dock = win.findChild(QDockWidget, "stepsDock")
    dock.show()
    win.findChild(QDockWidget, "iteratesDock").raise_()  # the derivation behind a tab
    panel = win.findChild(QWidget, "stepsView")
    qtbot.waitUntil(lambda: not panel.is_shown(), timeout=5000)
    dock.setFloating(True)  # torn out of its tab group: a window of its own, in view
    qtbot.waitUntil(lambda: panel.is_shown() and panel.derivation is not None, timeout=WAIT_MS)
    ui_type(qtbot, win, "x^3")
    qtbot.waitUntil(lambda: panel.derivation.expression.text == "x^3", timeout=WAIT_MS)
    first = panel.step_lines()[0]
    assert first.startswith("power rule") and first.endswith("x³) = 3x²")
