"""Plot samples for f, f′, f″: a few points per pixel, NaN gaps at poles and jumps.

Pure numpy (no Qt, no sympy). A curve is sampled at about ``density`` × the view's width
in pixels — never millions of points (``setData`` of 1e6 points costs ~70 ms). Segments
whose jump exceeds a quarter of the view height (or that jump abruptly where the curve is
otherwise flat) are bisected; a continuous function's jump shrinks, a pole's or a jump's
does not, and there a NaN is inserted so that a line drawn with ``connect="finite"`` breaks
instead of drawing a vertical stroke across the pole.

Also here: a robust initial y-range (percentiles, so that tan near π/2 or exp(x²) do not
blow it up), a line clipped to the view (the tangent and secant), one-sided rays, and the
intervals where f is concave up or down.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

Vectorized = Callable[[NDArray[np.float64]], ArrayLike]

#: Points per pixel of view width. 2–4 keeps curves smooth and ``setData`` cheap.
DEFAULT_DENSITY = 3.0
MIN_SAMPLES = 64
MAX_SAMPLES = 16_384
#: Bisections before a jump that did not shrink is called a discontinuity.
MAX_BISECTIONS = 30
#: Fallback y-range when f has no finite value in the view.
DEFAULT_Y_RANGE = (-1.0, 1.0)
#: Largest |y| a fitted y-range reaches, and (with :data:`MAX_DRAW`) the largest |y| drawn.
#: Values up to float64's 1.8e308 exist (1e308·x²), but a view's arithmetic (its span,
#: the drawing margin) must stay finite, and Qt ignores path points beyond ±1e128
#: ("invalid coordinates": a curve with a NaN gap then draws nothing at all). Beyond
#: these, values are drawn at the edge of what can be drawn, past the view's edge.
MAX_Y = 1e120
MAX_DRAW = 1e125


@dataclass(frozen=True)
class Samples:
    """x and y arrays ready for ``setData(x, y, connect="finite")``; NaN marks a gap."""

    x: NDArray[np.float64]
    y: NDArray[np.float64]

    @property
    def breaks(self) -> int:
        """How many gaps have a finite sample on both sides (poles, jumps, holes)."""
        finite = np.isfinite(self.y)
        idx = np.flatnonzero(finite)
        if idx.size < 2:
            return 0
        return int(np.count_nonzero(np.diff(idx) > 1))


def evaluate(func: Vectorized, x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``func(x)`` as a float64 array shaped like x; non-finite values become NaN.

    Never raises for finite input: a function that raises (or returns something that is
    not real) gives NaN everywhere, so a plot shows a gap rather than a traceback.
    """
    with np.errstate(all="ignore"):
        try:
            y = np.asarray(func(x))
        except (ArithmeticError, ValueError, TypeError):
            return np.full(x.shape, np.nan)
        if np.iscomplexobj(y):
            return np.full(x.shape, np.nan)
        if y.shape == x.shape and y.dtype == np.float64 and y is not x:
            y = y.copy() if not y.flags.writeable else y
        else:
            y = np.broadcast_to(y.astype(np.float64, copy=False), x.shape).copy()
    y[~np.isfinite(y)] = np.nan
    return y


#: Several curves at once: ``func(x)`` gives one array (or number) per curve.
ManyVectorized = Callable[[NDArray[np.float64]], Sequence[ArrayLike]]


def evaluate_many(func: ManyVectorized, x: NDArray[np.float64], count: int) -> NDArray[np.float64]:
    """:func:`evaluate` for ``count`` curves from one call: shape (count, x.size).

    As there: never raises, NaN wherever a value is not finite or not real.
    """
    out = np.full((count, x.size), np.nan)
    with np.errstate(all="ignore"):
        try:
            parts = func(x)
        except (ArithmeticError, ValueError, TypeError):
            return out
        for k in range(count):
            try:
                y = parts[k]
                if not np.iscomplexobj(y):
                    out[k] = y  # (a number, or an array shaped like x: broadcast)
            except (ArithmeticError, ValueError, TypeError, IndexError):
                out[k] = np.nan  # this curve: a gap, not a traceback
    out[~np.isfinite(out)] = np.nan
    return out


class _Rows:
    """Evaluates, in one call of the curves' function, curve ``which[r]`` at the points
    of row ``r`` of a grid: the brackets of f, f′ and f″ searched together."""

    def __init__(self, func: ManyVectorized, count: int) -> None:
        self.func, self.count = func, count

    def __call__(self, grid: NDArray[np.float64], which: NDArray[np.intp]) -> NDArray[np.float64]:
        ys = evaluate_many(self.func, grid.ravel(), self.count)
        if self.count == 1:
            return ys[0].reshape(grid.shape)
        pick = np.repeat(which, grid.shape[1])
        return ys[pick, np.arange(pick.size)].reshape(grid.shape)


def clamp_for_drawing(
    y: NDArray[np.float64], y_range: tuple[float, float], heights: float = 50.0
) -> NDArray[np.float64]:
    """y clamped to ``heights`` view-heights beyond the view (and to ±:data:`MAX_DRAW`):
    the visible part of a stroke is unchanged, and the raster engine never sees 1e16."""
    lo, hi = float(y_range[0]), float(y_range[1])
    height = hi - lo
    lo = max(lo - heights * height, -MAX_DRAW)
    hi = min(hi + heights * height, MAX_DRAW)
    return np.clip(y, lo, hi)


def sample_count(width_px: float, density: float = DEFAULT_DENSITY) -> int:
    """Number of samples for a view ``width_px`` pixels wide."""
    n = round(max(float(width_px), 1.0) * density)
    return min(max(n, MIN_SAMPLES), MAX_SAMPLES)


def robust_y_range(y: ArrayLike, pad: float = 0.08) -> tuple[float, float]:
    """A y-range that shows the bulk of ``y`` and ignores huge outliers.

    The 2nd–98th percentiles of the finite values, fenced at 3 interquartile ranges
    beyond the quartiles (so tan near its poles and the last steep stretch of exp(x²) do
    not squash everything else), padded by ``pad`` of the span on each side. Never a
    degenerate span: a constant c gets c ± max(1, |c|/10). Never beyond ±:data:`MAX_Y`
    (values near float64's limit would overflow the view's span to inf).
    """
    v = np.asarray(y, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if v.size == 0:
        return DEFAULT_Y_RANGE
    # Work in units of the largest value: near float64's limit, differences of values
    # (interquartile ranges, spans) would overflow.
    unit = float(np.max(np.abs(v)))
    if unit > MAX_Y:
        lo, hi = robust_y_range(v / unit, pad)
        return max(lo * unit, -MAX_Y), min(hi * unit, MAX_Y)
    p2, q25, q75, p98 = percentiles(v, (2.0, 25.0, 75.0, 98.0))
    lo, hi = p2, p98
    iqr = float(q75 - q25)
    if iqr > 0:
        lo = max(lo, float(q25) - 3.0 * iqr)
        hi = min(hi, float(q75) + 3.0 * iqr)
    # A tame curve is shown whole (sqrt's 0, the ends of a parabola): only tails that
    # would squash the rest (over 1.5 times the robust span) are cut.
    vmin, vmax = float(v.min()), float(v.max())
    if vmax - vmin <= 1.5 * (hi - lo):
        lo, hi = vmin, vmax
    span = hi - lo
    scale = max(abs(lo), abs(hi))
    if not span > 1e-9 * max(scale, 1.0):
        c = 0.5 * (lo + hi)
        half = max(1.0, abs(c) / 10.0)
        return c - half, c + half
    return lo - pad * span, hi + pad * span


def percentiles(v: NDArray[np.float64], qs: tuple[float, ...]) -> list[float]:
    """``np.percentile(v, qs)`` (its default, linear method) of a 1-d array with no NaN.

    The same numbers from one partial sort: ``np.percentile`` costs ~6× as much here,
    and its first call imports ``numpy.ma`` (~10 ms, on the way to the first curve).
    """
    n = v.size
    pos = [q / 100.0 * (n - 1) for q in qs]
    below = [min(math.floor(p), n - 1) for p in pos]
    above = [min(b + 1, n - 1) for b in below]
    part = np.partition(v, sorted({*below, *above}))
    out = []
    for p, b, a in zip(pos, below, above, strict=True):
        lo, hi, t = float(part[b]), float(part[a]), p - b
        diff = hi - lo
        # numpy's lerp: from the nearer end, so that t = 1 gives hi exactly
        out.append(lo + diff * t if t < 0.5 else hi - diff * (1.0 - t))
    return out


def fit_y_range(
    func: Vectorized,
    x_range: tuple[float, float],
    n: int = 2000,
    include: float | None = None,
) -> tuple[float, float]:
    """The robust y-range (see :func:`robust_y_range`) of ``func`` over ``x_range``.

    ``include`` (f at the point a person looks at) is brought into view too, unless it
    lies more than two spans away (tan next to its pole).
    """
    x = np.linspace(x_range[0], x_range[1], n)
    lo, hi = robust_y_range(evaluate(func, x))
    if (
        include is not None
        and math.isfinite(include)
        and abs(include) <= MAX_Y
        and not (lo <= include <= hi)
    ):
        span = hi - lo
        if lo - 2 * span <= include <= hi + 2 * span:
            pad = 0.08 * span
            lo, hi = min(lo, include - pad), max(hi, include + pad)
    return lo, hi


def _jump_candidates(y: NDArray[np.float64], height: float) -> NDArray[np.intp]:
    """Indices i of segments [i, i+1] whose jump may be a discontinuity."""
    d = np.abs(np.diff(y))  # NaN where an end is non-finite: never a candidate
    with np.errstate(invalid="ignore"):
        big = d > 0.25 * height
        # A small jump where the curve is otherwise flat (floor, sign): much larger than
        # a neighbouring step and at least a tenth of a percent of the view height. (Not
        # both neighbours: sign(x) sampled at 0 has two jumps side by side.)
        dn = np.fmax(d, 0.0)  # NaN as 0 (d ≥ 0); np.nan_to_num costs ~10× as much
        # The first and last segments have one neighbour: compare with it alone (a
        # missing neighbour taken as 0 made both ends of every curve look abrupt).
        left = np.concatenate(([np.inf], dn[:-1]))
        right = np.concatenate((dn[1:], [np.inf]))
        abrupt = (d > 0.001 * height) & (d > 8.0 * np.minimum(left, right))
    return np.flatnonzero(big | abrupt)


#: How far toward a bracket's end :func:`_falls_from_end` looks: 2^-30 of a section.
_END_DEPTH = 30
#: Halvings a bisection does: MAX_BISECTIONS rounded up to whole rounds of 4 or 8 bits.
_BISECT_BITS = -(-MAX_BISECTIONS // 8) * 8
#: A round of the bisection splits each bracket into 2^8 sections while the brackets'
#: points stay this few (8 brackets), else into 2^4. A round costs ~0.1 ms of numpy
#: calls whatever its size up to a few thousand points, and one round of 256 sections
#: does what two of 16 do (tan x: 0.9 → 0.6 ms a curve); with many brackets, or a long
#: expression, the points' own cost would outgrow the rounds saved.
_WIDE_ROUND_POINTS = 2048
_FRACS = {bits: np.arange(1, 2**bits) / 2**bits for bits in (4, 8)}


def _bisect(
    rows_eval: _Rows,
    which: NDArray[np.intp],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    ylo: NDArray[np.float64],
    yhi: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """Shrink each bracket onto its largest jump; return (is_break, lo, hi) per bracket.

    A bracket is a break where f is undefined inside it, or where its jump did not shrink
    while the bracket narrowed by 2^-32. Each round samples 255 points (15 when the
    brackets are many) in every active bracket at once (one evaluation) and keeps the
    section with the largest jump.
    """
    lo, hi, ylo, yhi = lo.copy(), hi.copy(), ylo.copy(), yhi.copy()
    j0 = np.abs(yhi - ylo)
    is_break = np.zeros(lo.shape, dtype=bool)
    active = np.ones(lo.shape, dtype=bool)
    done = 0  # halvings so far
    while done < _BISECT_BITS:
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        bits = 8 if idx.size * 255 <= _WIDE_ROUND_POINTS else 4
        done += bits
        frac = _FRACS[bits]
        a, b = lo[idx], hi[idx]
        grid = np.minimum(a[:, None] + (b - a)[:, None] * frac, b[:, None])
        inside = (grid > a[:, None]) & (grid < b[:, None])
        # Floating point cannot split the bracket any further: decide on what is left.
        stuck = ~inside.any(axis=1)
        ym = rows_eval(grid, which[idx])
        undefined = np.isnan(ym).any(axis=1) & ~stuck
        is_break[idx[undefined]] = True  # f is undefined inside: a gap belongs here
        active[idx[undefined | stuck]] = False
        go = ~(undefined | stuck)
        idx, grid, ym = idx[go], grid[go], ym[go]
        xs = np.concatenate([lo[idx, None], grid, hi[idx, None]], axis=1)
        ys = np.concatenate([ylo[idx, None], ym, yhi[idx, None]], axis=1)
        j = np.argmax(np.abs(np.diff(ys, axis=1)), axis=1)
        rows = np.arange(idx.size)
        lo[idx], hi[idx] = xs[rows, j], xs[rows, j + 1]
        ylo[idx], yhi[idx] = ys[rows, j], ys[rows, j + 1]
        # A continuous function's jump shrinks with the bracket: stop early.
        shrunk = np.abs(yhi[idx] - ylo[idx]) < 1e-3 * j0[idx]
        active[idx[shrunk]] = False
    final = np.abs(yhi - ylo)
    # still active: the jump did not shrink; inactive and not yet a break: either shrunk
    # or floating point could not split it further
    is_break |= (final > 0.25 * j0) & (j0 > 0.0)
    return is_break, lo, hi


#: The pole search's rounds: 16 sections, then 64 (each round ~0.06 ms of numpy calls
#: whatever its size); 8 · 32³ = 8^6, the depth of six rounds of 16.
_PEAK_ROUNDS = (np.linspace(0.0, 1.0, 17),) + (np.linspace(0.0, 1.0, 65),) * 3


def _peak(
    rows_eval: _Rows,
    which: NDArray[np.intp],
    lo: NDArray[np.float64],
    hi: NDArray[np.float64],
    ylo: NDArray[np.float64],
    yhi: NDArray[np.float64],
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """Whether |f| is unbounded inside each bracket (a pole both of whose sides leave
    the view on the same edge, as 1 + tan² x does); return (is_break, lo, hi).

    A search for the largest |f| (unimodal near a pole), keeping the two sections around
    the largest sample: first of 16 sections (1/8 of the bracket), then of 64 (1/32),
    down to 8^-6 ≈ 4e-6 of the bracket, where a pole reaches 1e5× its ends. A pole's
    peak grows far beyond the ends' values; a steep but bounded stretch peaks at an end.
    """
    a, b = lo.copy(), hi.copy()
    undefined = np.zeros(lo.shape, dtype=bool)
    smooth = np.zeros(lo.shape, dtype=bool)
    rows = np.arange(lo.size)
    ends = np.fmax(np.abs(ylo), np.abs(yhi))
    active = rows
    for k, frac in enumerate(_PEAK_ROUNDS):
        aa, bb = a[active], b[active]
        grid = aa[:, None] + (bb - aa)[:, None] * frac
        vals = np.abs(rows_eval(grid, which[active]))
        undefined[active] |= np.isnan(vals[:, 1:-1]).any(axis=1)
        j = np.argmax(np.fmax(vals, -1.0), axis=1)  # NaN as -1: never the largest
        sub = np.arange(active.size)
        a[active] = grid[sub, np.maximum(j - 1, 0)]
        b[active] = grid[sub, np.minimum(j + 1, frac.size - 1)]
        if k == 0:
            # A singularity inside a bracket, sampled 16× closer, grows by 16^p (p > 0,
            # its order: 1.32 for |u|^-0.1, 1.4 for ln|u|) — unless it sits right at an
            # end, which then stays the largest sample; a smooth extremum beyond the view
            # peaks inside, only 1 + O(spacing²) above its ends. Such brackets are done.
            top = _nan_as(vals.max(axis=1), np.inf)
            inside = _nan_as(vals[:, 1:-1].max(axis=1), np.inf) >= top
            smooth = inside & (top <= 1.001 * ends) & ~undefined
            # The two segments beside a local maximum of the samples are both searched;
            # the one without the extremum peaks at the sample they share. Next to a
            # smooth extremum found in its neighbour, that is no singularity either (one
            # right beside the shared sample would leave the neighbour no larger sample
            # inside than that one).
            shared = (hi[:-1] == lo[1:]) & (which[:-1] == which[1:])  # (the same curve)
            ok = ~undefined
            smooth[:-1] |= shared & smooth[1:] & (vals[:-1, -1] >= top[:-1]) & ok[:-1]
            smooth[1:] |= shared & smooth[:-1] & (vals[1:, 0] >= top[1:]) & ok[1:]
            smooth |= _falls_from_end(rows_eval, which, grid, vals, j, ~(smooth | undefined))
            active = active[~smooth]
            if active.size == 0:
                break
    grew = np.zeros(lo.shape, dtype=bool)
    if active.size:  # the brackets still searched: has |f| grown far beyond their ends?
        ends_now = np.abs(rows_eval(np.column_stack((a[active], b[active])), which[active]))
        top = np.fmax(ends_now[:, 0], ends_now[:, 1])
        grew[active] = top > 10.0 * ends[active]
    return undefined | grew, a, b


#: Points between a bracket's end and its first section, at 2^-k of the section.
_TOWARD_END = 2.0 ** -np.arange(_END_DEPTH, 0, -1)


def _falls_from_end(
    rows_eval: _Rows,
    which: NDArray[np.intp],
    grid: NDArray[np.float64],
    vals: NDArray[np.float64],
    j: NDArray[np.intp],
    rows: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    """Which of ``rows`` hold no pole: the largest |f| of the bracket's 17 samples is at
    an end, and |f| falls steadily from that end through its first section, looked at
    2^-1 … 2^-30 of a section from the end (one evaluation for every bracket).

    A square root's or a logarithm's derivative at the edge of its domain (the sample
    beyond is undefined) peaks at the bracket's end; so would a pole inside the first
    section, right beside that end, which the search then zooms in on. Such a pole shows
    here as |f| rising toward it, unless it is nearer the end than 2^-30 of a section —
    finer than the six rounds of the search (8^-6 of the bracket).
    """
    out = np.zeros(rows.shape, dtype=bool)
    last = grid.shape[1] - 1
    r = np.flatnonzero(rows & ((j == 0) | (j == last)))
    if r.size == 0:
        return out
    left = j[r] == 0
    end = np.where(left, grid[r, 0], grid[r, last])
    first = np.where(left, grid[r, 1], grid[r, last - 1])
    pts = end[:, None] + (first - end)[:, None] * _TOWARD_END
    seq = np.column_stack(
        (
            np.where(left, vals[r, 0], vals[r, last]),
            np.abs(rows_eval(pts, which[r])),
            np.where(left, vals[r, 1], vals[r, last - 1]),
        )
    )
    falls = (np.diff(seq, axis=1) <= 0.0).all(axis=1)  # False wherever a value is NaN
    out[r[falls]] = True
    return out


def _nan_as(v: NDArray[np.float64], value: float) -> NDArray[np.float64]:
    """``v`` with NaN replaced by ``value`` (``np.nan_to_num`` costs ~10× as much)."""
    return np.where(np.isnan(v), value, v)


def sample(
    func: Vectorized,
    x_range: tuple[float, float],
    width_px: float,
    y_range: tuple[float, float] | None = None,
    *,
    density: float = DEFAULT_DENSITY,
) -> Samples:
    """Sample ``func`` over ``x_range`` for a view ``width_px`` pixels wide.

    ``y_range`` is the visible y-range (its height sets which jumps are suspicious);
    None fits it robustly to the samples. At each discontinuity found, the curve is
    extended to both edges of the jump (the bisection bracket, ~1e-9 of a sample spacing)
    and a NaN is put between them. Non-finite values are gaps.
    """
    return sample_many(lambda x: (func(x),), 1, x_range, width_px, y_range, density=density)[0]


def sample_many(
    func: ManyVectorized,
    count: int,
    x_range: tuple[float, float],
    width_px: float,
    y_range: tuple[float, float] | None = None,
    *,
    density: float = DEFAULT_DENSITY,
) -> list[Samples]:
    """:func:`sample` for ``count`` curves that one call of ``func`` gives together
    (f, f′ and f″ from one forward pass), each sampled as :func:`sample` samples it.

    Their jumps and poles are searched together: each round of the search is one call
    for every curve's brackets, not one per curve (tan x: the poles of f, f′ and f″;
    3 calls of ~4 ms → 2 ms). Where inside its 2^-32-wide bracket a jump's break falls
    can differ from :func:`sample`'s in the last bits (a round's sections depend on how
    many brackets it searches). ``y_range`` None fits each curve's own.
    """
    with np.errstate(all="ignore"):  # values near float64's limit overflow the arithmetic
        return _sample_many(_Rows(func, count), x_range, width_px, y_range, density)


class _Curve:
    """One curve's samples, and where its search for breaks stands."""

    def __init__(
        self,
        x: NDArray[np.float64],
        y_all: NDArray[np.float64],
        y_range: tuple[float, float] | None,
    ) -> None:
        self.x, self.y = x, y_all[1:-1]
        y = self.y
        self.lo_y, self.hi_y = robust_y_range(y) if y_range is None else y_range
        self.height = float(self.hi_y - self.lo_y)
        self.fresh: NDArray[np.bool_] | None = None  # points inserted by the previous pass
        self.searching = math.isfinite(self.height) and self.height > 0
        if not self.searching:
            return
        lo_y, hi_y = self.lo_y, self.hi_y
        # A segment with both ends beyond the same edge of the view is invisible. It
        # breaks only where |f| peaks inside it far above its ends: a pole whose two
        # sides leave on the same edge (1 + tan² x). A merely huge jump there — a sample
        # 1e-16 from 1/x's pole next to one 1e-3 from it — is no break.
        self.beyond = (np.minimum(y[:-1], y[1:]) > hi_y) | (np.maximum(y[:-1], y[1:]) < lo_y)
        mag_all = np.fmax(np.abs(y_all), -1.0)  # NaN (undefined) as -1: below any |f|
        mag = mag_all[1:-1]
        outer_left = mag_all[:-3]
        outer_right = mag_all[3:]
        # (strictly above a neighbour somewhere: a flat run beyond the view is no peak)
        local_max = (mag[:-1] >= outer_left) & (mag[1:] >= outer_right)
        strict = (mag[:-1] > outer_left) | (mag[1:] > outer_right)
        self.peaks = np.flatnonzero(self.beyond & local_max & strict)

    def segments(self) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
        """This pass's segments to search: (jump candidates, possible poles); none when
        the curve is done."""
        cand = _jump_candidates(self.y, self.height)
        if self.fresh is None:
            cand = cand[~self.beyond[cand]]
        else:
            fresh, y = self.fresh, self.y
            cand = cand[(fresh[cand] | fresh[cand + 1])]
            ya, yb = y[cand], y[cand + 1]
            cand = cand[~((np.minimum(ya, yb) > self.hi_y) | (np.maximum(ya, yb) < self.lo_y))]
            self.peaks = self.peaks[:0]
        if cand.size == 0 and self.peaks.size == 0:
            self.searching = False
        return cand, self.peaks

    def insert(
        self,
        seg: NDArray[np.intp],
        blo: NDArray[np.float64],
        bhi: NDArray[np.float64],
        yl: NDArray[np.float64],
        yr: NDArray[np.float64],
    ) -> None:
        """Break after each sample ``seg``: the curve to both edges of the jump found."""
        if self.fresh is not None:
            # Beside a break already made, a search can close in on that same pole from a
            # sample at the view's edge (tan 3x with a sample at exactly y = 10): its last
            # jump, between two values beyond the same edge, is invisible and no new break.
            seen = (np.minimum(yl, yr) > self.hi_y) | (np.maximum(yl, yr) < self.lo_y)
            if seen.all():
                self.searching = False
                return
            seg, blo, bhi, yl, yr = seg[~seen], blo[~seen], bhi[~seen], yl[~seen], yr[~seen]
        gap = 0.5 * (blo + bhi)
        # Insert (lo, f(lo)), (mid, NaN), (hi, f(hi)) after sample i, in that order.
        at = np.repeat(seg + 1, 3)
        new_x = np.column_stack((blo, gap, bhi)).ravel()
        new_y = np.column_stack((yl, np.full(gap.shape, np.nan), yr)).ravel()
        self.fresh = np.insert(np.zeros(self.x.shape, dtype=bool), at, True)
        self.x, self.y = np.insert(self.x, at, new_x), np.insert(self.y, at, new_y)


def _sample_many(
    rows: _Rows,
    x_range: tuple[float, float],
    width_px: float,
    y_range: tuple[float, float] | None,
    density: float,
) -> list[Samples]:
    a, b = float(x_range[0]), float(x_range[1])
    x = np.linspace(a, b, sample_count(width_px, density))
    # One sample beyond each edge too (in the same evaluation): the edge segments then
    # have neighbours on both sides, so |f| growing toward the edge is no "peak".
    step = x[1] - x[0] if x.size > 1 else 0.0
    ys_all = evaluate_many(rows.func, np.concatenate(([a - step], x, [b + step])), rows.count)
    curves = [_Curve(x.copy() if k else x, ys_all[k], y_range) for k in range(rows.count)]
    # A bracket can hold two jumps (sign sampled near 0: −1, 0 at x = 0, 1); the first
    # pass finds one, a second looks again at the segments beside what it inserted.
    for _ in range(3):
        searched = [(k, c, c.segments()) for k, c in enumerate(curves) if c.searching]
        searched = [(k, c, segs) for k, c, segs in searched if c.searching]  # (not done)
        if not searched:
            break
        # Every curve's brackets in one search: the jump candidates, then the poles.
        found: list[list[_Found]] = [[] for _ in searched]
        for part, search in ((0, _bisect), (1, _peak)):
            brackets = [(k, c, segs[part]) for k, c, segs in searched]
            which, lo, hi, ylo, yhi = _gather(brackets)
            if which.size:
                is_break, blo, bhi = search(rows, which, lo, hi, ylo, yhi)
                start = 0
                for i, (_k, _c, seg) in enumerate(brackets):
                    sl = slice(start, start + seg.size)
                    start += seg.size
                    found[i].append((seg, is_break[sl], blo[sl], bhi[sl]))
        breaks = []  # (curve, its index, segments, lo, hi): where the curve breaks
        for (k, c, _segs), parts in zip(searched, found, strict=True):
            is_break = np.concatenate([p[1] for p in parts])
            if not is_break.any():
                c.searching = False
                continue
            seg, blo, bhi = (np.concatenate([p[n] for p in parts])[is_break] for n in (0, 2, 3))
            breaks.append((c, k, seg, blo, bhi))
        if not breaks:
            break
        # the curves at both edges of every break: one call for all of them
        which = np.concatenate([np.full(seg.size, k, dtype=np.intp) for _, k, seg, _, _ in breaks])
        lo = np.concatenate([blo for *_, blo, _ in breaks])
        hi = np.concatenate([bhi for *_, bhi in breaks])
        ends = rows(np.column_stack((lo, hi)), which)
        start = 0
        for c, _k, seg, blo, bhi in breaks:
            sl = slice(start, start + seg.size)
            start += seg.size
            c.insert(seg, blo, bhi, ends[sl, 0], ends[sl, 1])
    return [Samples(c.x, c.y) for c in curves]


#: A searched segment's result: (segments, is_break, lo, hi).
_Found = tuple[NDArray[np.intp], NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]


def _gather(
    brackets: list[tuple[int, _Curve, NDArray[np.intp]]],
) -> tuple[NDArray[np.intp], ...]:
    """(curve index, lo, hi, f(lo), f(hi)) of every curve's segments, one after another."""
    which = np.concatenate([np.full(seg.size, k, dtype=np.intp) for k, _, seg in brackets])
    lo = np.concatenate([c.x[seg] for _, c, seg in brackets])
    hi = np.concatenate([c.x[seg + 1] for _, c, seg in brackets])
    ylo = np.concatenate([c.y[seg] for _, c, seg in brackets])
    yhi = np.concatenate([c.y[seg + 1] for _, c, seg in brackets])
    return which, lo, hi, ylo, yhi


def clip_line(
    x0: float,
    y0: float,
    slope: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The part of the line through (x0, y0) with ``slope`` inside the box, as 2 points.

    Clipping to the (padded) view keeps coordinates small even for slopes like 1e9,
    which a raster engine draws badly; the visible part is exactly the line's.
    None if the line misses the box or an input is not finite.
    """
    return _clip(x0, y0, slope, x_range, y_range)


def clip_ray(
    x0: float,
    y0: float,
    slope: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    side: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Like :func:`clip_line` for the half-line left (``side="left"``) or right of x0."""
    if side == "left":
        box = (x_range[0], min(x0, x_range[1]))
    elif side == "right":
        box = (max(x0, x_range[0]), x_range[1])
    else:
        raise ValueError(f"side must be 'left' or 'right', not {side!r}")
    if not box[0] < box[1]:
        return None
    return _clip(x0, y0, slope, box, y_range)


def _clip(
    x0: float,
    y0: float,
    slope: float,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    if not all(math.isfinite(v) for v in (x0, y0, slope, *x_range, *y_range)):
        return None
    xa, xb = float(x_range[0]), float(x_range[1])
    ya, yb = float(y_range[0]), float(y_range[1])
    if slope == 0.0:
        if not ya <= y0 <= yb:
            return None
    else:
        # x where the line crosses y = ya and y = yb
        with np.errstate(all="ignore"):
            xs = sorted((x0 + (ya - y0) / slope, x0 + (yb - y0) / slope))
        if not all(math.isfinite(v) for v in xs):
            return None
        xa, xb = max(xa, xs[0]), min(xb, xs[1])
        if not xa < xb:
            return None
    xx = np.array([xa, xb])
    with np.errstate(all="ignore"):  # slopes near float64's limit
        yy = y0 + slope * (xx - x0)
    return (xx, yy) if np.all(np.isfinite(yy)) else None


def concavity_intervals(
    x: NDArray[np.float64], d2f: NDArray[np.float64]
) -> list[tuple[float, float, int]]:
    """Where f″ > 0 (concave up, +1) or f″ < 0 (concave down, −1), from samples.

    Boundaries at sign changes are placed by linear interpolation of f″'s zero; where
    f″ is undefined (NaN) the interval ends at the last defined sample. An isolated zero
    of f″ with the same sign on both sides (x⁴ at 0) does not split an interval.
    """
    x = np.asarray(x, dtype=np.float64)
    v = np.asarray(d2f, dtype=np.float64)
    if x.size < 2:
        return []
    finite = np.isfinite(v)
    tol = 1e-12 * max(1.0, float(np.max(np.abs(v[finite])))) if finite.any() else 0.0
    s = np.where(finite, np.sign(np.where(np.abs(v) <= tol, 0.0, v)), np.nan)
    nonzero = np.flatnonzero(finite & (s != 0))
    if nonzero.size == 0:
        return []
    nan_before = np.cumsum(np.isnan(s))  # NaNs in s[: i + 1]
    # consecutive non-zero samples belong together: same sign, no NaN in between
    p, q = nonzero[:-1], nonzero[1:]
    split = (s[p] != s[q]) | (nan_before[q] != nan_before[p])
    firsts = np.concatenate(([nonzero[0]], q[split]))
    lasts = np.concatenate((p[split], [nonzero[-1]]))
    n = x.size
    out: list[tuple[float, float, int]] = []
    for i, j in zip(firsts.tolist(), lasts.tolist(), strict=True):
        if i == 0 or np.isnan(s[i - 1]):
            start = float(x[i])
        elif s[i - 1] == 0:
            start = float(x[i - 1])
        else:
            start = _zero(x, v, i - 1)
        if j == n - 1 or np.isnan(s[j + 1]):
            end = float(x[j])
        elif s[j + 1] == 0:
            end = float(x[j + 1])
        else:
            end = _zero(x, v, j)
        if end > start:
            out.append((start, end, int(s[i])))
    return out


def _zero(x: NDArray[np.float64], v: NDArray[np.float64], i: int) -> float:
    """Linear interpolation of the zero of v between samples i and i + 1."""
    if i + 1 >= x.size:
        return float(x[i])
    a, b = v[i], v[i + 1]
    if a == b or not (np.isfinite(a) and np.isfinite(b)):
        return float(x[i])
    t = min(max(a / (a - b), 0.0), 1.0)
    return float(x[i] + t * (x[i + 1] - x[i]))
