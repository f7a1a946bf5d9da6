"""Exporting the plot: PNG/SVG/PDF content and size, scaling, atomic writes, the dialog."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from image_pixels import count_color, dominant, ink, pixels, rgb
from PySide6.QtGui import QImage

from derivview.model.session import Session
from derivview.ui.export import (
    ExportDialog,
    ExportError,
    ExportOptions,
    export_session,
    layout_size,
)
from derivview.ui.plot_style import plot_style


@pytest.fixture
def session(qtbot: Any, shared_worker: Any) -> Session:
    """x³ − 3x with its function computed, as the window would have it."""
    from derivview.model.calculus import analyze

    s = Session()
    s.apply_function(s.text, analyze(s.text))
    return s


# -- PNG ----------------------------------------------------------------------------------


def test_png_has_requested_size_and_curve_colours(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "plot.png"
    export_session(session, path, ExportOptions(640, 400))
    rgba = pixels(path)
    assert rgba.shape == (400, 640, 4)
    style = plot_style(False)
    for name in ("f", "df", "d2f", "tangent"):
        assert count_color(rgba, getattr(style, name)) > 100, name
    assert dominant(rgba) == (255, 255, 255, 255)


def test_dark_png_uses_dark_colours(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "dark.png"
    export_session(session, path, ExportOptions(640, 400, background="dark"))
    rgba = pixels(path)
    dark = plot_style(True)
    assert dominant(rgba) == (*rgb(dark.background).astype(int), 255)
    assert count_color(rgba, dark.f, dark.background) > 100
    assert count_color(rgba, plot_style(False).f, dark.background) < 5


def test_transparent_background(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "clear.png"
    export_session(session, path, ExportOptions(640, 400, background="transparent"))
    rgba = pixels(path)
    assert (rgba[..., 3] == 0).mean() > 0.5
    assert dominant(rgba)[3] == 0
    opaque = rgba.copy()
    opaque[..., 3] = np.where(rgba[..., 3] > 0, 255, 0)
    assert count_color(opaque, plot_style(False).f) > 100


def test_items_are_chosen(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "f-only.png"
    export_session(session, path, ExportOptions(640, 400, items=frozenset({"f"})))
    rgba = pixels(path)
    style = plot_style(False)
    assert count_color(rgba, style.f) > 100
    for name in ("df", "d2f", "tangent"):
        assert count_color(rgba, getattr(style, name)) < 5, name
    # the session itself is untouched by the export's choice of items
    assert "df" in session.visible


def test_scale_draws_lines_wider_not_just_longer(session: Session, tmp_path: Path) -> None:
    """Doubling the scale doubles every line's width and length: ~4× the ink of its colour.

    A blown-up picture with lines of unchanged width would have only ~2× (twice the
    length). 1.5× and 3× are both drawn antialiased, so their ink compares fairly.
    """
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    items = frozenset({"f", "tangent"})
    export_session(session, one, ExportOptions(400, 250, scale=1.5, items=items))
    export_session(session, two, ExportOptions(400, 250, scale=3, items=items))
    a, b = pixels(one), pixels(two)
    assert (a.shape, b.shape) == ((375, 600, 4), (750, 1200, 4))
    style = plot_style(False)
    for name in ("f", "tangent"):
        ratio = ink(b, getattr(style, name)) / ink(a, getattr(style, name))
        assert 3.4 < ratio < 4.6, (name, ratio)


def test_scale_keeps_the_composition(session: Session, tmp_path: Path) -> None:
    """The 2× picture, halved, is the 1× picture (same layout, ticks, legend)."""
    one, two = tmp_path / "one.png", tmp_path / "two.png"
    export_session(session, one, ExportOptions(600, 400, scale=1))
    export_session(session, two, ExportOptions(600, 400, scale=2))
    a = pixels(one)[..., :3].astype(float)
    b = pixels(two)[..., :3].astype(float)
    halved = b.reshape(400, 2, 600, 2, 3).mean(axis=(1, 3))
    assert np.abs(halved - a).mean() < 6.0


def test_large_pictures_keep_a_readable_layout() -> None:
    assert layout_size(800, 500) == (800, 500)
    assert layout_size(1600, 1000) == pytest.approx((1000, 625))
    assert layout_size(3200, 2000) == pytest.approx((1000, 625))
    assert layout_size(3200, 600) == (3200, 600)  # short: laid out as it is


def test_3200_png_is_a_sharp_1600_png(session: Session, tmp_path: Path) -> None:
    """3200×2000 has 1600×1000's composition, twice as large (not a pixel-doubled copy)."""
    small, big = tmp_path / "small.png", tmp_path / "big.png"
    export_session(session, small, ExportOptions(1600, 1000))
    export_session(session, big, ExportOptions(3200, 2000))
    a = pixels(small)[..., :3].astype(float)
    b = pixels(big)[..., :3].astype(float)
    assert b.shape == (2000, 3200, 3)
    halved = b.reshape(1000, 2, 1600, 2, 3).mean(axis=(1, 3))
    assert np.abs(halved - a).mean() < 6.0
    # Not a blow-up: pixel-doubling the small one differs from the big one.
    doubled = a.repeat(2, axis=0).repeat(2, axis=1)
    assert np.abs(doubled - b).mean() > 0.5


# -- SVG and PDF --------------------------------------------------------------------------


def test_svg_parses_and_holds_curves_as_paths(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "plot.svg"
    export_session(session, path, ExportOptions(800, 500))
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert root.get("viewBox") == "0 0 800 500"
    ns = "{http://www.w3.org/2000/svg}"
    style = plot_style(False)
    strokes: dict[str, int] = {}
    for el in root.iter():
        if el.tag in (f"{ns}path", f"{ns}polyline"):
            parent_stroke = el.get("stroke")
            if parent_stroke:
                strokes[parent_stroke.lower()] = strokes.get(parent_stroke.lower(), 0) + 1
    # QSvgGenerator puts the stroke on the enclosing group: collect those too.
    for g in root.iter(f"{ns}g"):
        stroke = (g.get("stroke") or "").lower()
        n = sum(1 for child in g if child.tag in (f"{ns}path", f"{ns}polyline"))
        if stroke and n:
            strokes[stroke] = strokes.get(stroke, 0) + n
    for name in ("f", "df", "d2f", "tangent"):
        assert strokes.get(getattr(style, name).lower(), 0) >= 1, name


def test_pdf_page_has_requested_aspect(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "plot.pdf"
    export_session(session, path, ExportOptions(1600, 1000))
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    box = re.search(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert box is not None
    x0, y0, x1, y1 = (float(v) for v in box.groups())
    # 1600 × 1000 px at 96 dpi = 1200 × 750 pt
    assert (x1 - x0, y1 - y0) == pytest.approx((1200.0, 750.0), abs=0.01)


# -- failures -----------------------------------------------------------------------------


def test_missing_folder(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        export_session(session, tmp_path / "nope" / "plot.png", ExportOptions(320, 200))
    assert list(tmp_path.iterdir()) == []


def test_path_under_a_regular_file(session: Session, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        export_session(session, tmp_path / "file" / "plot.png", ExportOptions(320, 200))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_unsupported_extension(session: Session, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"\.png, \.svg or \.pdf"):
        export_session(session, tmp_path / "plot.jpg", ExportOptions(320, 200))
    assert list(tmp_path.iterdir()) == []


def test_existing_file_is_replaced_only_by_a_complete_one(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plot.png"
    target.write_bytes(b"old picture")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as m:
        m.setattr(os, "fsync", disk_full)
        with pytest.raises(ExportError, match="the disk is full"):
            export_session(session, target, ExportOptions(320, 200))
    assert target.read_bytes() == b"old picture"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png"]
    export_session(session, target, ExportOptions(320, 200))
    assert pixels(target).shape == (200, 320, 4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plot.png"]


def test_options_are_validated() -> None:
    with pytest.raises(ExportError, match="too large"):
        ExportOptions(16000, 1000, scale=3).checked()
    with pytest.raises(ExportError, match="unknown items"):
        ExportOptions(items=frozenset({"rainbow"})).checked()
    with pytest.raises(ExportError, match="background"):
        ExportOptions(background="plaid").checked()


# -- the dialog ---------------------------------------------------------------------------


def test_dialog_defaults_from_view_and_session(session: Session, qtbot: Any) -> None:
    session.set_visible("df", False)
    dialog = ExportDialog(session, (731, 452))
    qtbot.addWidget(dialog)
    opts = dialog.options()
    assert (opts.width, opts.height, opts.scale, opts.background) == (731, 452, 1.0, "light")
    assert "df" not in opts.items and "f" in opts.items


def test_dialog_exports_and_remembers(session: Session, qtbot: Any, tmp_path: Path) -> None:
    dialog = ExportDialog(session, (500, 300))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "d.svg"))
    dialog.scale_combo.setCurrentIndex(1)
    dialog.background_combo.setCurrentIndex(2)  # transparent
    dialog.export_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert (tmp_path / "d.svg").read_bytes().startswith(b"<?xml")
    again = ExportDialog(session, (500, 300))
    qtbot.addWidget(again)
    assert Path(again.path_edit.text()).parent == tmp_path.resolve()
    assert again.path_edit.text().endswith(".svg")
    assert again.options().scale == 2.0
    assert again.options().background == "transparent"


def test_dialog_shows_errors_and_stays_open(session: Session, qtbot: Any, tmp_path: Path) -> None:
    dialog = ExportDialog(session, (500, 300))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.path_edit.setText(str(tmp_path / "missing" / "d.png"))
    dialog.export_button.click()
    assert dialog.error_box is not None
    assert "does not exist" in dialog.error_box.informativeText()
    assert dialog.isVisible()
    assert list(tmp_path.iterdir()) == []
    dialog.error_box.close()


def test_reused_offscreen_plot_gives_the_fresh_picture(session: Session) -> None:
    """Exports reuse one offscreen plot per session: any history must not show."""
    from derivview.ui.export import clear_cache, render_session_image

    def image(options: ExportOptions) -> np.ndarray:
        img = render_session_image(session, options).convertToFormat(QImage.Format.Format_RGBA8888)
        shape = (img.height(), img.width(), 4)
        return np.frombuffer(img.constBits(), np.uint8).reshape(shape).copy()

    one, two = ExportOptions(600, 400), ExportOptions(600, 400, scale=2)
    clear_cache()
    image(one)
    image(two)
    session.set_x0(-0.5)
    session.set_visible("secant", True)
    reused_two, reused_one = image(two), image(one)
    clear_cache()
    fresh_one = image(one)
    clear_cache()
    fresh_two = image(two)
    assert np.array_equal(reused_one, fresh_one)
    assert np.array_equal(reused_two, fresh_two)
