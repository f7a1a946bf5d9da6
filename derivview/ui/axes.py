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

import math
import re
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen

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

    def __init__(self, painter: QPainter, sizes: dict[tuple[Any, ...], Any]) -> None:
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

    def label_size(self, text: str) -> tuple[float, float]:
        """pyqtgraph's size of a tick label: the width and 0.8 of the height of its
        ``boundingRect`` centred in a 100×100 box."""
        key = (self._font, self._dpi, text)
        found = self._sizes.get(key)
        if found is None:
            r = self.boundingRect(_MEASURE_BOX, _ALIGN.AlignCenter, text)
            r.setHeight(r.height() * 0.8)
            found = self._sizes[key] = (r.width(), r.height())
        return found  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._painter, name)


class NumberAxis(pg.AxisItem):
    """A pyqtgraph axis whose tick labels have a real minus sign and short exponents.

    ``narrows_below``: a vertical axis grows for wider labels at once but narrows only
    when its labels need less than this share of its width (0: pyqtgraph's own rule,
    narrower by 10 px). Each change of width re-lays out the plot beside it.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._label_sizes: dict[tuple[Any, ...], Any] = {}
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
        measuring = _Measuring(p, self._label_sizes)
        if (
            self._tickLevels is not None
            or self.style["tickAlpha"] is not None
            or any(self.style["stopAxisAtTick"])
            or self.orientation not in _SIDES
        ):
            return super().generateDrawSpecs(measuring)
        return _draw_specs(self, measuring)


#: Per orientation: the span's corners and offsets, the tick's side, direction and axis.
_SIDES = {
    "left": ("topRight", "bottomRight", (-1.0, -1.0), (-1.0, 1.0), "right", -1, 0),
    "right": ("topLeft", "bottomLeft", (1.0, -1.0), (1.0, 1.0), "left", 1, 0),
    "top": ("bottomLeft", "bottomRight", (-1.0, -1.0), (1.0, -1.0), "bottom", -1, 1),
    "bottom": ("topLeft", "topRight", (-1.0, 1.0), (1.0, 1.0), "top", 1, 1),
}
_ALIGN = Qt.AlignmentFlag
_TEXT_FLAGS = {
    "left": _ALIGN.AlignRight | _ALIGN.AlignVCenter | Qt.TextFlag.TextDontClip,
    "right": _ALIGN.AlignLeft | _ALIGN.AlignVCenter | Qt.TextFlag.TextDontClip,
    "top": _ALIGN.AlignHCenter | _ALIGN.AlignBottom | Qt.TextFlag.TextDontClip,
    "bottom": _ALIGN.AlignHCenter | _ALIGN.AlignTop | Qt.TextFlag.TextDontClip,
}
_MEASURE_BOX = QRectF(0, 0, 100, 100)


def _draw_specs(axis: NumberAxis, p: _Measuring) -> Any:
    """pyqtgraph's ``AxisItem.generateDrawSpecs`` (0.14), the same specs for less.

    pyqtgraph's builds a ``Point`` (a Python subclass of QPointF) per tick end, combines
    alignment enums and maps the axis's bounding rectangle again for every label: ~1.5 ms
    of a keystroke's frame for the y axis alone. This is its algorithm step for step,
    with plain QPointF, flags combined once and the rectangle mapped once (no custom
    tick levels, tick alpha or axis stopped at a tick: those go to pyqtgraph). A test
    holds the two to identical specs.
    """
    style = axis.style
    if style["tickFont"] is not None:
        p.setFont(style["tickFont"])
    bounds = axis.mapRectFromParent(axis.geometry())
    linked = axis.linkedView()
    if linked is None or axis.grid is False:
        tick_bounds = bounds
    else:
        tick_bounds = linked.mapRectToItem(axis, linked.boundingRect())
    first, last, off0, off1, side, tick_dir, ax = _SIDES[axis.orientation]
    c0, c1 = getattr(bounds, first)(), getattr(bounds, last)()
    span = (
        QPointF(c0.x() + off0[0], c0.y() + off0[1]),
        QPointF(c1.x() + off1[0], c1.y() + off1[1]),
    )
    tick_start = getattr(tick_bounds, side)()
    tick_stop = getattr(bounds, side)()
    d0, d1 = axis.mapToDevice(span[0]), axis.mapToDevice(span[1])
    if d0 is None or d1 is None:
        return None
    length = math.hypot(d1.x() - d0.x(), d1.y() - d0.y())
    if length == 0:
        return None
    levels = axis.tickValues(axis.range[0], axis.range[1], length)

    dif = axis.range[1] - axis.range[0]
    if dif == 0:
        scale, offset = 1, 0
    elif ax == 0:
        scale = -bounds.height() / dif
        offset = axis.range[0] * scale - bounds.height()
    else:
        scale = bounds.width() / dif
        offset = axis.range[0] * scale
    x_range = [x * scale - offset for x in axis.range]
    x_min, x_max = min(x_range), max(x_range)

    positions: list[list[float | None]] = []
    tick_specs = []
    for i, (_spacing, ticks) in enumerate(levels):
        here: list[float | None] = []
        positions.append(here)
        tick_length = style["tickLength"] / ((i * 0.5) + 1.0)
        alpha = 255 / (i + 1)
        if axis.grid is not False:
            alpha *= axis.grid / 255.0 * min(max(0.05 * length / (len(ticks) + 1), 0.0), 1.0)
        pen = axis.tickPen()
        if pen.brush().style() == Qt.BrushStyle.SolidPattern:
            pen = QPen(pen)
            color = QColor(pen.color())
            color.setAlpha(int(alpha))
            pen.setColor(color)
        end = tick_stop + (tick_length * tick_dir if axis.grid is False else 0.0)
        for v in ticks:
            x = (v * scale) - offset
            if x < x_min or x > x_max:
                here.append(None)
                continue
            here.append(x)
            if ax == 0:
                tick_specs.append((pen, QPointF(tick_start, x), QPointF(end, x)))
            else:
                tick_specs.append((pen, QPointF(x, tick_start), QPointF(x, end)))
    axis_spec = (axis.pen(), span[0], span[1])

    text_offset = style["tickTextOffset"][ax]
    last_size2: float = 0
    text_rects: list[tuple[float, float]] = []
    text_specs: list[tuple[QRectF, Any, str]] = []
    if not style["showValues"]:
        return axis_spec, tick_specs, text_specs
    flags = _TEXT_FLAGS[axis.orientation]
    box = axis.boundingRect()
    orientation = axis.orientation
    gap = max(0, style["tickLength"]) + text_offset
    for i in range(min(len(levels), style["maxTextLevel"] + 1)):
        spacing, values = levels[i]
        strings: list[str | None] = list(
            axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)
        )
        if len(strings) == 0:
            continue
        rects: list[tuple[float, float] | None] = []
        for j, s in enumerate(strings):
            if positions[i][j] is None:
                strings[j] = None
                rects.append(None)
                continue
            wh = p.label_size(s)  # type: ignore[arg-type]
            rects.append(wh)
            text_rects.append(wh)
        if text_rects:
            along = [r[1 - ax] for r in text_rects]  # (width, height)
            across = [r[ax] for r in text_rects]
            size, size2 = np.sum(along), np.max(across)
        else:
            size, size2 = 0, 0
        if i > 0:  # the top level is always drawn; the others while not too crowded
            ratio = float(size) / length
            if any(
                len(text_specs) >= n and ratio >= limit for n, limit in style["textFillLimits"]
            ):
                break
        last_size2 = size2
        for j, s in enumerate(strings):
            if s is None:
                continue
            x = positions[i][j]
            wh = rects[j]
            assert x is not None and wh is not None
            w, h = wh
            if orientation == "left":
                rect = QRectF(tick_stop - gap - w, x - (h / 2), w, h)
            elif orientation == "right":
                rect = QRectF(tick_stop + gap, x - (h / 2), w, h)
            elif orientation == "top":
                rect = QRectF(x - w / 2.0, tick_stop - gap - h, w, h)
            else:
                rect = QRectF(x - w / 2.0, tick_stop + gap, w, h)
            if box & rect != rect:  # (contains() suffers from rounding)
                continue
            text_specs.append((rect, flags, s))
    axis._updateMaxTextSize(last_size2)
    return axis_spec, tick_specs, text_specs


def number_axes(**kwargs: Any) -> dict[str, NumberAxis]:
    """``axisItems`` for a PlotWidget: left and bottom :class:`NumberAxis`."""
    return {name: NumberAxis(name, **kwargs) for name in ("left", "bottom")}
