"""State declared once: fields and their rules, and a lab's part registered in one place.

The truth here is written out by hand: what each rule accepts and refuses, and what a
part registered in the registry gets for free (session state, files, command lines).
"""

from __future__ import annotations

import argparse
import json
import math

import pytest

from derivview.model import session_file as sf
from derivview.model.session import Session
from derivview.model.state import registry
from derivview.model.state.fields import (
    Choice,
    Field,
    Flag,
    Interval,
    Invalid,
    ItemSet,
    ListOf,
    NameMap,
    Number,
    Option,
    Optional,
    Record,
    Text,
    Whole,
)
from derivview.model.state.options import add_options, apply_values, given_values
from derivview.model.state.part import SettingsPart

# -- the rules ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "good", "bad", "words"),
    [
        (Number(-1e12, 1e12), [0, -1e12, 1e12, 2.5, 7], [1e13, -1.1e12], "within ±1e12"),
        (Number(0.0, 1.0, hi_open=True), [0.0, 0.999], [1.0, -0.1], "in [0, 1)"),
        (Number(0.0, 1.0, lo_open=True, hi_open=True), [1e-300, 0.5], [0.0, -1.0], "positive"),
        (Number(1e-8, 1e3), [1e-8, 1000], [0, -3], "must be positive"),
        (Number(1e-8, 1e3), [], [1e-9, 1001], "between 1e-8 and 1000"),
        (Number(-1e6, 1e6, nonzero=True), [-1e6, 1e-300], [0.0], "must not be 0"),
        (Whole(1, 100_000), [1, 100_000], [0, 100_001], "between 1 and 100000"),
        (Whole(1, 10), [], [2.5, True, "3"], "whole number"),
        (Flag(), [True, False], [1, "yes", None], "true or false"),
        (Choice(("gd", "newton")), ["gd"], ["adam", 1], "one of gd, newton"),
        (Text(5), ["", "12345"], ["123456"], "too long (6 characters; at most 5)"),
        (Text(5), [], [42], "must be text"),
    ],
)
def test_each_rule_accepts_and_refuses_what_it_says(kind, good, bad, words) -> None:
    for value in good:
        assert kind.check(value, "it") == value
    for value in bad:
        with pytest.raises(Invalid, match=r"^it") as info:
            kind.check(value, "it")
        assert words in str(info.value), value


def test_numbers_are_finite_floats_never_bools() -> None:
    n = Number(-10, 10)
    assert type(n.check(3, "n")) is float and math.copysign(1, n.check(-0.0, "n")) == 1
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(Invalid, match="finite"):
            n.check(bad, "n")
    with pytest.raises(Invalid, match="must be a number, not true/false"):
        n.check(True, "n")


def test_an_interval_is_two_ordered_numbers_a_float_can_tell_apart() -> None:
    iv = Interval(1e12, 1e-9)
    assert iv.check([-1, 2], "r") == (-1.0, 2.0)
    assert iv.to_json((-1.0, 2.0)) == [-1.0, 2.0]
    for bad, words in (
        ([1.0], "two numbers"),
        ((2.0, 1.0), "less than"),
        ((1.0, 1.0 + 1e-12), "too narrow"),
        ((0.0, 2e12), "within ±1e12"),
        ("0 1", "two numbers"),
    ):
        with pytest.raises(Invalid, match=words):
            iv.check(bad, "r")
    assert iv.parse_text(["-3", "−1"], "--xrange") == (-3.0, -1.0)  # a Unicode minus too
    with pytest.raises(Invalid, match="not a finite number"):
        iv.parse_text(["nan", "1"], "--xrange")


def test_an_item_set_is_a_set_of_known_names() -> None:
    items = ItemSet(("f", "df", "grid"))
    assert items.check(["f", "f", "grid"], "show") == frozenset({"f", "grid"})
    assert items.to_json(frozenset({"grid", "f"})) == ["f", "grid"]
    assert items.parse_text(["f, df,,"], "--show") == frozenset({"f", "df"})
    with pytest.raises(Invalid, match="unknown items rainbow, 'x y' in --show"):
        items.parse_text(["f,rainbow,x y"], "--show")
    with pytest.raises(Invalid, match="must be a list"):
        items.from_json("f", "show")  # a string is not a list of names


def test_records_lists_and_maps_name_where_a_value_is_wrong() -> None:
    point = Record(
        fields=(Field("x", Number(-1, 1), 0.0), Field("y", Number(-1, 1), 0.0)),
        build=lambda x, y: (x, y),
    )
    pairs = ListOf(point, 2)
    assert pairs.from_json([{"x": 0.5, "y": -1}, {"x": 0, "y": 0}], "p") == ((0.5, -1.0), (0, 0))
    with pytest.raises(Invalid, match=r"^p\[1\]\.y must be within ±1"):
        pairs.from_json([{"x": 0, "y": 0}, {"x": 0, "y": 2}], "p")
    with pytest.raises(Invalid, match=r'p\[0\] lacks "y"'):
        pairs.from_json([{"x": 0}, {"x": 0, "y": 0}], "p")
    with pytest.raises(Invalid, match="unknown key 'z' in p"):
        pairs.from_json([{"x": 0, "y": 0, "z": 1}, {"x": 0, "y": 0}], "p")
    names = NameMap(Number(0, 1), str.isupper, "a capital")
    assert names.from_json({"A": 1}, "m") == {"A": 1.0}
    with pytest.raises(Invalid, match="m: 'a' is not a capital"):
        names.from_json({"a": 1}, "m")
    assert Optional(Interval()).from_json(None, "y") is None


# -- a lab's part, registered in one place ------------------------------------------------------

LEVEL = Field("level", Whole(1, 9), 3, "level")
MODE = Field("mode", Choice(("slow", "fast")), "slow", "mode")


class _LabPart(SettingsPart):
    """What a lab engineer writes (see derivview/ui/README.md)."""

    key = "lab"
    title = "a lab"
    fields = (LEVEL, MODE)
    options = (Option("--level", "level", LEVEL.kind, "the lab's level"),)


@pytest.fixture
def lab_registered(monkeypatch):
    monkeypatch.setattr(registry, "PARTS", (*registry.PARTS, _LabPart()))


def test_a_registered_part_lives_on_the_session_and_marks_it_modified(lab_registered) -> None:
    s = Session()
    lab = s.state("lab")
    assert lab.values() == {"level": 3, "mode": "slow"}
    changes: list[str] = []
    lab.changed.connect(lambda: changes.append("c"))
    lab.set(level=7, mode="fast")
    assert lab.get("level") == 7 and changes == ["c"] and s.modified
    with pytest.raises(Invalid, match="level must be between 1 and 9"):
        lab.set(level=10, mode="slow")
    assert lab.values() == {"level": 7, "mode": "fast"}  # nothing changed


def test_a_registered_part_is_saved_and_opened_with_the_file(lab_registered, tmp_path) -> None:
    s = Session()
    s.state("lab").set(level=5)
    path = tmp_path / "s.derivview"
    sf.save(s, path)
    assert json.loads(path.read_text(encoding="utf-8"))["lab"] == {"level": 5, "mode": "slow"}
    fresh = Session()
    sf.apply(sf.load(path), fresh)
    assert fresh.state("lab").values() == {"level": 5, "mode": "slow"}
    obj = json.loads(path.read_text(encoding="utf-8"))
    obj["lab"]["level"] = 99
    with pytest.raises(sf.SessionFileError, match=r"lab\.level must be between 1 and 9"):
        sf.loads(json.dumps(obj))
    del obj["lab"]  # a file from before the lab: its defaults
    assert sf.loads(json.dumps(obj))["lab"] == {"level": 3, "mode": "slow"}


def test_a_registered_part_gets_its_command_line_option(lab_registered) -> None:
    parser = argparse.ArgumentParser()
    add_options(parser, registry.PARTS)
    values = given_values(parser.parse_args(["--level", "4", "--x0", "2"]), registry.PARTS)
    assert values == {"lab": {"level": 4}, "view": {"x0": 2.0}}
    s = Session()
    apply_values(s, values)
    assert s.state("lab").get("level") == 4 and s.x0 == 2.0
    with pytest.raises(Invalid, match="--level must be between 1 and 9"):
        given_values(parser.parse_args(["--level", "12"]), registry.PARTS)


def test_a_copy_of_a_session_shows_every_part(lab_registered) -> None:
    s = Session()
    s.state("lab").set(mode="fast")
    s.set_x0(-2.0)
    copy = Session()
    copy.mirror(s)
    assert copy.state("lab").get("mode") == "fast" and copy.x0 == -2.0
