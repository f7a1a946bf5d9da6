"""Parameter sliders: one row per parameter letter of f (``a``, ``b``, ``k``, …).

Each row (one line, above the plot) has a fine slider over the parameter's range, a spin
box with the exact value and two small spin boxes for the range. Moving them calls
``session.set_param`` / ``session.set_param_range``; f, f′, f″ and the tangent redraw from
the compiled function with new parameter values, without differentiating again. Rows
appear and disappear as the function's parameters change.
"""

from __future__ import annotations

import contextlib
import math

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QWidget,
)

from derivview.model.session import ParamSpec, Session
from derivview.ui.point_controls import (
    SLIDER_STEPS,
    PreciseSpinBox,
    slider_to_value,
    value_to_slider,
)


class ParamRow:
    """The widgets of one parameter (they live in the panel's grid)."""

    def __init__(self, panel: ParamPanel, name: str) -> None:
        self.name = name
        self.session = panel.session
        self.label = QLabel(f"<b>{name}</b> =", panel)
        self.label.setToolTip(f"Parameter {name} of f")
        prefix = panel.prefix
        self.slider = QSlider(Qt.Orientation.Horizontal, panel)
        self.slider.setObjectName(f"{prefix}_{name}_slider")
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setSingleStep(SLIDER_STEPS // 1000)
        self.slider.setPageStep(SLIDER_STEPS // 20)
        self.slider.setToolTip(f"Drag to change {name}: {panel.follows} follow")
        self.slider.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.spin = PreciseSpinBox(panel)
        self.spin.setObjectName(f"{prefix}_{name}_spin")
        self.spin.setToolTip(f"The exact value of {name}")
        self.spin.setMinimumWidth(90)
        self.lo = _range_spin(panel, f"{prefix}_{name}_lo", f"Lower end of {name}'s slider")
        self.hi = _range_spin(panel, f"{prefix}_{name}_hi", f"Upper end of {name}'s slider")
        self.range_label = QLabel("range", panel)
        self.range_label.setToolTip(f"The range the slider of {name} covers")
        self.label.setBuddy(self.spin)

        self.slider.valueChanged.connect(self._on_slider)
        self.spin.valueChanged.connect(self._on_spin)
        self.lo.editingFinished.connect(self._on_range)
        self.hi.editingFinished.connect(self._on_range)

    def widgets(self) -> list[QWidget]:
        return [self.label, self.slider, self.spin, self.range_label, self.lo, self.hi]

    def spec(self) -> ParamSpec:
        return self.session.params.get(self.name, ParamSpec())

    def sync(self, force: bool = False) -> None:
        """Show the session's value and range (signals blocked: no echo).

        A range box being edited is left alone unless ``force`` (after its edit ended).
        """
        spec = self.spec()
        with QSignalBlocker(self.slider):
            self.slider.setValue(value_to_slider(spec.value, spec.lo, spec.hi))
        if abs(self.spin.value() - spec.value) > 1e-10:
            with QSignalBlocker(self.spin):
                self.spin.setValue(spec.value)
        for box, v in ((self.lo, spec.lo), (self.hi, spec.hi)):
            if box.value() != v and (force or not box.hasFocus()):
                with QSignalBlocker(box):
                    box.setValue(v)

    def _on_slider(self, position: int) -> None:
        spec = self.spec()
        self.session.set_param(self.name, slider_to_value(position, spec.lo, spec.hi))

    def _on_spin(self, value: float) -> None:
        if math.isfinite(value):
            self.session.set_param(self.name, value)

    def _on_range(self) -> None:
        lo, hi = self.lo.value(), self.hi.value()
        if lo < hi:
            with contextlib.suppress(ValueError):
                self.session.set_param_range(self.name, lo, hi)
        self.sync(force=True)  # an impossible range snaps back to what the session holds


def _range_spin(parent: QWidget, name: str, tip: str) -> QDoubleSpinBox:
    box = PreciseSpinBox(parent)
    box.setObjectName(name)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    box.setMaximumWidth(80)
    return box


class ParamPanel(QWidget):
    """The parameter rows of the current function (hidden when f has none).

    ``session`` is anything with the session's parameter interface (``params``,
    ``set_param``, ``set_param_range``, ``active_parameters``, ``params_changed``,
    ``function_changed``); ``prefix`` starts the rows' objectNames (``param_a_slider``),
    ``follows`` says in tooltips what follows a parameter.
    """

    def __init__(
        self,
        session: Session,
        parent: QWidget | None = None,
        *,
        prefix: str = "param",
        follows: str = "f, f′, f″ and the tangent",
    ) -> None:
        super().__init__(parent)
        self.prefix, self.follows = prefix, follows
        self.setObjectName("paramPanel" if prefix == "param" else f"{prefix}Panel")
        self.session = session
        self.rows: dict[str, ParamRow] = {}
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.setToolTip("Letters other than x in f are parameters")

        session.params_changed.connect(self._on_params_changed)
        session.function_changed.connect(self._on_params_changed)
        self._on_params_changed()

    def row(self, name: str) -> ParamRow:
        """The row of parameter ``name`` (KeyError if f has no such parameter)."""
        return self.rows[name]

    def _on_params_changed(self) -> None:
        names = self.session.active_parameters()
        if tuple(self.rows) != tuple(names):
            self._rebuild(names)
        for row in self.rows.values():
            row.sync()
        self.setVisible(bool(names))

    def _rebuild(self, names: tuple[str, ...]) -> None:
        for row in self.rows.values():
            for w in row.widgets():
                self.grid.removeWidget(w)
                w.deleteLater()
        self.rows = {}
        for r, name in enumerate(names):
            row = ParamRow(self, name)
            self.grid.addWidget(row.label, r, 0)
            self.grid.addWidget(row.slider, r, 1)
            self.grid.addWidget(row.spin, r, 2)
            self.grid.addWidget(row.range_label, r, 3, Qt.AlignmentFlag.AlignRight)
            self.grid.addWidget(row.lo, r, 4)
            self.grid.addWidget(row.hi, r, 5)
            self.rows[name] = row
        self.grid.setColumnStretch(1, 1)
