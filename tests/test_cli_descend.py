"""``derivview descend``: JSON shape, closed-form values, text table, exit statuses.

Option errors are checked before the expression is analyzed, so those tests need no
parser or calculus engine; the others skip only if those modules cannot be imported.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from fractions import Fraction

import pytest

from derivview.cli import main


def _needs_calculus() -> None:
    pytest.importorskip("derivview.model.calculus", exc_type=ImportError)
    pytest.importorskip("derivview.model.expression", exc_type=ImportError)


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["descend", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- invalid input: exit 2, one line, no traceback -----------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["x^2"], "--start X is required"),
        (["x^2", "--start", "1", "--lr", "0"], "learning rate must be positive"),
        (["x^2", "--start", "1", "--lr", "-0.5"], "learning rate must be positive"),
        (["x^2", "--start", "1", "--beta", "1"], "beta must be in [0, 1)"),
        (["x^2", "--start", "1", "--beta", "-0.1"], "beta must be in [0, 1)"),
        (["x^2", "--start", "1", "--steps", "0"], "max steps must be between 1"),
        (["x^2", "--start", "1", "--steps", "ten"], "invalid int value"),
        (["x^2", "--start", "1", "--tol", "0"], "tolerance must be positive"),
        (["x^2", "--start", "abc"], "not a number"),
        (["x^2", "--start", "nan"], "not a finite number"),
        (["x^2", "--start", "1", "--method", "adam"], "invalid choice"),
        (["x^2", "--start", "1", "--param", "x=2"], "parameter name"),
        (["--start", "1"], "the expression TEXT is required"),
        (["x^2", "--start", "1", "--bogus"], "unrecognized arguments"),
    ],
)
def test_invalid_options_exit_2_with_one_line(capsys, argv, words):
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert words in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_invalid_expression_exits_2_with_the_column(capsys):
    _needs_calculus()
    code, out, err = _run(capsys, "x^2 + foo(x)", "--start", "1")
    assert code == 2 and out == ""
    assert "column" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


# --- results --------------------------------------------------------------------------------


def test_json_matches_the_contract_and_the_closed_form(capsys):
    _needs_calculus()
    code, out, err = _run(capsys, "(x-3)^2", "--start", "0", "--lr", "0.1", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {"method", "learning_rate", "beta", "start", "steps", "status", "message"} <= set(data)
    assert data["method"] == "gd" and data["learning_rate"] == 0.1
    assert data["beta"] is None and data["start"] == 0.0
    # x_k = 3 − 3·0.8^k, f = 9·0.64^k, f′ = −6·0.8^k; converged at the first k with
    # 6·0.8^k < 1e-8 (k = 91)
    k_star = next(k for k in range(1000) if 6 * Fraction(4, 5) ** k < Fraction(1, 10**8))
    assert len(data["steps"]) == k_star + 1
    for k, row in enumerate(data["steps"]):
        assert set(row) == {"k", "x", "f", "df"}
        assert row["k"] == k
        assert row["x"] == pytest.approx(3 - 3 * 0.8**k, abs=1e-12)
        assert row["f"] == pytest.approx(9 * 0.64**k, abs=1e-12)
        assert row["df"] == pytest.approx(-6 * 0.8**k, abs=1e-12)
    assert data["steps"][1] == pytest.approx({"k": 1, "x": 0.6, "f": 5.76, "df": -4.8})
    assert data["status"] == "converged" and data["outcome"] == "converged"
    assert f"|f′(x)| < 1e−8 after {k_star} steps" in data["message"]


def test_momentum_json_reports_beta(capsys):
    _needs_calculus()
    code, out, _ = _run(
        capsys, "x^2", "--start", "1", "--method", "momentum", "--beta", "0.5", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["beta"] == 0.5 and data["method"] == "momentum"
    # v1 = 2, x1 = 1 − 0.1·2 = 0.8; v2 = 0.5·2 + 1.6 = 2.6, x2 = 0.8 − 0.26 = 0.54
    assert [s["x"] for s in data["steps"][:3]] == pytest.approx([1.0, 0.8, 0.54], abs=1e-12)


def test_undefined_values_are_null_and_status_is_stalled(capsys):
    _needs_calculus()
    # ln x from 1: x ← x − 0.1/x leaves the domain after 6 steps
    code, out, _ = _run(capsys, "ln(x)", "--start", "1", "--json")
    data = json.loads(out)
    assert code == 0
    xs = [1.0]
    while xs[-1] > 0:
        xs.append(xs[-1] - 0.1 / xs[-1])
    assert [s["x"] for s in data["steps"]] == pytest.approx(xs, abs=1e-12)
    assert data["steps"][-1]["f"] is None
    assert data["status"] == "stalled" and data["outcome"] == "left_domain"


def test_kink_of_abs_is_not_a_silent_convergence(capsys):
    _needs_calculus()
    code, out, _ = _run(capsys, "|x|", "--start", "0.5", "--lr", "0.25", "--json")
    data = json.loads(out)
    assert code == 0
    assert [s["x"] for s in data["steps"]] == [0.5, 0.25, 0.0]
    assert data["status"] == "stalled" and "does not exist at x = 0" in data["message"]


def test_every_status_exits_0(capsys):
    _needs_calculus()
    cases = {
        "converged": ["(x-3)^2", "--start", "0"],
        "diverged": ["x^3", "--start", "-1"],
        "max_steps": ["x^2", "--start", "1", "--lr", "1"],
        "stalled": ["abs(x)", "--start", "1", "--method", "newton"],
    }
    for status, argv in cases.items():
        code, out, _ = _run(capsys, *argv, "--json")
        assert code == 0
        assert json.loads(out)["status"] == status


def test_parameters_and_a_leading_minus(capsys):
    _needs_calculus()
    # −(x − a)² + x² … simpler: a(x − 2)² with a = 3, Newton: one step to 2
    code, out, _ = _run(
        capsys, "a(x-2)^2", "--start", "-1e-3", "--method", "newton", "--param", "a=3", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["start"] == -0.001 and data["parameters"] == {"a": 3.0}
    assert data["steps"][1]["x"] == pytest.approx(2.0, abs=1e-12)
    # a parameter f does not use: a note on stderr, not an error; Unicode minus accepted
    code, out, err = _run(capsys, "x^2", "--start", "−2", "--param", "q=1", "--json")
    assert code == 0 and "no parameter q" in err
    assert json.loads(out)["start"] == -2.0
    code, out, _ = _run(capsys, "-x^2", "--start", "1", "--steps", "3", "--json")
    data = json.loads(out)
    # f = −x², x ← x + 0.2x = 1.2x
    assert code == 0 and [s["x"] for s in data["steps"]] == pytest.approx([1, 1.2, 1.44, 1.728])


def test_text_table_has_six_significant_digits_and_the_status_line(capsys):
    _needs_calculus()
    code, out, _ = _run(capsys, "(x-3)^2", "--start", "0", "--steps", "3")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[1].split() == ["k", "x", "f(x)", "f′(x)", "step"]
    row3 = lines[5].split()
    # x_3 = 3 − 3·0.512 = 1.464, f = 2.359296, f′ = −3.072, step = 1.464 − 1.08 = 0.384
    assert row3[3] == "−3.072"  # a real minus sign (U+2212), never "-"
    assert [float(v.replace("−", "-")) for v in row3] == pytest.approx(
        [3, 1.464, 2.359296, -3.072, 0.384],
        rel=5e-6,  # 6 significant digits
    )
    assert lines[-1].startswith("max_steps: stopped after 3 steps")
    assert "-" not in "".join(lines[2:6]) and "'" not in out


def _rows(out: str) -> list[list[str]]:
    """The table rows (k first) of a text report, "⋮" rows included."""
    return [
        ln.split() for ln in out.splitlines() if ln.split() and ln.split()[0][0] in "0123456789⋮"
    ]


def test_a_long_run_prints_a_summary_not_every_row(capsys):
    _needs_calculus()
    code, out, _ = _run(capsys, "(x-3)^2", "--start", "0", "--lr", "0.1")
    assert code == 0
    rows = _rows(out)
    ks = [r[0] for r in rows]
    # 92 iterates (converged at k = 91: 6·0.8^k < 1e-8): the first 5, a gap, the last 3
    assert ks == ["0", "1", "2", "3", "4", "⋮", "89", "90", "91"]
    assert "92 iterates" in out and "--every" in out
    assert out.strip().splitlines()[-1].startswith("converged: |f′(x)| < 1e−8 after 91 steps")
    # 6 significant digits, no exponent noise: f_90 = 9·0.64^90
    f90 = float(rows[7][2].replace("−", "-"))
    assert f90 == pytest.approx(9 * 0.64**90, rel=1e-5)
    assert "e+" not in out and "e-" not in out


def test_every_n_prints_every_nth_row_and_the_last(capsys):
    _needs_calculus()
    code, out, _ = _run(capsys, "(x-3)^2", "--start", "0", "--every", "30")
    assert code == 0
    ks = [r[0] for r in _rows(out)]
    assert ks == ["0", "⋮", "30", "⋮", "60", "⋮", "90", "91"]
    code, out, _ = _run(capsys, "(x-3)^2", "--start", "0", "--every", "1")
    assert [r[0] for r in _rows(out)] == [str(k) for k in range(92)]


def test_every_must_be_a_positive_whole_number(capsys):
    code, _out, err = _run(capsys, "x^2", "--start", "1", "--every", "0")
    assert code == 2 and "--every" in err


def test_real_process_exit_codes_and_no_traceback():
    _needs_calculus()
    ok = subprocess.run(
        [sys.executable, "-m", "derivview", "descend", "x^2", "--start", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["status"] == "converged"
    bad = subprocess.run(
        [sys.executable, "-m", "derivview", "descend", "x^2 +* 1", "--start", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stdout == ""


def test_json_never_contains_nan_or_infinity(capsys):
    _needs_calculus()
    code, out, _ = _run(capsys, "-exp(x)", "--start", "0", "--lr", "1", "--json")
    assert code == 0
    data = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert data["status"] == "diverged"
    assert all(v is None or math.isfinite(v) for s in data["steps"] for v in s.values())


def test_help_lists_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["descend", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for option in ("--start", "--lr", "--method", "--beta", "--steps", "--tol", "--param"):
        assert option in out


def test_a_reader_that_goes_away_stops_it_quietly() -> None:
    """`derivview descend … | head`: the pipe closes early; no traceback, no message."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "derivview", "descend", "x^2", "--start", "3", "--steps", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before anything is written: the first flush meets a closed pipe
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert err == ""
