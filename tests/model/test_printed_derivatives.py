"""Printed derivatives a student recognises (issue 13 item 12), and still exact."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivview.model.calculus import analyze
from derivview.model.expr.parser import parse
from derivview.model.formulas import formulas_in_process


def _df(text: str) -> str:
    out = formulas_in_process(parse(text))
    assert out.df is not None
    return out.df


def _values(text: str, xs: list[float]) -> list[float]:
    return [float(v) for v in analyze(text).f(np.array(xs))]


def test_relu_prime_is_one_and_zero_and_undefined_at_the_kink() -> None:
    df = _df("relu(x)")
    assert "sign" not in df  # (1 + sign(x))/2 is ½ at 0, where relu has no derivative
    left, at, right = _values(df, [-2.0, 0.0, 3.0])
    assert (left, right) == (0.0, 1.0) and math.isnan(at)
    # the readout (numbers from the tree) says the same: no derivative at 0
    point = analyze("relu(x)").point(0.0)
    assert not point.differentiable


def test_relu_prime_of_a_shifted_argument() -> None:
    left, at, right = _values(_df("relu(x - 2)"), [1.0, 2.0, 2.5])
    assert (left, right) == (0.0, 1.0) and math.isnan(at)


@pytest.mark.parametrize(
    ("text", "df", "at_zero"),
    [
        # hand-derived: (relu²)′ = 2relu·relu′ = 2relu wherever relu′ exists, and 0 at 0,
        # where f′ exists though relu′ does not (both one-sided slopes are 0)
        ("relu(x)^2", "2relu(x)", 0.0),
        ("x*relu(x)", "2relu(x)", 0.0),  # relu + x·relu′: x·step is relu
        ("relu(x)^3", "3relu(x)^2", 0.0),
        ("x^2 relu(x)", "2x*relu(x) + relu(x)^2", 0.0),
        ("relu(x^2 - 1)^2", "4x*relu(x^2 - 1)", None),  # f′(0) = 0; x = ±1 below
    ],
)
def test_relu_prime_times_what_vanishes_with_it_is_folded(text: str, df: str, at_zero) -> None:
    # It printed 2relu(x)²/x, undefined at 0 where the readout says f′(0) = 0.
    assert _df(text) == df
    point = analyze(text).point(1.0 if at_zero is None else 0.0)
    assert point.differentiable
    x0 = 1.0 if at_zero is None else 0.0
    assert _values(df, [x0]) == [point.df]


def test_relu_prime_alone_or_divided_keeps_its_missing_value() -> None:
    # d/dx sqrt(relu(x)) = step/(2 sqrt(relu)): no derivative at 0 (the slope tends to ∞)
    df = _df("relu(x)^(1/2)")
    assert math.isnan(_values(df, [0.0])[0]) and _values(df, [4.0]) == [0.25]
    d2f = formulas_in_process(parse("relu(x)^2")).d2f
    assert d2f is not None and math.isnan(_values(d2f, [0.0])[0])  # f″: 0 left, 2 right


def test_sigmoid_prime_reads_sigma_times_one_minus_sigma() -> None:
    assert _df("sigmoid(x)") == "sigmoid(x)*(1 - sigmoid(x))"
    xs = [-3.0, 0.0, 2.0]
    s = 1 / (1 + np.exp(-np.array(xs)))
    assert _values(_df("sigmoid(x)"), xs) == pytest.approx(s * (1 - s), rel=1e-12)


def test_tan_prime_reads_sec_squared() -> None:
    assert _df("tan(x)") == "sec(x)^2"
    xs = [-1.0, 0.3, 1.2]
    assert _values(_df("tan(x)"), xs) == pytest.approx(1 / np.cos(xs) ** 2, rel=1e-12)
    # and its pole is the pole of tan′: undefined at π/2 exactly as 1/cos² is
    assert _values("sec(x)^2", [0.0]) == [1.0]


def test_a_complex_root_is_never_printed() -> None:
    # d/dx (−x²)^(1/3): sympy writes (−1)^(1/3)·…, its principal complex cube root; the
    # language reads (−1)^(1/3) as undefined, and the printed f′ did not parse back
    # ("derivview info" ended in an error). f itself is defined at 0 only.
    out = formulas_in_process(parse("(-x^2)^(1/3)"))
    assert out.df is None and out.d2f is None
    for text in ("(x^2)^(1/3)", "x^(1/3)", "(x - 1)^(2/3)"):  # real roots still print
        df = _df(text)
        parse(df)
