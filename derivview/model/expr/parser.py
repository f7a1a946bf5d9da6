"""The expression language: user text -> derivview's own tree, safely, exactly as typed.

Nothing here evaluates text as code. A tokenizer and a recursive-descent parser build
immutable nodes (:mod:`.nodes`) from a whitelist of names; limits are checked before the
work they bound. No simplification happens: ``sqrt(x)^2`` stays the square of a square
root (undefined for x < 0), ``x/x`` a quotient (a hole at 0), ``sin(x)/x`` a quotient.

Grammar (lowest precedence first)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/" | <implicit>) unary)*     # 2x, x sin(x), (x+1)(x-1)
    unary   := ("-" | "+" | "√" | "∛") unary | power        # -x^2 = -(x^2), √x² = √(x²)
    power   := postfix (("^" | "**") unary)?               # right-assoc: 2^3^2 = 2^9, x^-2
    postfix := primary superscript*                        # x², x⁻¹, x¹⁰
    primary := number | "x" | "e" | "pi" | "π" | letter    # a letter is a parameter
             | function "(" expr ("," expr)* ")" | "(" expr ")" | "|" expr "|"

Implicit multiplication has the precedence of ``*``, so ``1/2x`` is ``(1/2)*x``; it never
starts at a number (``x 2`` is an error, not ``2x``). Functions need parentheses
(``sin x`` is an error that suggests ``sin(x)``); ``x`` is never a function, so ``x(x+1)``
is ``x*(x+1)``. ``√`` and ``∛`` bind like unary minus: they take the following power,
superscript included (``√x²`` is ``√(x²)``). Inside ``|…|`` a ``|`` that follows a complete
operand closes the bars, elsewhere it opens new ones, so ``|x| + |x-1|``, ``2|x|`` and
``|x - |x||`` all work. Any single ASCII letter other than ``x`` and ``e`` is a parameter
(``X`` and ``E`` too: names are case-sensitive); with ``variables=("x", "y")``, ``y`` is
a second variable (contracts.md §6). ``sin²(x)`` and ``sin⁻¹(x)`` are errors that say
what to write instead.

Numbers are float64. A constant that overflows float64 (``1e300^2``, ``9^9^9``) is too
large to represent: an answer (inf), not a refusal. A constant subexpression that is
undefined (``1/0``, ``ln(0)``, ``tan(pi/2)``) or not real (``sqrt(-1)``, ``asin(2)``)
is refused with its span. Limits, each checked before the work it bounds: text length and
token count, nesting depth (no RecursionError), literal size.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from derivview.model.errors import ExpressionError
from derivview.model.expr import functions as fns
from derivview.model.expr.forward import fold, make_instr
from derivview.model.expr.lexer import MAX_DEPTH, MAX_TOKENS, Tok, show, tokenize
from derivview.model.expr.nodes import BinOp, Call, Const, Neg, Node, Num, Param, Var, walk

__all__ = [
    "CONSTANT_NAMES",
    "MAX_LENGTH",
    "Expression",
    "is_param_name",
    "parse",
]

MAX_LENGTH = 1000
"""Most characters in an expression."""

CONSTANT_NAMES: tuple[str, ...] = ("e", "pi", "π")
"""The named constants."""

_CONSTANTS = {"e": "e", "pi": "pi", "π": "pi"}


@dataclass(frozen=True)
class Expression:
    """A parsed expression: the text as typed, its tree, its parameters and variables."""

    text: str
    tree: Node
    parameters: tuple[str, ...]
    variables: tuple[str, ...] = ("x",)


def is_param_name(name: str, variables: tuple[str, ...] = ("x",)) -> bool:
    """contracts.md §1: any single ASCII letter other than x and e (and the variables)."""
    return (
        len(name) == 1
        and name.isascii()
        and name.isalpha()
        and name != "e"
        and name not in variables
        and name != "x"
    )


def _known_names(variables: tuple[str, ...]) -> tuple[str, ...]:
    return (*fns.FUNCTION_NAMES, "e", "pi", *variables)


# --- constant subexpressions ---------------------------------------------------------------


def _scalar(node: Node, args: list[float]) -> float:
    """The float64 value of a node whose inputs have the values ``args`` (NaN where
    undefined, ±inf on overflow): one instruction, so a long constant chain stays linear."""
    instr = make_instr(node, tuple(range(len(args))), frozenset())
    return float(fold(instr, args))


def _why_undefined(node: Node, args: list[float]) -> str:
    """'undefined' or 'not a real number' for a constant node that evaluated to NaN."""
    if isinstance(node, BinOp):
        a, b = args
        if node.op == "pow" and a < 0 and b != math.floor(b):
            return "not a real number — for the real cube root write cbrt(…)"
        return "undefined"
    if isinstance(node, Call):
        u = args[0]
        if node.name in ("sqrt", "ln", "log", "log2", "log10") and u < 0:
            return "not a real number"
        if node.name in ("asin", "acos") and abs(u) > 1:
            return "not a real number"
    return "undefined"


# --- the parser ----------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the tokens of one text; each rule returns a node.

    Every node built goes through :meth:`built`, which folds constant subexpressions and
    refuses those that are undefined (with their span).
    """

    def __init__(self, text: str, toks: list[Tok], variables: tuple[str, ...]) -> None:
        self.text = text
        self.variables = variables
        self.end_tok = Tok("end", "end", len(text), len(text))
        self.toks = [*toks, self.end_tok]  # the end token closes the list: peek never checks
        self.last = len(toks)
        self.pos = 0
        self.depth = 0
        self.bar_context: list[bool] = []  # True while the innermost group is |…|
        self.values: dict[int, float] = {}  # id(node) -> value, for constant nodes
        self.keep: list[Node] = []  # keeps the nodes whose ids are keys above alive

    # token helpers
    def peek(self) -> Tok:
        return self.toks[self.pos]

    def prev(self) -> Tok | None:
        return self.toks[self.pos - 1] if self.pos > 0 else None

    def advance(self) -> Tok:
        tok = self.toks[self.pos]
        if self.pos < self.last:
            self.pos += 1
        return tok

    def prev_end(self) -> int:
        p = self.prev()
        return p.end if p else 0

    def error(self, message: str, start: int, end: int | None = None) -> ExpressionError:
        end = start + 1 if end is None else end
        return ExpressionError(message, start + 1, max(1, end - start))

    def enter(self, tok: Tok) -> None:
        # Refuse before recursing: no RecursionError, whatever the input.
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested too deeply (at most {MAX_DEPTH} levels)", tok.start)

    def leave(self) -> None:
        self.depth -= 1

    # every node built
    def value_of(self, node: Node) -> float | None:
        return self.values.get(id(node))

    def built(self, node: Node) -> Node:
        """Record ``node``'s value if it is constant; refuse it if that is undefined."""
        if isinstance(node, (Num, Const)):
            self.remember(node, float(node.value))
            return node
        if isinstance(node, (Var, Param)):
            return node
        kids = node.args if isinstance(node, Call) else (
            (node.arg,) if isinstance(node, Neg) else (node.left, node.right))  # fmt: skip
        args = [self.value_of(k) for k in kids]
        if any(a is None for a in args):
            return node
        values = [float(a) for a in args if a is not None]
        value = _scalar(node, values)
        span = show(self.text[node.start : node.end])
        if math.isnan(value) and all(not math.isnan(a) and not math.isinf(a) for a in values):
            raise self.error(f"{span} is {_why_undefined(node, values)}", node.start, node.end)
        if isinstance(node, Call) and math.isfinite(values[0]):
            site = fns.FUNCTIONS[node.name].site
            if site in ("cos", "sin") and fns.at_trig_zero(site, values[0]):  # a pole
                raise self.error(f"{span} is undefined", node.start, node.end)
        self.remember(node, value)
        return node

    def remember(self, node: Node, value: float) -> None:
        self.values[id(node)] = value
        self.keep.append(node)

    # grammar
    def parse(self) -> Node:
        value = self.expr()
        tok = self.peek()
        if tok.kind != "end":
            raise self.unexpected(tok)
        return value

    def expr(self) -> Node:
        start = self.peek().start
        node = self.term()
        while (tok := self.peek()).kind == "op" and tok.value in "+-":
            self.advance()
            rhs = self.term()
            op = "add" if tok.value == "+" else "sub"
            node = self.built(BinOp(op, node, rhs, start, self.prev_end()))
        return node

    def starts_implicit_factor(self, tok: Tok) -> bool:
        if tok.kind in ("name", "(", "root"):
            return True
        # Inside |…| a bar after an operand closes it; elsewhere it opens a new one (2|x|).
        return tok.kind == "|" and not (self.bar_context and self.bar_context[-1])

    def term(self) -> Node:
        start = self.peek().start
        node = self.unary()
        while True:
            tok = self.peek()
            if tok.kind == "op" and tok.value in "*/":
                self.advance()
                rhs = self.unary()
                op = "mul" if tok.value == "*" else "div"
                node = self.built(BinOp(op, node, rhs, start, self.prev_end()))
            elif self.starts_implicit_factor(tok):
                rhs = self.unary()
                node = self.built(BinOp("mul", node, rhs, start, self.prev_end()))
            elif tok.kind == "num":
                raise self.error(
                    f"missing operator before '{tok.text}' (write * for a product)", tok.start
                )
            else:
                break
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok.kind == "op" and tok.value in "+-":
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            if tok.value == "+":
                return operand
            return self.built(Neg(operand, tok.start, self.prev_end()))
        if tok.kind == "root":
            self.advance()
            self.enter(tok)
            operand = self.unary()
            self.leave()
            name = "sqrt" if tok.value == 2 else "cbrt"
            return self.built(Call(name, (operand,), tok.start, self.prev_end()))
        return self.power_expr()

    def power_expr(self) -> Node:
        start = self.peek().start
        base = self.postfix()
        tok = self.peek()
        if tok.kind == "op" and tok.value == "^":
            self.advance()
            self.enter(tok)
            exponent = self.unary()
            self.leave()
            return self.built(BinOp("pow", base, exponent, start, self.prev_end()))
        return base

    def postfix(self) -> Node:
        start = self.peek().start
        node = self.primary()
        while (tok := self.peek()).kind == "sup":
            self.advance()
            digits = self.built(Num(float(abs(tok.value)), str(abs(tok.value)), tok.start, tok.end))
            exponent = digits if tok.value >= 0 else self.built(Neg(digits, tok.start, tok.end))
            node = self.built(BinOp("pow", node, exponent, start, tok.end))
        return node

    def primary(self) -> Node:
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            return self.built(Num(tok.value, tok.text, tok.start, tok.end))
        if tok.kind == "name":
            return self.name()
        if tok.kind == "(":
            self.advance()
            if self.peek().kind == ")":
                raise self.error("empty parentheses", tok.start, self.peek().end)
            self.enter(tok)
            self.bar_context.append(False)
            node = self.expr()
            self.bar_context.pop()
            self.expect(")", tok)
            self.leave()
            return node
        if tok.kind == "|":
            self.advance()
            self.enter(tok)
            self.bar_context.append(True)
            node = self.expr()
            self.bar_context.pop()
            self.expect("|", tok)
            self.leave()
            return self.call("abs", [node], tok.start)
        raise self.unexpected(tok)

    def expect(self, kind: str, opener: Tok) -> None:
        tok = self.peek()
        if tok.kind == kind:
            self.advance()
            return
        if tok.kind == "end":
            raise self.error(f"missing '{kind}' to close this '{opener.text}'", opener.start)
        raise self.unexpected(tok)

    def unexpected(self, tok: Tok) -> ExpressionError:
        """The error for a token that cannot come where it is."""
        prev = self.prev()
        if tok.kind == "end":
            if prev is None:
                return self.error("enter a function of x", 0)
            if prev.kind == "(":
                return self.error("missing ')' to close this '('", prev.start)
            return self.error(f"'{prev.text}' needs something after it", prev.start, prev.end)
        if prev is not None and prev.kind in ("op", "root") and tok.kind in (")", ",", "|"):
            return self.error(f"'{prev.text}' needs something after it", prev.start, prev.end)
        if tok.kind == ")":
            if prev is not None and prev.kind == ",":
                return self.error("missing argument after ','", prev.start)
            return self.error("unmatched ')'", tok.start)
        if tok.kind == ",":
            if prev is not None and prev.kind in ("(", ","):
                return self.error("missing argument before ','", tok.start)
            return self.error(
                "unexpected ',' — commas only separate function arguments, as in max(x, 1)",
                tok.start,
            )
        if tok.kind in ("op", "sup"):
            if prev is None or prev.kind in ("(", ",", "|"):
                return self.error(f"'{tok.text}' needs something before it", tok.start, tok.end)
            return self.error(f"unexpected '{tok.text}' after '{prev.text}'", tok.start, tok.end)
        return self.error(f"unexpected '{tok.text}'", tok.start, tok.end)

    def name(self) -> Node:
        tok = self.advance()
        name = tok.text
        if name == "x" or name in self.variables:
            return Var(name, tok.start, tok.end)
        if name in _CONSTANTS:
            return self.built(Const(_CONSTANTS[name], tok.start, tok.end))  # type: ignore[arg-type]
        if fns.lookup(name) is not None:
            return self.function(tok)
        if is_param_name(name, self.variables):
            return Param(name, tok.start, tok.end)
        raise self.unknown_name(tok)

    def function(self, tok: Tok) -> Node:
        name = tok.text
        nxt = self.peek()
        if nxt.kind != "(":
            if nxt.kind == "sup" and nxt.value == -1:
                inverse = "a" + name if fns.lookup("a" + name) is not None else None
                hint = f"write {inverse}(x) for the inverse, or " if inverse else "write "
                raise self.error(
                    f"{name}⁻¹ is ambiguous — {hint}1/{name}(x) for the reciprocal",
                    tok.start,
                    nxt.end,
                )
            if nxt.kind == "sup" or (nxt.kind == "op" and nxt.value == "^"):
                power = nxt.text if nxt.kind == "sup" else "^2"
                raise self.error(
                    f"put the power after the argument: write {name}(x){power}, not "
                    f"{name}{power}(x)",
                    tok.start,
                    nxt.end,
                )
            arg = nxt.text if nxt.kind in ("name", "num") else "x"
            raise self.error(
                f"{name} needs its argument in parentheses: write {name}({arg})",
                tok.start,
                tok.end,
            )
        opener = self.advance()
        self.enter(opener)
        self.bar_context.append(False)
        args: list[Node] = []
        if self.peek().kind != ")":
            while True:
                if self.peek().kind == "end":
                    raise self.error("missing ')' to close this '('", opener.start)
                args.append(self.expr())
                if self.peek().kind != ",":
                    break
                comma = self.advance()
                if self.peek().kind in (")", "end"):
                    raise self.error("missing argument after ','", comma.start)
        self.bar_context.pop()
        self.expect(")", opener)
        self.leave()
        return self.call(name, args, tok.start)

    def call(self, name: str, args: list[Node], start: int) -> Node:
        """Apply a function of the table, after checking its arity (and a log's base)."""
        end = self.prev_end()
        spec = fns.lookup(name)
        assert spec is not None
        n = len(args)
        if n < spec.min_args or (spec.max_args is not None and n > spec.max_args):
            if spec.max_args is None:
                wanted = f"at least {spec.min_args} arguments"
            elif spec.min_args == spec.max_args:
                wanted = f"{spec.min_args} argument" + ("s" if spec.min_args != 1 else "")
            else:
                wanted = f"{spec.min_args} or {spec.max_args} arguments"
            raise self.error(f"{name} takes {wanted}, got {n}", start, end)
        if spec.name == "log" and n == 2:
            base = self.value_of(args[1])
            if base is not None and not (base > 0 and base != 1):
                raise self.error("the base of a logarithm must be positive and not 1", start, end)
        return self.built(Call(spec.name, tuple(args), start, end))

    def unknown_name(self, tok: Tok) -> ExpressionError:
        name = tok.text
        as_call = self.peek().kind == "("
        known = _known_names(self.variables)
        hints: list[str] = []
        lower = name.lower()
        if lower != name and lower in known:
            hints.append(f"did you mean {lower}? (names are case-sensitive)")
        if not hints and not as_call:
            prefix = max(
                (f for f in fns.FUNCTION_NAMES if name.startswith(f)), key=len, default=None
            )
            if prefix is not None:
                hints.append(f"did you mean {prefix}({name[len(prefix) :]})?")
        m = re.fullmatch(r"log(\d+)", name)
        if m:
            hints.append(f"for base {m.group(1)} write log(x, {m.group(1)})")
        pieces = _split_product(name, self.variables) or []
        product = "*".join(pieces) if pieces else None
        import difflib  # here: only an unknown name needs it (not the first curve's path)

        close = difflib.get_close_matches(lower, known, n=1, cutoff=0.75)
        if as_call and close and not hints:
            hints.append(f"did you mean {close[0]}?")
        # a*b for 'ab' is a likely intent; s*i*n*e for 'sine' or i*m*p*o*r*t is not.
        if product and len(pieces) <= 3 and (not hints or len(pieces) == 2):
            power = ""
            if len(pieces) == 2 and pieces[1].isdigit():
                power = f", for a power {pieces[0]}^{pieces[1]}"
            hints.append(f"for a product write {product}{'*(…)' if as_call else ''}{power}")
        if not hints and close:
            hints.append(f"did you mean {close[0]}?")
        kind = "function" if as_call else "name"
        message = f"unknown {kind} '{show(name, 30)}'"
        if hints:
            message += " — " + "; ".join(hints)
        return self.error(message, tok.start, tok.end)


def _split_product(name: str, variables: tuple[str, ...]) -> list[str] | None:
    """'ab' -> ['a', 'b'], 'pix' -> ['pi', 'x'], 'x2' -> ['x', '2']; None if not a product."""
    pieces: list[str] = []
    i = 0
    while i < len(name):
        if name.startswith("pi", i):
            pieces.append("pi")
            i += 2
        elif name[i].isdigit():
            j = i
            while j < len(name) and name[j].isdigit():
                j += 1
            pieces.append(name[i:j])
            i = j
        elif name[i] in "xe" or name[i] in variables or is_param_name(name[i], variables):
            pieces.append(name[i])
            i += 1
        else:
            return None
    return pieces if len(pieces) >= 2 and not pieces[0].isdigit() else None


def parse(
    text: str, *, max_length: int = MAX_LENGTH, variables: tuple[str, ...] = ("x",)
) -> Expression:
    """Parse user text into an :class:`Expression` (its tree exactly as typed).

    Raises :class:`ExpressionError` (and nothing else) for any string that is not an
    expression, with a message for people and the 1-based column of the problem.
    ``max_length`` may be raised to read back long texts the program printed itself (a
    second derivative); the token limit scales with it. ``variables=("x", "y")`` makes
    ``y`` a second variable (contracts.md §6); elsewhere ``y`` is a parameter.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    variables = tuple(variables)
    if "x" not in variables or any(v not in ("x", "y") for v in variables):
        raise ValueError(f"variables must be ('x',) or ('x', 'y'), not {variables!r}")
    if len(text) > max_length:
        raise ExpressionError(
            f"expression too long ({len(text)} characters; at most {max_length})",
            max_length + 1,
            len(text) - max_length,
        )
    try:
        toks = tokenize(text, max(MAX_TOKENS, MAX_TOKENS * max_length // MAX_LENGTH))
        if not toks:
            raise ExpressionError("enter a function of x", 1)
        tree = _Parser(text, toks, variables).parse()
    except ExpressionError:
        raise
    except RecursionError:  # pragma: no cover - the depth limit should prevent it
        raise ExpressionError("expression nested too deeply", 1, len(text)) from None
    except Exception as exc:  # pragma: no cover - a safety net: never a traceback
        raise ExpressionError(
            f"cannot handle this expression ({type(exc).__name__})", 1, max(1, len(text))
        ) from None
    names = sorted({n.name for n in walk(tree) if isinstance(n, Param)})
    return Expression(text=text, tree=tree, parameters=tuple(names), variables=variables)
