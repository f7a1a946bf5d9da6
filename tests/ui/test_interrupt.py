"""Ctrl+C in the terminal: the window closes as its close button does (asking about
unsaved changes); a second Ctrl+C while that is answered quits; the real app exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from derivview.ui.files.sessions import CANCEL, DISCARD
from derivview.ui.interrupt import closing_on_interrupt

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT from os.kill: POSIX")


def test_ctrl_c_asks_about_unsaved_changes_then_closes(make_window: Any, qtbot: Any) -> None:
    win = make_window("--expr", "x^2", ready=False)
    win.session.set_x0(0.5)  # an unsaved change
    asked: list[str] = []

    def answer(reply: str):
        return lambda: asked.append(reply) or reply

    win.files.ask_unsaved = answer(CANCEL)
    with closing_on_interrupt(win) as interrupt:
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: asked == [CANCEL], timeout=5_000)
        assert win.isVisible() and not interrupt.closed_it  # the person chose to stay
        win.files.ask_unsaved = answer(DISCARD)
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: not win.isVisible(), timeout=5_000)
    assert asked == [CANCEL, DISCARD] and interrupt.closed_it
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # put back


_UNSAVED_APP = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import QTimer
    import derivview.app as app_module
    from derivview.launch import parse_launch_args

    build = app_module.build_window

    def build_with_a_change(options, **kw):
        window = build(options, **kw)
        window.session.set_x0(0.5)  # an unsaved change: closing asks about it
        QTimer.singleShot(0, lambda: print("READY", flush=True))
        return window

    app_module.build_window = build_with_a_change
    options, _ = parse_launch_args(["--expr", "x^2"])
    sys.exit(app_module.run(options))
    """
)


def test_a_second_ctrl_c_while_asked_quits(tmp_path: Path) -> None:
    """Ctrl+C opens the unsaved-changes question; Ctrl+C again quits (status 130)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DERIVVIEW_CONFIG_DIR": str(tmp_path)}
    app = subprocess.Popen(
        [sys.executable, "-c", _UNSAVED_APP],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert app.stdout is not None
        assert app.stdout.readline() == "READY\n", app.communicate()[1]
        app.send_signal(signal.SIGINT)  # the question opens (a modal box: its own loop)
        time.sleep(1.0)
        assert app.poll() is None  # waiting for the answer
        app.send_signal(signal.SIGINT)
        _, err = app.communicate(timeout=60)  # a hang detector
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_the_app_exits_on_ctrl_c(tmp_path: Path) -> None:
    """The real entry point: Ctrl+C once the window runs; a clean exit, status 130."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "DERIVVIEW_CONFIG_DIR": str(tmp_path),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "derivview", "--expr", "x^2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # The symbolic engine starts after the first paint, from the running event loop.
        deadline = time.monotonic() + 120
        while not _has_children(app.pid):
            assert app.poll() is None, app.communicate()[1]
            assert time.monotonic() < deadline, "the window did not start"
            time.sleep(0.1)
        app.send_signal(signal.SIGINT)
        _, err = app.communicate(timeout=60)  # a hang detector
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
    assert app.returncode == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def _has_children(pid: int) -> bool:
    """Whether ``pid`` has started a process (from any of its threads)."""
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            if (task / "children").read_text().split():
                return True
        except OSError:
            continue
    return False
