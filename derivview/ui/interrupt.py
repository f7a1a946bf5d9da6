"""Ctrl+C in the terminal that started the app: close the window as its close button does.

While Qt's event loop runs, Python code runs only inside slots, so Python's SIGINT
handling (KeyboardInterrupt at the next bytecode) never comes, or comes as a traceback
from whatever slot runs next. Here a Python handler asks the window to close — which
asks about unsaved changes, as closing it does — and a timer wakes the interpreter a few
times a second so that the handler runs. A second Ctrl+C while the first is still being
answered quits at once (exit status 130, as for any interrupted command).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

#: How often the interpreter is woken to run signal handlers (Qt's loop is in C++).
WAKE_MS = 250
#: The exit status of a command interrupted by Ctrl+C (128 + SIGINT).
INTERRUPTED = 130


class InterruptHandler(QObject):
    """Closes ``window`` on SIGINT; ``closed_it`` says whether a Ctrl+C closed it."""

    def __init__(self, window: QWidget, wake_ms: int = WAKE_MS) -> None:
        super().__init__(window)
        self.window = window
        self.closed_it = False
        self._closing = False
        self._wake = QTimer(self)
        self._wake.timeout.connect(lambda: None)  # a Python slot: handlers run before it
        self._wake.start(wake_ms)
        self._previous: Any = signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        if self._closing:  # Ctrl+C again while the first is being answered: quit now
            QApplication.exit(INTERRUPTED)
            return
        self._closing = True
        QTimer.singleShot(0, self._close)

    def _close(self) -> None:
        try:
            # The close guards ask about unsaved changes; the person may stay.
            self.closed_it = bool(self.window.close()) or self.closed_it
        finally:
            self._closing = False

    def restore(self) -> None:
        """Put back the SIGINT handler that was there before; stop waking."""
        self._wake.stop()
        signal.signal(signal.SIGINT, self._previous)


@contextlib.contextmanager
def closing_on_interrupt(window: QWidget) -> Iterator[InterruptHandler]:
    """Ctrl+C closes ``window`` while the block runs (the main thread only)."""
    handler = InterruptHandler(window)
    try:
        yield handler
    finally:
        handler.restore()
