"""Keystroke to pixels in two checkouts, interleaved: which change made it faster?

    git worktree add /tmp/base <commit>
    python benchmarks/compare_keys.py /tmp/base . [EXPRESSION ...] [--rounds N]
    python benchmarks/compare_keys.py /tmp/base . --launches N

``--launches``: instead, launch the two windows (and the bare window) in turn N times
each, as ``bench_window``'s launch part does, and compare their first paint and first
curve.

Not one of ``run.py``'s benchmarks: a tool for comparing two versions of derivview on
this machine. Each checkout runs ``bench_window.keystroke`` in its own process with its
own window; the parent asks them in turn for one keystroke at a time (A then B, then B
then A), so that the machine's speed — which drifts by ±50 % over minutes on a shared
machine — weighs on both alike. Two separate benchmark runs cannot show a change of a
millisecond or two; this can. Prints medians and p95 per expression, and the ratio of
the medians over all keystrokes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_window as bw

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1] + "/benchmarks")
import bench_window as bw
app = bw.bench_app()
from derivview.app import create_window
win = create_window([])
win.resize(1280, 800)
win.show()
while not (win.runner.warmed and win.session.function is not None):
    app.processEvents()
    time.sleep(0.002)
for _ in range(3):
    bw.keystroke(app, win, "sin(x)")
    bw.keystroke(app, win, "x")
print("READY", flush=True)
for line in sys.stdin:
    text = line.strip()
    if not text:
        break
    if win.session.function.expression.text != "x":
        bw.keystroke(app, win, "x")
    win.runner.clear_cache()
    print(json.dumps(bw.keystroke(app, win, text) * 1e3), flush=True)
win.shutdown()
"""


def start(checkout: Path) -> subprocess.Popen[str]:
    """A child measuring keystrokes in ``checkout``'s derivview, once its window is ready."""
    env = dict(os.environ, PYTHONPATH=str(checkout), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(checkout)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=checkout,
        env=env,
    )
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith("READY"):
            return child
    raise RuntimeError(f"the window in {checkout} never became ready")


def measure(child: subprocess.Popen[str], text: str) -> float:
    assert child.stdin is not None and child.stdout is not None
    child.stdin.write(text + "\n")
    child.stdin.flush()
    return float(json.loads(child.stdout.readline()))


def launch(checkout: Path, mode: str, cache: str) -> dict[str, float]:
    """One launch of ``bench_window --child mode`` from ``checkout``: seconds from the
    start of the process to its first paint and (for the app) to its first curve."""
    env = dict(bw._child_env(), PYTHONPATH=str(checkout), PYTHONPYCACHEPREFIX=cache)
    script = checkout / "benchmarks" / "bench_window.py"
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, str(script), "--child", mode],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=checkout,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(f"{mode} in {checkout} failed: {out.stderr[-2000:]}")
    data = json.loads(lines[-1][len("RESULT ") :])
    return {k: data[k] - t0 for k in ("first_paint", "first_plot") if k in data}


def compare_launches(a: Path, b: Path, n: int) -> None:
    """Bare, A and B launched in turn (rotating who goes first), ``n`` times each."""
    caches = {c: tempfile.mkdtemp(prefix="derivview-compare-") for c in (a, b)}
    for c in (a, b):  # untimed: fill each checkout's bytecode cache
        launch(c, "bare", caches[c])
        launch(c, "app", caches[c])
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "A": [], "B": []}
    order = [("bare", a, "bare"), ("A", a, "app"), ("B", b, "app")]
    for i in range(n):
        for name, checkout, mode in order[i % 3 :] + order[: i % 3]:
            runs[name].append(launch(checkout, mode, caches[checkout]))
    bare = statistics.median(r["first_paint"] for r in runs["bare"])
    print(f"first paint, median of {n}: bare {bare * 1e3:.0f} ms")
    for name in ("A", "B"):
        paint = statistics.median(r["first_paint"] for r in runs[name])
        curve = statistics.median(r["first_plot"] - r["first_paint"] for r in runs[name])
        print(
            f"  {name}: {paint * 1e3:.0f} ms, ratio {paint / bare:.2f}; "
            f"first curve {curve * 1e3:.0f} ms after the first paint"
        )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a", type=Path, help="checkout A (the baseline)")
    ap.add_argument("b", type=Path, help="checkout B")
    ap.add_argument("expressions", nargs="*", help="default: the seed expressions")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--launches", type=int, default=0, help="compare launches instead")
    args = ap.parse_args()
    if args.launches:
        compare_launches(args.a.resolve(), args.b.resolve(), args.launches)
        return 0
    exprs = args.expressions or bw.SEED
    children = [start(args.a.resolve()), start(args.b.resolve())]
    times: dict[str, tuple[list[float], list[float]]] = {e: ([], []) for e in exprs}
    try:
        for r in range(args.rounds):
            for text in exprs:
                for i in (0, 1) if r % 2 == 0 else (1, 0):
                    times[text][i].append(measure(children[i], text))
    finally:
        for child in children:
            if child.stdin is not None:
                child.stdin.write("\n")
                child.stdin.flush()
            child.wait(timeout=60)
    print(f"{'expression':<26} {'A med':>6} {'B med':>6} {'A p95':>6} {'B p95':>6}")
    for text in exprs:
        a, b = times[text]
        print(
            f"{text:<26} {statistics.median(a):6.1f} {statistics.median(b):6.1f} "
            f"{bw.p95(a):6.1f} {bw.p95(b):6.1f}"
        )
    all_a = [v for a, _ in times.values() for v in a]
    all_b = [v for _, b in times.values() for v in b]
    ratio = statistics.median(all_b) / statistics.median(all_a)
    print(
        f"{'all':<26} {statistics.median(all_a):6.1f} {statistics.median(all_b):6.1f} "
        f"{bw.p95(all_a):6.1f} {bw.p95(all_b):6.1f}   B/A (medians) {ratio:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
