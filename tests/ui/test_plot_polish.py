"""The plot as a slide shows it: the legend lists what is drawn, the y-range frames f′
and f″ too, the descent start ring only once a run is set up, ticks with a real minus."""

from __future__ import annotations

import math

import numpy as np
import pytest


def _legend(win) -> list[str]:
    return win.plot_panel.legend_labels()


def _settle_markers(win) -> None:
    win.plot_panel.layer("markers").update_markers()


def test_legend_lists_only_the_kinds_of_point_in_view(make_window) -> None:
    # x²: one critical point at 0, no inflection (f″ = 2), a derivative everywhere.
    win = make_window("--expr", "x^2")
    _settle_markers(win)
    labels = _legend(win)
    assert "critical point" in labels
    assert "inflection point" not in labels and "no derivative" not in labels
    # relu: no critical point in the f′ = 0 sense drawn as a marker? relu′ = 0 on x < 0
    # is a flat stretch; its kink at 0 has no derivative.
    win2 = make_window("--expr", "|x|", "--x0", "1")
    _settle_markers(win2)
    assert "no derivative" in _legend(win2) and "inflection point" not in _legend(win2)


def test_legend_lists_the_subgradient_fan_and_concavity_when_drawn(make_window) -> None:
    win = make_window("--expr", "|x|", "--x0", "0")
    labels = _legend(win)
    assert "subgradients" in labels and "one-sided tangents" in labels
    win.session.set_x0(1.0)
    assert "subgradients" not in _legend(win)
    win.session.set_visible("concavity", True)
    # x³ − 3x: f″ = 6x, concave down left of 0 and up right of it
    win3 = make_window("--expr", "x^3 - 3x")
    win3.session.set_visible("concavity", True)
    labels = _legend(win3)
    assert "concave up (f″ > 0)" in labels and "concave down (f″ < 0)" in labels
    win4 = make_window("--expr", "exp(x)")  # f″ = eˣ > 0 everywhere: up only
    win4.session.set_visible("concavity", True)
    assert "concave down (f″ < 0)" not in _legend(win4)
    assert "concave up (f″ > 0)" in _legend(win4)


def test_legend_lists_the_descent_runs_with_their_learning_rates(make_window) -> None:
    win = make_window("--expr", "(x-3)^2")
    assert not any(label.startswith("descent") for label in _legend(win))
    st = win.session.descent
    st.set_config(0, learning_rate=0.25)
    st.step(3)
    assert "descent: gradient descent, η = 0.25" in _legend(win)
    st.set_compare(True)
    st.step(2)
    labels = _legend(win)
    assert "descent A: gradient descent, η = 0.25" in labels
    assert "descent B: Newton's method" in labels


@pytest.mark.parametrize(
    ("expr", "must_show"),
    [
        # |x| + |x − 1|: f′ = −2 left of 0 (it was cut off when only f was fitted)
        ("|x| + |x-1|", [-2.0, 2.0]),
        # sigmoid: f″ dips to −√3/18 ≈ −0.0962 at x = ln(2 + √3)
        ("sigmoid(x)", [-math.sqrt(3) / 18, math.sqrt(3) / 18]),
    ],
)
def test_initial_y_range_contains_f_prime_and_f_second(make_window, expr, must_show) -> None:
    win = make_window("--expr", expr)
    lo, hi = win.plot_panel.view_y()
    for y in must_show:
        assert lo < y < hi


def test_a_parameter_that_moves_f_out_of_view_refits(make_window, qtbot) -> None:
    win = make_window("--expr", "x^2 + a")
    _lo, hi = win.plot_panel.view_y()
    win.session.set_param("a", 200.0)
    qtbot.waitUntil(lambda: win.plot_panel.view_y()[0] > hi)
    lo2, hi2 = win.plot_panel.view_y()
    assert lo2 <= 200 <= hi2  # f(0) = 200 is in view again


def test_a_parameter_change_leaves_a_view_zoomed_by_hand(make_window) -> None:
    win = make_window("--expr", "x^2 + a")
    win.session.set_view((-4.0, 4.0), (-1.0, 3.0))  # as a zoom by hand sets it
    win.session.set_param("a", 200.0)
    assert win.plot_panel.view_y() == pytest.approx((-1.0, 3.0))


def test_start_ring_only_once_a_descent_is_set_up(make_window) -> None:
    win = make_window("--expr", "x^3 - 3x")
    ring = win.plot_panel.layer("descent").start_marker
    assert not ring.isVisible()  # it covered the inflection marker at 0
    win.session.descent.set_start(1.5)
    assert ring.isVisible()
    win2 = make_window("--expr", "relu(x)")
    ring2 = win2.plot_panel.layer("descent").start_marker
    assert not ring2.isVisible()
    win2.session.descent.step(1)
    assert ring2.isVisible()


def test_tick_labels_have_a_real_minus_sign(make_window) -> None:
    win = make_window("--expr", "x^2")
    axis = win.plot_panel.plot_item.getAxis("bottom")
    strings = axis.tickStrings([-2.0, -1.0, 0.0, 1.0], 1.0, 1.0)
    assert strings == ["−2", "−1", "0", "1"]
    assert axis.tickStrings([1e-5], 1.0, 1e-5)[0] in ("1e−5", "0.00001")
    values = np.array([-3.0, 3.0])
    assert all("-" not in s for s in axis.tickStrings(list(values), 1.0, 1.0))


def test_poles_get_dashed_vertical_asymptotes(make_window) -> None:
    win = make_window("--expr", "tan(x)", "--xrange", "-4", "4")
    layer = win.plot_panel.layer("markers")
    layer.update_markers()
    shown = sorted(line.value() for line in layer.asymptotes if line.isVisible())
    assert shown == pytest.approx([-math.pi / 2, math.pi / 2], abs=1e-6)  # tan's poles
    assert "asymptote (pole)" in _legend(win)
    assert "no derivative" not in _legend(win)  # a pole gets its asymptote, not a ×
    win2 = make_window("--expr", "x^2")
    win2.plot_panel.layer("markers").update_markers()
    assert not any(line.isVisible() for line in win2.plot_panel.layer("markers").asymptotes)


def test_extrema_are_labelled_on_request(make_window) -> None:
    win = make_window("--expr", "x^3 - 3x")
    layer = win.plot_panel.layer("markers")
    layer.update_markers()
    assert not any(label.isVisible() for label in layer.labels)
    win.session.set_visible("extrema", True)
    layer.update_markers()
    texts = sorted(label.toPlainText() for label in layer.labels if label.isVisible())
    # x³ − 3x: a local maximum f(−1) = 2, a local minimum f(1) = −2
    assert texts == ["local max (−1, 2)", "local min (1, −2)"]


def test_the_secant_has_a_labelled_rise_over_run_triangle(make_window) -> None:
    win = make_window("--expr", "sin(x^2)", "--x0", "1.2", "--h", "0.5", "--show", "f,secant")
    layer = win.plot_panel.layer("secant")
    xs, ys = layer.triangle.getData()
    y0, y1 = math.sin(1.2**2), math.sin(1.7**2)
    assert list(xs) == pytest.approx([1.2, 1.7, 1.7])
    assert list(ys) == pytest.approx([y0, y0, y1])
    assert layer.run_label.toPlainText() == "h = 0.5"
    dy = f"{y1 - y0:.4g}".replace("-", "−")
    assert layer.rise_label.toPlainText() == f"Δy = {dy}"
    win.session.set_visible("secant", False)
    assert not layer.run_label.isVisible() and not len(layer.triangle.getData()[0] or [])
