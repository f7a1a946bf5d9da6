"""Values beyond float64 in the window (issue 14): no exception, the view stays finite,
the readout says "too large to represent" (the derivative still exists)."""

from __future__ import annotations

import math

import pytest


@pytest.mark.parametrize(
    ("text", "x0"), [("1e308 x^2", "2"), ("1e307 x^4", "3"), ("x^2 + 1e308 |x|", "2")]
)
def test_overflowing_values_are_answered_in_words(make_window, ui, text, x0):
    win = make_window("--x0", x0)
    ui.type(win, text)
    ui.wait_ready(win)
    assert ui.error(win) == ""
    assert win.session.function.expression.text == text
    readout = ui.readout(win)
    assert "f(x₀) = too large to represent" in readout
    assert "undefined" not in readout and "does not exist" not in readout
    assert win.statusBar().currentMessage() != "Computing…"
    lo, hi = win.plot_panel.plot_item.getViewBox().viewRange()[1]
    assert math.isfinite(lo) and math.isfinite(hi) and lo < hi


def test_the_finite_part_is_drawn(make_window, ui):
    win = make_window("--xrange", "-30", "30", "--x0", "1")
    ui.type(win, "e^(x^2)")
    ui.wait_ready(win)
    x, y = win.plot_panel.layer("curves").curves["f"].getData()
    finite = x[~(y != y)]  # where a value is drawn
    assert finite.size > 100 and finite.min() > -27 and finite.max() < 27  # gaps beyond
    assert "f(x₀) = 2.7182818" in ui.readout(win)
