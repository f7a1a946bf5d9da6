"""f, f′, f″ of every function in the language against independent truth.

The numbers come from derivview's own tree by forward-mode automatic differentiation.
Truth is mpmath at 30 digits: the function written again with mpmath, differentiated
numerically by ``mpmath.diff`` (and, for a few, hand-derived closed forms). Never the
code's own output.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivview.model.calculus import CompiledFunction, analyze, compile
from derivview.model.expr.nodes import BinOp, Call, Num, Var
from derivview.model.expression import Expression

mp.mp.dps = 30


def compiled(text: str) -> CompiledFunction:
    """Parse and compile the tree (every number by forward-mode differentiation)."""
    return analyze(text)


def _msig(t: mp.mpf) -> mp.mpf:
    return 1 / (1 + mp.exp(-t))


def _mcbrt(t: mp.mpf) -> mp.mpf:
    return mp.sign(t) * mp.cbrt(abs(t))


# text, the same function in mpmath, points (away from kinks, inside the domain)
CASES: list[tuple[str, object, list[float]]] = [
    ("sin(x)", mp.sin, [-2.5, 0.3, 1.0, 7.0]),
    ("cos(x)", mp.cos, [-2.5, 0.3, 1.0, 7.0]),
    ("tan(x)", mp.tan, [-1.2, 0.3, 1.0, 4.0]),
    ("sec(x)", mp.sec, [-1.2, 0.3, 1.0, 4.0]),
    ("csc(x)", mp.csc, [-1.2, 0.3, 1.0, 4.0]),
    ("cot(x)", mp.cot, [-1.2, 0.3, 1.0, 4.0]),
    ("asin(x)", mp.asin, [-0.9, -0.2, 0.5, 0.7]),
    ("arccos(x)", mp.acos, [-0.9, -0.2, 0.5, 0.7]),
    ("atan(x)", mp.atan, [-3.0, -0.2, 0.5, 10.0]),
    ("sinh(x)", mp.sinh, [-3.0, -0.2, 0.5, 2.0]),
    ("cosh(x)", mp.cosh, [-3.0, -0.2, 0.5, 2.0]),
    ("tanh(x)", mp.tanh, [-3.0, -0.2, 0.5, 2.0]),
    ("exp(x)", mp.exp, [-3.0, -0.2, 0.5, 2.0]),
    ("e^x", mp.exp, [-3.0, 0.5, 2.0]),
    ("2^x", lambda t: mp.mpf(2) ** t, [-3.0, 0.5, 2.0]),
    ("ln(x)", mp.log, [0.1, 1.5, 20.0]),
    ("log(x)", mp.log, [0.1, 1.5, 20.0]),
    ("log(x, 3)", lambda t: mp.log(t) / mp.log(3), [0.1, 1.5, 20.0]),
    ("log2(x)", lambda t: mp.log(t, 2), [0.1, 1.5, 20.0]),
    ("log10(x)", lambda t: mp.log10(t), [0.1, 1.5, 20.0]),
    ("sqrt(x)", mp.sqrt, [0.1, 1.5, 20.0]),
    ("cbrt(x)", _mcbrt, [-8.0, -0.5, 0.1, 1.5, 27.0]),
    ("abs(x)", abs, [-2.0, -0.1, 0.5, 3.0]),
    ("|x - 1| + |x|", lambda t: abs(t - 1) + abs(t), [-2.0, 0.5, 3.0]),
    ("sign(x)", mp.sign, [-2.0, 0.5]),
    ("floor(x)", mp.floor, [-2.5, 0.5, 3.7]),
    ("ceil(x)", mp.ceil, [-2.5, 0.5, 3.7]),
    ("sigmoid(x)", _msig, [-30.0, -2.0, 0.0, 0.5, 3.0, 30.0]),
    ("relu(x)", lambda t: max(t, 0), [-2.0, 0.5, 3.0]),
    ("softplus(x)", lambda t: mp.log(1 + mp.exp(t)), [-30.0, -2.0, 0.0, 0.5, 3.0, 30.0]),
    ("max(x, x^2)", lambda t: max(t, t**2), [-2.0, 0.5, 3.0]),
    ("min(sin(x), cos(x))", lambda t: min(mp.sin(t), mp.cos(t)), [0.2, 1.5, 3.0]),
    ("max(x, 0, 1 - x)", lambda t: max(t, 0, 1 - t), [-1.0, 0.2, 0.8]),
    ("x^5 - 3x^2 + 1", lambda t: t**5 - 3 * t**2 + 1, [-1.5, 0.3, 2.0]),
    ("x^-2", lambda t: t**-2, [-1.5, 0.3, 2.0]),
    ("x^(3/2)", lambda t: t ** mp.mpf(1.5), [0.3, 2.0]),
    ("x^(1/3)", lambda t: mp.cbrt(t), [0.3, 2.0]),
    ("x^x", lambda t: t**t, [0.3, 2.0]),
    ("1/(1 + x^2)", lambda t: 1 / (1 + t**2), [-1.5, 0.3, 2.0]),
    ("x^3 sin(x) e^(-x^2/4)", lambda t: t**3 * mp.sin(t) * mp.exp(-(t**2) / 4), [-2.0, 0.7]),
    ("sin(x^2) ln(1 + x^2)", lambda t: mp.sin(t**2) * mp.log(1 + t**2), [-2.0, 0.7]),
]


def _close(got: float, want: mp.mpf, rtol: float = 1e-12) -> bool:
    w = float(want)
    return abs(got - w) <= rtol * max(1.0, abs(w))


@pytest.mark.parametrize(("text", "mfun", "points"), CASES, ids=[c[0] for c in CASES])
def test_values_and_derivatives_match_mpmath(text: str, mfun: object, points: list[float]) -> None:
    fn = compiled(text)
    xs = np.array(points)
    f, df, d2f = fn.f(xs), fn.df(xs), fn.d2f(xs)
    for i, x0 in enumerate(points):
        t = mp.mpf(x0)
        want = (mfun(t), mp.diff(mfun, t, 1), mp.diff(mfun, t, 2))  # type: ignore[operator]
        for got, w, what in zip((f[i], df[i], d2f[i]), want, ("f", "f'", "f''"), strict=True):
            assert _close(float(got), w), f"{what}({x0}) of {text}: {got} != {w}"


def test_hand_derived_closed_forms() -> None:
    fn = compiled("x^3 - 3x")
    xs = np.array([-2.0, 0.5, 3.0])
    np.testing.assert_allclose(fn.df(xs), 3 * xs**2 - 3, rtol=1e-15)
    np.testing.assert_allclose(fn.d2f(xs), 6 * xs, rtol=1e-15)
    fn = compiled("tanh(x)")
    assert float(fn.df(0.5)) == pytest.approx(1 - math.tanh(0.5) ** 2, rel=1e-15)
    fn = compiled("softplus(x)")
    assert float(fn.df(0.0)) == 0.5
    assert float(fn.d2f(0.0)) == 0.25


def test_sigmoid_derivative_is_finite_and_right_far_out() -> None:
    fn = compiled("sigmoid(x)")
    xs = np.array([-1000.0, 1000.0, -745.0, 40.0])
    df = fn.df(xs)
    d2f = fn.d2f(xs)
    assert np.all(np.isfinite(df)) and np.all(np.isfinite(d2f))
    for x0, got in zip(xs, df, strict=True):
        t = mp.mpf(x0)
        want = mp.exp(-t) / (1 + mp.exp(-t)) ** 2
        assert abs(got - float(want)) <= 1e-12 * float(want) + 1e-320
    assert float(fn.f(-1000.0)) == 0.0 and float(fn.f(1000.0)) == 1.0
    assert float(fn.df(-30.0)) == pytest.approx(float(mp.exp(-30) / (1 + mp.exp(-30)) ** 2))


def test_parameters_are_arguments_not_recompiled() -> None:
    fn = compiled("a sin(b x)")
    assert fn.parameters == ("a", "b")
    x0 = 0.7
    for a, b in ((1.0, 1.0), (2.0, 3.0), (-0.5, 10.0)):
        p = {"a": a, "b": b}
        assert float(fn.f(x0, p)) == pytest.approx(a * math.sin(b * x0), rel=1e-15)
        assert float(fn.df(x0, p)) == pytest.approx(a * b * math.cos(b * x0), rel=1e-14)
        assert float(fn.d2f(x0, p)) == pytest.approx(-a * b * b * math.sin(b * x0), rel=1e-14)
    # missing names default to 1.0; unknown names are ignored
    assert float(fn.f(x0, {"z": 5.0})) == pytest.approx(math.sin(x0))
    assert float(fn.f(x0)) == pytest.approx(math.sin(x0))


def test_piecewise_constant_derivatives_are_zero_between_the_jumps() -> None:
    for text in ("floor(x)", "sign(x)", "ceil(2x)"):
        fn = compiled(text)
        xs = np.array([-1.3, -0.7, 0.2, 0.9])
        assert np.array_equal(fn.df(xs), [0.0] * 4) and np.array_equal(fn.d2f(xs), [0.0] * 4)
    # ... and undefined at them (a jump has no derivative)
    assert math.isnan(float(compiled("floor(x)").df(2.0)))
    assert math.isnan(float(compiled("sign(x)").df(0.0)))
    assert math.isnan(float(compiled("ceil(2x)").df(0.5)))


def test_heaviside_is_nan_at_the_kink_not_one_half() -> None:
    fn = compiled("relu(x)")
    out = fn.df(np.array([-1.0, 0.0, 1.0]))
    assert out[0] == 0.0 and math.isnan(out[1]) and out[2] == 1.0


def test_real_domain_never_complex() -> None:
    cases = {
        "sqrt(x)": [-1.0, 4.0],
        "ln(x)": [-1.0, 0.0, math.e],
        "asin(x)": [-2.0, 0.5],
        "x^(1/3)": [-8.0, 8.0],
        "x^x": [-0.5, 2.0],
    }
    for text, pts in cases.items():
        fn = compiled(text)
        for g in (fn.f, fn.df, fn.d2f):
            out = g(np.array(pts))
            assert out.dtype == np.float64
    assert math.isnan(float(compiled("sqrt(x)").f(-1.0)))
    assert math.isnan(float(compiled("x^(1/3)").f(-8.0)))
    assert float(compiled("x^(1/3)").f(8.0)) == 2.0
    assert float(compiled("cbrt(x)").f(-8.0)) == -2.0
    assert math.isnan(float(compiled("ln(x)").f(0.0)))  # -inf is not a value
    # the parser refuses ln(-2); a tree built directly evaluates to NaN, never complex
    tree = BinOp("add", Call("ln", (Num(-2.0, "2"),)), Var("x"))
    complex_fn = compile(Expression("ln(-2) + x", tree, ()))
    out = complex_fn.f(np.array([1.0, 2.0]))
    assert out.dtype == np.float64 and np.all(np.isnan(out))
    assert np.all(np.isnan(complex_fn.df(np.array([1.0, 2.0]))))


def test_scalars_constants_and_shapes() -> None:
    fn = compiled("2")
    out = fn.f(np.zeros((3, 4)))
    assert out.shape == (3, 4) and np.all(out == 2.0)
    assert np.all(fn.df(np.zeros(5)) == 0.0)
    s = compiled("x^2").f(3)
    assert isinstance(s, np.ndarray) and s.shape == () and float(s) == 9.0
    # Python-float pitfalls: 1/0.0 raises, (-8.0)**(1/3) is complex: not here
    assert math.isnan(float(compiled("1/x").f(0.0)))
    assert math.isnan(float(compiled("x^(2/3)").f(-8)))
    # an evaluation that raises gives NaN, never an exception
    assert np.isnan(compiled("x").f(np.array([np.nan]))).all()


def test_tan_pole_is_not_a_value_but_large_finite_is() -> None:
    fn = compiled("tan(x)")
    # numpy's tan(pi/2) is 1.6e16: finite, so an array value; point() calls it a pole
    assert np.isfinite(fn.f(math.pi / 2))
    assert fn.point(math.pi / 2).f is None


@pytest.mark.parametrize("n", [16, 30, 60])
def test_products_of_many_factors_are_numbers_like_any_other(n: int) -> None:
    # (x+1)(x+2)…(x+n): sympy needed seconds for f″ of 30 factors; forward mode is linear.
    # By hand: f′/f = Σ 1/(x+i), f″/f = (Σ 1/(x+i))² − Σ 1/(x+i)².
    fn = compiled("".join(f"(x+{i})" for i in range(1, n + 1)))
    for x0 in (0.5, -0.5, -2.5):
        t = mp.mpf(x0)
        f = mp.fprod(t + i for i in range(1, n + 1))
        s1 = mp.fsum(1 / (t + i) for i in range(1, n + 1))
        s2 = mp.fsum(1 / (t + i) ** 2 for i in range(1, n + 1))
        assert _close(float(fn.f(x0)), f, 1e-12)
        assert _close(float(fn.df(x0)), f * s1, 1e-11)
        assert _close(float(fn.d2f(x0)), f * (s1 * s1 - s2), 1e-10)


# -- property: f′ agrees with a high-precision central difference -----------------------

_SMOOTH_UNARY = [
    ("sin({})", mp.sin),
    ("cos({})", mp.cos),
    ("atan({})", mp.atan),
    ("tanh({})", mp.tanh),
    ("sigmoid({})", _msig),
    ("softplus({})", lambda t: mp.log(1 + mp.exp(t))),
    ("exp(({})/4)", lambda t: mp.exp(t / 4)),
    ("sqrt(1 + ({})^2)", lambda t: mp.sqrt(1 + t**2)),
    ("ln(1 + ({})^2)", lambda t: mp.log(1 + t**2)),
]


def _trees(depth: int) -> st.SearchStrategy[tuple[str, object]]:
    leaf = st.one_of(
        st.just(("x", lambda t: t)),
        st.integers(-3, 3).map(lambda k: (f"({k})", lambda t, k=k: mp.mpf(k))),
    )
    if depth == 0:
        return leaf
    sub = _trees(depth - 1)

    def unary(pair: tuple[int, tuple[str, object]]) -> tuple[str, object]:
        i, (e, m) = pair
        s, mf = _SMOOTH_UNARY[i]
        return s.format(e), lambda t: mf(m(t))  # type: ignore[operator]

    def binary(trip: tuple[str, tuple[str, object], tuple[str, object]]) -> tuple:
        op, (a, ma), (b, mb) = trip
        if op == "+":
            return f"{a} + {b}", lambda t: ma(t) + mb(t)  # type: ignore[operator]
        if op == "*":
            return f"({a})({b})", lambda t: ma(t) * mb(t)  # type: ignore[operator]
        return f"({a})^2 + {b}", lambda t: ma(t) ** 2 + mb(t)  # type: ignore[operator]

    return st.one_of(
        leaf,
        st.tuples(st.integers(0, len(_SMOOTH_UNARY) - 1), sub).map(unary),
        st.tuples(st.sampled_from("+*^"), sub, sub).map(binary),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=_trees(3), x0=st.floats(-3, 3))
def test_derivative_matches_high_precision_difference(tree: tuple, x0: float) -> None:
    text, mfun = tree
    fn = compiled(text)
    t = mp.mpf(x0)
    want = mp.diff(mfun, t, 1)
    want2 = mp.diff(mfun, t, 2)
    got, got2 = float(fn.df(x0)), float(fn.d2f(x0))
    assert abs(got - float(want)) <= 1e-10 * max(1.0, abs(float(want))), text
    assert abs(got2 - float(want2)) <= 1e-9 * max(1.0, abs(float(want2))), text


def test_floor_of_a_compound_argument_has_zero_derivative() -> None:
    # sympy writes d/dx floor(x/k) as Subs(Derivative(floor(ξ), ξ), ξ, x/k)
    fn = compiled("k floor(x/k)")
    assert float(fn.df(0.5, {"k": 2.0})) == 0.0
    assert float(fn.df(0.5, {"k": -2.0})) == 0.0
    fn = compiled("x floor(sin(x))")
    assert float(fn.df(2.0)) == 0.0  # floor(sin(2)) = 0, and its derivative is 0
    assert float(fn.df(-2.0)) == -1.0


def test_abs_of_a_maybe_complex_argument_stays_real() -> None:
    fn = compiled("|sin(sqrt(x))|")
    t = mp.mpf(20)
    want = mp.diff(lambda u: abs(mp.sin(mp.sqrt(u))), t)
    assert float(fn.df(20.0)) == pytest.approx(float(want), rel=1e-12)
    assert math.isnan(float(fn.f(-1.0)))  # sqrt of a negative: undefined, not complex


def test_prepare_compiles_the_point_machinery_ahead() -> None:
    fn = compiled("relu(x) + x^2")
    fn.prepare()
    assert "sites" in vars(fn) and fn.sites.n == 1
    assert fn.point(0.0).kind == "corner"


@pytest.mark.parametrize("x0", [10.0, 20.0, -30.0, 400.0])
def test_tanh_derivatives_keep_their_digits_far_out(x0: float) -> None:
    # 1 − tanh(x)² cancels: at x = 20 it is 0 in float64, the truth 1.7e-17
    fn = compiled("tanh(x)")
    t = mp.mpf(x0)
    want1, want2 = 1 / mp.cosh(t) ** 2, -2 * mp.tanh(t) / mp.cosh(t) ** 2
    assert abs(float(fn.df(x0)) - float(want1)) <= 1e-14 * float(want1) + 1e-320
    assert abs(float(fn.d2f(x0)) - float(want2)) <= 1e-14 * abs(float(want2)) + 1e-320
