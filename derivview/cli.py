"""The ``derivview`` command: the app, or a subcommand (see :data:`SUBCOMMANDS`).

Everything a user can type gets a one-line message and an exit status (0 ok, 2 invalid
input, 1 other failure); never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

from derivview import __version__
from derivview.commands.common import EXIT_FAILURE, EXIT_USAGE, UsageError, fail

SUBCOMMANDS = ("info", "descend", "export", "regress", "numdiff", "depth", "steps", "graph")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``derivview`` console script; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            module = importlib.import_module(f"derivview.commands.{args[0]}")
            status = int(module.run(args[1:]))
            sys.stdout.flush()  # here, where a closed pipe can still be caught
            return status
        return _launch(args)
    except BrokenPipeError:
        # The reader went away (`derivview descend … | head`): as other tools, stop
        # quietly; stdout goes to devnull so that the exit's own flush does not fail too.
        _quiet_stdout()
        return EXIT_FAILURE
    except UsageError as exc:
        return fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:  # last resort: a message, not a traceback
        return fail(f"derivview: error: {type(exc).__name__}: {exc}", EXIT_FAILURE)


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real stdout (captured in tests): nothing to quiet
        pass


def _launch(args: list[str]) -> int:
    from derivview.launch import parse_launch_args

    options, wants_version = parse_launch_args(args)
    if wants_version:
        print(f"derivview {__version__}")
        return 0
    problem = _no_display() or _missing_xcb_libraries()
    if problem:
        return fail(problem, EXIT_FAILURE)
    from derivview import startup

    startup.begin_gui()  # before PySide6 and pyqtgraph are imported
    from derivview.app import run

    try:
        return run(options)
    except Exception as exc:
        # Imported here, not before run(): session files are not needed for first paint.
        from derivview.model.session_file import SessionFileError

        if isinstance(exc, SessionFileError):  # a file the user named cannot be opened
            return fail(f"derivview: cannot open session: {exc.message}", EXIT_FAILURE)
        raise


def _no_display() -> str | None:
    """Why the window cannot open here, or None (Qt itself would abort with a core dump)."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "derivview: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); "
        "the subcommands (" + ", ".join(SUBCOMMANDS) + ") work without one"
    )


#: The libraries Qt's X11 (xcb) platform plugin loads besides libxcb itself, and the
#: packages that hold them (pitfalls.md: without them Qt aborts with "Could not load the
#: Qt platform plugin").
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
}


def _missing_xcb_libraries() -> str | None:
    """What to install when Qt's X11 platform would abort for missing libraries, or None.

    Checked only where Qt will use X11 (a DISPLAY, no Wayland session, no other platform
    chosen) and not in the desktop bundle, which carries these libraries itself.
    """
    if not sys.platform.startswith("linux") or getattr(sys, "frozen", False):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith("xcb"):
        return None
    if not platform and (os.environ.get("WAYLAND_DISPLAY") or not os.environ.get("DISPLAY")):
        return None
    import ctypes

    missing = []
    for name, packages in XCB_LIBRARIES.items():
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(packages)
    if not missing:
        return None
    debian = " ".join(sorted({d for d, _f in missing}))
    fedora = " ".join(sorted({f for _d, f in missing}))
    return (
        "derivview: Qt's X11 platform needs libraries that are not installed; "
        f"on Debian/Ubuntu: sudo apt install {debian}; on Fedora: sudo dnf install {fedora}"
    )


if __name__ == "__main__":
    sys.exit(main())
