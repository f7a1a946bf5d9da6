"""The computational graph drawn: nodes (operation, value, adjoint) and edges (local
partials), laid out from the inputs (left) to the output (right).

:class:`GraphView` (``graphView``) builds its items once per function
(:meth:`GraphView.set_structure`, placement by :func:`derivview.model.labs.backprop.layers`)
and afterwards only changes their numbers (:meth:`GraphView.set_numbers`): dragging x₀
re-lays out nothing. Each node is a box a fixed width wide, so a longer number never moves
anything; the node whose adjoint was just computed is outlined, and the edges its adjoint
flows through are drawn in the adjoint's colour.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from derivview.model.formatting import format_number

if TYPE_CHECKING:
    from derivview.model.expr.graph import Graph

__all__ = ["OP_SYMBOLS", "GraphColors", "GraphView", "node_name", "number"]

#: How each operation is written on its node.
OP_SYMBOLS = {
    "add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−( )",
    "sigmoid": "σ", "relu": "ReLU",
}  # fmt: skip
_COL_GAP = 60.0
_ROW_GAP = 14.0
_PAD = 6.0
_MAX_TEXT = 16
READABLE = 0.8
"""The smallest scale the graph is drawn at unless a person zooms out."""
MIN_ZOOM = 0.2


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def node_name(op: str, text: str, node_id: int) -> str:
    """What a node is called in sums: x, a parameter's name, a constant's digits, or
    vₖ for an operation (v₀ is f itself)."""
    if op in ("x", "y", "param", "const"):
        return text
    return "v" + str(node_id).translate(_SUBSCRIPTS)


def number(value: float | None) -> str:
    """A node's number: 6 significant digits, "undefined" for None."""
    return format_number(value, 6)


@dataclass(frozen=True)
class GraphColors:
    """What the graph is drawn with (one theme)."""

    text: QColor
    muted: QColor
    node: QColor
    border: QColor
    leaf: QColor
    value: QColor
    adjoint: QColor
    current: QColor


def _fitted_text(p: QPainter, fm: QFontMetricsF, rect: QRectF, text: str) -> None:
    """``text`` centred in ``rect``, squeezed sideways if it is wider (a long number never
    widens its node: the picture does not move while x₀ is dragged)."""
    width = fm.horizontalAdvance(text)
    if width <= rect.width():
        p.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter), text)
        return
    p.save()
    p.translate(rect.left(), rect.top())
    p.scale(rect.width() / width, 1.0)
    p.drawText(QRectF(0, 0, width, rect.height()), int(Qt.AlignmentFlag.AlignLeft), text)
    p.restore()


class NodeItem(QGraphicsItem):
    """One node: its operation, its text as typed, its value and its adjoint."""

    def __init__(self, view: GraphView, node_id: int, op: str, text: str, width: float) -> None:
        super().__init__()
        self.view = view
        self.node_id = node_id
        self.op = op
        self.label = OP_SYMBOLS.get(op, op if op not in ("const", "param") else text)
        self.text = text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
        self.leaf = op in ("x", "y", "const", "param")
        self.tag = "" if self.leaf else node_name(op, text, node_id)
        self.value = "…"
        self.adjoint = ""
        self.current = False
        self.size = (width, view.node_height(self.leaf))
        self.setAcceptHoverEvents(False)

    def boundingRect(self) -> QRectF:
        return QRectF(-1.5, -1.5, self.size[0] + 3, self.size[1] + 3)

    def set_numbers(self, value: str, adjoint: str, current: bool) -> None:
        if (value, adjoint, current) != (self.value, self.adjoint, self.current):
            self.value, self.adjoint, self.current = value, adjoint, current
            self.update()

    def paint(self, p: QPainter, *args: Any) -> None:
        c, f = self.view.colors, self.view.fonts
        w, h = self.size
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = c.current if self.current else c.border
        p.setPen(QPen(border, 2.5 if self.current else 1.0))
        p.setBrush(QBrush(c.leaf if self.leaf else c.node))
        p.drawRoundedRect(QRectF(0, 0, w, h), 6, 6)
        y = _PAD
        if self.tag:
            p.setFont(f["edge"])
            p.setPen(c.muted)
            p.drawText(QPointF(4, 2 + self.view.metrics["edge"].ascent()), self.tag)
        p.setFont(f["op"])
        p.setPen(c.text)
        fm = self.view.metrics["op"]
        p.drawText(QRectF(0, y, w, fm.height()), int(Qt.AlignmentFlag.AlignHCenter), self.label)
        y += fm.height()
        small = self.view.metrics["small"]
        p.setFont(f["small"])
        if not self.leaf:
            p.setPen(c.muted)
            p.drawText(
                QRectF(_PAD, y, w - 2 * _PAD, small.height()),
                int(Qt.AlignmentFlag.AlignHCenter),
                self.text,
            )
            y += small.height()
        p.setPen(c.value)
        _fitted_text(p, small, QRectF(_PAD, y, w - 2 * _PAD, small.height()), f"= {self.value}")
        y += small.height()
        p.setPen(c.adjoint if self.adjoint else c.muted)
        adjoint = f"∂f = {self.adjoint}" if self.adjoint else "∂f = ?"
        _fitted_text(p, small, QRectF(_PAD, y, w - 2 * _PAD, small.height()), adjoint)


class EdgeItem(QGraphicsItem):
    """An edge from an input to the node that uses it (its label is an
    :class:`EdgeLabel`, drawn above the nodes)."""

    def __init__(
        self, view: GraphView, source: NodeItem, target: NodeItem, k: int, n: int, span: int
    ) -> None:
        super().__init__()
        self.view = view
        self.source, self.target = source, target
        self.index = k
        self.active = False
        sw, sh = source.size
        th = target.size[1]
        spread = (k - (n - 1) / 2) * min(12.0, th / max(n, 1))
        a = source.pos() + QPointF(sw, sh / 2)
        b = target.pos() + QPointF(0, th / 2 + spread)
        dx = b.x() - a.x()
        self.path = QPainterPath(a)
        if span > 1:
            # An edge past a column arcs over the nodes between (they may be in its row).
            lift = -(max(sh, th) * 0.75 + 8) * (1 if k % 2 == 0 else -1)
            self.path.cubicTo(
                QPointF(a.x() + dx * 0.3, a.y() + lift), QPointF(b.x() - dx * 0.3, b.y() + lift), b
            )
        else:
            mid = (a.x() + b.x()) / 2
            self.path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b)
        self.arrow = b
        self.setZValue(-1)
        self.label = EdgeLabel(self, self.path.pointAtPercent(0.5 if span > 1 else 0.45))

    def boundingRect(self) -> QRectF:
        return self.path.boundingRect().adjusted(-9, -9, 9, 9)

    def set_numbers(self, local: str, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.update()
        self.label.set_numbers(local, active)

    def paint(self, p: QPainter, *args: Any) -> None:
        c = self.view.colors
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = c.adjoint if self.active else c.muted
        p.setPen(QPen(color, 2.2 if self.active else 1.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self.path)
        tip = self.arrow
        p.setBrush(QBrush(color))
        head = QPainterPath(tip)
        head.lineTo(tip + QPointF(-7, -3.5))
        head.lineTo(tip + QPointF(-7, 3.5))
        head.closeSubpath()
        p.drawPath(head)


class EdgeLabel(QGraphicsItem):
    """An edge's local partial ∂node/∂input, on a small plate above everything."""

    def __init__(self, edge: EdgeItem, at: QPointF) -> None:
        super().__init__()
        self.edge = edge
        self.text = ""
        self.active = False
        fm = edge.view.metrics["edge"]
        self.w = fm.horizontalAdvance("−0.000000e−00") + 6
        self.h = fm.height()
        self.setPos(at)
        self.setZValue(2)

    def boundingRect(self) -> QRectF:
        return QRectF(-self.w / 2, -self.h / 2, self.w, self.h)

    def set_numbers(self, text: str, active: bool) -> None:
        if (text, active) != (self.text, self.active):
            self.text, self.active = text, active
            self.update()

    def paint(self, p: QPainter, *args: Any) -> None:
        if not self.text:
            return
        view = self.edge.view
        c = view.colors
        fm = view.metrics["edge"]
        w = fm.horizontalAdvance(self.text) + 6
        box = QRectF(-w / 2, -self.h / 2, w, self.h)
        bg = QColor(c.node)
        bg.setAlpha(230)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(bg)
        p.drawRoundedRect(box, 3, 3)
        p.setFont(view.fonts["edge"])
        p.setPen(c.adjoint if self.active else c.muted)
        p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), self.text)


class GraphView(QGraphicsView):
    """The graph of f (see the module docstring). Keys: → or Space the next node of the
    backward pass, ← back, End all of it, Home back to the forward pass.

    Signals
    -------
    keyStep(str)
        "step", "back", "all" or "reset" from a key.
    nodeClicked(int)
        A node was clicked (its id).
    """

    keyStep = Signal(str)
    nodeClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphView")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        base = QFont(self.font())
        op = QFont(base)
        op.setBold(True)
        small = QFont(base)
        small.setPointSizeF(max(6.0, base.pointSizeF() * 0.85))
        edge = QFont(base)
        edge.setPointSizeF(max(6.0, base.pointSizeF() * 0.78))
        self.fonts = {"op": op, "small": small, "edge": edge}
        self.metrics = {k: QFontMetricsF(v) for k, v in self.fonts.items()}
        self.colors = GraphColors(*(QColor(c) for c in (
            "#303030", "#707070", "#FFFFFF", "#909090", "#F2F2F2", "#0072B2", "#D55E00",
            "#CC79A7")))  # fmt: skip
        self.nodes: dict[int, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._zoom: float | None = None  # None: fit (readable at least READABLE)

    # -- building ------------------------------------------------------------------------

    def node_height(self, leaf: bool) -> float:
        m = self.metrics
        lines = m["op"].height() + m["small"].height() * (2 if leaf else 3)
        return lines + 2 * _PAD

    def node_width(self, op: str, text: str) -> float:
        m = self.metrics
        label = OP_SYMBOLS.get(op, op if op not in ("const", "param") else text)
        shown = text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
        numbers = m["small"].horizontalAdvance("∂f = −0.000000")
        return max(
            m["op"].horizontalAdvance(label),
            m["small"].horizontalAdvance(shown),
            numbers,
        ) + 2 * _PAD

    def set_structure(self, g: Graph, places: dict[int, tuple[int, int]]) -> None:
        """Build the items for graph ``g`` placed at (column, row)."""
        scene = self.scene()
        scene.clear()
        self.nodes, self.edges = {}, []
        columns: dict[int, list[int]] = {}
        for node, (col, _row) in places.items():
            columns.setdefault(col, []).append(node)
        widths = {n.id: self.node_width(n.op, n.text) for n in g.nodes}
        x = 0.0
        tallest = 0.0
        col_x: dict[int, float] = {}
        col_w: dict[int, float] = {}
        for col in sorted(columns):
            col_x[col] = x
            col_w[col] = max(widths[n] for n in columns[col])
            x += col_w[col] + _COL_GAP
            height = sum(self.node_height(not g.nodes[n].inputs) + _ROW_GAP for n in columns[col])
            tallest = max(tallest, height)
        for col, members in columns.items():
            members.sort(key=lambda n: places[n][1])
            heights = [self.node_height(not g.nodes[n].inputs) for n in members]
            y = (tallest - (sum(heights) + _ROW_GAP * len(members))) / 2
            for n, h in zip(members, heights, strict=True):
                spec = g.nodes[n]
                item = NodeItem(self, n, spec.op, spec.text, widths[n])
                item.setPos(col_x[col] + (col_w[col] - widths[n]) / 2, y)
                scene.addItem(item)
                self.nodes[n] = item
                y += h + _ROW_GAP
        for spec in g.nodes:
            for k, i in enumerate(spec.inputs):
                span = places[spec.id][0] - places[i][0]
                edge = EdgeItem(
                    self, self.nodes[i], self.nodes[spec.id], k, len(spec.inputs), span
                )
                scene.addItem(edge)
                scene.addItem(edge.label)
                self.edges.append(edge)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-12, -12, 12, 12))
        self.refit()

    def clear_graph(self) -> None:
        """Show nothing."""
        self.scene().clear()
        self.nodes, self.edges = {}, []

    # -- numbers -------------------------------------------------------------------------

    def set_numbers(
        self,
        g: Graph,
        shown: set[int],
        current: int | None,
    ) -> None:
        """Values of every node; adjoints of the nodes in ``shown``; ``current`` outlined
        with the edges its adjoint came through."""
        for n in g.nodes:
            item = self.nodes.get(n.id)
            if item is not None:
                adjoint = number(n.adjoint) if n.id in shown else ""
                item.set_numbers(number(n.value), adjoint, n.id == current)
        for edge in self.edges:
            user = g.nodes[edge.target.node_id]
            local = user.local[edge.index] if edge.index < len(user.local) else None
            active = current is not None and edge.source.node_id == current and (
                edge.target.node_id in shown
            )
            edge.set_numbers(number(local), active)

    def set_colors(self, colors: GraphColors) -> None:
        """The theme's colours."""
        self.colors = colors
        self.setBackgroundBrush(QBrush(colors.node.darker(104)))
        self.viewport().update()

    # -- Qt --------------------------------------------------------------------------------

    def fit_scale(self) -> float:
        """The scale at which the whole graph fits the view (at most 1)."""
        rect = self.sceneRect()
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return 1.0
        return min(1.0, view.width() / rect.width(), view.height() / rect.height())

    def refit(self) -> None:
        """The whole graph if it fits at a readable size; else readable, following the
        node being computed (scroll or Ctrl+wheel to look around; ``zoom_to_fit``)."""
        scale = self._zoom if self._zoom is not None else max(READABLE, self.fit_scale())
        if abs(self.transform().m11() - scale) > 1e-9:
            self.resetTransform()
            self.scale(scale, scale)
        self.centerOn(self.sceneRect().center())

    def zoom_to_fit(self) -> None:
        """Show the whole graph, however small."""
        self._zoom = max(MIN_ZOOM, self.fit_scale())
        self.refit()

    def zoom_readable(self) -> None:
        """Back to the readable size (the default)."""
        self._zoom = None
        self.refit()

    def follow(self, node: int | None) -> None:
        """Keep ``node`` in view (the backward pass moves through the graph)."""
        item = self.nodes.get(node) if node is not None else None
        if item is not None:
            self.ensureVisible(item, 24, 24)

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            now = self.transform().m11()
            self._zoom = min(2.0, max(MIN_ZOOM, now * step))
            self.resetTransform()
            self.scale(self._zoom, self._zoom)
            event.accept()
            return
        super().wheelEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        keys = {
            Qt.Key.Key_Right: "step", Qt.Key.Key_Space: "step", Qt.Key.Key_Left: "back",
            Qt.Key.Key_Backspace: "back", Qt.Key.Key_End: "all", Qt.Key.Key_Home: "reset",
        }  # fmt: skip
        action = keys.get(Qt.Key(event.key()))
        if action is not None and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.keyStep.emit(action)
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        item = self.itemAt(event.position().toPoint())
        if isinstance(item, NodeItem):
            self.nodeClicked.emit(item.node_id)
        super().mousePressEvent(event)
