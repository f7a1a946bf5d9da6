"""Level lines by marching squares (model/labs/contours.py) against closed forms: circles
of a bowl, the crossing lines of a saddle, lines that stop at the edge of the domain."""

from __future__ import annotations

import math

import numpy as np
import pytest

from derivview.model.labs.contours import ContourGrid, color_positions, quantile_levels


def _grid(f, n=201, lo=-2.0, hi=2.0):  # type: ignore[no-untyped-def]
    xs = np.linspace(lo, hi, n)
    ys = np.linspace(lo, hi, n)
    with np.errstate(all="ignore"):
        z = f(xs[np.newaxis, :], ys[:, np.newaxis])
    return ContourGrid(xs, ys, z)


def _segments(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.stack([x.reshape(-1, 2), y.reshape(-1, 2)], axis=-1)  # (n, 2 ends, xy)


@pytest.mark.parametrize("r", [0.5, 1.0, 1.7])
def test_the_level_lines_of_a_bowl_are_circles(r: float) -> None:
    grid = _grid(lambda x, y: x**2 + y**2)
    x, y = grid.segments(r * r)
    h = grid.xs[1] - grid.xs[0]
    radii = np.hypot(x, y)
    # Linear interpolation along an edge of a convex function: within h²/(4r) or so.
    assert np.all(np.abs(radii - r) <= h * h / r)
    seg = _segments(x, y)
    length = np.sum(np.hypot(*(seg[:, 1] - seg[:, 0]).T))
    assert length == pytest.approx(2 * math.pi * r, rel=2e-3)
    # Every point is on an edge of the grid (a grid x or a grid y).
    on_x = np.min(np.abs(x[:, None] - grid.xs[None, :]), axis=1) < 1e-12
    on_y = np.min(np.abs(y[:, None] - grid.ys[None, :]), axis=1) < 1e-12
    assert np.all(on_x | on_y)


def test_each_segment_joins_two_edges_of_one_cell() -> None:
    grid = _grid(lambda x, y: np.sin(3 * x) * np.cos(2 * y), n=60)
    seg = _segments(*grid.segments(0.3))
    h = grid.xs[1] - grid.xs[0]
    assert seg.shape[0] > 50
    d = np.abs(seg[:, 1] - seg[:, 0])
    assert np.all(d <= h * (1 + 1e-9))  # within one cell
    assert np.all(np.hypot(d[:, 0], d[:, 1]) > 0)  # not a point


def test_the_saddle_level_zero_is_the_two_diagonals() -> None:
    # x² − y² = 0 is y = ±x; with an even grid the origin is a cell centre: the saddle
    # case, split by the centre value (0: "not above", so the cell joins the diagonals).
    grid = _grid(lambda x, y: x**2 - y**2, n=40)
    x, y = grid.segments(0.0)
    assert x.size > 0
    assert np.all(np.abs(np.abs(x) - np.abs(y)) <= 1e-12)
    c = 0.25  # a level off zero: hyperbolas x² − y² = c never cross the diagonals
    x, y = grid.segments(c)
    h = grid.xs[1] - grid.xs[0]
    assert np.all(np.abs(x * x - y * y - c) <= 2 * h * h)
    assert np.all(np.abs(x) >= math.sqrt(c) - 1e-9)


def test_a_level_line_stops_at_the_edge_of_the_domain() -> None:
    grid = _grid(lambda x, y: np.sqrt(1 - x**2 - y**2), n=101)
    x, y = grid.segments(0.5)  # the circle of radius √0.75 inside the unit disc
    assert np.all(np.abs(np.hypot(x, y) - math.sqrt(0.75)) < 2e-3)
    x, y = grid.segments(0.01)  # near the rim: only cells whose corners all are defined
    assert np.all(np.hypot(x, y) < 1.0)


def test_levels_outside_the_values_give_nothing() -> None:
    grid = _grid(lambda x, y: x**2 + y**2, n=11)
    for level in (-1.0, 100.0, math.nan, math.inf):
        x, y = grid.segments(level)
        assert x.size == 0 and y.size == 0


def test_the_grid_shape_is_checked() -> None:
    with pytest.raises(ValueError):
        ContourGrid(np.arange(3.0), np.arange(4.0), np.zeros((3, 4)))


def test_quantile_levels_of_a_bowl_on_a_disc_are_evenly_spaced() -> None:
    # On a disc, the area where x² + y² < c is π·c: the quantiles of f are even in value.
    rng = np.random.default_rng(1)
    r = np.sqrt(rng.random(400_000)) * 2.0
    values = r * r  # f = r² over the disc of radius 2, uniform in area
    levels = quantile_levels(values, 8)
    assert levels == pytest.approx((np.arange(8) + 0.5) / 8 * 4.0, abs=0.01)


def test_quantile_levels_are_rounded_increasing_and_inside() -> None:
    z = np.array([[0.0, 1.0, np.nan], [2500.0, 3.0, np.inf], [7.123456, 0.5, 0.25]])
    levels = quantile_levels(z, 6)
    assert np.all(np.diff(levels) > 0)
    assert np.all((levels > 0.0) & (levels < 2500.0))
    for c in levels:
        assert float(f"{c:.3g}") == c
    assert quantile_levels(np.full((3, 3), np.nan)).size == 0
    assert quantile_levels(np.ones((3, 3))).size == 0  # a constant has no level lines


def test_color_positions_anchor_the_levels_evenly() -> None:
    values, positions = color_positions(np.array([0.0, 10.0]), [1.0, 5.0, 20.0])
    assert list(values) == [0.0, 1.0, 5.0, 10.0]
    assert list(positions) == [0.0, 1 / 3, 2 / 3, 1.0]
    values, positions = color_positions(np.array([2.0, 2.0]), [])
    assert values[0] == 2.0 and values[1] > values[0]


@pytest.mark.parametrize("flip", [False, True])
def test_a_saddle_cell_is_split_by_its_centre(flip: bool) -> None:
    # One cell, corners 00 = 1, 01 = −1, 11 = 1, 10 = −1 (or the opposite): its centre
    # value is 0. Level 0.5: the centre is below, so the two corners above are cut off
    # on their own; level −0.5: the centre is above, the corners below are cut off.
    z = np.array([[1.0, -1.0], [-1.0, 1.0]])
    if flip:
        z = -z
    grid = ContourGrid(np.array([0.0, 1.0]), np.array([0.0, 1.0]), z)
    corners = {(0.0, 0.0): z[0, 0], (1.0, 0.0): z[0, 1], (0.0, 1.0): z[1, 0], (1.0, 1.0): z[1, 1]}
    for level in (0.5, -0.5):
        seg = _segments(*grid.segments(level))
        assert seg.shape[0] == 2
        lonely = [c for c, v in corners.items() if (v > level) == (level > 0)]
        for (ax, ay), (bx, by) in seg:
            # each segment cuts off exactly one of the lonely corners: its end points lie
            # on the two edges that meet at that corner, a quarter of the way along
            near = [
                c
                for c in lonely
                if math.hypot(ax - c[0], ay - c[1]) == pytest.approx(0.25)
                and math.hypot(bx - c[0], by - c[1]) == pytest.approx(0.25)
                and (ax == c[0] or ay == c[1])
                and (bx == c[0] or by == c[1])
            ]
            assert len(near) == 1, ((ax, ay), (bx, by), level)


@pytest.mark.parametrize("shape", [(400, 400), (37, 121), (17, 16), (2, 2), (3, 40)])
def test_the_block_search_finds_every_straddling_cell_and_no_other(shape) -> None:  # type: ignore[no-untyped-def]
    # Searched block by block (16 × 16 cells): the cells drawn must be exactly those a
    # search of every cell finds, on grids that are not whole blocks and have holes.
    rng = np.random.default_rng(7)
    ny, nx = shape
    xs = np.linspace(-1.0, 1.0, nx)
    ys = np.linspace(-1.0, 1.0, ny)
    z = rng.normal(size=shape).cumsum(axis=0).cumsum(axis=1)
    z[rng.random(shape) < 0.03] = np.nan
    grid = ContourGrid(xs, ys, z)
    corners = np.stack([z[:-1, :-1], z[:-1, 1:], z[1:, :-1], z[1:, 1:]])
    finite = np.all(np.isfinite(corners), axis=0)
    # Levels between the values (a segment's midpoint is then inside its own cell).
    lo, hi = float(np.nanmin(z)), float(np.nanmax(z))
    for level in [*rng.uniform(lo, hi, 8), hi + 1.0, lo - 1.0]:
        with np.errstate(invalid="ignore"):
            want = finite & (corners.min(axis=0) <= level) & (corners.max(axis=0) > level)
        x, y = grid.segments(float(level))
        mx, my = (x[0::2] + x[1::2]) / 2, (y[0::2] + y[1::2]) / 2  # inside its cell
        j = np.clip(np.searchsorted(xs, mx) - 1, 0, nx - 2)
        i = np.clip(np.searchsorted(ys, my) - 1, 0, ny - 2)
        got = np.zeros_like(want)
        got[i, j] = True
        assert np.array_equal(got, want), level
