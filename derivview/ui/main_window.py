"""The main window: the plot (large) beside a sidebar of controls, menus and a status bar.

Every piece takes the session in its constructor and talks only to it; the window just
lays them out, adds the menus, and owns the background symbolic runner and the theme.

Keys: Ctrl+Q quit · Ctrl+0 reset the view · Alt+Left/Right move x₀ (Alt+Shift for
finer steps) · Enter in the editor plots at once · Up/Down in the editor: recent expressions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from derivview import __version__
from derivview.model.session import DEFAULT_X_RANGE, Session
from derivview.ui.expression_editor import ASSETS, LANGUAGE_HELP, ExpressionEditor
from derivview.ui.param_panel import ParamPanel
from derivview.ui.plot_panel import PlotPanel  # imports pyqtgraph (after PySide6, above)
from derivview.ui.point_controls import PointControls
from derivview.ui.readout import Readout
from derivview.ui.secant_panel import SecantPanel
from derivview.ui.symbolic_runner import SymbolicRunner
from derivview.ui.theme import ERROR_COLOR, THEME_MODES, ThemeController

#: View › items: (session item, menu text, tooltip).
VIEW_ITEMS = (
    ("f", "&f(x)", "Show the function"),
    ("tangent", "&Tangent line", "Show the tangent at x₀"),
    ("df", "f′(x) (&derivative)", "Show the first derivative"),
    ("d2f", "f″(x) (&second derivative)", "Show the second derivative"),
    ("secant", "&Secant", "Show the secant through x₀ and x₀ + h"),
    ("markers", "&Markers (critical, inflection, kinks)", "Mark special points"),
    ("concavity", "&Concavity shading", "Shade where f is concave up / down"),
    ("legend", "&Legend", "Show the legend"),
    ("grid", "&Grid", "Show the grid"),
)

FIRST_PAINT_FALLBACK_MS = 1000
ERROR_STATUS = "The expression has an error: the last good plot stays"


def app_icon() -> QIcon:
    """The window icon: a curve with its tangent (``derivview/assets/icon.svg``)."""
    return QIcon(str(ASSETS / "icon.svg"))


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
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session if session is not None else Session()
        self.home_x_range = home_x_range or DEFAULT_X_RANGE
        #: Called on close; a guard returning False keeps the window open (e.g. unsaved
        #: changes). The sessions helper appends its own here.
        self.close_guards: list[Callable[[], bool]] = []
        #: Called once the window is closing for good (after the guards agreed).
        self.close_hooks: list[Callable[[], None]] = []
        #: The File menu's Export/Open/Save (installed by app.build_window).
        self.file_actions: object | None = None
        self._painted = False
        self._closed = False

        self.theme = ThemeController(self)
        # Before any widget exists: a palette change afterwards re-polishes every widget.
        self.theme.apply()
        self.runner = SymbolicRunner(self.session, self, worker=worker)  # type: ignore[arg-type]

        # -- the pieces
        self.plot_panel = PlotPanel(self.session)
        self.editor = ExpressionEditor(self.session)
        self.point_controls = PointControls(self.session)
        self.readout = Readout(self.session)
        self.param_panel = ParamPanel(self.session)
        self.secant_panel = SecantPanel(self.session)

        self.sidebar = QWidget()
        self.sidebar.setObjectName("sidebar")
        side = QVBoxLayout(self.sidebar)
        side.setContentsMargins(8, 8, 8, 8)
        side.setSpacing(8)
        side.addWidget(self.editor)
        side.addWidget(_section("Tangent point"))
        side.addWidget(self.point_controls)
        side.addWidget(self.readout)
        side.addWidget(self.param_panel)
        side.addWidget(_section("Secant"))
        side.addWidget(self.secant_panel)
        self.sidebar_layout = side  # the descent panel is added here (or as a dock)
        # -- descent panel (descent helper): controls + table + loss plot in the sidebar,
        # the trajectory drawn on the main plot.
        from derivview.ui.descent_panel import DescentPanel

        self.descent_panel = DescentPanel(self.session)
        side.addWidget(_section("Gradient descent"))
        side.addWidget(self.descent_panel, 1)
        self.descent_panel.attach(self.plot_panel.plot_item, self.plot_panel.plot_widget)
        # -- end descent panel
        side.addStretch(1)

        scroll = QScrollArea()
        scroll.setObjectName("sidebarScroll")
        scroll.setWidget(self.sidebar)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)
        self.sidebar_scroll = scroll

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.plot_panel)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setCollapsible(0, False)
        self.plot_panel.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCentralWidget(self.splitter)
        self.resize(1280, 800)
        self.splitter.setSizes([880, 400])

        self.setWindowIcon(app_icon())
        self._build_menus()
        self._build_shortcuts()

        # -- wiring
        s = self.session
        s.text_changed.connect(self._on_text_changed)
        s.busy_changed.connect(self._on_busy_changed)
        s.error_changed.connect(self._on_error_changed)
        s.visibility_changed.connect(self._on_visibility_changed)
        self.theme.themeChanged.connect(self._on_theme_changed)

        self._on_theme_changed(self.theme.dark)
        self._on_text_changed(s.text)
        self._on_visibility_changed()

    # -- start-up -----------------------------------------------------------------------

    def start_background(self) -> None:
        """Start symbolic work once the window has painted (never before first paint)."""
        if self._painted or not self.isVisible():
            self.runner.start()
        else:
            self.firstPainted.connect(self.runner.start)
            QTimer.singleShot(FIRST_PAINT_FALLBACK_MS, self.runner.start)

    def event(self, event: QEvent) -> bool:
        result = super().event(event)
        if not self._painted and event.type() == QEvent.Type.Paint:
            self._painted = True
            # After this paint has been flushed to the screen.
            QTimer.singleShot(0, self.firstPainted.emit)
        return result

    # -- menus ----------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.setObjectName("fileMenu")
        # (export/sessions helper: Export…, Open…, Save… are inserted before Quit)
        self.file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setObjectName("actionQuit")
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setToolTip("Close derivview")
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)

        bar.addMenu(self.editor.presets_menu)

        self.view_menu = bar.addMenu("&View")
        self.view_menu.setObjectName("viewMenu")
        self.view_menu.setToolTipsVisible(True)
        self.item_actions: dict[str, QAction] = {}
        for item, text, tip in VIEW_ITEMS:
            action = QAction(text, self)
            action.setObjectName(f"actionShow_{item}")
            action.setCheckable(True)
            action.setChecked(self.session.is_visible(item))
            action.setToolTip(tip)
            action.toggled.connect(lambda on, it=item: self.session.set_visible(it, on))
            self.view_menu.addAction(action)
            self.item_actions[item] = action
        self.view_menu.addSeparator()
        self.reset_view_action = QAction("&Reset View", self)
        self.reset_view_action.setObjectName("actionResetView")
        # Ctrl+0 only: a window-wide Home would steal Home from sliders and spin boxes.
        self.reset_view_action.setShortcut(QKeySequence("Ctrl+0"))
        self.reset_view_action.setToolTip("Back to the starting x range, y fitted to f")
        self.reset_view_action.triggered.connect(self.reset_view)
        self.view_menu.addAction(self.reset_view_action)
        self.view_menu.addSeparator()
        self.theme_menu = self.view_menu.addMenu("T&heme")
        self.theme_menu.setObjectName("themeMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for mode in THEME_MODES:
            action = QAction(mode.capitalize(), self)
            action.setObjectName(f"actionTheme_{mode}")
            action.setCheckable(True)
            action.setChecked(mode == self.theme.mode)
            action.setToolTip(
                "Follow the system's light/dark setting" if mode == "system" else f"{mode} theme"
            )
            action.triggered.connect(lambda _c=False, m=mode: self.theme.set_mode(m))
            group.addAction(action)
            self.theme_menu.addAction(action)
            self.theme_actions[mode] = action

        self.help_menu = bar.addMenu("&Help")
        self.help_menu.setObjectName("helpMenu")
        lang = QAction("&Expression language", self)
        lang.setObjectName("actionLanguageHelp")
        lang.setShortcut(QKeySequence.StandardKey.HelpContents)
        lang.triggered.connect(self.show_language_help)
        self.help_menu.addAction(lang)
        about = QAction("&About derivview", self)
        about.setObjectName("actionAbout")
        about.triggered.connect(self.show_about)
        self.help_menu.addAction(about)

    def _build_shortcuts(self) -> None:
        moves = (
            ("Alt+Left", -1, False),
            ("Alt+Right", +1, False),
            ("Alt+Shift+Left", -1, True),
            ("Alt+Shift+Right", +1, True),
        )
        self.nudge_actions: list[QAction] = []
        for keys, direction, fine in moves:
            action = QAction(f"Move x₀ {'left' if direction < 0 else 'right'}", self)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(
                lambda _c=False, d=direction, f=fine: self.point_controls.nudge(d, f)
            )
            self.addAction(action)
            self.nudge_actions.append(action)

    # -- actions --------------------------------------------------------------------------

    def reset_view(self) -> None:
        """Back to the starting x range with y fitted to f."""
        self.session.set_view(self.home_x_range, None)

    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "About derivview",
            f"<h3>derivview {__version__}</h3>"
            "<p>See derivatives: type a function, drag a point, and watch the tangent, "
            "slope, curvature and gradient descent move live.</p>",
        )

    def show_language_help(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Expression language")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(LANGUAGE_HELP + "<br><br>" + _KEYS_HELP)
        box.setIcon(QMessageBox.Icon.Information)
        box.open()

    # -- session -> window ----------------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        shown = text if len(text) <= 60 else text[:59] + "…"
        self.setWindowTitle(f"derivview — f(x) = {shown}")

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

    def _on_visibility_changed(self) -> None:
        for item, action in self.item_actions.items():
            if action.isChecked() != self.session.is_visible(item):
                action.blockSignals(True)
                action.setChecked(self.session.is_visible(item))
                action.blockSignals(False)

    def _on_theme_changed(self, dark: bool) -> None:
        self.editor.set_error_color(ERROR_COLOR[dark])
        self.plot_panel.set_dark(dark)
        self.descent_panel.set_dark(dark)  # descent helper
        for mode, action in getattr(self, "theme_actions", {}).items():
            action.setChecked(mode == self.theme.mode)

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Ask the close guards, then stop background work (extension point)."""
        for guard in self.close_guards:
            if not guard():
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop the worker process and thread; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        for hook in self.close_hooks:
            with contextlib.suppress(Exception):
                hook()
        self.editor.save_recent()
        self.runner.close()


_KEYS_HELP = (
    "<b>Keys</b>: Enter plots at once · Up/Down in f(x): recent expressions · "
    "Alt+Left/Right: move x₀ (Alt+Shift: finer) · Left/Right on the x₀ slider · "
    "Ctrl+0: reset the view · Ctrl+Q: quit"
)


def _section(title: str) -> QLabel:
    label = QLabel(f"<b>{title}</b>")
    return label
