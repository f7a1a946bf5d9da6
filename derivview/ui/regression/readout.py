"""The regression lab's readout: ∂L/∂m and ∂L/∂b as formulas and as numbers (a dock).

The formulas are the seed's gradient, typeset (m′, b′ and x′ when x is standardized);
below them the numbers at the current epoch (``regressReadout``: epoch, m, b, L,
∂L/∂m, ∂L/∂b, |∇L|; about 12 times a second while Play runs, and always the last
epoch's when it stops), the least-squares answer with the run's distance to it, the
seed's gradient check (central differences of L in m and in b, §9.2), and why
standardizing x helps, in words, with this data's numbers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.labs.regression_text import (
    answer_text,
    gradient_formulas,
    number,
    readout_text,
    scaling_text,
    short,
    update_formula,
)
from derivview.ui.mathview import MathLabel
from derivview.ui.pace import Paced
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.regression_state import RegressionState
    from derivview.model.session import Session


class RegressionReadout(QWidget):
    """Formulas, numbers and the answer of the regression lab."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("regressReadoutPanel")
        self._state: RegressionState = session.state("regression")

        self.formula_dm = MathLabel()
        self.formula_dm.setObjectName("regressFormulaDm")
        self.formula_db = MathLabel()
        self.formula_db.setObjectName("regressFormulaDb")
        self.formula_update = MathLabel(scale=1.0)
        self.formula_update.setObjectName("regressFormulaUpdate")
        for label, tip in (
            (self.formula_dm, "∂L/∂m: the seed's dm, the mean of the residuals times x, doubled"),
            (self.formula_db, "∂L/∂b: the seed's db, the mean of the residuals, doubled"),
            (self.formula_update, "the seed's update, once per epoch"),
        ):
            label.setToolTip(tip)
        self.numbers = QLabel()
        self.numbers.setObjectName("regressReadout")
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.numbers.setFont(fixed)
        self.numbers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.numbers.setToolTip("the run at the current epoch, as numbers")
        self.answer = QLabel()
        self.answer.setObjectName("regressAnswer")
        self.answer.setWordWrap(True)
        self.answer.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.answer.setToolTip(
            "the exact minimizer of L: m* = Σ(x − x̄)(y − ȳ)/Σ(x − x̄)², b* = ȳ − m*·x̄"
        )

        self.check_button = QPushButton("Gradient check")
        self.check_button.setObjectName("regressGradientCheck")
        self.check_button.setToolTip(
            "compare ∂L/∂m and ∂L/∂b with central differences of L,\n"
            "(L(m + h, b) − L(m − h, b))/(2h) with h = 1e-5, as the seed's §9.2"
        )
        self.check_result = _words("regressGradientCheckResult", "the gradient check's result")
        self.scaling_head = QLabel("<b>Why standardizing x helps</b>")
        self.scaling_note = _words(
            "regressScalingNote",
            "the bowl's shape with raw and with standardized x, and what it means for η",
        )

        check = QHBoxLayout()
        check.setContentsMargins(0, 0, 0, 0)
        check.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        check.addWidget(self.check_result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self.formula_dm)
        layout.addWidget(self.formula_db)
        layout.addWidget(self.formula_update)
        layout.addSpacing(4)
        layout.addWidget(self.numbers)
        layout.addWidget(self.answer)
        layout.addLayout(check)
        layout.addSpacing(4)
        layout.addWidget(self.scaling_head)
        layout.addWidget(self.scaling_note)
        layout.addStretch(1)

        self._note_key: tuple[object, ...] = ()
        self._paced = Paced(self, self._show_run)
        self.check_button.clicked.connect(self._on_check_clicked)
        st = self._state
        connect_while_alive(
            self,
            [
                (st.data_changed, self._on_data_changed),
                (st.changed, self._paced),
                (st.settings_changed, self._on_settings_changed),
            ],
        )
        self._on_data_changed()

    def _on_check_clicked(self) -> None:
        from derivview.model.labs.regression import gradient_check

        st = self._state
        last = st.run.last
        check = gradient_check(st.trained, last.m, last.b)
        p = "′" if st.scaling is not None else ""
        if check.worst is None:
            text = "The central differences are undefined here (the loss overflows)."
        else:
            verdict = "they agree" if check.worst < 1e-6 else "they DISAGREE"
            text = (
                f"Epoch {st.epoch:,}: ∂L/∂m{p} = {number(check.dm)}, central difference "
                f"{number(check.numeric_dm or math.nan)}; ∂L/∂b{p} = {number(check.db)}, "
                f"central difference {number(check.numeric_db or math.nan)}: {verdict} "
                f"(relative error {short(check.worst)})."
            )
        self.check_result.setText(text)

    def _on_settings_changed(self) -> None:
        st = self._state
        # Also sent with every epoch (the epoch is saved): the note depends on the data,
        # η and the scaling only.
        key = (id(st.data), st.get("learning_rate"), st.get("standardize"))
        if key != self._note_key:
            self._note_key = key
            self.scaling_note.setText(scaling_text(st))

    def _on_data_changed(self) -> None:
        self._note_key = ()
        self._on_settings_changed()
        prime = self._state.scaling is not None
        dm, db = gradient_formulas(prime)
        self.formula_dm.setMath(dm)
        self.formula_db.setMath(db)
        self.formula_update.setMath(update_formula(prime))
        self._show_run()

    def _show_run(self) -> None:
        st = self._state
        for label, text in ((self.numbers, readout_text(st)), (self.answer, answer_text(st))):
            if label.text() != text:
                label.setText(text)
        if self.check_result.text() and not self.check_result.text().startswith(
            f"Epoch {st.epoch:,}:"
        ):
            self.check_result.setText("")  # it was about another epoch


def _words(name: str, tip: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    label.setToolTip(tip)
    return label
