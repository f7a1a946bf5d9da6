"""Command-line options made from the state parts (``derivview`` and ``derivview export``).

Each part's :class:`~derivview.model.state.fields.Option`\\ s become argparse options; the
words a person typed are read by the option's kind after parsing, so a message names the
option (``--x0 must be within ±1e12, got 1e300``) and the rule is the same as for the
window and session files. Qt-free; imports nothing heavy (``--help`` stays instant).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.state.fields import Invalid
from derivview.model.state.part import StatePart

if TYPE_CHECKING:
    from derivview.model.session import Session

#: A part's values given on a command line, by part key (only what was given).
GivenValues = dict[str, dict[str, Any]]


def _dest(part: StatePart, dest: str) -> str:
    return f"state:{part.key}:{dest}"


def add_options(
    parser: argparse.ArgumentParser, parts: Iterable[StatePart], *, export: bool = False
) -> None:
    """Add every part's options to ``parser`` (``export``: only those export offers)."""
    for part in parts:
        for option in part.options:
            if export and not option.export:
                continue
            kind = option.kind
            parser.add_argument(
                option.flag,
                dest=_dest(part, option.dest),
                nargs=None if kind.nargs == 1 else kind.nargs,
                action="append" if option.repeat else "store",
                metavar=option.metavar or kind.metavar,
                help=option.help,
            )


def value_flags(
    parts: Iterable[StatePart], *, export: bool = False
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The flags taking one value and those taking two (for negative numbers as values)."""
    one: list[str] = []
    two: list[str] = []
    for part in parts:
        for option in part.options:
            if export and not option.export:
                continue
            (two if option.kind.nargs == 2 else one).append(option.flag)
    return tuple(one), tuple(two)


def given_values(namespace: argparse.Namespace, parts: Iterable[StatePart]) -> GivenValues:
    """The values of the options given, read and checked; :class:`Invalid` names the option."""
    ns = vars(namespace)
    out: GivenValues = {}
    for part in parts:
        given: dict[str, Any] = {}
        for option in part.options:
            raw = ns.get(_dest(part, option.dest))
            if raw is None:
                continue
            if option.repeat:
                given[option.dest] = [option.kind.parse_text(_words(r), option.flag) for r in raw]
            else:
                given[option.dest] = option.kind.parse_text(_words(raw), option.flag)
        if given:
            out[part.key] = part.from_options(given)
    return out


def _words(raw: Any) -> list[str]:
    # argparse gives a string (one word) or a list (nargs=2); a leading space was added to
    # keep "-1" a value rather than an option (float() ignores it).
    return [w.strip() for w in raw] if isinstance(raw, list) else [raw.strip()]


def apply_values(session: Session, values: Mapping[str, Mapping[str, Any]]) -> None:
    """Put command-line values on ``session`` in one batch, part by part (registry order).

    Raises :class:`Invalid` (a ValueError) for a value the session refuses.
    """
    from derivview.model.state.registry import PARTS

    with session.batch():
        for part in PARTS:
            if part.key in values:
                part.write(session, values[part.key])


__all__ = ["GivenValues", "Invalid", "add_options", "apply_values", "given_values", "value_flags"]
