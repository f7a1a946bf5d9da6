"""Lines clipped to a rectangle (the view), as arrays for ``connect="finite"``. Qt-free.

Everything the lab draws is clipped to its view before it is drawn: an SVG picture
(SVG Tiny, what Qt writes reliably) has no clipping, so a contour or a line that runs
past the axes on screen would run across the picture's margins; and pyqtgraph draws
less. Liang–Barsky, vectorized over the segments; pieces that stay connected stay one
polyline, a NaN separates the others.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

Rect = tuple[float, float, float, float]
"""(x_min, x_max, y_min, y_max)."""

Arrays = tuple[NDArray[np.float64], NDArray[np.float64]]


def _clip(
    x0: NDArray[np.float64],
    y0: NDArray[np.float64],
    x1: NDArray[np.float64],
    y1: NDArray[np.float64],
    rect: Rect,
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """Liang–Barsky: which segments meet ``rect``, and their parameters t0 ≤ t1 there."""
    xmin, xmax, ymin, ymax = rect
    dx, dy = x1 - x0, y1 - y0
    t0 = np.zeros(x0.shape)
    t1 = np.ones(x0.shape)
    keep = np.isfinite(x0) & np.isfinite(y0) & np.isfinite(x1) & np.isfinite(y1)
    with np.errstate(all="ignore"):
        for p, q in ((-dx, x0 - xmin), (dx, xmax - x0), (-dy, y0 - ymin), (dy, ymax - y0)):
            r = q / p
            keep &= ~((p == 0) & (q < 0))  # parallel to this edge and outside it
            entering = p < 0
            leaving = p > 0
            t0 = np.where(entering & (r > t0), r, t0)
            t1 = np.where(leaving & (r < t1), r, t1)
    keep &= t0 <= t1
    return keep, t0, t1


def clip_polyline(x: ArrayLike, y: ArrayLike, rect: Rect) -> Arrays:
    """The parts of the polyline (x, y) inside ``rect``; NaN (or a NaN in the input)
    between the parts. Empty arrays if nothing is inside."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    if xs.size < 2:
        inside = (
            (xs >= rect[0]) & (xs <= rect[1]) & (ys >= rect[2]) & (ys <= rect[3])
            if xs.size
            else np.zeros(0, dtype=bool)
        )
        return xs[inside], ys[inside]
    x0, y0, x1, y1 = xs[:-1], ys[:-1], xs[1:], ys[1:]
    keep, t0, t1 = _clip(x0, y0, x1, y1, rect)
    dx, dy = x1 - x0, y1 - y0
    # Per segment: [start, end, NaN]; the NaN and the next start are dropped where the
    # segment ends unclipped at the vertex where the next one starts unclipped.
    out_x = np.empty((x0.size, 3))
    out_y = np.empty((x0.size, 3))
    with np.errstate(all="ignore"):
        out_x[:, 0] = x0 + t0 * dx
        out_y[:, 0] = y0 + t0 * dy
        out_x[:, 1] = x0 + t1 * dx
        out_y[:, 1] = y0 + t1 * dy
    out_x[:, 2] = np.nan
    out_y[:, 2] = np.nan
    # Exact vertices where unclipped (no rounding from x0 + 1·dx).
    whole_start = keep & (t0 == 0)
    whole_end = keep & (t1 == 1)
    out_x[whole_start, 0], out_y[whole_start, 0] = x0[whole_start], y0[whole_start]
    out_x[whole_end, 1], out_y[whole_end, 1] = x1[whole_end], y1[whole_end]
    use = np.repeat(keep[:, None], 3, axis=1)
    joined = whole_end[:-1] & whole_start[1:]  # segment i flows into segment i + 1
    use[:-1, 2] &= ~joined
    use[1:, 0] &= ~joined
    flat_x, flat_y, flat_use = out_x.ravel(), out_y.ravel(), use.ravel()
    rx, ry = flat_x[flat_use], flat_y[flat_use]
    if rx.size and np.isnan(rx[-1]):
        rx, ry = rx[:-1], ry[:-1]
    return rx, ry


def clip_segments(x0: ArrayLike, y0: ArrayLike, x1: ArrayLike, y1: ArrayLike, rect: Rect) -> Arrays:
    """Separate segments (x0, y0)–(x1, y1), each clipped to ``rect``, NaN between them."""
    a = [np.asarray(v, dtype=np.float64) for v in (x0, y0, x1, y1)]
    keep, t0, t1 = _clip(*a, rect)
    dx, dy = a[2] - a[0], a[3] - a[1]
    n = int(keep.sum())
    out_x = np.empty((n, 2))
    out_y = np.empty((n, 2))
    with np.errstate(all="ignore"):
        out_x[:, 0] = (a[0] + t0 * dx)[keep]
        out_y[:, 0] = (a[1] + t0 * dy)[keep]
        out_x[:, 1] = (a[0] + t1 * dx)[keep]
        out_y[:, 1] = (a[1] + t1 * dy)[keep]
    return out_x.ravel(), out_y.ravel()


def inside(x: ArrayLike, y: ArrayLike, rect: Rect) -> NDArray[np.bool_]:
    """Which points (x, y) are in ``rect``."""
    xs = np.asarray(x, dtype=np.float64)
    ys = np.asarray(y, dtype=np.float64)
    return (xs >= rect[0]) & (xs <= rect[1]) & (ys >= rect[2]) & (ys <= rect[3])
