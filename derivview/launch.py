"""Options of the app launch (``derivview [OPTIONS] [SESSION]``), shared by cli and app.

The options are the state parts' (:mod:`derivview.model.state.registry`): ``--expr``,
``--x0``, ``--xrange``, ``--yrange``, ``--param``, ``--show``, ``--h`` and the descent's
``--start``, ``--lr``, ``--method``, ``--beta``, ``--steps`` — checked by the same rules
as the window and session files. A part added to the registry brings its options here.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from typing import Any

from derivview.commands.common import ArgumentParser, UsageError, attach_negative_values
from derivview.model.state.fields import Invalid
from derivview.model.state.options import GivenValues, add_options, given_values, value_flags


@dataclass
class LaunchOptions:
    """What the window opens with: the parts' values given, and a session file.

    ``values`` holds only what was given (by part key, then field); the rest comes from
    the session file, the last session, or the defaults.
    """

    values: GivenValues = field(default_factory=dict)
    session: str | None = None

    @property
    def bare(self) -> bool:
        """Launched with no options at all (the last session is then reopened)."""
        return not self.values and self.session is None

    @property
    def x_range(self) -> tuple[float, float] | None:
        """The x range given on the command line (Reset View returns to it)."""
        return self.values.get("view", {}).get("x_range")


def build_parser() -> ArgumentParser:
    """The parser of the launch options (also used for ``derivview --help``)."""
    from derivview.model.state.registry import PARTS

    p = ArgumentParser(
        prog="derivview",
        description=(
            "See derivatives: type a function, drag a point, watch the tangent, slope, "
            "curvature and gradient descent move live."
        ),
        epilog=(
            "subcommands:\n"
            "  derivview info TEXT [--at X]... [--range A B] [--param N=V]... [--json]\n"
            "  derivview export TEXT -o FILE [--x0 X] [--xrange A B] [--yrange C D] "
            "[--size WxH] [--show ITEMS] [--theme light|dark]\n"
            "  derivview descend TEXT --start X [--lr R] [--method gd|momentum|newton] "
            "[--beta B] [--steps N] [--tol T] [--json]\n"
            "  derivview info TEXT --vars x,y [--at X,Y]... [--param N=V]... [--json]\n"
            "  derivview descend TEXT --vars x,y --start X,Y [--lr R] [--method M] ... [--json]\n"
            "  derivview regress [DATA.csv] [--synthetic N] [--seed S] [--lr R] "
            "[--epochs N] [--init M,B] [--json]\n"
            "  derivview numdiff TEXT --at X [--h H]... [--param N=V]... [--json]\n"
            "  derivview depth --activation NAME --depth N --at X [--weight W] [--bias B] "
            "[--json]\n"
            "  derivview steps TEXT [--param N=V]... [--json]\n"
            "  derivview graph TEXT --at X [--param N=V]... [--json]\n"
            "run 'derivview SUBCOMMAND --help' for details."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_options(p, PARTS)
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("session", nargs="?", metavar="SESSION", help="a .derivview session file")
    return p


def parse_launch_args(argv: list[str]) -> tuple[LaunchOptions, bool]:
    """Parse launch options; returns ``(options, wants_version)``. Raises UsageError."""
    if not argv:
        # Nothing given (a launch from the menu): no parser to build (~2 ms at launch).
        return LaunchOptions(), False
    from derivview.model.state.registry import PARTS

    one, two = value_flags(PARTS)
    ns = build_parser().parse_args(attach_negative_values(list(argv), one, two))
    try:
        values: dict[str, Any] = given_values(ns, PARTS)
    except Invalid as exc:
        raise UsageError(f"derivview: {exc}") from None
    return LaunchOptions(values=values, session=ns.session), bool(ns.version)
