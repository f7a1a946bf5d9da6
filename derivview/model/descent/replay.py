"""Replaying a descent run step by step (an animation's frames). Qt-free."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from derivview.model.optimizers import DescentRun


def run_after(run: DescentRun, steps: int) -> DescentRun:
    """``run`` as it stood after ``steps`` steps (the whole run from its last step on).

    Before its end the run is still running: no status, no final message.
    """
    n = min(max(steps, 0) + 1, len(run.iterates))
    if n == len(run.iterates):
        return run
    return replace(run, iterates=run.iterates.prefix(n), status=None, outcome="running", message="")
