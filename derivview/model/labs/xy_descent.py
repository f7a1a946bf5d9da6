"""Descent on f(x, y) in the workspace: the settings and the run(s) being stepped. Qt-free.

The 2-D twin of :class:`~derivview.model.descent.state.DescentState`: one configuration
(method, η, β) or, to compare, two of them, from the same start (x, y) on the same f with
the same step limit; the optimizer is :mod:`derivview.model.labs.descent2d`. A change of
f, of a parameter or of a setting drops the runs, so what is shown always belongs to
what the person chose. Settings are checked by the same fields as the 1-D descent's
(:mod:`derivview.model.descent.config`) and :mod:`derivview.model.labs.xy_fields`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from derivview.model.descent.config import (
    BETA,
    DEFAULT_CONFIGS,
    LEARNING_RATE,
    METHOD,
    DescentConfig,
)
from derivview.model.labs.xy_fields import COMPARE, CONFIGS, MAX_STEPS, START, TOL
from derivview.model.signals import Signal

if TYPE_CHECKING:  # numpy comes with these: imported when a run starts
    from derivview.model.labs.descent2d import Run2D, Settings2D
    from derivview.model.labs.fxy import BoundXy

#: The function to run on (f at the current parameter values), or None.
BoundSource = Callable[[], "BoundXy | None"]

_CHECKS = {"configs": CONFIGS, "start": START, "max_steps": MAX_STEPS, "tol": TOL,
           "compare": COMPARE}  # fmt: skip


class XyDescent:
    """Settings and current runs of 2-D descent.

    Signals
    -------
    changed()
        A setting, the runs, or the function they run on changed.
    settings_changed()
        A setting that session files save changed.
    """

    changed = Signal()
    settings_changed = Signal()

    def __init__(self, source: BoundSource) -> None:
        self._source = source
        self.configs: tuple[DescentConfig, DescentConfig] = DEFAULT_CONFIGS
        self.start: tuple[float, float] = START.default
        self.max_steps: int = MAX_STEPS.default
        self.tol: float = TOL.default
        self.compare: bool = COMPARE.default
        #: The current runs: empty (reset), or one per configuration shown.
        self.runs: tuple[Run2D, ...] = ()
        #: Bumped whenever the runs are replaced rather than extended.
        self.generation = 0

    # -- settings ---------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The saved settings: ``configs``, ``start``, ``max_steps``, ``tol``, ``compare``."""
        return {name: getattr(self, name) for name in _CHECKS}

    def update(self, **values: Any) -> None:
        """Change settings (names as in :meth:`values`), all checked first; announced once.
        Raises ``Invalid`` (a ValueError)."""
        checked = {}
        for name, value in values.items():
            if name not in _CHECKS:
                raise ValueError(f"unknown descent setting {name!r}")
            checked[name] = _CHECKS[name].check(value)
        changed = {k: v for k, v in checked.items() if getattr(self, k) != v}
        if not changed:
            return
        for name, value in changed.items():
            setattr(self, name, value)
        self._drop_runs()
        self.settings_changed.emit()
        self.changed.emit()

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

    def set_start(self, x: float, y: float) -> None:
        """Move the start point (shared by both configurations)."""
        self.update(start=(x, y))

    def settings(self, which: int = 0) -> Settings2D:
        """The optimizer's settings for configuration ``which``."""
        from derivview.model.labs.descent2d import Settings2D

        c = self.configs[which]
        return Settings2D(
            c.method, c.learning_rate, c.beta, tuple(self.start), self.max_steps, self.tol
        )

    def active(self) -> tuple[int, ...]:
        """Indices of the configurations that run: (0,) or (0, 1)."""
        return (0, 1) if self.compare else (0,)

    # -- running ----------------------------------------------------------------------

    @property
    def k(self) -> int:
        """Steps taken by the furthest run (-1 when there is no run)."""
        return max((len(r.iterates) - 1 for r in self.runs), default=-1)

    @property
    def finished(self) -> bool:
        """Whether there are runs and every one of them has ended."""
        return bool(self.runs) and all(r.finished for r in self.runs)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Announce the changes made inside once (Play's fast mode)."""
        with self.changed.paused(lambda a, b: b):
            yield

    def step(self, n: int = 1) -> int:
        """Take up to ``n`` iterations of every unfinished run; announce once.

        With no run, the runs start at the start point first (the first Step shows the
        start and the first iterate). Returns the iterations taken by the furthest run.
        """
        from derivview.model.labs import descent2d

        fn = self._source()
        if fn is None or n < 1:
            return 0
        runs = self.runs
        if not runs:
            runs = tuple(descent2d.start(self.settings(i), fn) for i in self.active())
            self.generation += 1
        taken = 0
        for _ in range(n):
            if all(r.finished for r in runs):
                break
            runs = tuple(r if r.finished else _guarded_step(r, fn) for r in runs)
            taken += 1
        changed = runs is not self.runs
        self.runs = runs
        if changed:
            self.changed.emit()
        return taken

    def reset(self) -> None:
        """Back to the start: no run (the next Step starts again)."""
        if self.runs:
            self._drop_runs()
            self.changed.emit()

    def function_changed(self) -> None:
        """f or a parameter changed: runs made on the old one no longer apply."""
        self._drop_runs()
        self.changed.emit()

    def _drop_runs(self) -> None:
        if self.runs:
            self.runs = ()
            self.generation += 1

    def show_runs_of(self, other: XyDescent) -> None:
        """Show ``other``'s runs as they are (a copy of a session for the export)."""
        if self.runs is not other.runs:
            self.runs = other.runs
            self.generation += 1
            self.changed.emit()


def _guarded_step(run: Run2D, fn: BoundXy) -> Run2D:
    """One optimizer step; an arithmetic failure ends the run with a message."""
    from derivview.model.labs import descent2d

    try:
        return descent2d.step(run, fn)
    except (ArithmeticError, ValueError) as err:
        return replace(
            run,
            status="stalled",
            outcome="error",
            message=f"stopped: the step could not be computed ({err})",
        )
