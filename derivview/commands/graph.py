"""``derivview graph``: the computational graph of f at a point, forward and backward
(contracts.md §5).

Prints every node (its operation, its text as typed, its inputs, its value at X, its local
partials and its adjoint ∂f/∂node) and then the backward pass node by node — each adjoint
as the sum over the nodes that use it — ending with the adjoint of x, which is f′(X); or
with ``--json`` the object of contracts.md §5. Every number comes from derivview's own
tree (no computer algebra). Exit 0 on success, 2 on invalid input, 1 on other failures.
"""

from __future__ import annotations

import json
import math
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

PROG = "derivview graph"
_ONE_VALUE = ("--at", "--param")


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Show f's computational graph at X: values, local partials, adjoints.",
        epilog="An expression starting with '-' may be given first, or after '--'.",
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'x sin(x)'")
    parser.add_argument("--at", type=finite_float, metavar="X", help="the point (required)")
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §5)")
    return parser


def _clean(value: Any) -> Any:
    """Numbers as JSON numbers (``-0.0`` as ``0.0``, non-finite as null), recursively."""
    if isinstance(value, float):
        return json_number(value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    return value


def run(argv: list[str]) -> int:
    """Parse ``argv``, build the graph at X, print; returns the exit status."""
    from derivview.model.expr.graph import graph

    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    if args.at is None:
        raise UsageError(f"{PROG}: --at X is required")
    compiled = analyze_text(PROG, text)
    params = parameter_values(PROG, compiled.parameters, params_dict(args.param))
    g = graph(compiled.expression, args.at, params)
    if args.json:
        print(json.dumps(_clean(g.to_json()), allow_nan=False, ensure_ascii=True))
    else:
        _print_report(g, params)
    return EXIT_OK


def _num(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "undefined"
    return f"{value + 0.0:.10g}".replace("-", "−")


def _print_report(g: Any, params: dict[str, float]) -> None:
    from derivview.model.labs.backprop import backward_order, contributions

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    x = g.point["x"]
    print(f"f(x) = {g.expression}   at x = {_num(x)}")
    if params:
        print("with " + ", ".join(f"{k} = {v:g}" for k, v in params.items()))
    f = "too large" if g.nodes[g.output].too_large else _num(g.f)
    print(f"f = {f}    f′ = ∂f/∂x = {_num(g.df)}")
    print()
    rows = [("node", "op", "text", "inputs", "value", "local ∂node/∂input", "adjoint ∂f/∂node")]
    for n in g.nodes:
        rows.append((
            str(n.id), n.op, _short(n.text), ", ".join(map(str, n.inputs)) or "—",
            "too large" if n.too_large else _num(n.value),
            ", ".join(_num(v) for v in n.local) or "—", _num(n.adjoint),
        ))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    print()
    print("backward pass (the output first; each adjoint is the sum over the nodes using it):")
    for node in backward_order(g):
        n = g.nodes[node]
        name = f"∂f/∂[{_short(n.text)}]"
        if node == g.output:
            print(f"  {name} = 1")
            continue
        terms = contributions(g, node)
        shown = " + ".join(f"{_num(t.user_adjoint)} × {_paren(_num(t.local))}" for t in terms)
        paths = f"   ({len(terms)} paths: the multivariable chain rule)" if len(terms) > 1 else ""
        print(f"  {name} = {shown} = {_num(n.adjoint)}{paths}")


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
