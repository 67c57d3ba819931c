"""Writing, signing and correcting journal entries through the Journal tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select, update

from app.common.errors import SignedRecordError
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import JournalEntry
from tests.helpers import shown_pdf_preview, type_text

LEFT = Qt.MouseButton.LeftButton


def _write(qtbot, tab, title: str, text: str) -> None:
    qtbot.mouseClick(tab.new_button, LEFT)
    tab.title.clear()
    type_text(tab.title, title)
    tab.text.clear()
    type_text(tab.text, text)


def test_signed_entry_cannot_be_edited(qtbot, journal_tab, caseworker, dialogs) -> None:
    _write(qtbot, journal_tab, "Hembesök", "Vi gick igenom hushållets utgifter.")
    qtbot.mouseClick(journal_tab.sign_button, LEFT)
    assert dialogs == ["När anteckningen är signerad kan den inte ändras. Signera nu?"]
    current = journal_tab.current
    assert current is not None and current.is_signed
    # what the user sees: a read-only entry, no save or sign, an offer to write a tillägg
    assert journal_tab.text.isReadOnly()
    assert journal_tab.title.isReadOnly()
    assert not journal_tab.save_button.isEnabled()
    assert not journal_tab.sign_button.isEnabled()
    assert journal_tab.addendum_button.isEnabled()
    assert "Signerad" in journal_tab.state_label.text()
    # and the rule holds below the UI too
    with pytest.raises(SignedRecordError, match="signerad"):
        caseworker.call(
            lambda s, a: journal.update_draft(
                s, a, current.id, JournalDraft(current.entry_date, "anteckning", "", "Ändrat")
            )
        )
    with caseworker.database.sessions() as session:
        stored = session.get(JournalEntry, current.id)
        assert stored.text == "Vi gick igenom hushållets utgifter."
        assert stored.content_hash == journal.content_hash(stored)


def test_addendum_refers_to_the_signed_entry(qtbot, journal_tab, caseworker, dialogs) -> None:
    _write(qtbot, journal_tab, "Telefon", "Sökande ringde om hyran.")
    qtbot.mouseClick(journal_tab.sign_button, LEFT)
    signed = journal_tab.current
    qtbot.mouseClick(journal_tab.addendum_button, LEFT)
    assert not journal_tab.text.isReadOnly()
    type_text(journal_tab.text, "Rättelse: det gällde elräkningen.")
    qtbot.mouseClick(journal_tab.save_button, LEFT)
    with caseworker.database.sessions() as session:
        addendum = session.scalar(select(JournalEntry).where(JournalEntry.corrects_id == signed.id))
    assert addendum is not None
    assert addendum.text == "Rättelse: det gällde elräkningen."
    assert addendum.entry_type == "rattelse"


def test_empty_and_overlong_text_get_messages_and_lose_nothing(
    qtbot, journal_tab, caseworker
) -> None:
    before = caseworker.call(lambda s, a: len(journal.list_entries(s, a, journal_tab.case_id)))
    _write(qtbot, journal_tab, "Tom", "")
    qtbot.mouseClick(journal_tab.save_button, LEFT)
    assert "måste fyllas i" in journal_tab.errors["text"].text()
    assert journal_tab.errors["text"].isVisible()
    long_text = "å" * (journal.MAX_TEXT + 1)
    journal_tab.text.setPlainText(long_text)
    qtbot.mouseClick(journal_tab.save_button, LEFT)
    assert "för lång" in journal_tab.errors["text"].text()
    assert journal_tab.text.toPlainText() == long_text  # what was typed is still there
    after = caseworker.call(lambda s, a: len(journal.list_entries(s, a, journal_tab.case_id)))
    assert after == before


def test_odd_text_is_stored_exactly(qtbot, journal_tab, caseworker, dialogs) -> None:
    odd = "Robert'); DROP TABLE journal_entries;-- Åsa Öberg 😀 مرحبا e\u0301"
    _write(qtbot, journal_tab, "Udda tecken", odd)
    qtbot.mouseClick(journal_tab.save_button, LEFT)
    assert dialogs == []
    saved = journal_tab.current
    assert saved is not None and not saved.is_signed
    with caseworker.database.sessions() as session:
        stored = session.get(JournalEntry, saved.id)
    # stored NFC-normalised (e + combining acute becomes é), otherwise exactly as typed
    assert stored.text == odd.replace("e\u0301", "é")


def test_a_signing_the_server_recorded_later_shows_both_times(
    qtbot, journal_tab, caseworker, dialogs
) -> None:
    """Signed on a laptop during a hembesök, synced three hours later: the tab shows the
    signer's time and the time the server recorded (migration server_signing_rules)."""
    _write(qtbot, journal_tab, "Hembesök", "Vi gick igenom hushållets utgifter.")
    qtbot.mouseClick(journal_tab.sign_button, LEFT)
    signed = journal_tab.current
    assert signed is not None and signed.signed_at is not None
    assert "servern" not in journal_tab.state_label.text()  # the same time: said once
    with caseworker.database.sessions.begin() as session:
        session.execute(
            update(JournalEntry)
            .where(JournalEntry.id == signed.id)
            .values(signed_recorded_at=signed.signed_at + timedelta(hours=3))
        )
    journal_tab.reload(signed.id)
    assert "servern tog emot signaturen 2026-11-23 13:00" in journal_tab.state_label.text()


def test_journal_printout_contains_the_signed_text(
    qtbot, main_window, tmp_path, dialogs, monkeypatch
) -> None:
    row = main_window.my_cases_model.rows[0]
    view = main_window.open_case(row.case_id)
    tab = view.journal_tab
    _write(qtbot, tab, "Hembesök", "Familjen visade lägenheten. Åtgärd: ny säng till Zoë.")
    qtbot.mouseClick(tab.sign_button, LEFT)
    target = tmp_path / "journal.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    qtbot.mouseClick(view.print_button, LEFT)
    preview = shown_pdf_preview(qtbot, main_window)
    assert preview.page_count >= 1
    qtbot.mouseClick(preview.save_button, LEFT)
    assert "Sparad som" in preview.status.text()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert row.case_number in text
    assert "Familjen visade lägenheten. Åtgärd: ny säng till Zoë." in text
    assert "Signerad" in text and "Sara Nilsson" in text
    assert "Sida 1 av" in text


def test_a_register_look_up_shows_as_a_signed_entry_of_its_own_type(
    qtbot, journal_tab, caseworker
) -> None:
    """The look-up's answer (app.registers.lookups) is read in the journal like any signed
    entry; its type cannot be picked for an entry written by hand."""
    from datetime import date

    from app.models import Case
    from app.registers import lookups
    from app.registers.register_service import MonthRange

    with caseworker.database.sessions() as session:
        case = session.get(Case, journal_tab.case_id)
        person_id = case.household.members[0].person_id
    done = caseworker.call(
        lambda s, a: lookups.look_up(
            s, a, journal_tab.case_id, person_id, MonthRange.of(date(2026, 11, 1)), "ansokan"
        )
    )
    journal_tab.reload(select_id=done.result() and done.entry_id)
    assert journal_tab.current is not None and journal_tab.current.id == done.entry_id
    assert journal_tab.entry_type.currentText().startswith("Registeruppgifter")
    assert journal_tab.text.isReadOnly()
    assert "Ändamål: Prövning av ansökan om ekonomiskt bistånd." in journal_tab.text.toPlainText()
    qtbot.mouseClick(journal_tab.new_button, LEFT)
    index = journal_tab.entry_type.findData("registeruppgifter")
    assert not journal_tab.entry_type.model().item(index).isEnabled()
