"""The f(x, y) workspace's settings, declared once: what session files hold and check.

One rule for every caller: the workspace's controls, :class:`~derivview.model.labs.
xy_state.XyState` and session files check values with these fields. Qt-free and light
(no numpy: the session imports it before the window's first paint).
"""

from __future__ import annotations

from derivview.model.descent.config import COMPARE, CONFIGS, MAX_ABS_START, MAX_STEPS, TOL
from derivview.model.descent.config import MAX_STEPS_LIMIT as _MAX_STEPS_LIMIT
from derivview.model.state.core import MAX_TEXT_CHARS, PARAMETER, RANGE
from derivview.model.state.fields import Field, ItemSet, ListOf, NameMap, Number, Text, Whole

__all__ = [
    "COMPARE",
    "CONFIGS",
    "DEFAULT_POINT",
    "DEFAULT_START",
    "DEFAULT_VISIBLE",
    "DEFAULT_XY_EXPRESSION",
    "DEFAULT_X_RANGE",
    "DEFAULT_Y_RANGE",
    "ITEMS",
    "MAX_STEPS",
    "TOL",
    "is_xy_param_name",
]

#: The elongated bowl: with the default η = 0.1 gradient descent zig-zags across it.
DEFAULT_XY_EXPRESSION = "x^2 + 8y^2"
DEFAULT_POINT = (1.5, 0.5)
DEFAULT_START = (2.5, 1.0)
DEFAULT_X_RANGE = (-3.0, 3.0)
DEFAULT_Y_RANGE = (-1.5, 1.5)
MAX_ABS_COORD = 1e12

#: What the f(x, y) plot can show.
ITEMS = ("heatmap", "contours", "gradient", "level", "field", "descent")
ITEM_LABELS = {
    "heatmap": "heat map",
    "contours": "contour lines",
    "gradient": "gradient arrow ∇f",
    "level": "level line through the point",
    "field": "gradient field",
    "descent": "descent paths",
}
DEFAULT_VISIBLE = frozenset({"heatmap", "contours", "gradient", "level", "descent"})


def is_xy_param_name(name: str) -> bool:
    """A parameter of f(x, y): a single ASCII letter other than x, y and e."""
    return len(name) == 1 and name.isascii() and name.isalpha() and name not in "xye"


COORD = Number(-MAX_ABS_COORD, MAX_ABS_COORD)
START_COORD = Number(-MAX_ABS_START, MAX_ABS_START)

TEXT = Field("expression", Text(MAX_TEXT_CHARS), DEFAULT_XY_EXPRESSION, "f(x, y)")
PARAMETERS = Field(
    "parameters",
    NameMap(PARAMETER, is_xy_param_name, "a single letter other than x, y and e"),
    {},
    "the parameters",
)
POINT = Field("point", ListOf(COORD, 2), DEFAULT_POINT, "the point (x₀, y₀)")
X_RANGE = Field("x_range", RANGE, DEFAULT_X_RANGE, "the x range")
Y_RANGE = Field("y_range", RANGE, DEFAULT_Y_RANGE, "the y range")
VISIBLE = Field("visible", ItemSet(ITEMS), DEFAULT_VISIBLE, "the shown items")
START = Field("start", ListOf(START_COORD, 2), DEFAULT_START, "the descent's start (x, y)")
STEPS_TAKEN = Field("steps_taken", Whole(0, _MAX_STEPS_LIMIT), 0, "the steps the descent has taken")

FIELDS = (TEXT, PARAMETERS, POINT, X_RANGE, Y_RANGE, VISIBLE, CONFIGS, START, MAX_STEPS, TOL,
          COMPARE, STEPS_TAKEN)  # fmt: skip
