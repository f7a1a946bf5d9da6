"""Export and copy the f(x, y) plot (File › Export Plot…, Copy Plot while it is shown).

The picture is drawn by an offscreen :class:`~derivview.ui.xy.plot.XyPlot` over a copy of
the workspace's state (the same function, point, region, runs; the items chosen in the
dialog; fixed light or dark colours), laid out at the size the f(x) export uses and
rendered by the same PNG, SVG and PDF writers (:mod:`derivview.ui.export`): a picture of
what the window shows, never a screenshot of it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPicture

from derivview.model.labs.xy_fields import ITEM_LABELS, ITEMS
from derivview.ui.export import (
    ExportError,
    ExportOptions,
    _check_target,  # the f(x) export's checks and helpers, shared
    _quiet_offscreen,
    _settle,
    format_of,
    layout_size,
    png_bytes,
    render_pdf,
    render_png,
    render_svg,
)

if TYPE_CHECKING:
    from derivview.model.labs.xy_state import XyState
    from derivview.ui.xy.plot import XyPlot


def snapshot(state: XyState, items: frozenset[str] | None) -> XyState:
    """A state showing what ``state`` shows (its runs shared, not replayed)."""
    from derivview.model.labs.xy_state import XyState

    copy = XyState()
    values = state.values()
    values.pop("steps_taken")
    copy.update(values)
    copy.descent.show_runs_of(state.descent)
    if items is not None:
        copy.set_visible_items(items)
    return copy


def _offscreen(state: XyState, options: ExportOptions) -> XyPlot:
    from derivview.ui.xy.plot import XyPlot

    plot = XyPlot(state, dark=options.theme_dark)
    plot.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    plot.setUpdatesEnabled(False)
    w, h = (max(1, round(v)) for v in layout_size(options.width, options.height))
    plot.resize(w, h)
    with _quiet_offscreen():
        plot.show()
    _settle(plot)
    plot.apply_view()
    plot.resample()
    # Axes size themselves to their labels when first painted: paint once (as the window
    # does) before the real render, so the layout does not depend on the export's scale.
    view = plot.widget
    for _ in range(2):
        picture = QPicture()
        painter = QPainter(picture)
        view.render(painter, QRectF(view.viewport().rect()), view.viewport().rect())
        painter.end()
        _settle(plot)
    return plot


def render_xy(state: XyState, options: ExportOptions, fmt: str = "png") -> bytes:
    """The picture of the f(x, y) plot of ``state``, encoded as ``fmt``.

    ``options.items`` are f(x, y) items (:data:`~derivview.model.labs.xy_fields.ITEMS`).
    """
    items = options.items
    if items is not None and not set(items) <= set(ITEMS):
        raise ExportError(f"unknown items: {', '.join(sorted(set(items) - set(ITEMS)))}")
    options = replace(options, items=None).checked()
    plot = _offscreen(snapshot(state, items), options)
    try:
        title = f"f(x, y) = {state.text}"
        if fmt == "png":
            return png_bytes(render_png(plot.widget, options))
        if fmt == "svg":
            return render_svg(plot.widget, options, title)
        if fmt == "pdf":
            return render_pdf(plot.widget, options, title)
        raise ExportError(f"unsupported format {fmt!r}")
    finally:
        plot.hide()
        plot.deleteLater()
        _settle()


class XyExport:
    """What File › Export Plot and Copy Plot draw in the f(x, y) workspace (its
    ``export_plot`` and ``copy_plot``)."""

    def __init__(self, state: XyState, plot: XyPlot) -> None:
        self.state = state
        self.plot = plot
        #: The dialog's item check boxes.
        self.item_labels = {item: ITEM_LABELS[item] for item in ITEMS}

    def view_size(self) -> tuple[int, int]:
        """The plot's size on screen."""
        return self.plot.widget.width(), self.plot.widget.height()

    def dark(self) -> bool:
        """Whether the plot shows the dark theme's colours."""
        return self.plot.dark

    def is_visible(self, item: str) -> bool:
        """Whether ``item`` is shown now (the dialog's default)."""
        return self.state.is_visible(item)

    def export(self, path: Path, options: ExportOptions) -> None:
        """Write the picture to ``path`` (PNG, SVG or PDF by extension), atomically."""
        from derivview.model.session_file import write_atomic

        path = Path(path)
        fmt = format_of(path)
        _check_target(path)
        write_atomic(path, render_xy(self.state, options, fmt), ExportError)

    def image(self, options: ExportOptions) -> QImage:
        """The picture as an image (the clipboard)."""
        image = QImage()
        if not image.loadFromData(render_xy(self.state, options, "png"), "PNG"):
            raise ExportError("could not make the image")
        return image
