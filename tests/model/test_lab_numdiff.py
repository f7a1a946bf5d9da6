"""Difference quotients, their errors and the gradient check (seed §9.1–9.2).

Truth: the quotients recomputed here in plain Python float arithmetic from the same f
values; exact derivatives from mpmath; the error model of the module docstring.
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest

from derivview.model.labs.numdiff import (
    DEFAULT_STEPS,
    EPSILON,
    error_curves,
    gradient_check,
    numdiff,
    numerical_gradient,
    quotients,
    theoretical_best,
)

mp.mp.dps = 50


def scalar(f, x: float) -> float:
    return float(f(np.array([x]))[0])


def test_default_steps_are_one_to_1e_minus_16():
    assert DEFAULT_STEPS[0] == 1.0 and DEFAULT_STEPS[-1] == 1e-16 and len(DEFAULT_STEPS) == 17
    assert all(a / b == pytest.approx(10) for a, b in itertools.pairwise(DEFAULT_STEPS))


@pytest.mark.parametrize("x", [1.0, -2.5, 0.3, 1e3])
def test_quotients_are_the_formulas_as_written_in_float64(x):
    f = np.sin
    hs = list(DEFAULT_STEPS)
    fwd, bwd, ctr = quotients(f, x, hs)
    for i, h in enumerate(hs):
        fx, fp, fm = scalar(f, x), scalar(f, x + h), scalar(f, x - h)
        assert fwd[i] == (fp - fx) / h
        assert bwd[i] == (fx - fm) / h
        assert ctr[i] == (fp - fm) / (2 * h)


def test_table_has_errors_against_exact_and_the_contract_example():
    # contracts.md §5: sin at 1, h = 0.1.
    result = numdiff(np.sin, 1.0, math.cos(1.0), [0.1])
    (row,) = result.rows
    assert row.forward == pytest.approx(0.4973637525353891, rel=1e-15)
    assert row.backward == pytest.approx(0.5814407518041309, rel=1e-15)
    assert row.central == pytest.approx(0.53940225216976, rel=1e-14)
    assert row.forward_error == pytest.approx(0.04293855333275065, rel=1e-12)
    assert row.central_error == pytest.approx(0.0009000536983797547, rel=1e-9)


SMOOTH = [
    ("sin", np.sin, mp.cos, 1.0),
    ("cos", np.cos, lambda x: -mp.sin(x), 0.7),
    ("exp", np.exp, mp.exp, 0.5),
    ("log", np.log, lambda x: 1 / x, 2.0),
    ("x^3", lambda x: x**3, lambda x: 3 * x**2, 1.3),
    ("sqrt", np.sqrt, lambda x: 1 / (2 * mp.sqrt(x)), 2.0),
    ("atan", np.arctan, lambda x: 1 / (1 + x**2), 0.4),
    ("tanh", np.tanh, lambda x: 1 / mp.cosh(x) ** 2, 0.3),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), lambda x: mp.exp(-x) / (1 + mp.exp(-x)) ** 2, 0.5),
    ("x e^-x", lambda x: x * np.exp(-x), lambda x: (1 - x) * mp.exp(-x), 0.5),
    ("1/(1+x^2)", lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, 0.8),
    ("sin(x^2)", lambda x: np.sin(x**2), lambda x: 2 * x * mp.cos(x**2), 1.1),
]


@pytest.mark.parametrize(("name", "f", "df", "x"), SMOOTH, ids=[s[0] for s in SMOOTH])
def test_best_h_lies_near_sqrt_eps_forward_and_cbrt_eps_central(name, f, df, x):
    exact = float(df(mp.mpf(x)))
    result = numdiff(f, x, exact)
    # √ε ≈ 1.5e-8 and ∛ε ≈ 6e-6 on well-scaled f: within a decade either side.
    assert result.best["forward"] in (1e-7, 1e-8, 1e-9)
    assert result.best["backward"] in (1e-7, 1e-8, 1e-9)
    assert result.best["central"] in (1e-4, 1e-5, 1e-6)
    rows = {r.h: r for r in result.rows}
    # Truncation regime: the forward error falls ~10× per decade (slope 1), the central
    # ~100× (slope 2) ...
    assert rows[1e-2].forward_error / rows[1e-3].forward_error == pytest.approx(10, rel=0.2)
    assert rows[1e-2].central_error / rows[1e-3].central_error == pytest.approx(100, rel=0.2)
    # ... and round-off wins for tiny h: the error grows again.
    assert rows[1e-12].forward_error > 100 * rows[1e-8].forward_error


def test_where_no_derivative_exists_the_quotients_disagree_and_nothing_is_best():
    relu = lambda x: np.maximum(x, 0.0)  # noqa: E731
    result = numdiff(relu, 0.0, None)
    assert result.exact is None
    assert all(v is None for v in result.best.values())
    for row in result.rows:
        assert (row.forward, row.backward, row.central) == (1.0, 0.0, 0.5)
        assert row.forward_error is None and row.central_error is None


def test_undefined_values_are_none_not_nan():
    result = numdiff(np.log, 0.5, 2.0, [1.0, 0.1])  # log(0.5 − 1) is undefined
    first = result.rows[0]
    assert first.forward is not None and first.backward is None and first.central is None
    assert result.rows[1].central is not None


def test_numerical_gradient_is_the_seeds_function():
    f = np.exp
    x, h = 0.3, 1e-5
    assert numerical_gradient(f, x) == (scalar(f, x + h) - scalar(f, x - h)) / (2 * h)
    assert numerical_gradient(np.log, -1.0) is None


def test_bad_steps_are_refused():
    for steps in ([], [0.0], [-1e-3], [float("nan")]):
        with pytest.raises(ValueError, match="positive"):
            numdiff(np.sin, 1.0, 0.5, steps)


def test_error_curves_span_1_to_1e_minus_16():
    hs, errors = error_curves(np.sin, 1.0, math.cos(1.0), n=161)
    assert hs[0] == 1.0 and hs[-1] == pytest.approx(1e-16)
    assert set(errors) == {"forward", "backward", "central"}
    central = errors["central"]
    i = int(np.nanargmin(np.where(central > 0, central, np.nan)))
    assert 1e-7 < hs[i] < 1e-3


def test_theoretical_best_balances_truncation_and_round_off():
    # f = exp at 0: |f| = f″ = f‴ = 1 → 2√ε and ∛(3ε).
    best = theoretical_best(1.0, 1.0, 1.0)
    assert best["forward"] == pytest.approx(2 * math.sqrt(EPSILON))
    assert best["central"] == pytest.approx((3 * EPSILON) ** (1 / 3))
    assert theoretical_best(0.0, None, None)["forward"] == pytest.approx(math.sqrt(EPSILON))


def test_gradient_check_agrees_for_a_right_derivative_and_catches_a_wrong_one():
    good = gradient_check(np.sin, np.cos, -5, 5)
    assert good.verdict == "agree" and good.worst < 1e-8 and good.checked == 2001
    wrong = gradient_check(np.sin, lambda x: np.cos(x) * 1.001, -5, 5)
    assert wrong.verdict == "wrong"
    assert wrong.worst == pytest.approx(0.001 / 1.001, rel=1e-3)
    # A sign error at one place: the worst point is where it is.
    sneaky = gradient_check(
        lambda x: x**3, lambda x: np.where(np.abs(x - 2) < 0.01, -3 * x**2, 3 * x**2), -3, 3
    )
    assert sneaky.verdict == "wrong" and abs(sneaky.at - 2) < 0.01


def test_gradient_check_skips_kinks_and_undefined_points():
    relu = lambda x: np.maximum(x, 0.0)  # noqa: E731
    drelu = lambda x: np.where(x > 0, 1.0, np.where(x < 0, 0.0, np.nan))  # noqa: E731
    check = gradient_check(relu, drelu, -1, 1, n=2001, kinks=[0.0])
    assert check.verdict == "agree"
    assert check.skipped_kinks == 1  # x = 0 is a sample; its neighbours are 1e-3 away
    unchecked = gradient_check(relu, drelu, -1, 1, n=2001)
    assert unchecked.skipped_undefined == 1
    edge = gradient_check(np.sqrt, lambda x: 0.5 / np.sqrt(x), 0, 1, n=1001)
    assert edge.skipped_undefined == 1 and edge.skipped_edge == 0  # sqrt′(0) undefined
    edge2 = gradient_check(np.sqrt, lambda x: 0.5 / np.sqrt(x), 1e-6, 1, n=1001)
    assert edge2.skipped_edge == 1  # at 1e-6, f(x − h) is undefined
