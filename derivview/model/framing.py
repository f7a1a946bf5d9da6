"""Framing the plot: which y-range to show f, f′ and f″ in. Qt-free.

The plot panel asks these functions; they are kept apart from its resample path so the
framing rules can change without touching the per-keystroke drawing.

- :func:`fit_curves_y`: a robust range for f, widened to take in f′ and f″ (those
  drawn), each robustly (tan's poles, exp's tail do not blow it up), and each allowed to
  widen the range by at most :data:`MAX_GROWTH` of f's own span on either side, so a
  derivative much larger than f does not squash f into a line.
- :func:`mostly_out_of_view`: whether a parameter change moved f out of the view.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from derivview.model import sampling

Vectorized = Callable[[np.ndarray], np.ndarray]

#: Samples for fitting (as the plot's robust fit of f).
FIT_SAMPLES = 2000
#: f′ and f″ may widen f's range by at most this share of its span on each side.
MAX_GROWTH = 0.5
#: f counts as out of view when fewer than this share of its samples lie in the view.
OUT_OF_VIEW_SHARE = 0.25


def fit_curves_y(
    f: Vectorized,
    others: Sequence[Vectorized],
    x_range: tuple[float, float],
    include: float | None = None,
    n: int = FIT_SAMPLES,
) -> tuple[float, float]:
    """The y-range for f and the curves ``others`` (f′, f″) over ``x_range``.

    f's robust range (with ``include``, the point a person looks at) first; each other
    curve's robust range then widens it, by at most :data:`MAX_GROWTH` of f's span on
    each side.
    """
    lo, hi = sampling.fit_y_range(f, x_range, n=n, include=include)
    if not others:
        return lo, hi
    span = MAX_GROWTH * (hi - lo)
    x = np.linspace(x_range[0], x_range[1], n)
    new_lo, new_hi = lo, hi
    for g in others:
        y = sampling.evaluate(g, x)
        if not np.isfinite(y).any():
            continue
        glo, ghi = sampling.robust_y_range(y)
        new_lo = min(new_lo, max(glo, lo - span))
        new_hi = max(new_hi, min(ghi, hi + span))
    if not (math.isfinite(new_lo) and math.isfinite(new_hi) and new_hi > new_lo):
        return lo, hi
    return new_lo, new_hi


def mostly_out_of_view(
    f: Vectorized, x_range: tuple[float, float], y_range: tuple[float, float], n: int = 400
) -> bool:
    """Whether fewer than :data:`OUT_OF_VIEW_SHARE` of f's defined samples are in view.

    False where f is nowhere defined in ``x_range`` (a refit would not help).
    """
    x = np.linspace(x_range[0], x_range[1], n)
    y = sampling.evaluate(f, x)
    finite = np.isfinite(y)
    if not finite.any():
        return False
    inside = finite & (y >= y_range[0]) & (y <= y_range[1])
    return float(inside.sum()) < OUT_OF_VIEW_SHARE * float(finite.sum())


def frame_points(
    f: Vectorized,
    xs: Sequence[float],
    x_range: tuple[float, float],
    margin: float = 0.12,
) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """A view (x-range, y-range) that shows the points ``xs`` on f (a descent run's path
    and where it heads) large: x spans the points with ``margin`` of their span on each
    side (at least a quarter of ``x_range``'s width, so a short run is not blown up), y
    fits f there and takes in every point. None when no point is finite.
    """
    pts = np.asarray([x for x in xs if math.isfinite(x)], dtype=float)
    if pts.size == 0:
        return None
    lo, hi = float(pts.min()), float(pts.max())
    width = max((hi - lo) * (1 + 2 * margin), 0.25 * (x_range[1] - x_range[0]))
    mid = (lo + hi) / 2
    x0, x1 = mid - width / 2, mid + width / 2
    if not (math.isfinite(x0) and math.isfinite(x1)) or x1 <= x0:
        return None
    ylo, yhi = sampling.fit_y_range(f, (x0, x1))
    ys = sampling.evaluate(f, pts)
    finite = ys[np.isfinite(ys)]
    if finite.size:
        plo, phi = float(finite.min()), float(finite.max())
        pad = margin * max(phi - plo, yhi - ylo)
        ylo, yhi = min(ylo, plo - pad), max(yhi, phi + pad)
    if not (math.isfinite(ylo) and math.isfinite(yhi)) or yhi <= ylo:
        return None
    return (x0, x1), (ylo, yhi)


def needs_descent_frame(
    xs: Sequence[float],
    ys: Sequence[float],
    view: tuple[tuple[float, float], tuple[float, float]],
    finished: bool,
    small: float = 0.3,
) -> bool:
    """Whether to frame a descent run in ``view`` = (x-range, y-range).

    Its newest point (``xs[-1]``, ``ys[-1]``) has left the view (follow it), or the run
    has ``finished`` squeezed into less than ``small`` of the view's width or height.
    """
    (x0, x1), (y0, y1) = view
    pts = [(x, y) for x, y in zip(xs, ys, strict=True) if math.isfinite(x) and math.isfinite(y)]
    if not pts:
        return False
    lx, ly = pts[-1]
    if not (x0 <= lx <= x1 and y0 <= ly <= y1):
        return True
    if not finished:
        return False
    px = [p[0] for p in pts]
    py = [p[1] for p in pts]
    return (max(px) - min(px)) < small * (x1 - x0) or (max(py) - min(py)) < small * (y1 - y0)
