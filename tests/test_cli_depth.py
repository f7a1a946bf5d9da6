"""``derivview depth``: the contract JSON against closed forms and an independent product
of local derivatives (mpmath), the text report, exit statuses."""

from __future__ import annotations

import json
import math

import mpmath as mp
import pytest

from derivview.cli import main

mp.mp.dps = 40


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["depth", *argv, "--json"]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return json.loads(out)


def test_contract_shape_and_linear_chain_is_w_to_the_n(capsys) -> None:
    doc = run_json(capsys, "--activation", "linear", "--depth", "12", "--at", "0.5",
                   "--weight", "1.5", "--bias", "-0.25")  # fmt: skip
    assert list(doc) == ["activation", "weight", "bias", "x", "layers", "grad"]
    assert (doc["activation"], doc["weight"], doc["bias"], doc["x"]) == ("linear", 1.5, -0.25, 0.5)
    a = 0.5
    for k, layer in enumerate(doc["layers"], start=1):
        assert list(layer) == ["k", "z", "a", "local", "grad"]
        z = 1.5 * a - 0.25
        assert layer["k"] == k and layer["z"] == pytest.approx(z, rel=1e-15)
        a = z
        assert layer["local"] == 1.5
        assert layer["grad"] == pytest.approx(1.5**k, rel=1e-14)
    assert doc["grad"] == pytest.approx(1.5**12, rel=1e-14)


def test_relu_with_positive_preactivations_is_w_to_the_n(capsys) -> None:
    doc = run_json(capsys, "--activation", "relu", "--depth", "30", "--at", "2",
                   "--weight", "0.9", "--bias", "0.05")  # fmt: skip
    assert all(layer["z"] > 0 for layer in doc["layers"])
    assert doc["grad"] == pytest.approx(0.9**30, rel=1e-13)


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_sigmoid_and_tanh_against_an_independent_product(capsys, act) -> None:
    n, x, w, b = 40, -0.3, 1.7, 0.2
    doc = run_json(capsys, "--activation", act, "--depth", str(n), "--at", str(x),
                   "--weight", str(w), "--bias", str(b))  # fmt: skip
    a, g = mp.mpf(x), mp.mpf(1)
    for layer in doc["layers"]:
        z = w * a + b
        if act == "sigmoid":
            a = 1 / (1 + mp.exp(-z))
            d = a * (1 - a)
        else:
            a = mp.tanh(z)
            d = 1 - a**2
        g *= w * d
        assert layer["local"] == pytest.approx(float(w * d), rel=1e-12)
        assert layer["grad"] == pytest.approx(float(g), rel=1e-10)
    if act == "sigmoid":
        assert abs(doc["grad"]) <= (abs(w) / 4) ** n


def test_relu_at_exactly_zero_is_null(capsys) -> None:
    doc = run_json(capsys, "--activation", "relu", "--depth", "3", "--at", "0")
    assert doc["layers"][0]["local"] is None and doc["grad"] is None
    assert doc["layers"][0]["a"] == 0.0


def test_beyond_float64_is_null_in_json_and_a_number_in_text(capsys) -> None:
    doc = run_json(capsys, "--activation", "linear", "--depth", "200", "--at", "1",
                   "--weight", "100")  # fmt: skip
    assert doc["grad"] is None and doc["layers"][100]["grad"] == pytest.approx(1e202, rel=1e-12)
    assert main(["depth", "--activation", "linear", "--depth", "200", "--at", "1",
                 "--weight", "100"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.splitlines()[-2].split()[-1] == "1e400"
    assert "exploding: the gradient grows ~100× per layer" in out


def test_text_report(capsys) -> None:
    assert main(["depth", "--activation", "sigmoid", "--depth", "20", "--at", "0"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("sigmoid chain: N = 20, W = 1, B = 0, x = 0")
    assert len([line for line in lines if line.split()[:1] and line.split()[0].isdigit()]) == 20
    assert lines[-1].startswith("vanishing: the gradient shrinks ~4.4× per layer")
    # the first layer: z = 0, a = σ(0) = 0.5, local = σ′(0) = 0.25
    first = next(line for line in lines if line.split()[:1] == ["1"]).split()
    assert first[1:] == ["0", "0.5", "0.25", "0.25"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--depth", "3", "--at", "0"], "--activation is required"),
        (["--activation", "relu", "--at", "0"], "--depth is required"),
        (["--activation", "relu", "--depth", "3"], "--at is required"),
        (["--activation", "swish", "--depth", "3", "--at", "0"], "one of sigmoid, tanh"),
        (["--activation", "relu", "--depth", "0", "--at", "0"], "between 1 and 200"),
        (["--activation", "relu", "--depth", "201", "--at", "0"], "between 1 and 200"),
        (["--activation", "relu", "--depth", "2.5", "--at", "0"], "whole number"),
        (["--activation", "relu", "--depth", "3", "--at", "inf"], "not a finite number"),
        (["--activation", "relu", "--depth", "3", "--at", "0", "--weight", "x"], "not a number"),
        (["--activation", "relu", "--depth", "3", "--at", "0", "--bias", "1e7"], "±1e6"),
    ],
)
def test_invalid_input_exits_2_with_one_line(capsys, argv, message) -> None:
    assert main(["depth", *argv]) == 2
    out, err = capsys.readouterr()
    assert message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in out + err


def test_negative_values(capsys) -> None:
    doc = run_json(capsys, "--activation", "tanh", "--depth", "2", "--at", "-1.5",
                   "--weight", "-2", "--bias", "-0.5")  # fmt: skip
    z1 = -2 * -1.5 - 0.5
    assert doc["layers"][0]["z"] == z1
    assert doc["layers"][0]["local"] == pytest.approx(-2 * (1 - math.tanh(z1) ** 2), rel=1e-12)


def test_a_saturated_sigmoid_in_the_text_has_a_size_not_zero(capsys) -> None:
    # z₁ = 2000·0.5 + 1 = 1001: W·σ′(1001) = 2000·e⁻¹⁰⁰¹/(1 + e⁻¹⁰⁰¹)², 0 in float64
    argv = ["depth", "--activation", "sigmoid", "--depth", "3", "--at", "0.5", "--weight", "2000"]
    assert main([*argv, "--bias", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = next(line for line in lines if line.split()[:1] == ["1"]).split()
    log_local = math.log10(2000) - 1001 / math.log(10)  # log₁₀ of the local, by hand
    exponent = math.floor(log_local)
    mantissa = 10 ** (log_local - exponent)
    assert first[3] == first[4] == f"{mantissa:.10g}e{exponent}".replace("-", "−")
    assert lines[-1].startswith("vanishing: the gradient shrinks ~")
