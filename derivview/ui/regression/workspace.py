"""The linear-regression lab (Ctrl+3): train the seed's §5 model and watch (m, b) move.

Central: the data with the current line and its residuals (``regressPlot``) beside the
loss L(m, b) as contours with the path of (m, b) (``regressLossPlot``), and the loss per
epoch below. Docks: Training (η, epochs, start, scaling, Step/Play/Reset, what the run
is doing), Readout (∂L/∂m and ∂L/∂b as formulas and numbers, the least-squares answer)
and Data (the seeded generator, or a CSV file). File › Open Data… opens a CSV;
File › Export Plot… writes the lab's plots.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from derivview.ui.workspaces.base import DockSpec, Workspace

if TYPE_CHECKING:
    from derivview.model.session import Session
    from derivview.ui.regression.plots import DataPlot, EpochPlot, LossPlot


def _train(session: Session) -> QWidget:
    from derivview.ui.regression.train_panel import TrainPanel

    return TrainPanel(session)


def _readout(session: Session) -> QWidget:
    from derivview.ui.regression.readout import RegressionReadout

    return RegressionReadout(session)


def _data(session: Session) -> QWidget:
    from derivview.ui.regression.data_panel import DataPanel

    return DataPanel(session)


class RegressionWorkspace(Workspace):
    """The regression lab: contracts.md §7's ``regress…`` widgets.

    ``data_plot``, ``loss_plot``, ``epoch_plot`` and ``plots`` (their container, the
    exported picture) once built.
    """

    key = "regression"
    title = "Linear regression"
    action_name = "actionWorkspaceRegression"
    shortcut = "Ctrl+3"
    docks = (
        DockSpec("regressTrainDock", "Training", _train, raised=True, height=290),
        DockSpec(
            "regressReadoutDock",
            "Readout",
            _readout,
            below="regressTrainDock",
            short_tab_with="regressTrainDock",
        ),
        DockSpec("regressDataDock", "Data", _data, tab_with="regressReadoutDock"),
    )

    def build(self) -> QWidget:
        from derivview.ui.regression.plots import DataPlot, EpochPlot, LossPlot

        state = self.session.state("regression")
        self.data_plot: DataPlot = DataPlot(state)
        self.loss_plot: LossPlot = LossPlot(state)
        self.epoch_plot: EpochPlot = EpochPlot(state)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.setObjectName("regressTopSplitter")
        top.setChildrenCollapsible(False)
        top.addWidget(self.data_plot)
        top.addWidget(self.loss_plot)
        top.setSizes([1, 1])
        self.plots = QSplitter(Qt.Orientation.Vertical)
        self.plots.setObjectName("regressPlots")
        self.plots.setChildrenCollapsible(False)
        self.plots.addWidget(top)
        self.plots.addWidget(self.epoch_plot)
        self.plots.setStretchFactor(0, 3)
        self.plots.setStretchFactor(1, 1)

        central = QWidget()
        central.setObjectName("regressWorkspace")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plots)
        self._build_actions()
        return central

    def _build_actions(self) -> None:
        w = self.window
        self.open_data_action = QAction("Open &Data…", w)
        self.open_data_action.setObjectName("actionOpenData")
        self.open_data_action.setShortcut(QKeySequence("Ctrl+Shift+O"))
        self.open_data_action.setToolTip(
            "Open a CSV file of two numeric columns x, y for the regression lab"
        )
        self.open_data_action.triggered.connect(self.open_data)
        self.fit_action = QAction("&Reset View", w)
        self.fit_action.setObjectName("actionRegressResetView")
        self.fit_action.setShortcut(QKeySequence("Ctrl+0"))
        self.fit_action.setToolTip("Fit the plots to the data, the start and the answer")
        self.fit_action.triggered.connect(self.reset_view)

    # -- the window's menus -------------------------------------------------------------

    def view_actions(self) -> list[QAction | None]:
        return [self.fit_action]

    def file_actions(self) -> list[QAction]:
        return [self.open_data_action]

    def export_plot(self) -> bool:
        from derivview.ui.regression.picture import export_interactively

        if export_interactively(self.plots):
            self.window.statusBar().showMessage("Exported the regression plots", 5000)
        return True

    def copy_plot(self) -> bool:
        from PySide6.QtGui import QGuiApplication

        from derivview.ui.regression.picture import picture_image

        ratio = min(max(self.window.devicePixelRatioF(), 1.0), 3.0)
        QGuiApplication.clipboard().setImage(picture_image(self.plots, ratio))
        self.window.statusBar().showMessage("Copied the regression plots to the clipboard", 5000)
        return True

    # -- actions ------------------------------------------------------------------------

    def open_data(self) -> bool:
        """File › Open Data…: a CSV file for the lab (refused with a message if bad)."""
        from derivview.ui.regression.data_files import open_csv

        return open_csv(self.plots, self.session.state("regression"))

    def reset_view(self) -> None:
        """Fit each plot to what it shows."""
        self.data_plot.fit()
        self.loss_plot.fit()
