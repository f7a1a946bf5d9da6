"""The f(x, y) workspace's state on the session: f, parameters, the point, the view, descent.

Data flows one way, as in the session: a control writes an input here (``set_text``,
``set_point``, ``set_view``, ``set_param``, …); the state checks and stores it,
recomputes what depends on it, and announces the change; views redraw from what is
announced. The text is parsed and compiled here, at once: derivview's own tree needs no
computer algebra for numbers, and the parser bounds its own work (a text is at most
1,000 characters). An invalid text keeps the last good function (and says why).

``session.state("xy")`` is this object (see :mod:`derivview.model.labs.xy_part`).
Qt-free; numpy is imported when the first function is compiled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.labs.xy_descent import XyDescent
from derivview.model.labs.xy_fields import (
    DEFAULT_POINT,
    DEFAULT_VISIBLE,
    DEFAULT_X_RANGE,
    DEFAULT_XY_EXPRESSION,
    DEFAULT_Y_RANGE,
    ITEMS,
    POINT,
    TEXT,
    VISIBLE,
    X_RANGE,
    Y_RANGE,
    is_xy_param_name,
)
from derivview.model.signals import Signal
from derivview.model.state.core import PARAM_RANGE, PARAM_VALUE, ParamSpec
from derivview.model.state.fields import Invalid

if TYPE_CHECKING:
    from derivview.model.labs.fxy import BoundXy, XyFunction, XyPoint


class XyState:
    """What the f(x, y) workspace shows.

    Signals
    -------
    text_changed(str)
        The expression text changed (as typed).
    function_changed()
        A newly compiled function (for the current text) is in ``function``.
    error_changed(object)
        The error for the current text (an ``ExpressionError``) or None; the last good
        ``function`` stays while the text is in error.
    params_changed()
        A parameter's value or range, or the set of parameters, changed.
    point_changed()
        ``point`` (f, ∇f, the Hessian at (x₀, y₀)) was recomputed.
    view_changed()
        ``x_range`` or ``y_range`` changed.
    visibility_changed()
        ``visible`` changed.
    modified()
        A value that session files save changed (the session marks itself modified).

    ``descent`` (an :class:`XyDescent`) announces its own changes.
    """

    text_changed = Signal(str)
    function_changed = Signal()
    error_changed = Signal(object)
    params_changed = Signal()
    point_changed = Signal()
    view_changed = Signal()
    visibility_changed = Signal()
    modified = Signal()

    def __init__(self) -> None:
        self.text: str = DEFAULT_XY_EXPRESSION
        self.function: XyFunction | None = None
        self.error: Exception | None = None
        self.params: dict[str, ParamSpec] = {}
        self.x0, self.y0 = DEFAULT_POINT
        self.point: XyPoint | None = None
        self.x_range: tuple[float, float] = DEFAULT_X_RANGE
        self.y_range: tuple[float, float] = DEFAULT_Y_RANGE
        self.visible: frozenset[str] = DEFAULT_VISIBLE
        self._bound: BoundXy | None = None
        self.descent = XyDescent(self.bound)
        self.descent.settings_changed.connect(self.modified.emit)
        self._compiled_text: str | None = None

    # -- the function -------------------------------------------------------------------

    def ensure_compiled(self) -> None:
        """Compile the current text if it has not been (the workspace calls this when it
        is first shown: nothing is computed for a workspace nobody looks at)."""
        if self._compiled_text != self.text:
            self._compile()

    def set_text(self, text: str) -> None:
        """Store f as typed and compile it (any text up to the session's limit is kept as
        typed; errors are the parser's to report). ValueError beyond the limit."""
        text = TEXT.check(text)
        if text == self.text and self._compiled_text == text:
            return
        changed = text != self.text
        self.text = text
        if changed:
            self.modified.emit()
            self.text_changed.emit(text)
        self._compile()

    def _compile(self) -> None:
        from derivview.model.errors import ExpressionError
        from derivview.model.labs.fxy import XyFunction

        text = self.text
        self._compiled_text = text
        try:
            function = XyFunction.from_text(text)
        except ExpressionError as exc:
            self.error = exc
            self.error_changed.emit(exc)
            return
        before = self.active_parameters()
        self.function = function
        self._bound = None
        added = [p for p in function.parameters if p not in self.params]
        for name in added:
            self.params[name] = ParamSpec()
        if self.error is not None:
            self.error = None
            self.error_changed.emit(None)
        self.function_changed.emit()
        if added or function.parameters != before:
            self.params_changed.emit()
        self.descent.function_changed()
        self._update_point()

    def bound(self) -> BoundXy | None:
        """f at the current parameter values (for the optimizers), or None."""
        if self.function is None:
            return None
        if self._bound is None:
            self._bound = self.function.bind(self.param_values())
        return self._bound

    # -- parameters (the interface of the f(x) parameter rows) ---------------------------

    def active_parameters(self) -> tuple[str, ...]:
        """The parameters of the current function, in order."""
        return self.function.parameters if self.function is not None else ()

    def param_values(self) -> dict[str, float]:
        """Values of the current function's parameters (1 unless set)."""
        return {n: self.params.get(n, ParamSpec()).value for n in self.active_parameters()}

    def set_param(self, name: str, value: float) -> None:
        """Set a parameter's value (its range grows to include it). ValueError if invalid."""
        if not is_xy_param_name(name):
            raise Invalid(f"{name!r} is not a parameter of f(x, y)")
        value = PARAM_VALUE.check(value, f"parameter {name}")
        spec = self.params.get(name, ParamSpec())
        if spec.value == value and name in self.params:
            return
        self.params[name] = ParamSpec(value, min(spec.lo, value), max(spec.hi, value))
        self._params_changed(value_changed=True)

    def set_param_range(self, name: str, lo: float, hi: float) -> None:
        """Set the slider range of a parameter; its value is clamped into it."""
        if not is_xy_param_name(name):
            raise Invalid(f"{name!r} is not a parameter of f(x, y)")
        lo, hi = PARAM_RANGE.check((lo, hi), f"the range of {name}")
        spec = self.params.get(name, ParamSpec())
        if name in self.params and (spec.lo, spec.hi) == (lo, hi):
            return
        value = min(max(spec.value, lo), hi)
        self.params[name] = ParamSpec(value, lo, hi)
        self._params_changed(value_changed=value != spec.value)

    def _params_changed(self, value_changed: bool) -> None:
        self.modified.emit()
        if value_changed:
            self._bound = None
        self.params_changed.emit()
        if value_changed and self.function is not None:
            self.descent.function_changed()
            self._update_point()

    # -- the point, the view, what is shown -----------------------------------------------

    def set_point(self, x: float, y: float) -> None:
        """Move (x₀, y₀). Raises ValueError unless both are finite (within ±1e12)."""
        x, y = POINT.check((x, y))
        if (x, y) == (self.x0, self.y0):
            return
        self.x0, self.y0 = x, y
        self.modified.emit()
        self._update_point()

    def _update_point(self) -> None:
        b = self.bound()
        self.point = None if b is None else b.point(self.x0, self.y0)
        self.point_changed.emit()

    def set_view(self, x_range: tuple[float, float], y_range: tuple[float, float]) -> None:
        """Set the region shown (at least this much of the plane is visible)."""
        xr = X_RANGE.check(tuple(x_range))
        yr = Y_RANGE.check(tuple(y_range))
        if (xr, yr) == (self.x_range, self.y_range):
            return
        self.x_range, self.y_range = xr, yr
        self.modified.emit()
        self.view_changed.emit()

    def set_visible(self, item: str, shown: bool) -> None:
        """Show or hide one item of :data:`~derivview.model.labs.xy_fields.ITEMS`."""
        if item not in ITEMS:
            raise ValueError(f"unknown item {item!r}")
        self.set_visible_items(self.visible | {item} if shown else self.visible - {item})

    def set_visible_items(self, items: frozenset[str] | set[str]) -> None:
        """Replace the set of shown items."""
        items = VISIBLE.check(items)
        if items == self.visible:
            return
        self.visible = items
        self.modified.emit()
        self.visibility_changed.emit()

    def is_visible(self, item: str) -> bool:
        """Whether ``item`` is shown."""
        return item in self.visible

    # -- presets and saved values ----------------------------------------------------------

    def apply_preset(self, text: str, point: tuple[float, float], x_range: Any, y_range: Any,
                     start: tuple[float, float] | None = None) -> None:  # fmt: skip
        """A preset: its function, a point and a region that show it well (and a start)."""
        with self.batch():
            self.set_view(x_range, y_range)
            self.set_point(*point)
            if start is not None:
                self.descent.set_start(*start)
            self.set_text(text)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Announce each kind of change once, at the end (a file opened, a preset)."""
        signals = (self.text_changed, self.function_changed, self.error_changed,
                   self.params_changed, self.point_changed, self.view_changed,
                   self.visibility_changed, self.modified, self.descent.changed)  # fmt: skip
        with contextlib.ExitStack() as stack:
            for sig in signals:
                stack.enter_context(sig.paused(lambda a, b: b))
            yield

    def values(self) -> dict[str, Any]:
        """Every saved value, by field name (see :mod:`derivview.model.labs.xy_fields`)."""
        return {
            "expression": self.text,
            "parameters": dict(self.params),
            "point": (self.x0, self.y0),
            "x_range": self.x_range,
            "y_range": self.y_range,
            "visible": self.visible,
            **self.descent.values(),
            "steps_taken": max(self.descent.k, 0),
        }

    def update(self, values: Mapping[str, Any]) -> None:
        """Put checked values on the state (fields not given stay), announced once.

        ``steps_taken`` replays the descent run to that many steps (runs are not saved:
        they are computed again, exactly, from f, the settings and the start).
        """
        with self.batch():
            if "x_range" in values or "y_range" in values:
                self.set_view(values.get("x_range", self.x_range),
                              values.get("y_range", self.y_range))  # fmt: skip
            if "point" in values:
                self.set_point(*values["point"])
            if "visible" in values:
                self.set_visible_items(values["visible"])
            settings = {k: values[k] for k in self.descent.values() if k in values}
            if settings:
                self.descent.update(**settings)
            if "expression" in values:
                self.set_text(values["expression"])
            if "parameters" in values:  # a complete list: the others are defaults
                params = dict(values["parameters"])
                for name in self.active_parameters():
                    params.setdefault(name, ParamSpec())
                if params != self.params:
                    self.params = params
                    self._params_changed(value_changed=True)
            steps = values.get("steps_taken", 0)
            if steps and self.function is not None:
                self.descent.reset()
                self.descent.step(steps)
