"""The readout: x₀, f(x₀), f′(x₀), f″(x₀), the tangent's equation, and what they mean.

Numbers show 8 significant digits with a Unicode minus. Where f has no derivative the
readout says so, with the reason, the one-sided derivatives and (at a convex corner) the
subgradient interval; where f is undefined it says that instead of showing numbers.
f, f′ and f″ are shown as typeset mathematics (fractions, powers, roots), f as typed.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.formatting import MINUS, tangent_equation
from derivview.model.formatting import format_number as fmt
from derivview.model.session import Session
from derivview.ui.formula_label import FormulaLabel
from derivview.ui.label_frame import WrappedFrame

SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: A value that exists but is beyond float64 (issue 14): never "undefined".
TOO_LARGE = "too large to represent"
#: Shown while sympy prints f′ and f″ in the worker process (the numbers are there).
PENDING_FORMULA = "computing…"
#: Longest formula shown in full; longer ones are shortened (``derivview info`` has it all).
MAX_FORMULA_CHARS = 400
#: Below this (relative to the size of x₀ and f), a derivative counts as zero: float64
#: evaluates cos(π/2) as 6e-17, which is "flat", not "increasing".
ZERO_TOLERANCE = 1e-12


def pretty_formula(text: str) -> str:
    """Display form of a formula in the expression language (never parsed back).

    ``x^2`` → ``x²`` and ``x^-1`` → ``x⁻¹`` where the exponent is a plain integer,
    ``*`` → ``·``, binary ``-`` → `` − ``.
    """
    out = re.sub(
        r"\^(-?\d+)(?![\d.(a-zA-Z])",
        lambda m: m.group(1).translate(SUPERSCRIPT),
        text,
    )
    out = out.replace("*", "·").replace("-", MINUS)
    return out


def is_zero(value: float, *scales: float) -> bool:
    """Whether ``value`` is zero up to float64 rounding relative to ``scales``."""
    scale = max([1.0, *[abs(s) for s in scales if s is not None and math.isfinite(s)]])
    return abs(value) <= ZERO_TOLERANCE * scale


def point_lines(point: Any) -> tuple[list[tuple[str, str]], list[str]]:
    """The readout of a PointInfo: ``(rows, words)``.

    ``rows`` are (name, value) pairs of numbers; ``words`` are rich-text sentences saying
    what the numbers mean (or why there is no derivative).
    """
    x0 = point.x
    rows = [("x₀", fmt(x0))]
    words: list[str] = []
    overflow = getattr(point, "overflow", ())
    if point.differentiable and overflow:
        # The values exist but are beyond float64: say so, never "undefined".
        def value(name: str, v: float | None) -> str:
            return TOO_LARGE if name in overflow or v is None else fmt(v)

        rows += [("f(x₀)", value("f", point.f)), ("f′(x₀)", value("df", point.df)),
                 ("f″(x₀)", value("d2f", point.d2f))]  # fmt: skip
        if point.tangent is not None:
            rows.append(("tangent", tangent_equation(*point.tangent)))
        if point.df is not None and "f" not in overflow:
            words.append(_slope_words(point.df, x0, point.f or 0.0))
        words.append(
            "f is differentiable here; the values shown as too large to represent exceed "
            "the range of a 64-bit float (about 1.8·10³⁰⁸)"
        )
        return rows, words
    if point.f is None or not math.isfinite(point.f):
        rows.append(("f(x₀)", "undefined"))
        reason = html.escape(point.reason or "")
        words.append(f"<b>f is undefined at x₀ = {fmt(x0)}</b>" + (f": {reason}" if reason else ""))
        return rows, words
    rows.append(("f(x₀)", fmt(point.f)))
    if point.differentiable and point.df is not None:
        rows.append(("f′(x₀)", fmt(point.df)))
        rows.append(("f″(x₀)", fmt(point.d2f) if point.d2f is not None else "undefined"))
        if point.tangent is not None:
            rows.append(("tangent", tangent_equation(*point.tangent)))
        words.append(_slope_words(point.df, x0, point.f))
        if point.d2f is not None:
            words.append(_curvature_words(point.d2f, x0, point.f))
        return rows, words
    what = point.kind if point.kind and point.kind != "smooth" else "no derivative"
    headline = f"No derivative at x = {fmt(x0)}: {_article(what)}"
    reason = (point.reason or "").strip()
    if reason.startswith("No derivative"):
        # The reason already says it: bold its headline, keep the detail plain.
        head, sep, detail = reason.partition(" — ")
        words.append(f"<b>{html.escape(head)}</b>{sep}{html.escape(detail)}")
    else:
        words.append(f"<b>{html.escape(headline)}</b>")
        if reason:
            words.append(html.escape(reason))
    rows.append(("f′(x₀)", "does not exist"))
    rows.append(("f′₋(x₀)", _one_sided(point.left_df) + " (from the left)"))
    rows.append(("f′₊(x₀)", _one_sided(point.right_df) + " (from the right)"))
    if point.subgradient is not None:
        lo, hi = point.subgradient
        rows.append(("subgradient", f"[{fmt(lo)}, {fmt(hi)}]"))
    return rows, words


def rows_text(rows: list[tuple[str, str]]) -> str:
    """Rows as aligned plain text (the readout uses a fixed-pitch font)."""
    width = max(len(name) for name, _ in rows)

    def row(name: str, value: str) -> str:
        if value.startswith("y = "):  # an equation: "tangent: y = 3.75x − 6.75"
            return f"{(name + ':').ljust(width + 3)}{value}"
        return f"{name.ljust(width)} = {value}"

    return "\n".join(row(name, value) for name, value in rows)


def formulas_html(formulas: tuple[str, str, str]) -> str:
    """f(x), f′(x), f″(x) as display text, one per line (very long ones shortened)."""
    names = ("f(x)", "f′(x)", "f″(x)")
    return "<br>".join(
        f"{n} = {html.escape(_shorten(pretty_formula(t)))}"
        for n, t in zip(names, formulas, strict=True)
    )


def _shorten(text: str) -> str:
    if len(text) <= MAX_FORMULA_CHARS:
        return text
    return f"{text[: MAX_FORMULA_CHARS - 1]}… ({len(text):,} characters)"


def formula_texts(function: Any, formulas: Any) -> tuple[str, str, str]:
    """What the readout shows for f, f′, f″: f at once (printed from the tree); f′ and f″
    once sympy has printed them (``computing…`` until then, ``too complex to print`` when
    it could not within its budget)."""
    if formulas is None:
        return function.f_text, PENDING_FORMULA, PENDING_FORMULA
    missing = formulas.note or "cannot be printed"
    return (
        function.f_text,
        formulas.df if formulas.df is not None else missing,
        formulas.d2f if formulas.d2f is not None else missing,
    )


def _article(kind: str) -> str:
    if kind in ("no derivative",):
        return kind
    if kind == "outside the domain":
        return "x₀ is outside the domain"
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _one_sided(value: float | None) -> str:
    return "none (∞ or undefined)" if value is None else fmt(value)


def _slope_words(df: float, x0: float, f: float) -> str:
    if is_zero(df, x0, f):
        return "f is <b>flat</b> here (f′ = 0: a critical point)"
    return "f is <b>increasing</b> here" if df > 0 else "f is <b>decreasing</b> here"


def _curvature_words(d2f: float, x0: float, f: float) -> str:
    if is_zero(d2f, x0, f):
        return "<b>no curvature</b> (f″ = 0)"
    return "<b>concave up</b> (f″ &gt; 0)" if d2f > 0 else "<b>concave down</b> (f″ &lt; 0)"


class FormulaReadout(QWidget):
    """f(x), f′(x), f″(x) as typeset mathematics (``formulaReadout``), one per line.

    f is typeset from its tree as typed; f′ and f″ from the texts sympy printed (parsed
    back: the language is what the worker prints). "computing…" and "too complex to
    print" are words; a formula longer than :data:`MAX_FORMULA_CHARS` is shown as its
    shortened text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("formulaReadout")
        self.setToolTip("f and its derivatives, as derivview computed them")
        self.lines = [FormulaLabel(self) for _ in range(3)]
        # What is shown: (f's tree, f′ text, f″ text). A new f announces itself twice (its
        # formulas are reset, then the function changes) and the same f is typeset once.
        self._shown: tuple[Any, str, str] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for name, line in zip(("formulaF", "formulaDf", "formulaD2f"), self.lines, strict=True):
            line.setObjectName(name)
            layout.addWidget(line)

    def plain_text(self) -> str:
        """The three lines as Unicode text (what a person reads)."""
        return "\n".join(line.plainText() for line in self.lines if line.plainText())

    def clear(self) -> None:
        """Show nothing (no function yet)."""
        self._shown = None
        for line in self.lines:
            line.setMath(None, "")

    def show_formulas(self, f: Any, df: str, d2f: str) -> None:
        """f (a tree, as typed) and f′, f″ (texts in the language, or words)."""
        from derivview.model.expr.typeset import typeset_function

        shown = self._shown
        self._shown = (f, df, d2f)
        if shown is not None and shown[0] is f and shown[1:] == (df, d2f):
            return
        if shown is None or shown[0] is not f:
            try:
                self.lines[0].setMath(typeset_function(f))
            except RecursionError:
                self.lines[0].setMath(None, "f(x) = " + _shorten(pretty_formula(str(f))))
        for primes, (line, text) in enumerate(zip(self.lines[1:], (df, d2f), strict=True), 1):
            name = "f" + "′" * primes + "(x)"
            box = None
            if text not in (PENDING_FORMULA,) and len(text) <= MAX_FORMULA_CHARS:
                try:
                    box = typeset_function(text, primes)
                except Exception:  # words (too complex to print), not a formula
                    box = None
            if box is not None:
                line.setMath(box)
            else:  # while it is printed, the line keeps the last formula's height
                words = f"{name} = {_shorten(pretty_formula(text))}"
                line.setMath(None, words, hold_height=text == PENDING_FORMULA)


class Readout(QWidget):
    """The numbers at x₀ (``pointReadout``), what they mean, and the formulas of f, f′, f″.

    Three labels, because they change at different rates: the numbers on every drag frame
    (plain text: a rich-text table cost 2–20 ms per frame to lay out), the words only when
    their text changes, the formulas only when f changes.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        selectable = (
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label = QLabel(self)
        self.label.setObjectName("pointReadout")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.label.setTextInteractionFlags(selectable)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # A long row (one-sided derivatives) wraps in a narrow sidebar instead of being cut.
        self.label.setWordWrap(True)
        # Ignored width: a longer number must not re-lay out the whole sidebar.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.label.setToolTip(
            "Values at the tangent point x₀ (select to copy). Numbers show 8 significant digits."
        )
        self.words = QLabel(self)
        self.words.setObjectName("pointWords")
        self.words.setTextFormat(Qt.TextFormat.RichText)
        self.words.setWordWrap(True)
        self.words.setTextInteractionFlags(selectable)
        self.words.setToolTip("What the numbers say about f at x₀")
        # Wrapped in the dock's width, never widening it (a long line of words).
        self.words.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.formulas = FormulaReadout(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self._label_frame = WrappedFrame(self.label, self)
        layout.addWidget(self._label_frame)
        self._words_frame = WrappedFrame(self.words, self)
        layout.addWidget(self._words_frame)
        layout.addWidget(self.formulas)

        session.point_changed.connect(self._on_point_changed)
        session.function_changed.connect(self._on_function_changed)
        session.formulas_changed.connect(self._on_formulas_changed)
        session.error_changed.connect(self._on_point_changed)
        self._on_formulas_changed()
        self._on_point_changed()

    def plain_text(self) -> str:
        """What the readout says, without markup (for tests and copying)."""
        from PySide6.QtGui import QTextDocument

        parts = [self.label.text()]
        d = QTextDocument()
        d.setHtml(self.words.text())
        parts.append(d.toPlainText())
        parts.append(self.formulas.plain_text())
        return "\n".join(p for p in parts if p)

    def _on_function_changed(self) -> None:
        # The new f's formulas come in its first frame with its numbers (f′ and f″ as
        # "computing…" until printed): never the old f's beside the new f's numbers.
        # (Its numbers come with point_changed, which every new f announces too.)
        self._on_formulas_changed()

    def _on_formulas_changed(self) -> None:
        f = self.session.function
        if f is None:
            self.formulas.clear()
            return
        texts = formula_texts(f, self.session.formulas)
        self.formulas.show_formulas(f.expression.tree, texts[1], texts[2])

    def _on_point_changed(self) -> None:
        point = self.session.point
        if point is None or self.session.function is None:
            self._label_frame.set_text("")
            if self.session.error is not None:
                self._words_frame.set_text("<i>No function yet: correct the expression above.</i>")
            else:
                self._words_frame.set_text("<i>Computing f…</i>")
            return
        rows, words = point_lines(point)
        self._label_frame.set_text(rows_text(rows))
        self._words_frame.set_text("<br>".join(words))
