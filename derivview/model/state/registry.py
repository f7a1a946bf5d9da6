"""The parts of a session's state, in the order they are applied. Register new parts here.

Everything that saves, restores or sets a session loops over :data:`PARTS`: the session
file (each part is one object in it), the start-up options and ``derivview export`` (each
part's ``options``), the export's offscreen copy, and ``Session.__init__`` (a part's
``create`` makes its state object, ``session.state(key)``).

To add a lab's state: write a :class:`~derivview.model.state.part.SettingsPart` (or a
``StatePart``) in the lab's model module and add an instance at the end of ``PARTS``.
Keep the module light (no numpy/sympy at import): the window imports it before its
first paint.
"""

from __future__ import annotations

from derivview.model.descent.part import DescentPart
from derivview.model.labs.depth_part import DepthPart
from derivview.model.labs.numdiff_part import NumdiffPart
from derivview.model.labs.regression_part import RegressionPart
from derivview.model.labs.steps_part import StepsPart
from derivview.model.labs.xy_part import XyPart
from derivview.model.state.core import FunctionPart, ItemsPart, SecantPart, ViewPart
from derivview.model.state.part import StatePart
from derivview.model.state.workspace import WorkspacePart

PARTS: tuple[StatePart, ...] = (
    FunctionPart(),
    ViewPart(),
    ItemsPart(),
    SecantPart(),
    DescentPart(),
    StepsPart(),
    XyPart(),
    RegressionPart(),
    NumdiffPart(),
    DepthPart(),
    WorkspacePart(),  # last: the window switches once everything else is in place
)


def part(key: str) -> StatePart:
    """The registered part with this key (KeyError if none)."""
    for p in PARTS:
        if p.key == key:
            return p
    raise KeyError(key)
