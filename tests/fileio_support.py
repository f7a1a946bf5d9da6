"""Files that are not what they seem, for the file-I/O tests (model, command line, window).

``small_disk_mounted`` is a 64 kB file system that fills up (a tmpfs, where mounting is allowed).
``fifo_with_watchdog`` makes a FIFO and, should a reader block on it, unblocks that reader
after a while by opening the FIFO for writing and closing it (the reader then sees an
empty file): a regression makes the test *fail* on its message, never hang the suite.
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges")

#: Seconds before the watchdog unblocks a reader stuck on the FIFO.
WATCHDOG_S = 5.0
#: FIFOs whose watchdog had to release a reader (see :func:`was_released`).
_released: set[Path] = set()


def was_released(fifo: Path) -> bool:
    """Whether a reader blocked on ``fifo`` and its watchdog had to release it: then the
    code under test waited on the pipe, whatever message it gave afterwards."""
    return fifo in _released


@contextlib.contextmanager
def fifo_with_watchdog(path: Path, after: float = WATCHDOG_S) -> Iterator[Path]:
    """A FIFO at ``path``; a reader that blocks on it is released after ``after`` s."""
    os.mkfifo(path)
    stop = threading.Event()

    def release() -> None:
        deadline = time.monotonic() + after
        while not stop.wait(0.05):
            if time.monotonic() < deadline:
                continue
            try:  # succeeds only while a reader has it open
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno in (errno.ENXIO, errno.ENOENT):
                    continue
                return
            _released.add(path)
            os.close(fd)

    watchdog = threading.Thread(target=release, daemon=True)
    watchdog.start()
    try:
        yield path
    finally:
        stop.set()
        watchdog.join()


def symlink_loop(folder: Path, name: str) -> Path:
    """``folder/name`` → ``folder/name.b`` → ``folder/name``: a link that never resolves."""
    a, b = folder / name, folder / f"{name}.b"
    os.symlink(b.name, a)
    os.symlink(a.name, b)
    return a


def name_of_bytes(n: int, suffix: str) -> str:
    """A valid file name of exactly ``n`` bytes in UTF-8, ending with ``suffix``.

    Multi-byte characters included (é is 2 bytes), as people's names have them.
    """
    body = n - len(suffix.encode())
    stem = "é" * (body // 4) + "a" * (body - 2 * (body // 4))
    name = stem + suffix
    assert len(name.encode()) == n
    return name


@contextlib.contextmanager
def small_disk_mounted() -> Iterator[Path]:
    """A 64 kB tmpfs (root only, Linux); skips the test cleanly where mounting is not
    allowed. (The ``small_disk`` fixture of tests/conftest.py.)"""
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root on Linux")
    folder = Path(tempfile.mkdtemp(prefix="derivview-small-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True, timeout=30)
        folder.rmdir()
