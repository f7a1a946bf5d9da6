"""Typeset mathematics as a small tree of boxes, and as plain Unicode text.

A box says *what* a formula looks like (a fraction, a power, a root, a fence, a case
split), not where its glyphs go: ``derivview.ui.mathview`` lays boxes out with the
window's fonts and paints them (on screen, and as vector text and paths in exports).
Boxes are immutable and hashable, so a layout can be cached per box.

:func:`plain` writes the same formula as one line of Unicode (``x² sin(x)``,
``(2x)/(x² + 1)``): the accessible name of a rendered formula, what the clipboard gets,
and what tests read.

Qt-free (the model's rule): nothing here imports Qt or sympy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Box",
    "Cases",
    "Fence",
    "Frac",
    "Root",
    "Row",
    "Space",
    "Styled",
    "Sub",
    "Sup",
    "Sym",
    "SymKind",
    "plain",
    "row",
]

SymKind = Literal["num", "var", "fn", "op", "rel", "prefix", "punct", "text"]
"""How a symbol is set: ``var`` italic; ``fn``, ``num``, ``text`` upright; ``op`` a binary
operator and ``rel`` a relation (=, <) with space around; ``prefix`` a sign (−x);
``punct`` a comma (space after)."""


class Box:
    """A piece of typeset mathematics (one of the classes below)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Sym(Box):
    """One symbol or word: ``x``, ``2.5``, ``sin``, ``+``, ``if``."""

    text: str
    kind: SymKind = "var"


@dataclass(frozen=True, slots=True)
class Space(Box):
    """Horizontal space, in ems of the current size."""

    em: float


@dataclass(frozen=True, slots=True)
class Row(Box):
    """Boxes side by side on one baseline."""

    items: tuple[Box, ...]


@dataclass(frozen=True, slots=True)
class Frac(Box):
    """num over den, with a bar on the math axis."""

    num: Box
    den: Box


@dataclass(frozen=True, slots=True)
class Sup(Box):
    """base raised to sup (smaller, up)."""

    base: Box
    sup: Box


@dataclass(frozen=True, slots=True)
class Sub(Box):
    """base with a subscript (smaller, down): a_k, x_0."""

    base: Box
    sub: Box


@dataclass(frozen=True, slots=True)
class Root(Box):
    """√body, or the index-th root of body (∛ for index 3)."""

    body: Box
    index: Box | None = None


@dataclass(frozen=True, slots=True)
class Fence(Box):
    """body between delimiters that grow with it: ``(`` ``)``, ``|`` ``|``, ``[`` ``]``;
    an empty string for no delimiter on that side."""

    body: Box
    left: str = "("
    right: str = ")"


@dataclass(frozen=True, slots=True)
class Cases(Box):
    """A brace and rows of (value, condition): relu′(x) = 1 if x > 0, 0 if x < 0."""

    rows: tuple[tuple[Box, Box], ...]


@dataclass(frozen=True, slots=True)
class Styled(Box):
    """body drawn in a role's colour: ``highlight`` (the part a step is about),
    ``muted`` (context)."""

    body: Box
    role: Literal["highlight", "muted"] = "highlight"


def row(*items: Box | str) -> Box:
    """A Row of ``items`` (strings become ``text`` symbols); one item stays itself."""
    boxes = tuple(Sym(i, "text") if isinstance(i, str) else i for i in items)
    return boxes[0] if len(boxes) == 1 else Row(boxes)


# --- plain text -------------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("0123456789-−+()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁺⁽⁾ⁿ")
_SUBSCRIPT = str.maketrans("0123456789-−+()", "₀₁₂₃₄₅₆₇₈₉₋₋₊₍₎")


def plain(box: Box) -> str:
    """The formula as one line of Unicode, as a person would write it by hand."""
    return _plain(box).strip()


def _is_simple(box: Box) -> bool:
    """Whether ``box`` reads unambiguously without parentheses in linear text."""
    while isinstance(box, Styled):
        box = box.body
    if isinstance(box, Row):  # a call sin(x) or a product 2x; not x + 1, not 2x cos(x)
        return all(
            not (isinstance(b, Sym) and b.kind in ("op", "rel", "punct", "prefix"))
            and not isinstance(b, (Space, Frac))
            for b in box.items
        )
    return isinstance(box, (Sym, Fence, Root)) or (
        isinstance(box, (Sup, Sub)) and _is_simple(box.base)
    )


def _loose(box: Box | None) -> bool:
    """Nothing, a relation, a comma, or + / − between terms: what a fraction may touch
    without parentheses in linear text (f(x) = sin(x)/x + 1)."""
    return box is None or (
        isinstance(box, Sym)
        and (box.kind in ("rel", "punct") or (box.kind == "op" and box.text in "+−-"))
    )


def _set_apart(items: list[Box], frac: Box) -> bool:
    """Whether ``frac`` (one of ``items``) has only loose neighbours."""
    k = next(i for i, b in enumerate(items) if b is frac)
    before = items[k - 1] if k > 0 else None
    after = items[k + 1] if k + 1 < len(items) else None
    return _loose(before) and _loose(after)


def _plain(box: Box) -> str:
    if isinstance(box, Sym):
        if box.kind in ("op", "rel"):
            return f" {box.text} "
        if box.kind == "punct":
            return f"{box.text} "
        return box.text
    if isinstance(box, Space):
        return " " if box.em >= 0.15 else ""
    if isinstance(box, Row):
        # A fraction beside other factors: (1/2)x, not 1/2x; beside = or + it needs none.
        items = [b for b in box.items if not isinstance(b, Space)]
        return "".join(
            f"({_plain(b).strip()})"
            if isinstance(b, Frac) and not _set_apart(items, b)
            else _plain(b)
            for b in box.items
        )
    if isinstance(box, Styled):
        return _plain(box.body)
    if isinstance(box, Frac):
        num, den = _plain(box.num).strip(), _plain(box.den).strip()
        num = num if _is_simple(box.num) else f"({num})"
        den = den if _is_simple(box.den) else f"({den})"
        return f"{num}/{den}"
    if isinstance(box, Sup):
        base = _plain(box.base).strip()
        base = base if _is_simple(box.base) else f"({base})"
        sup = _plain(box.sup).strip()
        small = sup.translate(_SUPERSCRIPT)
        nested = any(c in "⁰¹²³⁴⁵⁶⁷⁸⁹" for c in sup)  # 2^(3²), never 2³²
        if not nested and all(c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺⁽⁾ⁿ" for c in small):
            return base + small
        if nested:
            return f"{base}^({sup})"
        return f"{base}^({sup})" if not _is_simple(box.sup) else f"{base}^{sup}"
    if isinstance(box, Sub):
        base = _plain(box.base).strip()
        sub = _plain(box.sub).strip()
        small = sub.translate(_SUBSCRIPT)
        return base + (small if all(c in "₀₁₂₃₄₅₆₇₈₉₋₊₍₎" for c in small) else f"_{sub}")
    if isinstance(box, Root):
        body = _plain(box.body).strip()
        body = body if _is_simple(box.body) else f"({body})"
        if box.index is None:
            return "√" + body
        index = _plain(box.index).strip()
        return ("∛" + body) if index == "3" else f"root{index}({body})"
    if isinstance(box, Fence):
        return f"{box.left}{_plain(box.body).strip()}{box.right}"
    if isinstance(box, Cases):
        parts = [f"{_plain(v).strip()} {_plain(c).strip()}" for v, c in box.rows]
        return "{ " + "; ".join(parts) + " }"
    raise TypeError(f"not a box: {box!r}")
