"""What f does at a point (one-sided derivatives, kind), and its special points.

Truth: hand-derived one-sided derivatives and closed forms for the special points.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivview.model.calculus import CompiledFunction, analyze

PI = math.pi


def compiled(text: str) -> CompiledFunction:
    return analyze(text)


def approx(v: float | None) -> object:
    return pytest.approx(v, rel=1e-9, abs=1e-12)


# -- corners -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "x0", "left", "right", "convex"),
    [
        ("relu(x)", 0.0, 0.0, 1.0, True),
        ("|x|", 0.0, -1.0, 1.0, True),
        ("max(x, x^2)", 0.0, 0.0, 1.0, True),
        ("max(x, x^2)", 1.0, 1.0, 2.0, True),
        ("|x - 1|", 1.0, -1.0, 1.0, True),
        ("-|x|", 0.0, 1.0, -1.0, False),
        ("min(x, 1)", 1.0, 1.0, 0.0, False),
        ("|x| + |x - 1|", 1.0, 0.0, 2.0, True),
        ("x^2 + 3|x - 2|", 2.0, 1.0, 7.0, True),
        ("|sin(x)|", PI, -1.0, 1.0, True),
        ("|x^2 - 2|", math.sqrt(2.0), -2 * math.sqrt(2.0), 2 * math.sqrt(2.0), True),
        ("a relu(x - b)", 1.0, 0.0, 1.0, True),
    ],
)
def test_corners(text: str, x0: float, left: float, right: float, convex: bool) -> None:
    info = compiled(text).point(x0)
    assert info.kind == "corner"
    assert not info.differentiable
    assert info.df is None and info.d2f is None and info.tangent is None
    assert info.left_df == approx(left) and info.right_df == approx(right)
    if convex:
        assert info.subgradient is not None
        assert info.subgradient[0] == approx(left) and info.subgradient[1] == approx(right)
    else:
        assert info.subgradient is None
    assert "corner" in info.reason


def test_seed_corners_are_exact() -> None:
    info = compiled("relu(x)").point(0.0)
    assert (info.left_df, info.right_df, info.subgradient) == (0.0, 1.0, (0.0, 1.0))
    info = compiled("|x|").point(0.0)
    assert (info.left_df, info.right_df, info.subgradient) == (-1.0, 1.0, (-1.0, 1.0))
    info = compiled("max(x, x^2)").point(1.0)
    assert (info.left_df, info.right_df) == (1.0, 2.0)
    assert info.f == 1.0


# -- near a kink is not at a kink ------------------------------------------------------


@pytest.mark.parametrize("x0", [1e-12, 1e-300, -1e-300, 5e-324, 1e-8])
def test_near_a_kink_is_smooth(x0: float) -> None:
    info = compiled("|x|").point(x0)
    assert info.differentiable and info.kind == "smooth"
    assert info.df == math.copysign(1.0, x0)
    info = compiled("relu(x)").point(x0)
    assert info.differentiable
    assert info.df == (1.0 if x0 > 0 else 0.0)


def test_smooth_points_use_the_symbolic_derivative_exactly() -> None:
    fn = compiled("x^3 sin(x) e^(-x^2/4)")
    x0 = 0.7
    info = fn.point(x0)
    assert info.df == float(fn.df(x0)) and info.d2f == float(fn.d2f(x0))
    assert info.tangent == (info.df, info.f - info.df * x0)
    info = compiled("x^2").point(1.0)
    assert (info.f, info.df, info.d2f, info.tangent) == (1.0, 2.0, 2.0, (2.0, -1.0))


# -- cusps, vertical tangents, endpoints ---------------------------------------------


def test_vertical_tangent_cbrt() -> None:
    info = compiled("cbrt(x)").point(0.0)
    assert info.kind == "vertical tangent" and not info.differentiable
    assert info.f == 0.0 and info.left_df is None and info.right_df is None
    assert "+∞" in info.reason


@pytest.mark.parametrize("text", ["cbrt(x)^2", "cbrt(x^2)", "|x|^(2/3)", "sqrt(|x|)"])
def test_cusps(text: str) -> None:
    info = compiled(text).point(0.0)
    assert info.kind == "cusp"
    assert info.f == 0.0 and info.df is None
    assert info.left_df is None and info.right_df is None
    assert "−∞" in info.reason and "+∞" in info.reason


def test_sqrt_at_zero_is_an_edge_of_the_domain() -> None:
    info = compiled("sqrt(x)").point(0.0)
    assert info.kind == "endpoint" and not info.differentiable
    assert info.f == 0.0 and info.left_df is None and info.right_df is None
    info = compiled("x^(3/2)").point(0.0)
    assert info.kind == "endpoint" and info.right_df == 0.0 and info.left_df is None
    info = compiled("asin(x)").point(1.0)
    assert info.kind == "endpoint" and info.f == approx(PI / 2)


# -- jumps -----------------------------------------------------------------------------


@pytest.mark.parametrize("k", [-2, 0, 1, 3])
def test_floor_jumps(k: int) -> None:
    info = compiled("floor(x)").point(float(k))
    assert info.kind == "jump" and not info.differentiable
    assert info.f == float(k)
    assert info.left_df is None and info.right_df == 0.0  # continuous from the right only


def test_ceil_and_sign_jumps() -> None:
    info = compiled("ceil(x)").point(1.0)
    assert info.kind == "jump" and info.f == 1.0
    assert info.left_df == 0.0 and info.right_df is None
    info = compiled("sign(x)").point(0.0)
    assert info.kind == "jump" and info.f == 0.0
    assert info.left_df is None and info.right_df is None
    info = compiled("floor(x)").point(0.5)
    assert info.differentiable and info.df == 0.0


# -- poles and outside the domain --------------------------------------------------------


def test_poles() -> None:
    info = compiled("1/x").point(0.0)
    assert info.kind == "pole" and info.f is None and info.df is None
    assert info.left_df is None and info.right_df is None and info.tangent is None
    info = compiled("tan(x)").point(PI / 2)
    assert info.kind == "pole" and info.f is None  # not numpy's 1.6e16
    info = compiled("tan(x)").point(-3 * PI / 2)
    assert info.kind == "pole"
    info = compiled("1/(x - 1)^2").point(1.0)
    assert info.kind == "pole"


def test_outside_the_domain() -> None:
    for text, x0 in (("ln(x)", -1.0), ("sqrt(x)", -1.0), ("asin(x)", 2.0)):
        info = compiled(text).point(x0)
        assert info.kind == "outside the domain"
        assert info.f is None and info.df is None and not info.differentiable


def test_removable_hole() -> None:
    info = compiled("sin(x)/x").point(0.0)
    assert info.f is None and not info.differentiable
    assert "1" in info.reason
    assert info.limit == approx(1.0)


@pytest.mark.parametrize(
    ("text", "x0", "limit", "tol"),
    [
        ("(x^2 - 1)/(x - 1)", 1.0, 2.0, 1e-9),  # x + 1 with a hole
        ("(x^3 - 8)/(x - 2)", 2.0, 12.0, 1e-9),
        ("x^2/x", 0.0, 0.0, 1e-9),
        ("x/x", 0.0, 1.0, 1e-9),
        ("(e^x - 1)/x", 0.0, 1.0, 1e-9),
        ("(sqrt(1 + x) - 1)/x", 0.0, 0.5, 1e-9),
        # cancellation: 1 − cos x is exactly 0 in float64 for |x| < 1e-8 (a run of zeros
        # that must not be taken for the limit); the larger h give it to about 1e-6
        ("(1 - cos(x))/x^2", 0.0, 0.5, 1e-6),
        ("(x - sin(x))/x^3", 0.0, 1 / 6, 1e-6),
    ],
)
def test_a_holes_limit_is_the_closed_forms(text: str, x0: float, limit: float, tol: float) -> None:
    info = compiled(text).point(x0)
    assert info.kind == "outside the domain" and info.f is None
    assert info.limit == pytest.approx(limit, abs=tol)
    assert "its limit there is" in info.reason


def test_a_limit_lost_to_rounding_is_not_claimed() -> None:
    # (1 − cos x²)/x⁴ → ½, but 1 − cos x² is 0 in float64 already for |x| < 1e-4: no
    # window of samples settles near ½, and the zeros are no limit
    info = compiled("(1 - cos(x^2))/x^4").point(0.0)
    assert info.limit is None or info.limit == pytest.approx(0.5, abs=1e-6)
    assert "limit there is 0." not in info.reason


@pytest.mark.parametrize(
    ("text", "x0"),
    [("1/x", 0.0), ("abs(x)", 0.0), ("sqrt(x)", 0.0), ("ln(x)", -1.0), ("x^2", 1.0),
     ("sign(x)", 0.0), ("sin(1/x)", 0.0)],
)  # fmt: skip
def test_no_limit_where_there_is_no_hole(text: str, x0: float) -> None:
    assert compiled(text).point(x0).limit is None


# -- differentiable points that are structural sites ---------------------------------


def test_differentiable_at_a_site() -> None:
    info = compiled("x|x|").point(0.0)
    assert info.differentiable and info.df == 0.0
    assert info.d2f is None  # f″ jumps from −2 to 2
    info = compiled("|x|^3").point(0.0)
    assert info.differentiable and info.df == 0.0 and info.d2f == 0.0
    info = compiled("cbrt(x)^3").point(0.0)
    assert info.differentiable and info.df == approx(1.0)


def test_never_heaviside_one_half() -> None:
    for text in ("relu(x)", "max(0, x)", "|x|", "max(x, x^2)"):
        info = compiled(text).point(0.0)
        assert info.df is None
        assert 0.5 not in (info.left_df, info.right_df)


def test_reason_is_one_sentence() -> None:
    for text, x0 in (("relu(x)", 0.0), ("x^2", 1.0), ("1/x", 0.0), ("floor(x)", 1.0)):
        reason = compiled(text).point(x0).reason
        assert reason.endswith(".") and "\n" not in reason and len(reason) < 200


# -- special points ------------------------------------------------------------------


def close_lists(got: list[float], want: list[float]) -> bool:
    return len(got) == len(want) and all(
        abs(g - w) <= 1e-9 for g, w in zip(got, sorted(want), strict=True)
    )


def test_cubic() -> None:
    sp_ = compiled("x^3 - 3x").special_points(-3, 3)
    assert sp_.critical == [-1.0, 1.0]
    assert sp_.inflection == [0.0]
    assert sp_.nondifferentiable == []


def test_sine() -> None:
    sp_ = compiled("sin(x)").special_points(0, 10)
    assert close_lists(sp_.critical, [PI / 2 + k * PI for k in range(3)])
    assert close_lists(sp_.inflection, [k * PI for k in range(4)])
    assert sp_.nondifferentiable == []


def test_tan_poles() -> None:
    sp_ = compiled("tan(x)").special_points(-5, 5)
    assert close_lists(sp_.nondifferentiable, [-3 * PI / 2, -PI / 2, PI / 2, 3 * PI / 2])
    assert close_lists(sp_.inflection, [-PI, 0.0, PI])
    assert sp_.critical == []


def test_floor_jumps_in_a_range() -> None:
    sp_ = compiled("floor(x)").special_points(-2.5, 2.5)
    assert sp_.nondifferentiable == [-2.0, -1.0, 0.0, 1.0, 2.0]
    sp_ = compiled("floor(10x)").special_points(-1, 1)
    assert close_lists(sp_.nondifferentiable, [k / 10 for k in range(-10, 11)])


def test_corners_in_a_range() -> None:
    sp_ = compiled("|x| + |x - 1|").special_points(-3, 3)
    assert sp_.nondifferentiable == [0.0, 1.0]
    assert sp_.critical == []  # f′ = 0 on the whole of (0, 1): no isolated points
    sp_ = compiled("|x - 1|").special_points(-3, 3)
    assert sp_.nondifferentiable == [1.0]
    sp_ = compiled("relu(x)").special_points(-2, 2)
    assert sp_ == type(sp_)([], [], [0.0])


def test_no_inflection_for_x4_but_for_x3_and_x5() -> None:
    assert compiled("x^4").special_points(-2, 2).inflection == []
    assert compiled("x^4").special_points(-2, 2).critical == [0.0]
    assert compiled("x^3").special_points(-2, 2).inflection == [0.0]
    assert compiled("x^3").special_points(-2, 2).critical == [0.0]
    assert compiled("x^5").special_points(-2, 2).inflection == [0.0]


def test_poles_and_domain_edges() -> None:
    assert compiled("1/x").special_points(-1, 1).nondifferentiable == [0.0]
    assert compiled("sqrt(x)").special_points(-1, 1).nondifferentiable == [0.0]
    assert compiled("ln(x)").special_points(-2, 2).nondifferentiable == [0.0]
    assert compiled("asin(x)").special_points(-2, 2).nondifferentiable == [-1.0, 1.0]
    assert compiled("cbrt(x^2)").special_points(-1, 1).nondifferentiable == [0.0]
    # inside an interval where f is undefined nothing is listed
    assert compiled("ln(x)").special_points(-3, -1).nondifferentiable == []


def test_cusp_at_an_irrational_touching_root() -> None:
    got = compiled("cbrt((x - pi)^2)").special_points(0, 5).nondifferentiable
    assert close_lists(got, [PI])


def test_gaussian_bump_closed_forms() -> None:
    # f = x e^(-x^2): f′ = (1 - 2x²) e^(-x²) → ±1/√2; f″ = (4x³ - 6x) e^(-x²) → 0, ±√(3/2)
    sp_ = compiled("x e^(-x^2)").special_points(-4, 4)
    assert close_lists(sp_.critical, [-1 / math.sqrt(2), 1 / math.sqrt(2)])
    assert close_lists(sp_.inflection, [-math.sqrt(1.5), 0.0, math.sqrt(1.5)])


def test_parameters_move_special_points() -> None:
    fn = compiled("(x - a)^2 + |x - b|")
    sp_ = fn.special_points(-5, 5, {"a": 2.0, "b": -1.0})
    assert sp_.nondifferentiable == [-1.0]
    assert close_lists(sp_.critical, [1.5])  # 2(x - 2) + 1 = 0


def test_endpoints_of_the_range_count() -> None:
    assert compiled("x^2").special_points(0, 3).critical == [0.0]
    assert compiled("|x|").special_points(0, 1).nondifferentiable == [0.0]
    assert compiled("x^2").special_points(1, 3).critical == []


def test_nondifferentiable_points_shortcut() -> None:
    fn = compiled("tan(x)")
    assert fn.nondifferentiable_points(-5, 5) == fn.special_points(-5, 5).nondifferentiable


def test_values_are_sorted_and_in_range() -> None:
    fn = compiled("x^3 sin(x) e^(-x^2/4)")
    sp_ = fn.special_points(-10, 10)
    for lst in (sp_.critical, sp_.inflection):
        assert lst == sorted(lst) and all(-10 <= v <= 10 for v in lst)
        # each critical point is a root of f′ to full precision
    dfs = np.abs(fn.df(np.array(sp_.critical)))
    assert np.all(dfs < 1e-12)


# -- property: any expression of the language, any point: an answer, never an exception --

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from derivview.model.calculus import ComplexityError  # noqa: E402
from derivview.model.expression import ExpressionError  # noqa: E402

_FUNCS = ["sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "sinh", "cosh",
          "tanh", "exp", "ln", "log2", "log10", "sqrt", "cbrt", "abs", "sign", "floor",
          "ceil", "sigmoid", "relu", "softplus"]  # fmt: skip


def _texts(depth: int) -> st.SearchStrategy[str]:
    leaf = st.sampled_from(["x", "x", "2", "0.5", "a", "pi", "(x-1)", "3x"])
    if depth == 0:
        return leaf
    sub = _texts(depth - 1)
    return st.one_of(
        leaf,
        st.builds(lambda f, u: f"{f}({u})", st.sampled_from(_FUNCS), sub),
        st.builds(lambda u, op, v: f"({u}) {op} ({v})", sub, st.sampled_from("+-*/"), sub),
        st.builds(lambda u, k: f"({u})^{k}", sub, st.sampled_from(["2", "3", "(1/3)", "-1"])),
        st.builds(lambda u, v: f"max({u}, {v})", sub, sub),
        st.builds(lambda u, v: f"min({u}, {v})", sub, sub),
    )


_X0 = st.one_of(
    st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0, PI / 2, -PI, 1e-12, -1e-300]),
    st.floats(-10, 10, allow_nan=False),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_texts(3), x0=_X0, span=st.floats(0.5, 20))
def test_any_expression_any_point_gets_a_consistent_answer(
    text: str, x0: float, span: float
) -> None:
    try:
        fn = compiled(text)
    except (ComplexityError, ExpressionError):  # e.g. csc(pi): refused by the parser
        return
    info = fn.point(x0, {"a": 1.5})
    assert info.x == x0
    if info.differentiable and info.overflow:
        # issue 14: the derivative exists (mathematics), its value is beyond float64
        assert info.kind == "smooth" and info.subgradient is None
        for name in info.overflow:
            assert getattr(info, name) is None
        assert "too large to represent" in info.reason
    elif info.differentiable:
        assert info.kind == "smooth"
        assert info.df is not None and math.isfinite(info.df)
        assert info.tangent is not None and info.f is not None
        assert info.subgradient is None
    else:
        assert info.df is None and info.d2f is None and info.tangent is None
        assert info.kind != "smooth"
    for v in (info.f, info.df, info.d2f, info.left_df, info.right_df):
        assert v is None or math.isfinite(v)
    if info.subgradient is not None:
        assert info.kind == "corner" and info.subgradient[0] < info.subgradient[1]
    assert info.reason.endswith(".")
    sp_ = fn.special_points(x0 - span, x0 + span, {"a": 1.5})
    for lst in (sp_.critical, sp_.inflection, sp_.nondifferentiable):
        assert lst == sorted(lst)
        assert all(x0 - span <= v <= x0 + span for v in lst)


def test_one_sided_slopes_keep_their_digits() -> None:
    info = compiled("x^2 + pi |x|").point(0.0)
    assert info.left_df == pytest.approx(-PI, rel=1e-14)
    assert info.right_df == pytest.approx(PI, rel=1e-14)
    info = compiled("|x^2 - 2|").point(math.sqrt(2.0))
    assert info.right_df == pytest.approx(2 * math.sqrt(2.0), rel=1e-13)
    info = compiled("max(x, x^2)").point(1.0)
    assert (info.left_df, info.right_df) == (1.0, 2.0)  # not 1.9999999999999998


def test_overflow_is_not_an_edge_of_the_domain() -> None:
    fn = compiled("e^(x^2)")
    assert fn.special_points(-30, 30).nondifferentiable == []
    # e^900 is beyond float64, but f and its derivatives exist there: differentiable is
    # about mathematics, and the values that overflow are named (issue 14)
    info = fn.point(30.0)
    assert info.differentiable and info.kind == "smooth"
    assert info.f is None and info.df is None and info.d2f is None and info.tangent is None
    assert info.overflow == ("f", "df", "d2f")
    assert "too large to represent" in info.reason
    info = compiled("1e308 x^2").point(2.0)  # f overflows; f′ = 4e308 too; f″ = 2e308 too
    assert info.differentiable and info.overflow == ("f", "df", "d2f")
    assert info.reason.endswith(
        "the slope is too large to represent, as are f(x) and f″(x)."
    ), info.reason
    info = compiled("1e308 x^2").point(0.5)
    assert info.differentiable and info.overflow == ("d2f",)  # f″ = 2e308 everywhere
    assert info.f == pytest.approx(2.5e307)
    assert info.df == pytest.approx(1e308)
    # the slope is a number; the sentence still names what is beyond float64
    assert info.reason.endswith("the slope is 1e308 (f″(x) is too large to represent).")
    # found by hypothesis: f′ = −(2/3)(2e-300)^(−2/3) = −4.2e199 fits, f″ (~1e499) does not
    info = compiled("max(x, ((x) - (3x))^(1/3))").point(-1e-300)
    assert info.overflow == ("d2f",) and "f″(x) is too large to represent" in info.reason
    sp_ = compiled("sqrt(sin(x))").special_points(-4, 4)
    assert close_lists(sp_.nondifferentiable, [-PI, 0.0, PI])
    assert close_lists(sp_.critical, [PI / 2])


def test_ill_conditioned_expressions() -> None:
    # x² − 2x + 1 rounds to 0 next to its double root: still a pole, found in a range
    fn = compiled("1/(x^2 - 2x + 1)")
    assert fn.point(1.0).kind == "pole"
    assert fn.special_points(-3, 3).nondifferentiable == [1.0]
    # sqrt((x − 1)²) = |x − 1|: f″ is 0 up to rounding noise, whose signs are no inflections
    sp_ = compiled("sqrt(x^2 - 2x + 1)").special_points(-3, 3)
    assert sp_ == type(sp_)([], [], [1.0])


def test_two_kinks_a_nanometre_apart() -> None:
    fn = compiled("|x| + |x - 1e-9|")
    info = fn.point(0.0)
    assert info.kind == "corner" and (info.left_df, info.right_df) == (-2.0, 0.0)
    assert close_lists(fn.special_points(-1, 1).nondifferentiable, [0.0, 1e-9])


_coef = st.floats(-5, 5, allow_nan=False).filter(lambda v: abs(v) > 1e-3)


@settings(max_examples=50, deadline=None)
@given(a=_coef, b=st.floats(-5, 5), c=st.floats(-5, 5))
def test_one_sided_slopes_of_a_parametric_corner(a: float, b: float, c: float) -> None:
    # f = a|x − b| + c x²: by hand, the slopes at x = b are ∓a + 2cb
    fn = compiled("a|x - b| + c x^2")
    info = fn.point(b, {"a": a, "b": b, "c": c})
    left, right = -a + 2 * c * b, a + 2 * c * b
    assert info.kind == "corner" and not info.differentiable
    assert info.left_df == pytest.approx(left, rel=1e-9, abs=1e-9)
    assert info.right_df == pytest.approx(right, rel=1e-9, abs=1e-9)
    assert (info.subgradient is not None) == (a > 0)


@settings(max_examples=40, deadline=None)
@given(
    roots=st.lists(st.floats(-4, 4), min_size=3, max_size=3).filter(
        lambda r: min(abs(r[0] - r[1]), abs(r[1] - r[2]), abs(r[0] - r[2])) > 0.05
    )
)
def test_cubic_special_points_closed_form(roots: list[float]) -> None:
    a, b, c = roots
    fn = compiled("(x - a)(x - b)(x - c)")
    p = {"a": a, "b": b, "c": c}
    s1, s2 = a + b + c, a * b + b * c + a * c
    # f′ = 3x² − 2 s1 x + s2; f″ = 6x − 2 s1
    disc = math.sqrt(s1 * s1 - 3 * s2)
    crit = sorted([(s1 - disc) / 3, (s1 + disc) / 3])
    sp_ = fn.special_points(-10, 10, p)
    assert close_lists(sp_.critical, crit)
    assert close_lists(sp_.inflection, [s1 / 3])
    assert sp_.nondifferentiable == []
