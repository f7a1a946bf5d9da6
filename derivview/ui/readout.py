"""The readout: x₀, f(x₀), f′(x₀), f″(x₀), the tangent's equation, and what they mean.

Numbers show 8 significant digits with a Unicode minus. Where f has no derivative the
readout says so, with the reason, the one-sided derivatives and (at a convex corner) the
subgradient interval; where f is undefined it says that instead of showing numbers.
"""

from __future__ import annotations

import html
import math
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from derivview.model.session import Session

MINUS = "−"
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: Below this (relative to the size of x₀ and f), a derivative counts as zero: float64
#: evaluates cos(π/2) as 6e-17, which is "flat", not "increasing".
ZERO_TOLERANCE = 1e-12


def fmt(value: float | None, digits: int = 8) -> str:
    """A number for people: ``digits`` significant digits, Unicode minus, ∞ for infinity."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "undefined"
    v = float(value)
    if math.isinf(v):
        return "∞" if v > 0 else f"{MINUS}∞"
    if v == 0:
        v = 0.0  # no "−0"
    return f"{v:.{digits}g}".replace("-", MINUS)


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


def tangent_equation(slope: float, intercept: float) -> str:
    """``y = m·x + b`` with signs written the way people write them."""
    if slope == 0:
        return f"y = {fmt(intercept)}"
    m = "" if slope == 1 else (MINUS if slope == -1 else f"{fmt(slope)}·")
    if intercept == 0:
        return f"y = {m}x"
    sign = MINUS if intercept < 0 else "+"
    return f"y = {m}x {sign} {fmt(abs(intercept))}"


def _row(name: str, value: str) -> str:
    return f"<tr><td>{name}</td><td>&nbsp;=&nbsp;</td><td>{value}</td></tr>"


def point_html(point: Any, formulas: tuple[str, str, str] | None = None) -> str:
    """The readout for a PointInfo (rich text)."""
    x0 = point.x
    rows = [_row("x₀", fmt(x0))]
    words: list[str] = []
    if point.f is None or not math.isfinite(point.f):
        rows.append(_row("f(x₀)", "undefined"))
        reason = html.escape(point.reason or "")
        words.append(f"<b>f is undefined at x₀ = {fmt(x0)}</b>" + (f": {reason}" if reason else ""))
    else:
        rows.append(_row("f(x₀)", fmt(point.f)))
        if point.differentiable and point.df is not None:
            rows.append(_row("f′(x₀)", fmt(point.df)))
            rows.append(_row("f″(x₀)", fmt(point.d2f) if point.d2f is not None else "undefined"))
            if point.tangent is not None:
                rows.append(_row("tangent", tangent_equation(*point.tangent)))
            words.append(_slope_words(point.df, x0, point.f))
            if point.d2f is not None:
                words.append(_curvature_words(point.d2f, x0, point.f))
        else:
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
            rows.append(_row("f′(x₀)", "does not exist"))
            rows.append(_row("f′₋(x₀)", _one_sided(point.left_df) + " (from the left)"))
            rows.append(_row("f′₊(x₀)", _one_sided(point.right_df) + " (from the right)"))
            if point.subgradient is not None:
                lo, hi = point.subgradient
                rows.append(_row("subgradient", f"[{fmt(lo)}, {fmt(hi)}]"))
    body = "<table cellspacing='0' cellpadding='1'>" + "".join(rows) + "</table>"
    if words:
        body += "<p style='margin-top:4px'>" + "<br>".join(words) + "</p>"
    if formulas is not None:
        names = ("f(x)", "f′(x)", "f″(x)")
        lines = [
            f"{n} = {html.escape(pretty_formula(t))}" for n, t in zip(names, formulas, strict=True)
        ]
        body += "<p style='margin-top:6px'>" + "<br>".join(lines) + "</p>"
    return body


def _article(kind: str) -> str:
    if kind in ("no derivative",):
        return kind
    if kind == "outside the domain":
        return "x₀ is outside the domain"
    return ("an " if kind[:1] in "aeiou" else "a ") + kind


def _one_sided(value: float | None) -> str:
    return "none (infinite or undefined)" if value is None else fmt(value)


def _slope_words(df: float, x0: float, f: float) -> str:
    if is_zero(df, x0, f):
        return "f is <b>flat</b> here (f′ = 0: a critical point)"
    return "f is <b>increasing</b> here" if df > 0 else "f is <b>decreasing</b> here"


def _curvature_words(d2f: float, x0: float, f: float) -> str:
    if is_zero(d2f, x0, f):
        return "<b>no curvature</b> (f″ = 0)"
    return "<b>concave up</b> (f″ &gt; 0)" if d2f > 0 else "<b>concave down</b> (f″ &lt; 0)"


class Readout(QWidget):
    """``pointReadout``: the numbers at x₀ and the formulas of f, f′, f″."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.label = QLabel(self)
        self.label.setObjectName("pointReadout")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.label.setToolTip(
            "Values at the tangent point x₀ (select to copy). Numbers show 8 significant digits."
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)

        session.point_changed.connect(self._on_point_changed)
        session.function_changed.connect(self._on_point_changed)
        session.error_changed.connect(self._on_point_changed)
        self._on_point_changed()

    def plain_text(self) -> str:
        """What the readout says, without markup (for tests and copying)."""
        doc = self.label.text()
        from PySide6.QtGui import QTextDocument

        d = QTextDocument()
        d.setHtml(doc)
        return d.toPlainText()

    def _on_point_changed(self) -> None:
        point = self.session.point
        f = self.session.function
        if point is None or f is None:
            if self.session.error is not None:
                self.label.setText("<i>No function yet: correct the expression above.</i>")
            else:
                self.label.setText("<i>Computing f′ and f″…</i>")
            return
        formulas = (f.f_text, f.df_text, f.d2f_text)
        self.label.setText(point_html(point, formulas))
