"""Backpropagation on f's computational graph, one node at a time — and how to draw it.

:func:`derivview.model.expr.graph.graph` computes every node's value, local partials and
adjoint at once. A person learns the backward pass by *walking* it: the output's adjoint
is 1; then each node, once every node that uses it is done, gets the sum over its users of
(the user's adjoint) × (the user's local partial with respect to it). :class:`BackwardWalk`
is that walk (the order, and how far it has gone); :func:`contributions` is the sum for
one node, term by term — for ``x`` used twice, the two paths of the multivariable chain
rule. :func:`layers` places the nodes for a drawing read from inputs (left) to output
(right): the structure only, so that moving x₀ changes numbers, never the picture's shape.

Qt-free and sympy-free.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivview.model.expr.graph import Graph

__all__ = [
    "BackwardWalk",
    "Contribution",
    "backward_order",
    "contributions",
    "layers",
    "stuck_at",
    "users_of",
]


def users_of(g: Graph) -> dict[int, list[tuple[int, int]]]:
    """For each node id, the (user id, input index) pairs of the nodes that use it."""
    users: dict[int, list[tuple[int, int]]] = {n.id: [] for n in g.nodes}
    for n in g.nodes:
        for k, i in enumerate(n.inputs):
            users[i].append((n.id, k))
    return users


def _topological(g: Graph) -> list[int]:
    """Node ids with every node after its inputs."""
    order: list[int] = []
    seen: set[int] = set()
    stack: list[tuple[int, bool]] = [(g.output, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((i, False) for i in reversed(g.nodes[node].inputs) if i not in seen)
    return order


def _columns(g: Graph) -> list[int]:
    """Each node's column in a drawing from the inputs (0) to the output: one more than
    its inputs' furthest; a constant or parameter just left of its first user."""
    column = [0] * len(g.nodes)
    for node in _topological(g):
        column[node] = 1 + max((column[i] for i in g.nodes[node].inputs), default=-1)
    users = users_of(g)
    for n in g.nodes:
        if not n.inputs and n.op not in ("x", "y") and users[n.id]:
            column[n.id] = min(column[u] for u, _ in users[n.id]) - 1
    return column


def backward_order(g: Graph) -> tuple[int, ...]:
    """The order of the backward pass: from the output leftwards, column by column of the
    drawing (every user is in a column right of what it uses, so each node comes after
    all its users); within a column as typed."""
    column = _columns(g)
    return tuple(sorted(range(len(g.nodes)), key=lambda n: (-column[n], n)))


@dataclass(frozen=True)
class Contribution:
    """One term of a node's adjoint: through ``user`` (whose input ``index`` it is)."""

    user: int
    index: int
    user_adjoint: float | None
    local: float | None

    @property
    def product(self) -> float | None:
        """user_adjoint × local (None where either is undefined)."""
        if self.user_adjoint is None or self.local is None:
            return None
        return self.user_adjoint * self.local


def contributions(
    g: Graph, node: int, users: dict[int, list[tuple[int, int]]] | None = None
) -> list[Contribution]:
    """The terms whose sum is the adjoint of ``node`` (none for the output); ``users``:
    :func:`users_of` ``g`` (or a graph of the same structure), if already known."""
    out = []
    for user, index in (users if users is not None else users_of(g))[node]:
        u = g.nodes[user]
        out.append(Contribution(user, index, u.adjoint, u.local[index]))
    return out


def stuck_at(g: Graph) -> tuple[int, int] | None:
    """Where the backward pass stops: (node, input) of the local partial ∂node/∂input that
    is undefined while the node has a value and an adjoint, the input depending on x (or
    a parameter); the first such node in :func:`backward_order`. relu(x)² at 0: relu has
    no local derivative (a corner); sqrt(x) at 0: the edge of its domain. None if the pass
    reaches x, or if it stops only because f itself is undefined."""
    if g.f is None:
        return None
    varies = set()  # the nodes that depend on a variable or a parameter
    for node in _topological(g):
        n = g.nodes[node]
        if n.op in ("x", "y", "param") or any(i in varies for i in n.inputs):
            varies.add(node)
    for node in backward_order(g):
        n = g.nodes[node]
        if n.value is None or n.adjoint is None:
            continue
        for i, loc in zip(n.inputs, n.local, strict=True):
            if loc is None and i in varies:
                return node, i
    return None


class BackwardWalk:
    """How far a person has walked the backward pass of a graph's structure.

    ``position`` nodes (in :attr:`order`) have their adjoint shown: 0 is the forward pass
    alone, ``len(order)`` the whole backward pass. The walk depends only on the graph's
    structure, so it survives a new x₀ (the numbers change, the walk stays).
    """

    def __init__(self, order: tuple[int, ...]) -> None:
        self.order = order
        self.position = 0

    @property
    def done(self) -> bool:
        """Every adjoint is shown."""
        return self.position >= len(self.order)

    @property
    def started(self) -> bool:
        """At least the output's adjoint is shown."""
        return self.position > 0

    def current(self) -> int | None:
        """The node whose adjoint was computed last (None before the first step)."""
        return self.order[self.position - 1] if self.position else None

    def shown(self, node: int) -> bool:
        """Whether ``node``'s adjoint is shown."""
        return node in self.order[: self.position]

    def step(self) -> bool:
        """One node further; False when already done."""
        if self.done:
            return False
        self.position += 1
        return True

    def back(self) -> bool:
        """One node back; False at the start."""
        if not self.position:
            return False
        self.position -= 1
        return True

    def finish(self) -> None:
        """Show every adjoint."""
        self.position = len(self.order)

    def reset(self) -> None:
        """Back to the forward pass alone."""
        self.position = 0


def layers(g: Graph) -> dict[int, tuple[int, int]]:
    """(column, row) of every node for a drawing from inputs (column 0) to the output.

    A node's column is one more than its inputs' furthest column; a leaf (a constant or
    a parameter) sits just left of its first user, and the variables in column 0. Rows
    order each column by the mean row of the nodes each connects to (a few barycentre
    sweeps), which untangles most crossings.
    """
    n = len(g.nodes)
    column = _columns(g)
    users = users_of(g)
    width = max(column) + 1
    columns: list[list[int]] = [[] for _ in range(width)]
    for node in range(n):  # by id: pre-order from the output, as typed
        columns[column[node]].append(node)
    row = {node: r for col in columns for r, node in enumerate(col)}
    neighbours = {node.id: [*node.inputs, *(u for u, _ in users[node.id])] for node in g.nodes}
    for sweep in range(4):
        cols = columns if sweep % 2 == 0 else list(reversed(columns))
        for col in cols:

            def key(node: int) -> tuple[float, int]:
                near = neighbours[node]
                mean = sum(row[m] for m in near) / len(near) if near else row[node]
                return (mean, row[node])

            col.sort(key=key)
            for r, node in enumerate(col):
                row[node] = r
    return {node: (column[node], row[node]) for node in range(n)}
