"""Render the icon master (derivview/assets/icon.svg) to the hicolor PNG sizes.

    python packaging/make_icons.py

Writes packaging/icons/hicolor/<N>x<N>/apps/derivview.png and the scalable SVG, the
layout a .desktop file's ``Icon=derivview`` is looked up in.
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
OUT = ROOT / "packaging" / "icons" / "hicolor"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def main() -> int:
    _app = QtWidgets.QApplication.instance() or QtWidgets.QApplication([])
    renderer = QtSvg.QSvgRenderer(str(MASTER))
    if not renderer.isValid():
        print(f"cannot read {MASTER}", file=sys.stderr)
        return 1
    for n in SIZES:
        image = QtGui.QImage(n, n, QtGui.QImage.Format.Format_ARGB32)
        image.fill(QtCore.Qt.GlobalColor.transparent)
        painter = QtGui.QPainter(image)
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        target = OUT / f"{n}x{n}" / "apps" / "derivview.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(target)):
            print(f"cannot write {target}", file=sys.stderr)
            return 1
    scalable = OUT / "scalable" / "apps" / "derivview.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(MASTER, scalable)
    print(f"wrote {len(SIZES)} sizes and the scalable icon under {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
