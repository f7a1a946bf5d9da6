"""UI test support: ``make_window`` owns window lifetime (napari's make_napari_viewer style).

    def test_something(make_window, qtbot):
        win = make_window("--expr", "x^2", "--x0", "1")   # shown, f computed
        ...

Every window made here is closed at teardown (close guards skipped, worker thread
stopped). Windows share one symbolic worker process per test session unless
``own_worker=True`` (a test about the worker's lifetime); a shared worker survives
cancellations: it restarts itself on the next request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

READY_TIMEOUT_MS = 60_000  # first use in a busy 2-core machine: spawn + sympy import


@pytest.fixture(scope="session")
def shared_worker() -> Iterator[Any]:
    """One SymbolicWorker process for the whole test session."""
    from derivview.model.symbolic_worker import SymbolicWorker

    worker = SymbolicWorker()
    yield worker
    worker.close()


def is_ready(win: Any) -> bool:
    """The window's function is computed for its current text and nothing is running."""
    s = win.session
    if s.busy:
        return False
    if s.error is not None:
        return True
    f = s.function
    return f is not None and f.expression.text == s.text


def wait_ready(qtbot: Any, win: Any, timeout: int = READY_TIMEOUT_MS) -> None:
    """Wait until the window shows the result (function or error) for its current text."""
    qtbot.waitUntil(lambda: is_ready(win), timeout=timeout)


def type_expression(qtbot: Any, win: Any, text: str, *, enter: bool = True) -> None:
    """Type ``text`` into the editor the way a person does (replace all, type, Enter)."""
    edit = win.findChild(QLineEdit, "expressionEdit")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    if enter:
        qtbot.keyClick(edit, Qt.Key.Key_Return)


def readout_text(win: Any) -> str:
    """What the readout says, as plain text with whitespace collapsed to single spaces."""
    return " ".join(win.readout.plain_text().split())


def close_window(win: Any) -> bool:
    """Close the window as if the person agreed to discard unsaved changes."""
    win.close_guards.clear()
    return bool(win.close())


def error_text(win: Any) -> str:
    return win.findChild(QLabel, "expressionError").text()


@pytest.fixture
def make_window(qtbot: Any, shared_worker: Any) -> Iterator[Callable[..., Any]]:
    """Factory: ``make_window(*argv, show=True, ready=True, own_worker=False,
    lazy_panels=False)``."""
    from derivview.app import create_window

    windows: list[Any] = []

    def factory(
        *argv: str,
        show: bool = True,
        ready: bool = True,
        own_worker: bool = False,
        lazy_panels: bool = False,
    ) -> Any:
        worker = None if own_worker else shared_worker
        win = create_window(list(argv), worker=worker, lazy_panels=lazy_panels)
        windows.append(win)
        if show:
            win.show()
            qtbot.waitExposed(win)
        if ready:
            win.start_background()  # idempotent; the window also schedules it itself
            wait_ready(qtbot, win)
        return win

    yield factory

    for win in windows:
        win.close_guards.clear()
        win.close()
        win.shutdown()
        win.deleteLater()
    QApplication.processEvents()


@pytest.fixture
def ui(qtbot: Any) -> Any:
    """Helpers for driving a window: ``ui.type(win, text)``, ``ui.wait_ready(win)``, …"""
    from types import SimpleNamespace

    return SimpleNamespace(
        type=lambda win, text, enter=True: type_expression(qtbot, win, text, enter=enter),
        wait_ready=lambda win, timeout=READY_TIMEOUT_MS: wait_ready(qtbot, win, timeout),
        readout=readout_text,
        close=close_window,
        error=error_text,
    )
