"""Typeset mathematics with Qt: lay out :mod:`derivview.model.mathbox` boxes and paint them.

Why our own typesetter rather than a LaTeX/MathML → SVG renderer (ziamath): formulas
here come from derivview's own expression tree, whose structure *is* the layout (a
quotient is a fraction, a power a superscript), so there is no markup to produce and parse
again; a layout takes well under a millisecond (ziamath: ~80 ms a formula warm, ~0.7 s to
import, measured here), so the derivation dock, the readout and drags need no background
renderer or cache warm-up; glyphs are the window's own fonts in the palette's colours
(light and dark), and exports get real vector text and paths through the same
``QPainter`` calls (SVG, PDF, PNG alike).

The layout follows TeX's ideas, simplified: three sizes (text, script, scriptscript);
fraction bars on the math axis; superscripts raised by a fixed fraction of the em or
above a tall base; delimiters drawn as paths when the content is taller than a glyph.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from derivview.model.mathbox import (
    Box,
    Cases,
    Fence,
    Frac,
    Root,
    Row,
    Space,
    Styled,
    Sub,
    Sup,
    Sym,
    plain,
)

__all__ = ["MathLabel", "MathLayout", "layout_math", "math_font", "paint_math"]

#: Serif families tried in order; the first installed one sets the formulas.
MATH_FAMILIES = [
    "STIX Two Text",
    "Latin Modern Roman",
    "Cambria",
    "DejaVu Serif",
    "Times New Roman",
    "Liberation Serif",
    "serif",
]
_SCALES = (1.0, 0.72, 0.56)  # text, script, scriptscript


def math_font(pixel_size: float) -> QFont:
    """The upright serif font formulas are set in, at ``pixel_size`` pixels."""
    font = QFont()
    font.setFamilies(MATH_FAMILIES)
    font.setPixelSize(max(4, round(pixel_size)))
    font.setStyleHint(QFont.StyleHint.Serif)
    return font


# --- layout: boxes → positioned drawing operations ------------------------------------


@dataclass(frozen=True)
class _Text:
    x: float
    y: float  # baseline
    text: str
    px: float
    italic: bool
    role: str | None


@dataclass(frozen=True)
class _Stroke:
    path: QPainterPath
    width: float
    role: str | None


_Op = _Text | _Stroke


@dataclass(frozen=True)
class MathLayout:
    """A laid-out formula: its size around the baseline and what to draw.

    Coordinates are relative to the left end of the baseline, y pointing down (Qt's).
    """

    width: float
    ascent: float
    descent: float
    ops: tuple[_Op, ...]

    @property
    def height(self) -> float:
        """ascent + descent."""
        return self.ascent + self.descent

    def moved(self, dx: float, dy: float, role: str | None = None) -> tuple[_Op, ...]:
        """The drawing operations shifted by (dx, dy), given ``role`` where they had none."""
        out: list[_Op] = []
        for op in self.ops:
            r = op.role if op.role is not None else role
            if isinstance(op, _Text):
                out.append(_Text(op.x + dx, op.y + dy, op.text, op.px, op.italic, r))
            else:
                out.append(_Stroke(op.path.translated(dx, dy), op.width, r))
        return tuple(out)


@functools.lru_cache(maxsize=64)
def _metrics(px: float, italic: bool) -> QFontMetricsF:
    font = math_font(px)
    font.setItalic(italic)
    return QFontMetricsF(font)


class _Layouter:
    def __init__(self, base_px: float) -> None:
        self.base_px = base_px

    def px(self, level: int) -> float:
        return self.base_px * _SCALES[min(level, 2)]

    def axis(self, level: int) -> float:
        """Height of the math axis (fraction bars, the middle of +) above the baseline."""
        return _metrics(self.px(level), False).xHeight() * 0.5

    def rule(self, level: int) -> float:
        return max(1.0, self.px(level) * 0.055)

    def lay(self, box: Box, level: int, in_frac: bool = False) -> MathLayout:
        if isinstance(box, Sym):
            return self.sym(box, level)
        if isinstance(box, Space):
            return MathLayout(box.em * self.px(level), 0.0, 0.0, ())
        if isinstance(box, Row):
            return self.row([self.lay(b, level, in_frac) for b in box.items])
        if isinstance(box, Styled):
            inner = self.lay(box.body, level, in_frac)
            return MathLayout(inner.width, inner.ascent, inner.descent, inner.moved(0, 0, box.role))
        if isinstance(box, Frac):
            return self.frac(box, level, in_frac)
        if isinstance(box, Sup):
            return self.script(box.base, box.sup, level, in_frac, up=True)
        if isinstance(box, Sub):
            return self.script(box.base, box.sub, level, in_frac, up=False)
        if isinstance(box, Root):
            return self.root(box, level, in_frac)
        if isinstance(box, Fence):
            return self.fence(box, level, in_frac)
        if isinstance(box, Cases):
            return self.cases(box, level, in_frac)
        raise TypeError(f"not a box: {box!r}")

    def sym(self, box: Sym, level: int) -> MathLayout:
        px = self.px(level)
        italic = box.kind == "var"
        fm = _metrics(px, italic)
        text = box.text
        width = fm.horizontalAdvance(text)
        if italic:
            width += px * 0.04  # italic overhang: keep x from touching what follows
        before = after = 0.0
        if box.kind == "op" and level == 0:
            before = after = px * 0.22
        elif box.kind == "op":
            before = after = px * 0.12
        elif box.kind == "rel":
            before = after = px * (0.28 if level == 0 else 0.16)
        elif box.kind == "punct":
            after = px * 0.18
        op = _Text(before, 0.0, text, px, italic, None)
        return MathLayout(before + width + after, fm.ascent() * 0.78, fm.descent(), (op,))

    def row(self, parts: list[MathLayout]) -> MathLayout:
        x = 0.0
        ops: list[_Op] = []
        asc = desc = 0.0
        for part in parts:
            ops.extend(part.moved(x, 0.0))
            x += part.width
            asc, desc = max(asc, part.ascent), max(desc, part.descent)
        return MathLayout(x, asc, desc, tuple(ops))

    def frac(self, box: Frac, level: int, in_frac: bool) -> MathLayout:
        inner = level + 1 if in_frac else level
        num = self.lay(box.num, inner, True)
        den = self.lay(box.den, inner, True)
        px = self.px(level)
        t = self.rule(level)
        gap = max(t * 1.5, px * 0.12)
        pad = px * 0.1
        width = max(num.width, den.width) + 2 * pad
        axis = self.axis(level)
        bar_y = -axis
        num_base = bar_y - t / 2 - gap - num.descent
        den_base = bar_y + t / 2 + gap + den.ascent
        ops = list(num.moved((width - num.width) / 2, num_base))
        ops.extend(den.moved((width - den.width) / 2, den_base))
        path = QPainterPath(QPointF(pad * 0.5, bar_y))
        path.lineTo(width - pad * 0.5, bar_y)
        ops.append(_Stroke(path, t, None))
        ascent = -num_base + num.ascent
        descent = den_base + den.descent
        side = px * 0.08
        moved = [*MathLayout(width, ascent, descent, tuple(ops)).moved(side, 0.0)]
        return MathLayout(width + 2 * side, ascent, descent, tuple(moved))

    def script(self, base: Box, script: Box, level: int, in_frac: bool, up: bool) -> MathLayout:
        b = self.lay(base, level, in_frac)
        s = self.lay(script, level + 1, in_frac)
        px = self.px(level)
        if up:
            tall = isinstance(base, (Fence, Frac, Root)) or b.ascent > px * 0.9
            shift = max(px * 0.38, b.ascent - s.ascent * 0.6) if tall else px * 0.38
            y = -shift
        else:
            y = max(px * 0.18, b.descent * 0.8)
        ops = [*b.ops, *s.moved(b.width + px * 0.03, y)]
        ascent = max(b.ascent, -y + s.ascent)
        descent = max(b.descent, y + s.descent)
        return MathLayout(b.width + px * 0.03 + s.width + px * 0.04, ascent, descent, tuple(ops))

    def root(self, box: Root, level: int, in_frac: bool) -> MathLayout:
        body = self.lay(box.body, level, in_frac)
        px = self.px(level)
        t = self.rule(level)
        gap = max(t * 1.5, px * 0.1)
        top = -(body.ascent + gap + t / 2)
        bottom = body.descent + px * 0.04
        sign_w = px * 0.55
        lead = 0.0
        ops: list[_Op] = []
        if box.index is not None:
            index = self.lay(box.index, 2)
            lead = max(0.0, index.width - sign_w * 0.45)
            ops.extend(index.moved(lead + sign_w * 0.45 - index.width, top * 0.45))
        x0 = lead
        mid = (top + bottom) * 0.45 + px * 0.1
        path = QPainterPath(QPointF(x0 + sign_w * 0.05, mid))
        path.lineTo(x0 + sign_w * 0.22, mid - px * 0.06)
        path.lineTo(x0 + sign_w * 0.5, bottom)
        path.lineTo(x0 + sign_w, top)
        path.lineTo(x0 + sign_w + body.width + px * 0.08, top)
        ops.append(_Stroke(path, t, None))
        ops.extend(body.moved(x0 + sign_w + px * 0.04, 0.0))
        width = x0 + sign_w + body.width + px * 0.14
        return MathLayout(width, -top + t, bottom + t / 2, tuple(ops))

    def fence(self, box: Fence, level: int, in_frac: bool) -> MathLayout:
        body = self.lay(box.body, level, in_frac)
        px = self.px(level)
        fm = _metrics(px, False)
        glyph_asc, glyph_desc = fm.ascent() * 0.78, fm.descent()
        # A superscript (x²) fits inside glyph parentheses; fractions and nested powers
        # do not.
        tall = body.ascent > glyph_asc * 1.35 or body.descent > glyph_desc * 1.6
        axis = self.axis(level)
        if tall:  # symmetric about the axis, covering the body
            half = max(body.ascent - axis, body.descent + axis) + px * 0.08
            top, bottom = -axis - half, -axis + half
        else:
            top, bottom = -glyph_asc, glyph_desc
        ops: list[_Op] = []
        x = 0.0
        left_w = self._delimiter(box.left, x, top, bottom, px, level, ops, tall, left=True)
        x += left_w
        ops.extend(body.moved(x, 0.0))
        x += body.width
        x += self._delimiter(box.right, x, top, bottom, px, level, ops, tall, left=False)
        return MathLayout(x, max(body.ascent, -top), max(body.descent, bottom), tuple(ops))

    def _delimiter(
        self,
        d: str,
        x: float,
        top: float,
        bottom: float,
        px: float,
        level: int,
        ops: list[_Op],
        tall: bool,
        left: bool,
    ) -> float:
        if not d:
            return 0.0
        t = self.rule(level)
        if d in "|‖":
            width = px * 0.28
            bars = (0.5,) if d == "|" else (0.35, 0.65)
            for frac in bars:
                path = QPainterPath(QPointF(x + width * frac, top + px * 0.02))
                path.lineTo(x + width * frac, bottom - px * 0.02)
                ops.append(_Stroke(path, t, None))
            return width
        if not tall:
            fm = _metrics(px, False)
            width = fm.horizontalAdvance(d)
            ops.append(_Text(x, 0.0, d, px, False, None))
            return width
        height = bottom - top
        width = px * (0.3 + min(0.25, height / px * 0.03))
        inner, outer = (
            (x + width * 0.8, x + width * 0.2) if left else (x + width * 0.2, x + width * 0.8)
        )
        path = QPainterPath(QPointF(inner, top))
        if d in "()":
            path.quadTo(
                QPointF(outer - (inner - outer) * 0.35, (top + bottom) / 2), QPointF(inner, bottom)
            )
        elif d in "[]":
            path = QPainterPath(QPointF(inner, top))
            path.lineTo(outer, top)
            path.lineTo(outer, bottom)
            path.lineTo(inner, bottom)
        elif d in "{}":
            mid = (top + bottom) / 2
            path.cubicTo(
                QPointF(outer, top), QPointF((inner + outer) / 2, mid), QPointF(outer, mid)
            )
            path.cubicTo(
                QPointF((inner + outer) / 2, mid), QPointF(outer, bottom), QPointF(inner, bottom)
            )
        ops.append(_Stroke(path, t * 1.2, None))
        return width

    def cases(self, box: Cases, level: int, in_frac: bool) -> MathLayout:
        px = self.px(level)
        rows = [(self.lay(v, level, in_frac), self.lay(c, level, in_frac)) for v, c in box.rows]
        value_w = max((v.width for v, _ in rows), default=0.0)
        gap = px * 0.9
        line_gap = px * 0.25
        heights = [max(v.ascent, c.ascent) + max(v.descent, c.descent) for v, c in rows]
        total = sum(heights) + line_gap * max(0, len(rows) - 1)
        axis = self.axis(level)
        top = -axis - total / 2
        y = top
        body: list[_Op] = []
        brace_w = px * 0.55
        for (v, c), h in zip(rows, heights, strict=True):
            base = y + max(v.ascent, c.ascent)
            body.extend(v.moved(brace_w, base))
            body.extend(c.moved(brace_w + value_w + gap, base))
            y += h + line_gap
        width = brace_w + value_w + gap + max((c.width for _, c in rows), default=0.0)
        ops: list[_Op] = []
        self._delimiter(
            "{", 0.0, top - px * 0.05, top + total + px * 0.05, px, level, ops, True, True
        )
        return MathLayout(width, -top + px * 0.05, top + total + px * 0.05, (*ops, *body))


@functools.lru_cache(maxsize=512)
def layout_math(box: Box, pixel_size: float) -> MathLayout:
    """Lay ``box`` out at a base size of ``pixel_size`` pixels (cached per box and size)."""
    return _Layouter(float(pixel_size)).lay(box, 0)


def paint_math(
    painter: QPainter,
    laid: MathLayout,
    x: float,
    baseline: float,
    color: QColor,
    roles: dict[str, QColor] | None = None,
) -> None:
    """Draw a laid-out formula with its baseline starting at (x, baseline)."""
    roles = roles or {}
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    fonts: dict[tuple[float, bool], QFont] = {}
    for op in laid.ops:
        c = roles.get(op.role, color) if op.role else color
        if isinstance(op, _Text):
            key = (op.px, op.italic)
            font = fonts.get(key)
            if font is None:
                font = math_font(op.px)
                font.setItalic(op.italic)
                fonts[key] = font
            painter.setFont(font)
            painter.setPen(c)
            painter.drawText(QPointF(x + op.x, baseline + op.y), op.text)
        else:
            pen = QPen(c, op.width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(op.path.translated(x, baseline))
    painter.restore()


# --- a widget --------------------------------------------------------------------------


class MathLabel(QWidget):
    """A formula, typeset; its accessible name and ``plainText()`` are the Unicode form.

    ``setMath(box)`` shows a formula; ``setMath(None, "text")`` shows plain words instead
    (e.g. "computing…", "too complex to print"). The colour follows the palette; the
    ``highlight`` role uses the palette's link colour.
    """

    def __init__(self, parent: QWidget | None = None, *, scale: float = 1.2) -> None:
        super().__init__(parent)
        self._box: Box | None = None
        self._words = ""
        self._scale = scale
        self._laid: MathLayout | None = None
        self._margin = 2.0
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)

    # -- public ------------------------------------------------------------------------
    def setMath(self, box: Box | None, words: str = "") -> None:
        """Show ``box`` typeset, or ``words`` when box is None."""
        if box == self._box and words == self._words:
            return
        self._box, self._words = box, words
        self._relayout()

    def box(self) -> Box | None:
        """The formula shown (None when words are shown)."""
        return self._box

    def plainText(self) -> str:
        """What is shown, as one line of Unicode."""
        return plain(self._box) if self._box is not None else self._words

    def pixelSize(self) -> float:
        """The base size of the formula in pixels (the widget font's, scaled)."""
        info = self.fontInfo()
        return info.pixelSize() * self._scale

    # -- Qt ----------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        w, h = self._extent()
        return QSize(int(w + 0.999), int(h + 0.999))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def changeEvent(self, event: object) -> None:  # font or palette changed
        super().changeEvent(event)  # type: ignore[arg-type]
        self._relayout()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        color = self.palette().color(QPalette.ColorRole.WindowText)
        if not self.isEnabled():
            color = self.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText
            )
        laid = self._layout()
        if laid is None:
            painter.setPen(color)
            painter.drawText(
                QRectF(self.rect()).adjusted(self._margin, 0, 0, 0),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                self._words,
            )
        else:
            roles = {"highlight": self.palette().color(QPalette.ColorRole.Link)}
            muted = QColor(color)
            muted.setAlphaF(0.55)
            roles["muted"] = muted
            top = (self.height() - laid.height) / 2
            paint_math(painter, laid, self._margin, top + laid.ascent, color, roles)
        painter.end()

    # -- internals ---------------------------------------------------------------------
    def _layout(self) -> MathLayout | None:
        if self._box is None:
            return None
        if self._laid is None:
            self._laid = layout_math(self._box, round(self.pixelSize() * 2) / 2)
        return self._laid

    def _extent(self) -> tuple[float, float]:
        laid = self._layout()
        if laid is None:
            fm = self.fontMetrics()
            return fm.horizontalAdvance(self._words) + 2 * self._margin, fm.height() + 2
        return laid.width + 2 * self._margin, laid.height + 2 * self._margin

    def _relayout(self) -> None:
        self._laid = None
        self.setAccessibleName(self.plainText())
        self.updateGeometry()
        self.update()


#: For callers that want a callable from box to plain text (tooltips, clipboard).
to_plain: Callable[[Box], str] = plain
