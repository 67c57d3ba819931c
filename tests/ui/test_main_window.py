"""Searching and opening cases from the main window, as a handläggare does it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QTableView
from sqlalchemy import select

from app.cases import case_register
from app.common.identity_number import format_identity_number
from app.journal import journal
from app.models import AuditEntry, CaseStatus
from app.ui.cases.case_view import CaseView
from app.ui.journal.journal_tab import JournalTab
from app.ui.main_window import CASE_LIST_POLL_MS
from tests.helpers import type_text


def _type_search(qtbot, window, text: str) -> None:
    window.search_field.clear()
    type_text(window.search_field, text)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)


def test_my_cases_lists_the_caseworkers_open_cases(main_window) -> None:
    rows = main_window.my_cases_model.rows
    assert rows, "Sara has demo cases"
    assert all(r.status.value != "avslutad" for r in rows)
    assert f"{len(rows)} öppna ärenden" in main_window.my_cases_info.text()
    # the list is ordered by the next bevakning, earliest first
    view = main_window.my_cases_view
    shown = [view.proxy.index(i, 4).data() for i in range(view.proxy.rowCount())]
    dated = [text[:10] for text in shown if text]
    assert dated == sorted(dated)


def test_search_by_personnummer_in_short_form_opens_the_case(qtbot, main_window) -> None:
    row = main_window.my_cases_model.rows[0]
    digits = row.personal_number.replace("-", "")
    short_form = f"{digits[2:8]}-{digits[8:]}"  # ÅÅMMDD-NNNN, as people often write it
    _type_search(qtbot, main_window, short_form)
    view = main_window.tabs.currentWidget()
    assert isinstance(view, CaseView)
    assert view.case_id == row.case_id
    assert row.case_number in view.header_label.text()
    assert format_identity_number(digits) in view.header_label.text()


def test_search_by_name_lists_hits_and_enter_opens_one(qtbot, main_window) -> None:
    row = main_window.my_cases_model.rows[0]
    last_name = row.applicant_name.split()[-1]
    _type_search(qtbot, main_window, last_name.lower())
    hits = main_window.search_hits()
    assert hits
    assert all(last_name in hit.person_name for hit in hits)
    if len(hits) > 1:
        assert main_window.tabs.currentWidget() is main_window.search_page
        assert f"{len(hits)} träffar" in main_window.search_message.text()
        qtbot.keyClick(main_window.search_view, Qt.Key.Key_Return)
    assert isinstance(main_window.tabs.currentWidget(), CaseView)


def test_bad_searches_explain_themselves(qtbot, main_window) -> None:
    _type_search(qtbot, main_window, "19811218-9877")
    assert "Kontrollsiffran" in main_window.search_message.text()
    assert main_window.search_model.rowCount() == 0
    _type_search(qtbot, main_window, "'; DROP TABLE persons; --")
    assert main_window.search_model.rowCount() == 0
    assert "Inga ärenden" in main_window.search_message.text()
    _type_search(qtbot, main_window, "Zyxwvåäö\u200b")
    assert "Inga ärenden" in main_window.search_message.text()


def test_opening_a_case_is_audited(main_window, caseworker) -> None:
    row = main_window.my_cases_model.rows[0]
    main_window.open_case(row.case_id)
    with caseworker.database.sessions() as session:
        opened = session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == row.case_id,
                AuditEntry.action == "open",
                AuditEntry.entity == "case",
            )
        ).all()
    assert len(opened) == 1
    assert opened[0].user_id == caseworker.actor.id


def test_a_case_opens_on_its_overview_and_reads_another_tab_when_it_is_picked(
    qtbot, main_window, caseworker
) -> None:
    """Only Översikt is read and built when a case opens (the case is painted sooner); the
    journal is read, shown and logged when the user picks its tab, and once built it stays."""
    row = main_window.my_cases_model.rows[0]
    view = main_window.open_case(row.case_id)

    def journal_reads() -> int:
        with caseworker.database.sessions() as session:
            reads = session.scalars(
                select(AuditEntry.id).where(
                    AuditEntry.case_id == row.case_id,
                    AuditEntry.action == "open",
                    AuditEntry.entity == "journal",
                )
            )
            return len(reads.all())

    assert view.findChild(QTableView, "journalList") is None
    assert journal_reads() == 0
    bar = view.tabs.tabBar()
    assert [bar.tabText(i) for i in range(bar.count())] == [
        "Ö&versikt",
        "&Journal",
        "&Planering",
        "B&lanketter",
        "&Beslut",
        "Överkla&ganden",
    ]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    shown = view.tabs.currentWidget()
    assert isinstance(shown, JournalTab)
    assert shown.isVisible()
    assert journal_reads() == 1
    entries = caseworker.call(lambda s, a: journal.list_entries(s, a, row.case_id))
    assert shown.list_view.model().rowCount() == len(entries)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert view.tabs.currentWidget() is shown
    assert view.journal_tab is shown


def test_case_view_shows_household_and_hides_protected_address(main_window) -> None:
    row = main_window.my_cases_model.rows[0]
    view = main_window.open_case(row.case_id)
    overview = view.overview
    assert view.overview_tab.members_model.rowCount() == len(overview.members)
    names = [
        view.overview_tab.members_model.index(i, 0).data() for i in range(len(overview.members))
    ]
    assert any(overview.applicant.name in name for name in names)
    if overview.address_hidden:
        assert "Skyddade personuppgifter" in view.overview_tab.address.text()
    else:
        assert overview.address_lines[0] in view.overview_tab.address.text()


def test_keyboard_shortcuts_focus_search_and_close_tabs(qtbot, main_window) -> None:
    row = main_window.my_cases_model.rows[0]
    main_window.open_case(row.case_id)
    assert main_window.tabs.count() == 2
    qtbot.keyClick(
        main_window.tabs.currentWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier
    )
    assert main_window.tabs.count() == 1
    main_window.my_cases_view.setFocus()
    qtbot.keyClick(main_window.my_cases_view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert main_window.search_field.hasFocus()


def _listed(window) -> list[str]:
    model = window.my_cases_view.model()
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def test_my_cases_follows_changes_made_elsewhere(qtbot, main_window, chef) -> None:
    """A chef closes one of Sara's cases at her own desk; Sara's list drops it at the next
    poll (run off the GUI thread), keeps the case she had selected, and a poll without
    changes reads nothing."""
    before = _listed(main_window)
    assert len(before) >= 2
    main_window.my_cases_view.select_where(lambda row: row.case_number == before[1])
    closed = main_window.my_cases_model.rows[0]
    list_reads = _case_list_reads(main_window)
    _poll(qtbot, main_window)  # nothing changed: no reload
    assert _case_list_reads(main_window) == list_reads
    chef.call(
        lambda s, a: case_register.change_status(
            s, a, closed.case_id, CaseStatus.CLOSED, closing_reason="arbete"
        )
    )
    assert main_window.case_list_timer.isActive()
    assert main_window.case_list_timer.interval() == CASE_LIST_POLL_MS
    _poll(qtbot, main_window)
    after = _listed(main_window)
    assert closed.case_number not in after and len(after) == len(before) - 1
    assert main_window.my_cases_view.current_row().case_number == before[1]
    assert _case_list_reads(main_window) == list_reads + 1


def _poll(qtbot, window) -> None:
    window.case_list_timer.timeout.emit()
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(50)  # the result is delivered by a queued signal


def _case_list_reads(window) -> int:
    with window.context.database.sessions() as session:
        return len(
            session.scalars(select(AuditEntry).where(AuditEntry.entity == "case_list")).all()
        )
