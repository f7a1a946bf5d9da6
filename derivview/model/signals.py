"""Qt-free signals for the model: declared on a class, connected and emitted per instance.

The model announces its changes with these (``session.x0_changed.connect(view._on_x0)``),
in the style of psygnal, which derivview used before: importing psygnal cost ~20 ms of
the window's first paint (it looks its own version up in the installed distributions'
metadata at import), and the model needs only this much of it:

- a slot that takes fewer arguments than the signal sends gets only the first ones;
- bound methods are held weakly (a view that goes away drops out; the session never
  keeps a view alive), plain functions strongly;
- ``paused(reducer)`` defers emissions and sends them once on the outermost exit.
"""

from __future__ import annotations

import contextlib
import inspect
import weakref
from collections.abc import Callable, Iterator
from typing import Any

Reducer = Callable[[tuple[Any, ...], tuple[Any, ...]], tuple[Any, ...]]


def _max_args(slot: Callable[..., Any]) -> int | None:
    """How many positional arguments ``slot`` accepts (None: any number)."""
    try:
        params = inspect.signature(slot).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: send everything
        return None
    n = 0
    for p in params:
        if p.kind is p.VAR_POSITIONAL:
            return None
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            n += 1
    return n


class _Slot:
    """A connected callable: a weak reference for bound methods, a strong one otherwise."""

    __slots__ = ("_func", "_nargs", "_obj", "_strong")

    def __init__(self, slot: Callable[..., Any], on_dead: Callable[[_Slot], None]) -> None:
        self._nargs = _max_args(slot)
        owner = getattr(slot, "__self__", None)
        if owner is not None and hasattr(slot, "__func__"):
            self._strong = None
            self._func = slot.__func__
            self._obj = weakref.ref(owner, lambda _ref: on_dead(self))
        else:
            self._strong = slot
            self._func = None
            self._obj = None

    def matches(self, slot: Callable[..., Any]) -> bool:
        if self._strong is not None:
            return self._strong == slot
        return (
            getattr(slot, "__func__", None) is self._func
            and self._obj is not None
            and getattr(slot, "__self__", None) is self._obj()
        )

    def call(self, args: tuple[Any, ...]) -> None:
        if self._nargs is not None:
            args = args[: self._nargs]
        if self._strong is not None:
            self._strong(*args)
            return
        owner = self._obj() if self._obj is not None else None
        if owner is not None:
            self._func(owner, *args)  # type: ignore[misc]


class SignalInstance:
    """The signal of one object: ``connect``, ``disconnect``, ``emit``, ``paused``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._slots: list[_Slot] = []
        self._pause_depth = 0
        self._queue: list[tuple[Any, ...]] = []
        self._reducer: Reducer | None = None

    def connect(self, slot: Callable[..., Any]) -> Callable[..., Any]:
        """Call ``slot`` on every emission (with as many arguments as it takes)."""
        if not callable(slot):
            raise TypeError(f"cannot connect {slot!r}: not callable")
        self._slots.append(_Slot(slot, self._drop))
        return slot

    def disconnect(self, slot: Callable[..., Any] | None = None, missing_ok: bool = True) -> None:
        """Disconnect ``slot`` (every slot if None); a missing slot is an error only if
        ``missing_ok`` is False."""
        if slot is None:
            self._slots.clear()
            return
        for i, s in enumerate(self._slots):
            if s.matches(slot):
                del self._slots[i]
                return
        if not missing_ok:
            raise ValueError(f"{slot!r} is not connected to {self.name}")

    def _drop(self, dead: _Slot) -> None:
        with contextlib.suppress(ValueError):
            self._slots.remove(dead)

    def __len__(self) -> int:
        return len(self._slots)

    def emit(self, *args: Any) -> None:
        """Call every connected slot, in the order connected (deferred while paused)."""
        if self._pause_depth:
            self._queue.append(args)
            return
        for slot in list(self._slots):  # a slot may connect or disconnect others
            slot.call(args)

    @contextlib.contextmanager
    def paused(self, reducer: Reducer | None = None) -> Iterator[None]:
        """Defer emissions; on the outermost exit send them — reduced to one emission by
        ``reducer(previous_args, next_args)`` if given, else each in turn."""
        if self._pause_depth == 0:
            self._reducer = reducer
        self._pause_depth += 1
        try:
            yield
        finally:
            self._pause_depth -= 1
            if self._pause_depth == 0:
                queue, self._queue = self._queue, []
                reduce_ = self._reducer
                self._reducer = None
                if queue and reduce_ is not None:
                    args = queue[0]
                    for nxt in queue[1:]:
                        args = reduce_(args, nxt)
                    queue = [args]
                for args in queue:
                    self.emit(*args)


class Signal:
    """Declares a signal on a class; each instance gets its own :class:`SignalInstance`.

    ``Signal(float)`` sends one argument; the types document what is sent.
    """

    def __init__(self, *types: type) -> None:
        self.types = types
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        instance = SignalInstance(self._name)
        # Stored under the same name, the instance shadows this (non-data) descriptor.
        obj.__dict__[self._name] = instance
        return instance
