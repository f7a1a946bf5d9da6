"""Which workspace is shown (f(x), f(x, y), …): saved in session files, so a session
reopens where it was left.

The window writes it whenever it shows a workspace and follows it when a file sets it.
Showing another workspace is looking, not editing: it does not mark the session
modified. A file without it opens the f(x) workspace (files made before workspaces were).
Qt-free and light.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from derivview.model.signals import Signal
from derivview.model.state.fields import Field, Invalid, Text, short
from derivview.model.state.part import StatePart

if TYPE_CHECKING:
    from derivview.model.session import Session

DEFAULT_WORKSPACE = "fx"


class WorkspaceKey(Text):
    """A workspace's key: a short lower-case name (a window ignores keys it lacks)."""

    def check(self, value: Any, what: str) -> str:
        text = super().check(value, what)
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", text):
            raise Invalid(f'{what} must be a workspace\'s name such as "fx", not {short(text)}')
        return text


SHOWN = Field("shown", WorkspaceKey(32), DEFAULT_WORKSPACE, "the workspace")


class ShownWorkspace:
    """The key of the workspace shown (None until a window or a file says).

    Signals
    -------
    changed(str)
        Another workspace is to be shown.
    """

    changed = Signal(str)

    def __init__(self) -> None:
        self.key: str | None = None

    def set(self, key: str) -> None:
        """Show workspace ``key`` (checked by :data:`SHOWN`)."""
        key = SHOWN.check(key)
        if key != self.key:
            self.key = key
            self.changed.emit(key)


class WorkspacePart(StatePart):
    """The workspace shown."""

    key = "workspace"
    title = "the workspace shown"
    fields = (SHOWN,)

    def create(self, session: Session) -> ShownWorkspace:
        return ShownWorkspace()

    def read(self, session: Session) -> dict[str, Any]:
        state: ShownWorkspace = session.state(self.key)
        return {"shown": state.key or DEFAULT_WORKSPACE}

    def write(self, session: Session, values: Mapping[str, Any]) -> None:
        if "shown" in values:
            session.state(self.key).set(values["shown"])
