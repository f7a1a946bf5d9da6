"""The derivation and the graph (issue 10): building them, following a drag, typesetting.

    python benchmarks/bench_steps.py [--updates N] [--only build|drag|render]

(a) build: for each seed expression (the Functions menu, ``bench_window.SEED``), the
    derivation (:func:`derivview.model.labs.steps.derive`), its lines typeset and laid
    out as the dock draws them, and the graph at a point
    (:func:`derivview.model.expr.graph.graph`). Target: every one ≤ 16.7 ms (one frame)
    for derivation + lines, ≤ 2 ms for the graph.
(b) drag: one x₀ drag update in the real main window with the Graph dock shown and its
    backward pass done (every node's value and adjoint repainted per update), beside a
    bare pyqtgraph figure of the plot's picture, alternately, in the same run — exactly
    the measure of ``bench_drag.py`` (a), in its window (x³ − 3x, 1200×800). Target:
    median ≤ 1.3× the bare figure. Then, for information, a larger graph (13 nodes).
(c) render: a typeset formula appears after f′ is known: ``session.apply_formulas`` to
    the readout's f′ painted (a new formula each time: layout not cached), and the same
    formula again (cached). Target: median ≤ 100 ms for a new formula; the cached one
    faster still.

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# a fresh settings folder: no layout or theme saved by another run changes what is measured
os.environ.setdefault("DERIVVIEW_CONFIG_DIR", tempfile.mkdtemp(prefix="derivview-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_BUILD_MS = 16.7
TARGET_GRAPH_MS = 2.0
TARGET_DRAG_RATIO = 1.3
TARGET_RENDER_MS = 100.0
EXPR = "x^3 sin(x) e^(-x^2/4)"


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, math.ceil(0.95 * len(values)) - 1)]


def med_ms(call: Any, n: int = 20) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_build() -> bool:
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    from bench_window import SEED

    from derivview.model.expr import parse
    from derivview.model.expr.graph import graph
    from derivview.model.labs.steps import derive
    from derivview.ui.mathview import layout_math
    from derivview.ui.steps.lines import step_line

    print("(a) the derivation (derive + lines typeset and laid out) and the graph at x = 0.7")
    print(f"    {'f':24s} {'steps':>5s} {'derivation':>11s} {'graph':>8s}")
    ok = True
    for text in SEED:
        e = parse(text)

        def build(e: Any = e) -> None:
            d = derive(e)
            for s in d.steps:
                line = step_line(s)
                layout_math.cache_clear()  # every line laid out afresh
                layout_math(line.formula, 15.0)

        derive(e)  # warm the template cache
        t_build = med_ms(build)
        t_graph = med_ms(lambda e=e: graph(e, 0.7))
        n = len(derive(e).steps)
        flag = "" if t_build <= TARGET_BUILD_MS and t_graph <= TARGET_GRAPH_MS else "  MISSED"
        ok = ok and not flag
        print(f"    {text:24s} {n:5d} {t_build:8.2f} ms {t_graph:5.2f} ms{flag}")
    print(
        f"    targets: derivation ≤ {TARGET_BUILD_MS} ms, graph ≤ {TARGET_GRAPH_MS} ms: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return ok


def build_window_with_graph(expr: str = EXPR, size: tuple[int, int] = (1400, 900)) -> Any:
    from PySide6.QtWidgets import QApplication, QDockWidget

    from derivview.app import create_window

    win = create_window(["--expr", expr, "--x0", "1.5"])
    win.resize(*size)
    win.show()
    win.start_background()
    deadline = time.monotonic() + 90
    s = win.session
    while time.monotonic() < deadline:
        QApplication.processEvents()
        f = s.function
        if not s.busy and f is not None and f.expression.text == s.text:
            break
        time.sleep(0.01)
    dock = win.findChild(QDockWidget, "graphDock")
    dock.show()  # (a layout saved by an earlier run may have closed it)
    dock.raise_()
    panel = win.dock_content("graphDock")
    while time.monotonic() < deadline and (not panel.is_shown() or panel.graph is None):
        QApplication.processEvents()
        time.sleep(0.01)
    panel.act("all")
    return win, panel


def bench_drag(updates: int) -> bool:
    import bench_drag as bd

    # the drag benchmark's window (x³ − 3x, 1200×800), then a larger graph (information)
    ok = drag_once(updates, bd.EXPR, bd.SIZE, target=True)
    drag_once(updates, EXPR, (1400, 900), target=False)
    return ok


def drag_once(updates: int, expr: str, size: tuple[int, int], target: bool) -> bool:
    import bench_drag as bd
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    win, graph_panel = build_window_with_graph(expr, size)
    plot = win.plot_panel
    pw = plot.plot_widget
    bare = bd.BareFigure((pw.width(), pw.height()))
    for _ in range(20):
        app.processEvents()
        time.sleep(0.005)
    session = win.session
    xs = [1.5 + 2.5 * math.sin(2 * math.pi * k / 240) for k in range(updates)]
    ours: list[float] = []
    base: list[float] = []
    ours_cpu: list[float] = []
    base_cpu: list[float] = []
    x_node = next(i for i in graph_panel.view.nodes.values() if i.text == "x")
    follows = True
    for k, x in enumerate(xs):
        t0, c0 = time.perf_counter(), time.thread_time()
        session.set_x0(x)
        bd.settle(app)
        pw.grab()
        t1, c1 = time.perf_counter(), time.thread_time()
        bare.update(x)
        bd.settle(app)
        bare.widget.grab()
        t2, c2 = time.perf_counter(), time.thread_time()
        if k >= 30:
            ours.append((t1 - t0) * 1e3)
            base.append((t2 - t1) * 1e3)
            ours_cpu.append((c1 - c0) * 1e3)
            base_cpu.append((c2 - c1) * 1e3)
        follows = follows and x_node.value == f"{x:.6g}".replace("-", "−")
    bare.widget.close()
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    ratio = m_ours / m_base
    role = "target" if target else "information"
    print(f"(b) x₀ drag, f = {expr}, the Graph dock shown, backward pass done ({role})")
    print(f"    {len(ours)} updates, window {size[0]}×{size[1]}")
    nodes = len(graph_panel.graph.nodes)
    print(f"    graph: {nodes} nodes; its numbers followed every update: {follows}")
    print(f"    derivview:  median {m_ours:6.2f} ms   p95 {p95(ours):6.2f} ms")
    print(f"    bare pg:    median {m_base:6.2f} ms   p95 {p95(base):6.2f} ms")
    ok = (ratio <= TARGET_DRAG_RATIO or not target) and follows
    verdict = ("PASS" if ok else "FAIL") if target else "information"
    print(f"    ratio (median): {ratio:.2f}×  (target ≤ {TARGET_DRAG_RATIO}×): {verdict}")
    cpu = statistics.median(ours_cpu) / statistics.median(base_cpu)
    print(
        f"    (information) CPU time of the GUI thread, same updates: derivview "
        f"{statistics.median(ours_cpu):.2f} ms, bare {statistics.median(base_cpu):.2f} ms, "
        f"ratio {cpu:.2f}× (less sensitive to other processes on the machine)"
    )
    # for information: the same window with the graph dock behind another tab
    from PySide6.QtWidgets import QDockWidget

    win.findChild(QDockWidget, "iteratesDock").raise_()
    for _ in range(10):
        app.processEvents()
    hidden: list[float] = []
    for x in xs[:150]:
        t0 = time.perf_counter()
        session.set_x0(x)
        bd.settle(app)
        pw.grab()
        hidden.append((time.perf_counter() - t0) * 1e3)
    behind = statistics.median(hidden[20:])
    print(f"    (information) Graph dock behind a tab: median {behind:6.2f} ms")
    win.close_guards.clear()
    win.close()
    win.shutdown()
    return ok


def bench_render() -> bool:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from derivview.model.calculus import analyze
    from derivview.model.formulas import Formulas
    from derivview.model.session import Session
    from derivview.ui.readout import Readout

    s = Session()
    text = "sin(x)/x + sqrt(x^2 + 1)"
    s.set_text(text)
    s.apply_function(text, analyze(text))
    r = Readout(s)
    r.resize(380, 300)
    r.show()
    for _ in range(10):
        app.processEvents()
    line = r.formulas.lines[1]
    cold: list[float] = []
    warm: list[float] = []
    for k in range(40):
        df = f"{k + 2}x cos(x^2)/(x^2 + {k + 1}) - sqrt(x + {k})/{k + 3}"
        for times in (cold, warm):  # a new formula, then the same one again (cached)
            s.apply_formulas(text, Formulas(s.function.f_text, "x", "0"))  # something else
            app.processEvents()
            t0 = time.perf_counter()
            s.apply_formulas(text, Formulas(s.function.f_text, df, "0"))
            app.processEvents()
            line.grab()  # painted
            times.append((time.perf_counter() - t0) * 1e3)
        assert line.box() is not None
    m_cold, m_warm = statistics.median(cold), statistics.median(warm)
    ok = m_cold <= TARGET_RENDER_MS and m_warm <= m_cold
    print("(c) f′ known → typeset and painted in the readout")
    print(f"    a new formula:   median {m_cold:6.2f} ms   p95 {p95(cold):6.2f} ms")
    print(f"    the same again:  median {m_warm:6.2f} ms   p95 {p95(warm):6.2f} ms")
    print(f"    target: new ≤ {TARGET_RENDER_MS} ms, cached faster: {'PASS' if ok else 'FAIL'}")
    return ok


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--updates", type=int, default=300)
    ap.add_argument("--only", choices=("build", "drag", "render"))
    args = ap.parse_args(argv)
    ok = True
    if args.only in (None, "build"):
        ok = bench_build() and ok
    if args.only in (None, "render"):
        ok = bench_render() and ok
    if args.only in (None, "drag"):
        ok = bench_drag(args.updates) and ok
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":  # the symbolic worker is a spawned process: guard the entry
    sys.exit(main(sys.argv[1:]))
