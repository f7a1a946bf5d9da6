"""The budgeted worker process: answers, time-outs, restarts, cancel, no leftovers."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator

import pytest
import sympy as sp

from derivview.model.calculus import ComplexityError, X, analyze
from derivview.model.expression import Expression, parse
from derivview.model.symbolic_worker import Cancelled, SymbolicWorker


def _nested_sin(depth: int) -> Expression:
    # built directly: the parser's own nesting limit is not what is tested here
    e: sp.Expr = X
    for _ in range(depth):
        e = sp.sin(e)
    return Expression(f"sin nested {depth} deep", e, ())


def _gone(pid: int) -> bool:
    """The process no longer exists (not even as a zombie)."""
    if sys.platform != "linux":
        return True
    try:
        with open(f"/proc/{pid}/status") as fh:
            state = next(line for line in fh if line.startswith("State:"))
    except (FileNotFoundError, ProcessLookupError):
        return True
    return "Z" not in state.split()[1]


@pytest.fixture(scope="module")
def worker() -> Iterator[SymbolicWorker]:
    with SymbolicWorker() as w:
        w.warm()
        yield w


def test_differentiates(worker: SymbolicWorker) -> None:
    d = worker.differentiate(parse("x^3 - 3x"))
    assert d.df == 3 * X**2 - 3
    assert d.d2f == 6 * X
    assert d.expression.text == "x^3 - 3x"


def test_analyze_with_a_given_worker(worker: SymbolicWorker) -> None:
    fn = analyze("a x^2", worker)
    assert fn.parameters == ("a",)
    assert float(fn.df(3.0, {"a": 2.0})) == 12.0


def test_threads_share_a_worker(worker: SymbolicWorker) -> None:
    results: dict[int, sp.Expr] = {}

    def job(k: int) -> None:
        results[k] = worker.differentiate(parse(f"x^{k + 2}")).df

    threads = [threading.Thread(target=job, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: (k + 2) * X ** (k + 1) for k in range(6)}


def test_timeout_kills_and_the_next_request_restarts() -> None:
    with SymbolicWorker(timeout=1.0) as w:
        w.warm()
        first = w.pid
        assert first is not None
        with pytest.raises(ComplexityError, match="too complex"):
            w.differentiate(_nested_sin(60))
        assert not w.is_alive()
        assert _gone(first)
        d = w.differentiate(parse("sin(x)"))
        assert d.df == sp.cos(X)
        assert w.pid != first
        second = w.pid
    assert second is not None and _gone(second)


def test_thirty_factor_product_is_refused() -> None:
    product = sp.Mul(*[X + i for i in range(1, 31)])
    with SymbolicWorker(timeout=1.0) as w, pytest.raises(ComplexityError):
        w.differentiate(Expression("(x+1)(x+2)…(x+30)", product, ()))


def test_cancel_aborts_the_request_in_progress() -> None:
    with SymbolicWorker() as w:
        w.warm()
        pid = w.pid
        timer = threading.Timer(0.3, w.cancel)
        timer.start()
        with pytest.raises(Cancelled):
            w.differentiate(_nested_sin(60), timeout=30.0)
        timer.join()
        assert pid is not None and _gone(pid)
        assert w.differentiate(parse("x^2")).df == 2 * X


def test_close_leaves_no_process() -> None:
    w = SymbolicWorker()
    w.warm()
    pid = w.pid
    w.close()
    w.close()  # idempotent
    assert pid is not None and _gone(pid)
    with pytest.raises(RuntimeError):
        w.differentiate(parse("x"))


def test_errors_in_the_worker_are_reported_not_fatal(worker: SymbolicWorker) -> None:
    with pytest.raises(RuntimeError):
        worker._request("no such request", None, 5.0, "test")
    assert worker.differentiate(parse("x")).df == 1


def test_no_children_left_behind() -> None:
    import multiprocessing

    with SymbolicWorker(timeout=0.5) as w:
        with pytest.raises(ComplexityError):
            w.differentiate(_nested_sin(60))
        w.differentiate(parse("x"))
    alive = [p for p in multiprocessing.active_children() if p.name == "derivview-symbolic"]
    # only the module-scoped fixture's worker may still run
    assert len(alive) <= 1
    assert os.getpid() > 0


def test_tiny_expressions_skip_the_round_trip() -> None:
    from derivview.model.calculus import small_enough_in_process

    for text in ("x^2", "sin(x)", "relu(x)", "|x|", "1/x", "sigmoid(x)", "a x^2 + b"):
        assert small_enough_in_process(parse(text).expr), text
    # size does not bound sympy's time: max/min/floor, long chains, big powers go out
    for text in ("max(x, x^2)", "floor(x)", "x^100", "sin(sin(sin(sin(x))))",
                 "x^3 sin(x) e^(-x^2/4)", "".join(f"(x+{k})" for k in range(1, 9))):  # fmt: skip
        assert not small_enough_in_process(parse(text).expr), text


def test_analyze_sends_larger_expressions_to_the_worker() -> None:
    with SymbolicWorker() as w:
        fn = analyze("x^2", w)
        assert float(fn.df(3.0)) == 6.0
        fn = analyze("max(x, x^2) + sin(sin(sin(sin(x))))", w)
        assert w.is_alive()  # it did the work
        assert fn.point(1.0).kind == "corner"
