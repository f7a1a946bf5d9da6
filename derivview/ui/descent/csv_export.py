"""Export the descent runs as CSV: pick a file, write it atomically, say why if not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from derivview.model.descent.text import csv_text

if TYPE_CHECKING:
    from derivview.model.descent.state import DescentState


class CsvExportError(Exception):
    """The runs could not be written; ``str(err)`` says why, for people."""


def write_runs_csv(state: DescentState, path: str | Path) -> None:
    """Write the runs to ``path`` atomically (a complete file or the old one).

    Columns ``k,x,f,df,step`` (one run) or ``k,A_x,A_f,A_df,A_step,B_x,...`` (two);
    numbers at full precision (they read back exactly), empty where undefined.
    """
    from derivview.model.fileio import write_atomic

    try:
        text = csv_text(state.runs)
    except ValueError as exc:
        raise CsvExportError(str(exc)) from None
    write_atomic(Path(path), text.encode("utf-8"), CsvExportError)


def export_runs_csv(parent: QWidget, state: DescentState) -> Path | None:
    """Ask for a file and write the runs there; a failure is shown in a message box.

    Returns the file written, or None (cancelled, nothing to export, or failed).
    """
    if not state.runs:
        return None
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export descent run", "descent.csv", "CSV files (*.csv);;All files (*)"
    )
    if not name:
        return None
    try:
        write_runs_csv(state, name)
    except CsvExportError as err:
        box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", str(err), parent=parent)
        box.setObjectName("gdExportError")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return None
    return Path(name)
