"""One table model for lists of service rows (dataclasses): columns are (title, getter)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

Index = QModelIndex | QPersistentModelIndex

CELL_ROLE = Qt.ItemDataRole.UserRole + 1
"""What a cell shows, in one answer: (text, aligned right, highlighted). The table's
delegate (app.ui.widgets.table_view) asks for this instead of the seven roles Qt's own
delegate asks one by one, each a call into Python."""
HIGHLIGHT = QColor("#b00020")
FLAG_MARK = "⚠ "
"""Put before a flagged cell's text: a flag is told by more than its colour (and bold),
for those who do not see red, on a grey print-out, to a screen reader."""


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    sort_key: Callable[[Any], Any] | None = None
    align_right: bool = False


class RowTableModel(QAbstractTableModel):
    served_roles: frozenset[int] = frozenset(
        {
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.UserRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.AccessibleTextRole,
            CELL_ROLE,
        }
    )
    """The roles `data` answers. Sizing a column asks each cell for eight roles; the others
    are answered before the row is looked up (a search's 200 hits: 11 000 calls)."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        highlight: Callable[[Any], bool | str] | None = None,
        parent=None,
    ):
        """`highlight` tells whether a row is flagged, and may say why ("Bevakningen är
        försenad."): a flagged row's first cell is red and marked (FLAG_MARK), its tooltip
        and the text a screen reader gets say why."""
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []
        self._highlight = highlight

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        return self._rows[row]

    def texts(self, column: int, count: int) -> list[str]:
        """The shown text of `column` in the first `count` rows (for sizing the column)."""
        return [self._shown(row, column) for row in self._rows[:count]]

    def cell_flagged(self, row: Any, column: int) -> bool:
        """Whether the cell is flagged (red, FLAG_MARK): the first cell of a highlighted row.
        A model that flags single cells says which here."""
        return column == 0 and self._highlight is not None and bool(self._highlight(row))

    def flag_reason(self, row: Any, column: int = 0) -> str:
        """Why the cell is flagged (its tooltip and the text a screen reader gets): what
        `highlight` says. A model that flags single cells says why each is here."""
        reason = self._highlight(row) if self._highlight is not None else ""
        return reason if isinstance(reason, str) else ""

    def _shown(self, row: Any, column: int) -> str:
        text = self._columns[column].text(row)
        return FLAG_MARK + text if self.cell_flagged(row, column) else text

    @property
    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self.served_roles or not index.isValid():
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._shown(row, index.column())
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = column.text(row)
            if not self.cell_flagged(row, index.column()):
                return text
            reason = self.flag_reason(row, index.column()) or "Flaggad."
            separator = "\n" if role == Qt.ItemDataRole.ToolTipRole else ". "
            return f"{text}{separator}{reason}" if text else reason
        if role == CELL_ROLE:
            return (
                self._shown(row, index.column()),
                column.align_right,
                self._highlight is not None and bool(self._highlight(row)),
            )
        if role == Qt.ItemDataRole.UserRole:
            return column.sort_key(row) if column.sort_key else column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and self._highlight and self._highlight(row):
            return QBrush(HIGHLIGHT)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        return None
