"""A persistent worker *process* that runs named symbolic jobs within a time budget.

Symbolic work (printing f′ and f″ with sympy, simplifying them) has no useful upper
bound on its cost: ``(x+1)(x+2)…(x+30)`` takes seconds for f″, and a C-level big-integer
operation holds the GIL, so a thread can neither be stopped nor keep a window responsive.
The work therefore runs in a separate process (spawn context: no forked locks or Qt
state) that is killed when it overruns its budget and restarted lazily on the next
request. No number ever waits for it: numbers come from derivview's own tree.

The worker is generic: :meth:`SymbolicWorker.run` sends a job's *name* and a payload
(pickled); the child looks the name up in :data:`derivview.model.symbolic_jobs.JOBS`
(imported only in the child, with sympy) and sends the result back. Errors of the
:mod:`derivview.model.errors` types come back as themselves; anything else as a
RuntimeError naming it.
"""

from __future__ import annotations

import atexit
import contextlib
import multiprocessing
import pickle
import threading
import weakref
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from derivview.model.errors import Cancelled, ComplexityError, UnsupportedExpression

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

__all__ = [
    "DEFAULT_TIMEOUT",
    "Cancelled",
    "ComplexityError",
    "SymbolicWorker",
    "UnsupportedExpression",
    "default_worker",
]

DEFAULT_TIMEOUT = 2.0
"""Seconds a request may take before the worker is killed."""

STARTUP_TIMEOUT = 60.0
"""Seconds the process may take to start and import sympy (not part of any budget)."""


def _serve(conn: Connection) -> None:
    """The worker's loop: answer requests until told to stop or the pipe closes."""
    try:
        # Import sympy before saying "ready": start-up is not charged to a request's budget.
        from derivview.model.symbolic_jobs import JOBS

        conn.send(("ready", None))
    except (OSError, ValueError, KeyboardInterrupt):
        return
    while True:
        try:
            op, payload = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if op == "stop":
            return
        try:
            job = JOBS.get(op)
            if job is None:
                raise ValueError(f"unknown job {op!r}")
            reply: tuple[Any, ...] = ("ok", job(payload))
        except BaseException as exc:  # report, never die on a bad request
            if isinstance(exc, KeyboardInterrupt):
                return
            reply = ("error", _portable(exc))
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


def _portable(exc: BaseException) -> BaseException:
    """The exception itself when it is one of ours (it pickles with its fields); else a
    RuntimeError naming it (RecursionError and MemoryError mean "too complex")."""
    if isinstance(exc, (RecursionError, MemoryError)):
        return ComplexityError("too complex for sympy")
    if isinstance(exc, ComplexityError):
        try:
            pickle.dumps(exc)
            return exc
        except Exception:
            return ComplexityError(str(exc))
    return RuntimeError(f"{type(exc).__name__}: {exc}")


_LIVE: weakref.WeakSet[SymbolicWorker] = weakref.WeakSet()


def _close_all() -> None:
    for worker in list(_LIVE):
        worker.close()


atexit.register(_close_all)


class SymbolicWorker:
    """A persistent worker process for symbolic jobs, with a time budget.

    Thread-safe: requests are serialized by a lock (the GUI calls from a background
    thread). :meth:`cancel` may be called from any other thread to abort the request in
    progress (it kills the process). The process starts on the first request (or
    :meth:`start`/:meth:`warm`) and restarts lazily after a kill. Use as a context
    manager, or call :meth:`close`; live workers are also closed at interpreter exit.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._request_lock = threading.Lock()  # one request at a time
        self._state_lock = threading.Lock()  # guards _process/_conn for cancel()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._cancelled = False
        self._closed = False
        self._ready = False  # the running process has imported sympy
        _LIVE.add(self)

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the process now (non-blocking: it boots while the caller works)."""
        with self._state_lock:
            self._ensure_started_locked()

    def _ensure_started_locked(self) -> Connection:
        if self._closed:
            raise RuntimeError("the symbolic worker is closed")
        if self._process is not None and self._process.is_alive() and self._conn is not None:
            return self._conn
        self._reap_locked()
        self._ready = False
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(
            target=_serve, args=(child,), name="derivview-symbolic", daemon=True
        )
        process.start()
        child.close()  # the child holds its own end; closing ours lets EOF propagate
        self._process, self._conn = process, parent
        return parent

    def _reap_locked(self) -> None:
        """Kill and join the process (no zombie), close the pipe."""
        process, conn = self._process, self._conn
        self._process, self._conn = None, None
        if conn is not None:
            conn.close()
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(timeout=5)
            process.close()

    @property
    def pid(self) -> int | None:
        """The worker process's id, or None when it is not running."""
        process = self._process
        return None if process is None else process.pid

    def is_alive(self) -> bool:
        """Whether the worker process is running."""
        process = self._process
        return process is not None and process.is_alive()

    def cancel(self) -> None:
        """Abort the request in progress (kills the process; the next request restarts it)."""
        with self._state_lock:
            if self._process is not None:
                self._cancelled = True
                self._process.kill()

    def close(self) -> None:
        """Stop the process (politely, then by force). The worker cannot be used after."""
        with self._state_lock:
            if self._closed:
                return
            self._closed = True
            conn, process = self._conn, self._process
            if conn is not None and process is not None and process.is_alive():
                try:
                    conn.send(("stop", None))
                    process.join(timeout=0.5)
                except (OSError, ValueError):
                    pass
            self._reap_locked()
        _LIVE.discard(self)

    def __enter__(self) -> SymbolicWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # best effort; atexit covers the rest
        with contextlib.suppress(Exception):
            self.close()

    # -- requests ----------------------------------------------------------------------
    def run(self, job: str, payload: Any = None, timeout: float | None = None) -> Any:
        """Run the job named ``job`` on ``payload`` in the worker; its result.

        Blocking; raises :class:`ComplexityError` when the budget (``timeout`` seconds,
        default :attr:`timeout`) is exceeded — the process is killed and restarted on the
        next request — and :class:`Cancelled` on :meth:`cancel`. A job's own errors of
        the :mod:`derivview.model.errors` types come back as themselves.
        """
        return self._request(job, payload, timeout, job)

    def _request(self, op: str, payload: Any, timeout: float | None, what: str) -> Any:
        budget = self.timeout if timeout is None else timeout
        with self._request_lock:
            with self._state_lock:
                self._cancelled = False
                conn = self._ensure_started_locked()
                ready = self._ready
            if not ready:
                self._wait_ready(conn)
            try:
                conn.send((op, payload))
                ready = conn.poll(budget)
                reply = conn.recv() if ready else None
            except (EOFError, OSError, BrokenPipeError):
                reply = None  # killed by cancel(), or died
            if reply is None:
                with self._state_lock:
                    cancelled = self._cancelled
                    self._reap_locked()  # restart lazily on the next request
                if cancelled:
                    raise Cancelled("cancelled")
                if ready:
                    raise ComplexityError(f"too complex ({what}): the symbolic worker stopped")
                raise ComplexityError(f"too complex ({what} did not finish within {budget:g} s)")
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def _wait_ready(self, conn: Connection) -> None:
        """Wait for a (re)started process to finish importing (outside any budget)."""
        try:
            reply = conn.recv() if conn.poll(STARTUP_TIMEOUT) else None
        except (EOFError, OSError):
            reply = None
        with self._state_lock:
            if reply is not None and reply[0] == "ready":
                self._ready = True
                return
            cancelled = self._cancelled
            self._reap_locked()
        if cancelled:
            raise Cancelled("cancelled")
        raise RuntimeError("the symbolic worker process did not start")

    def warm(self, timeout: float = 30.0) -> None:
        """Start the process, import sympy there and print once (first use is slow)."""
        self._request("warm", None, timeout, "warm-up")

    def clear_cache(self, timeout: float = 10.0) -> None:
        """Clear sympy's cache in the worker (benchmarks: every keystroke a fresh start)."""
        self._request("clear_cache", None, timeout, "clearing the cache")


_default: SymbolicWorker | None = None
_default_lock = threading.Lock()


def default_worker() -> SymbolicWorker:
    """The process-wide shared worker (created on first use, closed at exit)."""
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = SymbolicWorker()
        return _default
