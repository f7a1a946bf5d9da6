"""Every error type the model raises, in one module that imports neither sympy nor Qt.

The GUI, the command line and the worker process match errors by these types (never by
class-name strings), and every one of them survives pickling across the worker's pipe
with its fields.
"""

from __future__ import annotations

__all__ = [
    "Cancelled",
    "ComplexityError",
    "ComputeError",
    "EngineStarting",
    "EngineStopped",
    "ExpressionError",
    "UnsupportedExpression",
]


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


class ComplexityError(Exception):
    """Symbolic work (printing or simplifying a formula) did not finish within its budget.

    Numbers never raise it: every number comes from derivview's own expression tree.
    """


class UnsupportedExpression(ComplexityError):
    """sympy cannot handle the expression (a ComplexityError: callers treat both as
    "no formula for this input", with the message)."""


class Cancelled(ComplexityError):
    """The request was cancelled (the worker process was killed for a newer one)."""


class EngineStopped(ComplexityError):
    """The symbolic engine (the worker process) stopped responding or died, and was
    restarted: nothing to do with the expression. ``str(err)`` says so, for people."""


class EngineStarting(ComplexityError):
    """The symbolic engine was still starting when the request's budget ran out (a slow,
    loaded machine); it goes on starting, and a later request will find it ready."""


class ComputeError(Exception):
    """Anything unexpected while computing, said in one sentence."""
