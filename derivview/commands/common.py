"""Argument helpers shared by the command line and ``create_window``.

Imports neither Qt nor sympy, so ``--help`` and option errors stay instant.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import NoReturn

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

_PARAM_NAME = re.compile(r"^[A-Za-z]$")
_RESERVED = {"x", "e"}


class UsageError(Exception):
    """Invalid input a user typed (exit status 2)."""


class ArgumentParser(argparse.ArgumentParser):
    """An ``argparse`` parser that reports errors as :class:`UsageError`.

    argparse would print usage and ``sys.exit(2)``; raising lets callers (the CLI, and
    ``create_window`` in tests) decide how to report, and keeps the message one line.
    """

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def finite_float(text: str) -> float:
    """argparse type: a finite number (``inf`` and ``nan`` are refused)."""
    try:
        value = float(text.replace("−", "-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def parse_param(text: str) -> tuple[str, float]:
    """argparse type for ``--param NAME=VALUE``; NAME is a single letter other than x, e."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    if not _PARAM_NAME.match(name) or name in _RESERVED:
        raise argparse.ArgumentTypeError(
            f"parameter name must be a single letter other than x and e, got {name!r}"
        )
    return name, finite_float(value.strip())


def parse_size(text: str) -> tuple[int, int]:
    """argparse type for ``--size WxH`` (each 16..16384 pixels)."""
    m = re.fullmatch(r"\s*(\d{1,6})\s*[xX×]\s*(\d{1,6})\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"expected WxH such as 1600x1000, got {text!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (16 <= w <= 16384 and 16 <= h <= 16384):
        raise argparse.ArgumentTypeError(f"size must be 16..16384 pixels each way, got {w}x{h}")
    return w, h


def check_range(lo: float, hi: float, what: str = "range") -> tuple[float, float]:
    """A non-empty interval ``lo < hi`` with a span a float can resolve."""
    if not lo < hi:
        raise UsageError(f"{what}: the first value must be less than the second ({lo} {hi})")
    if hi - lo < 1e-12 * max(1.0, abs(lo), abs(hi)) or not math.isfinite(hi - lo):
        raise UsageError(f"{what}: {lo} .. {hi} is too narrow or too wide")
    return lo, hi


def params_dict(pairs: list[tuple[str, float]] | None) -> dict[str, float]:
    """``--param`` pairs as a dict; the last value given for a name wins."""
    return dict(pairs or [])


def fail(message: str, status: int) -> int:
    """Print a one-line message to stderr and return ``status``."""
    print(message.splitlines()[0] if message else "error", file=sys.stderr)
    return status
