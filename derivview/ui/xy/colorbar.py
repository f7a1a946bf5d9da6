"""The colour bar beside the f(x, y) plot: the heat map's colours and the contour levels.

The heat map gives each band between two contour levels an equal share of the colours
(:func:`derivview.model.labs.contours.color_positions`), so the bar is drawn evenly and
its ticks are the levels themselves, where their colours are: read a colour, read the
value range of its band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

WIDTH = 78


def lut(colormap: str, alpha: int = 255) -> np.ndarray:
    """The colormap as 256 RGBA rows (uint8)."""
    table = pg.colormap.get(colormap).getLookupTable(nPts=256, alpha=True)
    table = np.array(table, dtype=np.uint8)
    table[:, 3] = alpha
    return table


def tick_text(value: float) -> str:
    """A level as people read it: 3 significant digits, a real minus sign."""
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


class ColorBar(pg.PlotItem):
    """A vertical bar of the colormap with the levels as ticks on its right."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.setMouseEnabled(x=False, y=False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.showAxis("right")
        self.setMaximumWidth(WIDTH)
        self.setMinimumWidth(WIDTH)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.addItem(self.image)
        self.image.setRect(QRectF(0.0, 0.0, 1.0, 1.0))
        self.setRange(xRange=(0.0, 1.0), yRange=(0.0, 1.0), padding=0.0)
        self.getViewBox().setLimits(xMin=0.0, xMax=1.0, yMin=0.0, yMax=1.0)
        self._ticks: list[tuple[float, str]] = []
        axis = self.getAxis("right")
        axis.setStyle(tickLength=-6)
        axis.enableAutoSIPrefix(False)

    def set_colors(self, table: np.ndarray) -> None:
        """The bar's colours (256 RGBA rows), bottom to top."""
        self.image.setImage(table[:, np.newaxis, :], autoLevels=False)
        self.image.setRect(QRectF(0.0, 0.0, 1.0, 1.0))

    def set_scale(self, values: np.ndarray, positions: np.ndarray) -> None:
        """Ticks: each value at its position on the bar (0 bottom, 1 top)."""
        ticks = [(float(p), tick_text(float(v))) for v, p in zip(values, positions, strict=True)]
        if ticks != self._ticks:
            self._ticks = ticks
            self.getAxis("right").setTicks([ticks, []])

    def tick_labels(self) -> list[str]:
        """The ticks' labels, bottom to top (what a person reads)."""
        return [t for _, t in self._ticks]

    def set_foreground(self, color: str) -> None:
        """The axis and label colour."""
        axis = self.getAxis("right")
        axis.setPen(pg.mkPen(color))
        axis.setTextPen(pg.mkPen(color))
