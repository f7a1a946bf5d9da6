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


# -- the same numbers from a parameter's slider: known only when f is evaluated ----------

@pytest.mark.parametrize(
    ("text", "a"),
    [("sin(a pi)", 1.0), ("sin(a pi)", -3.0), ("cos(a pi)", 0.5), ("cos(a pi)", 2.5),
     ("tan(a pi)", 2.0), ("cot(a pi/2)", 1.0), ("sin(a)", 0.0)],
)  # fmt: skip
def test_a_parameter_at_a_zero_is_zero_as_if_typed(text: str, a: float) -> None:
    # sin(a·pi) at a = 1 is sin(π) = 0 (float64 gave 1.2e-16: f″ = 2.4e-16 of a line)
    fn = analyze(f"{text} x^2 + x")
    f, d, d2 = (float(v) for v in fn.evaluate(0.5, {"a": a}))
    assert (f, d, d2) == (0.5, 1.0, 0.0)


@pytest.mark.parametrize(
    ("text", "a"),
    [("tan(a pi)", 0.5), ("tan(a pi)", 1.5), ("sec(a pi)", -0.5), ("csc(a pi)", 2.0),
     ("cot(a pi)", 1.0)],
)  # fmt: skip
def test_a_parameter_at_a_pole_is_undefined_as_if_typed(text: str, a: float) -> None:
    # tan(a·pi) at a = 1.5 is tan(3π/2), a pole: it was 5.4e15 (tan of the rounded 1.5π)
    from derivview.model.expr.forward import compile_program
    from derivview.model.expr.graph import graph
    from derivview.model.expr.multi import gradient_hessian

    fn = analyze(f"x + {text}")
    assert all(v != v for v in (float(p) for p in fn.evaluate(0.5, {"a": a})))
    assert fn.point(0.5, {"a": a}).f is None
    # the parser refuses the same number typed
    typed = text.replace("(a pi)", f"({a!r} pi)")
    assert typed != text
    with pytest.raises(ExpressionError) as info:
        parse(f"x + {typed}")
    assert "undefined" in info.value.message
    # and the two-variable pass and the graph say the same
    e = parse(f"x + y + {text}", variables=("x", "y"))
    prog = compile_program([e.tree], e.variables)
    f, _, _ = gradient_hessian(prog, {"x": 0.5, "y": 1.0}, {"a": a})
    assert float(f) != float(f)
    assert graph(parse(f"x + {text}"), 0.5, {"a": a}).f is None


def test_a_parameter_near_but_not_at_a_zero_keeps_its_value() -> None:
    # a = 1 + 1e-9: sin(aπ) = −π·1e-9 (mpmath), far more than rounding
    got = float(analyze("sin(a pi) + 0 x").f(0.0, {"a": 1 + 1e-9}))
    with mp.workdps(50):
        want = float(mp.sin(mp.mpf(1 + 1e-9) * mp.mpf(3.141592653589793)))
    assert got == pytest.approx(want, rel=1e-7)
