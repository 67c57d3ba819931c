"""Two workstations edit the same row: the second save is refused, nothing is overwritten
(optimistic locking on `version`, VersionedMixin), on SQLite and on PostgreSQL; on
PostgreSQL also when the two transactions truly overlap."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy.orm.exc import StaleDataError

from app.cases.case_register import change_status
from app.common.errors import StaleRecordError
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import Case, CaseStatus, JournalEntry
from app.ui.widgets.messages import user_message

DRAFT = JournalDraft(date(2026, 11, 23), "anteckning", "Samtal", "Första versionen.")


@pytest.fixture
def draft_id(db, session, make_case, caseworker):
    case = make_case()
    entry = journal.create_entry(session, caseworker, case.id, DRAFT)
    session.commit()
    return entry.id


def test_the_second_save_of_a_journal_draft_is_refused(db, draft_id, caseworker) -> None:
    with db.sessions() as first, db.sessions() as second:
        # both workstations have the draft open (version 1); a screen keeps what it shows
        on_a = first.get(JournalEntry, draft_id)
        on_b = second.get(JournalEntry, draft_id)
        assert on_a.version == on_b.version == 1
        journal.update_draft(first, caseworker, draft_id, replace(DRAFT, text="Från dator A."))
        first.commit()
        with pytest.raises(StaleDataError) as caught:
            journal.update_draft(second, caseworker, draft_id, replace(DRAFT, text="Från B."))
            second.commit()
        second.rollback()
    assert "Ingenting skrevs över" in user_message(caught.value)
    with db.sessions() as fresh:
        entry = fresh.get(JournalEntry, draft_id)
        assert (entry.text, entry.version) == ("Från dator A.", 2)


def test_a_status_change_on_a_stale_screen_is_refused(db, session, make_case, caseworker):
    case = make_case()
    session.commit()
    shown_version = case.version  # what both screens show
    with db.sessions() as first:
        change_status(
            first, caseworker, case.id, CaseStatus.INVESTIGATION, expected_version=shown_version
        )
        first.commit()
    with db.sessions() as second, pytest.raises(StaleRecordError):
        change_status(
            second, caseworker, case.id, CaseStatus.ACTIVE, expected_version=shown_version
        )
    with db.sessions() as fresh:
        assert fresh.get(Case, case.id).status is CaseStatus.INVESTIGATION


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_overlapping_transactions_on_the_server(db, draft_id, caseworker) -> None:
    """B writes while A's transaction still holds the row: B waits for A, then finds the
    version changed and is refused, instead of overwriting A."""
    a_wrote = threading.Event()
    outcome: dict[str, object] = {}

    def workstation_b() -> None:
        with db.sessions() as second:
            shown = second.get(JournalEntry, draft_id)
            assert shown.version == 1
            a_wrote.wait(5)
            try:
                journal.update_draft(second, caseworker, draft_id, replace(DRAFT, text="B"))
                second.commit()
                outcome["b"] = "saved"
            except StaleDataError:
                second.rollback()
                outcome["b"] = "refused"

    with db.sessions() as first:
        shown = first.get(JournalEntry, draft_id)
        assert shown.version == 1
        journal.update_draft(first, caseworker, draft_id, replace(DRAFT, text="A"))
        first.flush()  # A holds the row lock, uncommitted
        b = threading.Thread(target=workstation_b)
        b.start()
        a_wrote.set()
        b.join(0.5)
        assert b.is_alive(), "B must wait for A's transaction"
        first.commit()
    b.join(5)
    assert outcome == {"b": "refused"}
    with db.sessions() as fresh:
        assert fresh.get(JournalEntry, draft_id).text == "A"
