"""A flagged row or cell is told by a mark and words, not only by red (and bold)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from app.cases.caseload_review import BKA_MISSING
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


def test_each_flagged_cell_of_the_caseload_review_says_why(qtbot, chef_window) -> None:
    """Not "Flaggad.": the tooltip and what a screen reader gets name the cell's own flag."""
    qtbot.keyClick(chef_window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    view = chef_window.tabs.currentWidget()
    assert isinstance(view, CaseloadReviewView)
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)
    model = view.model
    headers = [
        model.headerData(c, Qt.Orientation.Horizontal).replace("-\n", "").replace("\n", " ")
        for c in range(model.columnCount())
    ]
    if not any(row.lacks_bka for row in model.rows):  # none in the demo data on this day
        model.set_rows(
            [
                *model.rows,
                replace(model.rows[0], bka_status=BKA_MISSING, bka_missing=2, lacks_bka=True),
            ]
        )

    def why(row) -> dict[str, str]:
        overdue = (
            f"Bevakningen är försenad sedan {row.earliest_overdue_due.isoformat()}."
            if row.overdue_count == 1
            else f"{row.overdue_count} bevakningar är försenade, den äldsta sedan "
            f"{row.earliest_overdue_due.isoformat()}."
            if row.overdue_count
            else ""
        )
        return {
            "Mån. bistånd": f"Långvarigt bistånd: {row.assistance_months} av 12 månader.",
            "Plan": "Saknar plan.",
            "BKA": f"Barn utan barnkonsekvensanalys: {row.bka_missing} beslut saknar den.",
            "Förfallna bevakningar": overdue,
        }

    flagged_in = {"Mån. bistånd": "long_dependence", "Plan": "lacks_plan", "BKA": "lacks_bka"}
    flagged_in["Förfallna bevakningar"] = "overdue"
    seen: set[str] = set()
    for r in range(model.rowCount()):
        row = model.row_at(r)
        for title, attribute in flagged_in.items():
            if title in seen or not getattr(row, attribute):
                continue
            seen.add(title)
            column = headers.index(title)
            cell = model.index(r, column)
            shown = cell.data().removeprefix(FLAG_MARK)
            reason = why(row)[title]
            assert cell.data(ACCESSIBLE) == f"{shown}. {reason}", title
            assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith(f"{shown}\n{reason}"), title
            assert "Flaggad" not in cell.data(ACCESSIBLE)
    assert seen == set(flagged_in), "the demo data has a case with each flag"
