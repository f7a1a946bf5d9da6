"""The one bridge to sympy: a tree to a sympy expression, and sympy back to the language.

Imported only where formulas are printed — the worker process and ``derivview info`` —
never by the GUI process, and never for a number. sympy evaluates numbers exactly while
it builds, so :func:`to_sympy` bounds that work before doing it (these guards used to
live in the parser): numeric powers are estimated in logarithms (``9^9^9`` is refused
without computing it), magnitudes stay within 10^±1000, exact roots have bounded radicands
and degree (sympy factors radicands and decides signs from minimal polynomials), and
exponents of symbolic powers are at most 10,000 (sympy's polynomial code expands them
densely). A refusal is :class:`UnsupportedExpression`: the formula cannot be printed,
while every number is still given.

:func:`derivatives` differentiates (on the real line: d|u| = sign(u)·u′, never re/im) and
prints f′ and f″ with :func:`to_text`, which writes the language (``^``, ``abs``, ``e``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp
from sympy.printing.str import StrPrinter

from derivview.model.errors import ComplexityError, UnsupportedExpression
from derivview.model.expr.lexer import MAX_LITERAL_DIGITS, literal_parts
from derivview.model.expr.nodes import Call, Const, Neg, Node, Num, Param, Var, children
from derivview.model.expr.parser import Expression, is_param_name

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_ROOT_DEGREE",
    "X",
    "Y",
    "cbrt",
    "derivatives",
    "param_symbol",
    "relu",
    "sigmoid",
    "softplus",
    "to_sympy",
    "to_text",
    "warm_up",
]

X: sp.Symbol = sp.Symbol("x", real=True)
"""The variable. Real, so that ``abs(x)`` differentiates to ``sign(x)`` (no re/im)."""
Y: sp.Symbol = sp.Symbol("y", real=True)
"""The second variable (contracts.md §6)."""

MAX_DIGITS = 1000
"""Most decimal digits of any number sympy may build (exact or its magnitude)."""
MAX_RADICAND_DIGITS = 100
"""Total digits of exact numbers under fractional powers (sqrt(2), 3^(1/3), …).

sympy factors them (primality tests are roughly cubic in the digits: 1000 digits ~0.3 s)
and multiplies radicals with equal exponents together, so the budget is for the whole
expression."""
MAX_ROOT_DEGREE = 1000
"""Largest q in an exact root (a number)^(p/q), e.g. 2^0.125 = 2^(1/8).

sympy decides the sign of an algebraic number it cannot resolve numerically from its
minimal polynomial, whose degree is q: 10^(1e-300) made a later comparison hang."""
MAX_EXPONENT = 10_000
"""Largest |p| and q in a symbolic power u^(p/q) (x^1000 and (x+1)^100 are fine)."""

_LOG10_2 = math.log10(2.0)
_LOG10_E = math.log10(math.e)
_MAX_BITS = int(MAX_DIGITS / _LOG10_2) + 1


# --- the functions sympy lacks ---------------------------------------------------------
# (sympy Function subclasses are untyped)


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


_SYMPY_FUNCTIONS: dict[str, Callable[..., sp.Expr]] = {
    "sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc,
    "cot": sp.cot, "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "sinh": sp.sinh,
    "cosh": sp.cosh, "tanh": sp.tanh, "exp": sp.exp, "ln": sp.log, "log": sp.log,
    "log2": lambda u: sp.log(u, 2), "log10": lambda u: sp.log(u, 10), "sqrt": sp.sqrt,
    "cbrt": cbrt, "abs": sp.Abs, "sign": sp.sign, "floor": sp.floor, "ceil": sp.ceiling,
    "sigmoid": sigmoid, "relu": relu, "softplus": softplus, "max": sp.Max, "min": sp.Min,
}  # fmt: skip
"""The sympy form of every function of the table, by canonical name."""

_SYMBOLS: dict[str, sp.Symbol] = {}


def param_symbol(name: str) -> sp.Symbol:
    """The real sympy Symbol of the parameter ``name`` (a single ASCII letter)."""
    if not is_param_name(name, ()):
        raise ValueError(f"not a parameter name: {name!r}")
    if name not in _SYMBOLS:
        _SYMBOLS[name] = sp.Symbol(name, real=True)
    return _SYMBOLS[name]


# --- numbers: bounding what sympy will compute ---------------------------------------


def _int_digits(v: int) -> float:
    v = abs(v)
    return 0.0 if v <= 1 else math.log10(v)


def _log10_abs_number(v: sp.Expr) -> float:
    """log10 |v| of a number already known to be bounded (-inf for 0)."""
    if v.is_Rational:
        p, q = int(v.p), int(v.q)
        return -math.inf if p == 0 else math.log10(abs(p)) - math.log10(q)
    n = v.evalf(15)
    re_part, _ = n.as_real_imag()
    mpf = getattr(re_part, "_mpf_", None)
    if mpf is None:
        return 0.0
    _, man, exp, _ = mpf
    if man == 0:
        return -math.inf
    if abs(exp) > 10**300:  # sigmoid(-10^999) evaluates to about 2^(-10^999)
        return math.inf if exp > 0 else -math.inf
    return float((exp + math.log2(man)) * _LOG10_2)


def _measure(base: sp.Expr) -> float:
    """Digits that raising ``base`` to the power n makes sympy compute, per unit of n."""
    if base.is_Rational:
        return max(_int_digits(int(base.p)), _int_digits(int(base.q)))
    if base.is_Pow and base.exp.is_Rational:
        inner = _measure(base.base)
        if inner == 0:
            return 0.0
        p, q = int(base.exp.p), int(base.exp.q)
        return 10 ** min(300.0, math.log10(abs(p)) - math.log10(q)) * inner
    if base.is_Mul:
        return sum(_measure(a) for a in base.args)
    if base.is_number:
        # pi, e, sin(1), 1 + sqrt(2): sympy keeps their powers symbolic, but the value's
        # magnitude must stay bounded for evalf.
        try:
            return abs(_log10_abs_number(base))
        except Exception:
            return 0.0
    return 0.0


def _radicand_digits(base: sp.Expr) -> int:
    """Digits of the exact numbers sympy factors when taking a fractional power of base."""
    if base.is_Rational:
        return len(str(abs(int(base.p)))) + (len(str(int(base.q))) if base.q != 1 else 0)
    if base.is_Mul:
        return sum(_radicand_digits(a) for a in base.args)
    if base.is_Pow and base.exp.is_Rational:
        return _radicand_digits(base.base)
    return 0


def _int_root_digits(n: int, e: sp.Rational) -> float:
    """Digits of the integer sympy keeps under the root in n^e (e > 0, not an integer).

    sympy splits n into (partially factored) primes and keeps the product of
    prime^((k·p mod q)/g) under the root, then factors it again: 999^(999999/10^6) would
    keep a 3-million-digit number there (2^(999999/10^6) keeps just 2).
    """
    if n <= 1:
        return 0.0
    p, q = int(e.p), int(e.q)
    remainders = {prime: (k * p) % q for prime, k in sp.Integer(n).factors(limit=2**15).items()}
    g = 0
    for r in remainders.values():
        g = math.gcd(g, r)
    if g == 0:
        return 0.0
    return float(sum((r // g) * math.log10(prime) for prime, r in remainders.items() if r))


def _root_digits(base: sp.Expr, e: sp.Rational) -> float:
    """Digits sympy keeps under roots when it evaluates base^e (0 for no exact root)."""
    if base.is_Rational:
        if e.is_integer or base.is_zero:
            return 0.0
        b = 1 / base if e.is_negative else base
        e = -e if e.is_negative else e
        total = _int_root_digits(abs(int(b.p)), e)
        if b.q != 1:  # (p/q)^e is p^e · q^(1 - frac(e)) / q^ceil(e) in sympy
            total += _int_root_digits(int(b.q), 1 - (e - sp.floor(e)))
        return total
    if base.is_Pow and base.exp.is_Rational:
        return _root_digits(base.base, base.exp * e)
    if base.is_Mul:
        return sum(_root_digits(a, e) for a in base.args)
    return 0.0


def _root_degree(base: sp.Expr, e: sp.Rational) -> int:
    """The largest q of an exact numeric root (a number)^(p/q) that base^e would create."""
    if base.is_Rational:
        return 1 if e.is_integer or base.is_zero else int(e.q)
    if base.is_Pow and base.exp.is_Rational:
        return _root_degree(base.base, base.exp * e)
    if base.is_Mul:
        return max(_root_degree(a, e) for a in base.args)
    if base.is_number and not e.is_integer:
        return int(e.q)  # (1 + sqrt(2))^(1/7), sin(1)^(1/7): degree unknown, bounded by q
    return 1


def _digits_text(log_digits: float) -> str:
    if not math.isfinite(log_digits) or log_digits > 300:
        return "more than 10^300"
    if log_digits < 6:
        return f"about {10**log_digits:,.0f}"
    return f"about 10^{log_digits:.0f}"


_BAD_ATOMS = (sp.S.ComplexInfinity, sp.S.NaN, sp.S.Infinity, sp.S.NegativeInfinity)
# exp(u), sinh(u), cosh(u) of a number u have about |u|·log10(e) digits; softplus(u) is
# evaluated through exp(u) (0.8 s for softplus(10^999) in evalf).
_EXPONENTIAL = frozenset({"exp", "sinh", "cosh", "softplus"})


def _show(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Builder:
    """Builds the sympy form of a tree bottom-up, bounding sympy's numeric work."""

    def __init__(self, text: str, variables: Sequence[str]) -> None:
        self.text = text
        self.radicand_digits = 0
        self.symbols = {"x": X, "y": Y}
        self.variables = tuple(variables)

    def refuse(self, node: Node, why: str) -> UnsupportedExpression:
        return UnsupportedExpression(f"cannot print {self.span(node)}: {why}")

    def span(self, node: Node) -> str:
        if self.text and 0 <= node.start < node.end <= len(self.text):
            return _show(self.text[node.start : node.end])
        from derivview.model.expr.printer import to_text as tree_text

        return _show(tree_text(node))

    def make(self, node: Node, build: Callable[..., sp.Expr], *args: Any) -> sp.Expr:
        """build(*args), with sympy's own failures on extreme numbers as refusals.

        sympy raises PrecisionExhausted when it cannot round a huge irrational number
        (floor(10^300 e)) and has rare internal errors on others (asin(sin(1e300))).
        """
        try:
            return build(*args)
        except (ComplexityError, RecursionError, MemoryError):
            raise
        except Exception:
            raise self.refuse(node, "the numbers in it are too large to handle exactly") from None

    def checked(self, node: Node, value: sp.Expr) -> sp.Expr:
        nodes = [value]
        for a in value.args:
            nodes.append(a)
            nodes.extend(a.args)
        for n in nodes:
            if n in _BAD_ATOMS:
                raise self.refuse(node, "it is undefined")
            if n is sp.S.ImaginaryUnit:
                raise self.refuse(node, "it is not a real number")
            if n.is_Rational and max(int(n.p).bit_length(), int(n.q).bit_length()) > _MAX_BITS:
                raise self.refuse(node, f"a number of more than {MAX_DIGITS} digits")
            if (
                n.is_Pow
                and n.exp.is_Rational
                and max(abs(n.exp.p), n.exp.q) > MAX_EXPONENT
                and not n.base.is_number
            ):
                # sympy's polynomial code (gcd, even inside an is_real query) expands
                # x^(p/q) into a dense polynomial of degree p in x^(1/q).
                raise self.refuse(node, f"an exponent beyond {MAX_EXPONENT}")
        if value.is_number and not value.is_Rational:
            self.check_magnitude(node, value)
        return value

    def check_magnitude(self, node: Node, value: sp.Expr) -> None:
        try:
            n = value.evalf(15)
            re_part, im_part = n.as_real_imag()
        except Exception:
            return  # magnitude unknown, but every input to it was bounded
        if im_part != 0:
            raise self.refuse(node, "it is not a real number")
        log_value = _log10_abs_number(re_part) if re_part != 0 else 0.0
        if abs(log_value) > MAX_DIGITS:
            raise self.refuse(
                node, f"a number of {_digits_text(math.log10(abs(log_value)))} digits"
            )

    def check_exponential(self, node: Node, arg: sp.Expr) -> None:
        if not arg.is_number:
            return
        try:
            value = float(sp.re(arg.evalf(15)))
        except Exception:  # PrecisionExhausted for floor(10^300 e): refuse, unknown size
            value = math.inf
        log_digits = math.log10(abs(value) * _LOG10_E) if value != 0 else -math.inf
        if log_digits > math.log10(MAX_DIGITS):
            raise self.refuse(node, f"a number of {_digits_text(log_digits)} digits")

    def power(self, node: Node, base: sp.Expr, exp: sp.Expr) -> sp.Expr:
        """base^exp, refused before computing when the number would be too large."""
        if exp.is_number:
            measure = _measure(base)
            if measure > 0:
                if exp.is_Rational:
                    p, q = int(exp.p), int(exp.q)
                    log_exp = -math.inf if p == 0 else math.log10(abs(p)) - math.log10(q)
                else:
                    try:
                        log_exp = _log10_abs_number(exp)
                    except Exception:  # evalf could not size it (floor(10^999 pi))
                        log_exp = math.inf
                log_digits = log_exp + math.log10(measure)
                if log_digits > math.log10(MAX_DIGITS):
                    raise self.refuse(node, f"a number of {_digits_text(log_digits)} digits")
            if exp.is_Rational:
                self.check_root(node, base, exp)
        return self.checked(node, self.make(node, sp.Pow, base, exp))

    def check_root(self, node: Node, base: sp.Expr, exp: sp.Rational) -> None:
        """Bound the exact-root work sympy does for base^exp (factoring, perfect powers)."""
        if _root_degree(base, exp) > MAX_ROOT_DEGREE:
            raise self.refuse(node, f"an exact root of degree beyond {MAX_ROOT_DEGREE}")
        if not exp.is_integer:
            # Every radicand is factored (again when radicals combine): a budget for all.
            self.radicand_digits += _radicand_digits(base)
            if self.radicand_digits > MAX_RADICAND_DIGITS:
                raise self.refuse(node, "numbers too large for exact roots")
        kept = _root_digits(base, exp)
        if kept > MAX_DIGITS:
            raise self.refuse(node, f"an exact root of {_digits_text(math.log10(kept))} digits")

    def number(self, node: Num) -> sp.Expr:
        mantissa, scale = literal_parts(node.text)
        if scale >= 0:
            return sp.Integer(mantissa * 10**scale)
        return sp.Rational(mantissa, 10**-scale)

    def call(self, node: Call, args: list[sp.Expr]) -> sp.Expr:
        name = node.name
        if name in _EXPONENTIAL:
            self.check_exponential(node, args[0])
        if name == "sqrt":
            return self.power(node, args[0], sp.S.Half)
        if name == "cbrt":
            self.check_root(node, args[0], sp.Rational(1, 3))
        value = self.make(node, _SYMPY_FUNCTIONS[name], *args)
        if name == "abs" and value.has(sp.re, sp.im, sp.arg):
            # sympy writes |exp(z)| as exp(re(z)) when z may be complex (x^e for x < 0):
            # keep abs(exp(z)), which the language can say.
            value = sp.Abs(args[0], evaluate=False)
        return self.checked(node, value)

    def build(self, node: Node, args: list[sp.Expr]) -> sp.Expr:
        if isinstance(node, Num):
            return self.number(node)
        if isinstance(node, Const):
            return sp.E if node.name == "e" else sp.pi
        if isinstance(node, Var):
            return self.symbols[node.name] if node.name in self.variables else param_symbol(
                node.name)  # fmt: skip
        if isinstance(node, Param):
            return param_symbol(node.name)
        if isinstance(node, Neg):
            return self.checked(node, self.make(node, lambda v: -v, args[0]))
        if isinstance(node, Call):
            return self.call(node, args)
        a, b = args
        if node.op == "add":
            return self.checked(node, self.make(node, sp.Add, a, b))
        if node.op == "sub":
            neg = self.checked(node, self.make(node, lambda v: -v, b))
            return self.checked(node, self.make(node, sp.Add, a, neg))
        if node.op == "mul":
            return self.checked(node, self.make(node, sp.Mul, a, b))
        if node.op == "div":
            inv = self.power(node, b, sp.S.NegativeOne)
            return self.checked(node, self.make(node, sp.Mul, a, inv))
        return self.power(node, a, b)


def to_sympy(tree: Node, text: str = "", variables: Sequence[str] = ("x",)) -> sp.Expr:
    """The sympy form of a tree (sympy simplifies as it builds: for printing only).

    Raises :class:`UnsupportedExpression` when sympy would have to compute numbers too
    large to be done in bounded time, or when the result is undefined or not real.
    ``text``: what the tree was parsed from (for messages).
    """
    builder = _Builder(text, variables)
    done: dict[int, sp.Expr] = {}
    stack: list[tuple[Node, bool]] = [(tree, False)]
    keep: list[Node] = []
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        kids = children(node)
        if not ready and kids:
            stack.append((node, True))
            stack.extend((k, False) for k in reversed(kids))
            continue
        done[id(node)] = builder.build(node, [done[id(k)] for k in kids])
        keep.append(node)
    return done[id(tree)]


# --- printing --------------------------------------------------------------------------

_PRINTABLE_FUNCS: dict[type, str] = {
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.sec: "sec",
    sp.csc: "csc",
    sp.cot: "cot",
    sp.asin: "asin",
    sp.acos: "acos",
    sp.atan: "atan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.exp: "exp",
    sp.log: "log",
    sp.Abs: "abs",
    sp.sign: "sign",
    sp.floor: "floor",
    sp.ceiling: "ceil",
    sp.Max: "max",
    sp.Min: "min",
    sigmoid: "sigmoid",
    relu: "relu",
    softplus: "softplus",
    cbrt: "cbrt",
}
_LEADING_COEFF = re.compile(r"^(-?)(\d+(?:\.\d*)?(?:e[+-]?\d+)?)\*(?=[A-Za-z(])")


def _integer_text(n: int) -> str:
    """An integer as a literal; beyond the literal limit as a parenthesized sum of chunks."""
    digits = str(abs(n))
    if len(digits) <= MAX_LITERAL_DIGITS:
        return str(n)
    significant = digits.rstrip("0")
    zeros = len(digits) - len(significant)
    terms = []
    for end in range(len(significant), 0, -MAX_LITERAL_DIGITS):
        chunk = significant[max(0, end - MAX_LITERAL_DIGITS) : end].lstrip("0")
        if chunk:
            power = len(significant) - end + zeros
            terms.append(("" if chunk == "1" else f"{chunk}*") + f"10^{power}" if power else chunk)
    body = " + ".join(reversed(terms))
    return f"-({body})" if n < 0 else f"({body})"


def _is_atom_text(e: sp.Expr) -> bool:
    """Whether e prints as something that never needs parentheses around it."""
    return bool(
        e.is_Symbol
        or e is sp.S.Pi
        or e is sp.S.Exp1
        or (e.is_Integer and e >= 0)
        or (e.is_Function and type(e) in _PRINTABLE_FUNCS)
    )


class _LanguagePrinter(StrPrinter):  # type: ignore[misc]  # sympy is untyped
    """StrPrinter that writes the expression language (``^``, ``abs``, ``e``, ...)."""

    printmethod = "_derivview_text"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        b, e = expr.base, expr.exp
        if e is sp.S.Half:
            return f"sqrt({self._print(b)})"
        if e == -sp.S.Half:
            return f"1/sqrt({self._print(b)})"
        if e is sp.S.NegativeOne:
            return "1/" + self._wrap(b, _is_atom_text(b))
        return f"{self._wrap(b, _is_atom_text(b))}^{self._wrap(e, _is_atom_text(e))}"

    def _wrap(self, e: sp.Expr, bare: bool) -> str:
        s = self._print(e)
        return s if bare else f"({s})"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return _integer_text(int(expr))

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"{_integer_text(int(expr.p))}/{_integer_text(int(expr.q))}"

    def _print_Float(self, expr: sp.Float) -> str:
        value = float(expr)
        if not math.isfinite(value):
            raise ValueError(f"cannot print the number {value} in the expression language")
        return repr(value)

    def _print_Exp1(self, expr: sp.Expr) -> str:
        return "e"

    def _print_Pi(self, expr: sp.Expr) -> str:
        return "pi"

    def _print_Heaviside(self, expr: sp.Expr) -> str:
        # d/dx relu(u) = the step: 1 where u > 0, 0 where u < 0, and no derivative at
        # u = 0. The language has no step function; relu(u)/u is exactly that (0/0 at
        # u = 0 is undefined, as the readout says). (1 + sign(u))/2 gave ½ at 0.
        u = expr.args[0]
        h0 = expr.args[1] if len(expr.args) > 1 else sp.S.Half
        step = f"(relu({self._print(u)})/{self._wrap(u, _is_atom_text(u))})"
        if h0 == sp.S.Half:
            return step
        us = self._print(u)
        return f"({step[1:-1]} + ({self._print(h0)})*(1 - abs(sign({us}))))"

    def _print_Mul(self, expr: sp.Mul) -> str:
        # The functions first, then the sums: sigmoid(x)*(1 - sigmoid(x)), as people
        # write σ(1 − σ), not (1 - sigmoid(x))*sigmoid(x).
        coeff, factors = expr.as_coeff_mul()
        # is_positive, not > 0: an exponent may be symbolic, (a + x)^x
        sums = [
            f for f in factors if f.is_Add or (f.is_Pow and f.base.is_Add and f.exp.is_positive)
        ]
        if not sums or len(sums) == len(factors) or any(
            f.is_Pow and f.exp.is_negative for f in factors
        ):
            s = super()._print_Mul(expr)
        else:
            rest = [f for f in factors if f not in sums]
            head = sp.Mul(coeff, *rest, evaluate=False) if coeff != 1 else sp.Mul(*rest)
            parts = [self._wrap(head, not head.is_Add)] + [
                self._wrap(f, not f.is_Add) for f in sums
            ]
            s = "*".join(parts)
            if s.startswith("-1*"):
                s = "-" + s[3:]
        # 2*x -> 2x, 3*x^2 -> 3x^2: what people write (and what contracts.md shows).
        return _LEADING_COEFF.sub(r"\1\2", s, count=1)

    def _print_Function(self, expr: sp.Expr) -> str:
        name = _PRINTABLE_FUNCS[type(expr)]
        return f"{name}({', '.join(self._print(a) for a in expr.args)})"

    _print_Abs = _print_Function
    _print_Max = _print_Function
    _print_Min = _print_Function
    _print_ceiling = _print_Function
    _print_floor = _print_Function
    _print_sign = _print_Function
    _print_exp = _print_Function
    _print_log = _print_Function


def _check_printable(expr: sp.Basic) -> None:
    """Refuse anything that would not parse back as the same function."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Symbol:
            if node.name not in ("x", "y") and not is_param_name(node.name, ()):
                raise ValueError(f"the symbol {node.name!r} is not a name of the language")
        elif node.is_Float:
            if not math.isfinite(float(node)):
                raise ValueError(f"cannot print {node} in the expression language")
        elif node.is_Rational or node is sp.S.Pi or node is sp.S.Exp1:
            pass
        elif (
            node.is_Pow
            and node.base.is_Rational  # structural checks only: is_negative on a symbolic
            and node.base < 0  # base asks sympy's assumptions, minutes on a big one
            and node.exp.is_Rational
            and not node.exp.is_Integer
        ):
            # sympy's principal root of a negative number, (-1)^(1/3) = ½ + i√3/2, from
            # d/dx (-x²)^(1/3): complex, and the language reads u^(1/3) of u < 0 as undefined
            raise ValueError(f"{node} is not a real number")
        elif isinstance(node, (sp.Add, sp.Mul, sp.Pow, sp.Heaviside)) or (
            type(node) in _PRINTABLE_FUNCS
        ):
            stack.extend(node.args)
        else:
            raise ValueError(f"cannot print {type(node).__name__} in the expression language")


def _as_people_write(expr: sp.Expr) -> sp.Expr:
    """The same function in the forms a student recognises: 1/cos(u)ⁿ as sec(u)ⁿ and
    1/sin(u)ⁿ as csc(u)ⁿ (tan′ = sec²(x)). Same value and domain everywhere."""
    if not isinstance(expr, sp.Basic) or not expr.has(sp.cos, sp.sin):
        return expr
    recip = {sp.cos: sp.sec, sp.sin: sp.csc}

    def is_recip(e: sp.Expr) -> bool:
        return bool(
            e.is_Pow
            and e.base.func in recip
            and e.exp.is_Integer
            and e.exp.is_negative
        )

    return expr.replace(is_recip, lambda e: recip[e.base.func](e.base.args[0]) ** (-e.exp))


def to_text(expr: sp.Expr) -> str:
    """Print a sympy expression in the expression language; ``parse`` reads it back.

    Raises ValueError for what the language cannot say (DiracDelta, complex numbers,
    infinities, unknown functions or symbols).
    """
    if isinstance(expr, (str, bool)):
        raise TypeError("to_text takes a sympy expression")
    if isinstance(expr, int):
        expr = sp.Integer(expr)
    elif isinstance(expr, float):
        expr = sp.Float(expr)
    _check_printable(expr)
    expr = _as_people_write(expr)
    try:
        text: str = _LanguagePrinter({"order": None}).doprint(expr)
    except ValueError:
        raise
    except Exception:
        # Sorting the terms evaluates numbers; floor(10^999 pi) + … exhausts evalf's
        # precision. Unsorted terms print the same function.
        text = _LanguagePrinter({"order": "none"}).doprint(expr)
    if isinstance(expr, sp.Heaviside) and text.startswith("(relu("):
        text = text[1:-1]  # relu′ alone reads relu(x)/x; inside a product it keeps (…)
    return text


# --- differentiating -----------------------------------------------------------------


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
    from u = 0 (the kink itself is reported by the point analysis)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


def _is_step_derivative(atom: sp.Basic) -> bool:
    """d/dx floor(u) or ceil(u): sympy leaves Derivative(floor(x), x) or, for u ≠ x,
    Subs(Derivative(floor(ξ), ξ), ξ, u)."""
    if isinstance(atom, sp.Subs):
        atom = atom.expr
    return isinstance(atom, sp.Derivative) and isinstance(atom.expr, (sp.floor, sp.ceiling))


def _clean(expr: sp.Expr) -> sp.Expr:
    """Drop DiracDelta (→ 0) and derivatives of floor/ceiling (→ 0): zero away from the
    kinks, which the point analysis reports."""
    repl: dict[sp.Basic, sp.Basic] = {}
    for atom in expr.atoms(sp.DiracDelta, sp.Derivative, sp.Subs):
        if isinstance(atom, sp.DiracDelta) or _is_step_derivative(atom):
            repl[atom] = sp.S.Zero
    return expr.xreplace(repl) if repl else expr


def _is_step_power(e: sp.Basic) -> bool:
    return bool(e.is_Pow and isinstance(e.base, sp.Heaviside) and e.exp.is_Integer and e.exp > 0)


def _has_step_factor(e: sp.Basic) -> bool:
    return bool(e.is_Mul and any(isinstance(a, sp.Heaviside) for a in e.args))


def _fold_step(product: sp.Expr) -> sp.Expr:
    """One product with a step H(u): relu(u)^k·H(u) = relu(u)^k (k > 0) and
    u^n·H(u) = relu(u)^n (n a positive integer), where both are 0 at u = 0."""
    factors = list(product.args)
    for h in [a for a in product.args if isinstance(a, sp.Heaviside)]:
        u = h.args[0]
        for i, a in enumerate(factors):
            base, k = a.as_base_exp()
            if isinstance(base, relu) and base.args[0] == u and k.is_positive:
                factors.remove(h)
                break
            if base == u and k.is_Integer and k > 0:
                factors[i] = relu(u) ** k
                factors.remove(h)
                break
    return sp.Mul(*factors)


def _fold_steps(expr: sp.Expr) -> sp.Expr:
    """relu′ is the step H(u), which has no value at u = 0; where a product with it is
    0 there anyway it is folded away: d/dx relu(x)² = 2relu(x)·H(x) = 2relu(x), not
    2relu(x)²/x (undefined at 0, where f′ = 0). H(u)ⁿ = H(u). Same function elsewhere."""
    if not expr.has(sp.Heaviside):
        return expr
    expr = expr.replace(_is_step_power, lambda e: e.base)
    return expr.replace(_has_step_factor, _fold_step)


def differentiate(f: sp.Expr, var: sp.Symbol = X) -> sp.Expr:
    """d/d var of a sympy expression on the real line, cleaned for printing."""
    try:
        g = f.replace(sp.Abs, _RealAbs).replace(sp.sign, _RealSign)
        dg = sp.diff(g, var)
        return _fold_steps(_clean(dg.replace(_RealAbs, sp.Abs).replace(_RealSign, sp.sign)))
    except (ComplexityError, RecursionError, MemoryError):
        raise
    except Exception as exc:  # sympy refused (e.g. Heaviside of a provably complex value)
        raise UnsupportedExpression(f"cannot differentiate this expression ({exc})") from None


def _printed(expr: sp.Expr) -> str | None:
    try:
        return to_text(expr)
    except ValueError:
        return None


def derivatives(expression: Expression) -> tuple[str | None, str | None]:
    """f′ and f″ of a parsed expression, printed in the language (None: cannot be said).

    Unbounded time: call it through the worker (:mod:`derivview.model.symbolic_jobs`)
    for anything but tiny expressions. f″ is d/dx of f′ (faster than diff(f, x, 2) on
    products). Raises UnsupportedExpression when sympy cannot take the tree.
    """
    f = to_sympy(expression.tree, expression.text, expression.variables)
    df = differentiate(f, X)
    d2f = differentiate(df, X)
    return _printed(df), _printed(d2f)


def gradient(expression: Expression) -> tuple[str | None, ...]:
    """∂f/∂v for each variable of a parsed expression, printed in the language."""
    f = to_sympy(expression.tree, expression.text, expression.variables)
    syms = {"x": X, "y": Y}
    return tuple(_printed(differentiate(f, syms[v])) for v in expression.variables)


def warm_up() -> None:
    """Import and exercise sympy's lazy parts once (the first diff/print is slow)."""
    from derivview.model.expr.parser import parse

    derivatives(parse("a sin(x)^2 + e^(-x/2) sqrt(x^2 + 1) - ln(1 + x^2)/x + |x| + sigmoid(x)"))


# --- simplifying -----------------------------------------------------------------------

_CHECK_POINTS = (-2.7, -1.3, -0.4, 0.35, 0.9, 1.7, 3.1)
_CHECK_PARAM = 1.7


def _agree(a: Node, b: Node, variables: tuple[str, ...]) -> bool:
    """Whether two trees agree (1e-9 relative) wherever both are defined, at 7 points
    (and at least 3 of them)."""
    import numpy as np

    from derivview.model.expr.forward import compile_program, forward
    from derivview.model.expr.nodes import walk

    names = {n.name for t in (a, b) for n in walk(t) if isinstance(n, (Param, Var))}
    params = {n: _CHECK_PARAM for n in names}
    xs = np.array(_CHECK_POINTS)
    if len(variables) > 1:
        xs = np.stack(np.meshgrid(xs, xs[::-1][:3])).reshape(2, -1)
    prog = compile_program([a, b], variables)
    with np.errstate(all="ignore"):
        if len(variables) > 1:
            from derivview.model.expr.multi import forward_multi

            va, vb = (t[0] for t in forward_multi(prog, dict(zip(variables, xs, strict=True)),
                                                    params, 0))  # fmt: skip
        else:
            va, vb = (t[0] for t in forward(prog, xs, params, 0))
    va = np.broadcast_to(np.asarray(va, dtype=float), xs.shape[-1:])
    vb = np.broadcast_to(np.asarray(vb, dtype=float), xs.shape[-1:])
    both = np.isfinite(va) & np.isfinite(vb)
    if both.sum() < 3:
        return False
    diff = np.abs(va[both] - vb[both])
    return bool(np.all(diff <= 1e-9 * np.maximum(1.0, np.abs(va[both]))))


def simplified(text: str, variables: tuple[str, ...] = ("x",)) -> str | None:
    """``text`` (a printed derivative) simplified by sympy, or None when that is not
    shorter or does not agree with it wherever both are defined. Unbounded time: a job
    of the worker, under its own budget."""
    from derivview.model.expr.parser import parse

    e = parse(text, max_length=100_000, variables=variables)
    s = sp.simplify(to_sympy(e.tree, text, variables))
    out = _printed(s)
    if out is None or len(out) >= len(text):
        return None
    back = parse(out, max_length=100_000, variables=variables)
    return out if _agree(e.tree, back.tree, variables) else None
