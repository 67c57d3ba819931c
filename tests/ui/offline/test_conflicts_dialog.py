"""Konflikter från synkronisering, as the user resolves them: pick a row, press a button,
read what the case now says."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.common import clock
from app.models import Case, ConflictStatus, Household, SyncConflict
from app.ui.offline.conflicts_dialog import ConflictsDialog

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def conflict(caseworker, demo_database):
    """The household's city changed at the office and, differently, on Sara's laptop."""
    with demo_database.sessions.begin() as session:
        case = session.scalar(
            select(Case).where(Case.responsible_user_id == caseworker.actor.id).limit(1)
        )
        household = session.get(Household, case.household_id)
        household.city = "Kontorsby"
        session.add(
            SyncConflict(
                change_id=clock.new_id(),
                case_id=case.id,
                table_name="households",
                row_id=household.id,
                field="city",
                base_json='"Gamla staden"',
                server_json='"Kontorsby"',
                replica_json='"Laptopstad"',
                reason="Ändrat både på kontoret och på den bärbara datorn.",
                made_by=caseworker.actor.id,
                made_at=clock.now(),
            )
        )
        return case.case_number, household.id


def test_choosing_the_laptops_value(qtbot, caseworker, demo_database, conflict) -> None:
    case_number, household_id = conflict
    dialog = ConflictsDialog(caseworker)
    qtbot.addWidget(dialog)
    dialog.show()
    [row] = dialog.model.rows
    shown = [dialog.model.data(dialog.model.index(0, c)) for c in range(4)]
    assert shown == [case_number, "Hushåll: ort", "Kontorsby", "Laptopstad"]
    assert not dialog.empty_label.isVisible()
    qtbot.mouseClick(dialog.take_button, LEFT)
    assert dialog.model.rows == [] and dialog.empty_label.isVisible()
    assert not dialog.take_button.isEnabled()
    with demo_database.sessions() as session:
        assert session.get(Household, household_id).city == "Laptopstad"
        assert session.get(SyncConflict, row.id).status is ConflictStatus.TOOK_REPLICA


def test_keeping_the_office_value_from_the_keyboard(
    qtbot, caseworker, demo_database, conflict, dialogs
) -> None:
    _case_number, household_id = conflict
    dialog = ConflictsDialog(caseworker)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)  # mnemonics reach the active window only
    [row] = dialog.model.rows
    assert dialog.focusWidget() is dialog.table  # the first conflict chosen and focused
    qtbot.keyClick(dialog.table, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.keep_button
    qtbot.keyClick(dialog.keep_button, Qt.Key.Key_Space)
    assert dialogs == []
    assert dialog.model.rows == []
    with demo_database.sessions() as session:
        assert session.get(Household, household_id).city == "Kontorsby"
        assert session.get(SyncConflict, row.id).status is ConflictStatus.KEPT_SERVER
