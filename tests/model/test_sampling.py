"""Plot sampling against closed forms: gaps exactly at poles and jumps, none elsewhere."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derivview.model import sampling as S


def gaps(s: S.Samples) -> list[tuple[float, float]]:
    """(last finite x before, first finite x after) for every gap between finite samples."""
    idx = np.flatnonzero(np.isfinite(s.y))
    jumps = np.flatnonzero(np.diff(idx) > 1)
    return [(float(s.x[idx[j]]), float(s.x[idx[j + 1]])) for j in jumps]


def assert_no_stroke_across(s: S.Samples, points: list[float]) -> None:
    """No line segment (two consecutive finite samples) crosses any of ``points``."""
    x, y = s.x, s.y
    both = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    for p in points:
        crossing = both & (x[:-1] < p) & (x[1:] > p)
        assert not crossing.any(), f"a segment is drawn across x = {p}"


TAN_POLES = [k * math.pi / 2 for k in (-5, -3, -1, 1, 3, 5)]


@pytest.mark.parametrize("width", [400, 1000, 2000, 2561])
def test_tan_breaks_exactly_at_its_six_poles(width: int) -> None:
    s = S.sample(np.tan, (-10.0, 10.0), width, y_range=S.fit_y_range(np.tan, (-10, 10)))
    spacing = 20.0 / (S.sample_count(width) - 1)
    found = gaps(s)
    assert len(found) == 6
    for (a, b), pole in zip(found, TAN_POLES, strict=True):
        assert a < pole < b
        assert b - a < spacing
    assert_no_stroke_across(s, TAN_POLES)


def test_tan_breaks_with_a_fitted_y_range() -> None:
    s = S.sample(np.tan, (-10.0, 10.0), 2000)  # y_range None: fit robustly
    assert s.breaks == 6
    assert_no_stroke_across(s, TAN_POLES)


def test_tan_curve_reaches_towards_the_pole() -> None:
    # the pieces end next to the pole (the bisection bracket), far beyond any view
    s = S.sample(np.tan, (-10.0, 10.0), 1000)
    i = int(np.flatnonzero(np.isnan(s.y) & (np.abs(s.x - math.pi / 2) < 0.1))[0])
    assert abs(s.y[i - 1]) > 1e6 and abs(s.y[i + 1]) > 1e6


@pytest.mark.parametrize(("b", "poles_in_view"), [(1.0, 6), (4.0, 26)])  # few, many brackets
def test_the_pieces_end_within_2_to_the_minus_30_of_a_spacing_of_each_pole(
    b: float, poles_in_view: int
) -> None:
    s = S.sample(lambda x: np.tan(b * x), (-10.0, 10.0), 1000, y_range=(-5.0, 5.0))
    spacing = 20.0 / (S.sample_count(1000) - 1)
    found = gaps(s)
    assert len(found) == poles_in_view
    for lo, hi in found:
        pole = (round(lo * b / (math.pi / 2) - 1) // 2 * 2 + 1) * math.pi / 2 / b
        assert lo < pole < hi
        assert hi - lo <= spacing * 2.0**-S.MAX_BISECTIONS


def test_sample_count_is_a_few_per_pixel() -> None:
    for width in (300, 800, 2000):
        s = S.sample(np.sin, (0.0, 1.0), width)
        assert 2 * width <= s.x.size <= 4 * width
    assert S.sample(np.sin, (0, 1), 1e9).x.size <= S.MAX_SAMPLES


@pytest.mark.parametrize("width", [500, 1000.5, 1333])  # with and without a sample at 0
def test_reciprocal_breaks_at_zero_only(width: float) -> None:
    s = S.sample(lambda x: 1 / x, (-4.0, 4.0), width, (-5.0, 5.0))
    found = gaps(s)
    assert len(found) == 1
    a, b = found[0]
    assert a < 0 < b
    assert_no_stroke_across(s, [0.0])


def test_floor_breaks_at_each_integer_and_steps_end_there() -> None:
    s = S.sample(np.floor, (-4.3, 4.3), 1000, (-6.0, 6.0))
    found = gaps(s)
    assert len(found) == 9
    for (a, b), k in zip(found, range(-4, 5), strict=True):
        assert a < k <= b
        assert k - a < 1e-9 and b - k < 1e-9  # the flat steps run right up to the jump
    assert_no_stroke_across(s, [float(k) for k in range(-4, 5)])
    # every finite sample is the floor of its x (no interpolated stair risers)
    fin = np.isfinite(s.y)
    assert np.array_equal(s.y[fin], np.floor(s.x[fin]))


def test_floor_breaks_even_when_the_steps_are_small_in_the_view() -> None:
    s = S.sample(np.floor, (-4.3, 4.3), 1000, (-100.0, 100.0))
    assert len(gaps(s)) == 9


def test_sign_breaks_at_zero() -> None:
    s = S.sample(np.sign, (-3.0, 2.0), 800, (-2.0, 2.0))
    assert len(gaps(s)) == 1


@pytest.mark.parametrize(
    ("name", "func", "x_range", "y_range"),
    [
        ("x³", lambda x: x**3, (-10.0, 10.0), None),
        ("x³ zoomed in y", lambda x: x**3, (-10.0, 10.0), (-1.0, 1.0)),
        ("tanh(1000x)", lambda x: np.tanh(1000 * x), (-4.0, 4.0), None),
        ("sin", np.sin, (-10.0, 10.0), None),
        ("cbrt (vertical tangent)", np.cbrt, (-1.0, 1.0), (-0.2, 0.2)),
        ("exp(x²)", lambda x: np.exp(x**2), (-4.0, 4.0), None),
        ("sin(50x)", lambda x: np.sin(50 * x), (-10.0, 10.0), None),
    ],
)
def test_no_false_breaks_on_continuous_functions(name, func, x_range, y_range) -> None:
    s = S.sample(func, x_range, 2000, y_range)
    assert s.breaks == 0, name
    assert np.isfinite(s.y).all()


def test_non_finite_values_are_gaps() -> None:
    s = S.sample(np.sqrt, (-4.0, 4.0), 500)
    neg = s.x < 0
    assert np.isnan(s.y[neg]).all()
    fin = ~neg
    np.testing.assert_allclose(s.y[fin], np.sqrt(s.x[fin]))


@settings(max_examples=60, deadline=None)
# hypothesis found: a sample at exactly y = 10 (the view's edge) beside tan 3x's pole at
# π/2 made two more breaks, between values beyond the view, on that same pole
@example(b=3.0, lo=-1.0, span=20.0, width=200)
@given(
    b=st.floats(0.2, 3.0),
    lo=st.floats(-20.0, -1.0),
    span=st.floats(2.0, 30.0),
    width=st.integers(200, 2500),
)
def test_tan_bx_breaks_at_every_pole_in_view(b: float, lo: float, span: float, width: int):
    hi = lo + span
    f = lambda x: np.tan(b * x)  # noqa: E731
    s = S.sample(f, (lo, hi), width, (-10.0, 10.0))
    spacing = span / (S.sample_count(width) - 1)
    ks = range(math.ceil(lo * b / math.pi - 0.5), math.floor(hi * b / math.pi - 0.5) + 1)
    poles = [(k + 0.5) * math.pi / b for k in ks]
    # a pole within a sample of the ends may show as one edge sample: skip those cases
    if any(min(p - lo, hi - p) < 2 * spacing for p in poles):
        return
    assert len(gaps(s)) == len(poles)
    assert_no_stroke_across(s, poles)


@settings(max_examples=60, deadline=None)
@given(
    a=st.floats(-5, 5),
    c=st.floats(-2, 2),
    w=st.floats(0.1, 20),
    width=st.integers(200, 2500),
)
def test_smooth_functions_never_break(a: float, c: float, w: float, width: int) -> None:
    f = lambda x: a * np.sin(w * x) + c * x**3  # noqa: E731
    s = S.sample(f, (-5.0, 5.0), width)
    assert s.breaks == 0


# -- robust y-range -------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(
    values=st.lists(
        st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1, max_size=200
    ),
    qs=st.lists(st.floats(0.0, 100.0), min_size=1, max_size=6),
)
@example(values=[1.0, 2.0], qs=[50.0, 100.0, 0.0])
@example(values=[-3.0, -3.0, 5.0, 1e308, -1e308], qs=[2.0, 25.0, 75.0, 98.0])
def test_percentiles_are_numpys_to_the_last_bit(values: list[float], qs: list[float]) -> None:
    v = np.array(values)
    with np.errstate(all="ignore"):  # numpy's own lerp overflows between ±1e308 too
        expected = np.percentile(v, qs)
        got = S.percentiles(v.copy(), tuple(qs))
    np.testing.assert_array_equal(got, expected)


def test_robust_y_range_for_tan_ignores_the_poles() -> None:
    lo, hi = S.fit_y_range(np.tan, (-10.0, 10.0))
    assert -50 < lo < -5 and 5 < hi < 50  # not 1e16 from tan near π/2


def test_robust_y_range_for_tan_sampled_on_a_pole() -> None:
    x = np.linspace(-math.pi / 2, math.pi / 2, 1001)  # tan(±π/2) = ±1.6e16, no warning
    lo, hi = S.robust_y_range(np.tan(x))
    assert -50 < lo < -3 and 3 < hi < 50


def test_robust_y_range_for_exp_x_squared_is_not_blown_up() -> None:
    lo, hi = S.fit_y_range(lambda x: np.exp(x**2), (-4.0, 4.0))
    top = math.exp(16.0)
    assert hi < 0.01 * top  # the last steep stretch does not squash the rest
    assert lo <= 1.0 <= 100 < hi  # the bowl (minimum 1) is in view
    lo, hi = S.fit_y_range(lambda x: np.exp(x**2), (-10.0, 10.0))
    assert math.isfinite(lo) and math.isfinite(hi) and hi < 1e30


def test_robust_y_range_shows_all_of_a_bounded_curve() -> None:
    lo, hi = S.fit_y_range(np.sin, (-10.0, 10.0))
    assert lo < -1 < 1 < hi < 1.5 and lo > -1.5


def test_robust_y_range_is_never_degenerate() -> None:
    assert S.robust_y_range(np.full(10, 3.0)) == (2.0, 4.0)
    lo, hi = S.robust_y_range(np.full(10, 1e6))
    assert lo < 1e6 < hi
    assert S.robust_y_range([np.nan, np.inf]) == S.DEFAULT_Y_RANGE
    assert S.robust_y_range([]) == S.DEFAULT_Y_RANGE


def test_evaluate_broadcasts_constants_and_never_raises() -> None:
    x = np.linspace(0, 1, 5)
    np.testing.assert_array_equal(S.evaluate(lambda x: 2.0, x), np.full(5, 2.0))

    def boom(x):
        raise ValueError("no")

    assert np.isnan(S.evaluate(boom, x)).all()
    y = S.evaluate(lambda x: np.log(x), x)
    assert np.isnan(y[0]) and y[-1] == 0.0


# -- lines ----------------------------------------------------------------------------


def test_clip_line_is_the_tangent_of_x3_minus_3x_at_1_5() -> None:
    xs, ys = S.clip_line(1.5, -1.125, 3.75, (-4.0, 4.0), (-30.0, 30.0))
    assert xs[0] == -4.0 and xs[1] == 4.0
    np.testing.assert_allclose(ys, -1.125 + 3.75 * (xs - 1.5))


def test_clip_line_keeps_steep_lines_inside_the_box() -> None:
    xs, ys = S.clip_line(0.0, 0.0, 1e9, (-4.0, 4.0), (-10.0, 10.0))
    np.testing.assert_allclose(ys, [-10.0, 10.0])
    np.testing.assert_allclose(xs, [-1e-8, 1e-8])
    assert S.clip_line(0.0, 100.0, 0.0, (-1, 1), (-10, 10)) is None
    assert S.clip_line(0.0, 0.0, math.nan, (-1, 1), (-10, 10)) is None


def test_clip_ray_sides() -> None:
    xs, ys = S.clip_ray(0.0, 0.0, 1.0, (-4.0, 4.0), (-10.0, 10.0), "right")
    np.testing.assert_allclose(xs, [0.0, 4.0])
    np.testing.assert_allclose(ys, [0.0, 4.0])
    xs, ys = S.clip_ray(0.0, 0.0, 0.0, (-4.0, 4.0), (-10.0, 10.0), "left")
    np.testing.assert_allclose(xs, [-4.0, 0.0])
    np.testing.assert_allclose(ys, [0.0, 0.0])
    assert S.clip_ray(5.0, 0.0, 1.0, (-4.0, 4.0), (-10.0, 10.0), "right") is None


# -- concavity ------------------------------------------------------------------------


def test_concavity_of_x3_minus_3x() -> None:
    x = np.linspace(-4, 4, 1000)  # no sample at 0: the boundary is interpolated
    got = S.concavity_intervals(x, 6 * x)
    assert [s for _, _, s in got] == [-1, 1]
    assert got[0][0] == -4 and got[1][1] == 4
    assert abs(got[0][1]) < 1e-12 and got[0][1] == got[1][0]


def test_concavity_of_sin_switches_at_multiples_of_pi() -> None:
    x = np.linspace(-10, 10, 3001)
    got = S.concavity_intervals(x, -np.sin(x))
    edges = [b for _, b, _ in got[:-1]]
    np.testing.assert_allclose(edges, [k * math.pi for k in range(-3, 4)], atol=1e-4)
    assert [s for *_, s in got] == [-1, 1, -1, 1, -1, 1, -1, 1]


def test_concavity_isolated_zero_does_not_split() -> None:
    x = np.linspace(-2, 2, 101)  # has a sample at exactly 0, where 12x² = 0
    assert S.concavity_intervals(x, 12 * x**2) == [(-2.0, 2.0, 1)]
    assert S.concavity_intervals(x, np.zeros_like(x)) == []


def test_concavity_stops_where_f2_is_undefined() -> None:
    x = np.linspace(-2, 2, 401)
    with np.errstate(all="ignore"):
        d2 = 2 / x**3  # 1/x: concave down left of 0, up right of it, undefined at 0
    d2[~np.isfinite(d2)] = np.nan
    got = S.concavity_intervals(x, d2)
    assert [s for *_, s in got] == [-1, 1]
    assert got[0][1] < 0 < got[1][0]


@pytest.mark.parametrize("y_range", [(-8.0, 8.0), (-1.0, 1.0)])
def test_even_order_poles_break_too(y_range: tuple[float, float]) -> None:
    # 1 + tan² x leaves the view upwards on both sides of each pole: still no stroke
    s = S.sample(lambda x: 1 + np.tan(x) ** 2, (-10.0, 10.0), 2000, y_range)
    assert len(gaps(s)) == 6
    assert_no_stroke_across(s, TAN_POLES)
    s = S.sample(lambda x: 1 / x**2, (-10.0, 10.0), 2000, y_range)  # symmetric samples
    assert len(gaps(s)) == 1
    assert_no_stroke_across(s, [0.0])


@pytest.mark.parametrize("side", [-1.0, 1.0])
@pytest.mark.parametrize("offset", [1e-6, 1e-3, 0.03, 0.2, 0.5])
def test_an_even_pole_beside_a_sample_breaks(side: float, offset: float) -> None:
    # The two segments beside a local maximum of the samples are searched together: a
    # pole a hair beside the sample they share must still be found, on either side.
    xr, width = (-4.0, 4.0), 880.0
    grid = np.linspace(*xr, S.sample_count(width))
    spacing = grid[1] - grid[0]
    p = grid[1500] + side * offset * spacing
    s = S.sample(lambda x: 1.0 / (x - p) ** 2, xr, width, (-1.0, 10.0))
    assert len(gaps(s)) == 1
    assert_no_stroke_across(s, [p])


@pytest.mark.parametrize("offset", [1e-5, 1e-4, 0.01, 0.05, 0.3])  # the search: 4e-6
def test_an_even_pole_beside_the_edge_of_the_domain_breaks(offset: float) -> None:
    # √x's derivative peaks at the first sample of its domain, at the end of that
    # segment; a pole a hair inside the same segment must not be taken for that peak.
    xr, width = (-4.0, 4.0), 880.0
    grid = np.linspace(*xr, S.sample_count(width))
    first = grid[grid >= 0.0][0]
    p = first + offset * (grid[1] - grid[0])

    def f(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return 1.0 / np.sqrt(x) + 1.0 / (x - p) ** 2

    s = S.sample(f, xr, width, (-1.0, 10.0))
    assert len(gaps(s)) == 1  # at p (not between the undefined x < 0 and the first sample)
    assert_no_stroke_across(s, [p])


@pytest.mark.parametrize("text", ["sqrt", "log"])
def test_the_edge_of_a_domain_is_looked_at_once(text: str) -> None:
    # f′ of √x and of ln x grows toward x = 0, peaking at the first sample of the
    # domain: one look toward that end shows |f′| falling from it, and there is no
    # search for a pole (it took six rounds and two more looks).
    d1 = {"sqrt": lambda x: 0.5 / np.sqrt(x), "log": lambda x: 1.0 / x}[text]
    calls: list[int] = []

    def counted(v: np.ndarray) -> np.ndarray:
        calls.append(v.size)
        with np.errstate(all="ignore"):
            return np.where(v > 0, d1(np.abs(v)), np.nan)

    s = S.sample(counted, (-4.0, 4.0), 880.0, (-1.0, 3.0))
    assert gaps(s) == []
    assert len(calls) == 3  # the samples, the segment's 17 points, the look toward 0


def test_a_smooth_extremum_beyond_the_view_is_not_searched_for_a_pole() -> None:
    # f″ of x³ sin x e^(−x²/4) dips to −6.62 near x = ±2.05, just below this view: the
    # two segments beside each of those samples are looked at once (16 points each)
    # and left alone — no search for a pole, which took six rounds and two more looks.
    x = sp.symbols("x")
    d2f = sp.lambdify(x, sp.diff(x**3 * sp.sin(x) * sp.exp(-(x**2) / 4), x, 2), "numpy")
    calls: list[int] = []

    def counted(v: np.ndarray) -> np.ndarray:
        calls.append(v.size)
        return d2f(v)

    s = S.sample(counted, (-4.0, 4.0), 880.0, (-6.5, 4.2))
    assert gaps(s) == []
    assert len(calls) == 2  # the samples, then one look at the four segments


@pytest.mark.parametrize("width", [1000.3, 874.0, 875.0])
def test_sign_near_zero_has_no_riser(width: float) -> None:
    # a sample on 0 (sign 0 there: two jumps side by side), or a bisection landing on 0
    s = S.sample(np.sign, (-4.0, 4.0), width, (-0.2, 4.1))
    assert_no_stroke_across(s, [-1e-300, 1e-300])
    y = s.y
    both = np.isfinite(y[:-1]) & np.isfinite(y[1:])
    assert not (both & (y[:-1] != y[1:])).any()  # every drawn segment is flat
    fin = np.isfinite(s.y)
    assert np.array_equal(s.y[fin], np.sign(s.x[fin]))


def test_a_tame_curve_is_shown_whole() -> None:
    lo, hi = S.fit_y_range(np.sqrt, (-4.0, 4.0))  # f(0) = 0 is in view
    assert lo < 0 < 2 < hi < 2.5
    lo, hi = S.fit_y_range(lambda x: x**2, (-4.0, 4.0))
    assert lo < 0 and 16 < hi < 18


def test_fit_includes_the_point_unless_it_is_far_off() -> None:
    lo, hi = S.fit_y_range(np.tan, (-10.0, 10.0))
    _, hi2 = S.fit_y_range(np.tan, (-10.0, 10.0), include=float(np.tan(1.5)))  # 14.1
    assert hi < 14.1 < hi2
    lo3, hi3 = S.fit_y_range(np.tan, (-10.0, 10.0), include=float(np.tan(1.5707)))  # 1e4
    assert (lo3, hi3) == (lo, hi)


def _tan3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    t = np.tan(x)
    return t, 1.0 + t**2, 2.0 * t * (1.0 + t**2)


def _recip3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return 1.0 / x, -1.0 / x**2, 2.0 / x**3


def _sqrt3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r = np.sqrt(x)
    return r, 0.5 / r, -0.25 / (r * x)


def _abs3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return np.abs(x), np.where(x == 0, np.nan, np.sign(x)), np.where(x == 0, np.nan, 0.0)


def _floor3(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    whole = x == np.floor(x)
    return np.floor(x), np.where(whole, np.nan, 0.0), np.where(whole, np.nan, 0.0)


@pytest.mark.parametrize("many", [_tan3, _recip3, _sqrt3, _abs3, _floor3])
@pytest.mark.parametrize("y_range", [(-6.0, 6.0), None])
def test_curves_sampled_together_are_the_curves_sampled_one_by_one(many, y_range) -> None:
    """f, f′, f″ from one function, their breaks searched together: the same samples as
    each sampled alone (whose breaks the closed-form tests above check)."""
    with np.errstate(all="ignore"):
        together = S.sample_many(many, 3, (-4.0, 4.0), 880.0, y_range)
        for k, got in enumerate(together):
            alone = S.sample(lambda x, k=k: many(x)[k], (-4.0, 4.0), 880.0, y_range)
            assert np.array_equal(got.x, alone.x)
            assert np.array_equal(got.y, alone.y, equal_nan=True)
    assert [s.breaks for s in together] == {
        _tan3: [2, 2, 2],
        _recip3: [1, 1, 1],
        _sqrt3: [0, 0, 0],
        _abs3: [0, 1, 0],
        _floor3: [8, 0, 0],  # (7 steps inside, one at the view's right edge, x = 4)
    }[many]


def test_curves_sampled_together_break_at_every_pole_of_each() -> None:
    # 26 poles of tan 4x in view, for each of the three curves: many brackets at once
    s = S.sample_many(lambda x: _tan3(4.0 * x), 3, (-10.0, 10.0), 1000.0, (-5.0, 5.0))
    poles = [(2 * k + 1) * math.pi / 8 for k in range(-13, 13)]
    for curve in s:
        found = gaps(curve)
        assert len(found) == 26
        for (lo, hi), pole in zip(found, poles, strict=True):
            assert lo < pole < hi
        assert_no_stroke_across(curve, poles)


def test_curves_sampled_together_never_raise() -> None:
    def raises(x: np.ndarray) -> tuple[np.ndarray, ...]:
        raise ZeroDivisionError

    s = S.sample_many(raises, 2, (-1.0, 1.0), 300.0)
    assert all(np.isnan(c.y).all() for c in s)
    s = S.sample_many(lambda x: (x, x + 0j, 2.0, [1.0, 2.0]), 4, (-1.0, 1.0), 300.0)
    assert np.array_equal(s[0].y, s[0].x)  # x itself
    assert np.isnan(s[1].y).all()  # complex: not real, a gap everywhere
    assert (s[2].y == 2.0).all()  # a number: the same everywhere
    assert np.isnan(s[3].y).all()  # not shaped like x: a gap, not a traceback


def test_a_pole_beside_another_curves_smooth_extremum_is_still_found() -> None:
    """Searched together, a curve's brackets are never judged by another curve's.

    f₁ has a smooth maximum beyond the view in the segment [x₍ₘ₋₁₎, xₘ]; f₂ rises from
    0 (in the view) to a pole 0.01 of a spacing right of xₘ. f₂'s first bracket for a
    pole, [xₘ, xₘ₊₁], peaks at the sample it shares with f₁'s smooth bracket — which,
    within one curve, marks a bracket smooth. Across curves it must not: f₂ breaks at
    its pole."""
    xr, width = (-4.0, 4.0), 880.0
    grid = np.linspace(*xr, S.sample_count(width))
    s = grid[1] - grid[0]
    m = grid.size // 2 + 100
    c = grid[m - 1] + 0.3 * s  # f₁'s maximum
    p = grid[m] + 0.01 * s  # f₂'s pole

    def both(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            ramp = np.clip((x - grid[m - 1]) / s, 0.0, 1.0)
            return 20.0 - (x - c) ** 2, ramp / (x - p) ** 2

    smooth, pole = S.sample_many(both, 2, xr, width, (-5.0, 5.0))
    assert gaps(smooth) == []
    found = gaps(pole)
    assert len(found) == 1 and found[0][0] < p < found[0][1]
