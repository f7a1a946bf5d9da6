"""The regression lab's state: where the data comes from, how it trains, and the run. Qt-free.

The settings (:mod:`derivview.model.labs.regression_config`) are checked by their fields;
everything computed from them — the data, its standardization, the bowl of the loss, the
least-squares answer, the run — is made when first asked for and kept until a setting it
depends on changes. So creating the state (every session does) costs nothing and imports
no numpy; a session copied for an export never trains.

A change of any setting replaces the run by a fresh one at the start; a session file's
``epoch`` is replayed (the run is deterministic), so a reopened session shows the same
run at the same epoch.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from derivview.model.labs.regression_config import DATA_FIELDS, EPOCH, FIELDS
from derivview.model.signals import Signal
from derivview.model.state.fields import Invalid, short

if TYPE_CHECKING:
    from derivview.model.labs.regression import (
        Bowl,
        Dataset,
        LeastSquares,
        RegressionRun,
        Scaling,
    )

_FIELDS = {f.name: f for f in FIELDS}


def check_together(values: dict[str, Any], where: Callable[[str], str] = str) -> None:
    """The rules between fields: CSV data for a CSV source; the epoch within the run.

    Raises :class:`Invalid` naming the field as ``where(name)`` says (``regression.epoch``).
    """
    if values["source"] == "csv" and values["data"] is None:
        raise Invalid(f"{where('data')}: the CSV source needs its data (or the file's path)")
    if values["epoch"] > values["epochs"]:
        raise Invalid(
            f"{where('epoch')}: {values['epoch']} is beyond the run's {values['epochs']} epochs"
        )


class RegressionState:
    """The regression lab's settings, data and run.

    Signals
    -------
    data_changed()
        The data, or the coordinates the run trains in (x standardized or not), changed:
        the scatter, the bowl, the least-squares answer and the stability bound are new.
        ``changed`` follows.
    changed()
        The run moved (epochs), went back to the start, or was replaced (any setting).
    settings_changed()
        A value a session file saves changed (a setting, or the run's epoch).
    """

    data_changed = Signal()
    changed = Signal()
    settings_changed = Signal()

    def __init__(self) -> None:
        self._values: dict[str, Any] = {f.name: f.default for f in FIELDS if f is not EPOCH}
        self._target = 0  # the epoch a new run is stepped to (a session file's)
        self._run: RegressionRun | None = None
        self._derived: dict[str, Any] = {}

    # -- settings ---------------------------------------------------------------------

    def get(self, name: str) -> Any:
        """The value of setting ``name`` (a field's name; ``epoch``: the run's)."""
        if name == "epoch":
            return self.epoch
        return self._values[name]

    def values(self) -> dict[str, Any]:
        """Every saved value, by field name (the CSV's data as a Dataset, or None)."""
        return {**self._values, "epoch": self.epoch}

    def update(self, **values: Any) -> None:
        """Change settings (names as in :meth:`values`), announced once.

        Everything is checked before anything changes; raises :class:`Invalid` (a
        ValueError). A changed setting replaces the run by a new one at the start, or at
        ``epoch`` if given (a session file's).
        """
        checked: dict[str, Any] = {}
        for name, value in values.items():
            if name not in _FIELDS:
                raise Invalid(f"unknown regression setting {short(name)}")
            checked[name] = _FIELDS[name].check(value)
        target = checked.pop("epoch", None)
        new = {**self._values, **checked}
        check_together({**new, "epoch": 0 if target is None else target})
        changed = {
            k
            for k, v in new.items()
            if (v is not self._values[k] if k == "data" else v != self._values[k])
        }
        moved = target is not None and target != self.epoch
        if not changed and not moved:
            return
        self._values = new
        data_changed = bool(changed & (DATA_FIELDS | {"standardize"}))
        if data_changed:
            self._derived.clear()
        self._run = None
        self._target = target or 0
        if data_changed:
            self.data_changed.emit()
        self.changed.emit()
        self.settings_changed.emit()

    def open_csv(self, path: str) -> Dataset:
        """Read a CSV file and train on it. Raises DataError or OSError; then nothing changed."""
        from derivview.model.labs.regression import read_csv

        data = read_csv(path)
        self.update(source="csv", csv_path=os.path.abspath(path), data=data)
        return data

    # -- the data and what follows from it ----------------------------------------------

    def _cached(self, key: str, make: Any) -> Any:
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    @property
    def data(self) -> Dataset:
        """The data: the CSV's, or the seeded generator's for the current settings."""

        def make() -> Dataset:
            v = self._values
            if v["source"] == "csv":
                return v["data"]  # type: ignore[no-any-return]
            from derivview.model.labs.regression import synthetic

            return synthetic(
                v["n"], slope=v["slope"], intercept=v["intercept"], noise=v["noise"], seed=v["seed"]
            )

        return self._cached("data", make)  # type: ignore[no-any-return]

    @property
    def scaling(self) -> Scaling | None:
        """The standardization of x the run trains in, or None (raw x)."""
        if not self._values["standardize"]:
            return None
        from derivview.model.labs.regression import Scaling

        return self._cached("scaling", lambda: Scaling.of(self.data))  # type: ignore[no-any-return]

    @property
    def trained(self) -> Dataset:
        """The data the run trains on: x standardized, or as it is."""
        s = self.scaling
        if s is None:
            return self.data
        return self._cached("trained", lambda: s.apply(self.data))  # type: ignore[no-any-return]

    @property
    def bowl(self) -> Bowl:
        """The loss as a quadratic bowl, in the coordinates trained (m′, b′ if scaled)."""
        from derivview.model.labs.regression import Bowl

        return self._cached("bowl", lambda: Bowl.of(self.trained))  # type: ignore[no-any-return]

    @property
    def answer(self) -> LeastSquares | None:
        """The least-squares line in the original x (None when every x is the same)."""
        from derivview.model.labs.regression import least_squares

        return self._cached("answer", lambda: least_squares(self.data))  # type: ignore[no-any-return]

    @property
    def trained_answer(self) -> LeastSquares | None:
        """The least-squares answer in the coordinates trained."""
        from derivview.model.labs.regression import least_squares

        return self._cached("trained_answer", lambda: least_squares(self.trained))  # type: ignore[no-any-return]

    @property
    def eigenvalues(self) -> tuple[float, float]:
        """The Hessian's eigenvalues (ascending), in the coordinates trained."""

        def make() -> tuple[float, float]:
            import numpy as np

            from derivview.model.labs.regression import hessian

            lo, hi = np.linalg.eigvalsh(hessian(self.trained))
            return float(lo), float(hi)

        return self._cached("eigenvalues", make)  # type: ignore[no-any-return]

    @property
    def bound(self) -> float:
        """The largest stable η, 2/λ_max, in the coordinates trained."""
        return 2.0 / self.eigenvalues[1]

    # -- the run --------------------------------------------------------------------------

    def start(self) -> tuple[float, float]:
        """The start (m, b) in the coordinates trained (the setting is in the original x)."""
        m0, b0 = self._values["init"]
        s = self.scaling
        return (m0, b0) if s is None else s.to_scaled(m0, b0)

    @property
    def run(self) -> RegressionRun:
        """The run (made at the start, or replayed to a session file's epoch, when first asked)."""
        if self._run is None:
            from derivview.model.labs.regression import RegressionRun

            m0, b0 = self.start()
            v = self._values
            run = RegressionRun(self.trained, v["learning_rate"], v["epochs"], m0, b0)
            run.step(self._target)
            self._run = run
            self._target = 0
        return self._run

    @property
    def epoch(self) -> int:
        """How many epochs the run has made."""
        return self._target if self._run is None else self._run.epoch

    @property
    def runs(self) -> tuple[RegressionRun, ...]:
        """The run once it has left the start, else nothing (Play's view of "reset")."""
        return (self.run,) if self.epoch > 0 else ()

    @property
    def finished(self) -> bool:
        """Nothing more for Play to do: the run has ended, or has converged (|∇L| < tol).

        Step still goes on after convergence, to the run's last epoch, as the seed's loop.
        """
        run = self.run
        return run.finished or (run.converged_at is not None and self.epoch > 0)

    def step(self, n: int = 1) -> int:
        """Up to ``n`` epochs; announced once. Returns how many were made."""
        made = self.run.step(n) if n > 0 else 0
        if made:
            self.changed.emit()
            self.settings_changed.emit()
        return made

    def reset(self) -> None:
        """Back to the start (the same settings)."""
        if self.epoch > 0:
            self._run = None
            self._target = 0
            self.changed.emit()
            self.settings_changed.emit()

    def line(self) -> tuple[float, float]:
        """The current line's (m, b) in the original x."""
        last = self.run.last
        s = self.scaling
        return (last.m, last.b) if s is None else s.to_original(last.m, last.b)
