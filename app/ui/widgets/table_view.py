"""A read-only, sortable, keyboard-friendly table: Enter or double-click activates a row."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.widgets.row_table_model import CELL_ROLE, HIGHLIGHT, RowTableModel

FIT_ROWS = 100
"""Rows `fit_columns` measures (Qt's default is 1 000): the first hundred rows show what the
columns hold."""
FIT_CANDIDATES = 8
"""Texts per column `fit_columns` measures exactly: the widest by the sum of their
characters' widths."""


class RowTableView(QTableView):
    activated_row = Signal(object)
    """Emitted with the service row when the user presses Enter or double-clicks."""

    def __init__(
        self,
        model: RowTableModel,
        parent: QWidget | None = None,
        *,
        sort_column: int = -1,
        descending: bool = False,
        name: str = "",
    ):
        """`sort_column` -1 keeps the order the service returned until the user clicks.
        `name` is what a screen reader calls the table ("Mina ärenden"): a table has no
        label to take it from."""
        super().__init__(parent)
        self.setAccessibleName(name)
        self.source = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.setModel(self.proxy)
        self.horizontalHeader().setSortIndicator(
            sort_column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        )
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)
        self.setTabKeyNavigation(False)
        if type(model).data is RowTableModel.data:
            # models that answer more roles (fonts, backgrounds) keep Qt's own delegate
            self.setItemDelegate(_CellDelegate(self))
        self._advances: dict[str, dict[str, int]] = {}
        """Per font (QFont.key): each character's width, for `fit_columns`."""
        self.doubleClicked.connect(lambda index: self._activate(index.row()))

    def current_row(self) -> Any | None:
        index = self.currentIndex()
        if not index.isValid():
            return None
        return self.source.row_at(self.proxy.mapToSource(index).row())

    def select_where(self, matches: Callable[[Any], bool]) -> bool:
        """Make the first row (in the order shown) that `matches` current; False if none."""
        for proxy_row in range(self.proxy.rowCount()):
            source_row = self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row()
            if matches(self.source.row_at(source_row)):
                self.setCurrentIndex(self.proxy.index(proxy_row, 0))
                return True
        return False

    def _activate(self, proxy_row: int) -> None:
        source_row = self.proxy.mapToSource(self.proxy.index(proxy_row, 0)).row()
        self.activated_row.emit(self.source.row_at(source_row))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activate(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def fit_columns(self, font: QFont | None = None) -> None:
        """Each shown column as wide as its title and the texts of its first FIT_ROWS rows,
        measured in `font` (default: the table's). The texts are measured directly:
        `resizeColumnsToContents` asks the model for eight roles of every measured cell
        through Python (the chef's 2 000 cases: 10 000 calls, 50–90 ms of the GUI thread)."""
        header = self.horizontalHeader()
        metrics = QFontMetrics(font or self.font())
        advances = self._advances.setdefault((font or self.font()).key(), {})
        # what the item delegate puts around a text, and the grid line
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        margin += 1 if self.showGrid() else 0
        # and a pixel for the fraction `horizontalAdvance` rounds away: the delegate lays the
        # text out in exact (fractional) widths, and a column of the rounded width wrapped
        # its widest text onto a second line ("september / 2026" in the Beslut tab)
        margin += 1
        for column in range(self.source.columnCount()):
            if self.isColumnHidden(column):
                continue
            widest = _widest(metrics, advances, self.source.texts(column, FIT_ROWS))
            header.resizeSection(column, max(widest + margin, header.sectionSizeHint(column)))
        # Sizing the last column to its contents ends its stretch until the view is resized
        # (the search results stopped short of the table's right edge); Qt stretches it again
        # only when the setting changes.
        header.setStretchLastSection(False)
        header.setStretchLastSection(True)

    def fit_height_to_rows(self, most: int, least: int = 2) -> None:
        """No taller than its rows (at least `least`, at most `most` before it scrolls): a
        short list does not take the height of the lists beside it. Qt's size hint is the
        same ~190 px for one row as for a hundred."""
        rows = min(max(self.model().rowCount(), least), most)
        frame = 2 * self.frameWidth()
        scroll_bar = self.horizontalScrollBar()
        below = scroll_bar.sizeHint().height() if scroll_bar.isVisible() else 0
        self.setMaximumHeight(
            self.horizontalHeader().height()
            + rows * self.verticalHeader().defaultSectionSize()
            + frame
            + below
        )


_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_HAS_DISPLAY = QStyleOptionViewItem.ViewItemFeature.HasDisplay


class _CellDelegate(QStyledItemDelegate):
    """Qt's delegate, told what a cell shows with one question to the model (CELL_ROLE).
    Qt's own asks each painted cell for seven roles, each through the sorting proxy to
    the Python model (and each mapping of the proxy asks the model for its row and column
    counts again): a search's visible rows took ~9 700 calls into Python per paint, now
    ~3 900; the cells look the same (what `RowTableModel.data` answers for those roles:
    the text, right alignment, the highlight colour)."""

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        option.index = index  # type: ignore[assignment]
        cell = index.data(CELL_ROLE)
        if cell is None:
            return
        text, align_right, highlighted = cell
        if align_right:
            option.displayAlignment = _RIGHT
        if highlighted:
            palette = QPalette(option.palette)
            palette.setBrush(QPalette.ColorRole.Text, QBrush(HIGHLIGHT))
            option.palette = palette
        option.features |= _HAS_DISPLAY
        option.text = self.displayText(text, option.locale)


def _widest(metrics: QFontMetrics, advances: dict[str, int], texts: list[str]) -> int:
    """The width of the widest of `texts`. Measuring a text lays it out (shaping, kerning):
    a search's 200 hits, 600 texts, took 3–5 ms of the GUI thread. Each distinct text's
    width is first estimated as the sum of its characters' widths (kept per font), and
    only the FIT_CANDIDATES widest by that estimate are measured: kerning moves a text by
    a pixel or two, so the widest is among them (6 000 samples of 100 of the benchmark's
    names, plain and bold: the same widths as measuring every text; with 4 candidates, two
    were 1–2 px narrower). Fitting a search's columns: 6.6 → 1.0–1.4 ms."""
    distinct = set(texts)
    for character in set().union(*distinct) - advances.keys():
        advances[character] = metrics.horizontalAdvance(character)
    candidates = heapq.nlargest(
        FIT_CANDIDATES, distinct, key=lambda text: sum(map(advances.__getitem__, text))
    )
    return max((metrics.horizontalAdvance(text) for text in candidates), default=0)
