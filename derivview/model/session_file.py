"""Session files (``.derivview``): save what a person is looking at, open it again.

A session file is UTF-8 JSON::

    {"format": "derivview-session", "version": 1,
     "expression": "x^3 - 3x", "x0": 1.5,
     "x_range": [-4.0, 4.0], "y_range": null,
     "parameters": {"a": {"value": 1.0, "lo": -5.0, "hi": 5.0}},
     "visible": ["df", "f", "tangent"], "secant_h": 0.5,
     "descent": {"method": "gd", "learning_rate": 0.1, "beta": 0.9,
                 "start": 0.0, "max_steps": 100}}

Files are untrusted input (someone may mail you one): :func:`load` caps the size before
reading, parses strict JSON (no NaN/Infinity, no duplicate keys, bounded nesting), checks
the schema with messages that say what is wrong and where, bounds every number, and
re-parses the expression with the safe parser. Everything is validated before anything is
applied, so a refused file leaves the session as it was. Qt-free.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from derivview.model.descent_state import (
    LEARNING_RATE_RANGE,
    MAX_ABS_START,
    MAX_STEPS_LIMIT,
    METHODS,
)
from derivview.model.session import (
    DEFAULT_PARAM_RANGE,
    DEFAULT_PARAM_VALUE,
    EXTRA_ITEMS,
    ITEMS,
    MAX_ABS_COORD,
    MIN_SPAN,
    ParamSpec,
    Session,
)

FORMAT = "derivview-session"
VERSION = 1
SUFFIX = ".derivview"

#: Refuse bigger files before reading them: a real session is well under 10 kB.
MAX_FILE_BYTES = 1_000_000
#: The schema nests 3 levels; anything much deeper is not a session file.
MAX_DEPTH = 16
MAX_EXPRESSION_CHARS = 2000
MAX_NUMBER_CHARS = 64
MAX_SECANT_H = 1e6

_PARAM_NAME = re.compile(r"^[A-Za-z]$")
_RESERVED_NAMES = {"x", "e"}
_TOP_KEYS = {
    "format",
    "version",
    "generator",
    "expression",
    "x0",
    "x_range",
    "y_range",
    "parameters",
    "visible",
    "secant_h",
    "descent",
}
_REQUIRED_KEYS = ("expression", "x0", "x_range", "y_range", "parameters", "visible", "secant_h")
_DESCENT_KEYS = (
    "method",
    "learning_rate",
    "beta",
    "start",
    "max_steps",
    "tol",
    "compare",
    "compare_with",
)
_CONFIG_KEYS = ("method", "learning_rate", "beta")


class SessionFileError(Exception):
    """A session file that cannot be read, is not valid, or cannot be written.

    ``message`` (also ``str(err)``) is one sentence for people.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DescentConfig:
    """One descent configuration: method, learning rate η, momentum β."""

    method: str = "gd"
    learning_rate: float = 0.1
    beta: float = 0.9


@dataclass(frozen=True)
class DescentData:
    """Gradient-descent settings as stored in a session file.

    The first configuration's fields are flat (``method``, ``learning_rate``, ``beta``);
    ``compare_with`` is the second configuration, run side by side when ``compare``.
    """

    method: str = "gd"
    learning_rate: float = 0.1
    beta: float = 0.9
    start: float = 0.0
    max_steps: int = 100
    tol: float = 1e-8
    compare: bool = False
    compare_with: DescentConfig = DescentConfig(method="newton")


@dataclass(frozen=True)
class SessionData:
    """The validated content of a session file (what :func:`apply` puts on a session)."""

    expression: str
    x0: float
    x_range: tuple[float, float]
    y_range: tuple[float, float] | None
    parameters: Mapping[str, ParamSpec]
    visible: frozenset[str]
    secant_h: float
    descent: DescentData = field(default_factory=DescentData)


# -- from a session to text -----------------------------------------------------------


def _descent_of(session: Session) -> DescentData:
    """The descent settings the session holds (defaults if it holds none)."""
    state = getattr(session, "descent", None)
    if state is None:
        return DescentData()
    first, second = state.configs
    return DescentData(
        method=first.method,
        learning_rate=first.learning_rate,
        beta=first.beta,
        start=state.start,
        max_steps=state.max_steps,
        tol=state.tol,
        compare=state.compare,
        compare_with=DescentConfig(second.method, second.learning_rate, second.beta),
    )


def to_data(session: Session) -> SessionData:
    """Snapshot the saved fields of ``session``."""
    return SessionData(
        expression=session.text,
        x0=session.x0,
        x_range=session.x_range,
        y_range=session.y_range,
        parameters=dict(session.params),
        visible=session.visible,
        secant_h=session.secant_h,
        descent=_descent_of(session),
    )


def to_json(data: SessionData) -> dict[str, Any]:
    """The JSON object of ``data`` (keys in a stable, readable order)."""
    from derivview import __version__

    d = data.descent
    return {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"derivview {__version__}",
        "expression": data.expression,
        "x0": float(data.x0),
        "x_range": [float(v) for v in data.x_range],
        "y_range": None if data.y_range is None else [float(v) for v in data.y_range],
        "parameters": {
            name: {"value": float(p.value), "lo": float(p.lo), "hi": float(p.hi)}
            for name, p in sorted(data.parameters.items())
        },
        "visible": sorted(data.visible),
        "secant_h": float(data.secant_h),
        "descent": {
            "method": d.method,
            "learning_rate": float(d.learning_rate),
            "beta": float(d.beta),
            "start": float(d.start),
            "max_steps": int(d.max_steps),
            "tol": float(d.tol),
            "compare": bool(d.compare),
            "compare_with": {
                "method": d.compare_with.method,
                "learning_rate": float(d.compare_with.learning_rate),
                "beta": float(d.compare_with.beta),
            },
        },
    }


def dump(session: Session) -> str:
    """The session as the text of a session file. Raises SessionFileError if not finite."""
    try:
        return json.dumps(to_json(to_data(session)), indent=2, allow_nan=False) + "\n"
    except ValueError as exc:  # allow_nan=False: a non-finite number slipped in
        raise SessionFileError(f"cannot save this session: {exc}") from None


def save(session: Session, path: str | os.PathLike[str]) -> None:
    """Write the session to ``path`` atomically: a complete new file or the old one.

    Writes a temporary file in the same folder, flushes it to disk, then renames it over
    ``path``. Raises :class:`SessionFileError` with the reason on failure, leaving no
    temporary file behind.
    """
    text = dump(session)
    write_atomic(Path(path), text.encode("utf-8"), SessionFileError)


def write_atomic(path: Path, data: bytes, error: type[Exception]) -> None:
    """Replace ``path`` by ``data`` atomically; failures raise ``error(message)``."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise error(f"cannot write {path}: it is a folder")
    if not folder.exists():
        raise error(f"cannot write {path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise error(f"cannot write {path}: {folder} is not a folder")
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():  # keep the permissions the old file had
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp_name, 0o666 & ~_umask())
        os.replace(tmp_name, path)
        tmp_name = None
        _fsync_folder(folder)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise error(f"cannot write {path}: {reason}") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    # Make the rename itself durable; not possible on every platform (Windows), so best effort.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- from text to data ----------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> SessionData:
    """Read and validate a session file. Raises :class:`SessionFileError`."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise SessionFileError(
                    f"{p.name}: file too large ({size:,} bytes; a session file is at most "
                    f"{MAX_FILE_BYTES:,})"
                )
            # Read one byte more than allowed: the size may lie (a pipe, a growing file).
            raw = fh.read(MAX_FILE_BYTES + 1)
    except SessionFileError:
        raise
    except IsADirectoryError:
        raise SessionFileError(f"{p}: is a folder, not a session file") from None
    except OSError as exc:
        raise SessionFileError(f"cannot read {p}: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise SessionFileError(f"{p.name}: file too large (over {MAX_FILE_BYTES:,} bytes)")
    try:
        return loads(raw)
    except SessionFileError as exc:
        raise SessionFileError(f"{p.name}: {exc.message}") from None


def loads(raw: bytes | str) -> SessionData:
    """Validate the content of a session file. Raises :class:`SessionFileError`."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_FILE_BYTES:
            raise SessionFileError("file too large")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SessionFileError("not a session file (not UTF-8 text)") from None
    else:
        text = raw
        if len(text) > MAX_FILE_BYTES:
            raise SessionFileError("file too large")
    obj = _strict_json(text)
    return _validate(obj)


def _nesting_depth(text: str) -> int:
    """The deepest nesting of JSON arrays/objects in ``text`` (strings skipped)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SessionFileError(f"not a valid session file: the key {key!r} appears twice")
        out[key] = value
    return out


def _reject_constant(name: str) -> Any:
    raise SessionFileError(f"not a valid session file: {name} is not a number JSON allows")


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise SessionFileError(f"not a valid session file: the number {text[:20]}… is too long")
    value = float(text)
    if not math.isfinite(value):  # e.g. 1e999 overflows to inf
        raise SessionFileError(f"not a valid session file: the number {text} is out of range")
    return value


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise SessionFileError(f"not a valid session file: the number {text[:20]}… is too long")
    return int(text)


def _strict_json(text: str) -> Any:
    # json's C scanner recurses per level; refuse deep nesting before it gets the chance.
    if _nesting_depth(text) > MAX_DEPTH:
        raise SessionFileError(
            f"not a valid session file: nested more than {MAX_DEPTH} levels deep"
        )
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            parse_int=_parse_int,
        )
    except SessionFileError:
        raise
    except json.JSONDecodeError as exc:
        raise SessionFileError(
            f"not a valid session file: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise SessionFileError(f"not a valid session file: {exc}") from None


# -- the schema -----------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _number(value: Any, where: str, limit: float = MAX_ABS_COORD) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionFileError(f"{where} must be a number, not {_type_name(value)}")
    v = float(value)
    if not math.isfinite(v) or abs(v) > limit:
        raise SessionFileError(f"{where} must be a finite number within ±{limit:g}, got {v!r}")
    return v


def _interval(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise SessionFileError(f"{where} must be a list of two numbers [start, end]")
    lo, hi = _number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]")
    if not lo < hi:
        raise SessionFileError(f"{where}: the start must be less than the end ({lo} .. {hi})")
    if hi - lo < MIN_SPAN:
        raise SessionFileError(f"{where}: {lo} .. {hi} is too narrow")
    return lo, hi


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SessionFileError(f"{where} must be an object, not {_type_name(value)}")
    return value


def _validate(obj: Any) -> SessionData:
    if not isinstance(obj, dict):
        raise SessionFileError(
            f"not a derivview session file (a JSON object was expected, not {_type_name(obj)})"
        )
    fmt = obj.get("format")
    if fmt != FORMAT:
        if fmt is None:
            raise SessionFileError(f'not a derivview session file (no "format": "{FORMAT}")')
        raise SessionFileError(f"not a derivview session file (format {fmt!r})")
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionFileError(f'"version" must be a whole number, not {_type_name(version)}')
    if version > VERSION:
        raise SessionFileError(
            f"made by a newer derivview (version {version}); this one reads version {VERSION}"
        )
    if version < 1:
        raise SessionFileError(f"unknown session file version {version}")
    unknown = sorted(set(obj) - _TOP_KEYS)
    if unknown:
        raise SessionFileError(f"unknown key {unknown[0]!r} in the session file")
    missing = [k for k in _REQUIRED_KEYS if k not in obj]
    if missing:
        raise SessionFileError(f"the session file lacks {', '.join(repr(k) for k in missing)}")
    if "generator" in obj and not isinstance(obj["generator"], str):
        raise SessionFileError('"generator" must be text')

    text = obj["expression"]
    if not isinstance(text, str):
        raise SessionFileError(f'"expression" must be text, not {_type_name(text)}')
    if len(text) > MAX_EXPRESSION_CHARS:
        raise SessionFileError(f'"expression" is too long ({len(text):,} characters)')
    _check_expression(text)

    x0 = _number(obj["x0"], '"x0"')
    x_range = _interval(obj["x_range"], '"x_range"')
    y_range = None if obj["y_range"] is None else _interval(obj["y_range"], '"y_range"')
    parameters = _parameters(obj["parameters"])
    visible = _visible(obj["visible"])
    secant_h = _number(obj["secant_h"], '"secant_h"', MAX_SECANT_H)
    if secant_h == 0:
        raise SessionFileError('"secant_h" must not be 0')
    descent = _descent(obj["descent"]) if "descent" in obj else DescentData()
    return SessionData(
        expression=text,
        x0=x0,
        x_range=x_range,
        y_range=y_range,
        parameters=parameters,
        visible=visible,
        secant_h=secant_h,
        descent=descent,
    )


def _check_expression(text: str) -> None:
    # The safe parser (no eval): a file's text is as untrusted as anything typed.
    from derivview.model.expression import ExpressionError, parse

    try:
        parse(text)
    except ExpressionError as exc:
        raise SessionFileError(f"the expression {_short(text)} is not valid: {exc}") from None


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _parameters(value: Any) -> dict[str, ParamSpec]:
    obj = _object(value, '"parameters"')
    out: dict[str, ParamSpec] = {}
    for name, spec in obj.items():
        if not _PARAM_NAME.match(name) or name in _RESERVED_NAMES:
            raise SessionFileError(
                f"parameter name {_short(name)} is not a single letter other than x and e"
            )
        where = f'parameter "{name}"'
        spec = _object(spec, where)
        extra = sorted(set(spec) - {"value", "lo", "hi"})
        if extra:
            raise SessionFileError(f"unknown key {extra[0]!r} in {where}")
        for key in ("value", "lo", "hi"):
            if key not in spec:
                raise SessionFileError(f'{where} lacks "{key}"')
        v = _number(spec["value"], f"{where} value")
        lo = _number(spec["lo"], f"{where} lo")
        hi = _number(spec["hi"], f"{where} hi")
        if not lo < hi or hi - lo < MIN_SPAN:
            raise SessionFileError(f"{where}: lo must be less than hi ({lo} .. {hi})")
        if not lo <= v <= hi:
            raise SessionFileError(f"{where}: value {v} is outside its range {lo} .. {hi}")
        out[name] = ParamSpec(v, lo, hi)
    return out


def _visible(value: Any) -> frozenset[str]:
    if not isinstance(value, list):
        raise SessionFileError(f'"visible" must be a list of item names, not {_type_name(value)}')
    known = set(ITEMS) | set(EXTRA_ITEMS)
    items: set[str] = set()
    for item in value:
        if not isinstance(item, str):
            raise SessionFileError(f'"visible" must hold item names, not {_type_name(item)}')
        if item not in known:
            raise SessionFileError(
                f'unknown item {_short(item)} in "visible" (known: {", ".join(ITEMS)})'
            )
        items.add(item)
    return frozenset(items)


def _config(obj: dict[str, Any], where: str, default: DescentConfig) -> DescentConfig:
    method = obj.get("method", default.method)
    if not isinstance(method, str) or method not in METHODS:
        raise SessionFileError(
            f"{where} method must be one of {', '.join(METHODS)}, not {_short(str(method))}"
        )
    lr = _number(obj.get("learning_rate", default.learning_rate), f"{where} learning_rate")
    lo, hi = LEARNING_RATE_RANGE
    if not lo <= lr <= hi:
        raise SessionFileError(f"{where} learning_rate must be {lo:g} .. {hi:g}, got {lr}")
    beta = _number(obj.get("beta", default.beta), f"{where} beta")
    if not 0 <= beta < 1:
        raise SessionFileError(f"{where} beta must be in [0, 1), got {beta}")
    return DescentConfig(method, lr, beta)


def _descent(value: Any) -> DescentData:
    where = '"descent"'
    obj = _object(value, where)
    extra = sorted(set(obj) - set(_DESCENT_KEYS))
    if extra:
        raise SessionFileError(f"unknown key {extra[0]!r} in {where}")
    default = DescentData()
    first = _config(obj, where, DescentConfig(default.method, default.learning_rate, default.beta))
    start = _number(obj.get("start", default.start), f"{where} start", MAX_ABS_START)
    steps = obj.get("max_steps", default.max_steps)
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise SessionFileError(f"{where} max_steps must be a whole number, not {_type_name(steps)}")
    if not 1 <= steps <= MAX_STEPS_LIMIT:
        raise SessionFileError(f"{where} max_steps must be 1 .. {MAX_STEPS_LIMIT:,}, got {steps:,}")
    tol = _number(obj.get("tol", default.tol), f"{where} tol")
    if not 0 < tol < 1:
        raise SessionFileError(f"{where} tol must be in (0, 1), got {tol}")
    compare = obj.get("compare", default.compare)
    if not isinstance(compare, bool):
        raise SessionFileError(f"{where} compare must be true or false, not {_type_name(compare)}")
    second_obj = obj.get("compare_with", {})
    extra_keys = sorted(set(_object(second_obj, f"{where} compare_with")) - set(_CONFIG_KEYS))
    if extra_keys:
        raise SessionFileError(f"unknown key {extra_keys[0]!r} in {where} compare_with")
    second = _config(second_obj, f"{where} compare_with", default.compare_with)
    return DescentData(
        first.method, first.learning_rate, first.beta, start, steps, tol, compare, second
    )


# -- onto a session -------------------------------------------------------------------


def apply(data: SessionData, session: Session) -> None:
    """Put validated ``data`` on ``session`` in one batch (each signal fires at most once).

    The expression's function is computed by whoever watches ``text_changed`` (the GUI's
    runner) or by the caller. Does not mark the session saved; the caller does after an
    open.
    """
    with session.batch():
        session.set_text(data.expression)
        for name, spec in data.parameters.items():
            session.set_param_range(name, spec.lo, spec.hi)
            session.set_param(name, spec.value)
        for name in list(session.params):
            if name not in data.parameters:  # a fresh file means default parameters
                session.set_param_range(name, *DEFAULT_PARAM_RANGE)
                session.set_param(name, DEFAULT_PARAM_VALUE)
        session.set_x0(data.x0)
        session.set_view(data.x_range, data.y_range)
        session.set_visible_items(data.visible)
        session.set_secant_h(data.secant_h)
        _apply_descent(data.descent, session)


def _apply_descent(descent: DescentData, session: Session) -> None:
    state = getattr(session, "descent", None)
    if state is None:
        return
    second = descent.compare_with
    state.apply_dict(
        {
            "start": descent.start,
            "max_steps": descent.max_steps,
            "tol": descent.tol,
            "compare": descent.compare,
            "configs": [
                {
                    "method": descent.method,
                    "learning_rate": descent.learning_rate,
                    "beta": descent.beta,
                },
                {
                    "method": second.method,
                    "learning_rate": second.learning_rate,
                    "beta": second.beta,
                },
            ],
        }
    )
