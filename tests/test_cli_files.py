"""The command line over files that are not plain files, and names at the file system's
limit: a one-line message at once (exit 1), never a hang or a traceback; every name the
file system accepts is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fileio_support import (
    fifo_with_watchdog,
    name_of_bytes,
    needs_fifo,
    needs_symlinks,
    symlink_loop,
    was_released,
)
from PySide6.QtGui import QImage

from derivview.cli import main


@pytest.fixture
def app(qapp: Any) -> Any:  # export and the launch reuse the test's QApplication
    return qapp


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and "Errno" not in err and "Error:" not in err
    return lines[0]


@needs_fifo
def test_a_fifo_as_the_session_to_open(app: Any, tmp_path: Path, capsys) -> None:
    with fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo:
        assert main([str(fifo)]) == 1
    assert one_line(capsys.readouterr().err) == (
        f"derivview: cannot open session: {fifo}: is a named pipe (FIFO), not a session file"
    )
    assert not was_released(fifo)  # said at once, never waited on the pipe


@needs_symlinks
def test_a_symlink_loop_as_the_session_to_open(app: Any, tmp_path: Path, capsys) -> None:
    loop = symlink_loop(tmp_path, "loop.derivview")
    assert main([str(loop)]) == 1
    assert "too many levels of symbolic links" in one_line(capsys.readouterr().err)


@needs_fifo
def test_a_fifo_as_the_export_target(app: Any, tmp_path: Path, capsys) -> None:
    with fifo_with_watchdog(tmp_path / "pipe.png") as fifo:
        assert main(["export", "x^2", "-o", str(fifo), "--size", "320x200"]) == 1
        assert fifo.is_fifo()
    line = one_line(capsys.readouterr().err)
    assert (
        line
        == f"derivview export: cannot write {fifo}: it is a named pipe (FIFO), not a regular file"
    )
    assert [p.name for p in tmp_path.iterdir()] == ["pipe.png"]


@needs_symlinks
def test_a_symlink_loop_as_the_export_target(app: Any, tmp_path: Path, capsys) -> None:
    loop = symlink_loop(tmp_path, "loop.png")
    assert main(["export", "x^2", "-o", str(loop), "--size", "320x200"]) == 1
    assert "too many levels of symbolic links" in one_line(capsys.readouterr().err)
    assert loop.is_symlink()


@pytest.mark.parametrize("n", [240, 250, 255])
def test_export_names_up_to_the_limit(n: int, app: Any, tmp_path: Path, capsys) -> None:
    name = name_of_bytes(n, ".png")
    assert main(["export", "x^2", "-o", str(tmp_path / name), "--size", "320x200"]) == 0
    assert capsys.readouterr().err == ""
    assert [p.name for p in tmp_path.iterdir()] == [name]
    image = QImage(str(tmp_path / name))
    assert (image.width(), image.height()) == (320, 200)


def test_an_export_name_over_the_limit(app: Any, tmp_path: Path, capsys) -> None:
    name = name_of_bytes(256, ".png")
    assert main(["export", "x^2", "-o", str(tmp_path / name), "--size", "320x200"]) == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("derivview export: cannot write ")
    assert line.endswith(": the file name is too long (256 bytes; at most 255)")
    assert list(tmp_path.iterdir()) == []


def test_a_session_name_over_the_limit(app: Any, tmp_path: Path, capsys) -> None:
    assert main([str(tmp_path / name_of_bytes(256, ".derivview"))]) == 1
    assert "the file name is too long" in one_line(capsys.readouterr().err)


def test_an_export_onto_a_full_disk_keeps_the_old_picture(
    app: Any, small_disk: Path, capsys
) -> None:
    """The atomic export, on a real file system that fills up: all or nothing."""
    target = small_disk / "plot.png"
    assert main(["export", "x^2", "-o", str(target), "--size", "160x100"]) == 0
    old = target.read_bytes()
    # A large picture does not fit in what is left of the 64 kB.
    assert main(["export", "sin(5x) + x", "-o", str(target), "--size", "3000x2000"]) == 1
    assert one_line(capsys.readouterr().err) == (
        f"derivview export: cannot write {target}: the disk is full"
    )
    assert target.read_bytes() == old
    assert [p.name for p in small_disk.iterdir()] == ["plot.png"]


def test_an_export_that_fails_while_writing_keeps_the_old_picture(
    app: Any, tmp_path: Path, monkeypatch, capsys
) -> None:
    """The same where no file system can be mounted: the write fails half-way."""
    import os

    target = tmp_path / "plot.png"
    assert main(["export", "x^2", "-o", str(target), "--size", "160x100"]) == 0
    old = target.read_bytes()
    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, fd: int, mode: str) -> None:
            self.fh = real_fdopen(fd, mode)

        def __enter__(self) -> HalfWritten:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[: len(data) // 2])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", HalfWritten)
    assert main(["export", "sin(5x)", "-o", str(target), "--size", "320x200"]) == 1
    monkeypatch.undo()
    assert one_line(capsys.readouterr().err).endswith(": the disk is full")
    assert target.read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["plot.png"]
