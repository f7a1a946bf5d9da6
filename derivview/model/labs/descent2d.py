"""Gradient descent, momentum and Newton on f(x, y); the kind of a stationary point.

contracts.md §6 (``descend --vars x,y``): on the vector p = (x, y),

    gd        p ← p − η·∇f(p)
    momentum  v ← β·v + ∇f(p),  p ← p − η·v   (v₀ = 0)
    newton    p ← p − H(p)⁻¹·∇f(p)            (stalled where H is singular)

Statuses as in 1-D: ``converged`` (|∇f| < tol, Euclidean), ``diverged`` (|p| > 1e12 or a
non-finite value), ``max_steps``, ``stalled`` (∇f undefined at the iterate, or H singular
or undefined for Newton). ``outcome`` is the finer reason, as in 1-D, plus ``saddle``:
the run converged to a point where the Hessian has eigenvalues of both signs — a
stationary point that is not a minimum (the message says "saddle").

The function is any object with ``value(x, y)``, ``gradient(x, y)`` and ``hessian(x, y)``
(floats, or None where undefined). Qt-free; pure Python floats.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from derivview.model.optimizers import IterateHistory

__all__ = [
    "METHODS",
    "Function2D",
    "Iterate2D",
    "Run2D",
    "Settings2D",
    "classify",
    "eigenvalues",
    "run_to_end",
    "stability_bound",
    "start",
    "step",
]

METHODS = ("gd", "momentum", "newton")
DIVERGENCE_BOUND = 1e12
MAX_STEPS_LIMIT = 100_000

Vec = tuple[float, float]
Mat = tuple[tuple[float, float], tuple[float, float]]
Kind = Literal["regular", "minimum", "maximum", "saddle", "degenerate"]


class Function2D(Protocol):
    """f(x, y) with its gradient and Hessian; None where undefined."""

    def value(self, x: float, y: float) -> float | None: ...
    def gradient(self, x: float, y: float) -> Vec | None: ...
    def hessian(self, x: float, y: float) -> Mat | None: ...


def eigenvalues(h: Mat) -> Vec:
    """Eigenvalues of a symmetric 2×2 matrix, ascending (stable closed form)."""
    (a, b), (_, d) = h
    mean = (a + d) / 2
    radius = math.hypot((a - d) / 2, b)
    return mean - radius, mean + radius


def classify(gradient: Vec, hessian: Mat | None, tol: float = 1e-8) -> Kind:
    """contracts.md §6 ``kind``: ``regular`` where |∇f| ≥ tol, else by the Hessian's
    eigenvalues: ``minimum`` (both > 0), ``maximum`` (both < 0), ``saddle`` (opposite
    signs), ``degenerate`` (one is 0, or the Hessian is undefined)."""
    if math.hypot(*gradient) >= tol:
        return "regular"
    if hessian is None:
        return "degenerate"
    lo, hi = eigenvalues(hessian)
    scale = max(abs(lo), abs(hi))
    zero = 1e-12 * scale if scale else 0.0
    if abs(lo) <= zero or abs(hi) <= zero:
        return "degenerate"
    if lo > 0:
        return "minimum"
    if hi < 0:
        return "maximum"
    return "saddle"


def stability_bound(hessian: Mat | None, method: str = "gd", beta: float = 0.9) -> float | None:
    """The largest stable η on the local quadratic: 2/λ_max (gd), 2(1 + β)/λ_max
    (momentum); None where λ_max ≤ 0 or the Hessian is undefined (or for Newton)."""
    if hessian is None or method == "newton":
        return None
    lam = eigenvalues(hessian)[1]
    if not math.isfinite(lam) or lam <= 0:
        return None
    return (2 * (1 + beta) if method == "momentum" else 2.0) / lam


@dataclass(frozen=True)
class Settings2D:
    """Method, η, β (momentum), start point, step limit and tolerance; validated."""

    method: str = "gd"
    learning_rate: float = 0.1
    beta: float = 0.9
    start: Vec = (0.0, 0.0)
    max_steps: int = 100
    tol: float = 1e-8

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of gd, momentum, newton, got {self.method!r}")
        for name, v in (("learning rate", self.learning_rate), ("tolerance", self.tol)):
            if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
                raise ValueError(f"{name} must be a positive number, got {v!r}")
        if not (isinstance(self.beta, (int, float)) and 0 <= self.beta < 1):
            raise ValueError(f"beta must be in [0, 1), got {self.beta!r}")
        if len(self.start) != 2 or not all(
            isinstance(v, (int, float)) and math.isfinite(v) for v in self.start
        ):
            raise ValueError(f"the start must be two finite numbers x, y, got {self.start!r}")
        steps = self.max_steps
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise ValueError(f"max steps must be a whole number, got {steps!r}")
        if not 1 <= steps <= MAX_STEPS_LIMIT:
            raise ValueError(f"max steps must be between 1 and {MAX_STEPS_LIMIT}, got {steps}")


@dataclass(frozen=True)
class Iterate2D:
    """One point of a run (k = 0 is the start); values None where undefined."""

    k: int
    x: float
    y: float
    f: float | None
    gradient: Vec | None
    hessian: Mat | None
    step: Vec | None


@dataclass(frozen=True)
class Run2D:
    """An immutable run; ``status`` None while running.

    ``iterates`` is a sequence whose append is O(1) (the 1-D optimizers' history): a
    Play of 100,000 steps would be quadratic with a tuple copied per step.
    """

    settings: Settings2D
    iterates: Sequence[Iterate2D]
    status: str | None
    outcome: str
    message: str
    velocity: Vec = (0.0, 0.0)

    @property
    def finished(self) -> bool:
        """True once a status is set."""
        return self.status is not None

    @property
    def last(self) -> Iterate2D:
        """The current iterate."""
        return self.iterates[-1]


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _evaluate(fn: Function2D, k: int, p: Vec, step_: Vec | None, need_h: bool) -> Iterate2D:
    x, y = p
    f = g = h = None
    if math.isfinite(x) and math.isfinite(y):
        f = _finite(_safe(fn.value, x, y))
        gv = _safe(fn.gradient, x, y)
        if gv is not None and all(math.isfinite(c) for c in gv):
            g = (float(gv[0]), float(gv[1]))
        hv = _safe(fn.hessian, x, y) if (need_h or g is not None) else None
        if hv is not None and all(math.isfinite(c) for r in hv for c in r):
            h = ((float(hv[0][0]), float(hv[0][1])), (float(hv[1][0]), float(hv[1][1])))
    return Iterate2D(k, x, y, f, g, h, step_)


def _safe(call, x: float, y: float):  # type: ignore[no-untyped-def]
    try:
        return call(x, y)
    except (ArithmeticError, ValueError):
        return None


def start(settings: Settings2D, fn: Function2D) -> Run2D:
    """The run at its start (k = 0), judged: it may be finished at once."""
    first = _evaluate(fn, 0, settings.start, None, True)
    status, outcome, message = _judge(settings, fn, (first,))
    return Run2D(settings, IterateHistory((first,)), status, outcome, message)  # type: ignore[arg-type]


def _advance(settings: Settings2D, it: Iterate2D, velocity: Vec) -> tuple[Vec, Vec, str | None]:
    """The next point and velocity; a reason instead where Newton cannot step."""
    g = it.gradient
    assert g is not None
    gx, gy = g
    if settings.method == "gd":
        lr = settings.learning_rate
        return (it.x - lr * gx, it.y - lr * gy), (0.0, 0.0), None
    if settings.method == "momentum":
        b, lr = settings.beta, settings.learning_rate
        v = (b * velocity[0] + gx, b * velocity[1] + gy)
        return (it.x - lr * v[0], it.y - lr * v[1]), v, None
    h = it.hessian
    if h is None:
        return (it.x, it.y), (0.0, 0.0), "undefined_curvature"
    (a, b_), (c, d) = h
    det = a * d - b_ * c
    scale = max(abs(a), abs(b_), abs(c), abs(d))
    if det == 0 or abs(det) <= 1e-14 * scale * scale:
        return (it.x, it.y), (0.0, 0.0), "newton_singular"
    dx = (d * gx - b_ * gy) / det
    dy = (-c * gx + a * gy) / det
    return (it.x - dx, it.y - dy), (0.0, 0.0), None


def step(run: Run2D, fn: Function2D) -> Run2D:
    """One update; a finished run is returned unchanged."""
    if run.finished:
        return run
    it = run.last
    p, v, problem = _advance(run.settings, it, run.velocity)
    if problem is not None:  # Newton cannot step: judged on the current iterate
        status, outcome, message = _newton_problem(problem, it)
        return Run2D(run.settings, run.iterates, status, outcome, message, run.velocity)
    nxt = _evaluate(fn, it.k + 1, p, (p[0] - it.x, p[1] - it.y), run.settings.method == "newton")
    history = run.iterates
    if not isinstance(history, IterateHistory):
        history = IterateHistory(history)  # type: ignore[arg-type]
    iterates = history.appended(nxt)  # type: ignore[arg-type]
    status, outcome, message = _judge(run.settings, fn, iterates[-6:])  # type: ignore[arg-type]
    return Run2D(run.settings, iterates, status, outcome, message, v)


def run_to_end(settings: Settings2D, fn: Function2D) -> Run2D:
    """Step until a status is reached (at most ``settings.max_steps`` updates)."""
    run = start(settings, fn)
    iterates = list(run.iterates)  # a list: tuple copies per step would be quadratic
    status, outcome, message, velocity = run.status, run.outcome, run.message, run.velocity
    while status is None:
        it = iterates[-1]
        p, velocity, problem = _advance(settings, it, velocity)
        if problem is not None:
            status, outcome, message = _newton_problem(problem, it)
            break
        step_ = (p[0] - it.x, p[1] - it.y)
        iterates.append(_evaluate(fn, it.k + 1, p, step_, settings.method == "newton"))
        status, outcome, message = _judge(settings, fn, iterates[-6:])
    return Run2D(settings, IterateHistory(iterates), status, outcome, message, velocity)  # type: ignore[arg-type]


def _newton_problem(problem: str, it: Iterate2D) -> tuple[str, str, str]:
    where = f"(x, y) = ({_n(it.x)}, {_n(it.y)})"
    if problem == "newton_singular":
        return (
            "stalled",
            "newton_singular",
            f"stalled: the Hessian is singular at {where}, so the Newton step H⁻¹∇f is undefined",
        )
    return "stalled", "undefined_curvature", f"stalled: the Hessian does not exist at {where}"


def _judge(
    settings: Settings2D, fn: Function2D, iterates: Sequence[Iterate2D]
) -> tuple[str | None, str, str]:
    it = iterates[-1]
    k = it.k
    where = f"(x, y) = ({_n(it.x)}, {_n(it.y)})"
    if (
        not (math.isfinite(it.x) and math.isfinite(it.y))
        or max(abs(it.x), abs(it.y)) > DIVERGENCE_BOUND
    ):
        return _diverged(settings, iterates, f"|p| exceeded {DIVERGENCE_BOUND:g}")
    if it.f is None:
        if k == 0:
            return "stalled", "outside_domain", f"the start {where} is outside the domain of f"
        return "stalled", "left_domain", f"left the domain of f at {where} after {_steps(k)}"
    if it.gradient is None:
        return "stalled", "stalled_kink", f"stalled: ∇f does not exist at {where}"
    size = math.hypot(*it.gradient)
    if size < settings.tol:
        kind = classify(it.gradient, it.hessian, settings.tol)
        head = f"|∇f| < {_n(settings.tol)} after {_steps(k)} at {where}"
        if kind == "minimum":
            return "converged", "converged", f"{head}: a local minimum"
        if kind == "saddle":
            lo, hi = eigenvalues(it.hessian) if it.hessian else (math.nan, math.nan)
            return (
                "converged",
                "saddle",
                (
                    f"{head}: converged to a saddle, not a minimum (the Hessian's eigenvalues "
                    f"{_n(lo)} and {_n(hi)} have opposite signs: f still falls along one direction)"
                ),
            )
        if kind == "maximum":
            outcome = "newton_to_maximum" if settings.method == "newton" else "maximum"
            return "converged", outcome, f"{head}: a local maximum, not a minimum"
        return (
            "converged",
            "degenerate",
            (
                f"{head}: a degenerate point (an eigenvalue of the Hessian is 0), not "
                "necessarily a minimum"
            ),
        )
    if k >= settings.max_steps:
        return "max_steps", *_at_max_steps(settings, iterates, size)
    return (
        None,
        "running",
        (f"step {k}: {where}, f = {_n(it.f)}, |∇f| = {_n(size)}" + _hint(settings, it)),
    )


def _hint(settings: Settings2D, it: Iterate2D) -> str:
    bound = stability_bound(it.hessian, settings.method, settings.beta)
    if bound is not None and settings.learning_rate > bound:
        return (
            f" — η = {_n(settings.learning_rate)} is above the stability limit "
            f"{_n(bound)} here: steps overshoot and grow"
        )
    return ""


def _diverged(
    settings: Settings2D, iterates: Sequence[Iterate2D], why: str
) -> tuple[str, str, str]:
    k = iterates[-1].k
    head = f"diverged: {why} after {_steps(k)}"
    if _oscillating(iterates):
        bound = next(
            (
                b
                for it in iterates
                if (b := stability_bound(it.hessian, settings.method, settings.beta)) is not None
            ),
            None,
        )
        reason = (
            f": η = {_n(settings.learning_rate)} is above the stability limit {_n(bound)}"
            if bound is not None and settings.learning_rate > bound
            else ""
        )
        return "diverged", "oscillating", f"{head}; oscillating with growing amplitude{reason}"
    fs = [it.f for it in iterates[-6:] if it.f is not None]
    if len(fs) >= 4 and all(b < a for a, b in itertools.pairwise(fs)):
        return "diverged", "unbounded_below", f"{head}; f decreases without bound along the run"
    return "diverged", "diverged", head


def _oscillating(iterates: Sequence[Iterate2D]) -> bool:
    steps = [it.step for it in iterates[-6:] if it.step is not None]
    if len(steps) < 3:
        return False
    dots = [a[0] * b[0] + a[1] * b[1] for a, b in itertools.pairwise(steps)]
    sizes = [math.hypot(*s) for s in steps]
    return all(d < 0 for d in dots) and all(b > a for a, b in itertools.pairwise(sizes))


def _at_max_steps(
    settings: Settings2D, iterates: Sequence[Iterate2D], size: float
) -> tuple[str, str]:
    it = iterates[-1]
    head = f"stopped after {_steps(it.k)} at (x, y) = ({_n(it.x)}, {_n(it.y)})"
    if len(iterates) >= 5:
        a, b = iterates[-1], iterates[-3]
        c, d = iterates[-2], iterates[-4]
        scale = max(1.0, abs(a.x), abs(a.y))
        same = (
            math.hypot(a.x - b.x, a.y - b.y) <= 1e-9 * scale
            and math.hypot(c.x - d.x, c.y - d.y) <= 1e-9 * scale
        )
        if same and math.hypot(a.x - c.x, a.y - c.y) > 1e-9 * scale:
            return "cycling", f"{head}: cycling between two points"
    if _oscillating(iterates):
        return "oscillating", f"{head}: oscillating with growing amplitude; this diverges"
    if size < 1e-3:
        return "crawling", f"{head}: still crawling: |∇f| = {_n(size, 3)} is tiny"
    return "max_steps", f"{head}: |∇f| = {_n(size, 3)} is still ≥ {_n(settings.tol)}"


def _steps(k: int) -> str:
    return "1 step" if k == 1 else f"{k} steps"


def _n(value: float | None, digits: int = 6) -> str:
    if value is None:
        return "undefined"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exp = text.split("e")
        text = f"{mantissa}e{int(exp)}"
    return text.replace("-", "−")
