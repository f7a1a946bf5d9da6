"""What the labs' small plots share: an axis of powers of ten, colours, a lazy plot.

The labs plot magnitudes that span hundreds of decades (a gradient after 200 layers,
errors from 1 down to 1e-17): they plot log₁₀ of the value themselves — so a value
beyond float64, known only by its logarithm, plots like any other — on a
:class:`PowerAxis`, whose labels read 10⁻⁸, 1, 10⁴.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

from derivview.ui.plot_style import BLUE, SKY_BLUE, PlotStyle, plot_style

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: Smallest height of a lab plot (its dock may be short: a tab of the side column).
MIN_PLOT_HEIGHT = 120
PREFERRED_PLOT_HEIGHT = 210


def power_text(exponent: float) -> str:
    """10^exponent as people write it: ``10⁻⁸``, ``1``, ``10``, ``10²⁰⁰``."""
    n = round(exponent)
    if n == 0:
        return "1"
    if n == 1:
        return "10"
    return "10" + str(n).translate(SUPERSCRIPT)


class PowerAxis(pg.AxisItem):
    """An axis for log₁₀ data, labelled in powers of ten at whole decades.

    ``powers`` off: an ordinary axis (the numerical dock plots the quotients themselves
    where f′ does not exist).
    """

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.powers = True
        self.enableAutoSIPrefix(False)

    def set_powers(self, on: bool) -> None:
        """Label powers of ten (log₁₀ data) or plain numbers."""
        if on != self.powers:
            self.powers = on
            self.picture = None
            self.update()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[Any]:
        if not self.powers:
            return super().tickValues(minVal, maxVal, size)  # type: ignore[no-any-return]
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi - lo > 1e5:
            return []
        room = max(2, int(size / (46 if self.orientation in ("bottom", "top") else 24)))
        major = next(
            (s for s in (1, 2, 4, 5, 10, 20, 25, 50, 100, 200, 500, 1000) if (hi - lo) / s <= room),
            5000,
        )
        first = math.ceil(lo / major) * major
        majors = [float(v) for v in range(first, math.floor(hi) + 1, major)]
        minors: list[float] = []
        if 1 < major <= 10:
            minors = [float(v) for v in range(math.ceil(lo), math.floor(hi) + 1) if v % major]
        return [(float(major), majors), (1.0, minors)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self.powers:
            return super().tickStrings(values, scale, spacing)  # type: ignore[no-any-return]
        return [power_text(v) for v in values]


class LabPlotView(pg.GraphicsView):
    """A lab's pyqtgraph view; its plot (axes, view box, items) is made on first show.

    Docks are built with the window, before its first paint, and most lab docks start
    on a tab behind another: a whole PlotWidget for each costs ~10–15 ms of the first
    paint for nothing. This view is cheap to make (~1 ms); :meth:`build` makes its
    ``plot_item`` — power-of-ten axes, no menu, no mouse pan or zoom (the dock sets the
    ranges from what it shows) — and calls ``on_build(plot_item)`` to add the items.
    """

    def __init__(
        self,
        object_name: str,
        left: str,
        bottom: str,
        on_build: Callable[[pg.PlotItem], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, background=plot_style(False).background)
        self.setObjectName(object_name)
        self.enableMouse(False)  # as PlotWidget: the plot item's view box takes the mouse
        self.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.plot_item: pg.PlotItem | None = None
        self._labels = (left, bottom)
        self._on_build = on_build

    def build(self) -> pg.PlotItem:
        """The plot item (made now if it was not yet)."""
        if self.plot_item is None:
            axes = {"left": PowerAxis("left"), "bottom": PowerAxis("bottom")}
            item = pg.PlotItem(axisItems=axes)
            item.setMenuEnabled(False)
            item.hideButtons()
            item.setMouseEnabled(x=False, y=False)
            item.setLabel("left", self._labels[0])
            item.setLabel("bottom", self._labels[1])
            item.getViewBox().disableAutoRange()
            for axis in axes.values():
                # Ticks change only with the ranges, not with every frame of a drag.
                axis.setCacheMode(axis.CacheMode.DeviceCoordinateCache)
            self.setCentralItem(item)
            self.plot_item = item
            self._on_build(item)
        return self.plot_item

    def sizeHint(self) -> QSize:
        # A QGraphicsView asks for its scene's size, which grows with the view: in a
        # scroll area that would never let the plot shrink back.
        return QSize(320, PREFERRED_PLOT_HEIGHT)

    def showEvent(self, event: QShowEvent) -> None:
        # Before this view's first paint, if a person sees it: a dock on a tab behind
        # another is shown too (out of the window), and would build its plot before
        # the window's first paint for nothing. Its panel builds it when it is seen.
        if is_seen(self):
            self.build()
        super().showEvent(event)


def style_plot(view: LabPlotView, style: PlotStyle) -> None:
    """The theme's background, axes and grid on a lab plot (once built)."""
    view.setBackground(style.background)
    item = view.plot_item
    if item is None:
        return
    item.showGrid(x=True, y=True, alpha=style.grid_alpha)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(style.foreground))
        axis.setTextPen(pg.mkPen(style.foreground))
        axis.picture = None  # redraw the cached ticks in the new colour
        axis.update()


def steady_range(
    current: tuple[float, float] | None, lo: float, hi: float, step: float
) -> tuple[float, float]:
    """A y range that shows [lo, hi], in whole steps, kept as it is (``current``)
    while the data stay inside and fill most of it. A new range redraws the axis and its
    labels — the most costly thing on a small plot — and a drag of x₀ moves the data a
    little every frame."""
    if current is not None:
        cur_lo, cur_hi = current
        if cur_lo <= lo and hi <= cur_hi and (cur_hi - cur_lo) <= (hi - lo) + 3 * step:
            return current
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def is_seen(widget: QWidget) -> bool:
    """Whether a person can see ``widget`` now. A dock on a tab behind another stays
    "visible" to Qt — it is only moved out of the window — so ``isVisible`` is not
    enough: it must also lie in its window. (``visibleRegion`` will not do: it leaves
    out what children cover, and a panel is all children.)"""
    if not widget.isVisible():
        return False
    window = widget.window()
    where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return where.intersects(window.rect())


def watch_dock(widget: QWidget, on_seen: Callable[[], None]) -> None:
    """Call ``on_seen`` when the dock holding ``widget`` comes into view (its tab is
    chosen, it is shown again). Call from the widget's first ``showEvent``: before, it is
    not yet in its dock. Nothing happens for a widget outside a dock."""
    if widget.property("watchingDock"):
        return
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QDockWidget):
        parent = parent.parentWidget()
    if parent is None:
        return
    parent.visibilityChanged.connect(lambda seen: on_seen() if seen else None)
    widget.setProperty("watchingDock", True)


def scrolled_column(owner: QWidget, name: str) -> QVBoxLayout:
    """The column of a lab panel, in a vertical scroll area that fills ``owner``.

    The dock is a tab of the side column and may be short: the panel then scrolls rather
    than forcing its height on the column (the readout above would be cut off); in a
    tall dock the column fills it and the plot (stretch 1) takes the room.
    """
    content = QWidget()
    content.setObjectName(name)
    column = QVBoxLayout(content)
    column.setContentsMargins(3, 2, 3, 2)
    column.setSpacing(2)
    scroll = QScrollArea()
    scroll.setObjectName(f"{name}Scroll")
    scroll.setWidget(content)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return column


def fit_width(owner: QWidget) -> None:
    """Never narrower than the column of :func:`scrolled_column` (it scrolls only up and
    down): call once the column is filled. The dock then keeps the panel's width, as the
    window's own scrolling docks do, instead of cutting controls off at its edge."""
    scroll = owner.findChild(QScrollArea)
    if scroll is None or scroll.widget() is None:
        return
    bar = scroll.verticalScrollBar().sizeHint().width()
    scroll.setMinimumWidth(scroll.widget().minimumSizeHint().width() + bar)


def show_text(item: pg.TextItem) -> None:
    """Show a TextItem at its size in pixels. It keeps that size by a transform it
    updates only while visible: shown again after a hidden spell in which the view
    changed, it would be drawn at the data's scale — thousands of pixels wide."""
    if not item.isVisible():
        item.show()
        item.updateTransform(force=True)


def set_data(item: pg.PlotDataItem, x: Any, y: Any) -> None:
    """``item.setData(x, y)``, or empty it where no y is finite (pyqtgraph's bounds of
    all-NaN data warn, and a warning in a paint is an error under the test suite)."""
    ys = np.asarray(y, dtype=float)
    if ys.size and np.isfinite(ys).any():
        item.setData(x, ys)
    else:
        item.setData([], [])


def style_legend(legend: pg.LegendItem, style: PlotStyle) -> None:
    """The theme's colours on a lab plot's legend (its frame, fill and labels)."""
    legend.setBrush(pg.mkBrush(style.background + "C0"))
    legend.setPen(pg.mkPen(muted(style)))
    legend.setLabelTextColor(style.foreground)
    for _sample, label in legend.items:
        label.setText(label.text, color=style.foreground)  # setAttr alone does not redraw


def accent_blue(dark: bool) -> str:
    """Blue that reads on the theme's background (Okabe–Ito blue is too dark on black)."""
    return SKY_BLUE if dark else BLUE


def muted(style: PlotStyle, alpha: float = 0.55) -> str:
    """The foreground colour faded towards the background (reference lines)."""
    fg, bg = pg.mkColor(style.foreground), pg.mkColor(style.background)
    r = round(bg.red() + (fg.red() - bg.red()) * alpha)
    g = round(bg.green() + (fg.green() - bg.green()) * alpha)
    b = round(bg.blue() + (fg.blue() - bg.blue()) * alpha)
    return f"#{r:02x}{g:02x}{b:02x}"


def theme_style(dark: bool) -> PlotStyle:
    """The plot style of the theme (light or dark)."""
    return plot_style(dark)
