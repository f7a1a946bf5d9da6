"""Vanishing and exploding gradients through a deep chain (the seed's §9.3).

The chain of contracts.md §5 ``depth``: a₀ = x, zₖ = W·aₖ₋₁ + B, aₖ = act(zₖ) for
k = 1…N. By the chain rule ∂aₖ/∂x = ∏ⱼ₌₁ᵏ W·act′(zⱼ): a product of N local derivatives.
If they are mostly below 1 the product vanishes geometrically (sigmoid′ ≤ 1/4, so with
|W| ≤ 1 at least 4× smaller per layer); above 1 it explodes (linear with W = 1.5); relu
passes exactly W where z > 0 and kills everything with 0 where z < 0.

Also here: gradient clipping by norm (the usual cure for *exploding* gradients: it caps
the size of the gradient, it cannot bring back a vanished one), and the words that say
what is happening. Pure Python floats (exact as the formulas; no numpy), Qt-free.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from derivview.model.labs.depth_part import ACTIVATION, ACTIVATIONS, DEPTH, MAX_DEPTH

__all__ = [
    "ACTIVATIONS",
    "MAX_DEPTH",
    "Chain",
    "Layer",
    "activation_derivative",
    "activation_log10_derivative",
    "activation_value",
    "chain",
    "clip",
    "clip_log10",
    "grad_text",
]


def _sigmoid(z: float) -> float:
    # exp of a non-positive number only: no overflow.
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def _sech2(z: float) -> float:
    # 1/cosh² = 4e^(−2|z|)/(1 + e^(−2|z|))²: no overflow, no cancellation far out.
    e = math.exp(-2.0 * abs(z))
    return 4.0 * e / (1.0 + e) ** 2


def activation_value(name: str, z: float) -> float:
    """act(z) for one of :data:`ACTIVATIONS`."""
    if name == "sigmoid":
        return _sigmoid(z)
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0 else 0.0
    if name == "linear":
        return z
    raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")


def activation_derivative(name: str, z: float) -> float | None:
    """act′(z); None where it does not exist (relu at 0)."""
    if name == "sigmoid":
        return _sigmoid(z) * _sigmoid(-z)  # σ(1 − σ), without computing 1 − σ
    if name == "tanh":
        return _sech2(z)  # 1 − tanh², without the cancellation
    if name == "relu":
        if z == 0:
            return None
        return 1.0 if z > 0 else 0.0
    if name == "linear":
        return 1.0
    raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")


_LN10 = math.log(10.0)


def activation_log10_derivative(name: str, z: float) -> float | None:
    """log₁₀ act′(z), also where act′(z) itself underflows to 0 in float64 (a saturated
    sigmoid or tanh: σ′(−800) ≈ e⁻⁸⁰⁰ is not 0); −inf where act′ is exactly 0 (relu for
    z < 0), None where it does not exist."""
    if name == "sigmoid":
        # σ′(z) = e^(−|z|)/(1 + e^(−|z|))²
        t = abs(z)
        return (-t - 2.0 * math.log1p(math.exp(-t))) / _LN10
    if name == "tanh":
        # sech²(z) = 4e^(−2|z|)/(1 + e^(−2|z|))²
        t = 2.0 * abs(z)
        return (math.log(4.0) - t - 2.0 * math.log1p(math.exp(-t))) / _LN10
    d = activation_derivative(name, z)
    if d is None:
        return None
    return math.log10(d) if d > 0 else -math.inf


@dataclass(frozen=True)
class Layer:
    """Layer k: its pre-activation, output, local derivative W·act′(z) and ∂aₖ/∂x.

    ``log10_grad`` is log₁₀|∂aₖ/∂x| computed as a sum of logs, so it stays finite where
    the product itself underflows to 0 or overflows to ±inf in float64 (−inf where a
    local derivative is exactly 0, None where undefined); ``log10_local`` likewise is
    log₁₀|W·act′(zₖ)|, finite where ``local`` underflows (a saturated sigmoid). ``z`` and
    ``a`` are ±inf where they overflow (a linear chain with a large W), None where
    undefined.
    """

    k: int
    z: float | None
    a: float | None
    local: float | None
    grad: float | None
    log10_grad: float | None
    log10_local: float | None = None


@dataclass(frozen=True)
class Chain:
    """A whole chain; ``grad`` is ∂a_N/∂x (None where undefined)."""

    activation: str
    weight: float
    bias: float
    x: float
    layers: tuple[Layer, ...]

    @property
    def grad(self) -> float | None:
        """∂a_N/∂x."""
        return self.layers[-1].grad if self.layers else 1.0

    @property
    def log10_factor(self) -> float | None:
        """log₁₀ of the typical factor per layer: the mean of log₁₀|local| (None if
        undefined or a local derivative is 0). Finite also where the factor itself is
        beyond float64 (a saturated sigmoid: ~e⁻¹⁰⁰⁰ per layer)."""
        logs = []
        for layer in self.layers:
            if layer.log10_local is None or layer.log10_local == -math.inf:
                return None
            logs.append(layer.log10_local)
        return sum(logs) / len(logs) if logs else None

    @property
    def factor(self) -> float | None:
        """The typical factor per layer: the geometric mean of |local| (None if undefined
        or a local derivative is 0; 0 or inf where it is beyond float64)."""
        log = self.log10_factor
        return None if log is None else 10.0**log if log < 308.5 else math.inf

    @property
    def regime(self) -> str:
        """``vanishing``, ``exploding``, ``stable``, ``dead`` (a local derivative is exactly
        0: relu for z < 0, or W = 0) or ``undefined`` (one does not exist). A product that
        merely underflows float64 is vanishing, not dead: its logarithm goes on."""
        for layer in self.layers:
            if layer.log10_grad == -math.inf:
                return "dead"
            if layer.log10_grad is None:
                return "undefined"
        last = self.layers[-1].log10_grad if self.layers else 0.0
        assert last is not None
        if last < -1:
            return "vanishing"
        if last > 1:
            return "exploding"
        return "stable"

    def summary(self) -> str:
        """What is happening, in one or two sentences for people."""
        n = len(self.layers)
        if n == 0:
            return "no layers"
        regime = self.regime
        if regime == "undefined":
            k = next(layer.k for layer in self.layers if layer.local is None)
            return (
                f"undefined: z{_sub(k)} = 0 exactly, where relu′ does not exist, so "
                f"∂a/∂x has no value from layer {k} on."
            )
        if regime == "dead":
            layer = next(layer for layer in self.layers if layer.log10_local == -math.inf)
            if self.weight == 0:
                return (
                    f"dead: W = 0, so every local derivative W·act′(zₖ) is 0 and the "
                    f"gradient is 0 from layer {layer.k} on: nothing before it can learn."
                )
            z = layer.z if layer.z is not None else float("nan")
            return (
                f"dead: z{_sub(layer.k)} = {_num(z)} < 0, where relu′ = 0, so the gradient is "
                f"0 from layer {layer.k} on: nothing before it can learn."
            )
        log_factor = self.log10_factor
        assert log_factor is not None
        g = _num_log(self.layers[-1].log10_grad)
        if regime == "vanishing":
            return (
                f"vanishing: the gradient shrinks ~{_factor(-log_factor)}× per layer "
                f"(|∂a{_sub(n)}/∂x| = {g} after {n} layers)."
            )
        if regime == "exploding":
            return (
                f"exploding: the gradient grows ~{_factor(log_factor)}× per layer "
                f"(|∂a{_sub(n)}/∂x| = {g} after {n} layers)."
            )
        return f"stable: |∂a{_sub(n)}/∂x| = {g} after {n} layers (within a factor of 10 of 1)."

    def clip_summary(self, max_norm: float) -> str:
        """What clipping the gradient at ``max_norm`` does to this chain, in words."""
        cap = math.log10(max_norm) if max_norm > 0 else math.nan
        c = _num(max_norm, 3)
        first = next(
            (
                layer.k
                for layer in self.layers
                if layer.log10_grad is not None and layer.log10_grad > cap
            ),
            None,
        )
        if not self.layers:
            return "no layers"
        n = len(self.layers)
        last = self.layers[-1].log10_grad
        if first is None:
            if self.regime in ("vanishing", "dead"):
                return (
                    f"clipping at {c} changes nothing: it caps large gradients and cannot "
                    f"bring back a vanishing one (|∂a{_sub(n)}/∂x| stays {_num_log(last)})."
                )
            return f"clipping at {c} changes nothing here: |∂aₖ/∂x| never exceeds {c}."
        clipped = clip_log10(last, max_norm)
        return (
            f"clipping at {c} caps |∂aₖ/∂x| at {c} from layer {first} on: the update keeps "
            f"its direction, not its size (|∂a{_sub(n)}/∂x| {_num_log(last)} → "
            f"{_num_log(clipped)})."
        )


def chain(activation: str, depth: int, x: float, weight: float = 1.0, bias: float = 0.0) -> Chain:
    """Forward through the chain, and the running product of the local derivatives."""
    ACTIVATION.check(activation)  # the rules of the window and the command line
    DEPTH.check(depth)
    for name, v in (("x", x), ("weight", weight), ("bias", bias)):
        if not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{name} must be a finite number, got {v!r}")
    a: float | None = float(x)
    grad: float | None = 1.0
    log_grad: float | None = 0.0
    layers: list[Layer] = []
    for k in range(1, depth + 1):
        # z and a may overflow to ±inf (a linear chain with W = 100): the derivative
        # still exists (it depends on z's sign only, where the activation is unbounded),
        # so only NaN is undefined.
        z = _defined(weight * a + bias) if a is not None else None
        a = _defined(activation_value(activation, z)) if z is not None else None
        d = activation_derivative(activation, z) if z is not None else None
        local = _finite(weight * d) if d is not None else None
        if weight == 0 and z is not None:
            local = 0.0  # zₖ = B whatever aₖ₋₁ is: 0, even where act′(zₖ) is undefined
        log_local = _log10_local(activation, weight, z)
        if log_grad == -math.inf:
            pass  # upstream is locally constant: 0 whatever this layer's derivative is
        elif local is None or log_local is None or grad is None or log_grad is None:
            grad, log_grad = None, None
        elif log_local == -math.inf:
            grad, log_grad = 0.0, -math.inf  # exactly 0, even after an overflow (inf·0)
        else:
            # may overflow to ±inf or underflow to ±0 (IEEE keeps the sign): log_grad
            # keeps the size
            grad = grad * local
            log_grad = log_grad + log_local
        layers.append(Layer(k, z, a, local, grad, log_grad, log_local))
    return Chain(activation, float(weight), float(bias), float(x), tuple(layers))


def _log10_local(activation: str, weight: float, z: float | None) -> float | None:
    """log₁₀|W·act′(z)|: −inf where W = 0 or act′(z) = 0, None where undefined."""
    if z is None:
        return None
    if weight == 0:
        return -math.inf  # zₖ does not depend on aₖ₋₁ (relu at zₖ = 0 included)
    log_d = activation_log10_derivative(activation, z)
    if log_d is None:
        return None
    if log_d == -math.inf:
        return -math.inf
    return math.log10(abs(weight)) + log_d


def clip(grad: float | None, max_norm: float) -> float | None:
    """Gradient clipping by norm (PyTorch's ``clip_grad_norm_`` on one number):
    g·min(1, c/|g|). It caps an exploding gradient at c; a vanishing one is unchanged."""
    _check_norm(max_norm)
    if grad is None or math.isnan(grad):
        return None
    size = abs(grad)
    if math.isinf(size):
        return math.copysign(max_norm, grad)  # beyond float64, still capped at c
    return grad if size <= max_norm else grad * (max_norm / size)


def clip_log10(log10_grad: float | None, max_norm: float) -> float | None:
    """log₁₀ of the clipped size, from log₁₀|g| (:attr:`Layer.log10_grad`): for sizes
    beyond float64, and for the log axis of a plot."""
    _check_norm(max_norm)
    if log10_grad is None:
        return None
    return min(log10_grad, math.log10(max_norm))


def _check_norm(max_norm: float) -> None:
    if not (isinstance(max_norm, (int, float)) and math.isfinite(max_norm) and max_norm > 0):
        raise ValueError("the clipping norm must be a positive number")


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _defined(v: float) -> float | None:
    return None if math.isnan(v) else v


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(k: int) -> str:
    return str(k).translate(_SUBSCRIPTS)


def _num(v: float, digits: int = 6) -> str:
    text = f"{v:.{digits}g}"
    if "e" in text:  # 1e+02 → 1e2, 1.5e-07 → 1.5e−7
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text.replace("-", "−")


def _factor(log10_v: float) -> str:
    """A factor per layer, given by its log₁₀, in two significant digits: written out
    below 10⁶ (4.4, 100), else as a power of ten (1e6, 4.3e434)."""
    if log10_v < 6:
        rounded = float(f"{10.0**log10_v:.2g}")
        if rounded < 1e6:
            return f"{rounded:g}"
    exponent = math.floor(log10_v)
    mantissa = float(f"{10 ** (log10_v - exponent):.2g}")
    if mantissa >= 10:  # 9.96 → 10: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:g}e{exponent}"


def grad_text(grad: float | None, log10_grad: float | None, digits: int = 6) -> str:
    """∂aₖ/∂x as text for people, also beyond float64 (from its log₁₀): ``−1.5e400``,
    ``2.3e−330`` (the sign survives an overflow to ±inf and an underflow to ±0)."""
    if grad is None or log10_grad is None:
        return "undefined"
    if log10_grad == -math.inf:
        return "0"
    if grad != 0 and math.isfinite(grad) and abs(grad) >= 1e-300:
        return _num(grad, digits)
    sign = "−" if math.copysign(1.0, grad) < 0 else ""
    exponent = math.floor(log10_grad)
    mantissa = 10 ** (log10_grad - exponent)
    if round(mantissa, digits - 1) >= 10:  # 9.9999995 → 10.0: carry into the exponent
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{sign}{mantissa:.{digits}g}e{exponent}".replace("-", "−")


def _num_log(log10: float | None) -> str:
    """A magnitude given by its log10, as a number (also beyond float64's range)."""
    if log10 is None:
        return "undefined"
    if log10 == -math.inf:
        return "0"
    if -300 < log10 < 300:
        return _num(10**log10, 3)
    exponent = math.floor(log10)
    mantissa = 10 ** (log10 - exponent)
    return f"{mantissa:.3g}e{exponent}".replace("-", "−")
