"""Parse time of typical expressions: ``python benchmarks/run.py parse``.

Beside ``expression.parse`` on each text, the same run builds the equivalent sympy
expression by hand (no tokenizer, no checks): the ratio is the parser's own cost.
sympy caches constructed objects, so the primary table clears its cache before every
repetition, in both columns equally (a new keystroke); a second line keeps the cache.
Also timed: refusals that must be instant (9^9^9, 100,000 characters, deep nesting).

Targets: median over the seeds ≤ 1 ms with the cache cleared; every refusal ≤ 5 ms.
Exit 1 when a target is missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import sympy as sp
from sympy.core.cache import clear_cache

from derivview.model import functions as fn
from derivview.model.expression import ExpressionError, X, param_symbol, parse

x = X
a, b = param_symbol("a"), param_symbol("b")

SEEDS: list[tuple[str, Callable[[], sp.Expr]]] = [
    ("x^2", lambda: x**2),
    ("3x^2 + 2x - 1", lambda: 3 * x**2 + 2 * x - 1),
    ("sin(x)", lambda: sp.sin(x)),
    ("e^x", lambda: sp.exp(x)),
    ("ln(x)", lambda: sp.log(x)),
    ("sqrt(x)", lambda: sp.sqrt(x)),
    ("sigmoid(x)", lambda: fn.sigmoid(x)),
    ("relu(x)", lambda: fn.relu(x)),
    ("|x| + |x-1|", lambda: sp.Abs(x) + sp.Abs(x - 1)),
    ("x^3 sin(x) e^(-x^2/4)", lambda: x**3 * sp.sin(x) * sp.exp(-(x**2) / 4)),
    ("sin(x^2) ln(1+x^2)", lambda: sp.sin(x**2) * sp.log(1 + x**2)),
    ("a x^2 + b x", lambda: a * x**2 + b * x),
    ("max(x, 0) + 0.1 min(x, 0)", lambda: sp.Max(x, 0) + sp.Rational(1, 10) * sp.Min(x, 0)),
    ("x^4 - 3x^3 + 2", lambda: x**4 - 3 * x**3 + 2),
    ("(x+1)(x+2)…(x+30)", lambda: sp.Mul(*[x + i for i in range(1, 31)])),
]
TEXTS = {"(x+1)(x+2)…(x+30)": "".join(f"(x+{i})" for i in range(1, 31))}

REFUSALS = [
    "9^9^9",
    "10^10^10",
    "2^2^2^2^2^2",
    "x" * 100_000,
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 61 + "x" + ")" * 61,
    "e^(e^(e^(e^10)))",
]


def _median_ms(fn_: Callable[[], object], repeat: int, clear: bool) -> float:
    times = []
    for _ in range(repeat):
        if clear:
            clear_cache()
        t0 = time.perf_counter()
        fn_()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    parse("x")  # first use imports sympy's lazily loaded parts
    print(f"{'expression':30} {'parse ms':>9} {'by hand':>9} {'ratio':>7} {'cached':>8}")
    medians = []
    for label, build in SEEDS:
        text = TEXTS.get(label, label)
        assert parse(text).expr == build(), label
        ours = _median_ms(lambda t=text: parse(t), 30, clear=True)
        bare = _median_ms(build, 30, clear=True)
        cached = _median_ms(lambda t=text: parse(t), 30, clear=False)
        medians.append(ours)
        print(f"{label:30} {ours:9.3f} {bare:9.3f} {ours / bare:7.1f} {cached:8.3f}")
    overall = statistics.median(medians)
    print(f"median over the seeds (cache cleared): {overall:.3f} ms (target ≤ 1 ms)")

    worst = 0.0
    for text in REFUSALS:

        def refuse(t: str = text) -> None:
            try:
                parse(t)
            except ExpressionError:
                return
            raise AssertionError(f"accepted: {t[:40]}")

        ms = _median_ms(refuse, 10, clear=True)
        worst = max(worst, ms)
        print(f"refuse {text[:30]!r:34} {ms:8.3f} ms")
    print(f"slowest refusal: {worst:.3f} ms (target ≤ 5 ms)")
    return 0 if overall <= 1.0 and worst <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
