"""The plot panel, driven the way a person does it; checked against closed forms."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest

from derivview.model.session import Session
from derivview.ui.axes import NumberAxis
from derivview.ui.layers.tangent import KEY_STEP
from derivview.ui.plot_panel import PlotPanel
from derivview.ui.plot_style import plot_style


@cache
def compiled(text: str) -> Any:
    """f, f′, f″ of ``text``, compiled from derivview's own tree (as the window does)."""
    from derivview.model.calculus import analyze

    return analyze(text)


def set_function(session: Session, text: str) -> None:
    session.set_text(text)
    assert session.apply_function(text, compiled(text))


@pytest.fixture
def make_panel(qtbot: Any) -> Callable[..., PlotPanel]:
    def factory(
        text: str = "x^3 - 3x",
        x0: float = 1.5,
        x_range: tuple[float, float] = (-4.0, 4.0),
        y_range: tuple[float, float] | None = None,
        show: tuple[str, ...] = (),
    ) -> PlotPanel:
        session = Session()
        panel = PlotPanel(session)  # before the function: the app computes it later
        qtbot.addWidget(panel)
        panel.resize(800, 500)
        panel.show()
        qtbot.waitExposed(panel)
        session.set_view(x_range, y_range)
        set_function(session, text)
        session.set_x0(x0)
        for item in show:
            session.set_visible(item, True)
        qtbot.wait(40)  # let the layout settle (axis widths follow the new tick labels)
        return panel

    return factory


def data(item: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = item.getData()
    if x is None:
        return np.array([]), np.array([])
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def slope_of(item: Any) -> float:
    x, y = data(item)
    assert x.size == 2
    return float((y[1] - y[0]) / (x[1] - x[0]))


def viewport_pos(panel: PlotPanel, x: float, y: float) -> QPoint:
    scene = panel.plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    return panel.plot_widget.mapFromScene(scene)


def drag(qtbot: Any, panel: PlotPanel, start: QPoint, end: QPoint, steps: int = 8) -> None:
    """Press, move in steps (as a hand does: pyqtgraph rate-limits moves), release."""
    vp = panel.plot_widget.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, steps + 1):
        p = QPoint(
            start.x() + (end.x() - start.x()) * k // steps,
            start.y() + (end.y() - start.y()) * k // steps,
        )
        QTest.mouseMove(vp, p)
        qtbot.wait(20)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def gaps_straddle(x: np.ndarray, y: np.ndarray, p: float) -> bool:
    """A NaN separates the finite samples on either side of ``p``; none is drawn across."""
    fin = np.isfinite(y)
    both = fin[:-1] & fin[1:]
    if (both & (x[:-1] < p) & (x[1:] > p)).any():
        return False
    left = np.flatnonzero(fin & (x < p))
    right = np.flatnonzero(fin & (x > p))
    return left.size > 0 and right.size > 0 and right[0] - left[-1] > 1


# -- what is drawn ----------------------------------------------------------------------


def test_tangent_of_x3_minus_3x_at_1_5(make_panel) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    x, y = data(panel.layer("tangent").tangent)
    assert x.size == 2
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(3.75, rel=1e-12)
    # through (1.5, −1.125): y = 3.75 x − 6.75
    np.testing.assert_allclose(y, 3.75 * x - 6.75, rtol=1e-12, atol=1e-12)
    pos = panel.layer("tangent").point.pos()
    assert (pos.x(), pos.y()) == pytest.approx((1.5, -1.125))
    assert not panel.layer("tangent").point.hollow
    # across the whole view (or to where it leaves the top/bottom)
    (x0, x1), (y0, y1) = panel.plot_item.getViewBox().viewRange()
    assert x[0] <= x0 + 1e-9 or y[0] <= y0
    assert x[1] >= x1 - 1e-9 or y[1] >= y1


def _stroke_rows(image: Any, column: int, color: QColor, background: QColor) -> np.ndarray:
    """How much of ``color`` (0..1, over ``background``) each pixel of a column shows."""
    target = np.array(color.getRgb()[:3], dtype=float)
    bg = np.array(background.getRgb()[:3], dtype=float)
    px = np.array([image.pixelColor(column, row).getRgb()[:3] for row in range(image.height())])
    share = (px - bg) @ (target - bg) / float((target - bg) @ (target - bg))
    return np.clip(share, 0.0, 1.0)


def exact_pos(panel: PlotPanel, x: float, y: float) -> tuple[float, float]:
    """Where data (x, y) lands in the viewport, in (unrounded) pixels."""
    scene = panel.plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    p = panel.plot_widget.viewportTransform().map(scene)
    return p.x(), p.y()


@pytest.mark.parametrize(("x0", "y_range"), [(1.5, None), (0.3, (-2.0, 2.0)), (-2.0, None)])
def test_tangent_is_drawn_along_its_line_two_pixels_wide(make_panel, x0, y_range) -> None:
    # The tangent is stroked in device pixels (fast); it must land where the line is.
    panel = make_panel("x^3 - 3x", x0, y_range=y_range)
    for name in ("f", "df", "d2f", "grid", "markers", "legend"):
        panel.session.set_visible(name, False)
    image = panel.plot_widget.grab().toImage()
    assert image.width() == panel.plot_widget.viewport().width()  # (no frame: same pixels)
    style = plot_style(False)
    slope, f0 = 3 * x0**2 - 3, x0**3 - 3 * x0  # closed forms: f′, f at x₀
    (vx0, vx1), (vy0, vy1) = panel.plot_item.getViewBox().viewRange()
    (ax, ay) = exact_pos(panel, vx0, f0 + slope * (vx0 - x0))
    (bx, by) = exact_pos(panel, vx1, f0 + slope * (vx1 - x0))
    pixel_slope = (by - ay) / (bx - ax)
    hx, _ = exact_pos(panel, x0, f0)
    _, top = exact_pos(panel, x0, vy1)
    _, bottom = exact_pos(panel, x0, vy0)
    checked = 0
    for x in np.linspace(vx0, vx1, 201)[1:-1]:
        px, py = exact_pos(panel, x, f0 + slope * (x - x0))
        column = math.floor(px)
        line_y = py + pixel_slope * (column + 0.5 - px)  # at the column's centre
        margin = 4 + 2 * abs(pixel_slope)  # a column's rows of the stroke: inside the view
        if (
            not top + margin < line_y < bottom - margin
            or abs(px - hx) < 20
            or min(px - ax, bx - px) < 4  # the stroke's ends: its cap shifts the centre
        ):
            continue  # near the view's edges, or under the dragged point
        share = _stroke_rows(image, column, QColor(style.tangent), QColor(style.background))
        centres = np.arange(share.size) + 0.5
        near = np.abs(centres - line_y) <= 3 + 2 * abs(pixel_slope)
        centre = float((centres * share)[near].sum() / share[near].sum())
        assert centre == pytest.approx(line_y, abs=0.5)
        # a stroke w px wide covers w·√(1 + s²) rows of a column (s: its slope in pixels);
        # Qt's antialiasing adds up to about a pixel
        width = share[near].sum() / math.sqrt(1 + pixel_slope**2)
        assert style.tangent_width - 0.25 <= width <= style.tangent_width + 1.0
        checked += 1
    assert checked >= 8


def test_curves_are_f_and_its_derivatives(make_panel) -> None:
    panel = make_panel("x^3 - 3x")
    (y0, y1) = panel.plot_item.getViewBox().viewRange()[1]
    for name, truth in {
        "f": lambda x: x**3 - 3 * x,
        "df": lambda x: 3 * x**2 - 3,
        "d2f": lambda x: 6 * x,
    }.items():
        x, y = data(panel.layer("curves").curves[name])
        assert 500 < x.size < 5000  # a few points per pixel, not millions
        assert x[0] == pytest.approx(-4.0) and x[-1] == pytest.approx(4.0)
        inside = (truth(x) > y0) & (truth(x) < y1)
        assert inside.sum() > 100
        np.testing.assert_allclose(y[inside], truth(x[inside]), rtol=1e-12, atol=1e-12)
        assert panel.layer("curves").curves[name].opts["connect"] == "finite"


def test_axes_show_plain_numbers(make_panel) -> None:
    panel = make_panel("x sin(1/x)", 0.3, (-0.5, 0.5))
    axis = panel.plot_item.getAxis("bottom")
    assert axis.autoSIPrefixScale == 1.0 and axis.labelString().find("x0.001") < 0
    strings = axis.tickStrings([-0.4, 0.4], 1.0, 0.1)
    assert strings == ["−0.4", "0.4"]  # a real minus sign


def test_a_new_y_range_sets_no_axis_label_again(make_panel) -> None:
    """Changing the view (every keystroke refits y) re-labels no axis, the hidden right
    and top axes included: their labels' HTML was set again on every frame."""
    panel = make_panel("x^2", 0.3, (-2.0, 2.0))
    set_html: list[str] = []
    for name in ("left", "bottom", "right", "top"):
        label = panel.plot_item.getAxis(name).label
        label.setHtml = lambda html, name=name: set_html.append(name)
    for lo, hi in ((-1.0, 5.0), (-300.0, 200.0), (0.001, 0.002)):
        panel.view_box.setYRange(lo, hi, padding=0)
        panel.view_box.setXRange(lo, hi, padding=0)
    assert set_html == []


def test_initial_y_range_is_robust_for_tan(make_panel) -> None:
    panel = make_panel("tan(x)", 1.0, (-10.0, 10.0))
    y0, y1 = panel.plot_item.getViewBox().viewRange()[1]
    assert -50 < y0 < -3 and 3 < y1 < 50  # not ±1.6e16 from samples next to the poles


@pytest.mark.parametrize("name", ["f", "df", "d2f"])
def test_tan_curves_break_at_every_pole(make_panel, name: str) -> None:
    panel = make_panel("tan(x)", 1.0, (-10.0, 10.0))
    x, y = data(panel.layer("curves").curves[name])
    for k in (-5, -3, -1, 1, 3, 5):
        p = k * math.pi / 2
        fin = np.isfinite(y)
        both = fin[:-1] & fin[1:]
        crossing = both & (x[:-1] < p) & (x[1:] > p)
        assert not crossing.any(), f"{name}: a stroke crosses the pole at {p}"
    if name == "f":  # tan changes sign across the pole: a real gap on both sides
        for k in (-5, -3, -1, 1, 3, 5):
            assert gaps_straddle(x, y, k * math.pi / 2)


def test_reciprocal_and_floor_break(make_panel) -> None:
    panel = make_panel("1/x", 1.0, (-4.0, 4.0), (-5.0, 5.0))
    x, y = data(panel.layer("curves").curves["f"])
    assert gaps_straddle(x, y, 0.0)
    panel.session.set_text("floor(x)")
    panel.session.apply_function("floor(x)", compiled("floor(x)"))
    x, y = data(panel.layer("curves").curves["f"])
    for k in range(-3, 4):
        assert gaps_straddle(x, y, float(k))
    fin = np.isfinite(y)
    assert np.array_equal(y[fin], np.floor(x[fin]))  # flat steps, no risers


def test_relu_corner_shows_one_sided_tangents(make_panel) -> None:
    panel = make_panel("relu(x)", 0.0)
    assert (
        data(panel.layer("tangent").tangent)[0].size == 0
    )  # no tangent where no derivative exists
    xl, _ = data(panel.layer("tangent").left_tangent)
    xr, _ = data(panel.layer("tangent").right_tangent)
    assert slope_of(panel.layer("tangent").left_tangent) == 0.0
    assert slope_of(panel.layer("tangent").right_tangent) == pytest.approx(1.0)
    assert xl.max() == pytest.approx(0.0) and xl.min() < -3  # drawn to the left of 0
    assert xr.min() == pytest.approx(0.0) and xr.max() > 3  # and to the right
    style = panel.layer("tangent").left_tangent.opts["pen"].style()
    assert style == Qt.PenStyle.DashLine
    # convex corner: the subgradient fan spans slopes [0, 1]
    slopes = sorted(slope_of(item) for item in panel.layer("tangent").fan)
    assert slopes[0] == pytest.approx(0.0) and slopes[-1] == pytest.approx(1.0)
    assert len(set(np.round(slopes, 9))) == len(panel.layer("tangent").fan)


def test_abs_fan_spans_minus_one_to_one_and_moving_away_restores_tangent(make_panel) -> None:
    panel = make_panel("abs(x)", 0.0)
    slopes = sorted(slope_of(item) for item in panel.layer("tangent").fan)
    assert slopes[0] == pytest.approx(-1.0) and slopes[-1] == pytest.approx(1.0)
    panel.session.set_x0(0.5)
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(1.0)
    assert all(
        data(item)[0].size == 0
        for item in (*panel.layer("tangent").fan, panel.layer("tangent").left_tangent)
    )


def test_concave_corner_has_no_fan(make_panel) -> None:
    panel = make_panel("-abs(x)", 0.0)
    assert slope_of(panel.layer("tangent").left_tangent) == pytest.approx(1.0)
    assert slope_of(panel.layer("tangent").right_tangent) == pytest.approx(-1.0)
    assert all(data(item)[0].size == 0 for item in panel.layer("tangent").fan)


def test_vertical_tangent_of_cbrt(make_panel) -> None:
    panel = make_panel("cbrt(x)", 0.0)
    assert panel.session.point.kind == "vertical tangent"
    assert panel.layer("tangent").vertical_tangent.isVisible()
    assert panel.layer("tangent").vertical_tangent.value() == 0.0
    assert data(panel.layer("tangent").tangent)[0].size == 0
    panel.session.set_x0(1.0)
    assert not panel.layer("tangent").vertical_tangent.isVisible()
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(1 / 3)


def test_pole_shows_only_a_hollow_marker(make_panel) -> None:
    panel = make_panel("1/x", 0.0, (-4.0, 4.0), (-5.0, 5.0))
    assert panel.layer("tangent").point.isVisible() and panel.layer("tangent").point.hollow
    for item in (
        panel.layer("tangent").tangent,
        panel.layer("tangent").left_tangent,
        panel.layer("tangent").right_tangent,
        *panel.layer("tangent").fan,
    ):
        assert data(item)[0].size == 0
    assert not panel.layer("tangent").vertical_tangent.isVisible()


def test_removable_hole_marker_sits_at_the_limit(make_panel) -> None:
    panel = make_panel("sin(x)/x", 0.0)
    assert panel.layer("tangent").point.hollow
    assert panel.layer("tangent").point.pos().y() == pytest.approx(1.0, abs=1e-6)


def test_markers_for_x3_minus_3x(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x")
    crit = panel.layer("markers").markers["critical"]
    qtbot.waitUntil(lambda: len(crit.points()) == 2, timeout=5000)  # just after the curves
    xs = sorted(p.pos().x() for p in crit.points())
    assert xs == pytest.approx([-1.0, 1.0], abs=1e-9)
    ys = sorted(p.pos().y() for p in crit.points())
    assert ys == pytest.approx([-2.0, 2.0], abs=1e-9)
    infl = [p.pos().x() for p in panel.layer("markers").markers["inflection"].points()]
    assert infl == pytest.approx([0.0], abs=1e-9)
    # each kind of point told apart by symbol and fill (a hole is an open circle)
    looks = {
        (item.opts["symbol"], item.opts["brush"].color().name())
        for item in panel.layer("markers").markers.values()
    }
    assert len(looks) == len(panel.layer("markers").markers) == 4
    assert len(panel.layer("markers").markers["hole"].points()) == 0  # x³ − 3x has none
    panel.session.set_visible("markers", False)
    assert not any(item.isVisible() for item in panel.layer("markers").markers.values())


@pytest.mark.parametrize(
    ("expr", "x", "y"),
    [("sin(x)/x", 0.0, 1.0), ("(x^2 - 1)/(x - 1)", 1.0, 2.0), ("(1 - cos(x))/x^2", 0.0, 0.5)],
)
def test_a_hole_is_an_open_circle_at_the_limit(make_panel, qtbot, expr, x, y) -> None:
    panel = make_panel(expr, 2.5)
    holes = panel.layer("markers").markers["hole"]
    qtbot.waitUntil(lambda: len(holes.points()) == 1, timeout=5000)
    spot = holes.points()[0]
    assert (spot.pos().x(), spot.pos().y()) == pytest.approx((x, y), abs=1e-6)
    assert spot.data().startswith("hole: f is not defined at x = ")  # its tooltip
    assert holes.opts["brush"].color().name() == panel.plot_colors.background.lower()  # open
    assert "hole (f undefined)" in panel.legend_labels()
    # nothing else is marked there: the point is no corner, and f has no value to mark
    assert len(panel.layer("markers").markers["nondifferentiable"].points()) == 0


@pytest.mark.parametrize("expr", ["1/x", "abs(x)", "sqrt(x)", "x^2"])
def test_no_hole_where_f_has_none(make_panel, qtbot, expr) -> None:
    panel = make_panel(expr, 2.5)
    qtbot.wait(300)  # the markers come a moment after the curves
    assert len(panel.layer("markers").markers["hole"].points()) == 0
    assert "hole (f undefined)" not in panel.legend_labels()


def test_nondifferentiable_marker_for_abs(make_panel, qtbot) -> None:
    panel = make_panel("abs(x - 1)", 0.0)
    qtbot.waitUntil(
        lambda: len(panel.layer("markers").markers["nondifferentiable"].points()) == 1, timeout=5000
    )
    xs = [p.pos().x() for p in panel.layer("markers").markers["nondifferentiable"].points()]
    assert xs == pytest.approx([1.0])


def test_concavity_shading_of_x3_minus_3x(make_panel) -> None:
    panel = make_panel("x^3 - 3x", show=("concavity",))
    signs = [s for *_, s in panel.layer("concavity").intervals]
    assert signs == [-1, 1]
    assert panel.layer("concavity").intervals[0][1] == pytest.approx(0.0, abs=1e-9)
    shown = [b for b in panel.layer("concavity").bands if b.isVisible()]
    assert len(shown) == 2
    panel.session.set_visible("concavity", False)
    assert not any(b.isVisible() for b in panel.layer("concavity").bands)


def test_secant_slope_is_the_difference_quotient(make_panel) -> None:
    panel = make_panel("x^3 - 3x", 1.5, show=("secant",))
    session = panel.session
    for h in (0.5, -0.25, 1e-3):
        session.set_secant_h(h)
        x0 = 1.5
        q = ((x0 + h) ** 3 - 3 * (x0 + h) - (x0**3 - 3 * x0)) / h
        assert slope_of(panel.layer("secant").secant) == pytest.approx(q, rel=1e-9)
        x, y = data(panel.layer("secant").secant)
        np.testing.assert_allclose(y, -1.125 + q * (x - x0), rtol=1e-9, atol=1e-9)
        p = panel.layer("secant").secant_point.pos()
        assert (p.x(), p.y()) == pytest.approx((x0 + h, (x0 + h) ** 3 - 3 * (x0 + h)))
    session.set_visible("secant", False)
    assert (
        data(panel.layer("secant").secant)[0].size == 0
        and not panel.layer("secant").secant_point.isVisible()
    )


def test_visibility_toggles_and_legend(make_panel) -> None:
    panel = make_panel()
    labels = panel.legend_labels()
    assert labels[:4] == ["f(x)", "f′(x)", "f″(x)", "tangent"]
    s = panel.session
    s.set_visible("df", False)
    assert (
        not panel.layer("curves").curves["df"].isVisible()
        and panel.layer("curves").curves["f"].isVisible()
    )
    s.set_visible("tangent", False)
    assert not panel.layer("tangent").tangent.isVisible()
    s.set_visible("legend", False)
    assert not panel.legend.isVisible()
    s.set_visible("d2f", False)
    s.set_visible("df", True)
    assert (
        panel.layer("curves").curves["df"].isVisible()
        and not panel.layer("curves").curves["d2f"].isVisible()
    )
    s.set_visible("secant", True)
    assert "secant" in panel.legend_labels()


def test_clicking_a_legend_entry_toggles_it_through_the_session(make_panel, qtbot) -> None:
    panel = make_panel()
    sample = next(smp for smp, label in panel.legend.items if label.text == "f′(x)")

    def click_sample() -> None:
        scene = sample.mapToScene(sample.boundingRect().center())
        pos = panel.plot_widget.mapFromScene(scene)
        qtbot.mouseClick(panel.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    click_sample()
    assert not panel.session.is_visible("df")
    assert not panel.layer("curves").curves["df"].isVisible()
    sample = next(smp for smp, label in panel.legend.items if label.text == "f′(x)")
    click_sample()
    assert panel.session.is_visible("df") and panel.layer("curves").curves["df"].isVisible()


def test_grid_lines_sit_at_the_axis_ticks_and_toggle(make_panel, monkeypatch) -> None:
    """The grid's lines are at the very ticks the axes label when they paint (pyqtgraph
    picks the ticks for the axis's own length in pixels, not the view's)."""
    drawn: dict[str, tuple[float, float, float]] = {}
    tick_values = NumberAxis.tickValues

    def spy(axis, lo, hi, size):  # type: ignore[no-untyped-def]
        drawn[axis.orientation] = (lo, hi, size)
        return tick_values(axis, lo, hi, size)

    monkeypatch.setattr(NumberAxis, "tickValues", spy)
    panel = make_panel("x^3 - 3x", x_range=(-4.0, 4.0), y_range=(-10.0, 10.0))
    panel.session.set_view((-4.5, 4.0), (-10.0, 11.0))
    drawn.clear()
    panel.plot_widget.grab()  # the axes paint, for the new range
    painted = dict(drawn)
    for orientation, (lo, hi, _size) in painted.items():  # the grid asks what they drew
        panel.plot_item.getAxis(orientation).drawn_ticks(lo, hi)
        assert drawn[orientation] == painted[orientation]
    major, minor = panel.layer("grid").grid_lines
    assert major.isVisible()
    for level, line in enumerate((major, minor)):
        x, y = (np.asarray(a) for a in line.getData())
        vertical = x[0::2] == x[1::2]  # segment endpoints come in pairs
        for orientation, values in (("bottom", x[0::2][vertical]), ("left", y[0::2][~vertical])):
            axis = panel.plot_item.getAxis(orientation)
            ticks = pg.AxisItem.tickValues(axis, *drawn[orientation])[level][1]
            assert sorted(set(values.tolist())) == pytest.approx(sorted(ticks)), orientation
        # each line across the whole view
        assert (y[0::2][vertical], y[1::2][vertical]) == (pytest.approx(-10), pytest.approx(11))
        assert (x[0::2][~vertical], x[1::2][~vertical]) == (pytest.approx(-4.5), pytest.approx(4))
    panel.session.set_visible("grid", False)
    assert not any(line.isVisible() for line in panel.layer("grid").grid_lines)
    assert panel.plot_item.getAxis("bottom").grid is False  # pyqtgraph's slow grid is off


# -- what a person does -------------------------------------------------------------------


def test_drag_the_point_along_the_curve(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    start = panel.plot_widget.mapFromScene(panel.layer("tangent").point_scene_pos())
    end = viewport_pos(panel, -1.0, 5.0)  # y is ignored: the point follows f
    xr_before = panel.session.x_range
    drag(qtbot, panel, start, end)
    px = panel.plot_item.getViewBox().viewPixelSize()[0]
    assert panel.session.x0 == pytest.approx(-1.0, abs=2 * px)
    assert panel.session.x_range == xr_before  # the view did not pan
    x0 = panel.session.x0
    pos = panel.layer("tangent").point.pos()
    assert (pos.x(), pos.y()) == pytest.approx((x0, x0**3 - 3 * x0))
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(3 * x0**2 - 3, abs=1e-9)


def test_drag_the_secant_point_sets_h(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5, show=("secant",))
    start = panel.plot_widget.mapFromScene(
        panel.layer("secant").secant_point_scene_pos()
    )  # at x₀ + 0.5
    end = viewport_pos(panel, 1.0, 0.0)
    drag(qtbot, panel, start, end)
    px = panel.plot_item.getViewBox().viewPixelSize()[0]
    h = panel.session.secant_h
    assert h == pytest.approx(-0.5, abs=2 * px)
    assert panel.session.x0 == 1.5  # the tangent point stayed
    q = ((1.5 + h) ** 3 - 3 * (1.5 + h) + 1.125) / h
    assert slope_of(panel.layer("secant").secant) == pytest.approx(q, rel=1e-9)


def test_drag_elsewhere_pans_the_view_and_writes_the_session(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    start = viewport_pos(panel, -2.5, -10.0)  # far from the point and the curves
    end = QPoint(start.x() + 100, start.y())
    drag(qtbot, panel, start, end)
    qtbot.waitUntil(lambda: panel.session.x_range[0] < -4.5, timeout=2000)
    vb = panel.plot_item.getViewBox()
    qtbot.waitUntil(
        lambda: panel.session.x_range == pytest.approx(tuple(vb.viewRange()[0])), timeout=2000
    )
    assert panel.session.x0 == 1.5
    # and the curves were resampled over the new view
    qtbot.waitUntil(lambda: data(panel.layer("curves").curves["f"])[0][0] < -4.5, timeout=2000)


def test_session_view_moves_the_viewbox_and_resamples(make_panel, qtbot) -> None:
    panel = make_panel()
    panel.session.set_view((0.0, 2.0), (-3.0, 3.0))
    (x0, x1), (y0, y1) = panel.plot_item.getViewBox().viewRange()
    assert (x0, x1, y0, y1) == pytest.approx((0.0, 2.0, -3.0, 3.0))
    # resampled within a frame (throttled to the frame rate)
    qtbot.waitUntil(
        lambda: data(panel.layer("curves").curves["f"])[0][0] == pytest.approx(0.0), timeout=2000
    )
    x, _ = data(panel.layer("curves").curves["f"])
    assert x[-1] == pytest.approx(2.0)
    assert panel.session.x_range == (0.0, 2.0)  # no echo rewrote it


def test_auto_button_refits_robustly(make_panel) -> None:
    panel = make_panel("tan(x)", 1.0, (-10.0, 10.0), y_range=(-1000.0, 1000.0))
    btn = panel.plot_item.autoBtn
    btn.clicked.emit(btn)
    assert panel.session.y_range is None
    y0, y1 = panel.plot_item.getViewBox().viewRange()[1]
    assert -50 < y0 < -3 and 3 < y1 < 50  # not pyqtgraph's autorange over 1e16


def test_click_near_the_curve_moves_x0(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    pos = viewport_pos(panel, -2.0, -2.0)
    pos = QPoint(pos.x(), pos.y() + 3)  # a few pixels off the curve
    qtbot.mouseClick(panel.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    px = panel.plot_item.getViewBox().viewPixelSize()[0]
    assert panel.session.x0 == pytest.approx(-2.0, abs=4 * px)


def test_click_far_from_the_curve_does_nothing(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    pos = viewport_pos(panel, -2.0, 10.0)
    qtbot.mouseClick(panel.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert panel.session.x0 == 1.5


def test_arrow_keys_move_x0(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    panel.plot_widget.setFocus()
    step = 8.0 * KEY_STEP
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_Right)
    assert panel.session.x0 == pytest.approx(1.5 + step)
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_Left)
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_Left)
    assert panel.session.x0 == pytest.approx(1.5 - step)
    qtbot.keyClick(panel.plot_widget, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert panel.session.x0 == pytest.approx(1.5 - step + step / 10)
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(3 * panel.session.x0**2 - 3)


def test_cursor_is_a_hand_over_the_point(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5)
    vp = panel.plot_widget.viewport()
    QTest.mouseMove(vp, panel.plot_widget.mapFromScene(panel.layer("tangent").point_scene_pos()))
    qtbot.waitUntil(lambda: vp.cursor().shape() == Qt.CursorShape.OpenHandCursor, timeout=2000)
    qtbot.wait(30)  # pyqtgraph rate-limits mouse moves
    QTest.mouseMove(vp, viewport_pos(panel, -3.0, 10.0))
    qtbot.waitUntil(lambda: vp.cursor().shape() != Qt.CursorShape.OpenHandCursor, timeout=2000)


def test_cursor_coordinates_are_shown(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5, y_range=(-10.0, 10.0))
    vp = panel.plot_widget.viewport()
    QTest.mouseMove(vp, viewport_pos(panel, 2.0, 5.0))
    qtbot.waitUntil(lambda: panel.coords_label.isVisible(), timeout=2000)
    text = panel.coords_label.text()
    x, y = (float(v) for v in re.findall(r"= (-?[\d.e+-]+)", text))
    px, py = panel.plot_item.getViewBox().viewPixelSize()
    assert x == pytest.approx(2.0, abs=2 * px) and y == pytest.approx(5.0, abs=2 * py)


def test_x0_moves_do_not_resample_the_curves(make_panel, qtbot) -> None:
    panel = make_panel("x^3 - 3x", 1.5, show=("df", "d2f"))
    # The same view resamples to the same grid: what tells a resample is that the curves
    # were given data again at all.
    given: list[str] = []
    for name, curve in panel.layer("curves").curves.items():
        curve.sigPlotChanged.connect(lambda *_, n=name: given.append(n))
    for x0 in (0.3, -1.2, 2.5):
        panel.session.set_x0(x0)
        qtbot.wait(40)  # longer than a frame: a throttled resample would have run
    assert given == []
    # The tangent did follow x₀ (f′(2.5) = 3·2.5² − 3 = 15.75) …
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(15.75)
    # … and a change that does need new samples is seen by the same probe.
    panel.session.set_view((-3.0, 3.0), None)
    qtbot.waitUntil(lambda: set(given) == {"f", "df", "d2f"}, timeout=2_000)


def test_changing_the_function_refits_and_redraws(make_panel) -> None:
    panel = make_panel("x^3 - 3x", 1.0)
    set_function(panel.session, "sin(x)")
    y0, y1 = panel.plot_item.getViewBox().viewRange()[1]
    assert -1.5 < y0 < -1 and 1 < y1 < 1.5
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(math.cos(1.0))


def test_parameters_redraw_the_curves_and_the_tangent(make_panel) -> None:
    panel = make_panel("a sin(x)", 1.0, y_range=(-3.0, 3.0))
    panel.session.set_param("a", 2.0)
    x, y = data(panel.layer("curves").curves["f"])
    np.testing.assert_allclose(y, 2 * np.sin(x), rtol=1e-12, atol=1e-12)
    x, y = data(panel.layer("curves").curves["df"])
    np.testing.assert_allclose(y, 2 * np.cos(x), rtol=1e-12, atol=1e-12)
    assert slope_of(panel.layer("tangent").tangent) == pytest.approx(2 * math.cos(1.0))
    assert panel.layer("tangent").point.pos().y() == pytest.approx(2 * math.sin(1.0))


def test_no_function_draws_nothing(qtbot) -> None:
    panel = PlotPanel(Session())
    qtbot.addWidget(panel)
    panel.show()
    assert data(panel.layer("curves").curves["f"])[0].size == 0
    assert not panel.layer("tangent").point.isVisible()


# -- theme ----------------------------------------------------------------------------------


def test_set_dark_applies_the_dark_style(make_panel) -> None:
    panel = make_panel()
    panel.set_dark(True)
    dark = plot_style(True)
    assert panel.dark
    assert panel.plot_widget.backgroundBrush().color().name() == QColor(dark.background).name()
    assert panel.layer("curves").curves["f"].opts["pen"].color().name() == QColor(dark.f).name()
    panel.set_dark(False)
    light = plot_style(False)
    assert panel.layer("curves").curves["f"].opts["pen"].color().name() == QColor(light.f).name()


def test_follows_the_one_theme_signal(make_panel) -> None:
    from derivview.ui.theme import theme_signals

    panel = make_panel()
    fixed = PlotPanel(panel.session, dark=False)  # an export's: fixed colours
    signals = theme_signals()
    was = signals.dark
    try:
        signals.set_dark(True)
        assert panel.dark and not fixed.dark
        dark = QColor(plot_style(True).f).name()
        assert panel.layer("curves").curves["f"].opts["pen"].color().name() == dark
        signals.set_dark(False)
        assert not panel.dark
    finally:
        signals.set_dark(was)
        fixed.deleteLater()


def test_built_while_the_theme_is_dark_starts_dark(qtbot) -> None:
    from derivview.ui.theme import theme_signals

    signals = theme_signals()
    was = signals.dark
    try:
        signals.set_dark(True)
        panel = PlotPanel(Session())
        qtbot.addWidget(panel)
        assert panel.dark
    finally:
        signals.set_dark(was)
    assert not panel.dark


def test_styles_are_distinct_and_colour_blind_safe() -> None:
    for dark in (False, True):
        st = plot_style(dark)
        curves = {st.f, st.df, st.d2f, st.tangent, st.secant}
        assert len(curves) == 5
        assert len({st.critical, st.inflection, st.nondifferentiable}) == 3
        assert len({st.symbol_critical, st.symbol_inflection, st.symbol_nondifferentiable}) == 3
        assert st.descent[0] != st.descent[1]
        assert QColor(st.concave_up).alpha() < 255 or len(st.concave_up) == 9


def test_samples_follow_the_plot_width_but_not_a_few_pixels(make_panel, qtbot) -> None:
    """A window made much wider samples f more finely; the few pixels the left axis
    gains or loses with its tick labels as f changes keep the samples (sampling f
    twice per keystroke for them cost a whole resample each time)."""
    panel = make_panel("sin(x)")
    curve = panel.layer("curves").curves["f"]
    before = data(curve)[0].size
    panel.resize(panel.width() + 12, panel.height())  # ~1.5 % wider
    qtbot.wait(60)
    assert data(curve)[0].size == before
    panel.resize(panel.width() * 2, panel.height())
    qtbot.waitUntil(lambda: data(curve)[0].size > 1.5 * before, timeout=2000)


def test_the_y_axis_keeps_its_width_as_f_changes_a_little(make_panel, qtbot) -> None:
    # "−60" then "−4" as tick labels: the axis keeps its width for the narrower labels,
    # so the view (and every curve in it) is not resized as a person types; labels much
    # wider grow it at once, and labels needing well under its width narrow it again
    panel = make_panel("x^3", 1.0)
    axis = panel.plot_item.getAxis("left")
    qtbot.wait(50)
    wide, view = axis.width(), panel.view_box.width()
    set_function(panel.session, "x")
    qtbot.wait(50)
    assert axis.width() == wide and panel.view_box.width() == view
    set_function(panel.session, "x - 1234567")
    qtbot.wait(50)
    widest = axis.width()
    assert widest > wide
    set_function(panel.session, "x")
    qtbot.wait(50)
    assert axis.width() < widest  # "−4" needs far less than "−1234570" took
