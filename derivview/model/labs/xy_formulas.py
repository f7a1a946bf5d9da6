"""∂f/∂x and ∂f/∂y of an f(x, y) as text in the expression language.

As for f′ and f″ (:mod:`derivview.model.formulas`): no number waits for these, tiny
expressions are printed by sympy in this process, others in the budgeted worker process
(job ``gradient``); a partial derivative sympy cannot print in time is ``None`` ("too
complex to print") while every number is still given. A printed derivative is replaced
by its simplification only when that is shorter and agrees with it wherever both are
defined (job ``simplify``). Imports no sympy itself.
"""

from __future__ import annotations

import contextlib
from typing import Any

from derivview.model.errors import ComplexityError
from derivview.model.formulas import SIMPLIFY_MAX_CHARS, SIMPLIFY_TIMEOUT, small_enough_in_process

__all__ = ["print_gradient"]

Pair = tuple[str | None, str | None]


def _simpler(texts: Pair, better: Any) -> Pair:
    out = [b or t for t, b in zip(texts, tuple(better or (None, None)), strict=False)]
    return out[0], out[1]


def _offer(texts: Pair) -> bool:
    return any(texts) and all(len(t) <= SIMPLIFY_MAX_CHARS for t in texts if t)


def print_gradient(expression: Any, worker: Any = None, timeout: float | None = None) -> Pair:
    """(∂f/∂x, ∂f/∂y) printed; ``None`` for one that could not be printed in time."""
    if small_enough_in_process(expression.tree):
        from derivview.model.symbolic_jobs import JOBS

        try:
            texts = tuple(JOBS["gradient"](expression))
        except ComplexityError:
            return None, None
        pair: Pair = (texts[0], texts[1])
        if _offer(pair):
            # on failure the unsimplified derivatives are the answer
            with contextlib.suppress(ComplexityError, ValueError):
                pair = _simpler(pair, JOBS["simplify"]((expression.variables, *pair)))
        return pair
    if worker is None:
        from derivview.model.symbolic_worker import default_worker

        worker = default_worker()
    try:
        texts = tuple(worker.run("gradient", expression, timeout))
    except ComplexityError:
        return None, None
    pair = (texts[0], texts[1])
    if _offer(pair):
        try:
            better = worker.run("simplify", (expression.variables, *pair), SIMPLIFY_TIMEOUT)
        except ComplexityError:
            return pair
        pair = _simpler(pair, better)
    return pair
