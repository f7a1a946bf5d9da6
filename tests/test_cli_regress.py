"""``derivview regress``: the seed's loop, the JSON of contracts.md §6, bad data, exit codes.

Truth: the seed's §5 loop in plain Python, numpy's generator drawn by hand as the help
documents it, ``numpy.linalg.lstsq``, and the stability bound 2/λ_max.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys

import numpy as np
import pytest

from derivview.cli import main


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["regress", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *argv: str) -> dict:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def documented_data(n: int, seed: int) -> tuple[list[float], list[float]]:
    """--synthetic N: x uniform in [0, 5], then y = 2x + 1 + N(0, 1), default_rng(seed)."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 5.0, n)
    y = 2 * x + 1 + rng.standard_normal(n)
    return x.tolist(), y.tolist()


def seed_states(X, y, epochs, lr, m=0.0, b=0.0):
    """The seed's loop in plain Python, with the state (and its gradient) after each epoch."""
    n = len(X)
    states = []
    for e in range(epochs + 1):
        y_pred = [m * xi + b for xi in X]
        dm = (2 / n) * sum((yp - yi) * xi for yp, yi, xi in zip(y_pred, y, X, strict=True))
        db = (2 / n) * sum(yp - yi for yp, yi in zip(y_pred, y, strict=True))
        loss = sum((yp - yi) ** 2 for yp, yi in zip(y_pred, y, strict=True)) / n
        states.append((e, m, b, loss, dm, db))
        m = m - lr * dm
        b = b - lr * db
    return states


def test_json_is_the_seeds_loop_epoch_by_epoch(capsys):
    out = _json(capsys, "--synthetic", "30", "--seed", "1", "--epochs", "1000")
    keys = {"n", "lr", "epochs", "m", "b", "loss", "status", "message", "history"}
    assert keys | {"least_squares"} <= set(out)
    assert out["n"] == 30 and out["lr"] == 0.01 and out["epochs"] == 1000
    assert len(out["history"]) == 1001
    X, y = documented_data(30, 1)
    truth = seed_states(X, y, 1000, 0.01)
    for e in (0, 1, 2, 500, 1000):
        row = out["history"][e]
        _, m, b, loss, dm, db = truth[e]
        assert row["epoch"] == e
        assert (row["m"], row["b"]) == pytest.approx((m, b), rel=1e-12)
        assert row["loss"] == pytest.approx(loss, rel=1e-12)
        assert (row["dm"], row["db"]) == pytest.approx((dm, db), rel=1e-11)
    last = out["history"][-1]
    assert (out["m"], out["b"], out["loss"]) == (last["m"], last["b"], last["loss"])
    assert out["status"] == "max_epochs" and "1000 epochs" in out["message"]


def test_a_run_to_convergence_ends_at_numpys_least_squares(capsys):
    X, y = documented_data(40, 2)
    lam = np.linalg.eigvalsh((2 / 40) * np.array([[sum(v * v for v in X), sum(X)], [sum(X), 40]]))
    lr = float(1.0 / lam[-1])
    out = _json(capsys, "--synthetic", "40", "--seed", "2", "--lr", repr(lr), "--epochs", "5000")
    (m, b), *_ = np.linalg.lstsq(np.column_stack([X, np.ones(40)]), y, rcond=None)
    assert out["status"] == "converged"
    assert out["least_squares"]["m"] == pytest.approx(m, rel=1e-12)
    assert out["least_squares"]["b"] == pytest.approx(b, rel=1e-12)
    assert (out["m"], out["b"]) == pytest.approx((m, b), rel=1e-9)
    assert out["largest_stable_lr"] == pytest.approx(2 / lam[-1], rel=1e-12)


def test_just_below_the_bound_converges_and_just_above_diverges(capsys):
    X, _ = documented_data(25, 5)
    h = (2 / 25) * np.array([[sum(v * v for v in X), sum(X)], [sum(X), 25]])
    bound = float(2 / np.linalg.eigvalsh(h)[-1])
    below = _json(
        capsys, "--synthetic", "25", "--seed", "5", "--lr", repr(bound * 0.99), "--epochs", "20000"
    )
    above = _json(
        capsys, "--synthetic", "25", "--seed", "5", "--lr", repr(bound * 1.01), "--epochs", "20000"
    )
    assert below["status"] == "converged"
    assert above["status"] == "diverged" and f"{bound:.6g}" in above["message"]
    assert len(above["history"]) < 20001  # it stopped when it exploded


def test_a_csv_file_with_a_header_and_a_start(tmp_path, capsys):
    csv = tmp_path / "d.csv"
    csv.write_text("hours,score\n1,52\n2,55\n4,61\n5,65\n", encoding="utf-8")
    out = _json(capsys, str(csv), "--lr", "0.02", "--epochs", "7", "--init", "-1,3.5")
    truth = seed_states([1.0, 2.0, 4.0, 5.0], [52.0, 55.0, 61.0, 65.0], 7, 0.02, -1.0, 3.5)
    assert out["n"] == 4 and out["history"][0]["m"] == -1.0 and out["history"][0]["b"] == 3.5
    assert (out["m"], out["b"]) == pytest.approx(truth[-1][1:3], rel=1e-12)


def test_more_than_ten_thousand_epochs_lists_every_kth_and_the_last(capsys):
    out = _json(capsys, "--synthetic", "5", "--epochs", "25000", "--lr", "0.001")
    assert out["history_every"] == 3
    epochs = [h["epoch"] for h in out["history"]]
    assert epochs[:3] == [0, 3, 6] and epochs[-1] == 25000 and len(epochs) <= 10_002


def test_text_is_a_summary_for_people(capsys):
    code, out, _ = _run(capsys, "--synthetic", "20", "--epochs", "100")
    assert code == 0
    assert "least squares: m = " in out and "stable for:    η < 2/λ_max = " in out
    assert out.strip().splitlines()[-1].startswith("max_epochs: stopped after 100 epochs")
    assert "  100  " in out  # the last epoch's row


def test_text_numbers_have_a_real_minus_sign(capsys):
    # from m = b = 0 under data rising with x, both partial derivatives are negative:
    # ∂L/∂b = (2/n)·Σ(0 − yᵢ) = −2·mean(y) at epoch 0
    code, out, _ = _run(capsys, "--synthetic", "20", "--epochs", "100", "--init", "0,-1")
    assert code == 0
    lines = out.splitlines()
    assert "start m = 0, b = −1" in out
    head = next(i for i, ln in enumerate(lines) if ln.split()[:1] == ["epoch"])
    first = lines[head + 1].split()
    assert first[0] == "0" and first[2] == "−1"
    assert first[4].startswith("−") and first[5].startswith("−")
    table = lines[head : head + 12]
    assert not any("-" in ln for ln in table), table


def test_a_degenerate_dataset_has_no_unique_answer(tmp_path, capsys):
    csv = tmp_path / "same.csv"
    csv.write_text("2,1\n2,3\n", encoding="utf-8")
    out = _json(capsys, str(csv), "--epochs", "5")
    assert out["least_squares"] is None and out["distance_to_least_squares"] is None


# --- bad input -------------------------------------------------------------------------------

BAD_CSV = [
    ("text.csv", "x,y\n1,2\n2,abc\n", "row 3, column 2: 'abc' is not a number"),
    ("one.csv", "x,y\n1,2\n", "need at least 2 points, found 1"),
    ("empty.csv", "", "no data rows: the file needs two numeric columns x, y"),
    ("nan.csv", "1,2\nnan,3\n", "row 2, column 1: 'nan' is not a finite number"),
    ("column.csv", "1,2\n3\n", "row 2: needs two columns (x, y), found 1"),
    # the loss squares the data: 1e308 gave NaN answers and a JSON error (a traceback's words)
    ("huge.csv", "x,y\n1e308,1e308\n-1e308,-1e308\n",
     "row 2, column 1: '1e308' is too large: values must be at most 1e100 in size "
     "(the loss squares them)"),
    ("tiny.csv", "1e-300,1\n2e-300,2\n",
     "row 1, column 1: '1e-300' is too small: x must be 0 or at least 1e-100 in size "
     "(the slope divides by it)"),
    ("huge_y.csv", "1,2\n3,-2e100\n",
     "row 2, column 2: '-2e100' is too large: values must be at most 1e100 in size "
     "(the loss squares them)"),
]


def test_data_as_large_as_allowed_has_a_least_squares_answer(tmp_path, capsys):
    # y = 3x + 1e99 on x = ±1e99 (hand-solved: the exact line), at the bound's edge
    csv = tmp_path / "edge.csv"
    csv.write_text("-1e99,-2e99\n1e99,4e99\n0,1e99\n", encoding="utf-8")
    out = _json(capsys, str(csv), "--epochs", "3")
    assert out["least_squares"]["m"] == pytest.approx(3.0, rel=1e-15)
    assert out["least_squares"]["b"] == pytest.approx(1e99, rel=1e-15)
    assert out["status"] == "diverged"  # η = 0.01 is far above 2/λ_max here
    csv.write_text("1,1e-300\n2,0\n", encoding="utf-8")  # a tiny y divides nothing
    assert _json(capsys, str(csv), "--epochs", "3")["least_squares"]["m"] == -1e-300


@pytest.mark.parametrize(("name", "text", "words"), BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_bad_data_is_exit_2_naming_row_and_column(tmp_path, capsys, name, text, words):
    csv = tmp_path / name
    csv.write_text(text, encoding="utf-8")
    code, out, err = _run(capsys, str(csv), "--json")
    assert code == 2 and out == ""
    assert err.strip() == f"derivview regress: {csv}: {words}"


def test_a_50_mb_file_is_refused_before_reading(tmp_path, capsys):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    code, _, err = _run(capsys, str(big))
    assert code == 2 and "too large" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--lr", "0"], "--lr must be positive"),
        (["--lr", "abc"], "--lr: not a number"),
        (["--epochs", "0"], "--epochs must be between 1 and"),
        (["--epochs", "2.5"], "--epochs must be a whole number"),
        (["--synthetic", "1"], "--synthetic must be between 2 and"),
        (["--seed", "-3"], "--seed must be between 0 and"),
        (["--init", "1"], "--init must be two numbers"),
        (["--init", "1,nan"], "--init"),
        (["a.csv", "--synthetic", "5"], "not both"),
        (["--bogus"], "unrecognized arguments"),
    ],
)
def test_bad_options_are_exit_2_with_one_line(capsys, argv, words):
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == "" and words in err and len(err.strip().splitlines()) == 1


def test_files_that_cannot_be_read_are_exit_1(tmp_path, capsys):
    code, _, err = _run(capsys, str(tmp_path / "missing.csv"))
    assert code == 1 and "cannot open" in err
    code, _, err = _run(capsys, str(tmp_path))
    assert code == 1 and "not a regular file" in err


def test_the_real_command_never_shows_a_traceback(tmp_path):
    csv = tmp_path / "bad.csv"
    csv.write_text("x,y\n1,2\n2,\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "derivview", "regress", str(csv)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "row 3, column 2" in out.stderr
    ok = subprocess.run(
        [sys.executable, "-m", "derivview", "regress", "--synthetic", "10", "--epochs", "3"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONIOENCODING": "ascii"},
        timeout=120,
    )
    assert ok.returncode == 0 and "least squares" in ok.stdout and math.isfinite(1.0)
