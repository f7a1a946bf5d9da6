"""An event-loop gap probe: a 10 ms QTimer recording the largest gap between its ticks.

While the GUI thread is blocked (a FIFO opened for reading, a wait on the symbolic
engine, a long computation), the timer cannot fire: the largest gap is how long a person
saw a frozen window.

    with GapProbe() as probe:
        ...  # drive the window; let the event loop run (qtbot.wait / waitUntil)
    assert probe.largest_ms < MAX_GAP_MS

On Linux the time the GUI thread was *ready to run but kept off the CPU by other
processes* (its run-queue delay, ``/proc/thread-self/schedstat``) is taken out of each
gap: the test machine is shared, and a gap made by someone else's compiler is not the
window's doing. A thread that blocks (on a pipe, a lock, a process) or computes is
charged in full. ``largest_wall_ms`` keeps the raw gap, for messages.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer

#: The longest the window may stop responding (the issue's limit).
MAX_GAP_MS = 250.0


def _run_delay_s() -> float | None:
    """Seconds this thread has waited on a run queue so far (Linux), or None."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


class GapProbe:
    """Record the largest gap (ms) between ticks of a ``interval_ms`` timer."""

    def __init__(self, interval_ms: int = 10) -> None:
        self.timer = QTimer()
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._last: float | None = None
        self._last_delay: float | None = None
        self.largest_ms = 0.0
        self.largest_wall_ms = 0.0
        self.ticks = 0

    def _tick(self) -> None:
        now, delay = time.perf_counter(), _run_delay_s()
        if self._last is not None:
            wall = now - self._last
            starved = 0.0
            if delay is not None and self._last_delay is not None:
                starved = min(max(delay - self._last_delay, 0.0), wall)
            self.largest_ms = max(self.largest_ms, (wall - starved) * 1000.0)
            self.largest_wall_ms = max(self.largest_wall_ms, wall * 1000.0)
        self._last, self._last_delay = now, delay
        self.ticks += 1

    def __enter__(self) -> GapProbe:
        self._last = None
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._tick()  # a block that lasted until the end counts too
        self.timer.stop()

    def __str__(self) -> str:
        return (
            f"the window stopped for {self.largest_ms:.0f} ms "
            f"({self.largest_wall_ms:.0f} ms on the clock, others' load included)"
        )
