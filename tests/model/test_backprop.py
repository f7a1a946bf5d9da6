"""Backpropagation on the computational graph (contracts.md §5 ``graph``), walked node by
node: values against direct evaluation (mpmath, ``mp_eval``), adjoints against the sum
rule, the adjoint of x against mpmath's f′ — and the walk and the drawing's layers."""

from __future__ import annotations

import mpmath as mp
import pytest
from mp_eval import Undefined, derivative, evaluate

from derivview.model.expr import parse
from derivview.model.expr.graph import graph
from derivview.model.labs.backprop import (
    BackwardWalk,
    backward_order,
    contributions,
    layers,
    stuck_at,
    users_of,
)

#: (f, parameters, points): 36 expressions, most at three points.
CASES = [
    ("x sin(x)", {}, (2.0, -0.7, 0.3)),
    ("x^2", {}, (1.5, -2.0)),
    ("sin(x)/x", {}, (0.4, -2.1, 3.0)),
    ("x^3 sin(x) e^(-x^2/4)", {}, (0.7, -1.3, 2.2)),
    ("sin(x^2) ln(1+x^2)", {}, (0.5, 1.9, -1.2)),
    ("sigmoid(x)(1 - sigmoid(x))", {}, (0.3, -2.0, 4.0)),
    ("sigmoid(2x - 1)", {}, (0.1, 1.5)),
    ("tanh(x)^2 + x", {}, (0.6, -1.1)),
    ("relu(x - 2) + x^2", {}, (3.1, 0.5)),
    ("softplus(x^2 - 1)", {}, (0.2, 1.8)),
    ("|x - 1| + |x|", {}, (0.5, 2.0, -0.3)),
    ("max(x, x^2, 1/2)", {}, (0.2, 1.7, -1.4)),
    ("min(sin(x), cos(x))", {}, (0.3, 1.2)),
    ("sqrt(x^2 + 1)", {}, (0.0, 2.5, -1.5)),
    ("cbrt(x^3 + 2)", {}, (0.4, 1.1)),
    ("x^x", {}, (0.7, 1.6)),
    ("2^x + 3^(x^2)", {}, (0.4, -0.8)),
    ("log(x, 2) + log10(x) + log2(x)", {}, (0.6, 3.3)),
    ("log(x^2 + 1, x + 2)", {}, (0.5, 1.5)),
    ("tan(x) + sec(x) + csc(x) + cot(x)", {}, (0.4, 1.1, -0.5)),
    ("asin(x/3) + acos(x/4) + atan(x^2)", {}, (0.5, -1.2)),
    ("sinh(x) cosh(2x)", {}, (0.3, -0.9)),
    ("floor(x) + x ceil(x) + sign(x) x^2", {}, (0.5, -1.5, 2.25)),
    ("(x+1)(x-1)(x+2)", {}, (0.5, -1.7)),
    ("1/(1 + e^(-x))", {}, (0.0, 2.0, -3.0)),
    ("-x^2/4 + 3x - 1", {}, (0.9, -2.2)),
    ("(x^2 + 1)^3", {}, (0.4, -1.0)),
    ("e^(sin(x)) cos(x)", {}, (1.0, -0.4)),
    ("x sin(x) cos(x) x", {}, (0.8, -1.9)),
    ("a x^2 + b", {"a": 2.0, "b": 5.0}, (3.0, -0.5)),
    ("a sin(b x)", {"a": 1.5, "b": -2.0}, (0.3, 1.1)),
    ("(m x + c - 3)^2", {"m": 0.5, "c": 1.0}, (2.0, -1.0)),
    ("sigmoid(w x + b)", {"w": 3.0, "b": -1.0}, (0.2, 0.9)),
    ("relu(w x + b) + k", {"w": -2.0, "b": 1.0, "k": 4.0}, (0.1, 2.0)),
    ("x^k", {"k": 2.5}, (0.7, 2.0)),
    ("k^x", {"k": 3.0}, (0.5, -1.0)),
]


def _ids(cases):  # type: ignore[no-untyped-def]
    return [f"{t} at {xs}" for t, _, xs in cases]


@pytest.mark.parametrize(("text", "params", "points"), CASES, ids=_ids(CASES))
def test_values_adjoints_and_the_derivative(text, params, points):
    mp.mp.dps = 30
    tree = parse(text).tree
    checked = 0
    for x0 in points:
        g = graph(parse(text), x0, params)
        # every node's value against direct evaluation of what it stands for
        for n in g.nodes:
            node_text = n.text
            try:
                want = float(evaluate(parse(node_text).tree, mp.mpf(x0), params))
            except Undefined:
                want = None
            if want is None:
                assert n.value is None, (text, node_text)
            else:
                assert n.value == pytest.approx(want, rel=1e-12, abs=1e-14), (text, node_text)
        # every adjoint is the sum over its users of adjoint × local
        for n in g.nodes:
            if n.id == g.output:
                assert n.adjoint == 1.0
                continue
            terms = [c.product for c in contributions(g, n.id)]
            if any(t is None for t in terms):
                assert n.adjoint is None
            else:
                assert n.adjoint == pytest.approx(sum(terms), rel=1e-13, abs=1e-300)  # type: ignore[arg-type]
        # the adjoint of x is f′ (where it exists)
        want_df = derivative(tree, x0, params)
        if want_df is not None:
            assert g.df == pytest.approx(float(want_df), rel=1e-9, abs=1e-12), (text, x0)
            checked += 1
    assert checked >= 1


def test_thirty_expressions_with_parameters_among_them():
    assert len(CASES) >= 30
    assert sum(len(p) > 0 for _, p, _ in CASES) >= 5
    assert sum(len(xs) for _, _, xs in CASES) >= 60


def test_backward_order_puts_every_user_first():
    for text, params, points in CASES:
        g = graph(parse(text), points[0], params)
        order = backward_order(g)
        assert order[0] == g.output
        assert sorted(order) == [n.id for n in g.nodes]
        position = {node: k for k, node in enumerate(order)}
        for n in g.nodes:
            for i in n.inputs:
                assert position[n.id] < position[i], (text, n.text)


def test_x_used_twice_is_the_sum_of_two_paths():
    g = graph(parse("x sin(x)"), 2.0)
    x = next(n for n in g.nodes if n.op == "x")
    terms = contributions(g, x.id)
    assert len(terms) == 2
    import math

    by_user = {g.nodes[t.user].text: t for t in terms}
    assert by_user["x sin(x)"].product == pytest.approx(math.sin(2.0))  # 1 × sin(2)
    assert by_user["sin(x)"].product == pytest.approx(2.0 * math.cos(2.0))  # 2 × cos(2)
    assert x.adjoint == pytest.approx(math.sin(2.0) + 2 * math.cos(2.0))


def test_the_walk_goes_node_by_node_and_back():
    g = graph(parse("x sin(x)"), 2.0)
    walk = BackwardWalk(backward_order(g))
    assert not walk.started and walk.current() is None
    assert walk.step() and walk.current() == g.output and walk.shown(g.output)
    seen = [walk.current()]
    while walk.step():
        seen.append(walk.current())
    assert walk.done and seen == list(backward_order(g))
    assert not walk.step()
    assert walk.back() and not walk.done
    walk.reset()
    assert walk.position == 0 and not walk.back()
    walk.finish()
    assert walk.done and all(walk.shown(n.id) for n in g.nodes)


def test_layers_read_from_inputs_to_the_output():
    for text, params, points in CASES:
        g = graph(parse(text), points[0], params)
        at = layers(g)
        out_col = at[g.output][0]
        assert out_col == max(c for c, _ in at.values())
        for n in g.nodes:
            for i in n.inputs:
                assert at[i][0] < at[n.id][0], (text, n.text)
            if n.op == "x":
                assert at[n.id][0] == 0
        # no two nodes in one place
        assert len(set(at.values())) == len(at)
        # constants sit just left of a user
        users = users_of(g)
        for n in g.nodes:
            if n.op in ("const", "param"):
                assert at[n.id][0] == min(at[u][0] for u, _ in users[n.id]) - 1


def test_where_the_backward_pass_stops() -> None:
    def at(text: str, x0: float) -> tuple[str, str] | None:
        g = graph(parse(text), x0)
        where = stuck_at(g)
        return None if where is None else (g.nodes[where[0]].text, g.nodes[where[1]].text)

    assert at("relu(x)^2", 0.0) == ("relu(x)", "x")  # not ^ (∂/∂2 is undefined at 0^2)
    assert at("max(x + 5, abs(x))", 0.0) == ("abs(x)", "x")  # 0 × undefined
    assert at("sqrt(x) + x", 0.0) == ("sqrt(x)", "x")  # the edge of sqrt's domain
    assert at("max(x, -x)", 0.0) == ("max(x, -x)", "x")  # a tie
    assert at("x sin(x)", 1.0) is None  # reaches x
    assert at("sqrt(x)", -1.0) is None  # f is undefined: nothing stops, nothing starts
    assert at("x^2", 0.0) is None
