"""``derivview info|descend TEXT --vars x,y`` (contracts.md §6): JSON shapes, values
against closed forms, the text reports, and exit statuses."""

from __future__ import annotations

import json
import math

import pytest

from derivview.cli import main
from derivview.model.expr import parse
from derivview.model.labs.fxy import XyFunction


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _json(capsys, *argv: str) -> dict:
    code, out, err = _run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# -- info --------------------------------------------------------------------------------------


def test_info_gives_the_contracts_example(capsys) -> None:
    doc = _json(capsys, "info", "x^2 - y^2", "--vars", "x,y", "--at", "0,0")
    assert doc == {
        "expression": "x^2 - y^2",
        "variables": ["x", "y"],
        "f": "x^2 - y^2",
        "gradient": ["2x", "-2y"],
        "parameters": {},
        "points": [
            {"x": 0.0, "y": 0.0, "f": 0.0, "gradient": [0.0, 0.0],
             "hessian": [[2.0, 0.0], [0.0, -2.0]], "eigenvalues": [-2.0, 2.0], "kind": "saddle"}
        ],
    }  # fmt: skip


def test_info_on_rosenbrock_against_the_hand_derivatives(capsys) -> None:
    # f = (1 − x)² + 100(y − x²)²: ∂f/∂x = −2(1 − x) − 400x(y − x²), ∂f/∂y = 200(y − x²),
    # H = [[2 − 400(y − 3x²), −400x], [−400x, 200]]
    doc = _json(capsys, "info", "(1 - x)^2 + 100(y - x^2)^2", "--vars", "x,y",
                "--at", "-1.2,1", "--at", "1,1")  # fmt: skip
    p, q = doc["points"]
    x, y = -1.2, 1.0
    assert p["f"] == pytest.approx((1 - x) ** 2 + 100 * (y - x * x) ** 2, rel=1e-14)
    assert p["gradient"] == pytest.approx([-2 * (1 - x) - 400 * x * (y - x * x),
                                           200 * (y - x * x)], rel=1e-13)  # fmt: skip
    assert p["hessian"] == [
        pytest.approx([2 - 400 * (y - 3 * x * x), -400 * x], rel=1e-13),
        pytest.approx([-400 * x, 200.0], rel=1e-13),
    ]
    assert p["kind"] == "regular"
    # the minimum (1, 1): H = [[802, −400], [−400, 200]], eigenvalues 501 ∓ √(301² + 400²)
    assert q["f"] == 0.0 and q["gradient"] == [0.0, 0.0] and q["kind"] == "minimum"
    r = math.hypot(301.0, 400.0)
    assert q["eigenvalues"] == pytest.approx([501 - r, 501 + r], rel=1e-12)


@pytest.mark.parametrize(
    ("text", "at", "kind"),
    [
        ("x^2 + y^2", "0,0", "minimum"),
        ("-(x^2) - 2y^2", "0,0", "maximum"),
        ("x y", "0,0", "saddle"),
        ("x^2 + y^4", "0,0", "degenerate"),
        ("x^2 + y^2", "1,0", "regular"),
        ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "3,2", "minimum"),
        ("|x| + y^2", "0,1", None),  # no gradient on the crease x = 0
        ("sqrt(1 - x^2 - y^2)", "1,1", None),  # outside the domain
    ],
)
def test_info_names_the_kind_of_point(capsys, text, at, kind) -> None:
    doc = _json(capsys, "info", text, "--vars", "x,y", "--at", at)
    assert doc["points"][0]["kind"] == kind


def test_info_gives_null_where_undefined(capsys) -> None:
    doc = _json(capsys, "info", "sqrt(1 - x^2 - y^2)", "--vars", "x,y", "--at", "1,1")
    assert doc["points"][0] == {"x": 1.0, "y": 1.0, "f": None, "gradient": None,
                                "hessian": None, "eigenvalues": None, "kind": None}  # fmt: skip


@pytest.mark.parametrize(
    "text", ["sin(x y) + exp(x - y)", "a x^3 y + b sqrt(x^2 + y^2)", "x^y", "ln(1 + x^2 y^2)"]
)
def test_the_printed_gradient_parses_back_and_agrees_with_the_tree(capsys, text) -> None:
    doc = _json(capsys, "info", text, "--vars", "x,y", "--at", "0.7,1.3", "--param", "a=2")
    fn = XyFunction.from_text(text)
    exact = fn.at(0.7, 1.3, {"a": 2.0}).gradient
    assert exact is not None
    for i, printed in enumerate(doc["gradient"]):
        back = XyFunction(parse(printed, variables=("x", "y")))
        assert back.at(0.7, 1.3, {"a": 2.0}).f == pytest.approx(exact[i], rel=1e-12)
    assert doc["parameters"] == ({"a": 2.0, "b": 1.0} if "a" in text else {})


def test_info_text_report(capsys) -> None:
    code, out, err = _run(capsys, "info", "x^2 - y^2", "--vars", "x,y", "--at=-1,2")
    assert code == 0 and err == ""
    assert "∂f/∂x   = 2x" in out and "∂f/∂y   = -2y" in out
    # numbers with a real minus sign (U+2212); the printed formulas stay in the language
    assert "at (x, y) = (−1, 2):" in out
    assert "(−2, −4)" in out and "4.472135955" in out and "[[2, 0], [0, −2]]" in out
    assert "eigenvalues  −2, 2" in out
    assert "regular" in out


def test_descend_text_is_a_summary_with_real_minus_signs(capsys) -> None:
    # x² + 10y² at η = 0.04 from (1, −1): x_k = 0.92^k, y_k = −0.2^k; 100 steps, 101 rows
    code, out, err = _run(
        capsys, "descend", "x^2 + 10y^2", "--vars", "x,y", "--start=1,-1", "--lr", "0.04"
    )
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "gradient descent, η = 0.04, start (x, y) = (1, −1)"
    rows = [ln.split() for ln in lines[2:] if ln.split() and ln.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3, 4, 98, 99, 100]
    for r in rows:
        k = int(r[0])
        assert float(r[1]) == pytest.approx(0.92**k, rel=1e-5)
        assert float(r[2].replace("−", "-")) == pytest.approx(-(0.2**k), rel=1e-5)
    assert "-" not in "".join(lines[1:-2])  # the header and rows (not the note's "--json")
    assert "(101 iterates, 93 not shown" in out
    _code, every, _err = _run(
        capsys, "descend", "x^2 + 10y^2", "--vars", "x,y", "--start=1,-1", "--every", "25"
    )
    ks = [ln.split()[0] for ln in every.splitlines()[2:] if ln.split()[0].isdigit()]
    assert ks == ["0", "25", "50", "75", "100"]


def test_vars_x_is_the_one_variable_command(capsys) -> None:
    one = _json(capsys, "info", "x^2", "--at", "1")
    same = _json(capsys, "info", "x^2", "--vars", "x", "--at", "1")
    assert one == same


# -- descend -----------------------------------------------------------------------------------


def test_descend_json_shape_and_the_closed_form_of_a_bowl(capsys) -> None:
    a, c, lr = 1.0, 10.0, 0.04
    doc = _json(capsys, "descend", "x^2 + 10y^2", "--vars", "x,y", "--start", "1,1",
                "--lr", str(lr), "--steps", "30")  # fmt: skip
    assert {"method", "learning_rate", "beta", "start", "steps", "status", "message"} <= set(doc)
    assert doc["method"] == "gd" and doc["learning_rate"] == lr and doc["beta"] is None
    assert doc["start"] == [1.0, 1.0]
    assert len(doc["steps"]) == 31
    for s in doc["steps"]:
        assert set(s) == {"k", "x", "f", "gradient"}
        k = s["k"]
        x, y = 1.0 * (1 - 2 * lr * a) ** k, 1.0 * (1 - 2 * lr * c) ** k
        assert s["x"] == pytest.approx([x, y], rel=1e-12)
        assert s["f"] == pytest.approx(a * x * x + c * y * y, rel=1e-12)
        assert s["gradient"] == pytest.approx([2 * a * x, 2 * c * y], rel=1e-12)
    assert doc["status"] == "max_steps"


def test_descend_momentum_is_the_heavy_ball(capsys) -> None:
    lr, beta = 0.05, 0.8
    doc = _json(capsys, "descend", "x^2 + 4y^2", "--vars", "x,y", "--start", "2,1",
                "--method", "momentum", "--lr", str(lr), "--beta", str(beta),
                "--steps", "25")  # fmt: skip
    assert doc["beta"] == beta
    x, y, vx, vy = 2.0, 1.0, 0.0, 0.0
    for s in doc["steps"][1:]:
        vx, vy = beta * vx + 2 * x, beta * vy + 8 * y
        x, y = x - lr * vx, y - lr * vy
        assert s["x"] == pytest.approx([x, y], rel=1e-12, abs=1e-300)


def test_descend_newton_solves_a_quadratic_in_one_step(capsys) -> None:
    doc = _json(capsys, "descend", "2x^2 + x y + y^2 - 3x + y", "--vars", "x,y",
                "--start", "5,-7", "--method", "newton")  # fmt: skip
    assert doc["steps"][1]["x"] == pytest.approx([1.0, -1.0], rel=1e-12)
    assert doc["status"] == "converged" and len(doc["steps"]) == 2


def test_descend_to_a_saddle_says_saddle(capsys) -> None:
    doc = _json(capsys, "descend", "x^2 - y^2", "--vars", "x,y", "--start", "1,0",
                "--steps", "500")  # fmt: skip
    assert doc["status"] == "converged" and "saddle" in doc["message"]
    assert doc["outcome"] == "saddle"


@pytest.mark.parametrize(
    ("argv", "status"),
    [
        (["x^2 + 10y^2", "--start", "1,1", "--lr", "0.11", "--steps", "2000"], "diverged"),
        (["x^2 + y", "--start", "1,1", "--method", "newton"], "stalled"),
        (["|x| + y^2", "--start", "1,1", "--lr", "0.5"], "stalled"),
        (["x^2 + y^2", "--start", "1,1", "--lr", "0.1", "--steps", "1000"], "converged"),
    ],
)
def test_descend_statuses(capsys, argv, status) -> None:
    doc = _json(capsys, "descend", argv[0], "--vars", "x,y", *argv[1:])
    assert doc["status"] == status, doc["message"]


def test_descend_text_table(capsys) -> None:
    code, out, _ = _run(capsys, "descend", "x^2 + 10y^2", "--vars", "x,y", "--start=-1,1",
                        "--lr", "0.04", "--steps", "2")  # fmt: skip
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "gradient descent, η = 0.04, start (x, y) = (−1, 1)"
    assert lines[1].split() == ["k", "x", "y", "f", "∂f/∂x", "∂f/∂y", "|∇f|"]
    assert lines[3].split()[:3] == ["1", "−0.92", "0.2"]
    assert lines[-1].startswith("max_steps: stopped after 2 steps")


# -- invalid input: exit 2, one line, no traceback --------------------------------------------


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["info", "x", "--vars", "x,z"], "expected x or x,y"),
        (["info", "x", "--vars"], "--vars: expected one argument"),
        (["info", "x + yy", "--vars", "x,y"], "column 5"),
        (["info", "x", "--vars", "x,y", "--at", "1"], "expected a point X,Y"),
        (["info", "x", "--vars", "x,y", "--at", "1,nan"], "not a finite number"),
        (["info", "x", "--vars", "x,y", "--range", "0", "1"], "--range lists special points"),
        (["descend", "x", "--vars", "x,y"], "--start X,Y is required"),
        (["descend", "x", "--vars", "x,y", "--start", "1,2,3"], "expected a point X,Y"),
        (["descend", "x", "--vars", "x,y", "--start", "1,1", "--lr", "0"], "must be positive"),
        (["descend", "x", "--vars", "x,y", "--start", "1,1", "--beta", "1"], "beta must be"),
        (["descend", "x", "--vars", "x,y", "--start", "1,1", "--steps", "0"], "--steps must"),
        (["descend", "x", "--vars", "x,y", "--start", "1e13,1"], "--start"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, argv, words) -> None:
    code, out, err = _run(capsys, *argv)
    assert code == 2 and out == ""
    assert words in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
