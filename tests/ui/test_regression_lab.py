"""The linear-regression lab (Ctrl+3), driven as a person drives it: by objectName, with
clicks and keys, asserting on what the window shows.

Truth: the seed's §5 loop written out in plain Python, the generator's documented draws,
and the stability bound 2/λ_max computed here by hand.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QDoubleSpinBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QWidget,
)
from visibility import fully_visible


def seed_loop(X, y, epochs, lr, m=0.0, b=0.0):
    n = len(X)
    for _ in range(epochs):
        y_pred = [m * xi + b for xi in X]
        dm = (2 / n) * sum((yp - yi) * xi for yp, yi, xi in zip(y_pred, y, X, strict=True))
        db = (2 / n) * sum(yp - yi for yp, yi in zip(y_pred, y, strict=True))
        m, b = m - lr * dm, b - lr * db
    return m, b


def default_data() -> tuple[list[float], list[float]]:
    """The lab's default data: 50 points, y = 2x + 1 + N(0, 1), x in [0, 5], seed 0."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 5.0, 50)
    return x.tolist(), (2 * x + 1 + rng.standard_normal(50)).tolist()


def lab(make_window: Any, qtbot: Any, *argv: str, size: tuple[int, int] = (1280, 800)) -> Any:
    """A window showing the lab, reached the way a person does: Ctrl+3."""
    win = make_window(*argv, ready=False)
    win.resize(*size)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert win.workspace_key == "regression"
    QApplication.processEvents()
    return win


def find(win: Any, cls: type, name: str) -> Any:
    widget = win.findChild(cls, name)
    assert widget is not None, name
    return widget


def click(qtbot: Any, win: Any, name: str, times: int = 1) -> None:
    button = find(win, QAbstractButton, name)
    for _ in range(times):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def readout(win: Any) -> str:
    return find(win, QLabel, "regressReadout").text()


def status(win: Any) -> str:
    return find(win, QLabel, "regressStatus").text()


def type_into(qtbot: Any, spin: QWidget, text: str) -> None:
    spin.setFocus()
    line = spin.lineEdit()
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def fmt(v: float) -> str:
    return f"{v:.7g}".replace("-", "−")


# -- the workspace ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(1024, 640), (1280, 800)])
def test_ctrl3_shows_the_lab_and_its_controls_are_in_view(make_window, qtbot, size):
    win = lab(make_window, qtbot, size=size)
    action = find(win, QAction, "actionWorkspaceRegression")
    assert action.isChecked() and action.shortcut().toString() == "Ctrl+3"
    for name in ("regressPlot", "regressLossPlot", "regressEpochPlot"):
        assert find(win, QWidget, name).isVisible(), name
    assert isinstance(find(win, QWidget, "regressLearningRate"), QDoubleSpinBox)
    for name in ("regressStep", "regressPlay", "regressReset"):
        assert isinstance(find(win, QWidget, name), QPushButton)
    for name in ("regressReadout", "regressStatus"):
        assert isinstance(find(win, QWidget, name), QLabel)
    qtbot.waitUntil(lambda: win.findChild(QWidget, "regressStep").isVisible())
    for name in ("regressLearningRate", "regressStep", "regressPlay", "regressReset"):
        assert fully_visible(win, find(win, QWidget, name)), name
    # The two main plots share the larger part of the window.
    plot = find(win, QWidget, "regressPlot")
    loss = find(win, QWidget, "regressLossPlot")
    assert (plot.width() * plot.height() + loss.width() * loss.height()) > 0.3 * size[0] * size[1]
    qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert win.workspace_key == "fx" and not plot.isVisible()


def test_step_trains_epochs_of_the_seeds_loop(make_window, qtbot):
    win = lab(make_window, qtbot)
    assert "epoch 0 of 1,000" in readout(win) and status(win).startswith("Ready")
    click(qtbot, win, "regressStep", 3)
    X, y = default_data()
    m, b = seed_loop(X, y, 3, 0.01)
    qtbot.waitUntil(lambda: "epoch 3 of" in readout(win))  # numbers follow at ~12/s
    text = readout(win)
    assert "epoch 3 of 1,000" in text
    assert f"m = {fmt(m)}" in text and f"b = {fmt(b)}" in text
    assert status(win).startswith("Epoch 3 of 1,000: L = ")
    # The line on the scatter is that line; its residuals join each point to it.
    data_plot = find(win, QWidget, "regressPlot")
    xs, ys = data_plot.line.getData()
    assert ys == pytest.approx(m * xs + b, rel=1e-12)
    rx, ry = data_plot.residuals.getData()  # (x, y), (x, ŷ) for each point
    assert len(rx) == 2 * 50 and list(rx[0::2]) == list(rx[1::2])
    assert sorted(rx[0::2]) == pytest.approx(sorted(X))
    assert sorted(ry[0::2]) == pytest.approx(sorted(y))
    assert ry[1::2] == pytest.approx(m * rx[1::2] + b, rel=1e-12)
    # The path on the contours holds every (m, b) so far; the dot is at the newest.
    loss = find(win, QWidget, "regressLossPlot")
    path_m, path_b = loss.tail.getData()
    assert len(path_m) == 4 and (path_m[-1], path_b[-1]) == pytest.approx((m, b), rel=1e-12)
    assert (loss.current_dot.pos().x(), loss.current_dot.pos().y()) == pytest.approx((m, b))
    assert len(find(win, QWidget, "regressEpochPlot").curve.getData()[0]) == 4


def test_reset_goes_back_to_the_start(make_window, qtbot):
    win = lab(make_window, qtbot)
    reset = find(win, QPushButton, "regressReset")
    assert not reset.isEnabled()
    click(qtbot, win, "regressStep", 2)
    assert reset.isEnabled()
    click(qtbot, win, "regressReset")
    qtbot.waitUntil(lambda: "epoch 0 of 1,000" in readout(win))
    assert "m = 0    b = 0" in readout(win)
    assert not reset.isEnabled()


def test_play_trains_on_and_pause_stops_it(make_window, qtbot):
    win = lab(make_window, qtbot)
    state = win.session.state("regression")
    play = find(win, QPushButton, "regressPlay")
    assert find(win, QWidget, "regressSpeed").currentText() == "60 epochs/s"
    click(qtbot, win, "regressPlay")
    assert play.isChecked() and play.text() == "Pause"
    qtbot.waitUntil(lambda: state.epoch >= 5, timeout=10_000)
    click(qtbot, win, "regressPlay")
    assert not play.isChecked() and play.text() == "Play"
    stopped = state.epoch
    qtbot.wait(200)
    assert state.epoch == stopped and f"epoch {stopped:,} of" in readout(win)
    assert status(win).startswith(f"Epoch {stopped:,} of")


def test_play_stops_by_itself_when_the_run_converges(make_window, qtbot):
    win = lab(make_window, qtbot)
    find(win, QCheckBox, "regressStandardize").click()
    type_into(qtbot, find(win, QWidget, "regressLearningRate"), "0.5")
    speed = find(win, QWidget, "regressSpeed")
    speed.setCurrentIndex(speed.count() - 1)  # as fast as possible
    click(qtbot, win, "regressPlay")
    play = find(win, QPushButton, "regressPlay")
    qtbot.waitUntil(lambda: not play.isChecked(), timeout=20_000)
    assert status(win).startswith("Converged at epoch ")
    # (m, b) is then the least-squares answer: the distance says so.
    qtbot.waitUntil(lambda: f"epoch {win.session.state('regression').epoch:,} of" in readout(win))
    words = find(win, QLabel, "regressAnswer").text().split("The run is ")[1].split(" ")[0]
    distance = float(words.replace("−", "-"))
    assert distance < 1e-7


def test_a_learning_rate_above_2_over_lambda_max_diverges_and_is_named(make_window, qtbot):
    win = lab(make_window, qtbot)
    X, _ = default_data()
    h = (2 / 50) * np.array([[sum(v * v for v in X), sum(X)], [sum(X), 50]])
    bound = 2 / np.linalg.eigvalsh(h)[-1]
    type_into(qtbot, find(win, QWidget, "regressLearningRate"), f"{bound * 1.05:.6g}")
    assert win.session.state("regression").get("learning_rate") == pytest.approx(
        bound * 1.05, rel=1e-5
    )
    assert "will diverge" in status(win)
    assert f"2/λ_max = {bound:.4g}" in find(win, QLabel, "regressStability").text()
    speed = find(win, QWidget, "regressSpeed")
    speed.setCurrentIndex(speed.count() - 1)
    click(qtbot, win, "regressPlay")
    qtbot.waitUntil(lambda: status(win).startswith("Diverged"), timeout=20_000)
    assert "too large" in status(win) and f"{bound:.6g}" in status(win)
    assert not find(win, QPushButton, "regressStep").isEnabled()
    # "use η = 1/λ_max" brings it back into the stable range.
    click(qtbot, win, "regressUseStable")
    assert win.session.state("regression").get("learning_rate") == pytest.approx(
        bound / 2, rel=1e-2
    )
    assert status(win).startswith("Ready")


def test_standardizing_x_makes_the_bowl_round_and_says_why(make_window, qtbot):
    win = lab(make_window, qtbot)
    note = find(win, QLabel, "regressScalingNote")
    assert "times longer than wide" in note.text() and "round" in note.text()
    loss = find(win, QWidget, "regressLossPlot")
    assert loss.plot_item.getAxis("bottom").labelText.startswith("m ")
    find(win, QCheckBox, "regressStandardize").click()
    assert loss.plot_item.getAxis("bottom").labelText.startswith("m′")
    assert "path of (m′, b′)" in [label.text for _, label in loss.legend.items]
    qtbot.waitUntil(lambda: "m′ = 0    b′ = 0" in readout(win))
    assert "in x: m = 0" in readout(win)
    # A round bowl: the innermost contour is a circle (every point equally far from the
    # centre) in m′, b′.
    ms, bs = loss.contours.lines[-1]
    st = win.session.state("regression")
    cm, cb = st.bowl.center
    radii = np.hypot(ms - cm, bs - cb)
    assert radii.max() == pytest.approx(radii.min(), rel=1e-9)
    assert "Stable for η < 2/λ_max = 1 (in x′)" in find(win, QLabel, "regressStability").text()


def test_the_formulas_are_rendered_and_the_gradient_check_agrees(make_window, qtbot):
    win = lab(make_window, qtbot)
    dm = find(win, QWidget, "regressFormulaDm")
    assert dm.plainText() == "∂L/∂m = (2/n)Σ_i(m x_i + b − y_i) · x_i"
    db = find(win, QWidget, "regressFormulaDb")
    assert db.plainText() == "∂L/∂b = (2/n)Σ_i(m x_i + b − y_i)"
    click(qtbot, win, "regressStep", 2)
    click(qtbot, win, "regressGradientCheck")
    result = find(win, QLabel, "regressGradientCheckResult").text()
    assert result.startswith("Epoch 2:") and "they agree" in result
    click(qtbot, win, "regressStep")
    result = find(win, QLabel, "regressGradientCheckResult")
    qtbot.waitUntil(lambda: result.text() == "")  # another epoch now


def test_ctrl_click_on_the_loss_plot_starts_the_run_there(make_window, qtbot):
    win = lab(make_window, qtbot)
    loss = find(win, QWidget, "regressLossPlot")
    qtbot.waitUntil(lambda: loss.isVisible() and loss.width() > 100)
    target = loss.view_box.mapViewToScene(loss.view_box.viewRect().center())
    pos = loss.mapFromScene(target)
    qtbot.mouseClick(
        loss.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos
    )
    qtbot.waitUntil(lambda: win.session.state("regression").get("init") != (0.0, 0.0))
    m0, b0 = win.session.state("regression").get("init")
    center = loss.view_box.viewRect().center()
    assert (m0, b0) == pytest.approx((center.x(), center.y()), rel=1e-2, abs=0.05)
    assert find(win, QWidget, "regressStartM").value() == m0


def test_the_theme_recolours_the_plots(make_window, qtbot):
    win = lab(make_window, qtbot)
    plot = find(win, QWidget, "regressPlot")
    win.findChild(QAction, "actionTheme_dark").trigger()
    dark = plot.backgroundBrush().color().lightness()
    win.findChild(QAction, "actionTheme_light").trigger()
    assert dark < 80 < plot.backgroundBrush().color().lightness()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_legends_words_are_in_the_themes_text_colour(make_window, qtbot, theme):
    # pyqtgraph's setLabelTextColor leaves labels already drawn in its default grey
    win = lab(make_window, qtbot)
    win.findChild(QAction, f"actionTheme_{theme}").trigger()
    for name in ("regressPlot", "regressLossPlot"):
        plot = find(win, QWidget, name)
        image = plot.grab().toImage()
        legend = plot.getPlotItem().legend
        assert legend.items, name
        for _sample, label in legend.items:
            rect = plot.mapFromScene(label.sceneBoundingRect()).boundingRect()
            rect = rect.intersected(image.rect())
            assert rect.width() > 10, (name, label.text)
            lightness = [
                image.pixelColor(x, y).lightness()
                for x in range(rect.left(), rect.right())
                for y in range(rect.top(), rect.bottom())
            ]
            # the strokes of the words reach the theme's text colour, not a mid grey
            if theme == "light":
                assert min(lightness) < 60, (name, label.text, min(lightness))
            else:
                assert max(lightness) > 200, (name, label.text, max(lightness))


# -- data --------------------------------------------------------------------------------------

BAD_CSV = [
    ("text", "x,y\n1,2\n2,abc\n", "row 3, column 2: 'abc' is not a number"),
    ("one row", "x,y\n1,2\n", "need at least 2 points"),
    ("empty", "", "no data rows"),
    ("nan", "x,y\n1,2\nnan,3\n", "row 3, column 1: 'nan' is not a finite number"),
    ("50 MB", None, "too large"),
    ("huge", "x,y\n1,2\n1e308,3\n", "row 3, column 1: '1e308' is too large"),  # loss = inf
]


@pytest.mark.parametrize(("what", "text", "words"), BAD_CSV, ids=[b[0] for b in BAD_CSV])
def test_a_bad_csv_is_refused_naming_where_and_nothing_changes(
    make_window, qtbot, tmp_path, monkeypatch, what, text, words
):
    from derivview.ui.regression import data_files

    win = lab(make_window, qtbot)
    click(qtbot, win, "regressStep", 2)
    path = tmp_path / "bad.csv"
    if text is None:
        with open(path, "wb") as fh:
            fh.truncate(50 * 1024 * 1024)
    else:
        path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(data_files, "choose_csv_path", lambda parent: str(path))
    state = win.session.state("regression")
    before, shown = state.values(), readout(win)
    click(qtbot, win, "regressOpenCsv")
    box = win.findChild(QMessageBox, "dataError")
    assert box is not None and box.isVisible()
    assert "bad.csv could not be used" in box.text() and words in box.informativeText()
    assert state.values() == before and readout(win) == shown
    box.close()


def test_a_good_csv_from_the_file_menu_replaces_the_data(make_window, qtbot, tmp_path, monkeypatch):
    from derivview.ui.regression import data_files

    path = tmp_path / "scores.csv"
    path.write_text("hours;score\n1;52\n2;55\n4;61\n5;65\n", encoding="utf-8")
    monkeypatch.setattr(data_files, "choose_csv_path", lambda parent: str(path))
    win = lab(make_window, qtbot)
    file_menu = find(win, QMenu, "fileMenu")
    (action,) = [a for a in file_menu.actions() if a.objectName() == "actionOpenData"]
    action.trigger()
    xs, ys = find(win, QWidget, "regressPlot").scatter.getData()
    assert list(xs) == [1, 2, 4, 5] and list(ys) == [52, 55, 61, 65]
    assert find(win, QLabel, "regressCsvInfo").text() == "scores.csv — 4 points"
    assert find(win, QWidget, "regressSourceCsv").isChecked()
    assert (
        "Least squares: m* = 3.2, b* = 48.65, L* = 0.0875"
        in find(win, QLabel, "regressAnswer").text()
    )
    # Editing the generator goes back to synthetic data; the CSV stays one click away.
    find(win, QWidget, "regressSeed").setValue(3)
    assert find(win, QWidget, "regressSourceSynthetic").isChecked()
    find(win, QWidget, "regressSourceCsv").click()
    assert win.session.state("regression").data.n == 4
    # The action belongs to the lab: not in the File menu of the f(x) workspace.
    qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert "actionOpenData" not in [a.objectName() for a in file_menu.actions()]


def test_the_generators_settings_make_new_data(make_window, qtbot):
    win = lab(make_window, qtbot)
    type_into(qtbot, find(win, QWidget, "regressPoints"), "12")
    type_into(qtbot, find(win, QWidget, "regressSlope"), "-3")
    xs, ys = find(win, QWidget, "regressPlot").scatter.getData()
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 5.0, 12)
    assert xs == pytest.approx(x) and ys == pytest.approx(-3 * x + 1 + rng.standard_normal(12))
    assert find(win, QLabel, "regressDataSummary").text().startswith("12 points")


# -- sessions and export ----------------------------------------------------------------------


def test_a_saved_session_reopens_the_lab_at_the_same_epoch(make_window, qtbot, tmp_path):
    win = lab(make_window, qtbot)
    type_into(qtbot, find(win, QWidget, "regressLearningRate"), "0.02")
    click(qtbot, win, "regressStep", 7)
    qtbot.waitUntil(lambda: "epoch 7 of" in readout(win))
    shown = readout(win)
    path = tmp_path / "lab.derivview"
    assert win.files.save_to(path)
    again = make_window(str(path), ready=False)
    assert again.workspace_key == "regression"
    assert readout(again) == shown and "epoch 7 of 1,000" in shown
    # File › Open from the f(x) workspace switches to the lab too.
    third = make_window(ready=False)
    assert third.workspace_key == "fx"
    assert third.files.open_path(path)
    assert third.workspace_key == "regression" and readout(third) == shown


def test_export_writes_the_labs_plots(make_window, qtbot, tmp_path, monkeypatch):
    from derivview.ui.regression import picture

    win = lab(make_window, qtbot)
    click(qtbot, win, "regressStep", 5)
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        out = tmp_path / f"lab{suffix}"
        monkeypatch.setattr(picture, "choose_picture_path", lambda parent, o=out: str(o))
        win.findChild(QAction, "actionExportPlot").trigger()
        assert out.read_bytes().startswith(magic), suffix
    from PySide6.QtGui import QImage

    image = QImage(str(tmp_path / "lab.png"))
    plots = find(win, QWidget, "regressPlots")
    assert (image.width(), image.height()) == (2 * plots.width(), 2 * plots.height())
    # Copy Plot copies the lab's plots, not the f(x) plot.
    win.findChild(QAction, "actionCopyPlot").trigger()
    copied = QApplication.clipboard().image()
    assert (copied.width(), copied.height()) == (plots.width(), plots.height())
    # A bad target is a message, not a crash.
    monkeypatch.setattr(picture, "choose_picture_path", lambda parent: str(tmp_path / "x.gif"))
    win.findChild(QAction, "actionExportPlot").trigger()
    box = win.findChild(QMessageBox, "fileError")
    assert box is not None and ".png, .svg or .pdf" in box.informativeText()
    box.close()


def test_reopening_after_the_csv_moved_keeps_the_data(make_window, qtbot, tmp_path, monkeypatch):
    from derivview.ui.regression import data_files

    csv = tmp_path / "d.csv"
    csv.write_text("1,3\n2,5\n3,7.5\n", encoding="utf-8")
    monkeypatch.setattr(data_files, "choose_csv_path", lambda parent: str(csv))
    win = lab(make_window, qtbot)
    click(qtbot, win, "regressOpenCsv")
    click(qtbot, win, "regressStep", 4)
    qtbot.waitUntil(lambda: "epoch 4 of" in readout(win))
    session = tmp_path / "s.derivview"
    assert win.files.save_to(session)
    csv.unlink()
    again = make_window(str(session), ready=False)
    assert readout(again) == readout(win)
    assert math.isclose(again.session.state("regression").data.y[2], 7.5)


def _unused(_: Path, __: QPoint) -> None:  # keep imports honest for type checkers
    return None


def test_a_long_path_is_drawn_whole(make_window, qtbot):
    win = lab(make_window, qtbot)
    state = win.session.state("regression")
    state.step(150)
    loss = find(win, QWidget, "regressLossPlot")
    settled_m, _ = loss.path.getData()
    tail_m, tail_b = loss.tail.getData()
    history = state.run.history
    # The settled part and the newest epochs meet at one point and make the whole path.
    assert settled_m[-1] == tail_m[0]
    joined = np.concatenate([settled_m[:-1], tail_m])
    assert list(joined) == list(history.m) and list(tail_b) == list(history.b[-len(tail_b) :])


def test_ctrl0_fits_the_lab_plots_again(make_window, qtbot):
    win = lab(make_window, qtbot)
    plot = find(win, QWidget, "regressPlot")
    fitted = [v for pair in plot.plot_item.getViewBox().viewRange() for v in pair]
    plot.plot_item.getViewBox().setRange(xRange=(100, 200), yRange=(100, 200), padding=0)
    x_before = win.session.x_range
    qtbot.keyClick(win.focusWidget() or win, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    now = [v for pair in plot.plot_item.getViewBox().viewRange() for v in pair]
    assert now == pytest.approx(fitted)
    assert win.session.x_range == x_before  # the f(x) view is not this workspace's
