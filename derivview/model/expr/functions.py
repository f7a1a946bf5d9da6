"""The function table: each function of the language described once.

For every function: its names, arity and one-line signature (tooltips, completers); its
numpy value and first and second derivatives in numerically stable forms (``numeric``);
where it may have no derivative (``site``: the kink sites that ``points.py`` examines);
the rule of contracts.md §5 ``steps`` it takes and its derivative as a template in the
expression language (``cos(u)``, ``sigmoid(u)(1 - sigmoid(u))``); and what it says about
points without a derivative. The sympy form lives in the bridge module
(:mod:`derivview.model.expr.sympy_bridge`), keyed by the same canonical names.

``numeric(u, order)`` returns ``(g(u), g′(u), g″(u))`` (the derivatives ``None`` when
``order`` is 0) for a float64 array or scalar ``u``, under ``np.errstate(all="ignore")``
set by the caller. The real domain is exact: NaN outside it and wherever the derivative
does not exist (ln 0, sqrt′(0), |u|′ at 0, floor′ at integers, relu′(0)); ±inf only where a
defined value overflows. Never complex, never an exception.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

__all__ = [
    "FUNCTIONS",
    "FunctionSpec",
    "SiteKind",
    "at_trig_zero",
    "lookup",
    "of_a_constant",
    "zero_site",
]

Array = Any  # a float64 ndarray or numpy scalar
Triple = tuple[Array, Array | None, Array | None]
SiteKind = Literal["zero", "integer", "cos", "sin", "unit"]

NAN = np.nan
LN2 = float(np.log(2.0))
LN10 = float(np.log(10.0))


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the language (see the module docstring)."""

    name: str
    """Canonical name: what the printer writes and the nodes carry."""
    aliases: tuple[str, ...]
    min_args: int
    max_args: int | None  # None: any number
    signature: str
    rule: str
    """The rule name of contracts.md §5 ``steps`` for d/du of this function."""
    derivative: str | None
    """d/du as a template in the language, in ``u`` (``None``: n-ary, see the note)."""
    note: str
    """Where it has no derivative, in words ("" when it always has one)."""
    site: SiteKind | None
    """Where f′ may fail to exist: u = 0, u ∈ ℤ, cos u = 0, sin u = 0, u = ±1."""
    numeric: Callable[[Array, int], Triple] | None
    """Value and derivatives of a one-argument function (None for log/max/min)."""

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


# --- helpers --------------------------------------------------------------------------


def _where_positive(u: Array) -> Array:
    """u where u > 0, NaN elsewhere (the domain of ln, with ln 0 undefined, not -inf)."""
    return np.where(u > 0, u, NAN)


def _zero_nan_at_zero(u: Array) -> Array:
    """0 everywhere except NaN where u = 0 (or u is NaN): 0/|u|."""
    return 0.0 / np.abs(u)


def _nan_at_zero(q: Array, u: Array) -> Array:
    """q with NaN where u == 0 (reciprocals: 1/0 is a pole, never inf)."""
    return np.where(u == 0, NAN, q)


# --- the functions --------------------------------------------------------------------


def _sin(u: Array, order: int) -> Triple:
    v = np.sin(u)
    if not order:
        return v, None, None
    return v, np.cos(u), -v


def _cos(u: Array, order: int) -> Triple:
    v = np.cos(u)
    if not order:
        return v, None, None
    return v, -np.sin(u), -v


def _tan(u: Array, order: int) -> Triple:
    v = np.tan(u)
    if not order:
        return v, None, None
    g1 = 1.0 + v * v
    return v, g1, 2.0 * v * g1


def _sec(u: Array, order: int) -> Triple:
    c = np.cos(u)
    v = _nan_at_zero(1.0 / c, c)
    if not order:
        return v, None, None
    t = np.sin(u) * v
    g1 = v * t
    return v, g1, v * (t * t + v * v)


def _csc(u: Array, order: int) -> Triple:
    s = np.sin(u)
    v = _nan_at_zero(1.0 / s, s)
    if not order:
        return v, None, None
    ct = np.cos(u) * v
    g1 = -v * ct
    return v, g1, v * (ct * ct + v * v)


def _cot(u: Array, order: int) -> Triple:
    s = np.sin(u)
    r = _nan_at_zero(1.0 / s, s)
    v = np.cos(u) * r
    if not order:
        return v, None, None
    g1 = -r * r
    return v, g1, -2.0 * v * g1


def _asin(u: Array, order: int) -> Triple:
    v = np.arcsin(u)
    if not order:
        return v, None, None
    q = (1.0 - u) * (1.0 + u)
    g1 = np.sqrt(q) / q  # 0/0 = NaN at u = ±1: no derivative there
    return v, g1, u * g1 / q


def _acos(u: Array, order: int) -> Triple:
    v = np.arccos(u)
    if not order:
        return v, None, None
    q = (1.0 - u) * (1.0 + u)
    g1 = np.sqrt(q) / q
    return v, -g1, -u * g1 / q


def _atan(u: Array, order: int) -> Triple:
    v = np.arctan(u)
    if not order:
        return v, None, None
    g1 = 1.0 / (1.0 + u * u)
    return v, g1, -2.0 * u * g1 * g1


def _sinh(u: Array, order: int) -> Triple:
    v = np.sinh(u)
    if not order:
        return v, None, None
    return v, np.cosh(u), v


def _cosh(u: Array, order: int) -> Triple:
    v = np.cosh(u)
    if not order:
        return v, None, None
    return v, np.sinh(u), v


def _tanh(u: Array, order: int) -> Triple:
    v = np.tanh(u)
    if not order:
        return v, None, None
    # 1 - tanh² cancels (0 at u = 20, the truth 1.7e-17); sech² = 4z/(1 + z)² with
    # z = e^(-2|u|) keeps every digit, and costs one exp (cosh would cost more).
    z = np.exp(-2.0 * np.abs(u))
    w = 1.0 + z
    g1 = 4.0 * z / (w * w)
    return v, g1, -2.0 * v * g1


def _exp(u: Array, order: int) -> Triple:
    v = np.exp(u)
    return (v, v, v) if order else (v, None, None)


def _ln(u: Array, order: int) -> Triple:
    p = _where_positive(u)
    v = np.log(p)
    if not order:
        return v, None, None
    g1 = 1.0 / p
    return v, g1, -g1 * g1


def _log2(u: Array, order: int) -> Triple:
    p = _where_positive(u)
    v = np.log2(p)  # exact at powers of 2
    if not order:
        return v, None, None
    r = 1.0 / p
    return v, r / LN2, -r * r / LN2


def _log10(u: Array, order: int) -> Triple:
    p = _where_positive(u)
    v = np.log10(p)
    if not order:
        return v, None, None
    r = 1.0 / p
    return v, r / LN10, -r * r / LN10


def _sqrt(u: Array, order: int) -> Triple:
    v = np.sqrt(u)
    if not order:
        return v, None, None
    g1 = 0.5 * v / u  # 0/0 = NaN at u = 0: the edge of the domain has no derivative
    return v, g1, -0.5 * g1 / u


def _cbrt(u: Array, order: int) -> Triple:
    v = np.cbrt(u)
    if not order:
        return v, None, None
    g1 = v / (3.0 * u)  # = 1/(3 cbrt(u)²); NaN at 0 (a vertical tangent)
    return v, g1, (-2.0 / 3.0) * g1 / u


def _abs(u: Array, order: int) -> Triple:
    v = np.abs(u)
    if not order:
        return v, None, None
    g1 = u / v  # ±1, and 0/0 = NaN at the corner
    return v, g1, 0.0 * g1


def _sign(u: Array, order: int) -> Triple:
    v = np.sign(u)
    if not order:
        return v, None, None
    g1 = _zero_nan_at_zero(u)
    return v, g1, g1


def _floor(u: Array, order: int) -> Triple:
    v = np.floor(u)
    if not order:
        return v, None, None
    g1 = 0.0 / (u - v)  # NaN at integers: a jump
    return v, g1, g1


def _ceil(u: Array, order: int) -> Triple:
    v = np.ceil(u)
    if not order:
        return v, None, None
    g1 = 0.0 / (v - u)
    return v, g1, g1


def _sigmoid_parts(u: Array) -> tuple[Array, Array]:
    """(σ(|u|), σ(-|u|)): exp of a non-positive number only, so no overflow, no inf/inf."""
    z = np.exp(-np.abs(u))
    r = 1.0 / (1.0 + z)
    return r, z * r


def _sigmoid(u: Array, order: int) -> Triple:
    big, small = _sigmoid_parts(u)
    v = np.where(u >= 0, big, small)
    if not order:
        return v, None, None
    # σ′ = σ(u)σ(-u) (never exp(-u)/(1 + exp(-u))², inf/inf at u = -1000); symmetric in u.
    g1 = big * small
    return v, g1, g1 * (1.0 - 2.0 * v)


def _softplus(u: Array, order: int) -> Triple:
    z = np.exp(-np.abs(u))
    v = np.maximum(u, 0.0) + np.log1p(z)  # ln(1 + e^u) without overflow
    if not order:
        return v, None, None
    r = 1.0 / (1.0 + z)
    big, small = r, z * r
    g1 = np.where(u >= 0, big, small)
    return v, g1, big * small


def _relu(u: Array, order: int) -> Triple:
    v = np.maximum(u, 0.0)
    if not order:
        return v, None, None
    # 0, 1, and NaN at the corner (never 1/2) and where u is NaN; as np.heaviside(u, nan)
    # but at half its cost
    pos = u > 0
    neg = u < 0
    g1 = pos.astype(np.float64)
    if np.count_nonzero(pos) + np.count_nonzero(neg) < pos.size:  # u = 0 or NaN somewhere
        g1 = np.where(~(pos | neg), NAN, g1)
    return v, g1, 0.0 * g1


_TABLE: list[FunctionSpec] = []


def _add(
    name: str,
    signature: str,
    rule: str,
    derivative: str | None,
    fn: Callable[[Array, int], Triple] | None,
    *,
    aliases: tuple[str, ...] = (),
    args: tuple[int, int | None] = (1, 1),
    note: str = "",
    site: SiteKind | None = None,
) -> None:
    _TABLE.append(
        FunctionSpec(name, aliases, args[0], args[1], signature, rule, derivative, note, site, fn)
    )


_NO_AT_ZERO = "no derivative where u = 0"
_add("sin", "(u): sine (radians)", "trigonometric", "cos(u)", _sin)
_add("cos", "(u): cosine (radians)", "trigonometric", "-sin(u)", _cos)
_add("tan", "(u): tangent (radians)", "trigonometric", "1 + tan(u)^2", _tan,
     site="cos", note="no derivative where cos(u) = 0 (a pole)")  # fmt: skip
_add("sec", "(u): secant, 1/cos(u)", "trigonometric", "sec(u)tan(u)", _sec,
     site="cos", note="no derivative where cos(u) = 0 (a pole)")  # fmt: skip
_add("csc", "(u): cosecant, 1/sin(u)", "trigonometric", "-csc(u)cot(u)", _csc,
     site="sin", note="no derivative where sin(u) = 0 (a pole)")  # fmt: skip
_add("cot", "(u): cotangent, 1/tan(u)", "trigonometric", "-csc(u)^2", _cot,
     site="sin", note="no derivative where sin(u) = 0 (a pole)")  # fmt: skip
_add("asin", "(u): inverse sine", "inverse_trigonometric", "1/sqrt(1 - u^2)", _asin,
     aliases=("arcsin",), site="unit", note="no derivative where u = ±1 (the edges)")  # fmt: skip
_add("acos", "(u): inverse cosine", "inverse_trigonometric", "-1/sqrt(1 - u^2)", _acos,
     aliases=("arccos",), site="unit", note="no derivative where u = ±1 (the edges)")  # fmt: skip
_add("atan", "(u): inverse tangent", "inverse_trigonometric", "1/(1 + u^2)", _atan,
     aliases=("arctan",))  # fmt: skip
_add("sinh", "(u): hyperbolic sine", "hyperbolic", "cosh(u)", _sinh)
_add("cosh", "(u): hyperbolic cosine", "hyperbolic", "sinh(u)", _cosh)
_add("tanh", "(u): hyperbolic tangent", "hyperbolic", "1 - tanh(u)^2", _tanh)
_add("exp", "(u): e^u", "exponential", "exp(u)", _exp)
_add("ln", "(u): natural logarithm", "logarithm", "1/u", _ln,
     site="zero", note="no derivative where u = 0 (the edge of its domain)")  # fmt: skip
_EDGE = "no derivative where u = 0 (the edge of its domain)"
_add("log", "(u) natural logarithm; log(u, b): base b", "logarithm", "1/u", None,
     args=(1, 2), site="zero", note=_EDGE)  # fmt: skip
_add("log2", "(u): base-2 logarithm", "logarithm", "1/(u ln(2))", _log2,
     site="zero", note="no derivative where u = 0 (the edge of its domain)")  # fmt: skip
_add("log10", "(u): base-10 logarithm", "logarithm", "1/(u ln(10))", _log10,
     site="zero", note="no derivative where u = 0 (the edge of its domain)")  # fmt: skip
_add("sqrt", "(u): square root", "root", "1/(2sqrt(u))", _sqrt,
     site="zero", note="no derivative where u = 0 (the edge of its domain)")  # fmt: skip
_add("cbrt", "(u): real cube root, cbrt(-8) = -2", "root", "1/(3cbrt(u)^2)", _cbrt,
     site="zero", note="no derivative where u = 0 (a vertical tangent)")  # fmt: skip
_add("abs", "(u): absolute value, also |u|", "abs", "sign(u)", _abs,
     site="zero", note=f"{_NO_AT_ZERO} (a corner)")  # fmt: skip
_add("sign", "(u): -1, 0 or 1", "piecewise_constant", "0", _sign,
     site="zero", note=f"{_NO_AT_ZERO} (a jump)")  # fmt: skip
_add("floor", "(u): largest integer <= u", "piecewise_constant", "0", _floor,
     site="integer", note="no derivative where u is an integer (a jump)")  # fmt: skip
_add("ceil", "(u): smallest integer >= u", "piecewise_constant", "0", _ceil,
     site="integer", note="no derivative where u is an integer (a jump)")  # fmt: skip
_add("sigmoid", "(u): logistic function 1/(1 + e^-u)", "sigmoid",
     "sigmoid(u)(1 - sigmoid(u))", _sigmoid)  # fmt: skip
_add("relu", "(u): max(0, u)", "relu", "(1 + sign(u))/2", _relu,
     site="zero", note=f"{_NO_AT_ZERO} (a corner)")  # fmt: skip
_add("softplus", "(u): ln(1 + e^u)", "softplus", "sigmoid(u)", _softplus)
_add("max", "(a, b, ...): largest argument", "max_min", None, None, args=(2, None),
     note="no derivative where two arguments are equal and their slopes differ")  # fmt: skip
_add("min", "(a, b, ...): smallest argument", "max_min", None, None, args=(2, None),
     note="no derivative where two arguments are equal and their slopes differ")  # fmt: skip

FUNCTIONS: dict[str, FunctionSpec] = {spec.name: spec for spec in _TABLE}
"""The table by canonical name."""

_BY_ANY_NAME: dict[str, FunctionSpec] = {n: spec for spec in _TABLE for n in spec.names}

FUNCTION_NAMES: tuple[str, ...] = tuple(_BY_ANY_NAME)
"""Every function name the language knows (aliases included), for completers."""

FUNCTION_SIGNATURES: dict[str, str] = {n: f"{n}{s.signature}" for n, s in _BY_ANY_NAME.items()}
"""One line per function name, for tooltips."""


def lookup(name: str) -> FunctionSpec | None:
    """The spec of a function name as typed (aliases included), or None."""
    return _BY_ANY_NAME.get(name)


#: Above this, a float is not near a multiple of π/2 by any measure: its ulp (2.4e-7 at
#: 2^30) is no longer far finer than the distance between zeros.
_TRIG_ZERO_LIMIT = 2.0**30


def at_trig_zero(site: Literal["sin", "cos"], u: float) -> bool:
    """Whether sin(u) (or cos(u)) is 0 but for the rounding of u: u lies within 4 ulps of
    a zero (Newton distance). ``pi`` is float64's π, 1.2e-16 short of the real one, so
    sin(pi) is 1.2e-16 and cos(pi/2) 6.1e-17; the constants typed mean 0 (and csc(pi) a
    pole). Never for |u| ≥ 2^30 (1e22 is exact, and csc(1e22) = −1.17)."""
    if not abs(u) < _TRIG_ZERO_LIMIT:  # NaN too
        return False
    value, slope = (math.sin(u), math.cos(u)) if site == "sin" else (math.cos(u), math.sin(u))
    return abs(value) <= 4.0 * float(np.spacing(abs(u))) * abs(slope)


#: The functions that are 0 exactly where sin(u) or cos(u) is.
_ZERO_SITES: dict[Any, Literal["sin", "cos"]] = {
    FUNCTIONS[name].numeric: site
    for name, site in (("sin", "sin"), ("cos", "cos"), ("tan", "sin"), ("cot", "cos"))
}


def zero_site(numeric: Any) -> Literal["sin", "cos"] | None:
    """For sin, cos, tan and cot (by their ``numeric``): where they are 0 ("sin": where
    sin(u) is); None for every other function."""
    return _ZERO_SITES.get(numeric)


#: The functions with a pole exactly where sin(u) or cos(u) is 0.
_POLE_SITES: dict[Any, Literal["sin", "cos"]] = {
    FUNCTIONS[name].numeric: site
    for name, site in (("tan", "cos"), ("sec", "cos"), ("cot", "sin"), ("csc", "sin"))
}


def of_a_constant(numeric: Any) -> Any:
    """``numeric`` for an argument that is a number at run time (it depends on parameters
    only): sin, cos, tan, cot at a zero but for rounding are 0, and tan, sec, cot, csc at
    a pole but for rounding undefined — what the parser does with the same numbers typed
    (sin(a·pi) at a = 1 is 0, tan(a·pi) at a = 1.5 is undefined, not 5.4e15)."""
    zero, pole = _ZERO_SITES.get(numeric), _POLE_SITES.get(numeric)
    if zero is None and pole is None:
        return numeric

    def at_a_number(u: Array, order: int) -> Triple:
        v, g1, g2 = numeric(u, order)
        if np.ndim(u) == 0:
            t = float(u)
            if pole is not None and at_trig_zero(pole, t):
                return NAN, (None if g1 is None else NAN), (None if g2 is None else NAN)
            if zero is not None and at_trig_zero(zero, t):
                return 0.0, g1, g2
        return v, g1, g2

    return at_a_number
