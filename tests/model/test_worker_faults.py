"""Fault injection on the symbolic worker: frozen (SIGSTOP) at start-up and mid-request,
killed (SIGKILL) mid-request, a budget shorter than the start-up.

Each fault is answered within the request's one budget (start-up included) — the
generous bounds below are hang detectors: the old start-up limit alone was 60 s — with
a message that says what happened, never "too complex" for an expression that is not;
and the worker is restarted, so the next request is answered.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

import pytest

from derivview.model.errors import ComplexityError, EngineStarting, EngineStopped
from derivview.model.expr.nodes import Call, Node, Var
from derivview.model.expression import Expression, parse
from derivview.model.formulas import print_formulas
from derivview.model.symbolic_worker import DIED, STOPPED_RESPONDING, SymbolicWorker

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="SIGSTOP and /proc: Linux"
)

SIMPLE = "max(x, 101) + cos(x)^3"  # the example: printed in milliseconds
BUDGET = 2.0
#: A hang detector, not a speed target: the wait must end near the budget, not at 60 s.
HANG_S = 20.0


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as fh:
            state = next(line for line in fh if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError):
        return True
    return "Z" not in state.split()[1]


def _nested_sin(depth: int) -> Expression:
    e: Node = Var("x")
    for _ in range(depth):
        e = Call("sin", (e,))
    return Expression(f"sin nested {depth} deep", e, ())


def _timed(fn, *args):
    t0 = time.monotonic()
    try:
        return fn(*args), None, time.monotonic() - t0
    except Exception as exc:
        return None, exc, time.monotonic() - t0


def _prints_again(w: SymbolicWorker) -> None:
    df, _d2f = w.run("formulas", parse(SIMPLE), 30.0)
    assert df is not None and "sin(x)" in df and "cos(x)^2" in df


def test_frozen_at_start_up() -> None:
    with SymbolicWorker(timeout=BUDGET) as w:
        w.start()
        frozen = w.pid
        assert frozen is not None
        os.kill(frozen, signal.SIGSTOP)
        _, exc, waited = _timed(w.run, "formulas", parse(SIMPLE))
        assert isinstance(exc, EngineStopped) and str(exc) == STOPPED_RESPONDING
        assert str(exc) == "the symbolic engine stopped responding; restarted"
        assert waited < HANG_S
        assert _gone(frozen)
        assert w.is_alive() and w.pid != frozen  # restarted at once
        _prints_again(w)


def test_frozen_mid_request() -> None:
    with SymbolicWorker(timeout=BUDGET) as w:
        w.warm()
        frozen = w.pid
        assert frozen is not None
        # sin nested 60 deep keeps it busy for many seconds: frozen while working on it
        timer = threading.Timer(0.3, os.kill, (frozen, signal.SIGSTOP))
        timer.start()
        _, exc, waited = _timed(w.run, "formulas", _nested_sin(60), 30.0)
        timer.join()
        assert isinstance(exc, EngineStopped) and str(exc) == STOPPED_RESPONDING
        assert waited < HANG_S
        assert _gone(frozen) and w.pid != frozen
        _prints_again(w)


def test_frozen_while_idle_then_asked() -> None:
    with SymbolicWorker(timeout=BUDGET) as w:
        w.warm()
        frozen = w.pid
        assert frozen is not None
        os.kill(frozen, signal.SIGSTOP)
        formulas = print_formulas(parse(SIMPLE), w, simplify=False)
        assert (formulas.df, formulas.d2f) == (None, None)
        assert formulas.note == STOPPED_RESPONDING  # not "too complex to print"
        assert formulas.f == SIMPLE
        _prints_again(w)


def test_killed_mid_request() -> None:
    with SymbolicWorker(timeout=BUDGET) as w:
        w.warm()
        victim = w.pid
        assert victim is not None
        timer = threading.Timer(0.3, os.kill, (victim, signal.SIGKILL))
        timer.start()
        _, exc, waited = _timed(w.run, "formulas", _nested_sin(60), 30.0)
        timer.join()
        assert isinstance(exc, EngineStopped) and str(exc) == DIED
        assert waited < HANG_S
        assert _gone(victim)
        _prints_again(w)


def test_killed_again_and_again_recovers_each_time() -> None:
    with SymbolicWorker(timeout=BUDGET) as w:
        for k in range(3):
            w.warm()
            victim = w.pid
            assert victim is not None
            os.kill(victim, signal.SIGKILL)
            formulas = print_formulas(parse(f"max(x, {k}) + cos(x)^3"), w, simplify=False)
            assert formulas.note == DIED, k
            _prints_again(w)


def test_a_job_that_uses_its_whole_budget_is_too_complex() -> None:
    # The contrast: a process that worked for the whole budget is the expression's fault.
    with SymbolicWorker(timeout=1.0) as w:
        w.warm()
        with pytest.raises(ComplexityError, match="did not finish within 1 s") as info:
            w.run("formulas", _nested_sin(60))
        assert not isinstance(info.value, EngineStopped)
        _prints_again(w)


def test_a_budget_shorter_than_the_start_up_lets_it_finish_starting() -> None:
    with SymbolicWorker() as w:
        w.start()
        starting = w.pid
        with pytest.raises(EngineStarting, match="still starting"):
            w.run("formulas", parse(SIMPLE), 0.01)  # no process starts in 10 ms
        assert w.pid == starting and w.is_alive()  # not killed: it goes on starting
        _prints_again(w)
        assert w.pid == starting


def test_close_while_frozen_leaves_no_process() -> None:
    w = SymbolicWorker(timeout=BUDGET)
    w.warm()
    frozen = w.pid
    assert frozen is not None
    os.kill(frozen, signal.SIGSTOP)
    w.close()
    assert _gone(frozen)


def test_the_watch_tells_stuck_from_working(monkeypatch: pytest.MonkeyPatch) -> None:
    """The judge of the above: stopped at once; asleep without CPU after a while; a
    process using the CPU never (however long it takes)."""
    import subprocess

    import derivview.model.symbolic_worker as sw

    monkeypatch.setattr(sw, "STALL_AFTER_S", 0.3)
    asleep = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # both started
        watches = {p.pid: sw.ProcessWatch(p.pid) for p in (asleep, busy)}
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            assert not watches[busy.pid].stuck()
            time.sleep(0.05)
        assert watches[asleep.pid].stuck() and watches[asleep.pid].idle_throughout()
        assert not watches[busy.pid].idle_throughout()
        monkeypatch.setattr(sw, "STALL_AFTER_S", 60.0)  # only the stop itself can tell now
        os.kill(busy.pid, signal.SIGSTOP)
        watch = sw.ProcessWatch(busy.pid)
        end = time.monotonic() + 5.0  # (the signal is delivered asynchronously)
        while not watch.stuck():  # stopped: stuck at once, without waiting out a stall
            assert time.monotonic() < end, "a stopped process is not seen as stuck"
            time.sleep(0.01)
    finally:
        for p in (asleep, busy):
            p.kill()
            p.wait()
