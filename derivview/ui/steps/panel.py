"""The derivation dock (``stepsView``): how f′ is obtained, one rule per line, typeset.

The function as typed (``stepsFunction``, the step pointed at highlighted in it), then a
tree (``stepsTree``) with one line per rule application — the rule's name, then
"d/dx (expression) = result" as typeset mathematics, the chain rule's outer and inner
functions, and where a derivative is missing — each step's children being the steps its
result needs. ``stepsDepth`` says how many levels are open (and "Expand all" opens them
all); the final line (``stepsDerivative``) is f′ simplified: the same f′ as the plot's.

Clicking a step points at it (``session.state("steps")``): the editor selects where it was
typed and the plot draws it and its derivative faintly (``stepsDrawOnPlot``); Esc points
at nothing. The derivation is built from the tree at once, only while the dock is shown;
sympy simplifies each result afterwards in the worker process (:mod:`.simplifier`).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from derivview.ui.formula_label import FormulaLabel
from derivview.ui.shown import ShownWatcher
from derivview.ui.steps.delegate import LINE_ROLE, StepDelegate
from derivview.ui.wiring import connect_while_alive

if TYPE_CHECKING:
    from derivview.model.labs.steps import Derivation, Step
    from derivview.model.session import Session
    from derivview.ui.steps.lines import StepLine

__all__ = ["DEFAULT_LEVELS", "StepsPanel"]

DEFAULT_LEVELS = 2
STEP_ROLE = int(Qt.ItemDataRole.UserRole) + 2
#: Parameters may be dragged: the notes (where a derivative is missing) follow shortly.
PARAMS_DELAY_MS = 150
MAX_SHOWN_CHARS = 600
KNOWN_SIMPLIFIED = 512


class _Tree(QTreeView):
    """The derivation's lines; Esc points at nothing."""

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        # lines as wide as their formulas (scrolling sideways), and at least the view's
        # width: a selected line is highlighted across the whole view
        self.header().setMinimumSectionSize(max(50, self.viewport().width()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.currentIndex().isValid():
            self.clearSelection()
            self.setCurrentIndex(QModelIndex())
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            index = self.currentIndex()
            if index.isValid():
                from PySide6.QtWidgets import QApplication

                QApplication.clipboard().setText(str(index.data(Qt.ItemDataRole.ToolTipRole)))
                return
        super().keyPressEvent(event)


class StepsPanel(QWidget):
    """The derivation of f′ (see the module docstring).

    ``derivation`` is the derivation shown (None without a function); ``lines`` its
    lines as drawn, ``derivative_text`` the final line's f′ in the language.
    """

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, worker: Any = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stepsView")
        self.session = session
        self.state = session.state("steps")
        self.derivation: Derivation | None = None
        self.lines: list[StepLine] = []
        self.derivative_text: str | None = None
        self._built_for: tuple[str, tuple[tuple[str, float], ...]] | None = None
        self._simplified: dict[int, str] = {}
        #: results sympy was asked about: their simplified text, or "" (none shorter)
        self._known: OrderedDict[str, str] = OrderedDict()
        self._requested_for: str | None = None
        self._pointing = False  # echo guard: our own point_at
        self._worker = worker

        self.function_label = FormulaLabel(self)
        self.function_label.setObjectName("stepsFunction")

        self.depth_spin = QSpinBox(self)
        self.depth_spin.setObjectName("stepsDepth")
        self.depth_spin.setRange(1, 99)
        self.depth_spin.setValue(DEFAULT_LEVELS)
        self.depth_spin.setPrefix("levels: ")
        self.depth_spin.setToolTip(
            "How many levels of the derivation are open (each level: the steps the one above "
            "needs)"
        )
        self.expand_button = QToolButton(self)
        self.expand_button.setObjectName("stepsExpandAll")
        self.expand_button.setText("Expand all")
        self.expand_button.setToolTip("Open every level of the derivation")
        self.draw_check = QCheckBox("On the plot", self)
        self.draw_check.setObjectName("stepsDrawOnPlot")
        self.draw_check.setToolTip(
            "Draw the selected step and its derivative faintly (dashed) on the plot"
        )
        self.draw_check.setChecked(bool(self.state.get("draw_on_plot")))

        self.model = QStandardItemModel(self)
        self.tree = _Tree(self)
        self.tree.setObjectName("stepsTree")
        self.tree.setModel(self.model)
        self.tree.setItemDelegate(StepDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(False)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tree.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setToolTip(
            "How f′ is obtained: one rule per line; click a step to see it in f and on the "
            "plot (Esc: none); Ctrl+C copies a line"
        )
        self.tree.setAccessibleName("Derivation of f′")

        self.caption = QLabel(self)
        self.caption.setObjectName("stepsCaption")
        self.caption.setWordWrap(True)
        self.caption.setToolTip("f′ simplified: the same f′ as the curve on the plot")
        self.derivative_label = FormulaLabel(self)
        self.derivative_label.setObjectName("stepsDerivative")

        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.depth_spin)
        controls.addWidget(self.expand_button)
        controls.addStretch(1)
        controls.addWidget(self.draw_check)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.function_label)
        layout.addLayout(controls)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.derivative_label)

        self._params_timer = QTimer(self)
        self._params_timer.setSingleShot(True)
        self._params_timer.setInterval(PARAMS_DELAY_MS)
        self._params_timer.timeout.connect(self.refresh)
        self._simplifier: Any = None

        # -- wiring -------------------------------------------------------------------
        self.depth_spin.valueChanged.connect(self._on_depth)
        self.expand_button.clicked.connect(self._expand_all)
        self.draw_check.toggled.connect(lambda on: self.state.set(draw_on_plot=on))
        self.tree.selectionModel().currentChanged.connect(self._on_current)
        s = self.session
        connect_while_alive(
            self,
            [
                (s.function_changed, self._on_function_changed),
                (s.error_changed, self._on_function_changed),
                (s.formulas_changed, self._on_formulas_changed),
                (s.params_changed, self._on_params_changed),
                (self.state.changed, self._on_setting_changed),
                (self.state.focus_changed, self._on_focus_changed),
            ],
        )
        self.destroyed.connect(self._close_simplifier)
        self.watcher = ShownWatcher(self)
        self.watcher.changed.connect(self._on_shown)
        self._show_nothing()

    # -- public -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Derive f′ for the session's function now (if it changed since last time)."""
        f = self.session.function
        if f is None:
            self._show_nothing()
            return
        params = self.session.param_values()
        key = (f.expression.text, tuple(sorted(params.items())))
        if key == self._built_for:
            return
        from derivview.model.labs.steps import derive

        self._built_for = key
        try:
            self.derivation = derive(f.expression, params)
        except RecursionError:  # deeper than any typed text allows; never a traceback
            self.derivation = None
            self._show_nothing("This function is too deeply nested to derive step by step.")
            return
        self._simplified = {}
        self._fill()
        self._update_derivative()
        self._request_simplification()

    def step_lines(self) -> list[str]:
        """Every line as a person reads it (plain text), in order."""
        return [line.plain for line in self.lines]

    def visible_lines(self) -> list[str]:
        """The lines shown now (inside open levels), in order."""
        out: list[str] = []

        def walk(parent: QModelIndex) -> None:
            for r in range(self.model.rowCount(parent)):
                index = self.model.index(r, 0, parent)
                out.append(str(index.data(Qt.ItemDataRole.DisplayRole)))
                if self.tree.isExpanded(index):
                    walk(index)

        walk(QModelIndex())
        return out

    def index_of_step(self, k: int) -> QModelIndex:
        """The tree's index of step ``k`` (pre-order)."""
        return self._indexes[k] if 0 <= k < len(self._indexes) else QModelIndex()

    def is_shown(self) -> bool:
        """Whether a person can see the dock (not closed, not behind another tab)."""
        return self.watcher.shown

    def _on_shown(self, shown: bool) -> None:
        if shown:
            self.refresh()
            self._request_simplification()
            self._point_at_current()
        elif self.state.step is not None:
            # The plot's faint curves belong to this dock: out of view, it points at nothing.
            self._pointing = True
            try:
                self.state.clear()
            finally:
                self._pointing = False

    # -- building ---------------------------------------------------------------------

    def _show_nothing(self, words: str = "") -> None:
        self.derivation = None
        self.lines = []
        self._indexes: list[QModelIndex] = []
        self._built_for = None
        self.model.clear()
        self.function_label.setMath(None, "")
        if not words:
            words = (
                "No function yet: correct the expression above."
                if self.session.error is not None
                else "Computing f…"
            )
        self.caption.setText(words)
        self.derivative_label.setMath(None, "")
        self.derivative_text = None

    def _fill(self) -> None:
        from derivview.ui.steps.lines import step_line

        d = self.derivation
        assert d is not None
        self.function_label.setMath(typeset_function_highlight(d, None))
        self.lines = [step_line(s) for s in d.steps]
        self.model.clear()
        parents: list[QStandardItem] = []
        items: list[QStandardItem] = []
        root = self.model.invisibleRootItem()
        for k, (step, line) in enumerate(zip(d.steps, self.lines, strict=True)):
            item = self._item(k, step, line)
            del parents[step.depth :]
            (parents[-1] if parents else root).appendRow(item)
            parents.append(item)
            items.append(item)
        self._indexes = [item.index() for item in items]
        self._on_depth(self.depth_spin.value())

    def _item(self, k: int, step: Step, line: StepLine) -> QStandardItem:
        item = QStandardItem(line.plain)
        item.setEditable(False)
        item.setData(line, LINE_ROLE)
        item.setData(k, STEP_ROLE)
        item.setData(self._tooltip(step, line), Qt.ItemDataRole.ToolTipRole)
        item.setData(line.plain, Qt.ItemDataRole.AccessibleTextRole)
        return item

    @staticmethod
    def _tooltip(step: Step, line: StepLine) -> str:
        result = step.result_text
        text = line.plain
        if result is not None and len(result) <= MAX_SHOWN_CHARS:
            text += f"\nIn the language: d/d{step.variable} {step.expression_text} = {result}"
        return text

    def _update_derivative(self) -> None:
        """The final line: f′ simplified (the worker's, as plotted), or as the rules give
        it while sympy is at work or could not print it."""
        from derivview.model.expr.typeset import typeset_function

        d = self.derivation
        if d is None:
            return
        formulas = self.session.formulas
        f = self.session.function
        printed = formulas.df if formulas is not None and f is not None else None
        if printed is not None and len(printed) <= MAX_SHOWN_CHARS:
            try:
                self.derivative_label.setMath(typeset_function(printed, 1))
                self.derivative_text = printed
                self.caption.setText("f′, simplified — the f′ drawn on the plot:")
                return
            except Exception:
                pass
        first = d.steps[0].result_text
        self.derivative_text = first
        if formulas is None:
            self.caption.setText("f′ as the rules give it (simplifying…):")
        else:
            self.caption.setText("f′ as the rules give it (sympy could not simplify it in time):")
        if first is not None and len(first) <= MAX_SHOWN_CHARS:
            try:
                self.derivative_label.setMath(typeset_function(d.steps[0].result, 1))
                return
            except RecursionError:
                pass
        self.derivative_label.setMath(None, "f′(x) = (too long to show: see the first line)")

    # -- simplification ----------------------------------------------------------------

    def _request_simplification(self) -> None:
        d = self.derivation
        if d is None or not self.is_shown():
            return
        if self._simplifier is None:
            from derivview.ui.steps.simplifier import Simplifier

            worker = self._worker
            self._simplifier = Simplifier(self, (lambda: worker) if worker is not None else None)
            self._simplifier.simplified.connect(self._on_simplified)
        key = self._key()
        if key == self._requested_for:
            return
        self._requested_for = key
        wanted: list[tuple[int, str]] = []
        for k, step in enumerate(d.steps):
            text = step.result_text
            if text is None:
                continue
            if text in self._known:  # simplified before (or found not to simplify)
                if self._known[text]:
                    self._show_simplified(k, self._known[text])
            else:
                wanted.append((k, text))
        self._simplifier.request(key, wanted)

    def _key(self) -> str:
        return repr(self._built_for)

    def _on_simplified(self, key: str, index: int, text: str, better: str) -> None:
        from derivview.model.errors import ExpressionError
        from derivview.model.expr.parser import parse
        from derivview.model.labs.readable import readable

        shown = ""
        if better:
            try:
                shown = readable(parse(better, max_length=100_000).tree)
            except ExpressionError:
                shown = ""
            if shown == text:
                shown = ""
        self._known[text] = shown
        while len(self._known) > KNOWN_SIMPLIFIED:
            self._known.popitem(last=False)
        d = self.derivation
        if shown and d is not None and key == self._key() and 0 <= index < len(d.steps):
            self._show_simplified(index, shown)

    def _show_simplified(self, index: int, shown: str) -> None:
        from derivview.ui.steps.lines import step_line

        d = self.derivation
        assert d is not None
        step = d.steps[index]
        self._simplified[index] = shown
        line = step_line(step, shown)
        self.lines[index] = line
        item = self.model.itemFromIndex(self._indexes[index])
        if item is not None:
            item.setData(line, LINE_ROLE)
            item.setText(line.plain)
            item.setData(self._tooltip(step, line), Qt.ItemDataRole.ToolTipRole)
            item.setData(line.plain, Qt.ItemDataRole.AccessibleTextRole)

    def _close_simplifier(self, *_: object) -> None:
        if self._simplifier is not None:
            self._simplifier.close()

    # -- session → view ----------------------------------------------------------------

    def _on_function_changed(self, *_: object) -> None:
        f = self.session.function
        built = self._built_for[0] if self._built_for is not None else None
        if self._simplifier is not None and (f is None or f.expression.text != built):
            self._simplifier.cancel()
            self._requested_for = None
        if self.is_shown():
            self.refresh()
        else:
            self._built_for = None  # built again when shown
        if self.session.function is None:
            self._show_nothing()

    def _on_formulas_changed(self) -> None:
        if self.derivation is not None and self.is_shown():
            self._update_derivative()

    def _on_params_changed(self) -> None:
        f = self.session.function
        if f is not None and f.parameters and self.is_shown():
            self._params_timer.start()

    def _on_setting_changed(self) -> None:
        on = bool(self.state.get("draw_on_plot"))
        if self.draw_check.isChecked() != on:
            self.draw_check.blockSignals(True)
            self.draw_check.setChecked(on)
            self.draw_check.blockSignals(False)

    def _on_focus_changed(self) -> None:
        d = self.derivation
        step = self.state.step
        if d is not None:
            highlight = step.expression if step is not None and step.span is not None else None
            self.function_label.setMath(typeset_function_highlight(d, highlight))
        if step is None and not self._pointing and self.tree.currentIndex().isValid():
            self.tree.selectionModel().clearCurrentIndex()
            self.tree.clearSelection()

    # -- view → session ----------------------------------------------------------------

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._point_at(current)

    def _point_at_current(self) -> None:
        self._point_at(self.tree.currentIndex())

    def _point_at(self, index: QModelIndex) -> None:
        d = self.derivation
        self._pointing = True
        try:
            if d is None or not index.isValid():
                self.state.clear()
                return
            k = index.data(STEP_ROLE)
            if isinstance(k, int) and 0 <= k < len(d.steps):
                self.state.point_at(d.expression.text, d.steps[k])
        finally:
            self._pointing = False

    def _on_depth(self, levels: int) -> None:
        self.tree.collapseAll()
        if levels >= 2:
            self.tree.expandToDepth(levels - 2)

    def _expand_all(self) -> None:
        d = self.derivation
        deepest = max((s.depth for s in d.steps), default=0) if d is not None else 0
        self.depth_spin.setValue(min(self.depth_spin.maximum(), deepest + 1))
        self.tree.expandAll()


def typeset_function_highlight(d: Derivation, highlight: Any) -> Any:
    """f(x) = … with ``highlight`` (a node of f's tree) in the highlight colour."""
    from derivview.model.expr.typeset import function_name, typeset
    from derivview.model.mathbox import Row, Sym

    return Row((function_name(), Sym("=", "rel"), typeset(d.expression.tree, highlight)))
