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

Everything here is computed exactly as written, in float64 (round-off is the point), from
a vectorized ``f`` that returns NaN where f is undefined. Nothing here imports Qt or sympy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "DEFAULT_STEPS",
    "EPSILON",
    "FORMULAS",
    "GradientCheck",
    "NumdiffResult",
    "QuotientRow",
    "best_steps",
    "error_curves",
    "gradient_check",
    "numdiff",
    "numerical_gradient",
    "quotients",
    "theoretical_best",
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
    with np.errstate(all="ignore"):
        fx = np.asarray(f(np.full(hs.shape, xa)), dtype=np.float64)
        fp = np.asarray(f(xa + hs), dtype=np.float64)
        fm = np.asarray(f(xa - hs), dtype=np.float64)
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


def error_curves(
    f: Vectorized, x: float, exact: float, n: int = 321, lo: float = -16.0, hi: float = 0.0
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """|error| of each quotient on ``n`` log-spaced h from 10^hi down to 10^lo (for a plot).

    NaN where a quotient is undefined. An error of exactly 0 (the quotient happens to hit
    f′ to the last bit) stays 0: a log axis leaves it out.
    """
    hs = np.logspace(hi, lo, n)
    fwd, bwd, ctr = quotients(f, x, hs)
    return hs, {
        "forward": np.abs(fwd - exact),
        "backward": np.abs(bwd - exact),
        "central": np.abs(ctr - exact),
    }


def theoretical_best(
    fx: float | None, d2f: float | None, d3f: float | None
) -> dict[str, float | None]:
    """The h that balances truncation and round-off for each formula.

    Forward/backward: error ≈ |f″|h/2 + 2ε|f|/h, smallest at h = 2√(ε|f|/|f″|).
    Central: error ≈ |f‴|h²/6 + ε|f|/h, smallest at h = ∛(3ε|f|/|f‴|).
    Where |f| or the derivative is 0 or unknown, the scale-free √ε and ∛ε stand in.
    """
    one_sided = math.sqrt(EPSILON)
    central = EPSILON ** (1.0 / 3.0)
    if fx is not None and d2f is not None and fx != 0 and d2f != 0:
        one_sided = 2.0 * math.sqrt(EPSILON * abs(fx) / abs(d2f))
    if fx is not None and d3f is not None and fx != 0 and d3f != 0:
        central = (3.0 * EPSILON * abs(fx) / abs(d3f)) ** (1.0 / 3.0)
    return {"forward": one_sided, "backward": one_sided, "central": central}


# --- gradient checking ------------------------------------------------------------------

AGREE = 1e-7
"""Relative error below which the analytic and numerical derivatives agree (CS231n's rule
of thumb for float64 with h = 1e-5 on smooth functions)."""
SUSPECT = 1e-4
"""Relative error above which the analytic derivative is probably wrong."""


@dataclass(frozen=True)
class GradientCheck:
    """f′ against the central difference at h over [a, b].

    ``worst`` is the largest relative error |a − n| / max(|a|, |n|) (absolute where both
    are below 1e-12) and ``at`` where it occurs; ``checked`` points were compared;
    ``skipped_undefined`` points have no f′ (outside the domain, at a kink) and
    ``skipped_kinks`` lie within h of a point without a derivative (the central
    difference straddles it, so disagreement there says nothing about f′);
    ``skipped_edge`` have f′ but f is undefined at x ± h (the edge of the domain).
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

    @property
    def verdict(self) -> str:
        """``agree``, ``suspect``, ``wrong`` or ``nothing`` (no point could be checked)."""
        if self.worst is None:
            return "nothing"
        if self.worst < AGREE:
            return "agree"
        return "suspect" if self.worst < SUSPECT else "wrong"


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
    """Compare the analytic ``df`` with the central difference on ``n`` points of [a, b]."""
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError("the range must be two finite numbers, the first below the second")
    if not (math.isfinite(h) and h > 0):
        raise ValueError("h must be a positive number")
    xs = np.linspace(a, b, n)
    with np.errstate(all="ignore"):
        analytic = np.asarray(df(xs), dtype=np.float64)
        numeric = (np.asarray(f(xs + h)) - np.asarray(f(xs - h))) / (2.0 * h)
    near = np.zeros(xs.shape, dtype=bool)
    for k in kinks:
        near |= np.abs(xs - k) <= h * (1 + 1e-9)
    defined = np.isfinite(analytic)
    usable = defined & ~near & np.isfinite(numeric)
    err = relative_error(analytic, numeric)
    if usable.any():
        i = int(np.argmax(np.where(usable, err, -1.0)))
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
    )
