"""The functions of the expression language that sympy lacks, and their numpy forms.

``sigmoid``, ``softplus``, ``relu`` and ``cbrt`` (the real cube root) are sympy
``Function`` classes so that they print back under their own names and differentiate to
numerically stable forms (sigmoid′ = σ(1 − σ), never exp(−x)/(1 + exp(−x))², which is
inf/inf at x = −1000).
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from numpy.typing import NDArray

# mypy: sympy Function subclasses are untyped.


class sigmoid(sp.Function):
    """The logistic function 1 / (1 + e^(−u))."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.Rational(1, 2)
        return None

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


class softplus(sp.Function):
    """ln(1 + e^u), whose derivative is sigmoid(u)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.log(1 + sp.exp(arg))

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.log(1 + sp.exp(self.args[0]))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


class relu(sp.Function):
    """max(0, u). Its derivative is Heaviside(u): undefined at u = 0, not 1/2."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0])

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_number and arg.is_real:
            return sp.Max(0, arg)
        return None

    def _eval_rewrite_as_Max(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return sp.Max(0, arg)

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return sp.Max(0, self.args[0])._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


class cbrt(sp.Function):
    """The real cube root: cbrt(−8) = −2 (sympy's cbrt is the principal, complex root)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.S.Zero
        if arg.is_Integer or arg.is_Rational:
            root = sp.real_root(arg, 3)
            if root.is_Rational:
                return root
        return None

    def _eval_evalf(self, prec: int) -> sp.Expr:
        a = self.args[0]
        return (sp.sign(a) * sp.Abs(a) ** sp.Rational(1, 3))._eval_evalf(prec)

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real


def _sigmoid(u: NDArray[np.float64]) -> NDArray[np.float64]:
    # exp of a non-positive number only: no overflow, no inf/inf.
    z = np.exp(-np.abs(u))
    return np.where(u >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def _heaviside(u: NDArray[np.float64], *_h0: object) -> NDArray[np.float64]:
    # sympy prints Heaviside(u) as Heaviside(u, 1/2). At u = 0 the derivative of relu/abs
    # does not exist: NaN, never sympy's 1/2 (``point`` reports the one-sided values).
    return np.heaviside(u, np.nan)


def _dirac_delta(u: NDArray[np.float64], *order: object) -> NDArray[np.float64]:
    # Zero away from the kink; the kink itself is reported as non-differentiable.
    return np.where(u == 0, np.nan, 0.0) + 0.0 * u


NUMPY_FUNCTIONS: dict[str, object] = {
    "sigmoid": _sigmoid,
    "softplus": lambda u: np.logaddexp(0.0, u),
    "relu": lambda u: np.maximum(u, 0.0),
    "cbrt": np.cbrt,
    "Heaviside": _heaviside,
    "DiracDelta": _dirac_delta,
    "sec": lambda u: 1.0 / np.cos(u),
    "csc": lambda u: 1.0 / np.sin(u),
    "cot": lambda u: 1.0 / np.tan(u),
}
"""Names of sympy functions mapped to float64 numpy implementations, for ``lambdify``."""
