"""Which workspace a session shows (f(x), f(x, y), the regression lab), for session files.

A saved session reopens the same workspace: the window writes the workspace it shows
here, and shows the one a session file names when the file is opened. Switching
workspaces is not an edit (the session is not marked modified); a save records it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from derivview.model.state.fields import Field, Invalid, Text
from derivview.model.state.part import Settings, SettingsPart

if TYPE_CHECKING:
    from derivview.model.session import Session


class _Key(Text):
    """A workspace's key: a short lowercase name (``fx``, ``fxy``, ``regression``)."""

    def check(self, value: Any, what: str) -> str:
        text = super().check(value, what)
        if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", text):
            raise Invalid(f"{what} must be a workspace's name such as fx, not {text!r}")
        return text


SHOWN = Field("shown", _Key(40), "fx", "the workspace")


class WorkspacePart(SettingsPart):
    """The workspace shown (``session.state("workspace").get("shown")``)."""

    key = "workspace"
    title = "the workspace"
    fields = (SHOWN,)

    def create(self, session: Session) -> Settings:
        return self.settings_class(self.fields)  # a switch does not mark the session modified
