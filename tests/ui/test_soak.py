"""A short soak: a seeded random person types, drags, steps, plays, zooms, saves and opens
for about 20 seconds. Nothing may raise (pytest-qt fails the test on an exception in any
Qt slot), the window may never stop for more than 250 ms (an event-loop gap probe), and
at the end the window shows what the session says.
"""

from __future__ import annotations

import gc
import math
import os
import random
import time
from pathlib import Path
from typing import Any

from gap_probe import MAX_GAP_MS, GapProbe
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QPushButton

from derivview.ui.files.sessions import DISCARD

#: Seeded: a failure replays. DERIVVIEW_SOAK_SEED / DERIVVIEW_SOAK_S soak other ways, longer.
SEED = int(os.environ.get("DERIVVIEW_SOAK_SEED", "14"))
SOAK_S = float(os.environ.get("DERIVVIEW_SOAK_S", "20"))  # a bound on the test, not a target

TEXTS = [
    "x^3 - 3x",
    "sin(x)",
    "tan(x)",
    "|x| + |x - 1|",
    "relu(x - 1)",
    "sigmoid(4x)",
    "a x^2 + b x",
    "1/x",
    "ln(x)",
    "sqrt(x) - 1",
    "floor(x) + x/3",
    "max(x, 101) + cos(x)^3",
    "1e308 x^2",  # values beyond float64: gaps
    "(x+1)(x+2)(x+3)(x+4)(x+5)(x+6)(x+7)(x+8)(x+9)(x+10)",
    "x^x",
    "sin(",  # an error
    "foo(x)",  # an error naming foo
    "9^9^9",
]


class Person:
    """Random but reproducible hands on a window."""

    def __init__(self, qtbot: Any, win: Any, folder: Path, rng: random.Random) -> None:
        self.qtbot, self.win, self.folder, self.rng = qtbot, win, folder, rng
        self.saved: list[Path] = []
        self.done: list[str] = []

    def act(self) -> None:
        hands = (self.type, self.drag, self.step, self.play, self.zoom, self.x0_keys)
        action = self.rng.choice([*hands, self.type, self.drag, self.save, self.open])
        self.done.append(action.__name__)
        action()

    # -- hands --------------------------------------------------------------------------

    def type(self) -> None:
        edit = self.win.findChild(QLineEdit, "expressionEdit")
        edit.setFocus()
        QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(edit, self.rng.choice(TEXTS))
        if self.rng.random() < 0.7:
            QTest.keyClick(edit, Qt.Key.Key_Return)
        self.qtbot.wait(self.rng.choice((0, 30, 120)))

    def _plot(self) -> Any:
        return self.win.plot_panel

    def drag(self) -> None:
        panel = self._plot()
        vp = panel.plot_widget.viewport()
        on_point = self.rng.random() < 0.6
        if on_point:  # the tangent point along the curve
            start = panel.plot_widget.mapFromScene(panel.layer("tangent").point_scene_pos())
        else:  # the view (a pan)
            start = QPoint(vp.width() // 2, vp.height() // 2)
        end = QPoint(
            min(max(start.x() + self.rng.randint(-200, 200), 5), vp.width() - 5),
            min(max(start.y() + self.rng.randint(-60, 60), 5), vp.height() - 5),
        )
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        for k in range(1, 9):
            QTest.mouseMove(
                vp,
                QPoint(
                    start.x() + (end.x() - start.x()) * k // 8,
                    start.y() + (end.y() - start.y()) * k // 8,
                ),
            )
            self.qtbot.wait(16)
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    def zoom(self) -> None:
        vp = self._plot().plot_widget.viewport()
        delta = self.rng.choice((120, -120, 240, -240))
        pos = QPointF(vp.width() / 2, vp.height() / 2)
        from PySide6.QtGui import QWheelEvent

        event = QWheelEvent(
            pos,
            vp.mapToGlobal(pos),
            QPoint(0, 0),
            QPoint(0, delta),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(vp, event)
        self.qtbot.wait(20)

    def step(self) -> None:
        button = self.win.findChild(QPushButton, "gdStep")
        for _ in range(self.rng.randint(1, 5)):
            if button.isEnabled():
                self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        if self.rng.random() < 0.2:
            self.qtbot.mouseClick(
                self.win.findChild(QPushButton, "gdReset"), Qt.MouseButton.LeftButton
            )

    def play(self) -> None:
        play = self.win.findChild(QPushButton, "gdPlay")
        if not play.isEnabled():
            return
        self.qtbot.mouseClick(play, Qt.MouseButton.LeftButton)
        self.qtbot.wait(self.rng.randint(50, 400))
        if play.isChecked():
            self.qtbot.mouseClick(play, Qt.MouseButton.LeftButton)

    def x0_keys(self) -> None:
        edit = self.win.findChild(QLineEdit, "expressionEdit")
        edit.setFocus()
        key = self.rng.choice((Qt.Key.Key_Left, Qt.Key.Key_Right))
        for _ in range(self.rng.randint(1, 10)):
            QTest.keyClick(edit, key, Qt.KeyboardModifier.AltModifier)

    def save(self) -> None:
        path = self.folder / f"soak-{len(self.saved)}.derivview"
        assert self.win.files.save_to(path), self._box_text()
        self.saved.append(path)

    def open(self) -> None:
        if not self.saved:
            return self.save()
        self.win.files.ask_unsaved = lambda: DISCARD
        path = self.rng.choice(self.saved)
        assert self.win.files.open_path(path), self._box_text()
        return None

    def _box_text(self) -> str:
        box = self.win.files.message_box
        return "" if box is None else box.informativeText()


def test_a_random_person_for_twenty_seconds(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^3 - 3x", "--x0", "1")
    person = Person(qtbot, win, tmp_path, random.Random(SEED))
    # The heap as the app's own: at start-up the app freezes what the window is built
    # of (derivview.app._startup_gc), so a full collection scans only what came after.
    # Late in the suite this process also holds what ~2,000 earlier tests left; a full
    # collection of that stopped the GUI thread for 335 and 491 ms in two CI runs, a
    # pause no user's process has. Frozen here the same way, thawed after.
    gc.collect()
    gc.freeze()
    collections: list[float] = []  # ms each, for the message: a long one is a GC pause
    started: list[float] = []

    def timed(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started:
            collections.append((time.perf_counter() - started[0]) * 1e3)

    gc.callbacks.append(timed)
    try:
        with GapProbe() as probe:
            end = time.monotonic() + SOAK_S
            while time.monotonic() < end:
                person.act()
                QApplication.processEvents()
    finally:
        gc.callbacks.remove(timed)
        gc.unfreeze()
    print(f"soak seed {SEED}: {len(person.done)} actions; {probe}")
    assert len(person.done) > 40, person.done  # it did soak
    longest_gc = max(collections, default=0.0)
    assert probe.largest_ms < MAX_GAP_MS, (
        f"{probe}; longest garbage collection {longest_gc:.0f} ms; actions: {person.done}"
    )
    # No error box came up along the way (saving and opening always worked).
    assert not [b for b in win.findChildren(QMessageBox) if b.isVisible()]
    # At rest — text typed without Enter sent after its debounce, the function computed —
    # the window shows what the session holds. (Waiting only for "not busy" raced a last
    # unentered edit still in its debounce: the editor showed it, the session not yet.)
    debounce = win.fx.editor.debounce
    qtbot.waitUntil(lambda: not debounce.isActive() and not win.session.busy, timeout=60_000)
    s = win.session
    assert win.findChild(QLineEdit, "expressionEdit").text() == s.text
    if s.error is None and s.point is not None and s.point.f is not None:
        assert math.isfinite(s.x0)
        assert "x₀ =" in " ".join(win.readout.plain_text().split())
