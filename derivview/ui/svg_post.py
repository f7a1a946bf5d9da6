"""Finishing touches on the SVG that Qt writes, so every SVG renderer draws the picture.

- :func:`flatten_strokes`: Qt writes a curve in data coordinates inside a group whose
  ``transform`` maps them to the picture (scales like 95 × −12 for a plot), with
  ``vector-effect="non-scaling-stroke"`` to keep its 1- or 2-px pen. Browsers honour that;
  librsvg (GNOME's image viewers, many converters) scaled the pen with the data and drew
  bands and blobs. Here the coordinates are mapped into the picture and the transform
  dropped: the same drawing, with nothing for a renderer to get wrong.
- :func:`real_fonts`: Qt names the family it was asked for ("Sans Serif", which a
  browser does not know and draws in a serif face); name the family Qt drew with, then a
  generic fallback.
"""

from __future__ import annotations

import re

_GROUP = re.compile(rb'<g ([^>]*?)transform="matrix\(([^)]*)\)"([^>]*)>(.*?)</g>', re.DOTALL)
_ELEMENT = re.compile(rb"<(\w+)\b([^>]*?)/?>")
_PAIR = re.compile(rb"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?),(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")
_SHAPES = (b"path", b"polyline", b"polygon", b"rect")

def _num(v: float) -> bytes:
    return f"{v:.6g}".encode()


class _Matrix:
    """An SVG ``matrix(a, b, c, d, e, f)``: (x, y) → (a·x + c·y + e, b·x + d·y + f)."""

    def __init__(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        self.m = (a, b, c, d, e, f)

    def __call__(self, x: float, y: float) -> tuple[float, float]:
        a, b, c, d, e, f = self.m
        return a * x + c * y + e, b * x + d * y + f


def _affine(text: bytes) -> _Matrix | None:
    try:
        a, b, c, d, e, f = (float(v) for v in text.replace(b" ", b"").split(b","))
    except ValueError:
        return None
    return _Matrix(a, b, c, d, e, f)


def _map_pairs(data: bytes, m: _Matrix) -> bytes:
    # All pairs at once: a plot's curves are thousands of points, and a Python callback
    # per pair was most of an SVG export's time (60 of 95 ms for x³ − 3x at 1600 px).
    parts = _PAIR.split(data)  # [text, x, y, text, x, y, …, text]
    if len(parts) == 1:
        return data
    a, b, c, d, e, f = m.m
    # the same arithmetic, in the same order, as _Matrix.__call__
    if len(parts) > 3 * _MANY:
        import numpy as np

        xs = np.fromiter(map(float, parts[1::3]), np.float64)
        ys = np.fromiter(map(float, parts[2::3]), np.float64)
        mapped = np.column_stack((a * xs + c * ys + e, b * xs + d * ys + f)).ravel().tolist()
    else:
        mapped = []
        for x, y in zip(map(float, parts[1::3]), map(float, parts[2::3]), strict=True):
            mapped += (a * x + c * y + e, b * x + d * y + f)
    # one %-format for the whole attribute (the text between the pairs kept as it is):
    # "%.6g" is what _num writes, formatted in C rather than a call per number
    texts = parts[::3] if b"%" not in data else [t.replace(b"%", b"%%") for t in parts[::3]]
    return b"%.6g,%.6g".join(texts) % tuple(mapped)


_ATTRS = {
    name: re.compile(rb"\b" + name + rb'="([^"]*)"')
    for name in (b"d", b"points", b"x", b"y", b"width", b"height")
}
#: Path commands other than absolute M, L, C, Z (what Qt writes): not flattened.
_OTHER_COMMANDS = re.compile(rb"[AHVSQTa-z]")
#: Above this many pairs, numpy maps them faster than a loop.
_MANY = 50


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    found = _ATTRS[name].search(attrs)
    return found.group(1) if found else None


def _flatten_element(tag: bytes, attrs: bytes, m: _Matrix) -> bytes | None:
    """The element with its coordinates mapped by ``m`` (None: cannot be flattened)."""
    if b'vector-effect="non-scaling-stroke"' not in attrs:
        return None
    attrs = attrs.replace(b' vector-effect="non-scaling-stroke"', b"")
    if tag == b"path":
        d = _attr(attrs, b"d")
        if d is None or _OTHER_COMMANDS.search(d):
            return None  # only absolute M, L, C, Z: what Qt writes
        return b"<path" + attrs.replace(b'd="' + d + b'"', b'd="' + _map_pairs(d, m) + b'"') + b"/>"
    if tag in (b"polyline", b"polygon"):
        pts = _attr(attrs, b"points")
        if pts is None:
            return None
        new = attrs.replace(b'points="' + pts + b'"', b'points="' + _map_pairs(pts, m) + b'"')
        return b"<" + tag + new + b"/>"
    if tag == b"rect":
        try:
            x, y, w, h = (float(_attr(attrs, k) or b"0") for k in (b"x", b"y", b"width", b"height"))
        except ValueError:
            return None
        corners = [m(x, y), m(x + w, y), m(x + w, y + h), m(x, y + h)]
        d = b"M" + b" L".join(_num(px) + b"," + _num(py) for px, py in corners) + b" Z"
        rest = re.sub(rb'\s(?:x|y|width|height|rx|ry)="[^"]*"', b"", attrs)
        return b"<path" + rest + b' d="' + d + b'"/>'
    return None


def flatten_strokes(svg: bytes) -> bytes:
    """Map non-scaling-stroke shapes into picture coordinates (see the module doc)."""

    def group(match: re.Match[bytes]) -> bytes:
        before, matrix, after, body = match.groups()
        if b"<g" in body:
            return match.group(0)
        m = _affine(matrix)
        if m is None:
            return match.group(0)
        if m.m == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
            # Already in picture coordinates (curves are stroked so: scene_paint): only
            # the no-op transform and non-scaling marks go, the numbers stay as written.
            body = body.replace(b' vector-effect="non-scaling-stroke"', b"")
            return b"<g " + before + after.lstrip() + b">" + body + b"</g>"
        out: list[bytes] = []
        last = 0
        for el in _ELEMENT.finditer(body):
            tag, attrs = el.group(1), el.group(2).rstrip(b"/").rstrip()
            if tag not in _SHAPES:
                return match.group(0)  # text, images: keep the group as it is
            flat = _flatten_element(tag, b" " + attrs.strip(), m)
            if flat is None:
                return match.group(0)
            out.append(body[last : el.start()])
            out.append(flat)
            last = el.end()
        out.append(body[last:])
        return b"<g " + before + after.lstrip() + b">" + b"".join(out) + b"</g>"

    return _GROUP.sub(group, svg)


def real_fonts(svg: bytes) -> bytes:
    """Name real font families (the one Qt drew with, then a generic fallback)."""
    from PySide6.QtGui import QFont, QFontInfo

    cache: dict[bytes, bytes] = {}

    def family(match: re.Match[bytes]) -> bytes:
        asked = match.group(1)
        if asked not in cache:
            name = asked.decode("utf-8", "replace")
            real = QFontInfo(QFont(name)).family() or name
            generic = "monospace" if "mono" in name.lower() else "sans-serif"
            value = ", ".join(dict.fromkeys(f"'{n}'" for n in (real, name) if n)) + f", {generic}"
            cache[asked] = value.encode()
        return b'font-family="' + cache[asked] + b'"'

    return re.sub(rb'font-family="([^"]*)"', family, svg)
