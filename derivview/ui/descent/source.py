"""What the iterate table and the loss plot show: whose runs, how to read an iterate.

The f(x) descent's runs (:func:`fx_source`) and the f(x, y) workspace's share one table
and one loss plot (:mod:`derivview.ui.descent.table`, :mod:`.loss_plot`); a
:class:`RunSource` says where the runs are, which signal announces them, the columns of
an iterate, and the names the widgets take (``gdTable`` for f(x), ``xyTable`` for
f(x, y): contracts.md names them, and scripts find them by these names).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from PySide6.QtWidgets import QWidget

    from derivview.model.session import Session
    from derivview.model.signals import SignalInstance

#: Header and rows of runs at full precision (for the clipboard).
Rows = tuple[list[str], list[list[str]]]


@dataclass(frozen=True)
class RunSource:
    """Runs to show in a table and a loss plot.

    state
        Has ``runs`` (each with ``iterates``, each iterate with ``k``, ``x``, ``f``),
        ``generation`` (bumped when the runs are replaced) and ``compare``.
    changed
        Announces a change of the runs.
    prefix
        Of the widgets' objectNames: ``{prefix}Table``, ``{prefix}Views``,
        ``{prefix}LossPlot``, ``{prefix}LossLog``, …
    fields, tips
        The columns of one run (after ``k``) and what each is.
    cells
        An iterate's values for those columns (None where undefined).
    rows
        Header and rows of runs for the clipboard, at full precision.
    export
        Asks for a file and writes the runs as CSV (``export(parent)``).
    minimum
        f* for the log scale: the minimum a run heads for, from its newest iterate and
        its values of f so far.
    loss_axis
        The loss plot's y label.
    """

    state: Any
    changed: SignalInstance
    prefix: str
    fields: tuple[str, ...]
    tips: tuple[str, ...]
    cells: Callable[[Any], tuple[float | None, ...]]
    rows: Callable[[Sequence[Any]], Rows]
    export: Callable[[QWidget], Any]
    minimum: Callable[[Any, np.ndarray], float]
    loss_axis: str = "f(xₖ)"

    def name(self, base: str) -> str:
        """An objectName: ``name("Table")`` is ``gdTable`` for f(x)."""
        return f"{self.prefix}{base}"


def lowest_or_local(run: Any, fs: np.ndarray, local: float | None) -> float:
    """f* for the log scale: the local model's minimum ``local`` if it is finite and not
    above the lowest f reached, else that lowest f (so every gap stays ≥ 0)."""
    import numpy as np

    finite = fs[np.isfinite(fs)]
    best = float(finite.min()) if finite.size else math.nan
    if local is not None and math.isfinite(local) and not local > best:
        return local
    return best


def _fx_minimum(run: Any, fs: np.ndarray) -> float:
    # f(x) ≈ f + f′·h + f″·h²/2 has its minimum f − f′²/(2f″) where f″ > 0.
    last = run.iterates[-1]
    local = None
    if last.f is not None and last.df is not None and last.d2f is not None and last.d2f > 0:
        local = last.f - last.df * last.df / (2 * last.d2f)
    return lowest_or_local(run, fs, local)


def fx_source(session: Session) -> RunSource:
    """The f(x) descent's runs (``session.descent``), named as contracts.md §3 says."""
    from derivview.model.descent.text import run_rows
    from derivview.ui.descent.csv_export import export_runs_csv

    state = session.descent
    return RunSource(
        state=state,
        changed=session.descent_changed,
        prefix="gd",
        fields=("x", "f(x)", "f′(x)", "step"),
        tips=(
            "the iterate xₖ",
            "the loss f(xₖ)",
            "the slope f′(xₖ) that drives the next step",
            "the step taken: xₖ − xₖ₋₁ (−η·f′ for gradient descent)",
        ),
        cells=lambda it: (it.x, it.f, it.df, it.step),
        rows=run_rows,
        export=lambda parent: export_runs_csv(parent, state),
        minimum=_fx_minimum,
    )
