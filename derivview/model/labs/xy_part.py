"""The f(x, y) workspace as a part of the session's state (session files, exports).

In a session file it is the object ``"xy"``::

    "xy": {"expression": "x^2 + 8y^2", "parameters": {}, "point": [1.5, 0.5],
           "x_range": [-3.0, 3.0], "y_range": [-1.5, 1.5],
           "visible": ["contours", "descent", "gradient", "heatmap", "level"],
           "configs": [{"method": "gd", "learning_rate": 0.1, "beta": 0.9}, ...],
           "start": [2.5, 1.0], "max_steps": 100, "tol": 1e-08, "compare": false,
           "steps_taken": 12}

``steps_taken`` is how far the descent had gone: opening the file replays the run to
that step (the run itself is recomputed exactly from f, the settings and the start).
Light: nothing heavy is imported until a function is compiled.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.labs.xy_fields import FIELDS
from derivview.model.labs.xy_state import XyState
from derivview.model.state.part import StatePart

if TYPE_CHECKING:
    from derivview.model.session import Session


class XyPart(StatePart):
    """f(x, y), its parameters, the point, the region, what is shown, the descent."""

    key = "xy"
    title = "the f(x, y) workspace"
    fields = FIELDS

    def create(self, session: Session) -> XyState:
        state = XyState()
        state.modified.connect(session.mark_modified)
        return state

    def read(self, session: Session) -> dict[str, Any]:
        state: XyState = session.state(self.key)
        return state.values()

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        state: XyState = session.state(self.key)
        state.update(values)

    def copy_results(self, source: Session, target: Session) -> None:
        target.state(self.key).descent.show_runs_of(source.state(self.key).descent)
