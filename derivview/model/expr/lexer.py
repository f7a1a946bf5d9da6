"""Tokens of the expression language: numbers, names, operators, Unicode forms.

No evaluation of any kind: characters are classified one by one against fixed tables,
and every character that is not part of the language is an error naming it (with a hint
for the likely intent: ``=``, ``!``, ``[``, quotes).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from derivview.model.errors import ExpressionError

__all__ = [
    "MAX_DEPTH",
    "MAX_LITERAL_DIGITS",
    "MAX_LITERAL_EXPONENT",
    "MAX_TOKENS",
    "Tok",
    "literal_parts",
    "show",
    "tokenize",
]

MAX_TOKENS = 600
"""Most tokens in an expression."""
MAX_DEPTH = 60
"""Deepest nesting of parentheses, calls, bars, powers and prefix operators."""
MAX_LITERAL_DIGITS = 40
"""Most significant digits in a numeric literal."""
MAX_LITERAL_EXPONENT = 330
"""Largest |E| in a literal like ``1e300`` (every float64 repr fits)."""


class Tok(NamedTuple):
    """One token: its kind, the text as typed, its 0-based span, and a value."""

    kind: str  # num name op ( ) | , sup root end
    text: str
    start: int
    end: int
    value: Any = None  # num: float; op: normalized operator; sup: int; root: 2 or 3


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


def show(text: str, limit: int = 40) -> str:
    """A span of the user's text for a message, shortened."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tokenize(text: str, max_tokens: int = MAX_TOKENS) -> list[Tok]:
    """The tokens of ``text``; raises ExpressionError at the first character that is
    not part of the language, or when there are too many tokens or parentheses."""
    toks: list[Tok] = []
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
            toks.append(Tok("name", text[start:i], start, i))
        elif c == "*" and i + 1 < n and text[i + 1] == "*":
            toks.append(Tok("op", "**", i, i + 2, "^"))
        elif c in _OPS:
            toks.append(Tok("op", c, i, i + 1, _OPS[c]))
        elif c in "(|":
            if c == "(":
                depth += 1
                if depth > MAX_DEPTH:
                    raise ExpressionError(f"nested too deeply (at most {MAX_DEPTH} levels)", i + 1)
            toks.append(Tok(c, c, i, i + 1))
        elif c == ")":
            depth -= 1
            toks.append(Tok(c, c, i, i + 1))
        elif c == ",":
            toks.append(Tok(c, c, i, i + 1))
        elif c == "π":
            toks.append(Tok("name", c, i, i + 1))
        elif c in _ROOTS:
            toks.append(Tok("root", c, i, i + 1, _ROOTS[c]))
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


def literal_parts(literal: str) -> tuple[int, int]:
    """``(mantissa, scale)`` of a literal as typed: its exact value is mantissa·10^scale.

    ``"2.50"`` → (250, -2), ``"1e-3"`` → (1, -3), ``".5"`` → (5, -1). The literal has been
    validated by the tokenizer (at most 40 digits, |exponent| at most 330).
    """
    body, _, exp_text = literal.lower().replace("−", "-").partition("e")
    int_part, _, frac_part = body.partition(".")
    mantissa = int((int_part + frac_part).lstrip("0") or "0")
    exponent = int(exp_text) if exp_text else 0
    return mantissa, exponent - len(frac_part)


def _number(text: str, i: int) -> Tok:
    """Lex and validate a numeric literal at ``text[i]``; its value is a float64."""
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
            f"number too long: {show(literal, 20)} has {len(digits)} digits "
            f"(at most {MAX_LITERAL_DIGITS})",
            start + 1,
            i - start,
        )
    if exp_text:
        magnitude = exp_text.lstrip("+-").lstrip("0")
        if len(magnitude) > 4 or int(magnitude or "0") > MAX_LITERAL_EXPONENT:
            raise ExpressionError(
                f"number out of range: {show(literal, 20)} "
                f"(the exponent can be at most {MAX_LITERAL_EXPONENT})",
                start + 1,
                i - start,
            )
    # float() of a validated decimal literal: correctly rounded; beyond float64 it is
    # inf (too large to represent, an answer), below it 0.
    value = float(literal.replace("−", "-"))
    return Tok("num", literal, start, i, value)


def _superscript(text: str, i: int) -> Tok:
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
    return Tok("sup", text[start:i], start, i, value)
