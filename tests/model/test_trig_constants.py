"""Constants at the zeros of sin, cos, tan and cot: 0, as typed — not float64's remainder.

``pi`` is float64's π, 1.2e-16 short of the real one: numpy's sin(pi) is 1.2e-16 and
cos(pi/2) 6.1e-17. The constants a person types mean 0 (sympy prints sin(pi)·x² as 0),
and the parser already treats csc(pi) as the pole it is. Only arguments within a few
ulps of a zero are such constants: a typed decimal short of π, or a huge exact number
such as 1e22, keeps its own value (truth: mpmath at the float argument).
"""

from __future__ import annotations

import mpmath as mp
import pytest

from derivview.model.calculus import analyze
from derivview.model.expression import ExpressionError, parse

ZEROS = [
    "sin(pi)", "sin(-pi)", "sin(2pi)", "sin(100pi)", "sin(pi/1)",
    "cos(pi/2)", "cos(-pi/2)", "cos(3pi/2)", "cos(21pi/2)",
    "tan(pi)", "tan(-2pi)", "cot(pi/2)", "cot(3pi/2)",
]  # fmt: skip


@pytest.mark.parametrize("c", ZEROS)
def test_a_constant_at_a_zero_of_the_function_is_zero(c: str) -> None:
    fn = analyze(f"{c} x^2 + x")
    f, d, d2 = (float(v) for v in fn.evaluate(0.5))
    assert (f, d, d2) == (0.5, 1.0, 0.0)  # x exactly: no 1e-16 x² left over
    point = fn.point(0.5)
    assert point.d2f == 0.0


def test_the_zero_function_has_no_critical_point_and_no_concavity() -> None:
    # float64's sin(pi)·x² is 1.2e-16·x²: a "minimum" at 0 and f″ > 0 everywhere
    fn = analyze("sin(pi) x^2")
    assert fn.special_points(-2, 2).critical == []
    assert float(fn.d2f(1.0)) == 0.0
    # x³ + cos(pi/2)·x²: the inflection of x³, exactly at 0 (f″ = 6x)
    cubic = analyze("x^3 + cos(pi/2) x^2")
    assert float(cubic.d2f(0.0)) == 0.0
    assert cubic.special_points(-2, 2).inflection == [0.0]


@pytest.mark.parametrize(
    ("text", "truth"),
    [
        # 15 digits of π, not π: sin of that float, 3.2e-15
        ("sin(3.14159265358979)", lambda: mp.sin(mp.mpf(3.14159265358979))),
        ("sin(pi + 1e-9)", lambda: mp.sin(mp.mpf(3.141592653589793) + mp.mpf(1e-9))),
        ("cos(1.5707963)", lambda: mp.cos(mp.mpf(1.5707963))),
        # 1e22 is an exact float64: sin(1e22) = -0.852…, its ulp (2e6) spans many periods
        ("sin(1e22)", lambda: mp.sin(mp.mpf(10) ** 22)),
        ("csc(1e22)", lambda: 1 / mp.sin(mp.mpf(10) ** 22)),
        ("tan(1e17)", lambda: mp.tan(mp.mpf(10) ** 17)),
        ("cot(2^40)", lambda: mp.cot(mp.mpf(2) ** 40)),
    ],
)
def test_other_constants_keep_their_own_value(text: str, truth) -> None:  # type: ignore[no-untyped-def]
    got = float(analyze(f"{text} + 0 x").f(0.0))
    with mp.workdps(50):
        want = float(truth())
    assert want != 0.0
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("text", ["csc(pi)", "cot(-3pi)", "sec(pi/2)", "tan(5pi/2)", "csc(0)"])
def test_poles_stay_refused(text: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(f"x + {text}")
    assert "undefined" in info.value.message
