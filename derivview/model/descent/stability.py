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
from dataclasses import dataclass

from derivview.model.descent.config import DescentConfig


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
    return f"{value:.6g}".replace("-", "−")


def stability_note(
    config: DescentConfig,
    point: tuple[float, float | None, bool] | None,
    *,
    prefix: str = "",
) -> StabilityNote:
    """The stability sentence for ``config`` at ``point`` = (x, f″(x), f defined at x).

    ``point`` None (no function yet) says nothing. ``prefix`` names the run ("A: ") when
    two are compared.
    """
    if point is None:
        return StabilityNote("")
    x, d2f, defined = point
    where = f"at x = {_words(x)}"
    if not defined:
        return StabilityNote(f"f is undefined {where}: no local stability bound")
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
        shape = "is straight" if d2f == 0 else "bends down"
        return StabilityNote(
            f"f″ = {_words(d2f)} ≤ 0 {where}: f {shape} here, so curvature sets no bound on η"
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
