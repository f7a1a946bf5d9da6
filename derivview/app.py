"""The app: build the main window from the launch options, show it, run the event loop.

PySide6 is imported before pyqtgraph (pyqtgraph uses whichever binding is loaded), and
nothing here imports sympy: the window paints first, then the symbolic runner imports it
and warms the pipeline in the background.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from derivview.commands.common import UsageError
from derivview.launch import LaunchOptions, parse_launch_args
from derivview.ui.settings import APPLICATION, ORGANIZATION


def ensure_app() -> QApplication:
    """The running QApplication, created (and named) if none exists."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationDisplayName("derivview")
    from derivview import __version__

    app.setApplicationVersion(__version__)
    app.setDesktopFileName("derivview")
    _collect_garbage_on_the_gui_thread()
    return app


class _GuiThreadCollector:
    """Collect cyclic garbage only on the GUI thread, from a timer.

    Python's automatic collection runs in whichever thread happens to allocate: in the
    symbolic runner's thread (sympy allocates a lot) it finalized the Python wrappers of
    closed Qt widgets, and destroying a QObject off the GUI thread deadlocked on the GIL
    (seen in the test suite: ~QObject -> Sbk_GetPyOverride -> GilState::acquire). As
    pyqtgraph's GarbageCollector does, automatic collection is switched off and a QTimer
    collects with the same thresholds. (Not pyqtgraph's class itself: importing it
    imports pyqtgraph before collection is off, ~50 ms more before the first paint.)
    """

    def __init__(self, interval_ms: int) -> None:
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer()
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds."""
        n0, n1, n2 = gc.get_count()
        if n0 > self.threshold[0]:
            gc.collect(0)
            if n1 > self.threshold[1]:
                gc.collect(1)
                if n2 > self.threshold[2]:
                    gc.collect(2)


#: The GUI-thread collector, once per process.
_collector: _GuiThreadCollector | None = None


def _collect_garbage_on_the_gui_thread() -> None:
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector(interval_ms=100)


@contextlib.contextmanager
def _startup_gc() -> Iterator[None]:
    """No cyclic garbage collection while the first window is built; then a freeze.

    Building the first window imports pyqtgraph and numpy and creates the widgets: about
    100,000 objects that live as long as the window, and almost no garbage (~500 objects
    in cycles, measured). The collector would scan them again and again meanwhile: ~130
    collections, ~50 ms of a ~400 ms start (measured, this machine). So it is paused, and
    at the end ``gc.freeze()`` moves every object into the permanent generation, which
    collections skip: ordinary collection goes on for everything made afterwards. They
    stay frozen while the window lives. Handing them back at the first paint was measured
    to cost more than it saved (~60 ms later to the first plot: with no full collection
    during start-up, the collector's full-collection threshold is low while sympy is
    imported). :func:`_thaw` unfreezes when the window shuts down.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    built = False
    try:
        yield
        built = True
    finally:
        if built:
            gc.freeze()
        if was_enabled:
            gc.enable()


def _thaw() -> None:
    """Undo :func:`_startup_gc`'s freeze (idempotent)."""
    gc.unfreeze()


#: Whether a window has been built in this process (the start-up has been paid).
_started_up = False


def build_window(
    options: LaunchOptions, *, worker: object | None = None, lazy_panels: bool = False
):  # -> MainWindow
    """A fully wired main window for ``options`` (not shown). Raises UsageError.

    ``lazy_panels``: as ``derivview`` launches, the window paints before building what
    it cannot show yet: the panels of the docks shown and the plot's layers above the
    grid come right after the first paint, with the first curve; the tabs hidden at
    launch build their panels when first seen or when the window is idle.
    """
    global _started_up
    if _started_up:
        # Later windows (tests, tools) import nothing new: collection as usual for them.
        return _build_window(options, worker, lazy_panels)
    with _startup_gc():
        window = _build_window(options, worker, lazy_panels)
    _started_up = True
    window.close_hooks.append(_thaw)
    return window


def _build_window(
    options: LaunchOptions, worker: object | None, lazy_panels: bool
):  # -> MainWindow
    from derivview.model.session import Session
    from derivview.model.state.options import apply_values
    from derivview.ui.main_window import MainWindow, app_icon

    session = Session()
    if options.session:
        # The sessions helper's file format; a file that cannot be read raises
        # SessionFileError, which the command line reports with exit status 1.
        from derivview.model import session_file

        session_file.apply(session_file.load(options.session), session)
    try:
        apply_values(session, options.values)
    except ValueError as exc:  # a value the session refuses (checked rules: rare)
        raise UsageError(f"derivview: error: {exc}") from None
    session.mark_saved()
    window = MainWindow(
        session, home_x_range=options.x_range, worker=worker, lazy_panels=lazy_panels
    )
    window.open_files(options)  # File menu, title, last session
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setWindowIcon(app_icon())
    # Symbolic work starts once the event loop runs and the window has painted.
    QTimer.singleShot(0, window.start_background)
    return window


def create_window(
    argv: list[str] | None = None, *, worker: object | None = None, lazy_panels: bool = False
):
    """Build the fully wired main window from command-line options, without showing it.

    Creates the QApplication only if none exists. Invalid options raise UsageError.
    ``worker`` (a SymbolicWorker) is shared instead of starting a process per window (the
    tests); the window does not close a worker it was given. Every objectName of
    contracts.md §3 and §7 is there when it returns; ``lazy_panels=True`` gives the window
    as ``derivview`` launches it instead (see :func:`build_window`).
    """
    options, _wants_version = parse_launch_args(list(argv or []))
    ensure_app()
    return build_window(options, worker=worker, lazy_panels=lazy_panels)


def run(options: LaunchOptions) -> int:
    """Create the app and the window, show it, and run the event loop; the exit status.

    Ctrl+C in the terminal closes the window as its close button does (asking about
    unsaved changes); the status is then 130, as for any interrupted command.
    """
    from derivview.ui.interrupt import INTERRUPTED, closing_on_interrupt

    app = ensure_app()
    # The first paint does not wait for panels and layers with nothing to show yet.
    window = build_window(options, lazy_panels=True)
    window.show()
    with closing_on_interrupt(window) as interrupt:
        status = app.exec()
    window.shutdown()
    if interrupt.closed_it and status == 0:
        return INTERRUPTED
    return int(status)
