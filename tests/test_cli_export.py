"""``derivview export``: files, exit statuses, messages, and the same picture as the dialog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtGui import QImage

from derivview.cli import main
from derivview.ui.plot_style import plot_style


def pixels(path: Path) -> np.ndarray:
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert not image.isNull()
    shape = (image.height(), image.width(), 4)
    return np.frombuffer(image.constBits(), np.uint8).reshape(shape).copy()


def _rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)])


def _on_the_way(rgba: np.ndarray, colour: str, background: str) -> np.ndarray:
    """Pixels at least half-way from ``background`` to ``colour`` (antialiased lines)."""
    c, bg = _rgb(colour).astype(float), _rgb(background).astype(float)
    d = c - bg
    t = ((rgba[..., :3].astype(float) - bg) @ d) / float(d @ d)
    off_line = np.linalg.norm(rgba[..., :3] - (bg + t[..., None] * d), axis=-1)
    return (t > 0.5) & (off_line < 40)


def has_color(rgba: np.ndarray, hex_color: str, tolerance: int = 10) -> int:
    target = _rgb(hex_color)
    return int((np.abs(rgba[..., :3].astype(int) - target).max(axis=-1) <= tolerance).sum())


@pytest.fixture
def app(qapp: Any) -> Any:  # the command reuses the test's QApplication (offscreen)
    return qapp


def run_cli(*args: str) -> int:
    return main(["export", *args])


def test_png_of_the_requested_size(app: Any, tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.png"
    assert run_cli("x^3 - 3x", "-o", str(out), "--size", "640x400") == 0
    rgba = pixels(out)
    assert rgba.shape == (400, 640, 4)
    style = plot_style(False)
    for name in ("f", "df", "d2f", "tangent"):
        assert has_color(rgba, getattr(style, name)) > 20, name
    assert capsys.readouterr().err == ""


def test_options_negative_values_theme_and_show(app: Any, tmp_path: Path) -> None:
    out = tmp_path / "p.png"
    status = run_cli(
        "-x^2",
        "-o",
        str(out),
        "--xrange",
        "-3",
        "1.5e0",
        "--yrange",
        "-9",
        "-1e-1",
        "--x0",
        "-1.25",
        "--theme",
        "dark",
        "--show",
        "f,tangent,grid",
        "--size",
        "320x200",
    )
    assert status == 0
    rgba = pixels(out)
    dark = plot_style(True)
    assert has_color(rgba, dark.f) > 20
    assert has_color(rgba, dark.df) == 0  # not shown


def test_svg_and_pdf(app: Any, tmp_path: Path) -> None:
    assert run_cli("sin(x)", "-o", str(tmp_path / "p.svg"), "--size", "800x500") == 0
    assert (tmp_path / "p.svg").read_text(encoding="utf-8").startswith("<?xml")
    assert run_cli("sin(x)", "-o", str(tmp_path / "p.pdf"), "--size", "800x500") == 0
    data = (tmp_path / "p.pdf").read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox [0 0 600" in data


def test_parameters(app: Any, tmp_path: Path) -> None:
    """a x² with a = −2 opens downwards, with a = 2 upwards, in the same frame."""
    f_colour = plot_style(False).f
    common = ["--size", "400x300", "--xrange", "-2", "2", "--yrange", "-9", "9", "--x0", "-1"]
    common += ["--show", "f"]
    rows = {}
    for a in ("-2", "2"):
        out = tmp_path / f"a{a}.png"
        assert run_cli("a x^2", "-o", str(out), "--param", f"a={a}", *common) == 0
        rgba = pixels(out)
        r, c = np.nonzero(_on_the_way(rgba, f_colour, "#FFFFFF"))
        assert r.size > 100, a
        width = rgba.shape[1]
        # f at the right (x ≈ 1.8: a·3.3) against f in the middle (x ≈ 0: 0); the legend
        # (top left) and the x₀ marker (x = −1) are in neither
        sides = r[c > 0.9 * width].mean()
        middle = r[(c > 0.45 * width) & (c < 0.6 * width)].mean()
        rows[a] = (sides, middle)
    # image rows grow downwards: a < 0 has its sides below its middle, a > 0 above
    assert rows["-2"][0] > rows["-2"][1] + 30
    assert rows["2"][0] < rows["2"][1] - 30
    # and the same picture, mirrored top to bottom, within a pixel
    assert abs((rows["-2"][0] - rows["-2"][1]) + (rows["2"][0] - rows["2"][1])) < 15


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x^2", "-o", "p.png", "--show", "f,rainbow,tangent,sparkles"], "rainbow, sparkles"),
        (["x^2", "-o", "p.jpg"], ".png, .svg or .pdf"),
        (["x^2", "-o", "p"], ".png, .svg or .pdf"),
        (["x^2 +", "-o", "p.png"], "column"),
        (["foo(x)", "-o", "p.png"], "column"),
        (["__import__('os')", "-o", "p.png"], "column"),
        (["x^2", "-o", "p.png", "--size", "10x10"], "size"),
        (["x^2", "-o", "p.png", "--xrange", "3", "1"], "--xrange"),
        (["x^2", "-o", "p.png", "--x0", "nan"], "not a finite number"),
        (["x^2", "-o", "p.png", "--x0", "1e300"], "--x0 must be within ±1e12"),
        (["x^2", "-o", "p.png", "--lr", "0"], "--lr must be positive"),
        (["x^2", "-o", "p.png", "--method", "adam"], "--method must be one of gd, momentum"),
        (["x^2", "-o", "p.png", "--h", "0"], "--h must not be 0"),
        (["x^2", "-o", "p.png", "--steps", "0"], "--steps must be between 1 and 100000"),
        (["x^2", "-o", "p.png", "--theme", "sepia"], "theme"),
        (["x^2"], "-o FILE"),
    ],
)
def test_invalid_input_exits_2(
    app: Any, tmp_path: Path, capsys, monkeypatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run_cli(*args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_unwritable_targets_exit_1_and_leave_nothing(app: Any, tmp_path: Path, capsys) -> None:
    (tmp_path / "file").write_text("x")
    for target in (tmp_path / "missing" / "p.png", tmp_path / "file" / "p.png"):
        assert run_cli("x^2", "-o", str(target), "--size", "320x200") == 1
        err = capsys.readouterr().err
        assert "cannot write" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_real_entry_point_no_traceback(tmp_path: Path) -> None:
    """The console script in a fresh process: no display needed, messages not tracebacks."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY")}
    ok = subprocess.run(
        [sys.executable, "-m", "derivview", "export", "x^2", "-o", str(tmp_path / "p.png")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stderr == ""
    assert pixels(tmp_path / "p.png").shape == (1000, 1600, 4)
    bad = subprocess.run(
        [sys.executable, "-m", "derivview", "export", "x^2", "-o", str(tmp_path / "no/p.png")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and "does not exist" in bad.stderr


def test_show_descent_draws_the_default_run(app: Any, tmp_path: Path) -> None:
    # (x−3)² from 0 with η = 0.1 runs to x ≈ 3 in 91 steps: its path is drawn in the first
    # run's colour; without "descent" that colour is absent.
    common = ["--size", "800x500", "--xrange", "-1", "4", "--yrange", "-1", "10"]
    with_path, without = tmp_path / "with.png", tmp_path / "without.png"
    assert run_cli("(x-3)^2", "-o", str(with_path), "--show", "f,descent", *common) == 0
    assert run_cli("(x-3)^2", "-o", str(without), "--show", "f", *common) == 0
    colour = plot_style(False).descent[0]
    assert has_color(pixels(without), colour, tolerance=30) == 0
    assert has_color(pixels(with_path), colour, tolerance=30) > 200


@pytest.mark.parametrize(
    "text", ["1e308 x^2", "1e307 x^4", "x^2 + 1e308 |x|", "9^9^9 + x", "e^(x^2)"]
)
def test_values_beyond_float64_are_gaps_not_failures(
    app: Any, tmp_path: Path, capsys: Any, text: str
) -> None:
    # issue 14: "Cannot set range [-1.43e+307, inf]" made these exit 1; now values beyond
    # float64 are gaps, the view stays finite, and the export succeeds.
    out = tmp_path / "big.png"
    args = ["--size", "640x400", "--show", "f,df", "--xrange", "-30", "30"]
    assert run_cli(text, "-o", str(out), *args) == 0
    assert capsys.readouterr().err == ""
    rgba = pixels(out)
    assert rgba.shape == (400, 640, 4)
    if text == "e^(x^2)":  # finite up to |x| = 26.6: its walls are drawn
        assert has_color(rgba, plot_style(False).f) > 20


def test_descent_options_draw_the_run_asked_for(app: Any, tmp_path: Path) -> None:
    # (x−3)² from 5: with η = 0.75 (1 − 2η = −0.5) the run zigzags 5 → 2 → 3.5 → 2.75 …,
    # crossing to the left of 3; with η = 0.1 (1 − 2η = 0.8) it stays right of 3
    # (5 → 4.6 → 4.28 …). Only the first draws in the run's colour left of x = 2.2.
    common = ["--size", "800x500", "--xrange", "-1", "6", "--yrange", "-1", "10"]
    show = ["--show", "f,descent", "--start", "5", "--steps", "20"]
    zigzag, monotone = tmp_path / "zigzag.png", tmp_path / "monotone.png"
    assert run_cli("(x-3)^2", "-o", str(zigzag), *show, "--lr", "0.75", *common) == 0
    assert run_cli("(x-3)^2", "-o", str(monotone), *show, "--lr", "0.1", *common) == 0
    colour = plot_style(False).descent[0]
    # x in [1.6, 2.1]: the view is ~760 px wide after a ~40-px axis, over x = −1 … 6.
    band = slice(40 + round(760 * 2.6 / 7) + 3, 40 + round(760 * 3.1 / 7) - 3)
    assert has_color(pixels(zigzag)[:, band], colour, tolerance=30) > 20
    assert has_color(pixels(monotone)[:, band], colour, tolerance=30) == 0


def test_help_lists_the_state_options(capsys) -> None:
    with pytest.raises(SystemExit):
        run_cli("--help")
    out = capsys.readouterr().out
    for flag in ("--x0", "--xrange", "--yrange", "--param", "--show", "--h", "--start", "--lr"):
        assert flag in out
    assert "--expr" not in out  # export's function is its TEXT
