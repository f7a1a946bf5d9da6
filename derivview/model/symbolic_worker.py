"""A persistent worker *process* that runs named symbolic jobs within a time budget.

Symbolic work (printing f′ and f″ with sympy, simplifying them) has no useful upper
bound on its cost: ``(x+1)(x+2)…(x+30)`` takes seconds for f″, and a C-level big-integer
operation holds the GIL, so a thread can neither be stopped nor keep a window responsive.
The work therefore runs in a separate process (spawn context: no forked locks or Qt
state) that is killed when it overruns its budget, and a new one started at once (after
a :meth:`~SymbolicWorker.cancel`, on the next request). No number ever waits for it:
numbers come from derivview's own tree.

A request waits at most its budget for a (re)started process to be up, and then gives
the job its whole budget: a slow start never makes a job "too complex". While it
waits, the parent watches the process: one that is stopped (SIGSTOP, a debugger) or has
slept, using no CPU, for :data:`STALL_AFTER_S` is stuck — it is killed and a new one
started, and the request fails with :class:`EngineStopped` ("the symbolic engine stopped
responding; restarted"), never with "too complex", which is kept for a process that
worked on the job for its whole budget. A process still starting when the budget ends
(a slow machine) is left to finish: :class:`EngineStarting`.

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
import sys
import threading
import time
import weakref
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from derivview.model.errors import (
    Cancelled,
    ComplexityError,
    EngineStarting,
    EngineStopped,
    UnsupportedExpression,
)

if TYPE_CHECKING:
    from multiprocessing.process import BaseProcess

__all__ = [
    "DEFAULT_TIMEOUT",
    "Cancelled",
    "ComplexityError",
    "EngineStarting",
    "EngineStopped",
    "SymbolicWorker",
    "UnsupportedExpression",
    "default_worker",
]

DEFAULT_TIMEOUT = 2.0
"""Seconds a job may take (and a request may wait for the process to start first)."""

STALL_AFTER_S = 2.0
"""A process asleep, using no CPU, for this long while it should be working is stuck
(and, at the end of a budget, one that used no CPU time at all for the job)."""

STARTUP_LIMIT_S = 30.0
"""A process still starting after this long is stuck, whatever it seems to be doing."""

STARTUP_WAIT_S = 10.0
"""The longest a command (``derivview info``) waits for the engine to start before its
job's budget begins: a person runs a command once and waits for its answer, while a
process start on a loaded machine takes seconds. The window never waits for it (it
starts the engine at its first paint and says "still starting" meanwhile)."""

POLL_S = 0.05
"""How often the process is looked at while a request waits."""

STOPPED_RESPONDING = "the symbolic engine stopped responding; restarted"
DIED = "the symbolic engine stopped unexpectedly; restarted"
STILL_STARTING = "the symbolic engine is still starting"


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


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """The process's state letter and CPU time in clock ticks (Linux), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    # "pid (comm) state ... utime stime ...": comm may hold spaces and parentheses.
    fields = raw[raw.rfind(b")") + 2 :].split()
    try:
        return fields[0].decode("ascii"), int(fields[11]) + int(fields[12])
    except (IndexError, ValueError, UnicodeDecodeError):
        return None


class ProcessWatch:
    """Whether the process ``pid``, which should be working, is stuck (stopped, or asleep
    using no CPU): :meth:`stuck` while waiting, :meth:`idle_throughout` at the end.

    Linux only (``/proc``); elsewhere nothing is ever judged stuck here, and only the
    budget and :data:`STARTUP_LIMIT_S` bound the wait.
    """

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        stat = _proc_stat(pid) if pid is not None and sys.platform.startswith("linux") else None
        self.known = stat is not None
        self.cpu = stat[1] if stat else 0
        self.since = time.monotonic()
        #: Whether it was ever seen working since (CPU time, running or waiting for the CPU
        #: or the disk): at the end of a budget, a process that never was is stuck
        #: (deadlocked, say), not busy with a job too complex to finish.
        self.active = False

    def stuck(self) -> bool:
        """Stopped now, or asleep without CPU time for :data:`STALL_AFTER_S`."""
        if not self.known or self.pid is None:
            return False
        stat = _proc_stat(self.pid)
        if stat is None:
            return False  # gone: the pipe says so
        state, cpu = stat
        if state in ("T", "t"):  # stopped (SIGSTOP) or traced
            return True
        now = time.monotonic()
        # Running, waiting for the CPU (R) or for the disk (D) is working; a loaded
        # machine may give it no CPU time for a while. Asleep with no CPU time is not.
        if cpu != self.cpu or state in ("R", "D"):
            self.active = True
            self.cpu, self.since = cpu, now
            return False
        return now - self.since >= STALL_AFTER_S

    def idle_throughout(self) -> bool:
        """Whether it was never seen working since the watch began (Linux only)."""
        if not self.known or self.stuck():  # (stuck() also brings ``active`` up to date)
            return self.known
        return not self.active


#: What a wait ended with (besides a message from the process).
_TIMEOUT, _STUCK, _DEAD = "timeout", "stuck", "dead"


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
        self._started_at = 0.0  # when the running process was started (monotonic)
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
        self._started_at = time.monotonic()
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
            # Only a ready process reads "stop"; one still starting is simply killed.
            if conn is not None and process is not None and self._ready and process.is_alive():
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

        Blocking: at most ``timeout`` seconds (default :attr:`timeout`) for a (re)started
        process to be up, then at most ``timeout`` seconds for the job. Raises
        :class:`ComplexityError` when the job used its whole budget (the process is killed
        and a new one started),
        :class:`EngineStopped` when the process stopped responding or died (likewise),
        :class:`EngineStarting` when it was still starting (it goes on), and
        :class:`Cancelled` on :meth:`cancel`. A job's own errors of the
        :mod:`derivview.model.errors` types come back as themselves.
        """
        return self._request(job, payload, timeout, job)

    def _request(self, op: str, payload: Any, timeout: float | None, what: str) -> Any:
        budget = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + budget
        with self._request_lock:
            with self._state_lock:
                self._cancelled = False
                conn = self._ensure_started_locked()
                ready = self._ready
                progress = ProcessWatch(self.pid)
            if not ready:
                self._wait_ready(conn, deadline, progress)
                # Up within the budget: the job's own budget starts now. A start that took
                # most of it must not make the job "too complex" (kept for a job that had
                # its whole budget); and the job is watched from now on.
                deadline = time.monotonic() + budget
                progress = ProcessWatch(progress.pid)
            try:
                conn.send((op, payload))
            except (OSError, ValueError):
                reply: Any = _DEAD  # killed by cancel(), or died
            else:
                reply = self._wait(conn, deadline, progress)
            if reply == _TIMEOUT and budget >= STALL_AFTER_S and progress.idle_throughout():
                reply = _STUCK  # no CPU time for the whole budget: not the job's fault
            if isinstance(reply, str):
                self._failed(reply, f"too complex ({what} did not finish within {budget:g} s)")
        if reply[0] == "ok":
            return reply[1]
        raise reply[1]

    def wait_ready(self, timeout: float = STARTUP_WAIT_S) -> None:
        """Start the process if needed and wait, at most ``timeout`` s, until it is ready.

        Raises :class:`EngineStopped` when it got stuck or died (a new one is started),
        :class:`EngineStarting` when it is still starting at the end (it goes on).
        """
        deadline = time.monotonic() + timeout
        with self._request_lock:
            with self._state_lock:
                self._cancelled = False
                conn = self._ensure_started_locked()
                if self._ready:
                    return
                progress = ProcessWatch(self.pid)
            self._wait_ready(conn, deadline, progress)

    def _wait(self, conn: Connection, deadline: float, progress: ProcessWatch) -> Any:
        """The process's next message, or why there is none (_TIMEOUT, _STUCK, _DEAD)."""
        while True:
            remaining = deadline - time.monotonic()
            try:  # looked at even when no time is left: an answer waiting is an answer
                if conn.poll(max(0.0, min(remaining, POLL_S))):
                    return conn.recv()
            except (EOFError, OSError, ValueError):
                return _DEAD
            if remaining <= 0:
                return _TIMEOUT
            if progress.stuck():
                return _STUCK

    def _wait_ready(self, conn: Connection, deadline: float, progress: ProcessWatch) -> None:
        """Wait, within the request's budget, for a (re)started process to be ready."""
        reply = self._wait(conn, deadline, progress)
        if isinstance(reply, tuple) and reply[:1] == ("ready",):
            with self._state_lock:
                self._ready = True
            return
        if reply == _TIMEOUT:
            with self._state_lock:
                starting_for = time.monotonic() - self._started_at
            if starting_for < STARTUP_LIMIT_S:
                raise EngineStarting(STILL_STARTING)  # a slow start: it goes on
            reply = _STUCK
        self._failed(reply if isinstance(reply, str) else _DEAD, STILL_STARTING)

    def _failed(self, why: str, too_complex: str) -> None:
        """Kill the process (a new one starts at once, except after cancel) and raise."""
        with self._state_lock:
            cancelled = self._cancelled
            self._reap_locked()
            if not cancelled and not self._closed:
                self._ensure_started_locked()  # ready sooner for the next request
        if cancelled:
            raise Cancelled("cancelled")
        if why == _STUCK:
            raise EngineStopped(STOPPED_RESPONDING)
        if why == _DEAD:
            raise EngineStopped(DIED)
        raise ComplexityError(too_complex)

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
