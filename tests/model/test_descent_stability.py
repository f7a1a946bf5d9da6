"""Local stability of gradient descent and momentum, against the recurrences themselves.

On f(x) = (c/2)·x², f″ = c: gradient descent is x ← (1 − ηc)·x, stable iff η < 2/c; the
heavy ball is v ← βv + cx, x ← x − ηv, stable iff η < 2(1 + β)/c. The bounds are checked
against those recurrences run in plain Python (an independent truth), and the sentences
the descent panel shows against hand-written expectations.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivview.model.descent.config import DescentConfig
from derivview.model.descent.stability import (
    learning_rate_limit,
    momentum_bound,
    stability_bound,
    stability_note,
    suggested_learning_rate,
)


def gd_stays_bounded(c: float, eta: float, steps: int = 400) -> bool:
    x = 1.0
    for _ in range(steps):
        x -= eta * c * x
    return abs(x) < 1.0


def heavy_ball_stays_bounded(c: float, eta: float, beta: float, steps: int = 4000) -> bool:
    x, v = 1.0, 0.0
    for _ in range(steps):
        v = beta * v + c * x
        x -= eta * v
    return abs(x) < 1.0


@settings(max_examples=60, deadline=None)
@given(c=st.floats(0.1, 50.0), margin=st.floats(0.05, 0.5))
def test_gradient_descent_bound_is_where_the_recurrence_turns_unstable(c, margin) -> None:
    limit = stability_bound(c)
    assert limit == pytest.approx(2 / c)
    assert gd_stays_bounded(c, limit * (1 - margin))
    assert not gd_stays_bounded(c, limit * (1 + margin))


@settings(max_examples=40, deadline=None)
@given(c=st.floats(0.1, 20.0), beta=st.floats(0.0, 0.9), margin=st.floats(0.1, 0.5))
def test_momentum_bound_is_where_the_heavy_ball_turns_unstable(c, beta, margin) -> None:
    limit = momentum_bound(c, beta)
    assert limit == pytest.approx(2 * (1 + beta) / c)
    assert heavy_ball_stays_bounded(c, limit * (1 - margin), beta)
    assert not heavy_ball_stays_bounded(c, limit * (1 + margin), beta)


@pytest.mark.parametrize("d2f", [None, 0.0, -1.0, float("nan"), float("inf")])
def test_no_bound_where_f_does_not_bend_up(d2f) -> None:
    assert stability_bound(d2f) is None
    assert momentum_bound(d2f, 0.5) is None
    assert suggested_learning_rate(d2f) is None


def test_the_limit_follows_the_method() -> None:
    assert learning_rate_limit(DescentConfig("gd"), 4.0) == 0.5
    assert learning_rate_limit(DescentConfig("momentum", beta=0.5), 4.0) == 0.75
    assert learning_rate_limit(DescentConfig("newton"), 4.0) is None
    assert suggested_learning_rate(4.0) == 0.25


# -- what the panel says --------------------------------------------------------------------


def test_below_at_and_above_the_limit() -> None:
    point = (1.0, 2.0, True)  # x = 1, f″ = 2: the limit is 1
    below = stability_note(DescentConfig("gd", 0.5), point)
    assert (
        below.text == "stable if η < 2/f″ = 1 at x = 1 (f″ = 2); η = 0.5 is below it: stable here"
    )
    assert below.limit == 1.0 and below.suggested == 0.5
    at = stability_note(DescentConfig("gd", 1.0), point)
    assert at.text.endswith("η is at the limit: steps bounce between two points")
    above = stability_note(DescentConfig("gd", 1.5), point, prefix="A: ")
    assert above.text.startswith("A: stable if") and above.text.endswith("steps overshoot and grow")


def test_momentum_sentence_gives_both_bounds() -> None:
    note = stability_note(DescentConfig("momentum", 0.1, 0.5), (0.0, 4.0, True))
    assert note.text.startswith("stable if η < 2(1+β)/f″ = 0.75 at x = 0 (2/f″ = 0.5)")
    assert note.limit == 0.75


@pytest.mark.parametrize(
    ("point", "words", "suggested"),
    [
        ((2.0, -2.0, True), "f″ = −2 < 0 at x = 2: f bends down here", None),
        ((2.0, 0.0, True), "f″ = 0 at x = 2: f is straight here", None),
        ((-1.0, None, False), "f is undefined at x = −1: no local stability bound", None),
        ((0.0, None, True), "f″ is undefined at x = 0: no local stability bound", None),
    ],
)
def test_where_there_is_no_bound_it_says_why(point, words, suggested) -> None:
    note = stability_note(DescentConfig("gd"), point)
    assert note.text.startswith(words)
    assert note.suggested is suggested and note.limit is None


def test_newton_has_no_learning_rate() -> None:
    up = stability_note(DescentConfig("newton"), (1.0, 3.0, True))
    assert up.text == "f″ = 3 > 0 at x = 1: Newton steps toward a minimum (Newton has no η)"
    down = stability_note(DescentConfig("newton"), (1.0, -3.0, True))
    assert "toward a maximum" in down.text and down.suggested is None
    flat = stability_note(DescentConfig("newton"), (1.0, 0.0, True))
    assert "the Newton step f′/f″ is undefined" in flat.text


def test_no_function_says_nothing() -> None:
    assert stability_note(DescentConfig(), None).text == ""


# -- the sentence where f bends the other way, has a kink, or the run diverged ------------


def _state(text: str, start: float, config: DescentConfig | None = None):
    from derivview.model import calculus
    from derivview.model.session import Session

    s = Session()
    s.set_text(text)
    s.apply_function(text, calculus.analyze(text))
    st = s.descent
    st.set_start(start)
    if config is not None:
        st.set_config(0, method=config.method, learning_rate=config.learning_rate)
    return st


def _note(st):
    return stability_note(st.configs[0], st.current_point(), **st.stability_context())


def test_at_an_inflection_point_it_says_inflection_not_straight() -> None:
    # x³ − 3x: f″ = 6x is 0 at x = 0 and changes sign there.
    text = _note(_state("x^3 - 3x", 0.0)).text
    assert "inflection" in text and "straight" not in text and "≤" not in text
    # x + 1 is straight everywhere: f″ = 0 on both sides.
    assert "f is straight here" in _note(_state("x + 1", 2.0)).text


def test_at_a_kink_it_says_f_prime_does_not_exist() -> None:
    # relu at 0: slopes 0 and 1 from the two sides, no f′ and no f″ there.
    note = _note(_state("relu(x)", 0.0))
    assert note.text.startswith("f′ does not exist at x = 0 (a kink)")
    assert "f″ = 0" not in note.text and note.limit is None


def test_at_a_kink_site_where_f_is_differentiable_it_says_what_is_undefined() -> None:
    # relu(x)² at 0: f′(0) = 0 (both sides), f″ is 0 on the left and 2 on the right.
    note = _note(_state("relu(x)^2", 0.0))
    assert note.text == "f″ is undefined at x = 0: no local stability bound"
    assert note.limit is None


def test_a_diverged_run_says_why_not_a_bound_at_a_far_x() -> None:
    # x² with η = 1.1: x ← (1 − 2.2)x = −1.2x grows past 1e12; 2/f″ = 1 everywhere.
    st = _state("x^2", 1.0, DescentConfig("gd", 1.1))
    st.set_max_steps(1000)
    st.step(1000)  # passes 1e12 at step 152
    assert st.runs[0].status == "diverged"
    note = _note(st)
    assert note.text.startswith("diverged: η = 1.1 is above the stability limit 2/f″ = 1")
    assert "e+" not in note.text and "at x =" not in note.text
