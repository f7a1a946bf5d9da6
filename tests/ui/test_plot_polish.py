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


def _rows(win) -> list[tuple[object, object]]:
    """The legend's rows as laid out, top to bottom: (sample, label)."""
    legend = win.plot_panel.legend
    grid = legend.layout
    return [(grid.itemAt(r, 0), grid.itemAt(r, 1)) for r in range(len(legend.items))]


def _rows_height(legend) -> float:
    return sum(max(s.height(), lab.height()) for s, lab in legend.items)


def test_the_legend_shows_a_row_listed_before_again(make_window, ui) -> None:
    # The kinds of point in view change a moment after most keystrokes; the rows of
    # kinds listed before are shown again as they were, not made anew (~9 ms).
    from derivview.ui.legend import LegendSample

    win = make_window("--expr", "sin(x)")
    _settle_markers(win)
    legend = win.plot_panel.legend
    before = {label.text: (sample, label) for sample, label in legend.items}
    assert "inflection point" in before
    margins = legend.height() - _rows_height(legend)
    assert 0 <= margins < 40
    for text in ("x^2", "sin(x)"):
        ui.type(win, text)
        ui.wait_ready(win)
        _settle_markers(win)
        listed = _legend(win)
        assert ("inflection point" in listed) == (text == "sin(x)")
        # exactly the listed rows are laid out, in order, and seen; the others hidden
        assert _rows(win) == [tuple(row) for row in legend.items]
        assert all(s.isVisible() and lab.isVisible() for s, lab in legend.items)
        shown = {id(s) for s, _ in legend.items}
        others = [i for i in legend.childItems() if isinstance(i, LegendSample)]
        assert all(not s.isVisible() for s in others if id(s) not in shown)
        # the box is as tall as its rows (and its margins, as before)
        assert legend.height() - _rows_height(legend) == pytest.approx(margins)
    assert {label.text: (s, label) for s, label in legend.items} == before
    # a click on a sample shown again still toggles its curve
    sample = before["f′(x)"][0]
    assert win.session.is_visible("df")
    sample.toggle()
    assert not win.session.is_visible("df")


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


def test_the_legend_keeps_only_a_few_rows_it_no_longer_lists(make_window) -> None:
    # A descent run's row names its learning rate: rows kept for later must not pile up
    # as a person tries rate after rate.
    from derivview.ui.legend import SPARE_ROWS, LegendSample

    win = make_window("--expr", "(x-3)^2")
    st = win.session.descent
    legend = win.plot_panel.legend
    for k in range(1, 3 * SPARE_ROWS):
        st.set_config(0, learning_rate=k / 100)
        st.step(1)
        assert f"descent: gradient descent, η = {k / 100:g}" in _legend(win)
    samples = [i for i in legend.childItems() if isinstance(i, LegendSample)]
    assert len(legend.items) < len(samples) <= len(legend.items) + SPARE_ROWS + 1


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
    triangle_x = layer.triangle.getData()[0]
    assert not layer.run_label.isVisible() and (triangle_x is None or len(triangle_x) == 0)


# -- framing a descent run (item 5) ------------------------------------------------------


def test_a_finished_run_is_framed_so_its_path_and_the_minimum_are_large(make_window) -> None:
    # (x − 3)² from 0 at η = 0.1: x_k = 3 − 3·0.8^k, f from 9 down to 0. Fitted to f on
    # the initial x-range alone, the path was squeezed into the bottom strip of the plot.
    win = make_window("--expr", "(x-3)^2")
    st = win.session.descent
    st.set_start(0.0)
    st.set_config(0, learning_rate=0.1)
    st.step(500)
    assert st.finished
    (x0, x1), (y0, y1) = win.plot_panel.view_x(), win.plot_panel.view_y()
    assert x0 < 0.0 and x1 > 3.0  # the start and the minimum x* = 3
    assert y0 <= 0.0 and y1 >= 9.0  # f(0) = 9 and f* = 0
    assert 0.5 * (y1 - y0) <= 9.0  # the path spans at least half the plot's height
    assert 0.5 * (x1 - x0) <= 3.0  # and half its width


def test_the_view_follows_a_diverging_run(make_window) -> None:
    # x² at η = 1.1 from 1: x_k = (−1.2)^k, far out of the initial view after 30 steps
    win = make_window("--expr", "x^2")
    st = win.session.descent
    st.set_start(1.0)
    st.set_config(0, learning_rate=1.1)
    st.step(30)
    x = (-1.2) ** 30
    (x0, x1), (y0, y1) = win.plot_panel.view_x(), win.plot_panel.view_y()
    assert x0 <= x <= x1 and y0 <= x * x <= y1


def test_a_view_set_by_hand_is_not_taken_over_by_a_run(make_window) -> None:
    win = make_window("--expr", "(x-3)^2")
    win.session.set_view((-1.0, 1.0), (-1.0, 1.0))  # as a zoom by hand sets it
    st = win.session.descent
    st.set_start(0.0)
    st.step(500)
    assert win.plot_panel.view_x() == pytest.approx((-1.0, 1.0))


# -- the legend's place (item 4) ---------------------------------------------------------


def _legend_rect_in_data(win):
    panel = win.plot_panel
    legend = panel.legend
    scene_rect = legend.mapRectToScene(legend.boundingRect())
    return panel.view_box.mapSceneToView(scene_rect).boundingRect()


@pytest.mark.parametrize("expr", ["x^3 - 3x", "x^2", "-x^2", "exp(x)", "sin(x)"])
def test_the_legend_covers_none_of_f(make_window, expr) -> None:
    win = make_window("--expr", expr, "--show", "f,legend")
    rect = _legend_rect_in_data(win)
    assert rect.width() > 0 and rect.height() > 0
    x0, x1 = win.plot_panel.view_x()
    xs = np.linspace(x0, x1, 2001)
    ys = {
        "x^3 - 3x": xs**3 - 3 * xs,
        "x^2": xs**2,
        "-x^2": -(xs**2),
        "exp(x)": np.exp(xs),
        "sin(x)": np.sin(xs),
    }[expr]
    inside = (xs >= rect.left()) & (xs <= rect.right()) & (ys >= rect.top()) & (ys <= rect.bottom())
    assert not inside.any(), f"f passes under the legend at x = {xs[inside][:3]}"


def test_the_legend_dragged_by_hand_stays_where_it_was_put(make_window, qtbot) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    win = make_window("--expr", "a*x^2", "--show", "f,legend")
    panel = win.plot_panel
    legend = panel.legend
    # Unmoved, the legend changes corner when the curve moves under it: x² (a = 1) is
    # high at the sides, −x² (a = −1) low.
    low = legend.scenePos()
    win.session.set_param("a", -1.0)
    # where the legend sits is decided after the new curve's first frame
    qtbot.waitUntil(lambda: (legend.scenePos() - low).manhattanLength() > 50)
    high = legend.scenePos()

    gview = panel.plot_item.scene().views()[0]
    rect = legend.mapRectToScene(legend.boundingRect())
    start = gview.mapFromScene(rect.center())
    viewport = gview.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 11):
        QTest.mouseMove(viewport, start + QPoint(20 * i, 15 * i))
    end = start + QPoint(200, 150)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    moved = legend.scenePos()
    assert (moved - high).manhattanLength() > 100
    # the curve moving again does not take it back to a corner
    win.session.set_param("a", 1.0)
    qtbot.wait(50)  # past the frame after which an unmoved legend would change corner
    assert (legend.scenePos() - moved).manhattanLength() < 2


# -- colours (items 8, 9, 10) ------------------------------------------------------------


def _luminance(hex_color: str) -> float:
    """WCAG 2 relative luminance of an sRGB colour."""
    channels = []
    for i in (1, 3, 5):
        c = int(hex_color[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a[:7]), _luminance(b[:7])), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _distance(a: str, b: str) -> float:
    pa = np.array([int(a[i : i + 2], 16) for i in (1, 3, 5)], float)
    pb = np.array([int(b[i : i + 2], 16) for i in (1, 3, 5)], float)
    return float(np.linalg.norm(pa - pb))


def test_dark_theme_draws_f_prime_and_f_second_as_visibly_as_light() -> None:
    from derivview.ui.plot_style import plot_style

    light, dark = plot_style(False), plot_style(True)
    for name in ("df", "d2f"):
        # against the background, and beside f: Okabe–Ito's vermillion read half as well
        # as f's sky blue on the dark background (0.60 of f's contrast; 0.75 in light)
        seen_light = _contrast(getattr(light, name), light.background)
        seen_dark = _contrast(getattr(dark, name), dark.background)
        assert seen_dark >= 3.0, name  # WCAG's minimum for graphics
        beside_f_light = seen_light / _contrast(light.f, light.background)
        beside_f_dark = seen_dark / _contrast(dark.f, dark.background)
        assert beside_f_dark >= beside_f_light, name


@pytest.mark.parametrize("dark", [False, True])
def test_secant_start_ring_and_run_b_have_colours_of_their_own(dark) -> None:
    from derivview.ui.plot_style import plot_style

    st = plot_style(dark)
    run_a, run_b = st.descent
    assert _distance(st.secant, run_a) > 60  # the ring is drawn in run A's colour
    for curve in (st.f, st.df, st.d2f):
        assert _distance(run_b, curve) > 60
        assert _distance(run_a, curve) > 60


# -- every plot's ticks (item 11) --------------------------------------------------------


@pytest.mark.parametrize("action", ["actionWorkspaceFxy", "actionWorkspaceRegression"])
def test_the_other_workspaces_plots_tick_with_a_real_minus_sign(make_window, action) -> None:
    import pyqtgraph as pg
    from PySide6.QtGui import QAction

    win = make_window("--expr", "x^2")
    win.findChild(QAction, action).trigger()
    axes = [
        item
        for view in win.findChildren(pg.GraphicsView)
        if view.isVisible()
        for item in view.scene().items()
        if isinstance(item, pg.AxisItem)
        and item.isVisible()
        and item.orientation in ("left", "bottom")
    ]
    assert len(axes) >= 2  # the contour plot (and slices), or the lab's plots
    for axis in axes:
        strings = axis.tickStrings([-2.0, -0.5, 1.0], 1.0, 0.5)
        assert strings == ["−2.0", "−0.5", "1.0"], axis.orientation


def test_an_empty_picture_says_why(make_window, ui, qtbot) -> None:
    # sqrt(x − 10) is undefined on all of the default view −4…4: an empty plot, with
    # nothing on it to tell a person why (the readout speaks of x₀ only).
    win = make_window("--expr", "sqrt(x - 10)")
    curves = win.plot_panel.layer("curves")
    assert curves.notice_text() == "f is undefined for every x from −4 to 4"
    (a, b), (c, d) = win.plot_panel.view_x(), win.plot_panel.view_y()
    pos = curves.notice.pos()
    assert a < pos.x() < b and c < pos.y() < d  # in view, wherever the view is
    win.plot_panel.view_box.setXRange(8.0, 14.0, padding=0)  # f from 10 on
    qtbot.waitUntil(lambda: curves.notice_text() == "", timeout=5000)
    win.plot_panel.view_box.setXRange(-20.0, -10.0, padding=0)
    qtbot.waitUntil(lambda: "from −20 to −10" in curves.notice_text(), timeout=5000)
    win.session.set_visible("f", False)  # f hidden: nothing is missing from the picture
    qtbot.waitUntil(lambda: curves.notice_text() == "", timeout=5000)
    win.session.set_visible("f", True)
    qtbot.waitUntil(lambda: curves.notice_text() != "", timeout=5000)
    ui.type(win, "x^2")  # x² is drawn: no notice
    ui.wait_ready(win)
    assert curves.notice_text() == ""
    ui.type(win, "e^(e^(e^x))")  # beyond float64 past x ≈ 0.5, but not undefined
    ui.wait_ready(win)
    assert curves.notice_text() == ""
