"""The jobs the symbolic worker runs, by name (imported only where sympy may be).

Each job takes one picklable payload and returns a picklable result:

- ``formulas``: an Expression → (f′, f″) printed in the language (None: cannot be said)
- ``gradient``: an Expression of x and y → (∂f/∂x, ∂f/∂y) printed
- ``simplify``: (variables, f′ text, f″ text) → the same, simplified where that is shorter
  and agrees wherever both are defined (None where not)
- ``warm``: import and exercise sympy once; ``clear_cache``: clear sympy's cache;
  ``ping``: echo the payload
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from derivview.model.expr import sympy_bridge as bridge

__all__ = ["JOBS"]


def _formulas(expression: Any) -> tuple[str | None, str | None]:
    return bridge.derivatives(expression)


def _gradient(expression: Any) -> tuple[str | None, ...]:
    return bridge.gradient(expression)


def _simplify(payload: tuple[tuple[str, ...], str | None, str | None]) -> tuple[str | None, ...]:
    variables, *texts = payload
    return tuple(bridge.simplified(t, tuple(variables)) if t else None for t in texts)


def _warm(_payload: Any) -> None:
    bridge.warm_up()


def _clear_cache(_payload: Any) -> None:
    from sympy.core.cache import clear_cache

    clear_cache()


def _ping(payload: Any) -> Any:
    return payload


JOBS: dict[str, Callable[[Any], Any]] = {
    "formulas": _formulas,
    "gradient": _gradient,
    "simplify": _simplify,
    "warm": _warm,
    "clear_cache": _clear_cache,
    "ping": _ping,
}
