"""The docks' default layout in the main window: arranged by the workspace's ``DockSpec``\\ s,
sized for the window, and a panel's scroll area.

Plain functions over the window (a ``QMainWindow``); the window keeps the state (which
workspaces are built, whether the layout shown is still the default one) and calls these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QVBoxLayout, QWidget

from derivview.ui.workspaces.base import SHORT_WINDOW_HEIGHT

if TYPE_CHECKING:
    from derivview.ui.workspaces.base import Workspace

#: The docks' column in the default layout: this share of the window's width, within
#: these bounds in pixels (the plot keeps the rest).
DOCK_SHARE = 0.3
DOCK_WIDTH = (320, 440)
#: A dock's title bar, added to the height its panel asks for.
TITLE_BAR = 28


@dataclass
class BuiltWorkspace:
    """A workspace the window has built: its central widget, docks and their contents."""

    workspace: Workspace
    central: QWidget
    docks: dict[str, QDockWidget]
    contents: dict[str, QWidget]


def arrange(window: QMainWindow, built: BuiltWorkspace) -> list[QDockWidget]:
    """Put the workspace's docks where its ``DockSpec``\\ s say for the window's height
    (split, tabbed, raised); returns the column of docks split one below another."""
    specs = built.workspace.docks
    docks = built.docks
    short = window.height() < SHORT_WINDOW_HEIGHT
    tab_with = {
        s.name: s.short_tab_with if short and s.short_tab_with else s.tab_with for s in specs
    }
    for dock in docks.values():
        dock.setFloating(False)
        window.removeDockWidget(dock)
    # Splits first: a dock split off a tabbed one would land in its tabs.
    column: list[QDockWidget] = []
    for spec in specs:
        if tab_with[spec.name] is not None:
            continue
        dock = docks[spec.name]
        if spec.below is not None and docks[spec.below] in column:
            window.splitDockWidget(docks[spec.below], dock, Qt.Orientation.Vertical)
        else:
            window.addDockWidget(spec.area, dock)
        column.append(dock)
        dock.show()
    for spec in specs:
        other = tab_with[spec.name]
        if other is not None:
            dock = docks[spec.name]
            window.tabifyDockWidget(docks[other], dock)
            dock.show()
    for spec in specs:
        if spec.raised:
            docks[spec.name].raise_()
    return column


def size_column(
    window: QMainWindow,
    built: BuiltWorkspace,
    column: list[QDockWidget],
    content: Callable[[str], QWidget],
) -> None:
    """The default layout's sizes: the column's width, each dock's height (its spec's, or
    what its panel — ``content(name)`` — asks); the last dock takes what is left."""
    if not column:
        return
    lo, hi = DOCK_WIDTH
    width = round(min(max(window.width() * DOCK_SHARE, lo), hi))
    window.resizeDocks(column[:1], [width], Qt.Orientation.Horizontal)
    spec_of = {s.name: s for s in built.workspace.docks}
    heights = [
        (spec_of[d.objectName()].height or content(d.objectName()).sizeHint().height())
        + TITLE_BAR
        for d in column[:-1]
    ]
    if heights:
        # resizeDocks shares the column in proportion to the sizes given: the last dock's
        # is what the column has left.
        bars = window.menuBar().sizeHint().height() + window.statusBar().sizeHint().height()
        left = window.height() - bars - sum(heights) - 6 * len(column)
        heights.append(max(left, 120))
        window.resizeDocks(column, heights, Qt.Orientation.Vertical)


def narrow_column(window: QMainWindow, docks: list[QDockWidget]) -> None:
    """A narrower window narrows a wide dock column on the right too: the plot stays the
    largest."""
    right = [
        d
        for d in docks
        if d.isVisible()
        and not d.isFloating()
        and window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea
    ]
    if not right:
        return
    limit = max(round(window.width() * DOCK_SHARE), DOCK_WIDTH[0])
    if max(d.width() for d in right) > limit:
        window.resizeDocks(right[:1], [limit], Qt.Orientation.Horizontal)


def scrolling(content: QWidget) -> QScrollArea:
    """``content`` in a vertical scroll area that is never narrower than it (no clipping).

    The scroll area also keeps a panel's relayouts (a label's new text on every drag
    frame) from reaching the window's layout.
    """
    scroll = QScrollArea()
    scroll.setObjectName(f"{content.objectName() or 'panel'}Scroll")
    page = QWidget()  # the panel at the top, its natural height; the rest left empty
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(content)
    column.addStretch(1)
    scroll.setWidget(page)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(page.minimumSizeHint().width() + bar)
    return scroll
