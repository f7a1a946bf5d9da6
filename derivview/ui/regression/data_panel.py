"""The regression lab's data: the seeded generator's settings, or a CSV file (a dock).

Editing the generator's settings trains on new synthetic data at once; "Open CSV…"
reads a file (:mod:`derivview.ui.regression.data_files`). The panel writes the lab's
state and redraws from its signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from derivview.model.labs.regression_config import MAX_ABS_GENERATOR, MAX_POINTS
from derivview.model.labs.regression_text import short
from derivview.ui.descent.controls import FloatSpinBox
from derivview.ui.regression import data_files
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.regression_state import RegressionState
    from derivview.model.session import Session


class DataPanel(QWidget):
    """Where the data comes from: synthetic (n, slope, intercept, noise, seed) or a CSV."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regressDataPanel")
        self._state: RegressionState = session.state("regression")
        self._build()

        # -- wiring --------------------------------------------------------------------
        self.synthetic.toggled.connect(self._on_source_toggled)
        self.points.valueChanged.connect(self._on_generator_changed)
        self.seed.valueChanged.connect(self._on_generator_changed)
        for spin in (self.slope, self.intercept, self.noise):
            spin.valueChanged.connect(self._on_generator_changed)
        self.open_button.clicked.connect(self._on_open_clicked)
        st = self._state
        connect_while_alive(
            self, [(st.settings_changed, self._sync_widgets), (st.data_changed, self._on_data)]
        )
        self._sync_widgets()
        self._on_data()

    def _build(self) -> None:
        self.synthetic = QRadioButton("Synthetic: y = slope·x + intercept + noise")
        self.synthetic.setObjectName("regressSourceSynthetic")
        self.synthetic.setToolTip(
            "x uniform in [0, 5], noise·N(0, 1), drawn by numpy's default_rng(seed):\n"
            "the same seed gives the same data on every machine (as derivview regress "
            "--synthetic N --seed S)"
        )
        self.csv = QRadioButton("CSV file")
        self.csv.setObjectName("regressSourceCsv")
        self.csv.setToolTip("the data of the CSV file opened last")
        group = QButtonGroup(self)
        group.addButton(self.synthetic)
        group.addButton(self.csv)

        self.points = QSpinBox()
        self.points.setObjectName("regressPoints")
        self.points.setRange(2, MAX_POINTS)
        self.points.setGroupSeparatorShown(True)
        self.points.setKeyboardTracking(False)
        self.points.setToolTip("the number of points n")
        self.seed = QSpinBox()
        self.seed.setObjectName("regressSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("the generator's seed: another seed, other noise")
        self.slope = FloatSpinBox(6)
        self.slope.setObjectName("regressSlope")
        self.intercept = FloatSpinBox(6)
        self.intercept.setObjectName("regressIntercept")
        self.noise = FloatSpinBox(6)
        self.noise.setObjectName("regressNoise")
        for spin, tip in (
            (self.slope, "the true slope the data is drawn around"),
            (self.intercept, "the true intercept"),
            (self.noise, "the standard deviation of the noise (0: exactly on the line)"),
        ):
            spin.setRange(0.0 if spin is self.noise else -MAX_ABS_GENERATOR, MAX_ABS_GENERATOR)
            spin.setSingleStep(0.5)
            spin.setToolTip(tip)

        self.open_button = QPushButton("Open CSV…")
        self.open_button.setObjectName("regressOpenCsv")
        self.open_button.setToolTip(
            "a CSV file of two numeric columns x, y (a header row allowed);\n"
            "a bad file is refused naming the row and column, and nothing changes"
        )
        self.csv_info = QLabel()
        self.csv_info.setObjectName("regressCsvInfo")
        self.csv_info.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("regressDataSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        generator = QFormLayout()
        generator.setContentsMargins(20, 0, 0, 0)
        generator.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        generator.addRow("n", _pair(self.points, "seed", self.seed))
        generator.addRow("slope", _pair(self.slope, "intercept", self.intercept))
        generator.addRow("noise", self.noise)
        csv_row = QHBoxLayout()
        csv_row.setContentsMargins(20, 0, 0, 0)
        csv_row.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        csv_row.addWidget(self.csv_info, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.synthetic)
        layout.addLayout(generator)
        layout.addWidget(self.csv)
        layout.addLayout(csv_row)
        layout.addWidget(self.summary)
        layout.addStretch(1)

    # -- controls -> model ------------------------------------------------------------------

    def _update(self, **values: object) -> None:
        try:
            self._state.update(**values)
        except ValueError:
            self._sync_widgets()

    def _on_source_toggled(self, _on: bool) -> None:
        self._update(source="synthetic" if self.synthetic.isChecked() else "csv")

    def _on_generator_changed(self, *_: object) -> None:
        self._update(
            source="synthetic",
            n=self.points.value(),
            seed=self.seed.value(),
            slope=self.slope.value(),
            intercept=self.intercept.value(),
            noise=self.noise.value(),
        )

    def _on_open_clicked(self) -> None:
        data_files.open_csv(self, self._state)

    # -- model -> view ------------------------------------------------------------------------

    def _sync_widgets(self) -> None:
        st = self._state
        widgets = (self.synthetic, self.csv, self.points, self.seed, self.slope, self.intercept)
        blockers = [QSignalBlocker(w) for w in (*widgets, self.noise)]
        synthetic = st.get("source") == "synthetic"
        self.synthetic.setChecked(synthetic)
        self.csv.setChecked(not synthetic)
        self.csv.setEnabled(st.get("data") is not None)
        for spin, name in ((self.points, "n"), (self.seed, "seed")):
            value = min(st.get(name), spin.maximum())
            if spin.value() != value:
                spin.setValue(value)
        for spin, name in (
            (self.slope, "slope"),
            (self.intercept, "intercept"),
            (self.noise, "noise"),
        ):
            if spin.value() != st.get(name):
                spin.setValue(st.get(name))
        del blockers
        path = st.get("csv_path")
        data = st.get("data")
        if data is None:
            info = "No file opened yet."
        else:
            name = Path(path).name if path else "kept in the session"
            info = f"{name} — {data.n:,} points"
        if self.csv_info.text() != info:
            self.csv_info.setText(info)
            self.csv_info.setToolTip(path or "")

    def _on_data(self) -> None:
        data = self._state.data
        x_lo, x_hi = float(data.x.min()), float(data.x.max())
        y_lo, y_hi = float(data.y.min()), float(data.y.max())
        text = (
            f"{data.n:,} points; x from {short(x_lo)} to {short(x_hi)}, "
            f"y from {short(y_lo)} to {short(y_hi)}"
        )
        self.summary.setText(text)
        self._sync_widgets()


def _pair(first: QWidget, words: str, second: QWidget) -> QWidget:
    host = QWidget()
    row = QHBoxLayout(host)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first, 1)
    row.addWidget(QLabel(words))
    row.addWidget(second, 1)
    return host
