"""Every input of the delgivning dialog, the Överklaganden tab and its dialogs has a name a
screen reader says, and the tab works from the keyboard (its mnemonic, the buttons')."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from app.appeals import appeal_register, delivery
from app.appeals.appeal_register import AppealInput
from app.appeals.delivery import DeliveryInput
from app.deadlines import appeal_deadlines
from app.models import DeliveryMethod, Timeliness
from app.ui.appeals.appeal_dialogs import (
    DismissalDialog,
    ReconsiderationDialog,
    RegisterAppealDialog,
    TimelinessDialog,
)
from app.ui.appeals.delivery_dialog import DeliveryDialog
from tests.ui.accessibility import Walk, dialogs_walked


def _late_and_in_time_appeals(context, decision_id, decided_on) -> None:
    last = appeal_deadlines.appeal_last_day(decided_on)
    with context.database.sessions.begin() as session:
        actor = context.logged_in
        delivery.record_delivery(
            session,
            actor,
            decision_id,
            DeliveryInput(DeliveryMethod.RECEIPT, delivered_on=decided_on),
        )
        case_id = session.get(appeal_register.Decision, decision_id).case_id
        for received in (last, last + timedelta(days=1)):
            appeal = appeal_register.register_appeal(
                session,
                actor,
                case_id,
                AppealInput(decision_id, received, claims="Ändra beslutet."),
            )
            appeal_register.record_timeliness(
                session,
                actor,
                appeal.id,
                Timeliness.IN_TIME if received == last else Timeliness.LATE,
            )


def test_the_appeal_windows_name_every_tab_stop(
    qtbot,
    main_window,
    caseworker,
    signed,
    monkeypatch,
) -> None:
    view, decision_id, decided_on = signed
    _late_and_in_time_appeals(caseworker, decision_id, decided_on)
    walk = Walk()
    decisions_tab = view.decisions_tab
    view.tabs.setCurrentWidget(decisions_tab)
    assert decisions_tab.view.select_where(lambda row: row.id == decision_id)
    with dialogs_walked(walk, monkeypatch, "Beslut") as seen:
        decisions_tab.delivery_button.click()
    tab = view.appeals_tab
    view.tabs.setCurrentWidget(tab)
    walk.check(tab, "Överklaganden")
    with dialogs_walked(walk, monkeypatch, "Överklaganden") as more:
        tab.register_button.click()
        assert tab.view.select_where(lambda row: row.timeliness is Timeliness.IN_TIME)
        tab.timeliness_button.click()
        tab.reconsider_button.click()
        assert tab.view.select_where(lambda row: row.timeliness is Timeliness.LATE)
        tab.dismiss_button.click()
    assert [type(d) for d in seen + more] == [
        DeliveryDialog,
        RegisterAppealDialog,
        TimelinessDialog,
        ReconsiderationDialog,
        DismissalDialog,
    ]
    assert walk.stops > 20
    assert not walk.problems, "Utan namn för skärmläsare:\n" + walk.report()


def test_the_tab_is_reached_and_used_from_the_keyboard(
    qtbot,
    main_window,
    caseworker,
    signed,
    monkeypatch,
) -> None:
    view, decision_id, decided_on = signed
    _late_and_in_time_appeals(caseworker, decision_id, decided_on)
    main_window.tabs.setCurrentWidget(view)
    labels = [view.tabs.tabText(i) for i in range(view.tabs.count())]
    assert "Överkla&ganden" in labels
    view.tabs.setCurrentIndex(labels.index("Överkla&ganden"))
    tab = view.appeals_tab
    texts = [b.text() for b in tab.findChildren(QPushButton)]
    assert {"&Registrera överklagande …", "Rätt&idsprövning …", "O&mprövning …",
            "Avvisningsb&eslut …", "&Återkallat …"} <= set(texts)  # fmt: skip
    opened: list[str] = []
    monkeypatch.setattr(
        RegisterAppealDialog, "exec", lambda dialog: opened.append(dialog.windowTitle()) or 0
    )
    tab.view.setFocus()
    qtbot.keyClick(tab.register_button, Qt.Key.Key_Space)
    assert opened == ["Registrera överklagande"]
    # the court's panel below the list follows the selected appeal
    assert tab.court_area.itemAt(0).widget() is tab.court_panel
    assert tab.court_panel.history is not None
    assert tab.court_panel.history.appeal_id == tab.selected_id()


def test_a_case_checked_out_elsewhere_shows_its_appeals_but_holds_the_buttons(
    qtbot, main_window, caseworker, signed
) -> None:
    import uuid

    from app.common import clock
    from app.offline import leases

    view, decision_id, decided_on = signed
    _late_and_in_time_appeals(caseworker, decision_id, decided_on)
    main_window.close_tab(main_window.tabs.indexOf(view))
    case_id = view.case_id
    caseworker.call(
        lambda s, a: leases.check_out(
            s, a, [case_id], due_on=clock.today() + timedelta(days=1), replica_id=uuid.uuid4()
        )
    )
    view = main_window.open_case(case_id)
    tab = view.appeals_tab
    decisions_tab = view.decisions_tab
    assert len(tab.model.rows) == 2  # read as ever
    assert tab.view.select_where(lambda row: row.timeliness is Timeliness.LATE)
    decisions_tab.view.select_where(lambda row: row.id == decision_id)
    held = [*tab.edit_buttons, decisions_tab.delivery_button]
    assert not any(b.isEnabled() for b in held), [b.text() for b in held if b.isEnabled()]
    assert all("utcheckat" in b.toolTip() for b in held)
