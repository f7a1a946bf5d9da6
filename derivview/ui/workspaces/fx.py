"""The f(x) workspace: f typed above the plot, x₀ and parameters at hand; its docks.

Central: the expression editor, the x₀ slider and spin box and the parameter rows above
the plot (always in view), the plot taking the rest. Docks: the readout, the secant,
gradient descent and its iterates, the numerical derivative and the deep chain, the
derivation of f′ and the computational graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFrame, QMenu, QSizePolicy, QVBoxLayout, QWidget

from derivview.ui.wiring import connect_while_alive
from derivview.ui.workspaces.base import DockSpec, Workspace

if TYPE_CHECKING:
    from derivview.model.session import Session
    from derivview.ui.expression_editor import ExpressionEditor
    from derivview.ui.param_panel import ParamPanel
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.point_controls import PointControls

#: View › items: (session item, menu text, tooltip).
VIEW_ITEMS = (
    ("f", "&f(x)", "Show the function"),
    ("tangent", "&Tangent line", "Show the tangent at x₀"),
    ("df", "f′(x) (&derivative)", "Show the first derivative"),
    ("d2f", "f″(x) (&second derivative)", "Show the second derivative"),
    ("secant", "&Secant", "Show the secant through x₀ and x₀ + h"),
    ("markers", "&Markers (critical, inflection, kinks)", "Mark special points"),
    ("concavity", "&Concavity shading", "Shade where f is concave up / down"),
    ("extrema", "Label &extrema", "Label local maxima and minima with their coordinates"),
    ("descent", "&Descent path", "Show the gradient descent path and its start"),
    ("legend", "&Legend", "Show the legend"),
    ("grid", "&Grid", "Show the grid"),
)


def _readout(session: Session) -> QWidget:
    from derivview.ui.readout import Readout

    return Readout(session)


def _secant(session: Session) -> QWidget:
    from derivview.ui.secant_panel import SecantPanel

    return SecantPanel(session)


def _descent(session: Session) -> QWidget:
    from derivview.ui.descent.controls import DescentControls

    return DescentControls(session)


def _iterates(session: Session) -> QWidget:
    from derivview.ui.descent.table import IteratesPanel

    return IteratesPanel(session)


def _steps(session: Session) -> QWidget:
    from derivview.ui.steps.panel import StepsPanel

    return StepsPanel(session)


def _graph(session: Session) -> QWidget:
    from derivview.ui.graph.panel import GraphPanel

    return GraphPanel(session)


def _numdiff(session: Session) -> QWidget:
    from derivview.ui.labs.numdiff_panel import NumdiffPanel

    return NumdiffPanel(session)


def _depth(session: Session) -> QWidget:
    from derivview.ui.labs.depth_panel import DepthPanel

    return DepthPanel(session)


class FxWorkspace(Workspace):
    """f(x): everything of contracts.md §3.

    ``editor``, ``point_controls``, ``param_panel`` and ``plot_panel`` once built.
    """

    key = "fx"
    title = "f(x)"
    action_name = "actionWorkspaceFx"
    shortcut = "Ctrl+1"
    docks = (
        # Heights: the readout's six rows, a few lines of words and three typeset
        # formulas; the descent's controls with a three-line stability note and a
        # two-line status.
        DockSpec(
            "readoutDock", "Readout", _readout, raised=True, height=250, with_first_curve=True
        ),
        DockSpec("secantDock", "Secant", _secant, tab_with="readoutDock", lazy=True),
        DockSpec("descentDock", "Gradient descent", _descent, below="readoutDock", height=270),
        DockSpec(
            "iteratesDock",
            "Iterates",
            _iterates,
            below="descentDock",
            short_tab_with="readoutDock",
            scroll=False,
        ),
        # The labs: tabs beside the iterates, the tallest place in the column; in a short
        # window (where the iterates join the readout's tabs) beside the descent.
        DockSpec(
            "numdiffDock",
            "Numerical f′",
            _numdiff,
            tab_with="iteratesDock",
            short_tab_with="descentDock",
            scroll=False,
            lazy=True,
        ),
        DockSpec(
            "depthDock",
            "Deep chain",
            _depth,
            tab_with="iteratesDock",
            short_tab_with="descentDock",
            scroll=False,
            lazy=True,
        ),
        DockSpec(
            "stepsDock",
            "Derivation",
            _steps,
            tab_with="iteratesDock",
            short_tab_with="descentDock",
            scroll=False,
            lazy=True,
        ),
        DockSpec(
            "graphDock",
            "Graph",
            _graph,
            tab_with="iteratesDock",
            short_tab_with="descentDock",
            scroll=False,
            lazy=True,
        ),
    )

    def build(self) -> QWidget:
        from derivview.ui.expression_editor import ExpressionEditor
        from derivview.ui.param_panel import ParamPanel
        from derivview.ui.plot_panel import PlotPanel  # imports pyqtgraph
        from derivview.ui.point_controls import PointControls

        s = self.session
        self.editor: ExpressionEditor = ExpressionEditor(s)
        self.point_controls: PointControls = PointControls(s)
        self.param_panel: ParamPanel = ParamPanel(s)
        # Launched as `derivview` does: the plot's layers above the grid after it painted.
        self.plot_panel: PlotPanel = PlotPanel(s, later=self.window.lazy_panels)
        self.plot_panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        from derivview.ui.steps.editor_link import link_editor

        link_editor(self.editor, s)  # the derivation's step pointed at, selected as typed

        top = QFrame()
        top.setObjectName("fxInputs")
        top.setFrameShape(QFrame.Shape.NoFrame)
        inputs = QVBoxLayout(top)
        inputs.setContentsMargins(8, 6, 8, 4)
        inputs.setSpacing(2)
        inputs.addWidget(self.editor)
        inputs.addWidget(self.point_controls)
        inputs.addWidget(self.param_panel)
        top.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        central = QWidget()
        central.setObjectName("fxWorkspace")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(top)
        layout.addWidget(self.plot_panel, 1)
        self._build_actions()
        return central

    def _build_actions(self) -> None:
        s = self.session
        self.item_actions: dict[str, QAction] = {}
        for item, text, tip in VIEW_ITEMS:
            action = QAction(text, self.window)
            action.setObjectName(f"actionShow_{item}")
            action.setCheckable(True)
            action.setChecked(s.is_visible(item))
            action.setToolTip(tip)
            action.toggled.connect(lambda on, it=item: s.set_visible(it, on))
            self.item_actions[item] = action
        connect_while_alive(self.window, [(s.visibility_changed, self._on_visibility_changed)])
        self.reset_view_action = QAction("&Reset View", self.window)
        self.reset_view_action.setObjectName("actionResetView")
        # Ctrl+0 only: a window-wide Home would steal Home from sliders and spin boxes.
        self.reset_view_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_view_action.setToolTip("Back to the starting x range, y fitted to f")
        self.reset_view_action.triggered.connect(self.reset_view)
        self.nudge_actions: list[QAction] = []
        for keys, direction, fine in (
            ("Alt+Left", -1, False),
            ("Alt+Right", +1, False),
            ("Alt+Shift+Left", -1, True),
            ("Alt+Shift+Right", +1, True),
        ):
            action = QAction(f"Move x₀ {'left' if direction < 0 else 'right'}", self.window)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(
                lambda _c=False, d=direction, f=fine: self.point_controls.nudge(d, f)
            )
            self.nudge_actions.append(action)

    # -- the window's menus -------------------------------------------------------------

    def view_actions(self) -> list[QAction | None]:
        return [*self.item_actions.values(), None, self.reset_view_action]

    def window_actions(self) -> list[QAction]:
        return list(self.nudge_actions)

    def presets_menu(self) -> QMenu:
        return self.editor.presets_menu

    def reset_view(self) -> None:
        """Back to the starting x range with y fitted to f."""
        self.session.set_view(self.window.home_x_range, None)

    def _on_visibility_changed(self) -> None:
        for item, action in self.item_actions.items():
            shown = self.session.is_visible(item)
            if action.isChecked() != shown:
                action.blockSignals(True)
                action.setChecked(shown)
                action.blockSignals(False)
