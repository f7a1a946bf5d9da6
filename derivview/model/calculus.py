"""f, f′ and f″ as numbers, from derivview's own tree: parse, compile, evaluate.

:func:`analyze` parses a text and compiles its tree (bounded by the parser's limits:
about a millisecond for a typical input, a few for the longest) into a
:class:`CompiledFunction`. Every number — values, derivatives, one-sided derivatives and
kinds of points, special points — comes from second-order forward-mode automatic
differentiation of the tree as typed (:mod:`derivview.model.expr.forward`): no computer
algebra, no worker process, no waiting. Nothing here imports sympy; the printed formulas
of f′ and f″ come from :mod:`derivview.model.formulas`.

Evaluation contract of :class:`CompiledFunction` (``f``, ``df``, ``d2f``): float64 in,
float64 out, the shape of the input (a Python/numpy scalar gives a 0-d array), NaN outside
the domain, at poles, where a derivative does not exist and wherever a value is not
finite; never complex, never an exception for finite input. ``evaluate_raw`` keeps ±inf
where a defined value overflows float64 ("too large to represent").
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from derivview.model.errors import (
    Cancelled,
    ComplexityError,
    ExpressionError,
    UnsupportedExpression,
)
from derivview.model.expr import Expression, parse, to_text
from derivview.model.expr.forward import Program, compile_program, forward, magnitudes
from derivview.model.expr.sites import Sites
from derivview.model.points import (
    FloatArray,
    PointInfo,
    PointKind,
    SpecialPoints,
    analyze_point,
)
from derivview.model.points import special_points as _special_points

__all__ = [
    "Cancelled",
    "CompiledFunction",
    "ComplexityError",
    "ExpressionError",
    "PointInfo",
    "PointKind",
    "SpecialPoints",
    "UnsupportedExpression",
    "analyze",
    "compile",
]

#: Arrays at least this long are evaluated to second order at once (the plot asks for f,
#: f′ and f″ of the same samples in turn: one pass instead of three).
EAGER_SIZE = 512


def _shaped(v: Any, shape: tuple[int, ...], keep_inf: bool) -> NDArray[np.float64]:
    """A new float64 array of ``shape`` (NaN where not finite unless ``keep_inf``)."""
    a = np.asarray(v, dtype=np.float64)
    a = a.copy() if keep_inf else np.where(np.isinf(a), np.nan, a)
    if a.shape != shape:
        a = np.array(np.broadcast_to(a, shape))
    return a


class CompiledFunction:
    """f, f′ and f″ of a parsed expression, as vectorized float64 functions.

    ``f(x, params)``, ``df`` and ``d2f`` take an array (or a scalar: the result is then a
    0-d array; ``float()`` it) and a mapping of parameter values (missing names default to
    1.0, unknown names are ignored). Changing a parameter costs an evaluation, nothing
    else. ``point`` and ``special_points`` analyse f at a point and in a range.
    """

    def __init__(self, expression: Expression) -> None:
        self.expression = expression
        self.parameters: tuple[str, ...] = tuple(expression.parameters)
        self.program: Program = compile_program([expression.tree])
        self._cache: tuple[NDArray[np.float64], tuple[float, ...], int, list[Any]] | None = None

    # -- text ------------------------------------------------------------------------
    @functools.cached_property
    def f_text(self) -> str:
        """f in the expression language, as typed (no simplification): parses back."""
        return to_text(self.expression.tree)

    # -- evaluation ------------------------------------------------------------------
    def param_args(self, params: Mapping[str, float] | None = None) -> tuple[float, ...]:
        """Parameter values in ``parameters`` order (default 1.0)."""
        if not self.parameters:
            return ()
        p = params or {}
        return tuple(float(p.get(name, 1.0)) for name in self.parameters)

    def _triple(self, x: NDArray[np.float64], args: tuple[float, ...], order: int) -> list[Any]:
        """(f, f′, f″) raw (inf kept, None for identically zero), cached for the last x."""
        c = self._cache
        if (
            c is not None
            and c[2] >= order
            and c[1] == args
            and c[0].shape == x.shape
            and (c[0] is x or np.array_equal(c[0], x))
        ):
            return c[3]
        if x.size >= EAGER_SIZE:
            order = 2
        params = dict(zip(self.parameters, args, strict=True))
        with np.errstate(all="ignore"):
            try:
                triple = list(forward(self.program, x, params, order)[0])
            except (ArithmeticError, ValueError, TypeError):  # never raise for a number
                triple = [np.full(x.shape, np.nan)] * 3
            # Where f is undefined, so are its derivatives (a NaN constant or parameter
            # has a derivative that is structurally 0: sqrt(a) + x with a = -1).
            undefined = np.isnan(triple[0])
            if np.any(undefined):
                for k in (1, 2):
                    if triple[k] is not None:
                        triple[k] = np.where(undefined, np.nan, triple[k])
        self._cache = (x.copy(), args, order, triple)
        return triple

    def evaluate_raw(
        self, x: ArrayLike, params: Mapping[str, float] | None = None, order: int = 2
    ) -> tuple[NDArray[np.float64], ...]:
        """(f, f′, f″) up to ``order``, shaped like x: NaN where undefined, ±inf where a
        defined value overflows float64."""
        xa = np.asarray(x, dtype=np.float64)
        tri = self._triple(xa, self.param_args(params), order)
        return tuple(self._part(tri, k, xa.shape, True) for k in range(order + 1))

    def evaluate(
        self, x: ArrayLike, params: Mapping[str, float] | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """f, f′ and f″ at x in one pass (NaN where undefined or not finite)."""
        xa = np.asarray(x, dtype=np.float64)
        tri = self._triple(xa, self.param_args(params), 2)
        f, d, d2 = (self._part(tri, k, xa.shape, False) for k in range(3))
        return f, d, d2

    @staticmethod
    def _part(tri: list[Any], k: int, shape: tuple[int, ...], keep_inf: bool) -> Any:
        v = tri[k]
        if v is None:  # identically zero, but undefined where f is
            f = np.broadcast_to(np.asarray(tri[0], dtype=np.float64), shape)
            return np.where(np.isnan(f), np.nan, 0.0)
        return _shaped(v, shape, keep_inf)

    def _one(self, x: ArrayLike, params: Mapping[str, float] | None, k: int) -> Any:
        xa = np.asarray(x, dtype=np.float64)
        tri = self._triple(xa, self.param_args(params), k)
        return self._part(tri, k, xa.shape, False)

    def f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f at ``x`` (NaN where undefined or not finite)."""
        return self._one(x, params, 0)  # type: ignore[no-any-return]

    def df(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f′ at ``x`` (NaN where undefined, and where f has no derivative)."""
        return self._one(x, params, 1)  # type: ignore[no-any-return]

    def d2f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f″ at ``x`` (NaN where undefined)."""
        return self._one(x, params, 2)  # type: ignore[no-any-return]

    # -- points ----------------------------------------------------------------------
    @functools.cached_property
    def sites(self) -> Sites:
        """Where f′ may not exist, read off the tree (see :mod:`derivview.model.expr.sites`)."""
        return Sites(self.expression.tree, self.parameters)

    def prepare(self) -> None:
        """Compile now what ``point``/``special_points`` compile on first use."""
        _ = self.sites

    def _evaluators(self, args: Sequence[float]) -> _Evaluators:
        return _Evaluators(self, tuple(args))

    def point(self, x0: float, params: Mapping[str, float] | None = None) -> PointInfo:
        """Everything about f at ``x0``: values, one-sided derivatives, kind and a reason."""
        return analyze_point(self._evaluators(self.param_args(params)), float(x0))

    def special_points(
        self, a: float, b: float, params: Mapping[str, float] | None = None
    ) -> SpecialPoints:
        """Critical, inflection and non-differentiable points in [a, b] (see points.py)."""
        return _special_points(self._evaluators(self.param_args(params)), float(a), float(b))

    def nondifferentiable_points(
        self, a: float, b: float, params: Mapping[str, float] | None = None
    ) -> list[float]:
        """Every x in [a, b] where f′ does not exist (poles and jumps included)."""
        ev = self._evaluators(self.param_args(params))
        return _special_points(
            ev, float(a), float(b), only_nondifferentiable=True
        ).nondifferentiable

    def __repr__(self) -> str:
        return f"CompiledFunction({self.expression.text!r})"


class _Evaluators:  # implements points.Evaluators
    """f, f′, f″, their magnitudes and the sites at fixed parameter values."""

    __slots__ = ("_cf", "args", "sites")

    def __init__(self, cf: CompiledFunction, args: tuple[float, ...]) -> None:
        self._cf = cf
        self.args = args
        self.sites = cf.sites

    def _params(self) -> dict[str, float]:
        return dict(zip(self._cf.parameters, self.args, strict=True))

    def f(self, x: FloatArray) -> FloatArray:
        return self._cf.f(x, self._params())

    def f_raw(self, x: FloatArray) -> FloatArray:
        return self._cf.evaluate_raw(x, self._params(), 0)[0]

    def raw(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        f, d, d2 = self._cf.evaluate_raw(x, self._params(), 2)
        return f, d, d2

    def all(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        return self._cf.evaluate(x, self._params())

    def df(self, x: FloatArray) -> FloatArray:
        return self._cf.df(x, self._params())

    def d2f(self, x: FloatArray) -> FloatArray:
        return self._cf.d2f(x, self._params())

    def magnitudes(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        prog = self._cf.program
        with np.errstate(all="ignore"):
            try:
                regs = forward(prog, x, self._params(), 2, keep=True)
                _, m1, m2 = magnitudes(prog, regs)[0]
            except (ArithmeticError, ValueError, TypeError):
                return np.full(x.shape, np.nan), np.full(x.shape, np.nan)
        zero = np.zeros(x.shape)
        return (
            _shaped(zero if m1 is None else m1, x.shape, True),
            _shaped(zero if m2 is None else m2, x.shape, True),
        )


def compile(expression: Expression) -> CompiledFunction:
    """Compile a parsed expression (cheap: linear in its size)."""
    return CompiledFunction(expression)


def analyze(text: str) -> CompiledFunction:
    """Parse ``text`` and compile it; raises ``ExpressionError`` for invalid text."""
    return CompiledFunction(parse(text))
