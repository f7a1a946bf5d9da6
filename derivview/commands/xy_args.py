"""Arguments of the two-variable commands (``info`` / ``descend`` with ``--vars x,y``).

contracts.md §6: ``--vars x,y`` makes ``y`` a second variable; points are written
``X,Y``. Imports neither Qt nor sympy.
"""

from __future__ import annotations

import argparse
import re

from derivview.commands.common import UsageError, finite_float

_VARS = {"x": ("x",), "x,y": ("x", "y")}


def split_vars(prog: str, argv: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The variables given with ``--vars`` (``("x",)`` if none) and ``argv`` without the
    option. Raises UsageError for anything but ``x`` or ``x,y``."""
    out: list[str] = []
    found: str | None = None
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            out.extend(argv[i:])
            break
        value: str | None = None
        if token == "--vars":
            if i + 1 >= len(argv):
                raise UsageError(f"{prog}: argument --vars: expected one argument (x or x,y)")
            value, i = argv[i + 1], i + 2
        elif token.startswith("--vars="):
            value, i = token[len("--vars=") :], i + 1
        else:
            out.append(token)
            i += 1
            continue
        key = re.sub(r"\s+", "", value)
        if key not in _VARS:
            raise UsageError(f"{prog}: argument --vars: expected x or x,y, got {value!r}")
        if found is not None and found != key:
            raise UsageError(f"{prog}: --vars given twice ({found} and {key})")
        found = key
    return _VARS[found or "x"], out


def point(text: str) -> tuple[float, float]:
    """argparse type for a point ``X,Y`` (two finite numbers; ``−`` is a minus)."""
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"expected a point X,Y such as 1,-2, got {text!r}")
    x, y = (finite_float(p.strip()) for p in parts)
    return x, y
