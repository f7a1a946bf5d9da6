"""Numbers and lines as people read them (the readout, ``derivview info``)."""

from __future__ import annotations

import math
from collections.abc import Callable

MINUS = "−"


def format_number(value: float | None, digits: int = 8) -> str:
    """``digits`` significant digits, Unicode minus, ∞ for infinity, "undefined" for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else f"{MINUS}∞"
    if v == 0:
        v = 0.0  # no "−0"
    return f"{v:.{digits}g}".replace("-", MINUS)


def tangent_equation(
    slope: float, intercept: float, number: Callable[[float], str] = format_number
) -> str:
    """``y = m·x + b`` with signs written the way people write them (``y = −x − 2``)."""
    if slope == 0:
        return f"y = {number(intercept)}"
    m = "" if slope == 1 else (MINUS if slope == -1 else f"{number(slope)}·")
    if intercept == 0:
        return f"y = {m}x"
    sign = MINUS if intercept < 0 else "+"
    return f"y = {m}x {sign} {number(abs(intercept))}"
