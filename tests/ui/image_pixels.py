"""Reading exported images in tests: pixels of a file, and how much of a colour they hold.

Shared by the export tests by module name (``from image_pixels import pixels``): tests is
not a package, and pytest puts this folder on sys.path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage


def pixels(path: Path | str) -> np.ndarray:
    """An image file as an (h, w, 4) RGBA uint8 array."""
    image = QImage(str(path)).convertToFormat(QImage.Format.Format_RGBA8888)
    assert not image.isNull()
    # copy: the array must not outlive the QImage it views
    shape = (image.height(), image.width(), 4)
    return np.frombuffer(image.constBits(), np.uint8).reshape(shape).copy()


def rgb(hex_color: str) -> np.ndarray:
    return np.array([int(hex_color[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def count_color(rgba: np.ndarray, hex_color: str, background: str = "#FFFFFF") -> int:
    """Pixels that are ``hex_color`` at least half covering ``background``.

    Antialiased 1-px lines are rarely the exact colour; a pixel on the segment from the
    background to the colour, past its middle, is counted.
    """
    c, bg = rgb(hex_color), rgb(background)
    p = rgba[..., :3].astype(float)
    d = c - bg
    t = ((p - bg) @ d) / float(d @ d)
    residual = np.linalg.norm(p - (bg + t[..., None] * d), axis=-1)
    return int(((t > 0.5) & (t < 1.3) & (residual < 25) & (rgba[..., 3] > 128)).sum())


def ink(rgba: np.ndarray, hex_color: str, background: str = "#FFFFFF") -> float:
    """The amount of ``hex_color`` laid on ``background``: Σ coverage (≈ width × length)."""
    c, bg = rgb(hex_color), rgb(background)
    p = rgba[..., :3].astype(float)
    d = c - bg
    t = ((p - bg) @ d) / float(d @ d)
    residual = np.linalg.norm(p - (bg + t[..., None] * d), axis=-1)
    on = (t > 0.05) & (residual < 12)
    return float(np.clip(t[on], 0.0, 1.0).sum())


def dominant(rgba: np.ndarray) -> tuple[int, ...]:
    """The most common RGBA value (the background of a plot)."""
    values, counts = np.unique(rgba.reshape(-1, 4), axis=0, return_counts=True)
    return tuple(int(v) for v in values[counts.argmax()])
