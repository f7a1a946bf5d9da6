"""What the window remembers between launches: size and place, dock layouts, workspace,
and the session file it showed (reopened at the next bare launch).

Dock layouts are saved per workspace (``QMainWindow.saveState``), tagged with
:data:`LAYOUT_VERSION`: a layout saved by a build with other docks is ignored (the
default layout is used) rather than restored half-wrong.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QMainWindow

from derivview.ui.settings import app_settings

KEY_GEOMETRY = "window/geometry"
KEY_WORKSPACE = "window/workspace"
KEY_LAYOUT = "window/layout/{key}"
KEY_LAST_SESSION = "files/lastSession"
#: Bump when the docks change in a way an old saved layout would restore wrongly.
LAYOUT_VERSION = 3  # 2: the numerical-derivative and deep-chain docks; 3: the derivation and graph


def restore_geometry(window: QMainWindow) -> None:
    """Give the window the size and place it had when last closed."""
    geometry = app_settings().value(KEY_GEOMETRY)
    if isinstance(geometry, QByteArray | bytes):
        with contextlib.suppress(TypeError):  # a corrupt value in the settings file
            window.restoreGeometry(geometry)


def save_geometry(window: QMainWindow) -> None:
    """Remember the window's size and place."""
    app_settings().setValue(KEY_GEOMETRY, window.saveGeometry())


def saved_layout(key: str) -> QByteArray | None:
    """The dock layout saved for workspace ``key``, if any."""
    value = app_settings().value(KEY_LAYOUT.format(key=key))
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def save_layout(key: str, state: QByteArray) -> None:
    """Remember workspace ``key``'s dock layout."""
    app_settings().setValue(KEY_LAYOUT.format(key=key), state)


def forget_layout(key: str) -> None:
    """Forget workspace ``key``'s saved layout (after "Reset Layout")."""
    app_settings().remove(KEY_LAYOUT.format(key=key))


def saved_workspace() -> str:
    """The workspace shown when the window was last closed ("" if none)."""
    return str(app_settings().value(KEY_WORKSPACE, "") or "")


def last_session() -> str:
    """The session file shown when the window was last closed ("" if none)."""
    return str(app_settings().value(KEY_LAST_SESSION, "") or "")


def remember(workspace: str, session_path: str) -> None:
    """On close: the workspace shown and the session file (written now)."""
    settings = app_settings()
    settings.setValue(KEY_WORKSPACE, workspace)
    settings.setValue(KEY_LAST_SESSION, session_path)
    settings.sync()
