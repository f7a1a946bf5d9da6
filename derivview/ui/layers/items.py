"""Plot items the layers share: a handle drawn in pixels, lines stroked in pixels, and
curves whose bounds cost little to find again."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)


class Handle(pg.GraphicsObject):
    """A round marker drawn in pixels (not data units) at a point in data coordinates.

    It only paints: grabbing it is decided by its layer from pixel distances, because
    pyqtgraph's item lookup misses items that ignore transformations.
    """

    def __init__(self, size: float) -> None:
        super().__init__()
        self._size = size
        self._pen = QPen(QColor("black"), 1.5)
        self._brush = QBrush(QColor("blue"))
        self._hollow = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)

    def set_colors(self, fill: str, edge: str) -> None:
        self._pen = QPen(pg.mkColor(edge), 1.5)
        self._brush = QBrush(pg.mkColor(fill))
        self.update()

    def set_size(self, size: float) -> None:
        if size != self._size:
            self.prepareGeometryChange()
            self._size = size
            self.update()

    def set_hollow(self, hollow: bool) -> None:
        if hollow != self._hollow:
            self._hollow = hollow
            self.update()

    @property
    def hollow(self) -> bool:
        return self._hollow

    def boundingRect(self) -> QRectF:
        r = self._size / 2 + 2
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, p: QPainter, *args: Any) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self._size / 2
        if self._hollow:
            p.setPen(QPen(self._pen.color(), 2.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
        else:
            p.setPen(self._pen)
            p.setBrush(self._brush)
        p.drawEllipse(QRectF(-r, -r, 2 * r, 2 * r))


class PixelCurve(pg.PlotCurveItem):
    """A curve item that strokes a short, finite polyline in device pixels.

    Qt's raster engine strokes a wide (2 px) antialiased cosmetic pen under the view's
    scaling transform ~20× slower than the same stroke mapped to pixels first
    (measured: 0.46 vs 0.02–0.04 ms for one line; the tangent cost ~1 ms a frame). The
    picture is the same: a cosmetic pen's width and dashes are in pixels either way.
    Anything else (long curves, fills, shadows, non-finite points) paints as usual.
    """

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        x, y = self.xData, self.yData
        pen = self.opts["pen"]
        if (
            x is None
            or y is None
            or not 2 <= len(x) <= 16
            or self.opts["shadowPen"] is not None
            or self.opts["fillLevel"] is not None
            or not isinstance(pen, QPen)
            or not pen.isCosmetic()
            or not (np.isfinite(x).all() and np.isfinite(y).all())
        ):
            super().paint(p, opt, widget)
            return
        export = self._exportOpts
        aa = export.get("antialias", True) if export is not False else self.opts["antialias"]
        tr = p.transform()
        if not tr.isInvertible():  # a view of no size: nothing to see
            return
        points = [tr.map(QPointF(a, b)) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
        path = QPainterPath(points[0])
        for q in points[1:]:
            path.lineTo(q)
        p.save()
        p.resetTransform()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, aa)
        p.setPen(pen)
        p.drawPath(path)  # (drawPolyline strokes a wide antialiased pen ~20× slower)
        p.restore()


class SteadyBounds:
    """A ``PlotCurveItem`` mix-in: the same bounds as pyqtgraph's, found for less.

    pyqtgraph forgets a curve's data bounds at every change of the view (they do not
    depend on it: only the pixel padding does) and finds them again with ``nanmin`` and
    ``nanmax`` under ``warnings.catch_warnings()``, ~0.05 ms an item; on a keystroke's
    frame the f(x) plot asked ~40 times. Here the data bounds last until the data or
    the pen change, and finite data (NaN gaps allowed) is measured with ``np.fmin`` /
    ``np.fmax``, which skip NaN without a warning. Anything else — an infinity, no finite
    value, a fill, a shadow, a non-cosmetic pen, a fraction of the data — is left to
    pyqtgraph.
    """

    xData: Any
    yData: Any
    opts: dict[str, Any]
    _boundsCache: list[Any]
    _boundingRect: Any

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
        bounds = (float(np.fmin.reduce(d)), float(np.fmax.reduce(d)))  # NaN: all NaN
        if not (math.isfinite(bounds[0]) and math.isfinite(bounds[1])):
            return super().dataBounds(ax, frac, orthoRange)  # type: ignore[misc]
        self._boundsCache[ax] = [(frac, orthoRange), bounds]
        return bounds

    def viewTransformChanged(self) -> None:
        # Only the pixel padding of the bounding rectangle depends on the view.
        self._boundingRect = None
        self.prepareGeometryChange()  # type: ignore[attr-defined]


class Curve(SteadyBounds, pg.PlotCurveItem):
    """A ``PlotCurveItem`` whose bounds cost little to find again (:class:`SteadyBounds`)."""


class PixelLine(SteadyBounds, PixelCurve):
    """A short line stroked in device pixels (:class:`PixelCurve`) whose bounds cost
    little to find again."""


class LineItem(PixelLine):
    """A short straight line (a tangent, the fan, the secant) that a drag moves every
    frame: a bare curve item, not a ``PlotDataItem`` around one, whose ``setData`` and
    every change of the view (re-clipping for its dynamic range) cost ~0.1 ms a line for
    nothing — the layers clip their lines to the view themselves.

    Most of these lines are empty most of the time (the fan, the one-sided tangents: 9
    of the plot's 10). An empty line has no contents for Qt: a paint then neither asks
    for its bounds nor paints it (~60 calls into Python a frame). It stays visible, as
    the legend's samples of these lines need.
    """

    def setData(self, *args: Any, **kwargs: Any) -> None:
        super().setData(*args, **kwargs)
        empty = self.xData is None or len(self.xData) == 0
        if bool(self.flags() & _NO_CONTENTS) != empty:
            self.setFlag(_NO_CONTENTS, empty)


_NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


def clear_data(item: pg.PlotDataItem | pg.PlotCurveItem | pg.ScatterPlotItem) -> None:
    """Empty an item, unless it is empty already (``setData`` costs ~0.1 ms even for
    nothing, and a new f asked it of a dozen empty items: the secant, the steps, the
    markers, the descent)."""
    if isinstance(item, pg.ScatterPlotItem):
        if len(item.data):
            item.setData([], [])
    else:
        xs, _ = item.getData()
        if xs is not None and len(xs):
            item.setData([], [])


def set_xy(item: pg.PlotCurveItem, seg: tuple[Any, Any] | None) -> None:
    """Set a line's two points, or empty it (``seg`` None)."""
    if seg is None:
        clear_data(item)
    else:
        item.setData(seg[0], seg[1])


def blend(bg: QColor, fg: QColor, alpha: float) -> QColor:
    """fg over bg at ``alpha``, as an opaque colour (no blending cost per frame)."""
    return QColor(
        round(bg.red() + (fg.red() - bg.red()) * alpha),
        round(bg.green() + (fg.green() - bg.green()) * alpha),
        round(bg.blue() + (fg.blue() - bg.blue()) * alpha),
    )
