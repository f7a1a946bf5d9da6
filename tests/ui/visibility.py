"""What a person can see of a widget: shared by the UI tests (the tests are not a package,
so this module is imported by name from its folder, which pytest puts on sys.path)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget


def rect_in_window(win: Any, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(win, widget.rect().topLeft()), widget.size())


def shown(widget: QWidget) -> bool:
    """Visible to a person: shown, and in the window (a dock on a tab behind another is
    moved out of it)."""
    win = widget.window()
    return widget.isVisible() and win.rect().intersects(rect_in_window(win, widget))


def fully_visible(win: Any, widget: QWidget) -> bool:
    """Shown, and none of it cut off: all of it inside the window and its visible region."""
    if not shown(widget):
        return False
    if not win.rect().contains(rect_in_window(win, widget)):
        return False
    return widget.visibleRegion().boundingRect() == widget.rect()
