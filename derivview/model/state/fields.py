"""Fields of the session's state: a value's rule, default and name, declared once.

A :class:`Field` is one setting of a state part (x₀, the x range, the learning rate η,
…): its name in a session file, its :class:`Kind` (the rule a value must follow, and how
it is written as JSON and read from a command line), its default and the words people
read in messages. The session's setters, the session file, the start-up options and
``derivview export`` all check values with the same field, so they cannot disagree.

Every refusal is an :class:`Invalid` (a ``ValueError``) whose message is one sentence
for people, naming the value the way the caller names it (``x₀``, ``--x0``,
``"view.x0"``). Qt-free and light (the window imports it before its first paint: plain
classes, not dataclasses, which cost ~1 ms each to create).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any


class Invalid(ValueError):
    """A value that breaks its field's rule; ``str(err)`` is one sentence for people."""


def type_name(value: Any) -> str:
    """What a (JSON) value is, in words: "a number", "text", "a list", …"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, numbers.Real):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def short(text: str, limit: int = 40) -> str:
    """``repr`` of ``text``, cut to ``limit`` characters with an ellipsis."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def number_words(value: float) -> str:
    """A bound as people write it: ``1e+12`` → ``1e12``, ``0.0001``, ``1000``."""
    text = f"{value:g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return text


class Kind:
    """The rule of a field's values, and their JSON and command-line forms.

    ``check`` takes a Python value (what a setter or a caller passes) and returns it
    normalized (a float, a tuple, a frozenset, …); ``from_json`` takes what a JSON
    parser produced; ``parse_text`` takes what a person typed on a command line
    (``nargs`` words). Each raises :class:`Invalid` naming the value as ``what``.
    """

    #: How many command-line words a value takes.
    nargs: int = 1
    #: The placeholder in ``--help`` (per word when ``nargs`` > 1).
    metavar: str | tuple[str, ...] = "VALUE"

    def check(self, value: Any, what: str) -> Any:
        raise NotImplementedError

    def from_json(self, raw: Any, what: str) -> Any:
        return self.check(raw, what)

    def to_json(self, value: Any) -> Any:
        return value

    def parse_text(self, words: list[str], what: str) -> Any:
        return self.check(words[0], what)


def _float_word(text: str, what: str) -> float:
    try:
        value = float(text.strip().replace("−", "-"))
    except ValueError:
        raise Invalid(f"{what}: not a number: {short(text)}") from None
    if not math.isfinite(value):
        raise Invalid(f"{what}: not a finite number: {short(text)}")
    return value


class Number(Kind):
    """A finite float in ``[lo, hi]`` (``lo_open``/``hi_open``: that end excluded).

    ``nonzero``: 0 itself is refused. Where every allowed value is positive, a value
    ≤ 0 is told "must be positive".
    """

    metavar = "X"

    def __init__(
        self,
        lo: float = -math.inf,
        hi: float = math.inf,
        *,
        lo_open: bool = False,
        hi_open: bool = False,
        nonzero: bool = False,
    ) -> None:
        self.lo, self.hi = lo, hi
        self.lo_open, self.hi_open, self.nonzero = lo_open, hi_open, nonzero

    def describe(self) -> str:
        """The rule in words: "within ±1e12", "in [0, 1)", "between 1e-8 and 1000", …"""
        lo, hi = self.lo, self.hi
        if self.lo_open or self.hi_open:
            return (
                f"in {'(' if self.lo_open else '['}{number_words(lo)}, "
                f"{number_words(hi)}{')' if self.hi_open else ']'}"
            )
        if math.isinf(lo) and math.isinf(hi):
            return "finite"
        if -lo == hi:
            return f"within ±{number_words(hi)}"
        if math.isinf(hi):
            return f"at least {number_words(lo)}"
        if math.isinf(lo):
            return f"at most {number_words(hi)}"
        return f"between {number_words(lo)} and {number_words(hi)}"

    def check(self, value: Any, what: str) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise Invalid(f"{what} must be a number, not {type_name(value)}")
        v = float(value)
        if not math.isfinite(v):
            raise Invalid(f"{what} must be a finite number, got {v!r}")
        below = v <= self.lo if self.lo_open else v < self.lo
        above = v >= self.hi if self.hi_open else v > self.hi
        if below and v <= 0 and (self.lo > 0 or (self.lo == 0 and self.lo_open)):
            raise Invalid(f"{what} must be positive, got {number_words(v)}")
        if below or above:
            raise Invalid(f"{what} must be {self.describe()}, got {number_words(v)}")
        if self.nonzero and v == 0:
            raise Invalid(f"{what} must not be 0")
        return v + 0.0  # no -0.0

    def parse_text(self, words: list[str], what: str) -> float:
        return self.check(_float_word(words[0], what), what)


class Whole(Kind):
    """A whole number in ``[lo, hi]``."""

    metavar = "N"

    def __init__(self, lo: int = 0, hi: int = 1_000_000) -> None:
        self.lo, self.hi = lo, hi

    def check(self, value: Any, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            if isinstance(value, numbers.Real) and not isinstance(value, bool):
                raise Invalid(f"{what} must be a whole number, got {number_words(float(value))}")
            raise Invalid(f"{what} must be a whole number, not {type_name(value)}")
        v = int(value)
        if not self.lo <= v <= self.hi:
            raise Invalid(f"{what} must be between {self.lo} and {self.hi}, got {v}")
        return v

    def parse_text(self, words: list[str], what: str) -> int:
        text = words[0].strip()
        if not re.fullmatch(r"[+-]?\d{1,12}", text):
            raise Invalid(f"{what} must be a whole number, got {short(text)}")
        return self.check(int(text), what)


class Flag(Kind):
    """True or false."""

    def check(self, value: Any, what: str) -> bool:
        if not isinstance(value, bool):
            raise Invalid(f"{what} must be true or false, not {type_name(value)}")
        return value


class Choice(Kind):
    """One of a few names."""

    metavar = "NAME"

    def __init__(self, options: tuple[str, ...] = ()) -> None:
        self.options = options

    def check(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or value not in self.options:
            shown = short(value) if isinstance(value, str) else type_name(value)
            raise Invalid(f"{what} must be one of {', '.join(self.options)}, not {shown}")
        return value


class Text(Kind):
    """Text of at most ``max_chars`` characters (never interpreted here)."""

    metavar = "TEXT"

    def __init__(self, max_chars: int = 1000) -> None:
        self.max_chars = max_chars

    def check(self, value: Any, what: str) -> str:
        if not isinstance(value, str):
            raise Invalid(f"{what} must be text, not {type_name(value)}")
        if len(value) > self.max_chars:
            raise Invalid(
                f"{what} is too long ({len(value):,} characters; at most {self.max_chars:,})"
            )
        return value


class Interval(Kind):
    """``(lo, hi)`` with ``lo < hi``, both within ±``limit``, at least ``min_span`` apart."""

    nargs = 2
    metavar = ("A", "B")

    def __init__(self, limit: float = 1e12, min_span: float = 1e-9) -> None:
        self.limit, self.min_span = limit, min_span

    def check(self, value: Any, what: str) -> tuple[float, float]:
        if not isinstance(value, (list, tuple)) or len(value) != 2:
            raise Invalid(f"{what} must be a list of two numbers [start, end]")
        bound = Number(-self.limit, self.limit)
        lo = bound.check(value[0], f"the start of {what}")
        hi = bound.check(value[1], f"the end of {what}")
        if not lo < hi:
            raise Invalid(
                f"{what}: the start must be less than the end "
                f"({number_words(lo)} .. {number_words(hi)})"
            )
        if hi - lo < self.min_span:
            raise Invalid(f"{what}: {number_words(lo)} .. {number_words(hi)} is too narrow")
        return lo, hi

    def to_json(self, value: Any) -> Any:
        return [float(v) for v in value]

    def parse_text(self, words: list[str], what: str) -> tuple[float, float]:
        return self.check([_float_word(w, what) for w in words], what)


class Optional(Kind):
    """A value of ``kind``, or None (``null`` in JSON)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind

    @property  # type: ignore[override]
    def nargs(self) -> int:
        return self.kind.nargs

    @property  # type: ignore[override]
    def metavar(self) -> str | tuple[str, ...]:
        return self.kind.metavar

    def check(self, value: Any, what: str) -> Any:
        return None if value is None else self.kind.check(value, what)

    def from_json(self, raw: Any, what: str) -> Any:
        return None if raw is None else self.kind.from_json(raw, what)

    def to_json(self, value: Any) -> Any:
        return None if value is None else self.kind.to_json(value)

    def parse_text(self, words: list[str], what: str) -> Any:
        return self.kind.parse_text(words, what)


class ItemSet(Kind):
    """A set of names from ``known`` (a JSON list; ``a,b,c`` on a command line).

    ``listed``: the names mentioned in messages (``known`` if empty).
    """

    metavar = "ITEMS"

    def __init__(self, known: tuple[str, ...] = (), listed: tuple[str, ...] = ()) -> None:
        self.known, self.listed = known, listed

    def check(self, value: Any, what: str) -> frozenset[str]:
        if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
            raise Invalid(f"{what} must be a list of item names, not {type_name(value)}")
        items = list(value)
        for item in items:
            if not isinstance(item, str):
                raise Invalid(f"{what} must hold item names, not {type_name(item)}")
        unknown = [item for item in items if item not in self.known]
        if unknown:
            s = "s" if len(unknown) > 1 else ""
            names = ", ".join(u if u.isidentifier() else short(u) for u in unknown)
            raise Invalid(
                f"unknown item{s} {names} in {what} "
                f"(choose from {', '.join(self.listed or self.known)})"
            )
        return frozenset(items)

    def from_json(self, raw: Any, what: str) -> frozenset[str]:
        if not isinstance(raw, list):
            raise Invalid(f"{what} must be a list of item names, not {type_name(raw)}")
        return self.check(raw, what)

    def to_json(self, value: Any) -> Any:
        return sorted(value)

    def parse_text(self, words: list[str], what: str) -> frozenset[str]:
        return self.check([n.strip() for n in words[0].split(",") if n.strip()], what)


class Record(Kind):
    """An object of named fields, built into a value by ``build(**values)``.

    Every field is required (``required``) or takes its default; ``check_all`` may
    check the fields together (a range holding its value) and raises :class:`Invalid`.
    """

    def __init__(
        self,
        fields: tuple[Field, ...] = (),
        build: Callable[..., Any] = dict,
        required: bool = True,
        check_all: Callable[[Any, str], Any] | None = None,
    ) -> None:
        self.fields, self.build = fields, build
        self.required, self.check_all = required, check_all

    def _values(self, get: Callable[[Field], Any], what: str, json: bool) -> Any:
        values = {}
        for f in self.fields:
            where = f"{what}.{f.name}"
            raw = get(f)
            values[f.name] = f.kind.from_json(raw, where) if json else f.kind.check(raw, where)
        value = self.build(**values)
        if self.check_all is not None:
            value = self.check_all(value, what)
        return value

    def check(self, value: Any, what: str) -> Any:
        if isinstance(value, Mapping):
            return self.from_json(dict(value), what, json=False)
        return self._values(lambda f: getattr(value, f.name), what, json=False)

    def from_json(self, raw: Any, what: str, json: bool = True) -> Any:
        if not isinstance(raw, dict):
            raise Invalid(f"{what} must be an object, not {type_name(raw)}")
        names = {f.name for f in self.fields}
        extra = sorted(set(raw) - names)
        if extra:
            raise Invalid(f"unknown key {short(extra[0])} in {what}")
        if self.required:
            missing = [f.name for f in self.fields if f.name not in raw]
            if missing:
                raise Invalid(f'{what} lacks "{missing[0]}"')
        return self._values(lambda f: raw.get(f.name, f.default), what, json)

    def to_json(self, value: Any) -> Any:
        return {f.name: f.kind.to_json(getattr(value, f.name)) for f in self.fields}


class ListOf(Kind):
    """Exactly ``length`` values of ``kind`` (a JSON list), as a tuple."""

    def __init__(self, kind: Kind, length: int = 1) -> None:
        self.kind, self.length = kind, length

    def _each(self, value: Any, what: str, json: bool) -> tuple[Any, ...]:
        if not isinstance(value, (list, tuple)) or len(value) != self.length:
            raise Invalid(f"{what} must be a list of {self.length}")
        one = self.kind.from_json if json else self.kind.check
        return tuple(one(v, f"{what}[{i}]") for i, v in enumerate(value))

    def check(self, value: Any, what: str) -> tuple[Any, ...]:
        return self._each(value, what, json=False)

    def from_json(self, raw: Any, what: str) -> tuple[Any, ...]:
        if not isinstance(raw, list):
            raise Invalid(f"{what} must be a list of {self.length}, not {type_name(raw)}")
        return self._each(raw, what, json=True)

    def to_json(self, value: Any) -> Any:
        return [self.kind.to_json(v) for v in value]


class NameMap(Kind):
    """An object from names (``name_rule``) to values of ``kind``, as a dict."""

    def __init__(
        self,
        kind: Kind,
        name_rule: Callable[[str], bool] = str.isidentifier,
        name_words: str = "a name",
    ) -> None:
        self.kind, self.name_rule, self.name_words = kind, name_rule, name_words

    def _each(self, value: Any, what: str, json: bool) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise Invalid(f"{what} must be an object, not {type_name(value)}")
        out = {}
        for name, v in value.items():
            if not isinstance(name, str) or not self.name_rule(name):
                raise Invalid(f"{what}: {short(str(name))} is not {self.name_words}")
            where = f"{what}.{name}"
            out[name] = self.kind.from_json(v, where) if json else self.kind.check(v, where)
        return out

    def check(self, value: Any, what: str) -> dict[str, Any]:
        return self._each(value, what, json=False)

    def from_json(self, raw: Any, what: str) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise Invalid(f"{what} must be an object, not {type_name(raw)}")
        return self._each(raw, what, json=True)

    def to_json(self, value: Any) -> Any:
        return {name: self.kind.to_json(v) for name, v in sorted(value.items())}


class Field:
    """One setting of a state part: its name in files, rule, default and words.

    ``label`` names it in messages to people (``x₀``, ``the learning rate η``).
    """

    def __init__(self, name: str, kind: Kind, default: Any, label: str = "", help: str = ""):
        self.name, self.kind, self.default = name, kind, default
        self.label, self.help = label, help

    def __repr__(self) -> str:
        return f"Field({self.name!r})"

    def check(self, value: Any, what: str | None = None) -> Any:
        """``value`` if it follows the rule (normalized); else :class:`Invalid`."""
        return self.kind.check(value, what or self.label or self.name)


class Option:
    """A command-line option that sets a field of a state part.

    ``dest`` is the key of the value in the part's values (the field's name, unless the
    part maps it, see :meth:`StatePart.from_options`); ``kind`` reads the words;
    ``repeat`` collects every use into a list; ``export``: offered by ``derivview export``
    too (the function text is its positional TEXT).
    """

    def __init__(
        self,
        flag: str,
        dest: str,
        kind: Kind,
        help: str = "",
        *,
        repeat: bool = False,
        export: bool = True,
        metavar: str | tuple[str, ...] | None = None,
    ) -> None:
        self.flag, self.dest, self.kind, self.help = flag, dest, kind, help
        self.repeat, self.export, self.metavar = repeat, export, metavar
