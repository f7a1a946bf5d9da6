"""Lines clipped to the view (what the regression lab draws, and its SVG pictures hold).

Truth: segments worked out by hand, and for random polylines the defining properties —
every point drawn is inside the rectangle and on the original polyline, and every
sampled point of the original that is inside the rectangle is on a drawn piece.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivview.ui.regression.clip import clip_polyline, clip_segments, inside

RECT = (0.0, 10.0, 0.0, 5.0)


def test_a_segment_across_the_rectangle_is_cut_at_its_edges():
    x, y = clip_polyline([-5, 15], [2.5, 2.5], RECT)
    assert list(x) == [0.0, 10.0] and list(y) == [2.5, 2.5]
    x, y = clip_polyline([-1, 11], [-1, 5], RECT)  # y = 0.5x − 0.5: enters at x = 1
    assert x == pytest.approx([1.0, 10.0]) and y == pytest.approx([0.0, 4.5])


def test_a_polyline_inside_is_unchanged_and_one_outside_is_empty():
    xs, ys = [1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 2.0, 3.0]
    x, y = clip_polyline(xs, ys, RECT)
    assert list(x) == xs and list(y) == ys
    x, y = clip_polyline([20, 30], [1, 2], RECT)
    assert x.size == 0 and y.size == 0


def test_leaving_and_coming_back_makes_two_pieces():
    x, y = clip_polyline([5, 5, 7, 7], [2, 8, 8, 2], RECT)
    assert list(x[:2]) == [5.0, 5.0] and list(y[:2]) == [2.0, 5.0]
    assert math.isnan(x[2])
    assert list(x[3:]) == [7.0, 7.0] and list(y[3:]) == [5.0, 2.0]


def test_segments_are_clipped_one_by_one():
    x, y = clip_segments([1, 5, 20], [1, -5, 1], [1, 5, 30], [9, 2, 1], RECT)
    assert list(x) == [1.0, 1.0, 5.0, 5.0] and list(y) == [1.0, 5.0, 0.0, 2.0]


def _on_polyline(px: float, py: float, xs, ys) -> bool:
    for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=True):
        dx, dy = x1 - x0, y1 - y0
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else ((px - x0) * dx + (py - y0) * dy) / length2
        t = min(max(t, 0.0), 1.0)
        if math.hypot(x0 + t * dx - px, y0 + t * dy - py) <= 1e-9 * (1 + abs(px) + abs(py)):
            return True
    return False


coords = st.floats(min_value=-20, max_value=20, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(coords, coords), min_size=2, max_size=12))
def test_what_is_drawn_is_inside_and_on_the_line_and_nothing_inside_is_lost(points):
    xs = np.array([p[0] for p in points])
    ys = np.array([p[1] for p in points])
    x, y = clip_polyline(xs, ys, RECT)
    drawn = ~np.isnan(x)
    for px, py in zip(x[drawn], y[drawn], strict=True):
        assert -1e-9 <= px <= 10 + 1e-9 and -1e-9 <= py <= 5 + 1e-9
        assert _on_polyline(px, py, xs, ys)
    # Every line drawn (two points with no gap between) runs along the original.
    for i in range(len(x) - 1):
        if drawn[i] and drawn[i + 1]:
            assert _on_polyline((x[i] + x[i + 1]) / 2, (y[i] + y[i + 1]) / 2, xs, ys)
    pieces = np.split(np.column_stack([x, y]), np.flatnonzero(~drawn))
    pieces = [p[~np.isnan(p[:, 0])] for p in pieces]
    for t in np.linspace(0, 1, 7):
        for x0, y0, x1, y1 in zip(xs[:-1], ys[:-1], xs[1:], ys[1:], strict=True):
            sx, sy = x0 + t * (x1 - x0), y0 + t * (y1 - y0)
            if 1e-6 < sx < 10 - 1e-6 and 1e-6 < sy < 5 - 1e-6:
                assert any(
                    len(p) >= 1 and _on_polyline(sx, sy, p[:, 0], p[:, 1]) for p in pieces
                ), (sx, sy)


def test_inside():
    assert list(inside([0, 10, 11, 5], [0, 5, 1, -1], RECT)) == [True, True, False, False]


def test_a_long_loss_curve_keeps_its_lowest_and_highest_points():
    from derivview.ui.regression.plots import peaks

    x = np.arange(100_001, dtype=float)
    y = np.where(x % 2 == 0, 1.0, 3.0) / (1 + x)  # an oscillating, decaying loss
    y[54_321] = 99.0  # one spike
    px, py = peaks(x, y, limit=2000)
    assert len(px) <= 2100 and px[-1] == 100_000 and py[-1] == y[-1]
    assert py.max() == 99.0 and py.min() == pytest.approx(y.min())
    assert np.all(np.diff(px) >= 0)
    short_x, short_y = peaks(x[:50], y[:50])
    assert list(short_x) == list(x[:50]) and list(short_y) == list(y[:50])
