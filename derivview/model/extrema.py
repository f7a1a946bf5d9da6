"""What kind of critical point: local minimum, local maximum, or neither. Qt-free.

The first-derivative test: f′ changes sign from − to + at a local minimum, from + to − at
a local maximum, and keeps its sign at a stationary inflection (x³ at 0). It needs no f″,
so it also answers where f″ is 0 (x⁴ at 0) or undefined.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

#: Offsets (relative to max(1, |x|)) at which f′ is read on each side of the point.
_OFFSETS = (1e-6, 1e-5, 1e-4, 1e-3)

KINDS = ("local minimum", "local maximum", "neither")  # neither: f′ keeps its sign


def classify_critical(df: Callable[[np.ndarray], np.ndarray], x: float) -> str:
    """``"local minimum"``, ``"local maximum"`` or ``"neither"`` for a critical point ``x``.

    ``df`` is f′, vectorized (NaN where undefined). The first offset where both sides are
    clearly non-zero decides; where f′ is undefined or 0 on every offset, ``"neither"``
    (a flat stretch is no strict extremum).
    """
    scale = max(1.0, abs(x))
    for d in _OFFSETS:
        h = d * scale
        with np.errstate(all="ignore"):
            left, right = (float(v) for v in df(np.array([x - h, x + h], dtype=float)))
        if not (math.isfinite(left) and math.isfinite(right)) or left == 0 or right == 0:
            continue
        if left < 0 < right:
            return "local minimum"
        if left > 0 > right:
            return "local maximum"
        return "neither"
    return "neither"
