"""derivview's expression tree as typeset mathematics (:mod:`derivview.model.mathbox`).

The layout follows the tree *as typed*: a quotient is a fraction, a power a superscript,
``sqrt`` and ``cbrt`` are radicals, ``abs`` bars, ``floor``/``ceil`` their brackets,
``log(u, b)`` is log with subscript b, ``sigmoid`` is σ. Products are juxtaposed the way
people write them (``2x``, ``3x²``, ``x sin(x)``, ``2(x + 1)``), with a centred dot only
where juxtaposition would read as one number (``2·3``, ``x·(−1)``). Parentheses appear
where the tree needs them and nowhere else.

:func:`typeset` gives a box for a tree (``highlight`` styles one sub-tree, e.g. the part
a derivation step is about); :func:`typeset_text` parses text in the language first (the
printed f′ from the worker). :func:`typeset_function` is "f(x) = …" as one box — the
readout's formulas and an exported picture's title; :func:`typeset_derivative` is
"d/dx (…)" for a derivation step; :func:`typeset_cases` reads a result piecewise.
Qt-free, sympy-free.
"""

from __future__ import annotations

from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var
from derivview.model.mathbox import (
    Box,
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
)

__all__ = [
    "function_name",
    "typeset",
    "typeset_cases",
    "typeset_derivative",
    "typeset_function",
    "typeset_text",
]

_THIN = Space(0.17)
_BRACE_ROOM = Space(0.12)  # less than a word space: plain() adds nothing
_WORD = Space(0.3)  # after a word such as "if" (a thin space reads "ifu")

# How tightly a node binds, for deciding parentheses (higher binds tighter).
_SUM, _PRODUCT, _PREFIX, _POWER, _ATOM = 1, 2, 3, 4, 5

# log is natural in the language (contracts §1): ln says so to a reader who might take log
# for base 10.
_FN_NAMES = {"sigmoid": "σ", "relu": "ReLU", "log": "ln"}
_FENCES = {"abs": ("|", "|"), "floor": ("⌊", "⌋"), "ceil": ("⌈", "⌉")}


def _precedence(node: Node) -> int:
    if isinstance(node, BinOp):
        return {"add": _SUM, "sub": _SUM, "mul": _PRODUCT, "div": _ATOM, "pow": _POWER}[node.op]
    if isinstance(node, Neg):
        return _PREFIX
    if isinstance(node, Num) and "e" in node.text.lower():
        return _PRODUCT  # 1.5 × 10³ reads as a product
    if _exp_as_power(node):
        return _POWER
    return _ATOM


def _exp_as_power(node: Node) -> bool:
    """Whether ``exp(u)`` is set as eᵘ: always, but for a fraction u (a fraction in an
    exponent is too small to read; exp(a/b) stays)."""
    if not (isinstance(node, Call) and node.name == "exp" and len(node.args) == 1):
        return False
    arg = node.args[0]
    return not (isinstance(arg, BinOp) and arg.op == "div")


def typeset(node: Node, highlight: Node | None = None) -> Box:
    """The tree as a box; the sub-tree ``highlight`` (by identity) drawn highlighted."""
    return _Typesetter(highlight).box(node)


def typeset_text(text: str, variables: tuple[str, ...] = ("x",)) -> Box:
    """Parse ``text`` (the language) and typeset it. Raises ExpressionError if invalid."""
    from derivview.model.expr.parser import parse

    return typeset(parse(text, variables=variables).tree)


def function_name(primes: int = 0, variable: str = "x", name: str = "f") -> Box:
    """``f(x)``, ``f′(x)``, ``f″(x)``: the left side of a formula."""
    marks = {0: "", 1: "′", 2: "″", 3: "‴"}.get(primes, "′" * primes)
    return Row((Sym(name + marks, "var"), Fence(Sym(variable, "var"))))


def typeset_function(
    formula: Node | str,
    primes: int = 0,
    variables: tuple[str, ...] = ("x",),
) -> Box:
    """"f(x) = …" (``primes`` = 1: "f′(x) = …") as one box, from a tree or from text in
    the language (ExpressionError if the text is invalid). The one function to call for
    f as typeset mathematics: the readout and the export's title use it."""
    tree = formula if not isinstance(formula, str) else None
    if tree is None:
        from derivview.model.expr.parser import parse

        tree = parse(str(formula), max_length=100_000, variables=variables).tree
    return Row((function_name(primes, variables[0]), Sym("=", "rel"), typeset(tree)))


def typeset_derivative(node: Node, variable: str = "x", highlight: Node | None = None) -> Box:
    """d/dx applied to ``node``: the fraction d/dx, then the expression (in parentheses
    unless it is a name, a number, a call or a root)."""
    op = Frac(Sym("d", "fn"), Row((Sym("d", "fn"), Sym(variable, "var"))))
    body = typeset(node, highlight)
    bare = isinstance(node, (Num, Const, Var, Param)) or (
        isinstance(node, Call) and node.name not in ("log", "log2", "log10")
    )
    return Row((op, _THIN, body if bare else Fence(body)))


def typeset_cases(rows: list[tuple[Node, Node, str, Node]]) -> Box:
    """A brace of rows ``value  if lhs rel rhs`` (ReLU′ = 1 if u > 0, 0 if u < 0)."""
    cases = Cases(
        tuple(
            (
                typeset(value),
                Row((Sym("if", "text"), _WORD, typeset(lhs), Sym(rel, "rel"), typeset(rhs))),
            )
            for value, lhs, rel, rhs in rows
        )
    )
    # the brace's point reaches left of its box: room for it after "="
    return Row((_BRACE_ROOM, cases))


class _Typesetter:
    def __init__(self, highlight: Node | None) -> None:
        self.highlight = highlight

    def box(self, node: Node) -> Box:
        b = self._box(node)
        if self.highlight is not None and node is self.highlight:
            return Styled(b, "highlight")
        return b

    def wrapped(self, node: Node, below: int) -> Box:
        """The node's box, in parentheses when it binds looser than ``below``."""
        b = self.box(node)
        return Fence(b) if _precedence(node) < below else b

    def _box(self, node: Node) -> Box:
        if isinstance(node, Num):
            return _number(node.text)
        if isinstance(node, Const):
            return Sym("π" if node.name == "pi" else "e", "var")
        if isinstance(node, (Var, Param)):
            return Sym(node.name, "var")
        if isinstance(node, Neg):
            return Row((Sym("−", "prefix"), self.wrapped(node.arg, _PRODUCT)))
        if isinstance(node, BinOp):
            return self.binary(node)
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"not a node: {node!r}")

    def binary(self, node: BinOp) -> Box:
        op, a, b = node.op, node.left, node.right
        if op in ("add", "sub"):
            sign = Sym("+" if op == "add" else "−", "op")
            # x + (−1), x − (−1): a sign right after an operator reads badly.
            right = self.wrapped(b, _PREFIX + 1 if isinstance(b, Neg) else _SUM + 1)
            return Row((self.wrapped(a, _SUM), sign, right))
        if op == "div":
            return Frac(self.box(a), self.box(b))
        if op == "pow":
            base = self.box(a)
            if _precedence(a) <= _POWER or (isinstance(a, BinOp) and a.op == "div"):
                base = Fence(base)
            return Sup(base, self.box(b))
        # mul: juxtapose where people would
        left = self.wrapped(a, _PRODUCT)
        right = self.wrapped(b, _PRODUCT + 1)
        if isinstance(b, Neg) or _starts_with_digit(b, right) or _is_e_number(a):
            return Row((left, Sym("·", "op"), right))
        if _starts_with_word(b) or (_ends_with_call(a) and not isinstance(right, Fence)):
            return Row((left, _THIN, right))
        return Row((left, right))

    def call(self, node: Call) -> Box:
        name, args = node.name, node.args
        if name == "sqrt":
            return Root(self.box(args[0]))
        if name == "cbrt":
            return Root(self.box(args[0]), Sym("3", "num"))
        if name in _FENCES:
            left, right = _FENCES[name]
            return Fence(self.box(args[0]), left, right)
        if name == "log" and len(args) == 2:
            head: Box = Sub(Sym("log", "fn"), self.box(args[1]))
            return Row((head, Fence(self.box(args[0]))))
        if _exp_as_power(node):  # sympy prints e^u as exp(u): set it as people write it
            return Sup(Sym("e", "var"), self.box(args[0]))
        if name in ("log2", "log10"):
            head = Sub(Sym("log", "fn"), Sym(name[3:], "num"))
            return Row((head, Fence(self.box(args[0]))))
        shown = _FN_NAMES.get(name, name)
        head = Sym(shown, "var" if shown == "σ" else "fn")
        items: list[Box] = []
        for i, arg in enumerate(args):
            if i:
                items.append(Sym(",", "punct"))
            items.append(self.box(arg))
        inner = items[0] if len(items) == 1 else Row(tuple(items))
        return Row((head, Fence(inner)))


def _number(text: str) -> Box:
    """A literal as typed, with an exponent written as × 10ⁿ (1e-3 → 1 × 10⁻³)."""
    lower = text.lower()
    if "e" not in lower:
        return Sym(text, "num")
    mantissa, exponent = lower.split("e", 1)
    exponent = exponent.lstrip("+").replace("−", "-")
    sign = "−" if exponent.startswith("-") else ""
    digits = exponent.lstrip("-").lstrip("0") or "0"
    power = Sup(Sym("10", "num"), Sym(sign + digits, "num"))
    if mantissa in ("1", "1.0", ""):
        return power
    return Row((Sym(mantissa, "num"), Sym("×", "op"), power))


def _is_e_number(node: Node) -> bool:
    return isinstance(node, Num) and "e" in node.text.lower()


def _leftmost(node: Node) -> Node:
    while True:
        if isinstance(node, BinOp) and node.op in ("add", "sub", "mul", "pow"):
            node = node.left
        else:
            return node


def _ends_with_call(node: Node) -> bool:
    """Whether the typeset product ``node`` ends with a function call: sin(x) e^x needs a
    space, sin(x)(x + 1) does not."""
    while isinstance(node, BinOp) and node.op == "mul":
        node = node.right
    return isinstance(node, Call) and not _exp_as_power(node)


def _starts_with_digit(node: Node, box: Box) -> bool:
    """Whether the typeset ``node`` begins with a digit (2·3, x·2^x): juxtaposing it with
    what is before it would merge two numbers."""
    if isinstance(box, Fence):
        return False
    first = _leftmost(node)
    return isinstance(first, Num)


def _starts_with_word(node: Node) -> bool:
    """Whether the typeset ``node`` begins with a function name (x sin(x) needs a space)."""
    first = _leftmost(node)
    return (
        isinstance(first, Call)
        and first.name not in ("sqrt", "cbrt", *_FENCES)
        and not _exp_as_power(first)
    )
