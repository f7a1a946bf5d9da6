"""Labels whose new text re-lays out nothing: readouts and notes that change on every
drag frame or keystroke (the f(x) and f(x, y) readouts, the labs' readouts and notes).

- :class:`LabelFrame`: a label of rows (the readouts' numbers); :class:`WrappedFrame`:
  a word-wrapped one whose height follows its width (height-for-width). Give the label
  its size policy first (Ignored horizontally, so that a longer text never widens its
  dock); the frame takes it over.
- :class:`FittedFrame`: in a scrolled column, a frame as tall as its label at its width.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

__all__ = ["FittedFrame", "LabelFrame", "WrappedFrame"]


class LabelFrame(QWidget):
    """Holds one label outside any layout, so that its new text re-lays out nothing.

    A label in a layout invalidates that layout on every ``setText``; the invalidation
    climbs to the window and, measured, makes the plot beside it repaint twice per drag
    frame (~2 ms). Here the label's ``updateGeometry`` stops at this frame (which has no
    layout); the frame announces a new size itself, and only when the label's height
    changes (a different number of rows). Its width follows the layout, as the label's
    did (the label's size policy, Ignored horizontally, moves to the frame).
    """

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(label.sizePolicy())
        self._hint = label.sizeHint()
        self._min_hint = label.minimumSizeHint()
        self._height = -1
        self._heights: dict[tuple[int, str, str], int] = {}

    def label_height(self, width: int) -> int:
        """The label's ``heightForWidth(width)``, remembered for its text and font.

        A word-wrapped rich-text label lays its whole text out again for each call
        (~0.1 ms); the layout around the frame asks ~4 times per frame for the same
        width and text."""
        key = (width, self.label.text(), self.label.font().key())
        found = self._heights.get(key)
        if found is None:
            if len(self._heights) >= 8:
                self._heights.clear()
            found = self._heights[key] = self.label.heightForWidth(width)
        return found

    def set_text(self, text: str) -> None:
        """Show ``text``; re-lay out the window only if the label's height changed."""
        if self.label.text() == text:  # an unchanged label costs nothing
            return
        self.label.setText(text)
        # Laying the text out now, at the label's width, spares a second paint: a
        # selectable label that lays its text out while painting asks to be painted again.
        height = self.label_height(self.label.width())
        if height != self._height:
            self._height = height
            self._hint = self.label.sizeHint()
            self._min_hint = self.label.minimumSizeHint()
            self.updateGeometry()

    def sizeHint(self) -> QSize:
        return self._hint

    def minimumSizeHint(self) -> QSize:
        return self._min_hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.label.setGeometry(self.rect())
        super().resizeEvent(event)


class WrappedFrame(LabelFrame):
    """A word-wrapped label outside any layout: a new text as tall as the last re-lays
    out nothing.

    The words change on drag frames and keystrokes; as a label in a readout's layout
    each new text invalidated the layout up to the dock's scroll area (~1-2 ms a frame
    for the f(x) readout; the f(x, y) readout was painted three times per frame). The
    frame's height follows its width (height-for-width, as the label's did); it asks for
    a new layout only when the label's height at the current width changes.
    """

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(label, parent)
        self._hinted = [-1, -1]  # the heights sizeHint and minimumSizeHint gave last
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.label_height(width)

    def sizeHint(self) -> QSize:
        hint = self._at_width(super().sizeHint())
        self._hinted[0] = hint.height()
        return hint

    def minimumSizeHint(self) -> QSize:
        hint = self._at_width(super().minimumSizeHint())
        self._hinted[1] = hint.height()
        return hint

    def _at_width(self, hint: QSize) -> QSize:
        """``hint`` as tall as the label is at the frame's width, once it has one.

        A word-wrapped label's own hints are for a width of its choosing (105 px and
        three lines for a status that takes one line at a dock's 360 px): kept, a panel
        built with such a text asked for more height than it needed, and its dock's
        scroll area showed a scroll bar.
        """
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized) and self.width() > 0:
            hint = QSize(hint.width(), self.label_height(self.width()))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._height = self.label_height(self.width())  # at the new width
        if any(h != self._height for h in self._hinted):
            self.updateGeometry()  # hints as tall as the label now is


class FittedFrame(QWidget):
    """:class:`LabelFrame` for a label in a scrolled column (the labs' readouts and
    notes): the frame fits its label to its own width and is exactly as tall (a fixed
    height, no height-for-width), so that a short dock shrinks the plot beside it, not
    the text. A word-wrapped label is measured at the frame's width, a plain one only
    when its number of lines changes.
    """

    def __init__(self, label: QLabel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._height = label.sizeHint().height()
        self._lines = label.text().count("\n")

    def set_text(self, text: str) -> None:
        """Show ``text``; re-lay out only if the label's height changed."""
        if self.label.text() == text:
            return
        self.label.setText(text)
        self._fit()

    def _fit(self) -> None:
        label = self.label
        width = max(self.width(), 50)
        # Laying the text out now, at the label's width, spares a second paint: a
        # selectable label that lays its text out while painting asks to be painted again.
        laid_out = label.heightForWidth(width)
        if label.wordWrap():
            height = laid_out
        else:  # as many lines, as tall: spare the text layout of sizeHint (every frame)
            lines = label.text().count("\n")
            height = self._height if lines == self._lines else label.sizeHint().height()
            self._lines = lines
        if height < 0:
            height = label.sizeHint().height()
        if height != self._height:
            self._height = height
            self.updateGeometry()
        if label.size() != QSize(width, height):
            label.resize(width, height)

    def sizeHint(self) -> QSize:
        return QSize(self.label.sizeHint().width(), self._height)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self._height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
