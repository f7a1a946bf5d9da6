"""A tree back to text in the expression language (what ``parse`` reads back as the
same tree): minimal parentheses, ``2x`` for a number times a name, literals as typed.

This is how f is printed (``info``'s ``f``, the readout's f(x) = …): no computer
algebra, no simplification, available at once.
"""

from __future__ import annotations

from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var

__all__ = ["to_text"]

# precedence: sums 1, products 2, unary minus 3, powers 4, atoms and calls 5
_PREC = {"add": 1, "sub": 1, "mul": 2, "div": 2, "pow": 4}


def _prec(node: Node) -> int:
    if isinstance(node, BinOp):
        return _PREC[node.op]
    if isinstance(node, Neg):
        return 3
    return 5


def _wrap(node: Node, at_least: int) -> str:
    text = to_text(node)
    return text if _prec(node) >= at_least else f"({text})"


def to_text(node: Node) -> str:
    """``node`` in the expression language; ``parse`` gives back an equal tree."""
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Const):
        return node.name
    if isinstance(node, (Var, Param)):
        return node.name
    if isinstance(node, Neg):
        return "-" + _wrap(node.arg, 4)
    if isinstance(node, Call):
        return f"{node.name}({', '.join(to_text(a) for a in node.args)})"
    op = node.op
    if op in ("add", "sub"):
        left = _wrap(node.left, 1)
        right = _wrap(node.right, 2)
        return f"{left} {'+' if op == 'add' else '-'} {right}"
    if op in ("mul", "div"):
        left = _wrap(node.left, 2)
        right = _wrap(node.right, 4)
        if op == "div":
            return f"{left}/{right}"
        if _juxtapose(node.left, left, right):
            return left + right
        return f"{left}*{right}"
    # pow: the base an atom, the exponent a power, an atom or a negation (x^-2)
    base = _wrap(node.left, 5)
    exponent = _wrap(node.right, 3)
    return f"{base}^{exponent}"


def _juxtapose(left_node: Node, left: str, right: str) -> bool:
    """2x, 3x^2, 2sin(x), 2(x + 1), (x + 1)(x - 1): what people write, and parses back."""
    if not right or right[0].isdigit() or right[0] == ".":
        return False
    if isinstance(left_node, Num):
        return right[0].isalpha() or right[0] == "("
    return left.endswith(")") and right[0] == "("
