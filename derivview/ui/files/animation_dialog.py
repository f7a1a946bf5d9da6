"""File › Export Animation…: an animated GIF of the tangent point sweeping along f, or of
a descent run step by step (:mod:`derivview.ui.animation`), with a progress bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from derivview.model.session import Session
from derivview.ui.animation import DEFAULT_FPS, DEFAULT_FRAMES, MAX_FRAMES, Animation
from derivview.ui.export import MAX_SIDE, MIN_SIDE, Cancelled, ExportError, ExportOptions
from derivview.ui.point_controls import PreciseSpinBox

KEY_FOLDER = "export/lastFolder"
MODES = (("x0", "tangent point sweeping along f"), ("descent", "descent run, one step a frame"))


class AnimationDialog(QDialog):
    """The animation's file, what moves, frames, speed, size and title."""

    def __init__(
        self,
        session: Session,
        view_size: tuple[int, int],
        dark: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from derivview.ui.settings import app_settings

        self.setObjectName("animationDialog")
        self.setWindowTitle("Export Animation")
        self.session = session
        self._dark = dark
        self.error_box: QMessageBox | None = None
        self.exported_path: Path | None = None
        folder = str(app_settings().value(KEY_FOLDER, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = str(Path.home())

        self.path_edit = QLineEdit(str(Path(folder) / "derivview-animation.gif"))
        self.path_edit.setObjectName("animationPath")
        self.path_edit.setMinimumWidth(360)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("animationMode")
        for key, label in MODES:
            self.mode_combo.addItem(label, key)
        self.frames_spin = QSpinBox()
        self.frames_spin.setObjectName("animationFrames")
        self.frames_spin.setRange(0, MAX_FRAMES)
        self.frames_spin.setValue(DEFAULT_FRAMES)
        self.frames_spin.setSpecialValueText("one per step")
        self.frames_spin.setToolTip("How many frames (descent: 0 gives one frame per step)")
        self.fps_spin = QDoubleSpinBox()
        self.fps_spin.setObjectName("animationFps")
        self.fps_spin.setRange(0.5, 50.0)
        self.fps_spin.setValue(DEFAULT_FPS)
        self.fps_spin.setSuffix(" frames/s")
        lo, hi = session.x_range
        inset = (hi - lo) / 20
        self.from_spin = PreciseSpinBox()
        self.from_spin.setObjectName("animationFrom")
        self.from_spin.setValue(lo + inset)
        self.to_spin = PreciseSpinBox()
        self.to_spin.setObjectName("animationTo")
        self.to_spin.setValue(hi - inset)
        sweep_row = QHBoxLayout()
        sweep_row.addWidget(self.from_spin)
        sweep_row.addWidget(QLabel("to"))
        sweep_row.addWidget(self.to_spin)

        w, h = view_size
        self.width_spin = QSpinBox()
        self.width_spin.setObjectName("animationWidth")
        self.height_spin = QSpinBox()
        self.height_spin.setObjectName("animationHeight")
        for spin, value in ((self.width_spin, min(w, 800)), (self.height_spin, min(h, 500))):
            spin.setRange(MIN_SIDE, MAX_SIDE)
            spin.setSuffix(" px")
            spin.setValue(max(int(value), MIN_SIDE))
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_spin)
        size_row.addStretch(1)
        self.title_combo = QComboBox()
        self.title_combo.setObjectName("animationTitle")
        self.title_combo.setEditable(True)
        self.title_combo.addItems(["auto", "none"])

        form = QFormLayout()
        form.addRow("File:", path_row)
        form.addRow("Animate:", self.mode_combo)
        form.addRow("Frames:", self.frames_spin)
        form.addRow("Speed:", self.fps_spin)
        self._sweep_label = QLabel("x₀ from:")
        form.addRow(self._sweep_label, sweep_row)
        form.addRow("Size:", size_row)
        form.addRow("Title:", self.title_combo)
        self._sweep_widgets = (self._sweep_label, self.from_spin, self.to_spin)
        self.mode_combo.currentIndexChanged.connect(self._on_mode)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.export_button.setText("Export")
        self.export_button.setObjectName("animationExport")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._on_mode()

    def _on_mode(self) -> None:
        x0 = self.mode_combo.currentData() == "x0"
        for widget in self._sweep_widgets:
            widget.setEnabled(x0)
        if not x0 and self.frames_spin.value() == DEFAULT_FRAMES:
            self.frames_spin.setValue(0)
        elif x0 and self.frames_spin.value() == 0:
            self.frames_spin.setValue(DEFAULT_FRAMES)

    def animation(self) -> Animation:
        """What the dialog asks for."""
        x0 = self.mode_combo.currentData() == "x0"
        frames = self.frames_spin.value() or None
        return Animation(
            str(self.mode_combo.currentData()),
            frames if frames or not x0 else DEFAULT_FRAMES,
            self.fps_spin.value(),
            self.from_spin.value() if x0 else None,
            self.to_spin.value() if x0 else None,
        )

    def options(self) -> ExportOptions:
        """The picture options of every frame."""
        return ExportOptions(
            width=self.width_spin.value(),
            height=self.height_spin.value(),
            background="dark" if self._dark else "light",
            dark=self._dark,
            title=self.title_combo.currentText().strip() or "none",
        )

    def path(self) -> Path:
        """The target file as typed (``~`` expanded)."""
        return Path(self.path_edit.text().strip()).expanduser()

    def accept(self) -> None:
        """Export with a progress bar; on failure say why and stay open."""
        from derivview.ui.animation import export_animation
        from derivview.ui.files.progress import ExportProgress
        from derivview.ui.settings import app_settings

        path = self.path()
        if path.suffix.lower() != ".gif":
            path = path.with_suffix(".gif")
            self.path_edit.setText(str(path))
        progress = ExportProgress(self, "Drawing the frames…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            export_animation(self.session, path, self.options(), self.animation(), progress)
        except Cancelled:
            return
        except ExportError as exc:
            self._show_error(str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
            progress.close()
        self.exported_path = path
        app_settings().setValue(KEY_FOLDER, str(path.parent.resolve()))
        super().accept()

    def _show_error(self, message: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("animationError")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Export failed")
        box.setText("The animation could not be exported.")
        box.setInformativeText(message)
        self.error_box = box
        box.open()

    def _browse(self) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export Animation", str(self.path()), "GIF animation (*.gif)"
        )
        if name:
            self.path_edit.setText(name if name.lower().endswith(".gif") else name + ".gif")
