"""``derivview steps``: how f′ is obtained, rule by rule (contracts.md §5).

Prints the derivation indented by depth, one rule per line, with the chain rule's outer
and inner functions and every note about points without a derivative, then f′ — or with
``--json`` the object of contracts.md §5. The steps come from derivview's own tree, at
once; only the final ``derivative`` (f′ simplified, the same text as ``info``'s ``df``)
needs sympy, within its budget: when it cannot print f′ in time, the first step's result
(the derivative as the rules give it) stands in. Exit 0 on success, 2 on invalid input,
1 on other failures.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    analyze_text,
    attach_negative_values,
    expression_text,
    parameter_values,
    params_dict,
    parse_param,
    split_leading_text,
)

if TYPE_CHECKING:
    from derivview.model.expr.parser import Expression
    from derivview.model.labs.steps import Derivation

PROG = "derivview steps"
_ONE_VALUE = ("--param",)
TOO_LONG = "too long to print"


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Show how f′ is obtained: the derivation of f′, one rule per line.",
        epilog="An expression starting with '-' may be given first, or after '--'.",
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'sin(x^2)'")
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1): only where the notes locate missing derivatives",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §5)")
    return parser


def printed_derivative(expression: Expression) -> str | None:
    """f′ as sympy prints and simplifies it (``info``'s ``df``), written the way the steps
    are written; None when it could not be printed within the budget."""
    from derivview.model.expr.parser import parse
    from derivview.model.formulas import print_formulas
    from derivview.model.labs.readable import readable

    df = print_formulas(expression).df
    if df is None:
        return None
    try:
        return readable(parse(df, max_length=100_000).tree)
    except Exception:  # a text sympy printed that we cannot read back: keep it as it is
        return df


def run(argv: list[str]) -> int:
    """Parse ``argv``, derive f′ step by step, print; returns the exit status."""
    from derivview.model.labs.steps import derive

    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    compiled = analyze_text(PROG, text)
    params = parameter_values(PROG, compiled.parameters, params_dict(args.param))
    derivation = derive(compiled.expression, params)
    derivative = printed_derivative(compiled.expression)
    if args.json:
        doc = derivation.to_json(derivative)
        print(json.dumps(doc, allow_nan=False, ensure_ascii=True))
    else:
        _print_report(derivation, derivative, params)
    return EXIT_OK


def _operand(node: Any, text: str) -> str:
    """``text`` as what d/dx applies to: a sum, product or quotient in parentheses
    (d/dx (sin(x)/x), not d/dx sin(x)/x, which reads as (d/dx sin(x))/x)."""
    from derivview.model.expr.nodes import BinOp, Neg

    if isinstance(node, Neg) or (isinstance(node, BinOp) and node.op != "pow"):
        return f"({text})"
    return text


def _print_report(derivation: Derivation, derivative: str | None, params: dict[str, float]) -> None:
    from derivview.model.labs.steps import RULE_TITLES

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ′ or −
        reconfigure(errors="replace")
    steps = derivation.steps
    width = max(len("  " * s.depth + RULE_TITLES[s.rule]) for s in steps) + 2
    print(f"f(x) = {derivation.expression.text}")
    if params:
        print("with " + ", ".join(f"{k} = {v:g}" for k, v in params.items()))
    print()
    for s in steps:
        head = ("  " * s.depth + RULE_TITLES[s.rule]).ljust(width)
        result = s.result_text if s.result_text is not None else TOO_LONG
        print(f"{head}d/d{s.variable} {_operand(s.expression, s.expression_text)} = {result}")
        if s.note:
            print(" " * (width + 2) + s.note)
    print()
    final = derivative if derivative is not None else steps[0].result_text
    print(f"f′(x) = {final if final is not None else TOO_LONG}")
