"""Linear regression by gradient descent (seed §5) against the seed's own loop written out
in plain Python, numpy's least squares, and the stability bound 2/λ_max."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from derivview.model.labs.regression import (
    DataError,
    Dataset,
    RegressionRun,
    Scaling,
    hessian,
    least_squares,
    parse_csv,
    read_csv,
    stability_bound,
    synthetic,
    train,
)


def seed_loop(X: list[float], y: list[float], epochs: int, learning_rate: float):
    """The seed's §5 code, verbatim in spirit: plain Python lists and sum()."""
    m = b = 0.0
    n = len(X)
    for _ in range(epochs):
        y_pred = [m * xi + b for xi in X]
        dm = (2 / n) * sum((yp - yi) * xi for yp, yi, xi in zip(y_pred, y, X, strict=True))
        db = (2 / n) * sum(yp - yi for yp, yi in zip(y_pred, y, strict=True))
        m = m - learning_rate * dm
        b = b - learning_rate * db
    return m, b


def test_training_is_the_seeds_loop_to_1e_12():
    data = synthetic(50, seed=3)
    run = train(data, lr=0.01, epochs=1000)
    m, b = seed_loop(list(data.x), list(data.y), 1000, 0.01)
    assert run.last.epoch == 1000 and len(run.history) == 1001
    assert run.last.m == pytest.approx(m, rel=1e-12)
    assert run.last.b == pytest.approx(b, rel=1e-12)
    assert run.history[0].m == 0 and run.history[0].b == 0


def test_history_holds_the_gradient_at_each_state():
    data = Dataset(np.array([0.0, 1.0, 2.0]), np.array([1.0, 3.0, 5.0]))
    run = RegressionRun(data, lr=0.1, epochs=3)
    run.step()
    first = run.history[0]
    # at m = b = 0: ŷ − y = −y; dm = (2/3)·−(0 + 3 + 10), db = (2/3)·−9
    assert first.dm == pytest.approx(-26 / 3) and first.db == pytest.approx(-6.0)
    assert first.loss == pytest.approx((1 + 9 + 25) / 3)
    second = run.history[1]
    assert second.m == pytest.approx(0.1 * 26 / 3) and second.b == pytest.approx(0.6)


def test_converges_to_the_least_squares_line():
    data = synthetic(200, seed=1, noise=0.5)
    run = train(data, lr=0.5 * stability_bound(data), epochs=20000)
    (m_ls, b_ls), *_ = np.linalg.lstsq(
        np.column_stack([data.x, np.ones(data.n)]), data.y, rcond=None
    )
    assert run.status == "converged"
    assert run.last.m == pytest.approx(m_ls, rel=1e-9)
    assert run.last.b == pytest.approx(b_ls, rel=1e-9)
    ls = least_squares(data)
    assert (
        ls is not None
        and ls.m == pytest.approx(m_ls, rel=1e-12)
        and ls.b == pytest.approx(b_ls, rel=1e-12)
    )
    assert "converged" in run.message


def test_stability_bound_separates_convergence_from_divergence():
    data = synthetic(30, seed=7)
    bound = stability_bound(data)
    lam = np.linalg.eigvalsh(hessian(data)).max()
    assert bound == pytest.approx(2 / lam)
    below = train(data, lr=bound * 0.98, epochs=20000)
    assert below.status == "converged"
    above = train(data, lr=bound * 1.02, epochs=20000)
    assert above.status == "diverged"
    assert "too large" in above.message and f"{bound:.6g}" in above.message


def test_hessian_is_the_closed_form():
    data = Dataset(np.array([1.0, 2.0, 4.0]), np.array([0.0, 0.0, 0.0]))
    np.testing.assert_allclose(hessian(data), (2 / 3) * np.array([[21.0, 7.0], [7.0, 3.0]]))


def test_max_epochs_when_not_yet_converged():
    run = train(synthetic(20, seed=2), lr=1e-4, epochs=10)
    assert run.status == "max_epochs" and len(run.history) == 11 and "10 epochs" in run.message


def test_feature_scaling_rounds_the_bowl_and_maps_back():
    data = synthetic(100, seed=4, x_range=(100.0, 110.0))
    scaling = Scaling.of(data)
    scaled = scaling.apply(data)
    np.testing.assert_allclose(hessian(scaled), [[2.0, 0.0], [0.0, 2.0]], atol=1e-12)
    run = train(scaled, lr=0.5, epochs=200)
    m, b = scaling.to_original(run.last.m, run.last.b)
    ls = least_squares(data)
    assert ls is not None
    assert m == pytest.approx(ls.m, rel=1e-8) and b == pytest.approx(ls.b, rel=1e-8)
    # Unscaled, the stable η is tiny: x ≈ 105 makes λ_max ≈ 2·105².
    assert stability_bound(data) < 1e-4


def test_synthetic_data_is_seeded_and_is_2x_plus_1_plus_noise():
    a, b = synthetic(10, seed=5), synthetic(10, seed=5)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, synthetic(10, seed=6).y)
    rng = np.random.default_rng(5)
    x = rng.uniform(0.0, 5.0, 10)
    np.testing.assert_array_equal(a.x, x)
    np.testing.assert_array_equal(a.y, 2 * x + 1 + rng.standard_normal(10))
    big = least_squares(synthetic(20000, seed=0))
    assert (
        big is not None
        and big.m == pytest.approx(2, abs=0.03)
        and big.b == pytest.approx(1, abs=0.1)
    )


def test_least_squares_needs_two_distinct_x():
    assert least_squares(Dataset(np.array([1.0, 1.0]), np.array([0.0, 2.0]))) is None
    assert least_squares(Dataset(np.array([1.0, 1.0 + 1e-14]), np.array([0.0, 2.0]))) is None


def test_least_squares_in_any_units_of_x():
    # x in units of 1e-13 (hand-solved: x̄ = 2e-13, Σdx·dy = 2.5e-13, Σdx² = 2e-26): it
    # once said "not unique (every x is the same)", the test being absolute below 1.
    ls = least_squares(Dataset(np.array([1e-13, 2e-13, 3e-13]), np.array([1.0, 2.0, 3.5])))
    assert ls is not None
    assert ls.m == pytest.approx(1.25e13, rel=1e-14) and ls.b == pytest.approx(-1 / 3, rel=1e-14)
    assert ls.loss == pytest.approx(1 / 72, rel=1e-13)  # residuals −1/12, 1/6, −1/12
    ls = least_squares(Dataset(np.array([-1e99, 1e99, 0.0]), np.array([-2e99, 4e99, 1e99])))
    assert ls is not None and ls.m == pytest.approx(3.0, rel=1e-15)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("x,y\n1,2\n3,abc\n", "row 3, column 2: 'abc' is not a number"),
        ("1,2\n", "at least 2 points"),
        ("", "no data rows"),
        ("x,y\n", "no data rows"),
        ("1,2\n2,nan\n", "row 2, column 2: 'nan' is not a finite number"),
        ("1,2\n2\n", "row 2: needs two columns"),
        ("1,2,3\n2,3,4\n", "row 1: needs two columns"),
        ("1,2\ninf,3\n", "row 2, column 1"),
    ],
)
def test_bad_csv_names_row_and_column(text, match):
    with pytest.raises(DataError, match=match):
        parse_csv(text)


def test_csv_with_header_semicolons_and_blank_lines():
    data = parse_csv("height;weight\n\n1.5;60\n1.8;80\n")
    np.testing.assert_array_equal(data.x, [1.5, 1.8])
    np.testing.assert_array_equal(data.y, [60.0, 80.0])
    assert parse_csv("1,2\n3,4\n").n == 2  # no header


def test_read_csv_refuses_what_is_not_a_regular_file(tmp_path):
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match="not a regular file"):
        read_csv(str(fifo))
    with pytest.raises(DataError, match="not a regular file"):
        read_csv(str(tmp_path))
    good = tmp_path / "d.csv"
    good.write_text("x,y\n1,3\n2,5\n", encoding="utf-8")
    assert read_csv(str(good)).n == 2
    with pytest.raises(OSError, match="cannot open"):
        read_csv(str(tmp_path / "missing.csv"))


def test_a_50_mb_csv_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(DataError, match="too large"):
        read_csv(str(big))


def test_bad_settings_are_refused():
    data = synthetic(5)
    for kwargs in ({"lr": 0.0}, {"lr": math.inf}, {"epochs": 0}, {"epochs": 2.5}, {"m0": math.nan}):
        with pytest.raises(DataError):
            RegressionRun(data, **kwargs)


# -- closed forms ---------------------------------------------------------------------------


def test_symmetric_data_shrinks_each_parameter_by_1_minus_2_eta_per_epoch():
    # x = ±1: Σx = 0, Σx² = n, so H = 2·I and m_k − m* = (1 − 2η)^k (m₀ − m*) exactly.
    data = Dataset(np.array([-1.0, 1.0]), np.array([0.5, 3.5]))
    m_star, b_star = 1.5, 2.0  # (y₂ − y₁)/2, (y₁ + y₂)/2
    eta = 0.1
    run = RegressionRun(data, lr=eta, epochs=50)
    run.run()
    for e in (1, 2, 10, 50):
        factor = (1 - 2 * eta) ** e
        assert run.history[e].m == pytest.approx(m_star * (1 - factor), rel=1e-12)
        assert run.history[e].b == pytest.approx(b_star * (1 - factor), rel=1e-12)


def test_the_bowl_is_the_loss_and_its_levels_are_ellipses_of_that_loss():
    from derivview.model.labs.regression import Bowl, loss

    data = synthetic(40, seed=8, noise=0.7)
    bowl = Bowl.of(data)
    rng = np.random.default_rng(0)
    for m, b in rng.uniform(-20, 20, (25, 2)):
        assert float(bowl.value(m, b)) == pytest.approx(loss(data, m, b), rel=1e-12)
    ls = least_squares(data)
    assert ls is not None and bowl.center == (ls.m, ls.b) and bowl.floor == ls.loss
    for gap in (1e-4, 0.3, 50.0):
        ms, bs = bowl.level(gap, samples=73)
        assert len(ms) == 73
        for m, b in zip(ms, bs, strict=True):
            assert loss(data, m, b) == pytest.approx(ls.loss + gap, rel=1e-9)
    # The largest gap over a rectangle is at a corner.
    corners = [loss(data, m, b) for m in (-1.0, 4.0) for b in (-3.0, 2.0)]
    assert bowl.gap_at_corners((-1.0, 4.0), (-3.0, 2.0)) == pytest.approx(
        max(corners) - ls.loss, rel=1e-12
    )


def test_when_every_x_is_the_same_the_levels_are_two_lines():
    from derivview.model.labs.regression import Bowl, loss

    data = Dataset(np.array([2.0, 2.0, 2.0]), np.array([1.0, 2.0, 6.0]))
    bowl = Bowl.of(data)
    assert bowl.center == (0.0, 3.0) and bowl.floor == pytest.approx(14 / 3)
    ms, bs = bowl.level(1.0, reach=10.0)
    assert math.isnan(ms[2]) and len(ms) == 5
    for i in (0, 1, 3, 4):
        assert loss(data, ms[i], bs[i]) == pytest.approx(14 / 3 + 1.0, rel=1e-12)


def test_convergence_rate_is_the_slowest_factor_1_minus_eta_lambda():
    from derivview.model.labs.regression import convergence_rate, epochs_to_shrink

    # x = 0, 2: H = (2/2)·[[4, 2], [2, 2]], eigenvalues 3 ± √5.
    data = Dataset(np.array([0.0, 2.0]), np.array([1.0, 0.0]))
    lo, hi = 3 - math.sqrt(5), 3 + math.sqrt(5)
    assert stability_bound(data) == pytest.approx(2 / hi)
    assert convergence_rate(data, 0.1) == pytest.approx(max(abs(1 - 0.1 * lo), abs(1 - 0.1 * hi)))
    assert convergence_rate(data, 0.5) == pytest.approx(abs(1 - 0.5 * hi))  # past 2/λ_max
    assert epochs_to_shrink(0.5, 1e-6) == pytest.approx(math.log(1e-6) / math.log(0.5))
    assert epochs_to_shrink(1.2) == math.inf and epochs_to_shrink(0.0) == 1.0


def test_gradient_check_agrees_with_the_hand_derived_gradient():
    from derivview.model.labs.regression import gradient_check

    xs, ys = [0.5, 1.0, 3.0, 4.5], [1.0, 2.5, 6.0, 10.0]
    data = Dataset(np.array(xs), np.array(ys))
    m, b = 0.75, -0.5
    n = len(xs)
    dm = 2 / n * sum((m * x + b - y) * x for x, y in zip(xs, ys, strict=True))
    db = 2 / n * sum(m * x + b - y for x, y in zip(xs, ys, strict=True))
    check = gradient_check(data, m, b)
    assert check.dm == pytest.approx(dm, rel=1e-13) and check.db == pytest.approx(db, rel=1e-13)
    # L is quadratic: the central difference is exact but for rounding.
    assert check.numeric_dm == pytest.approx(dm, rel=1e-8)
    assert check.numeric_db == pytest.approx(db, rel=1e-8)
    assert check.worst is not None and check.worst < 1e-8


def test_history_is_a_sequence_of_epochs_with_column_views():
    run = train(synthetic(10, seed=1), lr=0.01, epochs=5)
    assert [e.epoch for e in run.history] == list(range(6))
    assert run.history[-1] == run.last and run.history[1:3][0].epoch == 1
    np.testing.assert_array_equal(run.history.m, [e.m for e in run.history])
    np.testing.assert_array_equal(run.history.loss, [e.loss for e in run.history])
    with pytest.raises(IndexError):
        run.history[6]
    with pytest.raises(ValueError):
        run.history.m[0] = 1.0  # views are read-only


def test_a_first_row_with_one_number_is_a_bad_cell_not_a_header():
    with pytest.raises(DataError, match="row 1, column 2: 'abc' is not a number"):
        parse_csv("1,abc\n2,3\n3,4\n")
    with pytest.raises(DataError, match="row 2, column 1: an empty cell is not a number"):
        parse_csv("x,y\n,3\n3,4\n")


def test_what_is_not_a_file_is_unreadable_and_bad_data_is_not(tmp_path):
    with pytest.raises(DataError) as info:
        read_csv(str(tmp_path))
    assert info.value.unreadable
    bad = tmp_path / "b.csv"
    bad.write_text("1,2\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_csv(str(bad))
    assert not info.value.unreadable


# -- the fast reader reads what the careful one reads -----------------------------------------

_number = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.integers(-1000, 1000).map(str),
)
_odd = st.sampled_from(["", " ", "x", "nan", "inf", "1e999", "1_0", " 2.5 ", '"3"', "-.5", "#1"])
# Mostly numbers: a file is read fast only when every cell is clean.
_cells = st.one_of(_number, _number, _number, _number, _odd)
_pair = st.tuples(_cells, _cells).map(lambda c: f"{c[0]}{{d}}{c[1]}")
_rows = st.lists(
    st.one_of(
        _pair,
        _pair,
        _pair,
        _pair,
        st.just(""),
        st.just("   "),
        st.tuples(_cells, _cells, _cells).map(lambda c: f"{c[0]}{{d}}{c[1]}{{d}}{c[2]}"),
        st.just("x{d}y"),
        st.just("x{d}1"),
    ),
    min_size=0,
    max_size=8,
)


@example(["1{d}2", "3{d}nan"], ",", "\n")
@example(["x{d}1", "2{d}3", "4{d}5"], ";", "\n")
@example(["x{d}y", "1{d}2", "", "3{d}4"], "\t", "\r\n")
@settings(max_examples=400, deadline=None)
@given(_rows, st.sampled_from([",", ";", "\t"]), st.sampled_from(["\n", "\r\n"]))
def test_the_fast_reader_gives_the_careful_readers_data_or_leaves_it_the_message(
    rows, delimiter, newline
):
    text = newline.join(r.format(d=delimiter) for r in rows) + newline
    try:
        careful = parse_csv(text, fast=False)
    except DataError as exc:
        with pytest.raises(DataError) as fast_exc:
            parse_csv(text)
        assert str(fast_exc.value) == str(exc)
        return
    quick = parse_csv(text)
    np.testing.assert_array_equal(quick.x, careful.x)
    np.testing.assert_array_equal(quick.y, careful.y)
