"""The plot's axes: tick labels as people write numbers, laid out as pyqtgraph lays them
out — the label sizes the axis remembers are the sizes pyqtgraph measures."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFont, QPainter, QPicture

import pyqtgraph as pg  # isort: skip

from derivview.ui.axes import NumberAxis, tick_text


def specs(axis: pg.AxisItem) -> Any:
    picture = QPicture()
    painter = QPainter(picture)
    try:
        return axis.generateDrawSpecs(painter)
    finally:
        painter.end()


def text_specs(axis: pg.AxisItem) -> list[tuple[float, float, float, float, str]]:
    rects = specs(axis)[2]
    return [(r.x(), r.y(), r.width(), r.height(), text) for r, _flags, text in rects]


class PlainAxis(NumberAxis):
    """The same labels, measured by pyqtgraph itself every time."""

    def generateDrawSpecs(self, p: QPainter) -> Any:
        return pg.AxisItem.generateDrawSpecs(self, p)


def plots(qtbot, orientation: str, size: tuple[int, int] = (700, 500)) -> dict[type, Any]:  # type: ignore[no-untyped-def]
    """A shown plot with a NumberAxis and one with a PlainAxis on ``orientation``:
    {class: (widget, axis)}."""
    found = {}
    for cls in (NumberAxis, PlainAxis):
        widget = pg.PlotWidget(axisItems={orientation: cls(orientation)})
        qtbot.addWidget(widget)
        widget.resize(*size)
        widget.show()
        item = widget.getPlotItem()
        item.showAxis(orientation)
        found[cls] = (widget, item.getAxis(orientation))
    qtbot.wait(20)
    return found


@pytest.mark.parametrize("orientation", ["left", "bottom"])
def test_remembered_label_sizes_are_the_sizes_pyqtgraph_measures(qtbot, orientation) -> None:
    axes = plots(qtbot, orientation)
    ranges = [(-3.0, 5.0), (-0.002, 0.007), (-3.0, 5.0), (1e5, 4e6), (-12.5, -3.25)]
    labelled = 0
    for point_size in (9, 22, 9):  # a new font: new sizes, not the old font's
        for _widget, axis in axes.values():
            font = QFont()
            font.setPointSize(point_size)
            axis.setStyle(tickFont=font)
        for lo, hi in ranges:
            for widget, _axis in axes.values():
                if orientation == "left":
                    widget.setYRange(lo, hi, padding=0)
                else:
                    widget.setXRange(lo, hi, padding=0)
            ours, truth = (text_specs(axes[c][1]) for c in (NumberAxis, PlainAxis))
            assert ours == truth, (point_size, lo, hi)
            labelled += bool(ours)
    assert labelled >= 10  # most of the views have labels to compare


def all_specs(axis: pg.AxisItem) -> Any:
    """Every spec as plain values: pens (colour with alpha, width), points, rectangles,
    flags, texts; and the text size the axis took from them."""
    found = specs(axis)
    if found is None:
        return None
    axis_spec, ticks, texts = found

    def pen(p: Any) -> Any:
        return (p.color().rgba(), p.widthF(), p.isCosmetic(), p.style())

    def point(q: Any) -> Any:
        return (q.x(), q.y())

    return (
        (pen(axis_spec[0]), point(axis_spec[1]), point(axis_spec[2])),
        [(pen(p), point(a), point(b)) for p, a, b in ticks],
        [(r.x(), r.y(), r.width(), r.height(), int(flags), text) for r, flags, text in texts],
        axis.textWidth,
        axis.textHeight,
    )


@pytest.mark.parametrize("orientation", ["left", "bottom", "right", "top"])
@pytest.mark.parametrize("grid", [False, 80])
def test_the_draw_specs_are_pyqtgraphs_own(qtbot, orientation, grid) -> None:  # type: ignore[no-untyped-def]
    """NumberAxis finds its ticks, tick pens and labels by its own code (pyqtgraph's is
    slow): for every side, with and without a grid, across ranges, sizes and fonts, the
    same specs as pyqtgraph's ``generateDrawSpecs`` — and the same text size afterwards."""
    axes = plots(qtbot, orientation)
    for _widget, axis in axes.values():
        axis.setGrid(grid)
    vertical = orientation in ("left", "right")
    ranges = [(-3.0, 5.0), (-0.002, 0.007), (1e5, 4e6), (-12.5, -3.25), (7.0, 7.0 + 1e-9)]
    compared = 0
    for size, point_size in (((700, 500), 9), ((300, 160), 22), ((1500, 900), 11)):
        for widget, axis in axes.values():
            widget.resize(*size)
            font = QFont()
            font.setPointSize(point_size)
            axis.setStyle(tickFont=font)
        qtbot.wait(10)
        for lo, hi in ranges:
            for widget, _axis in axes.values():
                if vertical:
                    widget.setYRange(lo, hi, padding=0)
                else:
                    widget.setXRange(lo, hi, padding=0)
            for _ in range(2):  # again: the text size of the first pass is taken
                ours, truth = (all_specs(axes[c][1]) for c in (NumberAxis, PlainAxis))
                assert ours == truth, (size, lo, hi)
            compared += bool(ours and ours[1] and ours[2])
    assert compared >= 10  # most views have ticks and labels to compare


def test_settings_its_own_specs_leave_out_go_to_pyqtgraph(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Tick alpha, custom ticks and an axis stopped at a tick: pyqtgraph's specs."""
    shown = plots(qtbot, "bottom", (600, 400))
    axes = {cls: axis for cls, (_widget, axis) in shown.items()}
    for widget, _axis in shown.values():
        widget.setXRange(-2.0, 9.0, padding=0)
    changes = [
        lambda a: a.setStyle(tickAlpha=0.5),
        lambda a: a.setStyle(tickAlpha=None, stopAxisAtTick=(True, True)),
        lambda a: a.setStyle(stopAxisAtTick=(False, False)) or a.setTicks([[(1.0, "one")]]),
    ]
    for change in changes:
        for axis in axes.values():
            change(axis)
        assert all_specs(axes[NumberAxis]) == all_specs(axes[PlainAxis])


def test_tick_labels_have_a_real_minus_and_short_exponents() -> None:
    assert tick_text("-2") == "−2"
    assert tick_text("1e-05") == "1e−5"
    assert tick_text("2.5e+06") == "2.5e6"


@pytest.mark.parametrize(("narrows_below", "narrows"), [(0.0, True), (0.5, False), (0.8, True)])
def test_a_vertical_axis_narrows_by_pyqtgraphs_rule_unless_told_otherwise(
    qtbot, narrows_below, narrows
) -> None:
    axis = NumberAxis("left")
    axis.narrows_below = narrows_below
    axis._updateMaxTextSize(60)
    assert axis.textWidth == 60
    axis._updateMaxTextSize(40)  # 20 px narrower: pyqtgraph narrows beyond 10 px
    assert (axis.textWidth == 40) is narrows


def test_remembered_tick_values_are_pyqtgraphs_after_every_setting(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Tick values are remembered per range and size, and for the settings they depend
    on: after each change, the same as pyqtgraph finds afresh."""
    axis = NumberAxis("bottom")
    changes = [
        lambda: None,
        lambda: axis.setScale(1000.0),
        lambda: axis.setScale(1.0),
        lambda: axis.setTickSpacing(3.0, 1.0),
        lambda: axis.setTickSpacing(),
        lambda: axis.setTickDensity(3.0),
        lambda: axis.setLogMode(True),
        lambda: axis.setLogMode(False),
    ]
    for change in changes:
        change()
        for lo, hi, size in ((0.0, 10.0, 500.0), (-3.5, 1e4, 120.0), (0.0, 10.0, 500.0)):
            got = axis.tickValues(lo, hi, size)
            want = pg.AxisItem.tickValues(axis, lo, hi, size)
            assert got == [(s, list(v)) for s, v in want], (change, lo, hi)
            got[0][1].clear()  # a caller's own lists: the memory is untouched
            assert axis.tickValues(lo, hi, size)[0][1] == list(want[0][1])
