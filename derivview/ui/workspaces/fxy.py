"""The f(x, y) workspace (Ctrl+2): f(x, y) typed above its contour plot; the readout, the
slices, descent and its iterates in docks.

Central: the editor (``xyExpressionEdit``), the point (``xyPointX``, ``xyPointY``) and the
parameter rows above the plot (``xyPlot``), which takes the rest. Its state is the
session's part ``"xy"`` (:class:`~derivview.model.labs.xy_state.XyState`): it is saved
in session files, and nothing of it is computed until the workspace is first shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.labs.xy_fields import ITEM_LABELS, ITEMS
from derivview.ui.wiring import connect_while_alive
from derivview.ui.workspaces.base import DockSpec, Workspace

if TYPE_CHECKING:
    from derivview.model.labs.xy_state import XyState
    from derivview.model.session import Session
    from derivview.ui.xy.export import XyExport
    from derivview.ui.xy.inputs import XyInputs
    from derivview.ui.xy.plot import XyPlot


def _state(session: Session) -> XyState:
    return session.state("xy")  # type: ignore[no-any-return]


def _readout(session: Session) -> QWidget:
    from derivview.ui.xy.readout import XyReadout

    return XyReadout(_state(session))


def _slices(session: Session) -> QWidget:
    from derivview.ui.xy.slices import SlicesPanel

    return SlicesPanel(_state(session))


def _descent(session: Session) -> QWidget:
    from derivview.ui.xy.descent import XyDescentControls

    return XyDescentControls(session, _state(session))


def _iterates(session: Session) -> QWidget:
    from derivview.ui.descent.table import IteratesPanel
    from derivview.ui.xy.iterates import xy_source

    return IteratesPanel(session, source=xy_source(_state(session)))


ITEM_TIPS = {
    "heatmap": "Colour the plane by the value of f (the colour bar reads it)",
    "contours": "Draw level lines of f",
    "gradient": "Draw ∇f at the point: the direction f rises fastest",
    "level": "Draw the level line through the point (perpendicular to ∇f)",
    "field": "Draw the direction of ∇f on a grid of arrows",
    "descent": "Draw the descent paths and their start",
}


class FxyWorkspace(Workspace):
    """f(x, y): contours, the point with ∇f, slices, and descent in 2-D.

    ``inputs`` and ``plot`` once built.
    """

    key = "fxy"
    title = "f(x, y)"
    action_name = "actionWorkspaceFxy"
    shortcut = "Ctrl+2"
    docks = (
        DockSpec("xyReadoutDock", "Point", _readout, raised=True, height=235),
        DockSpec("xySlicesDock", "Slices", _slices, tab_with="xyReadoutDock", scroll=False),
        DockSpec("xyDescentDock", "Descent in 2-D", _descent, below="xyReadoutDock", height=250),
        DockSpec(
            "xyIteratesDock",
            "Iterates (2-D)",
            _iterates,
            below="xyDescentDock",
            short_tab_with="xyReadoutDock",
            scroll=False,
        ),
    )

    def build(self) -> QWidget:
        from derivview.ui.xy.inputs import XyInputs
        from derivview.ui.xy.plot import XyPlot  # imports pyqtgraph

        st = _state(self.session)
        st.ensure_compiled()
        self.inputs: XyInputs = XyInputs(st)
        self.inputs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.plot: XyPlot = XyPlot(st)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        central = QWidget()
        central.setObjectName("fxyWorkspace")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.inputs)
        layout.addWidget(self.plot, 1)
        self._build_actions(st)
        return central

    def _build_actions(self, st: XyState) -> None:
        self.item_actions: dict[str, QAction] = {}
        for item in ITEMS:
            action = QAction(ITEM_LABELS[item].capitalize(), self.window)
            action.setObjectName(f"actionXyShow_{item}")
            action.setCheckable(True)
            action.setChecked(st.is_visible(item))
            action.setToolTip(ITEM_TIPS[item])
            action.toggled.connect(lambda on, it=item: st.set_visible(it, on))
            self.item_actions[item] = action
        connect_while_alive(self.window, [(st.visibility_changed, self._on_visibility_changed)])
        self.reset_view_action = QAction("&Reset View", self.window)
        self.reset_view_action.setObjectName("actionXyResetView")
        self.reset_view_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_view_action.setToolTip("Back to the region of the function's preset")
        self.reset_view_action.triggered.connect(self.reset_view)
        self.nudge_actions: list[QAction] = []
        for keys, dx, dy in (
            ("Alt+Left", -1, 0), ("Alt+Right", 1, 0), ("Alt+Up", 0, 1), ("Alt+Down", 0, -1),
        ):  # fmt: skip
            for fine in (False, True):
                seq = keys.replace("Alt+", "Alt+Shift+") if fine else keys
                action = QAction(f"Move the point ({seq})", self.window)
                action.setShortcut(QKeySequence(seq))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                action.triggered.connect(
                    lambda _c=False, x=dx, y=dy, f=fine: self.inputs.point.nudge(x, y, f)
                )
                self.nudge_actions.append(action)

    def view_actions(self) -> list[QAction | None]:
        return [*self.item_actions.values(), None, self.reset_view_action]

    def presets_menu(self) -> QMenu:
        return self.inputs.editor.presets_menu

    def export_plot(self) -> bool:
        """File › Export Plot…: the f(x) dialog, drawing the f(x, y) plot."""
        from derivview.ui.export import ExportDialog

        target = self._export()
        w, h = target.view_size()
        dialog = ExportDialog(
            self.session,
            (w, h) if w >= 100 and h >= 100 else (1000, 625),
            target.dark(),
            self.window,
            export=target.export,
            items=(target.item_labels, target.is_visible),
        )
        dialog.accepted.connect(
            lambda: self.window.statusBar().showMessage(f"Exported {dialog.exported_path}", 5000)
        )
        self.window.exports.dialog = dialog  # where tests and tools find the dialog
        dialog.open()
        return True

    def copy_plot(self) -> bool:
        """File › Copy Plot: the f(x, y) plot as an image on the clipboard."""
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QMessageBox

        from derivview.ui.export import ExportError, ExportOptions

        target = self._export()
        w, h = target.view_size()
        dark = target.dark()
        options = ExportOptions(
            width=max(w, 100),
            height=max(h, 100),
            scale=min(max(self.window.devicePixelRatioF(), 1.0), 3.0),
            background="dark" if dark else "light",
            dark=dark,
        )
        try:
            image = target.image(options)
        except ExportError as exc:
            box = QMessageBox(self.window)
            box.setObjectName("fileError")
            box.setIcon(QMessageBox.Icon.Warning)
            box.setWindowTitle("derivview")
            box.setText("The plot could not be copied.")
            box.setInformativeText(str(exc))
            self.window.exports.message_box = box
            box.open()
            return True
        QGuiApplication.clipboard().setImage(image)
        self.window.statusBar().showMessage("Copied the plot to the clipboard", 5000)
        return True

    def _export(self) -> XyExport:
        from derivview.ui.xy.export import XyExport

        return XyExport(_state(self.session), self.plot)

    def reset_view(self) -> None:
        """The region of the preset whose function is shown, else the default region."""
        from derivview.model.labs.fxy import PRESETS
        from derivview.model.labs.xy_fields import DEFAULT_X_RANGE, DEFAULT_Y_RANGE

        st = _state(self.session)
        preset = next((p for p in PRESETS if p.expr == st.text), None)
        if preset is not None:
            st.set_view(preset.x_range, preset.y_range)
        else:
            st.set_view(DEFAULT_X_RANGE, DEFAULT_Y_RANGE)
        self.plot.apply_view()

    def _on_visibility_changed(self) -> None:
        st = _state(self.session)
        for item, action in self.item_actions.items():
            shown = st.is_visible(item)
            if action.isChecked() != shown:
                action.blockSignals(True)
                action.setChecked(shown)
                action.blockSignals(False)
