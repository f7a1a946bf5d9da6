"""What the regression lab says: its formulas (as boxes), numbers and sentences. Qt-free.

The formulas are the seed's §5 gradient, typeset (:mod:`derivview.model.mathbox`); the
sentences say how the run is going, how large η may be, and why standardizing x helps,
with this data's numbers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from derivview.model.mathbox import Box, Fence, Frac, Row, Space, Sub, Sym

if TYPE_CHECKING:
    from derivview.model.labs.regression_state import RegressionState

#: Significant digits of the numbers a person reads (the contract asks for at least 6).
DIGITS = 7
#: |∇L| that a wrapped line never breaks inside (word joiners around the bars).
GRAD = "|\u2060∇L\u2060|"


def number(value: float) -> str:
    """A number to read: ``DIGITS`` significant digits, a real minus sign."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:.{DIGITS}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def short(value: float) -> str:
    """A number inside a sentence (4 significant digits)."""
    return number(float(f"{value:.4g}")) if math.isfinite(value) else number(value)


def _epochs(value: float) -> str:
    """``value`` epochs in words: "3,197 epochs", "1 epoch"."""
    count = max(1, math.ceil(value))
    return f"{count:,} epoch{'s' if count != 1 else ''}"


# -- formulas ---------------------------------------------------------------------------


def _var(name: str, prime: bool) -> Box:
    return Sym(name + ("′" if prime else ""), "var")


def _indexed(name: str, prime: bool = False) -> Box:
    return Sub(_var(name, prime), Sym("i", "var"))


def _residual(prime: bool) -> Box:
    """(m·xᵢ + b − yᵢ), in x′ when standardized."""
    return Fence(
        Row(
            (
                _var("m", prime),
                Space(0.17),
                _indexed("x", prime),
                Sym("+", "op"),
                _var("b", prime),
                Sym("−", "op"),
                _indexed("y"),
            )
        )
    )


def gradient_formulas(prime: bool = False) -> tuple[Box, Box]:
    """∂L/∂m = (2/n)·Σᵢ(m·xᵢ + b − yᵢ)·xᵢ and ∂L/∂b = (2/n)·Σᵢ(m·xᵢ + b − yᵢ).

    ``prime``: the same in the standardized x′ and its parameters m′, b′.
    """
    two_n = Frac(Sym("2", "num"), Sym("n", "var"))
    sigma = Sub(Sym("Σ", "fn"), Sym("i", "var"))

    def d(name: str) -> Box:
        return Frac(Sym("∂L", "var"), Row((Sym("∂", "var"), _var(name, prime))))

    dm = Row(
        (
            d("m"),
            Sym("=", "rel"),
            two_n,
            Space(0.1),
            sigma,
            _residual(prime),
            Sym("·", "op"),
            _indexed("x", prime),
        )
    )
    db = Row((d("b"), Sym("=", "rel"), two_n, Space(0.1), sigma, _residual(prime)))
    return dm, db


def update_formula(prime: bool = False) -> Box:
    """The seed's update: m ← m − η·∂L/∂m, b ← b − η·∂L/∂b."""

    def rule(name: str) -> tuple[Box, ...]:
        v = _var(name, prime)
        grad = Frac(Sym("∂L", "var"), Row((Sym("∂", "var"), v)))
        return (v, Sym("←", "rel"), v, Sym("−", "op"), Sym("η", "var"), Space(0.17), grad)

    # The comma's own space, and a little more (under 0.15 em: no double space in text).
    return Row((*rule("m"), Sym(",", "punct"), Space(0.14), *rule("b")))


# -- numbers ----------------------------------------------------------------------------


def readout_text(state: RegressionState) -> str:
    """Epoch, m, b, L, ∂L/∂m, ∂L/∂b and |∇L| at the current epoch, as numbers.

    Standardized, the gradient is in m′, b′ (what the run trains) and the line is also
    given in the original x.
    """
    run = state.run
    last = run.last
    prime = "′" if state.scaling is not None else ""
    lines = [f"epoch {state.epoch:,} of {run.epochs:,}"]
    if prime:
        lines.append(f"m′ = {number(last.m)}    b′ = {number(last.b)}")
        m, b = state.line()
        lines.append(f"in x: m = {number(m)}    b = {number(b)}")
    else:
        lines.append(f"m = {number(last.m)}    b = {number(last.b)}")
    lines.append(f"L = {number(last.loss)}")
    lines.append(f"∂L/∂m{prime} = {number(last.dm)}")
    lines.append(f"∂L/∂b{prime} = {number(last.db)}")
    lines.append(f"{GRAD} = {number(math.hypot(last.dm, last.db))}")
    return "\n".join(lines)


def answer_text(state: RegressionState) -> str:
    """The least-squares answer and how far the run is from it."""
    ls = state.answer
    if ls is None:
        return (
            "Least squares: not unique — every x is the same, so any line through "
            "(x̄, ȳ) fits as well."
        )
    m, b = state.line()
    distance = math.hypot(m - ls.m, b - ls.b)
    return (
        f"Least squares: m* = {number(ls.m)}, b* = {number(ls.b)}, L* = {number(ls.loss)}\n"
        f"The run is {number(distance)} from it (distance in (m, b))."
    )


# -- sentences ----------------------------------------------------------------------------


def stability_text(state: RegressionState) -> str:
    """The largest stable η for this data, and whether the chosen η is below it."""
    lo, hi = state.eigenvalues
    bound = state.bound
    lr = state.get("learning_rate")
    where = " (in x′)" if state.scaling is not None else ""
    head = (
        f"Stable for η < 2/λ_max = {short(bound)}{where}; "
        f"the Hessian's λ = {short(lo)}, {short(hi)}."
    )
    if lr >= bound:
        return head + f" η = {short(lr)} is above it: the run will diverge."
    return head


def status_text(state: RegressionState) -> str:
    """How the run is going, or how it ended, in words."""
    run = state.run
    epoch = state.epoch
    lr = state.get("learning_rate")
    if run.finished:
        return (run.message[0].upper() + run.message[1:]).replace("|∇L|", GRAD)
    last = run.last
    grad = math.hypot(last.dm, last.db)
    if epoch == 0:
        if lr >= state.bound:
            return (
                f"Ready. η = {short(lr)} is at or above 2/λ_max = {short(state.bound)}: "
                "this run will diverge."
            )
        return "Ready: Step trains one epoch, Play trains on at the chosen speed."
    if run.converged_at is not None:
        return (
            f"Converged at epoch {run.converged_at:,}: {GRAD} = {short(grad)} < "
            f"{short(run.tol)}. Step goes on to epoch {run.epochs:,}, as the seed's loop."
        )
    if lr >= state.bound:
        return (
            f"Epoch {epoch:,}: L = {short(last.loss)} and growing — η = {short(lr)} is above "
            f"2/λ_max = {short(state.bound)}, so each epoch overshoots further: it diverges."
        )
    gap = last.loss - state.bowl.floor
    return (
        f"Epoch {epoch:,} of {run.epochs:,}: L = {short(last.loss)} "
        f"({short(gap)} above its minimum), {GRAD} = {short(grad)}."
    )


def scaling_text(state: RegressionState) -> str:
    """Why standardizing x helps, with this data's numbers and the chosen η."""
    import numpy as np

    from derivview.model.labs.regression import epochs_to_shrink, hessian

    lr = state.get("learning_rate")
    data = state.data
    lo, hi = (float(v) for v in np.linalg.eigvalsh(hessian(data)))
    if not lo > 0:
        return "Every x is the same: the loss is a valley, not a bowl, and no η finds one answer."
    raw_rate = max(abs(1 - lr * lo), abs(1 - lr * hi))
    scaled_rate = abs(1 - 2 * lr)
    stretch = math.sqrt(hi / lo)

    def fate(rate: float) -> str:
        if rate >= 1:
            return "diverges"
        if rate < 1e-12:  # η = 1/λ on a round bowl: the answer in one step
            return "lands on the answer in one epoch"
        # As many digits as it takes to tell the rate from 1 (0.9957, 0.9999876).
        shown = number(rate) if rate > 0.999 else short(rate)
        return f"shrinks ×{shown} per epoch — {_epochs(epochs_to_shrink(rate))} to 10⁻⁶"

    raw = (
        f"Raw x: the bowl is {short(stretch)} times longer than wide (λ = {short(lo)}, "
        f"{short(hi)}); η must stay below {short(2 / hi)} for the steep direction, and with "
        f"η = {short(lr)} the distance to the answer {fate(raw_rate)}."
    )
    scaled = (
        f"Standardized x: the bowl is round (λ = 2, 2), η may go up to 1, and the same η "
        f"{fate(scaled_rate)}."
    )
    return raw + "\n" + scaled
