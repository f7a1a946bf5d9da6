"""The File menu's actions: open / save sessions, export and copy the plot.

:class:`FileActions` owns the actions (Open, Open Recent, Save, Save As, Export Plot,
Copy Plot), the window title (file name and the unsaved-changes mark ``[*]``), the
question on closing with unsaved changes, the recent-files list, and what is remembered
between launches (window geometry and the last session file).

Session files are untrusted: :mod:`derivview.model.session_file` validates a file fully
before anything changes, so a refused file leaves the session as it was; the reason is
shown in a message box.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QAction, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMainWindow,
    QMenu,
    QMessageBox,
    QWidget,
)

from derivview.model.session import Session
from derivview.ui.settings import app_settings, read_str_list

KEY_RECENT = "files/recentSessions"
KEY_LAST_SESSION = "files/lastSession"
KEY_LAST_FOLDER = "files/lastFolder"
KEY_GEOMETRY = "window/geometry"
MAX_RECENT = 10
FILE_FILTER = "derivview sessions (*.derivview);;All files (*)"

#: Answers of the unsaved-changes question.
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


class FileActions(QObject):
    """File-menu actions of a main window over ``session``.

    Parameters
    ----------
    window
        The main window (its title shows the file; its close asks about unsaved changes
        through ``window.close_guards`` when it has them).
    session
        The session saved and opened.
    plot_panel
        The PlotPanel whose view is exported / copied (its size is the dialog's default).
    path
        The session file the window was opened with, if any.
    """

    def __init__(
        self,
        window: QMainWindow,
        session: Session,
        plot_panel: QWidget | None = None,
        path: str | Path | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("fileActions")
        self.window = window
        self.session = session
        self.plot_panel = plot_panel
        self.path: Path | None = Path(path).resolve() if path else None
        #: The last message box shown (errors), for tests and tools.
        self.message_box: QMessageBox | None = None
        #: Asks Save / Discard / Cancel; replaceable (tests answer without a modal loop).
        self.ask_unsaved: Callable[[], str] = self._ask_unsaved
        #: Picks a file to open / save; replaceable likewise. Return "" to cancel.
        self.choose_open_path: Callable[[], str] = self._choose_open_path
        self.choose_save_path: Callable[[], str] = self._choose_save_path

        def action(text: str, name: str, shortcut: QKeySequence | str | None, slot) -> QAction:
            a = QAction(text, window)
            a.setObjectName(name)
            if shortcut is not None:
                a.setShortcut(QKeySequence(shortcut))
            a.triggered.connect(slot)
            return a

        self.open_action = action(
            "&Open Session…", "actionOpenSession", QKeySequence.StandardKey.Open, self.open
        )
        self.save_action = action(
            "&Save Session", "actionSaveSession", QKeySequence.StandardKey.Save, self.save
        )
        self.save_as_action = action(
            "Save Session &As…", "actionSaveSessionAs", "Ctrl+Shift+S", self.save_as
        )
        self.export_action = action("&Export Plot…", "actionExportPlot", "Ctrl+E", self.export_plot)
        self.copy_action = action("&Copy Plot", "actionCopyPlot", "Ctrl+Shift+C", self.copy_plot)
        self.recent_menu = QMenu("Open &Recent", window)
        self.recent_menu.setObjectName("menuOpenRecent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.open_action.setToolTip("Open a .derivview session file")
        self.export_action.setToolTip("Save the plot as a PNG, SVG or PDF file")
        self.copy_action.setToolTip("Copy the plot to the clipboard as an image")

        session.modified_changed.connect(self._on_modified_changed)
        session.text_changed.connect(self._on_text_changed)
        self._update_title()

    # -- installing ---------------------------------------------------------------------

    def install(self, menu: QMenu) -> None:
        """Put the actions at the top of ``menu`` (before Quit), and hook into the window."""
        first = menu.actions()[0] if menu.actions() else None
        if first is None:  # an empty menu: append after a placeholder we then remove
            first = menu.addSeparator()
        entries = (
            self.open_action,
            self.recent_menu,
            None,
            self.save_action,
            self.save_as_action,
            None,
            self.export_action,
            self.copy_action,
        )
        for item in entries:
            if item is None:
                menu.insertSeparator(first)
            elif isinstance(item, QMenu):
                menu.insertMenu(first, item)
            else:
                menu.insertAction(first, item)
        guards = getattr(self.window, "close_guards", None)
        if isinstance(guards, list):
            guards.append(self.confirm_close)
        hooks = getattr(self.window, "close_hooks", None)
        if isinstance(hooks, list):
            hooks.append(self.remember_state)
        # Text fields claim some of these keys (QLineEdit: Ctrl+E = end of line on X11):
        # let the File actions have them wherever the focus is in this window. The
        # filter goes on whichever widget takes the focus, not on the whole application
        # (which would run Python for every event of every drag).
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)
        self.restore_geometry()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self.window:
            new.installEventFilter(self)  # once per widget: Qt ignores a repeat

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Keep the File actions' shortcuts from being taken by a focused text field."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QWidget)
            and watched.window() is self.window
            and isinstance(event, QKeyEvent)
        ):
            pressed = QKeySequence(event.keyCombination())
            for action in self._shortcut_actions():
                if action.isEnabled() and pressed.matches(action.shortcut()) == (
                    QKeySequence.SequenceMatch.ExactMatch
                ):
                    event.ignore()  # not overridden: the window's shortcut fires
                    return True
        return False

    def _shortcut_actions(self) -> tuple[QAction, ...]:
        return (
            self.open_action,
            self.save_action,
            self.save_as_action,
            self.export_action,
            self.copy_action,
        )

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
            if not p.exists():
                self._forget_recent(p)
            return False
        session_file.apply(data, self.session)
        self.session.mark_saved()
        self.path = p.resolve()
        self._add_recent(self.path)
        self._update_title()
        self._status(f"Opened {p.name}")
        return True

    def restore_last_session(self) -> bool:
        """Open the session file of the last launch, if it still opens (quietly if not)."""
        last = str(app_settings().value(KEY_LAST_SESSION, "") or "")
        if not last or not Path(last).is_file():
            return False
        from derivview.model import session_file

        try:
            data = session_file.load(last)
        except session_file.SessionFileError as exc:
            self._status(f"The last session could not be reopened: {exc}")
            return False
        session_file.apply(data, self.session)
        self.session.mark_saved()
        self.path = Path(last).resolve()
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
        self.path = p.resolve()
        self._add_recent(self.path)
        settings = app_settings()
        settings.setValue(KEY_LAST_FOLDER, str(self.path.parent))
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

    def confirm_close(self) -> bool:
        """The window's close guard: save or discard unsaved changes, or cancel the close."""
        return self.confirm_discard()

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

    # -- export and copy ----------------------------------------------------------------

    def _view_size(self) -> tuple[int, int]:
        view = getattr(self.plot_panel, "plot_widget", None)
        size = view.size() if view is not None else QSize(1000, 625)
        if size.width() < 100 or size.height() < 100:  # not laid out yet (hidden window)
            return (1000, 625)
        return (size.width(), size.height())

    def _dark(self) -> bool:
        return bool(getattr(self.plot_panel, "dark", False))

    def export_dialog(self):  # -> ExportDialog
        """A new Export dialog for the current view (not shown)."""
        from derivview.ui.export import ExportDialog

        return ExportDialog(self.session, self._view_size(), self._dark(), self.window)

    def export_plot(self) -> None:
        """File › Export Plot…: the Export dialog (non-blocking)."""
        dialog = self.export_dialog()
        dialog.accepted.connect(
            lambda: (
                self._status(f"Exported {dialog.exported_path}") if dialog.exported_path else None
            )
        )
        self.dialog = dialog
        dialog.open()

    def copy_plot(self) -> None:
        """File › Copy Plot: the view as an image on the clipboard (at the screen's density)."""
        from derivview.ui.export import ExportError, ExportOptions, render_session_image

        w, h = self._view_size()
        ratio = self.window.devicePixelRatioF() if self.window is not None else 1.0
        dark = self._dark()
        options = ExportOptions(
            width=w,
            height=h,
            scale=min(max(ratio, 1.0), 3.0),
            background="dark" if dark else "light",
            dark=dark,
        )
        try:
            image = render_session_image(self.session, options)
        except ExportError as exc:
            self._show_error("The plot could not be copied.", str(exc))
            return
        QGuiApplication.clipboard().setImage(image)
        self._status("Copied the plot to the clipboard")

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
        resolved = {str(path), str(path.resolve())}
        items = [p for p in self.recent_files() if p not in resolved]
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

    # -- between launches ---------------------------------------------------------------

    def restore_geometry(self) -> None:
        """Give the window the size and place it had when last closed."""
        geometry = app_settings().value(KEY_GEOMETRY)
        if geometry is not None:
            with contextlib.suppress(TypeError):  # a corrupt value in the settings file
                self.window.restoreGeometry(geometry)

    def remember_state(self) -> None:
        """On close: the window geometry and the session file (if it was saved to one)."""
        settings = app_settings()
        settings.setValue(KEY_GEOMETRY, self.window.saveGeometry())
        settings.setValue(KEY_LAST_SESSION, str(self.path) if self.path else "")
        settings.sync()

    # -- title, messages ----------------------------------------------------------------

    def _on_modified_changed(self, modified: bool) -> None:
        self.window.setWindowModified(modified)

    def _on_text_changed(self, _text: str) -> None:
        self._update_title()  # after the window's own handler, which sets a plain title

    def _update_title(self) -> None:
        text = self.session.text
        shown = text if len(text) <= 60 else text[:59] + "…"
        if self.path is not None:
            title = f"{self.path.name}[*] — derivview — f(x) = {shown}"
        else:
            title = f"derivview — f(x) = {shown}[*]"
        self.window.setWindowTitle(title)
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
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(message, 5000)

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
        return folder if folder and Path(folder).is_dir() else str(Path.home())


def install_file_actions(window: QMainWindow, options: object) -> FileActions:
    """Wire the File menu of a new main window built from launch ``options``.

    The session file given on the command line (if any) becomes the window's file; with
    no launch options at all, the session file of the last launch is reopened (options
    such as ``--x0`` would otherwise be overwritten by it).
    """
    path = getattr(options, "session", None)
    actions = FileActions(
        window,
        window.session,  # type: ignore[attr-defined]
        getattr(window, "plot_panel", None),
        path,
    )
    actions.install(window.file_menu)  # type: ignore[attr-defined]
    launched_bare = (
        path is None
        and getattr(options, "expr", None) is None
        and getattr(options, "x0", None) is None
        and getattr(options, "xrange", None) is None
        and not getattr(options, "params", None)
    )
    if launched_bare:
        actions.restore_last_session()
    return actions
