"""Session files (``.derivview``): save what a person is looking at, open it again.

A session file is UTF-8 JSON, one object per state part (:mod:`derivview.model.state`)::

    {"format": "derivview-session", "version": 2, "generator": "derivview 0.1.0",
     "function": {"expression": "a x^2",
                  "parameters": {"a": {"value": 1.0, "lo": -5.0, "hi": 5.0}}},
     "view": {"x0": 1.5, "x_range": [-4.0, 4.0], "y_range": null},
     "items": {"visible": ["df", "f", "tangent"]},
     "secant": {"h": 0.5},
     "descent": {"configs": [{"method": "gd", "learning_rate": 0.1, "beta": 0.9}, ...],
                 "start": 0.0, "max_steps": 100, "tol": 1e-08, "compare": false}}

The parts' fields say what each object holds, its defaults (a missing field or part
takes them) and its rules: this module only loops over the registered parts. Version 1
files (flat keys, written before the parts existed) are migrated on opening.

Files are untrusted input (someone may mail you one): :func:`load` caps the size before
reading, parses strict JSON (no NaN/Infinity, no duplicate keys, bounded nesting), checks
every part with messages that say what is wrong and where, and bounds every number.
Everything is validated before anything is applied, so a refused file leaves the session
as it was. The expression is text: it is restored as typed (with its error, if it has
one) and never executed — the parser, the one validator of expressions, reports on it as
on anything typed. Qt-free.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from derivview.model import fileio
from derivview.model.session import Session
from derivview.model.state import registry
from derivview.model.state.fields import Invalid, short, type_name

FORMAT = "derivview-session"
VERSION = 2
SUFFIX = ".derivview"

#: Refuse bigger files before reading them: a real session is well under 10 kB.
MAX_FILE_BYTES = 1_000_000
#: The schema nests 5 levels; anything much deeper is not a session file.
MAX_DEPTH = 16
MAX_NUMBER_CHARS = 64

_HEADER_KEYS = ("format", "version", "generator")


class SessionFileError(Exception):
    """A session file that cannot be read, is not valid, or cannot be written.

    ``message`` (also ``str(err)``) is one sentence for people.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SessionData:
    """The validated content of a session file: each part's values, by part key.

    ``data["view"]["x0"]``; every registered part is present (defaults where the file
    had none). :func:`apply` puts it on a session.
    """

    parts: Mapping[str, Mapping[str, Any]]

    def __getitem__(self, key: str) -> Mapping[str, Any]:
        return self.parts[key]


# -- from a session to text -----------------------------------------------------------


def to_json(session: Session) -> dict[str, Any]:
    """The JSON object of ``session``'s saved state (parts in registry order)."""
    from derivview import __version__

    obj: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "generator": f"derivview {__version__}",
    }
    for part in registry.PARTS:
        obj[part.key] = part.to_json(session)
    return obj


def dump(session: Session) -> str:
    """The session as the text of a session file. Raises SessionFileError if not finite."""
    try:
        return json.dumps(to_json(session), indent=2, allow_nan=False, ensure_ascii=False) + "\n"
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
    """Replace ``path`` by ``data`` atomically (see :func:`derivview.model.fileio.write_atomic`)."""
    fileio.write_atomic(path, data, error)


# -- from text to data ----------------------------------------------------------------


def load(path: str | os.PathLike[str]) -> SessionData:
    """Read and validate a session file. Raises :class:`SessionFileError`."""
    p = Path(path)
    raw = fileio.read_limited(p, MAX_FILE_BYTES, SessionFileError, "a session file")
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


def _validate(obj: Any) -> SessionData:
    if not isinstance(obj, dict):
        raise SessionFileError(
            f"not a derivview session file (a JSON object was expected, not {type_name(obj)})"
        )
    fmt = obj.get("format")
    if fmt != FORMAT:
        if fmt is None:
            raise SessionFileError(f'not a derivview session file (no "format": "{FORMAT}")')
        raise SessionFileError(f"not a derivview session file (format {short(str(fmt))})")
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise SessionFileError(f'"version" must be a whole number, not {type_name(version)}')
    if version > VERSION:
        raise SessionFileError(
            f"made by a newer derivview (version {version}); this one reads version {VERSION}"
        )
    if version < 1:
        raise SessionFileError(f"unknown session file version {version}")
    if "generator" in obj and not isinstance(obj["generator"], str):
        raise SessionFileError('"generator" must be text')
    names: Callable[[str, str], str] = _v2_name
    if version == 1:
        obj, names = _migrate_v1(obj)
    known = {*_HEADER_KEYS, *(part.key for part in registry.PARTS)}
    unknown = sorted(set(obj) - known)
    if unknown:
        raise SessionFileError(f"unknown key {short(unknown[0])} in the session file")
    parts: dict[str, Mapping[str, Any]] = {}
    for part in registry.PARTS:
        if part.key not in obj:
            parts[part.key] = part.defaults()
            continue
        try:
            parts[part.key] = part.from_json(obj[part.key], lambda f, k=part.key: names(k, f))
        except Invalid as exc:
            raise SessionFileError(str(exc)) from None
    return SessionData(parts)


def _v2_name(part: str, field: str) -> str:
    return f"{part}.{field}" if field else part


# -- version 1 (flat keys) ------------------------------------------------------------

_V1_KEYS = {
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
_V1_REQUIRED = ("expression", "x0", "x_range", "y_range", "parameters", "visible", "secant_h")
_V1_DESCENT_KEYS = (
    "method",
    "learning_rate",
    "beta",
    "start",
    "max_steps",
    "tol",
    "compare",
    "compare_with",
)
_V1_CONFIG_KEYS = ("method", "learning_rate", "beta")
#: Where a version-2 field was in a version-1 file (for messages about the file).
_V1_NAMES = {
    ("function", "expression"): '"expression"',
    ("function", "parameters"): '"parameters"',
    ("view", "x0"): '"x0"',
    ("view", "x_range"): '"x_range"',
    ("view", "y_range"): '"y_range"',
    ("items", "visible"): '"visible"',
    ("secant", "h"): '"secant_h"',
    ("descent", ""): '"descent"',
    ("descent", "configs"): '"descent" (method, learning_rate, beta; compare_with)',
}


def _v1_name(part: str, field: str) -> str:
    return _V1_NAMES.get((part, field), f'"{part}" {field}' if field else f'"{part}"')


def _migrate_v1(obj: dict[str, Any]) -> tuple[dict[str, Any], Callable[[str, str], str]]:
    """A version-1 object as version 2 (same values), and how to name its fields."""
    unknown = sorted(set(obj) - _V1_KEYS)
    if unknown:
        raise SessionFileError(f"unknown key {short(unknown[0])} in the session file")
    missing = [k for k in _V1_REQUIRED if k not in obj]
    if missing:
        raise SessionFileError(f"the session file lacks {', '.join(repr(k) for k in missing)}")
    out: dict[str, Any] = {k: obj[k] for k in _HEADER_KEYS if k in obj}
    out["function"] = {"expression": obj["expression"], "parameters": obj["parameters"]}
    out["view"] = {"x0": obj["x0"], "x_range": obj["x_range"], "y_range": obj["y_range"]}
    out["items"] = {"visible": obj["visible"]}
    out["secant"] = {"h": obj["secant_h"]}
    if "descent" in obj:
        d = obj["descent"]
        if not isinstance(d, dict):
            raise SessionFileError(f'"descent" must be an object, not {type_name(d)}')
        extra = sorted(set(d) - set(_V1_DESCENT_KEYS))
        if extra:
            raise SessionFileError(f'unknown key {short(extra[0])} in "descent"')
        second = d.get("compare_with", {})
        if not isinstance(second, dict):
            raise SessionFileError(
                f'"descent" compare_with must be an object, not {type_name(second)}'
            )
        extra = sorted(set(second) - set(_V1_CONFIG_KEYS))
        if extra:
            raise SessionFileError(f'unknown key {short(extra[0])} in "descent" compare_with')
        # Version 1's defaults: gradient descent first, Newton's method second.
        first = {"method": "gd", "learning_rate": 0.1, "beta": 0.9}
        first.update({k: d[k] for k in _V1_CONFIG_KEYS if k in d})
        other = {"method": "newton", "learning_rate": 0.1, "beta": 0.9, **second}
        out["descent"] = {
            **{k: d[k] for k in ("start", "max_steps", "tol", "compare") if k in d},
            "configs": [first, other],
        }
    return out, _v1_name


# -- onto a session -------------------------------------------------------------------


def apply(data: SessionData, session: Session) -> None:
    """Put validated ``data`` on ``session`` in one batch (each signal fires at most once).

    The expression's function is computed by whoever watches ``text_changed`` (the GUI's
    runner) or by the caller. Does not mark the session saved; the caller does after an
    open.
    """
    with session.batch():
        for part in registry.PARTS:
            part.write(session, data[part.key])
