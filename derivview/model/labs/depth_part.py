"""The deep-chain lab's state: activation, depth N, weight W, bias B, input x, clipping.

``session.state("depth")`` is a :class:`~derivview.model.state.part.Settings` of these
fields, saved in session files; ``derivview depth`` checks its options with the same
fields. ``follow_x0``: the chain's input is the tangent point x₀ (dragging x₀ moves it).
Light at import (no numpy, no sympy).
"""

from __future__ import annotations

from derivview.model.state.fields import Choice, Field, Flag, Number, Option, Whole
from derivview.model.state.part import SettingsPart

#: The activations of the chain (declared here, once: :mod:`derivview.model.labs.depth`
#: computes with them; this module stays light for the window's first paint).
ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
MAX_DEPTH = 200

#: Bounds of W and B: wide enough for any chain worth looking at (a linear chain with
#: W = 1e6 explodes by 10⁶ per layer), narrow enough for a spin box.
MAX_PARAMETER = 1e6
MAX_INPUT = 1e12  # as x₀

ACTIVATION = Field("activation", Choice(ACTIVATIONS), "sigmoid", "the activation")
DEPTH = Field("depth", Whole(1, MAX_DEPTH), 20, "the depth N")
WEIGHT = Field("weight", Number(-MAX_PARAMETER, MAX_PARAMETER), 1.0, "the weight W")
BIAS = Field("bias", Number(-MAX_PARAMETER, MAX_PARAMETER), 0.0, "the bias B")
INPUT = Field("x", Number(-MAX_INPUT, MAX_INPUT), 0.5, "the input x")
FOLLOW_X0 = Field("follow_x0", Flag(), True, "whether the input follows x₀")
CLIP = Field("clip", Flag(), False, "gradient clipping")
CLIP_NORM = Field("clip_norm", Number(0.0, 1e12, lo_open=True), 1.0, "the clipping norm")


class DepthPart(SettingsPart):
    """The chain of contracts.md §5 ``depth``, as the deep-chain dock shows it."""

    key = "depth"
    title = "the deep chain"
    fields = (ACTIVATION, DEPTH, WEIGHT, BIAS, INPUT, FOLLOW_X0, CLIP, CLIP_NORM)
    options = (
        Option(
            "--activation",
            "activation",
            ACTIVATION.kind,
            f"the deep chain's activation: {', '.join(ACTIVATIONS)} (sigmoid)",
            export=False,
        ),
        Option(
            "--depth", "depth", DEPTH.kind, "the deep chain's depth N, 1 … 200 (20)", export=False
        ),
    )
