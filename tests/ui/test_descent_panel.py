"""The descent's docks and plot layer, driven the way a person does: type η, click
Step/Play, read the table, Ctrl+click the plot.

The controls, the iterates and the main plot run on a real session over closed-form
functions (f, f′, f″ written out by hand), so every number shown is checked against an
independent closed form, e.g. gradient descent on (x − 3)² from 0 with η = 0.1 gives
x_k = 3 − 3·0.8^k.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from derivview.model.descent.config import DescentConfig
from derivview.model.session import Session
from derivview.ui.descent.controls import DescentControls
from derivview.ui.descent.table import IteratesPanel
from derivview.ui.plot_panel import PlotPanel

# -- closed-form functions standing in for compiled ones -------------------------------


def num(cell: str) -> float:
    """A table cell as a number: the table writes a real minus sign (U+2212), never "-"."""
    assert "-" not in cell, cell
    return float(cell.replace("−", "-"))


@dataclass(frozen=True)
class Point:
    """What the plot draws at x₀ (a smooth function's point, from the closed form)."""

    x: float
    f: float | None
    df: float | None
    d2f: float | None
    differentiable: bool = True
    kind: str = "smooth"
    left_df: float | None = None
    right_df: float | None = None
    subgradient: tuple[float, float] | None = None
    reason: str = ""

    @property
    def tangent(self) -> tuple[float, float] | None:
        if self.f is None or self.df is None:
            return None
        return self.df, self.f - self.df * self.x


class ClosedForm:
    """f, f′, f″ given by hand, vectorized like ``CompiledFunction`` (NaN where undefined)."""

    def __init__(self, f: Callable, df: Callable, d2f: Callable) -> None:
        self.parameters: tuple[str, ...] = ()
        self._f, self._df, self._d2f = f, df, d2f

    def _eval(self, fn: Callable, x: Any) -> np.ndarray:
        arr = np.asarray(x, dtype=float)
        with np.errstate(all="ignore"):
            return np.broadcast_to(np.asarray(fn(arr), dtype=float), arr.shape).copy()

    def f(self, x, params=None):
        return self._eval(self._f, x)

    def df(self, x, params=None):
        return self._eval(self._df, x)

    def d2f(self, x, params=None):
        return self._eval(self._d2f, x)

    def evaluate_raw(self, x, params=None, order=2):
        return tuple(self._eval(g, x) for g in (self._f, self._df, self._d2f)[: order + 1])

    def point(self, x0, params=None):
        def value(g: Callable) -> float | None:
            v = float(self._eval(g, x0))
            return v if math.isfinite(v) else None

        f, df = value(self._f), value(self._df)
        return Point(x0, f, df, value(self._d2f), differentiable=f is not None and df is not None)


SHIFTED = ClosedForm(lambda x: (x - 3) ** 2, lambda x: 2 * (x - 3), lambda x: 2.0 + 0 * x)
SQUARE = ClosedForm(lambda x: x**2, lambda x: 2 * x, lambda x: 2.0 + 0 * x)
QUARTIC = ClosedForm(lambda x: x**4, lambda x: 4 * x**3, lambda x: 12 * x**2)


# -- helpers: what a person does and sees -----------------------------------------------


class Harness:
    """The descent's two docks beside the main plot, over one session."""

    def __init__(
        self,
        qtbot: Any,
        session: Session,
        host: QWidget,
        plot: PlotPanel,
        controls: DescentControls,
        iterates: IteratesPanel,
    ):
        self.qtbot, self.session, self.host = qtbot, session, host
        self.plot_panel, self.controls, self.iterates = plot, controls, iterates
        self.plot = plot.plot_widget
        self.layer: Any = plot.layer("descent")

    def w(self, cls: type, name: str) -> Any:
        widget = self.host.findChild(cls, name)
        assert widget is not None, name
        return widget

    def type_into(self, name: str, text: str) -> None:
        spin = self.w(QAbstractSpinBox, name)
        spin.setFocus()
        edit = spin.lineEdit()
        edit.selectAll()
        self.qtbot.keyClicks(edit, text)
        self.qtbot.keyClick(edit, Qt.Key.Key_Return)

    def click(self, name: str, times: int = 1) -> None:
        button = self.w(QPushButton, name)
        for _ in range(times):
            self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def choose(self, name: str, text: str) -> None:
        combo = self.w(QComboBox, name)
        i = combo.findText(text)
        assert i >= 0, text
        combo.setCurrentIndex(i)

    def check(self, name: str) -> None:
        box = self.w(QCheckBox, name)
        # Click the indicator, where a person clicks (the centre may be past the text).
        self.qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))

    def show_tab(self, text: str) -> None:
        """Click the tab labelled ``text`` under the controls (Iterates, Loss per step)."""
        bar = self.w(QTabWidget, "gdViews").tabBar()
        i = next(i for i in range(bar.count()) if bar.tabText(i) == text)
        self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(i).center())
        assert bar.currentIndex() == i

    def cell(self, row: int, col: int) -> str:
        table = self.w(QTableView, "gdTable")
        return table.model().index(row, col).data()

    def rows(self) -> int:
        return self.w(QTableView, "gdTable").model().rowCount()

    def header(self, col: int) -> str:
        table = self.w(QTableView, "gdTable")
        return table.model().headerData(col, Qt.Orientation.Horizontal)

    def status(self) -> str:
        return self.w(QLabel, "gdStatus").text()

    def play_until_done(self, timeout: int = 20_000) -> None:
        self.choose("gdSpeed", "as fast as possible")
        self.click("gdPlay")
        self.qtbot.waitUntil(lambda: not self.w(QPushButton, "gdPlay").isChecked(), timeout=timeout)


@pytest.fixture
def make_panel(qtbot: Any) -> Callable[..., Harness]:
    def factory(fn: ClosedForm = SHIFTED, text: str = "(x-3)^2") -> Harness:
        session = Session()
        session.set_text(text)
        session.apply_function(text, fn)
        session.set_view((-4.0, 6.0), (-2.0, 30.0))
        host = QWidget()
        layout = QHBoxLayout(host)
        plot = PlotPanel(session)
        controls = DescentControls(session)
        iterates = IteratesPanel(session)
        side = QVBoxLayout()
        side.addWidget(controls)
        side.addWidget(iterates, 1)
        layout.addWidget(plot, 1)
        layout.addLayout(side)
        host.resize(1200, 760)
        qtbot.addWidget(host)
        host.show()
        qtbot.waitExposed(host)
        return Harness(qtbot, session, host, plot, controls, iterates)

    return factory


def set_function(h: Harness, text: str, fn: ClosedForm) -> None:
    h.session.set_text(text)
    h.session.apply_function(text, fn)


# -- stepping ----------------------------------------------------------------------------


def test_the_controls_a_person_uses_exist(make_panel):
    h = make_panel()
    h.show_tab("Loss per step")  # the log-scale box is on this tab
    for cls, name in [
        (QComboBox, "gdMethod"),
        (QDoubleSpinBox, "gdLearningRate"),
        (QSlider, "gdLearningRateSlider"),
        (QDoubleSpinBox, "gdBeta"),
        (QDoubleSpinBox, "gdStart"),
        (QSpinBox, "gdMaxSteps"),
        (QComboBox, "gdSpeed"),
        (QPushButton, "gdStep"),
        (QPushButton, "gdPlay"),
        (QPushButton, "gdReset"),
        (QTableView, "gdTable"),
        (QLabel, "gdStatus"),
        (QLabel, "gdStability"),
        (QPushButton, "gdSuggestLr"),
        (QCheckBox, "gdCompare"),
        (QCheckBox, "gdLossLog"),
        (QPushButton, "gdExportCsv"),
    ]:
        h.w(cls, name)
    assert h.w(QPushButton, "gdPlay").isCheckable()
    assert "ready" in h.status()


def test_step_fills_the_table_with_the_closed_form_iterates(make_panel):
    h = make_panel()
    h.type_into("gdStart", "0")
    h.type_into("gdLearningRate", "0.1")
    h.click("gdStep", 12)
    assert h.rows() == 13
    assert [h.header(c) for c in range(5)] == ["k", "x", "f(x)", "f′(x)", "step"]
    for k in range(13):
        x = 3 - 3 * 0.8**k
        assert h.cell(k, 0) == str(k)
        assert num(h.cell(k, 1)) == pytest.approx(x, rel=5e-6, abs=1e-12)
        assert num(h.cell(k, 2)) == pytest.approx((3 * 0.8**k) ** 2, rel=5e-6)
        assert num(h.cell(k, 3)) == pytest.approx(-6 * 0.8**k, rel=5e-6)
        if k:
            assert num(h.cell(k, 4)) == pytest.approx(0.6 * 0.8 ** (k - 1), rel=5e-6)
    assert h.cell(0, 4) == "—"
    assert h.status().startswith("running: k = 12")
    # The newest row is scrolled into view.
    table = h.w(QTableView, "gdTable")
    last = table.visualRect(table.model().index(12, 0))
    assert table.viewport().rect().intersects(last)


def test_the_step_counter_counts_steps_not_iterates(make_panel):
    """k counts the steps taken: 0 at the start, one per Step, back to "ready" on Reset."""
    h = make_panel()
    assert h.status().startswith("ready: press Step or Play to start from x = 0")
    for clicks, k in ((1, 1), (1, 2), (3, 5)):
        h.click("gdStep", clicks)
        assert h.status().startswith(f"running: k = {k}")
        assert h.rows() == k + 1  # the start and k steps
        assert float(h.cell(k, 1)) == pytest.approx(3 - 3 * 0.8**k, rel=1e-6)  # x_k
    h.click("gdReset")
    assert h.status().startswith("ready:") and h.rows() == 0
    h.click("gdStep")
    assert h.status().startswith("running: k = 1") and h.rows() == 2


def test_trajectory_on_the_plot_holds_the_iterates(make_panel):
    h = make_panel()
    h.click("gdStep", 4)
    xs, ys = h.layer.paths[0].getData()
    expected = [3 - 3 * 0.8**k for k in range(5)]
    assert list(xs) == pytest.approx(expected, rel=1e-12)
    assert list(ys) == pytest.approx([(3 - x) ** 2 for x in expected], rel=1e-12)
    cx, cy = h.layer.currents[0].getData()
    assert list(cx) == pytest.approx([expected[-1]]) and list(cy) == pytest.approx([ys[-1]])
    # The tangent at the current iterate has the slope f′(x_4) = −6·0.8⁴.
    tx, ty = h.layer.tangents[0].getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(-6 * 0.8**4, rel=1e-9)
    assert tx[0] < expected[-1] < tx[1]
    # Arrowheads on the segments long enough to see, at their midpoints.
    ax, _ = h.layer.arrows[0].getData()
    assert len(ax) >= 1
    assert all(
        any(abs(a - (p + q) / 2) < 1e-9 for p, q in itertools.pairwise(expected)) for a in ax
    )


def test_reset_empties_the_table_and_the_plot(make_panel):
    h = make_panel()
    h.click("gdStep", 3)
    h.click("gdReset")
    assert h.rows() == 0
    assert "ready" in h.status()
    xs, _ = h.layer.paths[0].getData()
    assert xs is None or len(xs) == 0
    h.click("gdStep")
    assert h.rows() == 2  # starts over: x₀ and x₁


# -- outcomes -------------------------------------------------------------------------------


def test_play_runs_and_stops_by_itself_converged(make_panel):
    h = make_panel()
    h.play_until_done()
    # |f′(x_k)| = 6·0.8^k < 1e-8 first at k = 91.
    k = math.ceil(math.log(1e-8 / 6) / math.log(0.8))
    assert h.rows() == k + 1
    assert h.status().startswith("converged")
    assert num(h.cell(k, 1)) == pytest.approx(3 - 3 * 0.8**k, rel=5e-6)
    assert not h.w(QPushButton, "gdStep").isEnabled()


def test_play_reports_divergence_on_x2_with_eta_1_1(make_panel):
    h = make_panel(SQUARE, "x^2")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "1.1")
    h.type_into("gdMaxSteps", "1000")
    h.play_until_done()
    # x_k = (−1.2)^k: |x| > 1e12 first at k = 152.
    k = math.ceil(12 / math.log10(1.2))
    assert h.status().startswith("diverged")
    assert "oscillat" in h.status()
    assert h.rows() == k + 1
    assert num(h.cell(10, 1)) == pytest.approx((-1.2) ** 10, rel=5e-6)  # 6 digits shown


def test_play_reports_a_two_cycle_on_x2_with_eta_1(make_panel):
    h = make_panel(SQUARE, "x^2")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "1")
    h.type_into("gdMaxSteps", "20")
    h.play_until_done()
    assert "cycling" in h.status()
    assert "converged" not in h.status()
    assert [num(h.cell(k, 1)) for k in range(4)] == [1.0, -1.0, 1.0, -1.0]


def test_pause_stops_and_play_continues(make_panel):
    h = make_panel()
    h.choose("gdSpeed", "60 steps/s")
    h.click("gdPlay")
    h.qtbot.waitUntil(lambda: h.rows() >= 4, timeout=10_000)
    h.click("gdPlay")  # pause
    assert not h.controls.playing
    rows = h.rows()
    h.qtbot.wait(100)
    assert h.rows() == rows
    assert h.status().startswith("running: k =")
    h.click("gdStep")
    assert h.rows() == rows + 1


# -- what resets the run -----------------------------------------------------------------------


def test_changing_eta_resets_the_run(make_panel):
    h = make_panel()
    h.click("gdStep", 3)
    assert h.rows() == 4
    h.type_into("gdLearningRate", "0.2")
    assert h.rows() == 0 and "ready" in h.status()
    h.click("gdStep")  # the new η is used: x₁ = 0 − 0.2·(−6)
    assert num(h.cell(1, 1)) == pytest.approx(1.2)


def test_changing_f_resets_the_run(make_panel):
    h = make_panel()
    h.click("gdStep", 3)
    set_function(h, "x^2", SQUARE)
    assert h.rows() == 0
    h.type_into("gdStart", "1")
    h.click("gdStep")
    assert num(h.cell(1, 1)) == pytest.approx(0.8)


def test_changing_a_setting_while_playing_stops_play(make_panel):
    h = make_panel()
    h.choose("gdSpeed", "5 steps/s")
    h.click("gdPlay")
    assert h.controls.playing and h.rows() == 2
    h.type_into("gdStart", "1")
    assert not h.controls.playing and h.rows() == 0


def test_slider_sets_eta_on_a_log_scale(make_panel):
    h = make_panel()
    slider = h.w(QSlider, "gdLearningRateSlider")
    slider.setValue(slider.maximum())
    assert h.session.descent.configs[0].learning_rate == 10.0
    slider.setValue(slider.minimum())
    assert h.session.descent.configs[0].learning_rate == pytest.approx(1e-4)
    slider.setValue(slider.maximum() * 3 // 5)  # 10^(−4 + 3) = 0.1
    assert h.w(QDoubleSpinBox, "gdLearningRate").value() == pytest.approx(0.1)


def test_method_choice_enables_the_right_controls(make_panel):
    h = make_panel()
    beta = h.w(QDoubleSpinBox, "gdBeta")
    lr = h.w(QDoubleSpinBox, "gdLearningRate")
    assert not beta.isEnabled() and lr.isEnabled()
    h.choose("gdMethod", "momentum")
    assert beta.isEnabled()
    h.type_into("gdBeta", "0.5")
    h.click("gdStep", 2)
    # Heavy ball on (x − 3)², η = 0.1, β = 0.5: v₁ = −6, x₁ = 0.6; v₂ = −3 − 4.8, x₂ = 1.38.
    assert num(h.cell(1, 1)) == pytest.approx(0.6)
    assert num(h.cell(2, 1)) == pytest.approx(1.38)
    h.choose("gdMethod", "Newton's method")
    assert not lr.isEnabled() and not beta.isEnabled()
    h.click("gdStep", 3)
    assert num(h.cell(1, 1)) == pytest.approx(3.0)
    assert h.status().startswith("converged")


# -- the learning rate's stability bound --------------------------------------------------------


def test_stability_bound_and_suggested_eta_on_x2(make_panel):
    h = make_panel(SQUARE, "x^2")
    h.type_into("gdStart", "1")
    label = h.w(QLabel, "gdStability")
    assert "2/f″ = 1 " in label.text()
    assert "below" in label.text()
    h.type_into("gdLearningRate", "1.1")
    assert "above" in label.text()
    h.click("gdSuggestLr")
    assert h.w(QDoubleSpinBox, "gdLearningRate").value() == 0.5
    assert h.session.descent.configs[0].learning_rate == 0.5
    h.click("gdStep")
    assert num(h.cell(1, 1)) == 0.0  # η = 1/f″ lands on the minimum of the parabola


def test_stability_bound_follows_the_current_iterate(make_panel):
    h = make_panel(QUARTIC, "x^4")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "0.01")
    label = h.w(QLabel, "gdStability")
    assert "2/f″ = 0.166667 at x = 1 " in label.text()  # f″(1) = 12
    h.click("gdStep")  # x₁ = 1 − 0.01·4 = 0.96, f″ = 12·0.96²
    assert f"2/f″ = {2 / (12 * 0.96**2):.6g} at x = 0.96 " in label.text()
    h.click("gdSuggestLr")
    assert h.w(QDoubleSpinBox, "gdLearningRate").value() == pytest.approx(
        1 / (12 * 0.96**2), rel=1e-9
    )


def test_no_bound_where_f_bends_down(make_panel):
    bump = ClosedForm(lambda x: -(x**2), lambda x: -2 * x, lambda x: -2.0 + 0 * x)
    h = make_panel(bump, "-x^2")
    label = h.w(QLabel, "gdStability")
    assert "no" in label.text() and "< 0" in label.text()
    assert not h.w(QPushButton, "gdSuggestLr").isEnabled()


# -- compare ----------------------------------------------------------------------------------


def test_compare_shows_two_runs_side_by_side(make_panel):
    h = make_panel()
    assert not h.w(QComboBox, "gdCompareMethod").isVisible()
    h.check("gdCompare")
    assert h.w(QComboBox, "gdCompareMethod").isVisible()
    h.choose("gdCompareMethod", "gradient descent")
    h.type_into("gdCompareLearningRate", "0.4")
    h.click("gdStep", 3)
    assert h.header(1) == "A: x" and h.header(5) == "B: x"
    for k in range(4):
        assert num(h.cell(k, 1)) == pytest.approx(3 - 3 * 0.8**k)
        assert num(h.cell(k, 5)) == pytest.approx(3 - 3 * 0.2**k)  # 1 − 0.4·2 = 0.2
    xa, _ = h.layer.paths[0].getData()
    xb, _ = h.layer.paths[1].getData()
    assert list(xb) == pytest.approx([3 - 3 * 0.2**k for k in range(4)])
    assert len(xa) == len(xb) == 4
    pen_a = h.layer.paths[0].opts["pen"].color().name()
    pen_b = h.layer.paths[1].opts["pen"].color().name()
    assert pen_a != pen_b
    # B's loss spans 4 decades in 3 steps: the plot is logarithmic by itself, of the gap
    # to f* = 0 (the parabola's own minimum), that is f itself
    loss = h.iterates.loss
    assert loss.log_box.isChecked()
    _, loss_b = loss.curves[1].getOriginalDataset()
    assert list(loss_b) == pytest.approx([(3 * 0.2**k) ** 2 for k in range(4)], abs=1e-12)
    status = h.status()
    assert "A (gradient descent, η = 0.1): running" in status
    assert "B (gradient descent, η = 0.4): running" in status


def test_compare_newton_finishes_first_and_gd_goes_on(make_panel):
    h = make_panel()
    h.check("gdCompare")
    h.choose("gdCompareMethod", "Newton's method")
    h.play_until_done()
    lines = h.status().split("\n")
    assert lines[0].startswith("A (gradient descent, η = 0.1): converged")
    assert lines[1].startswith("B (Newton's method): converged")
    assert h.cell(5, 5) == ""  # Newton stopped after one step; its cells stay empty
    assert num(h.cell(1, 5)) == 3.0


# -- loss plot ---------------------------------------------------------------------------------


def test_loss_plot_and_its_log_scale(make_panel):
    shifted_up = ClosedForm(
        lambda x: (x - 3) ** 2 - 5, lambda x: 2 * (x - 3), lambda x: 2.0 + 0 * x
    )
    h = make_panel(shifted_up, "(x-3)^2 - 5")
    h.click("gdStep", 6)
    h.show_tab("Loss per step")
    ks, fs = h.iterates.loss.curves[0].getData()
    assert list(ks) == list(range(7))
    assert list(fs) == pytest.approx([9 * 0.64**k - 5 for k in range(7)])
    h.check("gdLossLog")
    assert h.iterates.loss.plot_item.ctrl.logYCheck.isChecked()
    _, gap = h.iterates.loss.curves[0].getOriginalDataset()
    # The local parabola's minimum is the true minimum −5 here: the gap is 9·0.64^k exactly
    # (a straight line on the log scale).
    assert list(gap) == pytest.approx([9 * 0.64**k for k in range(7)], rel=1e-9)
    assert "f* ≈ −5" in h.iterates.loss.note.text()


def test_loss_plot_turns_logarithmic_when_the_gap_spans_decades(make_panel):
    # (x−3)² from 0, η = 0.1: the gap to f* = 0 is 9·0.64^k — 14× after 6 steps (linear
    # still reads), 9/(9·0.64^40) ≈ 5.6e7 after 40 (a linear plot is a flat line).
    h = make_panel()
    h.show_tab("Loss per step")
    loss = h.iterates.loss
    h.click("gdStep", 6)
    assert not loss.log_box.isChecked()
    h.click("gdStep", 34)
    assert loss.log_box.isChecked() and loss.plot_item.ctrl.logYCheck.isChecked()
    # the person unticks it: it stays linear from then on
    loss.log_box.setChecked(False)
    h.click("gdStep", 10)
    assert not loss.log_box.isChecked()


def test_the_loss_plot_is_built_when_its_tab_is_first_shown(make_panel):
    # Not before: a second PlotWidget would cost the window's first paint. Its place in the
    # layout is the same either way (the stand-in has the plot's size hints).
    h = make_panel()
    views = h.w(QTabWidget, "gdViews")
    hints = (views.sizeHint(), views.minimumSizeHint())
    assert h.host.findChild(pg.PlotWidget, "gdLossPlot") is None
    h.click("gdStep", 2)  # x: 0, 0.6, 1.08 on (x-3)^2 with η = 0.1
    h.show_tab("Loss per step")
    plot = h.host.findChild(pg.PlotWidget, "gdLossPlot")
    assert plot is not None and plot.isVisible()
    assert (views.sizeHint(), views.minimumSizeHint()) == hints
    ks, fs = h.iterates.loss.curves[0].getData()  # the steps taken before it existed
    assert list(ks) == [0, 1, 2]
    assert list(fs) == pytest.approx([9.0, 9 * 0.64, 9 * 0.64**2])
    h.click("gdStep")
    _, fs = h.iterates.loss.curves[0].getData()
    assert list(fs) == pytest.approx([9 * 0.64**k for k in range(4)])


def test_log_scale_without_curvature_uses_the_lowest_f(make_panel):
    # |x| has f″ = 0 away from 0: no parabola, so f* is the lowest f reached.
    vee = ClosedForm(np.abs, np.sign, lambda x: 0.0 * x)
    h = make_panel(vee, "|x|")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "0.3")
    h.click("gdStep", 3)  # x: 1, 0.7, 0.4, 0.1
    h.show_tab("Loss per step")
    h.check("gdLossLog")
    _, gap = h.iterates.loss.curves[0].getOriginalDataset()
    assert list(gap[:3]) == pytest.approx([0.9, 0.6, 0.3])
    assert math.isnan(gap[3])  # the lowest point itself: gap 0, no logarithm


# -- the start point on the plot ------------------------------------------------------------------


def _viewport_pos(h: Harness, x: float, y: float) -> QPoint:
    vb = h.plot.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(pg.Point(x, y))
    return h.plot.mapFromScene(scene)


def test_ctrl_click_on_the_plot_starts_there(make_panel):
    h = make_panel()
    h.click("gdStep", 2)
    pos = _viewport_pos(h, 1.5, 10.0)
    h.qtbot.mouseClick(
        h.plot.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos
    )
    assert h.session.descent.start == pytest.approx(1.5, abs=0.05)
    assert h.rows() == 0
    assert h.w(QDoubleSpinBox, "gdStart").value() == h.session.descent.start
    # The marker sits on the curve at the new start.
    mx, my = h.layer.start_marker.pos()
    assert mx == h.session.descent.start and my == pytest.approx((mx - 3) ** 2)


def test_start_here_in_the_plot_menu(make_panel):
    h = make_panel()
    pos = _viewport_pos(h, -2.0, 5.0)
    h.qtbot.mouseClick(h.plot.viewport(), Qt.MouseButton.RightButton, pos=pos)
    menu = h.plot_panel.menu  # the plot's menu: its layers' actions, then its own
    assert menu is not None
    h.qtbot.waitUntil(menu.isVisible)
    action = h.layer.start_here_action
    assert action in menu.actions()
    action.trigger()
    menu.close()
    assert h.session.descent.start == pytest.approx(-2.0, abs=0.05)


def test_drag_the_start_marker_along_the_curve(make_panel):
    h = make_panel()
    marker = h.layer.start_marker
    h.layer.drag_start(2.123456789)  # what a drag to that x does
    assert h.session.descent.start == pytest.approx(2.12, abs=0.02)  # about a pixel
    assert marker.pos().y() == pytest.approx((h.session.descent.start - 3) ** 2)


# -- export ---------------------------------------------------------------------------------------


def test_export_csv_writes_the_rows(make_panel, tmp_path, monkeypatch):
    h = make_panel()
    h.check("gdCompare")
    h.choose("gdCompareMethod", "Newton's method")
    h.click("gdStep", 5)
    target = tmp_path / "run.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    h.click("gdExportCsv")
    with target.open(newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == [
        "k", "A_x", "A_f", "A_df", "A_step", "B_x", "B_f", "B_df", "B_step"
    ]  # fmt: skip
    assert len(rows) == 7
    for k in range(6):
        x = 3 - 3 * 0.8**k
        r = rows[k + 1]
        assert int(r[0]) == k
        assert float(r[1]) == pytest.approx(x, rel=1e-15, abs=1e-15)
        assert float(r[2]) == pytest.approx((3 - x) ** 2, rel=1e-14)
        assert float(r[3]) == pytest.approx(2 * (x - 3), rel=1e-14)
        if k == 0:
            assert r[4] == ""  # no step taken to reach the start
        else:  # the step x_k − x_{k−1} = 3·0.8^(k−1) − 3·0.8^k = 0.6·0.8^(k−1)
            assert float(r[4]) == pytest.approx(0.6 * 0.8 ** (k - 1), rel=1e-13)
    assert rows[1][5:] == ["0.0", "9.0", "-6.0", ""]
    assert rows[2][5:] == ["3.0", "0.0", "0.0", "3.0"]
    assert rows[3][5:] == ["", "", "", ""]


def test_export_failure_says_why_and_keeps_nothing_half_written(make_panel, tmp_path, monkeypatch):
    h = make_panel()
    h.click("gdStep", 2)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    target = blocker / "run.csv"  # a path under a regular file cannot be written
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    h.click("gdExportCsv")
    box = h.host.findChild(QMessageBox, "gdExportError")
    assert box is not None and "run.csv" in box.text()
    box.close()
    assert not target.exists()


def test_export_is_off_without_a_run(make_panel):
    h = make_panel()
    assert not h.w(QPushButton, "gdExportCsv").isEnabled()


# -- in the main window, over the real pipeline (typed f, worker, compiled f) -------------


def test_in_the_window_typed_f_steps_and_a_new_f_resets(make_window, ui, qtbot):
    win = make_window("--expr", "(x-3)^2")
    assert win.findChild(DescentControls) is not None
    plot_item = win.plot_panel.plot_item
    assert win.plot_panel.layer("descent").paths[0] in plot_item.items  # on the main plot
    step = win.findChild(QPushButton, "gdStep")
    for _ in range(5):
        qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    table = win.findChild(QTableView, "gdTable")
    assert table.model().rowCount() == 6
    for k in range(6):
        x = float(table.model().index(k, 1).data())
        assert x == pytest.approx(3 - 3 * 0.8**k, rel=1e-6, abs=1e-12)
    ui.type(win, "x^2")
    ui.wait_ready(win)
    assert table.model().rowCount() == 0
    assert "ready" in win.findChild(QLabel, "gdStatus").text()
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    # From 0 on x², f′(0) = 0: the run ends at its start, and says so.
    assert table.model().rowCount() == 1
    assert win.findChild(QLabel, "gdStatus").text().startswith("converged")
    assert "after 0 steps" in win.findChild(QLabel, "gdStatus").text()
    start = win.findChild(QDoubleSpinBox, "gdStart")
    start.lineEdit().selectAll()
    qtbot.keyClicks(start.lineEdit(), "1")
    qtbot.keyClick(start.lineEdit(), Qt.Key.Key_Return)
    qtbot.mouseClick(step, Qt.MouseButton.LeftButton)
    assert float(table.model().index(1, 1).data()) == pytest.approx(0.8)  # 1 − 0.1·2


def test_in_the_window_ctrl_click_starts_there_and_leaves_x0(make_window, qtbot):
    win = make_window("--expr", "(x-3)^2", "--x0", "1.5")
    panel = win.findChild(DescentControls)
    view = win.plot_panel.plot_widget
    vb = win.plot_panel.plot_item.getViewBox()
    # On the curve at x = 2: a plain click there would move x₀; Ctrl+click starts there.
    pos = view.mapFromScene(vb.mapViewToScene(pg.Point(2.0, 1.0)))
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, pos
    )
    assert win.session.descent.start == pytest.approx(2.0, abs=0.05)
    assert win.session.x0 == 1.5
    assert panel.findChild(QDoubleSpinBox, "gdStart").value() == win.session.descent.start


def test_in_the_window_right_click_offers_start_descent_here(make_window, qtbot):
    win = make_window("--expr", "(x-3)^2")
    view = win.plot_panel.plot_widget
    vb = win.plot_panel.plot_item.getViewBox()
    pos = view.mapFromScene(vb.mapViewToScene(pg.Point(-1.0, 5.0)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.RightButton, pos=pos)
    menu = view.findChild(QWidget, "plotMenu")
    assert menu is not None
    qtbot.waitUntil(menu.isVisible)
    action = menu.actions()[0]
    assert action.text() == "Start descent here"
    assert "Fit the y range to the curves" in [a.text() for a in menu.actions()]  # its own
    action.trigger()
    menu.close()
    assert win.session.descent.start == pytest.approx(-1.0, abs=0.05)


def test_a_start_outside_the_domain_is_said_in_words(make_panel):
    log = ClosedForm(np.log, lambda x: 1 / x, lambda x: -1 / x**2)
    h = make_panel(log, "ln(x)")
    h.type_into("gdStart", "-1")
    assert "f is undefined at x = −1" in h.w(QLabel, "gdStability").text()
    assert not h.w(QPushButton, "gdSuggestLr").isEnabled()
    h.click("gdStep")
    assert "outside the domain" in h.status()
    assert not h.w(QPushButton, "gdStep").isEnabled()
    assert h.rows() == 1 and h.cell(0, 2) == "—"  # f(−1) is undefined
    xs, _ = h.layer.paths[0].getData()
    assert xs is None or len(xs) == 0
    ks, _ = h.iterates.loss.curves[0].getData()
    assert ks is None or len(ks) == 0


def test_leaving_the_domain_stops_the_run(make_panel):
    # ln x from 1 with η = 0.5: x₁ = 1 − 0.5·1 = 0.5, x₂ = 0.5 − 0.5·2 = −0.5 (outside).
    log = ClosedForm(np.log, lambda x: 1 / x, lambda x: -1 / x**2)
    h = make_panel(log, "ln(x)")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "0.5")
    h.play_until_done()
    assert h.status().startswith("left the domain")
    assert [num(h.cell(k, 1)) for k in range(3)] == [1.0, 0.5, -0.5]
    assert "f is undefined at x = −0.5" in h.w(QLabel, "gdStability").text()


def test_drag_the_start_marker_with_the_mouse(make_panel, qtbot):
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    h = make_panel()
    h.click("gdStep", 2)
    viewport = h.plot.viewport()

    def send(kind: QEvent.Type, x: float, button: Qt.MouseButton, buttons: Qt.MouseButton):
        p = QPointF(_viewport_pos(h, x, (x - 3) ** 2))
        event = QMouseEvent(kind, p, viewport.mapToGlobal(p), button, buttons, Qt.NoModifier)
        QApplication.sendEvent(viewport, event)

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    send(QEvent.Type.MouseMove, 0.0, none, none)  # hover first, as a mouse does
    send(QEvent.Type.MouseButtonPress, 0.0, left, left)
    for x in (0.2, 0.5, 0.8, 1.0):
        qtbot.wait(20)  # pyqtgraph drops mouse moves closer than 10 ms apart
        send(QEvent.Type.MouseMove, x, none, left)
    send(QEvent.Type.MouseButtonRelease, 1.0, left, none)
    assert h.session.descent.start == pytest.approx(1.0, abs=0.05)
    assert h.rows() == 0  # a new start resets the run
    mx, my = h.layer.start_marker.pos()
    assert my == pytest.approx((mx - 3) ** 2)  # the marker stays on the curve


def test_copy_rows_from_the_table(make_panel, qtbot):
    from PySide6.QtWidgets import QApplication

    h = make_panel()
    h.click("gdStep", 3)
    table = h.w(QTableView, "gdTable")
    table.setFocus()
    table.selectRow(2)
    qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == ["k", "x", "f", "df", "step"]
    k, x, f, df, step = lines[1].split("\t")
    assert k == "2"
    assert float(x) == pytest.approx(3 - 3 * 0.8**2, rel=1e-15)  # full precision
    assert float(f) == pytest.approx((3 * 0.8**2) ** 2, rel=1e-15)
    assert float(df) == pytest.approx(-6 * 0.8**2, rel=1e-15)
    assert float(step) == pytest.approx(0.6 * 0.8, rel=1e-15)
    assert len(lines) == 2


def test_deleted_docks_and_plot_stop_listening(qtbot):
    from PySide6.QtWidgets import QApplication

    session = Session()
    session.set_text("(x-3)^2")
    session.apply_function("(x-3)^2", SHIFTED)
    widgets = [PlotPanel(session), DescentControls(session), IteratesPanel(session)]
    for w in widgets:
        w.deleteLater()
    QApplication.processEvents()
    session.descent.step(3)  # no callback into the deleted widgets
    session.descent.set_start(1.0)
    assert session.descent.runs == ()


def test_opening_saved_settings_updates_the_controls(make_panel):
    h = make_panel()
    h.click("gdStep", 2)
    h.session.descent.update(
        start=-1.5,
        max_steps=250,
        tol=1e-6,
        compare=True,
        configs=(DescentConfig("momentum", 0.05, 0.5), DescentConfig("newton", 0.1, 0.9)),
    )
    assert h.rows() == 0
    assert h.w(QComboBox, "gdMethod").currentText() == "momentum"
    assert h.w(QDoubleSpinBox, "gdLearningRate").value() == 0.05
    assert h.w(QDoubleSpinBox, "gdBeta").value() == 0.5
    assert h.w(QDoubleSpinBox, "gdBeta").isEnabled()
    assert h.w(QDoubleSpinBox, "gdStart").value() == -1.5
    assert h.w(QSpinBox, "gdMaxSteps").value() == 250
    assert h.w(QCheckBox, "gdCompare").isChecked()
    assert h.w(QComboBox, "gdCompareMethod").currentText() == "Newton's method"
    assert not h.w(QDoubleSpinBox, "gdCompareLearningRate").isEnabled()


def test_dark_theme_recolours_the_runs(make_panel):
    from derivview.ui.plot_style import plot_style
    from derivview.ui.theme import theme_signals

    h = make_panel()
    h.click("gdStep", 2)
    _ = h.iterates.loss  # built now: it follows the theme too
    for dark in (True, False):
        theme_signals().set_dark(dark)  # the one theme signal every view follows
        a, b = (c.lower() for c in plot_style(dark).descent)
        assert h.layer.paths[0].opts["pen"].color().name() == a
        assert h.layer.paths[1].opts["pen"].color().name() == b
        assert h.iterates.loss.curves[0].opts["pen"].color().name() == a


def test_typing_into_eta_while_playing_is_not_overwritten(make_panel, qtbot):
    h = make_panel(SQUARE, "x^2")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "0.001")
    h.choose("gdSpeed", "60 steps/s")
    h.click("gdPlay")
    spin = h.w(QDoubleSpinBox, "gdLearningRate")
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "0.0")
    rows = h.rows()
    qtbot.waitUntil(lambda: h.rows() > rows + 3, timeout=10_000)  # the panel redrew
    assert spin.lineEdit().text() == "0.0"  # what is being typed stays
    qtbot.keyClicks(spin.lineEdit(), "5")
    qtbot.keyClick(spin.lineEdit(), Qt.Key.Key_Return)
    assert h.session.descent.configs[0].learning_rate == 0.05
    assert not h.controls.playing and h.rows() == 0  # a new η resets the run and stops Play


def test_big_and_tiny_numbers_are_shown_whole(make_panel):
    h = make_panel(SQUARE, "x^2")
    h.type_into("gdStart", "1")
    h.type_into("gdLearningRate", "1.1")
    h.type_into("gdMaxSteps", "1000")
    h.play_until_done()
    k = h.rows() - 1
    text = h.cell(k, 1)
    assert "e" in text and "+" not in text and num(text) == pytest.approx((-1.2) ** k, rel=5e-6)
    table = h.w(QTableView, "gdTable")
    fm = table.fontMetrics()
    for col in range(1, 5):  # the column is wide enough for its newest text: no "…"
        assert table.columnWidth(col) >= fm.horizontalAdvance(h.cell(k, col))


def _newest_row_in_view(table: QTableView, rows: int) -> bool:
    last = table.visualRect(table.model().index(rows - 1, 0))
    return table.viewport().rect().contains(last.center())


def test_the_table_follows_the_newest_row_unless_scrolled_up(make_panel):
    h = make_panel()
    h.click("gdStep", 40)
    table = h.w(QTableView, "gdTable")
    bar = table.verticalScrollBar()
    h.qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())  # following
    bar.setValue(0)  # a person scrolls up to read the first rows
    h.click("gdStep", 3)
    QApplication.processEvents()
    assert bar.value() == 0
    bar.setValue(bar.maximum())  # back at the bottom: following again
    h.click("gdStep")
    h.qtbot.waitUntil(lambda: _newest_row_in_view(table, h.rows()))


def test_the_newest_row_stays_in_view_through_a_whole_play(make_panel):
    # Rows can arrive faster than the table lays itself out (issue 13 saw it stop
    # following at k = 15–27 of a 40-step run): following is decided when the position
    # moves, and the scroll happens after the layout.
    h = make_panel()
    h.type_into("gdLearningRate", "0.02")
    h.type_into("gdMaxSteps", "40")
    h.play_until_done()
    table = h.w(QTableView, "gdTable")
    assert h.rows() == 41
    h.qtbot.waitUntil(lambda: _newest_row_in_view(table, 41))
    # and Step pressed faster than the table lays itself out (no events in between)
    h.click("gdReset")
    step = h.w(QPushButton, "gdStep")
    for _ in range(40):
        step.click()
    h.qtbot.waitUntil(lambda: _newest_row_in_view(table, 41))


def test_no_column_is_cut_in_a_narrow_dock(make_panel, qtbot):
    h = make_panel()
    h.click("gdStep", 30)
    # a dock of 30% of a 1400-px window and wider: every shown column whole, none cut by
    # the edge or the scroll bar (the step column goes first; narrower docks scroll)
    for width in (400, 700):
        panel = IteratesPanel(h.session)
        qtbot.addWidget(panel)
        panel.resize(width, 400)
        panel.show()
        qtbot.waitExposed(panel)
        h.click("gdStep")
        QApplication.processEvents()
        table = panel.table
        header = table.horizontalHeader()
        shown = [c for c in range(table.model().columnCount()) if not table.isColumnHidden(c)]
        right = max(header.sectionViewportPosition(c) + header.sectionSize(c) for c in shown)
        assert right <= table.viewport().width() + 1, width  # nothing past the edge
        assert not table.horizontalScrollBar().isVisible()
        fm = table.fontMetrics()
        k = h.rows() - 1
        for c in shown[1:]:  # and every shown number whole (no "…")
            text = table.model().index(k, c).data()
            assert table.columnWidth(c) >= fm.horizontalAdvance(text)
        if width >= 700:
            assert len(shown) == 5  # k, x, f, f′, step: all of them when there is room
