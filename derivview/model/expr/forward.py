"""Evaluation by automatic differentiation: second-order forward mode, vectorized.

A tree is compiled once into a :class:`Program`: a flat list of instructions in
topological order, one register per distinct subexpression (equal subtrees share one),
constant subtrees folded to numbers, and each operation bound to its rule and inputs
once (a step: on 10,000 points of x^2 the per-call Python work is then a few microseconds
beside the array work). :func:`forward` runs it over a float64 array of x in one pass
and returns, for each output, the triple (f, f′, f″) — the value and the first
and second derivatives with respect to x, by the rules of the function table and of
+ − × ÷ ^ applied to the triples of the inputs (Taylor arithmetic to second order).

Derivatives that are identically zero (constants, parameters) are ``None``, and dx/dx
is the marker ``ONE``: no array is ever allocated for them, which matters for speed —
``3x^2`` costs the same few array operations as the hand-written ``6*x``.

Domain (contracts.md §4): NaN outside the real domain and wherever a derivative does not
exist (division by 0, 0 to a negative power, ln 0, sqrt′(0), |u|′ at 0, floor′ at
integers, relu′(0), max at a tie of different slopes); ±inf only where a defined value
overflows float64 ("too large to represent"). Never complex, never an exception.

:func:`magnitudes` gives, beside f′ and f″, the size of the terms they are sums of (every
sum replaced by the sum of absolute values, functions at their true arguments): a value
far below its magnitude is rounding noise (``points.py`` uses it to tell an inflection
from the ±1e-16 of a second derivative that is exactly 0).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from derivview.model.expr import functions as fns
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var, children

__all__ = [
    "ONE",
    "Instr",
    "Program",
    "compile_program",
    "constant_value",
    "forward",
    "magnitudes",
]

Array = Any
Triple = tuple[Array, Array | None, Array | None]
Step = Callable[[list[Triple], int], Triple]

NAN = np.nan

#: dx/dx: a marker multiplications skip (identity, never compared by value).
ONE: float = float("1.0")


# -- instruction kinds ---------------------------------------------------------------------
VAR, CONST, PARAM, NEG, ADD, SUB, MUL, DIV, POWC, POW, EXP, FN, LOGB, MAX, MIN = range(15)
KIND_NAMES = ("var", "const", "param", "neg", "add", "sub", "mul", "div", "powc", "pow",
              "exp", "fn", "logb", "max", "min")  # fmt: skip


@dataclass(frozen=True)
class Instr:
    """One instruction: ``kind``, input registers, and its datum (a value, a name, or the
    function's ``eval``)."""

    kind: int
    args: tuple[int, ...]
    data: Any = None


@dataclass(frozen=True)
class Program:
    """A compiled tree (or several, sharing subexpressions): run it with :func:`forward`.

    ``nodes[i]`` is the (first) node that register ``i`` computes; ``roots`` the output
    registers; ``variables`` the names that are variables (x, and y in two dimensions).
    """

    instrs: tuple[Instr, ...]
    nodes: tuple[Node, ...]
    roots: tuple[int, ...]
    variables: tuple[str, ...]
    free_after: tuple[tuple[int, ...], ...] = ()
    """Registers whose last use is instruction i: dropped right after it, so that the
    arrays alive at once stay few (the working set in cache; freed blocks reused hot)."""
    var_regs: tuple[int, ...] = ()
    """The registers of :func:`forward`'s x."""
    const_regs: tuple[tuple[int, tuple[Triple, Triple]], ...] = ()
    """(register, (its triple without derivatives, its triple with)) of every number."""
    param_regs: tuple[tuple[int, str], ...] = ()
    """(register, name) of every parameter."""
    steps: tuple[tuple[int, Step, tuple[int, ...]], ...] = ()
    """(register, its :func:`make_step`, the registers to drop after it) of every
    operation, in order: what :func:`forward` runs, with no dispatch left to do."""


# -- None-aware arithmetic on derivative parts ----------------------------------------------


def _mul(p: Array | None, q: Array | None) -> Array | None:
    if p is None or q is None:
        return None
    if p is ONE:
        return q
    if q is ONE:
        return p
    return p * q


def _add(p: Array | None, q: Array | None) -> Array | None:
    if p is None:
        return q
    if q is None:
        return p
    return p + q


def _neg(p: Array | None) -> Array | None:
    if p is None:
        return None
    return -1.0 if p is ONE else -p


def _sub(p: Array | None, q: Array | None) -> Array | None:
    if q is None:
        return p
    if p is None:
        return _neg(q)
    return p - q


def _twice(p: Array | None) -> Array | None:
    return None if p is None else p + p


def _nonzero(b: Array) -> Array:
    """b with NaN where it is 0 (a divisor: 1/0 is a pole, not inf)."""
    z = b == 0
    if np.any(z):
        return np.where(z, NAN, b)
    return b


def _ipow(u: Array, n: int) -> Array:
    """u^n for an integer n >= 0 (repeated products for small n: faster than power)."""
    if n == 1:
        return u
    if n == 2:
        return u * u
    if n == 3:
        return u * u * u
    if n == 4:
        u2 = u * u
        return u2 * u2
    return np.power(u, float(n))


# -- the rules -----------------------------------------------------------------------------


def _chain(g: Triple, a: Triple, order: int) -> Triple:
    """(g(u), g′(u)·u′, g″(u)·u′² + g′(u)·u″) from g's triple at u and u's triple."""
    v, g1, g2 = g
    _, ud, ud2 = a
    if ud is ONE and ud2 is None:  # u is x: the products below would return g's own parts
        return v, g1, (g2 if order > 1 else None)
    d = _mul(g1, ud)
    if order < 2:
        return v, d, None
    return v, d, _add(_mul(g2, _mul(ud, ud)), _mul(g1, ud2))


def _fn(ev: Any, a: Triple, order: int) -> Triple:
    uv, ud, ud2 = a
    if not order or (ud is None and ud2 is None):
        return ev(uv, 0)[0], None, None
    return _chain(ev(uv, order), a, order)


def _add_rule(a: Triple, b: Triple, order: int) -> Triple:
    v = a[0] + b[0]
    if not order:
        return v, None, None
    return v, _add(a[1], b[1]), (_add(a[2], b[2]) if order > 1 else None)


def _sub_rule(a: Triple, b: Triple, order: int) -> Triple:
    v = a[0] - b[0]
    if not order:
        return v, None, None
    return v, _sub(a[1], b[1]), (_sub(a[2], b[2]) if order > 1 else None)


def _mul_rule(a: Triple, b: Triple, order: int) -> Triple:
    av, ad, ad2 = a
    bv, bd, bd2 = b
    v = av * bv
    if not order:
        return v, None, None
    d = _add(_mul(ad, bv), _mul(av, bd))
    if order < 2:
        return v, d, None
    d2 = _add(_add(_mul(ad2, bv), _twice(_mul(ad, bd))), _mul(av, bd2))
    return v, d, d2


def _div_rule(a: Triple, b: Triple, order: int) -> Triple:
    av, ad, ad2 = a
    bv, bd, bd2 = b
    bv = _nonzero(bv)
    q = av / bv  # true division: x/3 at 3 is exactly 1
    if not order:
        return q, None, None
    num = _sub(ad, _mul(q, bd))
    d = None if num is None else num / bv
    if order < 2:
        return q, d, None
    num2 = _sub(_sub(ad2, _twice(_mul(d, bd))), _mul(q, bd2))
    return q, d, (None if num2 is None else num2 / bv)


_TINY = 1e-290  # below this u^p has lost digits (subnormal) or is about to


def _pow_const(u: Array, p: float, order: int) -> Triple:
    """(u^p, p u^(p-1), p(p-1) u^(p-2)) for a number p, on the real line."""
    if abs(p) < 2**31 and p == math.floor(p):
        return _pow_int(u, int(p), order)
    return _pow_real(u, p, order)


def _pow_int(u: Array, n: int, order: int) -> Triple:
    """:func:`_pow_const` for an integer exponent."""
    if n == 0:
        zero = u * 0.0  # NaN stays NaN: sqrt(x)^0 is undefined where sqrt(x) is
        return zero + 1.0, zero, zero
    if n > 0:
        if n == 1:
            return u, ONE, None
        if n == 2:
            return u * u, u + u, 2.0
        pm2 = _ipow(u, n - 2)
        pm1 = pm2 * u
        return pm1 * u, n * pm1, (n * (n - 1)) * pm2
    r = 1.0 / _nonzero(u)  # a pole at 0
    v = _ipow(r, -n)
    if not order:
        return v, None, None
    g1 = n * v * r
    return v, g1, (n - 1) * g1 * r


def _pow_real(u: Array, p: float, order: int) -> Triple:
    """:func:`_pow_const` for an exponent that is not an integer."""
    if p == 0.5:
        return fns.FUNCTIONS["sqrt"].numeric(u, order)  # type: ignore[misc]
    v = np.power(u, p)  # NaN for u < 0: x^(1/3) is not cbrt
    if p < 0:
        v = np.where(u == 0, NAN, v)
    if not order:
        return v, None, None
    g1 = p * v / u  # 0/0 = NaN at u = 0: the edge of the domain has no derivative
    g2 = (p - 1.0) * g1 / u
    # Where u^p underflows or overflows float64, u^(p-1) and u^(p-2) may not:
    # x^2.0000000000000004 at 1e-166 has f″ ≈ 2, not 0·x^-2 = 0. Powers only there.
    edge = (u != 0) & ((np.abs(v) < _TINY) | np.isinf(v))
    if np.any(edge):
        with np.errstate(over="ignore", under="ignore"):
            g1 = np.where(edge, p * np.power(u, p - 1.0), g1)
            g2 = np.where(edge, p * (p - 1.0) * np.power(u, p - 2.0), g2)
    return v, g1, g2


def _powc_rule(a: Triple, e: Triple, order: int) -> Triple:
    p = float(e[0])
    if math.isnan(p):
        return (a[0] * NAN,) * 3  # type: ignore[return-value]
    uv, ud, ud2 = a
    if not order or (ud is None and ud2 is None):
        return _pow_const(uv, p, 0)[0], None, None
    return _chain(_pow_const(uv, p, order), a, order)


def _real_power(uv: Array, wv: Array) -> Array:
    """u^w, NaN where either is undefined (IEEE's pow makes NaN^0 and 1^NaN 1: ln(x)^x
    at 0 is not 1) and at 0 to a negative power."""
    v = np.power(uv, wv)
    bad = (uv != uv) | (wv != wv) | ((uv == 0) & (wv < 0))
    if np.any(bad):
        v = np.where(bad, NAN, v)
    return v


def _pow_rule(a: Triple, b: Triple, order: int) -> Triple:
    """u^w with w varying: exp(w ln u) where u > 0; numpy's power (integer w) elsewhere,
    with no derivative where u <= 0."""
    uv, ud, ud2 = a
    wv, wd, wd2 = b
    v = _real_power(uv, wv)
    if not order:
        return v, None, None
    log_u = np.log(np.where(uv > 0, uv, NAN))
    ratio = None if ud is None else (1.0 / uv if ud is ONE else ud / uv)
    h1 = _add(_mul(wd, log_u), _mul(wv, ratio))
    d = _mul(v, h1)
    if order < 2:
        return v, d, None
    h2 = _mul(wd2, log_u)
    h2 = _add(h2, _twice(_mul(wd, ratio)))
    if ratio is not None:
        inner = _sub(None if ud2 is None else ud2 / uv, ratio * ratio)
        h2 = _add(h2, _mul(wv, inner))
    hh = None if h1 is None else h1 * h1
    return v, d, _mul(v, _add(h2, hh))


def _exp_rule(b: Triple, order: int) -> Triple:
    return _fn(fns.FUNCTIONS["exp"].numeric, b, order)


_LN = fns.FUNCTIONS["ln"].numeric


def _logb_rule(a: Triple, b: Triple, order: int) -> Triple:
    return _div_rule(_fn(_LN, a, order), _fn(_LN, b, order), order)


def _select(gt: Array, tie: Array, any_tie: bool, p: Array | None, q: Array | None) -> Any:
    """p where gt, q elsewhere, NaN at ties where p and q differ (no derivative there)."""
    if p is None and q is None:
        return None
    pp = 0.0 if p is None else (1.0 if p is ONE else p)
    qq = 0.0 if q is None else (1.0 if q is ONE else q)
    r = np.where(gt, pp, qq)
    if any_tie:
        r = np.where(tie & (pp != qq), NAN, r)
    return r


def _extreme_rule(args: list[Triple], order: int, largest: bool) -> Triple:
    acc = args[0]
    for b in args[1:]:
        av, bv = acc[0], b[0]
        v = np.maximum(av, bv) if largest else np.minimum(av, bv)
        if not order:
            acc = (v, None, None)
            continue
        gt = av > bv if largest else av < bv
        tie = av == bv
        any_tie = bool(np.any(tie))
        d = _select(gt, tie, any_tie, acc[1], b[1])
        d2 = None
        if order > 1:
            d2 = _select(gt, tie, any_tie, acc[2], b[2])
            if d is not None and any_tie and (no_d := np.isnan(d)).any():
                # (a structural 0 stays None elsewhere: an array of 0 times an f′ that
                # overflowed would be NaN, csc(max(x·b, x·b))″ at x·b = 1e-259)
                d2 = np.where(no_d, NAN, 0.0 if d2 is None else d2)
        undefined = np.isnan(v)
        if np.any(undefined):  # undefined where either argument is (both derivatives)
            d = np.where(undefined, NAN, 0.0 if d is None else d)
            if order > 1:
                d2 = np.where(undefined, NAN, 0.0 if d2 is None else d2)
        acc = (v, d, d2)
    return acc


# -- compiling -----------------------------------------------------------------------------


def _is_exponent_constant(node: Node, variables: frozenset[str]) -> bool:
    return not any(isinstance(n, Var) and n.name in variables for n in _walk(node))


def _walk(node: Node) -> list[Node]:
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(children(n))
    return out


def compile_program(roots: Sequence[Node], variables: Sequence[str] = ("x",)) -> Program:
    """Compile trees (sharing equal subtrees) into one :class:`Program`.

    Constant subtrees (no variable, no parameter) are folded to a number here, once.
    """
    variables = tuple(variables)
    var_set = frozenset(variables)
    instrs: list[Instr] = []
    nodes: list[Node] = []
    by_id: dict[int, int] = {}  # id(node) -> register
    by_key: dict[tuple[Any, ...], int] = {}  # structure -> register (shared subtrees)
    keep: list[Node] = []  # keeps the nodes whose ids are keys above alive
    const: dict[int, float] = {}

    def visit(root: Node) -> int:
        # Iterative post-order: nesting is bounded by the parser, but printed derivatives
        # parsed back may nest deeper than Python's recursion limit would like. Equal
        # subtrees are found by a key of the node's own datum and its children's
        # registers (hash-consing): linear, where hashing nested nodes would be quadratic.
        stack: list[tuple[Node, bool]] = [(root, False)]
        push, pop = stack.append, stack.pop
        while stack:
            node, ready = pop()
            if id(node) in by_id:
                continue
            kids = children(node)
            if not ready and kids:
                push((node, True))
                for k in reversed(kids):
                    if id(k) not in by_id:
                        push((k, False))
                continue
            args = tuple([by_id[id(k)] for k in kids])
            key = (type(node), _DATUM[type(node)](node), args)
            keep.append(node)
            if key in by_key:
                by_id[id(node)] = by_key[key]
                continue
            instr = make_instr(node, args, var_set)
            i = len(instrs)
            instrs.append(instr)
            nodes.append(node)
            by_id[id(node)] = by_key[key] = i
            if instr.kind == CONST:
                const[i] = instr.data
            elif instr.kind not in (VAR, PARAM) and args and all(a in const for a in args):
                local = make_instr(node, tuple(range(len(args))), var_set)
                value = fold(local, [const[a] for a in args])
                instrs[i] = Instr(CONST, (), value)
                const[i] = value
        return by_id[id(root)]

    out = tuple(visit(r) for r in roots)
    # A function of an argument without x (parameters only: sin(a·pi)) is a number at run
    # time: at a trig zero or pole but for rounding it is 0 or undefined, as if typed.
    free_of_x: set[int] = set()
    for i, ins in enumerate(instrs):
        if ins.kind in (CONST, PARAM) or (
            ins.kind != VAR and all(a in free_of_x for a in ins.args)
        ):
            free_of_x.add(i)
            if ins.kind == FN and ins.args[0] not in const:
                instrs[i] = Instr(FN, ins.args, fns.of_a_constant(ins.data))
    last = {}
    for i, ins in enumerate(instrs):
        for a in ins.args:
            last[a] = i
    free: list[list[int]] = [[] for _ in instrs]
    for reg, i in last.items():
        if reg not in out:
            free[i].append(reg)
    var_regs, const_regs, param_regs, steps = [], [], [], []
    for i, ins in enumerate(instrs):
        if ins.kind == VAR:
            var_regs.append(i)
        elif ins.kind == CONST:
            c = ins.data
            # An undefined number has no derivative either (NaN, not the structural 0).
            const_regs.append((i, ((c, None, None), (c, None, None) if c == c else (c, NAN, NAN))))
        elif ins.kind == PARAM:
            param_regs.append((i, ins.data))
        else:
            steps.append((i, make_step(ins, const), tuple(free[i])))
    if steps:  # nothing to drop after the last step: forward returns right after it
        steps[-1] = (*steps[-1][:2], ())
    return Program(
        tuple(instrs),
        tuple(nodes),
        out,
        variables,
        tuple(tuple(f) for f in free),
        tuple(var_regs),
        tuple(const_regs),
        tuple(param_regs),
        tuple(steps),
    )


#: What distinguishes a node from another of its type with the same children.
_DATUM: dict[type, Any] = {
    Num: lambda n: (n.value, n.text),
    Const: lambda n: n.name,
    Var: lambda n: n.name,
    Param: lambda n: n.name,
    Call: lambda n: n.name,
    BinOp: lambda n: n.op,
    Neg: lambda n: None,
}


def make_instr(node: Node, args: tuple[int, ...], variables: frozenset[str]) -> Instr:
    """The instruction computing ``node`` from the registers ``args`` (its children)."""
    if isinstance(node, Num):
        return Instr(CONST, (), np.float64(node.value))
    if isinstance(node, Const):
        return Instr(CONST, (), np.float64(node.value))
    if isinstance(node, Var):
        if node.name in variables:
            return Instr(VAR, (), node.name)
        return Instr(PARAM, (), node.name)
    if isinstance(node, Param):
        return Instr(PARAM, (), node.name)
    if isinstance(node, Neg):
        return Instr(NEG, args)
    if isinstance(node, BinOp):
        if node.op == "pow":
            if isinstance(node.left, Const) and node.left.name == "e":
                return Instr(EXP, (args[1],))
            if _is_exponent_constant(node.right, variables):
                return Instr(POWC, args)
            return Instr(POW, args)
        return Instr({"add": ADD, "sub": SUB, "mul": MUL, "div": DIV}[node.op], args)
    if isinstance(node, Call):
        if node.name in ("max", "min"):
            return Instr(MAX if node.name == "max" else MIN, args)
        if node.name == "log" and len(args) == 2:
            return Instr(LOGB, args)
        name = "ln" if node.name == "log" else node.name
        return Instr(FN, args, fns.FUNCTIONS[name].numeric)
    raise TypeError(f"not a node: {node!r}")


def fold(instr: Instr, values: Sequence[float]) -> np.float64:
    """The value of one instruction whose inputs are the numbers ``values``.

    A constant sin, cos, tan or cot at a zero of the real function, missed only by the
    rounding of its argument (sin(pi): 1.2e-16), is 0: sin(pi)·x² is the zero function,
    with f″ = 0 (not "concave up"), as sympy prints it.
    """
    if instr.kind == FN:
        site = fns.zero_site(instr.data)
        if site is not None and fns.at_trig_zero(site, float(values[0])):
            return np.float64(0.0)
    const = {i: np.float64(v) for i, v in enumerate(values)}
    regs: list[Triple] = [(c, None, None) for c in const.values()]
    step = make_step(instr, const)
    with np.errstate(all="ignore"):
        out = step(regs, 0)[0]
    return np.float64(out)


def constant_value(node: Node) -> float:
    """The value of a tree without variables or parameters (NaN where undefined)."""
    prog = compile_program([node], ())
    with np.errstate(all="ignore"):
        return float(forward(prog, np.float64(0.0), {}, 0)[0][0])


# -- running -------------------------------------------------------------------------------


def _neg_rule(a: Triple, order: int) -> Triple:
    v, d, d2 = a
    return -v, _neg(d), _neg(d2)


def _powc_known(pow_p: Any, n: float, i0: int, r: list[Triple], o: int) -> Triple:
    a = r[i0]
    if not o or (a[1] is None and a[2] is None):
        return pow_p(a[0], n, 0)[0], None, None  # type: ignore[no-any-return]
    return _chain(pow_p(a[0], n, o), a, o)


def _powc_step(i0: int, p: float) -> Step:
    """u^p for an exponent known when compiling: its case (integer or not) decided once."""
    if math.isnan(p):
        return lambda r, o: (r[i0][0] * NAN,) * 3  # type: ignore[return-value]
    if abs(p) < 2**31 and p == math.floor(p):
        return functools.partial(_powc_known, _pow_int, int(p), i0)
    return functools.partial(_powc_known, _pow_real, p, i0)


def make_step(ins: Instr, const: Mapping[int, Any]) -> Step:
    """The function computing an operation's triple from the registers: its inputs, its
    rule and its datum bound once (``const``: the registers known to be numbers)."""
    k, a = ins.kind, ins.args
    i0 = a[0] if a else 0
    i1 = a[1] if len(a) > 1 else 0
    if k == FN:
        ev = ins.data
        return lambda r, o: _fn(ev, r[i0], o)
    if k == MUL:
        return lambda r, o: _mul_rule(r[i0], r[i1], o)
    if k == ADD:
        return lambda r, o: _add_rule(r[i0], r[i1], o)
    if k == SUB:
        return lambda r, o: _sub_rule(r[i0], r[i1], o)
    if k == DIV:
        return lambda r, o: _div_rule(r[i0], r[i1], o)
    if k == POWC:
        if i1 in const:
            return _powc_step(i0, float(const[i1]))
        return lambda r, o: _powc_rule(r[i0], r[i1], o)
    if k == NEG:
        return lambda r, o: _neg_rule(r[i0], o)
    if k == EXP:
        return lambda r, o: _exp_rule(r[i0], o)
    if k == POW:
        return lambda r, o: _pow_rule(r[i0], r[i1], o)
    if k == LOGB:
        return lambda r, o: _logb_rule(r[i0], r[i1], o)
    if k in (MAX, MIN):
        largest = k == MAX
        return lambda r, o: _extreme_rule([r[i] for i in a], o, largest)
    raise ValueError(f"unknown instruction kind {k}")


def forward(
    prog: Program,
    x: Array,
    params: Mapping[str, float] | None = None,
    order: int = 2,
    *,
    keep: bool = False,
) -> list[Triple]:
    """Run ``prog`` at ``x`` (a float64 array or scalar): the triple of every root.

    ``params``: parameter values (missing names are 1). ``order`` 0, 1 or 2: how many
    derivatives to compute (the others are None). Derivatives that are identically 0 are
    None, dx/dx is :data:`ONE`; values of constants are numpy scalars (callers broadcast).
    Call under ``np.errstate(all="ignore")``. ``keep``: return every register instead.
    """
    regs: list[Triple] = [None] * len(prog.instrs)  # type: ignore[list-item]
    # The leaves first (they cost no array operation), then the operations in order.
    var = (x, ONE if order else None, None)
    for i in prog.var_regs:
        regs[i] = var
    for i, triples in prog.const_regs:
        regs[i] = triples[order > 0]
    if prog.param_regs:
        p = params or {}
        for i, name in prog.param_regs:
            c = np.float64(p.get(name, 1.0))
            # An undefined number has no derivative either (NaN, not the structural 0).
            regs[i] = (c, None, None) if c == c or not order else (c, NAN, NAN)
    for i, step, free in prog.steps:
        r = step(regs, order)
        if order and r[1] is None and np.ndim(r[0]) == 0 and r[0] != r[0]:
            # An undefined constant (sqrt(a) at a = -1) has no derivative either:
            # NaN, not the structural 0, so that sums with x stay undefined. (A 0-d
            # array counts: np.where makes one of a^p at a < 0, p < 0.)
            r = (r[0], NAN, NAN if order > 1 else None)
        regs[i] = r
        if free and not keep:
            for j in free:
                regs[j] = None  # type: ignore[call-overload]
    if keep:
        return regs
    roots = prog.roots
    return [regs[roots[0]]] if len(roots) == 1 else [regs[r] for r in roots]


# -- magnitudes ----------------------------------------------------------------------------


def _abs(p: Array | None) -> Array | None:
    if p is None:
        return None
    return 1.0 if p is ONE else np.abs(p)


def magnitudes(prog: Program, regs: Sequence[Triple]) -> list[Triple]:
    """The size of the terms of every root's value, f′ and f″ (see the module docstring).

    ``regs``: every register of ``forward(prog, x, params, 2, keep=True)``.
    """
    out: list[Triple] = []
    for i, ins in enumerate(prog.instrs):
        k = ins.kind
        a = ins.args
        if k in (CONST, PARAM):
            out.append((np.abs(regs[i][0]), None, None))
        elif k == VAR:
            out.append((np.abs(regs[i][0]), ONE, None))
        elif k == NEG:
            out.append(out[a[0]])
        elif k in (ADD, SUB):
            p, q = out[a[0]], out[a[1]]
            out.append((p[0] + q[0], _add(p[1], q[1]), _add(p[2], q[2])))
        elif k == MUL:
            out.append(_mag_mul(out[a[0]], out[a[1]]))
        elif k == DIV:
            out.append(_mag_div(out[a[0]], regs[a[1]], out[a[1]], regs[i]))
        elif k in (FN, POWC, EXP):
            u = regs[a[0]][0]
            if k == FN:
                g = ins.data(u, 2)
            elif k == EXP:
                g = fns.FUNCTIONS["exp"].numeric(u, 2)  # type: ignore[misc]
            else:
                g = _pow_const(u, float(regs[a[1]][0]), 2)
            out.append(_mag_chain(regs[i][0], g, out[a[0]]))
        elif k == POW:
            out.append(_mag_pow(regs[a[0]], regs[a[1]], out[a[0]], out[a[1]], regs[i][0]))
        elif k == LOGB:
            ln_u = _LN(regs[a[0]][0], 2)
            ln_b = _LN(regs[a[1]][0], 2)
            mu = _mag_chain(ln_u[0], ln_u, out[a[0]])
            mb = _mag_chain(ln_b[0], ln_b, out[a[1]])
            tb = _fn(_LN, regs[a[1]], 2)
            out.append(_mag_div(mu, tb, mb, regs[i]))
        elif k in (MAX, MIN):
            acc_v, acc_m = regs[a[0]][0], out[a[0]]
            for j in a[1:]:
                bv = regs[j][0]
                gt = acc_v > bv if k == MAX else acc_v < bv
                m = out[j]
                acc_m = tuple(  # type: ignore[assignment]
                    None if (p is None and q is None) else np.where(gt, _z(p), _z(q))
                    for p, q in zip(acc_m, m, strict=True)
                )
                acc_v = np.maximum(acc_v, bv) if k == MAX else np.minimum(acc_v, bv)
            out.append(acc_m)
        else:
            raise ValueError(f"unknown instruction kind {k}")
    return [out[r] for r in prog.roots]


def _z(p: Array | None) -> Array:
    return 0.0 if p is None else p


def _mag_mul(p: Triple, q: Triple) -> Triple:
    m = p[0] * q[0]
    d = _add(_mul(p[1], q[0]), _mul(p[0], q[1]))
    d2 = _add(_add(_mul(p[2], q[0]), _twice(_mul(p[1], q[1]))), _mul(p[0], q[2]))
    return m, d, d2


def _mag_div(ma: Triple, b: Triple, mb: Triple, res: Triple) -> Triple:
    # q = a/b, q′ = (a′ - q b′)/b, q″ = (a″ - 2q′b′ - q b″)/b: sums of |terms|. In q″,
    # q′ stands for its own terms (their size d, not |q′|): a q′ that cancelled to ~0
    # still carries their rounding (x/(x(x-1)) at x = 3e-61: q′ = 0 by the tree, -1 in
    # truth, q″ off by 2q′b′/b ~ 7e60).
    inv = 1.0 / np.abs(b[0])
    q = np.abs(res[0])
    d = _mul(_add(ma[1], _mul(q, mb[1])), inv)
    d2 = _mul(_add(_add(ma[2], _twice(_mul(d, mb[1]))), _mul(q, mb[2])), inv)
    return ma[0] * inv, d, d2


def _mag_chain(v: Array, g: Triple, mu: Triple) -> Triple:
    g1, g2 = _abs(g[1]), _abs(g[2])
    d = _mul(g1, mu[1])
    d2 = _add(_mul(g2, _mul(mu[1], mu[1])), _mul(g1, mu[2]))
    return np.abs(v), d, d2


def _mag_pow(a: Triple, b: Triple, ma: Triple, mb: Triple, v: Array) -> Triple:
    # u^w = e^(w ln u): (u^w)′ = u^w (w′ ln u + w u′/u). The exponent w stands for its
    # own terms (their size mb[0], not |w|), as q′ does in _mag_div: a w that cancelled
    # to 0 still carries their rounding, which u′/u can magnify (x^(2 + (x - 2)) at
    # x = 7e-162: w = 0 by the tree, x in truth, f′ off by w/x = 1).
    av = np.abs(v)
    inv = 1.0 / np.abs(a[0])
    log_u = np.abs(np.log(np.where(a[0] > 0, a[0], NAN)))
    ratio = _mul(ma[1], inv)
    h1 = _add(_mul(mb[1], log_u), _mul(mb[0], ratio))
    h2 = _add(_mul(mb[2], log_u), _twice(_mul(mb[1], ratio)))
    if ratio is not None:
        inner = _add(_mul(ma[2], inv), ratio * ratio)
        h2 = _add(h2, _mul(mb[0], inner))
    d = _mul(av, h1)
    hh = None if h1 is None else h1 * h1
    return av, d, _mul(av, _add(h2, hh))
