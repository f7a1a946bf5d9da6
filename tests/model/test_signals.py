"""The model's signals: argument trimming, weak bound methods, pausing, disconnecting."""

from __future__ import annotations

import gc

import pytest

from derivview.model.signals import Signal


class Source:
    moved = Signal(float)
    changed = Signal()


class View:
    def __init__(self) -> None:
        self.seen: list[tuple[object, ...]] = []

    def on_moved(self, x: float) -> None:
        self.seen.append((x,))

    def on_anything(self) -> None:
        self.seen.append(())


def test_each_instance_has_its_own_signal_and_slots_get_what_they_take():
    a, b = Source(), Source()
    got: list[object] = []
    a.moved.connect(lambda x: got.append(("a", x)))
    a.moved.connect(lambda: got.append("no args"))
    b.moved.connect(lambda *args: got.append(("b", args)))
    a.moved.emit(1.5)
    b.moved.emit(2.5)
    assert got == [("a", 1.5), "no args", ("b", (2.5,))]
    assert a.moved.name == "moved" and a.moved is a.moved


def test_bound_methods_are_held_weakly():
    s, v = Source(), View()
    s.moved.connect(v.on_moved)
    s.moved.emit(1.0)
    assert v.seen == [(1.0,)]
    del v
    gc.collect()
    assert len(s.moved) == 0
    s.moved.emit(2.0)  # nothing to call, nothing raised


def test_disconnect_a_bound_method_and_missing_ok():
    s, v, w = Source(), View(), View()
    s.moved.connect(v.on_moved)
    s.moved.connect(w.on_moved)
    s.moved.disconnect(v.on_moved)
    s.moved.emit(3.0)
    assert v.seen == [] and w.seen == [(3.0,)]
    s.moved.disconnect(v.on_moved)  # missing: fine by default
    with pytest.raises(ValueError):
        s.moved.disconnect(v.on_moved, missing_ok=False)


def test_a_slot_may_disconnect_another_during_an_emission():
    s = Source()
    got: list[str] = []

    def second() -> None:
        got.append("second")

    def first() -> None:
        got.append("first")
        s.changed.disconnect(second)

    s.changed.connect(first)
    s.changed.connect(second)
    s.changed.emit()  # the emission in progress still reaches both
    s.changed.emit()
    assert got == ["first", "second", "first"]


def test_paused_reduces_to_one_emission_on_the_outermost_exit():
    s, v = Source(), View()
    s.moved.connect(v.on_moved)
    with s.moved.paused(lambda a, b: b):
        s.moved.emit(1.0)
        with s.moved.paused():
            s.moved.emit(2.0)
        assert v.seen == []  # the inner exit does not flush
        s.moved.emit(3.0)
    assert v.seen == [(3.0,)]
    with s.moved.paused():
        s.moved.emit(4.0)
        s.moved.emit(5.0)
    assert v.seen == [(3.0,), (4.0,), (5.0,)]  # no reducer: each in turn
    with s.moved.paused(lambda a, b: b):
        pass
    assert len(v.seen) == 3  # nothing emitted, nothing sent
