"""How f′ is obtained: the derivation of f′ rule by rule, from the tree *as typed*.

contracts.md §5 ``steps``: one :class:`Step` per rule application, in pre-order. Each step
differentiates its ``expression`` by one ``rule``; the steps that its result needs follow
it one ``depth`` deeper. ``sin(x)/x`` takes the quotient rule and ``x^2 sin(x)`` the
product rule, because that is how they were typed. A chain step names its outer and inner
functions (``outer sin(u), inner u = x^2``) and is followed by the outer function's own
rule, written in ``u``, and by the inner function's steps. The activation functions have
rules of their own in the forms the seed teaches (σ′ = σ(1 − σ), tanh′ = 1 − tanh²,
ReLU′ = 1 for x > 0 and 0 for x < 0), and every rule with points where no derivative
exists (relu, abs, max/min, floor/ceil/sign, roots, logarithms, poles of tan) says so in
its note, and where in x.

Results are trees, built with the obvious simplifications only
(:mod:`derivview.model.labs.tree_algebra`): what the rule gives, the way a person writes
it down. Wherever a step's expression has a derivative, its result equals it. sympy may
simplify them further — in the worker process, under its budget, never here.

Qt-free and sympy-free; :func:`derive` takes well under a millisecond per operation.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from derivview.model.expr import functions as fns
from derivview.model.expr.forward import compile_program, constant_value, forward
from derivview.model.expr.nodes import (
    BinOp,
    Call,
    Neg,
    Node,
    Param,
    Var,
    children,
    walk,
)
from derivview.model.expr.parser import Expression, parse
from derivview.model.expr.printer import to_text
from derivview.model.labs import tree_algebra as ta
from derivview.model.labs.readable import readable
from derivview.model.labs.where import ZeroSet, zeros

__all__ = [
    "MAX_PRINT_NODES",
    "RULES",
    "RULE_TITLES",
    "Case",
    "Derivation",
    "Step",
    "derive",
    "tree_size",
]

RULES: tuple[str, ...] = (
    "constant", "identity", "constant_multiple", "sum", "product", "quotient", "power",
    "exponential", "logarithm", "trigonometric", "inverse_trigonometric", "hyperbolic",
    "sigmoid", "softplus", "relu", "abs", "max_min", "piecewise_constant", "root", "chain",
)  # fmt: skip
"""The rule names of contracts.md §5, in the order it lists them."""

RULE_TITLES: dict[str, str] = {
    "constant": "constant",
    "identity": "identity",
    "constant_multiple": "constant multiple",
    "sum": "sum",
    "product": "product",
    "quotient": "quotient",
    "power": "power",
    "exponential": "exponential",
    "logarithm": "logarithm",
    "trigonometric": "trigonometric",
    "inverse_trigonometric": "inverse trigonometric",
    "hyperbolic": "hyperbolic",
    "sigmoid": "sigmoid",
    "softplus": "softplus",
    "relu": "ReLU",
    "abs": "absolute value",
    "max_min": "max / min",
    "piecewise_constant": "piecewise constant",
    "root": "root",
    "chain": "chain",
}
"""Each rule's name as people read it."""

MAX_PRINT_NODES = 6000
"""A result larger than this (written out in full) is "too long to print": the product
rule on a product of many factors grows quadratically."""

#: The letters tried, in order, for the inner function of a chain (one f does not use).
_LETTERS = ("u", "v", "w", "t", "s", "z", "q", "r")
_SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Case:
    """One row of a piecewise reading of a result: ``value`` if ``lhs rel rhs``."""

    value: Node
    lhs: Node
    rel: str
    rhs: Node


@dataclass(frozen=True)
class Step:
    """One rule applied to one expression (see the module docstring).

    ``expression`` is a function of ``variable``: x, or the letter standing for the inner
    function of the chain step just above (``sin(u)``). ``span`` is where ``expression``
    was typed in f's text (None for an outer function in u). A chain step has ``outer``
    (in the letter) and ``inner`` (in x); ``cases`` reads a result piecewise (relu′).
    """

    depth: int
    rule: str
    expression: Node
    result: Node
    note: str = ""
    variable: str = "x"
    span: tuple[int, int] | None = None
    typed: str = ""
    outer: Node | None = None
    inner: Node | None = None
    cases: tuple[Case, ...] = ()
    parameters: tuple[str, ...] = field(default=(), compare=False)

    @property
    def expression_text(self) -> str:
        """The expression in the language: as typed where it was typed."""
        return self.typed or to_text(self.expression)

    @functools.cached_property
    def result_text(self) -> str | None:
        """The result in the language, or None when it is too long to print."""
        return printed(self.result)

    @property
    def of_x(self) -> bool:
        """Whether the expression is a function of x (it can be drawn on f's plot)."""
        return self.variable == "x"


def tree_size(node: Node, limit: int = MAX_PRINT_NODES) -> int:
    """How many nodes ``node`` has written out (shared sub-trees counted each time it is
    used), counting up to just past ``limit``."""
    count = 0
    stack = [node]
    while stack:
        n = stack.pop()
        count += 1
        if count > limit:
            return count
        stack.extend(children(n))
    return count


def printed(node: Node) -> str | None:
    """``node`` in the language, or None when it is too long to print."""
    if tree_size(node) > MAX_PRINT_NODES:
        return None
    try:
        return readable(node)
    except RecursionError:
        return None


@dataclass(frozen=True)
class Derivation:
    """The derivation of f′ for one expression: its steps in pre-order."""

    expression: Expression
    steps: tuple[Step, ...]

    @property
    def derivative(self) -> Node:
        """f′ as the rules give it (the first step's result)."""
        return self.steps[0].result

    def to_json(self, derivative: str | None = None) -> dict[str, Any]:
        """The object of contracts.md §5 ``steps --json``.

        ``derivative``: f′ as printed (and simplified) by sympy; the first step's result
        when not given. A result too long to print is ``null``.
        """
        return {
            "expression": self.expression.text,
            "derivative": derivative if derivative is not None else self.steps[0].result_text,
            "steps": [
                {
                    "depth": s.depth,
                    "rule": s.rule,
                    "expression": s.expression_text,
                    "result": s.result_text,
                    "note": s.note,
                }
                for s in self.steps
            ],
        }


# -- the function table's derivatives as trees ---------------------------------------------


@functools.cache
def _template(name: str) -> Node:
    """d/du of a one-argument function as a tree in the parameter u."""
    spec = fns.FUNCTIONS["ln" if name == "log" else name]
    assert spec.derivative is not None
    return parse(spec.derivative).tree


def _substitute(tree: Node, value: Node) -> Node:
    """``tree`` with the parameter u replaced by ``value`` (templates are tiny)."""
    if isinstance(tree, Param) and tree.name == "u":
        return value
    if isinstance(tree, Neg):
        return ta.neg(_substitute(tree.arg, value))
    if isinstance(tree, BinOp):
        a, b = _substitute(tree.left, value), _substitute(tree.right, value)
        return {"add": ta.add, "sub": ta.sub, "mul": ta.mul, "div": ta.div, "pow": ta.power}[
            tree.op
        ](a, b)
    if isinstance(tree, Call):
        return ta.call(tree.name, *(_substitute(a, value) for a in tree.args))
    return tree


def _outer_derivative(node: Call, u: Node) -> Node:
    """g′(u) for the function of ``node`` (one argument, or log with a constant base)."""
    if node.name == "log" and len(node.args) == 2:
        return ta.div(ta.number(1), ta.mul(u, _ln_of_constant(node.args[1])))
    return _substitute(_template(node.name), u)


def _number_value(c: Node) -> float | None:
    """The value of ``c`` when it is a number (no parameters), else None."""
    if any(isinstance(n, (Param, Var)) for n in walk(c)):
        return None
    return constant_value(c)


def _negative_number(c: Node) -> bool:
    """Whether ``c`` is a negative number."""
    value = _number_value(c)
    return value is not None and value < 0


def _ln_of_constant(c: Node) -> Node:
    """ln(c) for a constant c; ln(|c|) when c is a negative number, whose logarithm the
    language refuses (the function it belongs to, (−2)^x, has no derivative anyway)."""
    if _negative_number(c):
        return ta.call("ln", ta.call("abs", c))
    return ta.call("ln", c)


def _chain(outer_prime: Node, inner_prime: Node) -> Node:
    """g′(u)·u′, written with a simple u′ first (2x cos(x^2), not cos(x^2)·2x)."""
    if ta.leads_with_number(inner_prime):
        return ta.mul(inner_prime, outer_prime)
    return ta.mul(outer_prime, inner_prime)


def _indicator(ai: Node, aj: Node, largest: bool) -> Node:
    """(1 ± sign(ai − aj))/2: 1 where ai beats aj, 0 where it loses."""
    s = ta.call("sign", ta.sub(ai, aj))
    top = ta.add(ta.number(1), s) if largest else ta.sub(ta.number(1), s)
    return ta.div(top, ta.number(2))


# -- the derivation ------------------------------------------------------------------------


class _Deriver:
    def __init__(self, expression: Expression, params: Mapping[str, float] | None) -> None:
        self.expression = expression
        self.text = expression.text
        self.params = dict(params or {})
        used = {n.name for n in walk(expression.tree) if isinstance(n, (Param, Var))}
        self.letter = next((c for c in _LETTERS if c not in used), "u")
        order = list(walk(expression.tree))
        self.of_x: set[int] = set()
        for n in reversed(order):  # children before parents
            if (isinstance(n, Var) and n.name == "x") or any(
                id(c) in self.of_x for c in children(n)
            ):
                self.of_x.add(id(n))
        self.derivative: dict[int, Node] = {}
        for n in reversed(order):
            if id(n) in self.of_x:
                self.derivative[id(n)] = self._combine(n)

    # -- derivatives, bottom-up ------------------------------------------------------------

    def depends(self, node: Node) -> bool:
        return id(node) in self.of_x

    def d(self, node: Node) -> Node:
        return self.derivative.get(id(node), ta.number(0)) if self.depends(node) else ta.number(0)

    def _combine(self, node: Node) -> Node:
        d, dep = self.d, self.depends
        if isinstance(node, Var):
            return ta.number(1)
        if isinstance(node, Neg):
            return ta.neg(d(node.arg))
        if isinstance(node, BinOp):
            a, b = node.left, node.right
            if node.op == "add":
                return ta.add(d(a), d(b))
            if node.op == "sub":
                return ta.sub(d(a), d(b))
            if node.op == "mul":
                if not dep(a):
                    return ta.mul(a, d(b))
                if not dep(b):
                    return ta.mul(b, d(a))
                return ta.add(ta.mul(d(a), b), ta.mul(a, d(b)))
            if node.op == "div":
                if not dep(b):
                    return ta.div(d(a), b)
                top = ta.sub(ta.mul(d(a), b), ta.mul(a, d(b)))
                return ta.div(top, ta.power(b, ta.number(2)))
            # pow
            if not dep(b):
                return _chain(self._power_rule(a, b), d(a))
            if not dep(a):
                return _chain(self._exponential_rule(a, b), d(b))
            log_part = ta.add(ta.mul(d(b), ta.call("ln", a)), ta.div(ta.mul(b, d(a)), a))
            return ta.mul(node, log_part)
        assert isinstance(node, Call)
        if node.name in ("max", "min"):
            total: Node = ta.number(0)
            for i, ai in enumerate(node.args):
                if not dep(ai):
                    continue
                term = d(ai)
                for j, aj in enumerate(node.args):
                    if j != i:
                        term = ta.mul(term, _indicator(ai, aj, node.name == "max"))
                total = ta.add(total, term)
            return total
        if node.name == "log" and len(node.args) == 2 and dep(node.args[1]):
            u, b = node.args
            lnb = ta.call("ln", b)
            top = ta.sub(ta.mul(ta.div(d(u), u), lnb), ta.mul(ta.call("ln", u), ta.div(d(b), b)))
            return ta.div(top, ta.power(lnb, ta.number(2)))
        u = node.args[0]
        return _chain(_outer_derivative(node, u), d(u))

    @staticmethod
    def _power_rule(u: Node, n: Node) -> Node:
        """n·u^(n − 1)."""
        r = ta.rational(n)
        as_fraction = any(isinstance(k, BinOp) and k.op == "div" for k in walk(n))
        lower = ta.number(r - 1, fraction=as_fraction) if r is not None else ta.sub(n, ta.number(1))
        return ta.mul(n, ta.power(u, lower))

    @staticmethod
    def _exponential_rule(a: Node, u: Node) -> Node:
        """a^u·ln(a) (e^u for a = e; 0 for a = 0: 0^u is 0 wherever u > 0)."""
        if _number_value(a) == 0:
            return ta.number(0)
        return ta.mul(ta.power(a, u), _ln_of_constant(a))

    # -- steps, top-down -------------------------------------------------------------------

    def steps(self) -> list[Step]:
        out: list[Step] = []
        stack: list[tuple[Node, int]] = [(self.expression.tree, 0)]
        while stack:
            node, depth = stack.pop()
            made, operands = self._steps_of(node, depth)
            out.extend(made)
            stack.extend((c, depth + 1) for c in reversed(operands))
        return out

    def _typed(self, node: Node) -> tuple[tuple[int, int] | None, str]:
        if node.end <= node.start or node.end > len(self.text):
            return None, ""
        typed = self.text[node.start : node.end].strip()
        if not typed or typed[0] in _SUPERSCRIPTS:
            return (node.start, node.end), ""
        return (node.start, node.end), typed

    def _step(self, node: Node, depth: int, rule: str, note: str = "", **kw: Any) -> Step:
        span, typed = self._typed(node)
        return Step(
            depth, rule, node, self.d(node), note, "x", span, typed,
            parameters=self.expression.parameters, **kw,
        )  # fmt: skip

    def _steps_of(self, node: Node, depth: int) -> tuple[list[Step], list[Node]]:
        """The step(s) for ``node`` at ``depth``, and the operands whose steps follow."""
        dep = self.depends
        if not dep(node):
            note = ""
            if isinstance(node, Param):
                note = f"{node.name} is a parameter: a constant as x varies"
            return [self._step(node, depth, "constant", note)], []
        if isinstance(node, Var):
            return [self._step(node, depth, "identity")], []
        if isinstance(node, Neg):
            return [self._step(node, depth, "constant_multiple", "the constant factor −1")], [
                node.arg
            ]
        if isinstance(node, BinOp):
            return self._binary(node, depth)
        assert isinstance(node, Call)
        if node.name in ("max", "min"):
            return self._extreme(node, depth)
        if node.name == "log" and len(node.args) == 2 and dep(node.args[1]):
            note = "log(u, b) = ln(u)/ln(b): the quotient rule"
            return [self._step(node, depth, "logarithm", note)], list(node.args)
        u = node.args[0]
        spec = fns.FUNCTIONS["ln" if node.name == "log" else node.name]
        if isinstance(u, Var):
            note = _rename(spec.note or "", "u", "x")
            cases = self._cases(node.name, u)
            return [self._step(node, depth, spec.rule, note, cases=cases)], []
        # the chain rule: outer g(u), inner u
        letter = Param(self.letter)
        outer = Call(node.name, (letter, *node.args[1:]))
        outer_prime = _outer_derivative(node, letter)
        where = self._where(node.name, u)
        rule_note = spec.note if spec.note else ""
        if rule_note and where:
            rule_note = f"{rule_note}: {where}"
        return self._chain_steps(node, depth, outer, outer_prime, u, spec.rule, rule_note,
                                 self._cases(node.name, letter))  # fmt: skip

    def _chain_steps(
        self,
        node: Node,
        depth: int,
        outer: Node,
        outer_prime: Node,
        inner: Node,
        rule: str,
        rule_note: str,
        cases: tuple[Case, ...] = (),
    ) -> tuple[list[Step], list[Node]]:
        letter = self.letter
        inner_text = self._typed(inner)[1] or readable(inner)
        g_prime = readable(outer_prime)
        if isinstance(outer_prime, BinOp) and outer_prime.op in ("add", "sub"):
            g_prime = f"({g_prime})"
        chain_note = (
            f"outer {readable(outer)}, inner {letter} = {inner_text}: {g_prime} · {letter}′"
        )
        chain = self._step(node, depth, "chain", chain_note, outer=outer, inner=inner)
        outer_step = Step(
            depth + 1, rule, outer, outer_prime, rule_note, letter,
            cases=cases, parameters=(*self.expression.parameters, letter),
        )  # fmt: skip
        return [chain, outer_step], [inner]

    def _binary(self, node: BinOp, depth: int) -> tuple[list[Step], list[Node]]:
        dep = self.depends
        a, b = node.left, node.right
        if node.op in ("add", "sub"):
            return [self._step(node, depth, "sum")], self._terms(node)
        if node.op == "mul":
            if dep(a) and dep(b):
                return [self._step(node, depth, "product")], [a, b]
            return [self._step(node, depth, "constant_multiple")], [a if dep(a) else b]
        if node.op == "div":
            if not dep(b):
                return [self._step(node, depth, "constant_multiple")], [a]
            return [self._step(node, depth, "quotient")], [a, b]
        # pow
        letter = Param(self.letter)
        if not dep(b):
            note = self._power_note(a, b)
            if isinstance(a, Var):
                return [self._step(node, depth, "power", note)], []
            outer = BinOp("pow", letter, b)
            where = self._where_zero(a)
            if note and where:
                note = f"{_rename(note, 'x', self.letter)}: {where}"
            return self._chain_steps(
                node, depth, outer, self._power_rule(letter, b), a, "power", note
            )
        if not dep(a):
            note = ""
            if _negative_number(a):
                note = "no derivative anywhere: a negative number to a real power is not real"
            if isinstance(b, Var):
                return [self._step(node, depth, "exponential", note)], []
            outer = BinOp("pow", a, letter)
            return self._chain_steps(
                node, depth, outer, self._exponential_rule(a, letter), b, "exponential", note
            )
        note = "u^v = e^(v ln(u)), so (u^v)′ = u^v (v′ ln(u) + v u′/u)"
        return [self._step(node, depth, "exponential", note)], [a, b]

    @staticmethod
    def _terms(node: Node) -> list[Node]:
        """The terms of a sum as typed (a + b − c + d: four terms)."""
        out: list[Node] = []
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, BinOp) and n.op in ("add", "sub"):
                stack.extend((n.right, n.left))
            else:
                out.append(n)
        return out

    def _extreme(self, node: Call, depth: int) -> tuple[list[Step], list[Node]]:
        fn = fns.FUNCTIONS[node.name]
        where = self._extreme_kinks(node)
        note = fn.note + (f": {where}" if where else "")
        cases: tuple[Case, ...] = ()
        args = node.args
        if len(args) == 2:
            a, b = args
            rel = ">" if node.name == "max" else "<"
            cases = (Case(self.d(a), a, rel, b), Case(self.d(b), b, rel, a))
        step = self._step(node, depth, "max_min", note, cases=cases)
        return [step], [a for a in args if self.depends(a)]

    def _extreme_kinks(self, node: Call) -> str:
        """Where two arguments tie *as the largest* (smallest) with different slopes."""
        args = node.args
        found: list[float] = []
        exact = windowed = more = False
        prog = compile_program(list(args))
        for i in range(len(args)):
            for j in range(i + 1, len(args)):
                if not (self.depends(args[i]) or self.depends(args[j])):
                    continue
                z = zeros(ta.sub(args[i], args[j]), self.params)
                exact, windowed, more = exact or z.exact, windowed or z.windowed, more or z.more
                for r in z.xs:
                    with np.errstate(all="ignore"):
                        rows = forward(prog, np.array([r]), self.params, 1)
                    v = [float(np.asarray(t[0]).reshape(-1)[0]) for t in rows]
                    dv = [0.0 if t[1] is None else float(np.asarray(t[1]).reshape(-1)[0])
                          for t in rows]  # fmt: skip
                    best = max(v) if node.name == "max" else min(v)
                    tol = 1e-9 * max(1.0, abs(best))
                    if abs(v[i] - best) <= tol and abs(dv[i] - dv[j]) > 1e-12 and r not in found:
                        found.append(r)
        if not found:
            return ""
        return ZeroSet(sorted(found), exact=exact and not windowed, more=more,
                       windowed=windowed).words()  # fmt: skip

    # -- notes ---------------------------------------------------------------------------

    def _cases(self, name: str, u: Node) -> tuple[Case, ...]:
        if name == "relu":
            zero = ta.number(0)
            return (Case(ta.number(1), u, ">", zero), Case(zero, u, "<", zero))
        return ()

    def _where_zero(self, u: Node) -> str:
        words = zeros(u, self.params).words()
        return "" if not words or words.startswith("nowhere") else words

    def _where(self, name: str, u: Node) -> str:
        """Where in x the function's points without a derivative are, for inner u."""
        spec = fns.FUNCTIONS["ln" if name == "log" else name]
        if spec.site is None:
            return ""
        if spec.site == "integer":
            return f"where {readable(u)} is an integer"
        if spec.site == "zero":
            return self._where_zero(u)
        if spec.site in ("cos", "sin"):
            return self._where_zero(Call(spec.site, (u,)))
        # unit: u = ±1
        found = [w for w in (self._where_zero(ta.sub(u, ta.number(1))),
                             self._where_zero(ta.add(u, ta.number(1)))) if w]  # fmt: skip
        return "; ".join(found)

    @staticmethod
    def _power_note(u: Node, n: Node) -> str:
        r = ta.rational(n)
        if r is None or (r >= 0 and r.denominator == 1):
            return ""
        return "no derivative where x = 0" + (" (a pole)" if r < 0 else "")


def _rename(note: str, old: str, new: str) -> str:
    """``note`` with the variable ``old`` called ``new`` (a whole word: "a jump" keeps its u)."""
    return re.sub(rf"\b{re.escape(old)}\b", new, note)


def derive(expression: Expression, params: Mapping[str, float] | None = None) -> Derivation:
    """The derivation of f′ for ``expression`` (a function of x), step by step.

    ``params``: parameter values used only to say where points without a derivative are
    (default 1); the steps themselves keep the parameters as symbols.
    """
    return Derivation(expression, tuple(_Deriver(expression, params).steps()))
