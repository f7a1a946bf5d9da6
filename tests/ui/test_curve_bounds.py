"""Curve items whose bounds cost less to find (ui/layers/items.py ``SteadyBounds``): their
bounds are pyqtgraph's own after every new data, pen and change of the view."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QImage

from derivview.ui.layers.items import Curve, PixelLine

DATA = {
    "finite": (np.array([0.5, -2.0, 3.0, 1.0]), np.array([1.0, 4.0, -1.5, 2.0])),
    "a gap": (np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, np.nan, 5.0, -2.0])),
    "gaps at the ends": (np.array([np.nan, 1.0, 2.0, 3.0]), np.array([7.0, -1.0, 5.0, np.nan])),
    "an infinity": (np.array([0.0, 1.0, 2.0]), np.array([1.0, np.inf, -3.0])),
    "all NaN": (np.array([0.0, 1.0]), np.array([np.nan, np.nan])),
    "empty": (np.empty(0), np.empty(0)),
}


def _same(a, b) -> bool:  # type: ignore[no-untyped-def]
    """Equal bounds (a pair, or a QRectF), NaN equal to NaN."""
    if hasattr(a, "getRect"):
        a, b = a.getRect(), b.getRect()
    return all(u == v or (u != u and v != v) for u, v in zip(a, b, strict=True))


def _pair(qtbot, cls):  # type: ignore[no-untyped-def]
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    ours, theirs = cls(), pg.PlotCurveItem()
    for item in (ours, theirs):
        widget.addItem(item)
        item.setPen(pg.mkPen("r", width=2))
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, ours, theirs


@pytest.mark.parametrize("cls", [Curve, PixelLine])
def test_bounds_are_pyqtgraphs_after_each_new_data(qtbot, cls) -> None:  # type: ignore[no-untyped-def]
    _widget, ours, theirs = _pair(qtbot, cls)
    for name, (x, y) in [*DATA.items(), ("finite", DATA["finite"])]:  # and back again
        ours.setData(x, y)
        theirs.setData(x, y)
        for ax in (0, 1):
            assert _same(ours.dataBounds(ax), theirs.dataBounds(ax)), (name, ax)
            assert np.array_equal(ours.dataBounds(ax, 0.9), theirs.dataBounds(ax, 0.9)), name
        assert _same(ours.boundingRect(), theirs.boundingRect()), name
    ours.setData(*DATA["finite"])
    ours.setPen(pg.mkPen("r", width=0.2, cosmetic=False))  # pyqtgraph widens these bounds
    theirs.setData(*DATA["finite"])
    theirs.setPen(pg.mkPen("r", width=0.2, cosmetic=False))
    assert ours.dataBounds(0) == theirs.dataBounds(0) != (-2.0, 3.0)


@pytest.mark.parametrize("cls", [Curve, PixelLine])
def test_the_bounding_rect_follows_the_view(qtbot, cls) -> None:  # type: ignore[no-untyped-def]
    """The data bounds outlive a change of the view; the pixel padding around them (and
    so the bounding rectangle) does not."""
    widget, ours, theirs = _pair(qtbot, cls)
    for item in (ours, theirs):
        item.setData(*DATA["a gap"])
    widget.setRange(xRange=(0, 3), yRange=(-2, 5), padding=0)
    first = ours.boundingRect()
    assert first == theirs.boundingRect()
    for x_range, y_range in (((0, 300), (-200, 500)), ((1, 1.5), (0, 0.1))):
        widget.setRange(xRange=x_range, yRange=y_range, padding=0)
        qtbot.wait(1)  # the view's matrix is updated before the next paint
        widget.grab()
        assert ours.boundingRect() == theirs.boundingRect() != first
    assert ours.dataBounds(1) == (-2.0, 5.0)


def test_an_empty_line_has_no_contents_and_is_drawn_again_with_data(qtbot) -> None:  # type: ignore[no-untyped-def]
    """An empty line is skipped by Qt's painting (no contents) yet stays visible (the
    legend's sample of it needs that); given a segment again, it is drawn again."""
    from image_pixels import count_color
    from PySide6.QtWidgets import QGraphicsItem

    from derivview.ui.layers.items import LineItem, clear_data, set_xy

    widget = pg.PlotWidget(background="#FFFFFF")
    qtbot.addWidget(widget)
    line = LineItem(antialias=True)
    line.setPen(pg.mkPen("#D55E00", width=2))
    widget.addItem(line)
    widget.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    no_contents = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents

    def drawn() -> int:
        image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGBA8888)
        shape = (image.height(), image.width(), 4)
        rgba = np.frombuffer(image.constBits(), np.uint8).reshape(shape).copy()
        return count_color(rgba, "#D55E00")

    segment = (np.array([1.0, 9.0]), np.array([1.0, 9.0]))
    set_xy(line, segment)
    assert not line.flags() & no_contents and drawn() > 100
    clear_data(line)
    assert line.flags() & no_contents and line.isVisible() and drawn() == 0
    set_xy(line, segment)
    assert not line.flags() & no_contents and drawn() > 100
