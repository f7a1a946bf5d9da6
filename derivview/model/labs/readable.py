"""Derivation results as text people read: ``2x cos(x^2)``, not ``2x*cos(x^2)``.

Like :func:`derivview.model.expr.printer.to_text`, but products are written the way
people write them — juxtaposed with a space where a name or a function follows
(``x^2 cos(x)``, ``a b``) — and a negated quotient or product without parentheses
(``-1/x^2``). What it writes parses back to a tree with the same value everywhere (not
always the same tree: ``-1/x^2`` reads back as ``(-1)/x^2``), which is what a derivation
result needs. Qt-free.
"""

from __future__ import annotations

from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var

__all__ = ["readable"]

_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 4}


def _prec(node: Node) -> int:
    if isinstance(node, BinOp):
        return _PREC[node.op]
    if isinstance(node, Neg):
        # -a b and -a/b are written without parentheses: they bind like a product
        return 2 if isinstance(node.arg, BinOp) and node.arg.op in ("mul", "div") else 3
    return 5


def _wrap(node: Node, at_least: int) -> str:
    text = readable(node)
    return text if _prec(node) >= at_least else f"({text})"


def readable(node: Node) -> str:
    """``node`` in the expression language, products juxtaposed as people write them."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Const):
        return node.name
    if isinstance(node, (Var, Param)):
        return node.name
    if isinstance(node, Neg):
        arg = node.arg
        if isinstance(arg, BinOp) and arg.op in ("mul", "div"):
            # -(1/x^2) as -1/x^2: the same value, read as (-1)/x^2
            return "-" + _wrap(arg, 2)
        return "-" + _wrap(arg, 4)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(readable(a) for a in node.args)})"
    op = node.op
    if op in ("add", "sub"):
        left = _wrap(node.left, 1)
        right = _wrap(node.right, 2)
        if right.startswith("-"):
            right = f"({right})"
        return f"{left} {'+' if op == 'add' else '-'} {right}"
    if op in ("mul", "div"):
        left = _wrap(node.left, 2)
        right = _wrap(node.right, 4)
        if op == "div":
            return f"{left}/{right}"
        if isinstance(node.left, BinOp) and node.left.op == "div":
            left = f"({left})"  # (1/2)x, never 1/2 x
        return left + _joint(node.left, left, right) + right
    base = _wrap(node.left, 5)
    exponent = _wrap(node.right, 3)
    return f"{base}^{exponent}"


def _joint(left_node: Node, left: str, right: str) -> str:
    """What goes between two factors: nothing (2x, (x + 1)(x - 1)), a space (x sin(x)),
    or ``*`` (before a number: 2*3, x*2^x)."""
    if not right or right[0].isdigit() or right[0] == "." or right[0] == "-":
        return "*"
    if isinstance(left_node, Num) and "e" not in left_node.text.lower():
        return ""  # 2x, 2sin(x), 2(x + 1)
    if right[0] == "(":
        return "" if left.endswith(")") else "*"
    return " "
