"""derivview's own tree, exactly as typed: structure, spans, printing, domain.

Expected structures and spans are written by hand from the text; values come from
closed forms and mpmath.
"""

from __future__ import annotations

import math
import pickle

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivview.cli import main
from derivview.model.calculus import analyze
from derivview.model.expr import parse, to_text
from derivview.model.expr.functions import FUNCTIONS
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var, walk

x = Var("x")


def tree(text: str) -> Node:
    return parse(text).tree


def n(v: float) -> Num:
    return Num(float(v), str(v))


# -- as typed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sin(x)/x", BinOp("div", Call("sin", (x,)), x)),  # a quotient, not sin(x)·x⁻¹
        ("x/x", BinOp("div", x, x)),  # a hole at 0: never simplified to 1
        ("sqrt(x)^2", BinOp("pow", Call("sqrt", (x,)), n(2))),
        ("exp(ln(x))", Call("exp", (Call("ln", (x,)),))),
        ("x - x", BinOp("sub", x, x)),
        ("2x", BinOp("mul", n(2), x)),
        ("x sin(x)", BinOp("mul", x, Call("sin", (x,)))),
        ("-x^2", Neg(BinOp("pow", x, n(2)))),
        ("2^3^2", BinOp("pow", n(2), BinOp("pow", n(3), n(2)))),
        ("1/2x", BinOp("mul", BinOp("div", n(1), n(2)), x)),
        ("x²", BinOp("pow", x, n(2))),
        ("x⁻¹", BinOp("pow", x, Neg(n(1)))),
        ("√x", Call("sqrt", (x,))),
        ("∛x", Call("cbrt", (x,))),
        ("|x|", Call("abs", (x,))),
        ("arcsin(x)", Call("asin", (x,))),
        ("e^x", BinOp("pow", Const("e"), x)),
        ("π x", BinOp("mul", Const("pi"), x)),
        ("a x + b", BinOp("add", BinOp("mul", Param("a"), x), Param("b"))),
        ("log(x, 2)", Call("log", (x, n(2)))),
        ("max(x, 1, -x)", Call("max", (x, n(1), Neg(x)))),
        ("+x", x),
        ("((x))", x),
    ],
)
def test_the_tree_is_what_was_typed(text: str, expected: Node) -> None:
    assert tree(text) == expected


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        # (node found by a predicate, its text as typed)
        ("x sin(x)", ["x sin(x)", "x", "sin(x)", "x"]),
        ("2x + 1", ["2x + 1", "2x", "2", "x", "1"]),
        ("sin(x)/x", ["sin(x)/x", "sin(x)", "x", "x"]),
        ("(x+1)(x-1)", ["(x+1)(x-1)", "x+1", "x", "1", "x-1", "x", "1"]),
        ("-x^2", ["-x^2", "x^2", "x", "2"]),
        ("|x| + √x", ["|x| + √x", "|x|", "x", "√x", "x"]),
        ("x²", ["x²", "x", "²"]),
        ("e^(2x)", ["e^(2x)", "e", "2x", "2", "x"]),
    ],
)
def test_every_node_spans_its_text_as_typed(text: str, spans: list[str]) -> None:
    got = [text[node.start : node.end] for node in walk(tree(text))]
    assert got == spans


def test_nodes_are_immutable_and_pickle() -> None:
    t = tree("a sin(x)/x + max(x, 2)")
    with pytest.raises(AttributeError):
        t.op = "sub"  # type: ignore[union-attr]
    again = pickle.loads(pickle.dumps(t))
    assert again == t
    assert [(m.start, m.end) for m in walk(again)] == [(m.start, m.end) for m in walk(t)]


def test_y_is_a_parameter_unless_a_variable() -> None:
    assert tree("x y") == BinOp("mul", x, Param("y"))
    assert parse("x y").parameters == ("y",)
    two = parse("x y + a", variables=("x", "y"))
    assert two.tree == BinOp("add", BinOp("mul", x, Var("y")), Param("a"))
    assert two.parameters == ("a",) and two.variables == ("x", "y")


# -- printing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("x^3 - 3x", "x^3 - 3x"),
        ("(x+1)(x-1)", "(x + 1)(x - 1)"),
        ("2 sin(x)", "2sin(x)"),
        ("x sin(x)", "x*sin(x)"),
        ("-(x^2)", "-x^2"),
        ("(-x)^2", "(-x)^2"),
        ("x^-2", "x^-2"),
        ("x - (y - 1)", "x - (y - 1)"),
        ("2*(-x)", "2(-x)"),
        ("|x| + √x", "abs(x) + sqrt(x)"),
        ("x²", "x^2"),
        ("π", "pi"),
        ("1.50x", "1.50x"),
    ],
)
def test_printing_is_the_language(text: str, printed: str) -> None:
    assert to_text(tree(text)) == printed
    assert tree(printed) == tree(text)


# -- domain, as typed (contracts.md §4) --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "undefined_at", "defined_at"),
    [
        ("sqrt(x)^2", [-1.0, -1e-9], [0.25, 4.0]),
        ("exp(ln(x))", [-1.0, 0.0], [0.5, 3.0]),
        ("x/x", [0.0], [-2.0, 1e-300, 3.0]),
        ("(x - 1)/(x - 1)", [1.0], [0.0, 2.0]),
        ("x^2/x", [0.0], [-1.0, 1.0]),
        ("1/(1/x)", [0.0], [-2.0, 2.0]),
        ("(x^(1/3))^3", [-8.0], [8.0]),
        ("ln(x^2)/2", [0.0], [-3.0, 3.0]),
        ("sqrt(x - 1)sqrt(x + 1)", [0.0, -2.0], [2.0]),
        ("asin(2x)", [0.6, -1.0], [0.25]),
        # IEEE's pow makes NaN^0 and 1^NaN 1; the powers here are undefined where their
        # base or exponent is (found by comparing with the two-variable pass)
        ("ln(x)^x", [0.0, 0.5], [1.0, 2.0]),
        ("sqrt(x)^(x + 1)", [-1.0], [0.5, 1.0]),
        ("(2 - x)^sqrt(-x)", [1.0], [-1.0, 0.0]),
        ("log(x, x)^log(x, 2)", [1.0], [0.5, 2.0]),
        ("(x/x)^x", [0.0], [-1.0, 1.0]),
    ],
)
def test_numbers_come_from_the_function_as_typed(
    text: str, undefined_at: list[float], defined_at: list[float]
) -> None:
    fn = analyze(text)
    for v in undefined_at:
        f, df, d2f = fn.evaluate(np.array([v]))
        assert math.isnan(f[0]) and math.isnan(df[0]) and math.isnan(d2f[0]), (text, v)
        info = fn.point(v)
        assert info.f is None and not info.differentiable, (text, v)
    for v in defined_at:
        assert math.isfinite(float(fn.f(v))), (text, v)


def test_the_issue_examples_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["info", "sqrt(x)^2", "--at", "-1", "--json"]) == 0
    p = json.loads(capsys.readouterr().out)["points"][0]
    assert (p["f"], p["df"], p["differentiable"]) == (None, None, False)
    assert main(["info", "x/x", "--at", "0", "--json"]) == 0
    p = json.loads(capsys.readouterr().out)["points"][0]
    assert (p["f"], p["differentiable"]) == (None, False)  # a hole, not "1, differentiable"
    assert main(["info", "exp(ln(x))", "--at", "0", "--at", "-1", "--json"]) == 0
    for p in json.loads(capsys.readouterr().out)["points"]:
        assert p["f"] is None and p["differentiable"] is False


def test_derivatives_are_undefined_wherever_f_is() -> None:
    cases = (
        ("sqrt(a) + x", {"a": -1.0}),
        ("max(sqrt(x), 0) + x", {}),
        ("max(sqrt(x), 2)", {}),
        ("min((x^(a))^2, 2)", {"a": 1.5}),  # x^1.5 is undefined for x < 0
        # Found by comparing with the two-variable pass: the undefined constant came out
        # of numpy as a 0-d array, and f′ was 2x, f″ 2 where f is undefined.
        ("x^2 + a^a", {"a": -1.7}),
        ("x + csc(a)", {"a": 0.0}),
    )
    for text, params in cases:
        f, df, d2f = analyze(text).evaluate(np.linspace(-2, 2, 9), params)
        assert np.isnan(f).any()
        assert np.all(~np.isnan(f) | np.isnan(df)), text  # f undefined => f′ undefined
        assert np.all(~np.isnan(f) | np.isnan(d2f)), text


def test_a_tie_of_max_keeps_an_overflowing_second_derivative() -> None:
    # max(u, u) is u: at the tie f′ is the same on both sides, and f″ = csc″(u)·b² is
    # 3e517 at u = x·b = 2.5e-259 (mpmath): +inf, a defined value too large for float64.
    # The tie once made u″ an array of 0, and f′'s inf times it was NaN ("undefined").
    b = 5.0334408710698406e-130
    u = mp.mpf(b) * mp.mpf(b)
    truth = mp.mpf(b) ** 2 * mp.csc(u) * (mp.csc(u) ** 2 + mp.cot(u) ** 2)
    assert truth > mp.mpf(np.finfo(float).max)
    xs = np.array([b, 1.0, 2.0])
    with np.errstate(all="ignore"):
        tied = analyze("csc(max(x b, x b))").evaluate_raw(xs, {"b": b})
        alone = analyze("csc(x b)").evaluate_raw(xs, {"b": b})
    assert tied[2][0] == np.inf
    for got, want in zip(tied, alone, strict=True):
        assert np.array_equal(got, want)


# -- numerically stable rules ---------------------------------------------------------------


def test_stable_derivatives_far_out() -> None:
    mp.mp.dps = 50
    fn = analyze("sigmoid(x)")
    f, df, d2f = fn.evaluate(np.array([-1000.0, -40.0, 40.0]))
    assert f[0] == 0.0 and df[0] == 0.0 and np.isfinite(d2f[0])  # e^-1000 underflows
    want = mp.exp(-40) / (1 + mp.exp(-40)) ** 2
    assert df[1] == pytest.approx(float(want), rel=1e-14)
    assert df[2] == pytest.approx(float(want), rel=1e-14)  # not 1 - σ(40)² = 0
    fn = analyze("tanh(x)")
    assert float(fn.df(20.0)) == pytest.approx(float(1 / mp.cosh(20) ** 2), rel=1e-14)
    fn = analyze("softplus(x)")
    f, df, d2f = fn.evaluate(np.array([800.0, -800.0, 30.0]))
    assert f[0] == 800.0 and df[0] == 1.0 and d2f[0] >= 0.0  # not ln(1 + e^800) = inf
    assert f[1] == float(mp.log(1 + mp.exp(-800))) and df[1] == 0.0
    assert f[2] == pytest.approx(float(mp.log(1 + mp.exp(30))), rel=1e-15)


# -- every rule of the table against mpmath, on a composite argument -----------------------

_MP = {
    "sin": mp.sin, "cos": mp.cos, "tan": mp.tan, "sec": mp.sec, "csc": mp.csc,
    "cot": mp.cot, "asin": mp.asin, "acos": mp.acos, "atan": mp.atan, "sinh": mp.sinh,
    "cosh": mp.cosh, "tanh": mp.tanh, "exp": mp.exp, "ln": mp.log,
    "log2": lambda t: mp.log(t, 2), "log10": mp.log10, "sqrt": mp.sqrt,
    "cbrt": lambda t: mp.sign(t) * mp.cbrt(abs(t)), "abs": abs, "sign": mp.sign,
    "floor": mp.floor, "ceil": mp.ceil, "sigmoid": lambda t: 1 / (1 + mp.exp(-t)),
    "relu": lambda t: max(t, 0), "softplus": lambda t: mp.log(1 + mp.exp(t)),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(_MP))
@settings(max_examples=25, deadline=None)
@given(x0=st.floats(-3, 3).filter(lambda v: abs(v) > 1e-3))
def test_each_rule_of_the_table_against_mpmath(name: str, x0: float) -> None:
    # u = 0.25x + 0.2 (inside asin and acos's domain), x^2 + 0.5 under those of a positive u
    inner = "(x^2 + 0.5)" if name in ("ln", "log2", "log10", "sqrt") else "(0.25x + 0.2)"
    fn = analyze(f"{name}{inner}")
    mfun = _MP[name]

    def g(t: mp.mpf) -> mp.mpf:
        u = t**2 + mp.mpf("0.5") if inner.startswith("(x^2") else mp.mpf("0.25") * t + mp.mpf("0.2")
        return mfun(u)

    mp.mp.dps = 30
    t = mp.mpf(x0)
    f, df, d2f = (float(v[0]) for v in fn.evaluate(np.array([x0])))
    assert f == pytest.approx(float(g(t)), rel=1e-12, abs=1e-14)
    if name in ("floor", "ceil", "sign"):
        assert df == 0.0 and d2f == 0.0  # away from the jumps
        return
    if name in ("abs", "relu"):  # piecewise: its branch's own derivative
        return
    assert df == pytest.approx(float(mp.diff(g, t, 1)), rel=1e-10, abs=1e-12)
    assert d2f == pytest.approx(float(mp.diff(g, t, 2)), rel=1e-9, abs=1e-11)


def test_every_function_of_the_table_is_covered() -> None:
    assert set(_MP) | {"log", "max", "min"} == set(FUNCTIONS)


@pytest.mark.parametrize(
    ("text", "x0", "p"),
    [
        ("x^((2^0.5)^2)", 3.9e-166, mp.mpf(2**0.5) ** 2),  # hypothesis found f″ = 0
        ("x^1.5", 1e-250, mp.mpf("1.5")),  # f = 1e−375 underflows; f′, f″ do not
        ("x^1.5", 1e250, mp.mpf("1.5")),  # f overflows; f′ = 1.5e125 does not
        ("x^2.5", 1e-150, mp.mpf("2.5")),  # f = 1e−375: 0 in float64
    ],
)
def test_power_derivatives_where_the_power_itself_leaves_float64(
    text: str, x0: float, p: mp.mpf
) -> None:
    mp.mp.dps = 50
    fn = analyze(text)
    exponent = mp.mpf(float(p))  # the exponent as float64 computes it, as typed
    u = mp.mpf(x0)
    df = float(fn.df(x0))
    d2f = float(fn.d2f(x0))
    assert df == pytest.approx(float(exponent * u ** (exponent - 1)), rel=1e-12)
    assert d2f == pytest.approx(float(exponent * (exponent - 1) * u ** (exponent - 2)), rel=1e-12)
