"""Building derivative trees the way a person writes them down: 0·u = 0, 1·u = u, numbers
folded exactly.

The derivation (:mod:`derivview.model.labs.steps`) combines the derivatives of the parts
of f into the derivative of the whole with these constructors instead of the bare nodes,
so that ``(x^2)′`` reads ``2x`` rather than ``2·x^(2 − 1)·1``. Each simplification keeps
the value wherever the unsimplified tree is defined (numbers are folded as exact
fractions of the literals as typed: 0.1·3 is 0.3, not 0.30000000000000004), so a result
built here equals the derivative wherever the derivative exists. Nothing clever happens:
no expansion, no cancelling of common factors — that is sympy's job, in the worker.

Qt-free, sympy-free, numpy-free.
"""

from __future__ import annotations

from fractions import Fraction

from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var

__all__ = [
    "add",
    "call",
    "div",
    "leads_with_number",
    "mul",
    "neg",
    "number",
    "power",
    "rational",
    "sub",
]

#: Largest numerator/denominator kept as an exact folded number (beyond: left unfolded).
_MAX_DIGITS = 15


def rational(node: Node) -> Fraction | None:
    """The exact value of a tree of numeric literals (``2``, ``-1/2``, ``0.5``), else None."""
    if isinstance(node, Num):
        try:
            value = Fraction(node.text)
        except (ValueError, ZeroDivisionError):
            return None
        return value if _small(value) else None
    if isinstance(node, Neg):
        r = rational(node.arg)
        return None if r is None else -r
    if isinstance(node, BinOp) and node.op in ("add", "sub", "mul", "div"):
        a, b = rational(node.left), rational(node.right)
        if a is None or b is None:
            return None
        if node.op == "add":
            out = a + b
        elif node.op == "sub":
            out = a - b
        elif node.op == "mul":
            out = a * b
        elif b == 0:
            return None
        else:
            out = a / b
        return out if _small(out) else None
    return None


def _small(value: Fraction) -> bool:
    return len(str(value.numerator)) <= _MAX_DIGITS and len(str(value.denominator)) <= _MAX_DIGITS


def _decimal(value: Fraction) -> str | None:
    """A short exact decimal for ``value`` ≥ 0 (``0.5``, ``2.25``), or None (1/3)."""
    q = value.denominator
    twos = fives = 0
    while q % 2 == 0:
        q //= 2
        twos += 1
    while q % 5 == 0:
        q //= 5
        fives += 1
    if q != 1:
        return None
    places = max(twos, fives)
    if places > 6:
        return None
    text = f"{value.numerator * 10**places // value.denominator}"
    if places:
        text = text.rjust(places + 1, "0")
        text = f"{text[:-places]}.{text[-places:]}".rstrip("0").rstrip(".")
    return text


def number(value: Fraction | int, *, fraction: bool = False) -> Node:
    """A tree for an exact number: ``2``, ``0.5``, ``-3``, ``1/3`` (``1/2`` with
    ``fraction``: exponents typed as fractions stay fractions)."""
    value = Fraction(value)
    if value < 0:
        return Neg(number(-value, fraction=fraction))
    if value.denominator == 1:
        return Num(float(value.numerator), str(value.numerator))
    text = None if fraction else _decimal(value)
    if text is not None:
        return Num(float(value), text)
    return BinOp(
        "div",
        Num(float(value.numerator), str(value.numerator)),
        Num(float(value.denominator), str(value.denominator)),
    )


def _is(node: Node, value: int) -> bool:
    r = rational(node) if isinstance(node, (Num, Neg)) else None
    return r is not None and r == value


def neg(a: Node) -> Node:
    """−a (−(−a) = a, numbers folded)."""
    if isinstance(a, Neg):
        return a.arg
    r = rational(a) if isinstance(a, (Num, Neg)) else None
    if r is not None:
        return number(-r)
    return Neg(a)


def add(a: Node, b: Node) -> Node:
    """a + b (0 dropped, numbers folded, a + (−b) written a − b)."""
    if _is(a, 0):
        return b
    if _is(b, 0):
        return a
    ra, rb = _folded(a), _folded(b)
    if ra is not None and rb is not None:
        return number(ra + rb)
    if isinstance(b, Neg):
        return BinOp("sub", a, b.arg)
    return BinOp("add", a, b)


def sub(a: Node, b: Node) -> Node:
    """a − b (0 dropped, numbers folded, a − (−b) written a + b)."""
    if _is(b, 0):
        return a
    if _is(a, 0):
        return neg(b)
    ra, rb = _folded(a), _folded(b)
    if ra is not None and rb is not None:
        return number(ra - rb)
    if isinstance(b, Neg):
        return BinOp("add", a, b.arg)
    return BinOp("sub", a, b)


def _folded(node: Node) -> Fraction | None:
    """The exact value of a plain number (a literal, its negation, a fraction p/q)."""
    if isinstance(node, (Num, Neg)) or (isinstance(node, BinOp) and node.op == "div"):
        return rational(node)
    return None


def mul(a: Node, b: Node) -> Node:
    """a·b: 0 and 1 dropped, numbers folded and written first, signs pulled out, a·(1/c)
    written a/c, a simple factor first (``x cos(x)``, not ``cos(x)·x``), and products
    associated to the left (``2x·e^x·ln(2)``, no nested parentheses)."""
    ra, rb = _folded(a), _folded(b)
    if ra is not None and rb is not None:
        return number(ra * rb)
    if ra == 0 or rb == 0:
        return number(0)
    if ra == 1:
        return b
    if rb == 1:
        return a
    if ra == -1:
        return neg(b)
    if rb == -1:
        return neg(a)
    if isinstance(a, Neg) and ra is None:
        return neg(mul(a.arg, b))
    if isinstance(b, Neg) and rb is None:
        return neg(mul(a, b.arg))
    if _is_reciprocal(b):
        return div(a, b.right)  # type: ignore[union-attr]
    if _is_reciprocal(a):
        return div(b, a.right)  # type: ignore[union-attr]
    if rb is not None:  # the number first: 2x, not x·2
        a, b, ra, rb = b, a, rb, ra
    if ra is not None:
        if ra < 0:
            return neg(mul(number(-ra), b))
        if isinstance(b, BinOp) and b.op == "mul":
            inner = _folded(b.left)
            if inner is not None:
                return mul(number(ra * inner), b.right)
    elif (
        not (isinstance(a, BinOp) and a.op == "mul")
        and leads_with_number(b)
        and not leads_with_number(a)
    ):
        a, b = b, a  # one factor, then a simple one: cos(x)·x as x cos(x)
    if isinstance(b, BinOp) and b.op == "mul":
        return mul(mul(a, b.left), b.right)
    return BinOp("mul", a, b)


def _is_reciprocal(node: Node) -> bool:
    """1/c for a c that is not a number (1/2 stays a number)."""
    return (
        isinstance(node, BinOp)
        and node.op == "div"
        and _folded(node.left) == 1
        and _folded(node.right) is None
    )


def div(a: Node, b: Node) -> Node:
    """a/b (b = 1 dropped, 0/b = 0, numbers folded, signs pulled out)."""
    if _is(b, 1):
        return a
    ra, rb = _folded(a), _folded(b)
    if ra == 0:
        return number(0)
    if rb is not None and rb != 0 and isinstance(a, BinOp) and a.op == "mul":
        c = _folded(a.left)
        if c is not None:  # (2x)/4 = x/2
            q = c / rb
            if q.denominator == 1 or q.numerator != 1:
                return mul(number(q), a.right)
            return div(a.right, number(q.denominator))
    if ra is not None and rb is not None and rb != 0:
        return number(ra / rb)
    if isinstance(a, Neg):
        return neg(div(a.arg, b))
    if rb is not None and rb < 0:
        return neg(div(a, number(-rb)))
    if isinstance(a, BinOp) and a.op == "div" and ra is None:
        return div(a.left, mul(a.right, b))  # (p/q)/b = p/(q b)
    return BinOp("div", a, b)


def power(a: Node, b: Node) -> Node:
    """a^b (a^1 = a, a^0 = 1)."""
    if _is(b, 1):
        return a
    if _is(b, 0):
        return number(1)
    return BinOp("pow", a, b)


def call(name: str, *args: Node) -> Node:
    """name(args) — ``ln(e)`` is 1."""
    if name in ("ln", "log") and len(args) == 1 and args[0] == Const("e"):
        return number(1)
    return Call(name, tuple(args))


def leads_with_number(node: Node) -> bool:
    """Whether a product reads well with ``node`` written first: a number, a name, a power
    of a name, or a number times one of those (``2``, ``x``, ``2x``, ``3x^2``)."""
    if isinstance(node, (Num, Var, Param, Const)):
        return True
    if isinstance(node, Neg):
        return leads_with_number(node.arg)
    if isinstance(node, BinOp):
        if node.op == "pow":
            return isinstance(node.left, (Var, Param)) and rational(node.right) is not None
        if node.op == "mul":
            return isinstance(node.left, Num) and leads_with_number(node.right)
        if node.op == "div":
            return rational(node) is not None
    return False
