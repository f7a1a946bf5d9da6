"""The session stores inputs, drops stale results, and announces each change once."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from derivview.model.session import ParamSpec, Session


@dataclass
class FakePoint:
    x: float


class FakeFunction:
    """Stands in for a CompiledFunction: only what the session calls."""

    def __init__(self, parameters: tuple[str, ...] = ()) -> None:
        self.parameters = parameters
        self.calls: list[tuple[float, dict[str, float]]] = []

    def point(self, x0: float, params: dict[str, float]) -> FakePoint:
        self.calls.append((x0, params))
        return FakePoint(x0)


def record(session: Session) -> list[str]:
    log: list[str] = []
    for sig in session.signals():
        sig.connect(lambda *a, _n=sig.name: log.append(_n))
    return log


def test_stale_results_are_dropped():
    s = Session()
    s.set_text("x^2")
    s.set_text("x^3")
    assert not s.apply_function("x^2", FakeFunction())
    assert s.function is None
    f = FakeFunction()
    assert s.apply_function("x^3", f)
    assert s.function is f
    assert not s.apply_error("x^2", ValueError("old"))
    assert s.error is None


def test_error_keeps_the_last_good_function():
    s = Session()
    s.set_text("x^2")
    f = FakeFunction()
    s.apply_function("x^2", f)
    s.set_text("x^")
    s.apply_error("x^", ValueError("missing operand"))
    assert s.function is f and isinstance(s.error, ValueError)
    s.set_text("x^4")
    s.apply_function("x^4", FakeFunction())
    assert s.error is None


def test_apply_function_announces_once_and_adds_parameters():
    s = Session()
    s.set_text("a x^2")
    log = record(s)
    s.apply_function("a x^2", FakeFunction(("a",)))
    assert log.count("function_changed") == 1
    assert log.count("point_changed") == 1
    assert s.params == {"a": ParamSpec()}
    assert s.param_values() == {"a": 1.0}


def test_moving_x0_recomputes_the_point_with_parameter_values():
    s = Session()
    s.set_text("a x")
    f = FakeFunction(("a",))
    s.apply_function("a x", f)
    s.set_param("a", 2.5)
    s.set_x0(0.25)
    assert s.point == FakePoint(0.25)
    assert f.calls[-1] == (0.25, {"a": 2.5})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), 1e300])
def test_x0_must_be_finite_and_bounded(bad):
    s = Session()
    with pytest.raises(ValueError):
        s.set_x0(bad)
    assert s.x0 == 1.5


def test_param_value_grows_its_range_and_range_clamps_value():
    s = Session()
    s.set_param("k", 9.0)
    assert s.params["k"] == ParamSpec(9.0, -5.0, 9.0)
    s.set_param_range("k", 0.0, 2.0)
    assert s.params["k"] == ParamSpec(2.0, 0.0, 2.0)
    with pytest.raises(ValueError):
        s.set_param_range("k", 3.0, 1.0)


def test_view_visibility_secant_and_modified_flag():
    s = Session()
    assert not s.modified
    s.set_view((-1.0, 2.0), (0.0, 5.0))
    assert s.modified and s.x_range == (-1.0, 2.0) and s.y_range == (0.0, 5.0)
    s.mark_saved()
    assert not s.modified
    with pytest.raises(ValueError):
        s.set_view((2.0, 1.0))
    s.set_visible("df", False)
    assert not s.is_visible("df")
    with pytest.raises(ValueError):
        s.set_visible("bogus", True)
    with pytest.raises(ValueError):
        s.set_secant_h(0.0)
    s.set_secant_h(1e-3)
    assert s.secant_h == 1e-3


def test_batch_announces_each_signal_once():
    s = Session()
    log = record(s)
    with s.batch():
        s.set_x0(0.1)
        s.set_x0(0.2)
        s.set_view((-2.0, 2.0))
    assert log.count("x0_changed") == 1
    assert log.count("view_changed") == 1


def test_params_changed_only_when_the_set_of_parameters_changes():
    s = Session()
    s.set_text("x^2")
    log = record(s)
    s.apply_function("x^2", FakeFunction())
    assert "params_changed" not in log  # no parameters before or after
    s.set_text("a x")
    log.clear()
    s.apply_function("a x", FakeFunction(("a",)))
    assert log.count("params_changed") == 1  # a appeared
    s.set_text("a x^2")
    log.clear()
    s.apply_function("a x^2", FakeFunction(("a",)))
    assert "params_changed" not in log  # still just a
    s.set_text("x^3")
    log.clear()
    s.apply_function("x^3", FakeFunction())
    assert log.count("params_changed") == 1  # a went away


class CountingFunction(FakeFunction):
    """Counts special_points calls (what the session computes itself)."""

    def __init__(self, parameters: tuple[str, ...] = ()) -> None:
        super().__init__(parameters)
        self.special_calls = 0

    def special_points(self, a: float, b: float, params: dict[str, float]) -> str:
        self.special_calls += 1
        return f"computed {a} {b} {params}"


def test_special_points_computed_elsewhere_are_used_when_they_match():
    s = Session()
    s.set_text("a x")
    f = CountingFunction(("a",))
    s.apply_function("a x", f, special_points=((-4.0, 4.0), {"a": 1.0}, "given"))
    assert s.special_points() == "given" and f.special_calls == 0
    s.set_param("a", 2.0)  # a new value: computed again
    assert s.special_points() == "computed -4.0 4.0 {'a': 2.0}" and f.special_calls == 1


def test_special_points_for_another_view_are_ignored():
    s = Session()
    s.set_text("x^2")
    f = CountingFunction()
    s.apply_function("x^2", f, special_points=((0.0, 1.0), {}, "stale"))
    assert s.special_points() == "computed -4.0 4.0 {}" and f.special_calls == 1
