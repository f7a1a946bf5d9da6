"""Linear regression by gradient descent (seed §5) against the seed's own loop written out
in plain Python, numpy's least squares, and the stability bound 2/λ_max."""

from __future__ import annotations

import math

import numpy as np
import pytest

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
