"""``derivview info``: f, f′, f″ as text; values and one-sided derivatives at points;
critical, inflection and non-differentiable points in a range.

Prints a readable report, or with ``--json`` the object of docs/contracts.md §2. Exit 0
on success; 2 on invalid input (expression with its column, numbers, ``--range A B``
with A ≥ B, an expression too complex to differentiate within the budget); 1 on other
failures (reported by :mod:`derivview.cli`). ``--param`` for a name f does not use is
accepted with a note on stderr (scripts may pass the same parameters to many f).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, Any

from derivview.commands.common import (
    EXIT_OK,
    ArgumentParser,
    UsageError,
    check_range,
    finite_float,
    params_dict,
    parse_param,
)

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction, PointInfo, SpecialPoints

PROG = "derivview info"
_OPTIONS_WITH_VALUE = ("--at", "--param")
_OPTIONS = (*_OPTIONS_WITH_VALUE, "--range", "--json", "-h", "--help")


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
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §2)")
    return parser


def _split_leading_text(argv: list[str]) -> tuple[str | None, list[str]]:
    """Take TEXT from the front when it is not an option: ``-x^2`` would fool argparse."""
    if argv and argv[0] not in ("-h", "--help") and not argv[0].startswith("--"):
        return argv[0], argv[1:]
    return None, argv


def _attach_negative_values(argv: list[str]) -> list[str]:
    """``--at -1e-3`` -> ``--at=-1e-3`` and ``--range -1e-3 2`` likewise (argparse would
    take ``-1e-3`` for an option)."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        if token == "--":
            out.extend(argv[i:])
            break
        if token == "--range" and i + 2 < len(argv):
            # two values, whatever they look like, unless the second is an option
            a, b = argv[i + 1], argv[i + 2]
            if a not in _OPTIONS and b not in _OPTIONS:
                out.extend([token, _shield(a), _shield(b)])
                i += 3
                continue
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if (
            token in _OPTIONS_WITH_VALUE
            and nxt is not None
            and nxt.startswith("-")
            and nxt not in _OPTIONS
        ):
            out.append(f"{token}={nxt}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def _shield(value: str) -> str:
    # argparse reads "-1e-3" as an option; a leading space keeps it a value and
    # float() ignores the space.
    return f" {value}" if value.startswith("-") else value


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
    parser = _parser()
    leading, rest = _split_leading_text(list(argv))
    args = parser.parse_args(_attach_negative_values(rest))
    if leading is not None and args.text is not None:
        raise UsageError(f"{PROG}: one expression expected, got {leading!r} and {args.text!r}")
    text = leading if leading is not None else args.text
    if text is None:
        raise UsageError(f"{PROG}: the expression TEXT is required")
    xrange = _range(args.range)
    given = params_dict(args.param)

    compiled = _analyze(text)
    unused = sorted(set(given) - set(compiled.parameters))
    if unused:
        print(f"{PROG}: note: f has no parameter {', '.join(unused)}; ignored", file=sys.stderr)
    params = {name: given.get(name, 1.0) for name in compiled.parameters}
    points = [compiled.point(x, params) for x in args.at]
    special = compiled.special_points(*xrange, params) if xrange else None

    if args.json:
        doc = _as_json(text, compiled, params, points, xrange, special)
        print(json.dumps(doc, allow_nan=False, ensure_ascii=True))
    else:
        _print_report(compiled, params, points, xrange, special)
    return EXIT_OK


def _analyze(text: str) -> CompiledFunction:
    """Parse and differentiate; invalid or too complex expressions are usage errors."""
    from derivview.model.calculus import ComplexityError, analyze
    from derivview.model.expression import ExpressionError

    try:
        return analyze(text)
    except ExpressionError as err:
        raise UsageError(f"{PROG}: invalid expression: {err}") from None
    except ComplexityError as err:
        raise UsageError(f"{PROG}: {err}") from None


def _number(value: float | None) -> float | None:
    """A JSON number (``-0.0`` as ``0.0``), or null where undefined or not finite."""
    if value is None or not math.isfinite(value):
        return None
    return float(value) + 0.0


def _point_json(p: PointInfo) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "x": _number(p.x),
        "f": _number(p.f),
        "df": _number(p.df) if p.differentiable else None,
        "d2f": _number(p.d2f) if p.differentiable else None,
        "differentiable": p.differentiable,
        "left_df": _number(p.left_df),
        "right_df": _number(p.right_df),
    }
    if p.subgradient is not None:
        doc["subgradient"] = [_number(p.subgradient[0]), _number(p.subgradient[1])]
    doc["tangent"] = (
        {"slope": _number(p.tangent[0]), "intercept": _number(p.tangent[1])}
        if p.tangent is not None and p.differentiable
        else None
    )
    return doc


def _as_json(
    text: str,
    compiled: CompiledFunction,
    params: dict[str, float],
    points: list[PointInfo],
    xrange: tuple[float, float] | None,
    special: SpecialPoints | None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "expression": text,
        "f": compiled.f_text,
        "df": compiled.df_text,
        "d2f": compiled.d2f_text,
        "parameters": params,
        "points": [_point_json(p) for p in points],
    }
    if xrange is not None and special is not None:
        doc["range"] = [xrange[0], xrange[1]]
        doc["critical_points"] = [_number(v) for v in special.critical]
        doc["inflection_points"] = [_number(v) for v in special.inflection]
        doc["nondifferentiable_points"] = [_number(v) for v in special.nondifferentiable]
    return doc


def _num(value: float | None) -> str:
    if value is None:
        return "undefined"
    s = f"{value + 0.0:.10g}"
    return s


def _slope(value: float | None) -> str:
    return "none (infinite or undefined)" if value is None else _num(value)


def _line(slope: float, intercept: float) -> str:
    b = intercept + 0.0
    sign = "−" if b < 0 else "+"
    return f"y = {_num(slope)}·x {sign} {_num(abs(b))}"


def _print_report(
    compiled: CompiledFunction,
    params: dict[str, float],
    points: list[PointInfo],
    xrange: tuple[float, float] | None,
    special: SpecialPoints | None,
) -> None:
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ′ or −
        reconfigure(errors="replace")
    rows = [("f(x)", compiled.f_text), ("f′(x)", compiled.df_text), ("f″(x)", compiled.d2f_text)]
    _table(rows, indent="", sep=" = ")
    if params:
        print("with " + ", ".join(f"{k} = {v:g}" for k, v in params.items()))
    for p in points:
        print()
        print(f"at x = {_num(p.x)}:")
        prow = [("f(x)", _num(p.f))]
        if p.differentiable:
            prow += [("f′(x)", _num(p.df)), ("f″(x)", _num(p.d2f))]
        else:
            prow += [("f′(x)", "does not exist")]
            prow += [
                ("f′ from the left", _slope(p.left_df)),
                ("f′ from the right", _slope(p.right_df)),
            ]
        if p.subgradient is not None:
            prow.append(("subgradient", f"[{_num(p.subgradient[0])}, {_num(p.subgradient[1])}]"))
        if p.tangent is not None and p.differentiable:
            prow.append(("tangent", _line(*p.tangent)))
        prow.append(("kind", p.kind))
        _table(prow, indent="  ")
        print(f"  {p.reason}")
    if xrange is not None and special is not None:
        print()
        print(f"in [{_num(xrange[0])}, {_num(xrange[1])}]:")

        def listing(values: list[float]) -> str:
            return ", ".join(_num(v) for v in values) if values else "none"

        _table(
            [
                ("critical points (f′ = 0)", listing(special.critical)),
                ("inflection points", listing(special.inflection)),
                ("no derivative at", listing(special.nondifferentiable)),
            ],
            indent="  ",
        )


def _table(rows: list[tuple[str, str]], indent: str, sep: str = "  ") -> None:
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{indent}{k.ljust(width)}{sep}{v}")
