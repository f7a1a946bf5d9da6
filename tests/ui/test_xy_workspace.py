"""The f(x, y) workspace (Ctrl+2), driven as a person does: type f, drag or click the point,
read the readout, the contours, the gradient and the slices; step and play descent; save
and reopen. Widgets are found by objectName (contracts.md §7)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTabWidget,
    QWidget,
)
from visibility import fully_visible


def open_xy(make_window: Any, qtbot: Any, *argv: str) -> Any:
    win = make_window(*argv)
    win.activateWindow()
    win.findChild(QAction, "actionWorkspaceFxy").trigger()
    QApplication.processEvents()
    assert win.workspace_key == "fxy"
    return win


def type_xy(qtbot: Any, win: Any, text: str) -> None:
    edit = win.findChild(QLineEdit, "xyExpressionEdit")
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def set_spin(qtbot: Any, win: Any, name: str, value: float) -> None:
    spin = win.findChild(QDoubleSpinBox, name)
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, repr(value))
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def readout(win: Any) -> str:
    return " ".join(win.dock_content("xyReadoutDock").plain_text().split())


def plot(win: Any) -> Any:
    return win.workspace("fxy").plot


def viewport_pos(p: Any, x: float, y: float) -> QPoint:
    scene = p.view_box.mapViewToScene(QPointF(x, y))
    return p.widget.mapFromScene(scene)


def drag(qtbot: Any, p: Any, start: QPoint, end: QPoint, steps: int = 8, mods=None) -> None:  # type: ignore[no-untyped-def]
    vp = p.widget.viewport()
    m = mods or Qt.KeyboardModifier.NoModifier
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, m, start)
    for k in range(1, steps + 1):
        QTest.mouseMove(
            vp,
            QPoint(
                start.x() + (end.x() - start.x()) * k // steps,
                start.y() + (end.y() - start.y()) * k // steps,
            ),
        )
        qtbot.wait(20)
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, m, end)


def state(win: Any) -> Any:
    return win.session.state("xy")


# -- the workspace and its contract names ----------------------------------------------------


def test_ctrl_2_shows_the_workspace_with_its_contract_widgets(make_window, qtbot) -> None:
    win = make_window()
    action = win.findChild(QAction, "actionWorkspaceFxy")
    assert action.shortcut().toString() == "Ctrl+2"
    plot_view = win.findChild(QWidget, "plotView")
    plot_view.setFocus()
    qtbot.keyClick(plot_view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert win.workspace_key == "fxy" and action.isChecked()
    for name, cls in (
        ("xyExpressionEdit", QLineEdit),
        ("xyPlot", pg.GraphicsView),
        ("xyPointX", QDoubleSpinBox),
        ("xyPointY", QDoubleSpinBox),
        ("xyReadout", QLabel),
    ):
        widget = win.findChild(cls, name)
        assert widget is not None and widget.isVisible(), name
    # The f(x) workspace's contract names stay unique: nothing here reuses them.
    for name in ("expressionEdit", "gdTable", "gdStep", "pointReadout"):
        assert len(win.findChildren(QWidget, name)) == 1, name


def test_the_readout_at_the_default_point(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    text = readout(win)
    # f = x² + 8y² at (1.5, 0.5): f = 4.25, ∇f = (3, 8), H = diag(2, 16)
    for words in ("(x₀, y₀) = (1.5, 0.5)", "f = 4.25", "∂f/∂x = 3", "∂f/∂y = 8",
                  "|∇f| = 8.5440037", "λ₁, λ₂ = 2, 16", "regular point",
                  "η < 2/λ₂ = 0.125"):  # fmt: skip
        assert words in text, (words, text)


def test_typing_f_updates_the_readout_at_at_least_six_digits(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "sin(x) cos(y) + x y")
    qtbot.waitUntil(lambda: state(win).text == "sin(x) cos(y) + x y")
    x, y = 1.5, 0.5
    text = readout(win)
    f = math.sin(x) * math.cos(y) + x * y
    gx = math.cos(x) * math.cos(y) + y
    gy = -math.sin(x) * math.sin(y) + x
    assert f"f = {f:.8g}" in text and f"∂f/∂x = {gx:.8g}" in text
    assert f"∂f/∂y = {gy:.8g}".replace("-", "−") in text


def test_an_invalid_f_shows_its_error_and_keeps_the_plot(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    before = plot(win).layer("surface").segment_count()
    type_xy(qtbot, win, "x^2 + (y")
    error = win.findChild(QLabel, "xyExpressionError")
    qtbot.waitUntil(lambda: error.text() != "")
    assert "column 6" in error.text() or "'('" in error.text()
    assert plot(win).layer("surface").segment_count() == before  # the last good f stays
    assert "f = 4.25" in readout(win)
    type_xy(qtbot, win, "x^2 + y^2")
    qtbot.waitUntil(lambda: error.text() == "")


def test_y_is_a_variable_and_letters_are_parameters_with_rows(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "a x + y")
    qtbot.waitUntil(lambda: win.findChild(QWidget, "xyParam_a_spin") is not None)
    assert win.findChild(QWidget, "xyParam_y_spin") is None
    set_spin(qtbot, win, "xyParam_a_spin", 3.0)
    qtbot.waitUntil(lambda: "f = 5" in readout(win))  # 3·1.5 + 0.5


# -- the point -------------------------------------------------------------------------------


def test_typing_the_point_moves_the_handle_and_the_readout(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    set_spin(qtbot, win, "xyPointX", -1.25)
    set_spin(qtbot, win, "xyPointY", 0.75)
    assert (state(win).x0, state(win).y0) == (-1.25, 0.75)
    handle = plot(win).layer("point").handle
    assert (handle.pos().x(), handle.pos().y()) == (-1.25, 0.75)
    assert f"f = {1.25**2 + 8 * 0.75**2:.8g}" in readout(win)


def test_dragging_the_point_moves_it_and_the_readout_follows(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    start = viewport_pos(p, 1.5, 0.5)
    end = viewport_pos(p, -1.0, -0.5)
    drag(qtbot, p, start, end)
    st = state(win)
    assert st.x0 == pytest.approx(-1.0, abs=0.05) and st.y0 == pytest.approx(-0.5, abs=0.05)
    assert win.findChild(QDoubleSpinBox, "xyPointX").value() == pytest.approx(st.x0)
    assert f"f = {st.x0**2 + 8 * st.y0**2:.8g}".replace("-", "−") in readout(win)


def test_a_drag_elsewhere_pans_the_region(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    x_before = state(win).x_range
    drag(qtbot, p, viewport_pos(p, -2.0, -1.0), viewport_pos(p, -1.0, -1.0))
    qtbot.waitUntil(lambda: state(win).x_range != x_before)
    assert state(win).x_range[0] == pytest.approx(p.view_x()[0])
    assert (state(win).x0, state(win).y0) == (1.5, 0.5)  # the point stayed


def test_a_click_moves_the_point_and_ctrl_click_the_start(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    vp = p.widget.viewport()
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     viewport_pos(p, -2.0, 1.0))  # fmt: skip
    assert state(win).x0 == pytest.approx(-2.0, abs=0.03)
    assert state(win).y0 == pytest.approx(1.0, abs=0.03)
    QTest.mouseClick(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     viewport_pos(p, 1.0, -1.0))  # fmt: skip
    sx, sy = state(win).descent.start
    assert sx == pytest.approx(1.0, abs=0.03) and sy == pytest.approx(-1.0, abs=0.03)
    assert state(win).x0 == pytest.approx(-2.0, abs=0.03)  # the point did not move


def test_the_gradient_arrow_points_along_grad_f(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    x, y = plot(win).layer("point").arrow.getData()
    # the shaft: from the point (1.5, 0.5) along ∇f = (3, 8)
    assert (x[0], y[0]) == (1.5, 0.5)
    direction = np.array([x[1] - x[0], y[1] - y[0]])
    unit = direction / np.linalg.norm(direction)
    assert unit == pytest.approx(np.array([3.0, 8.0]) / math.hypot(3, 8))


def test_the_level_line_through_the_point_is_the_ellipse_f_equals_f0(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    x, y = plot(win).layer("point").level_points()
    assert x.size > 50
    assert np.all(np.abs(x**2 + 8 * y**2 - 4.25) < 0.05)  # within the grid's interpolation
    # it passes through the point
    assert np.min(np.hypot(x - 1.5, y - 0.5)) < 0.05


class _LayoutRequests(QObject):
    """Counts LayoutRequest events reaching a widget."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_moving_the_point_re_lays_out_nothing_while_the_words_keep_their_height(
    make_window, qtbot
) -> None:
    # The words change on every frame (the η bound is a number): a label in the readout's
    # layout re-laid it out each time, and the readout was painted three times a frame.
    win = open_xy(make_window, qtbot)
    st = state(win)
    st.set_text("exp(x) + y^2")  # H = diag(eˣ, 2): the bound 2/eˣ moves with x
    st.set_point(1.1, 0.3)
    panel = win.dock_content("xyReadoutDock")
    words = panel.words
    qtbot.waitUntil(lambda: words.height() >= words.heightForWidth(words.width()) > 0)
    QApplication.processEvents()
    requests = _LayoutRequests(panel)
    texts = []
    for x in (1.2, 1.35, 1.5, 1.65, 1.8):
        st.set_point(x, 0.3)
        QApplication.processEvents()
        texts.append(words.text())
    assert len(set(texts)) == len(texts)  # every move changed the words
    assert "2/λ₂ = 0.330598" in texts[-1]  # 2/e^1.8
    assert requests.count == 0
    assert words.height() >= words.heightForWidth(words.width())  # shown whole


def test_the_words_grow_and_shrink_with_their_lines(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    st = state(win)
    st.set_text("log(x) + y^2")
    panel = win.dock_content("xyReadoutDock")
    words = panel.words
    st.set_point(-1.0, 0.0)  # outside the domain: one short line
    qtbot.waitUntil(lambda: words.height() == words.heightForWidth(words.width()))
    short = words.height()
    st.set_point(2.0, 0.5)  # the kind of point, the curvature, the step size: more lines
    qtbot.waitUntil(lambda: words.height() == words.heightForWidth(words.width()))
    assert words.height() > short
    top_of_words = words.mapTo(panel, words.rect().topLeft()).y()
    bottom_of_numbers = panel.label.mapTo(panel, panel.label.rect().bottomLeft()).y()
    assert top_of_words > bottom_of_numbers  # below the numbers, clear of them
    st.set_point(-1.0, 0.0)
    qtbot.waitUntil(lambda: words.height() == short)


def test_at_a_saddle_the_readout_says_so(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "x^2 - y^2")
    qtbot.waitUntil(lambda: state(win).text == "x^2 - y^2")
    set_spin(qtbot, win, "xyPointX", 0.0)
    set_spin(qtbot, win, "xyPointY", 0.0)
    text = readout(win)
    assert "a saddle point" in text and "λ₁, λ₂ = −2, 2" in text
    assert plot(win).layer("point").arrow.getData()[0] is None or (
        len(plot(win).layer("point").arrow.getData()[0]) == 0
    )  # ∇f = 0: no arrow


def test_outside_the_domain_the_heat_map_is_transparent(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "sqrt(1 - x^2 - y^2)")
    qtbot.waitUntil(lambda: state(win).text == "sqrt(1 - x^2 - y^2)")
    sample = plot(win).sample
    image = plot(win).layer("surface").image.image
    assert image.shape[:2] == sample.z.shape
    outside = ~np.isfinite(sample.z)
    assert outside.any() and (~outside).any()
    assert np.all(image[outside, 3] == 0) and np.all(image[~outside, 3] > 0)
    assert "f = undefined" in readout(win) and "outside its domain" in readout(win)


def test_the_colour_bar_shows_the_contour_levels(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    labels = p.colorbar.tick_labels()
    levels = p.sample.levels
    assert len(labels) == len(levels) + 2  # the minimum, the levels, the maximum
    assert labels[1:-1] == [f"{v:.3g}" for v in levels]


def test_the_slices_are_f_along_the_lines_with_their_tangents(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    win.dock("xySlicesDock").raise_()
    panel = win.dock_content("xySlicesDock")
    qtbot.waitUntil(lambda: panel.along_x is not None and panel.isVisible())
    xs, fx = panel.along_x.curve.getData()
    assert fx == pytest.approx(xs**2 + 8 * 0.5**2)  # f(x, y₀ = 0.5)
    ys, fy = panel.along_y.curve.getData()
    assert fy == pytest.approx(1.5**2 + 8 * ys**2)  # f(x₀ = 1.5, y)
    tx, ty = panel.along_x.tangent.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(3.0)  # ∂f/∂x
    tx, ty = panel.along_y.tangent.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(8.0)  # ∂f/∂y
    set_spin(qtbot, win, "xyPointY", -1.0)
    xs, fx = panel.along_x.curve.getData()
    assert fx == pytest.approx(xs**2 + 8.0)
    assert "y₀ = −1" in panel.along_x.title.text()


def test_a_slice_is_sampled_again_when_f_a_parameter_the_region_or_its_line_changes(
    make_window, qtbot
) -> None:
    # A drag along x keeps the curve f(x, y₀) (only its point and tangent move); anything
    # else it depends on must sample it again.
    win = open_xy(make_window, qtbot)
    win.dock("xySlicesDock").raise_()
    panel = win.dock_content("xySlicesDock")
    qtbot.waitUntil(lambda: panel.along_x is not None and panel.isVisible())
    st = state(win)

    def check(a: float, sign: float) -> None:
        x0, y0 = st.x0, st.y0
        xs, fx = panel.along_x.curve.getData()
        assert (xs[0], xs[-1]) == st.x_range
        assert fx == pytest.approx(a * xs**2 + sign * y0)
        ys, fy = panel.along_y.curve.getData()
        assert (ys[0], ys[-1]) == st.y_range
        assert fy == pytest.approx(a * x0**2 + sign * ys)
        tx, ty = panel.along_x.tangent.getData()
        assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(2 * a * x0)

    st.set_text("a x^2 + y")
    st.set_point(1.0, 0.5)
    check(1.0, 1.0)
    kept = panel.along_x.curve.getData()[1]
    st.set_point(2.0, 0.5)  # along x: the same curve f(x, y₀)
    assert panel.along_x.curve.getData()[1] is kept
    check(1.0, 1.0)
    st.set_point(2.0, -0.25)  # another line y = y₀
    check(1.0, 1.0)
    st.set_param("a", 3.0)
    check(3.0, 1.0)
    st.set_view((-1.0, 4.0), (-2.0, 3.0))
    check(3.0, 1.0)
    st.set_text("a x^2 - y")
    check(3.0, -1.0)


def test_the_view_menu_shows_and_hides_items(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    assert p.layer("field").arrow_count() == 0
    win.findChild(QAction, "actionXyShow_field").trigger()
    assert p.layer("field").arrow_count() > 100
    win.findChild(QAction, "actionXyShow_heatmap").trigger()
    assert not p.layer("surface").image.isVisible()
    assert not state(win).is_visible("heatmap")
    menu = win.findChild(QMenu, "viewMenu")
    names = [a.objectName() for a in menu.actions()]
    assert "actionXyShow_field" in names and "actionShow_tangent" not in names


def test_a_preset_sets_function_point_and_region(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    win.findChild(QAction, "actionXyPreset_rosenbrock").trigger()
    st = state(win)
    assert st.text == "(1 - x)^2 + 100(y - x^2)^2" and (st.x0, st.y0) == (-1.2, 1.0)
    assert win.findChild(QLineEdit, "xyExpressionEdit").text() == st.text
    x0, x1 = plot(win).view_x()
    assert x0 <= -2.0 and x1 >= 2.0


# -- descent -----------------------------------------------------------------------------------


def click(qtbot: Any, win: Any, name: str, n: int = 1) -> None:
    button = win.findChild(QAbstractButton, name)
    for _ in range(n):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_step_draws_the_zig_zag_of_the_elongated_bowl(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    click(qtbot, win, "xyStep", 6)
    table = win.findChild(QAbstractItemView, "xyTable")
    assert table.model().rowCount() == 7
    x, y = plot(win).layer("paths").path_points(0)
    # x_k = 2.5·0.8ᵏ, y_k = 1·(−0.6)ᵏ: y flips sign every step (η = 0.1, curvature 16)
    assert x == pytest.approx(2.5 * 0.8 ** np.arange(7))
    assert y == pytest.approx((-0.6) ** np.arange(7))
    assert table.model().index(2, 2).data() == "0.36"
    status = win.findChild(QLabel, "xyStatus")
    assert "running: k = 6" in status.text()


def test_play_runs_to_convergence_and_reset_clears(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    speed = win.findChild(QWidget, "xySpeed")
    speed.setCurrentIndex(speed.count() - 1)  # as fast as possible
    click(qtbot, win, "xyPlay")
    status = win.findChild(QLabel, "xyStatus")
    qtbot.waitUntil(lambda: "converged" in status.text(), timeout=20_000)
    assert "local minimum" in status.text()
    assert not win.findChild(QPushButton, "xyPlay").isChecked()
    click(qtbot, win, "xyReset")
    assert state(win).descent.runs == () and "ready" in status.text()
    assert win.findChild(QAbstractItemView, "xyTable").model().rowCount() == 0


def test_a_run_to_a_saddle_is_named(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "x^2 - y^2")
    qtbot.waitUntil(lambda: state(win).text == "x^2 - y^2")
    set_spin(qtbot, win, "xyStartX", 1.0)
    set_spin(qtbot, win, "xyStartY", 0.0)
    state(win).descent.update(max_steps=500)
    state(win).descent.step(500)
    assert "saddle" in win.findChild(QLabel, "xyStatus").text()


def test_two_configurations_side_by_side(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    box = win.findChild(QCheckBox, "xyCompare")
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(5, box.height() // 2))
    assert state(win).descent.compare
    click(qtbot, win, "xyStep", 2)
    xa, _ = plot(win).layer("paths").path_points(0)
    xb, yb = plot(win).layer("paths").path_points(1)
    assert len(xa) == 3 and len(xb) == 2  # Newton (B) ends in one step on a quadratic
    assert (xb[1], yb[1]) == (0.0, 0.0)
    status = win.findChild(QLabel, "xyStatus").text()
    assert status.startswith("A (gradient descent") and "B (Newton's method)" in status


def test_dragging_the_start_marker_moves_the_start(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    p = plot(win)
    drag(qtbot, p, viewport_pos(p, 2.5, 1.0), viewport_pos(p, -2.0, -1.0))
    sx, sy = state(win).descent.start
    assert sx == pytest.approx(-2.0, abs=0.05) and sy == pytest.approx(-1.0, abs=0.05)
    assert win.findChild(QDoubleSpinBox, "xyStartX").value() == pytest.approx(sx, abs=1e-9)


# -- sessions ----------------------------------------------------------------------------------


def test_a_saved_session_reopens_the_workspace_function_point_and_run(
    make_window, qtbot, tmp_path
) -> None:
    win = open_xy(make_window, qtbot)
    type_xy(qtbot, win, "x^2 + 3y^2 - x y")
    qtbot.waitUntil(lambda: state(win).text == "x^2 + 3y^2 - x y")
    set_spin(qtbot, win, "xyPointX", -0.5)
    click(qtbot, win, "xyStep", 4)
    path = tmp_path / "xy.derivview"
    assert win.files.save_to(path)
    again = make_window(str(path))
    assert again.workspace_key == "fxy"
    assert again.findChild(QLineEdit, "xyExpressionEdit").text() == "x^2 + 3y^2 - x y"
    assert again.findChild(QDoubleSpinBox, "xyPointX").value() == -0.5
    assert again.findChild(QAbstractItemView, "xyTable").model().rowCount() == 5
    a = state(win).descent.runs[0].iterates
    b = state(again).descent.runs[0].iterates
    assert b == a


# -- what a person sees ------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
@pytest.mark.parametrize("when", ["opened at that size", "resized after opening"])
def test_nothing_cut_off_and_the_plot_keeps_half_the_window(make_window, qtbot, size, when) -> None:
    if when == "opened at that size":
        win = make_window(show=False)
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        win.findChild(QAction, "actionWorkspaceFxy").trigger()
    else:
        win = open_xy(make_window, qtbot)
    win.resize(*size)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == size)
    QApplication.processEvents()
    view = win.findChild(QWidget, "xyPlot")
    assert view.width() * view.height() >= 0.45 * size[0] * size[1]
    for name in ("xyExpressionEdit", "xyPointX", "xyPointY", "xyMethod", "xyLearningRate",
                 "xyStep", "xyPlay", "xyReset", "xyReadout"):  # fmt: skip
        assert fully_visible(win, win.findChild(QWidget, name)), name


def test_the_dark_theme_recolours_the_plot(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    win.findChild(QAction, "actionTheme_dark").trigger()
    p = plot(win)
    qtbot.waitUntil(lambda: p.dark)
    assert p.widget.backgroundBrush().color().name() == "#1b1d21"
    win.findChild(QAction, "actionTheme_light").trigger()
    qtbot.waitUntil(lambda: not p.dark)


def test_the_iterates_tabs_have_their_own_names(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    views = win.findChild(QTabWidget, "xyViews")
    assert views is not None and views.count() == 2
    views.setCurrentIndex(1)
    assert win.findChild(pg.PlotWidget, "xyLossPlot") is not None


# -- export ------------------------------------------------------------------------------------


def test_export_in_this_workspace_draws_the_f_x_y_plot(make_window, qtbot, tmp_path) -> None:
    from PySide6.QtGui import QImage

    win = open_xy(make_window, qtbot)
    win.findChild(QAction, "actionExportPlot").trigger()
    dialog = win.exports.dialog
    assert dialog is not None
    boxes = sorted(name for name in dialog.item_boxes)
    assert boxes == sorted(["heatmap", "contours", "gradient", "level", "field", "descent"])
    assert dialog.item_boxes["heatmap"].isChecked() and not dialog.item_boxes["field"].isChecked()
    dialog.width_spin.setValue(640)
    dialog.height_spin.setValue(480)
    for ext in ("png", "svg", "pdf"):
        target = tmp_path / f"xy.{ext}"
        dialog.path_edit.setText(str(target))
        dialog.accept()
        assert target.exists() and target.stat().st_size > 1000, ext
        win.findChild(QAction, "actionExportPlot").trigger()
        dialog = win.exports.dialog
        dialog.width_spin.setValue(640)
        dialog.height_spin.setValue(480)
    image = QImage(str(tmp_path / "xy.png"))
    assert (image.width(), image.height()) == (640, 480)
    # viridis, not the f(x) plot's white: the heat map fills the middle of the picture
    c = image.pixelColor(320, 240)
    assert not (c.red() > 240 and c.green() > 240 and c.blue() > 240)
    assert (tmp_path / "xy.svg").read_text("utf-8").startswith("<?xml")
    assert (tmp_path / "xy.pdf").read_bytes()[:5] == b"%PDF-"


def test_copy_plot_in_this_workspace_copies_the_f_x_y_plot(make_window, qtbot) -> None:
    win = open_xy(make_window, qtbot)
    QApplication.clipboard().clear()
    win.findChild(QAction, "actionCopyPlot").trigger()
    image = QApplication.clipboard().image()
    w, h = plot(win).widget.width(), plot(win).widget.height()
    ratio = win.devicePixelRatioF()
    assert (image.width(), image.height()) == (round(w * ratio), round(h * ratio))
    assert "heatmap" in state(win).visible  # nothing changed on the live state


def test_the_functions_menu_follows_the_workspace(make_window, qtbot) -> None:
    win = make_window()

    def functions_menu() -> QMenu:
        (action,) = [a for a in win.menuBar().actions() if a.text() == "&Functions"]
        return action.menu()

    assert functions_menu().objectName() == "presetsMenu"
    win.findChild(QAction, "actionWorkspaceFxy").trigger()
    menu = functions_menu()
    assert menu.objectName() == "xyPresetsMenu"
    labels = [a.text() for a in menu.actions() if a.text()]
    for preset in ("Bowl", "Elongated bowl", "Saddle x² − y²", "Rosenbrock", "Himmelblau",
                   "ReLU ridge"):  # fmt: skip
        assert preset in labels
    win.findChild(QAction, "actionWorkspaceFx").trigger()
    assert functions_menu().objectName() == "presetsMenu"


def test_a_bare_launch_reopens_the_last_session_in_the_last_workspace(
    make_window, qtbot, tmp_path
) -> None:
    first = make_window()
    path = tmp_path / "last.derivview"
    assert first.files.save_to(path)  # saved in the f(x) workspace
    first.findChild(QAction, "actionWorkspaceFxy").trigger()
    assert not first.session.modified  # looking at another workspace is not an edit
    first.close_guards.clear()
    first.close()
    again = make_window()
    assert again.files.path == path.resolve()
    assert again.workspace_key == "fxy"
    opened = make_window(str(path))  # a file opened by name shows its own workspace
    assert opened.workspace_key == "fx"


def test_a_launch_with_options_shows_them_in_the_f_x_workspace(make_window) -> None:
    first = make_window()
    first.findChild(QAction, "actionWorkspaceRegression").trigger()
    first.close_guards.clear()
    first.close()
    assert make_window().workspace_key == "regression"  # bare: where the person left off
    again = make_window("--expr", "x^2 - 1")  # the plot of the function asked for
    assert again.workspace_key == "fx"
    assert again.plot_panel.isVisible()
    assert again.session.text == "x^2 - 1"


def test_the_loss_per_step_and_its_log_gap_to_the_quadratic_models_minimum(
    make_window, qtbot
) -> None:
    win = open_xy(make_window, qtbot)
    click(qtbot, win, "xyStep", 5)
    views = win.findChild(QTabWidget, "xyViews")
    views.setCurrentIndex(1)
    panel = win.dock_content("xyIteratesDock")
    ks, fs = panel.loss.curves[0].getData()
    k = np.arange(6)
    x, y = 2.5 * 0.8**k, (-0.6) ** k
    assert list(ks) == list(k) and fs == pytest.approx(x**2 + 8 * y**2)
    win.findChild(QCheckBox, "xyLossLog").setChecked(True)
    # f = x² + 8y² is its own quadratic model: f* = f − ½∇fᵀH⁻¹∇f = 0 exactly
    _, gap = panel.loss.curves[0].getOriginalDataset()
    assert gap == pytest.approx(x**2 + 8 * y**2)
    note = panel.loss.note.text()
    assert note.startswith("f* ≈ ") and abs(float(note[len("f* ≈ ") :])) < 1e-12
