"""Play: a clock that steps the session's descent runs at a chosen speed.

It only steps (``session.descent.step``); the views redraw from what the session
announces. It stops when the runs end, and when they are dropped (a new f, a new setting,
Reset) while it plays.

Another lab's run can be played too: pass it as ``stepper`` — an object with ``step(n)``,
``reset()``, ``finished``, ``runs`` (empty once dropped or reset) and a ``changed``
signal (the regression lab's state is one).

Signals
-------
playingChanged(bool)
    Play started (True) or stopped (False), by a person or because the runs ended.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.session import Session

#: Play speeds offered, in steps per second (inf: as fast as the window keeps up).
SPEEDS: tuple[tuple[str, float], ...] = (
    ("1 step/s", 1.0),
    ("2 steps/s", 2.0),
    ("5 steps/s", 5.0),
    ("10 steps/s", 10.0),
    ("30 steps/s", 30.0),
    ("60 steps/s", 60.0),
    ("240 steps/s", 240.0),
    ("as fast as possible", math.inf),
)
DEFAULT_SPEED_INDEX = 2
#: "as fast as possible": step this long per frame, then let the window paint.
FAST_BUDGET_S = 0.008


class PlayScheduler(QObject):
    """Steps ``session.descent`` on a timer while playing (see the module docstring)."""

    playingChanged = Signal(bool)

    def __init__(
        self, session: Session, parent: QObject | None = None, *, stepper: Any = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._state = session.descent if stepper is None else stepper
        changed = session.descent_changed if stepper is None else stepper.changed
        # Views redraw once per "as fast as possible" tick: the session's signals, or
        # the stepper's own, are held back until the tick ends.
        self._batch = session.batch if stepper is None else (lambda: changed.paused(lambda a, b: b))
        self._speed = SPEEDS[DEFAULT_SPEED_INDEX][1]
        self._playing = False
        self._in_tick = False
        self._t0 = 0.0
        self._done = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_tick)
        connect_while_alive(self, [(changed, self._on_descent_changed)])

    @property
    def playing(self) -> bool:
        """Whether Play is on."""
        return self._playing

    @property
    def speed(self) -> float:
        """Steps per second (``math.inf``: as fast as the window keeps up)."""
        return self._speed

    def set_speed(self, steps_per_second: float) -> None:
        """Change the speed (at once, if playing)."""
        self._speed = float(steps_per_second)
        if self._playing:
            self._start_clock()

    def set_playing(self, on: bool) -> None:
        """Play (the first step at once; after the end, start over) or pause."""
        if on == self._playing:
            return
        self._playing = on
        if not on:
            self._timer.stop()
            self.playingChanged.emit(False)
            return
        if self._state.finished:
            self._state.reset()  # Play after the end starts over
        self._start_clock()
        self.playingChanged.emit(True)
        self._on_tick()  # the first step at once: Play answers immediately

    def _start_clock(self) -> None:
        self._t0 = time.monotonic()
        self._done = 0
        # "As fast as possible" steps for a budget per 16 ms frame, leaving the rest of the
        # frame to painting and input: the window stays responsive while it runs.
        interval = 16 if math.isinf(self._speed) else max(16, round(1000.0 / self._speed))
        self._timer.start(interval)

    def _on_tick(self) -> None:
        speed = self._speed
        self._in_tick = True
        try:
            if math.isinf(speed):
                deadline = time.monotonic() + FAST_BUDGET_S
                with self._batch():  # views redraw once per tick
                    while not self._state.finished and time.monotonic() < deadline:
                        if self._state.step(8) == 0:
                            break
            else:
                due = int((time.monotonic() - self._t0) * speed) + 1 - self._done
                cap = max(1, math.ceil(speed / 10))  # after a stall, catch up a little only
                if due > cap:
                    self._t0 = time.monotonic() - self._done / speed
                    due = cap
                if due > 0:
                    self._state.step(due)
                    self._done += due
        finally:
            self._in_tick = False
        if self._state.finished or not self._state.runs:
            self.set_playing(False)

    def _on_descent_changed(self) -> None:
        st = self._state
        if self._playing and not self._in_tick and (not st.runs or st.finished):
            self.set_playing(False)  # a reset (new f, new setting) stops Play
