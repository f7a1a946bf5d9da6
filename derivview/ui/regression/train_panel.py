"""The regression lab's training controls: η, epochs, start, scaling; Step, Play, Reset.

Everything is state in ``session.state("regression")`` (Qt-free): this panel writes the
settings there and redraws from its signals; Play is the descent panel's
:class:`~derivview.ui.descent.play.PlayScheduler`, stepping this lab's run. It says the
largest stable η for the data (2/λ_max of the loss's Hessian) and how the run is going;
the Readout says why standardizing x helps, with this data's numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from derivview.model.labs.regression_config import (
    LEARNING_RATE_RANGE,
    LEARNING_RATE_SLIDER_RANGE,
    MAX_ABS_PARAMETER,
    MAX_EPOCHS,
)
from derivview.model.labs.regression_text import stability_text, status_text
from derivview.ui.descent.controls import FloatSpinBox
from derivview.ui.descent.play import SPEEDS, PlayScheduler
from derivview.ui.log_slider import LogSlider
from derivview.ui.pace import Paced
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.regression_state import RegressionState
    from derivview.model.session import Session

#: Play's speeds, in epochs per second; 60 by default (one epoch a frame).
SPEED_LABELS = tuple((label.replace("step", "epoch"), value) for label, value in SPEEDS)
DEFAULT_SPEED = 60.0


def _label(name: str, tip: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setToolTip(tip)
    return label


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:  # a new text re-lays out the dock: only when it changed
        label.setText(text)


class TrainPanel(QWidget):
    """η, epochs, start, standardization, the buttons and what the run is doing (a dock)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regressTrainPanel")
        self._state: RegressionState = session.state("regression")
        self.play = PlayScheduler(session, self, stepper=self._state)
        self.play.set_speed(DEFAULT_SPEED)
        self._notes_key: tuple[object, ...] = ()
        self._build()
        self._paced = Paced(self, self._show_status)
        self._lay_out()

        # -- wiring: every subscription in one place ------------------------------------
        self.lr_spin.valueChanged.connect(self._on_lr_changed)
        self.lr_slider.moved_to.connect(self.lr_spin.setValue)
        self.epochs.valueChanged.connect(self._on_epochs_changed)
        self.start_m.valueChanged.connect(self._on_start_changed)
        self.start_b.valueChanged.connect(self._on_start_changed)
        self.standardize.toggled.connect(self._on_standardize_toggled)
        self.step_button.clicked.connect(self._on_step_clicked)
        self.play_button.toggled.connect(self.play.set_playing)
        self.play.playingChanged.connect(self._on_playing_changed)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.use_stable.clicked.connect(self._on_use_stable_clicked)
        st = self._state
        connect_while_alive(
            self,
            [
                (st.settings_changed, self._sync_widgets),
                (st.data_changed, self._on_data_changed),
                (st.changed, self._on_run_changed),
            ],
        )
        self._sync_widgets()
        self._on_data_changed()
        self._on_run_changed()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        lo, hi = LEARNING_RATE_RANGE
        self.lr_slider = LogSlider("regressLearningRateSlider", LEARNING_RATE_SLIDER_RANGE)
        self.lr_spin = FloatSpinBox(6)
        self.lr_spin.setObjectName("regressLearningRate")
        self.lr_spin.setDecimals(15)
        self.lr_spin.setRange(lo, hi)
        self.lr_spin.setMinimumWidth(80)
        self.lr_spin.setToolTip(
            f"learning rate η (exact, {lo:g} … {hi:g}); type e.g. 0.01 or 1e-3.\n"
            "Each epoch: m ← m − η·∂L/∂m, b ← b − η·∂L/∂b"
        )
        self.epochs = QSpinBox()
        self.epochs.setObjectName("regressEpochs")
        self.epochs.setRange(1, MAX_EPOCHS)
        self.epochs.setKeyboardTracking(False)
        self.epochs.setGroupSeparatorShown(True)
        self.epochs.setToolTip("how many epochs the run makes (the seed's loop makes 1000)")
        self.start_m = FloatSpinBox(8)
        self.start_m.setObjectName("regressStartM")
        self.start_b = FloatSpinBox(8)
        self.start_b.setObjectName("regressStartB")
        for spin, name in ((self.start_m, "m"), (self.start_b, "b")):
            spin.setRange(-MAX_ABS_PARAMETER, MAX_ABS_PARAMETER)
            spin.setSingleStep(0.5)
            spin.setToolTip(
                f"the start {name} of the run (the seed starts at 0);\nor Ctrl+click the loss plot"
            )
        self.standardize = QCheckBox("Standardize x (feature scaling)")
        self.standardize.setObjectName("regressStandardize")
        self.standardize.setToolTip(
            "train on x′ = (x − x̄)/s (s: the standard deviation of x) and map the line "
            "back to x.\nThe loss becomes a round bowl: one η suits both parameters."
        )
        self.step_button = QPushButton("Step")
        self.step_button.setObjectName("regressStep")
        self.step_button.setToolTip("train one epoch")
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("regressPlay")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(
            "train at the chosen speed until the run converges or ends; click to pause"
        )
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("regressReset")
        self.reset_button.setToolTip("back to the start (epoch 0)")
        for b in (self.step_button, self.play_button, self.reset_button):
            b.setMinimumWidth(56)
        self.speed = QComboBox()
        self.speed.setObjectName("regressSpeed")
        for label, value in SPEED_LABELS:
            self.speed.addItem(label, value)
        self.speed.setCurrentIndex([v for _, v in SPEED_LABELS].index(DEFAULT_SPEED))
        self.speed.setToolTip("how fast Play trains")
        self.speed.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.speed.setMinimumContentsLength(10)

        self.stability = _label(
            "regressStability",
            "L is a quadratic bowl with a constant Hessian H: each epoch multiplies the\n"
            "distance to the answer by 1 − η·λ along each eigenvector of H, so the run\n"
            "converges exactly when η < 2/λ_max.",
        )
        self.use_stable = QPushButton("use η = 1/λ_max")
        self.use_stable.setObjectName("regressUseStable")
        self.use_stable.setToolTip("half the largest stable η: fast and safely stable")
        self.status = _label("regressStatus", "how the run is going, or how it ended")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("η", _row(self.lr_slider, 1, self.lr_spin))
        form.addRow("epochs", self.epochs)
        form.addRow("start", _row(QLabel("m"), self.start_m, 1, QLabel("b"), self.start_b, 1))

        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for col, b in enumerate((self.step_button, self.play_button, self.reset_button)):
            buttons.addWidget(b, 0, col)
        buttons.addWidget(QLabel("speed"), 1, 0)
        buttons.addWidget(self.speed, 1, 1, 1, 2)

        stab = QHBoxLayout()
        stab.setContentsMargins(0, 0, 0, 0)
        stab.addWidget(self.stability, 1)
        stab.addWidget(self.use_stable, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addLayout(stab)
        # at its natural size: a stretched QCheckBox ignores clicks beyond its text
        layout.addWidget(self.standardize, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    # -- public ---------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self.play.playing

    # -- controls -> model ----------------------------------------------------------------

    def _update(self, **values: object) -> None:
        try:
            self._state.update(**values)
        except ValueError:
            self._sync_widgets()  # refused: show the model's value again

    def _on_lr_changed(self, value: float) -> None:
        self._update(learning_rate=value)

    def _on_epochs_changed(self, value: int) -> None:
        self._update(epochs=value)

    def _on_start_changed(self, _value: float) -> None:
        self._update(init=(self.start_m.value(), self.start_b.value()))

    def _on_standardize_toggled(self, on: bool) -> None:
        self._update(standardize=on)

    def _on_step_clicked(self) -> None:
        self._state.step(1)

    def _on_reset_clicked(self) -> None:
        self.play.set_playing(False)
        self._state.reset()

    def _on_speed_changed(self, _i: int) -> None:
        self.play.set_speed(self.speed.currentData())

    def _on_playing_changed(self, on: bool) -> None:
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(on)
        self.play_button.setText("Pause" if on else "Play")
        if not on:
            self._on_run_changed()

    def _on_use_stable_clicked(self) -> None:
        lo, hi = LEARNING_RATE_RANGE
        lr = float(f"{self._state.bound / 2:.3g}")
        self.lr_spin.setValue(min(max(lr, lo), hi))

    # -- model -> view --------------------------------------------------------------------

    def _sync_widgets(self) -> None:
        st = self._state
        widgets = (
            self.lr_spin,
            self.lr_slider,
            self.epochs,
            self.start_m,
            self.start_b,
            self.standardize,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        lr = st.get("learning_rate")
        _set_value(self.lr_spin, lr)
        self.lr_slider.show_value(lr)
        if self.epochs.value() != st.get("epochs"):
            self.epochs.setValue(st.get("epochs"))
        m0, b0 = st.get("init")
        _set_value(self.start_m, m0)
        _set_value(self.start_b, b0)
        if self.standardize.isChecked() != st.get("standardize"):
            self.standardize.setChecked(st.get("standardize"))
        del blockers
        self._update_notes()

    def _on_data_changed(self) -> None:
        self._notes_key = ()
        self._update_notes()

    def _update_notes(self) -> None:
        st = self._state
        # settings_changed also comes with every epoch (the epoch is saved): the note
        # depends only on the data, η and scaling.
        key = (id(st.data), st.get("learning_rate"), st.get("standardize"))
        if key == self._notes_key:
            return
        self._notes_key = key
        _set_text(self.stability, stability_text(st))

    def _on_run_changed(self) -> None:
        st = self._state
        self.step_button.setEnabled(not st.run.finished)
        self.reset_button.setEnabled(st.epoch > 0)
        if st.run.finished or st.epoch == 0 or not self.play.playing:
            self._paced.flush()
            self._show_status()  # at once: an end, a reset or a single step
        else:
            self._paced()

    def _show_status(self) -> None:
        _set_text(self.status, status_text(self._state))


def _set_value(spin: FloatSpinBox, value: float) -> None:
    """Set a spin box's value unless it already shows it (to its precision)."""
    if abs(spin.value() - value) > 1e-12 * max(1.0, abs(value)):
        spin.setValue(value)


def _row(*parts: QWidget | int) -> QWidget:
    """Widgets in a row; an int after a widget is that widget's stretch."""
    host = QWidget()
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    last: QWidget | None = None
    for part in parts:
        if isinstance(part, int):
            assert last is not None
            row.setStretchFactor(last, part)
        else:
            row.addWidget(part)
            last = part
    return host
