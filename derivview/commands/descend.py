"""``derivview descend``: run gradient descent, momentum or Newton from the command line.

Prints a table (k, x, f(x), f′(x), step) and the status line, or with ``--json`` the
object of docs/contracts.md §2. Exit 0 on any completed run, whatever its status;
2 on invalid input; 1 on other failures (reported by :mod:`derivview.cli`).
"""

from __future__ import annotations

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

PROG = "derivview descend"
_ONE_VALUE = ("--start", "--lr", "--method", "--beta", "--steps", "--tol", "--param")


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Descend on f(x) from a start point and print every iterate.",
        epilog=(
            "status: converged (|f'(x)| < tol), diverged (|x| > 1e12 or a non-finite "
            "value), max_steps, stalled (f' or f'' undefined, or f'' = 0 for Newton). "
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
        _print_table(result)
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
    if value is None:
        return "undefined"
    return f"{value:.10g}"


def _print_table(result: Any) -> None:
    # Messages contain η, ≈, −: never fail on a console that cannot encode them.
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    s = result.settings
    how = {"gd": "gradient descent", "momentum": "momentum", "newton": "Newton"}[s.method]
    if s.method == "gd":
        how += f", η = {s.learning_rate:g}"
    elif s.method == "momentum":
        how += f", η = {s.learning_rate:g}, β = {s.beta:g}"
    print(f"{how}, start x = {s.start:g}")
    headers = ("k", "x", "f(x)", "f'(x)", "step")
    rows = [
        (
            str(it.k),
            _cell(it.x),
            _cell(it.f),
            _cell(it.df),
            "" if it.step is None else _cell(it.step),
        )
        for it in result.iterates
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
    message = result.message
    prefix = f"{result.status}: "
    if message.startswith(prefix):  # "diverged: diverged: ..." reads badly
        message = message[len(prefix) :]
    print(f"{prefix}{message}")
