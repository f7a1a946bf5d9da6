"""Work that follows a stream of changes at a pace people can read and the window can afford.

Text: Play moves a run 60 epochs a second; numbers that change 60 times a second cannot
be read, and each new text re-lays out its panel (~1–2 ms a frame). Plots: a pan or zoom
sends many range changes per frame; resampling once per frame is enough. A :class:`Paced` call
runs at once, then at most once per interval while calls keep coming, and once more
after the last one, so the text always ends on the latest state.

What a frame does not need (where the legend sits) waits for the frame: an
:class:`AfterFrame` call runs once at the next turn of the event loop, after the paint
that the same change asked for, however many calls came before. (Never content that must
match the frame: the readout's formulas deferred so showed the old f's for a frame.)
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

#: Text updates while a run moves: about 12 a second.
TEXT_INTERVAL_MS = 80


class Paced:
    """``func`` now, then at most once per ``ms`` while calls keep coming, then the last."""

    def __init__(self, parent: QObject, func: Callable[[], None], ms: int = TEXT_INTERVAL_MS):
        self._func = func
        self._pending = False
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ms)
        self._timer.timeout.connect(self._on_timeout)

    def __call__(self) -> None:
        if self._timer.isActive():
            self._pending = True
            return
        self._func()
        self._timer.start()

    def flush(self) -> None:
        """Run a pending call now."""
        if self._pending:
            self._pending = False
            self._func()

    def _on_timeout(self) -> None:
        if self._pending:
            self._pending = False
            self._func()
            self._timer.start()


class AfterFrame:
    """``func`` once, at the next turn of the event loop (after the pending paint)."""

    def __init__(self, parent: QObject, func: Callable[[], None]):
        self._func = func
        self._timer = QTimer(parent)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(func)

    def __call__(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    @property
    def pending(self) -> bool:
        """Whether a call waits for the next turn of the event loop."""
        return self._timer.isActive()

    def flush(self) -> None:
        """Run a waiting call now."""
        if self._timer.isActive():
            self._timer.stop()
            self._func()
