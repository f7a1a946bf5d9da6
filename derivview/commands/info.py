"""``derivview info``: f, f′, f″ as text; values and one-sided derivatives at points;
critical, inflection and non-differentiable points in a range.

Prints a readable report, or with ``--json`` the object of docs/contracts.md §2. Every
number comes from derivview's own tree (no computer algebra); only the printed ``df`` and
``d2f`` need sympy, within a budget: when it cannot print them in time they are ``null``
("too complex to print" in the text report) and every number is still given. Exit 0 on
success; 2 on invalid input (expression with its column, numbers, ``--range A B`` with
A ≥ B); 1 on other failures (reported by :mod:`derivview.cli`). ``--param`` for a name f
does not use is accepted with a note on stderr (scripts may pass the same parameters to
many f).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    UsageError,
    analyze_text,
    attach_negative_values,
    check_range,
    expression_text,
    finite_float,
    json_number,
    parameter_values,
    params_dict,
    parse_param,
    split_leading_text,
)
from derivview.commands.xy_args import split_vars
from derivview.model.extrema import classify_critical
from derivview.model.formatting import format_number, tangent_equation

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction, PointInfo, SpecialPoints
    from derivview.model.formulas import Formulas

PROG = "derivview info"
#: Seconds from the command's start to its answer, the symbolic engine's start included
#: (issue 14.9: within 8 s on a loaded 2-core machine, Python's own start counted). The
#: numbers never wait; printed f′ and f″ that cannot be had by then are null, and the
#: note says why ("the symbolic engine is still starting" on a very loaded machine).
ANSWER_WITHIN_S = 6.0
TOO_LARGE = "too large to represent"
_ONE_VALUE = ("--at", "--param")
_TWO_VALUES = ("--range",)


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description="Show f, f′ and f″, the derivative at points, and special points.",
        epilog="An expression starting with '-' may be given first, or after '--'.",
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'x^3 - 3x'")
    parser.add_argument(
        "--at", type=finite_float, action="append", default=[], metavar="X",
        help="a point to examine; repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--range", nargs=2, metavar=("A", "B"),
        help="list critical, inflection and non-differentiable points in [A, B]",
    )  # fmt: skip
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )  # fmt: skip
    parser.add_argument(
        "--vars", metavar="x,y", help="x,y: f(x, y), with --at X,Y (see --vars x,y --help)"
    )  # taken off before parsing (split_vars); listed here for --help
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §2)")
    return parser


def _range(values: list[str] | None) -> tuple[float, float] | None:
    if values is None:
        return None
    try:
        lo, hi = (finite_float(v.strip()) for v in values)
    except argparse.ArgumentTypeError as err:
        raise UsageError(f"{PROG}: argument --range: {err}") from None
    return check_range(lo, hi, "--range")


def run(argv: list[str]) -> int:
    """Parse ``argv``, analyze f, print; returns the exit status."""
    deadline = time.monotonic() + ANSWER_WITHIN_S
    variables, argv = split_vars(PROG, list(argv))
    if variables == ("x", "y"):  # contracts.md §6: f(x, y)
        from derivview.commands import info_xy

        return info_xy.run(argv)
    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE, _TWO_VALUES))
    text = expression_text(PROG, leading, args.text)
    xrange = _range(args.range)
    compiled: CompiledFunction = analyze_text(PROG, text)
    from derivview.model.formulas import prepare, print_formulas

    prepare(compiled.expression)  # the engine starts while the numbers are computed
    params = parameter_values(PROG, compiled.parameters, params_dict(args.param))
    points = [compiled.point(x, params) for x in args.at]
    special = compiled.special_points(*xrange, params) if xrange else None
    kinds = (
        [
            (x, classify_critical(lambda a: compiled.df(a, params), x), compiled.f(x, params))
            for x in special.critical
        ]
        if special is not None
        else []
    )
    formulas = print_formulas(compiled.expression, deadline=deadline)

    if args.json:
        doc = _as_json(text, formulas, params, points, xrange, special)
        print(json.dumps(doc, allow_nan=False, ensure_ascii=True))
    else:
        _print_report(formulas, params, points, xrange, special, kinds)
    return EXIT_OK


def _point_json(p: PointInfo) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "x": json_number(p.x),
        "f": json_number(p.f),
        "df": json_number(p.df) if p.differentiable else None,
        "d2f": json_number(p.d2f) if p.differentiable else None,
        "differentiable": p.differentiable,
        "left_df": json_number(p.left_df),
        "right_df": json_number(p.right_df),
    }
    if p.subgradient is not None:
        doc["subgradient"] = [json_number(p.subgradient[0]), json_number(p.subgradient[1])]
    doc["tangent"] = (
        {"slope": json_number(p.tangent[0]), "intercept": json_number(p.tangent[1])}
        if p.tangent is not None and p.differentiable
        else None
    )
    return doc


def _as_json(
    text: str,
    formulas: Formulas,
    params: dict[str, float],
    points: list[PointInfo],
    xrange: tuple[float, float] | None,
    special: SpecialPoints | None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "expression": text,
        "f": formulas.f,
        "df": formulas.df,
        "d2f": formulas.d2f,
        "parameters": params,
        "points": [_point_json(p) for p in points],
    }
    if xrange is not None and special is not None:
        doc["range"] = [xrange[0], xrange[1]]
        doc["critical_points"] = [json_number(v) for v in special.critical]
        doc["inflection_points"] = [json_number(v) for v in special.inflection]
        doc["nondifferentiable_points"] = [json_number(v) for v in special.nondifferentiable]
    return doc


def _num(value: float | None) -> str:
    return format_number(value, 10)


def _slope(value: float | None) -> str:
    return "none (∞ or undefined)" if value is None else _num(value)


def _print_report(
    formulas: Formulas,
    params: dict[str, float],
    points: list[PointInfo],
    xrange: tuple[float, float] | None,
    special: SpecialPoints | None,
    kinds: list[tuple[float, str, Any]] | None = None,
) -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ′ or −
        reconfigure(errors="replace")
    missing = formulas.note or "cannot be printed"
    rows = [
        ("f(x)", formulas.f),
        ("f′(x)", formulas.df if formulas.df is not None else missing),
        ("f″(x)", formulas.d2f if formulas.d2f is not None else missing),
    ]
    _table(rows, indent="", sep=" = ")
    if params:
        print("with " + ", ".join(f"{k} = {format_number(v)}" for k, v in params.items()))
    for p in points:
        print()
        print(f"at x = {_num(p.x)}:")
        over = p.overflow

        def value(name: str, v: float | None, over: tuple[str, ...] = over) -> str:
            return TOO_LARGE if name in over else _num(v)

        prow = [("f(x)", value("f", p.f))]
        if p.differentiable:
            prow += [("f′(x)", value("df", p.df)), ("f″(x)", value("d2f", p.d2f))]
        else:
            prow += [("f′(x)", "does not exist")]
            prow += [
                ("f′ from the left", _slope(p.left_df)),
                ("f′ from the right", _slope(p.right_df)),
            ]
        if p.subgradient is not None:
            prow.append(("subgradient", f"[{_num(p.subgradient[0])}, {_num(p.subgradient[1])}]"))
        if p.tangent is not None and p.differentiable:
            prow.append(("tangent", tangent_equation(*p.tangent, number=_num)))
        prow.append(("kind", p.kind))
        _table(prow, indent="  ")
        print(f"  {p.reason}")
    if xrange is not None and special is not None:
        print()
        print(f"in [{_num(xrange[0])}, {_num(xrange[1])}]:")

        def listing(values: list[float]) -> str:
            return ", ".join(f"x = {_num(v)}" for v in values)

        if kinds:
            print("  critical points (f′ = 0):")
            width = max(len(_num(x)) for x, _k, _f in kinds)
            for x, kind, fx in kinds:
                f_text = _num(float(fx)) if np.isfinite(fx) else "undefined"
                print(f"    x = {_num(x).ljust(width)}  {kind}, f = {f_text}")
        else:
            print("  no critical points (f′ is nowhere 0)")
        if special.inflection:
            print(f"  inflection points (f″ changes sign): {listing(special.inflection)}")
        else:
            print("  no inflection points (f″ keeps its sign)")
        if special.nondifferentiable:
            print(f"  no derivative at: {listing(special.nondifferentiable)}")
        else:
            print("  f′ exists everywhere here")


def _table(rows: list[tuple[str, str]], indent: str, sep: str = "  ") -> None:
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{indent}{k.ljust(width)}{sep}{v}")
