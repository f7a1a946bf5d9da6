"""What the 2-D descent panel says: the status line, and the runs as rows for CSV. Qt-free."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from derivview.model.descent.text import RUN_NAMES, outcome_text, words

if TYPE_CHECKING:
    from derivview.model.labs.xy_descent import XyDescent

FIELDS = ("x", "y", "f", "df_dx", "df_dy")


def status_text(descent: XyDescent, has_function: bool) -> str:
    """Waiting, ready, running (k and a hint), or how each run ended."""
    if not has_function:
        return "waiting for f(x, y)"
    if not descent.runs:
        x, y = descent.start
        return f"ready: press Step or Play to start from (x, y) = ({words(x, 10)}, {words(y, 10)})"
    lines = []
    for i, run in enumerate(descent.runs):
        if run.status is None:
            text = f"running: k = {len(run.iterates) - 1}"
            hint = run.message.partition(" — ")[2]
            if hint:
                text += f" — {hint}"
        else:
            text = outcome_text(run.status, run.outcome, run.message)
        if len(descent.runs) > 1:
            text = f"{RUN_NAMES[i]} ({descent.configs[i].label}): {text}"
        lines.append(text)
    return "\n".join(lines)


def _cells(it: Any) -> list[str]:
    g = it.gradient or (None, None)
    return ["" if v is None or not math.isfinite(v) else repr(float(v))
            for v in (it.x, it.y, it.f, g[0], g[1])]  # fmt: skip


def run_rows(runs: Sequence[Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows at full precision: ``k,x,y,f,df_dx,df_dy`` for one run,
    ``k,A_x,…,B_x,…`` for two; empty where undefined or past a run's end."""
    if len(runs) == 1:
        header = ["k", *FIELDS]
    else:
        header = ["k"] + [f"{RUN_NAMES[i]}_{f}" for i in range(len(runs)) for f in FIELDS]
    rows = []
    for k in range(max((len(r.iterates) for r in runs), default=0)):
        cells = [str(k)]
        for r in runs:
            cells += _cells(r.iterates[k]) if k < len(r.iterates) else [""] * len(FIELDS)
        rows.append(cells)
    return header, rows


def csv_text(runs: Sequence[Any]) -> str:
    """The runs as CSV (see :func:`run_rows`); ValueError when there is no run."""
    if not runs:
        raise ValueError("there is no run to export: press Step or Play first")
    header, rows = run_rows(runs)
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"
