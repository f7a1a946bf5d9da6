"""The regression lab keeps up: an epoch beside a bare numpy epoch, and Play at 60 epochs/s.

    python benchmarks/bench_regression.py [--seconds S]

1. An epoch on 10,000 points: ``RegressionRun.step`` (the seed's update, the loss, the
   gradient, the history and the status) beside a bare numpy epoch of the seed's loop
   in the same run (``y_pred = m*X + b; dm = (2/n)*np.sum((y_pred - y)*X); ...``),
   blocks of 200 epochs interleaved. Target: median ratio ≤ 1.5.

2. Play at "60 epochs/s" with the lab's real views (the data with line and residuals,
   the loss contours and path, the loss per epoch, the Training and Readout panels)
   shown at 1280×800 offscreen. Baseline in the same run: ticks of an idle 60 Hz QTimer.
   For S seconds each — 50 points from epoch 0; 10,000 points; 50 points late in a
   long run (prefilled to epoch 60,000 of 100,000) — epochs completed (target ≥ 95 % of
   the idle ticks) and the CPU time of each Play tick, stepping and redrawing every view
   (target p95 ≤ 16 ms: Play never holds the event loop for more than a frame).

The machine is shared: the load average is printed; CPU time per tick does not depend
on it, wall-clock rates do. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

EPOCH_POINTS = 10_000
BLOCK = 200
BLOCKS = 15


def bare_epochs(X: np.ndarray, y: np.ndarray, epochs: int, lr: float) -> tuple[float, float]:
    """The seed's loop body in plain numpy: the baseline."""
    m = b = 0.0
    n = len(X)
    for _ in range(epochs):
        y_pred = m * X + b
        dm = (2 / n) * np.sum((y_pred - y) * X)
        db = (2 / n) * np.sum(y_pred - y)
        m = m - lr * dm
        b = b - lr * db
    return m, b


def bench_epoch() -> bool:
    from derivview.model.labs.regression import RegressionRun, synthetic

    data = synthetic(EPOCH_POINTS, seed=1)
    lr = 0.01
    ours: list[float] = []
    bare: list[float] = []
    run = RegressionRun(data, lr, BLOCK * BLOCKS * 2)
    bare_epochs(data.x, data.y, BLOCK, lr)  # warm up both
    run.step(BLOCK)
    for _ in range(BLOCKS):
        t0 = time.perf_counter()
        bare_epochs(data.x, data.y, BLOCK, lr)
        bare.append((time.perf_counter() - t0) / BLOCK * 1e6)
        t0 = time.perf_counter()
        run.step(BLOCK)
        ours.append((time.perf_counter() - t0) / BLOCK * 1e6)
    ratio = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
    ok = ratio <= 1.5
    print(
        f"epoch on {EPOCH_POINTS:,} points: derivview {statistics.median(ours):.1f} µs, "
        f"bare numpy {statistics.median(bare):.1f} µs, ratio {ratio:.2f} "
        f"(target ≤ 1.5) {'ok' if ok else 'MISSED'}"
    )
    return ok


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(round(seconds * 1000), loop.quit)
    loop.exec()


class TickCounter:
    """A 60 Hz timer that counts its ticks."""

    def __init__(self) -> None:
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(round(1000 / 60))
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.ticks += 1

    def measure(self, seconds: float) -> int:
        self.ticks = 0
        self.timer.start()
        spin(seconds)
        self.timer.stop()
        return self.ticks


def bench_play(seconds: float) -> bool:
    if QApplication.instance() is None:
        QApplication([])
    from derivview.model.session import Session
    from derivview.ui.regression.plots import DataPlot, EpochPlot, LossPlot
    from derivview.ui.regression.readout import RegressionReadout
    from derivview.ui.regression.train_panel import TrainPanel

    session = Session()
    state = session.state("regression")
    host = QWidget()
    row = QHBoxLayout(host)
    plots = QWidget()
    column = QVBoxLayout(plots)
    top = QHBoxLayout()
    top.addWidget(DataPlot(state))
    top.addWidget(LossPlot(state))
    column.addLayout(top, 3)
    column.addWidget(EpochPlot(state), 1)
    train = TrainPanel(session)
    side = QVBoxLayout()
    side.addWidget(train)
    side.addWidget(RegressionReadout(session))
    row.addWidget(plots, 1)
    row.addLayout(side)
    host.resize(1280, 800)
    host.show()
    spin(0.5)

    scheduler = train.play
    tick_cpu: list[float] = []
    original = scheduler._on_tick

    def timed_tick() -> None:
        t0 = time.thread_time()
        original()
        tick_cpu.append((time.thread_time() - t0) * 1000)

    scheduler._timer.timeout.disconnect(scheduler._on_tick)
    scheduler._timer.timeout.connect(timed_tick)

    counter = TickCounter()
    idle = counter.measure(seconds)
    print(f"idle 60 Hz timer: {idle} ticks in {seconds:g} s; load {os.getloadavg()[0]:.2f}")
    all_ok = True
    cases = (
        ("50 points from epoch 0", {"n": 50, "epochs": 100_000, "learning_rate": 1e-4}, 0),
        ("10,000 points", {"n": 10_000, "epochs": 100_000, "learning_rate": 1e-4}, 0),
        ("50 points at epoch 60,000", {"n": 50, "epochs": 100_000, "learning_rate": 1e-5}, 60_000),
    )
    for name, settings, prefill in cases:
        state.update(**settings)
        if prefill:
            state.step(prefill)
        spin(0.3)
        tick_cpu.clear()
        start = state.epoch
        scheduler.set_speed(60.0)
        scheduler.set_playing(True)
        spin(seconds)
        scheduler.set_playing(False)
        made = state.epoch - start
        p95 = float(np.percentile(tick_cpu, 95)) if tick_cpu else float("nan")
        median = statistics.median(tick_cpu) if tick_cpu else float("nan")
        ok = made >= 0.95 * idle and p95 <= 16.0
        all_ok &= ok
        print(
            f"Play at 60 epochs/s, {name}: {made} epochs in {seconds:g} s "
            f"({made / max(idle, 1):.0%} of the idle ticks; target ≥ 95 %), CPU per tick "
            f"median {median:.2f} ms, p95 {p95:.2f} ms (target ≤ 16) {'ok' if ok else 'MISSED'}"
        )
    session.mark_saved()
    host.close()
    return all_ok


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args(argv)
    ok = bench_epoch()
    ok &= bench_play(args.seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
