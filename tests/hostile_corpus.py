"""Hostile input: text that tries to exhaust time or memory (the issue-14 probe's corpus).

Used by the hostile-input tests (tests/model/test_expression_hostile.py) and by the
benchmark that runs it through ``derivview info`` under load (benchmarks/bench_hostile.py).
Every entry must be answered — a value or a message — never hang.
"""

from __future__ import annotations

BOMBS: list[str] = [
    "9^9^9",
    "10^10^10",
    "2^2^2^2^2^2",
    "9**9**9",
    "(10^300)^(10^300)",
    "1e300^1e300",
    "(1+1e-300)^(10^300)",
    "(2x)^(10^6)",
    "(sqrt(2) x)^(10^6)",
    "((x^2)^(10^500))^(10^500)",
    "2^(10^6)",
    "e^(e^(e^(e^10)))",
    "exp(exp(exp(exp(10))))",
    "sinh(cosh(sinh(100)))",
    "floor(e^(e^(e^5)))",
    "sigmoid(10^999)",
    "sin(10^999)",
    "tan(10^999 + 1/3)",
    "asin(10^999)",
    "sqrt(10^300 + 1)",
    "cbrt(10^300 + 1)",
    "(10^300+1)^(1/3)",
    "999^0.999999",
    "10e^√0.51e300^10^9991e-300sqrt(0.5",
    "max(10^(1e-300), 1)",
    "∛sinh(x^0.51e-5^-10)asinh(/(1e-300|",  # exhausted memory in sympy's polys
    "cbrt(sinh(x^10000))",
    "10^-ceil(+10^999e)(1/3)|cbrt(",
    "softplus(1e300^floor(1e300/e^9(1/3))10^999",
    "max(sigmoid(exp(2floor(1e300e^(1/3)))",
    "1e300asin(sin(1e300)),^(pix^²e^sqrt(",
    "+".join(["softplus(2000)"] * 60),
    "+".join([f"floor(10^999pi+{i})" for i in range(50)]),
    "exp(10^999^-1e-300)",
    "(1/999)^(1e-5)",
    "6^0.999999 * 10^0.999999 * 15^0.999999",
    "sqrt(10^40+1)sqrt(10^40+3)sqrt(10^40+7)sqrt(10^40+9)",
    "1e300*" * 150 + "1",
    "(" * 10_000 + "x" + ")" * 10_000,
    "(" * 10_000,
    "x" * 100_000,
    "+" * 999 + "x",
    "|" * 999,
    "sin(" * 1000 + "x" + ")" * 1000,
    "x^" * 499 + "x",
    "-" * 999 + "x",
    "√" * 999 + "x",
    "".join(f"(x+{i})" for i in range(1, 31)),
    "+".join(["x"] * 300),
    "max(" + ",".join(["x"] * 300) + ")",
    "x¹²³⁴⁵⁶⁷⁸⁹",
    "2⁹⁹⁹⁹",
    "1" * 1000,
]
