"""The derivation's part of the session: the step pointed at (not saved) and whether the
plot draws it (saved, checked like every setting)."""

from __future__ import annotations

import json

import pytest

from derivview.model import session_file as sf
from derivview.model.calculus import analyze
from derivview.model.expr import parse
from derivview.model.labs.steps import derive
from derivview.model.session import Session
from derivview.model.state.registry import part


def _session(text: str) -> Session:
    s = Session()
    s.set_text(text)
    s.apply_function(text, analyze(text))
    return s


def test_pointing_at_a_step_announces_once_and_a_new_text_forgets_it():
    s = _session("x^2 sin(x)")
    state = s.state("steps")
    seen: list[object] = []
    state.focus_changed.connect(lambda: seen.append(state.step))
    step = derive(parse(s.text)).steps[2]  # sin(x)
    state.point_at(s.text, step)
    state.point_at(s.text, step)  # the same step again: no news
    assert seen == [step] and state.span() == (4, 10)
    assert s.text[slice(*state.span())] == "sin(x)"
    s.set_text("cos(x)")  # typing makes the step stale at once
    assert state.step is None and seen == [step, None]


def test_pointing_does_not_mark_the_session_modified():
    s = _session("x^2")
    s.mark_saved()
    s.state("steps").point_at(s.text, derive(parse(s.text)).steps[0])
    assert not s.modified
    s.state("steps").set(draw_on_plot=False)  # a setting does
    assert s.modified


def test_the_setting_round_trips_through_a_session_file_and_bad_values_are_refused():
    s = _session("x^2")
    s.state("steps").set(draw_on_plot=False)
    obj = json.loads(sf.dump(s))
    assert obj["steps"] == {"draw_on_plot": False}
    fresh = Session()
    sf.apply(sf.loads(json.dumps(obj)), fresh)
    assert fresh.state("steps").get("draw_on_plot") is False
    obj["steps"]["draw_on_plot"] = "yes"
    with pytest.raises(sf.SessionFileError, match=r"steps\.draw_on_plot"):
        sf.loads(json.dumps(obj))
    del obj["steps"]
    assert sf.loads(json.dumps(obj))["steps"] == part("steps").defaults() == {"draw_on_plot": True}
