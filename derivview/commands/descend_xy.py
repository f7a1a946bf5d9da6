"""``derivview descend TEXT --vars x,y --start X,Y``: descent on f(x, y).

Gradient descent, momentum or Newton on the vector (x, y) (contracts.md §6), with the
statuses of the 1-D command; a run that converges to a saddle says so. Prints a table
(k, x, y, f, ∂f/∂x, ∂f/∂y, |∇f|) and the status line, or with ``--json`` the object of
contracts.md §6. The settings are checked by the same fields as the window's. Exit 0 on
any completed run, whatever its status; 2 on invalid input; 1 on other failures.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    UsageError,
    attach_negative_values,
    expression_text,
    finite_float,
    json_number,
    parameter_values,
    params_dict,
    parse_param,
    split_leading_text,
)
from derivview.commands.descend import CELL_DIGITS, positive_int, shown_rows
from derivview.commands.info_xy import compile_xy
from derivview.commands.xy_args import point
from derivview.model.formatting import format_number

PROG = "derivview descend"
_ONE_VALUE = ("--start", "--lr", "--method", "--beta", "--steps", "--tol", "--param", "--every")


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=f"{PROG} --vars x,y",
        description=(
            "Descend on f(x, y) from a start point; print the first and last iterates "
            "(every N-th with --every N; all of them with --json)."
        ),
        epilog=(
            "status: converged (|∇f| < tol; the message says when the point is a saddle), "
            "diverged (|x| or |y| > 1e12, or a non-finite value), max_steps, stalled (∇f "
            "undefined, or a singular Hessian for Newton). An expression starting with '-' "
            "may be given first, or after '--'."
        ),
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x, y), e.g. 'x^2 + 10y^2'")
    parser.add_argument("--start", type=point, metavar="X,Y", help="start point (required)")
    parser.add_argument("--lr", type=finite_float, default=0.1, metavar="R", help="η (0.1)")
    parser.add_argument("--method", choices=("gd", "momentum", "newton"), default="gd")
    parser.add_argument(
        "--beta", type=finite_float, default=0.9, metavar="B", help="momentum β in [0, 1) (0.9)"
    )
    parser.add_argument("--steps", type=int, default=100, metavar="N", help="max steps (100)")
    parser.add_argument("--tol", type=finite_float, default=1e-8, metavar="T", help="(1e-8)")
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--every", type=positive_int, metavar="N",
        help="print every N-th iterate (and the last); by default the first and last few",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §6)")
    return parser


def run(argv: list[str]) -> int:
    """Parse ``argv`` (``--vars`` already taken off), run the optimizer, print."""
    from derivview.model.descent.config import MAX_STEPS, TOL, DescentConfig
    from derivview.model.labs.descent2d import Settings2D, run_to_end
    from derivview.model.labs.xy_fields import START

    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    if args.start is None:
        raise UsageError(f"{PROG}: --start X,Y is required")
    try:  # the window's rules, field by field (one message naming the value)
        config = DescentConfig(args.method, args.lr, args.beta)
        start = START.check(args.start, "--start")
        settings = Settings2D(
            config.method,
            config.learning_rate,
            config.beta,
            start,
            MAX_STEPS.check(args.steps, "--steps"),
            TOL.check(args.tol, "--tol"),
        )
    except ValueError as err:
        raise UsageError(f"{PROG}: {err}") from None
    fn = compile_xy(PROG, text)
    params = parameter_values(PROG, fn.parameters, params_dict(args.param))
    result = run_to_end(settings, fn.bind(params))
    if args.json:
        print(json.dumps(as_json(result, params), allow_nan=False, ensure_ascii=True))
    else:
        _print_table(result, args.every)
    return EXIT_OK


def as_json(result: Any, params: dict[str, float]) -> dict[str, Any]:
    """The run as the object of ``descend --vars x,y --json`` (contracts.md §6)."""
    s = result.settings
    return {
        "method": s.method,
        "learning_rate": s.learning_rate,
        "beta": s.beta if s.method == "momentum" else None,
        "start": [s.start[0], s.start[1]],
        "steps": [
            {
                "k": it.k,
                "x": [json_number(it.x), json_number(it.y)],
                "f": json_number(it.f),
                "gradient": None
                if it.gradient is None
                else [json_number(it.gradient[0]), json_number(it.gradient[1])],
            }
            for it in result.iterates
        ],
        "status": result.status,
        "outcome": result.outcome,
        "parameters": params,
        "message": result.message,
    }


def _cell(value: float | None) -> str:
    return format_number(value, CELL_DIGITS)


def _print_table(result: Any, every: int | None) -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # messages contain η, ∇, −
        reconfigure(errors="replace")
    s = result.settings
    how = {"gd": "gradient descent", "momentum": "momentum", "newton": "Newton"}[s.method]
    if s.method != "newton":
        how += f", η = {format_number(s.learning_rate)}"
    if s.method == "momentum":
        how += f", β = {format_number(s.beta)}"
    print(f"{how}, start (x, y) = ({format_number(s.start[0])}, {format_number(s.start[1])})")
    headers = ("k", "x", "y", "f", "∂f/∂x", "∂f/∂y", "|∇f|")
    its = result.iterates
    order = shown_rows(len(its), every)
    rows = []
    for k in order:
        if k is None:
            rows.append(("⋮", "", "", "", "", "", ""))
            continue
        it = its[k]
        g = it.gradient
        norm = None if g is None else (g[0] ** 2 + g[1] ** 2) ** 0.5
        rows.append((
            str(it.k), _cell(it.x), _cell(it.y), _cell(it.f),
            _cell(None if g is None else g[0]), _cell(None if g is None else g[1]), _cell(norm),
        ))  # fmt: skip
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    hidden = len(its) - sum(k is not None for k in order)
    if hidden:
        print(f"({len(its)} iterates, {hidden} not shown: --every N shows every N-th, --json all)")
    message = result.message
    prefix = f"{result.status}: "
    if message.startswith(prefix):
        message = message[len(prefix) :]
    print(f"{prefix}{message}")
