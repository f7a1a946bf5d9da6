"""Where an expression of x is zero, in words: "at x = 2", "at x = −1 and x = 1".

A derivation step that has points without a derivative (relu, abs, a root, a jump, a
pole) says where they are in x (contracts.md §5 ``steps``: for ``relu(x - 2)``, "at
x = 2"). The rule says *where u = 0*; this module finds those x: exactly where u is
linear in x (u = a·x + b, parameters at their values), otherwise by sign changes on a
grid refined by bisection in a window around 0, saying so ("in −10 ≤ x ≤ 10").

Numbers are computed with derivview's own tree (:mod:`derivview.model.expr.forward`).
Qt-free and sympy-free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from derivview.model.expr.forward import compile_program, forward
from derivview.model.expr.nodes import Node, Var, walk

__all__ = ["WINDOW", "ZeroSet", "format_x", "zeros"]

WINDOW = (-10.0, 10.0)
"""Where zeros of a non-linear u are looked for."""
MAX_LISTED = 6
_GRID = 4001


class ZeroSet:
    """The zeros of u found, and how: ``exact`` (u linear in x), ``more`` (beyond those
    listed), ``windowed`` (a search in :data:`WINDOW`), ``everywhere`` (u ≡ 0)."""

    def __init__(
        self,
        xs: list[float],
        *,
        exact: bool = False,
        more: bool = False,
        windowed: bool = False,
        everywhere: bool = False,
    ) -> None:
        self.xs = xs
        self.exact = exact
        self.more = more
        self.windowed = windowed
        self.everywhere = everywhere

    def words(self, variable: str = "x") -> str:
        """ "at x = 2", "at x ≈ −1.414 and x ≈ 1.414", "nowhere in −10 ≤ x ≤ 10", ""."""
        if self.everywhere:
            return f"for every {variable}"
        lo, hi = WINDOW
        window = f"{format_x(lo)} ≤ {variable} ≤ {format_x(hi)}"
        if not self.xs:
            return f"nowhere in {window}" if self.windowed else "nowhere"
        eq = "=" if self.exact or all(_is_round(v) for v in self.xs) else "≈"
        values = [format_x(v) for v in self.xs]
        if self.more:
            text = f"at {variable} {eq} {', '.join(values)}, …"
        elif len(values) == 1:
            text = f"at {variable} {eq} {values[0]}"
        else:
            text = f"at {variable} {eq} {', '.join(values[:-1])} and {values[-1]}"
        if self.windowed:
            text += f" (in {window})"
        return text


def _is_round(v: float) -> bool:
    return abs(v - round(v)) < 1e-12 * max(1.0, abs(v))


def format_x(v: float) -> str:
    """A point as people write it: ``2``, ``−1.5``, ``0.3333``, ``1.571``."""
    text = str(round(v)) if _is_round(v) and abs(v) < 1e15 else f"{v + 0.0:.4g}"
    return text.replace("-", "−")


def _depends_on_x(node: Node) -> bool:
    return any(isinstance(n, Var) and n.name == "x" for n in walk(node))


def _values(prog: object, x: np.ndarray, params: Mapping[str, float], order: int) -> tuple:
    with np.errstate(all="ignore"):
        v, d, _ = forward(prog, x, params, order)[0]  # type: ignore[arg-type]
    v = np.broadcast_to(np.asarray(v, dtype=float), x.shape)
    if order:
        d = np.zeros(x.shape) if d is None else np.broadcast_to(np.asarray(d, dtype=float), x.shape)
    return v, d


def zeros(u: Node, params: Mapping[str, float] | None = None) -> ZeroSet:
    """Where u(x) = 0 (parameters at ``params``, default 1)."""
    p = dict(params or {})
    if not _depends_on_x(u):
        return ZeroSet([])
    prog = compile_program([u])
    probe = np.array([-7.3, -2.9, -0.61, 0.0, 0.83, 3.7, 8.1])
    v, d = _values(prog, probe, p, 1)
    if np.all(np.isfinite(v)) and np.all(np.isfinite(d)):
        slope = d[3]
        line = v[3] + slope * probe
        scale = max(1.0, float(np.max(np.abs(v))))
        if np.all(np.abs(line - v) <= 1e-12 * scale) and np.all(d == slope):
            if slope == 0:
                return ZeroSet([], exact=True, everywhere=bool(v[3] == 0))
            return ZeroSet([float(-v[3] / slope) + 0.0], exact=True)
    return _search(prog, p)


def _search(prog: object, params: Mapping[str, float]) -> ZeroSet:
    lo, hi = WINDOW
    x = np.linspace(lo, hi, _GRID)
    v, _ = _values(prog, x, params, 0)
    found: list[float] = list(x[v == 0])
    finite = np.isfinite(v)
    s = np.sign(v)
    change = finite[:-1] & finite[1:] & (s[:-1] * s[1:] < 0)
    a, b = x[:-1][change], x[1:][change]
    fa = v[:-1][change]
    if not a.size:
        return _found(found)
    for _ in range(60):  # bisect every bracket at once
        m = 0.5 * (a + b)
        fm, _ = _values(prog, m, params, 0)
        left = np.sign(fm) == np.sign(fa)
        a = np.where(left, m, a)
        fa = np.where(left, fm, fa)
        b = np.where(left, b, m)
    m = 0.5 * (a + b)
    fm, _ = _values(prog, m, params, 0)
    scale = max(1.0, float(np.nanmax(np.abs(v[finite]))) if finite.any() else 1.0)
    # A sign change across a pole (1/x, tan) is not a zero: |u| stays large there.
    found.extend(float(r) for r, f in zip(m, fm, strict=True) if abs(f) <= 1e-6 * scale)
    return _found(found)


def _found(found: list[float]) -> ZeroSet:
    found = sorted({round(r, 12) + 0.0 for r in found if math.isfinite(r)})
    found = [float(round(r)) if _is_round(r) else r for r in found]
    more = len(found) > MAX_LISTED
    return ZeroSet(found[:MAX_LISTED], more=more, windowed=True)
