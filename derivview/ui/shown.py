"""Whether a panel is where a person can see it.

A dock on a tab behind another is not hidden: Qt moves it out of the window and it stays
``isVisible()``. A panel that computes for the person looking at it (the derivation, the
graph's numbers on every drag frame) must know better: :class:`ShownWatcher` follows the
panel's own show/hide and, when it lives in a dock, the dock's ``visibilityChanged`` (its
tab selected or not), and announces the result.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QDockWidget, QWidget

__all__ = ["ShownWatcher"]


class ShownWatcher(QObject):
    """Follows whether ``panel`` can be seen.

    Signals
    -------
    changed(bool)
        The panel came into view (True) or went out of it (False).
    """

    changed = Signal(bool)

    def __init__(self, panel: QWidget) -> None:
        super().__init__(panel)
        self._panel = panel
        self._dock: QDockWidget | None = None
        self._dock_shows = True
        self.shown = False
        panel.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._panel and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            if event.type() == QEvent.Type.Show:
                self._attach()
                # once the window has laid the dock out (also after floating or docking it
                # again: the dock is the same, its place is not)
                QTimer.singleShot(0, self._recheck)
            self._update()
        return False

    def _attach(self) -> None:
        dock = self._panel.parentWidget()
        while dock is not None and not isinstance(dock, QDockWidget):
            dock = dock.parentWidget()
        if dock is self._dock:
            return
        if self._dock is not None:
            self._dock.visibilityChanged.disconnect(self._on_dock)
            self._dock.topLevelChanged.disconnect(self._on_float)
        self._dock = dock
        if dock is not None:
            dock.visibilityChanged.connect(self._on_dock)
            # floated out of a tab group (or docked again): visibilityChanged may not follow
            dock.topLevelChanged.connect(self._on_float)
            self._dock_shows = self._dock_in_view()

    def _on_float(self, _floating: bool) -> None:
        QTimer.singleShot(0, self._recheck)

    def _dock_in_view(self) -> bool:
        # a dock behind another tab is moved out of the window, still "visible"
        dock = self._dock
        return dock is not None and dock.isVisible() and not dock.visibleRegion().isEmpty()

    def _recheck(self) -> None:
        if self._dock is not None:
            self._dock_shows = self._dock_in_view()
            self._update()

    def _on_dock(self, visible: bool) -> None:
        self._dock_shows = visible
        self._update()

    def _update(self) -> None:
        shown = self._panel.isVisible() and (self._dock is None or self._dock_shows)
        if shown != self.shown:
            self.shown = shown
            self.changed.emit(shown)
