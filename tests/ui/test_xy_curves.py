"""The f(x, y) workspace's per-frame curve items (ui/xy/curves.py): their quickly found
bounds are pyqtgraph's own, after every new data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from derivview.ui.xy.curves import Curve, PixelLine

DATA = {
    "finite": (np.array([0.5, -2.0, 3.0, 1.0]), np.array([1.0, 4.0, -1.5, 2.0])),
    "a gap": (np.array([0.0, 1.0, 2.0, 3.0]), np.array([1.0, np.nan, 5.0, -2.0])),
    "an infinity": (np.array([0.0, 1.0, 2.0]), np.array([1.0, np.inf, -3.0])),
    "empty": (np.empty(0), np.empty(0)),
}


@pytest.mark.parametrize("cls", [Curve, PixelLine])
def test_bounds_are_pyqtgraphs_after_each_new_data(qtbot, cls) -> None:  # type: ignore[no-untyped-def]
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    ours, theirs = cls(), pg.PlotCurveItem()
    for item in (ours, theirs):
        widget.addItem(item)
        item.setPen(pg.mkPen("r", width=2))
    widget.resize(300, 200)
    widget.show()
    qtbot.waitExposed(widget)
    for name, (x, y) in [*DATA.items(), ("finite", DATA["finite"])]:  # and back again
        ours.setData(x, y)
        theirs.setData(x, y)
        for ax in (0, 1):
            assert ours.dataBounds(ax) == theirs.dataBounds(ax), (name, ax)
            assert np.array_equal(ours.dataBounds(ax, 0.9), theirs.dataBounds(ax, 0.9)), name
        assert ours.boundingRect() == theirs.boundingRect(), name
    ours.setData(*DATA["finite"])
    ours.setPen(pg.mkPen("r", width=0.2, cosmetic=False))  # pyqtgraph widens these bounds
    theirs.setData(*DATA["finite"])
    theirs.setPen(pg.mkPen("r", width=0.2, cosmetic=False))
    assert ours.dataBounds(0) == theirs.dataBounds(0) != (-2.0, 3.0)
