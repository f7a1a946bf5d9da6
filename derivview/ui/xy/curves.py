"""Curve items of the f(x, y) workspace that a drag sets on every frame.

pyqtgraph finds a curve's bounding rectangle again after each ``setData``, with ``nanmin``
and ``nanmax`` under a ``warnings.catch_warnings()`` block: about 0.05 ms per item, and
the level line, the arrow and the slices' curves and tangents are set on every frame.
Their data is finite almost always: plain ``min`` and ``max`` give the same bounds
(anything else — a NaN, an infinity, a filled or wide non-cosmetic pen, a fraction of the
data — is left to pyqtgraph).
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg

from derivview.ui.layers.items import PixelCurve


class _QuickBounds:
    """``dataBounds`` of finite data by plain min and max (as pyqtgraph's, and cached
    where pyqtgraph caches it, so ``setData`` invalidates it as before)."""

    xData: Any
    yData: Any
    opts: dict[str, Any]
    _boundsCache: list[Any]

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: Any = None) -> Any:
        cached = self._boundsCache[ax]
        if cached is not None and cached[0] == (frac, orthoRange):
            return cached[1]
        d = self.xData if ax == 0 else self.yData
        pen = self.opts["pen"]
        if (
            frac != 1.0
            or orthoRange is not None
            or d is None
            or len(d) == 0
            or self.opts["fillLevel"] is not None
            or self.opts["shadowPen"] is not None
            or self.opts.get("stepMode") is not None
            or not (pen is None or pen.isCosmetic())
        ):
            return super().dataBounds(ax, frac, orthoRange)  # type: ignore[misc]
        bounds = (float(d.min()), float(d.max()))  # NaN if any value is
        if not (math.isfinite(bounds[0]) and math.isfinite(bounds[1])):
            return super().dataBounds(ax, frac, orthoRange)  # type: ignore[misc]
        self._boundsCache[ax] = [(frac, orthoRange), bounds]
        return bounds


class Curve(_QuickBounds, pg.PlotCurveItem):
    """A ``PlotCurveItem`` whose bounds cost little to find again."""


class PixelLine(_QuickBounds, PixelCurve):
    """A short line stroked in device pixels (:class:`PixelCurve`) whose bounds cost
    little to find again."""
