"""The printed formulas of f, f′ and f″: text in the expression language.

No number waits for these. f is printed from the tree at once (as typed, no
simplification); f′ and f″ are printed by sympy — in the worker process under its
budget (:mod:`derivview.model.symbolic_worker`, job ``formulas``), or, for tiny
expressions, in this process (the command line: a round trip to a worker process would
cost more than the work). When sympy cannot finish within the budget, the formula is
"too complex to print" (``None`` here, ``null`` in ``info --json``) while every number is
still given. A printed derivative may be simplified (job ``simplify``, under its own
budget): only when the result is shorter and agrees with the unsimplified derivative
wherever both are defined.

Imports no sympy: the bridge is imported only when printing in this process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from derivview.model.errors import ComplexityError, EngineStarting, EngineStopped
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var, walk
from derivview.model.expr.printer import to_text

if TYPE_CHECKING:
    from derivview.model.expr.parser import Expression

__all__ = [
    "JOB_AT_LEAST_S",
    "SIMPLIFY_MAX_CHARS",
    "SIMPLIFY_TIMEOUT",
    "TOO_COMPLEX",
    "Formulas",
    "constant_formulas",
    "formulas_in_process",
    "prepare",
    "print_formulas",
    "small_enough_in_process",
]

TOO_COMPLEX = "too complex to print"
"""What is shown for a formula sympy could not print within the budget."""

SIMPLIFY_TIMEOUT = 1.0
"""Seconds the simplification of f′ and f″ may take (after they were printed)."""
SIMPLIFY_MAX_CHARS = 300
JOB_AT_LEAST_S = 1.0
"""With a deadline: the least time the formulas job is given (the engine's start is
waited for until then), however little is left."""
"""Longest printed derivative that is offered to ``simplify`` (beyond: rarely in budget)."""


@dataclass(frozen=True)
class Formulas:
    """f, f′, f″ as text; ``None`` where a derivative could not be printed, and why."""

    f: str
    df: str | None
    d2f: str | None
    note: str = ""
    """Why df/d2f are None (e.g. :data:`TOO_COMPLEX`); empty when both are printed."""
    simplified: bool = False


# -- in this process: only what is surely quick ----------------------------------------

_IN_PROCESS_FUNCTIONS = frozenset({
    "sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "exp", "ln", "log", "log2", "log10", "sqrt", "cbrt", "abs", "sign", "sigmoid",
    "softplus", "relu",
})  # fmt: skip
_IN_PROCESS_NODES = 10
_IN_PROCESS_DEPTH = 3


def _small_number(node: Node) -> bool:
    return isinstance(node, Num) and abs(node.value) <= 1e6 and len(node.text) <= 8


def small_enough_in_process(tree: Node) -> bool:
    """Whether printing f′ and f″ of ``tree`` with sympy here is surely quick: at most 10
    nodes, at most 3 nested functions, all from a list with cheap derivatives (no
    max/min/floor/ceil), numbers small and exponents small integers or halves.

    (The rule of the old in-process differentiation, measured on all 12,473 such
    expressions: median 11 ms, worst 0.18 s on a loaded machine. Size alone is no bound:
    max of 8 arguments took 0.6 s, hence the list.)
    """
    count = 0
    stack: list[tuple[Node, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > _IN_PROCESS_NODES:
            return False
        if isinstance(node, (Var, Param, Const)):
            continue
        if isinstance(node, Num):
            if not _small_number(node):
                return False
            continue
        if isinstance(node, Call):
            if node.name not in _IN_PROCESS_FUNCTIONS or len(node.args) != 1:
                return False
            depth += 1
            if depth > _IN_PROCESS_DEPTH:
                return False
            stack.append((node.args[0], depth))
        elif isinstance(node, BinOp):
            if node.op == "pow" and not _small_exponent(node.right):
                return False
            stack.extend(((node.left, depth), (node.right, depth)))
        elif isinstance(node, Neg):
            stack.append((node.arg, depth))
    return True


def _small_exponent(node: Node) -> bool:
    if isinstance(node, Neg):
        node = node.arg
    if isinstance(node, Num):
        return abs(node.value) <= 12 and (2 * node.value).is_integer()
    # a variable exponent (2^x, x^x) is cheap for sympy; a compound numeric one (2^(10^6))
    # may make it compute a huge number
    nodes = list(walk(node))
    return any(isinstance(n, Var) for n in nodes) and not any(
        isinstance(n, Num) and not _small_number(n) for n in nodes
    )


def formulas_in_process(expression: Expression, simplify: bool = True) -> Formulas:
    """Print f′ and f″ with sympy in this process (imports it; unbounded time: only for
    :func:`small_enough_in_process` expressions)."""
    from derivview.model.symbolic_jobs import JOBS

    f = to_text(expression.tree)
    try:
        df, d2f = JOBS["formulas"](expression)
    except ComplexityError as exc:
        return Formulas(f, None, None, _why(exc))
    out = _with(Formulas(f, df, d2f), "" if (df and d2f) else TOO_COMPLEX)
    if simplify and _offer_simplify(out):
        better = JOBS["simplify"]((expression.variables, out.df, out.d2f))
        out = _simplified(out, better)
    return out


def constant_formulas(expression: Expression) -> Formulas | None:
    """f′ = f″ = 0 when f has no variable (parameters are constants too), without sympy;
    None otherwise.

    Half of the hostile inputs are constants (9^9^9, sin(10^999), 50 floors of 10^999π):
    their derivatives need no computer algebra — sympy spent seconds, or its whole budget,
    building them only to differentiate a constant.
    """
    if any(isinstance(node, Var) for node in walk(expression.tree)):
        return None
    return Formulas(to_text(expression.tree), "0", "0")


def prepare(expression: Expression) -> None:
    """Start the shared worker now if :func:`print_formulas` will need it: its start-up
    (a new Python importing sympy) then overlaps the caller's own work on the numbers."""
    if constant_formulas(expression) is None and not small_enough_in_process(expression.tree):
        from derivview.model.symbolic_worker import default_worker

        default_worker().start()


def print_formulas(
    expression: Expression,
    worker: Any = None,
    timeout: float | None = None,
    *,
    simplify: bool = True,
    startup: float | None = None,
    deadline: float | None = None,
) -> Formulas:
    """f, f′, f″ as text: tiny expressions in this process, others in ``worker`` (None:
    the shared one) within ``timeout`` s, after waiting at most ``startup`` s (default
    :data:`~derivview.model.symbolic_worker.STARTUP_WAIT_S`) for it to start. Never
    raises for a formula sympy cannot print in time: that formula is None, and ``note``
    says why (too complex to print; the engine stopped responding; still starting).

    ``deadline`` (a :func:`time.monotonic` time) bounds a person's whole wait: the engine's
    start is waited for until :data:`JOB_AT_LEAST_S` before it, the job gets what is left
    (within its budget; at least that), and simplifying is skipped when its budget would
    go past it."""
    constant = constant_formulas(expression)
    if constant is not None:
        return constant
    if small_enough_in_process(expression.tree):
        return formulas_in_process(expression, simplify)
    from derivview.model.symbolic_worker import DEFAULT_TIMEOUT, STARTUP_WAIT_S, default_worker

    if worker is None:
        worker = default_worker()
    f = to_text(expression.tree)
    wait = STARTUP_WAIT_S if startup is None else startup
    if deadline is not None:
        wait = max(0.0, min(wait, deadline - time.monotonic() - JOB_AT_LEAST_S))
    try:
        worker.wait_ready(wait)
        if deadline is not None:  # what is left of the wait, and at least JOB_AT_LEAST_S
            budget = timeout if timeout is not None else getattr(worker, "timeout", DEFAULT_TIMEOUT)
            timeout = min(budget, max(deadline - time.monotonic(), JOB_AT_LEAST_S))
        df, d2f = worker.run("formulas", expression, timeout)
    except ComplexityError as exc:
        return Formulas(f, None, None, _why(exc))
    out = _with(Formulas(f, df, d2f), "" if (df and d2f) else TOO_COMPLEX)
    if deadline is not None and deadline - time.monotonic() < SIMPLIFY_TIMEOUT:
        simplify = False  # the unsimplified derivatives, in time, are the answer
    if simplify and _offer_simplify(out):
        try:
            better = worker.run("simplify", (expression.variables, df, d2f), SIMPLIFY_TIMEOUT)
        except ComplexityError:
            return out  # the unsimplified derivatives are the answer
        out = _simplified(out, better)
    return out


def _why(exc: BaseException) -> str:
    """The note for a formula not printed: what happened to the engine, or too complex."""
    if isinstance(exc, (EngineStopped, EngineStarting)):
        return str(exc)
    return TOO_COMPLEX


def _with(formulas: Formulas, note: str) -> Formulas:
    return replace(formulas, note=note)


def _offer_simplify(formulas: Formulas) -> bool:
    texts = [t for t in (formulas.df, formulas.d2f) if t]
    return bool(texts) and all(len(t) <= SIMPLIFY_MAX_CHARS for t in texts)


def _simplified(formulas: Formulas, better: tuple[str | None, str | None]) -> Formulas:
    df = better[0] or formulas.df
    d2f = better[1] or formulas.d2f
    if (df, d2f) == (formulas.df, formulas.d2f):
        return formulas
    return replace(formulas, df=df, d2f=d2f, simplified=True)
