"""The readout's f, f′, f″ as typeset mathematics (issue 10 item 3): fractions,
powers and roots, words while they are printed, and never wider than the readout."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from derivview.model.calculus import analyze
from derivview.model.formulas import TOO_COMPLEX, Formulas
from derivview.model.mathbox import Frac, Root, Row, Sup, plain
from derivview.model.session import Session
from derivview.ui.readout import Readout


def boxes_in(box):  # type: ignore[no-untyped-def]
    stack = [box]
    while stack:
        b = stack.pop()
        yield b
        for name in ("items", "num", "den", "base", "sup", "body", "sub", "index"):
            v = getattr(b, name, None)
            if isinstance(v, tuple):
                stack.extend(v)
            elif v is not None and not isinstance(v, str):
                stack.append(v)


def readout_for(qtbot, text: str) -> tuple[Session, Readout]:  # type: ignore[no-untyped-def]
    s = Session()
    s.set_text(text)
    s.apply_function(text, analyze(text))
    r = Readout(s)
    qtbot.addWidget(r)
    r.resize(360, 400)
    r.show()
    return s, r


def test_formulas_are_typeset_and_read_as_text(qtbot):
    s, r = readout_for(qtbot, "sin(x)/x + sqrt(x^2 + 1)")
    f, df, d2f = r.formulas.lines
    assert f.plainText() == "f(x) = sin(x)/x + √(x² + 1)"
    kinds = {type(b) for b in boxes_in(f.box())}
    assert {Frac, Root, Sup} <= kinds  # a real fraction, root and power
    assert df.plainText() == "f′(x) = computing…" and df.box() is None  # words, for now
    s.apply_formulas(s.text, Formulas(s.function.f_text, "cos(x)/x - sin(x)/x^2", "2"))
    assert df.plainText() == "f′(x) = cos(x)/x − sin(x)/x²"
    assert Frac in {type(b) for b in boxes_in(df.box())}
    assert d2f.plainText() == "f″(x) = 2"
    assert isinstance(d2f.box(), Row)
    assert "f′(x) = cos(x)/x − sin(x)/x²" in r.plain_text()


def test_words_stay_words(qtbot):
    s, r = readout_for(qtbot, "x^2")
    s.apply_formulas(s.text, Formulas(s.function.f_text, None, None, TOO_COMPLEX))
    assert r.formulas.lines[1].plainText() == f"f′(x) = {TOO_COMPLEX}"
    assert r.formulas.lines[1].box() is None


def test_a_long_formula_never_widens_the_readout(qtbot):
    long = " + ".join(f"sin({k}x)/({k} + x^2)" for k in range(1, 12))
    _s, r = readout_for(qtbot, long)
    line = r.formulas.lines[0]
    qtbot.waitUntil(lambda: line.width() > 0)
    assert line.width() <= r.width()
    assert not line.fits()  # set smaller and cut, the whole formula in its tooltip
    assert line.toolTip() == plain(line.box())
    assert r.sizeHint().width() < 600
    assert isinstance(r.findChild(QWidget, "formulaReadout"), QWidget)


def test_a_line_being_printed_keeps_the_last_formulas_height(qtbot):
    """While f′ and f″ of a new f are printed, their lines stay as tall as the last
    formulas (the lines below do not jump up and down on every keystroke); the printed
    formulas then take their own heights, shorter ones included."""
    s, r = readout_for(qtbot, "1/x")
    s.apply_formulas(s.text, Formulas(s.function.f_text, "-1/x^2", "2/x^3"))
    df, d2f = r.formulas.lines[1:]
    tall = df.sizeHint().height()
    words_only = df.fontMetrics().height() + 2
    assert tall > words_only + 10  # a fraction: much taller than a line of words
    qtbot.waitUntil(lambda: df.height() == tall)
    tall2 = d2f.height()
    s.set_text("x^2")
    s.apply_function("x^2", analyze("x^2"))
    assert df.plainText() == "f′(x) = computing…"
    assert df.sizeHint().height() == tall
    s.set_text("x^3")  # typed on while it is printed: still as tall
    s.apply_function("x^3", analyze("x^3"))
    assert df.sizeHint().height() == tall
    qtbot.wait(50)
    assert df.height() == tall and d2f.height() == tall2
    s.apply_formulas(s.text, Formulas(s.function.f_text, "3x^2", "6x"))
    assert df.plainText() == "f′(x) = 3x²"
    assert df.sizeHint().height() < tall  # its own height again
    qtbot.waitUntil(lambda: df.height() == df.sizeHint().height())


def test_the_same_words_without_holding_take_their_own_height(qtbot):
    from derivview.model.expr.typeset import typeset_function
    from derivview.ui.formula_label import FormulaLabel

    line = FormulaLabel()
    qtbot.addWidget(line)
    line.setMath(typeset_function("1/x^2", 1))
    tall = line.sizeHint().height()
    line.setMath(None, "f′(x) = computing…", hold_height=True)
    assert line.sizeHint().height() == tall
    line.setMath(None, "f′(x) = computing…")  # the same words, no longer held
    assert line.sizeHint().height() == line.fontMetrics().height() + 2 < tall
    assert line._height == line.sizeHint().height()  # announced to the layout
