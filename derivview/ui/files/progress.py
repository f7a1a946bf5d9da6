"""Progress of a long export (a large PNG, an animation), with a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget


class ExportProgress:
    """A ``progress(done, total)`` callable for the exporters: shows a progress bar (after
    the first step, so quick exports show none), keeps the window responsive, and answers
    False once the person pressed Cancel."""

    def __init__(self, parent: QWidget, text: str) -> None:
        self._parent = parent
        self._text = text
        #: The dialog once shown (for tests and tools).
        self.dialog: QProgressDialog | None = None

    def __call__(self, done: int, total: int) -> bool:
        if self.dialog is None:
            if done >= total:
                return True
            dialog = QProgressDialog(self._text, "Cancel", 0, total, self._parent)
            dialog.setObjectName("exportProgress")
            dialog.setWindowTitle("derivview")
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.setMinimumDuration(0)
            dialog.setAutoClose(False)
            dialog.setAutoReset(False)
            dialog.show()
            self.dialog = dialog
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        QApplication.processEvents()
        return not self.dialog.wasCanceled()

    def close(self) -> None:
        """Take the dialog down."""
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
