"""The f(x, y) workspace's state (model/labs/xy_state.py) and its part in session files:
f compiled as typed, the last good function kept through an error, parameters, the
point's readout, the descent runs, and a saved session reopening the same function,
point and run — and the workspace."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from derivview.model import session_file as sf
from derivview.model.descent.config import DescentConfig
from derivview.model.errors import ExpressionError
from derivview.model.session import ParamSpec, Session


def _xy(s: Session):  # type: ignore[no-untyped-def]
    return s.state("xy")


def test_text_is_compiled_and_the_point_read_out() -> None:
    st = _xy(Session())
    seen = []
    st.point_changed.connect(lambda: seen.append(st.point))
    st.set_text("x^2 - 3x y")
    st.set_point(2.0, -1.0)
    p = st.point
    assert p.f == 4 + 6 and p.gradient == (2 * 2 - 3 * -1, -3 * 2)
    assert p.hessian == ((2.0, -3.0), (-3.0, 0.0))
    assert seen[-1] is p


def test_an_invalid_text_keeps_the_last_good_function() -> None:
    st = _xy(Session())
    st.set_text("x + y")
    good = st.function
    errors = []
    st.error_changed.connect(errors.append)
    st.set_text("x + (y")
    assert st.function is good and isinstance(st.error, ExpressionError)
    assert errors and errors[-1].column == 5
    st.set_text("x - y")
    assert st.error is None and errors[-1] is None and st.function is not good


def test_parameters_appear_and_their_values_move_the_point() -> None:
    st = _xy(Session())
    st.set_text("a x + b y")
    st.set_point(1.0, 2.0)
    assert st.active_parameters() == ("a", "b") and st.point.f == 3.0
    st.set_param("a", 4.0)
    assert st.point.f == 4 + 2
    assert st.params["a"] == ParamSpec(4.0, -5.0, 5.0)
    st.set_param_range("b", 10.0, 20.0)
    assert st.params["b"].value == 10.0 and st.point.f == 4 + 20
    with pytest.raises(ValueError):
        st.set_param("y", 1.0)  # y is a variable here


def test_a_change_of_f_or_a_parameter_or_a_setting_drops_the_runs() -> None:
    st = _xy(Session())
    st.ensure_compiled()
    for change in (
        lambda: st.set_param("a", 2.0),
        lambda: st.set_text("x^2 + 2y^2"),
        lambda: st.descent.set_start(1.0, 1.0),
        lambda: st.descent.set_config(0, learning_rate=0.05),
    ):
        st.set_text(st.text if "a" in st.text else "a x^2 + y^2")
        st.descent.step(3)
        assert st.descent.k == 3
        change()
        assert st.descent.runs == ()


def test_the_default_shows_the_zig_zag_of_an_elongated_bowl() -> None:
    st = _xy(Session())
    st.ensure_compiled()
    st.descent.step(8)
    ys = [it.y for it in st.descent.runs[0].iterates]
    assert all(a * b < 0 for a, b in itertools.pairwise(ys))  # y flips sign
    lr = st.descent.configs[0].learning_rate
    for it in st.descent.runs[0].iterates:  # x_k = x₀(1 − 2η)^k, y_k = y₀(1 − 16η)^k
        assert it.x == pytest.approx(2.5 * (1 - 2 * lr) ** it.k, rel=1e-12)
        assert it.y == pytest.approx(1.0 * (1 - 16 * lr) ** it.k, rel=1e-12)


def test_two_configurations_run_side_by_side() -> None:
    st = _xy(Session())
    st.ensure_compiled()
    st.descent.update(compare=True)
    st.descent.step(5)
    a, b = st.descent.runs
    assert a.settings.method == "gd" and b.settings.method == "newton"
    assert b.finished and b.last.k == 1  # Newton: one step on a quadratic
    assert len(a.iterates) == 6


def test_a_preset_sets_function_point_and_region_at_once() -> None:
    st = _xy(Session())
    calls = []
    st.view_changed.connect(lambda: calls.append("view"))
    st.function_changed.connect(lambda: calls.append("function"))
    st.apply_preset("x^2 - y^2", (1.0, 0.5), (-2.0, 2.0), (-1.0, 1.0), start=(1.0, 0.1))
    assert (st.text, st.x0, st.y0) == ("x^2 - y^2", 1.0, 0.5)
    assert st.x_range == (-2.0, 2.0) and st.y_range == (-1.0, 1.0)
    assert st.descent.start == (1.0, 0.1)
    assert sorted(calls) == ["function", "view"]  # each announced once


def test_a_change_marks_the_session_modified_but_showing_a_workspace_does_not() -> None:
    s = Session()
    s.mark_saved()
    s.state("workspace").set(shown="fxy")
    assert not s.modified
    _xy(s).set_point(0.25, 0.5)
    assert s.modified


def _custom() -> Session:
    s = Session()
    st = _xy(s)
    st.set_text("a x^2 + (y - b)^2")
    st.set_param_range("a", 0.5, 3.0)
    st.set_param("a", 2.0)
    st.set_param("b", -0.5)
    st.set_point(0.75, -1.25)
    st.set_view((-4.0, 2.0), (-3.0, 1.5))
    st.set_visible_items({"heatmap", "field"})
    st.descent.update(
        configs=(DescentConfig("momentum", 0.05, 0.7), DescentConfig("gd", 0.2, 0.9)),
        start=(1.5, 1.0),
        max_steps=300,
        tol=1e-6,
        compare=True,
    )
    st.descent.step(7)
    s.state("workspace").set(shown="fxy")
    return s


def test_a_saved_session_reopens_the_same_workspace_function_point_and_run(
    tmp_path: Path,
) -> None:
    before = _custom()
    path = tmp_path / "xy.derivview"
    sf.save(before, path)
    raw = json.loads(path.read_text("utf-8"))
    assert raw["workspace"] == {"shown": "fxy"}
    assert raw["xy"]["steps_taken"] == 7 and raw["xy"]["point"] == [0.75, -1.25]
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    a, b = _xy(before), _xy(fresh)
    assert fresh.state("workspace").get("shown") == "fxy"
    assert b.values() == a.values()
    assert b.point == a.point
    assert len(b.descent.runs) == 2
    for old, new in zip(a.descent.runs, b.descent.runs, strict=True):
        assert new.iterates == old.iterates and new.status == old.status


def test_a_file_without_the_xy_part_opens_its_defaults_and_the_f_x_workspace() -> None:
    obj = json.loads(sf.dump(_custom()))
    del obj["xy"], obj["workspace"]
    fresh = _custom()
    sf.apply(sf.loads(json.dumps(obj)), fresh)
    assert _xy(fresh).values() == _xy(Session()).values()
    assert fresh.state("workspace").get("shown") == "fx"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("point", [1.0], "xy.point must be a list of 2"),
        ("point", [1.0, 1e300], "xy.point[1]"),
        ("x_range", [2.0, 1.0], "xy.x_range"),
        ("visible", ["heatmap", "bogus"], "unknown item bogus"),
        ("parameters", {"y": {"value": 1.0, "lo": 0.0, "hi": 2.0}}, "not a single letter"),
        ("start", [0.0, "1"], "xy.start[1] must be a number"),
        ("steps_taken", -1, "xy.steps_taken"),
        ("expression", 3, "xy.expression must be text"),
    ],
)
def test_bad_values_are_refused_naming_them_and_nothing_changes(key, value, words) -> None:
    obj = json.loads(sf.dump(Session()))
    obj["xy"][key] = value
    with pytest.raises(sf.SessionFileError) as err:
        sf.loads(json.dumps(obj))
    assert words in str(err.value)


def test_a_bad_workspace_name_is_refused() -> None:
    obj = json.loads(sf.dump(Session()))
    obj["workspace"]["shown"] = "../../etc"
    with pytest.raises(sf.SessionFileError) as err:
        sf.loads(json.dumps(obj))
    assert "workspace" in str(err.value)


def test_an_invalid_expression_in_a_file_is_shown_as_typed_with_its_error() -> None:
    obj = json.loads(sf.dump(Session()))
    obj["xy"]["expression"] = "x^^2"
    obj["xy"]["steps_taken"] = 5
    fresh = Session()
    sf.apply(sf.loads(json.dumps(obj)), fresh)
    st = _xy(fresh)
    assert st.text == "x^^2" and isinstance(st.error, ExpressionError)
    assert st.descent.runs == ()


def test_a_copy_for_the_export_shows_the_same_runs() -> None:
    source = _custom()
    copy = Session()
    copy.mirror(source)
    assert _xy(copy).descent.runs is _xy(source).descent.runs
    assert _xy(copy).values() == _xy(source).values()
