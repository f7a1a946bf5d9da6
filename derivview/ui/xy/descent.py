"""Descent on f(x, y): method, η, β, the start (x, y), steps; Step, Play, Reset; status.

Gradient descent, momentum and Newton on the vector (x, y) (contracts.md §6), from a
start typed here, dragged on the plot or Ctrl+clicked there. A second configuration (B)
can run side by side from the same start. The state is ``XyState.descent`` (Qt-free);
this view writes it and redraws from its ``changed`` signal; Play is the f(x) descent's
:class:`~derivview.ui.descent.play.PlayScheduler` over these runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt
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
    QSlider,
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
from derivview.model.labs.xy_text import status_text
from derivview.ui.descent.controls import FloatSpinBox
from derivview.ui.descent.layer import trajectory_colors
from derivview.ui.descent.play import DEFAULT_SPEED_INDEX, SPEEDS, PlayScheduler
from derivview.ui.log_slider import LogSlider
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.xy_state import XyState
    from derivview.model.session import Session

METHOD_TIP = (
    "gradient descent: p ← p − η·∇f(p)\n"
    "momentum (heavy ball): v ← β·v + ∇f(p), p ← p − η·v\n"
    "Newton's method: p ← p − H(p)⁻¹·∇f(p)"
)


def _combo(name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for m in METHODS:
        combo.addItem(METHOD_LABELS[m], m)
    combo.setToolTip(METHOD_TIP)
    return combo


def _beta(name: str, tip: str) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setRange(0.0, 0.999)
    spin.setDecimals(3)
    spin.setSingleStep(0.05)
    spin.setKeyboardTracking(False)
    spin.setToolTip(tip)
    return spin


def _lr(name: str, tip: str) -> FloatSpinBox:
    spin = FloatSpinBox(6)
    spin.setObjectName(name)
    spin.setRange(*LEARNING_RATE_RANGE)
    spin.setToolTip(tip)
    spin.setMinimumWidth(80)
    return spin


def _start(name: str, tip: str) -> FloatSpinBox:
    spin = FloatSpinBox(10)
    spin.setObjectName(name)
    spin.setRange(-MAX_ABS_START, MAX_ABS_START)
    spin.setSingleStep(0.1)
    spin.setToolTip(tip)
    spin.setMinimumWidth(70)
    return spin


def _show(spin: QDoubleSpinBox | QSpinBox, value: float) -> None:
    """Set a spin box's value unless it already shows it (to its precision)."""
    current = spin.value()
    if isinstance(spin, QDoubleSpinBox):
        if abs(current - value) <= 10.0 ** -spin.decimals() * max(1.0, abs(value)):
            return
    elif current == value:
        return
    spin.setValue(value)  # type: ignore[arg-type]


def _row(*widgets: QWidget) -> QWidget:
    host = QWidget()
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w, 1 if isinstance(w, (QSlider, QComboBox, FloatSpinBox)) else 0)
    return host


class XyDescentControls(QWidget):
    """The 2-D descent's settings, buttons and status (a dock); ``play`` is the clock."""

    def __init__(self, session: Session, state: XyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xyDescentPanel")
        self.state = state
        self.descent = d = state.descent
        self.play = PlayScheduler(session, self, stepper=d)
        self._build()
        self._lay_out()

        self.method.currentIndexChanged.connect(lambda _i: self._set(0, method=self._m(0)))
        self.lr.valueChanged.connect(lambda v: self._set(0, learning_rate=v))
        self.lr_slider.moved_to.connect(self.lr.setValue)
        self.beta.valueChanged.connect(lambda v: self._set(0, beta=v))
        self.start_x.valueChanged.connect(self._on_start)
        self.start_y.valueChanged.connect(self._on_start)
        self.max_steps.valueChanged.connect(lambda n: self.descent.update(max_steps=n))
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.compare.toggled.connect(lambda on: self.descent.update(compare=bool(on)))
        self.method_b.currentIndexChanged.connect(lambda _i: self._set(1, method=self._m(1)))
        self.lr_b.valueChanged.connect(lambda v: self._set(1, learning_rate=v))
        self.beta_b.valueChanged.connect(lambda v: self._set(1, beta=v))
        self.step_button.clicked.connect(lambda: self.descent.step(1))
        self.play_button.toggled.connect(self.play.set_playing)
        self.play.playingChanged.connect(self._on_playing_changed)
        self.reset_button.clicked.connect(self._on_reset)
        connect_while_alive(
            self,
            [
                (d.changed, self._on_changed),
                (state.function_changed, self._on_changed),
                (state.error_changed, self._on_changed),
            ],
        )  # fmt: skip
        follow_theme(self, self._on_theme)
        self._on_changed()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        lo, hi = LEARNING_RATE_RANGE
        self.method = _combo("xyMethod")
        self.lr = _lr("xyLearningRate", f"learning rate η (exact, {lo:g} … {hi:g})")
        self.lr_slider = LogSlider("xyLearningRateSlider", LEARNING_RATE_SLIDER_RANGE)
        self.beta = _beta("xyBeta", "momentum β (used by momentum only)")
        tip = "the descent's start; or drag the start marker, or Ctrl+click the plot"
        self.start_x = _start("xyStartX", f"x of {tip}")
        self.start_y = _start("xyStartY", f"y of {tip}")
        self.max_steps = QSpinBox()
        self.max_steps.setObjectName("xyMaxSteps")
        self.max_steps.setRange(1, MAX_STEPS_LIMIT)
        self.max_steps.setKeyboardTracking(False)
        self.max_steps.setToolTip("the run stops after this many steps")
        self.speed = QComboBox()
        self.speed.setObjectName("xySpeed")
        for label, value in SPEEDS:
            self.speed.addItem(label, value)
        self.speed.setCurrentIndex(DEFAULT_SPEED_INDEX)
        self.speed.setToolTip("how fast Play steps")
        self.step_button = QPushButton("Step")
        self.step_button.setObjectName("xyStep")
        self.step_button.setToolTip("take one iteration")
        self.play_button = QPushButton("Play")
        self.play_button.setObjectName("xyPlay")
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("run at the chosen speed until the run ends; click to pause")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setObjectName("xyReset")
        self.reset_button.setToolTip("back to the start point")
        self.compare = QCheckBox("Compare with a second run (B)")
        self.compare.setObjectName("xyCompare")
        self.compare.setToolTip("run a second configuration side by side from the same start")
        self.method_b = _combo("xyCompareMethod")
        self.lr_b = _lr("xyCompareLearningRate", "learning rate η of configuration B")
        self.beta_b = _beta("xyCompareBeta", "momentum β of configuration B")
        self.status = QLabel()
        self.status.setObjectName("xyStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.status.setToolTip("how the run is going, or how it ended")
        self.swatch_a = QLabel("A")
        self.swatch_b = QLabel("B")
        for label in (self.swatch_a, self.swatch_b):
            label.setToolTip("the colour of this configuration's path and loss curve")

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.swatch_a, _row(self.method, QLabel("β"), self.beta))
        form.addRow("η", _row(self.lr_slider, self.lr))
        form.addRow("start", _row(self.start_x, self.start_y))
        form.addRow("steps", _row(self.max_steps, QLabel("speed"), self.speed))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.step_button, self.play_button, self.reset_button):
            b.setMinimumWidth(56)
            buttons.addWidget(b)
        self.compare_box = QWidget()
        grid = QGridLayout(self.compare_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.swatch_b, 0, 0)
        grid.addWidget(self.method_b, 0, 1)
        grid.addWidget(QLabel("β"), 0, 2)
        grid.addWidget(self.beta_b, 0, 3)
        grid.addWidget(QLabel("η"), 1, 0)
        grid.addWidget(self.lr_b, 1, 1, 1, 3)
        grid.setColumnStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(form)
        layout.addLayout(buttons)
        # at its natural size: a stretched QCheckBox ignores clicks beyond its text
        layout.addWidget(self.compare, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.compare_box)
        layout.addWidget(self.status)
        layout.addStretch(1)

    # -- controls -> state ---------------------------------------------------------------

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self.play.playing

    def _set(self, which: int, **changes: object) -> None:
        try:
            self.descent.set_config(which, **changes)  # type: ignore[arg-type]
        except ValueError:
            self._sync()  # refused: show the state's value again

    def _m(self, which: int) -> str:
        return str((self.method, self.method_b)[which].currentData())

    def _on_speed(self, _i: int) -> None:
        self.play.set_speed(self.speed.currentData())

    def _on_start(self, _value: float) -> None:
        try:
            self.descent.set_start(self.start_x.value(), self.start_y.value())
        except ValueError:
            self._sync()

    def _on_reset(self) -> None:
        self.play.set_playing(False)
        self.descent.reset()

    def _on_playing_changed(self, on: bool) -> None:
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(on)
        self.play_button.setText("Pause" if on else "Play")

    def _on_theme(self, dark: bool) -> None:
        a, b = trajectory_colors(dark)
        for label, color in ((self.swatch_a, a), (self.swatch_b, b)):
            label.setStyleSheet(f"color: {color}; font-weight: bold;")

    # -- state -> controls ---------------------------------------------------------------

    def _on_changed(self, *_: object) -> None:
        self._sync()
        d = self.descent
        a, b = d.configs
        has_fn = self.state.function is not None
        self.lr.setEnabled(a.method != "newton")
        self.lr_slider.setEnabled(a.method != "newton")
        self.beta.setEnabled(a.method == "momentum")
        self.compare_box.setVisible(d.compare)
        self.lr_b.setEnabled(b.method != "newton")
        self.beta_b.setEnabled(b.method == "momentum")
        self.step_button.setEnabled(has_fn and not d.finished)
        self.play_button.setEnabled(has_fn)
        self.reset_button.setEnabled(bool(d.runs))
        text = status_text(d, has_fn)
        if self.status.text() != text:
            self.status.setText(text)

    def _sync(self) -> None:
        d = self.descent
        a, b = d.configs
        widgets = (self.method, self.lr, self.lr_slider, self.beta, self.start_x,
                   self.start_y, self.max_steps, self.compare, self.method_b, self.lr_b,
                   self.beta_b)  # fmt: skip
        blockers = [QSignalBlocker(w) for w in widgets]
        for combo, m in ((self.method, a.method), (self.method_b, b.method)):
            if combo.currentIndex() != METHODS.index(m):
                combo.setCurrentIndex(METHODS.index(m))
        _show(self.lr, a.learning_rate)
        self.lr_slider.show_value(a.learning_rate)
        _show(self.beta, a.beta)
        _show(self.start_x, d.start[0])
        _show(self.start_y, d.start[1])
        _show(self.max_steps, d.max_steps)
        if self.compare.isChecked() != d.compare:
            self.compare.setChecked(d.compare)
        _show(self.lr_b, b.learning_rate)
        _show(self.beta_b, b.beta)
        del blockers
