"""Reading and writing the files a person names: never blocking, never half-written.

Every file derivview reads or writes (session files, exported pictures, CSV) goes through
here, because what a person picks in a file dialog or types on the command line can be
anything the file system holds:

- a named pipe (FIFO), a device or a socket: opening a FIFO for reading blocks until a
  writer appears — forever, freezing the window's thread. :func:`read_limited` looks
  at what the name is before opening it, opens without blocking, and refuses anything
  but a regular file with a message; :func:`write_atomic` refuses to replace one.
- a symbolic-link loop, a name longer than the file system allows, a full disk, a
  read-only file system: a plain message, never an ``OSError`` text.
- any valid name, up to the file system's limit (255 bytes on most): the temporary file
  of an atomic write has a short name of its own, so it fits whenever the target does.

Errors are raised as the caller's own exception type (``error(message)``), with one
sentence for people. Qt-free.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = [
    "check_target",
    "kind_of",
    "read_limited",
    "reason",
    "resolved",
    "write_atomic",
]

#: The temporary file of an atomic write: short, hidden, and recognisably ours.
TEMP_PREFIX = ".derivview-"
TEMP_SUFFIX = ".tmp"
#: The longest file name when the file system does not say (most have 255 bytes).
DEFAULT_NAME_MAX = 255

_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ELOOP: "too many levels of symbolic links (a link that leads back to itself)",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EISDIR: "it is a folder",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "the disk quota is exceeded"


def reason(exc: OSError) -> str:
    """What went wrong, in words (the system's text for errors without our own)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return exc.strerror or str(exc)


def kind_of(mode: int) -> str:
    """What a file of ``mode`` is, with its article: "a folder", "a named pipe (FIFO)"…"""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolved(path: str | os.PathLike[str]) -> Path:
    """``path`` made absolute with links resolved where possible; never raises.

    ``Path.resolve`` raises on a symbolic-link loop (RuntimeError before Python 3.13) and
    on names the system refuses (ENAMETOOLONG): then the absolute path as given.
    """
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(os.fspath(path)))


def read_limited(
    path: str | os.PathLike[str],
    max_bytes: int,
    error: type[Exception],
    what: str = "a file",
) -> bytes:
    """The bytes of the regular file ``path`` (at most ``max_bytes``), or ``error(message)``.

    Never blocks: what ``path`` is gets checked before opening it, and it is opened
    non-blocking (a FIFO swapped in between is caught by the second check). ``what``
    names what was expected, for messages ("a session file").
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except OSError as exc:
        raise error(f"cannot read {p}: {reason(exc)}") from None
    _refuse_non_regular(p, st.st_mode, error, what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        raise error(f"cannot read {p}: {reason(exc)}") from None
    try:
        st = os.fstat(fd)
        _refuse_non_regular(p, st.st_mode, error, what)
        if st.st_size > max_bytes:
            raise error(f"{p.name}: file too large ({st.st_size:,} bytes; at most {max_bytes:,})")
        chunks: list[bytes] = []
        size = 0
        # One byte more than allowed: the size may lie (a file growing as it is read).
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise error(f"cannot read {p}: {reason(exc)}") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise error(f"{p.name}: file too large (over {max_bytes:,} bytes)")
    return b"".join(chunks)


def _refuse_non_regular(p: Path, mode: int, error: type[Exception], what: str) -> None:
    if not stat.S_ISREG(mode):
        raise error(f"{p}: is {kind_of(mode)}, not {what}")


def name_max(folder: Path) -> int:
    """The longest file name (in bytes) the file system of ``folder`` accepts."""
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows), or unknown
        return DEFAULT_NAME_MAX
    return limit if isinstance(limit, int) and limit > 0 else DEFAULT_NAME_MAX


def check_target(path: str | os.PathLike[str], error: type[Exception]) -> Path:
    """Refuse, with ``error(message)``, a target that cannot be written; the target.

    Cheap checks only (no file is created), for callers with slow work to do before
    writing (rendering a picture): the folder exists and is a folder, the name fits the
    file system, and an existing target is a regular file (never a folder, a FIFO or a
    device, which an atomic rename would replace).
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    size = len(os.fsencode(p.name))
    limit = name_max(folder) if folder.is_dir() else DEFAULT_NAME_MAX
    if size > limit:
        raise error(
            f"cannot write {p.name[:40]}…: the file name is too long ({size} bytes; "
            f"at most {limit})"
        )
    try:
        st = os.stat(p)
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        st = None  # a path under a regular file: said below
    except OSError as exc:
        raise error(f"cannot write {p}: {reason(exc)}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        if stat.S_ISDIR(st.st_mode):
            raise error(f"cannot write {p}: it is a folder")
        raise error(f"cannot write {p}: it is {kind_of(st.st_mode)}, not a regular file")
    try:
        folder_st = os.stat(folder)
    except (FileNotFoundError, NotADirectoryError):
        # Either a missing folder or a path under a regular file.
        for ancestor in folder.parents:
            try:
                mode = os.stat(ancestor).st_mode
            except OSError:
                continue
            if not stat.S_ISDIR(mode):
                raise error(f"cannot write {p}: {ancestor} is a file, not a folder") from None
            break
        raise error(f"cannot write {p}: the folder {folder} does not exist") from None
    except OSError as exc:
        raise error(f"cannot write {p}: {reason(exc)}") from None
    if not stat.S_ISDIR(folder_st.st_mode):
        raise error(f"cannot write {p}: {folder} is a file, not a folder")
    return p


def write_atomic(path: str | os.PathLike[str], data: bytes, error: type[Exception]) -> None:
    """Replace ``path`` by ``data`` atomically: a complete new file, or the old one.

    Writes a temporary file with a short name in the same folder, flushes it to disk,
    then renames it over ``path`` (keeping the old file's permissions). Failures raise
    ``error(message)`` and leave no temporary file behind.
    """
    p = check_target(path, error)
    folder = p.parent if str(p.parent) else Path(".")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            old_mode: int | None = os.stat(p).st_mode & 0o7777
        except OSError:
            old_mode = None
        with contextlib.suppress(OSError):
            os.chmod(tmp_name, old_mode if old_mode is not None else 0o666 & ~_umask())
        os.replace(tmp_name, p)
        tmp_name = None
        _fsync_folder(folder)
    except OSError as exc:
        raise error(f"cannot write {p}: {reason(exc)}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not possible on every platform (Windows): best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
