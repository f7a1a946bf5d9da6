"""The cost of one drag update of (x₀, y₀) in the f(x, y) workspace.

    python benchmarks/bench_xy_drag.py [--updates N] [--expr TEXT]

(a) One drag update end to end in the real main window, f(x, y) workspace shown, with
    the point readout and the slices both in view: ``state.set_point(x, y)``, the events
    it posts processed, then the contour plot (a 400 × 400 sample of f), the slices panel
    and the readout each render a frame with ``grab()``. The plot draws the heat map,
    the contour lines, the gradient arrow and the level line through the point (a
    marching-squares contour of the sample at f(x₀, y₀), every frame).
    Beside it, in the same process and run, alternately update by update: a bare
    pyqtgraph ``ImageItem`` of the same 400 × 400 grid with an ``IsocurveItem`` at the
    point's level (pyqtgraph's way of drawing a level line) and a marker, updated the
    same way (evaluate f at the point, ``setLevel``, ``setData``, the same event
    processing + ``grab()``).
    Targets: p95 ≤ 16.7 ms (60 frames per second), median ≤ 1.3× the bare figure.
(b) For information: the same bare image with the marker only (no level line at all),
    the floor of any drag frame over a heat map; and the parts of our update alone.

The path is a circle through the view, in small steps, as a hand drags.
Exit status 1 when a target of (a) is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_RATIO = 1.3
TARGET_P95_MS = 16.7
EXPR = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"  # Himmelblau: curved level lines everywhere
REGION = ((-5.0, 5.0), (-5.0, 5.0))


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, math.ceil(0.95 * len(values)) - 1)]


def settle(app: Any) -> None:
    for _ in range(2):
        app.sendPostedEvents()
        app.processEvents()


def build_window(expr: str) -> Any:
    """The main window on the f(x, y) workspace, plot ≥ 400 px each way, readout and
    slices both shown."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from derivview.app import create_window

    win = create_window([])
    win.resize(1500, 1000)
    win.show()
    win.show_workspace("fxy")
    st = win.session.state("xy")
    st.apply_preset(expr, (0.5, 0.5), *REGION)
    readout, slices = win.dock("xyReadoutDock"), win.dock("xySlicesDock")
    win.splitDockWidget(readout, slices, Qt.Orientation.Vertical)
    slices.show()
    readout.show()
    for _ in range(30):
        QApplication.processEvents()
        time.sleep(0.01)
    return win


class BareFigure:
    """The same grid in plain pyqtgraph: an ImageItem and an IsocurveItem at the level."""

    def __init__(
        self, z: Any, rect: tuple[float, float, float, float], level: bool, size: tuple[int, int]
    ) -> None:
        import numpy as np
        import pyqtgraph as pg
        from PySide6.QtCore import QRectF

        self.np = np
        self.widget = pg.PlotWidget(background="w")
        self.widget.resize(*size)  # as large as the plot it is compared with
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setImage(z, autoLevels=True)
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(nPts=256))
        self.image.setRect(QRectF(*rect))
        self.widget.addItem(self.image)
        self.iso: Any = None
        if level:
            self.iso = pg.IsocurveItem(data=z, level=0.0, pen=pg.mkPen("#CC79A7", width=2))
            self.iso.setParentItem(self.image)  # in the image's pixel coordinates
            self.iso.setZValue(5)
        self.marker = pg.PlotDataItem(symbol="o", symbolSize=11, pen=None)
        self.widget.addItem(self.marker)
        self.widget.setRange(xRange=(rect[0], rect[0] + rect[2]),
                             yRange=(rect[1], rect[1] + rect[3]), padding=0)  # fmt: skip
        self.widget.show()

    def update(self, f: Any, x: float, y: float) -> None:
        value = float(f(x, y))
        if self.iso is not None:
            self.iso.setLevel(value)
        self.marker.setData([x], [y])


def measure(app: Any, updates: int, expr: str) -> bool:
    win = build_window(expr)
    st = win.session.state("xy")
    plot = win.workspace("fxy").plot
    slices = win.dock_content("xySlicesDock")
    readout = win.dock_content("xyReadoutDock")
    sample = plot.sample
    assert sample is not None
    ny, nx = sample.z.shape
    xs, ys = sample.xs, sample.ys
    dx, dy = xs[1] - xs[0], ys[1] - ys[0]
    rect = (xs[0] - dx / 2, ys[0] - dy / 2, xs[-1] - xs[0] + dx, ys[-1] - ys[0] + dy)
    fn = st.function

    def f(x: float, y: float) -> float:
        return float(fn.values(x, y))

    size = (plot.widget.width(), plot.widget.height())
    bare = BareFigure(sample.z, rect, level=True, size=size)
    floor = BareFigure(sample.z, rect, level=False, size=size)
    for _ in range(10):
        app.processEvents()

    (x0, x1), (y0, y1) = REGION
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, 0.35 * (x1 - x0)
    path = [(cx + r * math.cos(2 * math.pi * k / 300), cy + r * math.sin(2 * math.pi * k / 300))
            for k in range(updates)]  # fmt: skip
    ours: list[float] = []
    base: list[float] = []
    low: list[float] = []
    warm = 20
    for k, (x, y) in enumerate(path):
        t0 = time.perf_counter()
        st.set_point(x, y)
        settle(app)
        plot.widget.grab()
        slices.grab()
        readout.grab()
        t1 = time.perf_counter()
        bare.update(f, x, y)
        settle(app)
        bare.widget.grab()
        t2 = time.perf_counter()
        floor.update(f, x, y)
        settle(app)
        floor.widget.grab()
        t3 = time.perf_counter()
        if k >= warm:
            ours.append((t1 - t0) * 1e3)
            base.append((t2 - t1) * 1e3)
            low.append((t3 - t2) * 1e3)
    level_points = plot.layer("point").level_points()[0].size
    for w in (bare.widget, floor.widget):
        w.close()

    m_ours, m_base, m_low = statistics.median(ours), statistics.median(base), statistics.median(low)
    ratio = m_ours / m_base
    print(f"(a) drag update of (x₀, y₀), {len(ours)} updates, f = {expr}")
    print(f"    grid {nx}×{ny} (plot {plot.widget.width()}×{plot.widget.height()} px), "
          f"level line {level_points // 2} segments at the last point")  # fmt: skip
    print("    measured: main window, f(x, y) workspace; plot + slices + readout rendered")
    print(f"    derivview:               median {m_ours:6.2f} ms   p95 {p95(ours):6.2f} ms")
    print(f"    bare Image+Isocurve:     median {m_base:6.2f} ms   p95 {p95(base):6.2f} ms")
    print(f"    ratio (median): {ratio:.2f}×  (target ≤ {TARGET_RATIO}×)")
    print(f"(b) bare Image + marker only: median {m_low:6.2f} ms   p95 {p95(low):6.2f} ms"
          "  (information: no level line at all)")  # fmt: skip
    parts(app, win, plot, slices, readout, path[warm : warm + 100])
    ok_ratio = ratio <= TARGET_RATIO
    ok_p95 = p95(ours) <= TARGET_P95_MS
    print(f"    median ratio: {'PASS' if ok_ratio else 'FAIL'};  p95 ≤ {TARGET_P95_MS} ms: "
          f"{'PASS' if ok_p95 else 'FAIL'}")  # fmt: skip
    win.close_guards.clear()
    win.close()
    win.shutdown()
    return ok_ratio and ok_p95


def parts(app: Any, win: Any, plot: Any, slices: Any, readout: Any, path: list[Any]) -> None:
    """Information: where the time of an update goes."""
    st = win.session.state("xy")
    grid = plot.sample.grid
    t = {"set_point + events": [], "plot frame": [], "slices frame": [], "readout frame": [],
         "level line alone": []}  # fmt: skip
    for x, y in path:
        t0 = time.perf_counter()
        st.set_point(x, y)
        settle(app)
        t1 = time.perf_counter()
        plot.widget.grab()
        t2 = time.perf_counter()
        slices.grab()
        t3 = time.perf_counter()
        readout.grab()
        t4 = time.perf_counter()
        grid.segments(st.point.f)
        t5 = time.perf_counter()
        for name, a, b in (("set_point + events", t0, t1), ("plot frame", t1, t2),
                           ("slices frame", t2, t3), ("readout frame", t3, t4),
                           ("level line alone", t4, t5)):  # fmt: skip
            t[name].append((b - a) * 1e3)
    print("    parts (medians): " + ", ".join(f"{k} {statistics.median(v):.2f} ms"
                                              for k, v in t.items()))  # fmt: skip


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--updates", type=int, default=300)
    ap.add_argument("--expr", default=EXPR)
    args = ap.parse_args(argv)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import pyqtgraph  # noqa: F401  (after PySide6)

    ok = measure(app, args.updates, args.expr)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":  # the symbolic worker is a spawned process: guard the entry
    sys.exit(main(sys.argv[1:]))
