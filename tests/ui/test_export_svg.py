"""SVG, PDF and PNG of the same options are the same picture — in a browser too.

The SVG is rendered by real SVG renderers (QtSvg everywhere; headless Chromium where it
is installed: ``apt-get install chromium``) and compared with the PNG pixel by pixel,
with a tolerance for anti-aliasing: both are blurred by 3 × 3 and a pixel counts as
different only when no pixel within 1 of it in the other picture is within 40 of it.
(Before the fix, Chromium drew f through the x-axis tick labels: 846 such pixels at
800 × 500, and 0 after.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from derivview.model.session import Session
from derivview.ui.export import ExportOptions, export_session
from derivview.ui.plot_style import plot_style

W, H = 800, 500
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def session(qtbot: Any, shared_worker: Any) -> Session:
    """x³ − 3x with its function computed: f leaves the plot at both ends."""
    from derivview.model.calculus import analyze

    s = Session()
    s.apply_function(s.text, analyze(s.text))
    return s


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    shape = (image.height(), image.bytesPerLine() // 4, 4)
    a = np.frombuffer(image.constBits(), np.uint8).reshape(shape)[:, : image.width(), :3]
    return a.astype(float)


def _blur(a: np.ndarray, k: int = 3) -> np.ndarray:
    h, w, _ = a.shape
    r = k // 2
    p = np.pad(a, ((r, r), (r, r), (0, 0)), mode="edge")
    return sum(p[dy : dy + h, dx : dx + w] for dy in range(k) for dx in range(k)) / (k * k)


def _unexplained(a: np.ndarray, b: np.ndarray, tol: float = 40) -> np.ndarray:
    h, w, _ = a.shape
    p = np.pad(b, ((1, 1), (1, 1), (0, 0)), mode="edge")
    best = np.full((h, w), np.inf)
    for dy in range(3):
        for dx in range(3):
            best = np.minimum(best, np.abs(a - p[dy : dy + h, dx : dx + w]).max(axis=2))
    return best > tol


def different_pixels(a: QImage, b: QImage, blur: int = 3) -> int:
    """Pixels that differ beyond anti-aliasing (see the module docstring)."""
    x, y = _blur(_rgb(a), blur), _blur(_rgb(b), blur)
    assert x.shape == y.shape
    return int((_unexplained(x, y) | _unexplained(y, x)).sum())


def _export_pair(session: Session, tmp_path: Path, **kw: Any) -> tuple[Path, QImage]:
    svg, png = tmp_path / "plot.svg", tmp_path / "plot.png"
    for path in (svg, png):
        export_session(session, path, ExportOptions(W, H, **kw))
    return svg, QImage(str(png))


def _qtsvg(path: Path, background: str = "#FFFFFF") -> QImage:
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(path))
    assert renderer.isValid()
    image = QImage(W, H, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white if background == "#FFFFFF" else Qt.GlobalColor.black)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return image


@pytest.mark.parametrize("background", ["light", "dark"])
def test_qtsvg_draws_the_svg_as_the_png(session: Session, tmp_path: Path, background) -> None:
    # QtSvg ignores clip-path: compare inside the plot area (legend, curves, markers,
    # points), where no clipping is needed; the test below checks the clipping itself.
    session.set_visible("secant", True)
    svg, png = _export_pair(session, tmp_path, background=background, dark=background == "dark")
    x0, y0, x1, y1 = (round(v) for v in _plot_area(svg))
    crop = (x0 + 2, y0 + 2, x1 - x0 - 4, y1 - y0 - 4)
    shown, want = _qtsvg(svg).copy(*crop), png.copy(*crop)
    assert different_pixels(shown, want) <= 0.0005 * W * H


def _plot_area(svg: Path) -> tuple[float, float, float, float]:
    """The clip rectangle of f's curve: the plot area, in picture coordinates."""
    root = ET.parse(svg).getroot()
    rects = _clip_rects(root)
    f_color = plot_style(False).f.lower(), plot_style(True).f.lower()
    for clip, g in _groups_with_clip(root):
        long = any(len(p.get("d") or p.get("points") or "") > 200 for p in g)
        if (g.get("stroke") or "").lower() in f_color and clip is not None and long:
            return rects[clip]
    raise AssertionError("no clipped curve of f in the SVG")


def _groups_with_clip(root: ET.Element) -> list[tuple[str | None, ET.Element]]:
    """(clip-path id or None, group) for each group drawing a path or polyline."""
    out = []

    def walk(el: ET.Element, clip: str | None) -> None:
        ref = el.get("clip-path")
        if ref:
            clip = re.fullmatch(r"url\(#(.+)\)", ref).group(1)  # type: ignore[union-attr]
        if el.tag == f"{SVG}g" and any(c.tag in (f"{SVG}path", f"{SVG}polyline") for c in el):
            out.append((clip, el))
        for child in el:
            walk(child, clip)

    walk(root, None)
    return out


def _clip_rects(root: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    rects = {}
    for cp in root.iter(f"{SVG}clipPath"):
        d = next(cp.iter(f"{SVG}path")).get("d", "")
        nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]
        xs, ys = nums[0::2], nums[1::2]
        rects[cp.get("id", "")] = (min(xs), min(ys), max(xs), max(ys))
    return rects


def test_svg_clips_the_curves_to_the_plot_and_not_the_legend(
    session: Session, tmp_path: Path
) -> None:
    # Structure, renderer-independent: f's curve is clipped to the plot area (SVG Tiny 1.2
    # has no clipping: the curve ran through the tick labels), and every legend sample is
    # drawn within its clip (SVG 1.1 written by QGraphicsView.render clipped them away).
    svg, _png = _export_pair(session, tmp_path)
    root = ET.parse(svg).getroot()
    assert root.get("version") == "1.1"
    rects = _clip_rects(root)
    groups = _groups_with_clip(root)
    f_color = plot_style(False).f.lower()
    f_groups = [(c, g) for c, g in groups if (g.get("stroke") or "").lower() == f_color]
    long_f = [
        (c, g)
        for c, g in f_groups
        if any(len(p.get("d") or p.get("points") or "") > 200 for p in g)
    ]
    assert long_f, "f's curve is in the SVG"
    for clip, _g in long_f:
        assert clip is not None
        x0, y0, x1, y1 = rects[clip]
        assert x1 - x0 < W - 20 and y1 - y0 < H - 20  # the plot area, not the whole picture
    # Each legend sample (a 20-px horizontal line) lies inside its clip rectangle.
    samples = 0
    for clip, g in groups:
        for p in g:
            pts = [tuple(map(float, q.split(","))) for q in p.get("points", "").split()]
            if len(pts) == 2 and pts[0][1] == pts[1][1] and abs(pts[1][0] - pts[0][0]) == 20:
                samples += 1
                assert clip is not None
                x0, y0, x1, y1 = rects[clip]
                assert all(x0 <= x <= x1 and y0 <= y <= y1 for x, y in pts)
    assert samples >= 4  # f, f′, f″, tangent


def test_no_renderer_has_to_scale_strokes(session: Session, tmp_path: Path) -> None:
    # Strokes are written in picture coordinates: librsvg ignored non-scaling-stroke and
    # drew the 1-px curves, under a data transform of ×95, as bands.
    svg, _png = _export_pair(session, tmp_path)
    drawing = re.sub(r"<clipPath.*?</clipPath>", "", svg.read_text(), flags=re.DOTALL)
    assert "non-scaling-stroke" not in drawing  # (clip paths have no stroke)


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="needs librsvg2-bin")
@pytest.mark.parametrize("expr", ["x^3 - 3x", "tan(x)"])
def test_librsvg_draws_the_svg_as_the_png(tmp_path: Path, qtbot: Any, expr: str) -> None:
    from derivview.model.calculus import analyze

    s = Session()
    s.set_text(expr)
    s.apply_function(expr, analyze(expr))
    svg, png = _export_pair(s, tmp_path)
    shot = tmp_path / "rsvg.png"
    subprocess.run(
        ["rsvg-convert", "-w", str(W), "-h", str(H), "-b", "white", str(svg), "-o", str(shot)],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert different_pixels(QImage(str(shot)), png) <= 0.0005 * W * H


def test_svg_names_fonts_a_browser_knows(session: Session, tmp_path: Path) -> None:
    svg, _png = _export_pair(session, tmp_path)
    families = set(re.findall(r'font-family="([^"]*)"', svg.read_text()))
    assert families and all(f.endswith("sans-serif") or f.endswith("monospace") for f in families)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs chromium (apt install)")
@pytest.mark.parametrize("expr", ["x^3 - 3x", "tan(x)"])
def test_chromium_draws_the_svg_as_the_png(tmp_path: Path, qtbot: Any, expr: str) -> None:
    from derivview.model.calculus import analyze

    s = Session()
    s.set_text(expr)
    s.apply_function(expr, analyze(expr))
    svg, png = _export_pair(s, tmp_path)
    shot = tmp_path / "chromium.png"
    subprocess.run(
        [
            "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            f"--screenshot={shot}", f"--window-size={W},{H}", svg.as_uri(),
        ],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert different_pixels(QImage(str(shot)), png) <= 0.0005 * W * H


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_a_pdf_viewer_draws_the_pdf_as_the_png(session: Session, tmp_path: Path) -> None:
    # poppler anti-aliases 1-px curves differently from Qt (761 pixels at 3 × 3): compared
    # after a 5 × 5 blur, 25 pixels differ for the same picture.
    pdf, png = tmp_path / "plot.pdf", tmp_path / "plot.png"
    for path in (pdf, png):
        export_session(session, path, ExportOptions(W, H, title="auto"))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "96", "-singlefile", str(pdf), str(tmp_path / "poppler")],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    shown = QImage(str(tmp_path / "poppler.png"))
    assert (shown.width(), shown.height()) == (W, H)
    assert different_pixels(shown, QImage(str(png)), blur=5) <= 0.0005 * W * H
