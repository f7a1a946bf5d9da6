"""Descent on f(x, y) against closed forms: quadratic bowls, Newton, saddles."""

from __future__ import annotations

import itertools
import math

import pytest

from derivview.model.labs.descent2d import (
    Settings2D,
    classify,
    eigenvalues,
    run_to_end,
    stability_bound,
    start,
    step,
)


class Quadratic:
    """f = a x² + 2b xy + c y² + d x + e y with its exact gradient and Hessian."""

    def __init__(self, a=1.0, b=0.0, c=1.0, d=0.0, e=0.0):
        self.a, self.b, self.c, self.d, self.e = a, b, c, d, e

    def value(self, x, y):
        return self.a * x * x + 2 * self.b * x * y + self.c * y * y + self.d * x + self.e * y

    def gradient(self, x, y):
        return (2 * self.a * x + 2 * self.b * y + self.d, 2 * self.b * x + 2 * self.c * y + self.e)

    def hessian(self, x, y):
        return ((2 * self.a, 2 * self.b), (2 * self.b, 2 * self.c))


class Rosenbrock:
    def value(self, x, y):
        return (1 - x) ** 2 + 100 * (y - x * x) ** 2

    def gradient(self, x, y):
        return (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x))

    def hessian(self, x, y):
        return ((2 - 400 * (y - 3 * x * x), -400 * x), (-400 * x, 200.0))


class AbsRidge:
    def value(self, x, y):
        return abs(x) + y * y

    def gradient(self, x, y):
        return None if x == 0 else (math.copysign(1.0, x), 2 * y)

    def hessian(self, x, y):
        return None if x == 0 else ((0.0, 0.0), (0.0, 2.0))


def test_gd_on_an_axis_aligned_bowl_follows_the_closed_form_per_axis():
    a, c, lr = 1.0, 10.0, 0.04
    fn = Quadratic(a=a, c=c)
    run = start(Settings2D("gd", lr, start=(3.0, -2.0), max_steps=60), fn)
    for _ in range(40):
        run = step(run, fn)
    for it in run.iterates:
        assert it.x == pytest.approx(3.0 * (1 - 2 * lr * a) ** it.k, rel=1e-12, abs=1e-300)
        assert it.y == pytest.approx(-2.0 * (1 - 2 * lr * c) ** it.k, rel=1e-12, abs=1e-300)


def test_elongated_bowl_zig_zags_across_the_valley():
    fn = Quadratic(a=1.0, c=10.0)
    run = run_to_end(Settings2D("gd", 0.09, start=(3.0, 1.0), max_steps=30), fn)
    ys = [it.y for it in run.iterates[:8]]
    assert all(a * b < 0 for a, b in itertools.pairwise(ys))  # y flips sign each step
    xs = [it.x for it in run.iterates[:8]]
    assert all(b < a for a, b in itertools.pairwise(xs))  # x creeps along the valley


def test_newton_solves_a_quadratic_in_one_step():
    fn = Quadratic(a=2.0, b=0.5, c=1.0, d=-3.0, e=1.0)
    run = run_to_end(Settings2D("newton", start=(5.0, -7.0)), fn)
    # minimizer: H p = −(d, e) = (3, −1) with H = [[4, 1], [1, 2]], det 7:
    # p = (1/7)·[[2, −1], [−1, 4]]·(3, −1) = (1, −1)
    assert run.iterates[1].x == pytest.approx(1.0, rel=1e-12)
    assert run.iterates[1].y == pytest.approx(-1.0, rel=1e-12)
    assert run.status == "converged" and run.outcome == "converged" and run.last.k == 1


def test_newton_finds_rosenbrocks_minimum():
    run = run_to_end(Settings2D("newton", start=(-1.2, 1.0), max_steps=50), Rosenbrock())
    assert run.status == "converged" and run.outcome == "converged"
    assert run.last.x == pytest.approx(1.0, abs=1e-9) and run.last.y == pytest.approx(1.0, abs=1e-9)


def test_converging_to_a_saddle_is_named():
    fn = Quadratic(a=1.0, c=-1.0)  # x² − y²
    run = run_to_end(Settings2D("gd", 0.1, start=(1.0, 0.0), max_steps=500), fn)
    assert run.status == "converged" and run.outcome == "saddle"
    assert "saddle" in run.message
    off_axis = run_to_end(Settings2D("gd", 0.1, start=(1.0, 1e-3), max_steps=500), fn)
    assert off_axis.status == "diverged" and off_axis.outcome == "unbounded_below"


def test_too_large_a_step_oscillates_and_says_the_bound():
    fn = Quadratic(a=1.0, c=10.0)
    bound = stability_bound(fn.hessian(0, 0))
    assert bound == pytest.approx(2 / 20)
    run = run_to_end(Settings2D("gd", 0.11, start=(1.0, 1.0), max_steps=2000), fn)
    assert run.status == "diverged" and run.outcome == "oscillating"
    assert "0.1" in run.message and "stability limit" in run.message


def test_momentum_is_the_heavy_ball_update():
    fn = Quadratic(a=1.0, c=4.0)
    lr, beta = 0.05, 0.8
    run = run_to_end(Settings2D("momentum", lr, beta, (2.0, 1.0), max_steps=20), fn)
    x, y, vx, vy = 2.0, 1.0, 0.0, 0.0
    for it in run.iterates[1:]:
        gx, gy = 2 * x, 8 * y
        vx, vy = beta * vx + gx, beta * vy + gy
        x, y = x - lr * vx, y - lr * vy
        assert (it.x, it.y) == pytest.approx((x, y), rel=1e-13)
    assert stability_bound(fn.hessian(0, 0), "momentum", beta) == pytest.approx(2 * 1.8 / 8)


def test_stalls_where_the_gradient_does_not_exist():
    run = run_to_end(Settings2D("gd", 0.5, start=(1.0, 1.0), max_steps=50), AbsRidge())
    assert run.status == "stalled" and run.outcome == "stalled_kink"
    assert "∇f does not exist" in run.message


def test_newton_stalls_on_a_singular_hessian():
    class Valley(Quadratic):
        pass

    fn = Valley(a=1.0, c=0.0, e=1.0)  # x² + y: H = diag(2, 0)
    run = run_to_end(Settings2D("newton", start=(1.0, 1.0)), fn)
    assert run.status == "stalled" and run.outcome == "newton_singular"


def test_kinds_of_points():
    assert classify((0.0, 0.0), ((2.0, 0.0), (0.0, 2.0))) == "minimum"
    assert classify((0.0, 0.0), ((-2.0, 0.0), (0.0, -1.0))) == "maximum"
    assert classify((0.0, 0.0), ((2.0, 0.0), (0.0, -2.0))) == "saddle"
    assert classify((0.0, 0.0), ((2.0, 0.0), (0.0, 0.0))) == "degenerate"
    assert classify((0.0, 0.0), None) == "degenerate"
    assert classify((1e-3, 0.0), ((2.0, 0.0), (0.0, 2.0))) == "regular"
    # off-diagonal: [[1, 2], [2, 1]] has eigenvalues −1 and 3
    assert eigenvalues(((1.0, 2.0), (2.0, 1.0))) == pytest.approx((-1.0, 3.0))
    assert classify((0.0, 0.0), ((1.0, 2.0), (2.0, 1.0))) == "saddle"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"method": "adam"},
        {"learning_rate": 0.0},
        {"beta": 1.0},
        {"start": (0.0, math.nan)},
        {"max_steps": 0},
        {"tol": -1.0},
    ],
)
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Settings2D(**kwargs)
