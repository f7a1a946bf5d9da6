"""Two variables (contracts.md §6): f, ∇f and the Hessian by forward mode on arrays,
against mpmath's partial derivatives."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from derivview.model.expr import parse
from derivview.model.expr.forward import compile_program
from derivview.model.expr.multi import gradient_hessian

mp.mp.dps = 30

CASES = [
    ("x^2 - y^2", lambda x, y: x**2 - y**2),
    ("x y", lambda x, y: x * y),
    ("sin(x y) + exp(x - y)", lambda x, y: mp.sin(x * y) + mp.exp(x - y)),
    ("(x^2 + y^2)/(1 + x^2)", lambda x, y: (x**2 + y**2) / (1 + x**2)),
    ("x^y", lambda x, y: x**y),
    (
        "ln(x^2 + y^2 + 1) sigmoid(x - 2y)",
        lambda x, y: mp.log(x**2 + y**2 + 1) / (1 + mp.exp(-(x - 2 * y))),
    ),
    ("a x^3 y + b sqrt(x^2 + y^2)", lambda x, y: 2 * x**3 * y + 3 * mp.sqrt(x**2 + y**2)),
    (
        "tanh(x) cos(y) + log(x + 2, y + 3)",
        lambda x, y: mp.tanh(x) * mp.cos(y) + mp.log(x + 2) / mp.log(y + 3),
    ),
]  # fmt: skip
POINTS = [(0.7, 1.3), (1.5, -0.4), (0.2, 0.9)]


def _compiled(text: str):  # type: ignore[no-untyped-def]
    e = parse(text, variables=("x", "y"))
    return compile_program([e.tree], e.variables)


@pytest.mark.parametrize(("text", "mfun"), CASES, ids=[c[0] for c in CASES])
def test_gradient_and_hessian_against_mpmath(text: str, mfun) -> None:  # type: ignore[no-untyped-def]
    prog = _compiled(text)
    xs = np.array([p[0] for p in POINTS])
    ys = np.array([p[1] for p in POINTS])
    f, g, h = gradient_hessian(prog, {"x": xs, "y": ys}, {"a": 2.0, "b": 3.0})
    for i, (x0, y0) in enumerate(POINTS):
        x, y = mp.mpf(x0), mp.mpf(y0)

        def d(n: int, m: int, x: mp.mpf = x, y: mp.mpf = y) -> float:
            return float(mp.diff(mfun, (x, y), (n, m)))

        assert f[i] == pytest.approx(float(mfun(x, y)), rel=1e-13)
        assert g[0][i] == pytest.approx(d(1, 0), rel=1e-11, abs=1e-13)
        assert g[1][i] == pytest.approx(d(0, 1), rel=1e-11, abs=1e-13)
        assert h[0][0][i] == pytest.approx(d(2, 0), rel=1e-9, abs=1e-11)
        assert h[1][1][i] == pytest.approx(d(0, 2), rel=1e-9, abs=1e-11)
        assert h[0][1][i] == pytest.approx(d(1, 1), rel=1e-9, abs=1e-11)
        assert h[1][0][i] == h[0][1][i]


def test_the_contract_saddle() -> None:
    f, g, h = gradient_hessian(_compiled("x^2 - y^2"), {"x": 0.0, "y": 0.0})
    assert float(f) == 0.0 and [float(v) for v in g] == [0.0, 0.0]
    assert [[float(v) for v in row] for row in h] == [[2.0, 0.0], [0.0, -2.0]]


def test_domain_and_kinks_are_nan() -> None:
    f, g, h = gradient_hessian(
        _compiled("sqrt(x - y)"), {"x": np.array([0.0, 2.0]), "y": np.array([1.0, 1.0])}
    )
    assert math.isnan(f[0]) and all(math.isnan(v[0]) for v in g) and math.isnan(h[0][0][0])
    assert f[1] == 1.0 and g[0][1] == 0.5 and g[1][1] == -0.5
    f, g, h = gradient_hessian(_compiled("max(x, y)"), {"x": 1.0, "y": 1.0})
    assert float(f) == 1.0 and math.isnan(float(g[0])) and math.isnan(float(h[0][0]))
    f, g, _ = gradient_hessian(_compiled("max(x, y)"), {"x": 2.0, "y": 1.0})
    assert (float(g[0]), float(g[1])) == (1.0, 0.0)


def test_a_power_of_a_huge_power_keeps_its_hessian() -> None:
    # u = x^((3y)^3) is 4^307.5 = 1.2e185 at (0.25, -2.25) and ∂u/∂x is -1.5e188: u_x² and
    # 1/u² overflow and underflow apart (inf·0 was NaN), their ratio u_x/u is -1230.
    def mfun(x: mp.mpf, y: mp.mpf) -> mp.mpf:
        return (x ** ((3 * y) ** 3)) ** x

    f, g, h = gradient_hessian(_compiled("(x^((3y)^3))^x"), {"x": 0.25, "y": -2.25})
    with mp.workdps(60):
        x, y = mp.mpf("0.25"), mp.mpf("-2.25")
        assert float(f) == pytest.approx(float(mfun(x, y)), rel=1e-12)
        for (n, m), got in (((1, 0), g[0]), ((0, 1), g[1])):
            assert float(got) == pytest.approx(float(mp.diff(mfun, (x, y), (n, m))), rel=1e-10)
        for (n, m), got in (((2, 0), h[0][0]), ((1, 1), h[0][1]), ((0, 2), h[1][1])):
            assert float(got) == pytest.approx(float(mp.diff(mfun, (x, y), (n, m))), rel=1e-8)
