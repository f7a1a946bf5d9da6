"""The main window as a person meets it: launch, menus, keys, status, theme, closing."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSlider,
    QWidget,
)

from derivview.commands.common import UsageError
from derivview.model.session import DEFAULT_EXPRESSION, DEFAULT_X_RANGE


def shown_title(win) -> str:
    """The title as the window manager shows it ("[*]" is the modified marker)."""
    return win.windowTitle().replace("[*]", "*" if win.isWindowModified() else "")


# -- launching ----------------------------------------------------------------------------


def test_default_launch_shows_the_default_function(make_window, ui):
    win = make_window()
    assert isinstance(win, QMainWindow)
    assert win.findChild(QLineEdit, "expressionEdit").text() == DEFAULT_EXPRESSION
    assert shown_title(win) == "untitled — derivview"
    assert win.findChild(QDoubleSpinBox, "x0Spin").value() == 1.5
    # f = x³ − 3x at 1.5 by hand: f = 3.375 − 4.5, f′ = 3·2.25 − 3, f″ = 6·1.5,
    # tangent intercept f − f′·x₀ = −1.125 − 5.625.
    text = ui.readout(win)
    assert "f(x₀) = −1.125" in text
    assert "f′(x₀) = 3.75" in text
    assert "f″(x₀) = 9" in text
    assert "y = 3.75x − 6.75" in text
    assert "increasing" in text and "concave up (f″ > 0)" in text
    assert win.findChild(QLabel, "expressionError").text() == ""


def test_launch_options_open_with_those_values(make_window, ui):
    win = make_window("--expr", "a x^2", "--x0", "2", "--xrange", "-1", "3", "--param", "a=2")
    s = win.session
    assert s.text == "a x^2" and s.x0 == 2.0 and s.x_range == (-1.0, 3.0)
    assert s.params["a"].value == 2.0
    # f = 2x² at 2: 8; f′ = 4x = 8; f″ = 4; tangent 8x − 8.
    text = ui.readout(win)
    assert "f(x₀) = 8" in text and "f′(x₀) = 8" in text and "f″(x₀) = 4" in text
    assert "y = 8x − 8" in text
    slider = win.findChild(QSlider, "x0Slider")
    assert slider.value() == round((2 - -1) / 4 * slider.maximum())
    assert win.findChild(QDoubleSpinBox, "param_a_spin").value() == 2.0


@pytest.mark.parametrize(
    "argv",
    [["--xrange", "3", "1"], ["--x0", "nan"], ["--param", "a"], ["--bogus"], ["--x0", "1e300"]],
)
def test_invalid_options_raise_usage_error(qtbot, argv):
    from derivview.app import create_window

    with pytest.raises(UsageError):
        create_window(argv)


def test_cli_reports_invalid_launch_options_with_exit_2(capsys):
    from derivview.cli import main

    assert main(["--xrange", "2", "1"]) == 2
    err = capsys.readouterr().err
    assert err.strip() and "Traceback" not in err


def test_create_window_imports_no_sympy_before_the_event_loop_runs():
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from derivview.app import create_window\n"
        "w = create_window(['--expr', 'sin(x)'])\n"
        "w.show()\n"
        "print('sympy' in sys.modules)\n"
        "w.shutdown()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


def test_run_shows_the_window_and_returns_the_exit_status(qtbot, monkeypatch, shared_worker):
    """The real entry point, with the event loop replaced by processEvents (magicgui)."""
    from derivview import app as app_module
    from derivview.launch import parse_launch_args

    seen = {}
    made = []
    real_build = app_module.build_window

    def build_window(options, **kw):
        made.append(real_build(options, worker=shared_worker))
        return made[-1]

    def fake_exec(self):
        (win,) = made
        qtbot.waitUntil(lambda: win.session.function is not None, timeout=60_000)
        seen["visible"] = win.isVisible()
        seen["title"] = shown_title(win)
        win.close_guards.clear()
        win.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    monkeypatch.setattr(app_module, "build_window", build_window)
    options, _ = parse_launch_args(["--expr", "x^2", "--x0", "1"])
    status = app_module.run(options)
    assert status == 0
    assert seen == {"visible": True, "title": "untitled — derivview"}
    assert made[0].session.text == "x^2" and made[0].session.x0 == 1.0
    assert QApplication.applicationName() == "derivview"
    assert not QApplication.windowIcon().pixmap(64).isNull()  # the SVG renders


# -- menus and keys -------------------------------------------------------------------------


def test_view_menu_toggles_items_both_ways(make_window):
    win = make_window()
    action = win.findChild(QAction, "actionShow_df")
    assert action.isChecked() == win.session.is_visible("df")
    action.trigger()
    assert not win.session.is_visible("df")
    win.session.set_visible("df", True)
    assert action.isChecked()
    secant = win.findChild(QAction, "actionShow_secant")
    secant.trigger()
    assert win.session.is_visible("secant")


def test_help_explains_the_language_and_keys(make_window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    win = make_window(ready=False)
    win.findChild(QAction, "actionLanguageHelp").trigger()
    box = win.findChild(QMessageBox)
    assert box is not None and box.isVisible()
    for word in ("sigmoid", "parameter", "Alt+Left", "Ctrl+0"):
        assert word in box.text()
    box.close()
    assert win.findChild(QAction, "actionAbout") is not None
    assert win.findChild(QAction, "actionQuit").shortcut().toString() == "Ctrl+Q"


def test_reset_view_with_ctrl_0(make_window, qtbot):
    win = make_window()
    win.session.set_view((0.0, 1.0), (-1.0, 1.0))
    win.findChild(QSlider, "x0Slider").setFocus()
    qtbot.keyClick(win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert win.session.x_range == DEFAULT_X_RANGE and win.session.y_range is None


def test_reset_view_returns_to_the_launch_range(make_window, qtbot):
    win = make_window("--xrange", "-1", "2")
    win.session.set_view((5.0, 6.0))
    win.findChild(QAction, "actionResetView").trigger()
    assert win.session.x_range == (-1.0, 2.0)


def test_alt_arrows_move_x0_from_anywhere(make_window, qtbot):
    win = make_window("--x0", "1")
    edit = win.findChild(QLineEdit, "expressionEdit")
    edit.setFocus()
    lo, hi = win.session.x_range
    qtbot.keyClick(edit, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert win.session.x0 == pytest.approx(1 + (hi - lo) / 200)
    qtbot.keyClick(
        edit, Qt.Key.Key_Left, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert win.session.x0 == pytest.approx(1 + (hi - lo) / 200 - (hi - lo) / 2000)
    assert win.findChild(QDoubleSpinBox, "x0Spin").value() == pytest.approx(win.session.x0)


def test_every_control_has_a_tooltip(make_window):
    win = make_window("--expr", "a x + b")
    names = ["expressionEdit", "x0Slider", "x0Spin", "pointReadout", "presetsButton"]
    names += ["param_a_slider", "param_a_spin", "param_b_lo", "param_b_hi"]
    for name in names:
        widget = win.findChild(QWidget, name)
        assert widget is not None, name
        assert widget.toolTip(), name
    for action in win.findChildren(QAction):
        if action.objectName().startswith(("actionShow_", "actionTheme_", "actionReset")):
            assert action.toolTip(), action.objectName()


def test_status_bar_says_computing_while_busy(make_window, ui, qtbot):
    win = make_window()
    ui.type(win, "x^4")
    assert win.statusBar().currentMessage() == "Computing…"
    ui.wait_ready(win)
    assert win.statusBar().currentMessage() == ""


def test_title_names_the_app_once_the_file_and_the_unsaved_mark(make_window, ui, tmp_path):
    win = make_window()
    ui.type(win, "cos(x)")
    ui.wait_ready(win)
    # One name, the file (or "untitled") and the unsaved mark, as desktop apps do; ending
    # with the app's name also keeps Qt from appending it a second time.
    assert shown_title(win) == "untitled* — derivview"
    assert win.files.save_to(tmp_path / "waves.derivview")
    assert shown_title(win) == "waves.derivview — derivview"
    win.session.set_x0(0.25)
    assert shown_title(win) == "waves.derivview* — derivview"
    assert shown_title(win).count("derivview") == 2  # the file's suffix and the app


# -- theme ----------------------------------------------------------------------------------


def test_theme_menu_switches_palette_and_persists(make_window):
    from derivview.ui.settings import KEY_THEME, app_settings

    win = make_window()
    win.findChild(QAction, "actionTheme_dark").trigger()
    window_color = QApplication.palette().color(QPalette.ColorRole.Window)
    assert window_color.lightness() < 128
    assert win.plot_panel.dark  # the plot follows the theme
    assert app_settings().value(KEY_THEME) == "dark"
    win.findChild(QAction, "actionTheme_light").trigger()
    assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
    assert not win.plot_panel.dark
    win.findChild(QAction, "actionTheme_dark").trigger()
    again = make_window()
    assert again.theme.mode == "dark" and again.findChild(QAction, "actionTheme_dark").isChecked()
    again.findChild(QAction, "actionTheme_system").trigger()  # leave the app as found


# -- the symbolic work never freezes the window ---------------------------------------------


def test_a_huge_product_is_plotted_at_once_and_never_freezes_the_window(make_window, ui, qtbot):
    """A hang detector, not a speed test: numbers come from the tree at once, and the
    event loop keeps ticking while sympy tries to print f′ in its process (within its
    budget on a fast machine; "too complex to print" past it)."""
    win = make_window()
    product = "".join(f"(x+{k})" for k in range(1, 31))
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        ui.type(win, product)
        # the function and its numbers are there before any formula
        assert win.session.function.expression.text == product
        assert "f′(x₀) = " in ui.readout(win) and "computing" in ui.readout(win)
        qtbot.waitUntil(lambda: "computing" not in ui.readout(win), timeout=60_000)
    finally:
        timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 10
    assert max(gaps) < 1.0, f"the event loop stalled for {max(gaps):.2f} s"
    assert ui.error(win) == ""
    # f′(1.5) = f(1.5)·Σ 1/(1.5 + k) by hand, on screen with 8 digits
    f = math.prod(1.5 + k for k in range(1, 31))
    df = f * sum(1 / (1.5 + k) for k in range(1, 31))
    mantissa, exponent = f"{df:.8g}".split("e")
    assert f"f′(x₀) = {mantissa}e{int(exponent)}" in ui.readout(win)  # 9.6290914e34
    # The printed f′ (elided) or the words why not: never an error.
    assert "f′(x) = (x + 1)" in ui.readout(win) or "too complex to print" in ui.readout(win)


def test_a_tower_of_powers_is_too_large_to_represent(make_window, ui, qtbot):
    win = make_window()
    ui.type(win, "9^9^9")
    ui.wait_ready(win)
    assert ui.error(win) == ""  # an answer, not a refusal
    assert win.session.function.expression.text == "9^9^9"
    assert "too large to represent" in ui.readout(win)


def test_closing_stops_the_worker_process(make_window, ui, qtbot):
    win = make_window(own_worker=True)
    worker = win.runner._worker
    assert worker is not None
    # For the default (trusted) text the runner starts the process only after the first,
    # in-process plot (so that the two do not compete for the CPU): it may still be
    # booting when the window is ready.
    qtbot.waitUntil(worker.is_alive, timeout=10_000)
    pid = worker.pid
    ui.close(win)
    assert not worker.is_alive()
    # No orphan: the process is gone (reaped), not just unreachable.
    import os

    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


class GatedWorker:
    """A real worker, except that printing one expression blocks until cancel()/release()."""

    def __init__(self, real, slow_text: str) -> None:
        import threading

        self.real = real
        self.slow_text = slow_text
        self.gate = threading.Event()
        self.entered = threading.Event()
        self.cancelled = False

    def start(self) -> None:
        self.real.start()

    def run(self, job, payload=None, timeout=None):
        from derivview.model.errors import Cancelled

        if job == "formulas" and payload.text == self.slow_text:
            self.entered.set()
            self.gate.wait(30)
            if self.cancelled:
                raise Cancelled("cancelled")
        return self.real.run(job, payload, timeout)

    def cancel(self) -> None:
        self.cancelled = True
        self.gate.set()

    def release(self) -> None:
        self.gate.set()

    def close(self) -> None:  # shared: the test session closes the real one
        pass


@pytest.fixture
def gated_runner(qtbot, shared_worker):
    from derivview.model.session import Session
    from derivview.ui.symbolic_runner import SymbolicRunner

    session = Session()
    worker = GatedWorker(shared_worker, "max(x, x^7 + 1)")
    runner = SymbolicRunner(session, worker=worker, warm_up=False)
    runner.start()
    qtbot.waitUntil(
        lambda: session.formulas is not None and not session.busy and not runner.is_running(),
        timeout=60_000,
    )  # (including the simplification of the default text's formulas)
    yield session, runner, worker
    worker.release()
    runner.close()


def test_a_long_request_is_cancelled_by_a_newer_one(gated_runner, qtbot):
    session, _runner, worker = gated_runner
    session.set_text("max(x, x^7 + 1)")
    # the numbers do not wait for the printing
    assert session.function.expression.text == "max(x, x^7 + 1)"
    assert session.point is not None and session.point.df is not None
    assert worker.entered.wait(30)
    qtbot.wait(500)  # running for longer than the runner's cancel_after (0.3 s)
    assert session.busy and session.formulas is None
    session.set_text("x^2")
    assert session.function.expression.text == "x^2"
    qtbot.waitUntil(lambda: session.formulas is not None and not session.busy, timeout=30_000)
    assert worker.cancelled
    assert session.error is None and session.formulas.df == "2x"


def test_a_short_request_is_superseded_without_cancelling(gated_runner, qtbot):
    session, _runner, worker = gated_runner
    session.set_text("max(x, x^7 + 1)")
    assert worker.entered.wait(30)
    session.set_text("x^3")  # at once: not worth killing the process
    assert session.function.expression.text == "x^3"
    assert not worker.cancelled
    worker.release()
    qtbot.waitUntil(lambda: session.formulas is not None and not session.busy, timeout=30_000)
    assert not worker.cancelled and session.error is None
    assert session.formulas.df == "3x^2"


def test_cyclic_garbage_is_collected_on_the_gui_thread_only(make_window, qtbot):
    # Automatic collection in the symbolic thread finalized Qt wrappers off the GUI thread
    # and deadlocked; collection now happens from a timer on the GUI thread.
    import gc
    import threading
    import weakref

    from PySide6.QtCore import QObject

    make_window()
    assert not gc.isenabled()

    class Cycle:
        pass

    cycle = Cycle()
    cycle.me = cycle
    cycle.qt = QObject()
    alive = weakref.ref(cycle)
    del cycle
    collected_in: list[str] = []
    gc.callbacks.append(lambda phase, info: collected_in.append(threading.current_thread().name))
    kept: list[list[int]] = []
    try:
        # Allocations that stay alive push the collector's count far past its threshold
        # (700): automatic collection would run right here, in the allocating thread.
        worker = threading.Thread(
            target=lambda: kept.extend([i] for i in range(20_000)), name="worker"
        )
        worker.start()
        worker.join()
        assert alive() is not None  # the allocating thread collected nothing
        qtbot.waitUntil(lambda: alive() is None, timeout=10_000)
    finally:
        gc.callbacks.pop()
    assert collected_in and set(collected_in) == {threading.main_thread().name}
