"""The numerical-derivative dock: move h and x₀, read what a person reads, against closed
forms (f = x³ − 3x: forward = 3x² − 3 + 3xh + h², backward = 3x² − 3 − 3xh + h²,
central = 3x² − 3 + h²) and a plain-Python rewrite of the seed's numerical_gradient."""

from __future__ import annotations

import math
import re
from functools import cache
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QAbstractSlider, QDoubleSpinBox, QLabel, QPushButton

import pyqtgraph as pg  # isort: skip

from derivview.model.session import Session
from derivview.ui.labs.numdiff_panel import (
    PER_DECADE,
    SLIDER_MAX,
    NumdiffPanel,
    h_to_slider,
    slider_to_h,
)


@cache
def compiled(text: str) -> Any:
    from derivview.model.calculus import analyze

    return analyze(text)


def make(qtbot: Any, text: str = "x^3 - 3x", x0: float = 1.5) -> NumdiffPanel:
    session = Session()
    panel = NumdiffPanel(session)
    qtbot.addWidget(panel)
    panel.resize(420, 720)
    panel.show()
    qtbot.waitExposed(panel)
    session.set_text(text)
    session.apply_function(text, compiled(text))
    session.set_x0(x0)
    return panel


def rows(panel: NumdiffPanel) -> dict[str, float]:
    """The readout's numbers as a person reads them: exact f′, h, each quotient and error."""
    text = panel.readout.text().replace("−", "-")
    out: dict[str, float] = {"h": float(re.search(r"h = (\S+)", text).group(1))}
    m = re.search(r"exact f′\(x₀\) = (\S+)", text)
    if m:
        out["exact"] = float(m.group(1))
    for name in ("forward", "backward", "central"):
        m = re.search(rf"^{name}\s+(\S+)(?:\s+error (\S+))?", text, re.MULTILINE)
        if m and m.group(1) != "undefined":
            out[name] = float(m.group(1))
            if m.group(2):
                out[f"{name}_error"] = float(m.group(2))
    return out


def cubic(x: float, h: float) -> dict[str, float]:
    return {
        "forward": 3 * x**2 - 3 + 3 * x * h + h**2,
        "backward": 3 * x**2 - 3 - 3 * x * h + h**2,
        "central": 3 * x**2 - 3 + h**2,
    }


def test_the_controls_a_person_uses(qtbot) -> None:
    panel = make(qtbot)
    assert isinstance(panel.findChild(QLabel, "numdiffReadout"), QLabel)
    assert isinstance(panel.findChild(pg.GraphicsView, "numdiffPlot"), pg.GraphicsView)
    assert isinstance(panel.findChild(QAbstractSlider, "numdiffHSlider"), QAbstractSlider)
    assert isinstance(panel.findChild(QDoubleSpinBox, "numdiffHSpin"), QDoubleSpinBox)
    for name in ("numdiffSeed", "numdiffCheck"):
        button = panel.findChild(QPushButton, name)
        assert button is not None and button.toolTip()
    assert panel.slider.toolTip() and panel.spin.toolTip() and panel.readout.toolTip()


def test_slider_is_logarithmic_from_1_to_1e_minus_16(qtbot) -> None:
    panel = make(qtbot)
    state = panel.session.state("numdiff")
    panel.slider.setValue(0)
    assert state.get("h") == 1.0
    panel.slider.setValue(SLIDER_MAX)
    assert state.get("h") == 1e-16
    panel.slider.setValue(5 * PER_DECADE)
    assert state.get("h") == 1e-5  # exactly the seed's h
    panel.slider.setValue(5 * PER_DECADE + 10)
    assert state.get("h") == pytest.approx(10**-5.5)
    for h in (0.3, 2e-9, 1e-16):
        assert slider_to_h(h_to_slider(h)) == pytest.approx(h, rel=0.06)


def test_moving_h_with_the_keyboard_reads_the_quotients_of_the_closed_form(qtbot) -> None:
    panel = make(qtbot)
    panel.slider.setFocus()
    panel.slider.setValue(2 * PER_DECADE)  # h = 0.01
    seen = rows(panel)
    assert seen["h"] == 0.01 and seen["exact"] == 3.75
    for name, value in cubic(1.5, 0.01).items():
        assert seen[name] == pytest.approx(value, rel=1e-11)
        assert seen[f"{name}_error"] == pytest.approx(abs(value - 3.75), rel=0.05)
    for _ in range(PER_DECADE):  # a decade to the right: h → 1e-3
        qtbot.keyClick(panel.slider, Qt.Key.Key_Right)
    seen = rows(panel)
    assert seen["h"] == 0.001
    for name, value in cubic(1.5, 0.001).items():
        assert seen[name] == pytest.approx(value, rel=1e-11)
    qtbot.keyClick(panel.slider, Qt.Key.Key_PageDown)  # a decade back to the left
    assert panel.session.state("numdiff").get("h") == 1e-2


def test_dragging_x0_updates_everything_live(qtbot) -> None:
    panel = make(qtbot)
    panel.session.state("numdiff").set(h=1e-4)
    for x0 in (-2.0, 0.25, 1.0, 3.5):
        panel.session.set_x0(x0)
        seen = rows(panel)
        assert seen["exact"] == pytest.approx(3 * x0**2 - 3, abs=1e-12)
        for name, value in cubic(x0, 1e-4).items():
            assert seen[name] == pytest.approx(value, rel=1e-9, abs=1e-9)
        # the plot follows: the forward error curve at h = 1e-2 is |3x₀h + h²|
        hs, ys = panel.curves["forward"].getData()
        i = int(np.argmin(np.abs(hs + 2)))
        assert 10 ** ys[i] == pytest.approx(abs(3 * x0 * 1e-2 + 1e-4), rel=1e-6)


def test_changing_f_updates_it(qtbot) -> None:
    panel = make(qtbot)
    s = panel.session
    s.set_text("sin(x)")
    s.apply_function("sin(x)", compiled("sin(x)"))
    s.set_x0(1.0)
    assert rows(panel)["exact"] == pytest.approx(math.cos(1.0), rel=1e-11)


def test_the_seeds_numerical_gradient_is_one_click(qtbot) -> None:
    panel = make(qtbot, "sin(x)", 1.0)
    qtbot.mouseClick(panel.seed_button, Qt.MouseButton.LeftButton)
    assert panel.session.state("numdiff").get("h") == 1e-5
    assert panel.spin.text() == "1e-5" and panel.slider.value() == 5 * PER_DECADE

    def numerical_gradient(f, x, h=1e-5):  # the seed's §9.2, in plain Python
        return (f(x + h) - f(x - h)) / (2 * h)

    truth = numerical_gradient(math.sin, 1.0)
    assert rows(panel)["central"] == pytest.approx(truth, rel=1e-11)


def test_typing_an_exact_h(qtbot) -> None:
    panel = make(qtbot)
    edit = panel.spin.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, "2.5e-9")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.session.state("numdiff").get("h") == 2.5e-9
    assert panel.slider.value() == h_to_slider(2.5e-9)
    assert rows(panel)["h"] == 2.5e-9
    edit.selectAll()
    qtbot.keyClicks(edit, "5")  # above 1: refused, h stays
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert panel.session.state("numdiff").get("h") == 2.5e-9


def test_the_plot_log_log_with_reference_lines_best_h_and_the_h_line(qtbot) -> None:
    panel = make(qtbot, "sin(x)", 1.0)
    panel.session.state("numdiff").set(h=1e-3)
    item = panel.plot_item
    hs, ys = panel.curves["central"].getData()
    assert len(hs) == 321 and hs[0] == 0.0 and hs[-1] == pytest.approx(-16.0)
    i = int(np.argmin(np.abs(hs + 3)))  # h = 1e-3: central error ≈ |f‴|h²/6 = cos(1)·1e-6/6
    assert 10 ** ys[i] == pytest.approx(math.cos(1.0) * 1e-6 / 6, rel=1e-3)
    # slope 1, slope 2 and the round-off line (slope −1) in log-log
    for key, slope in (("slope1", 1.0), ("slope2", 2.0), ("roundoff", -1.0)):
        x, y = panel.lines[key].getData()
        assert (y[0] - y[-1]) / (x[0] - x[-1]) == pytest.approx(slope, rel=1e-9), key
        assert (y[0] - y[1]) / (x[0] - x[1]) == pytest.approx(slope, rel=1e-9), key
    # where they are: truncation |f″|h/2 = sin(1)·h/2 and |f‴|h²/6 = cos(1)·h²/6 at h = 1
    assert 10 ** panel.lines["slope1"].getData()[1][0] == pytest.approx(math.sin(1) / 2)
    assert 10 ** panel.lines["slope2"].getData()[1][0] == pytest.approx(math.cos(1) / 6, rel=1e-6)
    # the best h of each formula, marked, near √ε and ∛ε
    dots = {name: panel.best[name] for name in ("forward", "backward", "central")}
    assert all(dot.isVisible() for dot in dots.values())
    assert -9 <= dots["forward"].pos().x() <= -7 and -9 <= dots["backward"].pos().x() <= -7
    assert -6.5 <= dots["central"].pos().x() <= -4
    # each at the bottom of its curve's V: the median of log|error| over 9 neighbours
    for name, dot in dots.items():
        xs, ys = panel.curves[name].getData()
        medians = [np.nanmedian(ys[max(0, i - 4) : i + 5]) for i in range(len(ys))]
        i = int(np.nanargmin(medians))
        assert dot.pos().x() == pytest.approx(xs[i]), name
        assert dot.pos().y() == pytest.approx(medians[i]), name
    # the h line, and a drag of it moves h
    assert panel.h_line.value() == pytest.approx(-3.0)
    assert item.getAxis("left").powers and item.getAxis("bottom").powers


def test_dragging_the_h_line_sets_h(qtbot) -> None:
    panel = make(qtbot, "sin(x)", 1.0)
    panel.session.state("numdiff").set(h=1e-3)
    qtbot.wait(50)
    vb = panel.plot_item.getViewBox()
    view = panel.view
    y_mid = sum(vb.viewRange()[1]) / 2

    def to_widget(x: float) -> QPoint:
        scene = vb.mapViewToScene(QPointF(x, y_mid))
        return view.mapFromScene(scene)

    start, end = to_widget(-3.0), to_widget(-9.0)
    viewport = view.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=start)
    for k in range(1, 11):
        p = start + (end - start) * (k / 10)
        qtbot.mouseMove(viewport, QPoint(round(p.x()), round(p.y())))
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=end)
    h = panel.session.state("numdiff").get("h")
    assert 1e-10 < h < 1e-8, h
    assert rows(panel)["h"] == pytest.approx(h, rel=1e-3)


def test_relu_at_zero_the_quotients_disagree_and_the_dock_says_why(qtbot) -> None:
    panel = make(qtbot, "relu(x)", 0.0)
    text = panel.readout.text()
    assert "f′(x₀) does not exist" in text
    seen = rows(panel)
    assert (seen["forward"], seen["backward"], seen["central"]) == (1.0, 0.0, 0.5)
    assert "→ 1 (right)" in text and "→ 0 (left)" in text and "→ 0.5 (mean)" in text
    note = panel.note.text()
    assert "does not exist (a corner)" in note and "the quotients themselves" in note
    item = panel.plot_item
    assert not item.getAxis("left").powers  # the quotients, not errors
    assert item.getAxis("left").labelText == "quotient"
    for name, value in (("forward", 1.0), ("backward", 0.0), ("central", 0.5)):
        _, ys = panel.curves[name].getData()
        assert np.all(ys == value), name
    assert not any(dot.isVisible() for dot in panel.best.values())  # no best h without f′
    # away from the kink, errors again
    panel.session.set_x0(0.5)
    assert rows(panel)["exact"] == 1.0 and item.getAxis("left").powers


def test_where_f_is_undefined(qtbot) -> None:
    panel = make(qtbot, "ln(x)", -1.0)
    assert "f is undefined at x₀ = −1" in panel.readout.text()
    assert "outside" in panel.note.text()
    xs, _ = panel.curves["central"].getData()
    assert xs is None or len(xs) == 0


def test_words_say_which_error_dominates_at_h(qtbot) -> None:
    panel = make(qtbot, "sin(x)", 1.0)
    state = panel.session.state("numdiff")
    state.set(h=1e-2)
    assert "central: truncation dominates (slope 2)" in panel.note.text()
    state.set(h=1e-12)
    assert "central: round-off ε·S/h dominates" in panel.note.text()
    assert "forward/backward: round-off" in panel.note.text()
    panel.session.set_text("x^2")
    panel.session.apply_function("x^2", compiled("x^2"))
    assert "central: no truncation error (f‴ = 0 here)" in panel.note.text()


def test_gradient_check_over_the_visible_range(qtbot) -> None:
    panel = make(qtbot)
    s = panel.session
    assert "Check compares f′" in panel.check_result.text()
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    words = panel.check_result.text()
    assert words.startswith("agree: worst relative error")
    assert "on [−4, 4]" in words and "2,001 points" in words
    # the worst point is a number a person can find on the plot
    at = float(re.search(r"at x = (\S+) ", words).group(1).replace("−", "-"))
    assert -4 <= at <= 4
    # over another range, with a kink skipped
    s.set_text("|x - 1| + x^2")
    s.apply_function(s.text, compiled(s.text))
    assert "Check compares f′" in panel.check_result.text()  # f changed: the check is gone
    s.set_view((-2.0, 3.0))
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    words = panel.check_result.text()
    assert "on [−2, 3]" in words and "1 point within h of a point without a derivative" in words


def test_nothing_is_computed_while_hidden_and_it_catches_up_when_shown(qtbot) -> None:
    panel = make(qtbot)
    panel.hide()
    before = panel.readout.text()
    panel.session.set_x0(2.0)
    assert panel.readout.text() == before  # hidden: no work per drag frame
    panel.show()
    qtbot.waitExposed(panel)
    assert rows(panel)["exact"] == 9.0


def test_the_curves_are_cached_per_x0_and_h_moves_only_the_line(qtbot, monkeypatch) -> None:
    from derivview.ui.labs import numdiff_panel

    panel = make(qtbot)
    calls = []
    real = numdiff_panel.analyse
    monkeypatch.setattr(numdiff_panel, "analyse", lambda *a: calls.append(a) or real(*a))
    state = panel.session.state("numdiff")
    for h in (1e-2, 1e-4, 1e-6):
        state.set(h=h)
        assert panel.h_line.value() == pytest.approx(math.log10(h))
    assert calls == []
    panel.session.set_x0(0.5)
    assert len(calls) == 1


def test_the_window_has_the_dock_and_it_follows_x0(make_window, qtbot) -> None:
    from PySide6.QtWidgets import QDockWidget

    win = make_window("--expr", "x^3 - 3x", "--x0", "1.5")
    dock = win.findChild(QDockWidget, "numdiffDock")
    assert dock is not None and dock.windowTitle() == "Numerical f′"
    view = win.findChild(pg.GraphicsView, "numdiffPlot")
    assert view is not None  # the contract's view exists from the start ...
    panel = win.dock_content("numdiffDock")
    qtbot.wait(50)
    # ... but its plot is made only when a person sees it (not behind the iterates' tab,
    # not before the window's first paint)
    assert panel.view.plot_item is None
    assert win.dock_content("depthDock").view.plot_item is None
    dock.raise_()
    qtbot.waitUntil(lambda: panel.view.plot_item is not None)
    spin = win.findChild(QDoubleSpinBox, "x0Spin")
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "-2")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert win.session.x0 == -2.0
    assert rows(panel)["exact"] == 9.0


def test_a_dock_on_a_tab_behind_another_does_no_work_and_catches_up(make_window, qtbot) -> None:
    # A tabbed dock behind another stays "visible" to Qt (it is moved out of the window):
    # the panel must tell for itself that nobody sees it.
    from PySide6.QtWidgets import QDockWidget

    win = make_window("--expr", "x^3 - 3x", "--x0", "1.5")
    numdiff = win.findChild(QDockWidget, "numdiffDock")
    numdiff.raise_()
    qtbot.waitUntil(lambda: not numdiff.visibleRegion().isEmpty())
    panel = win.dock_content("numdiffDock")
    assert rows(panel)["exact"] == 3.75
    win.findChild(QDockWidget, "iteratesDock").raise_()
    qtbot.waitUntil(lambda: numdiff.visibleRegion().isEmpty())
    win.session.set_x0(0.5)
    assert rows(panel)["exact"] == 3.75  # not recomputed behind the tab
    numdiff.raise_()
    qtbot.waitUntil(lambda: rows(panel)["exact"] == pytest.approx(3 * 0.25 - 3))


def test_the_worst_point_of_the_check_is_marked_on_the_plot(make_window, qtbot) -> None:
    from PySide6.QtWidgets import QDockWidget

    win = make_window("--expr", "x^3 - 3x", "--x0", "1.5")
    layer = win.plot_panel.layer("gradient_check")
    assert not layer.shown()
    win.findChild(QDockWidget, "numdiffDock").raise_()
    panel = win.dock_content("numdiffDock")
    qtbot.waitUntil(panel.check_button.isVisible)
    qtbot.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
    check = win.session.state("numdiff").check
    assert check is not None and layer.shown()
    ring = layer.ring.pos()
    assert ring.x() == check.at and ring.y() == pytest.approx(check.at**3 - 3 * check.at)
    assert layer.label.toPlainText().startswith(f"worst relative error {check.worst:.2g}")
    # drawn at its size in pixels beside the point (not at the data's scale)
    box = layer.label.sceneBoundingRect()
    assert 50 < box.width() < 400 and box.height() < 40
    assert win.plot_panel.plot_item.getViewBox().sceneBoundingRect().intersects(box)
    # the export's copy shows it too
    from derivview.model.session import Session

    copy = Session()
    copy.mirror(win.session)
    assert copy.state("numdiff").check is check
    win.session.set_text("x^2")
    win.session.apply_function("x^2", compiled("x^2"))
    assert not layer.shown()


def test_beyond_float64_says_too_large_not_undefined(qtbot) -> None:
    panel = make(qtbot, "e^x", 710.0)  # e^710 ≈ 2.2e308: beyond float64, yet defined
    assert "f(x₀) is too large to represent in float64" in panel.readout.text()
    assert "undefined" not in panel.readout.text()
    assert "too large to represent" in panel.note.text()
    panel.session.set_x0(700.0)  # e^700 ≈ 1e304: representable again
    assert rows(panel)["exact"] == pytest.approx(math.exp(700.0), rel=1e-11)  # 12 digits


def test_where_a_quotient_is_exact_at_every_h_the_words_say_so(qtbot) -> None:
    # f = 5: every difference is 0 = f′ exactly; no error to minimize
    panel = make(qtbot, "5", 2.0)
    assert panel.note.text().startswith("No best h: every quotient hits f′(x₀) exactly")
    assert "–" not in panel.note.text()
    # x² at 0: forward (h² − 0)/h = h, best at the smallest h; central (h² − h²)/2h = 0
    panel = make(qtbot, "x^2", 0.0)
    note = panel.note.text()
    assert note.startswith("Best h ≈ 1e−16 and none (exact at every h)")
    assert "–" not in note
