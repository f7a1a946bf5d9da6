"""Workspaces and their docks: what the window hosts (see :mod:`derivview.ui.main_window`).

A :class:`Workspace` is one way of looking at the session — f(x), f(x, y), the
regression lab — with a central widget (its plot, and the inputs that stay at hand) and
docks (:class:`DockSpec`): panels a person can tab, move, float, close and bring back
from the View menu. The window builds a workspace the first time it is shown, switches
between them with Ctrl+1/2/3, and remembers each one's dock layout between launches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu, QWidget

    from derivview.model.session import Session
    from derivview.ui.main_window import MainWindow

Area = Qt.DockWidgetArea
#: Below this window height, docks with ``short_tab_with`` are tabbed, not stacked.
SHORT_WINDOW_HEIGHT = 720


@dataclass(frozen=True)
class DockSpec:
    """A dock of a workspace.

    name
        The QDockWidget's objectName (layouts are saved by it: keep it stable).
    title
        Its title bar and View › Panels entry.
    build
        Makes the dock's widget for a session.
    area
        Where it goes in the default layout.
    tab_with, below
        Default layout: a tab beside that dock, or split below it (by name).
    short_tab_with
        In a window too short for every dock to be seen at once (below
        ``SHORT_WINDOW_HEIGHT``), a tab beside that dock instead of ``below``.
    height
        Default layout: its height in pixels (0: what its widget asks; the last dock of
        a column takes what is left).
    scroll
        Wrap the widget in a vertical scroll area (a form that may be taller than the
        dock); off for widgets that scroll themselves (tables).
    raised
        Default layout: the visible tab of its group.
    lazy
        In a window with ``lazy_panels`` (the app's own launch): build its widget when
        the dock is first seen (shown, or its tab raised), when asked for
        (``dock_content``), or when the event loop is idle after the first paint — for
        tabs not raised at launch, whose widgets would otherwise delay the first paint.
    with_first_curve
        In a window with ``lazy_panels``, for a dock shown at launch: its widget is built
        right after the first paint, in time for the first curve's frame (the readout's
        numbers). The other docks shown at launch get theirs when the event loop is idle
        after that frame, before the hidden tabs.
    """

    name: str
    title: str
    build: Callable[[Session], QWidget]
    area: Area = Area.RightDockWidgetArea
    tab_with: str | None = None
    below: str | None = None
    short_tab_with: str | None = None
    height: int = 0
    scroll: bool = True
    raised: bool = False
    lazy: bool = False
    with_first_curve: bool = False


class Workspace:
    """A workspace: its central widget, its docks, and the action that shows it.

    Subclasses set the class attributes and implement :meth:`build`. The window calls
    ``build`` once (when the workspace is first shown) and keeps what it returns.
    """

    #: Short key (settings, ``window.workspace(key)``).
    key: str = ""
    #: For people: the menu entry and the window's status.
    title: str = ""
    #: objectName of its View › Workspace action, and the action's shortcut.
    action_name: str = ""
    shortcut: str = ""
    #: Its docks, in the order of the default layout.
    docks: tuple[DockSpec, ...] = ()

    def __init__(self, session: Session, window: MainWindow) -> None:
        self.session = session
        self.window = window

    def build(self) -> QWidget:
        """The central widget (built once)."""
        raise NotImplementedError

    def view_actions(self) -> list[QAction | None]:
        """Actions of this workspace for the View menu (None: a separator)."""
        return []

    def window_actions(self) -> list[QAction]:
        """Shortcut-only actions that act while this workspace is shown."""
        return []

    def file_actions(self) -> list[QAction]:
        """Actions of this workspace for the File menu (after Open Recent)."""
        return []

    def export_plot(self) -> bool:
        """File › Export Plot… for this workspace; False: the window exports the f(x) plot."""
        return False

    def copy_plot(self) -> bool:
        """File › Copy Plot for this workspace; False: the window copies the f(x) plot."""
        return False

    def presets_menu(self) -> QMenu | None:
        """The menu bar's Functions menu while this workspace is shown (None: keep it)."""
        return None
