"""Forward mode in several variables: f, ∇f and the Hessian on arrays, in one pass.

The same compiled :class:`~derivview.model.expr.forward.Program` (parsed with
``variables=("x", "y")``) and the same function table as the one-variable pass; each
register carries the value, the gradient (one entry per variable) and the upper triangle
of the Hessian, with ``None`` for entries that are identically zero. Domain as in
:mod:`.forward`: NaN outside the real domain and where a derivative does not exist,
±inf only where a defined value overflows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from derivview.model.expr import forward as fw
from derivview.model.expr.forward import ONE, Program, _add, _mul, _neg, _nonzero, _sub

__all__ = ["Jet", "forward_multi", "gradient_hessian"]

Array = Any
Jet = tuple[Array, tuple[Array | None, ...], tuple[Array | None, ...]]
"""(value, gradient, upper triangle of the Hessian row by row: H00, H01, ..., H11, ...)."""

NAN = np.nan


def _pairs(k: int) -> list[tuple[int, int]]:
    return [(i, j) for i in range(k) for j in range(i, k)]


def _constant(c: Array, k: int, order: int) -> Jet:
    bad = NAN if (order and c != c) else None
    return c, (bad,) * k, (bad if order > 1 else None,) * (k * (k + 1) // 2)


def _chain(g: tuple[Array, Array, Array], a: Jet, pairs: list[tuple[int, int]]) -> Jet:
    v, g1, g2 = g
    _, ug, uh = a
    grad = tuple(_mul(g1, gi) for gi in ug)
    hess = tuple(
        _add(_mul(g2, _mul(ug[i], ug[j])), _mul(g1, uh[n])) for n, (i, j) in enumerate(pairs)
    )
    return v, grad, hess


def _is_constant(a: Jet) -> bool:
    return all(g is None for g in a[1]) and all(h is None for h in a[2])


def _fn(numeric: Any, a: Jet, order: int, pairs: list[tuple[int, int]]) -> Jet:
    if not order or _is_constant(a):
        return _constant(numeric(a[0], 0)[0], len(a[1]), order)
    return _chain(numeric(a[0], 2), a, pairs)


def _mul_jet(a: Jet, b: Jet, pairs: list[tuple[int, int]]) -> Jet:
    av, ag, ah = a
    bv, bg, bh = b
    grad = tuple(_add(_mul(ag[i], bv), _mul(av, bg[i])) for i in range(len(ag)))
    hess = tuple(
        _add(
            _add(_mul(ah[n], bv), _add(_mul(ag[i], bg[j]), _mul(ag[j], bg[i]))),
            _mul(av, bh[n]),
        )
        for n, (i, j) in enumerate(pairs)
    )
    return av * bv, grad, hess


def _div_jet(a: Jet, b: Jet, pairs: list[tuple[int, int]]) -> Jet:
    av, ag, ah = a
    bv, bg, bh = b
    bv = _nonzero(bv)
    q = av / bv
    grad = tuple(
        None if (n_ := _sub(ag[i], _mul(q, bg[i]))) is None else n_ / bv for i in range(len(ag))
    )
    hess = []
    for n, (i, j) in enumerate(pairs):
        num = _sub(_sub(_sub(ah[n], _mul(grad[i], bg[j])), _mul(grad[j], bg[i])), _mul(q, bh[n]))
        hess.append(None if num is None else num / bv)
    return q, grad, tuple(hess)


def _pow_jet(a: Jet, b: Jet, pairs: list[tuple[int, int]]) -> Jet:
    uv, ug, uh = a
    wv, wg, wh = b
    v = fw._real_power(uv, wv)
    log_u = np.log(np.where(uv > 0, uv, NAN))
    inv = 1.0 / uv
    k = len(ug)
    # ∂u/u first: u′² and 1/u² apart overflow and underflow where their ratio does not
    ratio = tuple(_mul(g, inv) for g in ug)
    hg = tuple(_add(_mul(wg[i], log_u), _mul(wv, ratio[i])) for i in range(k))
    hh = []
    for n, (i, j) in enumerate(pairs):
        t = _mul(wh[n], log_u)
        t = _add(t, _add(_mul(wg[i], ratio[j]), _mul(wg[j], ratio[i])))
        inner = _sub(_mul(uh[n], inv), _mul(ratio[i], ratio[j]))
        t = _add(t, _mul(wv, inner))
        hh.append(t)
    grad = tuple(_mul(v, h) for h in hg)
    hess = tuple(_mul(v, _add(hh[n], _mul(hg[i], hg[j]))) for n, (i, j) in enumerate(pairs))
    return v, grad, hess


def _extreme_jet(args: list[Jet], largest: bool) -> Jet:
    acc = args[0]
    for b in args[1:]:
        av, bv = acc[0], b[0]
        v = np.maximum(av, bv) if largest else np.minimum(av, bv)
        gt = av > bv if largest else av < bv
        tie = av == bv
        any_tie = bool(np.any(tie))
        undefined = np.isnan(v)
        grad = tuple(
            None if s is None else np.where(undefined, NAN, s)
            for s in (fw._select(gt, tie, any_tie, p, q) for p, q in zip(acc[1], b[1], strict=True))
        )
        bad = undefined
        for g in grad:
            if g is not None:
                bad = bad | np.isnan(g)
        any_bad = bool(np.any(bad))
        hess = tuple(
            (np.where(bad, NAN, 0.0 if s is None else s) if any_bad else s)
            for s in (fw._select(gt, tie, any_tie, p, q) for p, q in zip(acc[2], b[2], strict=True))
        )
        acc = (v, grad, hess)
    return acc


def forward_multi(
    prog: Program,
    values: Mapping[str, Array],
    params: Mapping[str, float] | None = None,
    order: int = 2,
) -> list[Jet]:
    """Run ``prog`` with its variables at ``values`` (arrays or scalars of one shape):
    the :data:`Jet` of every root. ``order`` 0 gives values only (gradients None)."""
    names = prog.variables
    k = len(names)
    pairs = _pairs(k)
    p = params or {}
    regs: list[Jet] = []
    for ins in prog.instrs:
        kind, a = ins.kind, ins.args
        if kind == fw.CONST or kind == fw.PARAM:
            c = ins.data if kind == fw.CONST else np.float64(p.get(ins.data, 1.0))
            regs.append(_constant(c, k, order))
        elif kind == fw.VAR:
            i = names.index(ins.data)
            grad = tuple(ONE if (j == i and order) else None for j in range(k))
            regs.append((values[ins.data], grad, (None,) * len(pairs)))
        elif kind == fw.NEG:
            v, g, h = regs[a[0]]
            regs.append((-v, tuple(_neg(x) for x in g), tuple(_neg(x) for x in h)))
        elif kind in (fw.ADD, fw.SUB):
            op = _add if kind == fw.ADD else _sub
            x, y = regs[a[0]], regs[a[1]]
            v = x[0] + y[0] if kind == fw.ADD else x[0] - y[0]
            regs.append((
                v,
                tuple(op(s, t) for s, t in zip(x[1], y[1], strict=True)),
                tuple(op(s, t) for s, t in zip(x[2], y[2], strict=True)),
            ))  # fmt: skip
        elif kind == fw.MUL:
            regs.append(_mul_jet(regs[a[0]], regs[a[1]], pairs))
        elif kind == fw.DIV:
            regs.append(_div_jet(regs[a[0]], regs[a[1]], pairs))
        elif kind == fw.FN:
            regs.append(_fn(ins.data, regs[a[0]], order, pairs))
        elif kind == fw.EXP:
            regs.append(_fn(fw.fns.FUNCTIONS["exp"].numeric, regs[a[0]], order, pairs))
        elif kind == fw.POWC:
            pw = float(regs[a[1]][0])
            regs.append(
                _fn(
                    lambda u, o, pw=pw: fw._pow_const(u, pw, 2 if o else 0),
                    regs[a[0]],
                    order,
                    pairs,
                )
            )
        elif kind == fw.POW:
            regs.append(_pow_jet(regs[a[0]], regs[a[1]], pairs))
        elif kind == fw.LOGB:
            ln = fw.fns.FUNCTIONS["ln"].numeric
            regs.append(
                _div_jet(
                    _fn(ln, regs[a[0]], order, pairs), _fn(ln, regs[a[1]], order, pairs), pairs
                )
            )
        elif kind in (fw.MAX, fw.MIN):
            regs.append(_extreme_jet([regs[i] for i in a], kind == fw.MAX))
        else:
            raise ValueError(f"unknown instruction kind {kind}")
    return [regs[r] for r in prog.roots]


def gradient_hessian(
    prog: Program,
    values: Mapping[str, Array],
    params: Mapping[str, float] | None = None,
) -> tuple[Any, list[Any], list[list[Any]]]:
    """f, ∇f (a list) and the Hessian (a full symmetric list of lists) of the first root,
    as float64 arrays shaped like the inputs."""
    shape = np.shape(np.broadcast_arrays(*[np.asarray(v, float) for v in values.values()])[0])
    with np.errstate(all="ignore"):
        v, g, h = forward_multi(prog, values, params, 2)[0]

    def arr(a: Any) -> Any:
        f = np.broadcast_to(np.asarray(v, dtype=float), shape)
        if a is None:
            return np.where(np.isnan(f), NAN, 0.0)
        out = np.array(np.broadcast_to(np.asarray(1.0 if a is ONE else a, dtype=float), shape))
        return np.where(np.isnan(f), NAN, out)

    k = len(g)
    pairs = _pairs(k)
    full = [[None] * k for _ in range(k)]
    for n, (i, j) in enumerate(pairs):
        full[i][j] = full[j][i] = arr(h[n])
    f = np.array(np.broadcast_to(np.asarray(v, dtype=float), shape))
    return f, [arr(x) for x in g], full  # type: ignore[return-value]
