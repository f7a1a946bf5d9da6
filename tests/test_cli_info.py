"""``derivview info``: the contract JSON, the readable report, exit statuses."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys

import pytest

from derivview.cli import main

CONTRACT_EXAMPLE = {
    "expression": "x^2",
    "f": "x^2",
    "df": "2x",
    "d2f": "2",
    "parameters": {},
    "points": [
        {
            "x": 1.0,
            "f": 1.0,
            "df": 2.0,
            "d2f": 2.0,
            "differentiable": True,
            "left_df": 2.0,
            "right_df": 2.0,
            "tangent": {"slope": 2.0, "intercept": -1.0},
        }
    ],
    "range": [-3.0, 3.0],
    "critical_points": [0.0],
    "inflection_points": [],
    "nondifferentiable_points": [],
}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["info", *argv, "--json"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return json.loads(out)


def test_contract_example_exactly(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "x^2", "--at", "1", "--range", "-3", "3")
    assert doc == CONTRACT_EXAMPLE
    assert list(doc) == list(CONTRACT_EXAMPLE)  # the documented key order


def test_relu_at_zero(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "relu(x)", "--at", "0")
    (p,) = doc["points"]
    assert p == {
        "x": 0.0,
        "f": 0.0,
        "df": None,
        "d2f": None,
        "differentiable": False,
        "left_df": 0.0,
        "right_df": 1.0,
        "subgradient": [0.0, 1.0],
        "tangent": None,
    }
    assert "range" not in doc and "critical_points" not in doc


def test_pole_and_concave_corner(capsys: pytest.CaptureFixture[str]) -> None:
    (p,) = run_json(capsys, "1/x", "--at", "0")["points"]
    assert p["f"] is None and p["df"] is None and p["differentiable"] is False
    assert p["left_df"] is None and p["right_df"] is None and p["tangent"] is None
    assert "subgradient" not in p
    (p,) = run_json(capsys, "-|x|", "--at", "0")["points"]
    assert (p["left_df"], p["right_df"]) == (1.0, -1.0) and "subgradient" not in p


def test_parameters_default_and_given(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "a x^2 + b", "--at", "2", "--param", "a=3")
    assert doc["parameters"] == {"a": 3.0, "b": 1.0}
    (p,) = doc["points"]
    assert (p["f"], p["df"], p["d2f"]) == (13.0, 12.0, 6.0)


def test_unknown_parameter_is_a_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "x^2", "--param", "k=2", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["parameters"] == {}
    assert "k" in err and "ignored" in err


def test_without_points_or_range(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "sin(x)")
    assert doc["points"] == [] and doc["df"] == "cos(x)"
    assert set(doc) == {"expression", "f", "df", "d2f", "parameters", "points"}


def test_special_points_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "tan(x)", "--range", "-5", "5")
    want = [-3 * math.pi / 2, -math.pi / 2, math.pi / 2, 3 * math.pi / 2]
    got = doc["nondifferentiable_points"]
    assert len(got) == 4 and all(abs(g - w) < 1e-9 for g, w in zip(got, want, strict=True))
    doc = run_json(capsys, "floor(x)", "--range", "-2.5", "2.5", "--at", "1")
    assert doc["nondifferentiable_points"] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    (p,) = doc["points"]
    assert p["left_df"] is None and p["right_df"] == 0.0


def test_negative_numbers_and_leading_minus(capsys: pytest.CaptureFixture[str]) -> None:
    doc = run_json(capsys, "-x^2", "--at", "-1e-3", "--range", "-1e-3", "2")
    assert doc["points"][0]["df"] == pytest.approx(2e-3)
    assert doc["range"] == [-1e-3, 2.0]


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "relu(x)", "--at", "0", "--at", "2", "--range", "-2", "2"]) == 0
    out = capsys.readouterr().out
    assert "f(x)" in out and "f′(x)" in out and "f″(x)" in out
    assert "corner" in out and "subgradient" in out and "[0, 1]" in out
    assert "tangent" in out and "y = x\n" in out  # relu at 2: slope 1, intercept 0
    assert "does not exist" in out


def test_text_report_says_what_each_critical_point_is(capsys: pytest.CaptureFixture[str]) -> None:
    # x³ − 3x: f′ = 3x² − 3 = 0 at ±1; f″ = 6x: a maximum at −1 (f = 2), a minimum at 1
    # (f = −2); x³ at 0 is neither (f′ = 3x² ≥ 0 on both sides).
    assert main(["info", "x^3 - 3x", "--range", "-3", "3"]) == 0
    out = capsys.readouterr().out
    assert "x = −1  local maximum, f = 2\n" in out
    assert "x = 1   local minimum, f = −2\n" in out
    assert "inflection points (f″ changes sign): x = 0" in out
    assert "f′ exists everywhere here" in out and "none" not in out
    assert main(["info", "x^3", "--range", "-2", "2"]) == 0
    assert "x = 0  neither, f = 0" in capsys.readouterr().out
    # x⁴ at 0: f″ = 0 there, and still a minimum (the first-derivative test needs no f″)
    assert main(["info", "x^4 + 1", "--range", "-2", "2"]) == 0
    assert "x = 0  local minimum, f = 1" in capsys.readouterr().out


def test_text_report_numbers_have_a_real_minus_sign(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "x^3 - 3x", "--at", "-2", "--param", "a=-2"]) == 0
    captured = capsys.readouterr()
    at = captured.out[captured.out.index("at x =") :]
    # f(−2) = −2, f′(−2) = 9, f″(−2) = −12, tangent y = 9x + 16
    assert "at x = −2:" in at and "−12" in at and "y = 9x + 16" in at
    assert "-" not in at


@pytest.mark.parametrize(
    "argv",
    [
        ["sin("],
        ["x +* 2"],
        ["x^2", "--at", "nan"],
        ["x^2", "--at", "abc"],
        ["x^2", "--range", "3", "1"],
        ["x^2", "--range", "1", "inf"],
        ["x^2", "--param", "x=2"],
        ["x^2", "--bogus"],
        [],
        ["xy"],
    ],
)
def test_invalid_input_exits_2(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(["info", *argv]) == 2
    out, err = capsys.readouterr()
    assert err.strip() and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_invalid_expression_message_has_the_column(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["info", "sin("]) == 2
    assert "column" in capsys.readouterr().err


def test_too_complex_to_print_still_gives_every_number(capsys: pytest.CaptureFixture[str]) -> None:
    # contracts.md §4: only the printed formulas may give up (null in JSON); the numbers
    # come from derivview's own tree, whatever the size.
    # 80 factors: sympy's f″ has ~80³ factors (30 were printed within the budget on a
    # fast machine).
    text = "".join(f"(x+{k})" for k in range(1, 81))
    assert main(["info", text, "--at", "1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["df"] is None and doc["d2f"] is None and doc["f"].startswith("(x + 1)(x + 2)")
    p = doc["points"][0]
    f = math.prod(1 + k for k in range(1, 81))  # by hand: f′/f = Σ 1/(x + k)
    assert p["f"] == pytest.approx(f, rel=1e-13)
    assert p["df"] == pytest.approx(f * sum(1 / (1 + k) for k in range(1, 81)), rel=1e-12)
    assert p["differentiable"] is True
    assert main(["info", text, "--at", "1"]) == 0
    out = capsys.readouterr().out
    assert "f′(x) = too complex to print" in out and "Traceback" not in out


class _NeverReady:
    """An engine that never finishes starting (a very loaded machine): records the longest
    wait asked of it."""

    timeout = 2.0

    def __init__(self) -> None:
        self.waits: list[float] = []

    def start(self) -> None:
        pass

    def wait_ready(self, timeout: float) -> None:
        from derivview.model.errors import EngineStarting
        from derivview.model.symbolic_worker import STILL_STARTING

        self.waits.append(timeout)
        raise EngineStarting(STILL_STARTING)

    def run(self, *args: object) -> None:
        raise AssertionError("a job sent to an engine that is not ready")


def test_an_engine_still_starting_does_not_hold_the_answer(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """issue 14.9: the answer is due ANSWER_WITHIN_S after the command starts, the engine's
    start included: the numbers, with f′ and f″ null and the reason in the report."""
    from derivview.commands.info import ANSWER_WITHIN_S
    from derivview.model import symbolic_worker
    from derivview.model.formulas import JOB_AT_LEAST_S

    engine = _NeverReady()
    monkeypatch.setattr(symbolic_worker, "default_worker", lambda: engine)
    text = "max(x, x^2) + sin(sin(sin(sin(x))))"  # printed by the engine, not in process
    assert main(["info", text, "--at", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["df"] is None and doc["d2f"] is None
    assert doc["points"][0]["df"] == pytest.approx(4 + math.cos(2) * math.cos(math.sin(2))
        * math.cos(math.sin(math.sin(2))) * math.cos(math.sin(math.sin(math.sin(2)))))  # fmt: skip
    assert main(["info", text, "--at", "2"]) == 0
    assert "f′(x) = the symbolic engine is still starting" in capsys.readouterr().out
    # never the 10 s a command otherwise gives the engine to start
    assert len(engine.waits) == 2 and max(engine.waits) <= ANSWER_WITHIN_S - JOB_AT_LEAST_S


def _derivview() -> list[str]:
    exe = shutil.which("derivview")
    return [exe] if exe else [sys.executable, "-m", "derivview"]


def test_subprocess_json_and_statuses() -> None:
    ok = subprocess.run(
        [*_derivview(), "info", "x^2", "--at", "1", "--range", "-3", "3", "--json"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == CONTRACT_EXAMPLE
    bad = subprocess.run(
        [*_derivview(), "info", "sin(", "--json"], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2 and "column" in bad.stderr
    assert "Traceback" not in bad.stdout + bad.stderr


def test_other_failures_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import derivview.model.calculus as calculus

    def broken(text: str, *args: object, **kwargs: object) -> None:
        raise OSError("the worker process could not be started")

    monkeypatch.setattr(calculus, "analyze", broken)
    assert main(["info", "x^2"]) == 1
    out, err = capsys.readouterr()
    assert "could not be started" in err and "Traceback" not in out + err


@pytest.mark.parametrize(
    ("text", "x0", "over"),
    [
        ("1e308 x^2", 2.0, ("f", "df", "d2f")),
        ("1e307 x^4", 3.0, ("f", "df", "d2f")),
        ("x^2 + 1e308 |x|", 2.0, ("f",)),
        ("e^(x^2)", 30.0, ("f", "df", "d2f")),
    ],
)
def test_values_beyond_float64_are_too_large_to_represent(
    capsys: pytest.CaptureFixture[str], text: str, x0: float, over: tuple[str, ...]
) -> None:
    # issue 14: the derivative exists ("differentiable" is about mathematics, not
    # float64); what overflows is null in JSON and "too large to represent" in words
    assert main(["info", text, "--at", str(x0), "--json"]) == 0
    p = json.loads(capsys.readouterr().out)["points"][0]
    assert p["differentiable"] is True
    for name in over:
        assert p[name] is None, name
    assert main(["info", text, "--at", str(x0)]) == 0
    out = capsys.readouterr().out
    assert "f(x)     too large to represent" in out or "f(x)   too large to represent" in out
    assert "undefined" not in out
