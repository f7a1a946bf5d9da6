"""What the regression lab says: formulas, numbers and sentences, against hand-worked
values for small data (x = 0, 2: the Hessian is [[4, 2], [2, 2]], λ = 3 ± √5)."""

from __future__ import annotations

import math

import numpy as np

from derivview.model.labs.regression import Dataset
from derivview.model.labs.regression_text import (
    GRAD,
    gradient_formulas,
    number,
    readout_text,
    scaling_text,
    stability_text,
    status_text,
    update_formula,
)
from derivview.model.mathbox import plain
from derivview.model.session import Session


def lab(x, y, **settings):
    s = Session()
    st = s.state("regression")
    st.update(source="csv", data=Dataset(np.array(x, float), np.array(y, float)), **settings)
    return st


LO, HI = 3 - math.sqrt(5), 3 + math.sqrt(5)


def test_numbers_have_seven_significant_digits_and_a_real_minus():
    assert number(-0.000123456789) == "−0.0001234568"
    assert number(2.5e-12) == "2.5e-12".replace("-", "−")
    assert number(math.inf) == "∞" and number(math.nan) == "nan"


def test_the_formulas_are_the_seeds_gradient():
    dm, db = gradient_formulas()
    assert plain(dm) == "∂L/∂m = (2/n)Σ_i(m x_i + b − y_i) · x_i"
    assert plain(db) == "∂L/∂b = (2/n)Σ_i(m x_i + b − y_i)"
    dm, _ = gradient_formulas(prime=True)
    assert plain(dm) == "∂L/∂m′ = (2/n)Σ_i(m′ x′_i + b′ − y_i) · x′_i"
    assert plain(update_formula()) == "m ← m − η (∂L/∂m), b ← b − η (∂L/∂b)"


def test_the_readout_is_the_state_in_numbers():
    st = lab([0, 2], [1, 0], learning_rate=0.1)
    st.step(1)
    # At m = b = 0: ŷ − y = (−1, 0); dm = (2/2)·(0) = 0, db = (2/2)·(−1) = −1; so after one
    # epoch m = 0, b = 0.1; there ŷ − y = (−0.9, 0.1): L = 0.41, dm = 0.2, db = −0.8.
    text = readout_text(st)
    assert text.splitlines() == [
        "epoch 1 of 1,000",
        "m = 0    b = 0.1",
        "L = 0.41",
        "∂L/∂m = 0.2",
        "∂L/∂b = −0.8",
        f"{GRAD} = {number(math.hypot(0.2, 0.8))}",
    ]


def test_the_stability_sentence_names_two_over_lambda_max():
    st = lab([0, 2], [1, 0], learning_rate=0.1)
    text = stability_text(st)
    assert f"η < 2/λ_max = {2 / HI:.4g}" in text and "will diverge" not in text
    st.update(learning_rate=0.5)
    assert "η = 0.5 is above it: the run will diverge." in stability_text(st)


def test_the_status_says_how_the_run_goes():
    st = lab([0, 2], [1, 0], learning_rate=0.1, epochs=5)
    assert status_text(st).startswith("Ready")
    st.step(2)
    assert status_text(st).startswith("Epoch 2 of 5: L = ")
    st.step(3)
    assert status_text(st).startswith("Stopped after 5 epochs: " + GRAD)
    st.update(learning_rate=0.5, epochs=1000)
    assert "this run will diverge" in status_text(st)
    st.step(3)
    assert "and growing" in status_text(st) and f"{2 / HI:.4g}" in status_text(st)
    st.step(1000)
    assert status_text(st).startswith("Diverged after ")


def test_the_scaling_sentence_has_this_datas_numbers():
    st = lab([0, 2], [1, 0], learning_rate=0.1)
    text = scaling_text(st)
    stretch = math.sqrt(HI / LO)
    raw_rate = max(abs(1 - 0.1 * LO), abs(1 - 0.1 * HI))
    assert f"{stretch:.4g} times longer than wide" in text
    assert f"shrinks ×{raw_rate:.4g} per epoch" in text
    epochs = math.ceil(math.log(1e-6) / math.log(raw_rate))
    assert f"{epochs:,} epochs to 10⁻⁶" in text
    assert "Standardized x: the bowl is round (λ = 2, 2)" in text and "×0.8 per epoch" in text
    st.update(learning_rate=0.5)
    assert "the distance to the answer diverges" in scaling_text(st)
    assert "the same η lands on the answer in one epoch" in scaling_text(st)  # 1 − 2·0.5 = 0


def test_a_rate_close_to_1_keeps_the_digits_that_tell_it_from_1():
    st = lab([0, 2], [1, 0], learning_rate=1e-5)
    raw_rate = 1 - 1e-5 * LO
    assert f"shrinks ×{number(raw_rate)} per epoch" in scaling_text(st)


def test_every_x_the_same_is_a_valley():
    st = lab([2, 2, 2], [1, 2, 6])
    assert "valley" in scaling_text(st)
