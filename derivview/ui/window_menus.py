"""The main window's menu bar: File, Functions, View and Help.

File holds the session files' and the exports' actions, and between them the shown
workspace's own file actions (Open Data…). Functions is the shown workspace's presets
menu. View lists the workspaces (Ctrl+1/2/3), the shown workspace's own items, its
panels, Reset Layout and the theme. Help has the expression language and About.

The menus call the window (show a workspace, reset its layout, close) and the theme
controller; :meth:`WindowMenus.show_workspace` re-fills them for the workspace shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from derivview import __version__
from derivview.ui.expression_editor import LANGUAGE_HELP
from derivview.ui.theme import THEME_MODES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from derivview.ui.dock_layout import BuiltWorkspace
    from derivview.ui.main_window import MainWindow
    from derivview.ui.workspaces.base import Workspace

KEYS_HELP = (
    "<b>Keys</b>: Enter plots at once · Up/Down in f(x): recent expressions · "
    "Alt+Left/Right: move x₀ (Alt+Shift: finer) · Left/Right on the x₀ slider · "
    "Ctrl+0: reset the view · Ctrl+1: the f(x) workspace · Ctrl+2: the f(x, y) workspace "
    "(Alt+arrows move its point) · Ctrl+3: the regression lab · Ctrl+Q: quit"
)


class WindowMenus:
    """The menus of ``window`` (built at once, in the window's menu bar); View lists
    ``workspaces`` (their classes)."""

    def __init__(self, window: MainWindow, workspaces: Sequence[type[Workspace]]) -> None:
        self.window = window
        bar = window.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.setObjectName("fileMenu")
        files, exports = window.files, window.exports
        self.file_menu.addAction(files.open_action)
        self.file_menu.addMenu(files.recent_menu)
        # The workspace's own file actions (Open Data…) go here, above this separator.
        self._file_actions_end = self.file_menu.addSeparator()
        self.file_menu.addAction(files.save_action)
        self.file_menu.addAction(files.save_as_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(exports.export_action)
        self.file_menu.addAction(exports.animation_action)
        self.file_menu.addAction(exports.copy_action)
        self.file_menu.addSeparator()
        self.quit_action = QAction("&Quit", window)
        self.quit_action.setObjectName("actionQuit")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setToolTip("Close derivview")
        self.quit_action.triggered.connect(window.close)
        self.file_menu.addAction(self.quit_action)

        # The shown workspace's Functions menu (the f(x) editor's presets first).
        self.functions_menu = bar.addMenu(window.fx.editor.presets_menu)

        self.view_menu = bar.addMenu("&View")
        self.view_menu.setObjectName("viewMenu")
        self.view_menu.setToolTipsVisible(True)
        group = QActionGroup(window)
        group.setExclusive(True)
        self.workspace_actions: dict[str, QAction] = {}
        for ws in workspaces:
            action = QAction(f"{ws.title} workspace", window)
            action.setObjectName(ws.action_name)
            action.setShortcut(QKeySequence(ws.shortcut))
            action.setCheckable(True)
            action.setToolTip(f"Show the {ws.title} workspace ({ws.shortcut})")
            action.triggered.connect(lambda _c=False, k=ws.key: window.show_workspace(k))
            group.addAction(action)
            self.workspace_actions[ws.key] = action
        self.panels_menu = QMenu("&Panels", window)
        self.panels_menu.setObjectName("panelsMenu")
        self.panels_menu.setToolTipsVisible(True)
        self.reset_layout_action = QAction("Reset &Layout", window)
        self.reset_layout_action.setObjectName("actionResetLayout")
        self.reset_layout_action.setToolTip("Put this workspace's panels back where they started")
        self.reset_layout_action.triggered.connect(window.reset_layout)
        self.theme_menu = QMenu("T&heme", window)
        self.theme_menu.setObjectName("themeMenu")
        self.theme_menu.setToolTipsVisible(True)
        theme_group = QActionGroup(window)
        theme_group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for mode in THEME_MODES:
            action = QAction(mode.capitalize(), window)
            action.setObjectName(f"actionTheme_{mode}")
            action.setCheckable(True)
            action.setChecked(mode == window.theme.mode)
            action.setToolTip(
                "Follow the system's light/dark setting" if mode == "system" else f"{mode} theme"
            )
            action.triggered.connect(lambda _c=False, m=mode: self.set_theme(m))
            theme_group.addAction(action)
            self.theme_menu.addAction(action)
            self.theme_actions[mode] = action

        self.help_menu = bar.addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        lang = QAction("&Expression language", window)
        lang.setObjectName("actionLanguageHelp")
        lang.setShortcut(QKeySequence.StandardKey.HelpContents)
        lang.triggered.connect(self.show_language_help)
        self.help_menu.addAction(lang)
        about = QAction("&About derivview", window)
        about.setObjectName("actionAbout")
        about.triggered.connect(self.show_about)
        self.help_menu.addAction(about)

    def show_workspace(self, built: BuiltWorkspace, previous: BuiltWorkspace | None) -> None:
        """The menus for the workspace ``built`` (``previous``: the one shown before)."""
        workspace = built.workspace
        if previous is not None:
            for action in previous.workspace.file_actions():
                self.file_menu.removeAction(action)
        self.file_menu.insertActions(self._file_actions_end, workspace.file_actions())
        self._fill_view_menu(built)
        self._show_presets_menu(workspace.presets_menu())
        for key, action in self.workspace_actions.items():
            action.setChecked(key == workspace.key)

    def _show_presets_menu(self, menu: QMenu | None) -> None:
        """The menu bar's Functions menu is the shown workspace's (f(x) presets, or
        f(x, y) presets)."""
        if menu is None or self.functions_menu is menu.menuAction():
            return
        bar = self.window.menuBar()
        action = bar.insertMenu(self.functions_menu, menu)
        bar.removeAction(self.functions_menu)
        self.functions_menu = action

    def _fill_view_menu(self, built: BuiltWorkspace) -> None:
        """The View menu for the workspace shown: its items, panels, layout, theme."""
        menu = self.view_menu
        menu.clear()
        for action in self.workspace_actions.values():
            menu.addAction(action)
        menu.addSeparator()
        for action in built.workspace.view_actions():
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.addSeparator()
        self.panels_menu.clear()
        for spec in built.workspace.docks:
            self.panels_menu.addAction(built.docks[spec.name].toggleViewAction())
        menu.addMenu(self.panels_menu)
        menu.addAction(self.reset_layout_action)
        menu.addSeparator()
        menu.addMenu(self.theme_menu)

    def set_theme(self, mode: str) -> None:
        """View › Theme: light, dark or the system's."""
        theme = self.window.theme
        theme.set_mode(mode)  # type: ignore[arg-type]
        for m, action in self.theme_actions.items():
            action.setChecked(m == theme.mode)

    def show_about(self) -> None:
        """Help › About derivview."""
        QMessageBox.about(
            self.window,
            "About derivview",
            f"<h3>derivview {__version__}</h3>"
            "<p>See derivatives: type a function, drag a point, and watch the tangent, "
            "slope, curvature and gradient descent move live.</p>",
        )

    def show_language_help(self) -> None:
        """Help › Expression language (window-modal, not blocking)."""
        box = QMessageBox(self.window)
        box.setWindowTitle("Expression language")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(LANGUAGE_HELP + "<br><br>" + KEYS_HELP)
        box.setIcon(QMessageBox.Icon.Information)
        box.open()
