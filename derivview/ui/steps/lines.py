"""What one line of the derivation shows: its rule, its formula, its note — as boxes.

A :class:`StepLine` is built from a :class:`~derivview.model.labs.steps.Step` once (and
again when sympy has simplified its result): the rule's name, the formula
"d/dx (expression) = result [= simplified]" typeset (:mod:`derivview.model.mathbox`), the
chain rule's outer and inner functions ("outer sin(u), inner u = x²"), and a note in
words (where there is no derivative). ``plain`` is what a person reads, as one line of
text: the row's accessible text, its tooltip, what tests read. Qt-free.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from derivview.model.expr.nodes import Param
from derivview.model.expr.typeset import (
    typeset,
    typeset_cases,
    typeset_derivative,
    typeset_text,
)
from derivview.model.labs.steps import RULE_TITLES, Step, tree_size
from derivview.model.mathbox import Box, Row, Space, Sym, plain

__all__ = ["MAX_TYPESET_NODES", "StepLine", "step_line"]

MAX_TYPESET_NODES = 400
"""A result larger than this is described in words, not typeset (a product of many
factors has a product-rule derivative of thousands of terms)."""

_GAP = Space(0.4)
#: Rules called "the … rule" (the others are a function's own derivative).
_NAMED_RULES = frozenset(
    {"constant", "constant_multiple", "sum", "product", "quotient", "power", "chain"}
)


@dataclass(frozen=True)
class StepLine:
    """One line of the derivation: ``title`` (the rule), ``formula``, optional ``chain``
    (outer and inner functions), ``note`` (words) and whether the note says that a
    derivative is missing somewhere (``warning``)."""

    title: str
    formula: Box
    chain: Box | None
    note: str
    warning: bool
    plain: str


def _result_box(step: Step) -> Box:
    if step.cases:
        return typeset_cases([(c.value, c.lhs, c.rel, c.rhs) for c in step.cases])
    size = tree_size(step.result, MAX_TYPESET_NODES)
    if size > MAX_TYPESET_NODES:
        return Sym(f"(a long expression, more than {MAX_TYPESET_NODES} terms)", "text")
    try:
        return typeset(step.result)
    except RecursionError:
        return Sym("(too deep to show)", "text")


def step_line(step: Step, simplified: str | None = None) -> StepLine:
    """The line for ``step``; ``simplified``: its result as sympy simplified it (shown
    after the rule's result when it differs)."""
    title = RULE_TITLES[step.rule]
    if step.rule in _NAMED_RULES:
        title += " rule"
    try:
        lhs = typeset_derivative(step.expression, step.variable)
    except RecursionError:
        lhs = Sym("d/dx (…)", "text")
    items: list[Box] = [lhs, Sym("=", "rel"), _result_box(step)]
    if simplified is not None and simplified != step.result_text:
        with contextlib.suppress(Exception):  # text we cannot read back: the rule's only
            items += [Sym("=", "rel"), typeset_text(simplified)]
    formula = Row(tuple(items))
    chain = None
    if step.rule == "chain" and step.outer is not None and step.inner is not None:
        letter = next(n for n in _params(step.outer) if n not in step.parameters)
        chain = Row(
            (
                Sym("outer", "text"),
                _GAP,
                typeset(step.outer),
                Sym(",", "punct"),
                Sym("inner", "text"),
                _GAP,
                Sym(letter, "var"),
                Sym("=", "rel"),
                typeset(step.inner),
            )
        )
    note = "" if step.rule == "chain" else step.note
    warning = "no derivative" in note
    text = f"{title}: {plain(formula)}"
    if chain is not None:
        text += f"; {plain(chain)}"
    if note:
        text += f"; {note}"
    return StepLine(title, formula, chain, note, warning, text)


def _params(node: object) -> list[str]:
    from derivview.model.expr.nodes import walk

    return [n.name for n in walk(node) if isinstance(n, Param)]  # type: ignore[arg-type]
