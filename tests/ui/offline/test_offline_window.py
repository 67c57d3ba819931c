"""Offline on the laptop, end to end as the handläggare works: take a case along, open the
offline window, write a journal entry there, come back and sync: the entry is at the
office, once."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from app.models import JournalEntry
from app.offline import leases, offline_replica, sync
from app.ui.context import AppContext
from app.ui.main_window import MainWindow
from app.ui.offline.checkout_dialog import CheckOutDialog
from app.ui.offline.conflicts_dialog import ConflictsDialog
from tests.helpers import type_text

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
OFFLINE_PASSWORD = "offline-lösen-för-hembesök"


def _take_along(qtbot, main_window, monkeypatch, row) -> None:
    """Arkiv → Ta med på hembesök with the case selected in Mina ärenden (ticked already)."""
    main_window.my_cases_view.select_where(lambda r: r.case_id == row.case_id)
    shown: list[CheckOutDialog] = []
    monkeypatch.setattr(CheckOutDialog, "exec", lambda self: shown.append(self) or 0)
    main_window.check_out_cases()
    [dialog] = shown
    assert dialog.chosen_case_ids() == [row.case_id]
    type_text(dialog.offline_password, OFFLINE_PASSWORD)
    type_text(dialog.offline_password_again, OFFLINE_PASSWORD)
    qtbot.mouseClick(dialog.take_button, LEFT)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=20_000)


def _offline_window(qtbot, replica, actor, path) -> MainWindow:
    """`arendestod --offline`: the replica's window."""
    window = MainWindow(AppContext(replica, actor=actor, replica_path=path))
    qtbot.addWidget(window)
    window.show()
    return window


def _write_entry(qtbot, view, title: str, text: str) -> None:
    view.tabs.setCurrentWidget(view.journal_tab)
    tab = view.journal_tab
    qtbot.mouseClick(tab.new_button, LEFT)
    type_text(tab.title, title)
    type_text(tab.text, text)
    qtbot.mouseClick(tab.save_button, LEFT)


def _written_offline(qtbot, main_window, caseworker, tmp_path, monkeypatch, text: str):
    """Take the first of Mina ärenden along, write an entry in the offline window, close it;
    the case's row."""
    caseworker.replica_path = tmp_path / "replika.sqlcipher"
    row = main_window.my_cases_model.rows[0]
    _take_along(qtbot, main_window, monkeypatch, row)
    replica, actor = offline_replica.open_offline(
        caseworker.replica_path, password=OFFLINE_PASSWORD
    )
    try:
        window = _offline_window(qtbot, replica, actor, caseworker.replica_path)
        _write_entry(qtbot, window.open_case(row.case_id), "", text)
        window.close()
    finally:
        replica.dispose()
    return row


def test_written_offline_and_synced_at_the_office(
    qtbot, main_window, caseworker, demo_database, tmp_path, dialogs, memory_keyring, monkeypatch
) -> None:
    caseworker.replica_path = tmp_path / "replika.sqlcipher"
    row = main_window.my_cases_model.rows[0]
    _take_along(qtbot, main_window, monkeypatch, row)

    replica, actor = offline_replica.open_offline(
        caseworker.replica_path, password=OFFLINE_PASSWORD
    )
    try:
        window = _offline_window(qtbot, replica, actor, caseworker.replica_path)
        assert window.windowTitle().endswith("– offline")
        assert "Offline." in window.connection_banner.text()
        assert window.connection_banner.isVisible() and not window.new_case_button.isVisible()
        assert [r.case_id for r in window.my_cases_model.rows] == [row.case_id]
        view = window.open_case(row.case_id)
        assert "Utcheckat till den här datorn</b> till och med 24 november 2026" in (
            view.lease_banner.text()
        )
        _write_entry(qtbot, view, "Hembesök", "Skrivet vid köksbordet, utan nätverk.")
        window.close()

        with demo_database.sessions() as server, replica.sessions() as local:
            report = sync.sync(server, local, caseworker.actor)
    finally:
        replica.dispose()
    assert report.conflicts == 0 and report.pushed >= 2  # the entry and the offline reads
    with demo_database.sessions() as server:
        written = JournalEntry.text == "Skrivet vid köksbordet, utan nätverk."
        assert server.scalar(select(func.count()).select_from(JournalEntry).where(written)) == 1


def test_synchronise_and_check_in_from_the_office_window(
    qtbot, main_window, caseworker, demo_database, tmp_path, dialogs, memory_keyring, monkeypatch
) -> None:
    _written_offline(
        qtbot, main_window, caseworker, tmp_path, monkeypatch, "Skrivet på bussen hem."
    )
    dialogs.clear()

    main_window.offline_actions.sync_now()  # Arkiv → Synkronisera offlinedatabasen
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20_000)
    assert dialogs[0].startswith("Skickade ") and dialogs[0].endswith("hämtade 1 ärende.")
    dialogs.clear()
    main_window.offline_actions.check_in()  # Arkiv → Checka in hembesöksärendena
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20_000)
    assert dialogs[0].startswith("Ärendena är incheckade och borttagna från datorn.")
    with demo_database.sessions() as server:
        written = JournalEntry.text == "Skrivet på bussen hem."
        assert server.scalar(select(func.count()).select_from(JournalEntry).where(written)) == 1
    assert caseworker.call(lambda s, a: leases.my_leases(s, a)) == []


def test_changes_to_a_case_now_on_a_colleagues_laptop_come_back_refused_with_the_reason(
    qtbot,
    main_window,
    caseworker,
    chef,
    demo_database,
    tmp_path,
    dialogs,
    memory_keyring,
    monkeypatch,
) -> None:
    """Sara's laptop stayed at a hembesök; her chef took the case back and along on her own
    laptop. Sara's sync tells her, in words, that her entry was not taken and where it is."""
    row = _written_offline(
        qtbot, main_window, caseworker, tmp_path, monkeypatch, "Skrivet hos familjen."
    )

    def hand_to_chef(session, manager) -> None:
        lease = leases.lease_of_case(session, manager, row.case_id)
        assert lease is not None
        leases.revoke(session, manager, lease.lease_id, expected_version=lease.version)
        leases.check_out(
            session, manager, [row.case_id], due_on=lease.due_on, replica_id=uuid.uuid4()
        )

    chef.call(hand_to_chef)
    conflicts_shown: list[ConflictsDialog] = []
    monkeypatch.setattr(ConflictsDialog, "exec", lambda self: conflicts_shown.append(self) or 0)
    dialogs.clear()
    main_window.offline_actions.sync_now()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20_000)
    assert "Servern tog inte emot 1 av ändringarna:" in dialogs[0]
    assert "• Ärendet är utcheckat för hembesök av Eva Lind till och med " in dialogs[0]
    assert f"Gäller: {row.case_number}, journalanteckning." in dialogs[0]
    assert "Konflikter från synkronisering" in dialogs[0]
    assert len(conflicts_shown) == 1  # and the conflicts open for her to choose
    with demo_database.sessions() as server:
        written = JournalEntry.text == "Skrivet hos familjen."
        assert server.scalar(select(func.count()).select_from(JournalEntry).where(written)) == 0
