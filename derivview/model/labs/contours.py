"""Level lines of a function sampled on a grid (marching squares), and levels to draw.

:class:`ContourGrid` takes f on a rectangular grid once and then gives the level line
f = c for any c as line segments, vectorized with numpy: only the cells whose corner
values straddle c are visited (their minimum and maximum are kept, and those of blocks
of 16 × 16 cells, so that only the blocks the line crosses are searched), so the level
line through a dragged point costs a fraction of a millisecond on a 400 × 400 grid.
Cells with an undefined corner (NaN or ±inf) are skipped: a level line stops at the edge
of the domain.

Within a cell, f is interpolated linearly along each edge; a cell whose diagonal corners
are on the same side (a saddle of the bilinear interpolant) is split by the value at its
centre, the usual disambiguation.

:func:`quantile_levels` picks levels at equal fractions of the values in view, rounded
to three significant digits: on a bowl they come out evenly spaced, on a steep function
such as Rosenbrock's they crowd where the function is low, so the valley is drawn.
Qt-free.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["ContourGrid", "color_positions", "quantile_levels"]

#: Cells per side of the blocks searched first (a level line crosses few of them).
BLOCK = 16

# Edges of a cell, by index: 0 bottom (corners 00–01), 1 right (01–11), 2 top (11–10),
# 3 left (10–00); corner bits: 1 = 00, 2 = 01, 4 = 11, 8 = 10 (above the level).
# For each case and whether the centre is above the level (index case + 16·above): the
# edges joined by the first segment and by the second (−1: none). Only the two saddle
# cases (diagonal corners above) have two segments; which edges they join depends on the
# centre (above: the "above" corners connect through it).
_FIRST = np.full((32, 2), -1, dtype=np.intp)
_SECOND = np.full((32, 2), -1, dtype=np.intp)
for _case in range(16):
    _bits = [(_case >> b) & 1 for b in range(4)]  # 00, 01, 11, 10 counter-clockwise
    _crossed = [e for e in range(4) if _bits[e] != _bits[(e + 1) % 4]]
    if len(_crossed) == 2:
        _FIRST[_case] = _FIRST[_case + 16] = _crossed
_SADDLE = {
    # 00 and 11 above
    5: {True: ((0, 1), (2, 3)), False: ((3, 0), (1, 2))},
    # 01 and 10 above
    10: {True: ((3, 0), (1, 2)), False: ((0, 1), (2, 3))},
}
for _case, _by_centre in _SADDLE.items():
    for _above, (_a, _b) in _by_centre.items():
        _FIRST[_case + 16 * _above] = _a
        _SECOND[_case + 16 * _above] = _b


class ContourGrid:
    """f on a grid: ``z[i, j]`` = f(xs[j], ys[i]); level lines as segments.

    ``xs`` and ``ys`` are increasing 1-D arrays; non-finite values of ``z`` are holes.
    """

    def __init__(self, xs: Any, ys: Any, z: Any) -> None:
        self.xs = np.asarray(xs, dtype=float)
        self.ys = np.asarray(ys, dtype=float)
        z = np.asarray(z, dtype=float)
        if z.shape != (self.ys.size, self.xs.size):
            raise ValueError(f"z has shape {z.shape}, expected {(self.ys.size, self.xs.size)}")
        self.z = z
        finite = np.isfinite(z)
        c00, c01 = z[:-1, :-1], z[:-1, 1:]
        c10, c11 = z[1:, :-1], z[1:, 1:]
        ok = finite[:-1, :-1] & finite[:-1, 1:] & finite[1:, :-1] & finite[1:, 1:]
        with np.errstate(invalid="ignore"):
            lo = np.minimum(np.minimum(c00, c01), np.minimum(c10, c11))
            hi = np.maximum(np.maximum(c00, c01), np.maximum(c10, c11))
        self._lo = np.where(ok, lo, np.inf)
        self._hi = np.where(ok, hi, -np.inf)
        # The cells by block of BLOCK × BLOCK (padded with cells no level crosses): each
        # row of these holds one block's cells, with their flat index in ``_lo``.
        rows, cols = self._lo.shape
        b = BLOCK
        by, bx = -(-rows // b), -(-cols // b)

        def blocks(a: np.ndarray, pad: float) -> np.ndarray:
            out = np.full((by * b, bx * b), pad, dtype=a.dtype)
            out[:rows, :cols] = a
            return out.reshape(by, b, bx, b).swapaxes(1, 2).reshape(by * bx, b * b)

        self._cell_lo = blocks(self._lo, np.inf)
        self._cell_hi = blocks(self._hi, -np.inf)
        self._cell_index = blocks(np.arange(rows * cols, dtype=np.intp).reshape(rows, cols), -1)
        self._block_lo = self._cell_lo.min(axis=1, initial=np.inf)
        self._block_hi = self._cell_hi.max(axis=1, initial=-np.inf)

    def segments(self, level: float) -> tuple[np.ndarray, np.ndarray]:
        """The level line f = ``level`` as segments: x and y arrays of length 2·n, each
        pair of points one segment (pyqtgraph's ``connect="pairs"``). Empty if none."""
        if not math.isfinite(level):
            return np.empty(0), np.empty(0)
        # The blocks whose range straddles the level, then their cells that do: the
        # cells of (lo <= level < hi) in row-major order, as a search of every cell finds.
        near = np.flatnonzero((self._block_lo <= level) & (self._block_hi > level))
        hit = (self._cell_lo[near] <= level) & (self._cell_hi[near] > level)
        cells = np.sort(self._cell_index[near][hit])
        if cells.size == 0:
            return np.empty(0), np.empty(0)
        i, j = np.divmod(cells, self._lo.shape[1])
        z = self.z
        corners = (z[i, j], z[i, j + 1], z[i + 1, j + 1], z[i + 1, j])  # 00, 01, 11, 10
        case = (corners[0] > level).astype(np.intp)
        for bit in (1, 2, 3):
            case |= (corners[bit] > level).astype(np.intp) << bit
        centre = (corners[0] + corners[1] + corners[2] + corners[3]) / 4.0
        key = case + 16 * (centre > level)
        x0, x1 = self.xs[j], self.xs[j + 1]
        y0, y1 = self.ys[i], self.ys[i + 1]
        # Where each edge is crossed (only edges whose ends differ are used).
        px = np.empty((4, i.size))
        py = np.empty((4, i.size))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = [(level - corners[e]) / (corners[(e + 1) % 4] - corners[e]) for e in range(4)]
        px[0], py[0] = x0 + t[0] * (x1 - x0), y0  # 00 -> 01 along x at y0
        px[1], py[1] = x1, y0 + t[1] * (y1 - y0)  # 01 -> 11 along y at x1
        px[2], py[2] = x1 - t[2] * (x1 - x0), y1  # 11 -> 10 along -x at y1
        px[3], py[3] = x0, y1 - t[3] * (y1 - y0)  # 10 -> 00 along -y at x0
        n = np.arange(i.size)
        first = _FIRST[key]
        second = _SECOND[key]
        two = n[second[:, 0] >= 0]
        ea = np.concatenate([first[:, 0], second[two, 0]])
        eb = np.concatenate([first[:, 1], second[two, 1]])
        cell = np.concatenate([n, two])
        xs_out = np.empty(2 * cell.size)
        ys_out = np.empty(2 * cell.size)
        xs_out[0::2], xs_out[1::2] = px[ea, cell], px[eb, cell]
        ys_out[0::2], ys_out[1::2] = py[ea, cell], py[eb, cell]
        return xs_out, ys_out


def _round_sig(v: float, digits: int = 3) -> float:
    if v == 0 or not math.isfinite(v):
        return v
    return round(v, digits - 1 - math.floor(math.log10(abs(v))))


def quantile_levels(z: Any, n: int = 12) -> np.ndarray:
    """About ``n`` contour levels at equal fractions of the finite values of ``z``
    (fractions (k + ½)/n), rounded to 3 significant digits, strictly increasing."""
    v = np.asarray(z, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0 or n < 1:
        return np.empty(0)
    qs = np.quantile(v, (np.arange(n) + 0.5) / n)
    lo, hi = float(v.min()), float(v.max())
    levels = sorted({_round_sig(float(q)) for q in qs})
    return np.array([c for c in levels if lo < c < hi])


def color_positions(z: Any, levels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Anchors of the colour scale: the data's minimum, the levels and its maximum, and
    their positions 0 … 1 evenly spaced (each band between levels gets an equal share of
    the colours, as the colour bar shows). Returns (values, positions)."""
    v = np.asarray(z, dtype=float)
    v = v[np.isfinite(v)]
    if v.size == 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0])
    lo, hi = float(v.min()), float(v.max())
    anchors = [lo, *[float(c) for c in levels if lo < c < hi], hi]
    if hi <= lo:
        return np.array([lo, lo + 1.0]), np.array([0.0, 1.0])
    values = np.array(anchors)
    return values, np.linspace(0.0, 1.0, values.size)
