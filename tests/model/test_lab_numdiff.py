"""Difference quotients, their errors and the gradient check (seed §9.1–9.2).

Truth: the quotients recomputed here in plain Python float arithmetic from the same f
values; exact derivatives from mpmath; the error model of the module docstring.
"""

from __future__ import annotations

import itertools
import math
import warnings

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


# -- through derivview's own tree (what the dock and `derivview numdiff` use) ---------------

# (text, the same f written for mpmath, x): smooth and well scaled at x.
TREE_SMOOTH = [
    ("sin(x)", mp.sin, 1.0),
    ("cos(x)", mp.cos, 0.7),
    ("e^x", mp.exp, 0.5),
    ("ln(x)", mp.log, 2.0),
    ("x^3 - 3x", lambda x: x**3 - 3 * x, 1.5),
    ("sqrt(x)", mp.sqrt, 2.0),
    ("atan(x)", mp.atan, 0.4),
    ("tanh(x)", mp.tanh, 0.3),
    ("sigmoid(x)", lambda x: 1 / (1 + mp.exp(-x)), 0.5),
    ("softplus(x)", lambda x: mp.log(1 + mp.exp(x)), 0.8),
    ("x e^(-x)", lambda x: x * mp.exp(-x), 0.5),
    ("1/(1+x^2)", lambda x: 1 / (1 + x**2), 0.8),
    ("sin(x^2) ln(1+x^2)", lambda x: mp.sin(x**2) * mp.log(1 + x**2), 1.1),
]


def tree(text: str):
    from derivview.model.calculus import analyze

    return analyze(text)


@pytest.mark.parametrize(("text", "g", "x"), TREE_SMOOTH, ids=[t[0] for t in TREE_SMOOTH])
def test_tree_exact_derivative_against_mpmath_and_best_h_in_the_expected_decades(text, g, x):
    cf = tree(text)
    exact = cf.point(x).df
    truth = mp.diff(g, mp.mpf(x))
    assert exact == pytest.approx(float(truth), rel=1e-14, abs=1e-15)
    result = numdiff(lambda xs: cf.f(xs), x, exact)
    assert result.best["forward"] in (1e-7, 1e-8, 1e-9)
    assert result.best["backward"] in (1e-7, 1e-8, 1e-9)
    assert result.best["central"] in (1e-4, 1e-5, 1e-6)
    # The quotients are the formulas on the tree's own f values, in float64.
    for row in result.rows:
        fx, fp, fm = (float(cf.f(v)) for v in (x, x + row.h, x - row.h))
        assert row.forward == _or_none((fp - fx) / row.h)
        assert row.central == _or_none((fp - fm) / (2 * row.h))


def _or_none(v: float) -> float | None:
    return v if math.isfinite(v) else None


# Badly scaled f: the best h moves away from √ε and ∛ε, as the error model says (a
# documented exception list, each with the reason). The measured best is within a decade
# of the model's (theoretical_best of the rounding scale, f″ and f‴).
BADLY_SCALED = [
    # f″ and f‴ large beside f: truncation grows fast, the best h is smaller.
    ("e^(20x)", 1.0, "f″ = 400 f"),
    # f large beside f″: round-off dominates longer, the best h is larger.
    ("1e6 + sin(x)", 1.0, "|f| = 1e6 beside |f″| ≈ 0.8"),
    # x large: x + h is rounded to ε|x|, a round-off of |f′|·ε|x| in f.
    ("sin(x)", 1e4, "x = 1e4"),
    # f‴ small beside f (a slow cubic term on a large f): the central best h is larger.
    ("100 + x^2 + 0.001x^3", 1.0, "f‴ = 0.006"),
]


@pytest.mark.parametrize(("text", "x", "why"), BADLY_SCALED, ids=[b[0] for b in BADLY_SCALED])
def test_badly_scaled_f_moves_the_best_h_as_the_error_model_says(text, x, why):
    from derivview.model.labs.numdiff import ErrorModel, rounding_scale, third_derivative

    cf = tree(text)
    p = cf.point(x)
    f = lambda xs: cf.f(xs)  # noqa: E731
    result = numdiff(f, x, p.df, [10.0 ** (-k / 4) for k in range(65)])  # 4 per decade
    scale = rounding_scale(float(cf.magnitudes(x)[0]), x, p.df)
    model = ErrorModel(scale, p.d2f, third_derivative(cf.d2f, x))
    predicted = model.best()
    for name in ("forward", "central"):
        measured = result.best[name]
        assert measured is not None and predicted[name] is not None
        assert abs(math.log10(measured / predicted[name])) <= 1.0, (name, measured, predicted)
    plain = theoretical_best(1.0, 1.0, 1.0)  # the well-scaled best, for contrast
    away = max(abs(math.log10(predicted[k] / plain[k])) for k in ("forward", "central"))
    assert away >= 0.5, why  # really away from √ε or ∛ε


def test_no_truncation_error_no_theoretical_best():
    # x² is a quadratic: the central quotient is exact up to round-off.
    from derivview.model.labs.numdiff import ErrorModel

    model = ErrorModel(1.0, 2.0, 0.0)
    assert model.truncation("central", np.array([1e-3])) is None
    assert model.best()["central"] is None and model.best()["forward"] is not None
    line = model.truncation("forward", np.array([1e-2, 1e-3]))
    assert line[0] / line[1] == pytest.approx(10)  # slope 1
    assert model.roundoff(np.array([1e-8]))[0] == pytest.approx(EPSILON / 1e-8)
    assert ErrorModel(0.0, 2.0, 1.0).roundoff(np.array([1e-8])) is None


def test_error_curves_follow_the_truncation_and_round_off_lines():
    from derivview.model.labs.numdiff import ErrorModel, curves, rounding_scale

    x = 1.0  # sin at 1: f″ = −sin 1, f‴ = −cos 1
    c = curves(np.sin, x, math.cos(x))
    model = ErrorModel(rounding_scale(math.sin(x), x, math.cos(x)), -math.sin(x), -math.cos(x))
    big = (c.h <= 1e-2) & (c.h >= 1e-4)  # truncation regime of both
    for name in ("forward", "central"):
        line = model.truncation(name, c.h)
        ratio = c.errors[name][big] / line[big]
        assert np.all(np.abs(ratio - 1) < 0.02), name
    tiny = (c.h <= 1e-11) & (c.h >= 1e-14)  # round-off regime
    ratio = c.errors["forward"][tiny] / model.roundoff(c.h)[tiny]
    assert 0.05 < np.median(ratio[ratio > 0]) < 5
    assert np.all(ratio < 8)  # a bound, up to a few rounding errors
    # The smallest measured error lies near the model's best h: the bottom of the V is
    # flat (the error grows only ~10× a decade to the left), and on 20 points per decade
    # a lucky rounding there can win up to about a decade and a half away; the bottom of
    # the running median (a fifth of a decade either side) stays within 0.7 decade.
    best, smooth, predicted = c.best(), c.best(window=9), model.best()
    for name in ("forward", "central"):
        assert abs(math.log10(best[name][0] / predicted[name])) <= 1.5, name
        assert abs(math.log10(smooth[name][0] / predicted[name])) <= 0.7, name
    assert best["central"][1] == np.min(c.errors["central"][c.errors["central"] > 0])


def test_third_derivative_by_differencing_the_exact_second():
    from derivview.model.labs.numdiff import third_derivative

    for text, x, truth in [
        ("sin(x)", 0.7, -math.cos(0.7)),
        ("x^4", 2.0, 48.0),
        ("e^(3x)", 0.5, 27 * math.exp(1.5)),
    ]:
        cf = tree(text)
        assert third_derivative(cf.d2f, x) == pytest.approx(truth, rel=1e-8)
    cf = tree("sqrt(x)")
    assert third_derivative(cf.d2f, 0.0) is None


def test_rounding_scale_counts_the_rounding_of_x_plus_h():
    from derivview.model.labs.numdiff import rounding_scale

    assert rounding_scale(2.0, 0.0, 5.0) == 2.0
    assert rounding_scale(2.0, 1e4, -3.0) == pytest.approx(2.0 + 1.5e4)
    assert rounding_scale(-2.0, 1.0, None) == 2.0


def test_relu_at_zero_through_the_tree_forward_one_backward_zero_central_half():
    from derivview.model.labs.numdiff import curves, no_derivative_words

    cf = tree("relu(x)")
    p = cf.point(0.0)
    assert not p.differentiable
    result = numdiff(lambda xs: cf.f(xs), 0.0, p.df)
    assert result.exact is None and set(result.best.values()) == {None}
    assert {(r.forward, r.backward, r.central) for r in result.rows} == {(1.0, 0.0, 0.5)}
    c = curves(lambda xs: cf.f(xs), 0.0, None)
    assert c.errors is None and set(c.best().values()) == {None}
    assert np.all(c.quotients["central"] == 0.5)
    words = no_derivative_words(0.0, p.kind, p.left_df, p.right_df)
    assert "does not exist (a corner)" in words
    assert "near 1" in words and "near 0" in words and "0.5" in words
    # A jump: no one-sided slopes, the quotients grow without bound.
    sign = tree("sign(x)").point(0.0)
    words = no_derivative_words(0.0, sign.kind, sign.left_df, sign.right_df, sign.reason)
    assert "grow without bound" in words and "jump" in words


def test_curves_are_the_formulas_in_one_pass():
    from derivview.model.labs.numdiff import curve_steps, curves

    calls = []

    def f(xs):
        calls.append(xs.size)
        return np.exp(xs)

    c = curves(f, 0.3, math.exp(0.3), n=41, lo=-8.0)
    assert calls == [1 + 2 * 41]
    assert np.array_equal(c.h, curve_steps(41, -8.0))
    for i, h in enumerate(c.h):
        fp, fx, fm = math.exp(0.3 + h), math.exp(0.3), math.exp(0.3 - h)
        assert c.quotients["backward"][i] == pytest.approx((fx - fm) / h, rel=1e-15)
        # numpy's exp and math.exp may differ in the last bit (CPU-dependent): a bit of
        # f(x ± h), divided by 2h
        assert c.errors["central"][i] == pytest.approx(
            abs((fp - fm) / (2 * h) - math.exp(0.3)), rel=1e-12, abs=2 * math.ulp(fp) / h
        )


# -- gradient checking, continued -------------------------------------------------------------


def test_gradient_check_at_a_critical_point_hit_exactly():
    # x³ − 3x on [−4, 4] with 2001 points: x = ±1 are samples, where f′ = 0 and the
    # central difference is pure round-off (~1e-11): a relative error of 1 that says
    # nothing about f′. The check must still say "agree".
    f = lambda x: x**3 - 3 * x  # noqa: E731
    check = gradient_check(f, lambda x: 3 * x**2 - 3, -4, 4)
    assert check.verdict == "agree" and check.worst < 1e-7
    assert check.unresolved >= 1 and check.checked == 2001
    assert "agree" in check.summary() and "own error" in check.summary()
    # A derivative off by 1e-3 everywhere is caught, also where f′ is 0.
    off = gradient_check(f, lambda x: 3 * x**2 - 3 + 1e-3, -4, 4)
    assert off.verdict == "wrong" and abs(abs(off.at) - 1) < 0.01
    assert off.worst == pytest.approx(1.0, rel=1e-3)


def test_gradient_check_near_a_pole_blames_the_difference_not_the_derivative():
    # tan near π/2: f‴ is huge, the central difference's truncation ~|f‴|h²/6 dominates.
    check = gradient_check(np.tan, lambda x: 1 / np.cos(x) ** 2, 1.4, 1.5705, n=501)
    assert check.verdict == "agree" and check.unresolved > 0
    wrong = gradient_check(np.tan, lambda x: 1 / np.cos(x) ** 2 * 1.01, 1.4, 1.5705, n=501)
    assert wrong.verdict == "wrong"


def test_gradient_check_is_generic_a_loss_and_its_partial_derivative():
    # The regression lab's use: L(m) = mean((m·x − y)²) along m, ∂L/∂m = mean(2(m·x − y)x).
    xs = np.array([0.0, 1.0, 2.0, 3.0])
    ys = 2 * xs + 1

    def loss(m):
        return np.mean((np.multiply.outer(m, xs) - ys) ** 2, axis=-1)

    def dloss(m):
        return np.mean(2 * (np.multiply.outer(m, xs) - ys) * xs, axis=-1)

    check = gradient_check(loss, dloss, -3, 5, n=401)
    assert check.verdict == "agree"
    words = check.summary(what="∂L/∂m", variable="m")
    assert words.startswith("agree") and "∂L/∂m" in words and "at m = " in words
    bad = gradient_check(loss, lambda m: dloss(m) / 2, -3, 5, n=401)  # forgot the 2
    assert bad.verdict == "wrong" and "∂L/∂m is probably wrong" in bad.summary("∂L/∂m", "m")


def test_gradient_check_with_nothing_to_check():
    check = gradient_check(np.log, lambda x: 1 / x, -3, -1, n=11)
    assert check.verdict == "nothing" and check.checked == 0
    assert check.summary().startswith("nothing to check")


def test_the_smoothed_best_is_the_bottom_of_the_v_not_a_lucky_rounding():
    from derivview.model.labs.numdiff import Curves

    h = np.logspace(0, -16, 321)
    # a V in log-log, bottom at h = 1e-8, with one lucky point at 1e-12 far below it
    err = np.abs(h * 1e-1) + 1e-17 / h
    err[np.argmin(np.abs(np.log10(h) + 12))] = 1e-30
    c = Curves(0.0, 1.0, h, {}, {"forward": err, "backward": err, "central": err})
    assert c.best()["forward"][0] == pytest.approx(1e-12)
    smooth_h, smooth_err = c.best(window=9)["forward"]
    assert abs(math.log10(smooth_h) + 8) <= 0.1
    assert smooth_err == pytest.approx(np.min(err[np.abs(np.log10(h) + 8) < 0.2]), rel=0.2)


def test_running_median_against_numpy():
    from derivview.model.labs.numdiff import _running_median

    rng = np.random.default_rng(7)
    values = rng.normal(size=60)
    values[[3, 4, 5, 6, 7, 8, 9, 10, 11, 20, 41]] = np.nan
    for window in (1, 3, 9):
        pad = window // 2
        padded = np.concatenate((np.full(pad, np.nan), values, np.full(pad, np.nan)))
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            truth = np.array([np.nanmedian(padded[i : i + window]) for i in range(values.size)])
        assert np.array_equal(_running_median(values, window), truth, equal_nan=True), window
