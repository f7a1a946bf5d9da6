"""``derivview info TEXT --vars x,y``: f(x, y), its gradient as text, and at points the
value, the gradient, the Hessian, its eigenvalues and the kind of point.

Prints a readable report, or with ``--json`` the object of contracts.md §6. Every number
comes from derivview's own tree; only the printed ∂f/∂x and ∂f/∂y need sympy, within a
budget (``null`` — "too complex to print" — when it cannot print them in time). Exit 0
on success, 2 on invalid input, 1 on other failures (reported by :mod:`derivview.cli`).
"""

from __future__ import annotations

import json
import math
import sys
from typing import TYPE_CHECKING, Any

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    UsageError,
    attach_negative_values,
    expression_text,
    json_number,
    parameter_values,
    params_dict,
    parse_param,
    split_leading_text,
)
from derivview.commands.xy_args import point
from derivview.model.formatting import format_number

if TYPE_CHECKING:
    from derivview.model.labs.fxy import XyFunction, XyPoint

PROG = "derivview info"
_ONE_VALUE = ("--at", "--param")

#: What each kind of point means, for people.
KIND_WORDS = {
    "regular": "regular: ∇f ≠ 0, f changes fastest along ∇f",
    "minimum": "a local minimum: ∇f = 0 and both eigenvalues of the Hessian are > 0",
    "maximum": "a local maximum: ∇f = 0 and both eigenvalues of the Hessian are < 0",
    "saddle": "a saddle: ∇f = 0, the eigenvalues have opposite signs (up one way, down another)",
    "degenerate": "degenerate: ∇f = 0 and an eigenvalue is 0 (second derivatives cannot tell)",
}


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=f"{PROG} --vars x,y",
        description="Show f(x, y), its gradient, and at points ∇f, the Hessian and the kind.",
        epilog="An expression starting with '-' may be given first, or after '--'.",
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x, y), e.g. 'x^2 - y^2'")
    parser.add_argument(
        "--at", type=point, action="append", default=[], metavar="X,Y",
        help="a point to examine, e.g. 1,-2; repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §6)")
    return parser


def compile_xy(prog: str, text: str) -> XyFunction:
    """Parse and compile f(x, y); invalid text is a UsageError naming the column."""
    from derivview.model.errors import ExpressionError
    from derivview.model.labs.fxy import XyFunction

    try:
        return XyFunction.from_text(text)
    except ExpressionError as err:
        raise UsageError(f"{prog}: invalid expression: {err}") from None


def run(argv: list[str]) -> int:
    """Parse ``argv`` (``--vars`` already taken off), analyze f(x, y), print."""
    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    if any(a == "--range" or a.startswith("--range=") for a in rest):
        raise UsageError(
            f"{PROG}: --range lists special points of f(x); with --vars x,y examine points "
            "with --at X,Y"
        )
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    fn = compile_xy(PROG, text)
    params = parameter_values(PROG, fn.parameters, params_dict(args.param))
    points = [fn.at(x, y, params) for x, y in args.at]
    from derivview.model.expr.printer import to_text
    from derivview.model.labs.xy_formulas import print_gradient

    gradient = print_gradient(fn.expression)
    printed = to_text(fn.expression.tree)
    if args.json:
        doc = {
            "expression": text,
            "variables": ["x", "y"],
            "f": printed,
            "gradient": list(gradient),
            "parameters": params,
            "points": [point_json(p) for p in points],
        }
        print(json.dumps(doc, allow_nan=False, ensure_ascii=True))
    else:
        _print_report(printed, gradient, params, points)
    return EXIT_OK


def point_json(p: XyPoint) -> dict[str, Any]:
    """One point of ``info --json`` (contracts.md §6); null where undefined."""
    g, h, ev = p.gradient, p.hessian, p.eigenvalues
    return {
        "x": json_number(p.x),
        "y": json_number(p.y),
        "f": json_number(p.f),
        "gradient": None if g is None else [json_number(g[0]), json_number(g[1])],
        "hessian": None if h is None else [[json_number(v) for v in row] for row in h],
        "eigenvalues": None if ev is None else [json_number(ev[0]), json_number(ev[1])],
        "kind": p.kind,
    }


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "undefined"
    return format_number(value, 10)  # a real minus sign, as the one-variable report


def _print_report(
    printed: str,
    gradient: tuple[str | None, str | None],
    params: dict[str, float],
    points: list[XyPoint],
) -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ∂ or ∇
        reconfigure(errors="replace")
    missing = "too complex to print"
    _table(
        [
            ("f(x, y)", printed),
            ("∂f/∂x", gradient[0] or missing),
            ("∂f/∂y", gradient[1] or missing),
        ],
        indent="",
        sep=" = ",
    )
    if params:
        print("with " + ", ".join(f"{k} = {format_number(v)}" for k, v in params.items()))
    for p in points:
        print()
        print(f"at (x, y) = ({_num(p.x)}, {_num(p.y)}):")
        rows = [("f", _num(p.f))]
        if p.gradient is None:
            rows.append(("∇f", "does not exist here"))
        else:
            rows.append(("∇f", f"({_num(p.gradient[0])}, {_num(p.gradient[1])})"))
            rows.append(("|∇f|", _num(p.norm)))
        if p.hessian is not None:
            (a, b), (_, d) = p.hessian
            rows.append(("Hessian", f"[[{_num(a)}, {_num(b)}], [{_num(b)}, {_num(d)}]]"))
            ev = p.eigenvalues
            assert ev is not None
            rows.append(("eigenvalues", f"{_num(ev[0])}, {_num(ev[1])}"))
        elif p.gradient is not None:
            rows.append(("Hessian", "does not exist here"))
        rows.append(("kind", KIND_WORDS[p.kind] if p.kind else "undefined (no gradient here)"))
        _table(rows, indent="  ")


def _table(rows: list[tuple[str, str]], indent: str, sep: str = "  ") -> None:
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{indent}{k.ljust(width)}{sep}{v}")
