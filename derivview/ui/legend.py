"""The f(x) plot's legend: entries a click toggles, a box a person may drag, and rows
that are kept for the next time they are listed.

The legend lists exactly what is drawn, so its entries change whenever the kinds of
special point in view do — a moment after most keystrokes (x² has critical points,
sin x inflection points too). pyqtgraph makes each row anew (a text item laid out from
HTML): rebuilding six rows cost ~9 ms of the frame that shows the markers. Here a row
that was listed before is shown again as it was; only new ones are made.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

import pyqtgraph as pg  # isort: skip  (after PySide6: pyqtgraph picks the imported binding)

__all__ = ["Legend", "LegendSample"]

#: Rows kept beyond those listed (entries whose words change, such as a descent run's
#: learning rate, would otherwise pile up).
SPARE_ROWS = 16

_CACHE = QGraphicsItem.CacheMode.DeviceCoordinateCache


class LegendSample(pg.ItemSample):
    """A legend sample whose click toggles its item through the session, not directly."""

    toggle: Callable[[], None] | None = None  # set per sample by its panel

    def mouseClickEvent(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.toggle is not None:
            self.toggle()
        event.accept()


class Legend(pg.LegendItem):
    """The legend; a person may drag it anywhere, and then it stays where they put it."""

    moved_by_hand = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rows: dict[tuple[Any, str], tuple[Any, Any]] = {}  # (item, words) -> row
        self._style: Hashable = None
        self.setCacheMode(_CACHE)

    def mouseDragEvent(self, ev: Any) -> None:
        if ev.button() == Qt.MouseButton.LeftButton:
            self.moved_by_hand = True
        super().mouseDragEvent(ev)

    def set_entries(
        self,
        entries: Sequence[tuple[Any, str, Callable[[], None]]],
        style: Hashable,
    ) -> None:
        """List ``entries`` — (drawn item, words, what a click on its sample does) — in
        order. Rows listed before in the same ``style`` (colours, text size) are reused.
        """
        if style != self._style:
            self._style = style
            self.clear()  # pyqtgraph's: removes the rows for good
            self._drop(list(self._rows.values()))
            self._rows = {}
        for sample, label in self.items:  # off the layout, kept (hidden) for later
            self.layout.removeItem(sample)
            self.layout.removeItem(label)
            sample.hide()
            label.hide()
        self.items = []
        listed = set()
        for item, words, toggle in entries:
            row = self._rows.get((item, words))
            if row is None or row[0].scene() is not self.scene():  # (an export removed it)
                self.addItem(item, words)
                row = self._rows[(item, words)] = self.items[-1]
                sample, label = row
                for part in (sample, label, label.item):
                    part.setCacheMode(_CACHE)
            else:
                sample, label = row
                sample.show()
                label.show()
                self.items.append(row)
                self._addItemToLayout(sample, label)
            sample.toggle = toggle
            listed.add((item, words))
        spare = [key for key in self._rows if key not in listed]
        if len(spare) > SPARE_ROWS:
            self._drop([self._rows.pop(key) for key in spare])
        self.updateSize()

    @staticmethod
    def _drop(rows: list[tuple[Any, Any]]) -> None:
        """Remove kept rows (hidden, off the layout) for good, as pyqtgraph removes a
        row (it would stay in the scene otherwise)."""
        for row in rows:
            for part in row:
                scene = part.scene()
                if scene is not None:  # (not removed already: by clear, or an export)
                    part.close()
                    scene.removeItem(part)
