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

from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QStyleOptionGraphicsItem

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
            option = QStyleOptionGraphicsItem()
            option.exposedRect = item.boundingRect()
            item.paint(painter, option, None)
        finally:
            painter.restore()


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
