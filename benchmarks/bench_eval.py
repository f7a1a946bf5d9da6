"""Evaluating f, f′, f″ on 10,000 points: derivview's tree vs hand-written numpy.

Run: ``python benchmarks/run.py eval`` or ``python benchmarks/bench_eval.py``.

derivview computes f, f′ and f″ in one vectorized pass of second-order forward-mode
automatic differentiation over its own tree (``CompiledFunction.evaluate_raw``: shaped,
domain exact, ±inf kept where a value overflows). The baseline, in the same run, is the
numpy code a person would write by hand for the same three functions (closed-form
derivatives, idiomatic numpy: ``x**3``, ``np.exp(-x**2/4)``), for each seed expression
of the foundation's benchmark. The two are measured interleaved (30 rounds, best of
each) so that a busy machine slows both alike; the hand-written results are checked
against ours first, so that both compute the same numbers.

Target: every ratio ≤ 1.5 (x³·sin x·e^(−x²/4) and sigmoid among them). Exit 1 if missed.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from derivview.model.calculus import analyze

X = np.linspace(-5.0, 5.0, 10_000)
ROUNDS = 30
TARGET = 1.5
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


def _sig(x: np.ndarray) -> Arrays:
    s = 1 / (1 + np.exp(-x))
    d = s * (1 - s)
    return s, d, d * (1 - 2 * s)


def _bump(x: np.ndarray) -> Arrays:
    s, c = np.sin(x), np.cos(x)
    h = np.exp(-(x**2) / 4)
    x2, x3 = x**2, x**3
    g = x3 * s
    g1 = 3 * x2 * s + x3 * c
    g2 = 6 * x * s + 6 * x2 * c - x3 * s
    return g * h, h * (g1 - x / 2 * g), h * (g2 - x * g1 + (x2 / 4 - 0.5) * g)


def _sinln(x: np.ndarray) -> Arrays:
    u = x**2
    s, c, L = np.sin(u), np.cos(u), np.log(1 + u)
    r = 1 / (1 + u)
    f = s * L
    df = 2 * x * c * L + s * 2 * x * r
    d2f = (2 * c - 4 * u * s) * L + 4 * x * c * 2 * x * r + s * (2 * r - 4 * u * r * r)
    return f, df, d2f


HAND: dict[str, Callable[[np.ndarray], Arrays]] = {
    "x^2": lambda x: (x**2, 2 * x, np.full_like(x, 2.0)),
    "x^3": lambda x: (x**3, 3 * x**2, 6 * x),
    "sqrt(x)": lambda x: (np.sqrt(x), 0.5 / np.sqrt(x), -0.25 * x**-1.5),
    "e^x": lambda x: (np.exp(x),) * 3,
    "ln(x)": lambda x: (np.log(x), 1 / x, -1 / x**2),
    "2^x": lambda x: (2.0**x, 2.0**x * np.log(2), 2.0**x * np.log(2) ** 2),
    "sin(x)": lambda x: (np.sin(x), np.cos(x), -np.sin(x)),
    "cos(x)": lambda x: (np.cos(x), -np.sin(x), -np.cos(x)),
    "sigmoid(x)": _sig,
    "tanh(x)": lambda x: (t := np.tanh(x), 1 - t**2, -2 * t * (1 - t**2)),
    "relu(x)": lambda x: (np.maximum(x, 0), (x > 0) * 1.0, np.zeros_like(x)),
    "x^3 sin(x) e^(-x^2/4)": _bump,
    "sin(x^2) ln(1+x^2)": _sinln,
    "(x-3)^2": lambda x: ((x - 3) ** 2, 2 * (x - 3), np.full_like(x, 2.0)),
    "|x|": lambda x: (np.abs(x), np.sign(x), np.zeros_like(x)),
    "tan(x)": lambda x: (t := np.tan(x), 1 + t**2, 2 * t * (1 + t**2)),
    "1/x": lambda x: (1 / x, -1 / x**2, 2 / x**3),
}


def _check(text: str) -> None:
    """Both compute the same numbers (where both are defined and finite)."""
    ours = analyze(text).evaluate_raw(X)
    hand = HAND[text](X)
    for o, h in zip(ours, hand, strict=True):
        h = np.broadcast_to(h, X.shape)
        both = np.isfinite(o) & np.isfinite(h)
        assert both.sum() > 1000, text
        scale = np.maximum(1.0, np.abs(h[both]))
        assert np.max(np.abs(o[both] - h[both]) / scale) < 1e-6, text


def main() -> int:
    with np.errstate(all="ignore"):
        for text in HAND:
            _check(text)
        print(f"f, f′, f″ on {X.size:,} points, best of {ROUNDS} interleaved rounds (µs)")
        print(f"{'expression':<26} {'numpy':>8} {'derivview':>10} {'ratio':>6} {'+NaN-clean':>11}")
        ratios = []
        ok = True
        for text, hand in HAND.items():
            fn = analyze(text)
            o, c, h = [], [], []
            for _ in range(ROUNDS):
                t0 = time.perf_counter()
                hand(X)
                t1 = time.perf_counter()
                fn.evaluate_raw(X)
                t2 = time.perf_counter()
                fn.evaluate(X)
                t3 = time.perf_counter()
                h.append(t1 - t0)
                o.append(t2 - t1)
                c.append(t3 - t2)
            ratio = min(o) / min(h)
            ratios.append(ratio)
            ok &= ratio <= TARGET
            flag = "" if ratio <= TARGET else f"  > {TARGET}"
            print(
                f"{text:<26} {min(h) * 1e6:8.1f} {min(o) * 1e6:10.1f} {ratio:6.2f}"
                f" {min(c) * 1e6:11.1f}{flag}"
            )
    print(
        f"median ratio {statistics.median(ratios):.2f}, worst {max(ratios):.2f} (target ≤ {TARGET})"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
