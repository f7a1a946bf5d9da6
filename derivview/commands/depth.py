"""``derivview depth``: vanishing and exploding gradients through a deep chain.

The chain a₀ = X, zₖ = W·aₖ₋₁ + B, aₖ = act(zₖ) for k = 1…N (contracts.md §5): per layer
the pre-activation, the output, the local derivative W·act′(zₖ) and ∂aₖ/∂X, the product
of the locals so far. Prints a table and what is happening in words, or with ``--json``
the object of the contract. Values are checked by the same rules as the window's deep-
chain panel and session files. Exit 0 on success; 2 on invalid input; 1 on other
failures (reported by :mod:`derivview.cli`).
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
    json_number,
)
from derivview.model.formatting import format_number
from derivview.model.labs.depth_part import ACTIVATION, ACTIVATIONS, BIAS, DEPTH, INPUT, WEIGHT
from derivview.model.state.fields import Field, Invalid

if TYPE_CHECKING:
    from derivview.model.labs.depth import Chain, Layer

PROG = "derivview depth"
_ONE_VALUE = ("--activation", "--depth", "--at", "--weight", "--bias")


def _parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog=PROG,
        description=(
            "Follow the gradient through a deep chain a_k = act(W·a_(k-1) + B): "
            "∂a_k/∂x is the product of the local derivatives W·act'(z_k)."
        ),
    )
    parser.add_argument("--activation", metavar="NAME", help=f"{', '.join(ACTIVATIONS)} (required)")
    parser.add_argument("--depth", metavar="N", help="the number of layers, 1 … 200 (required)")
    parser.add_argument("--at", metavar="X", help="the input x = a₀ (required)")
    parser.add_argument("--weight", metavar="W", help="the weight of every layer (1)")
    parser.add_argument("--bias", metavar="B", help="the bias of every layer (0)")
    parser.add_argument("--json", action="store_true", help="print JSON (contracts.md §5)")
    return parser


def _read(field: Field, flag: str, word: str | None, required: bool = False) -> Any:
    if word is None:
        if required:
            raise UsageError(f"{PROG}: {flag} is required")
        return field.default
    try:
        return field.kind.parse_text([word.strip()], flag)
    except Invalid as err:
        raise UsageError(f"{PROG}: {err}") from None


def run(argv: list[str]) -> int:
    """Parse ``argv``, run the chain, print; returns the exit status."""
    from derivview.model.labs.depth import chain

    args = _parser().parse_args(attach_negative_values(list(argv), _ONE_VALUE))
    activation = _read(ACTIVATION, "--activation", args.activation, required=True)
    depth = _read(DEPTH, "--depth", args.depth, required=True)
    x = _read(INPUT, "--at", args.at, required=True)
    weight = _read(WEIGHT, "--weight", args.weight)
    bias = _read(BIAS, "--bias", args.bias)
    result = chain(activation, depth, x, weight=weight, bias=bias)
    if args.json:
        print(json.dumps(as_json(result), allow_nan=False, ensure_ascii=True))
    else:
        _print_report(result)
    return EXIT_OK


def as_json(c: Chain) -> dict[str, Any]:
    """The object of contracts.md §5 ``depth``."""
    return {
        "activation": c.activation,
        "weight": c.weight,
        "bias": c.bias,
        "x": c.x,
        "layers": [
            {
                "k": layer.k,
                "z": json_number(layer.z),
                "a": json_number(layer.a),
                "local": json_number(layer.local),
                "grad": json_number(layer.grad),
            }
            for layer in c.layers
        ],
        "grad": json_number(c.grad),
    }


def _cell(v: float | None) -> str:
    if v is None:
        return "undefined"
    if v in (float("inf"), float("-inf")):
        return "too large" if v > 0 else "−too large"
    return f"{v + 0.0:.10g}".replace("-", "−")


def _local_cell(layer: Layer) -> str:
    """W·act′(zₖ); from its log₁₀ where float64 rounds it to 0 (a saturated sigmoid)."""
    from derivview.model.labs.depth import grad_text

    log = layer.log10_local
    if layer.local == 0 and log is not None and math.isfinite(log):
        return grad_text(layer.local, log, 10)
    return _cell(layer.local)


def _print_report(c: Chain) -> None:
    from derivview.model.labs.depth import grad_text

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:  # never fail on a console that cannot encode ∂ or −
        reconfigure(errors="replace")
    print(
        f"{c.activation} chain: N = {len(c.layers)}, W = {format_number(c.weight, 10)}, "
        f"B = {format_number(c.bias, 10)}, "
        f"x = {format_number(c.x, 10)}  (a₀ = x, zₖ = W·aₖ₋₁ + B, aₖ = {c.activation}(zₖ))"
    )
    headers = ("k", "z", "a", "local W·act′(z)", "∂aₖ/∂x")
    rows = [
        (
            str(layer.k),
            _cell(layer.z),
            _cell(layer.a),
            _local_cell(layer),
            grad_text(layer.grad, layer.log10_grad, 10),
        )
        for layer in c.layers
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(r, widths, strict=True)))
    print(c.summary())
