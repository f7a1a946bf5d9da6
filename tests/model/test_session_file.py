"""Session files: a round trip restores everything; bad files are refused cleanly."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivview.model import session_file as sf
from derivview.model.session import EXTRA_ITEMS, ITEMS, ParamSpec, Session


def _state(s: Session) -> tuple[Any, ...]:
    """Everything a session file holds, as plain values (for 'untouched' comparisons)."""
    d = s.descent
    return (
        s.text,
        s.x0,
        s.x_range,
        s.y_range,
        dict(s.params),
        s.visible,
        s.secant_h,
        d.configs,
        d.start,
        d.max_steps,
        d.tol,
        d.compare,
    )


def _custom_session() -> Session:
    s = Session()
    s.set_text("a x^2 + b")
    s.set_param_range("a", -3.0, 7.0)
    s.set_param("a", 2.5)
    s.set_param("b", -0.75)
    s.set_x0(0.625)
    s.set_view((-2.0, 3.0), (-1.0, 4.5))
    s.set_visible_items({"f", "df", "secant", "concavity"})
    s.set_secant_h(0.25)
    s.descent.set_config(0, method="momentum", learning_rate=0.05, beta=0.8)
    s.descent.set_config(1, method="gd", learning_rate=0.2, beta=0.5)
    s.descent.set_start(2.5)
    s.descent.set_max_steps(250)
    s.descent.set_tol(1e-6)
    s.descent.set_compare(True)
    return s


def _valid_obj() -> dict[str, Any]:
    return json.loads(sf.dump(Session()))


# -- round trip ---------------------------------------------------------------------------


def test_round_trip_restores_everything(tmp_path: Path) -> None:
    path = tmp_path / "s.derivview"
    sf.save(_custom_session(), path)
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    assert fresh.text == "a x^2 + b"
    assert fresh.params["a"] == ParamSpec(2.5, -3.0, 7.0)
    assert fresh.params["b"] == ParamSpec(-0.75, -5.0, 5.0)
    assert fresh.x0 == 0.625
    assert fresh.x_range == (-2.0, 3.0)
    assert fresh.y_range == (-1.0, 4.5)
    assert fresh.visible == frozenset({"f", "df", "secant", "concavity"})
    assert fresh.secant_h == 0.25
    d = fresh.descent
    assert (d.configs[0].method, d.configs[0].learning_rate, d.configs[0].beta) == (
        "momentum",
        0.05,
        0.8,
    )
    assert (d.configs[1].method, d.configs[1].learning_rate, d.configs[1].beta) == (
        "gd",
        0.2,
        0.5,
    )
    assert (d.start, d.max_steps, d.tol, d.compare) == (2.5, 250, 1e-6, True)


def test_file_is_tagged_json_with_version(tmp_path: Path) -> None:
    path = tmp_path / "s.derivview"
    sf.save(Session(), path)
    obj = json.loads(path.read_text(encoding="utf-8"))
    assert obj["format"] == "derivview-session"
    assert obj["version"] == 1
    assert obj["expression"] == "x^3 - 3x"
    assert obj["y_range"] is None


def test_y_range_none_round_trips(tmp_path: Path) -> None:
    s = Session()
    s.set_view((-1.0, 1.0), None)
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    assert sf.load(path).y_range is None


def test_apply_is_one_batch() -> None:
    data = sf.loads(sf.dump(_custom_session()))
    s = Session()
    counts = {"text": 0, "view": 0, "params": 0, "x0": 0, "visible": 0}
    s.text_changed.connect(lambda *_: counts.__setitem__("text", counts["text"] + 1))
    s.view_changed.connect(lambda *_: counts.__setitem__("view", counts["view"] + 1))
    s.params_changed.connect(lambda *_: counts.__setitem__("params", counts["params"] + 1))
    s.x0_changed.connect(lambda *_: counts.__setitem__("x0", counts["x0"] + 1))
    s.visibility_changed.connect(lambda *_: counts.__setitem__("visible", counts["visible"] + 1))
    sf.apply(data, s)
    assert counts == {"text": 1, "view": 1, "params": 1, "x0": 1, "visible": 1}


def test_parameters_missing_from_the_file_go_back_to_defaults() -> None:
    data = sf.loads(sf.dump(Session()))  # no parameters
    s = Session()
    s.set_param_range("a", -10.0, 10.0)
    s.set_param("a", 8.0)
    sf.apply(data, s)
    assert s.params["a"] == ParamSpec(1.0, -5.0, 5.0)


def test_descent_object_may_be_absent() -> None:
    obj = _valid_obj()
    del obj["descent"]
    data = sf.loads(json.dumps(obj))
    assert data.descent == sf.DescentData()


# -- atomic saving ------------------------------------------------------------------------


def test_save_replaces_only_with_a_complete_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.derivview"
    path.write_text("old content", encoding="utf-8")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(sf.SessionFileError, match="No space left on device"):
        sf.save(Session(), path)
    assert path.read_text(encoding="utf-8") == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.derivview"]


def test_save_failure_during_write_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(sf.SessionFileError, match="Input/output error"):
        sf.save(Session(), tmp_path / "s.derivview")
    assert list(tmp_path.iterdir()) == []


def test_save_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(sf.SessionFileError, match="does not exist"):
        sf.save(Session(), tmp_path / "nope" / "s.derivview")
    assert list(tmp_path.iterdir()) == []


def test_save_under_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(sf.SessionFileError, match="not a folder"):
        sf.save(Session(), tmp_path / "file" / "s.derivview")


def test_save_over_existing_file_replaces_it(tmp_path: Path) -> None:
    path = tmp_path / "s.derivview"
    sf.save(Session(), path)
    s = Session()
    s.set_text("x^2")
    sf.save(s, path)
    assert sf.load(path).expression == "x^2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.derivview"]


# -- refusing bad files -------------------------------------------------------------------


def _with(**changes: Any) -> bytes:
    obj = _valid_obj()
    for key, value in changes.items():
        if value is _DELETE:
            del obj[key]
        else:
            obj[key] = value
    return json.dumps(obj).encode()


_DELETE = object()
_VALID = sf.dump(Session())

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "not a valid session file"),
    "truncated": (_VALID[: len(_VALID) // 2].encode(), "not a valid session file"),
    "nan": (_VALID.replace('"x0": 1.5', '"x0": NaN').encode(), "NaN"),
    "infinity": (_VALID.replace('"x0": 1.5', '"x0": Infinity').encode(), "Infinity"),
    "minus infinity": (_VALID.replace('"x0": 1.5', '"x0": -Infinity').encode(), "Infinity"),
    "overflowing number": (_VALID.replace('"x0": 1.5', '"x0": 1e999').encode(), "out of range"),
    "huge integer": (_VALID.replace('"x0": 1.5', '"x0": ' + "9" * 5000).encode(), "too long"),
    "duplicate key": (
        _VALID.replace('"x0": 1.5', '"x0": 1.5, "x0": 2.5').encode(),
        "appears twice",
    ),
    "deep nesting": (b"[" * 10_000 + b"]" * 10_000, "nested more than"),
    "deep nesting in a value": (
        _VALID.replace('"y_range": null', '"y_range": ' + "[" * 5000 + "]" * 5000).encode(),
        "nested more than",
    ),
    "not utf-8": (b'{"format": "\xff\xfe"}', "not UTF-8"),
    "a list": (b"[1, 2, 3]", "not a derivview session file"),
    "unknown format": (_with(format="something-else"), "format 'something-else'"),
    "no format": (_with(format=_DELETE), "not a derivview session file"),
    "future version": (
        _with(version=7),
        "made by a newer derivview (version 7); this one reads version 1",
    ),
    "version as text": (_with(version="1"), "whole number"),
    "missing expression": (_with(expression=_DELETE), "lacks 'expression'"),
    "missing x_range": (_with(x_range=_DELETE), "lacks 'x_range'"),
    "expression not text": (_with(expression=42), '"expression" must be text'),
    "x0 as text": (_with(x0="1.5"), '"x0" must be a number, not text'),
    "x0 as bool": (_with(x0=True), '"x0" must be a number'),
    "x0 too large": (_with(x0=1e300), "within"),
    "x_range one number": (_with(x_range=[1.0]), "two numbers"),
    "x_range reversed": (_with(x_range=[2.0, 1.0]), "less than"),
    "y_range text": (_with(y_range="auto"), "two numbers"),
    "parameters as list": (_with(parameters=[1, 2]), '"parameters" must be an object'),
    "parameter bad name": (
        _with(parameters={"ab": {"value": 1, "lo": 0, "hi": 2}}),
        "single letter",
    ),
    "parameter x": (_with(parameters={"x": {"value": 1, "lo": 0, "hi": 2}}), "single letter"),
    "parameter outside range": (
        _with(parameters={"a": {"value": 9, "lo": 0, "hi": 2}}),
        "outside its range",
    ),
    "parameter missing hi": (_with(parameters={"a": {"value": 1, "lo": 0}}), 'lacks "hi"'),
    "visible as text": (_with(visible="f"), '"visible" must be a list'),
    "unknown item": (_with(visible=["f", "rainbow"]), "unknown item 'rainbow'"),
    "secant zero": (_with(secant_h=0), "must not be 0"),
    "unknown key": (_with(extra=1), "unknown key 'extra'"),
    "descent bad method": (
        _with(descent={"method": "adam"}),
        "method must be one of gd, momentum, newton",
    ),
    "descent negative rate": (_with(descent={"learning_rate": -1}), "learning_rate"),
    "descent steps float": (_with(descent={"max_steps": 10.5}), "whole number"),
    "descent beta 1": (_with(descent={"beta": 1.0}), "beta"),
    "descent compare text": (_with(descent={"compare": "yes"}), "true or false"),
    "hostile __import__": (_with(expression="__import__('os')"), "is not valid"),
    "hostile dunder chain": (_with(expression="().__class__.__bases__[0]"), "is not valid"),
    "hostile lambda": (_with(expression="lambda: 0"), "is not valid"),
    # (9^9^9 is no longer refused: too large to represent is an answer, not an error)
    "huge literal": (_with(expression="1e999"), "is not valid"),
    "too long expression": (_with(expression="x+" * 2000 + "x"), "too long"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_refused_and_session_untouched(name: str, tmp_path: Path) -> None:
    content, message = BAD_FILES[name]
    path = tmp_path / "bad.derivview"
    path.write_bytes(content)
    s = _custom_session()
    s.mark_saved()
    before = _state(s)
    with pytest.raises(sf.SessionFileError) as info:
        sf.apply(sf.load(path), s)
    assert message in str(info.value)
    assert str(info.value).startswith("bad.derivview: ")
    assert "\n" not in str(info.value)
    assert _state(s) == before
    assert s.modified is False


def test_50_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.derivview"
    with open(path, "wb") as fh:  # sparse: no 50 MB written on the test machine
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(sf.SessionFileError, match="file too large"):
        sf.load(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(sf.SessionFileError, match="cannot read"):
        sf.load(tmp_path / "nope.derivview")
    with pytest.raises(sf.SessionFileError, match="is a folder"):
        sf.load(tmp_path)


def test_bom_is_accepted() -> None:
    assert sf.loads(b"\xef\xbb\xbf" + _VALID.encode()).expression == "x^3 - 3x"


def test_non_finite_state_is_not_saved(tmp_path: Path) -> None:
    s = Session()
    s.x0 = float("nan")  # bypassing the setter: dump must still refuse, not write NaN
    with pytest.raises(sf.SessionFileError):
        sf.save(s, tmp_path / "s.derivview")
    assert list(tmp_path.iterdir()) == []


EXAMPLES = sorted((Path(__file__).parents[2] / "resources" / "sessions").glob("*.derivview"))


def test_there_are_example_sessions() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_sessions_open(path: Path) -> None:
    data = sf.load(path)
    s = Session()
    sf.apply(data, s)
    assert s.text == data.expression


# -- any valid session round-trips exactly ---------------------------------------------------


_coord = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
_items = st.frozensets(st.sampled_from(sorted(ITEMS + EXTRA_ITEMS)))


@st.composite
def sessions(draw: Any) -> Session:
    s = Session()
    s.set_text(draw(st.sampled_from(["x^2", "a sin(b x)", "|x - c|", "sigmoid(k x)", "e^x"])))
    for name in draw(st.sets(st.sampled_from("abck"), max_size=3)):
        lo = draw(_coord)
        hi = lo + draw(st.floats(min_value=1e-3, max_value=1e3))
        s.set_param_range(name, lo, hi)
        s.set_param(name, draw(st.floats(min_value=lo, max_value=hi)))
    s.set_x0(draw(_coord))
    lo = draw(_coord)
    y = draw(st.none() | st.tuples(_coord, st.floats(min_value=1e-3, max_value=1e3)))
    s.set_view((lo, lo + draw(st.floats(min_value=1e-3, max_value=1e3))), y and (y[0], y[0] + y[1]))
    s.set_visible_items(draw(_items))
    s.set_secant_h(draw(st.floats(min_value=1e-6, max_value=1e3)) * draw(st.sampled_from([1, -1])))
    s.descent.set_config(
        0,
        method=draw(st.sampled_from(["gd", "momentum", "newton"])),
        learning_rate=draw(st.floats(min_value=1e-4, max_value=10)),
        beta=draw(st.floats(min_value=0, max_value=0.999)),
    )
    s.descent.set_start(draw(_coord))
    s.descent.set_max_steps(draw(st.integers(min_value=1, max_value=100_000)))
    s.descent.set_compare(draw(st.booleans()))
    return s


@settings(max_examples=100, deadline=None)
@given(sessions())
def test_any_session_round_trips_exactly(s: Session) -> None:
    fresh = Session()
    sf.apply(sf.loads(sf.dump(s)), fresh)
    assert _state(fresh) == _state(s)
