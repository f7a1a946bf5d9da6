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
    expression_text,
    fail,
    finite_float,
    parse_size,
    split_leading_text,
)

PROG = "derivview export"
DEFAULT_SIZE = (1600, 1000)
#: export's own options (the state parts add theirs: --x0, --xrange, --show, --lr, …).
_OWN_ONE_VALUE = (
    "-o", "--output", "--size", "--theme", "--title", "--ylabel", "--style",
    "--animate", "--frames", "--fps", "--from", "--to",
)  # fmt: skip


def _parts() -> tuple[Any, ...]:
    from derivview.model.state.registry import PARTS

    return PARTS


def _value_flags() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from derivview.model.state.options import value_flags

    one, two = value_flags(_parts(), export=True)
    return (*_OWN_ONE_VALUE, *one), two


def _parser() -> ArgumentParser:
    from derivview.model.state.core import ITEMS
    from derivview.model.state.options import add_options

    parser = ArgumentParser(
        prog=PROG,
        description="Export the plot of f(x) as an image (PNG, SVG or PDF by the extension).",
        epilog=(
            f"ITEMS: a comma-separated list from {', '.join(ITEMS)}; without --show, what "
            "the window shows by default. 'descent' draws the whole run of gradient descent "
            "(by default η = 0.1 from x = 0; set it with --start, --lr, --method, --beta, "
            "--steps). An expression starting with '-' may be given first, or after '--'."
        ),
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'x^3 - 3x'")
    parser.add_argument("-o", "--output", metavar="FILE", help="the file to write (required)")
    parser.add_argument(
        "--size",
        type=parse_size,
        default=DEFAULT_SIZE,
        metavar="WxH",
        help="PNG size in pixels; aspect and size at 96 dpi of SVG/PDF (1600x1000)",
    )
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument(
        "--title", default="none", metavar="auto|none|TEXT",
        help="a title above the plot: auto (f's formula, typeset), none, or a text (none)",
    )  # fmt: skip
    parser.add_argument("--ylabel", default="", metavar="TEXT", help="the y-axis label (none)")
    parser.add_argument(
        "--style", choices=("standard", "presentation"), default="standard",
        help="presentation: thicker lines and larger text, for projectors (standard)",
    )  # fmt: skip
    anim = parser.add_argument_group("animation (-o FILE.gif)")
    anim.add_argument(
        "--animate", choices=("x0", "descent"),
        help="x0: the tangent point sweeps from --from to --to; descent: the run, one "
        "step per frame",
    )  # fmt: skip
    anim.add_argument(
        "--frames", type=_whole, metavar="N",
        help="frames (x0: 60; descent: one per iterate)",
    )  # fmt: skip
    anim.add_argument("--fps", type=finite_float, default=15.0, metavar="F", help="(15)")
    anim.add_argument(
        "--from", dest="x_from", type=finite_float, metavar="A", help="x0 sweep start"
    )
    anim.add_argument("--to", dest="x_to", type=finite_float, metavar="B", help="x0 sweep end")
    add_options(parser, _parts(), export=True)
    return parser


def _whole(text: str) -> int:
    import argparse

    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None


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
    from derivview.model.state.fields import Invalid
    from derivview.model.state.options import given_values

    one, two = _value_flags()
    leading, rest = split_leading_text(list(argv), one)
    ns = _parser().parse_args(attach_negative_values(rest, one, two))
    text = expression_text(PROG, leading, ns.text)
    if not ns.output:
        raise UsageError(f"{PROG}: the output file is required (-o FILE)")

    from derivview.ui.export import ExportError, ExportOptions, format_of

    gif = ns.output.lower().endswith(".gif")
    if gif and not ns.animate:
        raise UsageError(f"{PROG}: a .gif is an animation: give --animate x0 or descent")
    if ns.animate and not gif:
        raise UsageError(f"{PROG}: --animate writes a GIF: the file name must end in .gif")
    if not ns.animate and (ns.frames is not None or ns.x_from is not None or ns.x_to is not None):
        raise UsageError(f"{PROG}: --frames, --from and --to need --animate")
    try:
        if not gif:
            format_of(ns.output)
    except ExportError as exc:
        raise UsageError(f"{PROG}: {exc}") from None
    try:
        values = given_values(ns, _parts())
    except Invalid as exc:
        raise UsageError(f"{PROG}: {exc}") from None
    session = _session(text, values)
    if ns.animate == "descent" and "descent" not in session.visible:
        session.set_visible("descent", True)
    if "descent" in session.visible and "visible" in values.get("items", {}):
        # The window draws the run a person stepped through; here nobody steps, so an
        # explicit "descent" draws the whole run of the settings given (by default
        # gradient descent, η = 0.1, from x = 0, at most 100 steps), as Play would.
        session.descent.step(session.descent.max_steps)
    width, height = ns.size
    options = ExportOptions(
        width=width,
        height=height,
        scale=1.0,
        background=ns.theme,
        dark=ns.theme == "dark",
        title=ns.title,
        y_label=ns.ylabel,
        style=ns.style,
    )
    animation = None
    try:
        options = options.checked()
        if gif or ns.output.lower().endswith(".png"):
            options.check_pixels()  # refused up front, before any drawing
        if ns.animate:
            from derivview.ui.animation import Animation

            animation = Animation(ns.animate, ns.frames, ns.fps, ns.x_from, ns.x_to).checked()
    except ExportError as exc:
        raise UsageError(f"{PROG}: {exc}") from None
    _use_offscreen_qt()
    from derivview.app import ensure_app

    ensure_app()
    from derivview.ui.export import export_session

    try:
        if animation is not None:
            from derivview.ui.animation import export_animation

            export_animation(session, ns.output, options, animation)
        else:
            export_session(session, ns.output, options)
    except ExportError as exc:
        return fail(f"{PROG}: {exc}", EXIT_FAILURE)
    return EXIT_OK


def _session(text: str, values: dict[str, dict[str, Any]]) -> Any:
    """A session showing ``text`` and the options given, its function computed (synchronously)."""
    from derivview.model.session import Session
    from derivview.model.state.options import apply_values

    session = Session()
    try:
        function = {**values.get("function", {}), "expression": text}
        apply_values(session, {**values, "function": function})
    except ValueError as exc:  # a value the session refuses (e.g. a text too long to hold)
        raise UsageError(f"{PROG}: {exc}") from None
    session.apply_function(text, analyze_text(PROG, text))
    return session


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run(sys.argv[1:]))
