"""The descent state: settings, stepping one or two runs, and when runs are dropped.

Truth is closed form: gradient descent on (x − 3)² from 0 with η = 0.1 gives
x_k = 3 − 3·0.8^k; Newton's method lands on 3 in one step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_

from derivview.model.descent.config import DescentConfig
from derivview.model.descent.state import DescentState
from derivview.model.session import Session


@dataclass(frozen=True)
class FakePoint:
    x: float
    differentiable: bool = True
    kind: str = "smooth"


class Quadratic:
    """Stands in for a CompiledFunction: a (x − c)², vectorized like the real one."""

    def __init__(self, parameters: tuple[str, ...] = ("a",), c: float = 3.0) -> None:
        self.parameters = parameters
        self.c = c

    def _a(self, params: dict[str, float] | None) -> float:
        return (params or {}).get("a", 1.0)

    def f(self, x, params=None):
        return self._a(params) * (np.asarray(x, dtype=float) - self.c) ** 2

    def df(self, x, params=None):
        return 2 * self._a(params) * (np.asarray(x, dtype=float) - self.c)

    def d2f(self, x, params=None):
        return np.broadcast_to(2.0 * self._a(params), np.shape(x)).astype(float)

    def point(self, x0, params=None):
        return FakePoint(x0)


def make_state(fn=None, params=None) -> DescentState:
    fn = fn or Quadratic()
    return DescentState(lambda: (fn, params or {"a": 1.0}))


def test_step_reproduces_the_closed_form_iterates():
    st = make_state()
    st.set_config(0, learning_rate=0.1)
    assert st.runs == () and st.k == -1
    for _ in range(10):
        st.step()
    (run,) = st.runs
    assert [it.k for it in run.iterates] == list(range(11))
    for it in run.iterates:
        assert it.x == pytest.approx(3 - 3 * 0.8**it.k, rel=1e-12, abs=1e-12)
        assert it.f == pytest.approx((3 * 0.8**it.k) ** 2, rel=1e-12)
    assert st.k == 10 and not st.finished


def test_step_n_announces_once_and_stops_at_the_end():
    st = make_state()
    log: list[int] = []
    st.changed.connect(lambda: log.append(st.k))
    taken = st.step(10_000)
    assert log == [st.k]
    assert st.finished and st.runs[0].status == "converged"
    # |f′(x_k)| = 6·0.8^k < 1e-8 first at k = ceil(log(1e-8/6)/log(0.8))
    expected = math.ceil(math.log(1e-8 / 6) / math.log(0.8))
    assert st.k == expected and taken == expected
    assert st.step() == 0  # a finished run stays as it is
    assert log == [expected]


def test_compare_runs_two_configurations_side_by_side():
    st = make_state()
    st.set_compare(True)
    st.set_config(1, method="newton")
    st.step(3)
    gd, newton = st.runs
    assert [it.x for it in gd.iterates] == pytest.approx([3 - 3 * 0.8**k for k in range(4)])
    # Newton on a quadratic: exactly at the minimum after one step, then converged.
    assert newton.iterates[1].x == pytest.approx(3.0)
    assert newton.status == "converged" and len(newton.iterates) == 2
    assert gd.status is None


@pytest.mark.parametrize(
    "change",
    [
        lambda st: st.set_config(0, learning_rate=0.2),
        lambda st: st.set_config(0, method="momentum"),
        lambda st: st.set_config(0, beta=0.5),
        lambda st: st.set_config(1, learning_rate=0.2),
        lambda st: st.set_start(1.0),
        lambda st: st.set_max_steps(7),
        lambda st: st.set_tol(1e-6),
        lambda st: st.set_compare(True),
    ],
)
def test_any_setting_change_drops_the_runs(change):
    st = make_state()
    st.step(2)
    gen = st.generation
    settings_log: list[str] = []
    st.settings_changed.connect(lambda: settings_log.append("s"))
    change(st)
    assert st.runs == () and st.generation > gen
    assert settings_log == ["s"]


def test_setting_the_same_value_changes_nothing():
    st = make_state()
    st.step(2)
    log: list[str] = []
    st.changed.connect(lambda: log.append("c"))
    st.set_config(0, learning_rate=0.1, method="gd", beta=0.9)
    st.set_start(0.0)
    st.set_compare(False)
    assert log == [] and len(st.runs) == 1


@pytest.mark.parametrize(
    "bad",
    [
        lambda st: st.set_config(0, learning_rate=0.0),
        lambda st: st.set_config(0, learning_rate=1001.0),
        lambda st: st.set_config(0, learning_rate=1e-9),
        lambda st: st.set_config(0, learning_rate=float("nan")),
        lambda st: st.set_config(0, beta=1.0),
        lambda st: st.set_config(0, method="adam"),
        lambda st: st.set_config(2, method="gd"),
        lambda st: st.set_start(float("inf")),
        lambda st: st.set_start(1e13),
        lambda st: st.set_max_steps(0),
        lambda st: st.set_max_steps(2.5),
        lambda st: st.set_max_steps(True),
        lambda st: st.set_tol(0.0),
        lambda st: st.set_tol(1.0),
        lambda st: st.update(configs=(DescentConfig(),)),
        lambda st: st.update(configs="no"),
        lambda st: st.update(start="x"),
        lambda st: st.update(compare=1),
        lambda st: st.update(max_steps=0),
        lambda st: st.update(speed=3),
        lambda st: st.update(start=1.0, max_steps=0),  # one bad value: nothing changes
    ],
)
def test_invalid_settings_are_refused_and_nothing_changes(bad):
    st = make_state()
    before = st.values()
    with pytest.raises(ValueError):
        bad(st)
    assert st.values() == before


def test_no_function_means_no_run():
    st = DescentState(lambda: None)
    assert st.step() == 0 and st.runs == ()


def test_update_sets_several_settings_and_announces_once():
    st = make_state()
    st.step(2)
    log: list[str] = []
    st.changed.connect(lambda: log.append("c"))
    st.settings_changed.connect(lambda: log.append("s"))
    configs = (DescentConfig("momentum", 0.05, 0.5), DescentConfig("newton", 0.1, 0.9))
    st.update(configs=configs, start=-2.0, max_steps=250, tol=1e-6, compare=True)
    assert st.values() == {
        "configs": configs,
        "start": -2.0,
        "max_steps": 250,
        "tol": 1e-6,
        "compare": True,
    }
    assert log == ["s", "c"] and st.runs == ()
    other = make_state()
    other.update(**st.values())
    assert other.values() == st.values()


def test_one_configuration_type_one_rule():
    # The descent state, session files and the optimizer's settings share DescentConfig
    # and its fields: the same values are refused everywhere, with the same words.
    from derivview.model.optimizers import DescentSettings

    for bad in ({"learning_rate": 0.0}, {"learning_rate": 1e4}, {"beta": 1.0}, {"method": "sgd"}):
        messages = []
        for make in (
            lambda b: DescentConfig(**b),
            lambda b: DescentSettings(**b),
            lambda b: make_state().set_config(0, **b),
        ):
            with pytest.raises(ValueError) as info:
                make(bad)
            messages.append(str(info.value))
        assert len(set(messages)) == 1, messages
    assert DescentSettings(learning_rate=0.5).config == DescentConfig("gd", 0.5, 0.9)


# -- the session owns the state and drops runs when f or a parameter changes -----------


def session_with_quadratic() -> tuple[Session, Quadratic]:
    s = Session()
    s.set_text("a(x-3)^2")
    q = Quadratic()
    s.apply_function("a(x-3)^2", q)
    return s, q


def test_session_announces_descent_changes_and_marks_modified():
    s, _ = session_with_quadratic()
    s.mark_saved()
    log: list[str] = []
    s.descent_changed.connect(lambda: log.append("d"))
    s.descent.step(3)
    assert log == ["d"] and not s.modified  # stepping is not a change to the saved state
    s.descent.set_config(0, learning_rate=0.2)
    assert s.modified and s.descent.runs == ()


def test_session_drops_runs_when_f_or_a_parameter_value_changes():
    s, _ = session_with_quadratic()
    s.descent.step(3)
    s.set_param_range("a", -10.0, 10.0)  # the value stays 1: the runs are still valid
    assert len(s.descent.runs) == 1
    s.set_param("a", 2.0)
    assert s.descent.runs == ()
    # The new value is used: GD on 2(x − 3)² with η = 0.1 contracts by 1 − 0.4 = 0.6.
    s.descent.step(2)
    assert [it.x for it in s.descent.runs[0].iterates] == pytest.approx(
        [0.0, 3 - 3 * 0.6, 3 - 3 * 0.6**2]
    )
    s.set_text("(x-3)^2 + 1")
    assert len(s.descent.runs) == 1  # only the text: the function is not computed yet
    s.apply_function("(x-3)^2 + 1", Quadratic(parameters=()))
    assert s.descent.runs == ()


# -- properties: any η and start on a parabola follow the closed form -------------------


@settings(max_examples=60, deadline=None)
@given(
    eta=st_.floats(1e-3, 0.9),
    start=st_.floats(-50, 50),
    steps=st_.integers(1, 30),
)
def test_gradient_descent_on_a_parabola_is_geometric(eta, start, steps):
    # On (x − 3)², x_{k+1} − 3 = (1 − 2η)(x_k − 3): x_k = 3 + (x₀ − 3)(1 − 2η)^k.
    st = make_state()
    st.set_start(start)
    st.set_config(0, learning_rate=eta)
    st.step(steps)
    (run,) = st.runs
    for it in run.iterates:
        expected = 3 + (start - 3) * (1 - 2 * eta) ** it.k
        assert it.x == pytest.approx(expected, rel=1e-9, abs=1e-9 * max(1.0, abs(start)))


@settings(max_examples=40, deadline=None)
@given(eta=st_.floats(1e-3, 0.5), beta=st_.floats(0.0, 0.95), start=st_.floats(-20, 20))
def test_momentum_on_a_parabola_follows_its_recurrence(eta, beta, start):
    # Heavy ball on (x − 3)²: v_{k+1} = β v_k + 2(x_k − 3), x_{k+1} = x_k − η v_{k+1}, v₀ = 0,
    # computed here in exact rational arithmetic from the float inputs.
    st = make_state()
    st.set_start(start)
    st.set_config(0, method="momentum", learning_rate=eta, beta=beta)
    st.step(12)
    (run,) = st.runs
    x, v = Fraction(start), Fraction(0)
    e, b = Fraction(eta), Fraction(beta)
    for it in run.iterates:
        assert it.x == pytest.approx(float(x), rel=1e-9, abs=1e-9 * max(1.0, abs(start)))
        v = b * v + 2 * (x - 3)
        x = x - e * v
