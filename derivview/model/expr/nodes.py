"""The immutable nodes of derivview's own expression tree, exactly as typed.

Every node knows its 0-based source span ``[start, end)`` in the text it was parsed from,
so ``text[node.start:node.end]`` is what the person typed for it (``sin(x)/x`` is a
quotient, ``2x`` a product with the span ``2x``). Spans take no part in equality or
hashing: two nodes are equal when they mean the same computation, wherever they were
typed (which is what common-subexpression sharing and the tests need).

Nodes are plain frozen dataclasses: they pickle (the worker process receives them) and
hold no sympy, numpy or Qt objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "BINARY_OPS",
    "BinOp",
    "Call",
    "Const",
    "Neg",
    "Node",
    "Num",
    "Param",
    "Var",
    "children",
    "depends_on",
    "is_constant",
    "walk",
]

BinaryOp = Literal["add", "sub", "mul", "div", "pow"]
BINARY_OPS: tuple[str, ...] = ("add", "sub", "mul", "div", "pow")

CONSTANT_VALUES = {"e": math.e, "pi": math.pi}


@dataclass(frozen=True)
class Num:
    """A numeric literal: its float64 value and the literal as typed (``2.5``, ``1e-3``).

    ``text`` keeps the exact decimal for printing and for sympy (``0.1`` is 1/10 there).
    A literal beyond float64 (``1e309``) has the value inf: too large to represent.
    """

    value: float
    text: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Const:
    """A named constant: ``e`` or ``pi`` (typed ``pi`` or ``π``)."""

    name: Literal["e", "pi"]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)

    @property
    def value(self) -> float:
        return CONSTANT_VALUES[self.name]


@dataclass(frozen=True)
class Var:
    """A variable: ``x`` (and ``y`` when parsed with ``variables=("x", "y")``)."""

    name: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Param:
    """A parameter: any other single ASCII letter (its value is given at evaluation)."""

    name: str
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Neg:
    """Unary minus: ``-u`` (unary plus leaves no node)."""

    arg: Node
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class BinOp:
    """``left op right`` for op in add, sub, mul (also implicit), div, pow (also ², ⁻¹)."""

    op: BinaryOp
    left: Node
    right: Node
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Call:
    """A function of the table applied to its arguments, by canonical name.

    ``|u|`` is ``abs``, ``√u`` is ``sqrt``, ``∛u`` is ``cbrt``, ``arcsin`` is ``asin``.
    """

    name: str
    args: tuple[Node, ...]
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


Node = Num | Const | Var | Param | Neg | BinOp | Call
"""Any node of the tree."""


def children(node: Node) -> tuple[Node, ...]:
    """The direct inputs of ``node`` (in order)."""
    kind = type(node)
    if kind is BinOp:
        return (node.left, node.right)  # type: ignore[union-attr]
    if kind is Call:
        return node.args  # type: ignore[union-attr]
    if kind is Neg:
        return (node.arg,)  # type: ignore[union-attr]
    return ()


def walk(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children (iterative: no recursion limit)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(children(n)))


def depends_on(node: Node, names: frozenset[str] | set[str]) -> bool:
    """Whether a variable or parameter named in ``names`` occurs in the tree."""
    return any(isinstance(n, (Var, Param)) and n.name in names for n in walk(node))


def is_constant(node: Node) -> bool:
    """Whether the tree contains neither variables nor parameters."""
    return not any(isinstance(n, (Var, Param)) for n in walk(node))
