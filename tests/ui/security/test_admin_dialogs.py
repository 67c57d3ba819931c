"""Administrator dialogs: the delegationsordning and the users (riksnorm tables: tests/ui/norms)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from app.decisions import decisions
from app.models import DecisionKind, DelegationScope
from app.security import accounts
from app.ui.decisions.delegations_dialog import DelegationsDialog
from app.ui.security.users_dialog import UsersDialog
from tests.helpers import type_text
from tests.ui.forms.test_form_versions import login_admin


@pytest.fixture
def admin(demo_database):
    return login_admin(demo_database)


def test_delegation_dialog_grants_with_a_limit(qtbot, admin, caseworker) -> None:
    dialog = DelegationsDialog(admin)
    qtbot.addWidget(dialog)
    dialog.user.setCurrentIndex(dialog.user.findData(str(caseworker.actor.id)))
    dialog.kind.setCurrentIndex(dialog.kind.findData(DecisionKind.BEYOND_RIGHT.value))
    assert dialog.scope.currentData() == DelegationScope.GRANT.value  # bevilja first
    dialog.limit.setText("5 000")
    qtbot.mouseClick(_button(dialog, "Spara delegation"), Qt.MouseButton.LeftButton)
    row = next(r for r in dialog.model.rows if r.user_id == caseworker.actor.id)
    assert row.rights[(DecisionKind.BEYOND_RIGHT, DelegationScope.GRANT)] == Decimal("5000.00")
    assert _cell_text(dialog, row, DecisionKind.BEYOND_RIGHT, DelegationScope.GRANT) == (
        "Upp till 5 000,00 kr"
    )
    assert _cell_text(dialog, row, DecisionKind.BEYOND_RIGHT, DelegationScope.REFUSE) == ""
    ok = caseworker.call(
        lambda s, a: decisions.has_delegation(s, a, DecisionKind.BEYOND_RIGHT, Decimal("5000"))
    )
    too_much = caseworker.call(
        lambda s, a: decisions.has_delegation(s, a, DecisionKind.BEYOND_RIGHT, Decimal("5000.01"))
    )
    assert ok and not too_much
    dialog.limit.setText("-1")
    qtbot.mouseClick(_button(dialog, "Spara delegation"), Qt.MouseButton.LeftButton)
    assert "negativt" in dialog.error.text()


def test_delegation_dialog_shows_and_sets_the_right_to_refuse(qtbot, admin, caseworker) -> None:
    """Issue 19, defect 7: refusing is a right of its own, limited by the amount applied for."""
    dialog = DelegationsDialog(admin)
    qtbot.addWidget(dialog)
    headers = [
        dialog.model.headerData(i, Qt.Orientation.Horizontal)
        for i in range(dialog.model.columnCount())
    ]
    assert headers[2:4] == ["Försörjningsstöd: bevilja", "Försörjningsstöd: avslå"]
    dialog.user.setCurrentIndex(dialog.user.findData(str(caseworker.actor.id)))
    # the demo's handläggare may both grant and refuse försörjningsstöd up to 30 000 kr
    row = next(r for r in dialog.model.rows if r.user_id == caseworker.actor.id)
    assert _cell_text(dialog, row, DecisionKind.SUPPORT, DelegationScope.REFUSE) == (
        "Upp till 30 000,00 kr"
    )
    beyond = DecisionKind.BEYOND_RIGHT
    dialog.kind.setCurrentIndex(dialog.kind.findData(beyond.value))
    dialog.scope.setCurrentIndex(dialog.scope.findData(DelegationScope.REFUSE.value))
    dialog.limit.setText("12 000")
    qtbot.mouseClick(_button(dialog, "Spara delegation"), Qt.MouseButton.LeftButton)
    row = next(r for r in dialog.model.rows if r.user_id == caseworker.actor.id)
    assert _cell_text(dialog, row, beyond, DelegationScope.REFUSE) == "Upp till 12 000,00 kr"
    assert _cell_text(dialog, row, beyond, DelegationScope.GRANT) == ""
    refuse = caseworker.call(
        lambda s, a: decisions.has_delegation(
            s, a, beyond, Decimal("12000"), DelegationScope.REFUSE
        )
    )
    grant = caseworker.call(lambda s, a: decisions.has_delegation(s, a, beyond, Decimal("1")))
    assert refuse and not grant
    dialog.scope.setCurrentIndex(dialog.scope.findData(""))  # both
    dialog.limit.setText("")
    qtbot.mouseClick(_button(dialog, "Spara delegation"), Qt.MouseButton.LeftButton)
    row = next(r for r in dialog.model.rows if r.user_id == caseworker.actor.id)
    assert row.rights[(beyond, DelegationScope.GRANT)] is None
    assert row.rights[(beyond, DelegationScope.REFUSE)] is None
    assert _cell_text(dialog, row, beyond, DelegationScope.GRANT) == "Ja"


def _cell_text(dialog, row, kind: DecisionKind, scope: DelegationScope) -> str:
    column = 2 + 2 * list(DecisionKind).index(kind) + list(DelegationScope).index(scope)
    index = dialog.model.index(dialog.model.rows.index(row), column)
    return (index.data() or "").replace("\xa0", " ")


def _button(dialog, text: str):
    from PySide6.QtWidgets import QPushButton

    return next(b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == text)


def test_users_dialog_adds_and_inactivates_a_user(qtbot, admin, demo_database) -> None:
    dialog = UsersDialog(admin)
    qtbot.addWidget(dialog)
    dialog.show()
    names = [r.full_name for r in dialog.model.rows]
    assert "Sara Nilsson" in names and "Eva Lind" in names
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # nothing filled in
    assert "Användarnamnet" in dialog.errors["username"].text()
    type_text(dialog.full_name, "Åsa Öberg")
    type_text(dialog.username, "Asa.Oberg")
    type_text(dialog.password, "elva-tecken")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert "minst 12 tecken" in dialog.errors["password"].text()
    assert dialog.full_name.text() == "Åsa Öberg"  # nothing typed is lost
    dialog.password.clear()
    type_text(dialog.password, "hemligt-lösen")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.errors["password"].text() == ""
    added = dialog.table.current_row()
    assert (added.full_name, added.username, added.active) == ("Åsa Öberg", "asa.oberg", True)
    assert dialog.full_name.text() == ""
    with demo_database.sessions() as session:
        assert accounts.login(session, "asa.oberg", "hemligt-lösen") is not None
    qtbot.mouseClick(dialog.toggle_button, Qt.MouseButton.LeftButton)
    inactive = dialog.table.current_row()
    assert (inactive.username, inactive.active) == ("asa.oberg", False)
    model = dialog.table.model()
    row = next(r for r in range(model.rowCount()) if model.index(r, 1).data() == "asa.oberg")
    assert model.index(row, 4).data() == "Nej"
    with demo_database.sessions() as session:
        assert accounts.login(session, "asa.oberg", "hemligt-lösen") is None


def test_users_menu_is_for_administrators_only(main_window, admin) -> None:
    from app.ui.main_window import MainWindow

    def actions(window) -> set[str]:
        return {a.text() for m in window.menuBar().actions() for a in m.menu().actions()}

    assert "Anv&ändare …" not in actions(main_window)
    admin_window = MainWindow(admin)
    assert "Anv&ändare …" in actions(admin_window)
    admin_window.close()
