"""Numbers and lines as people read them: one formatter for the whole app.

Every number a person reads — tick labels, tables, the readout, parameter ranges, status
lines, the command line's text output — goes through :func:`format_number` (or
:func:`with_minus` for text pyqtgraph or Qt formatted): a real minus sign (U+2212),
``digits`` significant digits, an exponent written short (``1e−8``, ``2.5e10``, never
``1e-08`` or ``2.500000e+00``). JSON keeps plain numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

MINUS = "−"


def with_minus(text: str) -> str:
    """``text`` with every ASCII hyphen-minus written as a real minus sign."""
    return text.replace("-", MINUS)


def format_number(value: float | None, digits: int = 8, undefined: str = "undefined") -> str:
    """``digits`` significant digits, Unicode minus, ∞ for infinity, ``undefined`` for None/NaN.

    An exponent is written short: ``1e−8`` (not ``1e-08``), ``2.5e10`` (not ``2.5e+10``).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return undefined
    v = float(value)
    if math.isnan(v):
        return undefined
    if math.isinf(v):
        return "∞" if v > 0 else f"{MINUS}∞"
    if v == 0:
        return "0"  # no "−0"
    text = f"{v:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return with_minus(text)


def parse_number(text: str) -> float:
    """A number as a person may type or copy it (``−2.5`` with a real minus too)."""
    return float(text.strip().replace(MINUS, "-"))


def tangent_equation(
    slope: float, intercept: float, number: Callable[[float], str] = format_number
) -> str:
    """``y = m·x + b`` with signs written the way people write them (``y = −x − 2``)."""
    if slope == 0:
        return f"y = {number(intercept)}"
    m = "" if slope == 1 else (MINUS if slope == -1 else number(slope))
    if "e" in m:  # 1e−8·x, not 1e−8x
        m += "·"
    if intercept == 0:
        return f"y = {m}x"
    sign = MINUS if intercept < 0 else "+"
    return f"y = {m}x {sign} {number(abs(intercept))}"
