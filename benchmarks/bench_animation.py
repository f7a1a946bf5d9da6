"""An animated GIF beside PNG exports of the same frames, in the same run.

    python benchmarks/bench_animation.py [--repeats N]

60 frames at 800 × 500 of the tangent point sweeping along x³ − 3x: derivview's GIF
export (each frame drawn by the PNG renderer, quantized to one palette, written by
Pillow) beside 60 PNG exports of the same frames (x₀ set, exported to a file, each).
Target (issue 13): median GIF ≤ 1.5× the median of the 60 PNG exports. The two sides
alternate repeat by repeat, so load on the machine hits both alike. Exit 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_RATIO = 1.5
EXPR = "x^3 - 3x"
FRAMES, WIDTH, HEIGHT = 60, 800, 500
SWEEP = (-3.0, 3.0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    from derivview.model.calculus import analyze
    from derivview.model.session import Session
    from derivview.ui.animation import Animation, export_animation
    from derivview.ui.export import ExportOptions, export_session

    session = Session()
    session.set_text(EXPR)
    session.apply_function(EXPR, analyze(EXPR))
    options = ExportOptions(WIDTH, HEIGHT)
    anim = Animation("x0", FRAMES, 15.0, *SWEEP)
    xs = [SWEEP[0] + (SWEEP[1] - SWEEP[0]) * i / (FRAMES - 1) for i in range(FRAMES)]
    folder = Path(tempfile.mkdtemp(prefix="bench_animation_"))

    def gif() -> None:
        export_animation(session, folder / "a.gif", options, anim)

    def pngs() -> None:
        for i, x in enumerate(xs):
            session.set_x0(x)
            export_session(session, folder / f"f{i}.png", options)

    gif()  # warm up: imports, fonts, the offscreen plot
    pngs()
    gif_ms, png_ms = [], []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        gif()
        gif_ms.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        pngs()
        png_ms.append((time.perf_counter() - t0) * 1000)
    g, q = statistics.median(gif_ms), statistics.median(png_ms)
    ratio = g / q
    size = (folder / "a.gif").stat().st_size / 1024
    print(f"GIF, {FRAMES} frames {WIDTH}×{HEIGHT}:  median {g:8.0f} ms  ({size:.0f} kB)")
    print(f"{FRAMES} PNG exports, same frames: median {q:8.0f} ms")
    print(f"ratio (median): {ratio:.2f}×  (target ≤ {TARGET_RATIO}×)")
    ok = ratio <= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
