"""What f does at a point, and where its special points are.

Where f′ exists, its value comes from forward-mode automatic differentiation of the tree
as typed (exact to the last digit). Where it may not, the answer is decided from the
*structure* of f — the arguments of
``abs``, ``sign``, ``relu``, ``floor``, ``max``, ``cbrt``, fractional powers, denominators,
``log``, ``tan``, ``asin``, … ("sites") — combined with numerics:

* x0 is *at* a site when the site's argument is zero (or an integer, for floor/ceil)
  within a few units in the last place of x0, judged by the Newton distance |u|/|u′|.
  So |x| at x0 = 1e-12 (or 1e-300) is smooth with slope 1, never "near a kink".
* At a site, each side is examined on its own smooth branch: f, f′, f″ are evaluated at
  x0 ± h for h = 1e-3·s·2^-k (k = 0..26, s = max(1, |x0|)), keeping only the h closer
  than any other site (the sign pattern of every site argument must not change), and
  the one-sided limits are extrapolated (Richardson; Aitken for fractional powers;
  divergence detection for infinite slopes). A limit below 1e-12 of the samples' size
  is 0, and one within 1e-12 of a short decimal is that decimal (2.0, not 1.9999999999999998).

Special points (``special_points``) are found on a dense grid offset by an irrational
fraction of a cell (so "nice" points such as 0 are never sample points), refined by
vectorized bisection to full float precision, snapped to a short decimal (at most 8
significant digits) when one lies within a few ulps, and checked with the point analysis.

A value that exists but overflows float64 (f = 1e308·x² at x = 2) is not a point outside
the domain: f is differentiable there, and ``PointInfo.overflow`` names the values that
are too large to represent (their fields are None).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from derivview.model.expr.sites import Sites

FloatArray = NDArray[np.floating[Any]]

PointKind = Literal[
    "smooth",
    "corner",
    "cusp",
    "vertical tangent",
    "jump",
    "pole",
    "outside the domain",
    "endpoint",
]
"""``endpoint``: x0 is an edge of f's domain (f is defined on one side only), e.g. sqrt at 0."""


@dataclass(frozen=True)
class PointInfo:
    """f at one point. Values are floats, or None where undefined or not finite."""

    x: float
    f: float | None
    df: float | None
    d2f: float | None
    differentiable: bool
    left_df: float | None  # None where infinite or undefined
    right_df: float | None
    subgradient: tuple[float, float] | None  # convex corner only
    tangent: tuple[float, float] | None  # (slope, intercept)
    kind: PointKind
    reason: str  # one sentence for people
    overflow: tuple[str, ...] = ()
    """Which of "f", "df", "d2f" exist but are too large to represent (their fields are
    None): the derivative exists — ``differentiable`` is about mathematics, not float64."""
    limit: float | None = None
    """Where f is undefined at x but its one-sided limits there are finite and equal (a
    hole, as sin(x)/x at 0): that limit. None everywhere else."""


@dataclass(frozen=True)
class SpecialPoints:
    """Sorted x values in [a, b], each within 1e-9 of the truth.

    ``critical``: f′ = 0 where f′ exists (isolated zeros only: where f′ = 0 on a whole
    interval, as on relu's flat part, nothing is listed). ``inflection``: f′ exists and f″
    changes sign (x^4 at 0 is not one; x|x| at 0 is; cbrt at 0 is listed as
    non-differentiable only). ``nondifferentiable``: every x where f′ does not exist and f
    is defined on at least one side (corners, cusps, vertical tangents, jumps, poles, the
    edges of the domain such as sqrt at 0); points inside an interval where f is undefined
    are not listed, and at most 1,000 (the leftmost) are. Features narrower than
    (b − a)/4096 (two roots within one grid cell) may be missed.
    """

    critical: list[float]
    inflection: list[float]
    nondifferentiable: list[float]


class Evaluators(Protocol):
    """f, f′, f″ (vectorized float64, NaN where undefined) and the sites, at fixed params."""

    args: tuple[float, ...]
    sites: Sites

    def f(self, x: FloatArray) -> FloatArray: ...
    def f_raw(self, x: FloatArray) -> FloatArray:
        """f with ±inf kept where a defined value overflows; NaN where undefined."""
        ...

    def raw(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """f, f′, f″ in one pass, ±inf kept where a defined value overflows."""
        ...

    def all(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """f, f′, f″ in one pass (NaN where undefined or not finite)."""
        ...

    def magnitudes(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The size of the terms of f′ and of f″ at x (the scale of their rounding noise)."""
        ...

    def df(self, x: FloatArray) -> FloatArray: ...
    def d2f(self, x: FloatArray) -> FloatArray: ...


# --------------------------------------------------------------------------------------
# One-sided limits

_K = 27
_STEPS = 1e-3 * 2.0 ** -np.arange(_K)  # h, from 1e-3 down to 1.5e-11 (times the scale)


@dataclass(frozen=True)
class _Limit:
    status: Literal["finite", "inf", "undefined"]
    value: float  # the limit (finite), its sign (inf), NaN (undefined)


_UNDEFINED = _Limit("undefined", math.nan)


def _tidy(v: float, scale: float, zero: float = 1e-12) -> float:
    """An extrapolated value without its noise: 0 below ``zero`` times the samples' size,
    else the shortest decimal (≤ 10 significant digits) within ``zero`` relative, else v.

    So a slope of 2 reads 2.0, not 1.9999999999999998, while π keeps all its digits.
    """
    if abs(v) <= zero * scale:
        return 0.0
    for digits in range(1, 11):
        r = float(f"{v:.{digits}g}")
        if abs(r - v) <= zero * abs(v):
            return r + 0.0
    return v


def _richardson(p: FloatArray) -> FloatArray:
    """Extrapolations to h = 0 from windows of 5 samples (h halving): one per window."""
    w = np.lib.stride_tricks.sliding_window_view(p, 5).copy()
    for m in range(1, 5):
        w = w[:, 1:] + (w[:, 1:] - w[:, :-1]) / (2.0**m - 1.0)
    return w[:, 0]


def _approached(before: FloatArray, value: float) -> bool:
    """Whether samples at larger h, ``before`` a window that settled on ``value``, come
    closer to it as h shrinks. (1 − cos x)/x² rounds to exactly 0 for |x| < 1e-8, a
    steady run of zeros: the samples before it sat at ½, no closer to 0 — cancellation,
    not a limit.)"""
    if before.size < 2:
        return True
    gap = np.abs(before - value)
    return bool(gap[-1] <= 0.5 * gap[0] or gap[0] <= 1e-12 * max(1.0, abs(value)))


def _limit(p: FloatArray) -> _Limit:
    """The limit of samples p(h_k), h_k halving (ordered from large h to small h)."""
    if p.size < 3:
        return _UNDEFINED
    # The run of finite samples closest to x0 that is long enough to judge; NaNs at the
    # tiniest h may be rounding (an ill-conditioned 1/(x²−2x+1) rounds to 1/0 there).
    finite = np.concatenate([[False], np.isfinite(p), [False]])
    edges = np.flatnonzero(finite[1:] != finite[:-1]).reshape(-1, 2)  # [start, stop)
    runs = [(int(a), int(b)) for a, b in edges if b - a >= 10]
    if not runs or runs[-1][1] < min(p.size, 13):
        return _UNDEFINED  # not defined right next to x0
    start, stop = runs[-1]
    p = p[start:stop]
    scale = float(np.max(np.abs(p)))
    e = _richardson(p) if p.size >= 7 else None
    if e is not None:
        found = _settled(p, e, 1e-10, scale)
        if found is not None:
            return found
    # Not a power series in h: a fractional power (Aitken) or a divergence. Rounding
    # may spoil the tiniest h, so take the window closest to x0 that is conclusive.
    with np.errstate(all="ignore"):
        for stop in range(p.size, 9, -1):
            q = p[stop - 10 : stop]
            d = np.diff(q)
            if np.all(d != 0):
                r = d[1:] / d[:-1]
                if np.all((r > 0) & (r < 0.98)) and np.ptp(r) < 0.05:
                    rr = float(r[-1])
                    value = float(q[-1] + d[-1] * rr / (1.0 - rr))
                    # Aitken is less exact than Richardson (x·ln x is not a pure power)
                    return _Limit("finite", _tidy(value, scale, zero=1e-9))
            a = np.abs(q)
            if np.all(np.diff(a) > 0) and abs(d[-1]) >= 0.5 * abs(d[0]):
                return _Limit("inf", float(np.sign(q[-1])))
    if e is not None:
        # Rounding spoiled every window of the tight test, as cancellation does near x0
        # ((1 − cos x)/x²: 1 − cos x loses a digit per halving of h): the windows at the
        # largest h, where rounding is smallest, agree to about a millionth.
        found = _settled(p, e, 1e-6, scale)
        if found is not None:
            return found
    return _UNDEFINED


def _settled(p: FloatArray, e: FloatArray, rtol: float, scale: float) -> _Limit | None:
    """The limit where two successive extrapolations agree to ``rtol`` (largest h first)
    and the samples before them approach it; None if nowhere."""
    with np.errstate(all="ignore"):
        tol = rtol * np.maximum(np.abs(e[:-1]), np.abs(e[1:])) + 1e-14 * scale
        ok = np.abs(np.diff(e)) <= tol
    start = 0  # where the current run of agreeing extrapolations began
    for j in range(ok.size - 1):
        if not ok[j]:
            start = j + 1
        elif ok[j + 1] and _approached(p[:start], float(e[j + 1])):
            return _Limit("finite", _tidy(float(e[j + 1]), scale))
    return None


@dataclass(frozen=True)
class _Side:
    f: _Limit
    df: _Limit
    d2f: _Limit


def _sides(ev: Evaluators, x0: float) -> tuple[_Side, _Side]:
    """One-sided limits of f, f′, f″ at x0 (left, right), each on its own branch."""
    hs = _STEPS * max(1.0, abs(x0))
    return _side(ev, x0, -hs), _side(ev, x0, hs)


def _side(ev: Evaluators, x0: float, hs: FloatArray, again: bool = True) -> _Side:
    """Limits from one side (``hs`` signed steps, shrinking), on the branch next to x0."""
    xs = x0 + hs
    u, _ = ev.sites.evaluate(xs, ev.args)
    st = ev.sites.states(u)
    # The branch is where every site keeps its state. A sign that rounds to 0 at tiny h
    # (an ill-conditioned x² − 2x + 1 next to its double root) is no change of branch.
    wild = (st == 0) & ~ev.sites.is_int[:, None]
    ref = st[:, -1:].copy()
    for i in np.flatnonzero(wild[:, -1]):
        nz = np.flatnonzero(~wild[i])
        ref[i, 0] = st[i, nz[-1]] if nz.size else 0.0
    same = np.all((st == ref) | wild, axis=0)
    breaks = np.flatnonzero(~same)
    t0 = int(breaks[-1]) + 1 if breaks.size else 0
    if t0 > hs.size - 14 and again:
        # another site is very close: sample again, closer, down to 64 ulps of x0
        h0 = abs(float(hs[t0]))
        floor = 64.0 * float(np.spacing(abs(x0))) if x0 != 0 else 1e-300
        n = int(min(_K, math.floor(math.log2(h0 / floor)) + 1)) if h0 > floor else 0
        if n >= 12:
            return _side(ev, x0, np.sign(hs[0]) * h0 * 2.0 ** -np.arange(n), again=False)
    f, d, d2 = ev.all(xs[t0:])
    return _Side(_limit(f), _limit(d), _limit(d2))


# --------------------------------------------------------------------------------------
# Classification of a point


def _fmt(v: float) -> str:
    from derivview.model.formatting import format_number

    return format_number(v, 6)


def _inf_word(sign: float) -> str:
    return "+∞" if sign > 0 else "−∞"


def _scalar(fn: Callable[[FloatArray], FloatArray], x0: float) -> float | None:
    v = float(fn(np.array([x0]))[0])
    return v if math.isfinite(v) else None


#: How a reason names the values of ``PointInfo.overflow``.
_VALUE_NAMES = {"f": "f(x)", "d2f": "f″(x)"}


def _close(a: float, b: float, rtol: float = 1e-9) -> bool:
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def analyze_point(ev: Evaluators, x0: float, forced: bool = False) -> PointInfo:
    """Classify f at x0 (``forced``: examine both sides even if x0 is at no site)."""
    with np.errstate(all="ignore"):  # NaN and inf are expected answers here
        return _analyze_point(ev, x0, forced)


def _analyze_point(ev: Evaluators, x0: float, forced: bool) -> PointInfo:
    if not math.isfinite(x0):
        return PointInfo(
            x0, None, None, None, False, None, None, None, None,
            "outside the domain", f"x = {x0} is not a finite number.",
        )  # fmt: skip
    fr, dr, d2r = (float(v[0]) for v in ev.raw(np.array([x0])))
    fx = fr if math.isfinite(fr) else None
    dfx = dr if math.isfinite(dr) else None
    at = forced or ev.sites.at(x0, ev.args)
    if not at and not math.isnan(fr) and not math.isnan(dr):
        # Differentiable; a value may be too large for a float (the derivative exists).
        over = tuple(n for n, v in (("f", fr), ("df", dr), ("d2f", d2r)) if math.isinf(v))
        d2fx = d2r if math.isfinite(d2r) else None
        tangent = None
        if fx is not None and dfx is not None and math.isfinite(fx - dfx * x0):
            tangent = (dfx, fx - dfx * x0)
        reason = f"f is differentiable at x = {_fmt(x0)}: the slope is "
        others = " and ".join(_VALUE_NAMES[n] for n in over if n != "df")
        verb = "are" if " and " in others else "is"
        if dfx is None:
            reason += "too large to represent" + (f", as {verb} {others}" if others else "")
        else:
            reason += _fmt(dfx) + (f" ({others} {verb} too large to represent)" if others else "")
        return PointInfo(
            x0, fx, dfx, d2fx, True, dfx, dfx, None, tangent, "smooth", reason + ".", over,
        )  # fmt: skip
    if not at and math.isnan(fr):
        return PointInfo(
            x0, None, None, None, False, None, None, None, None, "outside the domain",
            f"f is not defined at x = {_fmt(x0)}: it lies outside f's domain.",
        )  # fmt: skip
    if not at and math.isinf(fr):
        return PointInfo(
            x0, None, None, None, False, None, None, None, None, "outside the domain",
            f"f({_fmt(x0)}) is too large to represent, and its slope cannot be computed.",
            ("f",),
        )  # fmt: skip
    return _classify(ev, x0, fx, dfx)


def _nondiff(
    x0: float,
    fx: float | None,
    kind: PointKind,
    reason: str,
    left: float | None = None,
    right: float | None = None,
    subgradient: tuple[float, float] | None = None,
) -> PointInfo:
    return PointInfo(x0, fx, None, None, False, left, right, subgradient, None, kind, reason)


def _classify(ev: Evaluators, x0: float, fx: float | None, dfx: float | None) -> PointInfo:
    left, right = _sides(ev, x0)
    at = f"x = {_fmt(x0)}"
    no = f"No derivative at {at}"
    lf, rf = left.f, right.f
    if lf.status == "undefined" and rf.status == "undefined":
        if fx is None:
            return _nondiff(x0, None, "outside the domain", f"f is not defined at {at}.")
        return _nondiff(
            x0, fx, "outside the domain", f"{no}: it is an isolated point of f's domain."
        )
    if lf.status == "inf" or rf.status == "inf":
        parts = []
        for name, lim in (("left", lf), ("right", rf)):
            if lim.status == "inf":
                parts.append(f"to {_inf_word(lim.value)} from the {name}")
            elif lim.status == "undefined":
                parts.append(f"is undefined to the {name}")
        text = " and ".join(parts)
        if text.startswith("to"):
            text = "tends " + text
        return _nondiff(x0, None, "pole", f"{no}: f has a pole there (it {text}).")
    if fx is None:
        lims = [lim.value for lim in (lf, rf) if lim.status == "finite"]
        hole = len(lims) == 2 and _close(lims[1], lims[0])
        hint = f" (its limit there is {_fmt(lims[0])})" if hole else ""
        info = _nondiff(x0, None, "outside the domain", f"f is not defined at {at}{hint}.")
        return replace(info, limit=float(lims[0])) if hole else info

    def cont(side: _Side) -> bool:
        return side.f.status == "finite" and _close(side.f.value, fx)

    def slope(side: _Side) -> float | None:
        return side.df.value if cont(side) and side.df.status == "finite" else None

    lcont, rcont = cont(left), cont(right)
    ldf, rdf = slope(left), slope(right)

    # An edge of the domain: defined on one side only.
    if lf.status == "undefined" or rf.status == "undefined":
        inside, name, other = (right, "right", "left") if lf.status == "undefined" else (
            left, "left", "right")  # fmt: skip
        if not cont(inside):
            what = "f jumps there"
        elif inside.df.status == "finite":
            what = f"the slope from the {name} is {_fmt(inside.df.value)}"
        elif inside.df.status == "inf":
            what = f"the slope from the {name} tends to {_inf_word(inside.df.value)}"
        else:
            what = f"the slope from the {name} has no limit"
        return _nondiff(
            x0, fx, "endpoint",
            f"{no}: it is an edge of f's domain (f is undefined to the {other}); {what}.",
            ldf, rdf,
        )  # fmt: skip

    if not (lcont and rcont):
        return _nondiff(
            x0, fx, "jump",
            f"{no}: f jumps there (it tends to {_fmt(lf.value)} from the left and to "
            f"{_fmt(rf.value)} from the right; f({_fmt(x0)}) = {_fmt(fx)}).",
            ldf, rdf,
        )  # fmt: skip

    ld, rd = left.df, right.df
    if ld.status == "finite" and rd.status == "finite":
        lo, hi = ld.value, rd.value
        if _close(lo, hi):
            mean = 0.5 * (lo + hi)
            df = dfx if dfx is not None and _close(dfx, mean) else mean
            d2f = _second(left, right, _scalar(ev.d2f, x0))
            return PointInfo(
                x0, fx, df, d2f, True, lo, hi, None, (df, fx - df * x0), "smooth",
                f"f is differentiable at {at}: the slope is {_fmt(df)}.",
            )  # fmt: skip
        sub = (lo, hi) if lo < hi else None
        return _nondiff(
            x0, fx, "corner",
            f"{no}: a corner — slope {_fmt(lo)} from the left, {_fmt(hi)} from the right.",
            lo, hi, sub,
        )  # fmt: skip
    if ld.status == "inf" and rd.status == "inf":
        if ld.value == rd.value:
            return _nondiff(
                x0, fx, "vertical tangent",
                f"{no}: a vertical tangent (the slope tends to {_inf_word(ld.value)} "
                "from both sides).",
            )  # fmt: skip
        return _nondiff(
            x0, fx, "cusp",
            f"{no}: a cusp — the slope tends to {_inf_word(ld.value)} from the left and "
            f"{_inf_word(rd.value)} from the right.",
        )  # fmt: skip

    def words(lim: _Limit) -> str:
        if lim.status == "finite":
            return f"is {_fmt(lim.value)}"
        if lim.status == "inf":
            return f"tends to {_inf_word(lim.value)}"
        return "has no limit"

    kind: PointKind = "cusp" if "inf" in (ld.status, rd.status) else "corner"
    return _nondiff(
        x0, fx, kind,
        f"{no}: the slope {words(ld)} from the left and {words(rd)} from the right.",
        ldf, rdf,
    )  # fmt: skip


def _second(left: _Side, right: _Side, d2fx: float | None) -> float | None:
    """f″ at a differentiable site: only when both one-sided limits agree."""
    a, b = left.d2f, right.d2f
    if a.status != "finite" or b.status != "finite" or not _close(a.value, b.value, 1e-8):
        return None
    mean = 0.5 * (a.value + b.value)
    return d2fx if d2fx is not None and _close(d2fx, mean, 1e-8) else mean


# --------------------------------------------------------------------------------------
# Special points

_PHI = 0.3819660112501051  # (3 − √5)/2: grid offset, so no sample falls on a nice number
_GRID = 4096
_MAX_VERIFY = 1000


_SECTIONS = 16
_FRACTIONS = np.arange(1, _SECTIONS) / _SECTIONS


def _elementwise(fn: Callable[[FloatArray], FloatArray]) -> Callable[[FloatArray], FloatArray]:
    """A state of single points, applied to a grid of any shape."""
    return lambda x: np.asarray(fn(x.ravel())).reshape(x.shape)


def _bisect(
    state: Callable[[FloatArray], FloatArray],
    lo: FloatArray,
    hi: FloatArray,
    s_lo: FloatArray,
    iters: int = 100,
) -> tuple[FloatArray, FloatArray]:
    """Shrink brackets [lo, hi] with state(lo) == s_lo != state(hi) to adjacent floats
    (to 4 ulps of max(1, |x|): near 0 the floats are dense for nothing).

    ``state`` takes an array of points shaped (brackets, m) — row i inside bracket i —
    and returns their states in the same shape. Each round evaluates 15 points in every
    bracket at once and keeps the section holding the first change (16-section: 4 bits
    a round, about 14 rounds to full precision instead of 53 halvings, each a pass of
    the evaluator with its fixed cost).
    """
    lo, hi = lo.copy(), hi.copy()
    for _ in range(iters):
        grid = np.minimum(lo[:, None] + (hi - lo)[:, None] * _FRACTIONS, hi[:, None])
        inside = (grid > lo[:, None]) & (grid < hi[:, None])
        # Done at adjacent floats — or at 4 ulps of 1 near 0, where floats are so dense
        # that halving towards 0 would take a thousand rounds for nothing.
        tol = 4.0 * np.spacing(np.maximum(1.0, np.maximum(np.abs(lo), np.abs(hi))))
        live = inside.any(axis=1) & (hi - lo > tol)
        if not live.any():
            break
        # (every bracket's row is evaluated: a state may tell brackets apart by row)
        differs = (state(grid) != s_lo[:, None]) & inside
        # the first point of another state; none: the change is between the last and hi
        j = np.where(differs.any(axis=1), differs.argmax(axis=1), _SECTIONS - 1)
        ext = np.concatenate([lo[:, None], grid, hi[:, None]], axis=1)
        rows = np.arange(lo.size)
        new_lo, new_hi = ext[rows, j], ext[rows, j + 1]
        lo, hi = np.where(live, new_lo, lo), np.where(live, new_hi, hi)
    return lo, hi


def _changes(
    state: Callable[[FloatArray], FloatArray], lo: FloatArray, hi: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Every change of state inside the brackets (several per bracket if need be)."""
    los, his = [], []
    s_hi_goal = state(hi)
    grid_state = _elementwise(state)
    for _ in range(16):
        if lo.size == 0:
            break
        s_lo = state(lo)
        a, b = _bisect(grid_state, lo, hi, s_lo)
        los.append(a)
        his.append(b)
        more = state(b) != s_hi_goal
        lo, hi, s_hi_goal = b[more], hi[more], s_hi_goal[more]
    if not los:
        return np.empty(0), np.empty(0)
    return np.concatenate(los), np.concatenate(his)


def _snap(r: float, span_scale: float) -> float:
    """r, or the shortest decimal (≤ 8 significant digits) within a few ulps of it."""
    tol = max(16.0 * float(np.spacing(abs(r))), 1e-15 * span_scale)
    if abs(r) <= tol:
        return 0.0
    mag = math.floor(math.log10(abs(r)))
    for digits in range(0, 8):
        v = round(r, digits - mag)
        if abs(v - r) <= tol:
            return float(v) + 0.0
    return r


def _sign_brackets(
    v: FloatArray, finite_ok: NDArray[np.bool_]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Indices i of sign changes v[i] → v[i+1] (both finite, non-zero), and of isolated zeros."""
    s = np.sign(v)
    ok = finite_ok[:-1] & finite_ok[1:]
    cross = np.flatnonzero(ok & (s[:-1] * s[1:] < 0))
    z = np.flatnonzero(s == 0)
    iso = z[(z > 0) & (z < v.size - 1)]
    if iso.size:
        iso = iso[(s[iso - 1] != 0) & (s[iso + 1] != 0) & finite_ok[iso - 1] & finite_ok[iso + 1]]
    return cross, iso


def special_points(
    ev: Evaluators, a: float, b: float, only_nondifferentiable: bool = False, n: int = _GRID
) -> SpecialPoints:
    """Critical, inflection and non-differentiable points of f in [a, b] (see SpecialPoints)."""
    with np.errstate(all="ignore"):  # NaN and inf are expected answers here
        return _special_points(ev, a, b, only_nondifferentiable, n)


def _special_points(
    ev: Evaluators, a: float, b: float, only_nondifferentiable: bool, n: int
) -> SpecialPoints:
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        return SpecialPoints([], [], [])
    span_scale = max(1.0, abs(a), abs(b))
    cell = (b - a) / n
    xs = a + (np.arange(-1, n + 1) + _PHI) * cell
    edge = 1e-12 * span_scale

    def inside(r: float) -> bool:
        return a - edge <= r <= b + edge

    def clip(r: float) -> float:
        return min(max(r, a), b)

    sites = ev.sites
    # -- non-differentiable: changes of branch, touching zeros, edges of the domain ------
    cands: list[float] = []
    u, du = sites.evaluate(xs, ev.args)
    if sites.n:
        st = sites.states(u)
        idx_site, idx_x = np.nonzero(st[:, :-1] != st[:, 1:])
        rows, lo, hi = idx_site, xs[idx_x], xs[idx_x + 1]
        goal = st[idx_site, idx_x + 1]
        # every change of branch; a cell may hold several floor steps: look again between
        # each change found and the cell's end, all brackets at once
        for _ in range(64):
            if rows.size == 0:
                break

            def site_state(x: FloatArray, rows: NDArray[np.intp] = rows) -> FloatArray:
                # x: one point per bracket, or a grid (brackets, m); bracket i is site rows[i]
                grid = x.reshape(rows.size, -1)
                uu, _ = sites.evaluate(grid.ravel(), ev.args)
                st = sites.states(uu)[np.repeat(rows, grid.shape[1]), np.arange(grid.size)]
                return st.reshape(x.shape)

            lo, b_ = _bisect(site_state, lo, hi, site_state(lo))
            cands.extend(0.5 * (lo + b_))
            more = site_state(b_) != goal
            rows, lo, hi, goal = rows[more], b_[more], hi[more], goal[more]
        # touching zeros: |u| has a tiny local minimum without a sign change
        g = np.abs(sites.gap(u))
        with np.errstate(invalid="ignore"):
            mins = (g[:, 1:-1] <= g[:, :-2]) & (g[:, 1:-1] <= g[:, 2:]) & (~sites.is_int[:, None])
            dsign = np.sign(du)
            flip = dsign[:, :-2] * dsign[:, 2:] < 0
        rows, cols = np.nonzero(mins & flip)
        for row, col in zip(rows.tolist(), cols.tolist(), strict=True):

            def dstate(x: FloatArray, row: int = row) -> FloatArray:
                _, dd = sites.evaluate(x.ravel(), ev.args)
                return np.sign(dd[row]).reshape(x.shape)

            lo, hi = _bisect(dstate, xs[[col]], xs[[col + 2]], dsign[row, [col]])
            r = float(0.5 * (lo[0] + hi[0]))
            ur, _ = sites.evaluate(np.array([r]), ev.args)
            if abs(ur[row, 0]) <= 1e-8 * max(g[row, col], g[row, col + 2]):
                cands.append(r)
    # edges of the domain (f becomes NaN; overflow to ±inf is not an edge): a catch-all
    # behind the sites
    fv, dv, d2v = ev.raw(xs)
    nan = np.isnan(fv)
    with np.errstate(invalid="ignore"):
        dv = np.where(np.isinf(dv), np.nan, dv)
        d2v = np.where(np.isinf(d2v), np.nan, d2v)
    j = np.flatnonzero(nan[:-1] != nan[1:])
    if j.size:

        def nan_state(x: FloatArray) -> FloatArray:
            return np.isnan(ev.f_raw(x.ravel())).astype(np.float64).reshape(x.shape)

        lo, hi = _bisect(nan_state, xs[j], xs[j + 1], nan[j].astype(np.float64))
        cands.extend(0.5 * (lo + hi))

    nondiff: list[float] = []
    for r in _dedupe([_snap(float(c), span_scale) for c in cands if inside(float(c))]):
        if len(nondiff) >= _MAX_VERIFY:
            break
        info = analyze_point(ev, clip(r), forced=True)
        # inside an interval where f is undefined nothing is listed; its edges are
        if not info.differentiable and (
            info.kind != "outside the domain" or info.f is not None or _defined_near(ev, clip(r))
        ):
            nondiff.append(clip(r))
    if only_nondifferentiable:
        return SpecialPoints([], [], nondiff)

    # -- critical points: f′ changes sign continuously, or touches 0 ---------------------
    critical: list[float] = []
    m1, m2 = ev.magnitudes(xs)
    # below 1e-9 of the size of their terms, values are rounding noise: read them as 0
    # (an unknown size, NaN, leaves the value as it is)
    dv_sig = np.where(np.abs(dv) <= 1e-9 * m1, 0.0, dv)
    d2v_sig = np.where(np.abs(d2v) <= 1e-9 * m2, 0.0, d2v)
    finite_d = np.isfinite(dv)
    cross, iso = _sign_brackets(dv_sig, finite_d)
    critical.extend(float(xs[i]) for i in iso)
    if cross.size:
        lo, hi = _bisect(_elementwise(lambda x: (ev.df(x) >= 0).astype(np.float64)), xs[cross],
                         xs[cross + 1], (dv[cross] >= 0).astype(np.float64))  # fmt: skip
        dlo, dhi = np.abs(ev.df(lo)), np.abs(ev.df(hi))
        start = np.maximum(np.abs(dv[cross]), np.abs(dv[cross + 1]))
        good = (dlo <= 1e-6 * start) & (dhi <= 1e-6 * start)
        roots = np.where(dlo <= dhi, lo, hi)
        good &= _changes_sign(ev.df, lambda x: ev.magnitudes(x)[0], roots, cell)
        critical.extend(roots[good].tolist())

    # -- inflection points: f″ changes sign where f′ exists ----------------------------
    inflection: list[float] = []
    finite_d2 = np.isfinite(d2v)
    cross2, iso2 = _sign_brackets(d2v_sig, finite_d2)
    inflection.extend(float(xs[i]) for i in iso2)
    if cross2.size:
        lo, hi = _bisect(_elementwise(lambda x: (ev.d2f(x) >= 0).astype(np.float64)), xs[cross2],
                         xs[cross2 + 1], (d2v[cross2] >= 0).astype(np.float64))  # fmt: skip
        d2lo, d2hi = np.abs(ev.d2f(lo)), np.abs(ev.d2f(hi))
        start = np.maximum(np.abs(d2v[cross2]), np.abs(d2v[cross2 + 1]))
        cont = (d2lo <= 1e-6 * start) & (d2hi <= 1e-6 * start)
        roots = np.where(d2lo <= d2hi, lo, hi)
        dstart = np.maximum(np.abs(dv[cross2]), np.abs(dv[cross2 + 1]))
        real = _changes_sign(ev.d2f, lambda x: ev.magnitudes(x)[1], roots, cell)
        for r, c, ds, ok in zip(
            roots.tolist(), cont.tolist(), dstart.tolist(), real.tolist(), strict=True
        ):
            if not (ok and inside(r)):
                continue
            if c:
                inflection.append(r)
            else:  # f″ jumps (x|x| at 0) or blows up (1/x, cbrt): inflection if f′ exists
                info = analyze_point(ev, _snap(r, span_scale), forced=True)
                if info.differentiable:
                    inflection.append(r)
                else:
                    continue
            # f′ touching 0 where f″ changes sign (x³ at 0) is a critical point too
            fd = _scalar(ev.df, r)
            if fd is not None and abs(fd) <= 1e-9 * ds:
                info = analyze_point(ev, _snap(r, span_scale), forced=True)
                if info.differentiable:
                    critical.append(r)

    nd = np.array(nondiff)
    crit = [r for r in _dedupe([_snap(c, span_scale) for c in critical if inside(c)])]
    infl = [r for r in _dedupe([_snap(c, span_scale) for c in inflection if inside(c)])]
    return SpecialPoints(
        [clip(r) for r in crit if not _near(nd, r, span_scale)],
        [clip(r) for r in infl if not _near(nd, r, span_scale)],
        nondiff,
    )


def _changes_sign(
    fn: Callable[[FloatArray], FloatArray],
    mag: Callable[[FloatArray], FloatArray],
    roots: FloatArray,
    cell: float,
) -> NDArray[np.bool_]:
    """Whether fn changes sign at each root beyond rounding noise: at ±cell/8 and ±cell/4
    the values are significant (> 1e-9 of the size of their terms) and of opposite
    signs on the two sides."""
    if roots.size == 0:
        return np.zeros(0, dtype=bool)
    offsets = np.array([-0.25, -0.125, 0.125, 0.25]) * cell
    pts = (roots[:, None] + offsets[None, :]).ravel()
    v = fn(pts).reshape(-1, 4)
    m = mag(pts).reshape(-1, 4)
    s = np.sign(v)
    sig = np.all((np.abs(v) > 1e-9 * m) | np.isnan(m), axis=1) & np.all(np.isfinite(v), axis=1)
    return np.asarray(
        sig & (s[:, 0] == s[:, 1]) & (s[:, 2] == s[:, 3]) & (s[:, 1] == -s[:, 2]), dtype=bool
    )


def _defined_near(ev: Evaluators, r: float) -> bool:
    h = 1e-7 * max(1.0, abs(r))
    return bool(np.isfinite(ev.f(np.array([r - h, r + h]))).any())


def _near(points: FloatArray, r: float, scale: float) -> bool:
    return bool(points.size and np.min(np.abs(points - r)) <= 1e-10 * scale)


def _dedupe(values: list[float]) -> list[float]:
    """Sorted, with values closer than 1e-10 (relative) merged (the rounder one kept)."""
    out: list[float] = []
    for v in sorted(values):
        if out and abs(v - out[-1]) <= 1e-10 * max(1.0, abs(v)):
            if len(repr(v)) < len(repr(out[-1])):
                out[-1] = v
            continue
        out.append(v)
    return out
