"""The expression language, for callers that want the names in one place.

A thin layer over :mod:`derivview.model.expr` (the tokenizer, parser and tree); no sympy.
"""

from __future__ import annotations

from derivview.model.errors import ExpressionError
from derivview.model.expr.functions import FUNCTION_NAMES, FUNCTION_SIGNATURES
from derivview.model.expr.lexer import MAX_DEPTH, MAX_LITERAL_DIGITS, MAX_TOKENS
from derivview.model.expr.parser import (
    CONSTANT_NAMES,
    MAX_LENGTH,
    Expression,
    is_param_name,
    parse,
)
from derivview.model.expr.printer import to_text

__all__ = [
    "CONSTANT_NAMES",
    "FUNCTION_NAMES",
    "FUNCTION_SIGNATURES",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_LITERAL_DIGITS",
    "MAX_TOKENS",
    "Expression",
    "ExpressionError",
    "is_param_name",
    "parse",
    "to_text",
]
