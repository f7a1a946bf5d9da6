"""Render the icon master (derivview/assets/icon.svg) to the hicolor PNG sizes.

    python packaging/make_icons.py

Writes packaging/icons/hicolor/<N>x<N>/apps/derivview.png and the scalable SVG, the
layout a .desktop file's ``Icon=derivview`` is looked up in, and the icons of the Windows
executable (``icons/derivview.ico``, 256 px) and the macOS app (``icons/derivview.icns``,
512 px), written by Qt's own ico/icns image plugins.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

ROOT = Path(__file__).resolve().parents[1]
MASTER = ROOT / "derivview" / "assets" / "icon.svg"
ICONS = ROOT / "packaging" / "icons"
OUT = ICONS / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


#: (file, size in pixels, Qt image format) of the executables' icons.
APP_ICONS = (("derivview.ico", 256, "ico"), ("derivview.icns", 512, "icns"))


def render(renderer: QtSvg.QSvgRenderer, n: int) -> QtGui.QImage:
    """The master drawn at n × n pixels on a transparent background."""
    image = QtGui.QImage(n, n, QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    _app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    renderer = QtSvg.QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        print(f"cannot read {MASTER}", file=sys.stderr)
        return 1
    targets = [(OUT / f"{n}x{n}" / "apps" / "derivview.png", n, "png") for n in SIZES]
    targets += [(ICONS / name, n, fmt) for name, n, fmt in APP_ICONS]
    for target, n, fmt in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not render(renderer, n).save(str(target), fmt):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
    scalable = OUT / "scalable" / "apps" / "derivview.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MASTER, scalable)
    print(f"wrote {len(SIZES)} sizes, the scalable icon and the app icons under {ICONS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
