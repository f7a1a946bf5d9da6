"""Axes whose tick labels are written as people write numbers: a real minus sign.

pyqtgraph formats ticks with a hyphen-minus ("-2", "1e-05"); every number a person reads
in derivview has U+2212 and a short exponent (:mod:`derivview.model.formatting`).
"""

from __future__ import annotations

import re
from typing import Any

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model.formatting import with_minus

_EXPONENT = re.compile(r"e([+-]?)0*(\d+)")


def tick_text(text: str) -> str:
    """One tick label as derivview writes numbers: ``-2`` → ``−2``, ``1e-05`` → ``1e−5``."""
    text = _EXPONENT.sub(lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)
    return with_minus(text)


class NumberAxis(pg.AxisItem):
    """A pyqtgraph axis whose tick labels have a real minus sign and short exponents."""

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [tick_text(s) for s in super().tickStrings(values, scale, spacing)]


def number_axes(**kwargs: Any) -> dict[str, NumberAxis]:
    """``axisItems`` for a PlotWidget: left and bottom :class:`NumberAxis`."""
    return {name: NumberAxis(name, **kwargs) for name in ("left", "bottom")}
