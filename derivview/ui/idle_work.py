"""Work that waits until the event loop is idle: one piece at a time, a frame later.

Used for what a person does not see yet (the panels of tabs hidden at launch): it must
not delay a paint. In the window, the paint of a new f can come after the event loop's
next idle moment (Qt 6 paints a window on a timer of its own, ~5 ms after ``update()``):
measured, work run at once when the loop went idle, or from a chain of zero timers, came
before the first curve's paint. Each piece waits a frame (16 ms) after the loop last went
idle instead (``tests/ui/test_idle_work.py`` checks the order in the window).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractEventDispatcher, QObject, QTimer

#: How long after the event loop went idle a piece of work runs.
FRAME_MS = 16


class IdleQueue(QObject):
    """Named pieces of work, run in the order added when the event loop is idle.

    Nothing runs before :meth:`start`. :meth:`run` does a piece now (someone needs it
    before its turn); :meth:`stop` ends the idle runs (what is left runs only when asked).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work: dict[str, Callable[[], object]] = {}
        self._hooked = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._run_next)

    def add(self, key: str, work: Callable[[], object]) -> None:
        """Queue ``work`` under ``key`` (a key already waiting keeps its first work)."""
        self._work.setdefault(key, work)

    def __contains__(self, key: object) -> bool:
        return key in self._work

    def __len__(self) -> int:
        return len(self._work)

    def run(self, key: str) -> None:
        """Run ``key``'s work now, if it is still waiting."""
        work = self._work.pop(key, None)
        if work is not None:
            work()
        if not self._work:
            self.stop()

    def start(self) -> None:
        """Run the queue, a piece each time the event loop has been idle for a frame."""
        dispatcher = QAbstractEventDispatcher.instance()
        if dispatcher is not None and self._work and not self._hooked:
            dispatcher.aboutToBlock.connect(self._on_idle)
            self._hooked = True

    def stop(self) -> None:
        """No more runs when idle (:meth:`run` still runs a piece when asked)."""
        self._timer.stop()
        dispatcher = QAbstractEventDispatcher.instance()
        if self._hooked and dispatcher is not None:
            dispatcher.aboutToBlock.disconnect(self._on_idle)
        self._hooked = False

    def _on_idle(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _run_next(self) -> None:
        if self._work:
            self.run(next(iter(self._work)))
