"""The expression tree typeset as a person writes it (plain() is what they read)."""

from __future__ import annotations

import pytest

from derivview.model.expr import parse
from derivview.model.expr.nodes import BinOp
from derivview.model.expr.typeset import typeset, typeset_text
from derivview.model.mathbox import Frac, Root, Styled, Sup, plain


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("x^3 - 3x", "x³ − 3x"),
        ("sin(x)/x", "sin(x)/x"),
        ("x^2 sin(x)", "x² sin(x)"),
        ("2x cos(x^2)", "2x cos(x²)"),
        ("sigmoid(x)(1 - sigmoid(x))", "σ(x)(1 − σ(x))"),
        ("|x| + |x-1|", "|x| + |x − 1|"),
        ("sqrt(x^2+1)", "√(x² + 1)"),
        ("1/2x", "(1/2)x"),
        ("(x+1)(x-1)", "(x + 1)(x − 1)"),
        ("-x^2", "−x²"),
        ("x + -1", "x + (−1)"),
        ("x - (y + 1)", "x − (y + 1)"),
        ("2*3", "2 · 3"),
        ("x*2", "x · 2"),
        ("log(x, 2) + log10(x) + log2(x)", "log₂(x) + log₁₀(x) + log₂(x)"),
        ("cbrt(x)", "∛x"),
        ("floor(x) + ceil(x)", "⌊x⌋ + ⌈x⌉"),
        ("max(x, 1) + min(x, 2, 3)", "max(x, 1) + min(x, 2, 3)"),
        ("1e-3 x", "10⁻³ · x"),
        ("2.5e3", "2.5 × 10³"),
        ("(x^2)^3", "(x²)³"),
        ("x^-2", "x⁻²"),
        ("a x^2 + b", "ax² + b"),
        ("relu(x-2)", "ReLU(x − 2)"),
        ("sin(x)^2", "sin(x)²"),
        ("(1/x)^2", "(1/x)²"),
        ("-(x+1)", "−(x + 1)"),
        ("2π x", "2πx"),
        ("x^3 sin(x) e^x", "x³ sin(x) e^x"),
        ("sin(x)(x+1)", "sin(x)(x + 1)"),
        ("2sin(x)", "2 sin(x)"),
        ("e^(-x)", "e^(−x)"),
        ("x - x - x", "x − x − x"),
        ("x - (x - x)", "x − (x − x)"),
        ("2^3^2", "2^(3²)"),
        # sympy prints e^u as exp(u) and ln as log: both set as people write them
        ("exp(x)", "e^x"),
        ("x exp(-x^2)", "xe^(−x²)"),
        ("exp(x)^2", "(e^x)²"),
        ("sin(x) exp(x)", "sin(x) e^x"),
        ("exp(x/2)", "exp(x/2)"),
        ("log(exp(x) + 1)", "ln(e^x + 1)"),
    ],
)
def test_typeset_reads_as_written(text, shown):
    assert plain(typeset_text(text)) == shown


def test_structure_is_the_tree_as_typed():
    assert isinstance(typeset_text("sin(x)/x"), Frac)
    assert isinstance(typeset_text("sqrt(x)"), Root)
    assert isinstance(typeset_text("x^2"), Sup)


def test_highlight_marks_the_sub_tree():
    tree = parse("x^2 + sin(x)").tree
    assert isinstance(tree, BinOp)
    box = typeset(tree, highlight=tree.right)
    styled = [b for b in box.items if isinstance(b, Styled)]  # type: ignore[attr-defined]
    assert len(styled) == 1 and plain(styled[0]) == "sin(x)"


def test_y_is_a_variable_when_asked():
    assert plain(typeset_text("x y^2", variables=("x", "y"))) == "xy²"
