"""The deep-chain dock: change the activation, the depth, W, B, x (or x₀) and clipping, and
read the plot and the words against closed forms (linear: |∂aₖ/∂x| = |W|ᵏ; sigmoid at
W = 1: never above 4⁻ᵏ) and an independent product of local derivatives."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QSpinBox

import pyqtgraph as pg  # isort: skip

from derivview.model.session import Session
from derivview.ui.labs.depth_panel import DepthPanel


def make(qtbot: Any, **settings: Any) -> DepthPanel:
    session = Session()
    session.state("depth").set(**settings)
    panel = DepthPanel(session)
    qtbot.addWidget(panel)
    panel.resize(420, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def plotted(panel: DepthPanel, item: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = item.getData()
    return np.asarray(xs), np.asarray(ys)


def type_into(qtbot: Any, spin: Any, text: str) -> None:
    edit = spin.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_the_controls_a_person_uses(qtbot) -> None:
    panel = make(qtbot)
    combo = panel.findChild(QComboBox, "depthActivation")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "sigmoid", "tanh", "relu", "linear",
    ]  # fmt: skip
    spin = panel.findChild(QSpinBox, "depthSpin")
    assert (spin.minimum(), spin.maximum(), spin.value()) == (1, 200, 20)
    assert isinstance(panel.findChild(pg.GraphicsView, "depthPlot"), pg.GraphicsView)
    for w in (combo, spin, panel.weight, panel.bias, panel.input, panel.follow, panel.clip):
        assert w.toolTip(), w.objectName()


def test_twenty_sigmoids_vanish_and_the_words_say_how_fast(qtbot) -> None:
    panel = make(qtbot, follow_x0=False, x=0.0)
    words = panel.summary.text()
    assert words.startswith("vanishing: the gradient shrinks ~4.4× per layer")
    assert "after 20 layers" in words
    ks, ys = plotted(panel, panel.grad)
    assert list(ks) == list(range(1, 21))
    assert np.all(ys <= -np.log10(4) * ks + 1e-12)  # σ′ ≤ 1/4 per layer
    _, local = plotted(panel, panel.local)
    assert np.all(local <= np.log10(0.25) + 1e-12)
    assert local[0] == pytest.approx(np.log10(0.25))  # σ′(0) = 1/4 exactly


def test_changing_the_activation_and_depth_as_a_person_does(qtbot) -> None:
    panel = make(qtbot, follow_x0=False, x=0.3)
    combo = panel.activation
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_End)  # the last: linear
    assert panel.settings.get("activation") == "linear"
    type_into(qtbot, panel.weight, "1.5")
    type_into(qtbot, panel.depth, "30")
    assert panel.settings.get("depth") == 30 and panel.settings.get("weight") == 1.5
    ks, ys = plotted(panel, panel.grad)
    assert len(ks) == 30
    assert np.allclose(ys, ks * math.log10(1.5), rtol=0, atol=1e-12)  # |W|ᵏ
    assert panel.summary.text().startswith("exploding: the gradient grows ~1.5× per layer")
    _, local = plotted(panel, panel.local)
    assert np.allclose(local, math.log10(1.5))


def test_tanh_against_an_independent_product(qtbot) -> None:
    import mpmath as mp

    panel = make(qtbot, activation="tanh", depth=50, weight=1.3, bias=-0.2, follow_x0=False, x=0.7)
    a, g = mp.mpf(0.7), mp.mpf(1)
    truth = []
    for _ in range(50):
        a = mp.tanh(1.3 * a - 0.2)
        g *= 1.3 * (1 - a**2)
        truth.append(float(mp.log10(abs(g))))
    _, ys = plotted(panel, panel.grad)
    assert np.allclose(ys, truth, rtol=0, atol=1e-9)


def test_relu_kills_with_zero_and_the_plot_marks_where(qtbot) -> None:
    panel = make(qtbot, activation="relu", depth=10, weight=1.0, bias=-2.0, follow_x0=False, x=1.0)
    # z₁ = 1 − 2 = −1 < 0: dead from layer 1
    assert panel.summary.text().startswith("dead: z₁ = −1 < 0")
    assert panel.stop.isVisible() and panel.stop.value() == 1
    assert panel.stop_label.toPlainText() == "0 from here"
    xs, _ = panel.grad.getData()
    assert xs is None or len(xs) == 0  # log 0: nothing to draw


def test_relu_with_positive_preactivations_passes_w(qtbot) -> None:
    panel = make(qtbot, activation="relu", depth=40, weight=0.8, bias=0.5, follow_x0=False, x=1.0)
    ks, ys = plotted(panel, panel.grad)
    assert np.allclose(ys, ks * math.log10(0.8), atol=1e-12)
    assert not panel.stop.isVisible()
    assert panel.summary.text().startswith("vanishing")


def test_clipping_caps_an_exploding_gradient_and_not_a_vanishing_one(qtbot) -> None:
    panel = make(qtbot, activation="linear", depth=12, weight=2.0, follow_x0=False, x=1.0)
    qtbot.mouseClick(panel.clip, Qt.MouseButton.LeftButton, pos=panel.clip.rect().center())
    assert panel.settings.get("clip") and panel.clip_norm.isEnabled()
    type_into(qtbot, panel.clip_norm, "10")
    ks, capped = plotted(panel, panel.clipped)
    assert np.allclose(capped, np.minimum(ks * math.log10(2), 1.0), atol=1e-12)
    _, cap = plotted(panel, panel.cap)
    assert np.allclose(cap, 1.0)
    words = panel.summary.text()
    assert "clipping at 10 caps |∂aₖ/∂x| at 10 from layer 4 on" in words
    panel.activation.setCurrentText("sigmoid")
    assert "cannot bring back a vanishing one" in panel.summary.text()
    qtbot.mouseClick(panel.clip, Qt.MouseButton.LeftButton, pos=panel.clip.rect().center())
    xs, _ = panel.clipped.getData()
    assert xs is None or len(xs) == 0


def test_the_input_follows_x0(qtbot) -> None:
    panel = make(qtbot, activation="linear", depth=3, weight=2.0, bias=1.0)
    s = panel.session
    assert panel.follow.isChecked() and not panel.input.isEnabled()
    s.set_x0(0.75)
    assert panel.input.value() == 0.75
    assert panel.chain().layers[0].z == 2.0 * 0.75 + 1.0
    # its own x: unfollow and type it
    panel.follow.setChecked(False)
    assert panel.input.isEnabled()
    type_into(qtbot, panel.input, "-3")
    assert panel.settings.get("x") == -3.0
    s.set_x0(2.0)
    assert panel.chain().layers[0].z == 2.0 * -3.0 + 1.0


def test_beyond_float64_still_plots(qtbot) -> None:
    panel = make(qtbot, activation="linear", depth=200, weight=100.0, follow_x0=False, x=1.0)
    _, ys = plotted(panel, panel.grad)
    assert ys[-1] == pytest.approx(400.0)  # |∂a/∂x| = 1e400: beyond float64
    assert "1e400" in panel.summary.text()
    lo, hi = panel.plot_item.getViewBox().viewRange()[1]
    assert lo < 0 < 400 < hi


def test_a_refused_value_leaves_the_setting(qtbot) -> None:
    panel = make(qtbot)
    type_into(qtbot, panel.weight, "1e7")  # beyond ±1e6: not accepted
    assert panel.settings.get("weight") == 1.0
    assert panel.weight.value() == 1.0


def test_nothing_is_computed_while_hidden(qtbot) -> None:
    panel = make(qtbot, follow_x0=True)
    panel.hide()
    before = panel.summary.text()
    panel.session.state("depth").set(activation="linear", weight=3.0)
    assert panel.summary.text() == before
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.summary.text().startswith("exploding: the gradient grows ~3× per layer")


def test_the_window_has_the_dock(make_window, qtbot) -> None:
    from PySide6.QtWidgets import QDockWidget

    win = make_window("--activation", "tanh", "--depth", "7", ready=False)
    dock = win.findChild(QDockWidget, "depthDock")
    assert dock is not None and dock.windowTitle() == "Deep chain"
    assert win.findChild(QComboBox, "depthActivation").currentText() == "tanh"
    assert win.findChild(QSpinBox, "depthSpin").value() == 7
    assert win.findChild(QCheckBox, "depthFollowX0").isChecked()
    dock.raise_()
    qtbot.waitUntil(dock.isVisible)
    panel = win.dock_content("depthDock")
    assert "after 7 layers" in panel.summary.text()


def points_under_the_legend(panel: DepthPanel) -> list[tuple[str, float, float]]:
    """The plotted points (|∂aₖ/∂x| and the locals) that the legend's box covers."""
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()  # the legend anchors itself when the view is laid out
    box = panel.legend.sceneBoundingRect()
    vb = panel.plot_item.getViewBox()
    covered = []
    for name, item in (("grad", panel.grad), ("local", panel.local)):
        xs, ys = item.getData()
        if xs is None:  # nothing drawn (a dead chain)
            continue
        for x, y in zip(xs, ys, strict=True):
            if np.isfinite(y) and box.contains(vb.mapViewToScene(QPointF(float(x), float(y)))):
                covered.append((name, float(x), float(y)))
    return covered


@pytest.mark.parametrize(
    "settings",
    [
        {"activation": "sigmoid", "depth": 20, "weight": 1.0},  # vanishing
        {"activation": "tanh", "depth": 30, "weight": 0.5},  # vanishing
        {"activation": "linear", "depth": 12, "weight": 2.0},  # exploding
        {"activation": "tanh", "depth": 8, "weight": 4.0},  # exploding, then tanh saturates
        {"activation": "relu", "depth": 10, "weight": 1.0, "bias": 0.5},  # stable
        {"activation": "tanh", "depth": 5, "weight": 1.0},  # stable, falling
        {"activation": "tanh", "depth": 60, "weight": 1.0},  # falls fast, then slowly
        {"activation": "relu", "depth": 5, "weight": -3.0, "bias": 1.0},  # dies at layer 2
    ],
)
# the dock's plot in a 1400×900 window and in a 1024×640 one
@pytest.mark.parametrize("size", [(420, 600), (420, 330), (320, 290)])
def test_the_legend_covers_as_few_points_as_any_corner(qtbot, settings, size) -> None:
    panel = make(qtbot, follow_x0=False, **{"x": 0.3, **settings})
    panel.resize(*size)
    assert panel.legend.isVisible()
    covered = len(points_under_the_legend(panel))
    # In the small plot a long tanh chain leaves no corner free, and a relu chain that
    # dies at layer 2 neither; a short tanh chain does (top left, not the bottom left).
    if size != (320, 290) or (settings["activation"] == "tanh" and settings["depth"] == 5):
        assert covered == 0
    for corner, offset in (
        ((0, 1), (6, -6)),
        ((0, 0), (6, 6)),
        ((1, 1), (-6, -6)),
        ((1, 0), (-6, 6)),
    ):
        panel.legend.anchor(itemPos=corner, parentPos=corner, offset=offset)
        assert len(points_under_the_legend(panel)) >= covered  # no corner covers fewer


def test_a_saturated_sigmoid_vanishes_on_the_plot_not_dies(qtbot) -> None:
    # W = 2000: z₁ = 1000, σ′(1000) ≈ e⁻¹⁰⁰⁰ is 0 in float64, not in mathematics
    panel = make(qtbot, activation="sigmoid", depth=5, weight=2000.0, follow_x0=False, x=0.5)
    assert panel.summary.text().startswith("vanishing: the gradient shrinks ~")
    assert not panel.stop.isVisible()
    ks, ys = plotted(panel, panel.grad)
    _, local = plotted(panel, panel.local)
    assert list(ks) == [1, 2, 3, 4, 5] and np.all(np.isfinite(ys)) and np.all(np.isfinite(local))
    # layer 1: log₁₀(2000·e⁻¹⁰⁰⁰/(1 + e⁻¹⁰⁰⁰)²) = log₁₀ 2000 − 1000/ln 10
    assert local[0] == pytest.approx(math.log10(2000) - 1000 / math.log(10), rel=1e-12)
    assert ys[0] == pytest.approx(local[0], rel=1e-12)


def test_w_zero_says_w_kills_it(qtbot) -> None:
    panel = make(qtbot, activation="relu", depth=3, weight=0.0, bias=3.0, follow_x0=False, x=0.5)
    assert panel.summary.text().startswith("dead: W = 0")
    assert panel.stop.isVisible() and panel.stop.value() == 1
