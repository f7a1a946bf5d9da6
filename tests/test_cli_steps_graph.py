"""``derivview steps`` and ``derivview graph`` (contracts.md §5): the contract JSON, the
readable report, exit statuses."""

from __future__ import annotations

import json
import math

import pytest

from derivview.cli import main

STEPS_EXAMPLE = {
    "expression": "sin(x^2)",
    "derivative": "2x cos(x^2)",
    "steps": [
        {"depth": 0, "rule": "chain", "expression": "sin(x^2)", "result": "2x cos(x^2)",
         "note": "outer sin(u), inner u = x^2: cos(u) · u′"},
        {"depth": 1, "rule": "trigonometric", "expression": "sin(u)", "result": "cos(u)",
         "note": ""},
        {"depth": 1, "rule": "power", "expression": "x^2", "result": "2x", "note": ""},
    ],
}  # fmt: skip

S, C = math.sin(2.0), math.cos(2.0)
GRAPH_EXAMPLE = {
    "expression": "x sin(x)", "x": 2.0, "f": 2 * S, "df": S + 2 * C, "output": 0,
    "nodes": [
        {"id": 0, "op": "mul", "text": "x sin(x)", "inputs": [1, 2], "value": 2 * S,
         "local": [S, 2.0], "adjoint": 1.0},
        {"id": 1, "op": "x", "text": "x", "inputs": [], "value": 2.0, "local": [],
         "adjoint": S + 2 * C},
        {"id": 2, "op": "sin", "text": "sin(x)", "inputs": [1], "value": S, "local": [C],
         "adjoint": 2.0},
    ],
}  # fmt: skip


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_steps_contract_example_exactly(capsys):
    code, out, _ = run(capsys, "steps", "sin(x^2)", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc == STEPS_EXAMPLE
    assert list(doc) == ["expression", "derivative", "steps"]
    assert list(doc["steps"][0]) == ["depth", "rule", "expression", "result", "note"]


def test_graph_contract_example_exactly(capsys):
    code, out, _ = run(capsys, "graph", "x sin(x)", "--at", "2", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["nodes"] == [
        {**n, "value": pytest.approx(n["value"], rel=1e-15),
         "local": pytest.approx(n["local"], rel=1e-15),
         "adjoint": pytest.approx(n["adjoint"], rel=1e-15)}
        for n in GRAPH_EXAMPLE["nodes"]
    ]  # fmt: skip
    assert doc["df"] == pytest.approx(S + 2 * C, rel=1e-15)
    assert list(doc) == ["expression", "x", "f", "df", "output", "nodes"]


def test_steps_as_typed_and_the_final_line_is_f_prime(capsys):
    code, out, _ = run(capsys, "steps", "sin(x)/x")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "f(x) = sin(x)/x"
    assert lines[2].startswith("quotient")
    assert "d/dx (sin(x)/x) = (x cos(x) - sin(x))/x^2" in lines[2]
    assert lines[-1].startswith("f′(x) = ")
    code, out, _ = run(capsys, "steps", "x^2 sin(x)", "--json")
    assert json.loads(out)["steps"][0]["rule"] == "product"


def test_steps_notes_say_where_there_is_no_derivative(capsys):
    _, out, _ = run(capsys, "steps", "relu(x - 2)", "--json")
    notes = [s["note"] for s in json.loads(out)["steps"]]
    assert any("no derivative" in n and "x = 2" in n for n in notes)
    _, out, _ = run(capsys, "steps", "relu(x - a)", "--param", "a=-3")
    assert "at x = −3" in out and "with a = -3" in out


def test_graph_text_walks_the_backward_pass(capsys):
    code, out, _ = run(capsys, "graph", "x sin(x)", "--at", "-1e-3")
    assert code == 0
    assert "backward pass" in out
    assert "(2 paths: the multivariable chain rule)" in out
    code, out, _ = run(capsys, "graph", "a x^2", "--at", "3", "--param", "a=2", "--json")
    doc = json.loads(out)
    assert doc["df"] == 12.0 and doc["f"] == 18.0
    a = next(n for n in doc["nodes"] if n["op"] == "param")
    assert a["adjoint"] == 9.0


def test_graph_undefined_numbers_are_null(capsys):
    code, out, _ = run(capsys, "graph", "relu(x)", "--at", "0", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["df"] is None and doc["f"] == 0.0
    code, out, _ = run(capsys, "graph", "sqrt(x)", "--at", "-1", "--json")
    assert json.loads(out)["f"] is None
    code, out, _ = run(capsys, "graph", "sqrt(x)", "--at", "-1")
    assert "f = undefined" in out and "too large" not in out
    # e^(e^(e^2)) ≈ 10^702: null in JSON too, but in words it exists and is too large
    code, out, _ = run(capsys, "graph", "exp(exp(exp(x)))", "--at", "2", "--json")
    assert json.loads(out)["f"] is None
    code, out, _ = run(capsys, "graph", "exp(exp(exp(x)))", "--at", "2")
    assert "f = too large" in out


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["steps", "sin("], "invalid expression"),
        (["steps"], "TEXT is required"),
        (["steps", "x^2", "--param", "x=2"], "parameter"),
        (["graph", "x^2"], "--at X is required"),
        (["graph", "x^2", "--at", "nan"], "not a finite number"),
        (["graph", "foo(x)", "--at", "1"], "invalid expression"),
        (["graph", "x^2", "--at", "1", "--bogus"], "unrecognized"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, argv, words):
    code, _out, err = run(capsys, *argv)
    assert code == 2
    assert words in err and len(err.strip().splitlines()) == 1
