"""A layer of the main plot: one thing drawn on it, with its own menu actions and clicks.

The plot panel (:class:`~derivview.ui.plot_panel.PlotPanel`) owns the view (ranges,
pan and zoom, the legend, the context menu) and dispatches to its layers; a layer owns
its pyqtgraph items and draws them from the session. Layers never call each other or
reach into the panel's internals: they use the panel's public methods (``add_item``,
``view_x``, ``view_y``, ``pixel_size``, ``map_to_scene``, ``listen``) and the hooks below.

Hooks (each optional; the panel calls them in layer order, top layer first for input):

- ``set_style(style)``: the theme's colours (light or dark) changed;
- ``on_resample()``: the view's x range, f or a parameter changed: sample again;
- ``on_view_moved()``: the visible range moved (every frame of a pan: keep it cheap);
- ``legend_entries()``: (item, label, item name to toggle) for the legend — only what is
  drawn now; call ``plot.refresh_legend()`` when that changes;
- ``handle_at(scene_pos)``: a drag handle under the mouse: a ``drag(x, phase)`` callable;
- ``click(scene_pos)``: a left click meant for this layer (True: taken);
- ``press(view_pos, modifiers)``: a press this layer takes at once, with its whole
  gesture (Ctrl+click); True: taken, the plot does not pan or move the point;
- ``key(event)``: a key press on the plot (True: taken);
- ``context_actions(view_pos)``: actions for the plot's right-click menu at that point.

To add a layer: subclass :class:`PlotLayer` in ``derivview/ui/layers/`` (or in the lab's
UI package), create its items in ``__init__`` with ``plot.add_item``, subscribe to the
session with ``plot.listen([...])``, and add the class to the plot's layer list
(:data:`derivview.ui.layers.FX_LAYERS` for the f(x) plot).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QAction, QKeyEvent

if TYPE_CHECKING:
    from derivview.ui.plot_panel import PlotPanel
    from derivview.ui.plot_style import PlotStyle

#: ``drag(x, phase)``: the data x under the mouse, phase "start", "move" or "finish".
Drag = Callable[[float, str], None]
#: A legend row: the item (its sample), the label, and the session item a click toggles.
LegendEntry = tuple[Any, str, str]


class PlotLayer:
    """Base of the plot's layers; see the module docstring for the hooks."""

    #: Unique within a plot: ``plot.layer(name)`` finds the layer.
    name: ClassVar[str] = ""

    def __init__(self, plot: PlotPanel) -> None:
        self.plot = plot
        self.session = plot.session

    def set_style(self, style: PlotStyle) -> None:
        """Take the theme's colours."""

    def on_resample(self) -> None:
        """Sample and draw again for the current view, f and parameters."""

    def on_view_moved(self) -> None:
        """The visible range moved (called every frame of a pan or zoom)."""

    def legend_entries(self) -> list[LegendEntry]:
        """Rows this layer puts in the legend, in order."""
        return []

    def handle_at(self, scene_pos: QPointF) -> Drag | None:
        """A drag handle within grabbing distance of ``scene_pos``, or None."""
        return None

    def click(self, scene_pos: QPointF) -> bool:
        """A left click at ``scene_pos``; True if this layer took it."""
        return False

    def press(self, view_pos: QPointF, modifiers: Qt.KeyboardModifier) -> bool:
        """A left press at ``view_pos`` (data coordinates); True takes the whole gesture."""
        return False

    def key(self, event: QKeyEvent) -> bool:
        """A key press on the plot; True if this layer took it."""
        return False

    def context_actions(self, view_pos: QPointF) -> list[QAction]:
        """Actions for the right-click menu at ``view_pos`` (data coordinates)."""
        return []
