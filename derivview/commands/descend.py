"""``derivview descend``: run gradient descent, momentum or Newton from the command line.

Prints a summary (the first and last iterates, or every N-th with ``--every N``:
k, x, f(x), f′(x), step) and the outcome, or with ``--json`` the
object of docs/contracts.md §2. Exit 0 on any completed run, whatever its status;
2 on invalid input; 1 on other failures (reported by :mod:`derivview.cli`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    UsageError,
    analyze_text,
    attach_negative_values,
    expression_text,
    finite_float,
    json_number,
    parameter_values,
    params_dict,
    parse_param,
    split_leading_text,
)
from derivview.commands.xy_args import split_vars
from derivview.model.formatting import format_number

PROG = "derivview descend"
#: Significant digits in the text table (--json has every digit).
CELL_DIGITS = 6
#: Without --every, a long run prints its first and last rows.
HEAD_ROWS = 5
TAIL_ROWS = 3
_ONE_VALUE = ("--start", "--lr", "--method", "--beta", "--steps", "--tol", "--param", "--every")


def positive_int(text: str) -> int:
    """``--every N``'s N: a whole number ≥ 1."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Descend on f(x) from a start point and summarize the run.",
        epilog=(
            "status: converged (|f′(x)| < tol), diverged (|x| > 1e12 or a non-finite "
            "value), max_steps, stalled (f′ or f″ undefined, or f″ = 0 for Newton). "
            "An expression starting with '-' may be given first, or after '--'."
        ),
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. '(x-3)^2'")
    parser.add_argument("--start", type=finite_float, metavar="X", help="start point (required)")
    parser.add_argument("--lr", type=finite_float, default=0.1, metavar="R", help="η (0.1)")
    parser.add_argument("--method", choices=("gd", "momentum", "newton"), default="gd")
    parser.add_argument(
        "--beta", type=finite_float, default=0.9, metavar="B", help="momentum β in [0, 1) (0.9)"
    )
    parser.add_argument("--steps", type=int, default=100, metavar="N", help="max steps (100)")
    parser.add_argument("--tol", type=finite_float, default=1e-8, metavar="T", help="(1e-8)")
    parser.add_argument(
        "--param",
        type=parse_param,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )
    parser.add_argument(
        "--every", type=positive_int, metavar="N",
        help="print every N-th iterate (and the last); by default the first and last few",
    )  # fmt: skip
    parser.add_argument(
        "--vars", metavar="x,y", help="x,y: f(x, y), with --start X,Y (see --vars x,y --help)"
    )  # taken off before parsing (split_vars); listed here for --help
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §2)")
    return parser


def run(argv: list[str]) -> int:
    """Parse ``argv``, run the optimizer, print; returns the exit status."""
    from derivview.model.optimizers import DescentSettings, ScalarFunction, run_to_end

    variables, argv = split_vars(PROG, list(argv))
    if variables == ("x", "y"):  # contracts.md §6: f(x, y)
        from derivview.commands import descend_xy

        return descend_xy.run(argv)
    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    if args.start is None:
        raise UsageError(f"{PROG}: --start X is required")
    try:
        settings = DescentSettings(
            method=args.method,
            learning_rate=args.lr,
            beta=args.beta,
            start=args.start,
            max_steps=args.steps,
            tol=args.tol,
        )
    except ValueError as err:
        raise UsageError(f"{PROG}: {err}") from None
    compiled = analyze_text(PROG, text)
    params = parameter_values(PROG, compiled.parameters, params_dict(args.param))
    result = run_to_end(settings, ScalarFunction.from_compiled(compiled, params))

    if args.json:
        print(json.dumps(_as_json(result, params), allow_nan=False, ensure_ascii=True))
    else:
        _print_table(result, args.every)
    return EXIT_OK


def _as_json(result: Any, params: dict[str, float]) -> dict[str, Any]:
    s = result.settings
    return {
        "method": s.method,
        "learning_rate": s.learning_rate,
        "beta": s.beta if s.method == "momentum" else None,
        "start": s.start,
        "steps": [
            {"k": it.k, "x": json_number(it.x), "f": json_number(it.f), "df": json_number(it.df)}
            for it in result.iterates
        ],
        "status": result.status,
        "outcome": result.outcome,
        "parameters": params,
        "message": result.message,
    }


def _cell(value: float | None) -> str:
    return format_number(value, CELL_DIGITS)


def shown_rows(n: int, every: int | None) -> list[int | None]:
    """Which of ``n`` iterates the text table prints, in order; None marks a gap ("⋮").

    With ``every`` N: k = 0, N, 2N, … and the last. Without: the first
    :data:`HEAD_ROWS` and the last :data:`TAIL_ROWS` (all of them for a short run).
    """
    if every is not None:
        ks = list(range(0, n, every))
        if ks[-1] != n - 1:
            ks.append(n - 1)
    elif n <= HEAD_ROWS + TAIL_ROWS + 1:
        ks = list(range(n))
    else:
        ks = [*range(HEAD_ROWS), *range(n - TAIL_ROWS, n)]
    out: list[int | None] = []
    for k in ks:
        if out and out[-1] is not None and k != out[-1] + 1:
            out.append(None)
        out.append(k)
    return out


def _print_table(result: Any, every: int | None) -> None:
    # Messages contain η, ≈, −: never fail on a console that cannot encode them.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    s = result.settings
    how = {"gd": "gradient descent", "momentum": "momentum", "newton": "Newton"}[s.method]
    if s.method == "gd":
        how += f", η = {format_number(s.learning_rate)}"
    elif s.method == "momentum":
        how += f", η = {format_number(s.learning_rate)}, β = {format_number(s.beta)}"
    print(f"{how}, start x = {format_number(s.start)}")
    headers = ("k", "x", "f(x)", "f′(x)", "step")
    its = result.iterates
    order = shown_rows(len(its), every)
    rows = [
        ("⋮", "", "", "", "")
        if k is None
        else (
            str(its[k].k),
            _cell(its[k].x),
            _cell(its[k].f),
            _cell(its[k].df),
            "" if its[k].step is None else _cell(its[k].step),
        )
        for k in order
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    hidden = len(its) - sum(k is not None for k in order)
    if hidden:
        print(f"({len(its)} iterates, {hidden} not shown: --every N shows every N-th, --json all)")
    message = result.message
    prefix = f"{result.status}: "
    if message.startswith(prefix):  # "diverged: diverged: ..." reads badly
        message = message[len(prefix) :]
    print(f"{prefix}{message}")
