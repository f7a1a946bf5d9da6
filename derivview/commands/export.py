"""``derivview export``: the plot of f(x) as a PNG, SVG or PDF file, without a window.

The picture is drawn by the same PlotPanel and the same renderer as the window's
File › Export Plot… (:mod:`derivview.ui.export`), so the same options give the same
picture. Exit 0 on success; 2 on invalid input (expression, numbers, options, an
unsupported file extension); 1 when the file cannot be written (nothing is left behind).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from derivview.commands.common import (
    EXIT_FAILURE,
    EXIT_OK,
    ArgumentParser,
    UsageError,
    analyze_text,
    attach_negative_values,
    check_range,
    expression_text,
    fail,
    finite_float,
    params_dict,
    parse_param,
    parse_size,
    split_leading_text,
)

PROG = "derivview export"
DEFAULT_SIZE = (1600, 1000)
_ONE_VALUE = ("-o", "--output", "--x0", "--size", "--show", "--param", "--theme")
_TWO_VALUES = ("--xrange", "--yrange")


def _parser() -> ArgumentParser:
    from derivview.model.session import ITEMS

    parser = ArgumentParser(
        prog=PROG,
        description="Export the plot of f(x) as an image (PNG, SVG or PDF by the extension).",
        epilog=(
            f"ITEMS: a comma-separated list from {', '.join(ITEMS)}; without --show, what "
            "the window shows by default. 'descent' draws the run of gradient descent with "
            "η = 0.1 from x = 0. An expression starting with '-' may be given first, or "
            "after '--'."
        ),
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'x^3 - 3x'")
    parser.add_argument("-o", "--output", metavar="FILE", help="the file to write (required)")
    parser.add_argument("--x0", type=finite_float, metavar="X", help="the tangent point")
    parser.add_argument(
        "--xrange", type=finite_float, nargs=2, metavar=("A", "B"), help="the x range shown"
    )
    parser.add_argument(
        "--yrange",
        type=finite_float,
        nargs=2,
        metavar=("C", "D"),
        help="the y range shown (default: fitted to f)",
    )
    parser.add_argument(
        "--size",
        type=parse_size,
        default=DEFAULT_SIZE,
        metavar="WxH",
        help="PNG size in pixels; aspect and size at 96 dpi of SVG/PDF (1600x1000)",
    )
    parser.add_argument("--show", metavar="ITEMS", help="the items to draw (see below)")
    parser.add_argument(
        "--param",
        type=parse_param,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    return parser


def parse_show(text: str) -> frozenset[str]:
    """The items of ``--show a,b,c``; unknown names are a UsageError naming them."""
    from derivview.model.session import ITEMS

    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in ITEMS]
    if unknown:
        raise UsageError(
            f"{PROG}: --show: unknown item{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (choose from {', '.join(ITEMS)})"
        )
    return frozenset(names)


def _use_offscreen_qt() -> None:
    # Nothing is shown: the offscreen platform needs no display, never flashes a window,
    # and draws at a fixed 96 dpi, so a picture does not depend on the screen it ran on.
    # A platform the person chose explicitly is respected, and an application already
    # running (called from within the GUI or the tests) keeps its own.
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"


def run(argv: list[str]) -> int:
    """Parse ``argv``, draw the plot, write the file; returns the exit status."""
    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    ns = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE, _TWO_VALUES))
    text = expression_text(PROG, leading, ns.text)
    if not ns.output:
        raise UsageError(f"{PROG}: the output file is required (-o FILE)")

    from derivview.model.session import DEFAULT_VISIBLE
    from derivview.ui.export import ExportError, ExportOptions, format_of

    try:
        format_of(ns.output)
    except ExportError as exc:
        raise UsageError(f"{PROG}: {exc}") from None
    items = DEFAULT_VISIBLE if ns.show is None else parse_show(ns.show)
    xrange = check_range(*ns.xrange, what="--xrange") if ns.xrange else None
    yrange = check_range(*ns.yrange, what="--yrange") if ns.yrange else None
    params = params_dict(ns.param)

    session = _session(text, xrange, yrange, ns.x0, params, items)
    if ns.show is not None and "descent" in items:
        # The window draws the run a person stepped through; here nobody steps, so an
        # explicit "descent" draws the whole run of the default settings (gradient
        # descent, η = 0.1, from x = 0, at most 100 steps), as Play would.
        session.descent.step(session.descent.max_steps)
    width, height = ns.size
    options = ExportOptions(
        width=width, height=height, scale=1.0, background=ns.theme, dark=ns.theme == "dark"
    )
    _use_offscreen_qt()
    from derivview.app import ensure_app

    ensure_app()
    from derivview.ui.export import export_session

    try:
        export_session(session, ns.output, options)
    except ExportError as exc:
        return fail(f"{PROG}: {exc}", EXIT_FAILURE)
    return EXIT_OK


def _session(
    text: str,
    xrange: tuple[float, float] | None,
    yrange: tuple[float, float] | None,
    x0: float | None,
    params: dict[str, float],
    items: frozenset[str],
) -> Any:
    """A session showing ``text`` with its function computed (synchronously)."""
    from derivview.model.session import DEFAULT_X_RANGE, Session

    session = Session()
    try:
        with session.batch():
            session.set_text(text)
            session.set_view(xrange or DEFAULT_X_RANGE, yrange)
            if x0 is not None:
                session.set_x0(x0)
            for name, value in params.items():
                session.set_param(name, value)
            session.set_visible_items(items)
    except ValueError as exc:  # finite but impossible numbers (|x0| > 1e12, a huge range)
        raise UsageError(f"{PROG}: {exc}") from None
    session.apply_function(text, analyze_text(PROG, text))
    return session


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
