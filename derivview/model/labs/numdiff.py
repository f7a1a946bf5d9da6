"""Numerical vs analytical derivatives: difference quotients, their errors, gradient checks.

The seed's §9.1–9.2: a derivative can be approximated by a difference quotient,

    forward  (f(x + h) − f(x)) / h          error ≈ |f″|·h/2         (slope 1 in h)
    backward (f(x) − f(x − h)) / h          error ≈ |f″|·h/2
    central  (f(x + h) − f(x − h)) / (2h)   error ≈ |f‴|·h²/6        (slope 2 in h)

but each is computed in float64, where f(x ± h) carries a rounding error of about
ε·|f(x)| (ε = 2⁻⁵² ≈ 2.2e-16) that the division by h magnifies: round-off error ≈ ε·|f|/h.
The sum is smallest near h ≈ √ε (forward/backward) and h ≈ ∛ε (central) for a well-scaled
f — about 1e-8 and 6e-6; the seed's gradient check uses h = 1e-5. Below that, the error
*grows* as h shrinks, until at h ≈ 1e-16 the quotient is 0 or garbage.

Where f is badly scaled the best h moves, as the error model (:class:`ErrorModel`,
:func:`theoretical_best` of :func:`rounding_scale`) says — the documented exceptions to
"√ε and ∛ε" (tests/model/test_lab_numdiff.py, ``BADLY_SCALED``): f″ and f‴ large beside
f (e^(20x): a smaller h), |f| large beside f″ (10⁶ + sin x: a larger h), a large x (sin
at 10⁴: x + h itself rounds, h ∝ √ε·|x|), and no truncation error at all (a quadratic's
central quotient, a linear f: only round-off, so the larger h the better).

Everything here is computed exactly as written, in float64 (round-off is the point), from
a vectorized ``f`` that returns NaN where f is undefined. Nothing here imports Qt or sympy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from derivview.model.formatting import format_number

__all__ = [
    "AGREE",
    "CURVE_POINTS",
    "DEFAULT_STEPS",
    "EPSILON",
    "FORMULAS",
    "SEED_STEP",
    "SUSPECT",
    "Curves",
    "ErrorModel",
    "GradientCheck",
    "NumdiffResult",
    "QuotientRow",
    "best_steps",
    "curve_steps",
    "curves",
    "error_curves",
    "gradient_check",
    "no_derivative_words",
    "numdiff",
    "numerical_gradient",
    "quotients",
    "rounding_scale",
    "short_number",
    "theoretical_best",
    "third_derivative",
]

Vectorized = Callable[[NDArray[np.float64]], NDArray[np.float64]]

EPSILON = float(np.finfo(np.float64).eps)
"""2⁻⁵², the spacing of float64 numbers at 1."""

DEFAULT_STEPS: tuple[float, ...] = tuple(float(f"1e-{k}") for k in range(17))
"""h = 1, 1e-1, …, 1e-16 (contracts.md §5 ``numdiff``)."""

FORMULAS = ("forward", "backward", "central")

SEED_STEP = 1e-5
"""The h of the seed's ``numerical_gradient(f, x, h=1e-5)``."""


@dataclass(frozen=True)
class QuotientRow:
    """The three quotients at one h, and their absolute errors (None where undefined)."""

    h: float
    forward: float | None
    backward: float | None
    central: float | None
    forward_error: float | None
    backward_error: float | None
    central_error: float | None


@dataclass(frozen=True)
class NumdiffResult:
    """Quotients at each h beside the exact f′(x) (None where f′(x) does not exist).

    ``best[formula]`` is the h of the smallest error among the rows (None without an
    exact value or without any finite error).
    """

    x: float
    exact: float | None
    rows: tuple[QuotientRow, ...]
    best: dict[str, float | None]


def _finite(v: float) -> float | None:
    return float(v) if math.isfinite(v) else None


def quotients(
    f: Vectorized, x: float, h: NDArray[np.float64] | Sequence[float]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Forward, backward and central quotients of f at x for every h (float64, as written).

    NaN where f is undefined at x, x + h or x − h, or a value is not finite.
    """
    hs = np.asarray(h, dtype=np.float64)
    xa = np.float64(x)
    n = hs.size
    with np.errstate(all="ignore"):
        # One pass of f over x, x + h and x − h (a third of the calls: the dock redraws
        # the 321-point curves on every x₀ drag frame). x + h is rounded exactly as the
        # formula's f(x + h) rounds it.
        y = np.asarray(f(np.concatenate(([xa], xa + hs.ravel(), xa - hs.ravel()))), np.float64)
        fx = y[0]
        fp = y[1 : n + 1].reshape(hs.shape)
        fm = y[n + 1 :].reshape(hs.shape)
        forward = (fp - fx) / hs
        backward = (fx - fm) / hs
        central = (fp - fm) / (2.0 * hs)
    bad = ~np.isfinite(forward)
    forward[bad] = np.nan
    backward[~np.isfinite(backward)] = np.nan
    central[~np.isfinite(central)] = np.nan
    return forward, backward, central


def numerical_gradient(f: Vectorized, x: float, h: float = SEED_STEP) -> float | None:
    """The seed's ``numerical_gradient``: (f(x + h) − f(x − h)) / (2h), None if undefined."""
    return _finite(float(quotients(f, x, [h])[2][0]))


def numdiff(
    f: Vectorized, x: float, exact: float | None, steps: Sequence[float] = DEFAULT_STEPS
) -> NumdiffResult:
    """The table of contracts.md §5 ``numdiff``: quotients and errors at each h."""
    hs = np.asarray(steps, dtype=np.float64)
    if hs.size == 0 or not np.all(np.isfinite(hs)) or np.any(hs <= 0):
        raise ValueError("every h must be a positive number")
    fwd, bwd, ctr = quotients(f, x, hs)
    ex = exact if exact is not None and math.isfinite(exact) else None
    rows = []
    for i, h in enumerate(hs):
        values = [_finite(float(q[i])) for q in (fwd, bwd, ctr)]
        errors = [None if v is None or ex is None else abs(v - ex) for v in values]
        rows.append(QuotientRow(float(h), *values, *errors))  # type: ignore[arg-type]
    best = best_steps(rows) if ex is not None else dict.fromkeys(FORMULAS)
    return NumdiffResult(float(x), ex, tuple(rows), best)


def best_steps(rows: Sequence[QuotientRow]) -> dict[str, float | None]:
    """For each formula, the h of the smallest error among ``rows`` (first one on ties)."""
    best: dict[str, float | None] = {}
    for name in FORMULAS:
        errors = [(getattr(r, f"{name}_error"), r.h) for r in rows]
        finite = [(e, h) for e, h in errors if e is not None]
        best[name] = min(finite, key=lambda eh: eh[0])[1] if finite else None
    return best


CURVE_POINTS = 321
"""Points of the dock's curves: 20 per decade of h from 1 down to 1e-16."""


def curve_steps(n: int = CURVE_POINTS, lo: float = -16.0, hi: float = 0.0) -> NDArray[np.float64]:
    """``n`` log-spaced h from 10^hi down to 10^lo (the dock's curves and its h slider)."""
    return np.logspace(hi, lo, n)


def error_curves(
    f: Vectorized, x: float, exact: float, n: int = CURVE_POINTS, lo: float = -16.0, hi: float = 0.0
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """|error| of each quotient on ``n`` log-spaced h from 10^hi down to 10^lo (for a plot).

    NaN where a quotient is undefined. An error of exactly 0 (the quotient happens to hit
    f′ to the last bit) stays 0: a log axis leaves it out.
    """
    c = curves(f, x, exact, n, lo, hi)
    assert c.errors is not None
    return c.h, c.errors


@dataclass(frozen=True)
class Curves:
    """The three quotients of f at x on log-spaced h, and their errors against f′(x).

    ``quotients[formula]`` is NaN where undefined; ``errors`` is None where f′(x) does not
    exist (there is nothing to measure an error against: plot the quotients themselves).
    """

    x: float
    exact: float | None
    h: NDArray[np.float64]
    quotients: dict[str, NDArray[np.float64]]
    errors: dict[str, NDArray[np.float64]] | None

    def best(self, window: int = 1) -> dict[str, tuple[float, float] | None]:
        """For each formula, (h, error) at the smallest positive error on the curve, or None.

        Errors of exactly 0 are passed over: they have no place on a log axis (on a
        quadratic the central quotient is exact up to round-off, and hits f′ to the bit
        at some h). ``window`` > 1: the minimum of the running median of log₁₀|error|
        over that many neighbouring h — the bottom of the V, not the luckiest rounding
        in the noise of the round-off regime (which can win a decade away from it); the
        error returned is then the median's.
        """
        out: dict[str, tuple[float, float] | None] = dict.fromkeys(FORMULAS)
        if self.errors is None:
            return out
        names = list(self.errors)
        errs = np.stack([self.errors[name] for name in names])
        with np.errstate(all="ignore"):
            logs = np.where(errs > 0, np.log10(errs), np.nan)
        if window > 1:
            logs = _running_median(logs, window)  # all formulas in one pass
        for row, name in enumerate(names):
            values = logs[row]
            if np.isfinite(values).any():
                i = int(np.nanargmin(values))  # the first (largest h) on ties
                e = float(errs[row, i]) if window <= 1 else float(10.0 ** values[i])
                out[name] = (float(self.h[i]), e)
        return out


def _running_median(values: NDArray[np.float64], window: int) -> NDArray[np.float64]:
    """The median of each value and its neighbours (``window`` in all) along the last
    axis, NaN left out (NaN where a window holds no number). Vectorized: sorting puts NaN
    last, so the median of a row's n numbers sits at positions (n − 1)//2 and n//2
    (``np.nanmedian`` goes through masked arrays: ~50× slower, too slow for a drag)."""
    pad = window // 2
    edge = np.full((*values.shape[:-1], pad), np.nan)
    padded = np.concatenate((edge, values, edge), axis=-1)
    rows = np.sort(np.lib.stride_tricks.sliding_window_view(padded, window, axis=-1), axis=-1)
    n = np.count_nonzero(~np.isnan(rows), axis=-1)
    lo = np.take_along_axis(rows, (np.maximum(n - 1, 0) // 2)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(rows, (n // 2)[..., None], axis=-1)[..., 0]
    return np.where(n > 0, (lo + hi) / 2.0, np.nan)


def curves(
    f: Vectorized,
    x: float,
    exact: float | None,
    n: int = CURVE_POINTS,
    lo: float = -16.0,
    hi: float = 0.0,
) -> Curves:
    """The quotients (and, where f′(x) exists, their errors) on :func:`curve_steps`.

    One pass of f over 2n + 1 points: cheap enough for every frame of an x₀ drag.
    """
    hs = curve_steps(n, lo, hi)
    fwd, bwd, ctr = quotients(f, x, hs)
    qs = {"forward": fwd, "backward": bwd, "central": ctr}
    ex = exact if exact is not None and math.isfinite(exact) else None
    errors = None if ex is None else {k: np.abs(q - ex) for k, q in qs.items()}
    return Curves(float(x), ex, hs, qs, errors)


def theoretical_best(
    fx: float | None, d2f: float | None, d3f: float | None
) -> dict[str, float | None]:
    """The h that balances truncation and round-off for each formula.

    Forward/backward: error ≈ |f″|h/2 + 2ε|f|/h, smallest at h = 2√(ε|f|/|f″|).
    Central: error ≈ |f‴|h²/6 + ε|f|/h, smallest at h = ∛(3ε|f|/|f‴|).
    Where |f| or the derivative is 0 or unknown, the scale-free √ε and ∛ε stand in.
    ``fx`` may be any scale of f's rounding (:func:`rounding_scale`), not only |f(x)|.
    """
    one_sided = math.sqrt(EPSILON)
    central = EPSILON ** (1.0 / 3.0)
    if fx is not None and d2f is not None and fx != 0 and d2f != 0:
        one_sided = 2.0 * math.sqrt(EPSILON * abs(fx) / abs(d2f))
    if fx is not None and d3f is not None and fx != 0 and d3f != 0:
        central = (3.0 * EPSILON * abs(fx) / abs(d3f)) ** (1.0 / 3.0)
    return {"forward": one_sided, "backward": one_sided, "central": central}


def rounding_scale(f_size: float, x: float, df: float | None) -> float:
    """The size S of the rounding error (ε·S) that the division by h magnifies.

    Two sources: f(x ± h) is computed with an error of about ε times the size of f's
    terms (``f_size``: |f(x)|, or the sum of the magnitudes of its terms where f is a
    difference of large numbers), and x + h itself is rounded to a float, an error of up
    to ε|x|/2 in the step, worth |f′(x)|·ε|x|/2 in f. (The second is why a large x
    needs a larger h: the usual advice h ∝ √ε·max(|x|, 1).)
    """
    size = abs(f_size) if math.isfinite(f_size) else 0.0
    if df is not None and math.isfinite(df):
        size += abs(x * df) / 2.0
    return size


def third_derivative(d2f: Vectorized, x: float) -> float | None:
    """f‴(x) as the central difference of f″ (exact by automatic differentiation).

    The tree differentiates twice; the third derivative is only needed for the central
    quotient's truncation line and its best h, where a relative accuracy of ~1e-10 (step
    ∛ε·max(1, |x|)) is plenty. None where f″ is undefined on either side.
    """
    step = EPSILON ** (1.0 / 3.0) * max(1.0, abs(x))
    with np.errstate(all="ignore"):
        y = np.asarray(d2f(np.array([x - step, x + step])), dtype=np.float64)
        v = float((y[1] - y[0]) / (2.0 * step))
    return v if math.isfinite(v) else None


@dataclass(frozen=True)
class ErrorModel:
    """The textbook error of each quotient at x: truncation plus round-off.

    forward, backward: |f″|·h/2 (slope 1 on a log-log plot); central: |f‴|·h²/6 (slope
    2); round-off of all three: ε·S/h (slope −1), S from :func:`rounding_scale`.
    """

    scale: float
    d2f: float | None
    d3f: float | None

    def truncation(self, formula: str, h: NDArray[np.float64]) -> NDArray[np.float64] | None:
        """The truncation error of ``formula`` at each h; None where its coefficient is 0
        or unknown (no truncation error to draw: the quotient is exact for this f up to
        round-off, e.g. the central quotient of a quadratic)."""
        d = self.d3f if formula == "central" else self.d2f
        if d is None or d == 0 or not math.isfinite(d):
            return None
        if formula == "central":
            return abs(d) / 6.0 * h**2
        return abs(d) / 2.0 * h

    def roundoff(self, h: NDArray[np.float64]) -> NDArray[np.float64] | None:
        """ε·S/h; None where S is 0 (f and x both 0: no rounding to magnify)."""
        if not self.scale > 0:
            return None
        return EPSILON * self.scale / h

    def best(self) -> dict[str, float | None]:
        """The h of the smallest modelled error (:func:`theoretical_best`), None for a
        formula without truncation error."""
        if not self.scale > 0:
            return dict.fromkeys(FORMULAS)
        best = theoretical_best(self.scale, self.d2f, self.d3f)
        return {
            k: v if self.truncation(k, np.array([1.0])) is not None else None
            for k, v in best.items()
        }


# --- where f′(x) does not exist ---------------------------------------------------------


def no_derivative_words(
    x: float, kind: str, left: float | None, right: float | None, reason: str = ""
) -> str:
    """Why the quotients disagree where f′(x) does not exist, and where each one goes.

    ``left``/``right`` are the one-sided derivatives (None where infinite or undefined),
    ``kind`` the kind of point ("corner", "jump", …), ``reason`` a sentence about it.
    """
    at = f"f′({_num(x)})"
    what = f" ({_article(kind)})" if kind and kind not in ("smooth", "no derivative") else ""
    if left is not None and right is not None:
        mean = (left + right) / 2.0
        return (
            f"{at} does not exist{what}: the slope is {_num(right)} from the right and "
            f"{_num(left)} from the left. The forward quotient looks right and stays near "
            f"{_num(right)}, the backward looks left and stays near {_num(left)}, and the "
            f"central averages them, {_num(mean)}, however small h is. There is no f′ to "
            "measure an error against: the plot shows the quotients themselves."
        )
    detail = f" {reason.strip()}" if reason.strip() else ""
    return (
        f"{at} does not exist{what}.{detail} The quotients do not settle on one number as "
        "h → 0 (they disagree, or grow without bound): the plot shows the quotients "
        "themselves, not an error against nothing."
    )


def _num(v: float) -> str:
    return f"{v + 0.0:.6g}".replace("-", "−")


def _article(kind: str) -> str:
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


# --- gradient checking ------------------------------------------------------------------

AGREE = 1e-7
"""Relative error below which the analytic and numerical derivatives agree (CS231n's rule
of thumb for float64 with h = 1e-5 on smooth functions)."""
SUSPECT = 1e-4
"""Relative error above which the analytic derivative is probably wrong."""
EXPLAINED = 10.0
"""A disagreement up to this many times the central difference's own expected error is
explained by it (and says nothing against the analytic derivative)."""


@dataclass(frozen=True)
class GradientCheck:
    """f′ against the central difference at h over [a, b].

    ``worst`` is the largest relative error |a − n| / max(|a|, |n|) (absolute where both
    are below 1e-12) and ``at`` where it occurs; ``checked`` points were compared;
    ``skipped_undefined`` points have no f′ (outside the domain, at a kink) and
    ``skipped_kinks`` lie within h of a point without a derivative (the central
    difference straddles it, so disagreement there says nothing about f′);
    ``skipped_edge`` have f′ but f is undefined at x ± h (the edge of the domain).

    ``unresolved`` of the checked points are left out of ``worst``: there the central
    difference's own error (round-off ε|f|/h where f′ is tiny beside f, as at a minimum;
    truncation ≈ |f‴|h²/6 near a pole) is too large to confirm f′ to :data:`AGREE`, and
    the two agree within it. A disagreement beyond it is counted as usual.
    """

    a: float
    b: float
    h: float
    checked: int
    worst: float | None
    at: float | None
    skipped_undefined: int
    skipped_kinks: int
    skipped_edge: int = 0
    unresolved: int = 0

    @property
    def verdict(self) -> str:
        """``agree``, ``suspect``, ``wrong`` or ``nothing`` (no point could be checked)."""
        if self.worst is None:
            return "agree" if self.checked else "nothing"
        if self.worst < AGREE:
            return "agree"
        return "suspect" if self.worst < SUSPECT else "wrong"

    def summary(self, what: str = "f′", variable: str = "x") -> str:
        """The verdict and the numbers in words, for people (``what``: the derivative's
        name, such as ∂L/∂m; ``variable``: the name of the axis checked)."""
        verdict = self.verdict
        span = f"[{_num(self.a)}, {_num(self.b)}]"
        h = f"h = {short_number(self.h)}"
        if verdict == "nothing":
            return (
                f"nothing to check: {what} is undefined, or f is undefined at {variable} ± h, "
                f"everywhere on {span}."
            )
        count = _count(self.checked, "point")
        if self.worst is None:
            head = (
                f"agree: at all {count} on {span}, {what} and the central difference "
                f"({h}) agree within the difference's own error."
            )
        else:
            assert self.at is not None
            where = f"worst relative error {self.worst:.2g} at {variable} = {_num(self.at)}"
            if verdict == "agree":
                head = (
                    f"agree: {where} over {count} on {span}: {what} matches the central "
                    f"difference ({h}) to better than {short_number(AGREE)}."
                )
            elif verdict == "suspect":
                head = (
                    f"suspect: {where}, between {short_number(AGREE)} and "
                    f"{short_number(SUSPECT)}: acceptable near kinks, worrying for a smooth f."
                )
            else:
                head = (
                    f"wrong: {where}, above {short_number(SUSPECT)}: {what} is probably "
                    "wrong there."
                )
        notes = []
        if self.unresolved:
            notes.append(
                f"{_count(self.unresolved, 'point')} agree only within the difference's own "
                f"error, too large there to confirm {what} to {short_number(AGREE)} ({what} "
                "tiny beside f, or a large truncation error near a pole)"
            )
        if self.skipped_kinks:
            notes.append(
                f"{_count(self.skipped_kinks, 'point')} within h of a point without a "
                "derivative skipped"
            )
        if self.skipped_undefined:
            notes.append(f"{_count(self.skipped_undefined, 'point')} where {what} is undefined")
        if self.skipped_edge:
            notes.append(
                f"{_count(self.skipped_edge, 'point')} where f is undefined at {variable} ± h"
            )
        return head + (f" Also: {'; '.join(notes)}." if notes else "")


def short_number(v: float) -> str:
    """A number in few characters, as everywhere else: 1e-05 → 1e−5, 0.001, −2."""
    return format_number(v, 6)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def relative_error(
    analytic: NDArray[np.float64], numeric: NDArray[np.float64]
) -> NDArray[np.float64]:
    """|a − n| / max(|a|, |n|); the absolute difference where both are below 1e-12."""
    diff = np.abs(analytic - numeric)
    scale = np.maximum(np.abs(analytic), np.abs(numeric))
    with np.errstate(all="ignore"):
        return np.where(scale > 1e-12, diff / scale, diff)


def gradient_check(
    f: Vectorized,
    df: Vectorized,
    a: float,
    b: float,
    *,
    n: int = 2001,
    h: float = SEED_STEP,
    kinks: Sequence[float] = (),
) -> GradientCheck:
    """Compare the analytic ``df`` with the central difference on ``n`` points of [a, b].

    Generic: ``f`` and ``df`` are any vectorized functions of one variable (NaN where
    undefined) — f′ of a typed f, or a loss and its partial derivative along a parameter.

    The central difference has an error of its own: truncation, estimated from the
    difference at 2h (Richardson: the h² term makes D(2h) − D(h) ≈ 3·truncation, from
    ``f`` alone, so a wrong ``df`` cannot excuse itself), and round-off ε·max|f|/h.
    Points where that error is too large to confirm ``df`` to :data:`AGREE` and the two
    agree within :data:`EXPLAINED` times it are counted in ``unresolved``.
    """
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError("the range must be two finite numbers, the first below the second")
    if not (math.isfinite(h) and h > 0):
        raise ValueError("h must be a positive number")
    xs = np.linspace(a, b, n)
    with np.errstate(all="ignore"):
        analytic = np.asarray(df(xs), dtype=np.float64)
        y = np.asarray(f(np.concatenate((xs, xs + h, xs - h, xs + 2 * h, xs - 2 * h))), np.float64)
        f0, fp, fm, fp2, fm2 = y.reshape(5, n)
        numeric = (fp - fm) / (2.0 * h)
        wide = (fp2 - fm2) / (4.0 * h)
        size = np.fmax(np.fmax(np.abs(fp), np.abs(fm)), np.abs(f0))
        own_error = np.abs(wide - numeric) / 3.0 + EPSILON * size / h
        own_error = np.where(np.isfinite(own_error), own_error, EPSILON * size / h)
    near = np.zeros(xs.shape, dtype=bool)
    for k in kinks:
        near |= np.abs(xs - k) <= h * (1 + 1e-9)
    defined = np.isfinite(analytic)
    usable = defined & ~near & np.isfinite(numeric)
    err = relative_error(analytic, numeric)
    with np.errstate(all="ignore"):
        bigger = np.maximum(np.abs(analytic), np.abs(numeric))
        explained = (
            (err >= AGREE)  # a point that would count against df ...
            & (bigger * AGREE < own_error)  # ... where the difference cannot resolve it
            & (np.abs(analytic - numeric) <= EXPLAINED * own_error)  # ... and it agrees
        )
    counted = usable & ~explained
    if counted.any():
        i = int(np.argmax(np.where(counted, err, -1.0)))
        worst, at = float(err[i]), float(xs[i])
    else:
        worst, at = None, None
    return GradientCheck(
        float(a),
        float(b),
        float(h),
        int(usable.sum()),
        worst,
        at,
        int((~defined & ~near).sum()),
        int(near.sum()),
        int((defined & ~near & ~np.isfinite(numeric)).sum()),
        int((usable & explained).sum()),
    )
