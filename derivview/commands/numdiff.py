"""``derivview numdiff``: numerical vs analytical derivative at a point (contracts.md §5).

The forward, backward and central difference quotients of f at X for each h (default
1, 1e-1, …, 1e-16), computed in float64 exactly as written, beside the exact f′(X) from
derivview's own tree, with their absolute errors and the h of the smallest error of each
formula. Prints a readable table, or with ``--json`` the object of the contract. Where
f′(X) does not exist, ``exact``, the errors and ``best`` are null and the text says why.
Exit 0 on success; 2 on invalid input; 1 on other failures (reported by
:mod:`derivview.cli`).
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
from derivview.model.formatting import format_number

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction, PointInfo
    from derivview.model.labs.numdiff import NumdiffResult

PROG = "derivview numdiff"
_ONE_VALUE = ("--at", "--h", "--param")


def positive_step(text: str) -> float:
    """argparse type for ``--h``: a positive finite number."""
    value = finite_float(text.strip())
    if not value > 0:
        raise argparse.ArgumentTypeError(f"h must be a positive number, got {text.strip()!r}")
    return value


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description=(
            "Compare the forward, backward and central difference quotients of f at X "
            "with the exact derivative, for h = 1, 1e-1, …, 1e-16 (or the h given)."
        ),
        epilog=(
            "forward = (f(x+h) - f(x))/h, backward = (f(x) - f(x-h))/h, central = "
            "(f(x+h) - f(x-h))/(2h), in float64 as written: round-off is the point. "
            "An expression starting with '-' may be given first, or after '--'."
        ),
    )
    parser.add_argument("text", metavar="TEXT", nargs="?", help="f(x), e.g. 'sin(x)'")
    parser.add_argument("--at", type=finite_float, metavar="X", help="the point (required)")
    parser.add_argument(
        "--h", type=positive_step, action="append", default=[], metavar="H",
        help="a step size; repeatable (default: 1, 1e-1, …, 1e-16)",
    )  # fmt: skip
    parser.add_argument(
        "--param", type=parse_param, action="append", default=[], metavar="NAME=VALUE",
        help="a parameter's value (default 1); repeatable",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §5)")
    return parser


def run(argv: list[str]) -> int:
    """Parse ``argv``, compute the quotients, print; returns the exit status."""
    from derivview.model.labs.numdiff import DEFAULT_STEPS, numdiff

    leading, rest = split_leading_text(list(argv), _ONE_VALUE)
    args = _parser().parse_args(attach_negative_values(rest, _ONE_VALUE))
    text = expression_text(PROG, leading, args.text)
    if args.at is None:
        raise UsageError(f"{PROG}: --at X is required")
    steps = tuple(args.h) or DEFAULT_STEPS
    compiled: CompiledFunction = analyze_text(PROG, text)
    params = parameter_values(PROG, compiled.parameters, params_dict(args.param))
    point = compiled.point(args.at, params)
    exact = point.df if point.differentiable else None
    result = numdiff(lambda x: compiled.f(x, params), args.at, exact, steps)

    if args.json:
        print(json.dumps(as_json(result), allow_nan=False, ensure_ascii=True))
    else:
        _print_report(compiled, params, point, result)
    return EXIT_OK


def as_json(result: NumdiffResult) -> dict[str, Any]:
    """The object of contracts.md §5 ``numdiff``."""
    return {
        "x": json_number(result.x),
        "exact": json_number(result.exact),
        "rows": [
            {
                "h": row.h,
                "forward": json_number(row.forward),
                "backward": json_number(row.backward),
                "central": json_number(row.central),
                "forward_error": json_number(row.forward_error),
                "backward_error": json_number(row.backward_error),
                "central_error": json_number(row.central_error),
            }
            for row in result.rows
        ],
        "best": {name: json_number(h) for name, h in result.best.items()},
    }


def _value(v: float | None) -> str:
    return "undefined" if v is None else format_number(v, 16)


def _error(v: float | None) -> str:
    return "" if v is None else format_number(v, 3)


def _print_report(
    compiled: CompiledFunction, params: dict[str, float], point: PointInfo, result: NumdiffResult
) -> None:
    from derivview.model.labs.numdiff import (
        EPSILON,
        FORMULAS,
        ErrorModel,
        no_derivative_words,
        rounding_scale,
        short_number,
        third_derivative,
    )

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ′ or −
        reconfigure(errors="replace")
    x = result.x
    head = f"f(x) = {compiled.f_text} at x = {format_number(x, 10)}"
    if params:
        head += " with " + ", ".join(f"{k} = {format_number(v, 10)}" for k, v in params.items())
    print(head)
    if point.f is None:
        print(f"{point.reason} No quotient can be formed.")
    elif result.exact is None:
        print(
            no_derivative_words(x, point.kind, point.left_df, point.right_df, point.reason).replace(
                " the plot shows", " the table shows"
            )
        )
    else:
        exact = format_number(result.exact, 16)
        forward = float(compiled.df(x, params))
        how = "automatic differentiation" if math.isfinite(forward) else (
            # relu(x)² at 0: the chain rule has no relu′(0); both one-sided slopes are 0
            "the slopes from both sides, which agree: a piece of f has no derivative here"
        )
        print(f"exact f′({format_number(x, 10)}) = {exact} ({how})")
    print()
    with_errors = result.exact is not None
    headers = ["h"]
    for name in FORMULAS:
        headers += [name, "|error|"] if with_errors else [name]
    rows = []
    for r in result.rows:
        cells = [short_number(r.h)]
        for name in FORMULAS:
            cells.append(_value(getattr(r, name)))
            if with_errors:
                cells.append(_error(getattr(r, f"{name}_error")))
        rows.append(cells)
    widths = [max(len(h), *(len(c[i]) for c in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for cells in rows:
        print("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
    if not with_errors:
        return
    print()
    best = result.best
    print(
        "best h (smallest error): "
        + ", ".join(f"{k} {short_number(v) if v is not None else 'none'}" for k, v in best.items())
    )
    f_size = float(compiled.magnitudes(x, params)[0])
    d3f = third_derivative(lambda xs: compiled.d2f(xs, params), x)
    model = ErrorModel(rounding_scale(f_size, x, result.exact), point.d2f, d3f)
    predicted = model.best()
    parts = [
        f"{k} ≈ {short_number(float(f'{v:.2g}'))}" for k, v in predicted.items() if v is not None
    ]
    no_truncation = [k for k, v in predicted.items() if v is None]
    line = (
        f"error model: round-off ≈ ε·S/h (ε = {format_number(EPSILON, 3)}, "
        f"S = {format_number(model.scale, 3)}), "
        "truncation ≈ |f″|h/2 one-sided, |f‴|h²/6 central"
    )
    print(line)
    if parts:
        print("best h by the model: " + ", ".join(parts))
    if no_truncation and math.isfinite(model.scale):
        print(
            f"no truncation error for {', '.join(no_truncation)} "
            "(f″ or f‴ is 0 here): only round-off, so a larger h is better"
        )
