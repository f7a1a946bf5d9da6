"""The regression lab as a part of the session's state (session files).

Saved: the data source (the generator's settings, or a CSV's path *and* its data, so a
moved file does not lose the session), η, epochs, the start, standardization and the
run's epoch (replayed on opening). A CSV of more than ``MAX_KEPT_POINTS`` points is kept
by its path only: opening such a session reads the file again, and refuses the session,
naming the file, if it cannot. Light: imports no numpy until data is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.labs.regression_config import FIELDS
from derivview.model.labs.regression_state import RegressionState, check_together
from derivview.model.state.fields import Invalid
from derivview.model.state.part import StatePart, Where

if TYPE_CHECKING:
    from derivview.model.session import Session


class RegressionPart(StatePart):
    """The regression lab's settings and the run's epoch (``session.state("regression")``)."""

    key = "regression"
    title = "the regression lab"
    fields = FIELDS

    def create(self, session: Session) -> RegressionState:
        state = RegressionState()
        state.settings_changed.connect(session.mark_modified)
        return state

    def read(self, session: Session) -> dict[str, Any]:
        state: RegressionState = session.state(self.key)
        return state.values()

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        state: RegressionState = session.state(self.key)
        state.update(**values)

    def check(self, values: dict[str, Any], where: Where) -> dict[str, Any]:
        path = values["csv_path"]
        if values["source"] == "csv" and values["data"] is None and path:
            # Too large to be kept in the file: read it again from where it was.
            from derivview.model.labs.regression import DataError, read_csv

            try:
                values = {**values, "data": read_csv(path)}
            except (DataError, OSError) as exc:
                raise Invalid(
                    f"{where('csv_path')}: the data was kept by its file, which cannot be "
                    f"used now: {exc}"
                ) from None
        check_together(values, where)
        return values
