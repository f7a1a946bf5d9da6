"""Slide-ready export options: a title (f typeset), a y label, f as the most prominent
curve, a presentation style; the size limit and progress of large PNGs; the dialog."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from image_pixels import ink, pixels
from PySide6.QtGui import QImage

from derivview.cli import main
from derivview.model.session import Session
from derivview.ui.export import (
    MAX_PIXELS,
    Cancelled,
    ExportError,
    ExportOptions,
    export_session,
    render_session_image,
)
from derivview.ui.plot_style import plot_style


@pytest.fixture
def session(qtbot: Any, shared_worker: Any) -> Session:
    from derivview.model.calculus import analyze

    s = Session()
    s.apply_function(s.text, analyze(s.text))  # x³ − 3x
    return s


def _image(session: Session, **kw: Any) -> np.ndarray:
    img = render_session_image(session, ExportOptions(800, 500, **kw))
    img = img.convertToFormat(QImage.Format.Format_RGBA8888)
    shape = (img.height(), img.width(), 4)
    return np.frombuffer(img.constBits(), np.uint8).reshape(shape).copy()


def _dark_rows(rgba: np.ndarray) -> np.ndarray:
    """Rows holding dark ink (text, axes) on a light picture."""
    return (rgba[..., :3].max(axis=2) < 120).any(axis=1)


def test_title_auto_adds_a_row_of_typeset_text_above_the_plot(session: Session) -> None:
    plain, titled = _image(session), _image(session, title="auto")
    # The top 40 rows of a plain picture hold the plot (curves, grid); with a title they
    # hold dark glyphs above the plot, and the plot area moved down.
    assert _dark_rows(titled[:40]).sum() > 8
    assert not np.array_equal(plain, titled)


def test_title_auto_in_svg_is_vector_text_of_f(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "t.svg"
    export_session(session, path, ExportOptions(800, 500, title="auto"))
    texts = "".join(
        el.text or "" for el in ET.parse(path).getroot().iter() if el.tag.endswith("text")
    )
    # f(x) = x³ − 3x typeset: the glyphs f, x, =, 3, −, as vector text
    for glyph in ("f", "x", "=", "3", "−"):
        assert glyph in texts


def test_title_text_and_none(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "t.svg"
    export_session(session, path, ExportOptions(800, 500, title="Cubic with two extrema"))
    assert "Cubic with two extrema" in path.read_text()
    export_session(session, path, ExportOptions(800, 500, title="none"))
    assert "Cubic with two extrema" not in path.read_text()


def test_y_label(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "t.svg"
    export_session(session, path, ExportOptions(800, 500, y_label="height (m)"))
    assert "height (m)" in path.read_text()


def test_f_is_the_most_prominent_curve(session: Session) -> None:
    # Only f and f′ drawn: f's stroke is wider, so it lays more ink per unit of length.
    # Their lengths differ; compare ink per drawn column instead (width × √(1 + slope²)
    # is larger for f′ here if anything: f′ = 3x² − 3 is the steeper curve).
    rgba = _image(session, items=frozenset({"f", "df"}))
    style = plot_style(False)
    f_ink, df_ink = ink(rgba, style.f), ink(rgba, style.df)
    assert f_ink > 1.3 * df_ink


def test_presentation_draws_thicker_lines_and_larger_text(session: Session) -> None:
    items = frozenset({"f"})
    standard = _image(session, items=items)
    bold = _image(session, items=items, style="presentation")
    style = plot_style(False)
    assert ink(bold, style.f) > 1.6 * ink(standard, style.f)  # f_width 4 vs 2
    # larger tick labels: more dark text under the plot (right of the y axis)

    def text_ink(rgba: np.ndarray) -> float:
        # under the bottom axis (the lowest row dark across most of the width)
        dark = rgba[..., :3].max(axis=2) < 120
        axis_row = max(i for i in range(dark.shape[0]) if dark[i, 100:].mean() > 0.8)
        below = rgba[axis_row + 6 :, 100:, :3].astype(float)
        return float((255 - below.max(axis=2)).sum())

    assert text_ink(bold) > 1.5 * text_ink(standard)


def test_pngs_beyond_the_limit_are_refused_up_front_naming_it(
    session: Session, tmp_path: Path
) -> None:
    path = tmp_path / "huge.png"
    with pytest.raises(ExportError, match="at most 50 million pixels"):
        export_session(session, path, ExportOptions(16384, 16384))
    assert not path.exists()
    assert 8000 * 6250 <= MAX_PIXELS < 16384 * 16384
    # the same size as a vector picture is fine (its size is only the page's)
    export_session(session, tmp_path / "huge.svg", ExportOptions(16384, 16384))


def test_the_command_line_refuses_a_too_large_png_with_status_2(
    tmp_path: Path, capsys: Any
) -> None:
    code = main(["export", "x^2", "-o", str(tmp_path / "a.png"), "--size", "16384x16384"])
    assert code == 2 and "50 million pixels" in capsys.readouterr().err


def test_a_large_png_reports_progress_and_can_be_cancelled(
    session: Session, tmp_path: Path
) -> None:
    # 4000 × 2500 = 10 million pixels: drawn in bands of 4 million: 3 bands.
    seen: list[tuple[int, int]] = []
    path = tmp_path / "big.png"
    export_session(
        session, path, ExportOptions(4000, 2500), lambda d, t: seen.append((d, t)) or True
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert pixels(path).shape == (2500, 4000, 4)
    # banded drawing is the same picture as drawing it at once
    whole = _image(session)  # small: one band
    assert whole.shape == (500, 800, 4)
    path.unlink()
    with pytest.raises(Cancelled):
        export_session(session, path, ExportOptions(4000, 2500), lambda d, t: d < 2)
    assert not path.exists()


def test_banded_drawing_is_the_same_picture(session: Session, monkeypatch: Any) -> None:
    import derivview.ui.export as export

    once = _image(session, scale=2)
    monkeypatch.setattr(export, "BANDED_PIXELS", 100_000)
    monkeypatch.setattr(export, "BAND_PIXELS", 300_000)
    export.clear_cache()
    banded = _image(session, scale=2)  # 1600 × 1000 in 6 bands
    assert np.abs(once.astype(int) - banded.astype(int)).max() <= 2


def test_the_dialog_offers_title_label_and_style(session: Session, tmp_path: Path) -> None:
    from derivview.ui.export import ExportDialog

    dialog = ExportDialog(session, (800, 500))
    dialog.title_combo.setCurrentText("auto")
    dialog.ylabel_edit.setText("y")
    dialog.style_combo.setCurrentIndex(dialog.style_combo.findData("presentation"))
    options = dialog.options()
    assert (options.title, options.y_label, options.style) == ("auto", "y", "presentation")
    dialog.path_edit.setText(str(tmp_path / "d.svg"))
    dialog.accept()
    assert dialog.exported_path == tmp_path / "d.svg" and "y" in (tmp_path / "d.svg").read_text()
    dialog.deleteLater()
