"""Axes whose tick labels are written as people write numbers: a real minus sign.

pyqtgraph formats ticks with a hyphen-minus ("-2", "1e-05"); every number a person reads
in derivview has U+2212 and a short exponent (:mod:`derivview.model.formatting`).

An axis lays its labels out again whenever its range changes (a new f refits y): it
measures every candidate label of every tick level with ``QPainter.boundingRect`` (~40
text layouts, 1–2 ms of the frame). The size of a label in a font never changes, so the
axis remembers them. Its tick values, asked again for the same range by the grid in the
same frame (pyqtgraph finds them with an ``np.isclose`` per level, ~0.1 ms a call), are
remembered for the last few ranges too.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QPainter

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.model.formatting import with_minus

_EXPONENT = re.compile(r"e([+-]?)0*(\d+)")


def tick_text(text: str) -> str:
    """One tick label as derivview writes numbers: ``-2`` → ``−2``, ``1e-05`` → ``1e−5``."""
    text = _EXPONENT.sub(lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2), text)
    return with_minus(text)


class _Measuring:
    """A painter whose ``boundingRect`` of a text is remembered per font (sizes of the
    same text in the same font are the same); everything else goes to the painter."""

    def __init__(self, painter: QPainter, sizes: dict[tuple[Any, ...], QRectF]) -> None:
        self._painter = painter
        self._sizes = sizes
        self._font = painter.font().key()
        device = painter.device()  # text is measured in the device's resolution
        self._dpi = (device.logicalDpiX(), device.logicalDpiY()) if device else (0, 0)

    def setFont(self, font: QFont) -> None:
        self._painter.setFont(font)
        self._font = font.key()

    def boundingRect(self, rect: QRectF, flags: Any, text: str) -> QRectF:
        box = (rect.x(), rect.y(), rect.width(), rect.height())
        key = (self._font, self._dpi, box, int(flags), text)
        found = self._sizes.get(key)
        if found is None:
            if len(self._sizes) > 4096:  # many zooms: start again rather than grow
                self._sizes.clear()
            found = self._sizes[key] = self._painter.boundingRect(rect, flags, text)
        return QRectF(found)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._painter, name)


class NumberAxis(pg.AxisItem):
    """A pyqtgraph axis whose tick labels have a real minus sign and short exponents.

    ``narrows_below``: a vertical axis grows for wider labels at once but narrows only
    when its labels need less than this share of its width (0: pyqtgraph's own rule,
    narrower by 10 px). Each change of width re-lays out the plot beside it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._label_sizes: dict[tuple[Any, ...], QRectF] = {}
        self._ticks: dict[tuple[Any, ...], list[tuple[float, list[float]]]] = {}
        self.narrows_below = 0.0
        super().__init__(*args, **kwargs)

    def drawn_ticks(self, lo: float, hi: float) -> list[tuple[float, list[float]]]:
        """The tick values this axis draws for the range lo…hi at its present size: for
        its length in pixels as pyqtgraph's ``generateDrawSpecs`` measures it (the
        geometry and one pixel beyond each end)."""
        rect = self.geometry()
        vertical = self.orientation in ("left", "right")
        length = (rect.height() if vertical else rect.width()) + 2.0
        return self.tickValues(lo, hi, max(length, 1.0))  # type: ignore[no-any-return]

    def tickValues(self, minVal: float, maxVal: float, size: float) -> Any:
        # Everything pyqtgraph's tickValues and tickSpacing read, besides the arguments.
        key = (
            minVal,
            maxVal,
            size,
            self.scale,
            self.logMode,
            repr(self._tickSpacing),
            self._tickDensity,
        )
        found = self._ticks.get(key)
        if found is None:
            if len(self._ticks) >= 8:
                self._ticks.pop(next(iter(self._ticks)))  # the oldest
            found = self._ticks[key] = super().tickValues(minVal, maxVal, size)
        return [(spacing, list(values)) for spacing, values in found]  # callers' own lists

    def _updateMaxTextSize(self, x: int) -> None:  # (pyqtgraph's hook; private)
        keep = self.narrows_below * self.textWidth
        vertical = self.orientation in ("left", "right")
        if vertical and self.narrows_below > 0 and keep <= x < self.textWidth:
            x = self.textWidth  # narrower, but not by enough to move the plot
        super()._updateMaxTextSize(x)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [tick_text(s) for s in super().tickStrings(values, scale, spacing)]

    def generateDrawSpecs(self, p: QPainter) -> Any:
        return super().generateDrawSpecs(_Measuring(p, self._label_sizes))


def number_axes(**kwargs: Any) -> dict[str, NumberAxis]:
    """``axisItems`` for a PlotWidget: left and bottom :class:`NumberAxis`."""
    return {name: NumberAxis(name, **kwargs) for name in ("left", "bottom")}
