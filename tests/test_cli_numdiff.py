"""``derivview numdiff``: the contract JSON, the quotients against an independent float64
computation, exact f′ against mpmath, where f′ does not exist, exit statuses."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys

import mpmath as mp
import pytest

from derivview.cli import main

# contracts.md §5, the row of h = 0.1 and the best of the default steps.
CONTRACT_ROW = {
    "h": 0.1,
    "forward": 0.4973637525353891,
    "backward": 0.5814407518041309,
    "central": 0.53940225216976,
    "forward_error": 0.04293855333275065,
    "backward_error": 0.04113844593599114,
    "central_error": 0.0009000536983797547,
}
CONTRACT_BEST = {"forward": 1e-08, "backward": 1e-08, "central": 1e-05}
EPS = sys.float_info.epsilon


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["numdiff", *argv, "--json"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return json.loads(out)


def test_contract_example(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "sin(x)", "--at", "1", "--h", "0.1")
    assert list(doc) == ["x", "exact", "rows", "best"]
    assert doc["x"] == 1.0 and doc["exact"] == 0.5403023058681398
    assert doc["rows"] == [CONTRACT_ROW]
    full = run_json(capsys, "sin(x)", "--at", "1")
    assert [r["h"] for r in full["rows"]] == [float(f"1e-{k}") for k in range(17)]
    assert full["rows"][1] == CONTRACT_ROW
    assert full["best"] == CONTRACT_BEST


# (text, the same f in Python floats, the same f for mpmath, x)
CASES = [
    ("sin(x)", math.sin, mp.sin, 1.0),
    ("e^x", math.exp, mp.exp, -0.7),
    ("x^3 - 3x", lambda x: x**3 - 3 * x, lambda x: x**3 - 3 * x, 1.5),
    ("ln(x)", math.log, mp.log, 3.0),
    ("sqrt(x)", math.sqrt, mp.sqrt, 0.25),
    ("atan(x)", math.atan, mp.atan, -2.0),
]


@pytest.mark.parametrize(("text", "f", "g", "x"), CASES, ids=[c[0] for c in CASES])
def test_quotients_against_the_formulas_in_plain_float64(capsys, text, f, g, x) -> None:
    doc = run_json(capsys, text, "--at", str(x))
    exact = float(mp.diff(g, mp.mpf(x)))
    assert doc["exact"] == pytest.approx(exact, rel=1e-14)
    for row in doc["rows"]:
        h = row["h"]
        if x - h <= 0 and text in ("ln(x)", "sqrt(x)"):  # outside the domain: null
            assert row["backward"] is None and row["central"] is None
            continue
        fp, f0, fm = f(x + h), f(x), f(x - h)
        mine = {
            "forward": (fp - f0) / h,
            "backward": (f0 - fm) / h,
            "central": (fp - fm) / (2 * h),
        }
        # numpy's and Python's libm may differ in the last bit of f: allow that much,
        # magnified by 1/h exactly as the formula magnifies it.
        noise = 4 * EPS * max(abs(fp), abs(f0), abs(fm)) / h
        for name, value in mine.items():
            assert abs(row[name] - value) <= noise + 1e-15 * abs(value), (name, h)
            assert row[f"{name}_error"] == pytest.approx(abs(row[name] - doc["exact"]), rel=1e-12)


def test_parameters_are_used(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "sin(k x)", "--at", "0.5", "--param", "k=3", "--h", "1e-4")
    assert doc["exact"] == pytest.approx(3 * math.cos(1.5), rel=1e-15)
    (row,) = doc["rows"]
    assert row["central"] == pytest.approx(3 * math.cos(1.5), rel=1e-7)


def test_relu_at_zero_has_no_error_and_no_best(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "relu(x)", "--at", "0")
    assert doc["exact"] is None
    assert doc["best"] == {"forward": None, "backward": None, "central": None}
    for row in doc["rows"]:
        assert (row["forward"], row["backward"], row["central"]) == (1.0, 0.0, 0.5)
        assert row["forward_error"] is None and row["central_error"] is None
    assert main(["numdiff", "relu(x)", "--at", "0"]) == 0
    out = capsys.readouterr().out
    assert "f′(0) does not exist (a corner)" in out and "stays near 1" in out
    assert "|error|" not in out


def test_relu_squared_at_zero_has_an_exact_derivative_from_both_sides(capsys) -> None:
    # relu(x)² is x² for x > 0, 0 for x ≤ 0: f′(0) = 0, though relu′(0) does not exist
    doc = run_json(capsys, "relu(x)^2", "--at", "0", "--h", "1e-3")
    assert doc["exact"] == 0.0
    (row,) = doc["rows"]
    assert row["forward"] == pytest.approx(1e-3, rel=1e-12) and row["backward"] == 0.0
    assert main(["numdiff", "relu(x)^2", "--at", "0", "--h", "1e-3"]) == 0
    out = capsys.readouterr().out
    assert "exact f′(0) = 0 (the slopes from both sides, which agree" in out
    assert "automatic differentiation" not in out  # the chain rule has no relu′(0)


def test_undefined_values_are_null(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "ln(x)", "--at", "0.5", "--h", "1", "--h", "0.1")
    first, second = doc["rows"]
    assert first["forward"] is not None and first["backward"] is None
    assert first["central"] is None and first["central_error"] is None
    assert second["central"] is not None
    outside = run_json(capsys, "ln(x)", "--at", "-1")
    assert outside["exact"] is None and all(r["forward"] is None for r in outside["rows"])


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["numdiff", "sin(x)", "--at", "1"]) == 0
    out = capsys.readouterr().out
    assert "exact f′(1) = 0.5403023058681398" in out
    assert "best h (smallest error): forward 1e−8, backward 1e−8, central 1e−5" in out
    lines = out.splitlines()
    row = next(line for line in lines if line.split()[:1] == ["0.1"])
    assert "0.4973637525353891" in row and "0.53940225216976" in row
    assert "best h by the model" in out
    assert main(["numdiff", "x^2", "--at", "1"]) == 0
    assert "no truncation error for central" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["sin(", "--at", "1"], "column"),
        (["sin(x)"], "--at X is required"),
        (["sin(x)", "--at", "inf"], "not a finite number"),
        (["sin(x)", "--at", "1", "--h", "0"], "h must be a positive number"),
        (["sin(x)", "--at", "1", "--h", "-1e-3"], "h must be a positive number"),
        (["sin(x)", "--at", "1", "--h", "nan"], "not a finite number"),
        (["sin(x)", "--at", "1", "--bogus"], "unrecognized arguments"),
        (["--at", "1"], "TEXT is required"),
        (["sin(x) foo", "--at", "1"], "foo"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, argv, message) -> None:
    assert main(["numdiff", *argv]) == 2
    out, err = capsys.readouterr()
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def _derivview() -> list[str]:
    exe = shutil.which("derivview")
    return [exe] if exe else [sys.executable, "-m", "derivview"]


def test_subprocess_statuses() -> None:
    ok = subprocess.run(
        [*_derivview(), "numdiff", "sin(x)", "--at", "1", "--h", "0.1", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"] == [CONTRACT_ROW]
    bad = subprocess.run(
        [*_derivview(), "numdiff", "sin(x)", "--at", "x"], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stdout + bad.stderr
