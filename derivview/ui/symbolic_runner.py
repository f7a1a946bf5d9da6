"""f from the text at once, its printed formulas in the background.

Every number comes from derivview's own tree: on a new text the runner parses and
compiles it right here, on the GUI thread (bounded by the parser's limits: about a
millisecond for typical input, a few for the longest), and hands the function (or the
error) to the session at once — the curves and the readout's numbers never wait. Only
the *printed* f′ and f″ need sympy: they are printed by the symbolic worker *process*
(never sympy in this process) under its ~2 s budget, from one background thread that only
waits for it. Newer requests supersede older ones; a request that has run longer than
``cancel_after`` when a newer one arrives is cancelled (the worker process is killed and
restarted). Formulas come back to the GUI thread through a queued Qt signal and go to
the session, which drops those printed for a text that is no longer current.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from derivview.model.errors import (
    ComplexityError,
    ComputeError,
    EngineStarting,
    EngineStopped,
    ExpressionError,
)
from derivview.model.session import Session

if TYPE_CHECKING:
    from derivview.model.formulas import Formulas
    from derivview.model.symbolic_worker import SymbolicWorker

__all__ = ["CANCEL_AFTER_S", "ComputeError", "SymbolicRunner"]

CANCEL_AFTER_S = 0.3
CACHE_SIZE = 64


def _lasting(formulas: object) -> bool:
    """Whether ``formulas`` hold for their text (printed, or too complex to print) —
    not a note about the engine (stopped, still starting), which the next request may
    not repeat."""
    from derivview.model.formulas import TOO_COMPLEX

    note = getattr(formulas, "note", "")
    return note in ("", TOO_COMPLEX)


def _starting(formulas: object) -> bool:
    """Whether ``formulas`` only say the engine is still starting (more to come)."""
    from derivview.model.symbolic_worker import STILL_STARTING

    return str(getattr(formulas, "note", "")).startswith(STILL_STARTING)


class _TrackedWorker:
    """The worker, noting when a request is in its process.

    Only then is cancelling useful: killing an idle process would only make the next
    request wait for a restart.
    """

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self.busy = threading.Event()
        self.starting = threading.Event()

    def wait_ready(self) -> None:
        """Wait for the process to start (not "busy": a newer text must not restart it,
        only closing the window stops the wait)."""
        self.starting.set()
        try:
            self.worker.wait_ready()
        finally:
            self.starting.clear()

    def run(self, job: str, payload: Any = None, timeout: float | None = None) -> Any:
        self.busy.set()
        try:
            return self.worker.run(job, payload, timeout)
        finally:
            self.busy.clear()


class SymbolicRunner(QObject):
    """Installs f for the session's text at once, and its printed formulas when ready.

    Signals
    -------
    formulasReady(int, str, object)
        (serial, text, Formulas); emitted from the background thread and delivered
        queued on the GUI thread.
    warmedUp()
        The worker process has started and printed once (sympy imported there).
    """

    formulasReady = Signal(int, str, object)
    warmedUp = Signal()

    def __init__(
        self,
        session: Session,
        parent: QObject | None = None,
        *,
        cancel_after: float = CANCEL_AFTER_S,
        warm_up: bool = True,
        worker: SymbolicWorker | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.cancel_after = cancel_after
        self.cache_enabled = True
        self._want_warm_up = warm_up
        self.warmed = False
        self._cond = threading.Condition()
        self._pending: tuple[int, str, Any] | None = None
        self._running: tuple[int, str, float] | None = None
        self._serial = 0
        self._closing = False
        self._started = False
        self._thread: threading.Thread | None = None
        self._worker: SymbolicWorker | None = None
        self._tracked: _TrackedWorker | None = None
        #: A worker passed in is shared (tests); the runner closes only one it started.
        self._given_worker = worker
        self._cache: OrderedDict[str, Formulas] = OrderedDict()

        self.formulasReady.connect(self._on_formulas, Qt.ConnectionType.QueuedConnection)

    # -- public -------------------------------------------------------------------------

    def start(self, now: bool = False) -> None:
        """Compute the session's current text, then start the background thread.

        Called once the window has painted: the first curve is drawn right after the first
        paint; the thread then starts the worker process (which imports sympy there).
        ``now``: compute it before returning (the window's launch, whose first frame
        after the first paint is then the first curve's), else in the next turn of the
        event loop.
        """
        if self._started or self._closing:
            return
        self._started = True
        # Subscribed last, now that every view has: a view sees the new text (and clears
        # what it showed for the old one) before the function or error for it arrives.
        self.session.text_changed.connect(self._on_text_changed)
        # The first function, and only then the worker process: booting it (a new Python
        # importing sympy) would compete for the CPU with the first curve.
        if now:
            self._first()
        else:  # whatever the caller's turn of the event loop queued goes first
            QTimer.singleShot(0, self._first)

    def _first(self) -> None:
        if self._closing:
            return
        f = self.session.function
        if f is None or f.expression.text != self.session.text:
            self.request(self.session.text)
        self._thread = threading.Thread(target=self._loop, name="derivview-symbolic", daemon=True)
        self._thread.start()

    def request(self, text: str) -> None:
        """Compute ``text``'s function now and have its formulas printed (superseding any
        older request)."""
        if self._closing or not self._started:
            return  # start() requests the then-current text
        self._serial += 1
        serial = self._serial
        from derivview.model.calculus import analyze  # numpy only, no sympy

        try:
            function = analyze(text)
        except ExpressionError as exc:
            self._supersede()
            self.session.apply_error(text, exc)
            self.session.set_busy(False)
            return
        except Exception as exc:  # never a traceback for anything typed
            self._supersede()
            self.session.apply_error(text, ComputeError(f"could not compute this: {exc}"))
            self.session.set_busy(False)
            return
        from derivview.model.formulas import constant_formulas

        cached = self._cache.get(text) if self.cache_enabled else None
        if cached is None:
            cached = constant_formulas(function.expression)  # 0 and 0: no engine needed
        self.session.apply_function(text, function)
        if cached is not None:
            if text in self._cache:
                self._cache.move_to_end(text)
            self._supersede()
            self.session.apply_formulas(text, cached)
            self.session.set_busy(False)
            return
        self.session.set_busy(True)
        with self._cond:
            self._pending = (serial, text, function.expression)
            running = self._running
            if running is not None and time.monotonic() - running[2] > self.cancel_after:
                self._cancel_worker()
            self._cond.notify_all()

    def is_running(self) -> bool:
        """Whether formulas are being printed (or waiting to be) right now."""
        with self._cond:
            return self._running is not None or self._pending is not None

    def clear_cache(self) -> None:
        """Forget printed formulas (benchmarks measure the full pipeline)."""
        self._cache.clear()

    def close(self, timeout: float = 3.0) -> None:
        """Stop the thread and the worker process (no orphan processes)."""
        if self._closing:
            return
        with self._cond:
            self._closing = True
            self._pending = None
            self._cancel_worker(closing=True)
            self._cond.notify_all()
        with contextlib.suppress(Exception):
            self.session.text_changed.disconnect(self._on_text_changed)
        if self._thread is not None:
            self._thread.join(timeout)
        self._release_worker()  # the thread normally does it; this is the fallback

    # -- GUI thread -----------------------------------------------------------------------

    def _supersede(self) -> None:
        with self._cond:
            self._pending = None  # nothing to print for the text now current

    def _on_text_changed(self, text: str) -> None:
        self.request(text)

    def _on_formulas(self, serial: int, text: str, formulas: object) -> None:
        if self._closing:
            return
        if self.cache_enabled and _lasting(formulas):
            self._remember(text, formulas)  # type: ignore[arg-type]
        self.session.apply_formulas(text, formulas)  # type: ignore[arg-type]
        if serial == self._serial and text == self.session.text and not _starting(formulas):
            self.session.set_busy(False)  # (still starting: the formulas are still to come)

    def _remember(self, text: str, value: Formulas) -> None:
        self._cache[text] = value
        self._cache.move_to_end(text)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # -- background thread ----------------------------------------------------------------

    def _cancel_worker(self, closing: bool = False) -> None:
        # Called with the condition held; cancel() kills the worker's process.
        worker, tracked = self._worker, self._tracked
        if worker is None or tracked is None:
            return
        if tracked.busy.is_set() or (closing and tracked.starting.is_set()):
            with contextlib.suppress(Exception):
                worker.cancel()

    def _loop(self) -> None:
        try:
            from derivview.model.symbolic_worker import SymbolicWorker

            worker = self._given_worker or SymbolicWorker()
            worker.start()  # boots (and imports sympy) in its own process
            tracked = _TrackedWorker(worker)
            with self._cond:
                self._worker, self._tracked = worker, tracked
                if self._closing:
                    return
            while True:
                with self._cond:
                    while self._pending is None and not self._closing:
                        if self._want_warm_up and not self.warmed:
                            break
                        self._cond.wait()
                    if self._closing:
                        break
                    job = self._pending
                    self._pending = None
                    if job is not None:
                        self._running = (job[0], job[1], time.monotonic())
                if job is None:
                    self._warm_up(tracked)
                    continue
                serial, text, expression = job
                self._print(tracked, serial, text, expression)
                with self._cond:
                    self._running = None
                    if self._closing:
                        break
        except Exception as exc:  # the GUI must learn about it, not a dead thread
            from derivview.model.formulas import Formulas

            with contextlib.suppress(Exception):
                f = self.session.function
                if f is not None:
                    self.formulasReady.emit(
                        self._serial, f.expression.text,
                        Formulas(f.f_text, None, None, f"cannot print: {exc}"),
                    )  # fmt: skip
        finally:
            self._release_worker()

    def _superseded(self, serial: int) -> bool:
        with self._cond:
            return self._closing or (self._pending is not None and self._pending[0] > serial)

    def _print(self, worker: _TrackedWorker, serial: int, text: str, expression: Any) -> None:
        """Print f′ and f″ in the worker, then (within its own budget) simplify them."""
        from dataclasses import replace

        from derivview.model.expr.printer import to_text
        from derivview.model.formulas import (
            SIMPLIFY_MAX_CHARS,
            SIMPLIFY_TIMEOUT,
            TOO_COMPLEX,
            Formulas,
        )
        from derivview.model.symbolic_worker import DIED

        f = to_text(expression.tree)
        try:
            try:
                df, d2f = worker.run("formulas", expression)
            except EngineStopped as exc:
                if str(exc) != DIED or self._superseded(serial):
                    raise
                # Found dead (killed while idle: the job may have reached it in the
                # moment before its death was seen); a new one has started: ask once
                # more. A job that kills the engine itself dies again and is said.
                df, d2f = worker.run("formulas", expression)
            formulas = Formulas(f, df, d2f, "" if (df and d2f) else TOO_COMPLEX)
        except EngineStarting as exc:  # a slow start: say so, and ask again once it is up
            if self._superseded(serial):
                return
            self.formulasReady.emit(serial, text, Formulas(f, None, None, f"{exc}…"))
            with contextlib.suppress(Exception):  # stuck: it is restarted; asked again below
                worker.wait_ready()
            with self._cond:
                if self._pending is None and not self._closing:
                    self._pending = (serial, text, expression)
            return
        except EngineStopped as exc:  # stuck or died, and restarted: not the expression
            if self._superseded(serial):
                return
            formulas = Formulas(f, None, None, str(exc))
        except ComplexityError:  # over budget, cancelled, or sympy cannot take it
            if self._superseded(serial):
                return
            formulas = Formulas(f, None, None, TOO_COMPLEX)
        except Exception as exc:
            formulas = Formulas(f, None, None, f"cannot print: {exc}")
        self.formulasReady.emit(serial, text, formulas)
        texts = [t for t in (formulas.df, formulas.d2f) if t]
        if not texts or max(len(t) for t in texts) > SIMPLIFY_MAX_CHARS:
            return
        if self._superseded(serial):
            return
        try:
            better = worker.run(
                "simplify", (expression.variables, formulas.df, formulas.d2f), SIMPLIFY_TIMEOUT
            )
        except Exception:  # over its budget: the unsimplified derivatives stand
            return
        df2, d2f2 = better[0] or formulas.df, better[1] or formulas.d2f
        if (df2, d2f2) != (formulas.df, formulas.d2f):
            self.formulasReady.emit(
                serial, text, replace(formulas, df=df2, d2f=d2f2, simplified=True)
            )

    def _release_worker(self) -> None:
        with self._cond:
            worker, self._worker = self._worker, None
        if worker is not None and worker is not self._given_worker:
            with contextlib.suppress(Exception):
                worker.close()

    def _warm_up(self, worker: _TrackedWorker) -> None:
        """Import and exercise sympy once in the worker process."""
        with contextlib.suppress(Exception):  # an optimisation; a failure is not an error
            worker.run("warm", None, 30.0)
        self.warmed = True
        self.warmedUp.emit()
