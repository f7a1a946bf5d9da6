"""File › Export Plot… (the Export dialog) and Copy Plot (the view on the clipboard)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from derivview.model.session import Session
    from derivview.ui.export import ExportDialog
    from derivview.ui.files.animation_dialog import AnimationDialog
    from derivview.ui.main_window import MainWindow

#: The picture's size when the view is not laid out yet (a hidden window).
FALLBACK_SIZE = (1000, 625)


class ExportActions(QObject):
    """Export and copy what ``plot`` shows of ``session``.

    ``view_size`` and ``dark`` say the size and colours of the plot to export: the
    window passes its current plot's (the workspace shown).
    """

    def __init__(
        self,
        window: MainWindow,
        session: Session,
        view_size: Callable[[], tuple[int, int]],
        dark: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self.setObjectName("exportActions")
        self.window = window
        self.session = session
        self._view_size = view_size
        self._dark = dark
        #: The dialog last opened, and the last error box (for tests and tools).
        self.dialog: ExportDialog | None = None
        self.message_box: QMessageBox | None = None
        self.export_action = QAction("&Export Plot…", window)
        self.export_action.setObjectName("actionExportPlot")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip("Save the plot as a PNG, SVG or PDF file")
        self.export_action.triggered.connect(self.export_plot)
        self.animation_action = QAction("Export &Animation…", window)
        self.animation_action.setObjectName("actionExportAnimation")
        self.animation_action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.animation_action.setToolTip(
            "Save an animated GIF: the tangent point sweeping along f, or a descent run"
        )
        self.animation_action.triggered.connect(self.export_animation)
        #: The animation dialog last opened (for tests and tools).
        self.animation_dialog: AnimationDialog | None = None
        self.copy_action = QAction("&Copy Plot", window)
        self.copy_action.setObjectName("actionCopyPlot")
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.setToolTip("Copy the plot to the clipboard as an image")
        self.copy_action.triggered.connect(self.copy_plot)

    def actions(self) -> tuple[QAction, ...]:
        """The actions with shortcuts (Export, Copy)."""
        return (self.export_action, self.animation_action, self.copy_action)

    def view_size(self) -> tuple[int, int]:
        """The plot's size on screen (the dialog's default), or a fallback before layout."""
        w, h = self._view_size()
        return (w, h) if w >= 100 and h >= 100 else FALLBACK_SIZE

    def export_dialog(self) -> ExportDialog:
        """A new Export dialog for the current view (not shown)."""
        from derivview.ui.export import ExportDialog

        return ExportDialog(self.session, self.view_size(), self._dark(), self.window)

    def export_plot(self) -> None:
        """File › Export Plot…: the Export dialog (non-blocking), or the workspace's own."""
        if self.window.current_workspace.export_plot():
            return
        dialog = self.export_dialog()
        dialog.accepted.connect(
            lambda: (
                self.window.statusBar().showMessage(f"Exported {dialog.exported_path}", 5000)
                if dialog.exported_path
                else None
            )
        )
        self.dialog = dialog
        dialog.open()

    def export_animation(self) -> None:
        """File › Export Animation…: the animation dialog (non-blocking)."""
        from derivview.ui.files.animation_dialog import AnimationDialog

        dialog = AnimationDialog(self.session, self.view_size(), self._dark(), self.window)
        dialog.accepted.connect(
            lambda: self.window.statusBar().showMessage(f"Exported {dialog.exported_path}", 5000)
        )
        self.animation_dialog = dialog
        dialog.open()

    def copy_plot(self) -> None:
        """File › Copy Plot: the view as an image on the clipboard (at the screen's density)."""
        if self.window.current_workspace.copy_plot():
            return
        from derivview.ui.export import ExportError, ExportOptions, render_session_image

        w, h = self.view_size()
        ratio = self.window.devicePixelRatioF()
        dark = self._dark()
        options = ExportOptions(
            width=w,
            height=h,
            scale=min(max(ratio, 1.0), 3.0),
            background="dark" if dark else "light",
            dark=dark,
        )
        try:
            image = render_session_image(self.session, options)
        except ExportError as exc:
            box = QMessageBox(self.window)
            box.setObjectName("fileError")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("derivview")
            box.setText("The plot could not be copied.")
            box.setInformativeText(str(exc))
            self.message_box = box
            box.open()
            return
        QGuiApplication.clipboard().setImage(image)
        self.window.statusBar().showMessage("Copied the plot to the clipboard", 5000)
