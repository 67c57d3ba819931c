"""Hämta registeruppgifter from the journal (issue 24): the question runs off the GUI thread,
the answer becomes a signed journal entry shown in the journal, and each fault of the
register service reaches the user as a clear Swedish message in the dialog (which stays
open and keeps what she chose, so she can ask again)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.models import JournalEntry, RegisterAnswerRecord
from app.registers import adapters
from app.registers.simulator import Fault, Simulator, SimulatorConfig
from app.ui.registers.lookup_dialog import RegisterLookupDialog

LEFT = Qt.MouseButton.LeftButton


def _open_dialog(qtbot, main_window) -> tuple[object, RegisterLookupDialog]:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    tab = view.journal_tab
    view.tabs.setCurrentWidget(tab)
    qtbot.mouseClick(tab.lookup_button, LEFT)
    dialog = view.findChild(RegisterLookupDialog)
    assert dialog is not None and dialog.isVisible()
    return view, dialog


def _count(caseworker, model, case_id) -> int:
    with caseworker.database.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(model).where(model.case_id == case_id)
        )


def test_an_answer_becomes_a_signed_entry_in_the_journal(qtbot, main_window, caseworker):
    view, dialog = _open_dialog(qtbot, main_window)
    assert dialog.month.currentText() == "november 2026"  # the newest month begun
    qtbot.mouseClick(dialog.ask_button, LEFT)  # no purpose chosen
    qtbot.waitUntil(lambda: dialog.errors["purpose"].text() != "")
    assert "välj ett ändamål" in dialog.errors["purpose"].text()
    assert _count(caseworker, RegisterAnswerRecord, view.case_id) == 0
    dialog.purpose.setCurrentIndex(0)
    qtbot.mouseClick(dialog.ask_button, LEFT)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert dialog.lookup is not None and dialog.lookup.entry_id is not None
    assert _count(caseworker, RegisterAnswerRecord, view.case_id) == 1
    with caseworker.database.sessions() as session:
        entry = session.get(JournalEntry, dialog.lookup.entry_id)
        assert entry.entry_type == "registeruppgifter" and entry.signed_at is not None
    assert view.journal_tab.title.text() == "Registeruppgifter november 2026"


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        (Fault.TIMEOUT, "Registertjänsten svarade inte inom 30 sekunder."),
        (Fault.UNKNOWN_PERSON, "Registren känner inte till personnumret"),
        (Fault.PARTIAL, "Svar saknas från Försäkringskassan och CSN."),
        (Fault.UNAVAILABLE, "Registertjänsten går inte att nå just nu"),
    ],
)
def test_each_fault_is_said_in_the_dialog(
    qtbot, main_window, caseworker, monkeypatch, fault, words
) -> None:
    monkeypatch.setattr(adapters, "configured", lambda: Simulator(SimulatorConfig(fault=fault)))
    view, dialog = _open_dialog(qtbot, main_window)
    entries = _count(caseworker, JournalEntry, view.case_id)
    dialog.purpose.setCurrentIndex(1)
    qtbot.mouseClick(dialog.ask_button, LEFT)
    qtbot.waitUntil(lambda: dialog.message.isVisible(), timeout=10_000)
    assert words in dialog.message.text()
    assert dialog.isVisible() and dialog.ask_button.isEnabled()
    assert dialog.purpose.currentIndex() == 1  # kept, to ask again
    assert _count(caseworker, JournalEntry, view.case_id) == entries
    assert _count(caseworker, RegisterAnswerRecord, view.case_id) == 0
