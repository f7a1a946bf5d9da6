"""An event-loop gap probe: a 10 ms QTimer recording the largest gap between its ticks.

While the GUI thread is blocked (a FIFO opened for reading, a long computation), the
timer cannot fire: the largest gap is how long a person saw a frozen window.

    with GapProbe() as probe:
        ...  # drive the window; let the event loop run (qtbot.wait / waitUntil)
    assert probe.largest_ms < 250
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

#: The longest the window may stop responding (the issue's limit).
MAX_GAP_MS = 250.0


class GapProbe:
    """Record the largest gap (ms) between ticks of a ``interval_ms`` timer."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last: float | None = None
        self.largest_ms = 0.0
        self.ticks = 0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.largest_ms = max(self.largest_ms, (now - self._last) * 1000.0)
        self._last = now
        self.ticks += 1

    def __enter__(self) -> GapProbe:
        self._last = None
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()  # a block that lasted until the end counts too
        self.timer.stop()
