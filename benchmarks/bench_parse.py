"""Parse and compile time: ``python benchmarks/run.py parse``.

Every keystroke is parsed and compiled on the GUI thread (the tree is bounded by the
parser's limits): this measures that work for the seed expressions and for the worst
cases the limits allow (1,000 characters, 600 tokens, nesting 60), and the refusals
that must be instant. Baseline in the same run: Python's own ``ast.parse`` of an
equivalent Python text (the floor of what any parser of this size costs in Python).

Targets: median over the seeds ≤ 1 ms (parse + compile); the 1,000-character worst case
≤ 8 ms (half a frame); every refusal ≤ 5 ms. Exit 1 when a target is missed.
"""

from __future__ import annotations

import ast
import statistics
import sys
import time
from collections.abc import Callable

from derivview.model.calculus import analyze
from derivview.model.expression import ExpressionError, parse

SEEDS: list[tuple[str, str]] = [
    ("x^2", "x**2"),
    ("3x^2 + 2x - 1", "3*x**2 + 2*x - 1"),
    ("sin(x)", "sin(x)"),
    ("e^x", "e**x"),
    ("sqrt(x)", "sqrt(x)"),
    ("sigmoid(x)", "sigmoid(x)"),
    ("|x| + |x-1|", "abs(x) + abs(x-1)"),
    ("x^3 sin(x) e^(-x^2/4)", "x**3*sin(x)*e**(-x**2/4)"),
    ("sin(x^2) ln(1+x^2)", "sin(x**2)*ln(1+x**2)"),
    ("a x^2 + b x", "a*x**2 + b*x"),
    ("max(x, 0) + 0.1 min(x, 0)", "max(x, 0) + 0.1*min(x, 0)"),
    ("(x+1)(x+2)…(x+30)", "*".join(f"(x+{i})" for i in range(1, 31))),
]
TEXTS = {"(x+1)(x+2)…(x+30)": "".join(f"(x+{i})" for i in range(1, 31))}

# The worst the limits allow: the longest, most token-dense texts that parse.
WORST = {
    "600 tokens: a sum of 150 terms x^2": "+".join(["x^2"] * 150),
    "600 tokens: a sum of 120 terms sin(x)": "+".join(["sin(x)"] * 120),
    "600 tokens: 120 factors (x+k)": "".join(f"(x+{k})" for k in range(1, 121)),
    "nesting 59: sin(sin(…))": "sin(" * 59 + "x" + ")" * 59,
    "1,000 chars: 66 terms 1.23456789e-3x": "+".join(["1.23456789e-3x"] * 66),
    "nesting 59: x^x^x…": "^".join(["x"] * 60),
}

REFUSALS = [
    "x" * 100_000,
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 61 + "x" + ")" * 61,
    "+".join(["1"] * 450),
    "sin(" * 1000 + "x" + ")" * 1000,
]


def _median_ms(fn_: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn_()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> int:
    analyze("x")  # warm the import
    print(f"{'expression':32} {'parse ms':>9} {'+compile':>9} {'ast ms':>8} {'ratio':>7}")
    medians = []
    for label, python_text in SEEDS:
        text = TEXTS.get(label, label)
        ours = _median_ms(lambda t=text: parse(t), 50)
        full = _median_ms(lambda t=text: analyze(t), 50)
        bare = _median_ms(lambda p=python_text: ast.parse(p, mode="eval"), 50)
        medians.append(full)
        print(f"{label:32} {ours:9.3f} {full:9.3f} {bare:8.3f} {full / bare:7.1f}")
    overall = statistics.median(medians)
    print(f"median over the seeds (parse + compile): {overall:.3f} ms (target ≤ 1 ms)")

    print("\nworst cases the limits allow (parse + compile):")
    worst_case = 0.0
    for label, text in WORST.items():
        assert len(text) <= 1000, (label, len(text))
        ms = _median_ms(lambda t=text: analyze(t), 15)
        worst_case = max(worst_case, ms)
        print(f"  {label:42} {len(text):5} chars {ms:8.3f} ms")
    print(f"worst case: {worst_case:.3f} ms (target ≤ 8 ms)")

    worst = 0.0
    for text in REFUSALS:

        def refuse(t: str = text) -> None:
            try:
                parse(t)
            except ExpressionError:
                return
            raise AssertionError(f"accepted: {t[:40]}")

        ms = _median_ms(refuse, 10)
        worst = max(worst, ms)
        print(f"refuse {text[:30]!r:34} {ms:8.3f} ms")
    print(f"slowest refusal: {worst:.3f} ms (target ≤ 5 ms)")
    return 0 if overall <= 1.0 and worst <= 5.0 and worst_case <= 8.0 else 1


if __name__ == "__main__":
    sys.exit(main())
