"""The regression lab's settings, declared once: data source, generator, η, epochs, start.

One rule for every caller: the lab's controls, its state, session files and
``derivview regress`` check values with these fields. Qt-free and light (no numpy: the
window imports it before its first paint).
"""

from __future__ import annotations

from typing import Any

from derivview.model.state.fields import (
    Choice,
    Field,
    Flag,
    Invalid,
    Kind,
    ListOf,
    Number,
    Optional,
    Text,
    Whole,
    type_name,
)

DEFAULT_LR = 0.01
DEFAULT_EPOCHS = 1000
MAX_EPOCHS = 1_000_000
MAX_POINTS = 1_000_000
#: A session file keeps a CSV's data up to this many points (about 0.5 MB of JSON at
#: most, under the session file's 1 MB cap); a larger one is kept by its path only.
MAX_KEPT_POINTS = 10_000
#: η: positive, at most 1000; small enough for data whose x is in the thousands.
LEARNING_RATE_RANGE = (1e-10, 1e3)
#: The range the η slider covers (log scale); the spin box takes all of the above.
LEARNING_RATE_SLIDER_RANGE = (1e-5, 10.0)
#: Data values (x, y) are at most this in size: the loss squares sums of them, and at
#: 1e308 squared float64 has nothing left (a CSV of 1e308s gave NaN answers).
MAX_ABS_DATA = 1e100
MAX_ABS_PARAMETER = 1e12
MAX_ABS_GENERATOR = 1e6
SOURCES = ("synthetic", "csv")


class Samples(Kind):
    """Points (x, y) kept in a session file: ``{"x": [...], "y": [...]}``, as a Dataset.

    ``to_json`` writes nothing (null) for more than :data:`MAX_KEPT_POINTS` points: such
    data is kept by its file's path.
    """

    def check(self, value: Any, what: str) -> Any:
        from derivview.model.labs.regression import DataError, Dataset

        if isinstance(value, Dataset):
            return value
        if not isinstance(value, dict):
            raise Invalid(f"{what} must be an object with lists x and y, not {type_name(value)}")
        extra = sorted(set(value) - {"x", "y"})
        if extra:
            raise Invalid(f"unknown key {extra[0]!r} in {what}")
        columns = []
        for name in ("x", "y"):
            col = value.get(name)
            if not isinstance(col, (list, tuple)):
                raise Invalid(f"{what}.{name} must be a list of numbers, not {type_name(col)}")
            if len(col) > MAX_KEPT_POINTS:
                raise Invalid(f"{what}.{name} has more than {MAX_KEPT_POINTS:,} numbers")
            number = Number(-1e300, 1e300)
            columns.append([number.check(v, f"{what}.{name}[{i}]") for i, v in enumerate(col)])
        try:
            return Dataset(*columns, source="kept in the session file")
        except DataError as exc:
            raise Invalid(f"{what}: {exc}") from None

    def to_json(self, value: Any) -> Any:
        if value.n > MAX_KEPT_POINTS:
            return None
        return {"x": value.x.tolist(), "y": value.y.tolist()}


SOURCE = Field("source", Choice(SOURCES), "synthetic", "the data source")
POINTS = Field("n", Whole(2, MAX_POINTS), 50, "the number of points")
SLOPE = Field("slope", Number(-MAX_ABS_GENERATOR, MAX_ABS_GENERATOR), 2.0, "the slope")
INTERCEPT = Field("intercept", Number(-MAX_ABS_GENERATOR, MAX_ABS_GENERATOR), 1.0, "the intercept")
NOISE = Field("noise", Number(0.0, MAX_ABS_GENERATOR), 1.0, "the noise")
SEED = Field("seed", Whole(0, 2**32 - 1), 0, "the seed")
CSV_PATH = Field("csv_path", Optional(Text(4096)), None, "the CSV file")
DATA = Field("data", Optional(Samples()), None, "the data")
LEARNING_RATE = Field(
    "learning_rate", Number(*LEARNING_RATE_RANGE), DEFAULT_LR, "the learning rate η"
)
EPOCHS = Field("epochs", Whole(1, MAX_EPOCHS), DEFAULT_EPOCHS, "epochs")
INIT = Field(
    "init",
    ListOf(Number(-MAX_ABS_PARAMETER, MAX_ABS_PARAMETER), 2),
    (0.0, 0.0),
    "the start (m, b)",
)
STANDARDIZE = Field("standardize", Flag(), False, "standardize x")
EPOCH = Field("epoch", Whole(0, MAX_EPOCHS), 0, "the run's epoch")

FIELDS = (
    SOURCE,
    POINTS,
    SLOPE,
    INTERCEPT,
    NOISE,
    SEED,
    CSV_PATH,
    DATA,
    LEARNING_RATE,
    EPOCHS,
    INIT,
    STANDARDIZE,
    EPOCH,
)
#: The fields that decide the data (a change makes new data, contours and answer).
DATA_FIELDS = frozenset({"source", "n", "slope", "intercept", "noise", "seed", "data"})
