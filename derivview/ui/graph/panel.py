"""The graph dock: f's computational graph at x₀, the forward pass and the backward pass.

Nodes read from the inputs (left) to the output (right) (:mod:`.scene`, ``graphView``),
each with its value at x₀; the edges carry the local partials ∂node/∂input. The backward
pass is walked node by node — Step (→), Back (←), All (End), Reset (Home) — or all at
once: each step computes one node's adjoint ∂f/∂node as the sum over the nodes that use
it, and ``graphExplain`` writes that sum out (for ``x`` used twice: the two paths of the
multivariable chain rule). When the walk is done, ``graphResult`` shows that the adjoint
of x is the readout's f′(x₀).

Dragging x₀ (or a parameter) changes the numbers and nothing else: the graph is built
once per function (only while the dock is shown), and each new point costs one forward
and backward pass of the tree (:func:`derivview.model.expr.graph.graph`, well under a
millisecond for typical f) and a repaint of the numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from derivview.ui.graph.scene import GraphColors, GraphView, node_name, number
from derivview.ui.shown import ShownWatcher
from derivview.ui.theme import follow_theme
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.expr.graph import Graph
    from derivview.model.labs.backprop import BackwardWalk
    from derivview.model.session import Session

__all__ = ["MAX_DRAWN_NODES", "GraphPanel"]

MAX_DRAWN_NODES = 150
"""Graphs with more nodes are not drawn (``derivview graph`` lists them all)."""


def _name(g: Graph, node: int) -> str:
    n = g.nodes[node]
    return node_name(n.op, n.text, n.id)


def _typed(g: Graph, node: int) -> str:
    text = g.nodes[node].text
    return text if len(text) <= 40 else text[:39] + "…"


class GraphPanel(QWidget):
    """The computational graph (see the module docstring).

    ``graph`` is the graph shown (None without a function), ``walk`` the backward pass's
    progress.
    """

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("graphPanel")
        self.session = session
        self.graph: Graph | None = None
        self.walk: BackwardWalk | None = None
        self._built_for: str | None = None
        self._dirty = True
        self._focus_node: int | None = None
        self._builder: Any = None  # the graph's structure for the function shown
        self._users: dict[int, list[tuple[int, int]]] = {}

        self.view = GraphView(self)
        self.view.setToolTip(
            "f's computational graph at x₀: each node's value (=) and, in the backward "
            "pass, its adjoint ∂f/∂node (∂f); edges carry the local partials.\n"
            "→ or Space: next node · ←: back · End: all · Home: forward pass only"
        )
        self.back_button = self._button("graphBack", "◀", "One node back (←)")
        self.step_button = self._button(
            "graphStep", "Step ▶", "Compute the next adjoint of the backward pass (→ or Space)"
        )
        self.all_button = self._button("graphAll", "All", "The whole backward pass at once (End)")
        self.reset_button = self._button(
            "graphReset", "Reset", "Back to the forward pass: values only (Home)"
        )
        self.fit_button = self._button(
            "graphFit", "Fit", "Show the whole graph, however small (Ctrl+wheel zooms)"
        )
        self.fit_button.setCheckable(True)
        self.explain = _Words("graphExplain", 3, self)
        self.explain.setToolTip("What the last step of the backward pass computed")
        self.result = _Words("graphResult", 2, self)
        self.result.setToolTip("The adjoint of x is f′(x₀): the number in the readout")

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for b in (self.back_button, self.step_button, self.all_button, self.reset_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.fit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.explain)
        layout.addWidget(self.result)

        self.back_button.clicked.connect(lambda: self.act("back"))
        self.step_button.clicked.connect(lambda: self.act("step"))
        self.all_button.clicked.connect(lambda: self.act("all"))
        self.reset_button.clicked.connect(lambda: self.act("reset"))
        self.fit_button.toggled.connect(
            lambda on: self.view.zoom_to_fit() if on else self.view.zoom_readable()
        )
        self.view.keyStep.connect(self.act)
        self.view.nodeClicked.connect(self._on_node_clicked)
        s = session
        connect_while_alive(
            self,
            [
                (s.function_changed, self._on_function_changed),
                (s.error_changed, self._on_function_changed),
                (s.point_changed, self._on_point_changed),
            ],
        )
        follow_theme(self, self._on_theme)
        self.watcher = ShownWatcher(self)
        self.watcher.changed.connect(self._on_shown)
        self._show_nothing()

    def _button(self, name: str, text: str, tip: str) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        # as narrow as its words: five of them fit the narrowest dock column
        b.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        b.setMinimumWidth(b.fontMetrics().horizontalAdvance(text) + 18)
        return b

    # -- public -------------------------------------------------------------------------

    def act(self, action: str) -> None:
        """"step", "back", "all" or "reset" the backward pass."""
        walk = self.walk
        if walk is None:
            return
        {"step": walk.step, "back": walk.back, "all": walk.finish, "reset": walk.reset}[action]()
        self._focus_node = None
        self._show_numbers()
        if action in ("step", "back"):
            self.view.follow(walk.current())

    def refresh(self) -> None:
        """Build the graph for the session's function (if new) and show its numbers."""
        f = self.session.function
        if f is None:
            self._show_nothing()
            return
        from derivview.model.expr.graph import GraphBuilder
        from derivview.model.labs.backprop import BackwardWalk, backward_order, layers, users_of

        params = self.session.param_values()
        if self._built_for != f.expression.text:
            self._builder = GraphBuilder(f.expression)
            g = self._builder.at(self.session.x0, params)
            self._users = users_of(g)
            self.graph = g
            self.walk = BackwardWalk(backward_order(g))
            self._built_for = f.expression.text
            self._focus_node = None
            if len(g.nodes) > MAX_DRAWN_NODES:
                self.view.clear_graph()
                self.view.setToolTip(
                    f"f has {len(g.nodes)} operations: too many to draw (at most "
                    f"{MAX_DRAWN_NODES}); `derivview graph` lists them all"
                )
            else:
                self.view.set_structure(g, layers(g))
        else:
            self.graph = self._builder.at(self.session.x0, params)
        self._dirty = False
        self._show_numbers()

    def explanation(self) -> str:
        """What the explanation says, as plain text."""
        return self.explain.text()

    def result_text(self) -> str:
        """What the result line says, as plain text."""
        return self.result.text()

    def is_shown(self) -> bool:
        """Whether a person can see the dock (not closed, not behind another tab)."""
        return self.watcher.shown

    def _on_shown(self, shown: bool) -> None:
        if shown and self._dirty:
            self.refresh()

    # -- session → view ----------------------------------------------------------------

    def _on_function_changed(self, *_: object) -> None:
        f = self.session.function
        if f is None:
            self._show_nothing()
            return
        if f.expression.text != self._built_for:
            self._dirty = True
            if self.is_shown():
                self.refresh()

    def _on_point_changed(self) -> None:
        # x₀ or a parameter moved: new numbers, same picture (only while shown)
        if not self.is_shown():
            self._dirty = True
            return
        f = self.session.function
        if f is None or self._built_for != f.expression.text or self._builder is None:
            self.refresh()
            return
        self.graph = self._builder.at(self.session.x0, self.session.param_values())
        self._show_numbers()

    def _on_theme(self, dark: bool) -> None:
        from derivview.ui.plot_style import plot_style

        style = plot_style(dark)
        pal = QApplication.palette()  # already the new theme's (this widget's follows later)
        text = pal.color(QPalette.ColorRole.Text)
        muted = QColor(text)
        muted.setAlphaF(0.6)
        base = pal.color(QPalette.ColorRole.Base)
        leaf = pal.color(QPalette.ColorRole.AlternateBase)
        self.view.set_colors(
            GraphColors(
                text=text,
                muted=muted,
                node=base,
                border=pal.color(QPalette.ColorRole.Mid if not dark else QPalette.ColorRole.Light),
                leaf=leaf,
                value=QColor(style.f),
                adjoint=QColor(style.df),
                current=QColor(style.tangent),
            ),
            base.darker(104) if not dark else base.lighter(115),
        )

    def _on_node_clicked(self, node: int) -> None:
        self._focus_node = node
        self._show_words()

    # -- showing -----------------------------------------------------------------------

    def _show_nothing(self) -> None:
        self.graph = None
        self.walk = None
        self._built_for = None
        self._builder = None
        self.view.clear_graph()
        words = (
            "No function yet: correct the expression above."
            if self.session.error is not None
            else "Computing f…"
        )
        self.explain.setText(words)
        self.result.setText("")
        for b in (self.back_button, self.step_button, self.all_button, self.reset_button):
            b.setEnabled(False)

    def _show_numbers(self) -> None:
        g, walk = self.graph, self.walk
        if g is None or walk is None:
            return
        shown = set(walk.order[: walk.position])
        self.view.set_numbers(g, shown, walk.current())
        self.back_button.setEnabled(walk.started)
        self.reset_button.setEnabled(walk.started)
        self.step_button.setEnabled(not walk.done)
        self.all_button.setEnabled(not walk.done)
        self._show_words()

    def _show_words(self) -> None:
        g, walk = self.graph, self.walk
        if g is None or walk is None:
            return
        x0 = number(self.session.x0)
        node = self._focus_node if self._focus_node is not None else walk.current()
        if node is None:
            text = (
                f"**Forward pass**: every node's value at x₀ = {x0}.\n"
                "Step (→): the backward pass, from the output (∂f/∂f = 1)\n"
                "to the inputs, one adjoint ∂f/∂node at a time."
            )
        elif not walk.shown(node):
            text = (
                f"**{_name(g, node)}** = {_typed(g, node)} = {number(g.nodes[node].value)}\n"
                "its adjoint comes later in the backward pass"
            )
        else:
            text = self._sum_words(g, node)
        self._set(self.explain, text)
        if walk.done:
            df = g.df
            readout = self.session.point
            agrees = ""
            if readout is not None and readout.df is not None and df is not None:
                agrees = f" = f′(x₀) = {number(readout.df)} in the readout ✓"
            if df is None and (why := self._stuck_words(g)):
                self._set(self.result, f"**∂f/∂x = {number(df)}**: {why}")
                return
            self._set(self.result, f"**∂f/∂x = {number(df)}**{agrees}" + self._param_words(g))
        else:
            left = len(walk.order) - walk.position
            self._set(self.result, f"{left} adjoint{'s' if left != 1 else ''} to go")

    def _stuck_words(self, g: Graph) -> str:
        """Why the backward pass stops short of x, and what the readout says f′ is there
        (relu(x)² at 0: relu has no local derivative, yet f′(0) = 0)."""
        from derivview.model.labs.backprop import stuck_at

        stuck = stuck_at(g)
        if stuck is None:
            if any(n.too_large for n in g.nodes):  # e^(e^(e^x)) at 2: 10^702
                readout = self.session.point
                exists = readout is not None and readout.differentiable
                return "a value on the way is too large for float64" + (
                    "\nf′(x₀) exists: the readout says too large to represent" if exists else ""
                )
            return ""
        words = f"no ∂{_name(g, stuck[0])}/∂{_name(g, stuck[1])} here"
        readout = self.session.point
        if readout is None:
            return words
        if readout.df is not None:
            return f"{words}\nyet f′(x₀) = {number(readout.df)}: both one-sided slopes agree"
        kind = "an edge of its domain" if readout.kind == "endpoint" else f"a {readout.kind}"
        return f"{words}\nnor has f a derivative here: {kind}"

    @staticmethod
    def _param_words(g: Graph) -> str:
        params = [n for n in g.nodes if n.op == "param"]
        if not params:
            return ""
        parts = ", ".join(f"∂f/∂{n.text} = {number(n.adjoint)}" for n in params)
        return f"\nparameters: {parts}"

    def _sum_words(self, g: Graph, node: int) -> str:
        from derivview.model.labs.backprop import contributions

        name = _name(g, node)
        typed = "" if g.nodes[node].op in ("x", "y", "param", "const") else (
            f"   ({name} = {_typed(g, node)})"
        )
        if node == g.output:
            return f"**∂f/∂{name} = 1**: the output\n{name} = {_typed(g, node)} is f itself."
        terms = contributions(g, node, self._users)
        parts = []
        for t in terms:
            user = _name(g, t.user)
            parts.append(f"∂f/∂{user} · ∂{user}/∂{name}")
        numbers = " + ".join(
            f"{number(t.user_adjoint)} × {_paren(number(t.local))}" for t in terms
        )
        text = (
            f"**∂f/∂{name}** = {' + '.join(parts)}{typed}\n"
            f"= {numbers} = {number(g.nodes[node].adjoint)}"
        )
        if len(terms) > 1:
            text += (
                f"\n{name} is used {len(terms)} times: the paths add up "
                "(the multivariable chain rule)."
            )
        return text

    @staticmethod
    def _set(words: _Words, text: str) -> None:
        words.setText(text)


class _Words(QWidget):
    """A few lines of words, painted directly, ``lines`` lines tall, one line each (a line
    too long for the dock is cut with "…": the whole text is its accessible name).

    The numbers in them change on every drag frame: a QLabel would lay out rich text and
    re-lay out its parents each time (twice a frame, measured), and wrapping costs a text
    layout per frame; this draws each line with one ``drawText`` and asks for nothing but
    a repaint. ``**…**`` marks a line's bold head (only at its start).
    """

    def __init__(self, name: str, lines: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._text = ""
        self._lines = lines
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing() + 4)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        # it fills itself: nothing behind it is painted first on every drag frame
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._bold: Any = None  # the bold font of the heads, made once per font

    def text(self) -> str:
        """What it says (``**`` marks removed)."""
        return self._text.replace("**", "")

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.setAccessibleName(self.text())
            self.update()

    def paintEvent(self, event: Any) -> None:
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QFont, QPainter

        p = QPainter(self)
        pal = self.palette()
        p.fillRect(event.rect(), pal.color(QPalette.ColorRole.Window))
        p.setPen(pal.color(QPalette.ColorRole.WindowText))
        fm = self.fontMetrics()
        if self._bold is None or self._bold[0] != self.font():
            bold = QFont(self.font())
            bold.setBold(True)
            self._bold = (QFont(self.font()), bold)
        bold = self._bold[1]
        right = self.width() - 2
        y = 2 + fm.ascent()
        for text in self._text.split("\n")[: self._lines]:
            x = 2
            if text.startswith("**") and "**" in text[2:]:
                head, text = text[2:].split("**", 1)
                p.setFont(bold)
                p.drawText(QPointF(x, y), head)
                x += p.fontMetrics().horizontalAdvance(head)
                p.setFont(self.font())
            if fm.horizontalAdvance(text) > right - x:  # one line each: cut, never wrapped
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
            p.drawText(QPointF(x, y), text)
            y += fm.lineSpacing()
        p.end()


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("−") else text
