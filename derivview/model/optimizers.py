"""Gradient descent, momentum and Newton's method as pure step functions.

Each function takes an immutable :class:`DescentRun` and returns a new one, so the GUI can
step, play, reset and undo without hidden state, and tests can compare every iterate with
a closed form.

The optimizers work on any object with float callables ``f(x)``, ``df(x)``, ``d2f(x)``
(:class:`DifferentiableFunction`). A callable may return ``None`` or NaN where the value
is undefined, or raise an arithmetic error (``ZeroDivisionError``, a math domain error);
``OverflowError`` and ±inf mean "not finite". Optional hooks, used when present:

- ``is_differentiable(x) -> bool``: catches corners where ``df`` returns a conventional
  number (sympy's d/dx |x| = sign(x) is 0 at 0), consulted before declaring convergence;
- ``kind(x) -> str``: the name of a singular point ("corner", "cusp", ...) for messages;
- ``f_many(xs) -> list[float | None]``: vectorized ``f``, used to scan each step for
  poles and gaps in the domain that the step jumped across.

Update rules and statuses are those of docs/contracts.md §2 (``descend``). ``status`` is
one of ``converged`` (|f′(x)| < tol), ``diverged`` (|x| > 1e12 or a non-finite value),
``max_steps``, ``stalled`` (f′ or f″ undefined at the iterate, or f″ = 0 for Newton);
``None`` while running. ``outcome`` is the finer, honest reason and ``message`` says it
in words (the GUI's status line):

========================= ===========  ===============================================
outcome                   status       when
========================= ===========  ===============================================
running                   None         not finished
converged                 converged    at a local minimum (f″ > 0, or f rises on both sides)
flat                      converged    f′ = 0 because f is constant around x: not
                                       necessarily a minimum. The contract's rule says
                                       converged (|f′| < tol); ``stalled`` is reserved for
                                       undefined derivatives, so the message carries it.
maximum                   converged    f′ = 0 at a maximum (gd/momentum started there)
vanishing_gradient        converged    |f′| < tol on a slope: f keeps falling (e^(−x²)
                                       far out), so no minimum
newton_to_maximum         converged    Newton solved f′ = 0 at a maximum (f″ < 0)
saddle                    converged    f′ = 0 at an inflection point
diverged                  diverged     |x| > 1e12 or a non-finite value, no finer reason
oscillating               diverged or  steps alternate in sign with growing amplitude
                          max_steps    (η above the stability limit 2/f″)
unbounded_below           diverged     moving steadily one way while f keeps falling
cycling                   max_steps    x repeats every 2 steps
crawling                  max_steps    still moving one way, slowly
max_steps                 max_steps    none of the above (the message says what the last
                                       steps did, e.g. still descending at a steady pace)
stalled_kink              stalled      f′ does not exist at x (corner, cusp, ...)
left_domain               stalled      a step landed where f is undefined
outside_domain            stalled      the start is where f is undefined
undefined_curvature       stalled      f′ exists but f″ does not at x
newton_zero_curvature     stalled      Newton would divide by f″ = 0
jumped_pole, jumped_gap   any but      a step jumped across a pole (a gap in the domain)
                          stalled and  of f; the run went on, on the other side
                          diverged
========================= ===========  ===============================================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, overload

from derivview.model.descent.config import (
    MAX_STEPS,
    MAX_STEPS_LIMIT,
    METHODS,
    START,
    TOL,
    DescentConfig,
)
from derivview.model.descent.stability import stability_bound, suggested_learning_rate

Method = Literal["gd", "momentum", "newton"]
Status = Literal["converged", "diverged", "max_steps", "stalled"]

DIVERGENCE_BOUND = 1e12

# Samples per step when scanning a step for a pole or a gap in the domain (cheap: one
# vectorized call through ``f_many``; pure-Python functions cost ~16 scalar calls).
_SCAN_SAMPLES = 16


class DifferentiableFunction(Protocol):
    """What the optimizers need: f, f′, f″ as scalar callables (see the module doc)."""

    def f(self, x: float) -> float | None: ...
    def df(self, x: float) -> float | None: ...
    def d2f(self, x: float) -> float | None: ...


ScalarCallable = Callable[[float], "float | None"]


@dataclass(frozen=True)
class ScalarFunction:
    """f, f′, f″ (and optional hooks) as plain callables; satisfies the protocol.

    Build one from closed forms (``ScalarFunction(f=..., df=..., d2f=...)``) or wrap a
    ``calculus.CompiledFunction`` with :meth:`from_compiled`.
    """

    f: ScalarCallable
    df: ScalarCallable
    d2f: ScalarCallable
    is_differentiable: Callable[[float], bool] | None = None
    kind: Callable[[float], str] | None = None
    f_many: Callable[[Sequence[float]], list[float | None]] | None = None

    @classmethod
    def from_compiled(
        cls, compiled: Any, params: Mapping[str, float] | None = None
    ) -> ScalarFunction:
        """Wrap a ``CompiledFunction`` (vectorized numpy, NaN where undefined)."""
        return from_compiled(compiled, params)


def from_compiled(compiled: Any, params: Mapping[str, float] | None = None) -> ScalarFunction:
    """Adapt a ``calculus.CompiledFunction`` at fixed parameter values.

    Values come back as Python floats, ``None`` where the compiled function gives NaN
    (outside the domain, at a pole, and also where it overflows: the optimizer tells an
    overflow from the edge of the domain by looking between iterates). ``is_differentiable`` and
    ``kind`` use ``compiled.point`` (about 1 ms), which the optimizers call only where
    they would otherwise declare convergence or stall; the last answer is cached.
    """
    import numpy as np  # numpy only where compiled functions are used

    p = dict(params or {})

    def scalar(method: Callable[..., Any]) -> ScalarCallable:
        def call(x: float) -> float | None:
            with np.errstate(all="ignore"):
                arr = np.asarray(method(x, p), dtype=np.float64)
            if arr.size == 0:
                return None
            value = float(arr.reshape(-1)[0])
            return None if math.isnan(value) else value

        return call

    def f_many(xs: Sequence[float]) -> list[float | None]:
        with np.errstate(all="ignore"):
            arr = np.broadcast_to(
                np.asarray(compiled.f(np.asarray(xs, dtype=np.float64), p), dtype=np.float64),
                (len(xs),),
            )
        return [None if math.isnan(v) else v for v in arr.tolist()]

    cache: dict[float, Any] = {}

    def info(x: float) -> Any:
        if x not in cache:
            cache.clear()  # keep only the last point: the optimizer asks about one x
            cache[x] = compiled.point(x, p)
        return cache[x]

    f = scalar(compiled.f)

    def at_site(forward: ScalarCallable, part: str) -> ScalarCallable:
        # The forward pass has no f′ at a kink site of the tree (relu(x)² at 0: relu′(0)
        # is undefined), where f may yet be differentiable: the one-sided limits decide.
        def call(x: float) -> float | None:
            v = forward(x)
            if v is None and f(x) is not None:
                return getattr(info(x), part)  # type: ignore[no-any-return]
            return v

        return call

    return ScalarFunction(
        f=f,
        df=at_site(scalar(compiled.df), "df"),
        d2f=at_site(scalar(compiled.d2f), "d2f"),
        is_differentiable=lambda x: bool(info(x).differentiable),
        kind=lambda x: str(info(x).kind),
        f_many=f_many,
    )


@dataclass(frozen=True)
class DescentSettings(DescentConfig):
    """How to descend: a configuration (method, η, β) with start, step limit, tolerance.

    Checked on construction by the fields of :mod:`derivview.model.descent.config` (the
    one rule of the window, session files and the command line); raises ``ValueError``
    with a message for people on invalid values.
    """

    start: float = START.default
    max_steps: int = MAX_STEPS.default
    tol: float = TOL.default

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "start", START.check(self.start))
        object.__setattr__(self, "max_steps", MAX_STEPS.check(self.max_steps))
        object.__setattr__(self, "tol", TOL.check(self.tol))

    @property
    def config(self) -> DescentConfig:
        """The configuration part (method, η, β)."""
        return DescentConfig(self.method, self.learning_rate, self.beta)


@dataclass(frozen=True)
class Iterate:
    """One point of a run. ``k = 0`` is the start; ``step`` is x_k − x_{k−1}.

    ``f``, ``df``, ``d2f`` are ``None`` where undefined or not finite.
    """

    k: int
    x: float
    f: float | None
    df: float | None
    d2f: float | None
    step: float | None


@dataclass(frozen=True)
class Jump:
    """A step from x_{k−1} to x_k crossed a point where f is not continuous.

    ``kind`` is "pole" (|f| → ∞ there), "gap" (f undefined on an interval) or
    "discontinuity" (f jumps by a finite amount).
    """

    k: int
    kind: str
    x: float


class IterateHistory(Sequence[Iterate]):
    """An immutable sequence of iterates whose :meth:`appended` is O(1).

    Successive runs share one list: a history is a prefix of it, so appending to the
    newest history extends the list in place without changing what any older history
    contains. Appending to an older history (rare: stepping a run that was already
    stepped) copies its prefix first. This keeps :func:`step` constant-time, where a
    tuple copy per step made a 60,000-step Play quadratic.
    """

    __slots__ = ("_items", "_n")

    def __init__(self, items: Sequence[Iterate] = ()) -> None:
        self._items: list[Iterate] = list(items)
        self._n = len(self._items)

    def appended(self, item: Iterate) -> IterateHistory:
        """This history plus ``item``, sharing storage where that is safe."""
        items = self._items if self._n == len(self._items) else self._items[: self._n]
        items.append(item)
        new = IterateHistory.__new__(IterateHistory)
        new._items, new._n = items, self._n + 1
        return new

    def prefix(self, n: int) -> IterateHistory:
        """The first ``n`` iterates (1 ≤ n ≤ len), sharing storage (for replaying a run)."""
        if not 1 <= n <= self._n:
            raise ValueError(f"a prefix of 1..{self._n} iterates, got {n}")
        new = IterateHistory.__new__(IterateHistory)
        new._items, new._n = self._items, n
        return new

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> Iterate: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Iterate, ...]: ...
    def __getitem__(self, index: int | slice) -> Iterate | tuple[Iterate, ...]:
        if isinstance(index, slice):
            items = self._items
            return tuple(items[i] for i in range(*index.indices(self._n)))
        if index < 0:
            index += self._n
        if not 0 <= index < self._n:
            raise IndexError("iterate index out of range")
        return self._items[index]

    def __iter__(self) -> Iterator[Iterate]:
        return iter(self._items[: self._n]) if self._n < len(self._items) else iter(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, IterateHistory | tuple | list):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"IterateHistory({list(self)!r})"


@dataclass(frozen=True)
class DescentRun:
    """An immutable descent run; ``status is None`` while it is still running."""

    settings: DescentSettings
    iterates: IterateHistory
    status: str | None
    outcome: str
    message: str
    velocity: float = 0.0
    jumps: tuple[Jump, ...] = field(default=())

    @property
    def finished(self) -> bool:
        """True once a status is set; :func:`step` then returns the run unchanged."""
        return self.status is not None

    @property
    def last(self) -> Iterate:
        """The current iterate."""
        return self.iterates[-1]

    @property
    def steps_taken(self) -> int:
        """How many updates were made (the start is not a step)."""
        return len(self.iterates) - 1


def start(settings: DescentSettings, fn: DifferentiableFunction) -> DescentRun:
    """The run at its start point (k = 0), already judged: it may be finished at once."""
    values = _evaluate(fn, settings.start)
    first = _iterate(0, settings.start, values, None)
    status, outcome, message = _judge(settings, fn, [first], values, (), True)
    return DescentRun(settings, IterateHistory((first,)), status, outcome, message, 0.0, ())


def step(run: DescentRun, fn: DifferentiableFunction) -> DescentRun:
    """One update; returns a new run. A finished run is returned unchanged."""
    if run.finished:
        return run
    it, values, velocity, jump = _advance(run.settings, fn, run.last, run.velocity)
    jumps = (*run.jumps, jump) if jump is not None else run.jumps
    iterates = run.iterates.appended(it)
    status, outcome, message = _judge(run.settings, fn, iterates, values, jumps, True)
    return DescentRun(run.settings, iterates, status, outcome, message, velocity, jumps)


def run_to_end(settings: DescentSettings, fn: DifferentiableFunction) -> DescentRun:
    """Step until a status is reached (at most ``settings.max_steps`` updates)."""
    first = start(settings, fn)
    if first.finished:
        return first
    # A list, not repeated tuple concatenation: 100,000 steps would be quadratic.
    iterates = list(first.iterates)
    jumps: list[Jump] = []
    velocity = first.velocity
    while True:
        it, values, velocity, jump = _advance(settings, fn, iterates[-1], velocity)
        iterates.append(it)
        if jump is not None:
            jumps.append(jump)
        status, outcome, message = _judge(settings, fn, iterates, values, tuple(jumps), False)
        if status is not None:
            return DescentRun(
                settings,
                IterateHistory(iterates),
                status,
                outcome,
                message,
                velocity,
                tuple(jumps),
            )


# --- evaluation -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Values:
    """f, f′, f″ at x: a finite float, ±inf (overflow), or None (undefined)."""

    f: float | None
    df: float | None
    d2f: float | None


def _call(func: Callable[[float], Any], x: float) -> float | None:
    try:
        value = func(x)
    except OverflowError:
        return math.inf
    except (ArithmeticError, ValueError):  # 1/0, math domain errors
        return None
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):  # a complex number: outside the real domain
        return None
    return None if math.isnan(number) else number


def _evaluate(fn: DifferentiableFunction, x: float) -> _Values:
    if not math.isfinite(x):
        return _Values(None, None, None)
    return _Values(_call(fn.f, x), _call(fn.df, x), _call(fn.d2f, x))


def _finite(v: float | None) -> float | None:
    return v if v is not None and math.isfinite(v) else None


def _iterate(k: int, x: float, values: _Values, step_: float | None) -> Iterate:
    return Iterate(k, x, _finite(values.f), _finite(values.df), _finite(values.d2f), step_)


def _f_many(fn: DifferentiableFunction, xs: list[float]) -> list[float | None]:
    many = getattr(fn, "f_many", None)
    if many is not None:
        try:
            return [None if v is None or math.isnan(v) else float(v) for v in many(xs)]
        except (ArithmeticError, ValueError, TypeError):
            pass
    return [_call(fn.f, x) for x in xs]


def _advance(
    settings: DescentSettings, fn: DifferentiableFunction, last: Iterate, velocity: float
) -> tuple[Iterate, _Values, float, Jump | None]:
    """Apply the update rule to a running iterate (its f′ and f″ are defined)."""
    df = last.df if last.df is not None else math.nan
    if settings.method == "gd":
        x = last.x - settings.learning_rate * df
    elif settings.method == "momentum":
        velocity = settings.beta * velocity + df
        x = last.x - settings.learning_rate * velocity
    else:
        d2f = last.d2f if last.d2f else math.nan
        x = last.x - df / d2f
    values = _evaluate(fn, x)
    it = _iterate(last.k + 1, x, values, x - last.x)
    jump = None
    if (
        math.isfinite(x)
        and x != last.x
        and it.f is not None
        and last.f is not None
        and it.df is not None
        and last.df is not None
    ):
        jump = _scan_step(fn, last.k + 1, last.x, last.f, last.df, x, it.f, it.df)
    return it, values, velocity, jump


# --- poles and gaps between two iterates ------------------------------------------------


def _scan_step(
    fn: DifferentiableFunction,
    k: int,
    a: float,
    fa: float,
    dfa: float,
    b: float,
    fb: float,
    dfb: float,
) -> Jump | None:
    """Did the step from a to b cross a pole, a gap in the domain, or a jump of f?

    Samples f between a and b. An undefined or infinite sample marks a pole or a gap. A
    sample-to-sample change far steeper than f′ at both ends is bisected: for a
    continuous f the change shrinks with the interval, at a discontinuity it does not.
    """
    n = _SCAN_SAMPLES
    h = (b - a) / (n + 1)
    xs = [a + h * i for i in range(1, n + 1)]
    ys = _f_many(fn, xs)
    px = [a, *xs, b]
    py: list[float | None] = [fa, *ys, fb]
    ref = max(abs(fa), abs(fb), 1.0)
    for i in range(1, n + 1):
        y = py[i]
        if y is None or math.isinf(y):
            prev = py[i - 1]
            assert prev is not None
            return _undefined_between(fn, k, px[i - 1], prev, px[i], px[i + 1], py[i + 1], ref)
    vals = [float(v) for v in py if v is not None]
    diffs = [abs(vals[i + 1] - vals[i]) for i in range(n + 1)]
    i = max(range(n + 1), key=diffs.__getitem__)
    if diffs[i] <= 4 * max(abs(dfa), abs(dfb)) * abs(h) + 1e-12 * ref:
        return None  # no steeper than the ends allow: nothing suspicious
    return _bisect_discontinuity(fn, k, px[i], vals[i], px[i + 1], vals[i + 1], ref)


def _bisect_discontinuity(
    fn: DifferentiableFunction, k: int, lo: float, flo: float, hi: float, fhi: float, ref: float
) -> Jump | None:
    jump0 = abs(fhi - flo)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break  # adjacent floats
        fm = _call(fn.f, mid)
        if fm is None or math.isinf(fm):
            return _undefined_between(fn, k, lo, flo, mid, hi, fhi, ref)
        if abs(fm - flo) >= abs(fhi - fm):
            hi, fhi = mid, fm
        else:
            lo, flo = mid, fm
    if abs(fhi - flo) < 0.5 * jump0:
        return None  # the change shrank with the interval: f is continuous there
    kind = "pole" if max(abs(flo), abs(fhi)) > 1e6 * ref else "discontinuity"
    return Jump(k, kind, _snap(0.5 * (lo + hi), lo, hi))


def _undefined_between(
    fn: DifferentiableFunction,
    k: int,
    lo: float,
    flo: float,
    bad: float,
    after: float,
    fafter: float | None,
    ref: float,
) -> Jump | None:
    """f is defined at lo and not at bad (undefined or infinite): a pole, a gap, or a hole."""
    _a, fa, b = _edge_of_domain(fn, lo, flo, bad, 80)
    if fa is not None and abs(fa) > 1e6 * ref:
        return Jump(k, "pole", _snap(b, lo, bad))
    # A lone undefined point with a finite limit (sin(x)/x at 0) is not worth a word.
    if fafter is not None and math.isfinite(fafter):
        probe = bad + (after - bad) * 1e-6
        fp = _call(fn.f, probe)
        if fp is not None and math.isfinite(fp) and fa is not None and abs(fp - fa) < 1e-3 * ref:
            return None
    return Jump(k, "gap", _snap(b, lo, bad))


def _edge_of_domain(
    fn: DifferentiableFunction, a: float, fa: float | None, b: float, iterations: int
) -> tuple[float, float | None, float]:
    """Bisect between ``a`` (f defined) and ``b`` (f undefined or infinite).

    Returns ``(a, f(a), b)`` closed in on the edge: the last point where f is defined and
    finite, its value, and the first point found where it is not.
    """
    for _ in range(iterations):
        mid = 0.5 * (a + b)
        if mid in (a, b):
            break
        fm = _call(fn.f, mid)
        if fm is None or math.isinf(fm):
            b = mid
        else:
            a, fa = mid, fm
    return a, fa, b


def _snap(x: float, a: float, b: float) -> float:
    """Round a located point to 0 when it is 0 up to the bisection's resolution."""
    return 0.0 if abs(x) <= 1e-12 * max(1.0, abs(a), abs(b)) else x


# --- judging an iterate -----------------------------------------------------------------


def _judge(
    settings: DescentSettings,
    fn: DifferentiableFunction,
    iterates: Sequence[Iterate],
    values: _Values,
    jumps: tuple[Jump, ...],
    describe_running: bool,
) -> tuple[str | None, str, str]:
    """(status, outcome, message) for the last iterate, by the contract's rules."""
    it = iterates[-1]
    x, k = it.x, it.k
    method = settings.method
    if not math.isfinite(x) or abs(x) > DIVERGENCE_BOUND:
        return _diverged(settings, iterates, jumps, f"|x| exceeded {_n(DIVERGENCE_BOUND)}")
    nonfinite = [
        name
        for name, v in (("f(x)", values.f), ("f′(x)", values.df), ("f″(x)", values.d2f))
        if v is not None and math.isinf(v)
    ]
    if nonfinite:
        return _diverged(settings, iterates, jumps, f"{nonfinite[0]} is not finite at x = {_n(x)}")
    overflow = _overflow_at(fn, iterates, values)
    if overflow:
        return _diverged(settings, iterates, jumps, f"{overflow} at x = {_n(x)}")
    if values.f is None:
        if k == 0:
            return (
                "stalled",
                "outside_domain",
                (f"the start x = {_n(x)} is outside the domain of f (f is undefined there)"),
            )
        return (
            "stalled",
            "left_domain",
            _with_jumps(
                f"left the domain of f at x = {_n(x)} after {_steps(k)} (f is undefined there)",
                jumps,
            ),
        )
    if values.df is None:
        return (
            "stalled",
            "stalled_kink",
            _with_jumps(
                f"stalled: f′ does not exist at x = {_n(x)} ({_singular_kind(fn, x)})", jumps
            ),
        )
    df = values.df
    if abs(df) < settings.tol:
        if not _differentiable(fn, x):
            return (
                "stalled",
                "stalled_kink",
                _with_jumps(
                    f"stalled: f′ does not exist at x = {_n(x)} ({_singular_kind(fn, x)})", jumps
                ),
            )
        outcome, what = _stationary_kind(settings, fn, x, values)
        sep = ", " if what.startswith("but") else ": "
        message = f"|f′(x)| < {_n(settings.tol)} after {_steps(k)} at x = {_n(x)}{sep}{what}"
        return "converged", _jump_outcome(outcome, jumps), _with_jumps(message, jumps)
    if values.d2f is None:
        return (
            "stalled",
            "undefined_curvature",
            _with_jumps(f"stalled: f″ does not exist at x = {_n(x)}", jumps),
        )
    d2f = values.d2f
    if method == "newton" and d2f == 0:
        return (
            "stalled",
            "newton_zero_curvature",
            _with_jumps(
                f"stalled: Newton divides by f″ = 0 at x = {_n(x)} "
                "(f has no curvature here, so the Newton step is undefined)",
                jumps,
            ),
        )
    if k >= settings.max_steps:
        outcome, message = _at_max_steps(settings, iterates)
        return "max_steps", _jump_outcome(outcome, jumps), _with_jumps(message, jumps)
    if not describe_running:
        return None, "running", ""
    return None, "running", _running_message(settings, it, jumps)


# Beyond this, a value is taken as a float overflow (the largest float is 1.8e308).
_HUGE = 1e300


def _overflow_at(fn: DifferentiableFunction, iterates: Sequence[Iterate], values: _Values) -> str:
    """Words for a value that is undefined only because it overflowed, else "".

    Compiled functions give NaN for both (numpy's inf is "not finite" there): f′ next to
    an f beyond 1e300 overflowed; an f undefined on the far side of a region where |f|
    grows beyond 1e300 overflowed, unlike ln x past 0 or a single pole.
    """
    f, df = values.f, values.df
    if f is not None and abs(f) > _HUGE and (df is None or values.d2f is None):
        return "f′ is not finite"
    if df is not None and abs(df) > _HUGE and values.d2f is None:
        return "f″ is not finite"
    if f is not None:
        return ""
    x = iterates[-1].x
    if len(iterates) >= 2 and iterates[-2].f is not None:
        inside = iterates[-2].x
    else:  # the start: look for a point where f is defined between 0 and x
        inside = math.nan
        probe = x
        for _ in range(64):
            probe *= 0.5
            if _call(fn.f, probe) is not None:
                inside = probe
                break
        if not math.isfinite(inside):
            return ""
    a, fa, b = _edge_of_domain(fn, inside, _call(fn.f, inside), x, 200)
    if fa is None or abs(fa) < _HUGE:
        return ""
    # A pole is a single point: f is defined again just beyond it.
    beyond = b + (b - a) * 1e3 if b != a else b
    if _call(fn.f, beyond) is not None and beyond != x:
        return ""
    return "f(x) overflows (|f| > 1.8e308)"


def _differentiable(fn: DifferentiableFunction, x: float) -> bool:
    hook = getattr(fn, "is_differentiable", None)
    if hook is None:
        return True
    try:
        return bool(hook(x))
    except (ArithmeticError, ValueError, TypeError):
        return True


def _singular_kind(fn: DifferentiableFunction, x: float) -> str:
    """A few words on why f′(x) does not exist: the ``kind`` hook and one-sided slopes."""
    kind = ""
    hook = getattr(fn, "kind", None)
    if hook is not None:
        try:
            kind = str(hook(x))
        except (ArithmeticError, ValueError, TypeError):
            kind = ""
    if kind == "outside the domain":
        return "f is undefined there"
    h = 1e-7 * max(1.0, abs(x))
    f0, fl, fr = _call(fn.f, x), _call(fn.f, x - h), _call(fn.f, x + h)
    slopes = ""
    if f0 is not None and fl is not None and fr is not None:
        left, right = (f0 - fl) / h, (fr - f0) / h
        if math.isfinite(left) and math.isfinite(right):
            if not kind or kind == "smooth":
                if max(abs(left), abs(right)) > 1e5:
                    kind = "vertical tangent or a cusp"
                elif abs(left - right) > 1e-3 * max(1.0, abs(left), abs(right)):
                    kind = "corner"
            if kind == "corner":
                slopes = f": slope {_n(left, 3)} from the left, {_n(right, 3)} from the right"
    elif not kind or kind == "smooth":
        return "f is undefined next to it"
    if not kind or kind == "smooth":
        return "undefined there"
    article = "an" if kind[0] in "aeiou" else "a"
    return f"{article} {kind}{slopes}"


def _stationary_kind(
    settings: DescentSettings, fn: DifferentiableFunction, x: float, values: _Values
) -> tuple[str, str]:
    """(outcome, words) for a point where |f′| < tol: minimum, flat, maximum or saddle."""
    f0 = values.f
    d2f = values.d2f
    assert f0 is not None
    h = 1e-7 * max(1.0, abs(x))
    fl, fr = _call(fn.f, x - h), _call(fn.f, x + h)
    if (d2f is None or d2f == 0) and (fl == f0 or fr == f0):
        other = fr if fl == f0 else fl
        if other is not None and other > f0:  # relu(x)² at 0
            return "converged", "a minimum (f is flat on one side and rises on the other)"
        if other is not None and other < f0:
            return "flat", "f′ = 0 where a flat stretch ends: f falls beyond it, so no minimum"
        return "flat", ("f′ = 0 on a flat region: f is constant here, not necessarily a minimum")
    df = values.df
    if df and _still_sloping(fn, x, f0, df):
        toward = "larger x" if df < 0 else "smaller x"
        return "vanishing_gradient", (
            f"but this is no minimum: f′ ≈ {_n(df, 3)} is tiny, not 0, and f keeps decreasing"
            f" toward {toward} (a vanishing gradient)"
        )
    if d2f is not None and d2f > 0:
        return "converged", f"a local minimum (f″ = {_n(d2f)} > 0)"
    newton = settings.method == "newton"
    if d2f is not None and d2f < 0:
        if newton:
            return "newton_to_maximum", (
                f"a maximum, not a minimum: Newton is heading for a maximum (f″ = {_n(d2f)} < 0)"
                " — it solves f′ = 0 and cannot tell a maximum from a minimum"
            )
        return "maximum", (
            f"a local maximum, not a minimum (f″ = {_n(d2f)} < 0): any nudge sends the descent away"
        )
    # f″ = 0 or undefined: compare f on both sides, farther out than rounding noise.
    h = 1e-3 * max(1.0, abs(x))
    fl, fr = _call(fn.f, x - h), _call(fn.f, x + h)
    if fl is not None and fr is not None:
        if fl >= f0 and fr >= f0:
            return "converged", "a minimum (f″ = 0 here, f rises on both sides)"
        if fl <= f0 and fr <= f0:
            return ("newton_to_maximum" if newton else "maximum"), (
                "a maximum, not a minimum (f″ = 0 here, f falls on both sides)"
            )
        return "saddle", "an inflection point with f′ = 0 (a saddle), not a minimum"
    return "converged", "f″ is 0 or undefined here, so the kind of point is unclear"


def _still_sloping(fn: DifferentiableFunction, x: float, f0: float, df: float) -> bool:
    """Whether f falls downhill and rises uphill at every probe out to 0.1·max(1, |x|).

    Near a minimum or maximum some probe crosses it; on a slope whose f′ merely
    vanishes (the tail of e^(−x²), sigmoid far out) none does.
    """
    downhill = -1.0 if df > 0 else 1.0
    scale = max(1.0, abs(x))
    below, above = f0, f0
    for frac in (1e-3, 1e-2, 1e-1):
        h = frac * scale
        down, up = _call(fn.f, x + downhill * h), _call(fn.f, x - downhill * h)
        # strictly, probe after probe: relu(x)² near 0 falls to 0 and stays (a minimum)
        if down is None or up is None or not down < below <= f0 <= above < up:
            return False
        below, above = down, up
    return True


def _diverged(
    settings: DescentSettings, iterates: Sequence[Iterate], jumps: tuple[Jump, ...], why: str
) -> tuple[str, str, str]:
    k = iterates[-1].k
    head = f"diverged: {why} after {_steps(k)}" if k else f"diverged at the start: {why}"
    if _oscillating_growth(iterates):
        return (
            "diverged",
            "oscillating",
            _with_jumps(
                f"{head}; oscillating with growing amplitude"
                + _overshoot_reason(settings, iterates),
                jumps,
            ),
        )
    direction = _steady_descent(iterates)
    if direction:
        return (
            "diverged",
            "unbounded_below",
            _with_jumps(f"{head}; f decreases without bound as x → {direction}", jumps),
        )
    return "diverged", "diverged", _with_jumps(head, jumps)


def _at_max_steps(settings: DescentSettings, iterates: Sequence[Iterate]) -> tuple[str, str]:
    it = iterates[-1]
    k = it.k
    head = f"stopped after {_steps(k)} at x = {_n(it.x)}"
    cycle = _two_cycle(iterates)
    if cycle is not None:
        a, b = cycle
        return "cycling", f"{head}: cycling between x = {_n(a)} and x = {_n(b)}" + (
            _cycle_reason(settings, iterates)
        )
    if _oscillating_growth(iterates):
        return "oscillating", (
            f"{head}: oscillating with growing amplitude"
            f"{_overshoot_reason(settings, iterates)}; this diverges"
        )
    df = it.df if it.df is not None else math.nan
    last_step = abs(it.step or 0.0)
    prev = abs(iterates[-2].step or 0.0)
    ratio = last_step / prev if prev else math.nan
    if _monotone(iterates):
        steps = f"steps of {_n(last_step, 3)}"
        rest = _remaining_steps(settings, iterates)
        if abs(df) < 1e-3:
            return "crawling", f"{head}: still crawling: f′ ≈ {_n(df, 3)} is tiny, {steps}{rest}"
        if ratio >= 0.999:  # steps not shrinking: no sign of a minimum ahead
            toward = "larger x" if (it.step or 0.0) > 0 else "smaller x"
            pace = (
                "at a steady pace"
                if ratio <= 1.001
                else f"faster and faster (steps grow ×{_n(ratio, 4)} per step)"
            )
            if _steady_descent(iterates):
                return "max_steps", (
                    f"{head}: still descending {pace} toward {toward} (f′ ≈ {_n(df, 3)},"
                    f" {steps}): a minimum, if there is one, is farther than this run went"
                )
            return "max_steps", f"{head}: still moving {pace} toward {toward}, {steps}"
        if ratio > 0.95:
            return "crawling", (
                f"{head}: still crawling: {steps} shrink only ×{_n(ratio, 4)} per step{rest}"
            )
        return "crawling", (
            f"{head}: still on its way: |f′| = {_n(abs(df), 3)} ≥ {_n(settings.tol)}, {steps}{rest}"
        )
    return "max_steps", f"{head}: |f′(x)| = {_n(abs(df), 3)} is still ≥ {_n(settings.tol)}"


def _running_message(settings: DescentSettings, it: Iterate, jumps: tuple[Jump, ...]) -> str:
    text = f"step {it.k}: x = {_n(it.x)}, f(x) = {_n(it.f)}, f′(x) = {_n(it.df)}"
    hint = ""
    d2f = it.d2f
    if d2f is not None:
        lr = settings.learning_rate
        if settings.method == "newton" and d2f < 0:
            hint = f"Newton is heading for a maximum (f″ = {_n(d2f)} < 0)"
        elif settings.method == "gd" and d2f > 0:
            product = lr * d2f
            if math.isclose(product, 2.0, rel_tol=1e-9):
                hint = "η·f″ = 2: at the stability limit, steps overshoot to the mirror point"
            elif product > 2:
                hint = (
                    f"η = {_n(lr)} is above the stability limit 2/f″ = {_n(2 / d2f)} here:"
                    " steps overshoot and grow"
                )
        elif settings.method == "momentum" and d2f > 0:
            limit = 2 * (1 + settings.beta) / d2f
            if lr > limit:
                hint = (
                    f"η = {_n(lr)} is above the momentum stability limit 2(1 + β)/f″ ="
                    f" {_n(limit)} here"
                )
    if jumps:
        j = jumps[-1]
        hint = "; ".join(filter(None, [hint, _jump_words(j)]))
    return f"{text} — {hint}" if hint else text


# --- patterns in the history ------------------------------------------------------------


def _window(iterates: Sequence[Iterate], n: int) -> list[float]:
    """The last n steps (x_k − x_{k−1}), fewer if the run is shorter."""
    steps = [it.step for it in iterates[-n:] if it.step is not None]
    return [s for s in steps if math.isfinite(s)]


def _oscillating_growth(iterates: Sequence[Iterate]) -> bool:
    steps = _window(iterates, 6)
    if len(steps) < 3:
        return False
    alternating = all(steps[i] * steps[i + 1] < 0 for i in range(len(steps) - 1))
    growing = all(abs(steps[i + 1]) > abs(steps[i]) for i in range(len(steps) - 1))
    return alternating and growing


def _steady_descent(iterates: Sequence[Iterate]) -> str:
    """ "+∞"/"−∞" when the last steps all go one way and f falls each step, else ""."""
    tail = list(iterates[-6:])
    steps = [it.step for it in tail[1:]]
    fs = [it.f for it in tail]
    if len(steps) < 3 or any(s is None or s == 0 or not math.isfinite(s) for s in steps):
        return ""
    if not (all(s > 0 for s in steps) or all(s < 0 for s in steps)):  # type: ignore[operator]
        return ""
    known = [f for f in fs if f is not None]
    if len(known) >= 2 and not all(known[i + 1] < known[i] for i in range(len(known) - 1)):
        return ""
    return "+∞" if steps[0] > 0 else "−∞"  # type: ignore[operator]


def _monotone(iterates: Sequence[Iterate]) -> bool:
    steps = _window(iterates, 10)
    return bool(steps) and (all(s > 0 for s in steps) or all(s < 0 for s in steps))


def _two_cycle(iterates: Sequence[Iterate]) -> tuple[float, float] | None:
    if len(iterates) < 5:
        return None
    xs = [it.x for it in iterates[-5:]]
    scale = max(1.0, *(abs(v) for v in xs))
    same = all(abs(xs[i] - xs[i + 2]) <= 1e-9 * scale for i in range(3))
    moving = abs(xs[-1] - xs[-2]) > 1e-9 * scale
    if same and moving:
        # Report the pair in the order first visited (the start's side first).
        return (xs[-1], xs[-2]) if iterates[-1].k % 2 == 0 else (xs[-2], xs[-1])
    return None


def _cycle_reason(settings: DescentSettings, iterates: Sequence[Iterate]) -> str:
    a, b = iterates[-1], iterates[-2]
    if (
        settings.method == "gd"
        and a.d2f is not None
        and b.d2f is not None
        and math.isclose(a.d2f, b.d2f, rel_tol=1e-9)
        and a.d2f > 0
    ):
        product = settings.learning_rate * a.d2f
        limit = ", at the stability limit" if math.isclose(product, 2.0, rel_tol=1e-9) else ""
        return f" (η·f″ = {_n(product)}{limit})"
    return " (each step overshoots to the other point)"


def _overshoot_reason(settings: DescentSettings, iterates: Sequence[Iterate]) -> str:
    """Why steps grow: the first iterate where η exceeded the stability limit."""
    lr, beta = settings.learning_rate, settings.beta
    for it in iterates:
        d2f = it.d2f
        if d2f is None or d2f <= 0:
            continue
        if settings.method == "gd" and lr * d2f > 2:
            where = f" (at x = {_n(it.x)})" if it.k else ""
            return f": η = {_n(lr)} is above the stability limit 2/f″ = {_n(2 / d2f)}{where}"
        if settings.method == "momentum" and lr * d2f > 2 * (1 + beta):
            return (
                f": η = {_n(lr)} is above the momentum stability limit 2(1 + β)/f″ ="
                f" {_n(2 * (1 + beta) / d2f)}"
            )
    if settings.method == "newton":
        return ": Newton's steps f′/f″ overshoot further each time"
    return ""


def _remaining_steps(settings: DescentSettings, iterates: Sequence[Iterate]) -> str:
    """For steady linear convergence, how many more steps |f′| < tol would take."""
    steps = [abs(s) for s in _window(iterates, 6)]
    df = iterates[-1].df
    if len(steps) < 4 or df is None or df == 0 or any(s == 0 for s in steps):
        return ""
    ratios = [steps[i + 1] / steps[i] for i in range(len(steps) - 1)]
    r = ratios[-1]
    if not 0 < r < 0.9999 or any(abs(q - r) > 1e-6 * r for q in ratios):
        return ""
    more = math.log(settings.tol / abs(df)) / math.log(r)
    if more <= 0 or not math.isfinite(more):
        return ""
    return f"; about {round(more):,} more steps to converge at this rate"


# --- words ------------------------------------------------------------------------------


def _jump_outcome(outcome: str, jumps: tuple[Jump, ...]) -> str:
    for j in jumps:
        if j.kind == "pole":
            return "jumped_pole"
    for j in jumps:
        if j.kind == "gap":
            return "jumped_gap"
    return outcome


def _jump_words(j: Jump) -> str:
    if j.kind == "pole":
        what = "jumped across a pole at about x ≈"
    elif j.kind == "gap":
        what = "jumped across a gap in the domain of f (undefined) at about x ≈"
    else:
        what = "jumped across a discontinuity of f at about x ≈"
    return f"{what} {_n(j.x, 4)} (step {j.k})"


def _with_jumps(message: str, jumps: tuple[Jump, ...]) -> str:
    if not jumps:
        return message
    first = _jump_words(jumps[0])
    more = f" (and {len(jumps) - 1} more later)" if len(jumps) > 1 else ""
    return f"{first}{more}, then continued on the other side; {message}"


def _steps(k: int) -> str:
    return "1 step" if k == 1 else f"{k} steps"


def _n(value: float | None, digits: int = 6) -> str:
    """A number for people: ``digits`` significant digits, a real minus sign."""
    from derivview.model.formatting import format_number

    return format_number(value, digits)


__all__ = [
    "DIVERGENCE_BOUND",
    "MAX_STEPS_LIMIT",
    "METHODS",
    "DescentRun",
    "DescentSettings",
    "DifferentiableFunction",
    "Iterate",
    "Jump",
    "Method",
    "ScalarFunction",
    "Status",
    "from_compiled",
    "run_to_end",
    "stability_bound",
    "start",
    "step",
    "suggested_learning_rate",
]
