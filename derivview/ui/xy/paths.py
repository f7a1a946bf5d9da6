"""The descent runs on the f(x, y) plot: each run's path of iterates over the contours,
its newest iterate, and the start marker (drag it, or Ctrl+click the plot, to start
somewhere else).

The path's arrays grow by appending the new iterates only (Play adds a step per frame to
runs of up to 100,000 iterates); dots are drawn while they can be told apart.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGraphicsItem

from derivview.ui.xy.surface import XyLayer

if TYPE_CHECKING:
    from derivview.ui.xy.plot import XyPlot
    from derivview.ui.xy.style import XyStyle

_DOTS_MAX = 300


class PathArrays:
    """A 2-D run's x and y as arrays that grow by appending the new iterates."""

    def __init__(self) -> None:
        self._first: object | None = None
        self._n = 0
        self._x = np.empty(0)
        self._y = np.empty(0)

    def update(self, run: Any) -> tuple[np.ndarray, np.ndarray]:
        its = run.iterates
        if self._first is not its[0] or len(its) < self._n:
            self._first, self._n = its[0], 0
            self._x, self._y = np.empty(0), np.empty(0)
        n_old, n = self._n, len(its)
        if n > n_old:
            if n > self._x.size:
                cap = max(64, 2 * n)
                x, y = np.empty(cap), np.empty(cap)
                x[:n_old], y[:n_old] = self._x[:n_old], self._y[:n_old]
                self._x, self._y = x, y
            new = its[n_old:n]
            self._x[n_old:n] = [it.x if math.isfinite(it.x) else math.nan for it in new]
            self._y[n_old:n] = [it.y if math.isfinite(it.y) else math.nan for it in new]
            self._n = n
        return self._x[:n], self._y[:n]


class PathsLayer(XyLayer):
    """The runs' paths (``descent``) and the start marker (``xyStartHandle``)."""

    name = "paths"

    def __init__(self, plot: XyPlot) -> None:
        super().__init__(plot)
        d = self.state.descent
        self.paths: list[pg.PlotDataItem] = []
        self.heads: list[pg.ScatterPlotItem] = []
        self._arrays = [PathArrays(), PathArrays()]
        for i in range(2):
            path = pg.PlotDataItem(connect="finite", symbol="o", symbolSize=5)
            path.setObjectName(f"xyPath{i}")
            path.setZValue(24)
            head = pg.ScatterPlotItem(size=11, symbol="o")
            head.setZValue(26)
            head.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            for item in (path, head):
                plot.plot_item.addItem(item, ignoreBounds=True)
            self.paths.append(path)
            self.heads.append(head)
        self.start = pg.TargetItem(pos=d.start, size=12, symbol="s", movable=True, label="start",
                                   labelOpts={"offset": (8, -8)})  # fmt: skip
        self.start.setObjectName("xyStartHandle")
        self.start.setZValue(28)
        self.start.setToolTip("the descent's start: drag it, or Ctrl+click the plot")
        plot.plot_item.addItem(self.start, ignoreBounds=True)
        self._syncing = False
        self.start.sigPositionChanged.connect(self._on_start_dragged)
        plot.listen([(d.changed, self._on_descent_changed)])
        self._on_descent_changed()

    def set_style(self, style: XyStyle) -> None:
        for path, head, color in zip(self.paths, self.heads, style.descent, strict=True):
            path.setPen(pg.mkPen(color, width=2))
            path.setSymbolPen(pg.mkPen(color))
            path.setSymbolBrush(pg.mkBrush(color))
            head.setPen(pg.mkPen(style.point_edge, width=1.5))
            head.setBrush(pg.mkBrush(color))
        a = style.descent[0]
        self.start.setPen(pg.mkPen(style.point_edge, width=1.5))
        self.start.setBrush(pg.mkBrush(a))
        self.start.setHoverBrush(pg.mkBrush(a))
        self.start.setHoverPen(pg.mkPen(style.point_edge, width=2.5))
        label = self.start.label()
        if label is not None:
            label.setColor(style.foreground)

    def _on_start_dragged(self, *_: object) -> None:
        if self._syncing:
            return
        p = self.start.pos()
        try:
            self.state.descent.set_start(float(p.x()), float(p.y()))
        except ValueError:
            self._on_descent_changed()

    def on_visibility(self) -> None:
        self._on_descent_changed()

    def _on_descent_changed(self) -> None:
        d = self.state.descent
        shown = self.state.is_visible("descent")
        sx, sy = d.start
        p = self.start.pos()
        if (p.x(), p.y()) != (sx, sy):
            self._syncing = True
            try:
                self.start.setPos(sx, sy)
            finally:
                self._syncing = False
        self.start.setVisible(shown)
        runs = d.runs if shown else ()
        for i, (path, head) in enumerate(zip(self.paths, self.heads, strict=True)):
            if i >= len(runs):
                path.setData([], [])
                head.setData([], [])
                path.setVisible(False)
                head.setVisible(False)
                continue
            x, y = self._arrays[i].update(runs[i])
            symbol = "o" if x.size <= _DOTS_MAX else None
            if path.opts["symbol"] != symbol:
                path.setSymbol(symbol)
            path.setData(x, y, connect="finite")
            last = runs[i].iterates[-1]
            if math.isfinite(last.x) and math.isfinite(last.y):
                head.setData([last.x], [last.y])
            else:
                head.setData([], [])
            path.setVisible(True)
            head.setVisible(True)

    def path_points(self, i: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Run ``i``'s drawn path (for tests and tools)."""
        x, y = self.paths[i].getData()
        return (np.empty(0), np.empty(0)) if x is None else (x, y)
