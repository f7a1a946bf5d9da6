"""The idle queue: work for later that never delays a paint (derivview.ui.idle_work)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from derivview.ui.idle_work import IdleQueue


def test_nothing_runs_before_start_then_one_piece_at_a_time_in_order(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    for key in "abc":
        queue.add(key, lambda k=key: done.append(k))
    queue.add("a", lambda: done.append("again"))  # a key already waiting keeps its work
    qtbot.wait(50)
    assert done == [] and len(queue) == 3
    queue.start()
    QCoreApplication.processEvents()  # a turn of the loop that never waits: not idle
    assert done == []
    qtbot.waitUntil(lambda: len(done) == 3)
    assert done == ["a", "b", "c"] and len(queue) == 0


def test_a_piece_asked_for_runs_at_once_and_only_once(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    queue.add("a", lambda: done.append("a"))
    queue.add("b", lambda: done.append("b"))
    queue.run("b")
    assert done == ["b"] and "b" not in queue and "a" in queue
    queue.run("b")  # done already: nothing
    queue.start()
    qtbot.waitUntil(lambda: done == ["b", "a"])
    qtbot.wait(50)
    assert done == ["b", "a"]


def test_stopped_it_runs_only_what_is_asked_for(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    queue.add("a", lambda: done.append("a"))
    queue.start()
    queue.stop()
    qtbot.wait(80)
    assert done == []
    queue.run("a")
    assert done == ["a"]


def test_the_first_curve_is_painted_before_any_hidden_panel_is_built(make_window, qtbot):
    # The window as derivview launches it: the first curve's paint must not wait for the
    # panels of the tabs nobody sees (a queued call or a zero timer ran them first).
    from PySide6.QtWidgets import QWidget

    win = make_window("--expr", "x^3 - 3x", show=False, ready=False, lazy_panels=True)
    hidden = ("secantHSpin", "numdiffPlot", "depthPlot", "stepsView", "graphView")
    seen: list[list[str]] = []
    state = {"installed": False}

    class Paints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and state["installed"] and not seen:
                seen.append([w for w in hidden if win.findChild(QWidget, w) is not None])
            return False

    def installed() -> None:
        state["installed"] = True

    win.session.function_changed.connect(installed)
    paints = Paints()
    win.plot_panel.plot_widget.viewport().installEventFilter(paints)
    win.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0] == []  # none of them built when the curve was painted
    qtbot.waitUntil(lambda: all(win.findChild(QWidget, w) is not None for w in hidden))
