"""The window over files that are not plain files and names at the file system's limit.

Whatever a person picks in File › Open, Open Recent or Save As: a message box at once,
the session as it was, the GUI thread never blocked for more than 250 ms (an event-loop
gap probe), and no exception escaping a Qt slot (pytest-qt fails the test on one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from fileio_support import (
    fifo_with_watchdog,
    name_of_bytes,
    needs_fifo,
    needs_symlinks,
    symlink_loop,
)
from gap_probe import MAX_GAP_MS, GapProbe
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox

from derivview.model import session_file
from derivview.ui.files.sessions import KEY_RECENT
from derivview.ui.settings import app_settings


def _open_via_menu(qtbot: Any, win: Any, path: Path) -> QMessageBox:
    """File › Open Session… answering the file dialog with ``path``; the error box shown."""
    win.files.choose_open_path = lambda: str(path)
    QTimer.singleShot(0, win.files.open_action.trigger)
    qtbot.waitUntil(lambda: win.files.message_box is not None, timeout=30_000)
    box = win.files.message_box
    qtbot.waitUntil(box.isVisible, timeout=5_000)
    return box


def _state(win: Any) -> tuple[Any, ...]:
    s = win.session
    return (s.text, s.x0, s.x_range, s.modified, win.files.path, win.windowTitle())


@needs_fifo
def test_opening_a_fifo_says_so_at_once(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", "--x0", "0.5", ready=False)
    before = _state(win)
    with fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo, GapProbe() as probe:
        box = _open_via_menu(qtbot, win, fifo)
        qtbot.wait(50)
    assert box.text() == "The session could not be opened."
    assert box.informativeText() == f"{fifo}: is a named pipe (FIFO), not a session file"
    assert _state(win) == before
    assert probe.largest_ms < MAX_GAP_MS, str(probe)
    box.close()


@needs_fifo
def test_a_fifo_in_open_recent(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    with fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo:
        settings = app_settings()
        settings.setValue(KEY_RECENT, [str(fifo)])
        win.files.recent_menu.aboutToShow.emit()  # as when File › Open Recent opens
        entry = win.files.recent_menu.actions()[0]
        assert entry.text() == "&1 pipe.derivview"
        with GapProbe() as probe:
            QTimer.singleShot(0, entry.trigger)
            qtbot.waitUntil(lambda: win.files.message_box is not None, timeout=30_000)
            qtbot.wait(50)
    assert "named pipe (FIFO)" in win.files.message_box.informativeText()
    assert win.session.text == "x^2"
    assert probe.largest_ms < MAX_GAP_MS, str(probe)
    win.files.message_box.close()


@needs_symlinks
def test_opening_a_symlink_loop(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    loop = symlink_loop(tmp_path, "loop.derivview")
    app_settings().setValue(KEY_RECENT, [str(loop), "/elsewhere/kept.derivview"])
    before = _state(win)
    box = _open_via_menu(qtbot, win, loop)
    assert box.informativeText() == (
        f"cannot read {loop}: too many levels of symbolic links (a link that leads back to itself)"
    )
    assert _state(win) == before
    # It can never open: Open Recent no longer offers it; the others stay.
    assert win.files.recent_files() == ["/elsewhere/kept.derivview"]
    box.close()


@needs_fifo
def test_save_as_onto_a_fifo(make_window: Any, qtbot: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    win.session.set_x0(0.75)  # unsaved changes
    before = _state(win)
    with fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo, GapProbe() as probe:
        win.files.choose_save_path = lambda: str(fifo)
        QTimer.singleShot(0, win.files.save_as_action.trigger)
        qtbot.waitUntil(lambda: win.files.message_box is not None, timeout=30_000)
        qtbot.wait(50)
        assert fifo.is_fifo()
    box = win.files.message_box
    assert box.text() == "The session could not be saved."
    assert box.informativeText() == (
        f"cannot write {fifo}: it is a named pipe (FIFO), not a regular file"
    )
    assert _state(win) == before and win.isWindowModified()
    assert probe.largest_ms < MAX_GAP_MS, str(probe)
    box.close()


@pytest.mark.parametrize("n", [240, 255])
def test_save_as_with_a_long_name(make_window: Any, tmp_path: Path, n: int) -> None:
    win = make_window("--expr", "x^2", ready=False)
    name = name_of_bytes(n, ".derivview")
    win.files.choose_save_path = lambda: str(tmp_path / name)
    assert win.files.save_as()
    assert win.files.message_box is None
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert session_file.load(tmp_path / name)["function"]["expression"] == "x^2"
    assert win.windowTitle().startswith(name)
    assert win.files.open_path(tmp_path / name)  # and back


def test_save_as_with_a_name_over_the_limit(make_window: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    win.files.choose_save_path = lambda: str(tmp_path / name_of_bytes(256, ".derivview"))
    assert not win.files.save_as()
    detail = win.files.message_box.informativeText()
    assert detail.endswith(": the file name is too long (256 bytes; at most 255)")
    assert "Errno" not in detail
    assert list(tmp_path.iterdir()) == []
    win.files.message_box.close()


def test_opening_a_name_over_the_limit(make_window: Any, tmp_path: Path) -> None:
    win = make_window("--expr", "x^2", ready=False)
    assert not win.files.open_path(tmp_path / name_of_bytes(256, ".derivview"))
    assert "the file name is too long" in win.files.message_box.informativeText()
    win.files.message_box.close()


def test_a_last_session_that_cannot_be_looked_at_is_skipped(make_window: Any, tmp_path) -> None:
    from derivview.ui.files import window_state

    window_state.remember("fx", str(tmp_path / name_of_bytes(300, ".derivview")))
    win = make_window(ready=False)  # a bare launch reopens the last session, if any
    assert win.files.path is None and win.session.text == "x^3 - 3x"


@needs_fifo
def test_descent_csv_onto_a_fifo(make_window: Any, tmp_path: Path) -> None:
    from derivview.ui.descent.csv_export import CsvExportError, write_runs_csv

    win = make_window("--expr", "(x-3)^2", ready=True)
    win.session.descent.step(3)
    with fifo_with_watchdog(tmp_path / "run.csv") as fifo:
        with pytest.raises(CsvExportError, match="named pipe"):
            write_runs_csv(win.session.descent, fifo)
        assert fifo.is_fifo()
    target = tmp_path / name_of_bytes(255, ".csv")
    write_runs_csv(win.session.descent, target)
    assert target.read_text().startswith("k,x,f,df,step\n")
    assert sorted(os.listdir(tmp_path)) == sorted(["run.csv", target.name])
