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
from derivview.model.descent.config import DescentConfig
from derivview.model.session import EXTRA_ITEMS, ITEMS, ParamSpec, Session
from derivview.model.state.core import MAX_TEXT_CHARS
from derivview.model.state.registry import PARTS, part


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


def _custom_obj() -> dict[str, Any]:
    return json.loads(sf.dump(_custom_session()))


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


def test_file_is_tagged_json_with_version_and_one_object_per_part(tmp_path: Path) -> None:
    path = tmp_path / "s.derivview"
    sf.save(Session(), path)
    obj = json.loads(path.read_text(encoding="utf-8"))
    assert obj["format"] == "derivview-session"
    assert obj["version"] == 2
    assert set(obj) == {"format", "version", "generator", *(p.key for p in PARTS)}
    assert obj["function"] == {"expression": "x^3 - 3x", "parameters": {}}
    assert obj["view"] == {"x0": 1.5, "x_range": [-4.0, 4.0], "y_range": None}
    assert obj["secant"] == {"h": 0.5}
    assert obj["descent"]["configs"][1] == {"method": "newton", "learning_rate": 0.1, "beta": 0.9}


def test_y_range_none_round_trips(tmp_path: Path) -> None:
    s = Session()
    s.set_view((-1.0, 1.0), None)
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    assert sf.load(path)["view"]["y_range"] is None


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


@pytest.mark.parametrize("key", [p.key for p in PARTS])
def test_a_part_may_be_absent_and_takes_its_defaults(key: str) -> None:
    obj = _valid_obj()
    del obj[key]
    data = sf.loads(json.dumps(obj))
    assert data[key] == part(key).defaults()


def test_a_field_may_be_absent_and_takes_its_default() -> None:
    obj = _custom_obj()
    del obj["view"]["y_range"], obj["descent"]["tol"]
    data = sf.loads(json.dumps(obj))
    assert data["view"]["y_range"] is None and data["descent"]["tol"] == 1e-8
    assert data["view"]["x0"] == 0.625  # the others as in the file


# -- atomic saving ------------------------------------------------------------------------


def test_save_replaces_only_with_a_complete_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "s.derivview"
    path.write_text("old content", encoding="utf-8")

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(sf.SessionFileError, match="the disk is full"):
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
    assert sf.load(path)["function"]["expression"] == "x^2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.derivview"]


# -- refusing bad files -------------------------------------------------------------------


def _with(**changes: Any) -> bytes:
    """A valid file with top-level keys changed (``_DELETE`` removes one)."""
    obj = _valid_obj()
    for key, value in changes.items():
        if value is _DELETE:
            del obj[key]
        else:
            obj[key] = value
    return json.dumps(obj).encode()


def _field(key: str, **changes: Any) -> bytes:
    """A valid file with fields of part ``key`` changed (``_DELETE`` removes one)."""
    obj = _valid_obj()
    for name, value in changes.items():
        if value is _DELETE:
            del obj[key][name]
        else:
            obj[key][name] = value
    return json.dumps(obj).encode()


def _config(**changes: Any) -> bytes:
    """A valid file with the first descent configuration changed."""
    obj = _valid_obj()
    config = obj["descent"]["configs"][0]
    for name, value in changes.items():
        if value is _DELETE:
            del config[name]
        else:
            config[name] = value
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
        "made by a newer derivview (version 7); this one reads version 2",
    ),
    "version as text": (_with(version="1"), "whole number"),
    "version 0": (_with(version=0), "unknown session file version 0"),
    "unknown part": (_with(rainbow={}), "unknown key 'rainbow'"),
    "part not an object": (_with(view=[1.5]), "view must be an object"),
    "unknown field": (_field("view", zoom=2), "unknown key 'zoom' in view"),
    "expression not text": (_field("function", expression=42), "function.expression must be text"),
    "expression too long to hold": (
        _field("function", expression="x" * (MAX_TEXT_CHARS + 1)),
        "too long",
    ),
    "x0 as text": (_field("view", x0="1.5"), "view.x0 must be a number, not text"),
    "x0 as bool": (_field("view", x0=True), "view.x0 must be a number"),
    "x0 too large": (_field("view", x0=1e300), "within ±1e12"),
    "x_range one number": (_field("view", x_range=[1.0]), "two numbers"),
    "x_range reversed": (_field("view", x_range=[2.0, 1.0]), "less than"),
    "x_range too narrow": (_field("view", x_range=[1.0, 1.0 + 1e-12]), "too narrow"),
    "y_range text": (_field("view", y_range="auto"), "two numbers"),
    "parameters as list": (_field("function", parameters=[1, 2]), "must be an object"),
    "parameter bad name": (
        _field("function", parameters={"ab": {"value": 1, "lo": 0, "hi": 2}}),
        "single letter",
    ),
    "parameter x": (
        _field("function", parameters={"x": {"value": 1, "lo": 0, "hi": 2}}),
        "single letter",
    ),
    "parameter outside range": (
        _field("function", parameters={"a": {"value": 9, "lo": 0, "hi": 2}}),
        "outside its range",
    ),
    "parameter beyond 1e12": (
        _field("function", parameters={"a": {"value": 1e13, "lo": -5, "hi": 1e13}}),
        "within ±1e12",
    ),
    "parameter missing hi": (
        _field("function", parameters={"a": {"value": 1, "lo": 0}}),
        'lacks "hi"',
    ),
    "visible as text": (_field("items", visible="f"), "must be a list"),
    "unknown item": (_field("items", visible=["f", "rainbow"]), "unknown item rainbow"),
    "secant zero": (_field("secant", h=0), "must not be 0"),
    "secant huge": (_field("secant", h=1e7), "within ±1e6"),
    "descent bad method": (
        _config(method="adam"),
        "method must be one of gd, momentum, newton",
    ),
    "descent negative rate": (_config(learning_rate=-1), "learning_rate must be positive"),
    "descent rate too large": (_config(learning_rate=5000), "between 1e-8 and 1000"),
    "descent config missing beta": (_config(beta=_DELETE), 'lacks "beta"'),
    "descent one config": (
        _field("descent", configs=[{"method": "gd", "learning_rate": 0.1, "beta": 0.9}]),
        "list of 2",
    ),
    "descent steps float": (_field("descent", max_steps=10.5), "whole number"),
    "descent beta 1": (_config(beta=1.0), "beta"),
    "descent compare text": (_field("descent", compare="yes"), "true or false"),
    "descent tol 1": (_field("descent", tol=1.0), "tol"),
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
    data = sf.loads(b"\xef\xbb\xbf" + _VALID.encode())
    assert data["function"]["expression"] == "x^3 - 3x"


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
    assert s.text == data["function"]["expression"]
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == sf.VERSION


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
        learning_rate=draw(st.floats(min_value=1e-8, max_value=1e3)),
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


# -- the expression is text: whatever was in the editor reopens as it was ---------------------

TEXTS = [
    "sin(",  # incomplete
    "foo(x)",  # an unknown function
    "x" * 1001,  # longer than the language allows (1,000 characters)
    "x+" * 2000 + "x",
    "__import__('os').system('echo owned')",  # hostile: never executed
    "().__class__.__bases__[0]",
    "lambda: 0",
    "9^9^9",
    "",
    "x² sin(x) − π·k",
    "x" * MAX_TEXT_CHARS,  # the most a session holds
]


@pytest.mark.parametrize("text", TEXTS, ids=[t[:20] or "empty" for t in TEXTS])
def test_any_text_a_session_holds_reopens_as_it_was(text: str, tmp_path: Path) -> None:
    s = _custom_session()
    s.set_text(text)
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    assert fresh.text == text
    assert _state(fresh)[1:] == _state(s)[1:]  # and everything else


def test_loading_never_parses_the_expression(monkeypatch, tmp_path: Path) -> None:
    # The parser is the one validator of expressions, run by whoever computes f; a file
    # is only stored text (and opening one imports no parser at all).
    import sys

    path = tmp_path / "s.derivview"
    s = Session()
    s.set_text("__import__('os')")
    sf.save(s, path)
    monkeypatch.setitem(sys.modules, "derivview.model.expression", None)  # import fails
    assert sf.load(path)["function"]["expression"] == "__import__('os')"


def test_one_text_limit_for_the_session_the_file_and_the_editor() -> None:
    from derivview.model.expression import MAX_LENGTH

    s = Session()
    with pytest.raises(ValueError, match="too long"):
        s.set_text("x" * (MAX_TEXT_CHARS + 1))
    # The session holds more than the language accepts: the rest is the parser's error.
    assert MAX_LENGTH < MAX_TEXT_CHARS


# -- files saved by version 1 open identically --------------------------------------------

V1 = Path(__file__).parent / "data" / "v1"
V1_FILES = sorted(V1.glob("*.derivview"))


def _plain_state(s: Session) -> dict[str, Any]:
    d = s.descent
    return {
        "text": s.text,
        "x0": s.x0,
        "x_range": list(s.x_range),
        "y_range": None if s.y_range is None else list(s.y_range),
        "params": {k: [p.value, p.lo, p.hi] for k, p in sorted(s.params.items())},
        "visible": sorted(s.visible),
        "secant_h": s.secant_h,
        "configs": [[c.method, c.learning_rate, c.beta] for c in d.configs],
        "start": d.start,
        "max_steps": d.max_steps,
        "tol": d.tol,
        "compare": d.compare,
    }


def test_there_are_version_1_files() -> None:
    assert len(V1_FILES) >= 3
    for path in V1_FILES:
        assert json.loads(path.read_text(encoding="utf-8"))["version"] == 1


@pytest.mark.parametrize("path", V1_FILES, ids=[p.stem for p in V1_FILES])
def test_a_version_1_file_opens_identically(path: Path, tmp_path: Path) -> None:
    """Files saved by version 1 (commit 436f3e2); the .expected.json beside each was
    written by that code from the session it saved."""
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    s = Session()
    sf.apply(sf.load(path), s)
    assert _plain_state(s) == expected
    # Saved again, it is a version-2 file holding the same.
    again = tmp_path / "again.derivview"
    sf.save(s, again)
    fresh = Session()
    sf.apply(sf.load(again), fresh)
    assert _plain_state(fresh) == expected


V1_BAD: dict[str, tuple[dict[str, Any], str]] = {
    "missing expression": ({"expression": _DELETE}, "lacks 'expression'"),
    "missing x_range": ({"x_range": _DELETE}, "lacks 'x_range'"),
    "x0 as text": ({"x0": "1.5"}, '"x0" must be a number, not text'),
    "secant zero": ({"secant_h": 0}, '"secant_h" must not be 0'),
    "unknown key": ({"extra": 1}, "unknown key 'extra'"),
    "descent bad method": ({"descent": {"method": "adam"}}, "method must be one of"),
    "descent unknown key": ({"descent": {"speed": 2}}, "unknown key 'speed' in \"descent\""),
    "descent compare_with bad": (
        {"descent": {"compare_with": {"method": "sgd"}}},
        "method must be one of",
    ),
    "descent steps float": ({"descent": {"max_steps": 10.5}}, "whole number"),
}


@pytest.mark.parametrize("name", sorted(V1_BAD))
def test_a_bad_version_1_file_is_refused_naming_its_keys(name: str) -> None:
    obj = json.loads((V1 / "custom.derivview").read_text(encoding="utf-8"))
    changes, message = V1_BAD[name]
    for key, value in changes.items():
        if value is _DELETE:
            del obj[key]
        else:
            obj[key] = value
    with pytest.raises(sf.SessionFileError) as info:
        sf.loads(json.dumps(obj))
    assert message in str(info.value)


# -- each part round-trips on its own -------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(sessions())
def test_each_part_round_trips(s: Session) -> None:
    for p in PARTS:
        fresh = Session()
        with fresh.batch():
            p.write(fresh, p.from_json(json.loads(json.dumps(p.to_json(s))), str))
        assert p.read(fresh) == p.read(s), p.key
        # and only that part changed
        for other in PARTS:
            if other is not p:
                assert other.read(fresh) == other.read(Session()), (p.key, other.key)


def test_descent_configs_are_one_type() -> None:
    data = sf.loads(sf.dump(_custom_session()))
    assert data["descent"]["configs"] == (
        DescentConfig("momentum", 0.05, 0.8),
        DescentConfig("gd", 0.2, 0.5),
    )
