"""The regression lab's picture: its plots as PNG, SVG or PDF (File › Export Plot…).

The picture is the lab's plots as the window shows them — the data with the line, the
loss bowl with the path, the loss per epoch — drawn by Qt into an image (PNG at twice
the screen's pixels, sharp on slides), an SVG or a PDF (vector). Written atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMarginsF,
    QPoint,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QImage, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import pyqtgraph as pg  # isort: skip  (after PySide6)

from derivview.ui.settings import app_settings

KEY_PICTURE_FOLDER = "export/lastFolder"
FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"
PNG_SCALE = 2
DPI = 96


class PictureError(Exception):
    """The picture could not be made or written; ``str(err)`` says why, for people."""


def picture_image(widget: QWidget, scale: float = PNG_SCALE) -> QImage:
    """``widget``'s plots as an image of ``scale`` times its size in pixels."""
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    image = QImage(round(w * scale), round(h * scale), QImage.Format.Format_ARGB32_Premultiplied)
    if image.isNull():
        raise PictureError(f"not enough memory for a {image.width()} × {image.height()} image")
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.scale(scale, scale)
    _render(widget, painter)
    return image


def picture_bytes(widget: QWidget, fmt: str) -> bytes:
    """``widget`` drawn as ``fmt`` ("png", "svg" or "pdf")."""
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if fmt == "png":
        image = picture_image(widget)
        if not image.save(buffer, "PNG"):
            raise PictureError("could not encode the PNG image")
    elif fmt == "svg":
        gen = QSvgGenerator()
        gen.setOutputDevice(buffer)
        gen.setSize(QSize(w, h))
        gen.setViewBox(QRect(0, 0, w, h))
        gen.setResolution(DPI)
        gen.setTitle("derivview: linear regression")
        gen.setDescription("Made with derivview")
        painter = QPainter(gen)
        _render(widget, painter)
    elif fmt == "pdf":
        writer = QPdfWriter(buffer)
        page = QPageSize(
            QSizeF(w * 72.0 / DPI, h * 72.0 / DPI),
            QPageSize.Unit.Point,
            "derivview",
            QPageSize.SizeMatchPolicy.ExactMatch,
        )
        writer.setPageSize(page)
        writer.setPageMargins(QMarginsF(0, 0, 0, 0))
        writer.setResolution(DPI)
        writer.setTitle("derivview: linear regression")
        writer.setCreator("derivview")
        painter = QPainter()
        if not painter.begin(writer):
            raise PictureError("could not start the PDF")
        _render(widget, painter)
    else:
        raise PictureError(f"unknown picture format {fmt!r}: use .png, .svg or .pdf")
    buffer.close()
    return bytes(data.data())


def _render(widget: QWidget, painter: QPainter) -> None:
    """Draw ``widget``'s plots with ``painter`` where they are in it, then end the painter
    whatever happens (a device destroyed while painted crashes Qt).

    Each plot is drawn by its own view (``QGraphicsView.render``) in its place. SVG is
    written as SVG Tiny 1.2, which has no clipping: the plots clip what they draw to
    their views themselves (:mod:`derivview.ui.regression.clip`). (SVG 1.1's clip paths
    were tried: Qt nests them wrongly and whole legends and axes vanish.)
    """
    try:
        for view in widget.findChildren(pg.PlotWidget):
            if not view.isVisible():
                continue
            corner = view.mapTo(widget, QPoint(0, 0))
            target = QRectF(corner.x(), corner.y(), view.width(), view.height())
            painter.save()
            painter.setClipRect(target)
            view.render(painter, target, view.viewport().rect())
            painter.restore()
    finally:
        painter.end()


def save_picture(widget: QWidget, path: str | Path) -> None:
    """Write ``widget``'s picture to ``path`` (format by extension), atomically."""
    from derivview.model.session_file import write_atomic

    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise PictureError(f"{p.name}: the file name must end in .png, .svg or .pdf")
    write_atomic(p, picture_bytes(widget, fmt), PictureError)


def _choose(parent: QWidget) -> str:
    folder = str(app_settings().value(KEY_PICTURE_FOLDER, "") or "")
    start = Path(folder) if folder and Path(folder).is_dir() else Path.home()
    name, chosen = QFileDialog.getSaveFileName(
        parent, "Export Plot", str(start / "regression.png"), FILTERS
    )
    if name and not Path(name).suffix:
        name += "." + chosen.split("(*.")[1][:3] if "(*." in chosen else ".png"
    return name


#: Asks for the picture's file ("" to cancel); replaceable (tests answer without a dialog).
choose_picture_path: Callable[[QWidget], str] = _choose


def export_interactively(widget: QWidget) -> bool:
    """Ask for a file and write the picture; on failure say why. True if written."""
    name = choose_picture_path(widget)
    if not name:
        return False
    try:
        save_picture(widget, name)
    except PictureError as exc:
        box = QMessageBox(widget.window())
        box.setObjectName("fileError")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("derivview")
        box.setText("The plot could not be exported.")
        box.setInformativeText(str(exc))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return False
    app_settings().setValue(KEY_PICTURE_FOLDER, str(Path(name).resolve().parent))
    return True
