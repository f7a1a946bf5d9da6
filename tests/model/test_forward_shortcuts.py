"""The forward pass's shortcuts give the arrays the general rules give, bit for bit.

forward() takes shortcuts for speed: a function applied to x itself skips the chain
rule's products (u′ = 1, u″ = 0), a number's exponent is classified (integer or not) once
when compiling, numbers and parameters fill their registers before the operations run,
and a derivative that is a number becomes an array by fill. Each test compares a shortcut
with a route that cannot take it — the same function of ``1x`` (u′ is then the number 1,
not dx/dx), the same power with the exponent as a parameter (classified at run time) —
or with closed forms: same values, same NaN, same signs of zero, shapes and dtypes.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivview.model.calculus import analyze, compile
from derivview.model.expr import functions as fns
from derivview.model.expr.forward import ONE, _chain, forward
from derivview.model.expr.nodes import BinOp, Call, Num, Var
from derivview.model.expression import Expression

#: Edges of every domain and kink of the table, far-out points of the stable rules, NaN.
POINTS = np.concatenate(
    [
        np.linspace(-4.0, 4.0, 801),
        [0.0, -0.0, 1.0, -1.0, 2.0, 0.5, 1e-300, -1e-300, 1e-166, 5e-324, 1e300, -1e300],
        [20.0, -20.0, 700.0, 800.0, -1000.0, math.pi / 2, math.pi, np.nan, np.inf, -np.inf],
    ]
)

ONE_ARGUMENT = sorted(name for name, spec in fns.FUNCTIONS.items() if spec.numeric)


def _same(a: object, b: object) -> bool:
    """The same part: both None, or equal arrays/numbers (NaN where NaN, signs of 0)."""
    if a is None or b is None:
        return a is b
    p, q = np.asarray(a), np.asarray(b)
    if p.dtype != q.dtype or p.shape != q.shape:
        return False
    both = ~np.isnan(p)
    return bool(
        np.array_equal(np.isnan(p), np.isnan(q))
        and np.array_equal(p[both], q[both])
        and np.array_equal(np.signbit(p[both]), np.signbit(q[both]))
    )


def _triples(text: str, x: np.ndarray, params: dict[str, float], order: int) -> tuple:
    fn = analyze(text)
    with np.errstate(all="ignore"):
        (tri,) = forward(fn.program, x, params, order)
    return tri


def _assert_same_pass(text: str, other: str, params: dict[str, float] | None = None) -> None:
    """``text`` and ``other`` (the same function by another route) at every order."""
    p = params or {}
    for order in (0, 1, 2):
        a = _triples(text, POINTS, p, order)
        b = _triples(other, POINTS, p, order)
        for k in range(3):
            # dx/dx is the ONE marker on one side, the number 1 on the other
            pa = 1.0 if a[k] is ONE else a[k]
            pb = 1.0 if b[k] is ONE else b[k]
            if not _same(pa, pb):
                raise AssertionError(f"{text} vs {other}: part {k} at order {order}")
        fa, fb = analyze(text), analyze(other)
        raw = zip(fa.evaluate_raw(POINTS, p, order), fb.evaluate_raw(POINTS, p, order), strict=True)
        assert all(_same(ra, rb) for ra, rb in raw), (text, other, order)
    clean = zip(analyze(text).evaluate(POINTS, p), analyze(other).evaluate(POINTS, p), strict=True)
    assert all(_same(ca, cb) for ca, cb in clean), (text, other)


@pytest.mark.parametrize("name", ONE_ARGUMENT)
def test_a_function_of_x_is_the_chain_rule_with_u_prime_one(name: str) -> None:
    # 1x has u′ = 1.0 (a number, not the marker): the general chain rule runs
    _assert_same_pass(f"{name}(x)", f"{name}(1x)")


#: Integers (each of _ipow's cases, 0 and negatives, beyond int32), and not integers.
EXPONENTS = ["0", "1", "2", "3", "4", "5", "7", "-1", "-2", "-3", "0.5", "(1/3)", "2.5", "(-0.5)",
             "2.0000000000000004", "1e10", "2147483648"]  # fmt: skip


@pytest.mark.parametrize("p", EXPONENTS)
def test_a_number_exponent_is_the_parameter_exponent_of_the_same_value(p: str) -> None:
    # x^a: the exponent is classified (integer or not) at every pass, from a's value
    value = float(analyze(p).f(0.0))
    for base in ("x", "(x - 1)", "sqrt(x)"):
        _assert_same_pass(f"{base}^{p}", f"{base}^a", {"a": value})


def test_an_undefined_number_exponent_is_an_undefined_parameter_exponent() -> None:
    # the parser refuses x^sqrt(-1); a tree built directly folds its exponent to NaN
    tree = BinOp("pow", Var("x"), Call("sqrt", (Num(-1.0, "-1"),)))
    fn = compile(Expression("x^sqrt(-1)", tree, ()))
    nan = {"a": math.nan}
    for order in (0, 1, 2):
        with np.errstate(all="ignore"):
            (a,) = forward(fn.program, POINTS, {}, order)
        b = _triples("x^a", POINTS, nan, order)
        assert all(_same(p, q) for p, q in zip(a, b, strict=True))
        assert all(np.isnan(part).all() for part in fn.evaluate_raw(POINTS, None, order))


#: Every kind of x: numpy and Python scalars, 0-d, 1-d, 2-d, empty.
SHAPES = [np.float64(3.0), 3.0, np.array(3.0), np.linspace(-2, 2, 7), np.full((2, 3), 3.0),
          np.array([])]  # fmt: skip


@pytest.mark.parametrize("shape_x", SHAPES)
def test_numbers_x_and_parameters_give_fresh_float64_arrays_shaped_like_x(shape_x: object) -> None:
    x = np.asarray(shape_x, dtype=np.float64)
    expected = {  # closed forms
        "2": (np.full(x.shape, 2.0), np.zeros(x.shape), np.zeros(x.shape)),
        "a": (np.full(x.shape, 3.0), np.zeros(x.shape), np.zeros(x.shape)),
        "x": (x, np.ones(x.shape), np.zeros(x.shape)),
        "x + a": (x + 3.0, np.ones(x.shape), np.zeros(x.shape)),
        "x^2": (x * x, 2.0 * x, np.full(x.shape, 2.0)),
        "a x^2": (3.0 * x * x, 6.0 * x, np.full(x.shape, 6.0)),
    }
    for text, truth in expected.items():
        fn = analyze(text)
        for parts in (fn.evaluate_raw(shape_x, {"a": 3.0}), fn.evaluate(shape_x, {"a": 3.0})):
            assert len(parts) == 3
            for got, want in zip(parts, truth, strict=True):
                assert type(got) is np.ndarray and got.dtype == np.float64, text
                assert got.shape == x.shape and np.array_equal(got, want), text
                assert got.flags.writeable and not np.shares_memory(got, x), text
            assert not any(np.shares_memory(p, q) for p in parts for q in parts if p is not q)
        # a result written over does not change the next one (no shared buffers)
        first = fn.evaluate_raw(shape_x, {"a": 3.0})
        for part in first:
            part.fill(-7.0)
        again = fn.evaluate_raw(shape_x, {"a": 3.0})
        assert all(np.array_equal(g, w) for g, w in zip(again, truth, strict=True)), text


def test_an_undefined_number_or_parameter_leaves_no_derivative() -> None:
    xs = np.linspace(-1, 1, 5)
    f, d, d2 = analyze("x + a").evaluate_raw(xs, {"a": math.nan})
    assert np.isnan(f).all() and np.isnan(d).all() and np.isnan(d2).all()
    f, d, d2 = analyze("x + a").evaluate_raw(xs, {"a": 2.0})
    assert np.array_equal(d, np.ones(5)) and np.array_equal(d2, np.zeros(5))
    # the parser refuses sqrt(-1); a tree built directly folds it to an undefined number
    tree = BinOp("add", Var("x"), Call("sqrt", (Num(-1.0, "-1"),)))
    f, d, d2 = compile(Expression("x + sqrt(-1)", tree, ())).evaluate_raw(xs)
    assert np.isnan(f).all() and np.isnan(d).all() and np.isnan(d2).all()


def test_the_x_shortcut_of_the_chain_rule_needs_u_second_zero() -> None:
    # u′ = dx/dx alone does not make u = x: with a u″ the general rule must run
    xs = np.linspace(-2, 2, 9)
    g = (np.sin(xs), np.cos(xs), -np.sin(xs))
    u2 = np.full(9, 3.0)
    v, d, d2 = _chain(g, (xs, ONE, u2), 2)
    assert v is g[0] and d is g[1]
    assert np.array_equal(d2, g[2] + g[1] * u2)
    assert _chain(g, (xs, ONE, None), 1) == (g[0], g[1], None)


@pytest.mark.parametrize("text", ["relu(x)", "relu(2x - 1)", "relu(-x)"])
def test_relu_has_no_derivative_exactly_at_its_corner_and_where_u_is_undefined(
    text: str,
) -> None:
    fn = analyze(text)
    u = {"relu(x)": lambda t: t, "relu(2x - 1)": lambda t: 2 * t - 1, "relu(-x)": lambda t: -t}
    du = {"relu(x)": 1.0, "relu(2x - 1)": 2.0, "relu(-x)": -1.0}[text]
    for xs in (
        np.linspace(-3.0, 3.0, 600),  # no corner on these points
        np.linspace(-3.0, 3.0, 601),  # the corner is one of them
        np.array([np.nan, 0.5, -0.5, 0.0]),
    ):
        uv = u[text](xs)
        corner = (uv == 0) | np.isnan(uv)
        f, d, d2 = fn.evaluate_raw(xs)
        assert np.array_equal(f, np.maximum(uv, 0.0), equal_nan=True)
        assert np.array_equal(np.isnan(d), corner) and np.array_equal(np.isnan(d2), corner)
        assert np.array_equal(d[~corner], np.where(uv > 0, du, 0.0)[~corner])
        assert np.array_equal(d2[~corner], np.zeros(np.count_nonzero(~corner)))
    assert math.isnan(float(analyze("relu(x)").df(0.0)))
    assert float(analyze("relu(x)").df(1e-300)) == 1.0
