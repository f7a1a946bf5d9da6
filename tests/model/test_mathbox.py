"""Plain-text form of typeset formulas: what a screen reader, the clipboard and tests read."""

from __future__ import annotations

import pytest

from derivview.model.mathbox import (
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
    row,
)

X = Sym("x")


def num(v: str) -> Sym:
    return Sym(v, "num")


def call(name: str, arg: object) -> Row:
    return Row((Sym(name, "fn"), Fence(arg)))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("box", "text"),
    [
        (Sup(X, num("2")), "x²"),
        (Sup(X, Row((Sym("−", "prefix"), num("1")))), "x⁻¹"),
        (Sup(Sym("e"), Row((Sym("−", "prefix"), X))), "e^(−x)"),
        (Frac(call("sin", X), X), "sin(x)/x"),
        (Frac(Row((X, Sym("+", "op"), num("1"))), Sup(X, num("2"))), "(x + 1)/x²"),
        (Root(Row((Sup(X, num("2")), Sym("+", "op"), num("1")))), "√(x² + 1)"),
        (Root(X), "√x"),
        (Root(X, num("3")), "∛x"),
        (Fence(X, "|", "|"), "|x|"),
        (Row((num("2"), X, Space(0.17), call("cos", Sup(X, num("2"))))), "2x cos(x²)"),
        (Sub(Sym("a"), Sym("k")), "a_k"),
        (Sub(Sym("x"), num("0")), "x₀"),
        (Row((Sym("f′"), Fence(X), Sym("=", "rel"), num("2"), X)), "f′(x) = 2x"),
        (Styled(call("cos", Sym("u"))), "cos(u)"),
        (
            Cases(((num("1"), row("if x > 0")), (num("0"), row("if x < 0")))),
            "{ 1 if x > 0; 0 if x < 0 }",
        ),
        (Row((call("max", Row((X, Sym(",", "punct"), num("1")))),)), "max(x, 1)"),
    ],
)
def test_plain_text_reads_like_handwriting(box, text):
    assert plain(box) == text


def test_boxes_are_hashable_values():
    a = Frac(call("sin", X), X)
    b = Frac(call("sin", Sym("x")), Sym("x"))
    assert a == b and hash(a) == hash(b)
    assert a != Frac(call("cos", X), X)


def test_row_of_strings_and_single_item():
    assert row("if") == Sym("if", "text")
    assert plain(row(X, " if x > 0")) == "x if x > 0"


def test_plain_refuses_what_is_not_a_box():
    with pytest.raises(TypeError):
        plain("x")  # type: ignore[arg-type]
