"""Optimizers against closed forms: every iterate, every status, every failure mode.

The functions here are closed-form Python (math module), independent of the parser and
the calculus engine; the truth is derived by hand in each test.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivview.model.optimizers import (
    DescentRun,
    DescentSettings,
    ScalarFunction,
    run_to_end,
    stability_bound,
    start,
    step,
    suggested_learning_rate,
)


def fn(f, df, d2f, **hooks) -> ScalarFunction:
    return ScalarFunction(f=f, df=df, d2f=d2f, **hooks)


def descend(function: ScalarFunction, **kw) -> DescentRun:
    return run_to_end(DescentSettings(**kw), function)


SHIFTED = fn(lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3), lambda x: 2.0)
SQUARE = fn(lambda x: x * x, lambda x: 2 * x, lambda x: 2.0)
QUARTIC = fn(lambda x: x**4, lambda x: 4 * x**3, lambda x: 12 * x * x)
CUBIC = fn(lambda x: x**3, lambda x: 3 * x * x, lambda x: 6 * x)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


SIGMOID = fn(
    _sigmoid,
    lambda x: _sigmoid(x) * (1 - _sigmoid(x)),
    lambda x: _sigmoid(x) * (1 - _sigmoid(x)) * (1 - 2 * _sigmoid(x)),
)
# abs written two ways: f′ undefined at 0, or sign(x) (0 at 0, as sympy says) + a hook.
ABS_UNDEFINED = fn(
    abs, lambda x: math.copysign(1.0, x) if x else None, lambda x: 0.0 if x else None
)
ABS_SIGN = fn(
    abs, lambda x: float((x > 0) - (x < 0)), lambda x: 0.0, is_differentiable=lambda x: x != 0
)
RELU = fn(
    lambda x: max(0.0, x),
    lambda x: 1.0 if x > 0 else (0.0 if x < 0 else None),
    lambda x: 0.0 if x else None,
)
LN = fn(math.log, lambda x: 1 / x if x > 0 else None, lambda x: -1 / x**2 if x > 0 else None)


# --- settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "words"),
    [
        ({"learning_rate": 0.0}, "learning rate must be positive"),
        ({"learning_rate": -0.1}, "learning rate must be positive"),
        ({"learning_rate": math.inf}, "learning rate must be a finite number"),
        ({"learning_rate": math.nan}, "learning rate must be a finite number"),
        ({"beta": 1.0}, "beta must be in [0, 1)"),
        ({"beta": -0.01}, "beta must be in [0, 1)"),
        ({"start": math.nan}, "start must be a finite number"),
        ({"max_steps": 0}, "max steps must be between 1 and 100000"),
        ({"max_steps": 100_001}, "max steps must be between 1 and 100000"),
        ({"max_steps": 2.5}, "max steps must be a whole number"),
        ({"tol": 0.0}, "tolerance must be positive"),
        ({"method": "adam"}, "method must be one of gd, momentum, newton"),
    ],
)
def test_invalid_settings_raise_valueerror_with_a_clear_message(kw, words):
    with pytest.raises(ValueError, match=re.escape(words)):
        DescentSettings(**kw)


def test_defaults_match_the_contract():
    s = DescentSettings()
    assert (s.method, s.learning_rate, s.beta, s.start, s.max_steps, s.tol) == (
        "gd",
        0.1,
        0.9,
        0.0,
        100,
        1e-8,
    )


def test_stability_bound_and_suggested_rate():
    assert stability_bound(2.0) == 1.0
    assert suggested_learning_rate(4.0) == 0.25
    for bad in (0.0, -1.0, None, math.inf):
        assert stability_bound(bad) is None
        assert suggested_learning_rate(bad) is None


# --- gradient descent: closed form ---------------------------------------------------------


def test_gd_on_shifted_square_follows_the_closed_form():
    # x_{k+1} = x_k − 0.1·2(x_k − 3)  ⇒  x_k − 3 = 0.8 (x_{k−1} − 3)  ⇒  x_k = 3 − 3·0.8^k
    run = descend(SHIFTED, start=0.0, learning_rate=0.1)
    for it in run.iterates[:51]:
        assert it.x == pytest.approx(3 - 3 * 0.8**it.k, abs=1e-12)
        assert it.f == pytest.approx(9 * 0.64**it.k, abs=1e-12)
        assert it.df == pytest.approx(-6 * 0.8**it.k, abs=1e-12)
    # converged at the first k with |f′| = 6·0.8^k < 1e-8
    k_star = next(k for k in range(1000) if 6 * Fraction(4, 5) ** k < Fraction(1, 10**8))
    assert k_star == 91
    assert run.status == "converged" and run.outcome == "converged"
    assert run.steps_taken == k_star
    assert f"|f′(x)| < 1e−8 after {k_star} steps" in run.message
    assert "local minimum" in run.message
    assert run.iterates[0].step is None
    assert run.iterates[1].step == pytest.approx(0.6, abs=1e-15)


def test_start_at_the_minimum_converges_with_zero_steps():
    run = descend(SHIFTED, start=3.0)
    assert run.status == "converged" and run.steps_taken == 0
    assert "after 0 steps" in run.message


def test_step_is_one_update_and_a_finished_run_stays_finished():
    run = start(DescentSettings(start=0.0, max_steps=2), SHIFTED)
    assert run.status is None and run.outcome == "running" and len(run.iterates) == 1
    assert "step 0" in run.message
    run1 = step(run, SHIFTED)
    assert len(run.iterates) == 1  # immutable: the old run is untouched
    assert run1.last.k == 1 and run1.last.x == pytest.approx(0.6, abs=1e-15)
    run2 = step(run1, SHIFTED)
    assert run2.status == "max_steps"
    assert step(run2, SHIFTED) is run2


@settings(max_examples=60, deadline=None)
@given(
    c=st.floats(-5, 5),
    x0=st.floats(-5, 5),
    eta=st.floats(0.01, 0.9),
)
def test_gd_on_any_shifted_square_matches_the_geometric_closed_form(c, x0, eta):
    # f = (x − c)²: x_k − c = (1 − 2η)^k (x0 − c)
    f = fn(lambda x: (x - c) ** 2, lambda x: 2 * (x - c), lambda x: 2.0)
    run = descend(f, start=x0, learning_rate=eta, max_steps=30)
    for it in run.iterates:
        assert it.x == pytest.approx(c + (1 - 2 * eta) ** it.k * (x0 - c), abs=1e-12)


# --- momentum -----------------------------------------------------------------------------


def test_momentum_on_square_matches_the_exact_matrix_power():
    # f = x², f′ = 2x. v_{k+1} = β v_k + 2 x_k, x_{k+1} = x_k − η v_{k+1}:
    #   [x, v]_{k+1} = M [x, v]_k with M = [[1 − 2η, −ηβ], [2, β]], computed exactly.
    eta, beta, x0 = Fraction(1, 10), Fraction(9, 10), Fraction(1)
    m = [[1 - 2 * eta, -eta * beta], [2, beta]]

    def mat_mul(a, b):
        return [[sum(a[i][t] * b[t][j] for t in range(2)) for j in range(2)] for i in range(2)]

    run = descend(SQUARE, method="momentum", learning_rate=0.1, beta=0.9, start=1.0, max_steps=30)
    assert len(run.iterates) == 31
    power = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    for it in run.iterates:
        x_true = power[0][0] * x0  # v_0 = 0
        assert it.x == pytest.approx(float(x_true), abs=1e-13)
        power = mat_mul(m, power)
    # the final velocity is v_30 = (M^30 [x0, 0])[1]
    power30 = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    for _ in range(30):
        power30 = mat_mul(m, power30)
    assert run.velocity == pytest.approx(float(power30[1][0] * x0), abs=1e-13)


def test_momentum_with_beta_zero_is_gradient_descent():
    gd = descend(SHIFTED, start=0.0, max_steps=20)
    mom = descend(SHIFTED, start=0.0, max_steps=20, method="momentum", beta=0.0)
    assert [it.x for it in gd.iterates] == [it.x for it in mom.iterates]


# --- Newton ------------------------------------------------------------------------------


@pytest.mark.parametrize(("a", "c", "d", "x0"), [(3.0, 1.5, -2.0, 10.0), (0.5, -4.0, 7.0, -1.0)])
def test_newton_reaches_a_quadratics_minimum_in_one_step(a, c, d, x0):
    f = fn(lambda x: a * (x - c) ** 2 + d, lambda x: 2 * a * (x - c), lambda x: 2 * a)
    run = descend(f, method="newton", start=x0)
    assert run.iterates[1].x == pytest.approx(c, abs=1e-12)
    assert run.status == "converged" and run.outcome == "converged" and run.steps_taken == 1


def test_newton_on_quartic_shrinks_by_two_thirds_each_step():
    # x − 4x³/(12x²) = (2/3) x; |f′| = 4 x³ < 1e-8 first at k = 17 from x0 = 1
    run = descend(QUARTIC, method="newton", start=1.0)
    for it in run.iterates:
        assert it.x == pytest.approx((2 / 3) ** it.k, rel=1e-13)
    k_star = next(k for k in range(100) if 4 * Fraction(2, 3) ** (3 * k) < Fraction(1, 10**8))
    assert run.status == "converged" and run.steps_taken == k_star == 17


def test_newton_heading_for_a_maximum_on_sin():
    run = descend(fn(math.sin, math.cos, lambda x: -math.sin(x)), method="newton", start=1.0)
    assert run.status == "converged" and run.outcome == "newton_to_maximum"
    assert run.last.x == pytest.approx(math.pi / 2, abs=1e-9)
    assert "Newton is heading for a maximum" in run.message
    # and already while running, from the first iterate (f″(1) = −sin 1 < 0)
    first = start(DescentSettings(method="newton", start=1.0), fn(math.sin, math.cos, math.sin))
    assert first.status is None  # (f″ = sin here is > 0: no hint)
    live = start(
        DescentSettings(method="newton", start=1.0), fn(math.sin, math.cos, lambda x: -math.sin(x))
    )
    assert "Newton is heading for a maximum" in live.message


def test_newton_divides_by_zero_curvature_on_abs():
    run = descend(ABS_UNDEFINED, method="newton", start=1.0)
    assert run.status == "stalled" and run.outcome == "newton_zero_curvature"
    assert "Newton divides by f″ = 0" in run.message and run.steps_taken == 0


# --- how runs end -----------------------------------------------------------------------------


def test_two_cycle_on_square_with_eta_one():
    run = descend(SQUARE, start=1.0, learning_rate=1.0)
    assert [it.x for it in run.iterates[:4]] == [1.0, -1.0, 1.0, -1.0]
    assert run.status == "max_steps" and run.outcome == "cycling"
    assert "cycling between x = 1 and x = −1 (η·f″ = 2, at the stability limit)" in run.message


def test_growing_oscillation_on_square_with_eta_1_1():
    # x_k = (−1.2)^k: after 100 steps |x| = 1.2^100 ≈ 8.3e7, still below 1e12
    run = descend(SQUARE, start=1.0, learning_rate=1.1)
    assert run.last.x == pytest.approx((-1.2) ** 100, rel=1e-12)
    assert run.status == "max_steps" and run.outcome == "oscillating"
    assert "oscillating with growing amplitude" in run.message
    assert "η = 1.1 is above the stability limit 2/f″ = 1" in run.message
    # given the steps, it diverges at the first k with 1.2^k > 1e12
    k_star = next(k for k in range(1000) if Fraction(6, 5) ** k > 10**12)
    long = descend(SQUARE, start=1.0, learning_rate=1.1, max_steps=1000)
    assert long.status == "diverged" and long.outcome == "oscillating"
    assert long.steps_taken == k_star == 152
    assert "growing amplitude" in long.message


def test_quartic_with_overshooting_start_diverges():
    # from 3: 3 − 0.1·108 = −7.8, then 182.0…: each overshoot lands where f is steeper
    run = descend(QUARTIC, start=3.0, learning_rate=0.1)
    assert run.iterates[1].x == pytest.approx(-7.8, abs=1e-12)
    assert run.iterates[2].x == pytest.approx(-7.8 + 0.4 * 7.8**3, rel=1e-12)
    assert run.status == "diverged" and run.outcome == "oscillating"
    assert "2/f″ = 0.0185185" in run.message  # 2/f″(3) = 2/108


def test_quartic_from_two_overshoots_once_then_crawls():
    # 2 − 0.1·32 = −1.2 (|f″| smaller there): then x ← x − 0.4x³ creeps toward 0
    run = descend(QUARTIC, start=2.0, learning_rate=0.1)
    assert run.iterates[1].x == pytest.approx(-1.2, abs=1e-12)
    assert run.status == "max_steps" and run.outcome == "crawling"
    assert "still crawling" in run.message


@pytest.mark.parametrize(("x0", "eta"), [(-1.0, 0.1), (1.0, 1.0)])
def test_cubic_is_unbounded_below(x0, eta):
    run = descend(CUBIC, start=x0, learning_rate=eta)
    assert run.status == "diverged" and run.outcome == "unbounded_below"
    assert "f decreases without bound as x → −∞" in run.message


def test_steady_descent_at_max_steps_claims_no_more_than_it_saw():
    # f = −x: x_k = 0.1 k. Within 100 steps nothing says whether f is bounded below
    # (x − ln x from 1e6 looks the same and has its minimum at 1), so no such claim.
    run = descend(fn(lambda x: -x, lambda x: -1.0, lambda x: 0.0), start=0.0)
    assert run.last.x == pytest.approx(10.0, abs=1e-12)
    assert run.status == "max_steps" and run.outcome == "max_steps"
    assert "still descending at a steady pace toward larger x" in run.message
    f = fn(lambda x: x - math.log(x), lambda x: 1 - 1 / x, lambda x: 1 / x**2)
    far = descend(f, start=1e6)
    assert far.outcome == "max_steps" and "toward smaller x" in far.message
    assert "unbounded" not in far.message


def test_growing_steps_one_way_are_not_called_crawling():
    # f = −x²: x ← x + 0.2x = 1.2x moves away from the maximum at 0, faster each step
    run = descend(fn(lambda x: -x * x, lambda x: -2 * x, lambda x: -2.0), start=1.0, max_steps=20)
    assert run.last.x == pytest.approx(1.2**20, rel=1e-12)
    assert run.outcome == "max_steps"
    assert "faster and faster (steps grow ×1.2 per step)" in run.message


def test_vanishing_gradient_is_not_called_a_minimum():
    # e^(−x²) at −4.7: f′ = 9.4·e^(−22.09) ≈ 2.4e-9 < 1e-8, so the rule says converged at
    # once; but f keeps falling toward −∞ (f → 0 from above): a slope, not a minimum
    g = fn(
        lambda x: math.exp(-x * x),
        lambda x: -2 * x * math.exp(-x * x),
        lambda x: (4 * x * x - 2) * math.exp(-x * x),
    )
    run = descend(g, start=-4.7, learning_rate=1.0)
    assert abs(-2 * run.last.x * math.exp(-(run.last.x**2))) < 1e-8
    assert run.status == "converged" and run.outcome == "vanishing_gradient"
    assert "no minimum" in run.message and "toward smaller x" in run.message
    # Newton on tanh(10x) from 1: f″ < 0 there, but this is a slope, not a maximum
    t = fn(
        lambda x: math.tanh(10 * x),
        lambda x: 10 / math.cosh(10 * x) ** 2,
        lambda x: -200 * math.tanh(10 * x) / math.cosh(10 * x) ** 2,
    )
    newton = descend(t, method="newton", start=1.0)
    assert newton.status == "converged" and newton.outcome == "vanishing_gradient"


def test_overflow_reported_as_nan_is_divergence_not_leaving_the_domain():
    # like a compiled function: NaN (None) where sinh overflows, |x| > 710.47
    def sinh(x):
        return math.sinh(x) if abs(x) < 710.4 else None

    def cosh(x):
        return math.cosh(x) if abs(x) < 710.4 else None

    f = fn(sinh, cosh, sinh)
    run = descend(f, start=-3.8543130030184445, learning_rate=1.0)
    assert run.status == "diverged" and "overflows" in run.message
    at_start = descend(f, start=1e6)
    assert at_start.status == "diverged" and "overflows" in at_start.message
    # while ln past 0 is really outside the domain
    assert descend(LN, start=-1e6).outcome == "outside_domain"


def test_pole_found_when_the_bisection_lands_exactly_on_it():
    # momentum η = 2 on 1/x from −1: v = f′(−1) = −1, x1 = −1 + 2 = 1, symmetric about 0
    inv = fn(lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3)
    run = descend(inv, start=-1.0, method="momentum", learning_rate=2.0, max_steps=1)
    assert run.iterates[1].x == 1.0
    assert [(j.kind, j.x) for j in run.jumps] == [("pole", 0.0)]


def test_leaving_the_domain_of_ln():
    # x ← x − 0.1/x from 1: 0.9, 0.788…, … until a step lands at x ≤ 0
    run = descend(LN, start=1.0)
    xs = [1.0]
    while xs[-1] > 0:
        xs.append(xs[-1] - 0.1 / xs[-1])
    assert [it.x for it in run.iterates] == pytest.approx(xs, abs=1e-12)
    assert run.status == "stalled" and run.outcome == "left_domain"
    assert f"left the domain of f at x = {xs[-1]:.6g}".replace("-", "−") in run.message


def test_newton_leaves_the_domain_of_x_minus_ln_x():
    # Newton on x − ln x: x ← x − (1 − 1/x)·x² = 2x − x²; from 3 to −3
    f = fn(lambda x: x - math.log(x), lambda x: 1 - 1 / x, lambda x: 1 / x**2)
    run = descend(f, method="newton", start=3.0)
    assert run.iterates[1].x == pytest.approx(-3.0, abs=1e-12)
    assert run.status == "stalled" and run.outcome == "left_domain"


def test_start_outside_the_domain():
    run = descend(LN, start=-1.0)
    assert run.status == "stalled" and run.outcome == "outside_domain"


def test_jumping_the_pole_of_one_over_x():
    # from −1, x ← x + 0.1/x² accelerates toward 0 and jumps over it: compute where
    inv = fn(lambda x: 1 / x, lambda x: -1 / x**2, lambda x: 2 / x**3)
    run = descend(inv, start=-1.0)
    xs = [-1.0]
    while xs[-1] < 0:
        xs.append(xs[-1] + 0.1 / xs[-1] ** 2)
    k_jump = len(xs) - 1
    assert [it.x for it in run.iterates[: k_jump + 1]] == pytest.approx(xs, abs=1e-12)
    assert [(j.k, j.kind) for j in run.jumps] == [(k_jump, "pole")]
    assert run.jumps[0].x == pytest.approx(0.0, abs=1e-9)
    assert run.outcome == "jumped_pole" and run.status == "max_steps"
    assert "jumped across a pole at about x ≈ 0" in run.message


def test_jumping_the_poles_of_tan():
    tan = fn(math.tan, lambda x: 1 / math.cos(x) ** 2, lambda x: 2 * math.tan(x) / math.cos(x) ** 2)
    run = descend(tan, start=1.0)
    assert run.outcome == "jumped_pole"
    assert run.jumps[0].x == pytest.approx(-math.pi / 2, abs=1e-9)
    for j in run.jumps:  # every jump is at a pole (2k+1)π/2, between its two iterates
        assert math.cos(j.x) == pytest.approx(0.0, abs=1e-9)
        a, b = run.iterates[j.k - 1].x, run.iterates[j.k].x
        assert min(a, b) < j.x < max(a, b)
    assert "jumped across a pole at about x ≈ −1.571" in run.message


def test_smooth_big_steps_are_not_mistaken_for_poles():
    f = fn(
        lambda x: math.cos(3 * x) + x * x,
        lambda x: -3 * math.sin(3 * x) + 2 * x,
        lambda x: -9 * math.cos(3 * x) + 2,
    )
    for eta in (0.05, 0.3, 1.0):
        for x0 in (-2.0, -0.3, 0.7, 2.5):
            assert descend(f, start=x0, learning_rate=eta).jumps == ()
    steep = fn(
        lambda x: math.tanh(50 * x),
        lambda x: 50 / math.cosh(50 * x) ** 2,
        lambda x: -5000 * math.tanh(50 * x) / math.cosh(50 * x) ** 2,
    )
    assert descend(steep, start=1.0, learning_rate=1.0, max_steps=20).jumps == ()


def test_a_gap_in_the_domain_is_reported():
    # f = sqrt(x² − 1) + 0.5 x… is undefined on (−1, 1); from 1.2 with η = 2 the step lands at
    # x = 1.2 − 2 f′(1.2) < −1
    def f(x):
        return math.sqrt(x * x - 1) + 0.5 * x

    def df(x):
        return x / math.sqrt(x * x - 1) + 0.5

    def d2f(x):
        return -1 / (x * x - 1) ** 1.5

    run = descend(fn(f, df, d2f), start=1.2, learning_rate=2.0, max_steps=1)
    assert run.iterates[1].x < -1
    assert [j.kind for j in run.jumps] == ["gap"]
    assert run.outcome == "jumped_gap"
    assert "gap in the domain" in run.message


@pytest.mark.parametrize("abs_fn", [ABS_UNDEFINED, ABS_SIGN])
def test_landing_exactly_on_the_corner_of_abs(abs_fn):
    run = descend(abs_fn, start=0.5, learning_rate=0.25)  # 0.5 → 0.25 → 0
    assert [it.x for it in run.iterates] == [0.5, 0.25, 0.0]
    assert run.status == "stalled" and run.outcome == "stalled_kink"
    assert "f′ does not exist at x = 0 (a corner" in run.message


def test_relu_landing_on_zero_stalls_at_the_corner():
    run = descend(RELU, start=1.0, learning_rate=0.5)
    assert run.status == "stalled" and run.outcome == "stalled_kink"
    assert run.last.x == 0.0


def test_kind_hook_names_the_singular_point():
    cusp = fn(
        lambda x: abs(x) ** 0.5,
        lambda x: None if x == 0 else math.copysign(0.5, x) / abs(x) ** 0.5,
        lambda x: None if x == 0 else -0.25 / abs(x) ** 1.5,
        kind=lambda x: "cusp" if x == 0 else "smooth",
    )
    run = descend(cusp, start=0.0)
    assert run.outcome == "stalled_kink" and "(a cusp)" in run.message


def test_relu_flat_region_is_honest():
    run = descend(RELU, start=-2.0)
    # the contract's rule (|f′| < tol) says converged; the outcome says it is only flat
    assert run.status == "converged" and run.outcome == "flat" and run.steps_taken == 0
    assert "f′ = 0 on a flat region: f is constant here, not necessarily a minimum" in run.message


def test_sigmoid_from_ten_is_still_crawling():
    run = descend(SIGMOID, start=10.0)
    s = _sigmoid(10.0)
    assert run.iterates[1].step == pytest.approx(-0.1 * s * (1 - s), rel=1e-12)
    assert run.status == "max_steps" and run.outcome == "crawling"
    assert "still crawling: f′ ≈ 4.54e−5 is tiny" in run.message


def test_slow_linear_convergence_estimates_the_remaining_steps():
    # (x − 3)² with η = 0.001: |f′| shrinks by 0.998 per step; from |f′_100| = 6·0.998^100,
    # |f′| < 1e-8 needs log(1e-8/|f′_100|)/log(0.998) more steps
    run = descend(SHIFTED, start=0.0, learning_rate=0.001)
    more = math.log(1e-8 / (6 * 0.998**100)) / math.log(0.998)
    assert run.outcome == "crawling"
    assert f"about {round(more):,} more steps" in run.message


def test_gd_started_at_a_maximum_says_so():
    run = descend(fn(math.cos, lambda x: -math.sin(x), lambda x: -math.cos(x)), start=0.0)
    assert run.status == "converged" and run.outcome == "maximum"
    assert "maximum, not a minimum" in run.message


def test_converging_at_an_inflection_point_says_saddle():
    run = descend(CUBIC, start=0.0)
    assert run.status == "converged" and run.outcome == "saddle"


def test_undefined_second_derivative_stalls():
    # f = x·|x| + x: f′ = 2|x| + 1, f″ = 2 sign(x) does not exist at 0
    f = fn(lambda x: x * abs(x) + x, lambda x: 2 * abs(x) + 1, lambda x: None if x == 0 else 2.0)
    run = descend(f, start=0.0)
    assert run.status == "stalled" and run.outcome == "undefined_curvature"


def test_overflow_is_divergence():
    # −exp(x) from 0 with η = 1: x ← x + e^x grows super-exponentially
    f = fn(lambda x: -math.exp(x), lambda x: -math.exp(x), lambda x: -math.exp(x))
    run = descend(f, start=0.0, learning_rate=1.0)
    assert run.status == "diverged" and run.outcome == "unbounded_below"
    assert "x → +∞" in run.message


def test_exceptions_and_complex_values_mean_undefined():
    # (x)**0.5 of a negative float is complex in Python: outside the domain
    f = fn(lambda x: x**0.5, lambda x: 0.5 / x**0.5, lambda x: -0.25 / x**1.5)
    run = descend(f, start=-1.0)
    assert run.status == "stalled" and run.outcome == "outside_domain"
    assert run.last.f is None and run.last.df is None


def test_iterates_carry_values_and_steps():
    run = descend(SHIFTED, start=0.0, max_steps=3)
    for prev, it in zip(run.iterates, run.iterates[1:], strict=False):
        assert it.step == pytest.approx(it.x - prev.x, abs=0)
        assert it.d2f == 2.0


# --- the adapter for calculus.CompiledFunction ----------------------------------------------


class _FakePoint:
    def __init__(self, x: float) -> None:
        self.differentiable = x != 0
        self.kind = "corner" if x == 0 else "smooth"


class _FakeCompiled:
    """The CompiledFunction interface for f = |x| + a·ln(x + 2) with numpy (NaN for x ≤ −2)."""

    parameters = ("a",)

    def f(self, x, params=None):
        import numpy as np

        a = (params or {}).get("a", 1.0)
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.abs(x) + a * np.log(x + 2)

    def df(self, x, params=None):
        import numpy as np

        a = (params or {}).get("a", 1.0)
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return np.sign(x) + a / (x + 2)

    def d2f(self, x, params=None):
        import numpy as np

        a = (params or {}).get("a", 1.0)
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            return -a / (x + 2) ** 2

    def point(self, x0, params=None):
        return _FakePoint(x0)


def test_from_compiled_gives_floats_none_for_nan_and_hooks():
    fake = ScalarFunction.from_compiled(_FakeCompiled(), {"a": 2.0})
    assert fake.f(1.0) == pytest.approx(1 + 2 * math.log(3), abs=1e-15)
    assert isinstance(fake.f(1.0), float)
    assert fake.df(1.0) == pytest.approx(1 + 2 / 3, abs=1e-15)
    assert fake.d2f(1.0) == pytest.approx(-2 / 9, abs=1e-15)
    assert fake.f(-3.0) is None  # log of a negative: NaN → None
    assert fake.d2f(-2.0) == -math.inf  # −2/0² overflows: kept as −inf
    assert fake.f_many([1.0, -3.0]) == pytest.approx([1 + 2 * math.log(3), None])
    assert fake.is_differentiable(0.0) is False and fake.is_differentiable(1.0) is True
    assert fake.kind(0.0) == "corner"


def test_runs_on_an_adapted_compiled_function():
    # a = 0: f = |x|. From 0.5 with η = 0.25: 0.25, then exactly 0, where np.sign gives
    # f′ = 0 — only the is_differentiable hook tells that this is a corner
    fake = ScalarFunction.from_compiled(_FakeCompiled(), {"a": 0.0})
    run = descend(fake, start=0.5, learning_rate=0.25)
    assert [it.x for it in run.iterates] == [0.5, 0.25, 0.0]
    assert run.status == "stalled" and run.outcome == "stalled_kink"
    assert "(a corner: slope −1 from the left, 1 from the right)" in run.message


def test_a_jump_of_f_is_named_and_a_removable_hole_is_not():
    # x² + sign(x)/2 from 1 with η = 0.9: x1 = 1 − 1.8 = −0.8 crosses the jump at 0
    def sign(x):
        return float((x > 0) - (x < 0))

    f = fn(lambda x: x * x + 0.5 * sign(x), lambda x: 2 * x if x else None, lambda x: 2.0)
    run = descend(f, start=1.0, learning_rate=0.9, max_steps=1)
    assert [(j.kind, j.x) for j in run.jumps] == [("discontinuity", 0.0)]
    assert "jumped across a discontinuity of f at about x ≈ 0" in run.message
    # −sin(x)/x is undefined at 0 only, with limit −1: stepping over it is no event. A
    # made-up f′(−8) = −17 with η = 1 steps from −8 to 9, so the 16 scan samples fall on
    # the integers, 0 included.
    hole = fn(lambda x: -math.sin(x) / x, lambda x: -17.0 if x == -8.0 else 0.0, lambda x: 1.0)
    run = descend(hole, start=-8.0, learning_rate=1.0, max_steps=1)
    assert run.iterates[1].x == 9.0 and run.jumps == ()


@settings(max_examples=150, deadline=None)
@given(
    coeffs=st.lists(st.floats(-3, 3), min_size=2, max_size=5),
    method=st.sampled_from(["gd", "momentum", "newton"]),
    eta=st.floats(1e-3, 3),
    beta=st.floats(0, 0.99),
    x0=st.floats(-10, 10),
    max_steps=st.integers(1, 60),
)
def test_any_polynomial_run_obeys_its_update_rule_and_ends_well(
    coeffs, method, eta, beta, x0, max_steps
):
    # p(x) = Σ c_i x^i with its exact derivatives (Horner would do; clarity wins here)
    def p(x, d=0):
        total = 0.0
        for i, c in enumerate(coeffs):
            if i >= d:
                total += c * math.perm(i, d) * x ** (i - d)
        return total

    poly = fn(p, lambda x: p(x, 1), lambda x: p(x, 2))
    s = DescentSettings(method=method, learning_rate=eta, beta=beta, start=x0, max_steps=max_steps)
    run = run_to_end(s, poly)
    assert run.status in ("converged", "diverged", "max_steps", "stalled")
    assert run.outcome != "running" and run.message
    assert 1 <= len(run.iterates) <= max_steps + 1
    assert run.status != "max_steps" or run.steps_taken == max_steps
    v = 0.0
    for prev, it in zip(run.iterates, run.iterates[1:], strict=False):
        assert it.k == prev.k + 1
        if method == "gd":
            expected = prev.x - eta * prev.df
        elif method == "momentum":
            v = beta * v + prev.df
            expected = prev.x - eta * v
        else:
            expected = prev.x - prev.df / prev.d2f
        assert it.x == expected or (math.isnan(it.x) and math.isnan(expected))
        for value in (it.f, it.df, it.d2f):
            assert value is None or math.isfinite(value)
    if run.status == "converged":
        assert abs(run.last.df) < s.tol
    # stepping a finished run changes nothing
    assert step(run, poly) is run


def test_stepping_an_older_run_again_branches_without_touching_either():
    # Runs share their iterate storage; a second step from an older run must copy.
    settings = DescentSettings(start=0.0, learning_rate=0.1, max_steps=50)
    run0 = start(settings, SHIFTED)
    run1 = step(run0, SHIFTED)
    run2 = step(run1, SHIFTED)
    other = step(DescentRun(settings, run1.iterates, None, "running", "", 0.0), SHIFTED)
    other2 = step(other, SHIFTED)
    assert [it.x for it in run2.iterates] == pytest.approx([0.0, 0.6, 1.08], abs=1e-12)
    assert [it.x for it in other2.iterates] == pytest.approx([0.0, 0.6, 1.08, 1.464], abs=1e-12)
    assert len(run0.iterates) == 1 and len(run1.iterates) == 2 and len(run2.iterates) == 3
    assert run2.iterates[-2:] == (run2.iterates[1], run2.iterates[2])
    assert run2.iterates == tuple(run2.iterates)


def test_differentiable_at_a_kink_site_of_the_tree():
    # relu(x)² is x² for x > 0 and 0 for x ≤ 0: differentiable at 0 with f′(0) = 0 (both
    # one-sided slopes are 0), though relu′(0) does not exist. It once stalled there
    # ("f′ does not exist at x = 0"), and from 1 it ended "no minimum: a vanishing
    # gradient" (f falls from 2e-17 to 0 and stays: every x ≤ 0 is a minimum).
    from derivview.model.calculus import analyze

    relu2 = ScalarFunction.from_compiled(analyze("relu(x)^2"))
    assert relu2.df(0.0) == 0.0 and relu2.d2f(0.0) is None  # f″: 0 on the left, 2 on the right
    run = descend(relu2, start=0.0)
    assert run.status == "converged" and run.outcome == "converged" and run.steps_taken == 0
    assert "a minimum (f is flat on one side and rises on the other)" in run.message
    assert run.iterates[0].df == 0.0
    run = descend(relu2, start=1.0)  # x_k = 0.8^k: converges on 0 from the right
    assert run.outcome == "converged" and run.last.x == pytest.approx(0.8**run.last.k)
    assert "a local minimum (f″ = 2 > 0)" in run.message
    run = descend(ScalarFunction.from_compiled(analyze("-relu(x)^2")), start=0.0)
    assert run.outcome == "flat" and "where a flat stretch ends: f falls beyond it" in run.message
    run = descend(ScalarFunction.from_compiled(analyze("relu(x)")), start=0.0)
    assert run.outcome == "stalled_kink"  # relu itself: a corner
