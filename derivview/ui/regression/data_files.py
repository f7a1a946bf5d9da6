"""Opening a CSV file of data for the regression lab (the Data panel's button, File menu).

The file is validated completely before anything changes (:func:`read_csv`): a bad file
— a cell that is not a number, one row, an empty file, 50 MB, a NaN — is refused with a
message naming the row and column, in a message box, and the lab keeps its data.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from derivview.ui.settings import app_settings

if TYPE_CHECKING:
    from derivview.model.labs.regression_state import RegressionState

KEY_DATA_FOLDER = "files/lastDataFolder"
CSV_FILTER = "CSV files (*.csv *.txt *.tsv);;All files (*)"


def _choose(parent: QWidget) -> str:
    folder = str(app_settings().value(KEY_DATA_FOLDER, "") or "")
    start = folder if folder and Path(folder).is_dir() else str(Path.home())
    name, _ = QFileDialog.getOpenFileName(parent, "Open Data", start, CSV_FILTER)
    return name


#: Asks for a file ("" to cancel); replaceable (tests answer without a modal dialog).
choose_csv_path: Callable[[QWidget], str] = _choose


def open_csv(parent: QWidget, state: RegressionState, path: str | None = None) -> bool:
    """Ask for a CSV file (unless ``path`` is given) and train on it; on failure say why.

    Returns True if the data was opened. The message box of a failure is a child of
    ``parent``'s window named ``dataError``.
    """
    from derivview.model.labs.regression import DataError

    name = path if path is not None else choose_csv_path(parent)
    if not name:
        return False
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        state.open_csv(name)
    except (DataError, OSError) as exc:
        QGuiApplication.restoreOverrideCursor()
        _show_error(parent, Path(name).name, str(exc))
        return False
    QGuiApplication.restoreOverrideCursor()
    app_settings().setValue(KEY_DATA_FOLDER, str(Path(name).resolve().parent))
    return True


def _show_error(parent: QWidget, name: str, detail: str) -> None:
    box = QMessageBox(parent.window())
    box.setObjectName("dataError")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("derivview")
    box.setText(f"{name} could not be used as data; the data is unchanged.")
    box.setInformativeText(detail)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
