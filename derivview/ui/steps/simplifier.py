"""sympy simplifies the derivation's results in the background, step by step.

Each step's result is what its rule gives (:mod:`derivview.model.labs.steps`), shown at
once. sympy may find a shorter form that agrees with it wherever both are defined (the
worker's ``simplify`` job); it runs in the symbolic worker *process* — never in the GUI's
process — one step at a time under :data:`STEP_BUDGET_S`, from a thread that only waits
for it. A request for a new function supersedes the old one (results for a function no
longer shown are dropped by the panel); a step over its budget keeps its unsimplified
result, which is still correct.

The worker is the process-wide one of :func:`derivview.model.symbolic_worker.default_worker`
(started on the first request, i.e. when the derivation is first looked at), or one passed in.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

__all__ = ["MAX_CHARS", "STEP_BUDGET_S", "Simplifier"]

STEP_BUDGET_S = 1.0
"""Seconds sympy may take to simplify one step's result."""
MAX_CHARS = 300
"""Longer results are not offered (sympy rarely finishes them within the budget)."""


def _default_worker() -> Any:
    from derivview.model.symbolic_worker import default_worker

    return default_worker()


class Simplifier(QObject):
    """Simplifies texts of a derivation in the worker, one at a time.

    Signals
    -------
    simplified(str, int, str, str)
        (key, index, text, simplified text) — the simplified text is empty where sympy
        found nothing shorter (or ran out of time); delivered on the GUI thread.
    """

    simplified = Signal(str, int, str, str)
    _delivered = Signal(str, int, str, str)

    def __init__(
        self,
        parent: QObject | None = None,
        worker: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self._worker_factory = worker or _default_worker
        self._cond = threading.Condition()
        self._job: tuple[str, list[tuple[int, str]]] | None = None
        self._key: str | None = None
        self._closing = False
        self._thread: threading.Thread | None = None
        self._delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)

    def request(self, key: str, texts: list[tuple[int, str]]) -> None:
        """Simplify ``(index, text)`` pairs for ``key`` (supersedes any earlier request)."""
        offered = [(i, t) for i, t in texts if 3 < len(t) <= MAX_CHARS]
        with self._cond:
            if self._closing:
                return
            self._key = key
            self._job = (key, offered) if offered else None
            self._cond.notify_all()
        if offered and self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="derivview-steps-simplify", daemon=True
            )
            self._thread.start()

    def cancel(self) -> None:
        """Drop what is waiting (what runs now finishes; its result is dropped)."""
        with self._cond:
            self._job = None
            self._key = None

    def close(self) -> None:
        """Stop the thread (the worker process is shared: it is not closed here)."""
        with self._cond:
            self._closing = True
            self._job = None
            self._cond.notify_all()

    # -- background thread ---------------------------------------------------------------

    def _current(self, key: str) -> bool:
        with self._cond:
            return not self._closing and self._key == key

    def _loop(self) -> None:
        worker = None
        while True:
            with self._cond:
                while self._job is None and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                key, items = self._job  # type: ignore[misc]
                self._job = None
            try:
                worker = worker or self._worker_factory()
            except Exception:
                return  # no worker: the unsimplified results stand
            for index, text in items:
                if not self._current(key):
                    break
                try:
                    (better,) = worker.run("simplify", (("x",), text), STEP_BUDGET_S)
                except Exception:  # over budget, cancelled, or sympy cannot take it
                    better = None
                if not better or better == text:
                    better = ""
                with contextlib.suppress(RuntimeError):  # the panel is gone
                    self._delivered.emit(key, index, text, better)

    def _on_delivered(self, key: str, index: int, text: str, better: str) -> None:
        if self._key == key:
            self.simplified.emit(key, index, text, better)
