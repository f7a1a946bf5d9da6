"""derivview's own expression tree: parse, print, evaluate with automatic differentiation.

Qt-free and sympy-free: :mod:`.sympy_bridge` is the one module that imports sympy, and it
is imported only where formulas are printed (the worker process, ``derivview info``).

- :func:`parse` — text → :class:`Expression` (an immutable tree, spans as typed)
- :func:`to_text` — a tree → text in the language (parses back to the same tree)
- :mod:`.forward` — f, f′, f″ on arrays by second-order forward mode
- :mod:`.multi` — f, ∇f and the Hessian for two variables
- :mod:`.graph` — the computational graph at a point, forward and backward
- :mod:`.sites` — where f′ may not exist, read off the tree
"""

from derivview.model.errors import ExpressionError
from derivview.model.expr.functions import FUNCTION_NAMES, FUNCTION_SIGNATURES, FUNCTIONS
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var
from derivview.model.expr.parser import CONSTANT_NAMES, MAX_LENGTH, Expression, parse
from derivview.model.expr.printer import to_text

__all__ = [
    "CONSTANT_NAMES",
    "FUNCTIONS",
    "FUNCTION_NAMES",
    "FUNCTION_SIGNATURES",
    "MAX_LENGTH",
    "BinOp",
    "Call",
    "Const",
    "Expression",
    "ExpressionError",
    "Neg",
    "Node",
    "Num",
    "Param",
    "Var",
    "parse",
    "to_text",
]
