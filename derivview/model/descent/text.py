"""What the descent panel says: table cells, the status line, rows for CSV. Qt-free."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from derivview.model.formatting import format_number as _format

if TYPE_CHECKING:
    from derivview.model.descent.state import DescentState
    from derivview.model.optimizers import DescentRun

#: Significant digits in the table: the contract asks for at least 6, and 6 keeps four
#: columns (k, x, f, f′) whole in a dock of 30% of a 1024-px window.
TABLE_DIGITS = 6
RUN_NAMES = ("A", "B")


def format_number(value: float | None, digits: int = TABLE_DIGITS) -> str:
    """A number for the table: ``digits`` significant digits, a real minus sign, an
    exponent written short (9.480626e10, 5.315921e−9); "—" where undefined."""
    return _format(value, digits, undefined="—")


def words(value: float, digits: int = 6) -> str:
    """A number in a sentence: a real minus sign, no exponent noise for simple values."""
    return _format(value, digits)


#: How a finished run ended, in a few words before the optimizer's message, for the
#: outcomes whose status alone would mislead ("converged" at a maximum is not a success).
_CONVERGED_HEADS = {
    "converged": "converged",
    "flat": "stopped on a flat region",
    "maximum": "converged to a maximum",
    "newton_to_maximum": "converged to a maximum",
    "saddle": "stopped at a saddle point",
}
_STATUS_HEADS = {"diverged": "diverged", "stalled": "stalled", "max_steps": "step limit reached"}


def outcome_text(status: str, outcome: str, message: str) -> str:
    """The status line for a finished run: a headline, then the optimizer's words."""
    if status == "converged":
        head = _CONVERGED_HEADS.get(outcome, "converged")
    else:
        head = _STATUS_HEADS.get(status, status)
    if message.startswith((head, "stalled", "diverged", "stopped", "left the domain")):
        return message
    return f"{head}: {message}"


def status_text(state: DescentState, has_function: bool) -> str:
    """The status line: waiting, ready, running (k and a hint), or how each run ended."""
    if not has_function:
        return "waiting for f(x)"
    if not state.runs:
        return f"ready: press Step or Play to start from x = {words(state.start, 10)}"
    lines = []
    for i, run in enumerate(state.runs):
        if run.status is None:
            text = f"running: k = {len(run.iterates) - 1}"
            hint = run.message.partition(" — ")[2]
            if hint:
                text += f" — {hint}"
        else:
            text = outcome_text(run.status, run.outcome, run.message)
        if len(state.runs) > 1:
            text = f"{RUN_NAMES[i]} ({state.configs[i].label}): {text}"
        lines.append(text)
    return "\n".join(lines)


def run_rows(runs: Sequence[DescentRun]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the runs for CSV or the clipboard, numbers at full precision.

    Columns ``k,x,f,df,step`` for one run, ``k,A_x,A_f,A_df,A_step,B_x,...`` for two;
    ``repr`` of each float (it reads back exactly); empty where undefined or past a run's end.
    """
    fields = ("x", "f", "df", "step")
    if len(runs) == 1:
        header = ["k", *fields]
    else:
        header = ["k"] + [f"{RUN_NAMES[i]}_{f}" for i in range(len(runs)) for f in fields]
    rows = []
    for k in range(max((len(r.iterates) for r in runs), default=0)):
        cells = [str(k)]
        for r in runs:
            if k < len(r.iterates):
                it = r.iterates[k]
                cells += ["" if v is None else repr(float(v)) for v in (it.x, it.f, it.df, it.step)]
            else:
                cells += [""] * len(fields)
        rows.append(cells)
    return header, rows


def csv_text(runs: Sequence[DescentRun]) -> str:
    """The runs as CSV (see :func:`run_rows`); raises ValueError when there is no run."""
    if not runs:
        raise ValueError("there is no run to export: press Step or Play first")
    header, rows = run_rows(runs)
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"
