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
from derivview.model.expr.forward import Program, Triple, compile_program, forward, magnitudes
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
        self._cache: tuple[NDArray[np.float64], tuple[float, ...], int, Triple] | None = None

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

    @np.errstate(all="ignore")  # as a decorator: half the cost of a `with` block per call
    def _run(self, x: NDArray[np.float64], args: tuple[float, ...], order: int) -> Triple:
        """The forward pass: (f, f′, f″) raw — inf kept, None for identically zero."""
        params = dict(zip(self.parameters, args, strict=True)) if args else None
        try:
            return forward(self.program, x, params, order)[0]
        except (ArithmeticError, ValueError, TypeError):  # never raise for a number
            nan = np.full(x.shape, np.nan)
            return nan, nan, nan

    def _triple(self, x: NDArray[np.float64], args: tuple[float, ...], order: int) -> Triple:
        """:meth:`_run`, cached for the last x (the plot asks for f, f′, f″ in turn)."""
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
        triple = self._run(x, args, order)
        self._cache = (x.copy(), args, order, triple)
        return triple

    @staticmethod
    def _parts(
        tri: Triple, x: NDArray[np.float64], order: int, keep_inf: bool, fresh: bool
    ) -> tuple[NDArray[np.float64], ...]:
        """The first ``order + 1`` parts as new float64 arrays shaped like x.

        ``fresh``: the arrays come from a pass of their own (no cache holds them), so
        only those aliasing x or each other are copied.
        """
        shape = x.shape
        ndarray = np.ndarray
        out: list[NDArray[np.float64]] = []
        for k in range(order + 1):
            v = tri[k]
            if type(v) is ndarray and v.shape == shape:  # the usual case first
                if not fresh or v is x or (k and (v is tri[0] or (k == 2 and v is tri[1]))):
                    v = v.copy()
            elif v is None:  # identically zero, but undefined where f is
                v = np.where(np.isnan(out[0]), np.nan, 0.0)
            elif type(v) is ndarray:
                v = np.full(shape, v, dtype=np.float64)
            else:  # a number: the same everywhere (np.full, without its Python wrapping)
                a = np.empty(shape)
                a.fill(v)
                v = a
            if not keep_inf and np.isinf(v).any():
                v[np.isinf(v)] = np.nan
            out.append(v)
        return tuple(out)

    def evaluate_raw(
        self, x: ArrayLike, params: Mapping[str, float] | None = None, order: int = 2
    ) -> tuple[NDArray[np.float64], ...]:
        """(f, f′, f″) up to ``order`` in one pass, shaped like x: NaN where undefined
        or where a derivative does not exist, ±inf where a defined value overflows."""
        xa = np.asarray(x, dtype=np.float64)
        tri = self._run(xa, self.param_args(params), order)
        return self._parts(tri, xa, order, True, True)

    def evaluate(
        self, x: ArrayLike, params: Mapping[str, float] | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """f, f′ and f″ at x in one pass (NaN where undefined or not finite)."""
        xa = np.asarray(x, dtype=np.float64)
        tri = self._run(xa, self.param_args(params), 2)
        f, d, d2 = self._parts(tri, xa, 2, False, True)
        return f, d, d2

    def _one(self, x: ArrayLike, params: Mapping[str, float] | None, k: int) -> Any:
        xa = np.asarray(x, dtype=np.float64)
        tri = self._triple(xa, self.param_args(params), k)
        v = tri[k]
        if type(v) is np.ndarray and v.shape == xa.shape:  # the usual case: part k alone
            v = v.copy()  # the cache keeps its own
            inf = np.isinf(v)
            if inf.any():
                v[inf] = np.nan
            return v
        return self._parts(tri, xa, k, False, False)[k]

    def f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f at ``x`` (NaN where undefined or not finite)."""
        return self._one(x, params, 0)  # type: ignore[no-any-return]

    def df(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f′ at ``x`` (NaN where undefined, and where f has no derivative)."""
        return self._one(x, params, 1)  # type: ignore[no-any-return]

    def d2f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f″ at ``x`` (NaN where undefined)."""
        return self._one(x, params, 2)  # type: ignore[no-any-return]

    def magnitudes(
        self, x: ArrayLike, params: Mapping[str, float] | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """The size of the terms of f, f′ and f″ at x (every sum taken as the sum of the
        absolute values of its terms): the scale of their rounding noise."""
        xa = np.asarray(x, dtype=np.float64)
        return self._evaluators(self.param_args(params)).term_sizes(xa)

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
        _, m1, m2 = self.term_sizes(x)
        return m1, m2

    def term_sizes(self, x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        prog = self._cf.program
        with np.errstate(all="ignore"):
            try:
                regs = forward(prog, x, self._params(), 2, keep=True)
                sizes = magnitudes(prog, regs)[0]
            except (ArithmeticError, ValueError, TypeError):
                nan = np.full(x.shape, np.nan)
                return nan, nan, nan
        m0, m1, m2 = (
            np.zeros(x.shape) if m is None else np.broadcast_to(np.asarray(m, float), x.shape)
            for m in sizes
        )
        return m0, m1, m2


def compile(expression: Expression) -> CompiledFunction:
    """Compile a parsed expression (cheap: linear in its size)."""
    return CompiledFunction(expression)


def analyze(text: str) -> CompiledFunction:
    """Parse ``text`` and compile it; raises ``ExpressionError`` for invalid text."""
    return CompiledFunction(parse(text))
