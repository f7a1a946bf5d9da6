"""The descent panel's state: its settings, and the run(s) being stepped through. Qt-free.

One configuration (method, η, β) or, in compare mode, two of them, run from the same start
point on the same f with the same step limit. The optimizer itself is the pure step
function of :mod:`derivview.model.optimizers`; this class only holds the current runs and
says when they are no longer valid: a change of f, of a parameter's value or of any setting
drops them (the view shows an empty table and "ready"), so what is shown always belongs to
what the person has chosen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal

if TYPE_CHECKING:  # the optimizers are imported lazily: the session is imported early
    from derivview.model.optimizers import DescentRun, DescentSettings, ScalarFunction

METHODS: tuple[str, ...] = ("gd", "momentum", "newton")
METHOD_LABELS: dict[str, str] = {
    "gd": "gradient descent",
    "momentum": "momentum",
    "newton": "Newton's method",
}
LEARNING_RATE_RANGE = (1e-4, 10.0)
MAX_STEPS_LIMIT = 100_000
MAX_ABS_START = 1e12

#: Returns the compiled function and the parameter values to run on, or None if there is
#: no function yet.
FunctionSource = Callable[[], "tuple[Any, Mapping[str, float]] | None"]


@dataclass(frozen=True)
class Config:
    """One configuration's own choices (start point, step limit and tol are shared)."""

    method: str = "gd"
    learning_rate: float = 0.1
    beta: float = 0.9


def _check_config(config: Config) -> Config:
    if config.method not in METHODS:
        raise ValueError(f"unknown method {config.method!r}; use one of {', '.join(METHODS)}")
    lr = float(config.learning_rate)
    lo, hi = LEARNING_RATE_RANGE
    if not (math.isfinite(lr) and lo <= lr <= hi):
        raise ValueError(f"the learning rate η must be between {lo:g} and {hi:g}, got {lr!r}")
    beta = float(config.beta)
    if not (math.isfinite(beta) and 0.0 <= beta < 1.0):
        raise ValueError(f"momentum β must be in [0, 1), got {beta!r}")
    return Config(config.method, lr, beta)


class DescentState:
    """Settings and current runs of the descent panel.

    Signals
    -------
    changed()
        A setting, the compare mode, the runs, or the function they run on changed.
    settings_changed()
        A setting that a session file saves changed (the session marks itself modified).
    """

    changed = Signal()
    settings_changed = Signal()

    def __init__(self, source: FunctionSource) -> None:
        self._source = source
        self.configs: tuple[Config, Config] = (Config(), Config(method="newton"))
        self.start: float = 0.0
        self.max_steps: int = 100
        self.tol: float = 1e-8
        self.compare: bool = False
        #: The current runs: empty (reset), or one per configuration shown.
        self.runs: tuple[DescentRun, ...] = ()
        #: Bumped whenever the runs are replaced rather than extended (views re-read all).
        self.generation: int = 0
        self._fn: ScalarFunction | None = None
        self._fn_key: tuple[Any, tuple[tuple[str, float], ...]] | None = None

    # -- settings ---------------------------------------------------------------------

    def set_config(
        self,
        which: int,
        *,
        method: str | None = None,
        learning_rate: float | None = None,
        beta: float | None = None,
    ) -> None:
        """Change configuration ``which`` (0 or 1). Raises ValueError for invalid values."""
        if which not in (0, 1):
            raise ValueError(f"configuration must be 0 or 1, got {which!r}")
        old = self.configs[which]
        new = _check_config(
            replace(
                old,
                method=old.method if method is None else method,
                learning_rate=old.learning_rate if learning_rate is None else learning_rate,
                beta=old.beta if beta is None else beta,
            )
        )
        if new == old:
            return
        configs = list(self.configs)
        configs[which] = new
        self.configs = (configs[0], configs[1])
        self._settings_changed()

    def set_start(self, x: float) -> None:
        """Move the start point (shared by both configurations)."""
        x = float(x)
        if not (math.isfinite(x) and abs(x) <= MAX_ABS_START):
            raise ValueError(f"the start point must be a finite number within ±{MAX_ABS_START:g}")
        if x != self.start:
            self.start = x
            self._settings_changed()

    def set_max_steps(self, n: int) -> None:
        """Set the step limit (1 … 100000)."""
        if isinstance(n, bool) or int(n) != n or not 1 <= n <= MAX_STEPS_LIMIT:
            raise ValueError(f"the number of steps must be a whole number in 1 … {MAX_STEPS_LIMIT}")
        if int(n) != self.max_steps:
            self.max_steps = int(n)
            self._settings_changed()

    def set_tol(self, tol: float) -> None:
        """Set the convergence tolerance on |f′(x)|."""
        tol = float(tol)
        if not (math.isfinite(tol) and 0.0 < tol < 1.0):
            raise ValueError(f"the tolerance must be in (0, 1), got {tol!r}")
        if tol != self.tol:
            self.tol = tol
            self._settings_changed()

    def set_compare(self, on: bool) -> None:
        """Run a second configuration side by side (or stop doing so)."""
        if bool(on) != self.compare:
            self.compare = bool(on)
            self._settings_changed()

    def settings(self, which: int = 0) -> DescentSettings:
        """The optimizer's settings for configuration ``which``."""
        from derivview.model.optimizers import DescentSettings

        c = self.configs[which]
        return DescentSettings(
            method=c.method,  # type: ignore[arg-type]  # checked against METHODS
            learning_rate=c.learning_rate,
            beta=c.beta,
            start=self.start,
            max_steps=self.max_steps,
            tol=self.tol,
        )

    def active(self) -> tuple[int, ...]:
        """Indices of the configurations that run: (0,) or (0, 1)."""
        return (0, 1) if self.compare else (0,)

    def _settings_changed(self) -> None:
        self._drop_runs()
        self.settings_changed.emit()
        self.changed.emit()

    # -- the function -----------------------------------------------------------------

    def function(self) -> ScalarFunction | None:
        """The function to descend on (f with the current parameter values), or None."""
        got = self._source()
        if got is None:
            return None
        compiled, params = got
        key = (compiled, tuple(sorted(params.items())))
        if self._fn is None or self._fn_key is None or not self._same_key(key):
            from derivview.model.optimizers import ScalarFunction

            self._fn = ScalarFunction.from_compiled(compiled, dict(params))
            self._fn_key = key
        return self._fn

    def _same_key(self, key: tuple[Any, tuple[tuple[str, float], ...]]) -> bool:
        old = self._fn_key
        return old is not None and old[0] is key[0] and old[1] == key[1]

    def function_maybe_changed(self) -> None:
        """Call when f or a parameter may have changed: drops runs made on another f."""
        got = self._source()
        key = None if got is None else (got[0], tuple(sorted(got[1].items())))
        if key is not None and self._same_key(key):
            return
        if key is None and self._fn_key is None:
            return
        self._fn = None
        self._fn_key = None
        self._drop_runs()
        self.changed.emit()

    # -- running ----------------------------------------------------------------------

    @property
    def k(self) -> int:
        """Index of the newest iterate over the runs (-1 when there is no run)."""
        return max((len(r.iterates) - 1 for r in self.runs), default=-1)

    @property
    def finished(self) -> bool:
        """Whether there are runs and every one of them has ended."""
        return bool(self.runs) and all(r.status is not None for r in self.runs)

    def step(self, n: int = 1) -> int:
        """Take up to ``n`` iterations of every unfinished run; announce once.

        With no current run, the runs start at the start point first (so the first Step
        shows x₀ and x₁). Returns the number of iterations taken (by the furthest run).
        """
        from derivview.model import optimizers

        fn = self.function()
        if fn is None or n < 1:
            return 0
        runs = self.runs
        if not runs:
            runs = tuple(
                self._guard(partial(optimizers.start, self.settings(i), fn), i)
                for i in self.active()
            )
            self.generation += 1
        taken = 0
        for _ in range(n):
            if all(r.status is not None for r in runs):
                break
            runs = tuple(
                r if r.status is not None else self._guard(partial(optimizers.step, r, fn), r)
                for r in runs
            )
            taken += 1
        changed = runs is not self.runs
        self.runs = runs
        if changed:
            self.changed.emit()
        return taken

    def _guard(self, compute: Callable[[], DescentRun], fallback: DescentRun | int) -> DescentRun:
        """Run one optimizer call; an arithmetic failure ends the run with a message."""
        try:
            return compute()
        except (ArithmeticError, ValueError) as err:
            if isinstance(fallback, int):
                raise  # cannot even start: the settings themselves are invalid
            return replace(
                fallback,
                status="stalled",
                outcome="error",
                message=f"stopped: the step could not be computed ({err})",
            )

    def reset(self) -> None:
        """Back to the start: no run (the next Step starts again)."""
        if self.runs:
            self._drop_runs()
            self.changed.emit()

    def _drop_runs(self) -> None:
        if self.runs:
            self.runs = ()
            self.generation += 1

    # -- saved state ------------------------------------------------------------------

    def as_dict(self) -> dict[str, Any]:
        """The settings as plain JSON-able data (for session files)."""
        return {
            "start": self.start,
            "max_steps": self.max_steps,
            "tol": self.tol,
            "compare": self.compare,
            "configs": [
                {"method": c.method, "learning_rate": c.learning_rate, "beta": c.beta}
                for c in self.configs
            ],
        }

    def apply_dict(self, data: Mapping[str, Any]) -> None:
        """Restore settings from :meth:`as_dict` data; ValueError if anything is invalid.

        Everything is validated before anything changes, and the change is announced once.
        """
        try:
            configs = data.get("configs", [c.__dict__ for c in self.configs])
            if not isinstance(configs, list) or len(configs) != 2:
                raise ValueError("descent: 'configs' must be a list of two configurations")
            new_configs = tuple(
                _check_config(Config(str(c["method"]), float(c["learning_rate"]), float(c["beta"])))
                for c in configs
            )
            start = float(data.get("start", self.start))
            max_steps = data.get("max_steps", self.max_steps)
            tol = float(data.get("tol", self.tol))
            compare = data.get("compare", self.compare)
        except (KeyError, TypeError, AttributeError) as err:
            raise ValueError(f"descent settings are malformed ({err})") from err
        if not isinstance(compare, bool):
            raise ValueError("descent: 'compare' must be true or false")
        probe = DescentState(self._source)
        probe.set_start(start)
        probe.set_max_steps(max_steps)
        probe.set_tol(tol)
        with self.changed.paused(lambda a, b: b), self.settings_changed.paused(lambda a, b: b):
            self.configs = (new_configs[0], new_configs[1])
            self.start, self.max_steps, self.tol = probe.start, probe.max_steps, probe.tol
            self.compare = compare
            self._settings_changed()
