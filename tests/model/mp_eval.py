"""An independent evaluator of derivview trees in mpmath (test support).

Written from the language's definition (contracts.md §1), not from derivview's numeric
code: the tests compare derivview's results against it. ``Undefined`` is raised where a
real value does not exist (outside a domain, a pole, 0/0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import mpmath as mp

from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var


class Undefined(ArithmeticError):
    """No real value here."""


def _real(v: mp.mpf | mp.mpc) -> mp.mpf:
    if isinstance(v, mp.mpc):
        if abs(v.imag) > mp.mpf(10) ** (-mp.mp.dps + 5) * max(1, abs(v.real)):
            raise Undefined("complex")
        v = v.real
    if not mp.isfinite(v):
        raise Undefined("not finite")
    return v


def _log(u: mp.mpf) -> mp.mpf:
    if u <= 0:
        raise Undefined("log of a non-positive number")
    return mp.log(u)


def _recip(v: mp.mpf) -> mp.mpf:
    if v == 0:
        raise Undefined("pole")
    return 1 / v


def _sqrt(u: mp.mpf) -> mp.mpf:
    if u < 0:
        raise Undefined("sqrt of a negative number")
    return mp.sqrt(u)


def _asin(u: mp.mpf) -> mp.mpf:
    if abs(u) > 1:
        raise Undefined("asin outside [-1, 1]")
    return mp.asin(u)


def _acos(u: mp.mpf) -> mp.mpf:
    if abs(u) > 1:
        raise Undefined("acos outside [-1, 1]")
    return mp.acos(u)


FUNCTIONS: dict[str, Callable[..., mp.mpf]] = {
    "sin": mp.sin,
    "cos": mp.cos,
    "tan": lambda u: mp.sin(u) * _recip(mp.cos(u)),
    "sec": lambda u: _recip(mp.cos(u)),
    "csc": lambda u: _recip(mp.sin(u)),
    "cot": lambda u: mp.cos(u) * _recip(mp.sin(u)),
    "asin": _asin,
    "acos": _acos,
    "atan": mp.atan,
    "sinh": mp.sinh,
    "cosh": mp.cosh,
    "tanh": mp.tanh,
    "exp": mp.exp,
    "ln": _log,
    "log2": lambda u: _log(u) / mp.log(2),
    "log10": lambda u: _log(u) / mp.log(10),
    "sqrt": _sqrt,
    "cbrt": lambda u: mp.sign(u) * abs(u) ** (mp.mpf(1) / 3),
    "abs": abs,
    "sign": mp.sign,
    "floor": mp.floor,
    "ceil": mp.ceil,
    "sigmoid": lambda u: 1 / (1 + mp.exp(-u)),
    "relu": lambda u: max(mp.mpf(0), u),
    "softplus": lambda u: mp.log(1 + mp.exp(u)),
}


def evaluate(node: Node, x: mp.mpf, params: Mapping[str, float] | None = None) -> mp.mpf:
    """The value of ``node`` at x (parameters default to 1)."""
    p = params or {}
    if isinstance(node, Num):
        try:
            return mp.mpf(node.text)
        except (ValueError, TypeError):
            return mp.mpf(node.value)
    if isinstance(node, Const):
        return mp.e if node.name == "e" else mp.pi
    if isinstance(node, Var):
        return x
    if isinstance(node, Param):
        return mp.mpf(p.get(node.name, 1.0))
    if isinstance(node, Neg):
        return -evaluate(node.arg, x, p)
    if isinstance(node, BinOp):
        a = evaluate(node.left, x, p)
        b = evaluate(node.right, x, p)
        if node.op == "add":
            return a + b
        if node.op == "sub":
            return a - b
        if node.op == "mul":
            return a * b
        if node.op == "div":
            _recip(b)  # a pole where b = 0
            return a / b  # (a·(1/b) is 0.999… for x/x at 40 digits: floor(x/x) was 0)
        # pow on the real line
        if a == 0 and b < 0:
            raise Undefined("0 to a negative power")
        if a < 0 and b != mp.floor(b):
            raise Undefined("a negative number to a fractional power")
        return _real(mp.power(a, b))
    assert isinstance(node, Call)
    args = [evaluate(a, x, p) for a in node.args]
    if node.name == "max":
        return max(args)
    if node.name == "min":
        return min(args)
    if node.name == "log":
        return _log(args[0]) if len(args) == 1 else _log(args[0]) / _log(args[1])
    return _real(FUNCTIONS[node.name](*args))


def derivative(node: Node, x: float, params: Mapping[str, float] | None = None) -> mp.mpf | None:
    """d/dx of ``node`` at x by mpmath's numerical differentiation, or None where it does
    not exist (the one-sided derivatives differ, or the expression is undefined nearby)."""
    f = lambda t: evaluate(node, t, params)  # noqa: E731
    try:
        left = mp.diff(f, mp.mpf(x), direction=-1)
        right = mp.diff(f, mp.mpf(x), direction=1)
        central = mp.diff(f, mp.mpf(x))
    except (Undefined, ZeroDivisionError, ValueError):
        return None
    scale = max(1, abs(central))
    if abs(left - right) > mp.mpf("1e-12") * scale or abs(left - central) > mp.mpf("1e-12") * scale:
        return None
    return central
