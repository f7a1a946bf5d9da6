"""The descent panel's state: its settings, and the run(s) being stepped through. Qt-free.

One configuration (method, η, β) or, in compare mode, two of them, run from the same start
point on the same f with the same step limit. The optimizer itself is the pure step
function of :mod:`derivview.model.optimizers`; this class only holds the current runs and
says when they are no longer valid: a change of f, of a parameter's value or of any setting
drops them (the view shows an empty table and "ready"), so what is shown always belongs to
what the person has chosen. Settings are checked by the fields of
:mod:`derivview.model.descent.config`, the one rule for every caller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from derivview.model.descent.config import (
    BETA,
    COMPARE,
    CONFIGS,
    DEFAULT_CONFIGS,
    LEARNING_RATE,
    MAX_STEPS,
    METHOD,
    START,
    TOL,
    DescentConfig,
)
from derivview.model.signals import Signal

if TYPE_CHECKING:  # the optimizers are imported lazily: the session is imported early
    from derivview.model.optimizers import DescentRun, DescentSettings, ScalarFunction

#: Returns the compiled function and the parameter values to run on, or None if there is
#: no function yet.
FunctionSource = Callable[[], "tuple[Any, Mapping[str, float]] | None"]


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
        self.configs: tuple[DescentConfig, DescentConfig] = DEFAULT_CONFIGS
        self.start: float = START.default
        self.max_steps: int = MAX_STEPS.default
        self.tol: float = TOL.default
        self.compare: bool = COMPARE.default
        #: The current runs: empty (reset), or one per configuration shown.
        self.runs: tuple[DescentRun, ...] = ()
        #: Bumped whenever the runs are replaced rather than extended (views re-read all).
        self.generation: int = 0
        #: Whether a person (or a file, or the command line) has set anything up: the plot
        #: shows the start marker only then, or while there are runs.
        self.touched: bool = False
        self._fn: ScalarFunction | None = None
        self._fn_key: tuple[Any, tuple[tuple[str, float], ...]] | None = None

    # -- settings ---------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """Every saved setting: ``configs``, ``start``, ``max_steps``, ``tol``, ``compare``."""
        return {
            "configs": self.configs,
            "start": self.start,
            "max_steps": self.max_steps,
            "tol": self.tol,
            "compare": self.compare,
        }

    def update(self, **values: Any) -> None:
        """Change several settings at once (names as in :meth:`values`), announced once.

        Everything is checked before anything changes; raises ``Invalid`` (ValueError).
        """
        checks = {
            "configs": CONFIGS,
            "start": START,
            "max_steps": MAX_STEPS,
            "tol": TOL,
            "compare": COMPARE,
        }
        checked = {}
        for name, value in values.items():
            if name not in checks:
                raise ValueError(f"unknown descent setting {name!r}")
            checked[name] = checks[name].check(value)
        changed = {k: v for k, v in checked.items() if getattr(self, k) != v}
        if not changed:
            return
        for name, value in changed.items():
            setattr(self, name, value)
        self.touched = True
        self._settings_changed()

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
        new = DescentConfig(
            METHOD.check(old.method if method is None else method),
            LEARNING_RATE.check(old.learning_rate if learning_rate is None else learning_rate),
            BETA.check(old.beta if beta is None else beta),
        )
        configs = list(self.configs)
        configs[which] = new
        self.update(configs=tuple(configs))

    def set_start(self, x: float) -> None:
        """Move the start point (shared by both configurations)."""
        self.update(start=x)

    def set_max_steps(self, n: int) -> None:
        """Set the step limit (1 … 100000)."""
        self.update(max_steps=n)

    def set_tol(self, tol: float) -> None:
        """Set the convergence tolerance on |f′(x)|."""
        self.update(tol=tol)

    def set_compare(self, on: bool) -> None:
        """Run a second configuration side by side (or stop doing so)."""
        self.update(compare=bool(on))

    def settings(self, which: int = 0) -> DescentSettings:
        """The optimizer's settings for configuration ``which``."""
        from derivview.model.optimizers import DescentSettings

        c = self.configs[which]
        return DescentSettings(
            method=c.method,
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
    def set_up(self) -> bool:
        """Whether a run is being set up or shown: settings touched, or runs exist."""
        return self.touched or bool(self.runs)

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

    def show_runs(self, runs: tuple[DescentRun, ...]) -> None:
        """Show ``runs`` as they are (an animation replays a run step by step).

        They must belong to this state's function and parameters.
        """
        if self.runs is not runs:
            self.runs = runs
            self.generation += 1
            self.changed.emit()

    def show_runs_of(self, other: DescentState) -> None:
        """Show ``other``'s runs as they are (a copy of a session for the export).

        The runs must belong to the same function and parameters as this state's source.
        """
        if self.touched != other.touched:
            self.touched = other.touched
            self.changed.emit()
        if self.runs is not other.runs:
            self.runs = other.runs
            self.generation += 1
            self.changed.emit()

    # -- where the run is -------------------------------------------------------------

    def current_point(self) -> tuple[float, float | None, bool] | None:
        """(x, f″(x), f defined at x) at run A's newest iterate, or at the start before a run.

        None when there is no function. Where the stability note is computed.
        """
        if self.runs:
            last = self.runs[0].iterates[-1]
            return last.x, last.d2f, last.f is not None
        fn = self.function()
        if fn is None:
            return None

        def value(func: Callable[[float], float | None]) -> float | None:
            try:
                v = func(self.start)
            except (ArithmeticError, ValueError):
                return None
            return v if v is not None and math.isfinite(v) else None

        return self.start, value(fn.d2f), value(fn.f) is not None

    def stability_context(self) -> dict[str, Any]:
        """Keyword arguments of ``stability_note`` for where run A is (or starts).

        ``shape``: a kink, an inflection or a straight stretch at that x (else None);
        ``diverged``: whether run A has diverged.
        """
        from derivview.model.descent.stability import local_shape

        point = self.current_point()
        fn = self.function()
        diverged = bool(self.runs) and self.runs[0].status == "diverged"
        if point is None or fn is None or diverged or not math.isfinite(point[0]):
            return {"shape": None, "diverged": diverged}
        return {"shape": local_shape(fn.df, fn.d2f, point[0]), "diverged": diverged}
