"""The app's persistent settings: every QSettings use goes through :func:`app_settings`."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANIZATION = "derivview"
APPLICATION = "derivview"
CONFIG_ENV = "DERIVVIEW_CONFIG_DIR"

#: Keys used by the main window (other helpers add their own, prefixed by their area).
KEY_THEME = "view/theme"
KEY_RECENT_EXPRESSIONS = "editor/recentExpressions"


def app_settings() -> QSettings:
    """The settings store: an INI file in ``$DERIVVIEW_CONFIG_DIR`` when that is set.

    Tests set the variable per test so that no test reads or writes the user's settings;
    otherwise the platform's user configuration location is used (IniFormat everywhere,
    so that the file is human-readable and the same on every platform).
    """
    folder = os.environ.get(CONFIG_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(folder) / "derivview.ini"), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def read_str_list(settings: QSettings, key: str) -> list[str]:
    """A list of strings stored under ``key`` (robust to INI's single-item collapsing)."""
    value = settings.value(key, [])
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if not isinstance(value, (list, tuple)):
        return []  # a hand-edited file with something else there
    return [v for v in value if isinstance(v, str)]
