"""The descent's controls: method, η, β, start, steps; Step, Play, Reset; what it says.

A person chooses a method, η (log slider + exact spin box), β, the start point and the
number of steps; steps one iteration at a time or plays them at a chosen speed; reads
the outcome in words and the local stability bound η < 2/f″ with a one-click
"use η = 1/f″". A second configuration (B) can run side by side on the same f.

Everything is state in ``session.descent`` (Qt-free, :mod:`derivview.model.descent`):
this view writes the settings there and redraws from ``session.descent_changed``; the
Play clock is a :class:`~derivview.ui.descent.play.PlayScheduler`.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QAction, QValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
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

from derivview.model.descent.config import (
    LEARNING_RATE_RANGE,
    LEARNING_RATE_SLIDER_RANGE,
    MAX_ABS_START,
    MAX_STEPS_LIMIT,
    METHOD_LABELS,
    METHODS,
)
from derivview.model.descent.stability import stability_note
from derivview.model.descent.text import status_text
from derivview.model.formatting import format_number
from derivview.model.session import Session
from derivview.ui.descent.csv_export import export_runs_csv
from derivview.ui.descent.layer import trajectory_colors
from derivview.ui.descent.play import DEFAULT_SPEED_INDEX, SPEEDS, PlayScheduler
from derivview.ui.label_frame import WrappedFrame
from derivview.ui.log_slider import LogSlider
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive


class FloatSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows significant digits (``0.0001``, ``1e-05``), not decimals.

    It accepts what a person types, in plain or scientific notation; the value is kept
    to 12 decimals (enough for η ≥ 1e-8 and any start point to 12 significant digits).
    """

    def __init__(self, digits: int = 8, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._digits = digits
        self.setDecimals(12)
        self.setKeyboardTracking(False)  # change the model on Enter / focus-out only
        self.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def textFromValue(self, value: float) -> str:
        """Significant digits, not a fixed number of decimals."""
        return f"{value:.{self._digits}g}"

    def valueFromText(self, text: str) -> float:
        """Parse plain or scientific notation (never evaluated as code)."""
        try:
            return float(text.strip().replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        """Accept numbers in range; partial input (``-``, ``1e``) is intermediate."""
        t = text.strip().replace("−", "-")
        if t in ("", "-", "+", ".", "-.", "+.") or t.lower().endswith(("e", "e-", "e+")):
            return QValidator.State.Intermediate, text, pos
        try:
            v = float(t)
        except ValueError:
            return QValidator.State.Invalid, text, pos
        if not math.isfinite(v):
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= v <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def fixup(self, text: str) -> str:
        """Out-of-range input snaps to the nearest bound."""
        try:
            v = float(text.strip().replace("−", "-"))
        except ValueError:
            return self.textFromValue(self.value())
        return self.textFromValue(min(max(v, self.minimum()), self.maximum()))


def _set_value(spin: QDoubleSpinBox | QSpinBox, value: float) -> None:
    """Set a spin box's value unless it already shows it (to its precision)."""
    current = spin.value()
    if isinstance(spin, QDoubleSpinBox):
        if abs(current - value) <= 10.0 ** -spin.decimals() * max(1.0, abs(value)):
            return
    elif current == value:
        return
    spin.setValue(value)  # type: ignore[arg-type]


def _set_index(combo: QComboBox, index: int) -> None:
    if combo.currentIndex() != index:
        combo.setCurrentIndex(index)


def _beta_spin(name: str, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0.0, 0.999)
    spin.setDecimals(3)
    spin.setSingleStep(0.05)
    spin.setKeyboardTracking(False)
    spin.setToolTip(tip)
    return spin


def _method_combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for m in METHODS:
        combo.addItem(METHOD_LABELS[m], m)
    combo.setToolTip(
        "gradient descent: x ← x − η·f′(x)\n"
        "momentum (heavy ball): v ← β·v + f′(x), x ← x − η·v\n"
        "Newton's method: x ← x − f′(x)/f″(x)"
    )
    return combo


class DescentControls(QWidget):
    """The settings, buttons, stability note and status of gradient descent (a dock).

    ``play`` is the Play clock; ``export_action`` exports the runs as CSV.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("descentPanel")
        self._session = session
        self._state = session.descent
        self.play = PlayScheduler(session, self)

        self._build()
        self._lay_out()

        # -- wiring: every subscription in one place --------------------------------
        self.method.currentIndexChanged.connect(self._on_method_changed)
        self.lr_spin.valueChanged.connect(self._on_lr_changed)
        self.lr_slider.moved_to.connect(self.lr_spin.setValue)
        self.beta.valueChanged.connect(self._on_beta_changed)
        self.start.valueChanged.connect(self._on_start_changed)
        self.max_steps.valueChanged.connect(self._on_max_steps_changed)
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.compare.toggled.connect(self._on_compare_toggled)
        self.method_b.currentIndexChanged.connect(self._on_method_b_changed)
        self.lr_b.valueChanged.connect(self._on_lr_b_changed)
        self.beta_b.valueChanged.connect(self._on_beta_b_changed)
        self.step_button.clicked.connect(self._on_step_clicked)
        self.play_button.toggled.connect(self.play.set_playing)
        self.play.playingChanged.connect(self._on_playing_changed)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.suggest_button.clicked.connect(self._on_suggest_clicked)
        self.export_action.triggered.connect(self._on_export_triggered)
        self.export_button.clicked.connect(self.export_action.trigger)
        connect_while_alive(self, [(session.descent_changed, self._on_descent_changed)])
        follow_theme(self, self._on_theme)
        self._on_descent_changed()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        lo, hi = LEARNING_RATE_RANGE

        self.method = _method_combo("gdMethod")
        self.lr_slider = LogSlider("gdLearningRateSlider", LEARNING_RATE_SLIDER_RANGE)
        self.lr_spin = FloatSpinBox(6)
        self.lr_spin.setObjectName("gdLearningRate")
        self.lr_spin.setRange(lo, hi)
        self.lr_spin.setToolTip(
            f"learning rate η (exact, {format_number(lo)} … {format_number(hi)}); "
            "type e.g. 0.1 or 1e-3"
        )
        self.lr_spin.setMinimumWidth(80)
        self.beta = _beta_spin("gdBeta", "momentum β (used by momentum only)")

        self.start = FloatSpinBox(10)
        self.start.setObjectName("gdStart")
        self.start.setRange(-MAX_ABS_START, MAX_ABS_START)
        self.start.setSingleStep(0.1)
        self.start.setToolTip(
            "start point x₀ of the descent; or drag the start marker on the plot,\n"
            "Ctrl+click the plot, or right-click → Start descent here"
        )
        self.max_steps = QSpinBox()
        self.max_steps.setObjectName("gdMaxSteps")
        self.max_steps.setRange(1, MAX_STEPS_LIMIT)
        self.max_steps.setKeyboardTracking(False)
        self.max_steps.setToolTip("the run stops after this many steps")

        self.speed = QComboBox()
        self.speed.setObjectName("gdSpeed")
        for label, value in SPEEDS:
            self.speed.addItem(label, value)
        self.speed.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.speed.setMinimumContentsLength(10)
        self.speed.setCurrentIndex(DEFAULT_SPEED_INDEX)
        self.speed.setToolTip("how fast Play steps")

        self.step_button = QPushButton("Step")
        self.step_button.setObjectName("gdStep")
        self.step_button.setToolTip("take one iteration")
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("gdPlay")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("run at the chosen speed until the run ends; click to pause")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("gdReset")
        self.reset_button.setToolTip("back to the start point")
        self.export_action = QAction("Export descent run as CSV…", self)
        self.export_action.setObjectName("actionExportDescentCsv")
        self.export_action.setToolTip("export the iterates (k, x, f, f′, step) as CSV")
        self.export_button = QPushButton("CSV…")
        self.export_button.setObjectName("gdExportCsv")
        self.export_button.setToolTip("export the iterates (k, x, f, f′, step) as CSV")
        for b in (self.step_button, self.play_button, self.reset_button, self.export_button):
            b.setMinimumWidth(56)

        self.stability = QLabel()
        self.stability.setObjectName("gdStability")
        self.stability.setWordWrap(True)
        self.stability.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.stability.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        # Each new f has a new note, and a new f's status: as labels in the panel's
        # layout, every new text laid the panel out again in the keystroke's frame
        # (~0.5 ms). In frames, only a new number of lines does.
        self._stability_frame = WrappedFrame(self.stability)
        # Room for three lines from the start: a hint that changed its line count with
        # each new f re-laid out the whole window in the keystroke's frame.
        self._stability_frame.setMinimumHeight(3 * self.stability.fontMetrics().lineSpacing())
        self.stability.setToolTip(
            "Near a minimum, gradient descent multiplies the distance to it by 1 − η·f″ "
            "each step:\nit converges if |1 − η·f″| < 1, that is η < 2/f″; η = 1/f″ jumps "
            "straight to the minimum of the local parabola."
        )
        self.suggest_button = QPushButton("use η = 1/f″")
        self.suggest_button.setObjectName("gdSuggestLr")
        self.suggest_button.setToolTip("set η to 1/f″ at the current iterate")

        self.compare = QCheckBox("Compare with a second run (B)")
        self.compare.setObjectName("gdCompare")
        self.compare.setToolTip("run a second configuration side by side on the same f")
        self.method_b = _method_combo("gdCompareMethod")
        self.lr_b = FloatSpinBox(6)
        self.lr_b.setObjectName("gdCompareLearningRate")
        self.lr_b.setRange(lo, hi)
        self.lr_b.setToolTip("learning rate η of configuration B")
        self.beta_b = _beta_spin("gdCompareBeta", "momentum β of configuration B")

        self.status = QLabel()
        self.status.setObjectName("gdStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.status.setToolTip("how the run is going, or how it ended")
        self._status_frame = WrappedFrame(self.status)

        self.swatch_a = QLabel("A")
        self.swatch_b = QLabel("B")
        for label in (self.swatch_a, self.swatch_b):
            label.setToolTip("the colour of this configuration's trajectory and loss curve")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.swatch_a, _row(self.method, 1, QLabel("β"), self.beta))
        form.addRow("η", _row(self.lr_slider, 1, self.lr_spin))
        form.addRow("start", _row(self.start, 1, QLabel("steps"), self.max_steps))

        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for col, b in enumerate(
            (self.step_button, self.play_button, self.reset_button, self.export_button)
        ):
            buttons.addWidget(b, 0, col)
        buttons.addWidget(QLabel("speed"), 1, 0)
        buttons.addWidget(self.speed, 1, 1, 1, 3)

        stab = QHBoxLayout()
        stab.setContentsMargins(0, 0, 0, 0)
        stab.addWidget(self._stability_frame, 1)
        stab.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignTop)

        self.compare_box = QWidget()
        cgrid = QGridLayout(self.compare_box)
        cgrid.setContentsMargins(0, 0, 0, 0)
        cgrid.addWidget(self.swatch_b, 0, 0)
        cgrid.addWidget(self.method_b, 0, 1)
        cgrid.addWidget(QLabel("β"), 0, 2)
        cgrid.addWidget(self.beta_b, 0, 3)
        cgrid.addWidget(QLabel("η"), 1, 0)
        cgrid.addWidget(self.lr_b, 1, 1, 1, 3)
        cgrid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addLayout(stab)
        # left-aligned at its natural size: a stretched QCheckBox ignores clicks beyond
        # its text, which reads as a dead control
        layout.addWidget(self.compare, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.compare_box)
        layout.addWidget(self._status_frame)
        layout.addStretch(1)

    # -- public -----------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self.play.playing

    # -- handlers: controls -> model ----------------------------------------------------

    def _set(self, which: int, **changes: object) -> None:
        try:
            self._state.set_config(which, **changes)  # type: ignore[arg-type]
        except ValueError:
            self._sync_widgets()  # refused: show the model's value again

    def _on_method_changed(self, _i: int) -> None:
        self._set(0, method=self.method.currentData())

    def _on_lr_changed(self, value: float) -> None:
        self._set(0, learning_rate=value)

    def _on_beta_changed(self, value: float) -> None:
        self._set(0, beta=value)

    def _on_start_changed(self, value: float) -> None:
        try:
            self._state.set_start(value)
        except ValueError:
            self._sync_widgets()

    def _on_max_steps_changed(self, value: int) -> None:
        self._state.set_max_steps(value)

    def _on_compare_toggled(self, on: bool) -> None:
        self._state.set_compare(on)

    def _on_method_b_changed(self, _i: int) -> None:
        self._set(1, method=self.method_b.currentData())

    def _on_lr_b_changed(self, value: float) -> None:
        self._set(1, learning_rate=value)

    def _on_beta_b_changed(self, value: float) -> None:
        self._set(1, beta=value)

    def _on_suggest_clicked(self) -> None:
        note = stability_note(
            self._state.configs[0],
            self._state.current_point(),
            **self._state.stability_context(),
        )
        if note.suggested is not None:
            lo, hi = LEARNING_RATE_RANGE
            self.lr_spin.setValue(min(max(note.suggested, lo), hi))

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
            self._update_status()

    def _on_export_triggered(self) -> None:
        export_runs_csv(self, self._state)

    def _on_theme(self, dark: bool) -> None:
        a, b = trajectory_colors(dark)
        for label, color in ((self.swatch_a, a), (self.swatch_b, b)):
            label.setStyleSheet(f"color: {color}; font-weight: bold;")

    # -- model -> view ------------------------------------------------------------------

    def _on_descent_changed(self) -> None:
        self._sync_widgets()
        self._update_status()
        self._update_stability()
        self._update_enabled()

    def _sync_widgets(self) -> None:
        st = self._state
        a, b = st.configs
        widgets = (
            self.method,
            self.lr_spin,
            self.lr_slider,
            self.beta,
            self.start,
            self.max_steps,
            self.compare,
            self.method_b,
            self.lr_b,
            self.beta_b,
        )
        blockers = [QSignalBlocker(w) for w in widgets]
        # Only what differs: setValue() rewrites a spin box's text, which would wipe what
        # a person is typing there while Play updates the panel many times a second.
        _set_index(self.method, METHODS.index(a.method))
        _set_value(self.lr_spin, a.learning_rate)
        self.lr_slider.show_value(a.learning_rate)
        _set_value(self.beta, a.beta)
        _set_value(self.start, st.start)
        _set_value(self.max_steps, st.max_steps)
        if self.compare.isChecked() != st.compare:
            self.compare.setChecked(st.compare)
        _set_index(self.method_b, METHODS.index(b.method))
        _set_value(self.lr_b, b.learning_rate)
        _set_value(self.beta_b, b.beta)
        del blockers

    def _update_enabled(self) -> None:
        st = self._state
        a, b = st.configs
        has_fn = self._session.function is not None
        self.lr_spin.setEnabled(a.method != "newton")
        self.lr_slider.setEnabled(a.method != "newton")
        self.beta.setEnabled(a.method == "momentum")
        self.compare_box.setVisible(st.compare)
        self.lr_b.setEnabled(b.method != "newton")
        self.beta_b.setEnabled(b.method == "momentum")
        self.step_button.setEnabled(has_fn and not st.finished)
        self.play_button.setEnabled(has_fn)
        self.reset_button.setEnabled(bool(st.runs))
        self.export_action.setEnabled(bool(st.runs))
        self.export_button.setEnabled(bool(st.runs))

    def _update_status(self) -> None:
        self._status_frame.set_text(status_text(self._state, self._session.function is not None))

    def _update_stability(self) -> None:
        st = self._state
        note = stability_note(
            st.configs[0],
            st.current_point(),
            prefix="A: " if st.compare else "",
            **st.stability_context(),
        )
        self._stability_frame.set_text(note.text)
        self.suggest_button.setEnabled(note.suggested is not None)


def _row(*parts: QWidget | int) -> QWidget:
    """Widgets in a row; an int before a widget is the stretch of the widget before it."""
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
