"""The ``derivview`` command: the app, or a subcommand (``info``, ``descend``, ``export``).

Everything a user can type gets a one-line message and an exit status (0 ok, 2 invalid
input, 1 other failure); never a traceback.
"""

from __future__ import annotations

import importlib
import os
import sys

from derivview import __version__
from derivview.commands.common import EXIT_FAILURE, EXIT_USAGE, UsageError, fail

SUBCOMMANDS = ("info", "descend", "export", "regress")


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``derivview`` console script; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        if args and args[0] in SUBCOMMANDS:
            module = importlib.import_module(f"derivview.commands.{args[0]}")
            return int(module.run(args[1:]))
        return _launch(args)
    except UsageError as exc:
        return fail(str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return fail("interrupted", 130)
    except Exception as exc:  # last resort: a message, not a traceback
        return fail(f"derivview: error: {type(exc).__name__}: {exc}", EXIT_FAILURE)


def _launch(args: list[str]) -> int:
    from derivview.launch import parse_launch_args

    options, wants_version = parse_launch_args(args)
    if wants_version:
        print(f"derivview {__version__}")
        return 0
    problem = _no_display()
    if problem:
        return fail(problem, EXIT_FAILURE)
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
        "the subcommands info, descend and export work without one"
    )


if __name__ == "__main__":
    sys.exit(main())
