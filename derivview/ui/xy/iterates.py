"""The 2-D runs in the iterate table and the loss plot (``xyTable``, ``xyLossPlot``).

The f(x) descent's table and loss plot, given the f(x, y) workspace's runs: one row per
iterate k with x, y, f and |∇f| per run; Ctrl+C and CSV at full precision (k, x, y, f,
∂f/∂x, ∂f/∂y); the log scale measures the gap to the minimum of the local quadratic
model, f − ½·∇fᵀH⁻¹∇f where H is positive definite (exact on a quadratic bowl).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from derivview.model.labs import xy_text
from derivview.ui.descent.source import RunSource, lowest_or_local

if TYPE_CHECKING:
    import numpy as np

    from derivview.model.labs.xy_state import XyState


def _norm(it: Any) -> float | None:
    g = it.gradient
    return None if g is None else math.hypot(*g)


def _local_minimum(run: Any, fs: np.ndarray) -> float:
    last = run.iterates[-1]
    local = None
    if last.f is not None and last.gradient is not None and last.hessian is not None:
        (a, b), (_, d) = last.hessian
        det = a * d - b * b
        if a > 0 and det > 0:  # positive definite: the model has a minimum
            gx, gy = last.gradient
            # ∇fᵀH⁻¹∇f with H⁻¹ = [[d, −b], [−b, a]]/det
            local = last.f - 0.5 * (d * gx * gx - 2 * b * gx * gy + a * gy * gy) / det
    return lowest_or_local(run, fs, local)


def export_csv(parent: QWidget, state: XyState) -> Path | None:
    """Ask for a file and write the runs there as CSV; a failure is shown in a box."""
    from derivview.model.session_file import write_atomic

    runs = state.descent.runs
    if not runs:
        return None
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export descent run", "descent-xy.csv", "CSV files (*.csv);;All files (*)"
    )
    if not name:
        return None
    try:
        write_atomic(Path(name), xy_text.csv_text(runs).encode("utf-8"), OSError)
    except (OSError, ValueError) as err:
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", str(err), parent=parent)
        box.setObjectName("xyExportError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return None
    return Path(name)


def xy_source(state: XyState) -> RunSource:
    """The f(x, y) workspace's runs, for the iterate table and the loss plot."""
    return RunSource(
        state=state.descent,
        changed=state.descent.changed,
        prefix="xy",
        fields=("x", "y", "f", "|∇f|"),
        tips=(
            "xₖ of the iterate",
            "yₖ of the iterate",
            "the loss f(xₖ, yₖ)",
            "|∇f| there: the run converges when it falls below the tolerance",
        ),
        cells=lambda it: (it.x, it.y, it.f, _norm(it)),
        rows=xy_text.run_rows,
        export=lambda parent: export_csv(parent, state),
        minimum=_local_minimum,
        loss_axis="f(xₖ, yₖ)",
    )
