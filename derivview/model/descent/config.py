"""Descent settings, declared once: method, η, β, start, step limit, tolerance.

One rule for every caller: the window's controls, the descent state, session files,
``derivview descend`` and ``derivview export`` all check these values with the fields
below (through :class:`DescentConfig` and the optimizers' ``DescentSettings``, which
extends it). Qt-free and light.
"""

from __future__ import annotations

from dataclasses import dataclass

from derivview.model.state.fields import Choice, Field, Flag, ListOf, Number, Record, Whole

METHODS: tuple[str, ...] = ("gd", "momentum", "newton")
METHOD_LABELS: dict[str, str] = {
    "gd": "gradient descent",
    "momentum": "momentum",
    "newton": "Newton's method",
}
#: η: positive, at most 1000 (the spin box holds 12 decimals: 1e-8 keeps 4 digits).
LEARNING_RATE_RANGE = (1e-8, 1e3)
#: The range the η slider covers (log scale); the spin box takes all of the above.
LEARNING_RATE_SLIDER_RANGE = (1e-4, 10.0)
MAX_STEPS_LIMIT = 100_000
MAX_ABS_START = 1e12

METHOD = Field("method", Choice(METHODS), "gd", "method")
LEARNING_RATE = Field("learning_rate", Number(*LEARNING_RATE_RANGE), 0.1, "learning rate")
BETA = Field("beta", Number(0.0, 1.0, hi_open=True), 0.9, "beta")
START = Field("start", Number(-MAX_ABS_START, MAX_ABS_START), 0.0, "start")
MAX_STEPS = Field("max_steps", Whole(1, MAX_STEPS_LIMIT), 100, "max steps")
TOL = Field("tol", Number(0.0, 1.0, lo_open=True, hi_open=True), 1e-8, "tolerance")
COMPARE = Field("compare", Flag(), False, "compare")


@dataclass(frozen=True)
class DescentConfig:
    """One configuration: the method, its learning rate η and momentum β.

    Checked on construction by the fields above; raises ``Invalid`` (a ValueError) with
    a message for people.
    """

    method: str = "gd"
    learning_rate: float = 0.1
    beta: float = 0.9

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", METHOD.check(self.method))
        object.__setattr__(self, "learning_rate", LEARNING_RATE.check(self.learning_rate))
        object.__setattr__(self, "beta", BETA.check(self.beta))

    @property
    def label(self) -> str:
        """The method, η and β as people read them ("momentum, η = 0.1, β = 0.9")."""
        what = METHOD_LABELS[self.method]
        if self.method != "newton":
            what += f", η = {_words(self.learning_rate)}"
        if self.method == "momentum":
            what += f", β = {_words(self.beta)}"
        return what


def _words(value: float, digits: int = 6) -> str:
    from derivview.model.formatting import format_number

    return format_number(value, digits)


CONFIG = Record(fields=(METHOD, LEARNING_RATE, BETA), build=DescentConfig)
DEFAULT_CONFIGS = (DescentConfig(), DescentConfig(method="newton"))
CONFIGS = Field("configs", ListOf(CONFIG, 2), DEFAULT_CONFIGS, "the configurations")
