"""The numerical-differentiation and deep-chain state parts: saved, opened, refused,
set from the command line; the gradient check held on the session and dropped when f
changes."""

from __future__ import annotations

import json

import pytest

from derivview.model import session_file as sf
from derivview.model.session import Session
from derivview.model.state.fields import Invalid
from derivview.model.state.registry import part


def test_numdiff_and_depth_round_trip_through_a_session_file() -> None:
    s = Session()
    s.state("numdiff").set(h=1e-11)
    s.state("depth").set(
        activation="tanh", depth=137, weight=-1.5, bias=0.25, x=-3.0, follow_x0=False,
        clip=True, clip_norm=5.0,
    )  # fmt: skip
    data = json.loads(sf.dump(s))
    assert data["numdiff"] == {"h": 1e-11}
    assert data["depth"]["activation"] == "tanh" and data["depth"]["depth"] == 137
    fresh = Session()
    sf.apply(sf.loads(sf.dump(s)), fresh)
    assert fresh.state("numdiff").values() == {"h": 1e-11}
    assert fresh.state("depth").values() == s.state("depth").values()


@pytest.mark.parametrize(
    ("key", "values", "message"),
    [
        ("numdiff", {"h": 0}, "positive"),
        ("numdiff", {"h": 2.0}, "between 1e-16 and 1"),
        ("numdiff", {"h": 1e-17}, "between 1e-16 and 1"),
        ("depth", {"depth": 0}, "between 1 and 200"),
        ("depth", {"depth": 201}, "between 1 and 200"),
        ("depth", {"depth": 2.5}, "whole number"),
        ("depth", {"activation": "swish"}, "one of sigmoid, tanh, relu, linear"),
        ("depth", {"weight": 1e7}, "within ±1e6"),
        ("depth", {"clip_norm": 0}, "positive"),
        ("depth", {"follow_x0": "yes"}, "true or false"),
    ],
)
def test_bad_values_are_refused_naming_the_field(key: str, values: dict, message: str) -> None:
    with pytest.raises(Invalid, match=message):
        Session().state(key).set(**values)
    with pytest.raises(Invalid, match=message) as info:
        part(key).from_json(values, lambda name: f'"{key}.{name}"' if name else f'"{key}"')
    assert f'"{key}.{next(iter(values))}"' in str(info.value)


def test_a_file_without_the_labs_opens_with_their_defaults() -> None:
    s = Session()
    data = json.loads(sf.dump(s))
    del data["numdiff"], data["depth"]
    fresh = Session()
    fresh.state("depth").set(depth=3)
    sf.apply(sf.loads(json.dumps(data)), fresh)
    assert fresh.state("depth").get("depth") == 20
    assert fresh.state("numdiff").get("h") == 1e-3


def test_the_launch_options_set_the_labs() -> None:
    from derivview.commands.common import UsageError
    from derivview.launch import parse_launch_args
    from derivview.model.state.options import apply_values

    options, _ = parse_launch_args(["--activation", "relu", "--depth", "7", "--numdiff-h", "1e-9"])
    s = Session()
    apply_values(s, options.values)
    assert s.state("depth").get("activation") == "relu" and s.state("depth").get("depth") == 7
    assert s.state("numdiff").get("h") == 1e-9
    with pytest.raises(UsageError, match="--depth must be between 1 and 200"):
        parse_launch_args(["--depth", "500"])


def test_a_launch_with_no_options_gives_none_and_reopens_the_last_session() -> None:
    from derivview.launch import parse_launch_args

    options, wants_version = parse_launch_args([])
    assert options.values == {} and options.session is None and not wants_version
    assert options.bare and options.x_range is None


def test_a_change_marks_the_session_modified() -> None:
    s = Session()
    s.mark_saved()
    s.state("depth").set(weight=2.0)
    assert s.modified


def test_the_gradient_check_is_held_and_dropped_when_f_changes() -> None:
    from derivview.model.calculus import analyze

    s = Session()
    s.set_text("a x^3 - 3x")
    s.apply_function(s.text, analyze(s.text))
    state = s.state("numdiff")
    seen = []
    state.check_changed.connect(lambda: seen.append(state.check))
    check = state.run_check(s.function, s.param_values(), -4.0, 4.0)
    assert check.verdict == "agree" and state.check is check and seen == [check]
    assert state.check_function is s.function
    s.set_param("a", 2.0)  # another f: the check says nothing about it
    assert state.check is None and seen == [check, None]
    state.run_check(s.function, s.param_values(), -1.0, 1.0)
    s.set_text("relu(x)")
    s.apply_function(s.text, analyze(s.text))
    assert state.check is None


def test_the_check_skips_the_points_without_a_derivative() -> None:
    from derivview.model.calculus import analyze

    s = Session()
    s.set_text("|x - 1| + relu(x)")
    s.apply_function(s.text, analyze(s.text))
    check = s.state("numdiff").run_check(s.function, {}, -4.0, 4.0)
    # x = 0 and x = 1 are samples of linspace(−4, 4, 2001): both skipped.
    assert check.verdict == "agree" and check.skipped_kinks == 2
    assert check.h == 1e-5  # the seed's h
