"""A flagged row or cell is told by a mark and words, not only by red (and bold)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from app.common import clock
from app.ui.cases.caseload_review_view import CaseloadReviewView
from app.ui.widgets.row_table_model import FLAG_MARK, Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


@dataclass(frozen=True)
class Deadline:
    what: str
    late: bool


def test_a_flagged_row_is_marked_and_says_why(qtbot) -> None:
    model = RowTableModel(
        [Column("Bevakning", lambda d: d.what), Column("Sen", lambda d: "Ja" if d.late else "")],
        highlight=lambda d: "Bevakningen är försenad." if d.late else "",
    )
    view = RowTableView(model, name="Bevakningar")
    qtbot.addWidget(view)
    model.set_rows([Deadline("Uppföljning", True), Deadline("Omprövning", False)])
    late, on_time = view.model().index(0, 0), view.model().index(1, 0)
    assert late.data() == FLAG_MARK + "Uppföljning"
    assert late.data(ACCESSIBLE) == "Uppföljning. Bevakningen är försenad."
    assert late.data(Qt.ItemDataRole.ToolTipRole) == "Uppföljning\nBevakningen är försenad."
    assert on_time.data() == "Omprövning" and on_time.data(ACCESSIBLE) == "Omprövning"
    assert view.model().index(0, 1).data() == "Ja"  # the mark goes in the first cell only
    # the table has a name of its own
    spoken = QAccessible.queryAccessibleInterface(view)
    assert spoken.text(QAccessible.Text.Name) == "Bevakningar"
    # sorting by the column goes by the text, not by the mark
    view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert view.model().index(0, 0).data() == "Omprövning"


def test_overdue_cases_in_mina_arenden_are_marked(qtbot, main_window, fixed_clock) -> None:
    clock.set_now(lambda: fixed_clock + timedelta(days=40))  # some deadlines have passed
    main_window.refresh_my_cases()
    model = main_window.my_cases_model
    overdue = [
        row
        for row, case in enumerate(model.rows)
        if case.next_deadline is not None and case.next_deadline.is_overdue(clock.now())
    ]
    assert overdue, "the demo data has overdue deadlines"
    first = model.index(overdue[0], 0)
    assert first.data().startswith(FLAG_MARK)
    assert "Bevakningen är försenad." in first.data(Qt.ItemDataRole.ToolTipRole)
    assert "försenad" in first.data(ACCESSIBLE)
    not_overdue = set(range(model.rowCount())) - set(overdue)
    assert not_overdue
    assert all(not model.index(row, 0).data().startswith(FLAG_MARK) for row in not_overdue)


def test_flagged_cells_in_the_caseload_review_are_marked(qtbot, chef_window) -> None:
    qtbot.keyClick(chef_window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    view = chef_window.tabs.currentWidget()
    assert isinstance(view, CaseloadReviewView)
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    model = view.model
    flagged = unflagged = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = model.index(row, column).data()
            if model.cell_flagged(model.row_at(row), column):
                flagged += 1
                assert text.startswith(FLAG_MARK), text
            else:
                unflagged += 1
                assert not text.startswith(FLAG_MARK), text
    assert flagged and unflagged
