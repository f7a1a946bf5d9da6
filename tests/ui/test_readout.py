"""The readout says the numbers at x₀, and says honestly where there is no derivative."""

from __future__ import annotations

import math
import re

import mpmath
import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QLabel, QSlider, QWidget

from derivview.ui.label_frame import WrappedFrame
from derivview.ui.readout import fmt, pretty_formula, tangent_equation

# -- formatting (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (-1.125, "−1.125"),
        (0.0, "0"),
        (-0.0, "0"),
        (1 / 3, "0.33333333"),
        (-2 / 3 * 1e-7, "−6.6666667e−8"),
        (123456789.0, "1.2345679e8"),
        (math.inf, "∞"),
        (-math.inf, "−∞"),
        (None, "undefined"),
        (math.nan, "undefined"),
    ],
)
def test_fmt(value, text):
    assert fmt(value) == text


@pytest.mark.parametrize(
    ("formula", "shown"),
    [
        ("3*x^2 - 3", "3·x² − 3"),
        ("x^-2", "x⁻²"),
        ("x^10 + x^2.5", "x¹⁰ + x^2.5"),
        ("e^(-x^2/4)", "e^(−x²/4)"),
        ("2^x", "2^x"),
    ],
)
def test_pretty_formula(formula, shown):
    assert pretty_formula(formula) == shown


@pytest.mark.parametrize(
    ("m", "b", "text"),
    [
        (3.75, -6.75, "y = 3.75x − 6.75"),
        (0.0, 2.0, "y = 2"),
        (1.0, 0.0, "y = x"),
        (-1.0, 0.5, "y = −x + 0.5"),
        (-2.0, 0.0, "y = −2x"),
    ],
)
def test_tangent_equation(m, b, text):
    assert tangent_equation(m, b) == text


# -- in the window ----------------------------------------------------------------------------


def test_numbers_show_eight_significant_digits(make_window, ui):
    x0 = "1.23456789"
    win = make_window("--x0", x0)
    mpmath.mp.dps = 30
    x = mpmath.mpf(x0)
    f, df, d2f = x**3 - 3 * x, 3 * x**2 - 3, 6 * x
    text = ui.readout(win)
    for name, value in (("f(x₀)", f), ("f′(x₀)", df), ("f″(x₀)", d2f)):
        shown = f"{float(value):.8g}".replace("-", "−")
        assert f"{name} = {shown}" in text, (name, shown, text)
    assert "x₀ = 1.2345679" in text


def _sigmoid_d2(x: float) -> float:
    s = 1 / (1 + math.exp(-x))
    return s * (1 - s) * (1 - 2 * s)


@pytest.mark.parametrize(
    ("expr", "x0", "d2f"),
    [
        ("sin(x)", "1", -math.sin(1)),  # (sin)″ = −sin
        ("e^(2x)", "0.5", 4 * math.e),  # 4e^(2x)
        ("ln(x)", "2", -0.25),  # −1/x²
        ("x^4", "-1.5", 12 * 1.5**2),  # 12x²
        ("sigmoid(x)", "1", _sigmoid_d2(1.0)),  # σ(1 − σ)(1 − 2σ)
    ],
)
def test_the_second_derivative_row(make_window, ui, expr, x0, d2f):
    win = make_window("--expr", expr, "--x0", x0)
    shown = f"{d2f:.8g}".replace("-", "−")
    assert f"f″(x₀) = {shown}" in ui.readout(win)


def test_the_second_derivative_row_where_f_prime_has_a_corner(make_window, ui):
    # x|x| has f′ = 2|x|: f′(0) = 0 exists, f″(0) does not (a corner of f′).
    win = make_window("--expr", "x |x|", "--x0", "0")
    text = ui.readout(win)
    assert "f′(x₀) = 0" in text and "f″(x₀) = undefined" in text
    win.session.set_x0(-0.5)  # and away from it, −2
    assert "f″(x₀) = −2" in ui.readout(win)


def test_readout_follows_the_point(make_window, ui, qtbot):
    win = make_window("--expr", "sin(x)", "--x0", "0")
    text = ui.readout(win)
    assert "f(x₀) = 0" in text and "f′(x₀) = 1" in text
    assert "increasing" in text and "no curvature (f″ = 0)" in text
    spin = win.findChild(QDoubleSpinBox, "x0Spin")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert win.session.x0 == 3.0
    text = ui.readout(win)
    # At 3: sin 3 > 0, cos 3 < 0, −sin 3 < 0.
    assert f"f(x₀) = {math.sin(3):.8g}" in text
    assert f"f′(x₀) = {math.cos(3):.8g}".replace("-", "−") in text
    assert "decreasing" in text and "concave down (f″ < 0)" in text


def test_flat_at_a_critical_point(make_window, ui):
    win = make_window("--expr", "cos(x)", "--x0", "0")
    text = ui.readout(win)
    assert "flat" in text and "concave down" in text
    assert "y = 1" in text


def test_relu_at_zero_has_no_derivative(make_window, ui):
    win = make_window("--expr", "relu(x)", "--x0", "0")
    text = ui.readout(win)
    assert "No derivative at x = 0" in text and "corner" in text
    assert text.count("No derivative at x = 0") == 1
    assert "f′₋(x₀) = 0 (from the left)" in text
    assert "f′₊(x₀) = 1 (from the right)" in text
    assert "subgradient = [0, 1]" in text
    assert "tangent" not in text.split("No derivative")[0]


def test_abs_at_zero_subgradient(make_window, ui):
    win = make_window("--expr", "|x|", "--x0", "0")
    text = ui.readout(win)
    assert "No derivative at x = 0" in text
    assert "f′₋(x₀) = −1" in text and "f′₊(x₀) = 1" in text
    assert "subgradient = [−1, 1]" in text


def test_outside_the_domain_says_undefined(make_window, ui):
    win = make_window("--expr", "ln(x)", "--x0", "-1")
    text = ui.readout(win)
    assert "f is undefined at x₀ = −1" in text
    assert "f′(x₀)" not in text


def test_at_a_pole_says_undefined(make_window, ui):
    win = make_window("--expr", "1/x", "--x0", "0")
    assert "f is undefined at x₀ = 0" in ui.readout(win)


def test_formulas_are_shown(make_window, ui):
    win = make_window()
    text = ui.readout(win)
    assert "f(x) = x³ − 3·x" in text or "f(x) = x³ − 3x" in text
    assert "f″(x) = 6·x" in text or "f″(x) = 6x" in text


def test_readout_is_selectable(make_window):
    win = make_window()
    label = win.findChild(QLabel, "pointReadout")
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_slider_arrow_keys_move_the_readout(make_window, ui, qtbot):
    win = make_window("--expr", "x^2", "--x0", "0")
    slider = win.findChild(QSlider, "x0Slider")
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_Right)
    lo, hi = win.session.x_range
    x0 = lo + (hi - lo) * slider.value() / slider.maximum()
    assert win.session.x0 == pytest.approx(x0)
    assert x0 > 0
    assert f"f′(x₀) = {2 * x0:.8g}" in ui.readout(win)


def test_launching_with_an_invalid_expression_says_so(make_window, ui):
    win = make_window("--expr", "sin(")
    assert "column" in ui.error(win)
    assert win.session.function is None
    assert "No function yet" in ui.readout(win)
    ui.type(win, "sin(x)")
    ui.wait_ready(win)
    assert "f′(x₀) = " in ui.readout(win) and ui.error(win) == ""


# -- drag frames: the numbers change, the layout does not -------------------------------------


class _LayoutRequests(QObject):
    """Counts LayoutRequest events reaching the watched widgets."""

    def __init__(self, *widgets: QWidget) -> None:
        super().__init__()
        self.count = 0
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def test_moving_x0_re_lays_out_nothing_while_the_rows_stay(make_window, ui, qtbot):
    # A label in a layout re-lays out the window on every new text (and the plot beside
    # it repaints twice per drag frame): numbers of new lengths must not.
    win = make_window("--x0", "1.5")
    label = win.findChild(QLabel, "pointReadout")
    line = label.fontMetrics().lineSpacing()
    qtbot.waitUntil(lambda: label.height() >= 5 * line, timeout=2000)  # the first layout
    # The printed f′ and f″ arrive from the worker when they arrive (late in a busy
    # suite: during the loop below), and their typeset rows rightly lay out once: wait.
    qtbot.waitUntil(lambda: win.session.formulas is not None, timeout=60_000)
    # Their new rows re-lay out the readout, then its scroll page, then the readout
    # again: one layout request posts the next, each waiting for its own turn of the
    # event loop (in a loaded suite, into the loop below). Let the chain end first.
    qtbot.wait(150)
    requests = _LayoutRequests(win.readout)  # (a child's new size hint would reach it)
    texts = []
    # (x > 1: f increasing and concave up throughout, so the words stay the same)
    for x0 in (1.2345678, 2.5, 1.0000001, 3.7500002, 3.14159265, 2.0):
        win.session.set_x0(x0)
        QApplication.processEvents()
        texts.append(label.text())
    assert len(set(texts)) == len(texts)  # every number changed the text
    assert re.search(r"^f\(x₀\) *= 2$", label.text(), re.MULTILINE)  # f(2) = 8 − 6
    assert requests.count == 0
    # the numbers stay readable: the label spans the readout's width and shows each row
    assert label.width() == win.readout.width()
    assert label.height() >= (label.text().count("\n") + 1) * line


def test_a_new_f_re_lays_out_nothing_in_the_descent_panel(make_window, ui, qtbot):
    # Each new f has its own stability note (f″ at the start) and status: as labels in
    # the panel's layout, every new text laid the panel out again in the keystroke's
    # frame. A note as many lines long as the last must not.
    win = make_window("--expr", "x^2")
    panel = win.dock_content("descentDock")
    note = win.findChild(QLabel, "gdStability")
    qtbot.wait(150)  # the first layouts, and the printed formulas' (see above)
    requests = _LayoutRequests(panel)
    notes = []
    for text in ("2x^2", "3x^2", "0.5x^2", "4x^2"):
        ui.type(win, text)
        QApplication.processEvents()
        notes.append(note.text())
    assert len(set(notes)) == len(notes)  # every f has a note of its own
    # f″ = 2a everywhere: the bound η < 2/f″ is 0.5, 1/3, 2, 0.25 at the start x = 0
    bounds = ("0.5", "0.333333", "2", "0.25")
    assert all(f"η < 2/f″ = {b} at x = 0" in n for b, n in zip(bounds, notes, strict=True)), notes
    assert requests.count == 0
    # the note is shown whole: as tall as its lines at the panel's width
    assert note.height() >= note.heightForWidth(note.width())


def test_the_rows_are_as_tall_as_their_text_at_any_width_of_the_dock(make_window, qtbot):
    # The long one-sided rows of √x at its edge wrap in a narrow dock; a dock made wider
    # must not keep the wrapped height (two blank lines, then the words, then a scroll
    # bar), nor a narrower one cut the rows.
    win = make_window("--expr", "sqrt(x)", "--x0", "0")
    label = win.findChild(QLabel, "pointReadout")
    words = win.findChild(QLabel, "pointWords")
    spacing = win.readout.layout().spacing()

    def snug() -> bool:
        below = label.mapTo(win.readout, label.rect().bottomLeft()).y()
        top = words.mapTo(win.readout, words.rect().topLeft()).y()
        return (
            label.height() == label.heightForWidth(label.width())
            and words.height() == words.heightForWidth(words.width())
            and top - below - 1 == spacing
        )

    for width in (1920, 1024, 1920):
        win.resize(width, 900)
        qtbot.waitUntil(snug, timeout=3000)
    assert "(from the right)" in label.text()


def test_readout_grows_and_shrinks_with_its_rows(make_window, ui, qtbot):
    win = make_window("--expr", "|x|", "--x0", "1")
    label = win.findChild(QLabel, "pointReadout")
    line = label.fontMetrics().lineSpacing()
    assert label.text().count("\n") + 1 == 5  # x₀, f, f′, f″, tangent
    qtbot.waitUntil(lambda: label.height() >= 5 * line, timeout=2000)
    smooth = label.height()
    win.session.set_x0(0.0)  # a corner: f′ does not exist, one-sided slopes, subgradient
    qtbot.waitUntil(lambda: label.height() >= 6 * line, timeout=2000)
    assert label.text().count("\n") + 1 == 6
    assert "subgradient = [−1, 1]" in label.text()
    # what follows the numbers moves down, clear of them
    words = win.findChild(QLabel, "pointWords")
    top_of_words = words.mapTo(win.readout, words.rect().topLeft()).y()
    bottom_of_label = label.mapTo(win.readout, label.rect().bottomLeft()).y()
    assert top_of_words > bottom_of_label
    win.session.set_x0(1.0)
    qtbot.waitUntil(lambda: label.height() == smooth, timeout=2000)


def test_a_wrapped_frame_is_as_tall_as_its_label_after_new_text_width_and_font(qtbot):
    """The frame remembers its label's heights; a new text, width or font is measured
    afresh (the height the layout gets is the label's own at that moment)."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    frame = WrappedFrame(label)
    qtbot.addWidget(frame)
    words = "f is <b>increasing</b> here, and concave up where f″ is positive"
    for text in (words, words + " — and again " * 4, words):
        frame.set_text(text)
        for point_size in (9, 17, 9):
            font = label.font()
            font.setPointSize(point_size)
            label.setFont(font)
            for width in (60, 140, 420, 60):
                assert frame.heightForWidth(width) == label.heightForWidth(width), (
                    text,
                    point_size,
                    width,
                )
    assert frame.hasHeightForWidth()


def test_a_wrapped_frame_built_with_its_text_asks_only_for_the_height_it_needs(qtbot):
    """A word-wrapped label hints at a width of its own choosing (three lines of a
    status that takes one in a wide panel). Once laid out, the frame's hints are the
    label's height at the frame's width: a panel built with such a text shows no scroll
    bar it does not need."""
    from PySide6.QtWidgets import QScrollArea, QSizePolicy, QVBoxLayout, QWidget

    label = QLabel()
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    label.setText("ready: press Step or Play to start from x = 0")  # set before framing
    frame = WrappedFrame(label)
    one_line = label.fontMetrics().lineSpacing()
    assert label.sizeHint().height() >= 2 * one_line  # the label's own, at its own width
    page = QWidget()
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(frame)
    column.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(page)
    scroll.setWidgetResizable(True)
    qtbot.addWidget(scroll)
    scroll.resize(420, 4 * one_line)  # room for the one line it takes at this width
    scroll.show()
    qtbot.waitExposed(scroll)
    qtbot.waitUntil(lambda: frame.height() == label.heightForWidth(frame.width()))
    assert frame.height() <= one_line + 2
    assert frame.sizeHint().height() == frame.height()
    assert frame.minimumSizeHint().height() == frame.height()
    assert page.minimumSizeHint().height() <= one_line + 2
    assert not scroll.verticalScrollBar().isVisible()
