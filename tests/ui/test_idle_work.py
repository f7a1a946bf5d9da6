"""The idle queue: work for later that never delays a paint (derivview.ui.idle_work)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from derivview.ui.idle_work import IdleQueue


def test_nothing_runs_before_start_then_one_piece_at_a_time_in_order(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    for key in "abc":
        queue.add(key, lambda k=key: done.append(k))
    queue.add("a", lambda: done.append("again"))  # a key already waiting keeps its work
    qtbot.wait(50)
    assert done == [] and len(queue) == 3
    queue.start()
    QCoreApplication.processEvents()  # a turn of the loop that never waits: not idle
    assert done == []
    qtbot.waitUntil(lambda: len(done) == 3)
    assert done == ["a", "b", "c"] and len(queue) == 0


def test_a_piece_asked_for_runs_at_once_and_only_once(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    queue.add("a", lambda: done.append("a"))
    queue.add("b", lambda: done.append("b"))
    queue.run("b")
    assert done == ["b"] and "b" not in queue and "a" in queue
    queue.run("b")  # done already: nothing
    queue.start()
    qtbot.waitUntil(lambda: done == ["b", "a"])
    qtbot.wait(50)
    assert done == ["b", "a"]


def test_stopped_it_runs_only_what_is_asked_for(qtbot: Any) -> None:
    done: list[str] = []
    queue = IdleQueue()
    queue.add("a", lambda: done.append("a"))
    queue.start()
    queue.stop()
    qtbot.wait(80)
    assert done == []
    queue.run("a")
    assert done == ["a"]


def test_the_first_curve_is_painted_before_any_hidden_panel_is_built(make_window, qtbot):
    # The window as derivview launches it: the first curve's paint must not wait for the
    # panels of the tabs nobody sees (a queued call or a zero timer ran them first).
    from PySide6.QtWidgets import QWidget

    win = make_window("--expr", "x^3 - 3x", show=False, ready=False, lazy_panels=True)
    hidden = ("secantHSpin", "numdiffPlot", "depthPlot", "stepsView", "graphView")
    seen: list[list[str]] = []
    state = {"installed": False}

    class Paints(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and state["installed"] and not seen:
                seen.append([w for w in hidden if win.findChild(QWidget, w) is not None])
            return False

    def installed() -> None:
        state["installed"] = True

    win.session.function_changed.connect(installed)
    paints = Paints()
    win.plot_panel.plot_widget.viewport().installEventFilter(paints)
    win.show()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen[0] == []  # none of them built when the curve was painted
    qtbot.waitUntil(lambda: all(win.findChild(QWidget, w) is not None for w in hidden))


def test_the_window_paints_first_then_the_first_curve_comes_with_the_readout(
    make_window, qtbot
):
    # As derivview launches: the first paint shows the window (inputs, the plot's axes
    # and grid, the docks' title bars) without waiting for the panels shown or the
    # plot's layers, which have nothing to show before f is computed. The first curve's
    # frame has the layers and the readout's numbers; the other panels shown come next,
    # before any hidden tab's.
    from PySide6.QtWidgets import QDockWidget, QLabel, QWidget

    win = make_window("--expr", "x^3 - 3x", show=False, ready=False, lazy_panels=True)
    shown = ("pointReadout", "descentPanel", "descentIterates")
    frames: list[tuple[list[str], list[str], str, bool]] = []
    filled: list[str] = []  # docks, in the order their panels went in
    state = {"installed": False}

    class Watch(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            kind = event.type()
            if isinstance(obj, QDockWidget):
                added = kind == QEvent.Type.ChildAdded and event.child().isWidgetType()
                if added and obj.objectName() not in filled:  # its panel (or scroll area)
                    filled.append(obj.objectName())
            elif kind == QEvent.Type.Paint and (not frames or state["installed"]):
                built = [w for w in shown if win.findChild(QWidget, w) is not None]
                point = win.findChild(QLabel, "pointReadout")
                panel = win.plot_panel
                names = [layer.name for layer in panel.layers]
                text = point.text() if point is not None else ""
                frames.append((built, names, text, panel.legend.isVisible()))
                if state["installed"]:
                    obj.removeEventFilter(self)
            return False

    def installed() -> None:
        state["installed"] = True

    win.session.function_changed.connect(installed)
    watch = Watch()
    win.plot_panel.plot_widget.viewport().installEventFilter(watch)
    for d in win.findChildren(QDockWidget):
        d.installEventFilter(watch)
    win.show()
    qtbot.waitUntil(lambda: len(frames) == 2, timeout=10_000)
    (first_built, first_layers, _, first_legend), (built, layers, point, legend) = frames
    assert first_built == [] and first_layers == ["grid"]
    assert not first_legend  # no empty box where the legend will be
    assert built == ["pointReadout"]  # the first curve waits for no other panel
    assert layers[0] == "grid" and {"curves", "tangent", "markers", "descent"} <= set(layers)
    # x₀ = 1.5: f = 1.5³ − 4.5 = −1.125, f′ = 3·1.5² − 3 = 3.75, by hand
    assert "−1.125" in point and "3.75" in point
    assert legend and win.plot_panel.legend_labels()[:2] == ["f(x)", "f′(x)"]
    # Then the other panels shown, each in its own dock, before the hidden tabs'.
    qtbot.waitUntil(lambda: len(filled) == 8, timeout=10_000)
    assert filled[:3] == ["readoutDock", "descentDock", "iteratesDock"]
    assert win.dock("descentDock").isAncestorOf(win.findChild(QWidget, "descentPanel"))
    assert win.dock("iteratesDock").isAncestorOf(win.findChild(QWidget, "descentIterates"))


def test_a_window_launched_so_ends_up_laid_out_as_if_its_panels_had_been_there(
    make_window, ui, qtbot
):
    # Its docks were sized before their panels existed; once they are in, the column is
    # sized again: the layout of the same window whose panels were built before it showed.
    from PySide6.QtWidgets import QWidget

    names = ("readoutDock", "descentDock", "iteratesDock")
    windows = []
    for prebuilt in (True, False):
        win = make_window("--expr", "x^2", show=False, ready=False, lazy_panels=True)
        if prebuilt:
            for name in names:
                win.dock_content(name)  # as a script asking for it builds it
        win.show()
        windows.append(win)
    # Every panel in (the hidden tabs' too: a panel built in a tab group sets its
    # minimum size), then the layouts compared.
    panels = ("descentIterates", "secantHSpin", "numdiffPlot", "depthPlot", "stepsView")
    for win in windows:
        qtbot.waitUntil(
            lambda w=win: all(w.findChild(QWidget, p) is not None for p in panels),
            timeout=10_000,
        )
        ui.wait_ready(win)  # and f′, f″ printed: the readout's height depends on them
    qtbot.wait(50)
    before, launched = windows
    for name in names:
        assert launched.dock(name).geometry() == before.dock(name).geometry(), name


def test_a_plot_layer_asked_for_before_the_first_paint_is_built_at_once(make_window):
    from derivview.ui.layers.registry import FX_LAYERS

    win = make_window("--expr", "x^2", show=False, ready=False, lazy_panels=True)
    assert [layer.name for layer in win.plot_panel.layers] == ["grid"]
    assert win.plot_panel.layer("tangent").name == "tangent"
    assert [type(layer) for layer in win.plot_panel.layers] == list(FX_LAYERS)
