"""Sites: where f′ may fail to exist, read off the tree as typed.

A site is an expression u of x (and a kind): f′ may not exist where u = 0 — the argument
of abs, sign, relu, sqrt, cbrt, ln; a denominator; the base of a fractional or negative
power; cos(u) under tan and sec, sin(u) under cot and csc; u ∓ 1 under asin and acos; the
differences of max/min arguments — or where u is an integer (floor, ceil). ``points.py``
examines x0 closely only at sites, and finds kinks in a range by where a site changes
its sign (or its integer part).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from derivview.model.expr import functions as fns
from derivview.model.expr.forward import compile_program, forward
from derivview.model.expr.nodes import BinOp, Call, Neg, Node, Num, Var, walk
from derivview.model.expr.printer import to_text

__all__ = ["MAX_SITES", "Sites", "collect_sites"]

MAX_SITES = 48
FloatArray = NDArray[np.floating[Any]]
_ONE = Num(1.0, "1")


def _integer_exponent(node: Node) -> bool:
    """Whether a power's exponent is a literal non-negative integer (x², x^3): no site."""
    if isinstance(node, Num):
        return node.value >= 0 and float(node.value).is_integer()
    return False


def collect_sites(tree: Node, variables: Sequence[str] = ("x",)) -> list[tuple[bool, Node]]:
    """``(is_integer_site, u)`` pairs, at most :data:`MAX_SITES`, each depending on x."""
    out: list[tuple[bool, Node]] = []
    seen: set[tuple[bool, str]] = set()  # by printed text: nested nodes hash slowly
    var_set = set(variables)

    def depends(u: Node) -> bool:
        return any(isinstance(n, Var) and n.name in var_set for n in walk(u))

    def add(integer: bool, u: Node) -> None:
        if len(out) >= MAX_SITES or not depends(u):
            return
        key = (integer, to_text(u))
        if key not in seen and (integer, to_text(Neg(u))) not in seen:
            seen.add(key)
            out.append((integer, u))

    for node in walk(tree):
        if isinstance(node, Call):
            spec = fns.FUNCTIONS[node.name]
            if node.name in ("max", "min"):
                args = node.args
                for i in range(len(args)):
                    for j in range(i + 1, len(args)):
                        add(False, BinOp("sub", args[i], args[j]))
            elif node.name == "log" and len(node.args) == 2:
                u, b = node.args
                add(False, u)
                add(False, b)
                add(False, BinOp("sub", b, _ONE))
            elif spec.site == "zero":
                add(False, node.args[0])
            elif spec.site == "integer":
                add(True, node.args[0])
            elif spec.site == "cos":
                add(False, Call("cos", (node.args[0],)))
            elif spec.site == "sin":
                add(False, Call("sin", (node.args[0],)))
            elif spec.site == "unit":
                add(False, BinOp("sub", node.args[0], _ONE))
                add(False, BinOp("add", node.args[0], _ONE))
        elif isinstance(node, BinOp):
            if node.op == "div":
                add(False, node.right)
            elif node.op == "pow" and not _integer_exponent(node.right):
                add(False, node.left)  # 1/u, u^(1/2), u^a, x^x
    return out


class Sites:
    """The sites of a tree, compiled into one program: u and u′ of each at once."""

    def __init__(self, tree: Node, parameters: Sequence[str] = ()) -> None:
        found = collect_sites(tree)
        self.n = len(found)
        self.is_int = np.array([i for i, _ in found], dtype=bool)
        self.exprs = [u for _, u in found]
        self.parameters = tuple(parameters)
        self._prog = compile_program(self.exprs) if self.n else None

    def evaluate(self, x: FloatArray, args: Sequence[float]) -> tuple[FloatArray, FloatArray]:
        """u and u′ of every site at the points ``x`` (1-D): two arrays (n, len(x)).

        ``args``: the parameter values, in the order of ``parameters``.
        """
        if not self.n or self._prog is None:
            empty = np.empty((0, x.size))
            return empty, empty
        params: Mapping[str, float] = dict(zip(self.parameters, args, strict=False))
        out = np.empty((2 * self.n, x.size))
        with np.errstate(all="ignore"):
            triples = forward(self._prog, x, params, 1)
        for i, (v, d, _) in enumerate(triples):
            out[i] = v
            out[self.n + i] = 0.0 if d is None else d
        return out[: self.n], out[self.n :]

    def gap(self, u: FloatArray) -> FloatArray:
        """Distance of u from its critical value: u itself, or u − round(u) for floor/ceil."""
        if not self.is_int.any():
            return u
        return np.where(self.is_int[:, None], u - np.round(u), u)

    def states(self, u: FloatArray) -> FloatArray:
        """Which branch each site is on: sign(u), or floor(u); NaN u → inf."""
        with np.errstate(all="ignore"):
            s = np.where(self.is_int[:, None], np.floor(u), np.sign(u))
        return np.where(np.isnan(s), np.inf, s)

    def at(self, x0: float, args: Sequence[float]) -> bool:
        """Whether x0 is (within a few ulps, by Newton distance) at a site."""
        if not self.n:
            return False
        u, du = self.evaluate(np.array([x0]), args)
        g = np.abs(self.gap(u[:, 0]))
        # A few ulps absorb the rounding of u where the site is not a float (π/2, √2).
        # Near 0 floats are so dense that only an exact zero counts: |x| at 5e-324 is
        # differentiable.
        ulps = 4.0 * float(np.spacing(abs(x0))) if abs(x0) >= 1e-290 else 0.0
        with np.errstate(all="ignore"):
            hit = (g == 0) | (g <= ulps * np.abs(du[:, 0]))
        return bool(np.any(hit))
