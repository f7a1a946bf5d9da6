"""The computational graph drawn: nodes (operation, value, adjoint) and edges (local
partials), laid out from the inputs (left) to the output (right).

:class:`GraphView` (``graphView``) is a scroll area over one canvas that paints the whole
graph itself. What does not change while x₀ is dragged — edges, node boxes, operations,
the text as typed — is rendered once into a pixmap (per function, theme and zoom); each
frame then draws that pixmap and, over it, only the numbers: two per node, one per edge.
A drag therefore costs a blit and a few dozen ``drawText`` calls, and re-lays out
nothing (each node is a fixed width: a longer number is squeezed, never widens it). The
node whose adjoint was just computed is outlined, and the edges its adjoint flows
through are drawn in the adjoint's colour.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import QScrollArea, QWidget

from derivview.model.formatting import format_number

if TYPE_CHECKING:
    from derivview.model.expr.graph import Graph

__all__ = [
    "MIN_ZOOM",
    "OP_SYMBOLS",
    "READABLE",
    "GraphColors",
    "GraphView",
    "node_name",
    "number",
]

#: How each operation is written on its node.
OP_SYMBOLS = {
    "add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−( )",
    "sigmoid": "σ", "relu": "ReLU",
}  # fmt: skip
_COL_GAP = 60.0
_ROW_GAP = 14.0
_PAD = 6.0
_MARGIN = 14.0
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


@dataclass
class NodeBox:
    """One node as drawn: where (``rect``, picture coordinates), what it is, what it says."""

    id: int
    rect: QRectF
    label: str
    text: str
    tag: str
    leaf: bool
    value: str = "…"
    adjoint: str = ""

    def pos(self) -> QPointF:
        """Its top-left corner in the picture."""
        return self.rect.topLeft()


@dataclass
class EdgeLine:
    """An edge from input ``source`` to ``target`` (its input ``index``)."""

    source: int
    target: int
    index: int
    path: QPainterPath
    arrow: QPointF
    label_at: QPointF
    local: str = ""
    active: bool = False
    label_rect: QRectF = field(default_factory=QRectF)


def _number_text(
    p: QPainter, fm: QFontMetricsF, x: float, baseline: float, width: float, text: str
) -> None:
    """``text`` from ``x``, squeezed sideways if it is wider than ``width`` (a long number
    never widens its node: the picture does not move while x₀ is dragged)."""
    if len(text) <= 12:  # fits the width the node was made for (∂f = −0.000000)
        p.drawText(QPointF(x, baseline), text)
        return
    w = fm.horizontalAdvance(text)
    if w <= width:
        p.drawText(QPointF(x, baseline), text)
        return
    p.save()
    p.translate(x, baseline)
    p.scale(width / w, 1.0)
    p.drawText(QPointF(0, 0), text)
    p.restore()


class _Canvas(QWidget):
    """Paints the graph (see the module docstring); sized to the picture × zoom."""

    nodeClicked = Signal(int)

    def __init__(self, view: GraphView) -> None:
        super().__init__(view)
        self.view = view
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._pixmap: QPixmap | None = None

    def invalidate(self) -> None:
        """The static picture must be drawn again (structure, theme or zoom changed)."""
        self._pixmap = None
        self.update()

    def sizeHint(self) -> QSize:
        r = self.view.picture_rect
        z = self.view.zoom
        return QSize(int(r.width() * z) + 1, int(r.height() * z) + 1)

    def _static(self) -> QPixmap:
        """Everything but the numbers: drawn again only for a new structure, theme, zoom
        or step of the backward pass — never for a new x₀."""
        dpr = self.devicePixelRatioF()
        size = self.size()
        if self._pixmap is not None and self._pixmap.size() == size * dpr:
            return self._pixmap
        pm = QPixmap(size * dpr)
        pm.setDevicePixelRatio(dpr)
        v = self.view
        c = v.colors
        pm.fill(v.background)
        p = QPainter(pm)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.scale(v.zoom, v.zoom)
        p.translate(-v.picture_rect.topLeft())
        for e in v.edges:
            color = c.adjoint if e.active else c.muted
            p.setPen(QPen(color, 2.2 if e.active else 1.0))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(e.path)
            _arrow(p, e.arrow, color)
        for n in v.nodes.values():
            p.setPen(QPen(c.border, 1.0))
            p.setBrush(QBrush(c.leaf if n.leaf else c.node))
            p.drawRoundedRect(n.rect, 6, 6)
            x, y, w = n.rect.left(), n.rect.top() + _PAD, n.rect.width()
            if n.tag:
                p.setFont(v.fonts["edge"])
                p.setPen(c.muted)
                p.drawText(QPointF(x + 4, n.rect.top() + 2 + v.metrics["edge"].ascent()), n.tag)
            p.setFont(v.fonts["op"])
            p.setPen(c.text)
            fm = v.metrics["op"]
            p.drawText(QRectF(x, y, w, fm.height()), int(Qt.AlignmentFlag.AlignHCenter), n.label)
            if not n.leaf:
                p.setFont(v.fonts["small"])
                p.setPen(c.muted)
                small = v.metrics["small"]
                p.drawText(
                    QRectF(x + _PAD, y + fm.height(), w - 2 * _PAD, small.height()),
                    int(Qt.AlignmentFlag.AlignHCenter),
                    n.text,
                )
            if n.id == v.current:
                p.setPen(QPen(c.current, 2.5))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRoundedRect(n.rect, 6, 6)
        p.end()
        self._pixmap = pm
        return pm

    def paintEvent(self, event: QPaintEvent) -> None:
        v = self.view
        p = QPainter(self)
        p.drawPixmap(0, 0, self._static())
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.scale(v.zoom, v.zoom)
        p.translate(-v.picture_rect.topLeft())
        c = v.colors
        r = QRectF(event.rect())
        area = QRectF(
            r.left() / v.zoom + v.picture_rect.left(),
            r.top() / v.zoom + v.picture_rect.top(),
            r.width() / v.zoom,
            r.height() / v.zoom,
        )
        small = v.metrics["small"]
        ascent = small.ascent()
        line = small.height()
        op_h = v.metrics["op"].height()
        p.setFont(v.fonts["small"])
        for n in v.nodes.values():
            if not n.rect.intersects(area):
                continue
            x, w = n.rect.left() + _PAD, n.rect.width() - 2 * _PAD
            y = n.rect.top() + _PAD + op_h + (0 if n.leaf else line)
            p.setPen(c.value)
            _number_text(p, small, x, y + ascent, w, f"= {n.value}")
            p.setPen(c.adjoint if n.adjoint else c.muted)
            text = f"∂f = {n.adjoint}" if n.adjoint else "∂f = ?"
            _number_text(p, small, x, y + line + ascent, w, text)
        fm = v.metrics["edge"]
        p.setFont(v.fonts["edge"])
        plate = QColor(c.node)
        plate.setAlpha(230)
        ascent, height = fm.ascent(), fm.height()
        for e in v.edges:
            if not e.local or not e.label_rect.intersects(area):
                continue
            w = fm.horizontalAdvance(e.local) + 6
            left = e.label_at.x() - w / 2
            top = e.label_at.y() - height / 2
            p.fillRect(QRectF(left, top, w, height), plate)
            p.setPen(c.adjoint if e.active else c.muted)
            p.drawText(QPointF(left + 3, top + ascent), e.local)
        p.end()

    def mousePressEvent(self, event: Any) -> None:
        v = self.view
        at = event.position()
        point = QPointF(at.x() / v.zoom, at.y() / v.zoom) + v.picture_rect.topLeft()
        for n in v.nodes.values():
            if n.rect.contains(point):
                self.nodeClicked.emit(n.id)
                break
        super().mousePressEvent(event)


def _arrow(p: QPainter, tip: QPointF, color: QColor) -> None:
    head = QPainterPath(tip)
    head.lineTo(tip + QPointF(-7, -3.5))
    head.lineTo(tip + QPointF(-7, 3.5))
    head.closeSubpath()
    p.fillPath(head, QBrush(color))


class GraphView(QScrollArea):
    """The graph of f (see the module docstring). Keys: → or Space the next node of the
    backward pass, ← back, End all of it, Home back to the forward pass; Ctrl+wheel zooms.

    ``nodes`` (by id) and ``edges`` are what is drawn, with the numbers they show.

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
        self.setAccessibleName("Computational graph of f")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWidgetResizable(False)
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
        self.background = QColor("#F7F7F7")
        self.nodes: dict[int, NodeBox] = {}
        self.edges: list[EdgeLine] = []
        self.current: int | None = None
        self.picture_rect = QRectF()
        self.zoom = 1.0
        self._zoom: float | None = None  # None: fit (readable at least READABLE)
        self.canvas = _Canvas(self)
        self.canvas.nodeClicked.connect(self.nodeClicked)
        self.setWidget(self.canvas)

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
        return (
            max(m["op"].horizontalAdvance(label), m["small"].horizontalAdvance(shown), numbers)
            + 2 * _PAD
        )

    def set_structure(self, g: Graph, places: dict[int, tuple[int, int]]) -> None:
        """Lay out graph ``g`` placed at (column, row); no numbers yet."""
        self.nodes, self.edges, self.current = {}, [], None
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
                leaf = spec.op in ("x", "y", "const", "param")
                label = OP_SYMBOLS.get(spec.op, spec.op if not leaf else spec.text)
                text = spec.text if len(spec.text) <= _MAX_TEXT else spec.text[:15] + "…"
                rect = QRectF(col_x[col] + (col_w[col] - widths[n]) / 2, y, widths[n], h)
                tag = "" if leaf else node_name(spec.op, spec.text, n)
                self.nodes[n] = NodeBox(n, rect, label, text, tag, leaf)
                y += h + _ROW_GAP
        for spec in g.nodes:
            for k, i in enumerate(spec.inputs):
                span = places[spec.id][0] - places[i][0]
                self.edges.append(
                    self._edge(self.nodes[i], self.nodes[spec.id], k, len(spec.inputs), span)
                )
        rect = QRectF()
        for n in self.nodes.values():
            rect = rect.united(n.rect)
        for e in self.edges:
            rect = rect.united(e.path.boundingRect()).united(e.label_rect)
        self.picture_rect = rect.adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN)
        self.refit()

    def _edge(
        self, source: NodeBox, target: NodeBox, k: int, n: int, span: int
    ) -> EdgeLine:
        s, t = source.rect, target.rect
        spread = (k - (n - 1) / 2) * min(12.0, t.height() / max(n, 1))
        a = QPointF(s.right(), s.center().y())
        b = QPointF(t.left(), t.center().y() + spread)
        dx = b.x() - a.x()
        path = QPainterPath(a)
        if span > 1:
            # An edge past a column arcs over (or under) the nodes between, its label
            # clear of them: its middle, where the label sits, is at ``peak``.
            peak = self._clearance(a, b, up=k % 2 == 0, lift=max(s.height(), t.height()) * 0.56)
            c = (8 * peak - a.y() - b.y()) / 6  # both control points at c: B(½).y = peak
            path.cubicTo(QPointF(a.x() + dx * 0.3, c), QPointF(b.x() - dx * 0.3, c), b)
        else:
            mid = (a.x() + b.x()) / 2
            path.cubicTo(QPointF(mid, a.y()), QPointF(mid, b.y()), b)
        at = path.pointAtPercent(0.5 if span > 1 else 0.45)
        fm = self.metrics["edge"]
        w = fm.horizontalAdvance("−0.000000e−00") + 6
        label_rect = QRectF(at.x() - w / 2, at.y() - fm.height() / 2, w, fm.height())
        return EdgeLine(source.id, target.id, k, path, b, at, label_rect=label_rect)

    def _clearance(self, a: QPointF, b: QPointF, up: bool, lift: float) -> float:
        """The height of an arc's middle from ``a`` to ``b``: ``lift`` past the chord, and
        further while a node between the two (in x) is in the way of its label."""
        half = self.metrics["edge"].height() / 2 + 8
        between = [
            n.rect for n in self.nodes.values() if a.x() < n.rect.center().x() < b.x()
        ]
        peak = min(a.y(), b.y()) - lift if up else max(a.y(), b.y()) + lift
        moved = True
        while moved:  # climb over stacked nodes one by one (each step moves past one)
            moved = False
            for r in between:
                if up and r.top() - half < peak < r.bottom() + half:
                    peak, moved = r.top() - half, True
                elif not up and r.top() - half < peak < r.bottom() + half:
                    peak, moved = r.bottom() + half, True
        return peak

    def clear_graph(self) -> None:
        """Show nothing."""
        self.nodes, self.edges, self.current = {}, [], None
        self.picture_rect = QRectF()
        self.refit()

    # -- numbers -------------------------------------------------------------------------

    def set_numbers(self, g: Graph, shown: set[int], current: int | None) -> None:
        """Values of every node; adjoints of the nodes in ``shown``; ``current`` outlined
        with the edges its adjoint came through. Repaints; re-lays out nothing."""
        for n in g.nodes:
            box = self.nodes.get(n.id)
            if box is not None:
                box.value = "too large" if n.too_large else number(n.value)
                box.adjoint = number(n.adjoint) if n.id in shown else ""
        walk_changed = current != self.current
        for e in self.edges:
            user = g.nodes[e.target]
            local = user.local[e.index] if e.index < len(user.local) else None
            e.local = number(local)
            active = current is not None and e.source == current and e.target in shown
            walk_changed = walk_changed or active != e.active
            e.active = active
        self.current = current
        if walk_changed:
            self.canvas.invalidate()  # the outline and the edges in colour moved
        else:
            self.canvas.update()

    def set_colors(self, colors: GraphColors, background: QColor) -> None:
        """The theme's colours."""
        self.colors = colors
        self.background = background
        # the margin around a graph smaller than the view: the picture's own background,
        # so that no second rectangle shows behind the graph
        viewport = self.viewport()
        pal = viewport.palette()
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            pal.setColor(role, background)
        viewport.setPalette(pal)
        viewport.setAutoFillBackground(True)
        self.canvas.invalidate()

    # -- zoom and scrolling ----------------------------------------------------------------

    def fit_scale(self) -> float:
        """The scale at which the whole graph fits the view (at most 1)."""
        rect = self.picture_rect
        view = self.viewport().rect()
        if rect.isEmpty() or view.isEmpty():
            return 1.0
        return min(1.0, view.width() / rect.width(), view.height() / rect.height())

    def refit(self) -> None:
        """The whole graph if it fits at a readable size; else readable, scrolling to
        follow the node being computed (``zoom_to_fit`` shows everything)."""
        zoom = self._zoom if self._zoom is not None else max(READABLE, self.fit_scale())
        self.zoom = zoom
        self.canvas.resize(self.canvas.sizeHint())
        self.canvas.invalidate()

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
        box = self.nodes.get(node) if node is not None else None
        if box is not None:
            c = box.rect.center() - self.picture_rect.topLeft()
            self.ensureVisible(
                round(c.x() * self.zoom), round(c.y() * self.zoom),
                round(box.rect.width() * self.zoom / 2) + 24,
                round(box.rect.height() * self.zoom / 2) + 24,
            )  # fmt: skip

    def node_rect_in_view(self, node: int) -> QRect:
        """Where node ``node`` is in the viewport's coordinates (tests, tooltips)."""
        box = self.nodes[node]
        r = QRectF(
            (box.rect.left() - self.picture_rect.left()) * self.zoom,
            (box.rect.top() - self.picture_rect.top()) * self.zoom,
            box.rect.width() * self.zoom,
            box.rect.height() * self.zoom,
        )
        return r.toRect().translated(self.canvas.pos())

    # -- Qt --------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._zoom is None:
            zoom = max(READABLE, self.fit_scale())
            if abs(zoom - self.zoom) > 1e-9:
                self.refit()

    def wheelEvent(self, event: Any) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
            self._zoom = min(2.0, max(MIN_ZOOM, self.zoom * step))
            self.refit()
            event.accept()
            return
        super().wheelEvent(event)

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
