"""What stays at hand above the f(x, y) plot: the editor (``xyExpressionEdit``), the point
(``xyPointX``, ``xyPointY``) and the parameter rows.

The editor is the f(x) editor (same language, same safety, same errors, a debounce, the
error underlined at its column, undo) writing the workspace's state; its presets set a
function together with a point and a region that show it well.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from derivview.model.labs.xy_fields import MAX_ABS_COORD
from derivview.ui.expression_editor import LANGUAGE_HELP, ExpressionEditor
from derivview.ui.param_panel import ParamPanel
from derivview.ui.point_controls import PreciseSpinBox
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.xy_state import XyState

XY_HELP = (
    "<b>f(x, y)</b> — type a function of x and y, e.g. <tt>x^2 + 8y^2</tt>, "
    "<tt>sin(x) cos(y)</tt>, <tt>(1 - x)^2 + 100(y - x^2)^2</tt><br>"
    + LANGUAGE_HELP.split("<br>", 1)[1].replace(
        "Any other single letter", "Any single letter other than x, y and e"
    )
)


class XyEditor(ExpressionEditor):
    """f(x, y) as typed: the f(x) editor over the workspace's state, with its presets."""

    name_prefix = "xy"
    label_text = "f(x, y) ="
    placeholder = "f(x, y), e.g. x^2 + 8y^2"
    accessible_name = "f(x, y)"
    help_text = XY_HELP
    recent_key = "editor/recentXyExpressions"

    def add_presets(self, menu: QMenu) -> None:
        from derivview.model.labs.fxy import PRESETS

        state: XyState = self.session  # type: ignore[assignment]
        for preset in PRESETS:
            action = menu.addAction(preset.label)
            action.setObjectName(f"actionXyPreset_{preset.label.split()[0].lower()}")
            action.setToolTip(f"{preset.expr}\n{preset.note}")
            action.setData(preset.expr)
            action.triggered.connect(
                lambda _c=False, p=preset: state.apply_preset(
                    p.expr, p.point, p.x_range, p.y_range, start=p.point
                )
            )


def _spin(name: str, tip: str) -> PreciseSpinBox:
    spin = PreciseSpinBox()
    spin.setObjectName(name)
    spin.setRange(-MAX_ABS_COORD, MAX_ABS_COORD)
    spin.setKeyboardTracking(False)
    spin.setSingleStep(0.1)
    spin.setToolTip(tip)
    spin.setMinimumWidth(110)
    return spin


class PointInputs(QWidget):
    """x₀ and y₀, exact: both write ``state.set_point``; both follow the state (no echo)."""

    def __init__(self, state: XyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xyPointInputs")
        self.state = state
        self.x_spin = _spin("xyPointX", "x₀ of the point; or drag the point on the plot")
        self.y_spin = _spin("xyPointY", "y₀ of the point; or drag the point on the plot")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for text, spin in (("x₀ =", self.x_spin), ("y₀ =", self.y_spin)):
            label = QLabel(text)
            label.setBuddy(spin)
            row.addWidget(label)
            row.addWidget(spin)
        row.addStretch(1)
        self.x_spin.valueChanged.connect(self._on_spin)
        self.y_spin.valueChanged.connect(self._on_spin)
        connect_while_alive(self, [(state.point_changed, self._on_point_changed)])
        self._on_point_changed()

    def _on_spin(self, _value: float) -> None:
        try:
            self.state.set_point(self.x_spin.value(), self.y_spin.value())
        except ValueError:
            self._on_point_changed()

    def _on_point_changed(self) -> None:
        for spin, v in ((self.x_spin, self.state.x0), (self.y_spin, self.state.y0)):
            if abs(spin.value() - v) > 1e-10 * max(1.0, abs(v)):
                with QSignalBlocker(spin):
                    spin.setValue(v)

    def nudge(self, dx: int, dy: int, fine: bool = False) -> None:
        """Move the point by 1/200 of the region (1/2000 if ``fine``) per unit."""
        st = self.state
        share = 1 / 2000 if fine else 1 / 200
        w = st.x_range[1] - st.x_range[0]
        h = st.y_range[1] - st.y_range[0]
        step = share * min(w, h)
        with contextlib.suppress(ValueError):
            st.set_point(st.x0 + dx * step, st.y0 + dy * step)


class XyInputs(QWidget):
    """The editor, the point and the parameter rows, one above the other."""

    def __init__(self, state: XyState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("xyInputs")
        self.editor = XyEditor(state)  # type: ignore[arg-type]
        self.point = PointInputs(state)
        self.params = ParamPanel(state, prefix="xyParam", follows="f, ∇f and the point")  # type: ignore[arg-type]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(2)
        layout.addWidget(self.editor)
        layout.addWidget(self.point)
        layout.addWidget(self.params)
