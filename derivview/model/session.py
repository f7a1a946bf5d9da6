"""The session: the one shared, Qt-free state that every view observes.

Data flows one way. A control writes an input here (``set_text``, ``set_x0``,
``set_param``, ...); the session validates and stores it, recomputes what depends on it,
and announces the change with a signal (model/signals.py); views redraw from what is announced.
Views never call each other.

Computing f (parse, compile the tree) and printing its formulas are *not* done here.
Whoever computes them (the GUI's runner, or the command line synchronously) hands the
results back with :meth:`Session.apply_function` / :meth:`Session.apply_error` and, later,
:meth:`Session.apply_formulas` (sympy prints f′ and f″ in a worker process), tagged with
the text they were computed for; results for a text that is no longer current are
dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal, SignalInstance
from derivview.model.state import core
from derivview.model.state.core import (  # re-exported: the session's defaults and rules
    DEFAULT_EXPRESSION,
    DEFAULT_PARAM_RANGE,
    DEFAULT_PARAM_VALUE,
    DEFAULT_SECANT_H,
    DEFAULT_VISIBLE,
    DEFAULT_X0,
    DEFAULT_X_RANGE,
    EXTRA_ITEMS,
    ITEMS,
    MAX_ABS_COORD,
    MIN_SPAN,
    ParamSpec,
)

if TYPE_CHECKING:  # imported lazily by whoever computes
    from derivview.model.calculus import CompiledFunction, PointInfo, SpecialPoints
    from derivview.model.descent.state import DescentState
    from derivview.model.formulas import Formulas

__all__ = [
    "DEFAULT_EXPRESSION",
    "DEFAULT_PARAM_RANGE",
    "DEFAULT_PARAM_VALUE",
    "DEFAULT_SECANT_H",
    "DEFAULT_VISIBLE",
    "DEFAULT_X0",
    "DEFAULT_X_RANGE",
    "EXTRA_ITEMS",
    "ITEMS",
    "MAX_ABS_COORD",
    "MIN_SPAN",
    "ParamSpec",
    "Session",
]


class Session:
    """What the person is looking at: f, x₀, the view, parameters, visible items.

    Signals
    -------
    text_changed(str)
        The expression text changed (as typed; not yet parsed).
    function_changed()
        A newly compiled function (for the current text) is in ``function``.
    error_changed(object)
        The error for the current text (``ExpressionError``, ``ComplexityError``) or None.
        The last good ``function`` is kept while the text is in error.
    busy_changed(bool)
        Symbolic work for the current text started (True) or ended (False).
    formulas_changed()
        ``formulas`` (f, f′, f″ as text) changed: ``None`` while they are being printed
        for a new function (every number is there already), then the printed texts.
    x0_changed(float)
        The tangent point moved.
    point_changed()
        ``point`` (f, f′, f″, one-sided derivatives at x₀) was recomputed.
    params_changed()
        A parameter's value or range changed, or the set of parameters of f changed.
    view_changed()
        ``x_range`` or ``y_range`` changed.
    visibility_changed()
        ``visible`` changed.
    secant_changed(float)
        The secant's h changed.
    modified_changed(bool)
        The session differs (True) or not (False) from what was last saved/opened.
    descent_changed()
        The descent settings or runs (``descent``) changed; a change of f or of a
        parameter's value drops the runs (see :class:`DescentState`).
    """

    text_changed = Signal(str)
    function_changed = Signal()
    error_changed = Signal(object)
    busy_changed = Signal(bool)
    formulas_changed = Signal()
    x0_changed = Signal(float)
    point_changed = Signal()
    params_changed = Signal()
    view_changed = Signal()
    visibility_changed = Signal()
    secant_changed = Signal(float)
    modified_changed = Signal(bool)
    descent_changed = Signal()

    def __init__(self) -> None:
        self.text: str = DEFAULT_EXPRESSION
        self.function: CompiledFunction | None = None
        self.error: Exception | None = None
        self.formulas: Formulas | None = None
        self.busy: bool = False
        self.x0: float = DEFAULT_X0
        self.point: PointInfo | None = None
        self.params: dict[str, ParamSpec] = {}
        self.x_range: tuple[float, float] = DEFAULT_X_RANGE
        self.y_range: tuple[float, float] | None = None  # None: fit to f (robustly)
        self.visible: frozenset[str] = DEFAULT_VISIBLE
        self.secant_h: float = DEFAULT_SECANT_H
        self.modified: bool = False
        self._special_cache: tuple[Any, SpecialPoints] | None = None
        # Each registered part may hold a state object here (the descent's settings and
        # runs, a lab's settings): session.state(key).
        from derivview.model.state.registry import PARTS

        self._states: dict[str, Any] = {}
        for part in PARTS:
            state = part.create(self)
            if state is not None:
                self._states[part.key] = state

    def state(self, key: str) -> Any:
        """The state object of the registered part ``key`` (KeyError if it has none)."""
        return self._states[key]

    @property
    def descent(self) -> DescentState:
        """Gradient descent: settings (saved in session files) and the runs being stepped."""
        return self._states["descent"]  # type: ignore[no-any-return]

    # -- batching ---------------------------------------------------------------------

    def signals(self) -> list[SignalInstance]:
        """Every signal instance of this session."""
        return [
            getattr(self, name)
            for name, value in type(self).__dict__.items()
            if isinstance(value, Signal)
        ]

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Defer signals so that a multi-field change is announced once per signal."""
        with contextlib.ExitStack() as stack:
            for sig in self.signals():
                stack.enter_context(sig.paused(lambda a, b: b))
            yield

    # -- the function -----------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Store the expression text as typed; a runner computes its function.

        Any text up to ``MAX_TEXT_CHARS`` is kept as typed (errors are the parser's to
        report); ValueError beyond that.
        """
        text = core.TEXT.check(text)
        if text == self.text:
            return
        self.text = text
        self.mark_modified()
        self.text_changed.emit(text)

    def set_busy(self, busy: bool) -> None:
        """Mark symbolic work for the current text as running or done."""
        if busy != self.busy:
            self.busy = busy
            self.busy_changed.emit(busy)

    def apply_function(
        self,
        text: str,
        function: CompiledFunction,
        special_points: tuple[tuple[float, float], dict[str, float], SpecialPoints] | None = None,
    ) -> bool:
        """Install ``function`` computed for ``text``; False (and nothing changes) if stale.

        ``special_points``, optional, is ``(x_range, param_values, points)`` computed for
        ``function`` off the GUI thread; it is kept only if it matches the current x range
        and parameter values (otherwise :meth:`special_points` computes them again).
        """
        if text != self.text:
            return False
        with self.batch():
            before = self.active_parameters()
            self.function = function
            self._special_cache = None
            if self.formulas is not None:
                self.formulas = None  # being printed for the new function
                self.formulas_changed.emit()
            added = [p for p in function.parameters if p not in self.params]
            for name in added:
                self.params[name] = ParamSpec()
            if special_points is not None:
                x_range, values, points = special_points
                key = (id(function), self.x_range, tuple(sorted(self.param_values().items())))
                if key == (id(function), tuple(x_range), tuple(sorted(values.items()))):
                    self._special_cache = (key, points)
            if self.error is not None:
                self.error = None
                self.error_changed.emit(None)
            self.function_changed.emit()
            # Only when the set of parameters changed (views redraw f on function_changed;
            # a second announcement would make every plot resample twice per keystroke).
            if added or tuple(function.parameters) != tuple(before):
                self.params_changed.emit()
            self._update_point()
        return True

    def apply_formulas(self, text: str, formulas: Formulas) -> bool:
        """Install the printed formulas of ``text``'s function; False if stale."""
        f = self.function
        if text != self.text or f is None or f.expression.text != text:
            return False
        self.formulas = formulas
        self.formulas_changed.emit()
        return True

    def apply_error(self, text: str, error: Exception) -> bool:
        """Record the error for ``text`` (the last good function stays); False if stale."""
        if text != self.text:
            return False
        self.error = error
        self.error_changed.emit(error)
        return True

    # -- the point --------------------------------------------------------------------

    def set_x0(self, x0: float) -> None:
        """Move the tangent point. Raises ValueError if not finite."""
        x0 = core.X0.check(x0)
        if x0 == self.x0:
            return
        self.x0 = x0
        self.mark_modified()
        with self.batch():
            self.x0_changed.emit(x0)
            self._update_point()

    def _update_point(self) -> None:
        f = self.function
        self.point = None if f is None else f.point(self.x0, self.param_values())
        self.point_changed.emit()

    # -- parameters -------------------------------------------------------------------

    def active_parameters(self) -> tuple[str, ...]:
        """The parameters of the current function, in order."""
        return self.function.parameters if self.function is not None else ()

    def param_values(self) -> dict[str, float]:
        """Values of the current function's parameters (defaults for unknown ones)."""
        return {name: self.params.get(name, ParamSpec()).value for name in self.active_parameters()}

    def set_param(self, name: str, value: float) -> None:
        """Set a parameter's value (the range grows to include it). ValueError if invalid."""
        value = core.PARAM_VALUE.check(value, f"parameter {name}")
        spec = self.params.get(name, ParamSpec())
        if spec.value == value and name in self.params:
            return
        lo, hi = min(spec.lo, value), max(spec.hi, value)
        self.params[name] = ParamSpec(value, lo, hi)
        self._special_cache = None
        self.mark_modified()
        with self.batch():
            self.params_changed.emit()
            self._update_point()

    def set_param_range(self, name: str, lo: float, hi: float) -> None:
        """Set the slider range of a parameter; its value is clamped into it."""
        lo, hi = core.PARAM_RANGE.check((lo, hi), f"the range of {name}")
        spec = self.params.get(name, ParamSpec())
        if name in self.params and (spec.lo, spec.hi) == (lo, hi):
            return
        value = min(max(spec.value, lo), hi)
        self.params[name] = ParamSpec(value, lo, hi)
        self.mark_modified()
        with self.batch():
            self.params_changed.emit()
            if value != spec.value:
                self._special_cache = None
                self._update_point()

    # -- view, items, secant ----------------------------------------------------------

    def set_view(
        self, x_range: tuple[float, float], y_range: tuple[float, float] | None = None
    ) -> None:
        """Set the visible ranges (``y_range=None``: fit the y-range to f)."""
        xr = core.X_RANGE.check(tuple(x_range))
        yr = core.Y_RANGE.check(None if y_range is None else tuple(y_range))
        if (xr, yr) == (self.x_range, self.y_range):
            return
        self.x_range, self.y_range = xr, yr
        self.mark_modified()
        self.view_changed.emit()

    def set_visible(self, item: str, shown: bool) -> None:
        """Show or hide one item (see ``ITEMS`` and ``EXTRA_ITEMS``)."""
        if item not in ITEMS and item not in EXTRA_ITEMS:
            raise ValueError(f"unknown item {item!r}")
        visible = self.visible | {item} if shown else self.visible - {item}
        self.set_visible_items(visible)

    def set_visible_items(self, items: frozenset[str] | set[str]) -> None:
        """Replace the set of shown items."""
        items = core.VISIBLE.check(items)
        if items == self.visible:
            return
        self.visible = items
        self.mark_modified()
        self.visibility_changed.emit()

    def is_visible(self, item: str) -> bool:
        """Whether ``item`` is shown."""
        return item in self.visible

    def set_secant_h(self, h: float) -> None:
        """Set the secant's step h (non-zero, |h| ≤ 1e6)."""
        h = core.SECANT_H.check(h)
        if h == self.secant_h:
            return
        self.secant_h = h
        self.mark_modified()
        self.secant_changed.emit(h)

    # -- derived quantities -----------------------------------------------------------

    def special_points(self) -> SpecialPoints | None:
        """Critical, inflection and non-differentiable points in the x range (cached)."""
        f = self.function
        if f is None:
            return None
        key = (id(f), self.x_range, tuple(sorted(self.param_values().items())))
        if self._special_cache is None or self._special_cache[0] != key:
            self._special_cache = (key, f.special_points(*self.x_range, self.param_values()))
        return self._special_cache[1]

    # -- saved state ------------------------------------------------------------------

    def mark_modified(self) -> None:
        """The session now differs from what is on disk (a setting changed)."""
        if not self.modified:
            self.modified = True
            self.modified_changed.emit(True)

    def mark_saved(self) -> None:
        """The session now matches what is on disk (after a save or an open)."""
        if self.modified:
            self.modified = False
            self.modified_changed.emit(False)

    # -- a copy that shows the same ---------------------------------------------------

    def mirror(self, source: Session) -> None:
        """Show what ``source`` shows: its saved values, its function, its results.

        The function (and its special points) is shared, not recomputed; each part copies
        what it computed beyond the saved values (the descent's runs). The export draws
        such a copy offscreen.
        """
        from derivview.model.state.registry import PARTS

        with self.batch():
            for part in PARTS:
                part.write(self, part.read(source))
            if source.function is not None and self.function is not source.function:
                # The last good function (the text may be in error; the view shows it).
                self.apply_function(self.text, source.function)
        if source.function is not None and source._special_cache is not None:
            self._special_cache = source._special_cache  # keyed by f, range, parameters
        for part in PARTS:
            part.copy_results(source, self)
