"""f, f′ and f″: differentiated symbolically (in a budgeted worker), compiled to numpy.

The pipeline is :func:`analyze`: parse (bounded by the parser's limits) → differentiate in
a :class:`~derivview.model.symbolic_worker.SymbolicWorker` process (killed after ~2 s) →
:func:`compile` with ``lambdify`` in this process (bounded by the size of the
expressions). Changing a parameter's value re-evaluates; it never re-differentiates.

Evaluation contract of :class:`CompiledFunction` (``f``, ``df``, ``d2f``): float64 in,
float64 out, the shape of the input (a Python/numpy scalar gives a 0-d array), NaN outside
the domain, at poles and wherever a value is not finite, never complex, never an
exception for finite input.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp
from numpy.typing import ArrayLike, NDArray

from derivview.model import functions
from derivview.model.points import (
    FloatArray,
    PointInfo,
    PointKind,
    Sites,
    SpecialPoints,
    analyze_point,
    magnitude,
)
from derivview.model.points import special_points as _special_points
from derivview.model.symbolic_worker import (
    Cancelled,
    ComplexityError,
    SymbolicWorker,
    UnsupportedExpression,
    default_worker,
)

if TYPE_CHECKING:
    from derivview.model.expression import Expression

__all__ = [
    "Cancelled",
    "CompiledFunction",
    "ComplexityError",
    "Derivatives",
    "PointInfo",
    "PointKind",
    "SpecialPoints",
    "SymbolicWorker",
    "UnsupportedExpression",
    "X",
    "analyze",
    "compile",
    "differentiate",
    "small_enough_in_process",
]

X = sp.Symbol("x", real=True)
"""The variable (equal to ``expression.X``: same name, same assumptions)."""

MAX_NODES = 6000
"""Largest f + f′ + f″ (in expression-tree nodes) compiled with ``lambdify``.

Beyond a few thousand terms ``lambdify`` raises RecursionError inside ``compile`` (sympy
#24673) and evaluation gets slow; such expressions are refused as too complex.
"""


_MODULES: list[Any] = [functions.NUMPY_FUNCTIONS, "numpy"]


# --------------------------------------------------------------------------------------
# Differentiation (runs in the worker process)


@dataclass(frozen=True)
class Derivatives:
    """f, f′ = d/dx f and f″ = d/dx f′, cleaned for numeric evaluation.

    ``DiracDelta`` terms are dropped (they are zero away from a kink; kinks are reported
    by :meth:`CompiledFunction.point`) and d/dx floor/ceil is 0. ``Heaviside`` stays: it
    evaluates to NaN at 0, where the derivative does not exist.
    """

    expression: Expression
    f: sp.Expr
    df: sp.Expr
    d2f: sp.Expr


def _is_step_derivative(atom: sp.Basic) -> bool:
    """d/dx floor(u) or ceil(u): sympy leaves Derivative(floor(x), x) or, for u ≠ x,
    Subs(Derivative(floor(ξ), ξ), ξ, u)."""
    if isinstance(atom, sp.Subs):
        atom = atom.expr
    return isinstance(atom, sp.Derivative) and isinstance(atom.expr, (sp.floor, sp.ceiling))


def _clean(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta (→ 0) and derivatives of floor/ceiling (→ 0); 1 − σ(u) → σ(−u)."""
    repl: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.DiracDelta, sp.Derivative, sp.Subs):
        if isinstance(atom, sp.DiracDelta) or _is_step_derivative(atom):
            repl[atom] = sp.S.Zero
    # c − c·σ(u) and c − c·tanh(u)² cancel catastrophically: 1 − σ(40) is 0 in float64
    # (truth 4.2e-18), 1 − tanh(10)² keeps 8 digits. c·σ(−u) and c/cosh(u)² keep all.
    for add in expr.atoms(sp.Add):
        better = _complement(add)
        if better is not None:
            repl[add] = better
    return expr.xreplace(repl) if repl else expr


def _complement(add: sp.Add) -> sp.Expr | None:
    """c·σ(−u) for c − c·σ(u); c/cosh(u)² for c − c·tanh(u)²; else None."""
    if len(add.args) != 2:
        return None
    c, term = add.args if add.args[0].is_Number else add.args[::-1]
    if not (c.is_Number and c != 0 and term.is_Mul):
        return None
    coeff, rest = term.as_coeff_Mul()
    if coeff != -c:
        return None
    if isinstance(rest, functions.sigmoid):
        return c * functions.sigmoid(-rest.args[0])
    if isinstance(rest, sp.Pow) and rest.exp == 2 and isinstance(rest.base, sp.tanh):
        return c / sp.cosh(rest.base.args[0]) ** 2
    return None


def _node_count(expr: sp.Basic, limit: int) -> int:
    """Tree size of ``expr``, counting at most ``limit + 1`` nodes."""
    n = 0
    for _ in sp.preorder_traversal(expr):
        n += 1
        if n > limit:
            break
    return n


def differentiate(expression: Expression) -> Derivatives:
    """f′ and f″ of a parsed expression (unbounded time: call it through a worker).

    f″ is d/dx of f′ (faster than ``diff(f, x, 2)`` on products). No ``simplify``: its
    cost is unpredictable and the derivatives sympy returns are already compact enough.
    Raises :class:`ComplexityError` when the result is too large to compile.
    """
    f = expression.expr
    try:
        g = f.replace(sp.Abs, _RealAbs).replace(sp.sign, _RealSign)
        dg = sp.diff(g, X)
        d2g = sp.diff(dg, X)
        df = _clean(dg.replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign))
        d2f = _clean(d2g.replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign))
    except (ComplexityError, RecursionError, MemoryError):
        raise
    except Exception as exc:  # sympy refused (e.g. Heaviside of a provably complex value)
        raise UnsupportedExpression(f"cannot differentiate this expression ({exc})") from None
    _check_size(f, df, d2f)
    return Derivatives(expression, f, df, d2f)


class _RealAbs(sp.Function):
    """|u| on the real line, for differentiation only: d|u|/du = sign(u).

    sympy's Abs differentiates an argument not known to be real (sqrt(x), asin(x), …) as
    (re(u)·re(u)′ + im(u)·im(u)′)/|u|: seconds of work, thousands of terms, and re/im
    that print in no language. derivview works on the real line (elsewhere: NaN).
    """

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return _RealSign(self.args[0])


class _RealSign(sp.Function):
    """sign(u) on the real line, for differentiation only: its derivative 2δ(u) is 0 away
    from u = 0 (the kink itself is reported by ``point``)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


def _check_size(*exprs: sp.Expr) -> None:
    """Refuse expressions too large to lambdify and evaluate in this process."""
    budget = MAX_NODES
    for e in exprs:
        budget -= _node_count(e, budget)
        if budget < 0:
            raise ComplexityError("the derivatives are too large to evaluate")


def warm_up() -> None:
    """Import and exercise sympy's lazy parts once (the first diff/lambdify is slow)."""
    f = X**3 * sp.sin(X) + functions.sigmoid(X) + sp.Abs(X - 1)
    sp.diff(sp.diff(f, X), X)


# --------------------------------------------------------------------------------------
# Compilation and evaluation (in the caller's process)

NumpyFunction = Callable[..., Any]


def _lambdify(args: Sequence[sp.Symbol], expr: sp.Expr | list[sp.Expr]) -> NumpyFunction:
    try:
        return sp.lambdify(args, expr, modules=_MODULES, docstring_limit=0)  # type: ignore[no-any-return]
    except RecursionError:
        raise ComplexityError("the expression is too large to evaluate") from None
    except Exception:
        # Something lambdify cannot print: evaluate to NaN rather than fail.
        return _nan_function


def _nan_function(x: Any, *args: Any) -> float:
    return float("nan")


def _as_real(y: Any, shape: tuple[int, ...], keep_inf: bool = False) -> NDArray[np.float64]:
    """Whatever a lambdified function returned, as a float64 array of ``shape``
    (NaN where not real; ±inf → NaN too unless ``keep_inf``)."""
    try:
        a = np.asarray(y)
        if a.dtype.kind == "c":
            a = np.where(a.imag == 0, a.real, np.nan)
        a = np.asarray(a, dtype=np.float64)
        if a.shape != shape:
            a = np.broadcast_to(a, shape)
        out = np.array(a, dtype=np.float64)  # a writable copy
    except (TypeError, ValueError, OverflowError):
        return np.full(shape, np.nan)
    if not keep_inf:
        out[~np.isfinite(out)] = np.nan
    return out


def _call(
    fn: NumpyFunction, x: FloatArray, args: Sequence[float], keep_inf: bool = False
) -> NDArray[np.float64]:
    with np.errstate(all="ignore"):
        try:
            y = fn(x, *args)
        except Exception:  # e.g. an exotic function numpy lacks: no value, no traceback
            return np.full(x.shape, np.nan)
        return _as_real(y, x.shape, keep_inf)


class CompiledFunction:
    """f, f′ and f″ compiled to vectorized float64 numpy functions.

    ``f(x, params)``, ``df`` and ``d2f`` take an array (or a scalar: the result is then a
    0-d array; ``float()`` it) and a mapping of parameter values (missing names default to
    1.0, unknown names are ignored). Parameters are arguments of the compiled functions,
    so changing one costs an evaluation, not a differentiation.
    """

    def __init__(self, derivatives: Derivatives) -> None:
        _check_size(derivatives.f, derivatives.df, derivatives.d2f)
        self.derivatives = derivatives
        self.expression = derivatives.expression
        self.parameters: tuple[str, ...] = tuple(derivatives.expression.parameters)
        self._symbols = [X, *(sp.Symbol(p, real=True) for p in self.parameters)]
        self._f = _lambdify(self._symbols, derivatives.f)
        self._df = _lambdify(self._symbols, derivatives.df)
        self._d2f = _lambdify(self._symbols, derivatives.d2f)

    # -- texts (computed on first use: they are not needed to draw) ----------------------
    @functools.cached_property
    def f_text(self) -> str:
        """f in the expression language."""
        return _to_text(self.derivatives.f)

    @functools.cached_property
    def df_text(self) -> str:
        """f′ in the expression language (parses back)."""
        return _to_text(self.derivatives.df)

    @functools.cached_property
    def d2f_text(self) -> str:
        """f″ in the expression language (parses back)."""
        return _to_text(self.derivatives.d2f)

    # -- evaluation ------------------------------------------------------------------
    def param_args(self, params: Mapping[str, float] | None = None) -> tuple[float, ...]:
        """Parameter values in the compiled functions' order (default 1.0)."""
        if not self.parameters:
            return ()
        p = params or {}
        return tuple(float(p.get(name, 1.0)) for name in self.parameters)

    def f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f at ``x`` (NaN where undefined or not finite)."""
        return _call(self._f, np.asarray(x, dtype=np.float64), self.param_args(params))

    def df(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f′ at ``x`` (NaN where undefined; NaN at kinks where sympy says Heaviside(0))."""
        return _call(self._df, np.asarray(x, dtype=np.float64), self.param_args(params))

    def d2f(self, x: ArrayLike, params: Mapping[str, float] | None = None) -> NDArray[np.float64]:
        """f″ at ``x`` (NaN where undefined)."""
        return _call(self._d2f, np.asarray(x, dtype=np.float64), self.param_args(params))

    # -- points ----------------------------------------------------------------------
    @functools.cached_property
    def _sites(self) -> Sites:
        # Compiled on first use: drawing f does not need it.
        d = self.derivatives
        return Sites([d.f, d.df], X, self._symbols, _lambdify)

    @functools.cached_property
    def _magnitudes(self) -> NumpyFunction:
        # f′ and f″ with every sum replaced by the sum of absolute values: the size of
        # the terms, against which rounding noise is judged (special_points only).
        d = self.derivatives
        return _lambdify(self._symbols, [magnitude(d.df), magnitude(d.d2f)])

    def prepare(self) -> None:
        """Compile now what ``point``/``special_points`` compile on first use (1–10 ms):
        call it from a background thread so the first drag frame does not pay it."""
        _ = self._sites, self._magnitudes

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
    """f, f′, f″ and the structural sites at fixed parameter values (for points.py)."""

    __slots__ = ("_cf", "args", "sites")

    def __init__(self, cf: CompiledFunction, args: tuple[float, ...]) -> None:
        self._cf = cf
        self.args = args
        self.sites = cf._sites

    def f(self, x: FloatArray) -> FloatArray:
        return _call(self._cf._f, x, self.args)

    def f_raw(self, x: FloatArray) -> FloatArray:
        return _call(self._cf._f, x, self.args, keep_inf=True)

    def magnitudes(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        fn = self._cf._magnitudes
        with np.errstate(all="ignore"):
            try:
                m1, m2 = fn(x, *self.args)
            except Exception:
                return np.full(x.shape, np.nan), np.full(x.shape, np.nan)
        return _as_real(m1, x.shape, keep_inf=True), _as_real(m2, x.shape, keep_inf=True)

    def df(self, x: FloatArray) -> FloatArray:
        return _call(self._cf._df, x, self.args)

    def d2f(self, x: FloatArray) -> FloatArray:
        return _call(self._cf._d2f, x, self.args)


def _to_text(expr: sp.Expr) -> str:
    from derivview.model.expression import to_text

    try:
        return to_text(expr)
    except ValueError:  # a structure the language cannot write: show sympy's form
        return str(expr)


def compile(derivatives: Derivatives) -> CompiledFunction:
    """Compile f, f′, f″ to numpy (raises ComplexityError for oversized expressions)."""
    return CompiledFunction(derivatives)


def analyze(
    text: str, worker: SymbolicWorker | None = None, timeout: float | None = None
) -> CompiledFunction:
    """Parse ``text``, differentiate it (budget ``timeout`` s), compile.

    The one call the command line and the GUI's background thread use. Raises
    ``ExpressionError`` (invalid text) or :class:`ComplexityError` (over budget). The
    differentiation runs in ``worker`` (``None``: a shared process-wide worker, started on
    first use), except for tiny expressions (see :func:`small_enough_in_process`), which
    are differentiated here: a round trip to the worker would cost more than the work.
    """
    from derivview.model.expression import parse

    if worker is not None:
        worker.start()  # boots in parallel with the parse when it is not running yet
    expression = parse(text)
    if small_enough_in_process(expression.expr):
        derivatives = differentiate(expression)
    else:
        w = default_worker() if worker is None else worker
        derivatives = w.differentiate(expression, timeout=timeout)
    return compile(derivatives)


_IN_PROCESS_FUNCTIONS = (
    sp.sin, sp.cos, sp.tan, sp.sec, sp.csc, sp.cot, sp.asin, sp.acos, sp.atan,
    sp.sinh, sp.cosh, sp.tanh, sp.exp, sp.log, sp.Abs, sp.sign,
    functions.sigmoid, functions.softplus, functions.relu, functions.cbrt,
)  # fmt: skip
_IN_PROCESS_NODES = 8
_IN_PROCESS_DEPTH = 3


def small_enough_in_process(expr: sp.Expr) -> bool:
    """Whether differentiating ``expr`` here is safe: at most 8 nodes, at most 3 nested
    functions, all from a list with cheap derivatives (no max/min/floor/ceil), numeric
    exponents small rationals.

    Measured on all 12,473 such expressions built from the language's functions (chains
    of 3, pairs under + * / ^, x^x^x^x, …), cache cleared, on a loaded 2-core machine:
    median 11 ms, worst 0.18 s — Python-level work that lets the GIL go every 5 ms, so the
    GUI keeps painting. Size alone is no bound (max of 8 arguments: 20 nodes, 0.6 s), and
    a big-integer power would hold the GIL: hence the list and the exponent limit.
    """
    count = 0
    stack: list[tuple[sp.Basic, int]] = [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > _IN_PROCESS_NODES:
            return False
        if node.is_Symbol or node.is_NumberSymbol:
            continue
        if node.is_Number:
            if not (node.is_Rational and abs(node.p) <= 10**6 and node.q <= 10**6):
                return False
            continue
        if isinstance(node, sp.Pow):
            e = node.exp
            if e.is_Number and not (e.is_Rational and abs(e.p) <= 12 and e.q <= 12):
                return False
        elif isinstance(node, _IN_PROCESS_FUNCTIONS):
            depth += 1
            if depth > _IN_PROCESS_DEPTH:
                return False
        elif not isinstance(node, (sp.Add, sp.Mul)):
            return False
        stack.extend((a, depth) for a in node.args)
    return True
