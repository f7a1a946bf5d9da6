"""The expression language: user text -> sympy expression, safely; and back to text.

Nothing here evaluates text as code. A tokenizer and a recursive-descent parser build
sympy objects from a whitelist of names; limits are checked before any work is done.

Grammar (lowest precedence first)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/" | <implicit>) unary)*     # 2x, x sin(x), (x+1)(x-1)
    unary   := ("-" | "+" | "√" | "∛") unary | power        # -x^2 = -(x^2), √x² = √(x²)
    power   := postfix (("^" | "**") unary)?               # right-assoc: 2^3^2 = 2^9, x^-2
    postfix := primary superscript*                        # x², x⁻¹, x¹⁰
    primary := number | "x" | "e" | "pi" | "π" | letter    # a letter is a parameter
             | function "(" expr ("," expr)* ")" | "(" expr ")" | "|" expr "|"

Implicit multiplication has the precedence of ``*``, so ``1/2x`` is ``(1/2)*x``; it never
starts at a number (``x 2`` is an error, not ``2x``). Functions need parentheses
(``sin x`` is an error that suggests ``sin(x)``); ``x`` is never a function, so ``x(x+1)``
is ``x*(x+1)``. ``√`` and ``∛`` bind like unary minus: they take the following power,
superscript included (``√x²`` is ``√(x²)`` = ``|x|``; ``√4x`` is ``2x``). Inside ``|…|`` a
``|`` that follows a complete operand closes the bars, elsewhere it opens new ones, so
``|x| + |x-1|``, ``2|x|`` and ``|x - |x||`` all work. Decimal literals are exact
rationals (``x^0.5`` is ``sqrt(x)``). Any single ASCII letter other than ``x`` and ``e``
is a real parameter (``X`` and ``E`` too: names are case-sensitive). ``sin²(x)`` and ``sin⁻¹(x)``
are errors that say what to write instead.

Limits, each checked before the work it bounds: text length and token count, nesting
depth (no RecursionError), literal size, and every number sympy would compute exactly —
numeric powers are estimated in logarithms (``9^9^9`` is refused without computing it),
magnitudes stay within 10^±1000, exact roots have bounded radicands and degree (sympy
factors radicands and decides signs from minimal polynomials), and exponents of symbolic
powers are at most 10,000 (sympy's polynomial code expands them densely).
"""

from __future__ import annotations

import difflib
import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import sympy as sp
from sympy.printing.str import StrPrinter

from derivview.model import functions as _fn

__all__ = [
    "CONSTANT_NAMES",
    "FUNCTION_NAMES",
    "FUNCTION_SIGNATURES",
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "MAX_ROOT_DEGREE",
    "MAX_TOKENS",
    "Expression",
    "ExpressionError",
    "X",
    "param_symbol",
    "parse",
    "to_text",
]

X: sp.Symbol = sp.Symbol("x", real=True)
"""The variable. Real, so that ``abs(x)`` differentiates to ``sign(x)`` (no re/im)."""

# --- limits (all checked before the work they bound) ----------------------------------
MAX_LENGTH = 1000
"""Most characters in an expression."""
MAX_TOKENS = 600
"""Most tokens in an expression."""
MAX_DEPTH = 60
"""Deepest nesting of parentheses, calls, bars, powers and prefix operators."""
MAX_LITERAL_DIGITS = 40
"""Most significant digits in a numeric literal."""
MAX_LITERAL_EXPONENT = 330
"""Largest |E| in a literal like ``1e300`` (every float64 repr fits)."""
MAX_DIGITS = 1000
"""Most decimal digits of any number the parser builds (exact or its magnitude).

Well below CPython's 4300-digit int/str conversion limit, so every result prints and
lambdifies; any larger magnitude is inf in float64 anyway."""
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


class ExpressionError(ValueError):
    """Why a text is not an expression, and where (1-based column, span length >= 1)."""

    def __init__(self, message: str, column: int = 1, length: int = 1) -> None:
        self.message = message
        self.column = max(1, int(column))
        self.length = max(1, int(length))
        super().__init__(f"{message} (column {self.column})")

    def __reduce__(self) -> tuple[type[ExpressionError], tuple[str, int, int]]:
        # ValueError pickles as cls(str(self)); keep the fields across processes.
        return (type(self), (self.message, self.column, self.length))


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the text as typed, the sympy expression, its parameters."""

    text: str
    expr: sp.Expr
    parameters: tuple[str, ...]


@functools.cache
def param_symbol(name: str) -> sp.Symbol:
    """The real sympy Symbol of the parameter ``name`` (a single ASCII letter)."""
    if not _is_param_name(name):
        raise ValueError(f"not a parameter name: {name!r}")
    return sp.Symbol(name, real=True)


def _is_param_name(name: str) -> bool:
    # contracts.md §1: any single letter other than x and e is a parameter (X and E too).
    return len(name) == 1 and name.isascii() and name.isalpha() and name not in "xe"


# --- the function table ---------------------------------------------------------------


class _Func(NamedTuple):
    min_args: int
    max_args: int | None  # None: unbounded
    build: Callable[[list[sp.Expr]], sp.Expr]
    signature: str


def _one(f: Callable[[sp.Expr], sp.Expr]) -> Callable[[list[sp.Expr]], sp.Expr]:
    return lambda args: f(args[0])


_FUNCTIONS: dict[str, _Func] = {}


_Builder = Callable[[list[sp.Expr]], sp.Expr]


def _add(names: Sequence[str], lo: int, hi: int | None, build: _Builder, doc: str) -> None:
    for name in names:
        _FUNCTIONS[name] = _Func(lo, hi, build, f"{name}{doc}")


_add(["sin"], 1, 1, _one(sp.sin), "(u): sine (radians)")
_add(["cos"], 1, 1, _one(sp.cos), "(u): cosine (radians)")
_add(["tan"], 1, 1, _one(sp.tan), "(u): tangent (radians)")
_add(["sec"], 1, 1, _one(sp.sec), "(u): secant, 1/cos(u)")
_add(["csc"], 1, 1, _one(sp.csc), "(u): cosecant, 1/sin(u)")
_add(["cot"], 1, 1, _one(sp.cot), "(u): cotangent, 1/tan(u)")
_add(["asin", "arcsin"], 1, 1, _one(sp.asin), "(u): inverse sine")
_add(["acos", "arccos"], 1, 1, _one(sp.acos), "(u): inverse cosine")
_add(["atan", "arctan"], 1, 1, _one(sp.atan), "(u): inverse tangent")
_add(["sinh"], 1, 1, _one(sp.sinh), "(u): hyperbolic sine")
_add(["cosh"], 1, 1, _one(sp.cosh), "(u): hyperbolic cosine")
_add(["tanh"], 1, 1, _one(sp.tanh), "(u): hyperbolic tangent")
_add(["exp"], 1, 1, _one(sp.exp), "(u): e^u")
_add(["ln"], 1, 1, _one(sp.log), "(u): natural logarithm")
_add(["log"], 1, 2, lambda a: sp.log(*a), "(u) natural logarithm; log(u, b): base b")
_add(["log2"], 1, 1, lambda a: sp.log(a[0], 2), "(u): base-2 logarithm")
_add(["log10"], 1, 1, lambda a: sp.log(a[0], 10), "(u): base-10 logarithm")
_add(["sqrt"], 1, 1, _one(sp.sqrt), "(u): square root")
_add(["cbrt"], 1, 1, _one(_fn.cbrt), "(u): real cube root, cbrt(-8) = -2")
_add(["abs"], 1, 1, _one(sp.Abs), "(u): absolute value, also |u|")
_add(["sign"], 1, 1, _one(sp.sign), "(u): -1, 0 or 1")
_add(["floor"], 1, 1, _one(sp.floor), "(u): largest integer <= u")
_add(["ceil"], 1, 1, _one(sp.ceiling), "(u): smallest integer >= u")
_add(["sigmoid"], 1, 1, _one(_fn.sigmoid), "(u): logistic function 1/(1 + e^-u)")
_add(["relu"], 1, 1, _one(_fn.relu), "(u): max(0, u)")
_add(["softplus"], 1, 1, _one(_fn.softplus), "(u): ln(1 + e^u)")
_add(["max"], 2, None, lambda a: sp.Max(*a), "(a, b, ...): largest argument")
_add(["min"], 2, None, lambda a: sp.Min(*a), "(a, b, ...): smallest argument")

FUNCTION_NAMES: tuple[str, ...] = tuple(_FUNCTIONS)
"""Every function name the language knows (aliases included), for completers."""
FUNCTION_SIGNATURES: dict[str, str] = {k: f.signature for k, f in _FUNCTIONS.items()}
"""One line per function name, for tooltips."""
CONSTANT_NAMES: tuple[str, ...] = ("e", "pi", "π")
"""The named constants."""

_CONSTANTS: dict[str, sp.Expr] = {"e": sp.E, "pi": sp.pi, "π": sp.pi}
# exp(u), sinh(u), cosh(u) of a number u have about |u|·log10(e) digits; softplus(u) is
# evaluated through exp(u) (0.8 s for softplus(10^999) in evalf).
_EXPONENTIAL = frozenset({"exp", "sinh", "cosh", "softplus"})
_KNOWN_NAMES = (*FUNCTION_NAMES, "e", "pi", "x")


# --- tokens ---------------------------------------------------------------------------


class _Tok(NamedTuple):
    kind: str  # num name op ( ) | , sup root end
    text: str  # as typed
    start: int  # 0-based index into the text
    end: int
    value: Any = None  # num: Rational; op: normalized operator; sup: int; root: 2 or 3


_DIGITS = "0123456789"
_OPS = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "−": "-", "–": "-"}
_OPS.update({"·": "*", "×": "*", "⋅": "*", "∗": "*", "÷": "/", "∕": "/"})
_SUP_DIGITS = {c: i for i, c in enumerate("⁰¹²³⁴⁵⁶⁷⁸⁹")}
_SUP_SIGNS = {"⁻": -1, "⁺": 1}
_ROOTS = {"√": 2, "∛": 3}
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff")  # zero-width, from pasted text
_STRAY_HINTS = {
    "=": "type only the formula, e.g. x^2, not y = x^2",
    "!": "factorials are not supported",
    "[": "use ( and ) for grouping",
    "]": "use ( and ) for grouping",
    "{": "use ( and ) for grouping",
    "}": "use ( and ) for grouping",
    "%": "use / for division",
    "'": "text in quotes is not part of the language",
    '"': "text in quotes is not part of the language",
    ".": "a decimal point must be part of a number, like 0.5",
}


def _char_name(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() and not ch.isspace() else f"U+{ord(ch):04X}"


def _show(text: str, limit: int = 40) -> str:
    """A span of the user's text for a message, shortened."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tokenize(text: str, max_tokens: int = MAX_TOKENS) -> list[_Tok]:
    toks: list[_Tok] = []
    n = len(text)
    i = 0
    depth = 0
    while i < n:
        c = text[i]
        if c.isspace() or c in _INVISIBLE:
            i += 1
            continue
        start = i
        if c in _DIGITS or (c == "." and i + 1 < n and text[i + 1] in _DIGITS):
            toks.append(_number(text, i))
        elif c.isascii() and (c.isalpha() or c == "_"):
            i += 1
            while i < n and text[i].isascii() and (text[i].isalnum() or text[i] == "_"):
                i += 1
            toks.append(_Tok("name", text[start:i], start, i))
        elif c == "*" and i + 1 < n and text[i + 1] == "*":
            toks.append(_Tok("op", "**", i, i + 2, "^"))
        elif c in _OPS:
            toks.append(_Tok("op", c, i, i + 1, _OPS[c]))
        elif c in "(|":
            if c == "(":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ExpressionError(f"nested too deeply (at most {MAX_DEPTH} levels)", i + 1)
            toks.append(_Tok(c, c, i, i + 1))
        elif c == ")":
            depth -= 1
            toks.append(_Tok(c, c, i, i + 1))
        elif c == ",":
            toks.append(_Tok(c, c, i, i + 1))
        elif c == "π":
            toks.append(_Tok("name", c, i, i + 1))
        elif c in _ROOTS:
            toks.append(_Tok("root", c, i, i + 1, _ROOTS[c]))
        elif c in _SUP_DIGITS or c in _SUP_SIGNS:
            toks.append(_superscript(text, i))
        else:
            hint = _STRAY_HINTS.get(c)
            if hint is None and not c.isascii() and c.isalpha():
                hint = "names are ASCII letters (π is the one exception)"
            message = f"unexpected character {_char_name(c)}"
            raise ExpressionError(f"{message} — {hint}" if hint else message, i + 1)
        i = toks[-1].end
        if len(toks) > max_tokens:
            raise ExpressionError(f"expression too long (more than {max_tokens} symbols)", i)
    return toks


def _number(text: str, i: int) -> _Tok:
    """Lex and validate a numeric literal at ``text[i]``; its value is an exact Rational."""
    n = len(text)
    start = i
    while i < n and text[i] in _DIGITS:
        i += 1
    int_part = text[start:i]
    frac_part = ""
    if i < n and text[i] == ".":
        i += 1
        f0 = i
        while i < n and text[i] in _DIGITS:
            i += 1
        frac_part = text[f0:i]
    exp_text = ""
    if i < n and text[i] in "eE":
        k = i + 1
        if k < n and text[k] in "+-−":
            k += 1
        if k < n and text[k] in _DIGITS:
            while k < n and text[k] in _DIGITS:
                k += 1
            exp_text = text[i + 1 : k].replace("−", "-")
            i = k
    if i < n and text[i] == ".":
        # 2..3, 1.2.3, 1e5.5: a second point is never meant as a product.
        while i < n and (text[i] in _DIGITS or text[i] == "."):
            i += 1
        raise ExpressionError(f"malformed number '{text[start:i]}'", start + 1, i - start)
    literal = text[start:i]
    digits = (int_part + frac_part).lstrip("0")
    if len(digits) > MAX_LITERAL_DIGITS:
        raise ExpressionError(
            f"number too long: {_show(literal, 20)} has {len(digits)} digits "
            f"(at most {MAX_LITERAL_DIGITS})",
            start + 1,
            i - start,
        )
    exponent = 0
    if exp_text:
        magnitude = exp_text.lstrip("+-").lstrip("0")
        if len(magnitude) > 4 or int(magnitude or "0") > MAX_LITERAL_EXPONENT:
            raise ExpressionError(
                f"number out of range: {_show(literal, 20)} "
                f"(the exponent can be at most {MAX_LITERAL_EXPONENT})",
                start + 1,
                i - start,
            )
        exponent = int(exp_text)
    mantissa = int(digits or "0")
    scale = exponent - len(frac_part)
    if scale >= 0:
        value = sp.Integer(mantissa * 10**scale)
    else:
        value = sp.Rational(mantissa, 10**-scale)
    return _Tok("num", literal, start, i, value)


def _superscript(text: str, i: int) -> _Tok:
    start = i
    sign = 1
    if text[i] in _SUP_SIGNS:
        sign = _SUP_SIGNS[text[i]]
        i += 1
    d0 = i
    while i < len(text) and text[i] in _SUP_DIGITS:
        i += 1
    if i == d0:
        raise ExpressionError(
            f"'{text[start]}' must be followed by superscript digits, like x⁻¹", start + 1
        )
    if i - d0 > 4:
        raise ExpressionError("superscript exponent too long (at most 4 digits)", d0 + 1, i - d0)
    value = sign * int("".join(str(_SUP_DIGITS[c]) for c in text[d0:i]))
    return _Tok("sup", text[start:i], start, i, value)


# --- numbers: bounding what sympy will compute ----------------------------------------


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
        # magnitude must stay bounded for evalf and float64.
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


# --- the parser -----------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens of one text; each rule returns a sympy Expr.

    Every node goes through ``checked`` (undefined, non-real, oversized numbers) and
    every power through ``power`` (size estimated before sympy computes it).
    """

    def __init__(self, text: str, toks: list[_Tok]) -> None:
        self.text = text
        self.toks = toks
        self.end_tok = _Tok("end", "end", len(text), len(text))
        self.pos = 0
        self.depth = 0
        self.radicand_digits = 0
        self.bar_context: list[bool] = []  # True while the innermost group is |…|

    # token helpers
    def peek(self) -> _Tok:
        return self.toks[self.pos] if self.pos < len(self.toks) else self.end_tok

    def prev(self) -> _Tok | None:
        return self.toks[self.pos - 1] if self.pos > 0 else None

    def advance(self) -> _Tok:
        tok = self.peek()
        self.pos += 1
        return tok

    def prev_end(self) -> int:
        p = self.prev()
        return p.end if p else 0

    def error(self, message: str, start: int, end: int | None = None) -> ExpressionError:
        end = start + 1 if end is None else end
        return ExpressionError(message, start + 1, max(1, end - start))

    def enter(self, tok: _Tok) -> None:
        # Refuse before recursing: no RecursionError, whatever the input.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested too deeply (at most {MAX_DEPTH} levels)", tok.start)

    def leave(self) -> None:
        self.depth -= 1

    # checks on every node built
    def make(
        self, build: Callable[..., sp.Expr], args: list[Any], start: int, end: int | None = None
    ) -> sp.Expr:
        """build(*args), with sympy's own failures on extreme numbers as errors for people.

        sympy raises PrecisionExhausted when it cannot round a huge irrational number
        (floor(10^300 e)) and has rare internal errors on others (asin(sin(1e300))).
        """
        try:
            return build(*args)
        except ExpressionError:
            raise
        except Exception:
            end = self.prev_end() if end is None else end
            raise self.error(
                f"cannot evaluate {_show(self.text[start:end])} exactly — the numbers in it "
                "are too large",
                start,
                end,
            ) from None

    def negate(self, value: sp.Expr, start: int) -> sp.Expr:
        return self.checked(self.make(lambda v: -v, [value], start), start)

    def checked(self, value: sp.Expr, start: int, end: int | None = None) -> sp.Expr:
        end = self.prev_end() if end is None else end
        span = _show(self.text[start:end])
        nodes = [value]
        for a in value.args:
            nodes.append(a)
            nodes.extend(a.args)
        for node in nodes:
            if node in _BAD_ATOMS:
                raise self.error(f"{span} is undefined", start, end)
            if node is sp.S.ImaginaryUnit:
                raise self.error(f"{span} is not a real number", start, end)
            if node.is_Rational and max(int(node.p).bit_length(), int(node.q).bit_length()) > (
                _MAX_BITS
            ):
                raise self.error(
                    f"number too large: {span} (more than {MAX_DIGITS} digits)", start, end
                )
            if (
                node.is_Pow
                and node.exp.is_Rational
                and max(abs(node.exp.p), node.exp.q) > MAX_EXPONENT
                and not node.base.is_number
            ):
                # sympy's polynomial code (gcd, even inside an is_real query) expands
                # x^(p/q) into a dense polynomial of degree p in x^(1/q).
                raise self.error(
                    f"exponent too large: {span} (a power of an expression in x can have "
                    f"exponents p/q with p and q up to {MAX_EXPONENT})",
                    start,
                    end,
                )
        if value.is_number and not value.is_Rational:
            self.check_magnitude(value, start, end)
        return value

    def check_magnitude(self, value: sp.Expr, start: int, end: int) -> None:
        span = _show(self.text[start:end])
        try:
            n = value.evalf(15)
            re_part, im_part = n.as_real_imag()
        except Exception:
            return  # magnitude unknown, but every input to it was bounded
        if im_part != 0:
            hint = ""
            if value.has(sp.Pow) and any(
                p.base.is_negative and not p.exp.is_integer for p in value.atoms(sp.Pow)
            ):
                hint = " — for the real cube root write cbrt(…)"
            raise self.error(f"{span} is not a real number{hint}", start, end)
        log_value = _log10_abs_number(re_part) if re_part != 0 else 0.0
        if abs(log_value) > MAX_DIGITS:
            raise self.out_of_range(span, math.log10(abs(log_value)), log_value < 0, start, end)

    def out_of_range(
        self, span: str, log_digits: float, small: bool, start: int, end: int
    ) -> ExpressionError:
        """The error for a number with about 10^log_digits digits (or leading zeros)."""
        if small:
            what = f"{_digits_text(log_digits)} zeros after the point"
            return self.error(
                f"number too small: {span} ({what}; at most {MAX_DIGITS})", start, end
            )
        what = f"{_digits_text(log_digits)} digits"
        return self.error(f"number too large: {span} ({what}; at most {MAX_DIGITS})", start, end)

    def check_exponential(self, name: str, arg: sp.Expr, start: int, end: int) -> None:
        """Refuse exp(u)-like values of numbers u before sympy or evalf meets them."""
        if not arg.is_number:
            return
        try:
            value = float(sp.re(arg.evalf(15)))
        except Exception:  # PrecisionExhausted for floor(10^300 e): refuse, unknown size
            value = math.inf
        log_digits = math.log10(abs(value) * _LOG10_E) if value != 0 else -math.inf
        if log_digits > math.log10(MAX_DIGITS):
            span = _show(self.text[start:end])
            if name == "softplus":
                limit = math.floor(MAX_DIGITS / _LOG10_E)
                raise self.error(
                    f"number out of range: {span} (softplus(u) is computed through e^u, so "
                    f"|u| can be at most {limit})",
                    start,
                    end,
                )
            raise self.out_of_range(span, log_digits, name == "exp" and value < 0, start, end)

    def power(self, base: sp.Expr, exp: sp.Expr, start: int, end: int | None = None) -> sp.Expr:
        """base^exp, refused before computing when the number would be too large."""
        end = self.prev_end() if end is None else end
        span = _show(self.text[start:end])
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
                    # A number below 1 to a positive power (or above 1 to a negative one).
                    try:
                        small = base.is_number and (_log10_abs_number(base) < 0) != bool(
                            exp.is_negative
                        )
                    except Exception:  # the sign of -ceil(10^999 e) exhausts evalf
                        small = False
                    raise self.out_of_range(span, log_digits, small, start, end)
            if exp.is_Rational:
                self.check_root(base, exp, span, start, end)
        return self.checked(self.make(sp.Pow, [base, exp], start, end), start, end)

    def check_root(self, base: sp.Expr, exp: sp.Rational, span: str, start: int, end: int) -> None:
        """Bound the exact-root work sympy does for base^exp (factoring, perfect powers)."""
        degree = _root_degree(base, exp)
        if degree > MAX_ROOT_DEGREE:
            raise self.error(
                f"root of too high a degree: {span} (a root of degree "
                f"{degree if degree < 10**6 else '10^' + str(len(str(degree)) - 1)}; at most "
                f"{MAX_ROOT_DEGREE}) — use fewer decimals in the exponent",
                start,
                end,
            )
        if not exp.is_integer:
            # Every radicand is factored (again when radicals combine): a budget for all.
            self.radicand_digits += _radicand_digits(base)
            if self.radicand_digits > MAX_RADICAND_DIGITS:
                raise self.error(
                    f"numbers too large for exact roots: {span} (radicands can have at most "
                    f"{MAX_RADICAND_DIGITS} digits in all)",
                    start,
                    end,
                )
        kept = _root_digits(base, exp)
        if kept > MAX_DIGITS:
            raise self.error(
                f"exact root too large: {span} would keep a number of "
                f"{_digits_text(math.log10(kept))} digits under the root "
                f"(at most {MAX_DIGITS}); a shorter exponent helps",
                start,
                end,
            )

    # grammar
    def parse(self) -> sp.Expr:
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.unexpected(tok)
        return value

    def expr(self) -> sp.Expr:
        start = self.peek().start
        terms = [self.term()]
        while (tok := self.peek()).kind == "op" and tok.value in "+-":
            self.advance()
            rhs = self.term()
            terms.append(rhs if tok.value == "+" else self.negate(rhs, tok.start))
        if len(terms) == 1:
            return terms[0]
        return self.checked(self.make(sp.Add, terms, start), start)

    def starts_implicit_factor(self, tok: _Tok) -> bool:
        if tok.kind in ("name", "(", "root"):
            return True
        # Inside |…| a bar after an operand closes it; elsewhere it opens a new one (2|x|).
        return tok.kind == "|" and not (self.bar_context and self.bar_context[-1])

    def term(self) -> sp.Expr:
        start = self.peek().start
        factors = [self.unary()]
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in "*/":
                self.advance()
                rhs = self.unary()
                if tok.value == "/":
                    rhs = self.power(rhs, sp.S.NegativeOne, start)
                factors.append(rhs)
            elif self.starts_implicit_factor(tok):
                factors.append(self.unary())
            elif tok.kind == "num":
                raise self.error(
                    f"missing operator before '{tok.text}' (write * for a product)", tok.start
                )
            else:
                break
        if len(factors) == 1:
            return factors[0]
        return self.checked(self.make(sp.Mul, factors, start), start)

    def unary(self) -> sp.Expr:
        tok = self.peek()
        if tok.kind == "op" and tok.value in "+-":
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            return operand if tok.value == "+" else self.negate(operand, tok.start)
        if tok.kind == "root":
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            if tok.value == 2:
                return self.power(operand, sp.S.Half, tok.start)
            return self.call("cbrt", [operand], tok.start)
        return self.power_expr()

    def power_expr(self) -> sp.Expr:
        start = self.peek().start
        base = self.postfix()
        tok = self.peek()
        if tok.kind == "op" and tok.value == "^":
            self.advance()
            self.enter(tok)
            exponent = self.unary()
            self.leave()
            return self.power(base, exponent, start)
        return base

    def postfix(self) -> sp.Expr:
        start = self.peek().start
        value = self.primary()
        while (tok := self.peek()).kind == "sup":
            self.advance()
            value = self.power(value, sp.Integer(tok.value), start)
        return value

    def primary(self) -> sp.Expr:
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            return tok.value
        if tok.kind == "name":
            return self.name()
        if tok.kind == "(":
            self.advance()
            if self.peek().kind == ")":
                raise self.error("empty parentheses", tok.start, self.peek().end)
            self.enter(tok)
            self.bar_context.append(False)
            value = self.expr()
            self.bar_context.pop()
            self.expect(")", tok)
            self.leave()
            return value
        if tok.kind == "|":
            self.advance()
            self.enter(tok)
            self.bar_context.append(True)
            value = self.expr()
            self.bar_context.pop()
            self.expect("|", tok)
            self.leave()
            return self.call("abs", [value], tok.start)
        raise self.unexpected(tok)

    def expect(self, kind: str, opener: _Tok) -> None:
        tok = self.peek()
        if tok.kind == kind:
            self.advance()
            return
        if tok.kind == "end":
            raise self.error(f"missing '{kind}' to close this '{opener.text}'", opener.start)
        raise self.unexpected(tok)

    def unexpected(self, tok: _Tok) -> ExpressionError:
        """The error for a token that cannot come where it is."""
        prev = self.prev()
        if tok.kind == "end":
            if prev is None:
                return self.error("enter a function of x", 0)
            if prev.kind == "(":
                return self.error("missing ')' to close this '('", prev.start)
            return self.error(f"'{prev.text}' needs something after it", prev.start, prev.end)
        if prev is not None and prev.kind in ("op", "root") and tok.kind in (")", ",", "|"):
            return self.error(f"'{prev.text}' needs something after it", prev.start, prev.end)
        if tok.kind == ")":
            if prev is not None and prev.kind == ",":
                return self.error("missing argument after ','", prev.start)
            return self.error("unmatched ')'", tok.start)
        if tok.kind == ",":
            if prev is not None and prev.kind in ("(", ","):
                return self.error("missing argument before ','", tok.start)
            return self.error(
                "unexpected ',' — commas only separate function arguments, as in max(x, 1)",
                tok.start,
            )
        if tok.kind in ("op", "sup"):
            if prev is None or prev.kind in ("(", ",", "|"):
                return self.error(f"'{tok.text}' needs something before it", tok.start, tok.end)
            return self.error(f"unexpected '{tok.text}' after '{prev.text}'", tok.start, tok.end)
        return self.error(f"unexpected '{tok.text}'", tok.start, tok.end)

    def name(self) -> sp.Expr:
        tok = self.advance()
        name = tok.text
        if name == "x":
            return X
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in _FUNCTIONS:
            return self.function(tok)
        if _is_param_name(name):
            return param_symbol(name)
        raise self.unknown_name(tok)

    def function(self, tok: _Tok) -> sp.Expr:
        name = tok.text
        nxt = self.peek()
        if nxt.kind != "(":
            if nxt.kind == "sup" and nxt.value == -1:
                inverse = "a" + name if "a" + name in _FUNCTIONS else None
                hint = f"write {inverse}(x) for the inverse, or " if inverse else "write "
                raise self.error(
                    f"{name}⁻¹ is ambiguous — {hint}1/{name}(x) for the reciprocal",
                    tok.start,
                    nxt.end,
                )
            if nxt.kind == "sup" or (nxt.kind == "op" and nxt.value == "^"):
                power = nxt.text if nxt.kind == "sup" else "^2"
                raise self.error(
                    f"put the power after the argument: write {name}(x){power}, not "
                    f"{name}{power}(x)",
                    tok.start,
                    nxt.end,
                )
            arg = nxt.text if nxt.kind in ("name", "num") else "x"
            raise self.error(
                f"{name} needs its argument in parentheses: write {name}({arg})",
                tok.start,
                tok.end,
            )
        opener = self.advance()
        self.enter(opener)
        self.bar_context.append(False)
        args: list[sp.Expr] = []
        if self.peek().kind != ")":
            while True:
                if self.peek().kind == "end":
                    raise self.error("missing ')' to close this '('", opener.start)
                args.append(self.expr())
                if self.peek().kind != ",":
                    break
                comma = self.advance()
                if self.peek().kind in (")", "end"):
                    raise self.error("missing argument after ','", comma.start)
        self.bar_context.pop()
        self.expect(")", opener)
        self.leave()
        return self.call(name, args, tok.start)

    def call(self, name: str, args: list[sp.Expr], start: int) -> sp.Expr:
        """Apply a function of the table, after checking arity and sizes."""
        end = self.prev_end()
        spec = _FUNCTIONS[name]
        n = len(args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            if spec.max_args is None:
                wanted = f"at least {spec.min_args} arguments"
            elif spec.min_args == spec.max_args:
                wanted = f"{spec.min_args} argument" + ("s" if spec.min_args != 1 else "")
            else:
                wanted = f"{spec.min_args} or {spec.max_args} arguments"
            raise self.error(f"{name} takes {wanted}, got {n}", start, end)
        span = self.text[start:end]
        if name in _EXPONENTIAL:
            self.check_exponential(name, args[0], start, end)
        if name in ("log", "log2", "log10") and len(args) == 2:
            b = args[1]
            if b.is_number and (b.is_positive is False or b == 1):
                raise self.error("the base of a logarithm must be positive and not 1", start, end)
        if name in ("sqrt", "cbrt"):
            if name == "sqrt":
                return self.power(args[0], sp.S.Half, start, end)
            self.check_root(args[0], sp.Rational(1, 3), _show(span), start, end)
        value = self.make(spec.build, [args], start, end)
        if name == "abs" and value.has(sp.re, sp.im, sp.arg):
            # sympy writes |exp(z)| as exp(re(z)) when z may be complex (x^e for x < 0):
            # keep abs(exp(z)), which the language can say.
            value = sp.Abs(args[0], evaluate=False)
        return self.checked(value, start, end)

    def unknown_name(self, tok: _Tok) -> ExpressionError:
        name = tok.text
        as_call = self.peek().kind == "("
        hints: list[str] = []
        lower = name.lower()
        if lower != name and lower in _KNOWN_NAMES:
            hints.append(f"did you mean {lower}? (names are case-sensitive)")
        if not hints and not as_call:
            prefix = max((f for f in _FUNCTIONS if name.startswith(f)), key=len, default=None)
            if prefix is not None:
                hints.append(f"did you mean {prefix}({name[len(prefix) :]})?")
        m = re.fullmatch(r"log(\d+)", name)
        if m:
            hints.append(f"for base {m.group(1)} write log(x, {m.group(1)})")
        pieces = _split_product(name) or []
        product = "*".join(pieces) if pieces else None
        close = difflib.get_close_matches(lower, _KNOWN_NAMES, n=1, cutoff=0.75)
        if as_call and close and not hints:
            hints.append(f"did you mean {close[0]}?")
        # a*b for 'ab' is a likely intent; s*i*n*e for 'sine' or i*m*p*o*r*t is not.
        if product and len(pieces) <= 3 and (not hints or len(pieces) == 2):
            power = ""
            if len(pieces) == 2 and pieces[1].isdigit():
                power = f", for a power {pieces[0]}^{pieces[1]}"
            hints.append(f"for a product write {product}{'*(…)' if as_call else ''}{power}")
        if not hints and close:
            hints.append(f"did you mean {close[0]}?")
        kind = "function" if as_call else "name"
        message = f"unknown {kind} '{_show(name, 30)}'"
        if hints:
            message += " — " + "; ".join(hints)
        return self.error(message, tok.start, tok.end)


def _split_product(name: str) -> list[str] | None:
    """'ab' -> ['a', 'b'], 'pix' -> ['pi', 'x'], 'x2' -> ['x', '2']; None if not a product."""
    pieces: list[str] = []
    i = 0
    while i < len(name):
        if name.startswith("pi", i):
            pieces.append("pi")
            i += 2
        elif name[i].isdigit():
            j = i
            while j < len(name) and name[j].isdigit():
                j += 1
            pieces.append(name[i:j])
            i = j
        elif name[i] in "xe" or _is_param_name(name[i]):
            pieces.append(name[i])
            i += 1
        else:
            return None
    return pieces if len(pieces) >= 2 and not pieces[0].isdigit() else None


def parse(text: str, *, max_length: int = MAX_LENGTH) -> Expression:
    """Parse user text into an :class:`Expression`.

    Raises :class:`ExpressionError` (and nothing else) for any string that is not an
    expression, with a message for people and the 1-based column of the problem.
    ``max_length`` may be raised to read back long texts the program printed itself
    (a second derivative from :func:`to_text`); the token limit scales with it.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    if len(text) > max_length:
        raise ExpressionError(
            f"expression too long ({len(text)} characters; at most {max_length})",
            max_length + 1,
            len(text) - max_length,
        )
    try:
        toks = _tokenize(text, max(MAX_TOKENS, MAX_TOKENS * max_length // MAX_LENGTH))
        if not toks:
            raise ExpressionError("enter a function of x", 1)
        parser = _Parser(text, toks)
        expr = parser.parse()
        if expr.has(*_BAD_ATOMS):
            raise ExpressionError(f"{_show(text)} is undefined", 1, len(text))
        if expr.has(sp.S.ImaginaryUnit):
            raise ExpressionError(f"{_show(text)} is not a real number", 1, len(text))
        try:  # what parse returns, to_text can print (and the calculus can compile)
            _check_printable(expr)
        except ValueError as err:
            raise ExpressionError(f"cannot represent {_show(text)}: {err}", 1, len(text)) from None
    except ExpressionError:
        raise
    except RecursionError:  # pragma: no cover - the depth limit should prevent it
        raise ExpressionError("expression nested too deeply", 1, len(text)) from None
    except Exception as exc:  # pragma: no cover - a safety net: never a traceback
        raise ExpressionError(
            f"cannot handle this expression ({type(exc).__name__})", 1, max(1, len(text))
        ) from None
    names = sorted(s.name for s in expr.free_symbols if s != X)
    return Expression(text=text, expr=expr, parameters=tuple(names))


# --- printing -------------------------------------------------------------------------

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
    _fn.sigmoid: "sigmoid",
    _fn.relu: "relu",
    _fn.softplus: "softplus",
    _fn.cbrt: "cbrt",
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

    def _print_Mul(self, expr: sp.Mul) -> str:
        s = super()._print_Mul(expr)
        # 2*x -> 2x, 3*x^2 -> 3x^2: what people write (and what contracts.md shows).
        return _LEADING_COEFF.sub(r"\1\2", s, count=1)

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
        # d/dx relu = Heaviside; the language has no step function, but sign has one.
        u = self._print(expr.args[0])
        h0 = expr.args[1] if len(expr.args) > 1 else sp.S.Half
        if h0 == sp.S.Half:
            return f"((1 + sign({u}))/2)"
        return f"((1 + sign({u}))/2 + ({self._print(h0 - sp.S.Half)})*(1 - abs(sign({u}))))"

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
            if node.name != "x" and not _is_param_name(node.name):
                raise ValueError(f"the symbol {node.name!r} is not a name of the language")
        elif node.is_Float:
            if not math.isfinite(float(node)):
                raise ValueError(f"cannot print {node} in the expression language")
        elif node.is_Rational or node is sp.S.Pi or node is sp.S.Exp1:
            pass
        elif isinstance(node, (sp.Add, sp.Mul, sp.Pow, sp.Heaviside)) or (
            type(node) in _PRINTABLE_FUNCS
        ):
            stack.extend(node.args)
        else:
            raise ValueError(f"cannot print {type(node).__name__} in the expression language")


def to_text(expr: sp.Expr) -> str:
    """Print a sympy expression in the expression language; ``parse`` reads it back.

    Raises ValueError for what the language cannot say (DiracDelta, complex numbers,
    infinities, unknown functions or symbols).
    """
    if isinstance(expr, str):
        raise TypeError("to_text takes a sympy expression, not text")
    if isinstance(expr, bool):
        raise TypeError("to_text takes a sympy expression")
    if isinstance(expr, int):
        expr = sp.Integer(expr)
    elif isinstance(expr, float):
        expr = sp.Float(expr)
    _check_printable(expr)
    try:
        text: str = _LanguagePrinter({"order": None}).doprint(expr)
    except ValueError:
        raise
    except Exception:
        # Sorting the terms evaluates numbers; floor(10^999 pi) + … exhausts evalf's
        # precision. Unsorted terms print the same function.
        text = _LanguagePrinter({"order": "none"}).doprint(expr)
    return text
