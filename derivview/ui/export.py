"""Export the plot as PNG, SVG or PDF, and the Export dialog.

The picture is what the view shows: the same session state (f, x₀, ranges, parameters,
descent runs) drawn by the same :class:`~derivview.ui.plot_panel.PlotPanel` as the
window, with the items and background chosen for the export. The window and the command
line (``derivview export``) both go through :func:`export_session`, so the same options
give the same picture.

How the size is honoured
------------------------
A picture is not a blown-up screenshot. An offscreen PlotPanel is laid out at a *layout
size* and drawn into the target at the requested size, with every line width, marker
and font scaled by the ratio, so a 3200-px PNG has the same composition as a 1600-px one
with everything twice as large and sharp. The layout size is the requested size, capped
at :data:`LAYOUT_SIZE` (1000 × 625) in proportion: small pictures are laid out as they
are, larger ones keep a readable composition instead of shrinking the text to specks.
The dialog's scale (1×, 2×, 3×) multiplies the pixel size of a PNG (for high-DPI screens
and print) without changing the composition.

Qt's own pieces do the drawing: QImage + QPainter for PNG, QtSvg.QSvgGenerator for SVG
(pyqtgraph's SVGExporter fails on Qt ≥ 6.11, pyqtgraph #3485), QPdfWriter for PDF.
Files are written atomically: a complete new file replaces the old one, or nothing
changes.

Building a PlotPanel costs ~90 ms, so the offscreen plot of a session is kept for the
next export and brought up to date with the session only when the picture's inputs
changed; everything an export changes on it is undone afterwards, and a reused plot
gives exactly the picture a fresh one would (tested).
"""

from __future__ import annotations

import contextlib
import math
import sys
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    QTimer,
)
from PySide6.QtGui import (
    QFontInfo,
    QImage,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPicture,
    QTransform,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGraphicsItem,
    QGraphicsView,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from derivview.model.session import EXTRA_ITEMS, ITEMS, Session
from derivview.ui.scene_paint import paint_scene

FORMATS = ("png", "svg", "pdf")
BACKGROUNDS = ("light", "dark", "transparent")
#: "standard": as the window; "presentation": thicker lines, larger text (projectors).
STYLES = ("standard", "presentation")
#: Pictures larger than this are laid out at this size (in proportion) and drawn larger.
LAYOUT_SIZE = (1000, 625)
#: The largest picture side in pixels (a 16384² ARGB image is already 1 GiB).
MAX_SIDE = 16384
#: The most pixels a PNG (or a GIF frame) may have: 50 million, e.g. 8000 × 6250 — an
#: image of 200 MB while it is drawn, a few seconds. Larger ones are refused up front:
#: 16384 × 16384 took ~20 s and 2.2 GB (issue 14).
MAX_PIXELS = 50_000_000
#: PNGs of more pixels than this are drawn in bands, reporting progress between them
#: (the window shows it and can cancel).
BANDED_PIXELS = 6_000_000
BAND_PIXELS = 4_000_000
MIN_SIDE = 16
#: Qt's PNG "quality" (100 - 11 × zlib level); 80 is zlib level 2.
PNG_QUALITY = 80
#: Longest title or axis label.
MAX_LABEL = 200
#: SVG and PDF are sized at this many pixels per inch (CSS pixels).
VECTOR_DPI = 96.0


class ExportError(Exception):
    """The picture could not be made or written; ``str(err)`` says why, for people."""


class Cancelled(ExportError):
    """The person cancelled the export."""


#: ``progress(done, total)``; returning False cancels.
Progress = Callable[[int, int], bool]


__all__ = [
    "BACKGROUNDS",
    "FORMATS",
    "MAX_PIXELS",
    "Cancelled",
    "ExportDialog",
    "ExportError",
    "ExportOptions",
    "clear_cache",
    "export_session",
    "format_of",
    "layout_size",
    "render_session",
    "render_session_image",
]


@dataclass(frozen=True)
class ExportOptions:
    """What to export.

    width, height
        The picture's size: pixels of a PNG at scale 1, and the size at 96 dpi (and so
        the aspect) of an SVG or PDF.
    scale
        PNG only: pixel density (2 makes a 2width × 2height PNG of the same picture).
    background
        ``"light"``, ``"dark"`` or ``"transparent"`` (transparent keeps ``dark``'s
        colours for the curves: set ``dark`` for a picture meant for a dark page).
    items
        The items to show (names of ``session.ITEMS``/``EXTRA_ITEMS``); None: what the
        session shows.
    title
        ``"auto"`` (f's formula, typeset), ``"none"`` or a text.
    y_label
        The y-axis label ("" for none).
    style
        ``"standard"`` or ``"presentation"`` (thicker lines and larger text).
    """

    width: int = 1600
    height: int = 1000
    scale: float = 1.0
    background: str = "light"
    dark: bool = False
    items: frozenset[str] | None = field(default=None)
    title: str = "none"
    y_label: str = ""
    style: str = "standard"

    def checked(self) -> ExportOptions:
        """These options, validated; raises ExportError with the reason."""
        w, h = int(self.width), int(self.height)
        if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
            raise ExportError(f"the size must be {MIN_SIDE}..{MAX_SIDE} pixels each way")
        s = float(self.scale)
        if not (math.isfinite(s) and 0.25 <= s <= 8):
            raise ExportError("the scale must be between 0.25 and 8")
        if max(w, h) * s > MAX_SIDE:
            raise ExportError(
                f"{round(w * s)} × {round(h * s)} pixels is too large "
                f"(at most {MAX_SIDE} pixels each way)"
            )

        if self.background not in BACKGROUNDS:
            raise ExportError(f"unknown background {self.background!r}")
        if self.style not in STYLES:
            raise ExportError(f"unknown style {self.style!r}: standard or presentation")
        if len(self.title) > MAX_LABEL or len(self.y_label) > MAX_LABEL:
            raise ExportError(f"a title or label may have at most {MAX_LABEL} characters")
        items = self.items
        if items is not None:
            unknown = set(items) - set(ITEMS) - set(EXTRA_ITEMS)
            if unknown:
                raise ExportError(f"unknown items: {', '.join(sorted(unknown))}")
            items = frozenset(items)
        return replace(self, width=w, height=h, scale=s, items=items)

    def check_pixels(self) -> None:
        """Refuse a raster picture (PNG, GIF frame) beyond :data:`MAX_PIXELS`, naming it."""
        w, h = round(self.width * self.scale), round(self.height * self.scale)
        if w * h > MAX_PIXELS:
            raise ExportError(
                f"{w} × {h} pixels is too large: a PNG may have at most "
                f"{MAX_PIXELS // 1_000_000} million pixels (e.g. 8000 × 6250); "
                "an SVG or PDF has no such limit"
            )

    @property
    def theme_dark(self) -> bool:
        """Whether the plot is drawn in the dark theme's colours."""
        if self.background == "transparent":
            return self.dark
        return self.background == "dark"


def format_of(path: str | Path) -> str:
    """``"png"``, ``"svg"`` or ``"pdf"`` from the file name; ExportError otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        shown = f".{suffix}" if suffix else "no extension"
        raise ExportError(
            f"unsupported format ({shown}): the file name must end in .png, .svg or .pdf"
        )
    return suffix


def layout_size(width: int, height: int) -> tuple[float, float]:
    """The size the plot is laid out at for a ``width`` × ``height`` picture."""
    ratio = max(1.0, min(width / LAYOUT_SIZE[0], height / LAYOUT_SIZE[1]))
    return width / ratio, height / ratio


# -- the offscreen plot ----------------------------------------------------------------


def snapshot_session(source: Session, items: frozenset[str] | None = None) -> Session:
    """A new session showing what ``source`` shows (its function shared, not recomputed)."""
    copy = Session()
    sync_session(copy, source, items)
    return copy


def sync_session(copy: Session, source: Session, items: frozenset[str] | None = None) -> None:
    """Make ``copy`` show what ``source`` shows, with ``items`` if given (every part)."""
    copy.mirror(source)
    if items is not None:
        copy.set_visible_items(items)


@dataclass(frozen=True)
class Decor:
    """What an export adds to the window's plot: a title (a math box), a y label, a style."""

    title: Any = None  # a derivview.model.mathbox.Box, or None
    y_label: str = ""
    presentation: bool = False


def decor_of(session: Session, options: ExportOptions) -> Decor:
    """The decorations ``options`` ask for on ``session``'s plot."""
    from derivview.ui.plot_title import title_box

    return Decor(
        title_box(session, options.title),
        options.y_label.strip(),
        options.style == "presentation",
    )


class OffscreenPlot:
    """A PlotPanel over a session, laid out offscreen at a given size (never shown).

    Use as a context manager; the widget is destroyed on exit.
    """

    def __init__(
        self,
        session: Session,
        size: tuple[float, float],
        dark: bool,
        decor: Decor | None = None,
    ) -> None:
        from derivview.ui.plot_panel import PlotPanel
        from derivview.ui.plot_title import MathTitle, install_title

        decor = decor or Decor()
        self.session = session
        #: Undo steps for what an animation adds for its frames (:meth:`close_extras`).
        self.extras: list[Callable[[], None]] = []
        #: What the picture was last brought up to date with (see ``_fingerprint``).
        self.state: tuple[Any, ...] | None = None
        # The window's layers, in fixed colours (not the application's theme).
        self.panel = PlotPanel(session, dark=dark, presentation=decor.presentation, picture=True)
        style = self.panel.plot_colors
        self.panel.set_axis_labels(decor.y_label)
        if decor.title is not None:
            px = (2.0 if decor.presentation else 1.45) * QFontInfo(self.panel.font()).pixelSize()
            install_title(self.panel.plot_item, MathTitle(decor.title, px, style.foreground))
        self.panel.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        # Nobody sees it: skip paint events (render() draws the scene itself).
        self.panel.setUpdatesEnabled(False)
        self.view: pg.PlotWidget = self.panel.plot_widget
        w, h = max(1, round(size[0])), max(1, round(size[1]))
        self.panel.resize(w, h)
        with _quiet_offscreen():
            self.panel.show()
        _settle(self.panel)
        # The panel may have margins or companions (a toolbar): make the view itself w × h.
        for _ in range(3):
            got = self.view.size()
            if (got.width(), got.height()) == (w, h):
                break
            self.panel.resize(
                self.panel.width() + w - got.width(), self.panel.height() + h - got.height()
            )
            _settle(self.panel)
        self.panel.plot_item.hideButtons()  # the "A" (auto-range) button is not in a picture
        self.refresh()

    def refresh(self) -> None:
        """Bring the plot up to date with its session (after the session changed)."""
        _settle(self.panel)
        # Axes size themselves to their tick labels when those are first painted. The
        # window paints at 1×; do the same here, before the real render, so the layout
        # is the window's and does not depend on the export's scale or on history.
        for _ in range(3):
            before = self._axes_geometry()
            picture = QPicture()
            painter = QPainter(picture)
            self.view.render(
                painter, QRectF(self.view.viewport().rect()), self.view.viewport().rect()
            )
            painter.end()
            _settle(self.panel)
            if self._axes_geometry() == before:
                break
        # The window lists hidden curves too (click to show them): not in a picture.
        legend = self.panel.legend
        for sample, _label in list(legend.items):
            if not sample.item.isVisible():
                legend.removeItem(sample.item)
        _settle(self.panel)
        self.panel.place_legend()  # for the entries and the view of this picture

    def _axes_geometry(self) -> tuple[tuple[float, float, float, float], ...]:
        return tuple(
            (r.x(), r.y(), r.width(), r.height())
            for r in (i.geometry() for i in self.view.scene().items() if isinstance(i, pg.AxisItem))
        )

    def close_extras(self) -> None:
        """Undo what an animation added (callables that undo it, last first)."""
        while self.extras:
            self.extras.pop()()
        _settle(self.panel)

    def __enter__(self) -> OffscreenPlot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Destroy the offscreen widgets (their session subscriptions go with them)."""
        self.panel.hide()
        self.panel.deleteLater()
        _settle()


@contextlib.contextmanager
def _quiet_offscreen() -> Iterator[None]:
    """Drop the offscreen platform's "does not support propagateSizeHints()" notice."""
    from PySide6.QtCore import qInstallMessageHandler

    def handler(mode: Any, context: Any, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            sys.stderr.write(message + "\n")

    previous = qInstallMessageHandler(handler)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def _settle(widget: QWidget | None = None, rounds: int = 20) -> None:
    """Process pending events, and run ``widget``'s pending one-shot timers now.

    The plot throttles resampling to one frame and recomputes markers shortly after a
    change; an export must not draw a half-updated plot, and need not wait out the
    delays either: each pending timer is restarted with a zero interval and fired.
    """
    app = QApplication.instance()
    if app is None:
        return
    app.processEvents()
    if widget is None:
        return
    for _ in range(rounds):
        pending = [t for t in widget.findChildren(QTimer) if t.isActive() and t.isSingleShot()]
        if not pending:
            break
        for timer in pending:
            timer.start(0)
        app.processEvents()


# -- scaling what Qt would not scale ----------------------------------------------------


def _scaled_pen(pen: QPen, factor: float) -> QPen:
    pen = QPen(pen)
    if pen.style() != Qt.PenStyle.NoPen and (pen.isCosmetic() or pen.widthF() == 0):
        # Cosmetic pens are drawn in device pixels whatever the transform: scale them.
        pen.setWidthF(max(pen.widthF(), 1.0) * factor)
        pen.setCosmetic(True)
    return pen


class _Scaling:
    """Make lines, symbols and pixel-sized items of a scene ``factor`` × larger, reversibly.

    Qt does not scale cosmetic pens (pyqtgraph's default) or items that ignore
    transformations (legend, the dragged point) with the painter; this does, and
    :meth:`restore` puts everything back so the offscreen plot can be reused.
    """

    def __init__(self, view: pg.PlotWidget, factor: float, transparent: bool) -> None:
        self._undo: list[Callable[[], None]] = []
        if transparent:
            brush = view.backgroundBrush()
            view.setBackground(None)
            self._undo.append(lambda: view.setBackgroundBrush(brush))
        if factor != 1.0:
            for item in view.scene().items():
                self._scale_item(item, factor)
        else:
            for item in view.scene().items():
                self._no_cache(item)

    def restore(self) -> None:
        """Undo every change, last first."""
        while self._undo:
            self._undo.pop()()

    def _no_cache(self, item: QGraphicsItem) -> None:
        # A pixmap cache (the window caches axes and legend) would be drawn scaled up:
        # paint every item afresh at the target resolution.
        mode = item.cacheMode()
        if mode != QGraphicsItem.CacheMode.NoCache:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
            self._undo.append(lambda: item.setCacheMode(mode))

    def _pen(self, getter: Callable[[], Any], setter: Callable[[QPen], Any], f: float) -> None:
        old = getter()
        if old is None:
            return
        old = pg.mkPen(old)
        new = _scaled_pen(old, f)
        if new.widthF() != old.widthF():
            setter(new)
            self._undo.append(lambda: setter(old))

    def _scale_item(self, item: QGraphicsItem, f: float) -> None:
        self._no_cache(item)
        parent = item.parentItem()
        ignore = QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations
        if item.flags() & ignore:
            # Legends and pixel-sized markers keep their size under the view's transform;
            # cancel their ancestors' scaling explicitly instead, so the painter's scale
            # reaches them like everything else.
            t = parent.sceneTransform() if parent is not None else QTransform()
            sx, sy = t.m11(), t.m22()
            if sx != 0 and sy != 0 and t.m12() == 0 and t.m21() == 0:
                old = item.transform()
                item.setTransform(QTransform.fromScale(1 / sx, 1 / sy), True)
                item.setFlag(ignore, False)

                def undo(item: QGraphicsItem = item, old: QTransform = old) -> None:
                    item.setFlag(ignore, True)
                    item.setTransform(old)

                self._undo.append(undo)
        if isinstance(item, pg.PlotDataItem):
            opts = item.opts
            self._pen(lambda: opts.get("pen"), item.setPen, f)
            self._pen(lambda: opts.get("shadowPen"), item.setShadowPen, f)
            self._pen(lambda: opts.get("symbolPen"), item.setSymbolPen, f)
        elif isinstance(item, (pg.PlotCurveItem, pg.ScatterPlotItem)) and isinstance(
            parent, pg.PlotDataItem
        ):
            return  # done through their PlotDataItem (whose pens the legend shows)
        elif isinstance(item, pg.PlotCurveItem):
            opts = item.opts
            self._pen(lambda: opts.get("pen"), item.setPen, f)
            self._pen(lambda: opts.get("shadowPen"), item.setShadowPen, f)
        elif isinstance(item, pg.ScatterPlotItem):
            self._scatter(item, f)
        elif isinstance(item, pg.AxisItem):
            self._pen(item.pen, item.setPen, f)
            if getattr(item, "_tickPen", None) is not None:
                # Only an explicit tick pen: by default ticks follow the axis pen, each
                # level faded by its own alpha, and setting one would lose the fading.
                self._pen(item.tickPen, item.setTickPen, f)
        elif isinstance(item, (pg.InfiniteLine, pg.TargetItem)):
            self._pen(lambda: item.pen, item.setPen, f)
        elif isinstance(item, pg.LegendItem):
            self._pen(lambda: item.opts.get("pen"), item.setPen, f)
        elif callable(getattr(item, "pen", None)) and callable(getattr(item, "setPen", None)):
            with contextlib.suppress(TypeError, RuntimeError):
                if isinstance(item.pen(), QPen):
                    self._pen(item.pen, item.setPen, f)

    def _scatter(self, item: pg.ScatterPlotItem, f: float) -> None:
        old_default = item.opts["pen"]
        old_pens = item.data["pen"].copy()
        item.opts["pen"] = _scaled_pen(pg.mkPen(old_default), f)
        pens = item.data["pen"]
        for i, pen in enumerate(pens):
            if isinstance(pen, QPen):
                pens[i] = _scaled_pen(pen, f)
        item.invalidate()

        def undo() -> None:
            item.opts["pen"] = old_default
            if len(item.data) == len(old_pens):
                item.data["pen"] = old_pens
            item.invalidate()

        self._undo.append(undo)


@contextlib.contextmanager
def _export_mode(scene: Any, factor: float, painter: QPainter) -> Iterator[None]:
    # pyqtgraph items draw for export when told so: antialiased, and scatter symbols
    # (drawn in pixels, outside the painter's transform) scaled by resolutionScale.
    opts = {"antialias": True, "resolutionScale": factor}
    items = [i for i in scene.items() if hasattr(i, "setExportMode")]
    for item in items:
        item.setExportMode(True, opts)
    try:
        yield
    finally:
        for item in items:
            item.setExportMode(False)


def _hints(painter: QPainter) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)


def _draw(
    view: QGraphicsView, painter: QPainter, target: QRectF, factor: float, vector: bool = False
) -> None:
    _hints(painter)
    source = view.viewport().rect()
    if not vector and abs(factor - 1.0) < 1e-9:
        # Pixel for pixel: draw exactly as the window does (its crisp 1-px curves; an
        # antialiased 1-px line comes out pale).
        view.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
        return
    # Larger or vector: smooth lines, and scatter symbols drawn as shapes (not pixmaps).
    with _export_mode(view.scene(), factor, painter):
        view.render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)


@contextlib.contextmanager
def _prepared(view: pg.PlotWidget, factor: float, transparent: bool) -> Iterator[None]:
    scaling = _Scaling(view, factor, transparent)
    try:
        _settle()
        yield
    finally:
        scaling.restore()


# -- rendering -------------------------------------------------------------------------


def render_png(
    view: pg.PlotWidget, options: ExportOptions, progress: Progress | None = None
) -> QImage:
    """Draw a laid-out (disposable) view into a ``width·scale × height·scale`` image.

    A large image is drawn in horizontal bands, calling ``progress(done, total)`` after
    each; a False answer cancels (:class:`Cancelled`).
    """
    options.check_pixels()
    w = round(options.width * options.scale)
    h = round(options.height * options.scale)
    factor = w / view.viewport().width()
    image = QImage(w, h, QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise ExportError(f"not enough memory for a {w} × {h} image")
    image.fill(Qt.GlobalColor.transparent)
    bands = math.ceil(w * h / BAND_PIXELS) if w * h > BANDED_PIXELS else 1
    with _prepared(view, factor, options.background == "transparent"):
        for i in range(bands):
            painter = QPainter(image)
            try:
                if bands > 1:
                    top, bottom = h * i // bands, h * (i + 1) // bands
                    painter.setClipRect(QRect(0, top, w, bottom - top))
                _draw(view, painter, QRectF(0, 0, w, h), factor)
            finally:
                painter.end()
            if progress is not None and progress(i + 1, bands) is False:
                raise Cancelled("the export was cancelled")
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    # Record the density only now: QPicture-cached items (the axes) replay scaled by the
    # device's dpi, so a denser image while painting would draw them twice as large.
    dots_per_meter = round(VECTOR_DPI * options.scale / 0.0254)
    image.setDotsPerMeterX(dots_per_meter)
    image.setDotsPerMeterY(dots_per_meter)
    return image


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # zlib level ~2 (Qt's quality 80): 2.4x faster than the default for ~20% more bytes
    # on a plot, which is mostly flat colour.
    if not image.save(buffer, "PNG", PNG_QUALITY):
        raise ExportError("could not encode the PNG image")
    buffer.close()
    return bytes(data.data())


def render_svg(view: pg.PlotWidget, options: ExportOptions, title: str = "") -> bytes:
    """Draw a laid-out (disposable) view as an SVG document of ``width × height`` px."""
    w, h = options.width, options.height
    factor = w / view.viewport().width()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    gen.setOutputDevice(buffer)
    gen.setSize(QSize(w, h))
    gen.setViewBox(QRect(0, 0, w, h))
    # Fonts are sized in points: at QSvgGenerator's default 72 dpi the axes' text comes
    # out mis-scaled against the rest; use the same resolution as the widget.
    gen.setResolution(round(VECTOR_DPI))
    gen.setTitle(title or "derivview plot")
    gen.setDescription("Made with derivview")
    with _prepared(view, factor, options.background == "transparent"):
        painter = QPainter(gen)
        try:
            # Item by item: QGraphicsView.render's nested clips come out wrong in SVG 1.1
            # (derivview.ui.scene_paint says how); SVG Tiny 1.2 has no clipping at all.
            _hints(painter)
            with _export_mode(view.scene(), factor, painter):
                paint_scene(view, painter, QRectF(0, 0, w, h), background=True)
        finally:
            painter.end()
    buffer.close()
    from derivview.ui.svg_post import flatten_strokes, real_fonts

    return flatten_strokes(real_fonts(bytes(data.data())))


def svg_fonts(svg: bytes) -> bytes:
    """(Kept for callers: :func:`derivview.ui.svg_post.real_fonts`.)"""
    from derivview.ui.svg_post import real_fonts

    return real_fonts(svg)


def render_pdf(view: pg.PlotWidget, options: ExportOptions, title: str = "") -> bytes:
    """Draw a laid-out (disposable) view as a one-page PDF of ``width × height`` at 96 dpi."""
    w, h = options.width, options.height
    factor = w / view.viewport().width()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    points = QSizeF(w * 72.0 / VECTOR_DPI, h * 72.0 / VECTOR_DPI)
    page = QPageSize(
        points, QPageSize.Unit.Point, "derivview", QPageSize.SizeMatchPolicy.ExactMatch
    )
    writer.setPageSize(page)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setResolution(round(VECTOR_DPI))
    writer.setTitle(title or "derivview plot")
    writer.setCreator("derivview")
    with _prepared(view, factor, options.background == "transparent"):
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError("could not start the PDF")
        try:
            target = QRectF(0, 0, writer.width(), writer.height())
            _draw(view, painter, target, target.width() / view.viewport().width(), vector=True)
        finally:
            painter.end()
    buffer.close()
    return bytes(data.data())


#: One offscreen plot per source session, reused while the layout size and theme match
#: (building a PlotPanel costs ~90 ms; re-syncing an unchanged one costs nothing).
_PLOTS: weakref.WeakKeyDictionary[Session, tuple[Any, Session, OffscreenPlot]] = (
    weakref.WeakKeyDictionary()
)


@contextlib.contextmanager
def _offscreen_plot(session: Session, options: ExportOptions) -> Iterator[OffscreenPlot]:
    size = layout_size(options.width, options.height)
    decor = decor_of(session, options)
    key = (round(size[0]), round(size[1]), options.theme_dark, decor)
    state = _fingerprint(session, options.items)
    entry = _PLOTS.pop(session, None)
    if entry is not None and entry[0] == key:
        _key, snapshot, plot = entry
        if plot.state != state:
            sync_session(snapshot, session, options.items)
            plot.refresh()
    else:
        if entry is not None:
            entry[2].close()
        snapshot = snapshot_session(session, options.items)
        plot = OffscreenPlot(snapshot, size, options.theme_dark, decor)
    plot.state = state
    try:
        yield plot
    except BaseException:
        plot.close()  # a failed render may leave it half-changed: do not reuse it
        raise
    _PLOTS[session] = (key, snapshot, plot)


def _fingerprint(session: Session, items: frozenset[str] | None) -> tuple[Any, ...]:
    """Everything the picture depends on (objects by identity): equal means unchanged."""
    from derivview.model.state.registry import PARTS

    return (
        repr([part.read(session) for part in PARTS]),
        id(session.function),
        id(session.descent.runs),
        items,
    )


def clear_cache() -> None:
    """Destroy the offscreen plots kept for reuse."""
    while _PLOTS:
        _session, (_key, _snapshot, plot) = _PLOTS.popitem()
        plot.close()


def render_session(
    session: Session, options: ExportOptions, fmt: str = "png", progress: Progress | None = None
) -> bytes:
    """The picture of what ``session`` shows, encoded as ``fmt``."""
    options = options.checked()
    if fmt == "png":
        options.check_pixels()  # before anything is laid out
    title = f"f(x) = {session.text}"
    with _offscreen_plot(session, options) as plot:
        if fmt == "png":
            return png_bytes(render_png(plot.view, options, progress))
        if fmt == "svg":
            return render_svg(plot.view, options, title)
        if fmt == "pdf":
            return render_pdf(plot.view, options, title)
    raise ExportError(f"unsupported format {fmt!r}")


def render_session_image(session: Session, options: ExportOptions) -> QImage:
    """The picture of what ``session`` shows, as a QImage (clipboard, tests)."""
    options = options.checked()
    with _offscreen_plot(session, options) as plot:
        return render_png(plot.view, options)


def export_session(
    session: Session, path: str | Path, options: ExportOptions, progress: Progress | None = None
) -> None:
    """Write the picture of what ``session`` shows to ``path`` (format by extension).

    Atomic: a complete new file replaces ``path``, or nothing changes. Raises
    :class:`ExportError` with a message for people.
    """
    from derivview.model.fileio import write_atomic

    path = Path(path)
    fmt = format_of(path)
    _check_target(path)
    data = render_session(session, options, fmt, progress)
    write_atomic(path, data, ExportError)


def _check_target(path: Path) -> None:
    # Fail before the (comparatively slow) rendering when the target cannot be written.
    from derivview.model.fileio import check_target

    check_target(path, ExportError)


# -- the dialog ------------------------------------------------------------------------

KEY_EXPORT_FOLDER = "export/lastFolder"
KEY_EXPORT_FORMAT = "export/format"
KEY_EXPORT_SCALE = "export/scale"
KEY_EXPORT_BACKGROUND = "export/background"
SCALES = (1, 2, 3)
#: Items offered in the dialog, with their labels.
ITEM_LABELS = {
    "f": "f(x)",
    "df": "f′(x)",
    "d2f": "f″(x)",
    "tangent": "tangent",
    "secant": "secant",
    "markers": "special points",
    "descent": "descent path",
    "legend": "legend",
    "grid": "grid",
    "concavity": "concavity shading",
    "extrema": "extrema labels",
}


class ExportDialog(QDialog):
    """File › Export Plot…: file name (format by extension), size, scale, background, items.

    The export runs on Export; a failure is shown in a message box (``error_box``) and the
    dialog stays open so the person can pick another file. The folder and options are
    remembered in the settings.

    Another workspace's plot exports through the same dialog: ``export(path, options)``
    writes it, and ``items`` gives its item labels and whether each is shown.
    """

    def __init__(
        self,
        session: Session,
        view_size: tuple[int, int],
        dark: bool = False,
        parent: QWidget | None = None,
        *,
        export: Callable[[Path, ExportOptions], None] | None = None,
        items: tuple[dict[str, str], Callable[[str], bool]] | None = None,
    ) -> None:
        super().__init__(parent)
        from derivview.ui.settings import app_settings

        self.setObjectName("exportDialog")
        self.setWindowTitle("Export Plot")
        self.session = session
        self._dark = dark
        # another workspace's writer, or None: this session's, with progress and Cancel
        self._custom_export = export
        labels, shown = items if items is not None else (ITEM_LABELS, session.is_visible)
        self.error_box: QMessageBox | None = None
        self.exported_path: Path | None = None
        settings = app_settings()
        folder = str(settings.value(KEY_EXPORT_FOLDER, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = str(Path.home())
        ext = str(settings.value(KEY_EXPORT_FORMAT, "png") or "png")
        ext = ext if ext in FORMATS else "png"

        self.path_edit = QLineEdit(str(Path(folder) / f"derivview-plot.{ext}"))
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setMinimumWidth(380)
        browse = QPushButton("Browse…")
        browse.setObjectName("exportBrowse")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        w, h = view_size
        self.width_spin = QSpinBox()
        self.width_spin.setObjectName("exportWidth")
        self.height_spin = QSpinBox()
        self.height_spin.setObjectName("exportHeight")
        for spin, value in ((self.width_spin, w), (self.height_spin, h)):
            spin.setRange(MIN_SIDE, MAX_SIDE)
            spin.setSuffix(" px")
            spin.setValue(min(max(int(value), MIN_SIDE), MAX_SIDE))
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_spin)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_spin)
        size_row.addStretch(1)

        self.scale_combo = QComboBox()
        self.scale_combo.setObjectName("exportScale")
        for s in SCALES:
            self.scale_combo.addItem(f"{s}×", s)
        self.scale_combo.setToolTip("PNG pixel density: 2× for high-DPI screens and print")
        scale = _int_setting(settings.value(KEY_EXPORT_SCALE, 1), 1)
        self.scale_combo.setCurrentIndex(SCALES.index(scale) if scale in SCALES else 0)

        self.background_combo = QComboBox()
        self.background_combo.setObjectName("exportBackground")
        for name in BACKGROUNDS:
            self.background_combo.addItem(name, name)
        background = str(settings.value(KEY_EXPORT_BACKGROUND, "dark" if dark else "light"))
        if background in BACKGROUNDS:
            self.background_combo.setCurrentIndex(BACKGROUNDS.index(background))

        self.item_boxes: dict[str, QCheckBox] = {}
        items_grid = QGridLayout()
        for i, (name, label) in enumerate(labels.items()):
            box = QCheckBox(label)
            box.setObjectName(f"exportItem_{name}")
            box.setChecked(shown(name))
            self.item_boxes[name] = box
            items_grid.addWidget(box, i // 2, i % 2)

        self.title_combo = QComboBox()
        self.title_combo.setObjectName("exportTitle")
        self.title_combo.setEditable(True)
        self.title_combo.addItems(["none", "auto"])
        self.title_combo.setToolTip(
            "A title above the plot: none, auto (f's formula, typeset), or type a text"
        )
        self.ylabel_edit = QLineEdit()
        self.ylabel_edit.setObjectName("exportYLabel")
        self.ylabel_edit.setPlaceholderText("none")
        self.ylabel_edit.setToolTip("A label for the y-axis (empty: none)")
        self.style_combo = QComboBox()
        self.style_combo.setObjectName("exportStyle")
        for name in STYLES:
            self.style_combo.addItem(name, name)
        self.style_combo.setToolTip("presentation: thicker lines and larger text, for projectors")

        form = QFormLayout()
        form.addRow("File:", path_row)
        form.addRow("Size:", size_row)
        form.addRow("Scale:", self.scale_combo)
        form.addRow("Background:", self.background_combo)
        form.addRow("Title:", self.title_combo)
        form.addRow("y-axis label:", self.ylabel_edit)
        form.addRow("Style:", self.style_combo)
        form.addRow("Show:", items_grid)
        self.note = QLabel(
            "PNG, SVG or PDF, by the file name's extension. The scale multiplies a PNG's\n"
            "pixels; an SVG or PDF is width × height at 96 dpi."
        )
        self.note.setObjectName("exportNote")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.export_button.setText("Export")
        self.export_button.setObjectName("exportButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def options(self) -> ExportOptions:
        """The options as chosen in the dialog."""
        return ExportOptions(
            width=self.width_spin.value(),
            height=self.height_spin.value(),
            scale=float(self.scale_combo.currentData()),
            background=str(self.background_combo.currentData()),
            dark=self._dark,
            items=frozenset(n for n, box in self.item_boxes.items() if box.isChecked()),
            title=self.title_combo.currentText().strip() or "none",
            y_label=self.ylabel_edit.text().strip(),
            style=str(self.style_combo.currentData()),
        )

    def path(self) -> Path:
        """The target file as typed (``~`` expanded)."""
        return Path(self.path_edit.text().strip()).expanduser()

    def accept(self) -> None:
        """Export; on failure show why and stay open."""
        path = self.path()
        if not self.path_edit.text().strip():
            self._show_error("Choose a file name to export to.")
            return
        from derivview.ui.files.progress import ExportProgress

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        progress = ExportProgress(self, "Exporting the plot…")
        try:
            if self._custom_export is not None:
                self._custom_export(path, self.options())
            else:
                export_session(self.session, path, self.options(), progress)
        except Cancelled:
            QApplication.restoreOverrideCursor()
            progress.close()
            return  # the dialog stays open; nothing was written
        except ExportError as exc:
            QApplication.restoreOverrideCursor()
            progress.close()
            self._show_error(str(exc))
            return
        QApplication.restoreOverrideCursor()
        progress.close()
        self.exported_path = path
        self._remember(path)
        super().accept()

    def _remember(self, path: Path) -> None:
        from derivview.ui.settings import app_settings

        settings = app_settings()
        settings.setValue(KEY_EXPORT_FOLDER, str(path.parent.resolve()))
        settings.setValue(KEY_EXPORT_FORMAT, path.suffix.lower().lstrip("."))
        settings.setValue(KEY_EXPORT_SCALE, int(self.scale_combo.currentData()))
        settings.setValue(KEY_EXPORT_BACKGROUND, str(self.background_combo.currentData()))
        settings.sync()

    def _show_error(self, message: str) -> None:
        box = QMessageBox(self)
        box.setObjectName("exportError")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Export failed")
        box.setText("The plot could not be exported.")
        box.setInformativeText(message)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self.error_box = box
        box.open()

    def _browse(self) -> None:
        current = self.path()
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Export Plot",
            str(current),
            "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)",
        )
        if name:
            if Path(name).suffix.lower().lstrip(".") not in FORMATS:
                name += current.suffix if current.suffix.lower().lstrip(".") in FORMATS else ".png"
            self.path_edit.setText(name)


def _int_setting(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default
