"""Local stability of gradient descent and momentum: how large η may be where the run is.

Near a minimum x* with curvature f″ > 0, gradient descent multiplies the distance to x*
by 1 − η·f″ each step: it converges if |1 − η·f″| < 1, that is η < 2/f″; η = 1/f″ lands
on the minimum of the local parabola in one step. The heavy ball (momentum β) on the
same parabola converges if η < 2(1 + β)/f″ (the recurrence's characteristic roots stay
inside the unit circle). Newton's method has no η. Qt-free; the descent panel shows
:func:`stability_note`, and the same bounds are needed again in two dimensions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from derivview.model.descent.config import DescentConfig
from derivview.model.formatting import format_number


def stability_bound(d2f: float | None) -> float | None:
    """The largest stable gd learning rate 2/f″ where f″ > 0, else ``None``."""
    if d2f is None or not math.isfinite(d2f) or d2f <= 0:
        return None
    return 2.0 / d2f


def momentum_bound(d2f: float | None, beta: float) -> float | None:
    """The largest stable heavy-ball learning rate 2(1 + β)/f″ where f″ > 0, else ``None``."""
    if d2f is None or not math.isfinite(d2f) or d2f <= 0:
        return None
    return 2.0 * (1.0 + beta) / d2f


def suggested_learning_rate(d2f: float | None) -> float | None:
    """1/f″ where f″ > 0 (one step to the minimum of the local quadratic), else ``None``."""
    if d2f is None or not math.isfinite(d2f) or d2f <= 0:
        return None
    return 1.0 / d2f


def learning_rate_limit(config: DescentConfig, d2f: float | None) -> float | None:
    """The stability limit on η of ``config``'s method at curvature ``d2f`` (None: none)."""
    if config.method == "gd":
        return stability_bound(d2f)
    if config.method == "momentum":
        return momentum_bound(d2f, config.beta)
    return None


@dataclass(frozen=True)
class StabilityNote:
    """What the panel says about η where the run is.

    ``text`` is the sentence; ``limit`` the largest stable η there (None: no bound);
    ``suggested`` is 1/f″ when a one-click "use η = 1/f″" makes sense, else None.
    """

    text: str
    limit: float | None = None
    suggested: float | None = None


def _words(value: float) -> str:
    return format_number(value, 6)


def stability_note(
    config: DescentConfig,
    point: tuple[float, float | None, bool] | None,
    *,
    prefix: str = "",
    shape: str | None = None,
    diverged: bool = False,
) -> StabilityNote:
    """The stability sentence for ``config`` at ``point`` = (x, f″(x), f defined at x).

    ``point`` None (no function yet) says nothing. ``prefix`` names the run ("A: ") when
    two are compared. ``shape`` is what f does at x where that changes the sentence
    (:func:`local_shape`): ``"kink"`` (f′ does not exist), ``"inflection"`` (f″ = 0 and
    changes sign), ``"straight"`` (f″ = 0 around x). ``diverged``: the run has diverged,
    and the sentence says why instead of giving a bound at a far-away x.
    """
    if point is None:
        return StabilityNote("")
    x, d2f, defined = point
    where = f"at x = {_words(x)}"
    if not defined:
        return StabilityNote(f"f is undefined {where}: no local stability bound")
    if diverged:
        return _diverged_note(config, d2f, prefix)
    if shape == "kink":
        return StabilityNote(
            f"f′ does not exist {where} (a kink): f″ and the bound 2/f″ are undefined here"
        )
    if d2f is None:
        return StabilityNote(f"f″ is undefined {where}: no local stability bound")
    if config.method == "newton":
        if d2f > 0:
            text = f"f″ = {_words(d2f)} > 0 {where}: Newton steps toward a minimum"
        elif d2f < 0:
            text = f"f″ = {_words(d2f)} < 0 {where}: Newton steps toward a maximum"
        else:
            text = f"f″ = 0 {where}: the Newton step f′/f″ is undefined"
        return StabilityNote(text + " (Newton has no η)")
    bound = stability_bound(d2f)
    if bound is None:
        if d2f == 0 and shape == "inflection":
            return StabilityNote(
                f"f″ = 0 {where}, an inflection point (f bends the other way beyond it): "
                "curvature sets no bound on η here"
            )
        if d2f == 0:
            return StabilityNote(
                f"f″ = 0 {where}: f is straight here, so curvature sets no bound on η"
            )
        return StabilityNote(
            f"f″ = {_words(d2f)} < 0 {where}: f bends down here, so curvature sets no bound on η"
        )
    limit = learning_rate_limit(config, d2f)
    assert limit is not None
    if config.method == "momentum":
        rule = f"η < 2(1+β)/f″ = {_words(limit)} {where} (2/f″ = {_words(bound)})"
    else:
        rule = f"η < 2/f″ = {_words(bound)} {where} (f″ = {_words(d2f)})"
    eta = config.learning_rate
    if math.isclose(eta, limit, rel_tol=1e-9):
        verdict = "η is at the limit: steps bounce between two points"
    elif eta < limit:
        verdict = f"η = {_words(eta)} is below it: stable here"
    else:
        verdict = f"η = {_words(eta)} is above it: steps overshoot and grow"
    return StabilityNote(
        f"{prefix}stable if {rule}; {verdict}", limit, suggested_learning_rate(d2f)
    )


def _diverged_note(config: DescentConfig, d2f: float | None, prefix: str) -> StabilityNote:
    """Why a run diverged, in terms of η and the curvature where it went."""
    limit = learning_rate_limit(config, d2f) if config.method != "newton" else None
    eta = _words(config.learning_rate)
    if limit is not None and config.learning_rate >= limit:
        rule = "2(1+β)/f″" if config.method == "momentum" else "2/f″"
        return StabilityNote(
            f"{prefix}diverged: η = {eta} is above the stability limit {rule} = "
            f"{_words(limit)} (f″ = {_words(d2f or 0.0)} where the run went), so every step "
            "overshoots further; lower η",
            limit,
            suggested_learning_rate(d2f),
        )
    if d2f is not None and math.isfinite(d2f) and d2f <= 0:
        return StabilityNote(
            f"{prefix}diverged: f keeps falling where the run went (f″ = {_words(d2f)} ≤ 0), "
            "so no η can make it settle there"
        )
    return StabilityNote(f"{prefix}diverged: the run left every bound; lower η or move the start")


def local_shape(
    df: Callable[[float], float | None], d2f: Callable[[float], float | None], x: float
) -> str | None:
    """What f does at ``x`` where that matters to the stability sentence.

    ``"kink"`` where f′ does not exist; where f″(x) = 0, ``"inflection"`` if f″ has opposite
    signs just left and right of x, ``"straight"`` if it is 0 on both sides; else None.
    ``df``, ``d2f``: f′ and f″ at a point (None where undefined).
    """

    def value(g: Callable[[float], float | None], at: float) -> float | None:
        try:
            v = g(at)
        except (ArithmeticError, ValueError):
            return None
        return v if v is not None and math.isfinite(v) else None

    if value(df, x) is None:
        return "kink"
    if value(d2f, x) != 0:
        return None
    h = 1e-4 * max(1.0, abs(x))
    left, right = value(d2f, x - h), value(d2f, x + h)
    if left is None or right is None:
        return None
    if left * right < 0:
        return "inflection"
    if left == 0 and right == 0:
        return "straight"
    return None
