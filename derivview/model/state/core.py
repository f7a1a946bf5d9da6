"""The parts of the session every workspace has: the function, the view, items, the secant.

Their fields are the rules the session's setters apply (``Session.set_x0`` checks
:data:`X0`), and the parts say how a session file, the start-up options and
``derivview export`` read and write them. Qt-free; imports nothing heavy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from derivview.model.state.fields import (
    Field,
    Interval,
    Invalid,
    ItemSet,
    Kind,
    NameMap,
    Number,
    Option,
    Optional,
    Record,
    Text,
    number_words,
    short,
)
from derivview.model.state.part import StatePart

if TYPE_CHECKING:
    from derivview.model.session import Session

DEFAULT_EXPRESSION = "x^3 - 3x"
DEFAULT_X0 = 1.5
DEFAULT_X_RANGE = (-4.0, 4.0)
DEFAULT_PARAM_VALUE = 1.0
DEFAULT_PARAM_RANGE = (-5.0, 5.0)
DEFAULT_SECANT_H = 0.5

#: The most text the editor, the session and a session file hold. The language's own
#: limit is lower (1,000 characters: ``expression.MAX_LENGTH``); a longer text is kept
#: as typed, and the parser's error says it is too long. The text is never executed.
MAX_TEXT_CHARS = 10_000

#: Bounds on coordinates and parameter values; beyond them float64 sampling is meaningless.
MAX_ABS_COORD = 1e12
MIN_SPAN = 1e-9
MAX_SECANT_H = 1e6

#: Items a view can show; the names are those of ``derivview export --show``.
#: ``concavity`` (shading where f is concave up / down) is a window-only extra.
ITEMS = ("f", "tangent", "df", "d2f", "secant", "markers", "legend", "grid", "descent")
EXTRA_ITEMS = ("concavity", "extrema")  # extrema: "local max (−1, 2)" labels
DEFAULT_VISIBLE = frozenset({"f", "tangent", "df", "d2f", "markers", "legend", "grid", "descent"})

_PARAM_NAME = re.compile(r"^[A-Za-z]$")
_RESERVED_NAMES = frozenset({"x", "e"})


def is_param_name(name: str) -> bool:
    """Whether ``name`` can be a parameter: a single letter other than x and e."""
    return bool(_PARAM_NAME.match(name)) and name not in _RESERVED_NAMES


@dataclass(frozen=True)
class ParamSpec:
    """A parameter's value and the range its slider covers."""

    value: float = DEFAULT_PARAM_VALUE
    lo: float = DEFAULT_PARAM_RANGE[0]
    hi: float = DEFAULT_PARAM_RANGE[1]


# -- the rules ----------------------------------------------------------------------------

COORD = Number(-MAX_ABS_COORD, MAX_ABS_COORD)
RANGE = Interval(MAX_ABS_COORD, MIN_SPAN)

TEXT = Field("expression", Text(MAX_TEXT_CHARS), DEFAULT_EXPRESSION, "the expression")
PARAM_VALUE = Field("value", COORD, DEFAULT_PARAM_VALUE, "the parameter's value")
PARAM_RANGE = Field("range", RANGE, DEFAULT_PARAM_RANGE, "the parameter's range")


def _param_in_range(spec: ParamSpec, what: str) -> ParamSpec:
    lo, hi = RANGE.check((spec.lo, spec.hi), f"{what}: lo .. hi")
    if not lo <= spec.value <= hi:
        raise Invalid(
            f"{what}: value {number_words(spec.value)} is outside its range "
            f"{number_words(lo)} .. {number_words(hi)}"
        )
    return spec


PARAMETER = Record(
    fields=(
        Field("value", COORD, DEFAULT_PARAM_VALUE),
        Field("lo", COORD, DEFAULT_PARAM_RANGE[0]),
        Field("hi", COORD, DEFAULT_PARAM_RANGE[1]),
    ),
    build=ParamSpec,
    check_all=_param_in_range,
)
PARAMETERS = Field(
    "parameters",
    NameMap(PARAMETER, is_param_name, "a single letter other than x and e"),
    {},
    "the parameters",
)
X0 = Field("x0", COORD, DEFAULT_X0, "x₀")
X_RANGE = Field("x_range", RANGE, DEFAULT_X_RANGE, "the x range")
Y_RANGE = Field("y_range", Optional(RANGE), None, "the y range")
VISIBLE = Field(
    "visible", ItemSet(ITEMS + EXTRA_ITEMS, listed=ITEMS), DEFAULT_VISIBLE, "the shown items"
)
SECANT_H = Field(
    "h", Number(-MAX_SECANT_H, MAX_SECANT_H, nonzero=True), DEFAULT_SECANT_H, "the secant's h"
)


class ParamAssignment(Kind):
    """``NAME=VALUE`` on a command line: a parameter name and a value by :data:`PARAM_VALUE`."""

    metavar = "NAME=VALUE"

    def check(self, value: Any, what: str) -> tuple[str, float]:
        name, number = value
        return name, PARAM_VALUE.check(number, f"{what} {name}")

    def parse_text(self, words: list[str], what: str) -> tuple[str, float]:
        text = words[0]
        name, sep, number = text.partition("=")
        name = name.strip()
        if not sep:
            raise Invalid(f"{what}: expected NAME=VALUE, got {short(text)}")
        if not is_param_name(name):
            raise Invalid(
                f"{what}: a parameter name is a single letter other than x and e, got {short(name)}"
            )
        try:
            value = float(number.strip().replace("−", "-"))
        except ValueError:
            raise Invalid(f"{what} {name}: not a number: {short(number.strip())}") from None
        return self.check((name, value), what)


PARAM_ASSIGNMENT = ParamAssignment()


# -- the parts ----------------------------------------------------------------------------


class FunctionPart(StatePart):
    """f as typed, and its parameters' values and slider ranges.

    In a file, ``parameters`` is complete: parameters it does not list go back to their
    defaults. On a command line, ``--param a=2`` sets only ``a`` (its range grows to
    include the value).
    """

    key = "function"
    title = "the function"
    fields = (TEXT, PARAMETERS)
    options = (
        Option("--expr", "expression", TEXT.kind, "the function f(x) to open with", export=False),
        Option(
            "--param",
            "param_values",
            PARAM_ASSIGNMENT,
            "a parameter's value, e.g. a=2 (repeatable; default 1)",
            repeat=True,
        ),
    )

    def read(self, session: Session) -> dict[str, Any]:
        return {"expression": session.text, "parameters": dict(session.params)}

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        if "expression" in values:
            session.set_text(values["expression"])
        if "parameters" in values:
            given: Mapping[str, ParamSpec] = values["parameters"]
            for name, spec in given.items():
                session.set_param_range(name, spec.lo, spec.hi)
                session.set_param(name, spec.value)
            for name in list(session.params):
                if name not in given:  # a complete list: the others are defaults
                    session.set_param_range(name, *DEFAULT_PARAM_RANGE)
                    session.set_param(name, DEFAULT_PARAM_VALUE)
        for name, value in values.get("param_values", {}).items():
            session.set_param(name, value)

    def from_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(given)
        if "param_values" in out:
            out["param_values"] = dict(out["param_values"])  # the last value of a name wins
        return out


class ViewPart(StatePart):
    """Where the tangent is (x₀) and what is visible (the x and y ranges)."""

    key = "view"
    title = "the view"
    fields = (X0, X_RANGE, Y_RANGE)
    options = (
        Option("--x0", "x0", X0.kind, "the tangent point"),
        Option("--xrange", "x_range", X_RANGE.kind, "the x range shown"),
        Option(
            "--yrange",
            "y_range",
            RANGE,
            "the y range shown (default: fitted to f)",
            metavar=("C", "D"),
        ),
    )

    def read(self, session: Session) -> dict[str, Any]:
        return {"x0": session.x0, "x_range": session.x_range, "y_range": session.y_range}

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        if "x_range" in values or "y_range" in values:
            session.set_view(
                values.get("x_range", session.x_range), values.get("y_range", session.y_range)
            )
        if "x0" in values:
            session.set_x0(values["x0"])


class ItemsPart(StatePart):
    """Which items the plot shows (f, f′, f″, the tangent, …)."""

    key = "items"
    title = "the shown items"
    fields = (VISIBLE,)
    options = (
        Option(
            "--show",
            "visible",
            VISIBLE.kind,
            f"the items to draw, comma-separated from {', '.join(ITEMS)}",
        ),
    )

    def read(self, session: Session) -> dict[str, Any]:
        return {"visible": session.visible}

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        if "visible" in values:
            session.set_visible_items(values["visible"])


class SecantPart(StatePart):
    """The secant's step h (the limit definition of f′)."""

    key = "secant"
    title = "the secant"
    fields = (SECANT_H,)
    options = (Option("--h", "h", SECANT_H.kind, "the secant's step h (0.5)", metavar="H"),)

    def read(self, session: Session) -> dict[str, Any]:
        return {"h": session.secant_h}

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        if "h" in values:
            session.set_secant_h(values["h"])
