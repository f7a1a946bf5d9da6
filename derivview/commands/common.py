"""Argument helpers shared by the command line and ``create_window``.

Imports neither Qt nor sympy, so ``--help`` and option errors stay instant.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


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
    """argparse type for ``--param NAME=VALUE``: the one rule for parameters everywhere.

    NAME is a single letter other than x and e; VALUE a number within ±1e12 — the same
    rule as the window's sliders and session files (``model.state.core``), so a value
    accepted here is one the window can show and a session file can hold.
    """
    from derivview.model.state.core import PARAM_ASSIGNMENT
    from derivview.model.state.fields import Invalid

    try:
        return PARAM_ASSIGNMENT.parse_text([text], "parameter")
    except Invalid as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


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


# -- shared by the subcommands (info, descend, export) ---------------------------------


def split_leading_text(argv: list[str], options: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """Take TEXT from the front when it is not an option: ``-x^2`` would fool argparse."""
    if argv and argv[0] not in ("-h", "--help", *options) and not argv[0].startswith("--"):
        return argv[0], argv[1:]
    return None, argv


def _shield(value: str) -> str:
    # argparse reads "-1e-3" or "−1" as an option; a leading space keeps it a value, and
    # float() ignores the space.
    return f" {value}" if value.startswith(("-", "−")) else value


def attach_negative_values(
    argv: list[str], one_value: tuple[str, ...], two_values: tuple[str, ...] = ()
) -> list[str]:
    """``--x0 -1e-3`` → ``--x0=-1e-3``, ``--range -2 -1`` → values argparse keeps as values.

    ``one_value``/``two_values``: the options taking one / two values. A value that is
    itself one of the options is left alone (the option is then missing its value, and
    argparse says so).
    """
    options = (*one_value, *two_values, "-h", "--help")
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            out.extend(argv[i:])
            break
        if token in two_values and i + 2 < len(argv):
            a, b = argv[i + 1], argv[i + 2]
            if a not in options and b not in options:
                out.extend([token, _shield(a), _shield(b)])
                i += 3
                continue
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if (
            token in one_value
            and nxt is not None
            and nxt.startswith(("-", "−"))
            and nxt not in options
        ):
            out.append(f"{token}={nxt}" if token.startswith("--") else f"{token}{nxt}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def expression_text(prog: str, leading: str | None, parsed: str | None) -> str:
    """The one TEXT of a subcommand, given first (``leading``) or as the positional."""
    if leading is not None and parsed is not None:
        raise UsageError(f"{prog}: one expression expected, got {leading!r} and {parsed!r}")
    text = leading if leading is not None else parsed
    if text is None:
        raise UsageError(f"{prog}: the expression TEXT is required")
    return text


def analyze_text(prog: str, text: str) -> Any:
    """Parse and compile (a CompiledFunction: every number from derivview's own tree);
    invalid text is a UsageError. Imports no sympy."""
    from derivview.model import calculus
    from derivview.model.errors import ExpressionError

    try:
        return calculus.analyze(text)
    except ExpressionError as err:
        raise UsageError(f"{prog}: invalid expression: {err}") from None


def parameter_values(prog: str, parameters: tuple[str, ...], given: dict[str, float]) -> dict:
    """Values of f's ``parameters`` (1 unless given); unused names get a note on stderr.

    A note, not an error: scripts may pass the same parameters to many f.
    """
    unused = sorted(set(given) - set(parameters))
    if unused:
        print(f"{prog}: note: f has no parameter {', '.join(unused)}; ignored", file=sys.stderr)
    return {name: given.get(name, 1.0) for name in parameters}


def json_number(value: float | None) -> float | None:
    """A JSON number (``-0.0`` as ``0.0``), or null where undefined or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(value) + 0.0
