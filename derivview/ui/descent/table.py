"""The iterates of the descent runs: a table (one row per k) and the loss per step.

The table follows ``session.descent`` as runs grow (rows appended, O(1) per step) and
scrolls to the newest row unless a person scrolled up to read. Ctrl+C copies rows at
full precision; the context menu also exports the runs as CSV. The loss plot is built
the first time its tab is shown. The f(x, y) workspace shows its runs with the same
panel, given another :class:`~derivview.ui.descent.source.RunSource`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QFontDatabase, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from derivview.model.descent.text import RUN_NAMES, format_number
from derivview.model.session import Session
from derivview.ui.descent.loss_plot import LossPlot, LossPlotStandIn
from derivview.ui.descent.source import RunSource, fx_source
from derivview.ui.wiring import connect_while_alive


class IterateTableModel(QAbstractTableModel):
    """One row per iterate k; per run the source's columns (for f(x): x, f(x), f′(x),
    step x_k − x_{k−1})."""

    def __init__(self, source: RunSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._state = source.state
        self.FIELDS = source.fields
        self.TIPS = source.tips
        self._rows = 0
        self._runs = 0
        self._generation = -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (iterates of the longest run)."""
        return 0 if parent.isValid() else self._rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """k, then four columns per run."""
        return 0 if parent.isValid() else 1 + len(self.FIELDS) * max(1, self._runs)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> object:
        """Column names (with A/B when comparing); what each column is, as a tooltip."""
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if section == 0:
                return "iteration k (0 is the start point)"
            return self.TIPS[(section - 1) % len(self.FIELDS)]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return "k"
        run, field = divmod(section - 1, len(self.FIELDS))
        name = self.FIELDS[field]
        return f"{RUN_NAMES[run]}: {name}" if self._runs > 1 else name

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> object:
        """Cell text (7 significant digits), full precision in the tooltip."""
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row, col = index.row(), index.column()
        if col == 0:
            return str(row)
        run_i, field = divmod(col - 1, len(self.FIELDS))
        runs = self._state.runs
        if run_i >= len(runs) or row >= len(runs[run_i].iterates):
            return ""
        it = runs[run_i].iterates[row]
        value = self._source.cells(it)[field]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "undefined" if value is None else repr(value)
        return format_number(value)

    def refresh(self) -> bool:
        """Follow the state: append rows for new iterates, or reset; True if rows were added."""
        runs = self._state.runs
        rows = max((len(r.iterates) for r in runs), default=0)
        n_runs = len(runs) if runs else (2 if self._state.compare else 1)
        if self._generation != self._state.generation or n_runs != self._runs or rows < self._rows:
            self.beginResetModel()
            self._rows, self._runs, self._generation = rows, n_runs, self._state.generation
            self.endResetModel()
            return rows > 0
        if rows > self._rows:
            self.beginInsertRows(QModelIndex(), self._rows, rows - 1)
            self._rows = rows
            self.endInsertRows()
            return True
        return False


class IterateTable(QTableView):
    """The iterate table; Ctrl+C copies whole rows at full precision (not one cell's text)."""

    def __init__(
        self,
        copy: Callable[[], None],
        resized: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._copy = copy
        self._resized = resized

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Let the panel refit the columns to the new width."""
        super().resizeEvent(event)
        self._resized()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Copy rows on the platform's copy key; everything else as usual."""
        if event.matches(QKeySequence.StandardKey.Copy):
            self._copy()
            event.accept()
            return
        super().keyPressEvent(event)


class IteratesPanel(QWidget):
    """The iterate table (``gdTable``) and the loss plot, as tabs (``gdViews``); a dock.

    ``source`` says whose runs (default: the f(x) descent's, ``session.descent``).
    """

    def __init__(
        self, session: Session, parent: QWidget | None = None, *, source: RunSource | None = None
    ) -> None:
        super().__init__(parent)
        self._source = src = fx_source(session) if source is None else source
        self.setObjectName("descentIterates" if src.prefix == "gd" else src.name("Iterates"))
        self._session = session
        self._state = src.state

        self.table_model = IterateTableModel(src, self)
        self.table = IterateTable(self._on_copy_triggered, self._fit_columns)
        self.table.setObjectName(src.name("Table"))
        self.table.setModel(self.table_model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 4)
        self.table.horizontalHeader().setMinimumSectionSize(36)
        self._table_columns: tuple[int, int, int, int] = (-1, -1, -1, 0)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # A touch smaller than the UI font: four number columns fit a narrow dock.
        fixed.setPointSizeF(self.table.font().pointSizeF() * 0.9)
        self.table.setFont(fixed)
        self.table.setMinimumHeight(90)
        self.table.setToolTip("one row per iterate k; Ctrl+C copies rows at full precision")
        self.copy_action = QAction("Copy rows", self.table)
        self.copy_action.setObjectName(
            "actionCopyDescentRows" if src.prefix == "gd" else f"actionCopy_{src.name('Rows')}"
        )
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)  # shown in the menu
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.setToolTip("copy the selected rows (all rows if none) at full precision")
        self.export_action = QAction("Export descent run as CSV…", self.table)
        self.export_action.setToolTip(f"export the iterates (k, {', '.join(src.fields)}) as CSV")
        self.table.addAction(self.copy_action)
        self.table.addAction(self.export_action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        # The loss plot (a second pyqtgraph PlotWidget) is built when its tab is first
        # shown, or when ``loss`` is first read: nothing of it is visible at first paint.
        # Until then a stand-in with its size hints holds the tab's place.
        self._loss: LossPlot | None = None
        self._loss_page = QWidget()
        self._loss_page.setObjectName(src.name("LossPage"))
        loss_layout = QVBoxLayout(self._loss_page)
        loss_layout.setContentsMargins(0, 0, 0, 0)
        self._loss_stand_in: QWidget | None = LossPlotStandIn()
        loss_layout.addWidget(self._loss_stand_in)

        self.views = QTabWidget()
        self.views.setObjectName(src.name("Views"))
        self.views.addTab(self.table, "Iterates")
        self.views.addTab(self._loss_page, "Loss per step")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.views)

        self._following = True
        self._scrolling = False  # our own scroll to the newest row
        self._scroll_timer = QTimer(self)
        self._scroll_timer.setSingleShot(True)
        self._scroll_timer.setInterval(0)
        self._scroll_timer.timeout.connect(self._scroll_to_newest)
        self.table.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.copy_action.triggered.connect(self._on_copy_triggered)
        self.export_action.triggered.connect(self._on_export_triggered)
        self.views.currentChanged.connect(self._on_view_tab_changed)
        connect_while_alive(self, [(src.changed, self._on_descent_changed)])
        self._on_descent_changed()

    @property
    def loss(self) -> LossPlot:
        """The loss plot (the "Loss per step" tab), built on first use."""
        if self._loss is None:
            self._loss = LossPlot(self._session, source=self._source)
            layout = self._loss_page.layout()
            assert layout is not None and self._loss_stand_in is not None
            layout.replaceWidget(self._loss_stand_in, self._loss)
            self._loss.show()  # now, not at the next event-loop turn: no empty frame
            self._loss_stand_in.hide()
            self._loss_stand_in.deleteLater()
            self._loss_stand_in = None
        return self._loss

    def _on_view_tab_changed(self, index: int) -> None:
        if self.views.widget(index) is self._loss_page:
            _ = self.loss  # build it before the tab paints

    def _on_descent_changed(self) -> None:
        added = self.table_model.refresh()
        self._fit_columns()
        if added and self._following:
            # The scroll bar's range grows only when the view lays itself out again
            # (later in this turn of the event loop): scroll after that, once.
            self._scroll_timer.start()
        self.export_action.setEnabled(bool(self._state.runs))

    def _on_scrolled(self, value: int) -> None:
        """Follow the newest row, unless the person scrolled up to read earlier ones
        (scrolling back to the bottom follows again). Decided when the position moves —
        not when rows arrive, when the scroll bar's range is not updated yet (the table
        stopped following mid-run)."""
        if not self._scrolling:
            bar = self.table.verticalScrollBar()
            self._following = value >= bar.maximum() - 1

    def _scroll_to_newest(self) -> None:
        self._scrolling = True
        try:
            self.table.scrollToBottom()
        finally:
            self._scrolling = False

    @property
    def following(self) -> bool:
        """Whether the table keeps the newest row in view."""
        return self._following

    def _on_copy_triggered(self) -> None:
        runs = self._state.runs
        if not runs:
            return
        header, rows = self._source.rows(runs)
        picked = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        chosen = [rows[i] for i in picked if i < len(rows)] if picked else rows
        text = "\n".join("\t".join(r) for r in [header, *chosen]) + "\n"
        QApplication.clipboard().setText(text)

    def _on_export_triggered(self) -> None:
        self._source.export(self)

    def _widest_text(self) -> str:
        """The widest number text in the first and newest rows (where extremes appear)."""
        texts = ["−0.123456"]
        for run in self._state.runs:
            its = run.iterates
            for it in (*its[:2], *its[-3:]):
                texts += [format_number(v) for v in self._source.cells(it)]
        return max(texts, key=len)

    def _fit_columns(self) -> None:
        """k narrow; number columns as wide as their widest text, stretched when they fit.

        Only the first and newest rows are measured (O(1) per update): a run's extremes —
        the start, a divergence, the tiny f′ at convergence — are there.
        """
        n = self.table_model.columnCount()
        width = self.table.viewport().width()
        bar = self.table.verticalScrollBar()
        if not bar.isVisible():  # it appears once the rows overflow: leave room for it now
            width -= bar.sizeHint().width()
        fm = self.table.fontMetrics()
        need = fm.horizontalAdvance(self._widest_text()) + 8
        key = (n, width, self._state.generation)
        same = key == self._table_columns[:3]
        if same and need <= self._table_columns[3]:
            return
        if same:
            need = max(need, self._table_columns[3])  # within a run, columns only widen
        self._table_columns = (*key, need)
        header = self.table.horizontalHeader()
        k_width = fm.horizontalAdvance("0000") + 10
        # The step column (xₖ − xₖ₋₁) goes first when the dock is too narrow for every
        # column: no column is cut by the edge or the scroll bar. Its tooltip and the CSV
        # still have it; a wider dock shows it again.
        fields = self._source.fields  # the f(x, y) table has no step column
        steps = [c for c in range(1, n) if fields[(c - 1) % len(fields)] == "step"]
        shown = n - len(steps)
        hide_steps = k_width + (n - 1) * need > width
        for c in steps:
            self.table.setColumnHidden(c, hide_steps)
        visible = shown if hide_steps else n
        fits = k_width + (visible - 1) * need <= width
        # Fixed/Stretch modes cost nothing per row (ResizeToContents would scan every row).
        header.setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch if fits else QHeaderView.ResizeMode.Interactive
        )
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, k_width)
        if not fits:
            for col in range(1, n):
                header.resizeSection(col, need)
