"""Paint a view's scene item by item, each with its clip set explicitly (for SVG).

Why not ``QGraphicsView.render``: Qt's SVG 1.1 writer forgets to restore a clip. When a
``painter.restore()`` goes back to a state whose clip is *set* (QGraphicsView.render clips
everything to the target rectangle), the writer keeps the clip of the inner state: after
an axis (which clips its ticks) or a label (QGraphicsTextItem clips its text), the next
items are written clipped to that axis or label — the legend's samples and the axes
vanished in a browser. (SVG Tiny 1.2, Qt's default, writes no clip at all: the curves
ran out of the plot through the tick labels.) Measured with Qt 6.11.

Here every item is painted inside its own save/restore with no clip outside it, so each
restore returns to "no clip", which the writer does handle; an item inside a clipping
ancestor (the plot's ViewBox) gets that clip set explicitly, and an explicit clip is
written correctly. The result is the picture ``QGraphicsView.render`` draws (the export
tests compare the SVG, rendered by a real SVG renderer, with the PNG pixel by pixel).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QStyleOptionGraphicsItem

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

_FLAGS = QGraphicsItem.GraphicsItemFlag


def paint_scene(view: QGraphicsView, painter: QPainter, target: QRectF, background: bool) -> None:
    """Draw what ``view`` shows into ``target`` of ``painter``, item by item.

    ``background``: fill with the view's background brush first (False: transparent).
    """
    source = QRectF(view.viewport().rect())
    if source.width() <= 0 or source.height() <= 0:
        return
    to_target = QTransform()
    to_target.translate(target.left(), target.top())
    to_target.scale(target.width() / source.width(), target.height() / source.height())
    viewport = view.viewportTransform()
    if background:
        painter.save()
        painter.setTransform(to_target)
        painter.fillRect(source, view.backgroundBrush())
        painter.restore()
    scene = view.scene()
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    for item in reversed(scene.items(visible)):  # items() is topmost first
        if not _paints(item):
            continue
        painter.save()
        try:
            clip = _clip(item, viewport)
            if clip is not None:
                painter.setTransform(to_target)
                painter.setClipPath(clip)
            painter.setTransform(item.deviceTransform(viewport) * to_target)
            painter.setOpacity(item.effectiveOpacity())
            if _stroke_in_picture(item, painter):
                continue
            option = QStyleOptionGraphicsItem()
            option.exposedRect = item.boundingRect()
            item.paint(painter, option, None)
        finally:
            painter.restore()


def _stroke_in_picture(item: QGraphicsItem, painter: QPainter) -> bool:
    """Stroke a plain curve (f, f′, f″, the grid…) mapped into the picture first.

    Painted under the view's transform, Qt writes a curve's thousands of points in data
    coordinates inside a scaled group, which :func:`derivview.ui.svg_post.flatten_strokes`
    must then map back one number at a time in Python (~60 % of an SVG export). Mapped by
    the painter's own transform in C++ first, the path comes out in picture coordinates:
    the same stroke, as a cosmetic pen's width and dashes are in pixels either way.
    Anything else — fills, shadows, non-cosmetic pens, other items — paints as usual.
    False: not such a curve (nothing was drawn).
    """
    if not isinstance(item, pg.PlotCurveItem):
        return False
    opts = item.opts
    pen = opts["pen"]
    if (
        item.xData is None
        or len(item.xData) == 0
        or opts["fillLevel"] is not None
        or opts["brush"] is not None
        or opts["shadowPen"] is not None
        or opts.get("stepMode") is not None
        or not isinstance(pen, QPen)
        or not pen.isCosmetic()
    ):
        return False
    export = item._exportOpts
    antialias = export.get("antialias", True) if export is not False else opts["antialias"]
    path = painter.transform().map(item.getPath())
    painter.resetTransform()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    return True


def _paints(item: QGraphicsItem) -> bool:
    return (
        item.isVisible()
        and item.effectiveOpacity() > 0
        and not item.flags() & _FLAGS.ItemHasNoContents
    )


def _clip(item: QGraphicsItem, viewport: QTransform) -> QPainterPath | None:
    """The clip of ``item`` in viewport coordinates (its clipping ancestors'), or None."""
    clip: QPainterPath | None = None
    if item.flags() & _FLAGS.ItemClipsToShape:
        clip = item.deviceTransform(viewport).map(item.shape())
    parent = item.parentItem()
    while parent is not None:
        if parent.flags() & _FLAGS.ItemClipsChildrenToShape:
            shape = parent.deviceTransform(viewport).map(parent.shape())
            clip = shape if clip is None else clip.intersected(shape)
        parent = parent.parentItem()
    return clip
