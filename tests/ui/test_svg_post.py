"""svg_post's flattening: a shape's coordinates mapped by its group's matrix, written as
the per-pair formula (a·x + c·y + e, b·x + d·y + f) with "%.6g" — whether a shape has a
few pairs or thousands (mapped all at once)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from derivview.ui.svg_post import _MANY, flatten_strokes

MATRIX = (95.25, 0.5, -0.25, -12.125, 400.0, 300.5)


def expected(d: str) -> str:
    a, b, c, dd, e, f = MATRIX
    pair = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?),(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")

    def one(m: re.Match[str]) -> str:
        x, y = float(m.group(1)), float(m.group(2))
        return f"{a * x + c * y + e:.6g},{b * x + dd * y + f:.6g}"

    return pair.sub(one, d)


def group(d: str) -> bytes:
    m = ",".join(repr(v) for v in MATRIX)
    return (
        f'<svg><g fill="none" transform="matrix({m})" stroke="#0072b2">'
        f'<path vector-effect="non-scaling-stroke" fill-rule="evenodd" d="{d}"/></g></svg>'
    ).encode()


@pytest.mark.parametrize("n", [1, 3, _MANY, _MANY + 1, 2000])
def test_a_path_is_mapped_pair_by_pair(n: int) -> None:
    rng = np.random.default_rng(n)
    xs = (rng.normal(0, 3, n) * 10.0 ** rng.integers(-3, 6, n)).tolist()
    ys = rng.normal(0, 3, n).tolist()
    # as Qt writes them: plain decimals
    d = "M" + " L".join(f"{x:.6f},{y:.9f}" for x, y in zip(xs, ys, strict=True)) + " Z"
    out = flatten_strokes(group(d)).decode()
    assert "transform" not in out and "non-scaling-stroke" not in out
    got = re.search(r' d="([^"]*)"', out)
    assert got is not None and got.group(1) == expected(d)


def test_a_path_with_other_commands_is_left_as_it_is() -> None:
    svg = group("M1,2 Q3,4 5,6")
    assert flatten_strokes(svg) == svg


def test_a_path_already_in_picture_coordinates_keeps_its_numbers() -> None:
    """Curves stroked in picture coordinates (scene_paint) come in an identity group:
    only the no-op transform and the non-scaling mark go; every number stays as Qt wrote
    it (not rewritten through "%.6g")."""
    d = "M57.6,878.7212345 L58.1335,-1.25e-07 L1600.000001,0"
    svg = (
        b'<svg><g fill="none" stroke="#0072b2" transform="matrix(1,0,0,1,0,0)"\n'
        b'font-size="12"><path vector-effect="non-scaling-stroke" d="' + d.encode() + b'"/>'
        b'<text x="1.0000001" y="2">f</text></g></svg>'
    )
    out = flatten_strokes(svg).decode()
    assert "transform" not in out and "non-scaling-stroke" not in out
    assert f' d="{d}"' in out and '<text x="1.0000001" y="2">f</text>' in out
    assert 'stroke="#0072b2"' in out and 'font-size="12"' in out
