"""A part of the session's state: its fields, and how they are read from and written to it.

Each part (the function, the view, the shown items, the secant, the descent, each lab)
is a :class:`StatePart`: it declares its :class:`~derivview.model.state.fields.Field`\\ s
once, and says how to read their values from a session and write them back. Everything
that saves, restores or sets state loops over the registered parts
(:mod:`derivview.model.state.registry`): the session file, the start-up options, the
export command and the export's offscreen copy of a session.

A lab whose state is a few plain settings does not write ``read``/``write`` at all: a
:class:`SettingsPart` keeps its values in a :class:`Settings` object on the session
(``session.state(key)``), validated by the same fields, announced by one signal.
Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal
from derivview.model.state.fields import Field, Invalid, Option, short, type_name

if TYPE_CHECKING:
    from derivview.model.session import Session

#: Names a field in messages about a file (``'"view.x0"'``); ``""`` names the part.
Where = Callable[[str], str]


class StatePart:
    """One part of a session's state, declared once.

    Subclasses set ``key`` (the part's key in a session file), ``fields``, optionally
    ``options`` (command-line options), and implement :meth:`read` and :meth:`write`.
    """

    key: str = ""
    #: What the part is, for people ("the view", "gradient descent").
    title: str = ""
    fields: tuple[Field, ...] = ()
    options: tuple[Option, ...] = ()

    # -- the part's values on a session (subclasses) --------------------------------------

    def read(self, session: Session) -> dict[str, Any]:
        """The value of every field, as the session holds it now."""
        raise NotImplementedError

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        """Put the given (checked) values on the session; fields not given stay as they are.

        Called inside ``session.batch()``: announce through the session's setters.
        """
        raise NotImplementedError

    def create(self, session: Session) -> Any:
        """The state object the session holds for this part (``session.state(key)``), if any.

        Called once from ``Session.__init__``; wire the object's change signal to
        ``session.mark_modified`` here.
        """
        return None

    def copy_results(self, source: Session, target: Session) -> None:
        """Show on ``target`` what ``source`` computed (runs, …) beyond the saved values.

        Used by the export's offscreen copy of a session; the saved values are already
        copied. The default has nothing more to copy.
        """

    # -- generic, over the fields -----------------------------------------------------------

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        """Every field's default value."""
        return {f.name: f.default for f in self.fields}

    def check(self, values: dict[str, Any], where: Where) -> dict[str, Any]:
        """Check the fields together (after each was checked alone); the values to keep."""
        return values

    def to_json(self, session: Session) -> dict[str, Any]:
        """The part's JSON object in a session file."""
        values = self.read(session)
        return {f.name: f.kind.to_json(values[f.name]) for f in self.fields}

    def from_json(self, raw: Any, where: Where) -> dict[str, Any]:
        """Checked values of the part's JSON object (defaults for missing fields).

        Raises :class:`Invalid` naming the field with ``where(field_name)``.
        """
        if not isinstance(raw, dict):
            raise Invalid(f"{where('')} must be an object, not {type_name(raw)}")
        names = {f.name for f in self.fields}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise Invalid(f"unknown key {short(unknown[0])} in {where('')}")
        values = {
            f.name: f.kind.from_json(raw[f.name], where(f.name)) if f.name in raw else f.default
            for f in self.fields
        }
        return self.check(values, where)

    def from_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The values to write for the command-line options given (by ``Option.dest``)."""
        return dict(given)


class Settings:
    """A part's values held on the session: checked by its fields, announced once.

    Signals
    -------
    changed()
        One or more values changed (once per :meth:`set`).
    """

    changed = Signal()

    def __init__(self, fields: tuple[Field, ...]) -> None:
        self._fields = {f.name: f for f in fields}
        self._values: dict[str, Any] = {f.name: f.default for f in fields}

    def get(self, name: str) -> Any:
        """The value of field ``name``."""
        return self._values[name]

    def values(self) -> dict[str, Any]:
        """Every field's value."""
        return dict(self._values)

    def set(self, **changes: Any) -> None:
        """Change fields; all are checked before any changes. Raises :class:`Invalid`."""
        checked = {}
        for name, value in changes.items():
            if name not in self._fields:
                raise Invalid(f"unknown setting {short(name)}")
            checked[name] = self._fields[name].check(value)
        changed = {k: v for k, v in checked.items() if self._values[k] != v}
        if changed:
            self._values.update(changed)
            self.changed.emit()


class SettingsPart(StatePart):
    """A part whose values live in a :class:`Settings` object on the session.

    Declare ``key``, ``title``, ``fields`` (and ``options``); read the values with
    ``session.state(key).get(name)``, change them with ``.set(name=value)``.
    """

    settings_class: type[Settings] = Settings

    def create(self, session: Session) -> Settings:
        settings = self.settings_class(self.fields)
        settings.changed.connect(session.mark_modified)
        return settings

    def read(self, session: Session) -> dict[str, Any]:
        state: Settings = session.state(self.key)
        return state.values()

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        state: Settings = session.state(self.key)
        state.set(**values)
