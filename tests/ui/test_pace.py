"""Paced: what follows a stream of changes (plot resampling, run text) runs at once, at
most once per interval while changes keep coming, and always once after the last.
AfterFrame: what a frame does not need runs once, after the paint the change asked for."""

from __future__ import annotations

from PySide6.QtCore import QObject

from derivview.ui.pace import AfterFrame, Paced


def test_a_burst_runs_now_and_once_more_after_it(qtbot) -> None:
    owner = QObject()
    calls: list[int] = []
    paced = Paced(owner, lambda: calls.append(len(calls)), ms=30)
    for _ in range(10):
        paced()
    assert len(calls) == 1  # the first at once, the other nine folded into one
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=2000)
    qtbot.wait(100)
    assert len(calls) == 2  # nothing more came: nothing more runs


def test_flush_runs_what_is_pending_now(qtbot) -> None:
    owner = QObject()
    calls: list[int] = []
    paced = Paced(owner, lambda: calls.append(1), ms=10_000)
    paced()
    paced()
    assert len(calls) == 1
    paced.flush()
    assert len(calls) == 2
    paced.flush()
    assert len(calls) == 2  # nothing pending any more


def test_after_frame_runs_once_after_the_paint_it_follows(qtbot) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QWidget

    events: list[str] = []

    class Canvas(QWidget):
        def paintEvent(self, event: QEvent) -> None:  # type: ignore[override]
            events.append("paint")

    canvas = Canvas()
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.wait(50)
    events.clear()
    later = AfterFrame(canvas, lambda: events.append("later"))
    canvas.update()  # a change asks for a frame, and for work after it
    for _ in range(5):
        later()
    assert events == [] and later.pending  # nothing yet: both wait for the event loop
    qtbot.waitUntil(lambda: "later" in events, timeout=2000)
    qtbot.wait(50)
    assert events == ["paint", "later"]  # the frame first, the five calls folded into one
    assert not later.pending


def test_after_frame_flush_runs_the_waiting_call_now(qtbot) -> None:
    owner = QObject()
    calls: list[int] = []
    later = AfterFrame(owner, lambda: calls.append(1))
    later.flush()
    assert calls == []  # nothing was waiting
    later()
    later.flush()
    assert calls == [1]
    qtbot.wait(30)
    assert calls == [1]  # flushed: the timer does not run it again
