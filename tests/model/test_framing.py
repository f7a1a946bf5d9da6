"""Framing: the y-range takes in f′ and f″ too, robustly; refit when f leaves the view."""

from __future__ import annotations

import math

import numpy as np

from derivview.model.framing import fit_curves_y, mostly_out_of_view


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def test_the_range_takes_in_f_prime_of_two_absolute_values() -> None:
    # |x| + |x − 1| ≥ 1; its f′ is −2 left of 0, 0 between, 2 right of 1.
    f = lambda x: np.abs(x) + np.abs(x - 1)  # noqa: E731
    df = lambda x: np.sign(x) + np.sign(x - 1)  # noqa: E731
    lo, hi = fit_curves_y(f, [df], (-4.0, 4.0))
    assert lo <= -2 and hi >= 2 + 7  # f(−4) = 9 is in range as well
    only_f = fit_curves_y(f, [], (-4.0, 4.0))
    assert only_f[0] > -2  # without f′ the range would cut it off


def test_the_range_takes_in_the_dip_of_sigmoid_second_derivative() -> None:
    # σ″ = σ(1 − σ)(1 − 2σ) has its minimum −√3/18 at x = ln(2 + √3).
    s = _sigmoid
    d1 = lambda x: s(x) * (1 - s(x))  # noqa: E731
    d2 = lambda x: s(x) * (1 - s(x)) * (1 - 2 * s(x))  # noqa: E731
    lo, hi = fit_curves_y(s, [d1, d2], (-4.0, 4.0))
    dip = -math.sqrt(3) / 18
    assert lo < dip and hi > s(np.array(4.0))


def test_a_huge_derivative_does_not_squash_f() -> None:
    # exp(10x) on [−1, 1]: f′ = 10·f. The range grows by at most half f's span each way.
    f = lambda x: np.exp(10 * x)  # noqa: E731
    df = lambda x: 10 * np.exp(10 * x)  # noqa: E731
    flo, fhi = fit_curves_y(f, [], (-1.0, 1.0))
    lo, hi = fit_curves_y(f, [df], (-1.0, 1.0))
    assert hi <= fhi + 0.5 * (fhi - flo) + 1e-9 and lo >= flo - 0.5 * (fhi - flo) - 1e-9
    assert hi > fhi  # and it does grow toward f′


def test_poles_of_a_derivative_do_not_blow_the_range_up() -> None:
    # tan′ = 1 + tan² has poles at ±π/2: the range stays of the order of tan's own.
    lo, hi = fit_curves_y(np.tan, [lambda x: 1 + np.tan(x) ** 2], (-4.0, 4.0))
    assert hi - lo < 200


def test_out_of_view() -> None:
    f = lambda x: x**2 + 100  # noqa: E731  (all of it above y = 10)
    assert mostly_out_of_view(f, (-3.0, 3.0), (-10.0, 10.0))
    assert not mostly_out_of_view(lambda x: x**2, (-3.0, 3.0), (-10.0, 10.0))
    assert not mostly_out_of_view(lambda x: np.sqrt(-1 - x**2), (-3.0, 3.0), (0.0, 1.0))
