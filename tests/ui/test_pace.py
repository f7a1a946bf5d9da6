"""Paced: what follows a stream of changes (plot resampling, run text) runs at once, at
most once per interval while changes keep coming, and always once after the last."""

from __future__ import annotations

from PySide6.QtCore import QObject

from derivview.ui.pace import Paced


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
