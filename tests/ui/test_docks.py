"""The window of docks and workspaces: panels a person can close, bring back, move and
reset; layouts remembered between launches; workspaces switched with Ctrl+1/2/3; at
1024×640 and 1280×800 nothing cut off, the plot the largest thing."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QDockWidget,
    QLabel,
    QMenu,
    QTabBar,
    QWidget,
)
from visibility import fully_visible, rect_in_window, shown

from derivview.ui.workspaces.base import DockSpec, Workspace

FX_DOCKS = ("readoutDock", "secantDock", "descentDock", "iteratesDock")


def dock(win: Any, name: str) -> QDockWidget:
    found = win.findChild(QDockWidget, name)
    assert found is not None, name
    return found


def panel_action(win: Any, name: str) -> QAction:
    menu = win.findChild(QMenu, "panelsMenu")
    (action,) = [a for a in menu.actions() if a.objectName() == f"actionPanel_{name}"]
    return action


# -- docks ------------------------------------------------------------------------------------


def test_every_panel_is_a_closable_movable_dock_with_a_view_menu_entry(make_window, qtbot):
    win = make_window(ready=False)
    for name in FX_DOCKS:
        d = dock(win, name)
        features = d.features()
        assert features & QDockWidget.DockWidgetFeature.DockWidgetClosable
        assert features & QDockWidget.DockWidgetFeature.DockWidgetMovable
        assert features & QDockWidget.DockWidgetFeature.DockWidgetFloatable
        action = panel_action(win, name)
        assert action.isChecked() == (not d.isHidden())
        assert action.toolTip()
    # The contract's controls live in them.
    for name, parent in (
        ("pointReadout", "readoutDock"),
        ("gdMethod", "descentDock"),
        ("gdStatus", "descentDock"),
        ("gdTable", "iteratesDock"),
        ("secantHSpin", "secantDock"),
    ):
        widget = win.findChild(QWidget, name)
        assert widget is not None and dock(win, parent).isAncestorOf(widget), name


def test_as_launched_tabs_hidden_are_built_when_seen_or_soon_after_the_first_paint(
    make_window, qtbot
):
    lazy = {
        "secantDock": "secantHSpin",
        "numdiffDock": "numdiffPlot",
        "depthDock": "depthPlot",
        "stepsDock": "stepsView",
        "graphDock": "graphView",
    }
    # Every panel is there as soon as create_window returns (contracts.md §7)...
    full = make_window("--expr", "x^2", show=False, ready=False)
    assert all(full.findChild(QWidget, w) is not None for w in lazy.values())
    # ... while the window as derivview launches it, not shown, has none of them yet.
    win = make_window("--expr", "x^2", show=False, ready=False, lazy_panels=True)
    assert all(win.findChild(QWidget, w) is None for w in lazy.values())
    # Its tab raised: built at once, inside its dock, before it paints.
    win.show()
    dock(win, "stepsDock").raise_()
    steps = win.findChild(QWidget, "stepsView")
    assert steps is not None and dock(win, "stepsDock").isAncestorOf(steps)
    assert win.dock_content("stepsDock").isAncestorOf(steps)
    # The rest come by themselves after the first paint, each in its own dock.
    qtbot.waitUntil(lambda: all(win.findChild(QWidget, w) is not None for w in lazy.values()))
    for name, widget in lazy.items():
        assert dock(win, name).isAncestorOf(win.findChild(QWidget, widget)), name
    # A window that is never shown builds a panel when a script asks for it.
    hidden = make_window("--expr", "x^2", show=False, ready=False, lazy_panels=True)
    depth = hidden.dock_content("depthDock")
    assert depth.findChild(QWidget, "depthPlot") is not None
    assert dock(hidden, "depthDock").isAncestorOf(depth)


def test_a_closed_panel_comes_back_from_the_view_menu(make_window, qtbot):
    win = make_window(ready=False)
    d = dock(win, "descentDock")
    assert shown(d)
    d.close()  # its title bar's close button
    assert not d.isVisible()
    action = panel_action(win, "descentDock")
    assert not action.isChecked()
    action.trigger()
    assert d.isVisible() and action.isChecked()


def test_reset_layout_puts_moved_and_closed_panels_back(make_window, qtbot):
    win = make_window(ready=False)
    before = {name: win.dockWidgetArea(dock(win, name)) for name in FX_DOCKS}
    dock(win, "descentDock").setFloating(True)
    dock(win, "readoutDock").close()
    win.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock(win, "iteratesDock"))
    win.findChild(QAction, "actionResetLayout").trigger()
    for name in FX_DOCKS:
        d = dock(win, name)
        assert not d.isFloating() and not d.isHidden(), name
        assert win.dockWidgetArea(d) == before[name], name
    assert shown(dock(win, "readoutDock"))  # the raised tab of its group


def test_the_layout_is_remembered_between_launches(make_window, qtbot):
    first = make_window(ready=False)
    dock(first, "secantDock").close()
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock(first, "iteratesDock"))
    first.close()
    again = make_window(ready=False)
    assert dock(again, "secantDock").isHidden()
    assert again.dockWidgetArea(dock(again, "iteratesDock")) == Qt.DockWidgetArea.LeftDockWidgetArea
    again.findChild(QAction, "actionResetLayout").trigger()
    again.close()
    third = make_window(ready=False)  # a reset layout is the default one next time too
    assert not dock(third, "secantDock").isHidden()
    assert (
        third.dockWidgetArea(dock(third, "iteratesDock")) == Qt.DockWidgetArea.RightDockWidgetArea
    )


# -- workspaces ---------------------------------------------------------------------------------


class _LabWorkspace(Workspace):
    """A stand-in for a lab's workspace: a central label and one dock."""

    key = "lab"
    title = "lab"
    action_name = "actionWorkspaceLab"
    shortcut = "Ctrl+2"
    docks = (DockSpec("labDock", "Lab", lambda session: QLabel("lab panel")),)

    def build(self) -> QWidget:
        label = QLabel("lab plot")
        label.setObjectName("labCentral")
        return label


def test_the_f_x_workspace_action(make_window):
    win = make_window(ready=False)
    action = win.findChild(QAction, "actionWorkspaceFx")
    assert action is not None and action.isChecked()
    assert action.shortcut() == QKeySequence("Ctrl+1")
    assert action.toolTip()


def test_workspaces_switch_with_their_central_plot_and_docks(make_window, qtbot, monkeypatch):
    from derivview.ui import main_window
    from derivview.ui.workspaces.fx import FxWorkspace

    monkeypatch.setattr(main_window, "WORKSPACES", (FxWorkspace, _LabWorkspace))
    win = make_window(ready=False)
    plot = win.findChild(QWidget, "plotView")
    assert shown(plot) and shown(dock(win, "readoutDock"))
    assert win.findChild(QDockWidget, "labDock") is None  # built when first shown
    QApplication.processEvents()  # laid out: the docks' tabs exist
    dock(win, "secantDock").raise_()  # the person brought the secant forward
    qtbot.waitUntil(lambda: shown(dock(win, "secantDock")))
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    plot.setFocus()
    qtbot.keyClick(plot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert win.workspace_key == "lab"
    QApplication.processEvents()
    assert shown(win.findChild(QWidget, "labCentral")) and shown(dock(win, "labDock"))
    assert not plot.isVisible()
    assert all(dock(win, name).isHidden() for name in FX_DOCKS)
    panels = [a.objectName() for a in win.findChild(QMenu, "panelsMenu").actions()]
    assert panels == ["actionPanel_labDock"]
    win.findChild(QWidget, "labCentral").setFocus()
    qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.workspace_key == "fx"
    assert dock(win, "labDock").isHidden()
    qtbot.waitUntil(lambda: shown(plot))  # (the dock layout is applied on the next pass)
    assert shown(dock(win, "secantDock"))  # as the person left it
    assert not shown(dock(win, "readoutDock"))  # on the tab behind it
    assert win.findChild(QAction, "actionWorkspaceFx").isChecked()


# -- what a person sees at small and usual sizes -----------------------------------------------


def test_tabs_of_tabbed_docks_show_whole_titles_at_1024x640(make_window, qtbot):
    """Five lab docks share a tab row in the narrow column: whole titles and scroll
    arrows, not "Nu…", "De…", "De…" (seen in a 1024×640 snapshot)."""
    win = make_window("--expr", "x sin(x)", show=False)
    win.resize(1024, 640)
    win.show()
    qtbot.waitExposed(win)
    QApplication.processEvents()
    bars = [b for b in win.findChildren(QTabBar) if b.isVisible() and b.count() > 1]
    assert bars
    titles = set()
    for bar in bars:
        assert bar.usesScrollButtons()
        metrics = bar.fontMetrics()
        for i in range(bar.count()):
            titles.add(bar.tabText(i))
            assert bar.tabRect(i).width() >= metrics.horizontalAdvance(bar.tabText(i)), (
                bar.tabText(i)
            )
    assert {"Numerical f′", "Deep chain", "Derivation", "Graph"} <= titles, titles


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
@pytest.mark.parametrize("when", ["opened at that size", "resized after opening"])
def test_nothing_cut_off_and_the_plot_keeps_half_the_window(make_window, qtbot, size, when):
    win = make_window("--expr", "a x^3 - 3x", show=False)
    if when == "opened at that size":
        win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    win.resize(*size)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == size)
    qtbot.waitUntil(lambda: win.findChild(QWidget, "param_a_slider") is not None)
    QApplication.processEvents()
    plot = win.plot_panel.plot_widget
    area = plot.width() * plot.height()
    assert area >= 0.5 * size[0] * size[1], (plot.width(), plot.height())
    # The inputs above the plot are always in view.
    for name in ("expressionEdit", "x0Slider", "x0Spin", "param_a_slider", "param_a_spin"):
        assert fully_visible(win, win.findChild(QWidget, name)), name
    # The descent's controls (the issue: η, Reset, CSV were unreachable at 1024×640).
    for name in ("gdMethod", "gdLearningRate", "gdStart", "gdStep", "gdPlay", "gdReset"):
        assert fully_visible(win, win.findChild(QWidget, name)), name
    assert fully_visible(win, win.findChild(QAbstractButton, "gdExportCsv"))
    assert fully_visible(win, win.findChild(QLabel, "pointReadout"))
    dock(win, "secantDock").raise_()
    QApplication.processEvents()
    assert fully_visible(win, win.findChild(QAbstractSpinBox, "secantHSpin"))
    # Nothing wider than its dock: no control runs past the window's right edge.
    for widget in win.findChildren(QWidget):
        if shown(widget) and widget.objectName():
            r = rect_in_window(win, widget)
            assert r.right() <= win.width(), widget.objectName()
