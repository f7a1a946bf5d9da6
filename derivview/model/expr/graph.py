"""The computational graph at a point: forward values, local partials, adjoints.

Reverse-mode automatic differentiation made visible (contracts.md §5 ``graph``): one node
per operation of the expression *as typed* (``sin(x)/x`` is a quotient of ``sin(x)`` and
``x``), one node per variable and per parameter however often it appears (a DAG),
and a node per typed constant. Each node has

- ``value``: its value at the point (forward pass),
- ``local[i]``: ∂node/∂(input i) at the point — the rule of the function table,
- ``adjoint``: ∂f/∂node (backward pass): 1 at the output; for every other node the sum,
  over the nodes that use it, of their adjoint × the matching local partial. The
  adjoint of ``x`` is f′ at the point.

``None`` wherever a number is undefined (outside the domain, at a kink: relu at 0 has no
local partial, and then no adjoint flows through it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from derivview.model.expr import functions as fns
from derivview.model.expr.forward import compile_program, forward
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var, children
from derivview.model.expr.parser import Expression

__all__ = ["Graph", "GraphBuilder", "GraphNode", "graph"]


@dataclass(frozen=True)
class GraphNode:
    """One node of the graph (see the module docstring)."""

    id: int
    op: str
    """``x``/``y`` (a variable), ``param``, ``const``, ``add``, ``sub``, ``mul``, ``div``,
    ``pow``, ``neg``, or a function's name (``sin``, ``sigmoid``, ``max``, ...)."""
    text: str
    """The node's text as typed (its span); a shared variable's or parameter's name."""
    inputs: tuple[int, ...]
    value: float | None
    local: tuple[float | None, ...]
    adjoint: float | None
    too_large: bool = False
    """The value exists but is beyond float64 (e^1618): ``value`` is None all the same
    (``null`` in JSON), and the views say "too large", not "undefined"."""


@dataclass(frozen=True)
class Graph:
    """The graph of an expression at a point; ``nodes[output]`` is f."""

    expression: str
    point: dict[str, float]
    f: float | None
    gradient: dict[str, float | None]
    """∂f/∂v for each variable v: the adjoint of its node (f′ for x alone)."""
    output: int
    nodes: tuple[GraphNode, ...]

    @property
    def df(self) -> float | None:
        """f′ at the point (the adjoint of x)."""
        return self.gradient.get("x")

    def to_json(self) -> dict[str, Any]:
        """The object of contracts.md §5 ``graph --json`` (one variable: ``x``, ``df``)."""
        doc: dict[str, Any] = {"expression": self.expression}
        if list(self.point) == ["x"]:
            doc.update(x=self.point["x"], f=self.f, df=self.df)
        else:
            doc.update(point=dict(self.point), f=self.f, gradient=dict(self.gradient))
        doc["output"] = self.output
        doc["nodes"] = [
            {
                "id": n.id, "op": n.op, "text": n.text, "inputs": list(n.inputs),
                "value": n.value, "local": list(n.local), "adjoint": n.adjoint,
            }
            for n in self.nodes
        ]  # fmt: skip
        return doc


def _num(v: Any) -> float | None:
    """A finite float, or None (undefined, or not representable)."""
    try:
        f = float(np.asarray(v, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None
    return f if math.isfinite(f) else None


def _locals(node: Node, args: list[float | None]) -> tuple[float | None, ...]:
    """∂node/∂(input i) at the inputs' values (None where undefined)."""
    if any(a is None for a in args):
        return tuple(None for _ in args)
    a = [float(v) for v in args]  # type: ignore[arg-type]
    with np.errstate(all="ignore"):
        if isinstance(node, Neg):
            return (-1.0,)
        if isinstance(node, BinOp):
            u, w = a
            if node.op == "add":
                return (1.0, 1.0)
            if node.op == "sub":
                return (1.0, -1.0)
            if node.op == "mul":
                return (w, u)
            if node.op == "div":
                if w == 0:
                    return (None, None)
                # (divided twice: w·w underflows to 0 for w = 1e-200, u/w/w need not)
                return (_num(1.0 / w), _num(-u / w / w))
            # pow: d(u^w)/du = w u^(w-1), d(u^w)/dw = u^w ln u (u > 0)
            value = _num(np.power(u, w))
            if u == 0 and w < 0:
                return (None, None)
            # At u = 0 only an integer power has a derivative: x^1.5 ends there (x < 0
            # is outside its domain), and the edge of a domain has none (contracts §4).
            du = _num(w * np.power(u, w - 1.0)) if (u != 0 or (w >= 1 and w == int(w))) else None
            if w == 1 or w == 0:
                du = float(w)  # u^0 = 1 wherever u is defined: 0^0 included
            dw = _num(value * math.log(u)) if (u > 0 and value is not None) else None
            return (du, dw)
        assert isinstance(node, Call)
        if node.name in ("max", "min"):
            best = max(a) if node.name == "max" else min(a)
            ties = sum(1 for v in a if v == best)
            return tuple((None if ties > 1 else 1.0) if v == best else 0.0 for v in a)
        if node.name == "log" and len(a) == 2:
            u, b = a
            if u <= 0 or b <= 0 or b == 1:
                return (None, None)
            lb = np.float64(math.log(b))  # numpy's division: u·ln b may underflow to 0
            return (_num(1.0 / (u * lb)), _num(-math.log(u) / (b * lb * lb)))
        name = "ln" if node.name == "log" else node.name
        numeric = fns.FUNCTIONS[name].numeric
        assert numeric is not None
        return (_num(numeric(np.array([a[0]]), 1)[1]),)


class GraphBuilder:
    """The graph's structure for one expression, built once; :meth:`at` computes the
    numbers at a point (a drag asks for a new point every frame: the ids, inputs, program
    and backward order are reused, only the forward and backward passes run)."""

    def __init__(self, expression: Expression) -> None:
        self.expression = expression
        variables = self.variables = expression.variables
        text = expression.text

        # ids in pre-order from the output; variables and parameters shared by name
        order: list[Node] = []
        ids: dict[int, int] = {}  # id(node occurrence) -> graph id
        shared: dict[tuple[str, str], int] = {}
        stack = [expression.tree]
        while stack:
            node = stack.pop()
            if isinstance(node, (Var, Param)):
                key = ("var" if isinstance(node, Var) and node.name in variables else "param",
                       node.name)  # fmt: skip
                if key in shared:
                    ids[id(node)] = shared[key]
                    continue
                shared[key] = len(order)
            ids[id(node)] = len(order)
            order.append(node)
            stack.extend(reversed(children(node)))
        self.order = order
        self.shared = shared
        # forward: every node's value (equal subtrees share a register)
        self.program = compile_program(list(order), variables)
        self.inputs = [tuple(ids[id(k)] for k in children(n)) for n in order]

        # backward: adjoints in reverse topological order (users before what they use)
        users: dict[int, list[tuple[int, int]]] = {g: [] for g in range(len(order))}
        for g, ins in enumerate(self.inputs):
            for k, i in enumerate(ins):
                users[i].append((g, k))
        self.users = users
        topo: list[int] = []
        seen: set[int] = set()
        visit: list[tuple[int, bool]] = [(0, False)]
        while visit:
            g, done = visit.pop()
            if done:
                topo.append(g)
                continue
            if g in seen:
                continue
            seen.add(g)
            visit.append((g, True))
            visit.extend((i, False) for i in self.inputs[g] if i not in seen)
        self.backward = tuple(reversed(topo))  # the output first, every user before inputs

        ops: list[tuple[str, str]] = []
        for node in order:
            if isinstance(node, Var) and node.name in variables:
                ops.append((node.name, node.name))
            elif isinstance(node, (Var, Param)):
                ops.append(("param", node.name))
            else:
                label = text[node.start : node.end] if node.end > node.start else ""
                if isinstance(node, (Num, Const)):
                    op = "const"
                elif isinstance(node, Neg):
                    op = "neg"
                elif isinstance(node, BinOp):
                    op = node.op
                else:
                    op = node.name
                ops.append((op, label))
        self.ops = ops

    def at(
        self, point: float | Mapping[str, float], params: Mapping[str, float] | None = None
    ) -> Graph:
        """The graph with its numbers at ``point`` (x, or {x, y}); ``params``: parameter
        values (missing ones are 1)."""
        variables = self.variables
        at = {"x": float(point)} if not isinstance(point, Mapping) else {
            k: float(v) for k, v in point.items()}  # fmt: skip
        p = dict(params or {})
        order, inputs = self.order, self.inputs
        with np.errstate(all="ignore"):
            if len(variables) == 1:
                regs = forward(self.program, np.array([at.get("x", 0.0)]), p, 0)
            else:
                from derivview.model.expr.multi import forward_multi

                values = {v: np.array([at.get(v, 0.0)]) for v in variables}
                regs = [(r[0], None, None) for r in forward_multi(self.program, values, p, 0)]
        value = [_num(r[0]) for r in regs]
        too_large = [
            v is None and bool(np.isinf(r[0]).any()) for v, r in zip(value, regs, strict=True)
        ]
        local = [_locals(n, [value[i] for i in inputs[g]]) if inputs[g] else ()
                 for g, n in enumerate(order)]  # fmt: skip
        adjoint: list[float | None] = [None] * len(order)
        for g in self.backward:
            if g == 0:
                adjoint[g] = 1.0
                continue
            total: float | None = 0.0
            for user, k in self.users[g]:
                a, loc = adjoint[user], local[user][k]
                if a is None or loc is None or total is None:
                    total = None
                    break
                total += a * loc
            adjoint[g] = _num(total) if total is not None else None
        nodes = tuple(
            GraphNode(g, op, label, inputs[g], value[g], local[g], adjoint[g], too_large[g])
            for g, (op, label) in enumerate(self.ops)
        )
        shared = self.shared
        # f without x is constant: ∂f/∂x = 0 where f is defined (undefined where not)
        absent = 0.0 if value[0] is not None else None
        gradient = {v: adjoint[shared[("var", v)]] if ("var", v) in shared else absent
                    for v in variables}  # fmt: skip
        return Graph(self.expression.text, at, value[0], gradient, 0, nodes)


def graph(
    expression: Expression,
    point: float | Mapping[str, float],
    params: Mapping[str, float] | None = None,
) -> Graph:
    """The computational graph of ``expression`` at ``point`` (x, or {x, y}), forward and
    backward. ``params``: parameter values (missing ones are 1)."""
    return GraphBuilder(expression).at(point, params)
