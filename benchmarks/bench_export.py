"""The cost of exporting the plot, beside what pyqtgraph / Qt do alone on the same plot.

    python benchmarks/bench_export.py [--repeats N]

(a) PNG, 1600 × 1000, written to a file: derivview's export (snapshot the session, lay out
    an offscreen PlotPanel, draw with scaled pens, encode, write atomically with fsync)
    beside pyqtgraph's own ``ImageExporter`` on a PlotPanel of the same plot already on
    screen (draw scaled up, encode, write). Target: median ≤ 1.5× ImageExporter.
(b) SVG, 1600 × 1000: derivview's export beside a plain ``QSvgGenerator`` render of the
    same (already laid out) view into a buffer. Target: median ≤ 1.5× the plain render.

derivview keeps the offscreen plot of a session for the next export (re-synced with the
session, and re-laid out only when something changed), so (a) and (b) time a repeated
export; for information, the first export of a session (building the offscreen
PlotPanel, ~90 ms more) is timed too.

The two sides of each comparison are measured alternately, repeat by repeat, so load on
the machine hits both alike. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_RATIO = 1.5
EXPR = "x^3 - 3x"
WIDTH, HEIGHT = 1600, 1000


def session_with_function() -> Any:
    from derivview.model.calculus import analyze
    from derivview.model.session import Session

    s = Session()
    s.set_text(EXPR)
    s.apply_function(EXPR, analyze(EXPR))
    return s


def shown_panel(session: Any) -> Any:
    """A PlotPanel of ``session`` laid out at the export's layout size, as in a window."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from derivview.ui.export import layout_size
    from derivview.ui.plot_panel import PlotPanel

    panel = PlotPanel(session)
    panel.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    w, h = layout_size(WIDTH, HEIGHT)
    panel.resize(round(w), round(h))
    panel.show()
    for _ in range(20):
        QApplication.processEvents()
        time.sleep(0.01)
    return panel


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000.0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=15)
    args = p.parse_args(argv)

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    import pyqtgraph.exporters as pge

    from derivview.ui.export import ExportOptions, clear_cache, export_session, render_session

    session = session_with_function()
    panel = shown_panel(session)
    options = ExportOptions(WIDTH, HEIGHT)
    folder = Path(tempfile.mkdtemp(prefix="bench_export_"))
    ours_png, theirs_png, ours_svg, plain_svg, cold_png = [], [], [], [], []

    def pg_png() -> None:
        exporter = pge.ImageExporter(panel.plot_item)
        exporter.parameters()["width"] = WIDTH  # height follows the aspect
        ok = exporter.export(str(folder / "pg.png"))
        if ok is False:
            raise RuntimeError("ImageExporter failed")

    def plain_svg_render() -> None:
        view = panel.plot_widget
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        gen.setSize(QSize(WIDTH, HEIGHT))
        gen.setViewBox(QRect(0, 0, WIDTH, HEIGHT))
        gen.setResolution(view.logicalDpiX())
        painter = QPainter(gen)
        view.render(painter, QRectF(0, 0, WIDTH, HEIGHT), view.viewport().rect())
        painter.end()
        buffer.close()

    # Warm up both sides once (imports, font caches, first layout).
    export_session(session, folder / "ours.png", options)
    pg_png()
    render_session(session, options, "svg")
    plain_svg_render()
    for _ in range(args.repeats):
        ours_png.append(timed(lambda: export_session(session, folder / "ours.png", options)))
        theirs_png.append(timed(pg_png))
        app.processEvents()
        ours_svg.append(timed(lambda: render_session(session, options, "svg")))
        plain_svg.append(timed(plain_svg_render))
        app.processEvents()
        clear_cache()
        cold_png.append(timed(lambda: export_session(session, folder / "ours.png", options)))

    failed = False
    for label, ours, base, base_name in (
        ("PNG 1600x1000", ours_png, theirs_png, "pyqtgraph ImageExporter"),
        ("SVG 1600x1000", ours_svg, plain_svg, "plain QSvgGenerator render"),
    ):
        m_ours, m_base = statistics.median(ours), statistics.median(base)
        ratio = m_ours / m_base
        ok = ratio <= TARGET_RATIO
        failed |= not ok
        print(
            f"{label}: derivview {m_ours:.1f} ms, {base_name} {m_base:.1f} ms "
            f"(medians of {len(ours)}), ratio {ratio:.2f} "
            f"(target <= {TARGET_RATIO}) {'ok' if ok else 'MISSED'}"
        )
    print(
        f"(first export of a session, PNG 1600x1000: {statistics.median(cold_png):.1f} ms, "
        f"{statistics.median(cold_png) / statistics.median(theirs_png):.2f}x ImageExporter)"
    )
    panel.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
