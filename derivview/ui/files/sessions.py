"""Session files in the window: Open, Open Recent, Save, Save As, unsaved changes, title.

Session files are untrusted: :mod:`derivview.model.session_file` validates a file fully
before anything changes, so a refused file leaves the session as it was; the reason is
shown in a message box. The window's title is the file's name (or "untitled") with the
unsaved-changes mark, then the app's name once: ``cubic.derivview* — derivview``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from derivview.model.fileio import resolved
from derivview.ui.settings import app_settings, read_str_list
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.session import Session
    from derivview.ui.main_window import MainWindow

KEY_RECENT = "files/recentSessions"
KEY_LAST_FOLDER = "files/lastFolder"
MAX_RECENT = 10
FILE_FILTER = "derivview sessions (*.derivview);;All files (*)"
APP_NAME = "derivview"
UNTITLED = "untitled"

#: Answers of the unsaved-changes question.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def window_title(path: Path | None) -> str:
    """The window title: the file (or "untitled"), the modified mark, the app's name once.

    Ending with the app's name also keeps Qt from appending it a second time.
    """
    name = path.name if path is not None else UNTITLED
    return f"{name}[*] — {APP_NAME}"


class SessionFiles(QObject):
    """The session-file actions of a window over ``session``.

    ``path`` is the file the session was opened from or saved to (None: untitled).
    ``ask_unsaved``, ``choose_open_path`` and ``choose_save_path`` are replaceable (tests
    answer without a modal loop); a chooser returns "" to cancel.
    """

    def __init__(self, window: MainWindow, session: Session, path: str | Path | None = None):
        super().__init__(window)
        self.setObjectName("sessionFiles")
        self.window = window
        self.session = session
        self.path: Path | None = resolved(path) if path else None
        #: The last message box shown (errors), for tests and tools.
        self.message_box: QMessageBox | None = None
        self.ask_unsaved: Callable[[], str] = self._ask_unsaved
        self.choose_open_path: Callable[[], str] = self._choose_open_path
        self.choose_save_path: Callable[[], str] = self._choose_save_path

        def action(text: str, name: str, shortcut: QKeySequence | str, tip: str, slot) -> QAction:
            a = QAction(text, window)
            a.setObjectName(name)
            a.setShortcut(QKeySequence(shortcut))
            a.setToolTip(tip)
            a.triggered.connect(slot)
            return a

        self.open_action = action(
            "&Open Session…",
            "actionOpenSession",
            QKeySequence.StandardKey.Open,
            "Open a .derivview session file",
            self.open,
        )
        self.save_action = action(
            "&Save Session",
            "actionSaveSession",
            QKeySequence.StandardKey.Save,
            "Save the session to its file",
            self.save,
        )
        self.save_as_action = action(
            "Save Session &As…",
            "actionSaveSessionAs",
            "Ctrl+Shift+S",
            "Save the session to a new file",
            self.save_as,
        )
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setObjectName("menuOpenRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)

        connect_while_alive(self, [(session.modified_changed, self._on_modified_changed)])
        self._update_title()

    def actions(self) -> tuple[QAction, ...]:
        """The actions with shortcuts (Open, Save, Save As)."""
        return (self.open_action, self.save_action, self.save_as_action)

    # -- opening ------------------------------------------------------------------------

    def open(self) -> bool:
        """File › Open Session…: ask for unsaved changes, pick a file, open it."""
        if not self.confirm_discard():
            return False
        name = self.choose_open_path()
        return bool(name) and self.open_path(name, confirm=False)

    def open_path(self, path: str | Path, *, confirm: bool = True) -> bool:
        """Open the session file ``path``; on failure show why and change nothing."""
        if confirm and not self.confirm_discard():
            return False
        p = Path(path).expanduser()
        from derivview.model import session_file

        try:
            data = session_file.load(p)
        except session_file.SessionFileError as exc:
            self._show_error("The session could not be opened.", str(exc))
            if not os.path.exists(p):  # gone (or a link to nowhere): no use offering it again
                self._forget_recent(p)
            return False
        session_file.apply(data, self.session)
        self.session.mark_saved()
        self.path = resolved(p)
        self._add_recent(self.path)
        self._update_title()
        self._status(f"Opened {p.name}")
        return True

    def set_path(self, path: str | Path | None) -> None:
        """The file the session now belongs to (its name is the window's title)."""
        self.path = resolved(path) if path else None
        self._update_title()

    def reopen(self, path: str) -> bool:
        """Open the session file of the last launch if it still opens (quietly if not)."""
        if not path or not os.path.isfile(path):  # (os.path never raises; Path may)
            return False
        from derivview.model import session_file

        try:
            data = session_file.load(path)
        except session_file.SessionFileError as exc:
            self._status(f"The last session could not be reopened: {exc}")
            return False
        session_file.apply(data, self.session)
        self.session.mark_saved()
        self.path = resolved(path)
        self._update_title()
        return True

    # -- saving -------------------------------------------------------------------------

    def save(self) -> bool:
        """File › Save Session: to the current file, or ask for one."""
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        """File › Save Session As…: pick a file and save there."""
        name = self.choose_save_path()
        if not name:
            return False
        p = Path(name).expanduser()
        if p.suffix == "":
            from derivview.model import session_file

            p = p.with_suffix(session_file.SUFFIX)
        return self.save_to(p)

    def save_to(self, path: str | Path) -> bool:
        """Save the session to ``path`` (atomically); on failure show why."""
        p = Path(path)
        from derivview.model import session_file

        try:
            session_file.save(self.session, p)
        except session_file.SessionFileError as exc:
            self._show_error("The session could not be saved.", str(exc))
            return False
        self.session.mark_saved()
        self.path = resolved(p)
        self._add_recent(self.path)
        app_settings().setValue(KEY_LAST_FOLDER, str(self.path.parent))
        self._update_title()
        self._status(f"Saved {p.name}")
        return True

    # -- unsaved changes ----------------------------------------------------------------

    def confirm_discard(self) -> bool:
        """True if the current session may be replaced (saved, discarded, or unchanged)."""
        if not self.session.modified:
            return True
        answer = self.ask_unsaved()
        if answer == SAVE:
            return self.save()
        return answer == DISCARD

    def _ask_unsaved(self) -> str:
        box = QMessageBox(self.window)
        box.setObjectName("unsavedQuestion")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        name = self.path.name if self.path else "this session"
        box.setText(f"Save the changes to {name}?")
        box.setInformativeText("Your changes will be lost if you don't save them.")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        result = box.exec()
        if result == QMessageBox.StandardButton.Save:
            return SAVE
        if result == QMessageBox.StandardButton.Discard:
            return DISCARD
        return CANCEL

    # -- recent files -------------------------------------------------------------------

    def recent_files(self) -> list[str]:
        """Recently opened or saved session files, newest first."""
        return read_str_list(app_settings(), KEY_RECENT)

    def _add_recent(self, path: Path) -> None:
        items = [str(path)] + [p for p in self.recent_files() if p != str(path)]
        settings = app_settings()
        settings.setValue(KEY_RECENT, items[:MAX_RECENT])
        settings.sync()

    def _forget_recent(self, path: Path) -> None:
        names = {str(path), str(resolved(path))}
        items = [p for p in self.recent_files() if p not in names]
        settings = app_settings()
        settings.setValue(KEY_RECENT, items)
        settings.sync()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, name in enumerate(files):
            label = f"&{i + 1} {Path(name).name}" if i < 9 else Path(name).name
            a = self.recent_menu.addAction(label)
            a.setToolTip(name)
            a.setData(name)
            a.triggered.connect(lambda _checked=False, n=name: self.open_path(n))
        if not files:
            empty = self.recent_menu.addAction("(none)")
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear Recent")
            clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        settings = app_settings()
        settings.setValue(KEY_RECENT, [])
        settings.sync()

    # -- title, messages ----------------------------------------------------------------

    def _on_modified_changed(self, modified: bool) -> None:
        self.window.setWindowModified(modified)

    def _update_title(self) -> None:
        self.window.setWindowTitle(window_title(self.path))
        self.window.setWindowModified(self.session.modified)

    def _show_error(self, text: str, detail: str) -> None:
        box = QMessageBox(self.window)
        box.setObjectName("fileError")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("derivview")
        box.setText(text)
        box.setInformativeText(detail)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.message_box = box
        box.open()

    def _status(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 5000)

    def _choose_open_path(self) -> str:
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Open Session", self._start_folder(), FILE_FILTER
        )
        return name

    def _choose_save_path(self) -> str:
        start = (
            str(self.path) if self.path else str(Path(self._start_folder()) / "session.derivview")
        )
        name, _ = QFileDialog.getSaveFileName(self.window, "Save Session", start, FILE_FILTER)
        return name

    def _start_folder(self) -> str:
        folder = str(app_settings().value(KEY_LAST_FOLDER, "") or "")
        return folder if folder and os.path.isdir(folder) else str(Path.home())
