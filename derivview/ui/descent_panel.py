"""The descent panel: step through gradient descent, momentum or Newton's method on f.

A person chooses a method, η (log slider + exact spin box), β, the start point and the
number of steps; steps one iteration at a time or plays them at a chosen speed; reads the
iterates in a table, the loss per iteration in a small plot, the outcome in words, and the
local stability bound η < 2/f″ with a one-click "use η = 1/f″". A second configuration can
run side by side on the same f. The runs can be exported as CSV.

Everything is state in ``session.descent`` (Qt-free); this view writes the settings there
and redraws from ``session.descent_changed``. Only the Play clock (a QTimer) lives here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSaveFile,
    QSignalBlocker,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QFontDatabase, QKeyEvent, QKeySequence, QResizeEvent, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from derivview.model.descent_state import (
    LEARNING_RATE_RANGE,
    MAX_ABS_START,
    MAX_STEPS_LIMIT,
    METHOD_LABELS,
    METHODS,
    DescentState,
)
from derivview.model.session import Session
from derivview.ui.descent_overlay import DescentOverlay, trajectory_colors
from derivview.ui.loss_plot import LossPlot, LossPlotStandIn
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.optimizers import DescentRun

#: Play speeds offered, in steps per second (inf: as fast as the window keeps up).
SPEEDS: tuple[tuple[str, float], ...] = (
    ("1 step/s", 1.0),
    ("2 steps/s", 2.0),
    ("5 steps/s", 5.0),
    ("10 steps/s", 10.0),
    ("30 steps/s", 30.0),
    ("60 steps/s", 60.0),
    ("240 steps/s", 240.0),
    ("as fast as possible", math.inf),
)
DEFAULT_SPEED_INDEX = 2
_FAST_BUDGET_S = 0.008  # "as fast as possible": step this long, then let the window paint
_SLIDER_STEPS = 1000  # the η slider: 1000 steps over log10 η in [-4, 1]
_RUN_NAMES = ("A", "B")


#: Significant digits in the table: the contract asks for at least 6; 7 keeps a negative
#: number like −0.4572346 inside a column of a 340-px sidebar.
TABLE_DIGITS = 7


def format_number(value: float | None, digits: int = TABLE_DIGITS) -> str:
    """A number for the table: ``digits`` significant digits; "—" where undefined."""
    if value is None:
        return "—"
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.{digits}g}"
    if "e" in text:  # 9.480626e10, 5.315921e-9: narrower than e+10 / e-09, still exact
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


#: How a finished run ended, in a few words before the optimizer's message, for the
#: outcomes whose status alone would mislead ("converged" at a maximum is not a success).
_CONVERGED_HEADS = {
    "converged": "converged",
    "flat": "stopped on a flat region",
    "maximum": "converged to a maximum",
    "newton_to_maximum": "converged to a maximum",
    "saddle": "stopped at a saddle point",
}
_STATUS_HEADS = {"diverged": "diverged", "stalled": "stalled", "max_steps": "step limit reached"}


def outcome_text(status: str, outcome: str, message: str) -> str:
    """The status line for a finished run: a headline, then the optimizer's words."""
    if status == "converged":
        head = _CONVERGED_HEADS.get(outcome, "converged")
    else:
        head = _STATUS_HEADS.get(status, status)
    if message.startswith((head, "stalled", "diverged", "stopped", "left the domain")):
        return message
    return f"{head}: {message}"


def _words(value: float, digits: int = 6) -> str:
    """A number in a sentence: a real minus sign, no exponent noise for simple values."""
    return f"{value:.{digits}g}".replace("-", "−")


def run_rows(runs: Sequence[DescentRun]) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the runs for CSV or the clipboard, numbers at full precision.

    Columns ``k,x,f,df,step`` for one run, ``k,A_x,A_f,A_df,A_step,B_x,...`` for two;
    ``repr`` of each float (it reads back exactly); empty where undefined or past a run's end.
    """
    fields = ("x", "f", "df", "step")
    if len(runs) == 1:
        header = ["k", *fields]
    else:
        header = ["k"] + [f"{_RUN_NAMES[i]}_{f}" for i in range(len(runs)) for f in fields]
    rows = []
    for k in range(max((len(r.iterates) for r in runs), default=0)):
        cells = [str(k)]
        for r in runs:
            if k < len(r.iterates):
                it = r.iterates[k]
                cells += ["" if v is None else repr(float(v)) for v in (it.x, it.f, it.df, it.step)]
            else:
                cells += [""] * len(fields)
        rows.append(cells)
    return header, rows


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


class FloatSpinBox(QDoubleSpinBox):
    """A QDoubleSpinBox that shows significant digits (``0.0001``, ``1e-05``), not decimals.

    It accepts what a person types, in plain or scientific notation; the value is kept
    to 12 decimals (enough for η ≥ 1e-4 and any start point to 12 significant digits).
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


class IterateTableModel(QAbstractTableModel):
    """One row per iterate k; per run the columns x, f(x), f′(x), step (x_k − x_{k−1})."""

    FIELDS = ("x", "f(x)", "f′(x)", "step")
    TIPS = (
        "the iterate xₖ",
        "the loss f(xₖ)",
        "the slope f′(xₖ) that drives the next step",
        "the step taken: xₖ − xₖ₋₁ (−η·f′ for gradient descent)",
    )

    def __init__(self, state: DescentState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._rows = 0
        self._runs = 0
        self._generation = -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (iterates of the longest run)."""
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """k, then four columns per run."""
        return 0 if parent.isValid() else 1 + len(self.FIELDS) * max(1, self._runs)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        """Column names (with A/B when comparing); what each column is, as a tooltip."""
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 0:
                return "iteration k (0 is the start point)"
            return self.TIPS[(section - 1) % len(self.FIELDS)]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "k"
        run, field = divmod(section - 1, len(self.FIELDS))
        name = self.FIELDS[field]
        return f"{_RUN_NAMES[run]}: {name}" if self._runs > 1 else name

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        """Cell text (7 significant digits), full precision in the tooltip."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, col = index.row(), index.column()
        if col == 0:
            return str(row)
        run_i, field = divmod(col - 1, len(self.FIELDS))
        runs = self._state.runs
        if run_i >= len(runs) or row >= len(runs[run_i].iterates):
            return ""
        it = runs[run_i].iterates[row]
        value = (it.x, it.f, it.df, it.step)[field]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "undefined" if value is None else repr(value)
        return format_number(value)

    def refresh(self) -> bool:
        """Follow the state: append rows for new iterates, or reset; True if rows were added."""
        runs = self._state.runs
        rows = max((len(r.iterates) for r in runs), default=0)
        n_runs = len(runs) if runs else (2 if self._state.compare else 1)
        if self._generation != self._state.generation or n_runs != self._runs or rows < self._rows:
            self.beginResetModel()
            self._rows, self._runs, self._generation = rows, n_runs, self._state.generation
            self.endResetModel()
            return rows > 0
        if rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
            return True
        return False


class IterateTable(QTableView):
    """The iterate table; Ctrl+C copies whole rows at full precision (not one cell's text)."""

    def __init__(
        self,
        copy: Callable[[], None],
        resized: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._copy = copy
        self._resized = resized

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Let the panel refit the columns to the new width."""
        super().resizeEvent(event)
        self._resized()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Copy rows on the platform's copy key; everything else as usual."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self._copy()
            event.accept()
            return
        super().keyPressEvent(event)


class DescentPanel(QWidget):
    """Controls, iterate table, loss plot and status of gradient descent on the session's f.

    ``attach(plot_item)`` draws the trajectory on the main plot (a :class:`DescentOverlay`).
    """

    def __init__(self, session: Session, parent: QWidget | None = None, dark: bool = False):
        super().__init__(parent)
        self.setObjectName("descentPanel")
        self._session = session
        self._state = session.descent
        self.overlay: DescentOverlay | None = None
        self._dark = dark
        self._in_tick = False
        self._play_t0 = 0.0
        self._play_done = 0
        self.last_export_error: str | None = None

        self._build()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)

        # -- wiring: every subscription in one place --------------------------------
        self.method.currentIndexChanged.connect(self._on_method_changed)
        self.lr_spin.valueChanged.connect(self._on_lr_changed)
        self.lr_slider.valueChanged.connect(self._on_lr_slider_moved)
        self.beta.valueChanged.connect(self._on_beta_changed)
        self.start.valueChanged.connect(self._on_start_changed)
        self.max_steps.valueChanged.connect(self._on_max_steps_changed)
        self.speed.currentIndexChanged.connect(self._on_speed_changed)
        self.compare.toggled.connect(self._on_compare_toggled)
        self.method_b.currentIndexChanged.connect(self._on_method_b_changed)
        self.lr_b.valueChanged.connect(self._on_lr_b_changed)
        self.beta_b.valueChanged.connect(self._on_beta_b_changed)
        self.step_button.clicked.connect(self._on_step_clicked)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.suggest_button.clicked.connect(self._on_suggest_clicked)
        self.export_action.triggered.connect(self._on_export_triggered)
        self.copy_action.triggered.connect(self._on_copy_triggered)
        self._timer.timeout.connect(self._on_tick)
        connect_while_alive(self, [(session.descent_changed, self._on_descent_changed)])

        self._on_descent_changed()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        lo, hi = LEARNING_RATE_RANGE

        self.method = QComboBox()
        self.method.setObjectName("gdMethod")
        for m in METHODS:
            self.method.addItem(METHOD_LABELS[m], m)
        self.method.setToolTip(
            "gradient descent: x ← x − η·f′(x)\n"
            "momentum (heavy ball): v ← β·v + f′(x), x ← x − η·v\n"
            "Newton's method: x ← x − f′(x)/f″(x)"
        )

        self.lr_slider = QSlider(Qt.Orientation.Horizontal)
        self.lr_slider.setObjectName("gdLearningRateSlider")
        self.lr_slider.setRange(0, _SLIDER_STEPS)
        self.lr_slider.setToolTip("learning rate η on a logarithmic scale, 0.0001 … 10")
        self.lr_spin = FloatSpinBox(6)
        self.lr_spin.setObjectName("gdLearningRate")
        self.lr_spin.setRange(lo, hi)
        self.lr_spin.setToolTip("learning rate η (exact); type e.g. 0.1 or 1e-3")

        self.beta = QDoubleSpinBox()
        self.beta.setObjectName("gdBeta")
        self.beta.setRange(0.0, 0.999)
        self.beta.setDecimals(3)
        self.beta.setSingleStep(0.05)
        self.beta.setKeyboardTracking(False)
        self.beta.setToolTip("momentum β (used by momentum only)")

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
        self.export_button = QPushButton("CSV…")
        self.export_button.setObjectName("gdExportCsv")
        self.export_button.setToolTip("export the iterates (k, x, f, f′, step) as CSV")
        self.export_button.clicked.connect(self.export_action.trigger)

        self.stability = QLabel()
        self.stability.setObjectName("gdStability")
        self.stability.setWordWrap(True)
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
        self.method_b = QComboBox()
        self.method_b.setObjectName("gdCompareMethod")
        for m in METHODS:
            self.method_b.addItem(METHOD_LABELS[m], m)
        self.lr_b = FloatSpinBox(6)
        self.lr_b.setObjectName("gdCompareLearningRate")
        self.lr_b.setRange(lo, hi)
        self.lr_b.setToolTip("learning rate η of configuration B")
        self.beta_b = QDoubleSpinBox()
        self.beta_b.setObjectName("gdCompareBeta")
        self.beta_b.setRange(0.0, 0.999)
        self.beta_b.setDecimals(3)
        self.beta_b.setSingleStep(0.05)
        self.beta_b.setKeyboardTracking(False)

        self.status = QLabel()
        self.status.setObjectName("gdStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

        self.table_model = IterateTableModel(self._state, self)
        self.table = IterateTable(self._on_copy_triggered, self._fit_columns)
        self.table.setObjectName("gdTable")
        self.table.setModel(self.table_model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 4)
        self.table.horizontalHeader().setMinimumSectionSize(36)
        self._table_columns: tuple[int, int, int, int] = (-1, -1, -1, 0)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # A touch smaller than the UI font: four number columns fit a 340-px sidebar.
        fixed.setPointSizeF(self.table.font().pointSizeF() * 0.9)
        self.table.setFont(fixed)
        self.table.setMinimumHeight(90)
        self.copy_action = QAction("Copy rows", self.table)
        self.copy_action.setObjectName("actionCopyDescentRows")
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)  # shown in the menu
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.setToolTip("copy the selected rows (all rows if none) at full precision")
        self.table.addAction(self.copy_action)
        self.table.addAction(self.export_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        # The loss plot (a second pyqtgraph PlotWidget) is built when its tab is first
        # shown, or when ``loss`` is first read: nothing of it is visible at first paint.
        # Until then a stand-in with its size hints holds the tab's place.
        self._loss: LossPlot | None = None
        self._loss_page = QWidget()
        self._loss_page.setObjectName("gdLossPage")
        loss_layout = QVBoxLayout(self._loss_page)
        loss_layout.setContentsMargins(0, 0, 0, 0)
        self._loss_stand_in: QWidget | None = LossPlotStandIn()
        loss_layout.addWidget(self._loss_stand_in)

        # -- layout -------------------------------------------------------------------
        self.swatch_a = QLabel("A")
        self.swatch_b = QLabel("B")
        lr_row = QHBoxLayout()
        lr_row.setContentsMargins(0, 0, 0, 0)
        lr_row.addWidget(self.lr_slider, 1)
        lr_row.addWidget(self.lr_spin)
        self.lr_spin.setMinimumWidth(80)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        method_row = QHBoxLayout()
        method_row.setContentsMargins(0, 0, 0, 0)
        method_row.addWidget(self.method, 1)
        method_row.addWidget(QLabel("β"))
        method_row.addWidget(self.beta)
        form.addRow(self.swatch_a, method_row)
        form.addRow("η", lr_row)
        start_row = QHBoxLayout()
        start_row.setContentsMargins(0, 0, 0, 0)
        start_row.addWidget(self.start, 1)
        start_row.addWidget(QLabel("steps"))
        start_row.addWidget(self.max_steps)
        form.addRow("start", start_row)

        stab_row = QHBoxLayout()
        stab_row.setContentsMargins(0, 0, 0, 0)
        stab_row.addWidget(self.stability, 1)
        stab_row.addWidget(self.suggest_button, 0, Qt.AlignmentFlag.AlignTop)

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

        buttons = QGridLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.setSpacing(4)
        for col, b in enumerate((self.step_button, self.play_button, self.reset_button)):
            b.setMinimumWidth(60)
            buttons.addWidget(b, 0, col)
        buttons.addWidget(self.speed, 1, 0, 1, 2)
        buttons.addWidget(self.export_button, 1, 2)

        settings = QWidget()
        sv = QVBoxLayout(settings)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.setSpacing(4)
        sv.addLayout(form)
        sv.addLayout(stab_row)
        sv.addWidget(self.compare)
        sv.addWidget(self.compare_box)
        sv.addLayout(buttons)
        sv.addWidget(self.status)

        # Table and loss plot share one place: the panel must fit a sidebar beside the plot.
        self.views = QTabWidget()
        self.views.setObjectName("gdViews")
        self.views.addTab(self.table, "Iterates")
        self.views.addTab(self._loss_page, "Loss per step")
        self.views.setMinimumHeight(230)
        self.views.currentChanged.connect(self._on_view_tab_changed)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(settings)
        layout.addWidget(self.views, 1)
        self._apply_colors()

    def _apply_colors(self) -> None:
        a, b = trajectory_colors(self._dark)
        for label, color in ((self.swatch_a, a), (self.swatch_b, b)):
            label.setStyleSheet(f"color: {color}; font-weight: bold;")
            label.setToolTip("the colour of this configuration's trajectory and loss curve")

    def _on_view_tab_changed(self, index: int) -> None:
        if self.views.widget(index) is self._loss_page:
            _ = self.loss  # build it before the tab paints

    # -- public -----------------------------------------------------------------------

    @property
    def loss(self) -> LossPlot:
        """The loss plot (the "Loss per step" tab), built on first use."""
        if self._loss is None:
            self._loss = LossPlot(self._session, dark=self._dark)
            layout = self._loss_page.layout()
            assert layout is not None and self._loss_stand_in is not None
            layout.replaceWidget(self._loss_stand_in, self._loss)
            self._loss.show()  # now, not at the next event-loop turn: no empty frame
            self._loss_stand_in.hide()
            self._loss_stand_in.deleteLater()
            self._loss_stand_in = None
        return self._loss

    def attach(self, plot_item, view=None) -> DescentOverlay:
        """Draw the trajectory on ``plot_item`` (the main plot) and return the overlay."""
        self.overlay = DescentOverlay(self._session, plot_item, view, dark=self._dark)
        return self.overlay

    def set_dark(self, dark: bool) -> None:
        """Follow the theme (trajectory, loss curves, swatches)."""
        if dark == self._dark:
            return  # already in these colours (the window sets its theme once at start-up)
        self._dark = dark
        self._apply_colors()
        if self._loss is not None:  # else it is built with these colours
            self._loss.set_dark(dark)
        if self.overlay is not None:
            self.overlay.set_dark(dark)

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self.play_button.isChecked()

    def export_csv(self, path: str) -> None:
        """Write the runs as CSV to ``path`` atomically; OSError with a message on failure.

        Columns: ``k,x,f,df,step`` (one run) or ``k,A_x,A_f,A_df,A_step,B_x,...`` (two);
        numbers at full precision (they read back exactly), empty where undefined.
        """
        if not self._state.runs:
            raise OSError("there is no run to export: press Step or Play first")
        header, rows = run_rows(self._state.runs)
        lines = [",".join(header)] + [",".join(r) for r in rows]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        out = QSaveFile(path)
        if not out.open(QSaveFile.OpenModeFlag.WriteOnly):
            raise OSError(f"cannot write {path}: {out.errorString()}")
        if out.write(data) != len(data):
            out.cancelWriting()
            raise OSError(f"cannot write {path}: {out.errorString()}")
        if not out.commit():
            raise OSError(f"cannot save {path}: {out.errorString()}")

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

    def _on_lr_slider_moved(self, pos: int) -> None:
        lo, hi = (math.log10(v) for v in LEARNING_RATE_RANGE)
        lr = 10 ** (lo + (hi - lo) * pos / _SLIDER_STEPS)
        lr = float(f"{lr:.3g}")  # clean values from the slider: 0.101, not 0.1011579…
        self.lr_spin.setValue(min(max(lr, LEARNING_RATE_RANGE[0]), LEARNING_RATE_RANGE[1]))

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
        lr = self._suggested_lr()
        if lr is not None:
            lo, hi = LEARNING_RATE_RANGE
            self.lr_spin.setValue(min(max(lr, lo), hi))

    def _on_step_clicked(self) -> None:
        self._state.step(1)

    def _on_reset_clicked(self) -> None:
        self.play_button.setChecked(False)
        self._state.reset()

    def _on_speed_changed(self, _i: int) -> None:
        if self.playing:
            self._start_clock()

    def _on_play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if not on:
            self._timer.stop()
            self._update_status()
            return
        if self._state.finished:
            self._state.reset()  # Play after the end starts over
        self._start_clock()
        self._on_tick()  # the first step at once: Play answers immediately

    def _start_clock(self) -> None:
        speed = self.speed.currentData()
        self._play_t0 = time.monotonic()
        self._play_done = 0
        # "As fast as possible" steps for a budget per 16 ms frame, leaving the rest of the
        # frame to painting and input: the window stays responsive while it runs.
        interval = 16 if math.isinf(speed) else max(16, round(1000.0 / speed))
        self._timer.start(interval)

    def _on_tick(self) -> None:
        speed = self.speed.currentData()
        self._in_tick = True
        try:
            if math.isinf(speed):
                deadline = time.monotonic() + _FAST_BUDGET_S
                with self._session.batch():  # views redraw once per tick
                    while not self._state.finished and time.monotonic() < deadline:
                        if self._state.step(8) == 0:
                            break
            else:
                due = int((time.monotonic() - self._play_t0) * speed) + 1 - self._play_done
                cap = max(1, math.ceil(speed / 10))  # after a stall, catch up a little only
                if due > cap:
                    self._play_t0 = time.monotonic() - self._play_done / speed
                    due = cap
                if due > 0:
                    self._state.step(due)
                    self._play_done += due
        finally:
            self._in_tick = False
        if self._state.finished or not self._state.runs:
            self.play_button.setChecked(False)

    def _on_copy_triggered(self) -> None:
        runs = self._state.runs
        if not runs:
            return
        header, rows = run_rows(runs)
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        chosen = [rows[i] for i in picked if i < len(rows)] if picked else rows
        text = "\n".join("\t".join(r) for r in [header, *chosen]) + "\n"
        QApplication.clipboard().setText(text)

    def _on_export_triggered(self) -> None:
        if not self._state.runs:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export descent run", "descent.csv", "CSV files (*.csv);;All files (*)"
        )
        if not path:
            return
        try:
            self.export_csv(path)
            self.last_export_error = None
        except OSError as err:
            self.last_export_error = str(err)
            box = QMessageBox(QMessageBox.Icon.Warning, "Export failed", str(err), parent=self)
            box.setObjectName("gdExportError")
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    # -- model -> view ------------------------------------------------------------------

    def _on_descent_changed(self) -> None:
        self._sync_widgets()
        bar = self.table.verticalScrollBar()
        # Follow the newest row, unless the person scrolled up to read earlier ones.
        following = bar.value() >= bar.maximum() - 1
        added = self.table_model.refresh()
        self._fit_columns()
        if added and following:
            self.table.scrollToBottom()
        if self.playing and not self._in_tick and (not self._state.runs or self._state.finished):
            self.play_button.setChecked(False)  # a reset (new f, new setting) stops Play
        self._update_status()
        self._update_stability()
        self._update_enabled()

    def _widest_text(self) -> str:
        """The widest number text in the first and newest rows (where extremes appear)."""
        texts = ["-0.1234567"]
        for run in self._state.runs:
            its = run.iterates
            for it in (*its[:2], *its[-3:]):
                texts += [format_number(v) for v in (it.x, it.f, it.df, it.step)]
        return max(texts, key=len)

    def _fit_columns(self) -> None:
        """k narrow; number columns as wide as their widest text, stretched when they fit.

        Only the first and newest rows are measured (O(1) per update): a run's extremes —
        the start, a divergence, the tiny f′ at convergence — are there.
        """
        n = self.table_model.columnCount()
        width = self.table.viewport().width()
        fm = self.table.fontMetrics()
        need = fm.horizontalAdvance(self._widest_text()) + 10
        key = (n, width, self._state.generation)
        same = key == self._table_columns[:3]
        if same and need <= self._table_columns[3]:
            return
        if same:
            need = max(need, self._table_columns[3])  # within a run, columns only widen
        self._table_columns = (*key, need)
        header = self.table.horizontalHeader()
        k_width = fm.horizontalAdvance("0000") + 10
        fits = k_width + (n - 1) * need <= width
        # Fixed/Stretch modes cost nothing per row (ResizeToContents would scan every row).
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch if fits else QHeaderView.ResizeMode.Interactive
        )
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, k_width)
        if not fits:
            for col in range(1, n):
                header.resizeSection(col, need)

    def _sync_widgets(self) -> None:
        st = self._state
        a, b = st.configs
        blockers = [
            QSignalBlocker(w)
            for w in (
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
        ]
        # Only what differs: setValue() rewrites a spin box's text, which would wipe what
        # a person is typing there while Play updates the panel many times a second.
        _set_index(self.method, METHODS.index(a.method))
        _set_value(self.lr_spin, a.learning_rate)
        if not self.lr_slider.isSliderDown():
            lo, hi = (math.log10(v) for v in LEARNING_RATE_RANGE)
            pos = round((math.log10(a.learning_rate) - lo) / (hi - lo) * _SLIDER_STEPS)
            if pos != self.lr_slider.value():
                self.lr_slider.setValue(pos)
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

    def _describe(self, i: int) -> str:
        c = self._state.configs[i]
        what = METHOD_LABELS[c.method]
        if c.method != "newton":
            what += f", η = {_words(c.learning_rate)}"
        if c.method == "momentum":
            what += f", β = {_words(c.beta)}"
        return what

    def _update_status(self) -> None:
        st = self._state
        if self._session.function is None:
            self.status.setText("waiting for f(x)")
            return
        if not st.runs:
            self.status.setText(
                f"ready: press Step or Play to start from x = {_words(st.start, 10)}"
            )
            return
        lines = []
        for i, run in enumerate(st.runs):
            if run.status is None:
                k = len(run.iterates) - 1
                text = f"running: k = {k}"
                hint = run.message.partition(" — ")[2]
                if hint:
                    text += f" — {hint}"
            else:
                text = outcome_text(run.status, run.outcome, run.message)
            if len(st.runs) > 1:
                text = f"{_RUN_NAMES[i]} ({self._describe(i)}): {text}"
            lines.append(text)
        self.status.setText("\n".join(lines))

    def _current_point(self) -> tuple[float, float | None, bool] | None:
        """(x, f″(x), f defined at x) at run A's newest iterate, or the start before a run."""
        st = self._state
        if st.runs:
            last = st.runs[0].iterates[-1]
            return last.x, last.d2f, last.f is not None

        def value(func: Callable[[float], float | None]) -> float | None:
            try:
                v = func(st.start)
            except (ArithmeticError, ValueError):
                return None
            return v if v is not None and math.isfinite(v) else None

        fn = st.function()
        if fn is None:
            return None
        return st.start, value(fn.d2f), value(fn.f) is not None

    def _suggested_lr(self) -> float | None:
        from derivview.model.optimizers import suggested_learning_rate

        point = self._current_point()
        return None if point is None or not point[2] else suggested_learning_rate(point[1])

    def _update_stability(self) -> None:
        point = self._current_point()
        a = self._state.configs[0]
        self.suggest_button.setEnabled(False)
        if point is None:
            self.stability.setText("")
            return
        # Imported here, not at the top: before the first f (at start-up, before first
        # paint) no bound is needed, and the optimizers module is large.
        from derivview.model.optimizers import stability_bound

        x, d2f, defined = point
        where = f"at x = {_words(x)}"
        if not defined:
            self.stability.setText(f"f is undefined {where}: no local stability bound")
            return
        if d2f is None:
            self.stability.setText(f"f″ is undefined {where}: no local stability bound")
            return
        if a.method == "newton":
            if d2f > 0:
                text = f"f″ = {_words(d2f)} > 0 {where}: Newton steps toward a minimum"
            elif d2f < 0:
                text = f"f″ = {_words(d2f)} < 0 {where}: Newton steps toward a maximum"
            else:
                text = f"f″ = 0 {where}: the Newton step f′/f″ is undefined"
            self.stability.setText(text + " (Newton has no η)")
            return
        bound = stability_bound(d2f)
        if bound is None:
            shape = "is straight" if d2f == 0 else "bends down"
            self.stability.setText(
                f"f″ = {_words(d2f)} ≤ 0 {where}: f {shape} here, so curvature sets no bound on η"
            )
            return
        eta = a.learning_rate
        if a.method == "momentum":
            limit = 2 * (1 + a.beta) / d2f
            text = f"η < 2(1+β)/f″ = {_words(limit)} {where} (2/f″ = {_words(bound)})"
        else:
            limit = bound
            text = f"η < 2/f″ = {_words(bound)} {where} (f″ = {_words(d2f)})"
        if math.isclose(eta, limit, rel_tol=1e-9):
            verdict = "η is at the limit: steps bounce between two points"
        elif eta < limit:
            verdict = f"η = {_words(eta)} is below it: stable here"
        else:
            verdict = f"η = {_words(eta)} is above it: steps overshoot and grow"
        run = "A: " if self._state.compare else ""  # the bound is for run A's iterate
        self.stability.setText(f"{run}stable if {text}; {verdict}")
        self.suggest_button.setEnabled(True)
