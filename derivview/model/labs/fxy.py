"""f(x, y) from derivview's own tree: values on grids and lines, ∇f and the Hessian at points.

contracts.md §6: with ``variables=("x", "y")`` the language is the same, ``y`` a second
variable. Every number comes from the tree's vectorized forward mode
(:mod:`derivview.model.expr.multi`): f, the gradient and the Hessian in one pass. NaN
(outside the domain, where a derivative does not exist) becomes ``None`` at a point;
on grids it stays NaN (the heat map leaves it transparent).

:class:`XyFunction` is the compiled function; :meth:`XyFunction.bind` fixes the
parameter values and gives the object :mod:`derivview.model.labs.descent2d` runs on
(``value``, ``gradient``, ``hessian``; one forward pass per point, cached).
Qt-free.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from derivview.model.expr import parse
from derivview.model.expr.forward import Program, compile_program
from derivview.model.expr.multi import forward_multi
from derivview.model.labs.descent2d import Kind, Mat, Vec, classify, eigenvalues

__all__ = [
    "PRESETS",
    "VARIABLES",
    "BoundXy",
    "XyFunction",
    "XyPoint",
    "XyPreset",
]

VARIABLES = ("x", "y")
#: |∇f| below this counts as zero when naming the kind of a point (as in ``descend``).
KIND_TOL = 1e-8


@dataclass(frozen=True)
class XyPreset:
    """A function offered in the f(x, y) presets menu, with a view that shows it well."""

    label: str
    expr: str
    point: Vec
    x_range: Vec
    y_range: Vec
    note: str


PRESETS: tuple[XyPreset, ...] = (
    XyPreset(
        "Bowl", "x^2 + y^2", (1.5, 1.0), (-3.0, 3.0), (-3.0, 3.0),
        "round level circles: −∇f points straight at the minimum",
    ),
    XyPreset(
        "Elongated bowl", "x^2 + 10y^2", (2.5, 0.8), (-3.0, 3.0), (-1.5, 1.5),
        "curvature 2 along x, 20 along y: gradient descent zig-zags across the valley",
    ),
    XyPreset(
        "Saddle x² − y²", "x^2 - y^2", (1.0, 0.5), (-2.0, 2.0), (-2.0, 2.0),
        "∇f = 0 at the origin, but it is a saddle: f rises along x and falls along y",
    ),
    XyPreset(
        "Rosenbrock", "(1 - x)^2 + 100(y - x^2)^2", (-1.2, 1.0), (-2.0, 2.0), (-1.0, 3.0),
        "a curved, flat-bottomed valley: the minimum (1, 1) is easy to see, hard to reach",
    ),
    XyPreset(
        "Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (0.0, 0.0), (-5.0, 5.0), (-5.0, 5.0),
        "four minima, four saddles and a maximum: where a run ends depends on where it starts",
    ),
    XyPreset(
        "ReLU ridge", "relu(x + y) + 0.1(x^2 + y^2)", (2.0, 1.0), (-3.0, 3.0), (-3.0, 3.0),
        "a crease along x + y = 0 where ∇f does not exist, as at ReLU's corner",
    ),
)  # fmt: skip


@dataclass(frozen=True)
class XyPoint:
    """f, ∇f and the Hessian at (x, y); ``None`` where undefined or not finite."""

    x: float
    y: float
    f: float | None
    gradient: Vec | None
    hessian: Mat | None

    @property
    def norm(self) -> float | None:
        """|∇f| (Euclidean), or None."""
        return None if self.gradient is None else math.hypot(*self.gradient)

    @property
    def eigenvalues(self) -> Vec | None:
        """The Hessian's eigenvalues, ascending, or None."""
        return None if self.hessian is None else eigenvalues(self.hessian)

    @property
    def kind(self) -> Kind | None:
        """contracts.md §6: regular, minimum, maximum, saddle or degenerate; None where f
        or ∇f does not exist."""
        if self.f is None or self.gradient is None:
            return None
        return classify(self.gradient, self.hessian, KIND_TOL)


def _float(v: Any) -> float | None:
    f = float(v)
    return f if math.isfinite(f) else None


def _dense(a: Any, like: Any) -> Any:
    """A derivative part as a float array shaped like ``like`` (None is identically 0)."""
    if a is None:
        return np.zeros(np.shape(like))
    return np.broadcast_to(np.asarray(a, dtype=float), np.shape(like))


class XyFunction:
    """f(x, y) compiled once; evaluate it on grids, lines and points.

    ``expression`` is the parsed text (its ``parameters`` are the letters other than x,
    y and e); parameter values not given are 1.
    """

    def __init__(self, expression: Any) -> None:
        if tuple(expression.variables) != VARIABLES:
            raise ValueError("an f(x, y) needs an expression parsed with variables x and y")
        self.expression = expression
        self.program: Program = compile_program([expression.tree], VARIABLES)
        self.parameters: tuple[str, ...] = tuple(expression.parameters)

    @classmethod
    def from_text(cls, text: str) -> XyFunction:
        """Parse and compile ``text`` (raises ExpressionError with its column)."""
        return cls(parse(text, variables=VARIABLES))

    @property
    def text(self) -> str:
        """The expression as typed."""
        return str(self.expression.text)

    def _params(self, params: Mapping[str, float] | None) -> dict[str, float]:
        p = dict(params or {})
        return {name: float(p.get(name, 1.0)) for name in self.parameters}

    def values(self, xs: Any, ys: Any, params: Mapping[str, float] | None = None) -> np.ndarray:
        """f at the points (xs, ys) (arrays that broadcast): NaN where undefined, ±inf
        where a defined value overflows."""
        x = np.asarray(xs, dtype=float)
        y = np.asarray(ys, dtype=float)
        shape = np.broadcast_shapes(x.shape, y.shape)
        with np.errstate(all="ignore"):
            v = forward_multi(self.program, {"x": x, "y": y}, self._params(params), 0)[0][0]
        return np.array(np.broadcast_to(np.asarray(v, dtype=float), shape))

    def grid(self, xs: Any, ys: Any, params: Mapping[str, float] | None = None) -> np.ndarray:
        """f on the grid of ``xs`` (columns) by ``ys`` (rows): shape (len(ys), len(xs))."""
        x = np.asarray(xs, dtype=float)[np.newaxis, :]
        y = np.asarray(ys, dtype=float)[:, np.newaxis]
        return self.values(x, y, params)

    def jets(
        self, xs: Any, ys: Any, params: Mapping[str, float] | None = None
    ) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray], np.ndarray]:
        """f, (∂f/∂x, ∂f/∂y) and the Hessian entries (hxx, hxy, hyy) stacked on the last
        axis, as arrays shaped like the broadcast inputs; NaN where undefined (where f is)."""
        x = np.asarray(xs, dtype=float)
        y = np.asarray(ys, dtype=float)
        with np.errstate(all="ignore"):
            v, g, h = forward_multi(self.program, {"x": x, "y": y}, self._params(params), 2)[0]
            f = np.array(np.broadcast_to(np.asarray(v, dtype=float), np.broadcast_shapes(
                x.shape, y.shape)))  # fmt: skip
            bad = np.isnan(f)
            gx, gy = (np.where(bad, np.nan, _dense(c, f)) for c in g)
            hh = np.stack([np.where(bad, np.nan, _dense(c, f)) for c in h], axis=-1)
        return f, (gx, gy), hh

    def at(self, x: float, y: float, params: Mapping[str, float] | None = None) -> XyPoint:
        """f, ∇f and the Hessian at one point (one forward pass)."""
        f, (gx, gy), hh = self.jets(np.float64(x), np.float64(y), params)
        fv = _float(f)
        g = (_float(gx), _float(gy))
        hxx, hxy, hyy = (_float(v) for v in hh.reshape(-1))
        gradient = None if fv is None or None in g else (g[0], g[1])
        hessian = (
            None if gradient is None or None in (hxx, hxy, hyy) else ((hxx, hxy), (hxy, hyy))  # type: ignore[arg-type]
        )
        return XyPoint(float(x), float(y), fv, gradient, hessian)  # type: ignore[arg-type]

    def bind(self, params: Mapping[str, float] | None = None) -> BoundXy:
        """The function at these parameter values, for the optimizers."""
        return BoundXy(self, self._params(params))


class BoundXy:
    """f(x, y) at fixed parameter values: ``value``, ``gradient``, ``hessian`` as Python
    floats (None where undefined), the protocol of :mod:`derivview.model.labs.descent2d`.

    An optimizer asks for all three at each iterate: the last point's forward pass is
    kept, so they cost one pass.
    """

    def __init__(self, function: XyFunction, params: Mapping[str, float]) -> None:
        self.function = function
        self.params = dict(params)
        self._last: XyPoint | None = None

    def point(self, x: float, y: float) -> XyPoint:
        """Everything at (x, y) (cached for the last point asked)."""
        last = self._last
        if last is None or last.x != x or last.y != y:
            last = self._last = self.function.at(x, y, self.params)
        return last

    def value(self, x: float, y: float) -> float | None:
        return self.point(x, y).f

    def gradient(self, x: float, y: float) -> Vec | None:
        return self.point(x, y).gradient

    def hessian(self, x: float, y: float) -> Mat | None:
        return self.point(x, y).hessian
