"""The typesetter: where the parts of a formula go, and what a person sees painted."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor, QImage, QPainter

from derivview.model.mathbox import Cases, Fence, Frac, Root, Row, Sup, Sym, row
from derivview.ui.mathview import MathLabel, _Stroke, _Text, layout_math, paint_math

X = Sym("x")
ONE = Sym("1", "num")
TWO = Sym("2", "num")


def texts(laid):
    return [op for op in laid.ops if isinstance(op, _Text)]


def ink(box, px=24.0, size=(300, 160)):
    """Paint box black on white; return a boolean array of dark pixels and the layout."""
    laid = layout_math(box, px)
    img = QImage(size[0], size[1], QImage.Format.Format_Grayscale8)
    img.fill(QColor("white"))
    p = QPainter(img)
    paint_math(p, laid, 10, 20 + laid.ascent, QColor("black"))
    p.end()
    a = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(size[1], img.bytesPerLine())
    return a[:, : size[0]] < 128, laid


def test_fraction_puts_numerator_above_the_bar_and_denominator_below(qapp):
    laid = layout_math(Frac(Sym("a"), Sym("b")), 24.0)
    (a,) = [t for t in texts(laid) if t.text == "a"]
    (b,) = [t for t in texts(laid) if t.text == "b"]
    (bar,) = [op for op in laid.ops if isinstance(op, _Stroke)]
    bar_y = bar.path.boundingRect().center().y()
    assert a.y < bar_y < b.y  # y grows downwards
    assert bar_y < 0  # the bar sits on the math axis, above the baseline
    assert laid.ascent > 24 * 0.6 and laid.descent > 24 * 0.3


def test_fraction_bar_is_a_horizontal_line_of_ink_as_wide_as_the_wider_part(qapp):
    dark, laid = ink(Frac(ONE, Row((X, Sym("+", "op"), ONE))))
    rows = dark.sum(axis=1)
    bar_row = int(np.argmax(rows))
    lo, hi = np.flatnonzero(dark[bar_row])[[0, -1]]
    assert hi - lo > 0.8 * (laid.width - 4)  # the bar spans the denominator x + 1
    assert dark[: bar_row - 2].any() and dark[bar_row + 3 :].any()  # ink above and below


def test_superscript_is_smaller_and_raised(qapp):
    laid = layout_math(Sup(X, TWO), 24.0)
    x_op, two = texts(laid)
    assert two.px < x_op.px * 0.8
    assert two.y < x_op.y - 24 * 0.3
    assert two.x > x_op.x


def test_root_sign_covers_its_body(qapp):
    body = Row((Sup(X, TWO), Sym("+", "op"), ONE))
    laid = layout_math(Root(body), 24.0)
    inner = layout_math(body, 24.0)
    assert laid.width > inner.width
    (sign,) = [op for op in laid.ops if isinstance(op, _Stroke)]
    r = sign.path.boundingRect()
    assert r.top() < -inner.ascent  # the overline is above the body
    assert r.right() >= inner.width  # and as long as it


def test_parentheses_grow_around_a_fraction_but_not_around_a_square(qapp):
    small = layout_math(Fence(Sup(X, TWO)), 24.0)
    assert not any(isinstance(op, _Stroke) for op in small.ops)  # glyph parentheses
    tall = layout_math(Fence(Frac(ONE, X)), 24.0)
    strokes = [op for op in tall.ops if isinstance(op, _Stroke)]
    assert len(strokes) == 3  # two drawn parentheses and the bar
    assert tall.height > small.height


def test_cases_stack_rows(qapp):
    laid = layout_math(Cases(((ONE, row("if x > 0")), (Sym("0", "num"), row("if x < 0")))), 24.0)
    one = next(t for t in texts(laid) if t.text == "1")
    zero = next(t for t in texts(laid) if t.text == "0")
    assert zero.y > one.y + 24 * 0.8


def test_label_shows_formula_and_reads_as_text(qtbot):
    label = MathLabel()
    qtbot.addWidget(label)
    label.setMath(Frac(Row((Sym("sin", "fn"), Fence(X))), X))
    assert label.plainText() == "sin(x)/x"
    assert label.accessibleName() == "sin(x)/x"
    tall = label.sizeHint().height()
    label.setMath(None, "too complex to print")
    assert label.plainText() == "too complex to print"
    assert label.sizeHint().height() < tall
    label.show()
    qtbot.waitExposed(label)
    img = label.grab().toImage()
    assert not img.isNull()
