"""Gradient descent as a part of the session's state (session files, command lines)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.descent.config import (
    BETA,
    COMPARE,
    CONFIGS,
    LEARNING_RATE,
    MAX_STEPS,
    METHOD,
    START,
    TOL,
    DescentConfig,
)
from derivview.model.descent.state import DescentState
from derivview.model.state.fields import Option
from derivview.model.state.part import StatePart

if TYPE_CHECKING:
    from derivview.model.session import Session


class DescentPart(StatePart):
    """The descent settings: two configurations, start, step limit, tolerance, compare.

    On a command line ``--method``, ``--lr`` and ``--beta`` set the first configuration
    (the one drawn by ``derivview export --show descent``).
    """

    key = "descent"
    title = "gradient descent"
    fields = (CONFIGS, START, MAX_STEPS, TOL, COMPARE)
    options = (
        Option("--start", "start", START.kind, "the descent's start point (0)"),
        Option(
            "--lr", "learning_rate", LEARNING_RATE.kind, "the learning rate η (0.1)", metavar="R"
        ),
        Option("--method", "method", METHOD.kind, "gd, momentum or newton (gd)", metavar="M"),
        Option("--beta", "beta", BETA.kind, "momentum β in [0, 1) (0.9)", metavar="B"),
        Option("--steps", "max_steps", MAX_STEPS.kind, "the most steps a run takes (100)"),
    )

    def create(self, session: Session) -> DescentState:
        def source() -> tuple[Any, dict[str, float]] | None:
            f = session.function
            return None if f is None else (f, session.param_values())

        state = DescentState(source)
        state.changed.connect(session.descent_changed.emit)
        state.settings_changed.connect(session.mark_modified)
        session.function_changed.connect(state.function_maybe_changed)
        session.params_changed.connect(state.function_maybe_changed)
        return state

    def read(self, session: Session) -> dict[str, Any]:
        return session.descent.values()

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        session.descent.update(**values)

    def copy_results(self, source: Session, target: Session) -> None:
        target.descent.show_runs_of(source.descent)

    def from_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in given.items() if k not in ("method", "learning_rate", "beta")}
        first = {k: given[k] for k in ("method", "learning_rate", "beta") if k in given}
        if first:
            default, second = CONFIGS.default
            out["configs"] = (DescentConfig(**{**default.__dict__, **first}), second)
        return out
