"""Files a person may name that are not plain files, names at the file system's limit, a
full disk: a plain message at once, never a hang, never a half-written file.

(The command line and the window over the same files: tests/test_cli_files.py and
tests/ui/test_file_robustness.py.)
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fileio_support import (
    fifo_with_watchdog,
    name_of_bytes,
    needs_fifo,
    needs_symlinks,
    symlink_loop,
    was_released,
)

from derivview.model import fileio
from derivview.model import session_file as sf
from derivview.model.session import Session


class Refused(Exception):
    pass


def _session(text: str = "x^3 - 3x") -> Session:
    s = Session()
    s.set_text(text)
    return s


# -- reading ----------------------------------------------------------------------------


@needs_fifo
def test_a_fifo_as_a_session_file_is_refused_at_once(tmp_path: Path) -> None:
    with (
        fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo,
        pytest.raises(sf.SessionFileError) as info,
    ):
        sf.load(fifo)
    assert str(info.value) == f"{fifo}: is a named pipe (FIFO), not a session file"
    assert not was_released(fifo)  # refused before any read, never waited on


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_before_reading() -> None:
    # /dev/zero never ends: reading it "up to the limit" would still be a waste.
    with pytest.raises(sf.SessionFileError, match="is a device, not a session file"):
        sf.load("/dev/zero")


@needs_symlinks
def test_a_symlink_loop_is_a_plain_message(tmp_path: Path) -> None:
    loop = symlink_loop(tmp_path, "loop.derivview")
    with pytest.raises(sf.SessionFileError) as info:
        sf.load(loop)
    message = str(info.value)
    assert message.startswith(f"cannot read {loop}: too many levels of symbolic links")
    assert "Errno" not in message
    assert fileio.resolved(loop) == loop  # never raises, unlike Path.resolve on 3.11/3.12


def test_a_name_too_long_to_exist_is_a_plain_message(tmp_path: Path) -> None:
    with pytest.raises(sf.SessionFileError) as info:
        sf.load(tmp_path / name_of_bytes(256, ".derivview"))
    assert "the file name is too long" in str(info.value)
    assert "Errno" not in str(info.value)


def test_a_regular_file_through_a_link_reads(tmp_path: Path) -> None:
    real = tmp_path / "real.derivview"
    sf.save(_session("sin(x)"), real)
    link = tmp_path / "link.derivview"
    link.symlink_to(real)
    assert sf.load(link)["function"]["expression"] == "sin(x)"


# -- writing ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [240, 250, 254, 255])
def test_names_up_to_the_limit_are_written(n: int, tmp_path: Path) -> None:
    name = name_of_bytes(n, ".derivview")
    sf.save(_session("x^2"), tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left
    assert sf.load(tmp_path / name)["function"]["expression"] == "x^2"
    sf.save(_session("x^4"), tmp_path / name)  # and replaced, atomically
    assert sf.load(tmp_path / name)["function"]["expression"] == "x^4"
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_name_over_the_limit_is_a_plain_message(tmp_path: Path) -> None:
    name = name_of_bytes(256, ".derivview")
    with pytest.raises(sf.SessionFileError) as info:
        sf.save(_session(), tmp_path / name)
    message = str(info.value)
    assert "the file name is too long (256 bytes; at most 255)" in message
    assert "Errno" not in message and len(message) < 160
    assert list(tmp_path.iterdir()) == []


@needs_fifo
def test_a_fifo_is_never_replaced_nor_written_to(tmp_path: Path) -> None:
    with fifo_with_watchdog(tmp_path / "pipe.derivview") as fifo:
        with pytest.raises(sf.SessionFileError, match="it is a named pipe \\(FIFO\\)"):
            sf.save(_session(), fifo)
        assert fifo.is_fifo()
    assert not was_released(fifo)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.derivview"]


@needs_symlinks
def test_a_symlink_loop_is_not_written_through(tmp_path: Path) -> None:
    loop = symlink_loop(tmp_path, "loop.derivview")
    with pytest.raises(sf.SessionFileError, match="too many levels of symbolic links"):
        sf.save(_session(), loop)
    assert loop.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == [
        "loop.derivview",
        "loop.derivview.b",
    ]


def test_a_folder_is_not_a_target(tmp_path: Path) -> None:
    (tmp_path / "d.derivview").mkdir()
    with pytest.raises(sf.SessionFileError, match="it is a folder"):
        sf.save(_session(), tmp_path / "d.derivview")


def test_any_caller_gets_its_own_error_type(tmp_path: Path) -> None:
    with pytest.raises(Refused, match="does not exist"):
        fileio.write_atomic(tmp_path / "no" / "f.csv", b"k,x\n", Refused)
    with pytest.raises(Refused, match="not a file either"):
        fileio.read_limited(tmp_path, 10, Refused, "not a file either")


# -- a full disk ------------------------------------------------------------------------


def test_a_full_disk_keeps_the_old_file_and_says_so(small_disk: Path) -> None:
    path = small_disk / "s.derivview"
    sf.save(_session("x^2"), path)
    too_big = b"x" * 200_000  # more than the disk holds
    with pytest.raises(sf.SessionFileError) as info:
        fileio.write_atomic(path, too_big, sf.SessionFileError)
    assert str(info.value) == f"cannot write {path}: the disk is full"
    assert sf.load(path)["function"]["expression"] == "x^2"
    assert [p.name for p in small_disk.iterdir()] == ["s.derivview"]


def test_a_failing_write_keeps_the_old_file_and_says_so(tmp_path: Path, monkeypatch) -> None:
    """The same where no tmpfs can be mounted: the disk fills up during the write."""
    path = tmp_path / "s.derivview"
    sf.save(_session("x^2"), path)
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.fh = real_fdopen(fd, mode)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.fh.close()

        def write(self, data: bytes) -> int:
            self.fh.write(data[:100])
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(sf.SessionFileError, match=r"the disk is full$"):
        sf.save(_session("x^4"), path)
    monkeypatch.undo()
    assert sf.load(path)["function"]["expression"] == "x^2"
    assert [p.name for p in tmp_path.iterdir()] == ["s.derivview"]


# -- the regression lab's data ------------------------------------------------------------


@needs_fifo
def test_a_fifo_swapped_in_for_a_csv_file_is_refused_not_waited_on(
    tmp_path: Path, monkeypatch
) -> None:
    """The lab looks at what the name is before opening it; a FIFO that takes the file's
    place in between is caught on the open file, never read (which would block)."""
    from derivview.model.labs.regression import DataError, read_csv

    real = tmp_path / "real.csv"
    real.write_text("x,y\n1,2\n3,4\n", encoding="utf-8")
    real_stat = os.stat
    with fifo_with_watchdog(tmp_path / "data.csv") as fifo:
        # the look before opening sees the regular file that was there a moment ago
        monkeypatch.setattr(
            os, "stat", lambda p, *a, **k: real_stat(real if Path(p) == fifo else p, *a, **k)
        )
        with pytest.raises(DataError) as info:
            read_csv(str(fifo))
        monkeypatch.undo()
    assert str(info.value) == f"{fifo} is not a regular file" and info.value.unreadable
    assert not was_released(fifo)


@needs_symlinks
def test_a_csv_symlink_loop_is_a_plain_message(tmp_path: Path) -> None:
    from derivview.model.labs.regression import read_csv

    loop = symlink_loop(tmp_path, "loop.csv")
    with pytest.raises(OSError) as info:
        read_csv(str(loop))
    assert str(info.value) == (
        f"cannot open {loop}: too many levels of symbolic links (a link that leads back to itself)"
    )
