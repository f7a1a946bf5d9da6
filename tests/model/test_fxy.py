"""f(x, y) through derivview's tree (model/labs/fxy.py): f, ∇f and the Hessian against
mpmath's partial derivatives, kinds of points, domains, and descent on the tree against
closed forms."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from derivview.model.errors import ExpressionError
from derivview.model.labs.descent2d import Settings2D, run_to_end
from derivview.model.labs.fxy import PRESETS, XyFunction

mp.mp.dps = 40


def _sigmoid(u):  # type: ignore[no-untyped-def]
    return 1 / (1 + mp.exp(-u))


# (text, the same function in mpmath, points where it is smooth)
CASES = [
    ("x^2 + y^2", lambda x, y: x**2 + y**2, [(0.3, -1.2), (2.0, 0.5)]),
    ("x^2 + 10y^2", lambda x, y: x**2 + 10 * y**2, [(1.1, 0.7)]),
    ("x^2 - y^2", lambda x, y: x**2 - y**2, [(0.4, 0.9)]),
    ("(1 - x)^2 + 100(y - x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
     [(-1.2, 1.0), (0.5, 0.3)]),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
     lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2, [(3.1, 1.9), (-0.3, -0.9)]),
    ("relu(x + y) + 0.1(x^2 + y^2)", lambda x, y: max(x + y, 0) + mp.mpf("0.1") * (x**2 + y**2),
     [(2.0, 1.0), (-1.0, -0.5)]),
    ("x y", lambda x, y: x * y, [(0.7, -1.3)]),
    ("sin(x) cos(y)", lambda x, y: mp.sin(x) * mp.cos(y), [(0.7, 1.3)]),
    ("tan(x y)", lambda x, y: mp.tan(x * y), [(0.5, 0.8)]),
    ("sec(x) + csc(y) + cot(x + y)", lambda x, y: mp.sec(x) + mp.csc(y) + mp.cot(x + y),
     [(0.4, 0.9)]),
    ("asin(x y) + acos(x/3) + atan(x - y)",
     lambda x, y: mp.asin(x * y) + mp.acos(x / 3) + mp.atan(x - y), [(0.5, 0.6)]),
    ("sinh(x) cosh(y) + tanh(x y)", lambda x, y: mp.sinh(x) * mp.cosh(y) + mp.tanh(x * y),
     [(0.3, -0.8)]),
    ("exp(-(x^2 + y^2)/2)", lambda x, y: mp.exp(-(x**2 + y**2) / 2), [(0.6, -0.4)]),
    ("ln(x^2 + y^2 + 1)", lambda x, y: mp.log(x**2 + y**2 + 1), [(1.5, -0.5)]),
    ("log(x + 2, y + 3) + log2(x + y) + log10(x y)",
     lambda x, y: mp.log(x + 2) / mp.log(y + 3) + mp.log(x + y, 2) + mp.log10(x * y),
     [(1.2, 0.7)]),
    ("sqrt(x^2 + y^2)", lambda x, y: mp.sqrt(x**2 + y**2), [(0.8, -0.6)]),
    ("cbrt(x - 2y)", lambda x, y: mp.cbrt(x - 2 * y) if x - 2 * y >= 0 else -mp.cbrt(2 * y - x),
     [(0.5, 1.0), (3.0, 0.2)]),
    ("|x| + |y - 1|", lambda x, y: abs(x) + abs(y - 1), [(-0.7, 1.6)]),
    ("sigmoid(x - 2y) + softplus(x y)",
     lambda x, y: _sigmoid(x - 2 * y) + mp.log(1 + mp.exp(x * y)), [(0.3, 0.1)]),
    ("max(x, y, x y) + min(x^2, y)", lambda x, y: max(x, y, x * y) + min(x**2, y),
     [(1.5, 2.5), (0.4, 0.9)]),
    ("x^y", lambda x, y: x**y, [(1.7, 0.6)]),
    ("a x^3 y + b sqrt(x^2 + y^2)", lambda x, y: 2 * x**3 * y + 3 * mp.sqrt(x**2 + y**2),
     [(0.9, 1.3)]),
    ("floor(x) y^2 + sign(y) x + ceil(y) x^2", lambda x, y: 1 * y**2 + x + 2 * x**2,
     [(1.5, 1.5)]),
    ("x² y³ − 3x y + π", lambda x, y: x**2 * y**3 - 3 * x * y + mp.pi, [(0.9, -1.1)]),
    ("(x + y)/(1 + x^2 y^2)", lambda x, y: (x + y) / (1 + x**2 * y**2), [(0.5, -1.5)]),
]  # fmt: skip
PARAMS = {"a": 2.0, "b": 3.0}


def _flat_cases():  # type: ignore[no-untyped-def]
    for text, mfun, points in CASES:
        for p in points:
            yield pytest.param(text, mfun, p, id=f"{text} at {p}")


def test_at_least_twenty_functions() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize(("text", "mfun", "point"), list(_flat_cases()))
def test_gradient_and_hessian_against_mpmath(text, mfun, point) -> None:  # type: ignore[no-untyped-def]
    fn = XyFunction.from_text(text)
    p = fn.at(*point, PARAMS)
    x, y = (mp.mpf(v) for v in point)

    def d(n: int, m: int) -> float:
        return float(mp.diff(mfun, (x, y), (n, m)))

    assert p.f == pytest.approx(float(mfun(x, y)), rel=1e-13, abs=1e-14)
    assert p.gradient is not None and p.hessian is not None
    assert p.gradient[0] == pytest.approx(d(1, 0), rel=1e-10, abs=1e-12)
    assert p.gradient[1] == pytest.approx(d(0, 1), rel=1e-10, abs=1e-12)
    (hxx, hxy), (hyx, hyy) = p.hessian
    assert hxx == pytest.approx(d(2, 0), rel=1e-8, abs=1e-10)
    assert hyy == pytest.approx(d(0, 2), rel=1e-8, abs=1e-10)
    assert hxy == pytest.approx(d(1, 1), rel=1e-8, abs=1e-10)
    assert hyx == hxy
    assert p.norm == pytest.approx(math.hypot(d(1, 0), d(0, 1)), rel=1e-10, abs=1e-12)


def test_the_grid_is_f_at_every_node_rows_along_y() -> None:
    fn = XyFunction.from_text("x - 10y + x y")
    xs = np.array([-1.0, 0.0, 2.0])
    ys = np.array([0.5, 3.0])
    z = fn.grid(xs, ys)
    assert z.shape == (2, 3)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            assert z[i, j] == x - 10 * y + x * y


def test_a_constant_broadcasts_to_the_grid() -> None:
    z = XyFunction.from_text("3").grid(np.linspace(0, 1, 4), np.linspace(0, 1, 5))
    assert z.shape == (5, 4) and np.all(z == 3.0)


def test_outside_the_domain_is_none_at_a_point_and_nan_on_a_grid() -> None:
    fn = XyFunction.from_text("sqrt(1 - x^2 - y^2)")
    out = fn.at(1.0, 1.0)
    assert out.f is None and out.gradient is None and out.hessian is None and out.kind is None
    z = fn.grid(np.array([0.0, 2.0]), np.array([0.0]))
    assert z[0, 0] == 1.0 and math.isnan(z[0, 1])


def test_no_gradient_on_a_crease_and_kinds_of_points() -> None:
    ridge = XyFunction.from_text("relu(x + y) + 0.1(x^2 + y^2)")
    assert ridge.at(0.5, -0.5).gradient is None  # on the crease x + y = 0
    saddle = XyFunction.from_text("x^2 - y^2").at(0.0, 0.0)
    assert saddle.kind == "saddle" and saddle.eigenvalues == (-2.0, 2.0)
    assert XyFunction.from_text("x^2 + y^2").at(0.0, 0.0).kind == "minimum"
    assert XyFunction.from_text("-x^2 - 3y^2").at(0.0, 0.0).kind == "maximum"
    assert XyFunction.from_text("x^2 + y^4").at(0.0, 0.0).kind == "degenerate"
    assert XyFunction.from_text("x^2 + y^2").at(1.0, 0.0).kind == "regular"


def test_himmelblau_has_its_four_minima() -> None:
    fn = XyFunction.from_text(PRESETS[4].expr)
    for x, y in ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                 (3.584428, -1.848126)):  # fmt: skip
        p = fn.at(x, y)
        assert p.f == pytest.approx(0.0, abs=1e-9)
        assert p.eigenvalues is not None and p.eigenvalues[0] > 0


def test_y_is_a_variable_and_other_letters_parameters() -> None:
    fn = XyFunction.from_text("a x + k y")
    assert fn.parameters == ("a", "k")
    assert fn.at(2.0, 3.0, {"a": 5.0}).f == 5.0 * 2 + 1.0 * 3  # k defaults to 1
    with pytest.raises(ExpressionError) as err:
        XyFunction.from_text("x + yy")
    assert err.value.column == 5


def test_every_preset_parses_and_is_defined_at_its_point() -> None:
    for preset in PRESETS:
        p = XyFunction.from_text(preset.expr).at(*preset.point)
        assert p.f is not None, preset.label
        x0, x1 = preset.x_range
        y0, y1 = preset.y_range
        assert x0 < preset.point[0] < x1 and y0 < preset.point[1] < y1


# -- descent on the tree against closed forms ------------------------------------------------


@pytest.mark.parametrize(("a", "c", "lr"), [(1.0, 10.0, 0.04), (0.5, 3.0, 0.3), (2.0, 8.0, 0.06)])
def test_gd_on_a_bowl_from_the_tree_follows_the_closed_form(a, c, lr) -> None:
    fn = XyFunction.from_text(f"{a} x^2 + {c} y^2").bind()
    run = run_to_end(Settings2D("gd", lr, start=(2.0, -1.5), max_steps=40), fn)
    assert len(run.iterates) == 41
    for it in run.iterates:
        assert it.x == pytest.approx(2.0 * (1 - 2 * lr * a) ** it.k, rel=1e-12, abs=1e-300)
        assert it.y == pytest.approx(-1.5 * (1 - 2 * lr * c) ** it.k, rel=1e-12, abs=1e-300)


def test_newton_in_one_step_on_a_quadratic_from_the_tree() -> None:
    # f = 2x² + xy + y² − 3x + y: H = [[4, 1], [1, 2]], minimizer (1, −1) (by hand)
    fn = XyFunction.from_text("2x^2 + x y + y^2 - 3x + y").bind()
    run = run_to_end(Settings2D("newton", start=(5.0, -7.0)), fn)
    assert (run.iterates[1].x, run.iterates[1].y) == pytest.approx((1.0, -1.0), rel=1e-12)
    assert run.status == "converged" and run.last.k == 1


def test_the_saddle_from_the_tree() -> None:
    fn = XyFunction.from_text("x^2 - y^2").bind()
    run = run_to_end(Settings2D("gd", 0.1, start=(1.0, 0.0), max_steps=500), fn)
    assert run.status == "converged" and run.outcome == "saddle" and "saddle" in run.message
    for it in run.iterates[:50]:
        assert it.x == pytest.approx(0.8**it.k, rel=1e-12) and it.y == 0.0


def test_a_bound_function_evaluates_each_point_once() -> None:
    fn = XyFunction.from_text("x^2 + y^2")
    calls = []
    original = fn.at

    def counting(x, y, params=None):  # type: ignore[no-untyped-def]
        calls.append((x, y))
        return original(x, y, params)

    fn.at = counting  # type: ignore[method-assign]
    bound = fn.bind()
    assert bound.value(1.0, 2.0) == 5.0
    assert bound.gradient(1.0, 2.0) == (2.0, 4.0)
    assert bound.hessian(1.0, 2.0) == ((2.0, 0.0), (0.0, 2.0))
    assert calls == [(1.0, 2.0)]
