"""Deep chains (seed §9.3) against closed forms and an independent mpmath product."""

from __future__ import annotations

import math

import mpmath as mp
import pytest

from derivview.model.labs.depth import chain, clip

mp.mp.dps = 40


def test_linear_chain_gradient_is_w_to_the_n():
    for w, n in [(1.5, 10), (0.5, 30), (-1.2, 7), (1.0, 200)]:
        c = chain("linear", n, 0.3, weight=w, bias=0.1)
        assert c.grad == pytest.approx(w**n, rel=1e-14)
        for layer in c.layers:
            assert layer.local == w
            assert layer.grad == pytest.approx(w**layer.k, rel=1e-14)


def test_relu_with_positive_preactivations_passes_w_to_the_n():
    c = chain("relu", 20, 1.0, weight=1.2, bias=0.1)
    assert all(layer.z > 0 for layer in c.layers)
    assert c.grad == pytest.approx(1.2**20, rel=1e-14)
    assert c.regime == "exploding"


def independent_grad(act: str, n: int, x: float, w: float, b: float) -> mp.mpf:
    a = mp.mpf(x)
    g = mp.mpf(1)
    for _ in range(n):
        z = w * a + b
        if act == "sigmoid":
            s = 1 / (1 + mp.exp(-z))
            a, d = s, s * (1 - s)
        else:
            a, d = mp.tanh(z), 1 - mp.tanh(z) ** 2
        g *= w * d
    return g


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
@pytest.mark.parametrize(
    ("n", "x", "w", "b"),
    [(5, 0.0, 1.0, 0.0), (20, 0.7, 2.0, -0.5), (60, -1.0, 0.8, 0.3), (200, 0.1, 3.0, 0.0)],
)
def test_sigmoid_and_tanh_chains_match_the_product_of_local_derivatives(act, n, x, w, b):
    c = chain(act, n, x, weight=w, bias=b)
    truth = independent_grad(act, n, x, w, b)
    assert c.grad == pytest.approx(float(truth), rel=1e-10, abs=1e-300)
    assert c.layers[-1].log10_grad == pytest.approx(float(mp.log10(abs(truth))), abs=1e-9)
    if act == "sigmoid":
        assert abs(c.grad) <= (abs(w) / 4) ** n * (1 + 1e-12)


def test_twenty_sigmoids_vanish_and_say_how_fast():
    c = chain("sigmoid", 20, 0.0)
    assert c.regime == "vanishing"
    logs = [math.log10(abs(layer.local)) for layer in c.layers]
    factor = 10 ** (sum(logs) / len(logs))
    assert c.factor == pytest.approx(factor, rel=1e-12)
    words = c.summary()
    assert words.startswith("vanishing: the gradient shrinks ~")
    assert f"~{1 / factor:.2g}×" in words
    assert "after 20 layers" in words
    assert 4.0 <= 1 / factor <= 5.0  # σ′ ≤ 1/4: at least 4× per layer


def test_underflow_is_still_described_by_its_logarithm():
    c = chain("sigmoid", 200, 0.0, weight=0.1)  # (0.025)^200 ≈ 1e-320: a subnormal or 0
    assert c.layers[-1].log10_grad < -300
    assert "e−3" in c.summary()


def test_relu_kills_the_gradient_with_zero():
    c = chain("relu", 10, -1.0)
    # a₁ = relu(x) is 0 on a whole neighbourhood of x = −1, so every later aₖ is constant
    # there: ∂aₖ/∂x = 0 although relu′(z₂ = 0) itself does not exist.
    assert c.layers[0].local == 0.0 and c.grad == 0.0
    assert c.layers[1].z == 0.0 and c.layers[1].local is None and c.layers[1].grad == 0.0
    assert c.regime == "dead"
    assert "z₁ = −1 < 0" in c.summary() and "0 from layer 1" in c.summary()


def test_relu_at_exactly_zero_has_no_derivative():
    c = chain("relu", 3, 0.0)  # z₁ = 0
    assert c.layers[0].local is None and c.grad is None
    assert all(layer.grad is None for layer in c.layers)
    assert c.regime == "undefined" and "does not exist" in c.summary()


def test_stable_chain():
    c = chain("tanh", 3, 0.0, weight=1.0)
    assert c.regime == "stable" and c.summary().startswith("stable")


def test_clipping_caps_exploding_and_leaves_vanishing():
    assert clip(1e6, 5.0) == 5.0
    assert clip(-1e6, 5.0) == -5.0
    assert clip(1e-9, 5.0) == 1e-9
    assert clip(None, 1.0) is None
    with pytest.raises(ValueError):
        clip(1.0, 0.0)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("swish", 3, 0.0), "activation"),
        (("relu", 0, 0.0), "depth"),
        (("relu", 201, 0.0), "depth"),
        (("relu", 2.5, 0.0), "depth"),
        (("relu", 3, float("nan")), "x must be"),
    ],
)
def test_bad_input_is_refused_with_a_message(args, match):
    with pytest.raises(ValueError, match=match):
        chain(*args)


def test_a_chain_beyond_float64_keeps_its_size_in_the_logarithm():
    # Linear, W = 100, 200 layers: ∂a/∂x = 100²⁰⁰ = 1e400, a overflows too; the
    # derivative still exists (linear′ = 1 whatever z is).
    c = chain("linear", 200, 1.0, weight=100.0)
    last = c.layers[-1]
    assert last.log10_grad == pytest.approx(400.0, abs=1e-9)
    assert last.grad == math.inf and last.z == math.inf and last.local == 100.0
    assert c.layers[153].grad == pytest.approx(100.0**154, rel=1e-12)  # still finite
    assert c.regime == "exploding"
    assert "1e400" in c.summary() and "~100×" in c.summary()
    # relu passes W where z > 0, also at z = +inf.
    r = chain("relu", 200, 1.0, weight=100.0)
    assert r.layers[-1].log10_grad == pytest.approx(400.0, abs=1e-9)


def test_clipping_beyond_float64_and_on_the_log_scale():
    from derivview.model.labs.depth import clip_log10

    assert clip(math.inf, 5.0) == 5.0 and clip(-math.inf, 5.0) == -5.0
    assert clip(math.nan, 5.0) is None
    assert clip_log10(400.0, 10.0) == 1.0
    assert clip_log10(-12.0, 10.0) == -12.0
    assert clip_log10(None, 10.0) is None
    with pytest.raises(ValueError):
        clip_log10(1.0, -1.0)


def test_clipping_in_words():
    exploding = chain("linear", 10, 1.0, weight=2.0)  # |∂aₖ/∂x| = 2ᵏ
    words = exploding.clip_summary(10.0)
    assert "from layer 4 on" in words  # 2⁴ = 16 is the first above 10
    assert "1020 → 10" in words.replace("1.02e3", "1020")  # 2¹⁰ = 1024 → 10
    vanishing = chain("sigmoid", 20, 0.0)
    assert "cannot bring back a vanishing one" in vanishing.clip_summary(1.0)
    stable = chain("tanh", 3, 0.0)
    assert "never exceeds 5" in stable.clip_summary(5.0)


def independent_log10_grad(act: str, n: int, x: float, w: float, b: float) -> float:
    """log₁₀|∂a_N/∂x| in mpmath (its exponent range has no float64 underflow), with
    σ′ = e⁻ᶻ/(1 + e⁻ᶻ)² and tanh′ = 1/cosh²: no 1 − σ or 1 − tanh² to cancel far out."""
    with mp.workdps(30):
        a, log_g = mp.mpf(x), mp.mpf(0)
        for _ in range(n):
            z = w * a + b
            if act == "sigmoid":
                a, d = 1 / (1 + mp.exp(-z)), mp.exp(-z) / (1 + mp.exp(-z)) ** 2
            else:
                a, d = mp.tanh(z), 1 / mp.cosh(z) ** 2
            log_g += mp.log10(abs(w * d))
        return float(log_g)


def test_a_product_below_float64_is_vanishing_not_dead():
    # W = −50, B = 3: the locals alternate around 1e−8 and 1e−18, the product passes the
    # smallest float64 (≈ 5e−324) by layer 40; it is tiny, not 0.
    c = chain("sigmoid", 200, 0.5, weight=-50.0, bias=3.0)
    assert c.layers[-1].grad == 0.0  # what float64 can say
    truth = independent_log10_grad("sigmoid", 200, 0.5, -50.0, 3.0)
    assert truth < -1000
    assert c.layers[-1].log10_grad == pytest.approx(truth, rel=1e-9)
    assert c.regime == "vanishing"
    words = c.summary()
    assert words.startswith("vanishing: the gradient shrinks ~")
    exponent = math.floor(truth)
    assert f"e−{-exponent} after 200 layers" in words


@pytest.mark.parametrize(
    ("act", "n", "x", "w", "b"),
    [
        ("sigmoid", 5, 0.5, 2000.0, 0.0),  # z₁ = 1000: σ′(1000) ≈ e⁻¹⁰⁰⁰ underflows
        ("sigmoid", 3, 0.9, -1e6, 0.0),  # z₁ = −9e5
        ("tanh", 4, 0.5, 1e5, 2.0),  # sech²(5e4 + 2)
        ("tanh", 200, 0.5, 1e-300, 3.0),  # every local ≈ 1e−302
    ],
)
def test_a_saturated_unit_still_has_a_size(act, n, x, w, b):
    c = chain(act, n, x, weight=w, bias=b)
    for k in range(1, n + 1):
        truth = independent_log10_grad(act, k, x, w, b)
        assert c.layers[k - 1].log10_grad == pytest.approx(truth, rel=1e-9, abs=1e-9)
    assert c.regime == "vanishing"
    assert c.summary().startswith("vanishing")
    assert all(math.isfinite(layer.log10_local) for layer in c.layers)


@pytest.mark.parametrize(
    ("act", "b"),
    # relu with B = 0: every zₖ = 0, where relu′ is undefined, yet aₖ = relu(0) whatever
    # aₖ₋₁ is: ∂aₖ/∂aₖ₋₁ = 0 (it said "undefined" at the lab's default B)
    [("linear", 0.0), ("relu", 3.0), ("relu", 0.0), ("sigmoid", 0.0)],
)
def test_w_zero_kills_the_gradient_and_the_words_blame_w(act, b):
    c = chain(act, 4, 0.5, weight=0.0, bias=b)
    assert c.grad == 0.0 and c.regime == "dead"
    words = c.summary()
    assert words.startswith("dead: W = 0") and "relu" not in words
    assert "0 from layer 1 on" in words
