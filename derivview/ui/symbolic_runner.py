"""Symbolic work off the GUI thread: parse, differentiate (in a worker process), compile.

sympy holds the GIL and a thread cannot be stopped, so the unbounded part (differentiating)
runs in :class:`~derivview.model.calculus.SymbolicWorker`'s process with a ~2 s budget, and
this module's one background thread only waits for it and compiles the result. Newer
requests supersede older ones; a request that has run longer than ``cancel_after`` when a
newer one arrives is cancelled (the worker process is killed and restarted). Results come
back to the GUI thread through a queued Qt signal and go to the session, which drops those
computed for a text that is no longer current.

Nothing here imports sympy on the GUI thread: the model's sympy modules are imported in the
background thread, after the window has painted (see :meth:`SymbolicRunner.start`).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal

from derivview.model.session import DEFAULT_EXPRESSION, DEFAULT_PARAM_VALUE, Session
from derivview.ui.expression_editor import load_presets

if TYPE_CHECKING:
    from derivview.model.calculus import CompiledFunction, SymbolicWorker

#: An expression that exercises the parser, the printers and lambdify once at start-up.
WARM_UP_EXPRESSION = "a sin(x)^2 + e^(-x/2) sqrt(x^2 + 1) - ln(1 + x^2)/x + |x|"
CANCEL_AFTER_S = 0.3
CACHE_SIZE = 64


class ComputeError(Exception):
    """Anything unexpected while computing f′ and f″, said in one sentence."""


class _TrackedWorker:
    """The worker as ``calculus.analyze`` sees it, noting when a request is in its process.

    Only then is cancelling useful: killing an idle process (while this thread parses,
    compiles or prepares) would only make the next request wait for a restart.
    """

    def __init__(self, worker: Any) -> None:
        self.worker = worker
        self.busy = threading.Event()

    def start(self) -> None:
        self.worker.start()

    def differentiate(self, expression: Any, timeout: float | None = None) -> Any:
        self.busy.set()
        try:
            return self.worker.differentiate(expression, timeout)
        finally:
            self.busy.clear()


class SymbolicRunner(QObject):
    """Computes ``calculus.analyze(text, worker)`` for the session's text in the background.

    Signals
    -------
    resultReady(int, str, object, object, object)
        (serial, text, CompiledFunction or None, error or None, special points or None);
        emitted from the background thread and delivered queued on the GUI thread.
    warmedUp()
        The pipeline was warmed (imports done, one expression analysed in both processes).
    """

    resultReady = Signal(int, str, object, object, object)
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
        self._pending: tuple[int, str] | None = None
        self._running: tuple[int, str, float] | None = None
        self._serial = 0
        self._closing = False
        self._started = False
        self._thread: threading.Thread | None = None
        self._worker: SymbolicWorker | None = None
        self._tracked: _TrackedWorker | None = None
        #: A worker passed in is shared (tests); the runner closes only one it started.
        self._given_worker = worker
        self._cache: OrderedDict[str, Any] = OrderedDict()
        self._first_done = False
        self._trusted = {DEFAULT_EXPRESSION, *(p.expr for p in load_presets())}

        self.resultReady.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        session.text_changed.connect(self._on_text_changed)

    # -- public -------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread and compute the session's current text.

        Called once the window has painted: the thread imports sympy, starts the worker
        process, computes the current text, then warms the pipeline once.
        """
        if self._started or self._closing:
            return
        self._started = True
        self.request(self.session.text)  # pending before the thread looks for work
        self._thread = threading.Thread(target=self._loop, name="derivview-symbolic", daemon=True)
        self._thread.start()

    def request(self, text: str) -> None:
        """Compute ``text`` (superseding any older request)."""
        if self._closing:
            return
        self._serial += 1
        serial = self._serial
        self.session.set_busy(True)
        cached = self._cache.get(text) if self.cache_enabled else None
        if cached is not None:
            self._cache.move_to_end(text)
            function, error = cached
            with self._cond:
                self._pending = None  # a cached answer supersedes what was waiting
            self.resultReady.emit(serial, text, function, error, None)
            return
        if not self._started:
            return  # start() requests the then-current text
        with self._cond:
            self._pending = (serial, text)
            running = self._running
            if running is not None and time.monotonic() - running[2] > self.cancel_after:
                self._cancel_worker()
            self._cond.notify_all()

    def is_running(self) -> bool:
        """Whether a request is being computed right now."""
        with self._cond:
            return self._running is not None or self._pending is not None

    def clear_cache(self) -> None:
        """Forget cached results (benchmarks measure the full pipeline)."""
        self._cache.clear()

    def close(self, timeout: float = 3.0) -> None:
        """Stop the thread and the worker process (no orphan processes)."""
        if self._closing:
            return
        with self._cond:
            self._closing = True
            self._pending = None
            self._cancel_worker()
            self._cond.notify_all()
        with contextlib.suppress(Exception):
            self.session.text_changed.disconnect(self._on_text_changed)
        if self._thread is not None:
            self._thread.join(timeout)
        self._release_worker()  # the thread normally does it; this is the fallback

    # -- GUI thread -----------------------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        self.request(text)

    def _on_result(
        self, serial: int, text: str, function: object, error: object, special: object
    ) -> None:
        if self._closing:
            return
        if serial != self._serial:
            return  # a newer request exists; its result will come
        if function is not None:
            if self.cache_enabled:
                self._remember(text, (function, None))
            self.session.apply_function(text, function, special)  # type: ignore[arg-type]
        elif isinstance(error, BaseException):
            if self.cache_enabled and type(error).__name__ == "ExpressionError":
                self._remember(text, (None, error))
            self.session.apply_error(text, error)  # type: ignore[arg-type]
        if text == self.session.text:
            self.session.set_busy(False)

    def _remember(self, text: str, value: tuple[object, object]) -> None:
        self._cache[text] = value
        self._cache.move_to_end(text)
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)

    # -- background thread ----------------------------------------------------------------

    def _cancel_worker(self) -> None:
        # Called with the condition held; cancel() kills the worker's process.
        worker, tracked = self._worker, self._tracked
        if worker is not None and tracked is not None and tracked.busy.is_set():
            with contextlib.suppress(Exception):
                worker.cancel()

    def _loop(self) -> None:
        try:
            # The worker process boots while this thread imports sympy (never the GUI).
            from derivview.model.symbolic_worker import SymbolicWorker

            worker = self._given_worker or SymbolicWorker()
            with self._cond:
                first = self._pending
            if first is None or first[1] not in self._trusted:
                worker.start()  # boots while sympy imports here; otherwise after the
                # first (in-process) plot, so that the two do not compete for the CPU
            from derivview.model import calculus
            from derivview.model.expression import ExpressionError

            expected = (ExpressionError, calculus.ComplexityError)
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
                    self._warm_up(calculus, worker)
                    continue
                serial, text = job
                function, error = self._analyze(calculus, tracked, text, expected)
                special = self._prepare(function) if function is not None else None
                with self._cond:
                    self._running = None
                    if self._closing:
                        break
                self.resultReady.emit(serial, text, function, error, special)
        except Exception as exc:  # the GUI must learn about it, not a dead thread
            self.resultReady.emit(
                self._serial,
                self.session.text,
                None,
                ComputeError(f"could not start: {exc}"),
                None,
            )
        finally:
            self._release_worker()

    def _release_worker(self) -> None:
        with self._cond:
            worker, self._worker = self._worker, None
        if worker is not None and worker is not self._given_worker:
            with contextlib.suppress(Exception):
                worker.close()

    def _analyze(
        self, calculus: Any, worker: Any, text: str, expected: tuple[type[Exception], ...]
    ) -> tuple[Any, Any]:
        try:
            if not self._first_done and text in self._trusted:
                # The first plot must not wait ~1 s for the worker process to boot: a
                # known small expression (the default, a preset) is bounded work, done
                # here while the worker boots.
                from derivview.model.expression import parse

                return calculus.compile(calculus.differentiate(parse(text))), None
            return calculus.analyze(text, worker), None
        except expected as exc:
            return None, exc
        except RecursionError:
            return None, calculus.ComplexityError("too deeply nested to differentiate")
        except Exception as exc:
            return None, ComputeError(f"could not differentiate this: {exc}")
        finally:
            self._first_done = True

    def _prepare(self, function: Any) -> object:
        """Do the function's lazy sympy work here rather than on the GUI thread.

        CompiledFunction prints its formulas and compiles its kink/magnitude helpers on
        first use; that holds the GIL (tens of ms for bigger expressions). The special
        points for the current view are computed here too and handed to the session.
        """
        try:
            _ = (function.f_text, function.df_text, function.d2f_text)
            x_range = self.session.x_range
            params = self.session.params
            values = {
                p: params[p].value if p in params else DEFAULT_PARAM_VALUE
                for p in function.parameters
            }
        except Exception:  # the GUI changed something meanwhile: it computes them itself
            return None
        try:
            function.point(self.session.x0, values)
            return (x_range, values, function.special_points(*x_range, values))
        except Exception:
            return None

    def _warm_up(self, calculus: Any, worker: Any) -> None:
        """Import, parse, differentiate and lambdify once in both processes."""
        try:
            fn: CompiledFunction = calculus.analyze(WARM_UP_EXPRESSION, worker)
            fn.point(0.5, {"a": 1.0})
            fn.special_points(-4.0, 4.0, {"a": 1.0})
        except Exception:  # warming is an optimisation; a failure here is not an error
            pass
        self.warmed = True
        self.warmedUp.emit()
