"""The main window: it hosts workspaces (f(x), and the labs' to come) and their docks.

Each workspace (:mod:`derivview.ui.workspaces`) has a central widget — its plot, with the
inputs that must stay at hand — and docks a person can tab, move, float, close and bring
back from View › Panels; View › Reset Layout puts them back. Ctrl+1/2/3 switch
workspaces; each remembers its dock layout between launches. The window adds the menus
(:mod:`derivview.ui.window_menus`; File's actions: :mod:`derivview.ui.files`), the status
bar, the theme (announced by one signal that every view follows,
:func:`derivview.ui.theme.theme_signals`), and owns the background symbolic runner.
Every piece takes the session in its constructor and talks only to it; the window never
pushes anything into a view.

Keys: Ctrl+Q quit · Ctrl+0 reset the view · Ctrl+1 the f(x) workspace, Ctrl+2 the
f(x, y) workspace, Ctrl+3 the regression lab · Alt+Left/Right move x₀ (Alt+Up/Down
y₀ in f(x, y); Alt+Shift for finer steps) · Enter in the editor plots at once · Up/Down
in the editor: recent expressions.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QChildEvent, QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QWidget,
)

from derivview.model.session import DEFAULT_X_RANGE, Session
from derivview.ui import dock_layout
from derivview.ui.dock_layout import BuiltWorkspace
from derivview.ui.expression_editor import ASSETS
from derivview.ui.files import window_state
from derivview.ui.files.export_actions import ExportActions
from derivview.ui.files.sessions import SessionFiles
from derivview.ui.idle_work import IdleQueue
from derivview.ui.symbolic_runner import SymbolicRunner
from derivview.ui.theme import ThemeController
from derivview.ui.window_menus import WindowMenus
from derivview.ui.workspaces import WORKSPACES
from derivview.ui.workspaces.base import DockSpec, Workspace

if TYPE_CHECKING:
    from derivview.launch import LaunchOptions
    from derivview.ui.expression_editor import ExpressionEditor
    from derivview.ui.param_panel import ParamPanel
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.point_controls import PointControls
    from derivview.ui.workspaces.fx import FxWorkspace

FIRST_PAINT_FALLBACK_MS = 1000
ERROR_STATUS = "The expression has an error: the last good plot stays"


def app_icon() -> QIcon:
    """The window icon: a curve with its tangent (``derivview/assets/icon.svg``)."""
    return QIcon(str(ASSETS / "icon.svg"))


class _ShortcutGuard(QObject):
    """Lets the window's menu shortcuts win over a focused text field.

    Text fields claim some keys (QLineEdit: Ctrl+E = end of line on X11). The filter
    goes on whichever widget takes the focus in this window, not on the whole
    application (which would run Python for every event of every drag).
    """

    def __init__(self, window: QMainWindow, actions: Callable[[], list[QAction]]) -> None:
        super().__init__(window)
        self._window = window
        self._actions = actions
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new.window() is self._window:
            new.installEventFilter(self)  # once per widget: Qt ignores a repeat

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(watched, QWidget)
            and watched.window() is self._window
            and isinstance(event, QKeyEvent)
        ):
            pressed = QKeySequence(event.keyCombination())
            for action in self._actions():
                if action.isEnabled() and pressed.matches(action.shortcut()) == (
                    QKeySequence.SequenceMatch.ExactMatch
                ):
                    event.ignore()  # not overridden: the window's shortcut fires
                    return True
        return False


class MainWindow(QMainWindow):
    """derivview's window over one :class:`Session`.

    Signals
    -------
    firstPainted()
        The window painted for the first time (the runner starts after it).
    """

    firstPainted = Signal()

    def __init__(
        self,
        session: Session | None = None,
        parent: QWidget | None = None,
        *,
        home_x_range: tuple[float, float] | None = None,
        worker: object | None = None,
        lazy_panels: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        #: Build the lazy docks' panels when first seen or when idle (``DockSpec.lazy``),
        #: as the app's own launch does; off, every panel exists once the window does.
        self.lazy_panels = lazy_panels
        self.session = session if session is not None else Session()
        #: Where View › Reset View goes (the x range given at launch, else the default).
        self.home_x_range = home_x_range or DEFAULT_X_RANGE
        #: Called on close; a guard returning False keeps the window open (unsaved changes).
        self.close_guards: list[Callable[[], bool]] = []
        #: Called once the window is closing for good (after the guards agreed).
        self.close_hooks: list[Callable[[], None]] = []
        self._painted = False
        self._closed = False

        self.theme = ThemeController(self)
        # Before any widget exists: a palette change afterwards re-polishes every widget.
        self.theme.apply()
        self.runner = SymbolicRunner(self.session, self, worker=worker)  # type: ignore[arg-type]

        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)
        self.stack = QStackedWidget()
        self.stack.setObjectName("workspaces")
        self.setCentralWidget(self.stack)
        self._built: dict[str, BuiltWorkspace] = {}
        self._layouts: dict[str, Any] = {}  # dock layouts of the workspaces not shown
        self._current: str | None = None
        self._window_actions: list[QAction] = []
        #: The panels of lazy docks not built yet (keyed by the dock's objectName).
        self._unbuilt = IdleQueue(self)
        #: With ``lazy_panels``, the docks shown at launch whose panels are not built yet:
        #: those for the first curve's frame come right after the first paint
        #: (:meth:`_fill_first_docks`), the others when idle, before the hidden tabs'.
        self._shown_unbuilt: list[str] = []
        self._first_unbuilt: list[str] = []
        #: The default layout's column, sized before its panels were in (sized again once
        #: they all are).
        self._column_to_size: tuple[BuiltWorkspace, list[QDockWidget]] | None = None
        #: ``start_background`` came before the first paint: the runner starts after it.
        self._start_after_paint = False
        self.firstPainted.connect(self._after_first_paint)
        #: The shown layout is the default one, untouched since (re-fit at first show),
        #: and the window's size it was made for.
        self._pristine_layout = False
        self._layout_size = self.size()

        self.files = SessionFiles(self, self.session)
        self.exports = ExportActions(self, self.session, self._plot_size, self._plot_dark)
        self._guard = _ShortcutGuard(self, self._guarded_actions)
        self.close_guards.append(self.files.confirm_discard)
        self.close_hooks.append(self._remember)

        self.resize(1280, 800)
        window_state.restore_geometry(self)
        self.setWindowIcon(app_icon())
        self.menus = WindowMenus(self, WORKSPACES)
        # The workspace a session file opened before the window names (see open_files).
        self._file_workspace: str = self.session.state("workspace").get("shown")
        saved = window_state.saved_workspace()
        keys = [w.key for w in WORKSPACES]
        self.show_workspace(saved if saved in keys else keys[0])

        # -- wiring
        s = self.session
        s.busy_changed.connect(self._on_busy_changed)
        s.error_changed.connect(self._on_error_changed)
        # A session file opened later shows the workspace it was saved in.
        s.state("workspace").changed.connect(self._on_workspace_state)

    # -- start-up -----------------------------------------------------------------------

    def open_files(self, options: LaunchOptions) -> None:
        """The session file of the launch; with no launch options, the last session's."""
        if options.session:
            self.files.set_path(options.session)  # already opened, under the options given
            if self._file_workspace in (w.key for w in WORKSPACES):
                self.show_workspace(self._file_workspace)
        elif options.bare:
            # Options such as --x0 would be overwritten by it: only for a bare launch.
            shown = self.workspace_key
            self.files.reopen(window_state.last_session())
            # Reopening where the person left off: the workspace last shown, not the one
            # the file was saved in (showing another workspace does not modify a file).
            self.show_workspace(shown)
        else:
            # Options on the command line (--expr, --x0, --lr, --depth…) are the f(x)
            # workspace's: show them, not the workspace shown when the window last closed.
            self.show_workspace(WORKSPACES[0].key)

    def start_background(self) -> None:
        """Start symbolic work once the window has painted (never before first paint)."""
        if self._painted or not self.isVisible():
            self.runner.start()
            self._start_idle_work()
        else:
            self._start_after_paint = True  # see _after_first_paint
            QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self.runner.start)

    def _after_first_paint(self) -> None:
        """The launch, once the window has painted: the panels for the first curve's
        frame, then the first f, computed now, so that the next frame shows its curve
        and its numbers together; then the work that waits for idle moments."""
        self._fill_first_docks()
        if self._start_after_paint:
            self.runner.start(now=True)
            self._start_idle_work()  # behind the first f
        # The panels' new layouts before that frame: building them already asked for a
        # paint, which would otherwise come first (their text at the old layout's places).
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

    def _start_idle_work(self) -> None:
        """Build the panels still to come when idle, once the first f has been computed.

        Called after the runner's start (which computes it, at once in a launch): the
        idle queue then waits for the loop to be idle for a frame, which comes after the
        first curve's paint. (Started at the first paint itself, the work between that
        paint and the first f gave it that frame first: a hidden tab's panel came before
        the first curve.)
        """
        QTimer.singleShot(0, self._unbuilt.start)

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and self._pristine_layout
            and self._current
            and self.size() != self._layout_size
        ):
            # The default layout was made at another size: make it for the real one.
            layout = self.layout()
            if layout is not None:
                layout.activate()  # the docks' area at this size, before sizing the docks
            self._default_layout(self._built[self._current])
            self._pristine_layout = False
        if event.type() == QEvent.Type.ChildPolished and isinstance(event, QChildEvent):
            bar = event.child()
            if isinstance(bar, QTabBar):
                # The tabs of tabbed docks (made by the layout, again after a restore):
                # whole titles and scroll arrows, not "Nu…", "De…", "De…" side by side.
                bar.setElideMode(Qt.TextElideMode.ElideNone)
                bar.setUsesScrollButtons(True)
        result = super().event(event)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            # After this paint has been flushed to the screen.
            QTimer.singleShot(0, self.firstPainted.emit)
        return result

    # -- workspaces and docks -----------------------------------------------------------

    @property
    def workspace_key(self) -> str:
        """The key of the workspace shown ("fx", …)."""
        assert self._current is not None
        return self._current

    @property
    def current_workspace(self) -> Workspace:
        """The workspace shown."""
        return self._built[self.workspace_key].workspace

    def workspace(self, key: str) -> Workspace:
        """The workspace ``key`` (built if it was not yet)."""
        return self._ensure_built(key).workspace

    def dock(self, name: str) -> QDockWidget:
        """The dock with objectName ``name`` (of a built workspace; KeyError if none)."""
        for built in self._built.values():
            if name in built.docks:
                return built.docks[name]
        raise KeyError(name)

    def dock_content(self, name: str) -> QWidget:
        """The panel inside dock ``name`` (not its scroll area)."""
        self._unbuilt.run(name)  # a lazy dock's, built now if it was not yet
        for built in self._built.values():
            if name in built.contents:
                return built.contents[name]
        raise KeyError(name)

    def show_workspace(self, key: str) -> None:
        """Show workspace ``key``: its central widget and its docks, as last arranged."""
        if key == self._current:
            return
        if self._current is not None:
            self._layouts[self._current] = self.saveState(window_state.LAYOUT_VERSION)
            for action in self._window_actions:
                self.removeAction(action)
        previous = self._built.get(self._current) if self._current is not None else None
        built = self._ensure_built(key)
        self.stack.setCurrentWidget(built.central)
        self._current = key
        self._hide_docks_of_others(key)  # before laying out: they would crowd its column
        layout = self._layouts.pop(key, None) or window_state.saved_layout(key)
        self._pristine_layout = False
        self._column_to_size = None
        if layout is None or not self.restoreState(layout, window_state.LAYOUT_VERSION):
            self._default_layout(built)
        self._hide_docks_of_others(key)  # a saved layout may show others' docks
        self._window_actions = built.workspace.window_actions()
        self.addActions(self._window_actions)
        self.menus.show_workspace(built, previous)
        with contextlib.suppress(ValueError):  # a key session files cannot name (a test's)
            self.session.state("workspace").set(shown=key)

    def _hide_docks_of_others(self, key: str) -> None:
        for other, done in self._built.items():
            if other != key:
                for dock in done.docks.values():
                    dock.hide()

    def reset_layout(self) -> None:
        """View › Reset Layout: the shown workspace's docks where they started."""
        if self._current is not None:
            window_state.forget_layout(self._current)
            self._default_layout(self._built[self._current])

    def _ensure_built(self, key: str) -> BuiltWorkspace:
        if key in self._built:
            return self._built[key]
        cls = next(w for w in WORKSPACES if w.key == key)
        workspace = cls(self.session, self)
        central = workspace.build()
        self.stack.addWidget(central)
        built = BuiltWorkspace(workspace, central, {}, {})
        launching = self.lazy_panels and not self._painted
        later: list[DockSpec] = []  # hidden tabs: queued after the docks shown
        for spec in workspace.docks:
            dock = QDockWidget(spec.title, self)
            dock.setObjectName(spec.name)
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetClosable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            toggle = dock.toggleViewAction()
            toggle.setObjectName(f"actionPanel_{spec.name}")
            toggle.setToolTip(f"Show or hide the {spec.title} panel")
            dock.hide()
            built.docks[spec.name] = dock
            if spec.lazy and self.lazy_panels:
                later.append(spec)
                # Seen (shown, or its tab raised): built before it paints.
                dock.visibilityChanged.connect(
                    lambda seen, n=spec.name: seen and self._unbuilt.run(n)
                )
            elif launching:
                # Shown at launch: the window paints first (its frame, the inputs, the
                # plot's axes; these docks' title bars), the panel a moment later.
                self._unbuilt.add(spec.name, functools.partial(self._fill_dock, built, spec))
                self._shown_unbuilt.append(spec.name)
                if spec.with_first_curve:
                    self._first_unbuilt.append(spec.name)
            else:
                self._fill_dock(built, spec)
        for spec in later:
            self._unbuilt.add(spec.name, functools.partial(self._fill_dock, built, spec))
        self._built[key] = built
        return built

    def _fill_first_docks(self) -> None:
        """After the first paint: the panels shown at launch for the first curve's frame
        (built before the first function is computed: its numbers come with its curve).
        """
        names, self._first_unbuilt = self._first_unbuilt, []
        for name in names:
            self._unbuilt.run(name)

    def _fill_dock(self, built: BuiltWorkspace, spec: DockSpec) -> None:
        """Build dock ``spec``'s panel and put it in its dock."""
        content = spec.build(self.session)
        built.docks[spec.name].setWidget(dock_layout.scrolling(content) if spec.scroll else content)
        built.contents[spec.name] = content
        if spec.name in self._shown_unbuilt:
            self._shown_unbuilt.remove(spec.name)
            if not self._shown_unbuilt:
                self._size_column_again()

    def _size_column_again(self) -> None:
        """The default layout, sized again with its panels in: as in a window whose
        panels were there from the start."""
        pending, self._column_to_size = self._column_to_size, None
        if pending is not None and pending[0] is self._built.get(self._current or ""):
            layout = self.layout()
            if layout is not None:
                layout.activate()
            self._size_column(*pending)

    def _default_layout(self, built: BuiltWorkspace) -> None:
        """The workspace's docks as its ``DockSpec``\\ s arrange them for this height."""
        column = dock_layout.arrange(self, built)
        self._size_column(built, column)
        # Sized while its panels are still to come (the launch): sized again once they are.
        self._column_to_size = (
            (built, column) if any(d.objectName() in self._shown_unbuilt for d in column) else None
        )
        self._pristine_layout = True
        self._layout_size = self.size()

    def _size_column(self, built: BuiltWorkspace, column: list[QDockWidget]) -> None:
        dock_layout.size_column(self, built, column, self.dock_content)

    def resizeEvent(self, event: Any) -> None:
        """A narrower window narrows a wide dock column too: the plot stays the largest."""
        super().resizeEvent(event)
        if self._current is not None and event.oldSize().width() > event.size().width():
            dock_layout.narrow_column(self, list(self._built[self._current].docks.values()))

    # -- the f(x) workspace's pieces (for scripts and tests) -------------------------------

    @property
    def fx(self) -> FxWorkspace:
        """The f(x) workspace."""
        return self.workspace("fx")  # type: ignore[return-value]

    @property
    def plot_panel(self) -> PlotPanel:
        """The f(x) plot."""
        return self.fx.plot_panel

    @property
    def editor(self) -> ExpressionEditor:
        """The expression editor."""
        return self.fx.editor

    @property
    def point_controls(self) -> PointControls:
        """The x₀ slider and spin box."""
        return self.fx.point_controls

    @property
    def param_panel(self) -> ParamPanel:
        """The parameter rows."""
        return self.fx.param_panel

    @property
    def readout(self) -> Any:
        """The readout panel (in its dock)."""
        return self.dock_content("readoutDock")

    def _plot_size(self) -> tuple[int, int]:
        size = self.plot_panel.plot_widget.size()
        return size.width(), size.height()

    def _plot_dark(self) -> bool:
        return self.plot_panel.dark

    def _guarded_actions(self) -> list[QAction]:
        workspace = self._built[self._current].workspace if self._current else None
        own = workspace.file_actions() if workspace is not None else []
        return [*self.files.actions(), *self.exports.actions(), *own]

    def _on_workspace_state(self) -> None:
        key = self.session.state("workspace").get("shown")
        if key != self._current and key in (w.key for w in WORKSPACES):
            self.show_workspace(key)

    # -- session -> window ----------------------------------------------------------------

    def _on_busy_changed(self, busy: bool) -> None:
        if busy:
            self.statusBar().showMessage("Computing…")
        elif self.statusBar().currentMessage() == "Computing…":
            self.statusBar().clearMessage()

    def _on_error_changed(self, error: object) -> None:
        bar = self.statusBar()
        if error is not None:
            bar.showMessage(ERROR_STATUS)
        elif bar.currentMessage() == ERROR_STATUS:
            bar.clearMessage()

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask the close guards, then stop background work (extension point)."""
        for guard in self.close_guards:
            if not guard():
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def _remember(self) -> None:
        """On close: the geometry, each workspace's layout, the workspace, the file."""
        window_state.save_geometry(self)
        if self._current is not None:
            self._layouts[self._current] = self.saveState(window_state.LAYOUT_VERSION)
        for key, state in self._layouts.items():
            window_state.save_layout(key, state)
        path = self.files.path
        window_state.remember(self._current or "", str(path) if path else "")

    def shutdown(self) -> None:
        """Stop the worker process and thread; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._unbuilt.stop()  # panels nobody will see are not built
        for hook in self.close_hooks:
            with contextlib.suppress(Exception):
                hook()
        self.editor.save_recent()
        self.runner.close()

