"""The layers of the f(x) plot, bottom to top. Register new layers here.

:data:`FX_LAYERS` is the f(x) plot's list; the window's plot and every export draw
exactly these. A lab that draws on the f(x) plot adds its layer class here.
"""

from __future__ import annotations

from derivview.ui.descent.layer import DescentLayer
from derivview.ui.labs.check_layer import CheckLayer
from derivview.ui.layers.base import PlotLayer
from derivview.ui.layers.concavity import ConcavityLayer
from derivview.ui.layers.curves import CurvesLayer
from derivview.ui.layers.grid import GridLayer
from derivview.ui.layers.markers import MarkersLayer
from derivview.ui.layers.secant import SecantLayer
from derivview.ui.layers.tangent import TangentLayer
from derivview.ui.steps.layer import StepLayer

FX_LAYERS: tuple[type[PlotLayer], ...] = (
    GridLayer,
    ConcavityLayer,
    StepLayer,
    CurvesLayer,
    TangentLayer,
    SecantLayer,
    MarkersLayer,
    DescentLayer,
    CheckLayer,
)
