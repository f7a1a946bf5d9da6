"""Options of the app launch (``derivview [--expr ...] [SESSION]``), shared by cli and app."""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

from derivview.commands.common import (
    ArgumentParser,
    check_range,
    finite_float,
    params_dict,
    parse_param,
)


@dataclass
class LaunchOptions:
    """What the window opens with; ``None`` means "the default / the saved session"."""

    expr: str | None = None
    x0: float | None = None
    xrange: tuple[float, float] | None = None
    params: dict[str, float] = field(default_factory=dict)
    session: str | None = None


def build_parser() -> ArgumentParser:
    """The parser of the launch options (also used for ``derivview --help``)."""
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
            "run 'derivview SUBCOMMAND --help' for details."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--expr", metavar="TEXT", help="the function f(x) to open with")
    p.add_argument("--x0", type=finite_float, metavar="X", help="the tangent point")
    p.add_argument(
        "--xrange", type=finite_float, nargs=2, metavar=("A", "B"), help="the visible x range"
    )
    p.add_argument(
        "--param",
        type=parse_param,
        action="append",
        metavar="NAME=VALUE",
        help="a parameter's value, e.g. a=2 (repeatable)",
    )
    p.add_argument("--version", action="store_true", help="print the version and exit")
    p.add_argument("session", nargs="?", metavar="SESSION", help="a .derivview session file")
    return p


def parse_launch_args(argv: list[str]) -> tuple[LaunchOptions, bool]:
    """Parse launch options; returns ``(options, wants_version)``. Raises UsageError."""
    ns = build_parser().parse_args(argv)
    xrange = check_range(*ns.xrange, what="--xrange") if ns.xrange else None
    opts = LaunchOptions(
        expr=ns.expr, x0=ns.x0, xrange=xrange, params=params_dict(ns.param), session=ns.session
    )
    return opts, bool(ns.version)
