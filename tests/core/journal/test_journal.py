"""Journal entries: drafts, signing, immutability, corrections and the read log."""

from __future__ import annotations

import re
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.common.errors import (
    AccessDenied,
    NotFound,
    SignedRecordError,
    StaleRecordError,
    ValidationFailed,
)
from app.journal.journal import (
    MAX_TEXT,
    JournalDraft,
    content_hash,
    create_entry,
    list_entries,
    sign_entry,
    update_draft,
)
from app.models import Application, AuditEntry, JournalEntry

TODAY = date(2026, 11, 23)
DRAFT = JournalDraft(TODAY, "telefon", "Samtal om handlingar", "Sökande ringde.\nHyresavi saknas.")
SIGNED_MESSAGE = "Anteckningen är signerad och kan inte ändras. Skriv ett tillägg i stället."


@pytest.fixture
def case(make_case):
    return make_case()


def audit_actions(session, entity: str) -> list[tuple[str, uuid.UUID | None]]:
    """(action, entity id) of the audit rows for `entity`, sorted (ids are random)."""
    return sorted(
        (r.action, r.entity_id)
        for r in session.scalars(select(AuditEntry).where(AuditEntry.entity == entity))
    )


def first_response(session, case) -> datetime | None:
    return session.scalar(
        select(Application.first_response_at).where(Application.case_id == case.id)
    )


class TestDrafts:
    def test_create_draft(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        stored = session.get(JournalEntry, entry.id)
        assert (stored.case_id, stored.entry_date, stored.entry_type) == (
            case.id,
            TODAY,
            "telefon",
        )
        assert stored.title == "Samtal om handlingar"
        assert stored.text == "Sökande ringde.\nHyresavi saknas."
        assert stored.author_id == caseworker.id
        assert stored.is_signed is False
        assert (stored.signed_at, stored.signed_by, stored.content_hash) == (None, None, None)
        assert stored.corrects_id is None
        assert stored.version == 1

    def test_text_and_title_are_trimmed_and_normalised(self, session, caseworker, case) -> None:
        draft = JournalDraft(TODAY, "anteckning", "  Cafe\u0301  ", "\n  Rad 1\r\nRad 2  \n")
        entry = create_entry(session, caseworker, case.id, draft)
        assert entry.title == "Café"
        assert entry.text == "Rad 1\nRad 2"

    def test_update_draft(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        new = JournalDraft(date(2026, 11, 20), "besok", "Besök", "Vi träffades på kontoret.")
        updated = update_draft(session, caseworker, entry.id, new, expected_version=1)
        assert (updated.entry_date, updated.entry_type, updated.title, updated.text) == (
            date(2026, 11, 20),
            "besok",
            "Besök",
            "Vi träffades på kontoret.",
        )
        assert updated.version == 2
        assert updated.is_signed is False

    def test_update_with_stale_version(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        update_draft(session, caseworker, entry.id, replace(DRAFT, text="Ny text"))
        with pytest.raises(StaleRecordError, match="ändrats i ett annat fönster"):
            update_draft(session, caseworker, entry.id, DRAFT, expected_version=1)
        assert session.get(JournalEntry, entry.id).text == "Ny text"

    def test_only_the_author_may_edit(self, session, caseworker, colleague, manager, case):
        entry = create_entry(session, caseworker, case.id, DRAFT)
        for actor in (colleague, manager):
            with pytest.raises(AccessDenied, match="Bara den som skrivit anteckningen"):
                update_draft(session, actor, entry.id, replace(DRAFT, text="Ändrat"))
            with pytest.raises(AccessDenied, match="Bara den som skrivit anteckningen"):
                sign_entry(session, actor, entry.id)
        stored = session.get(JournalEntry, entry.id)
        assert stored.text == DRAFT.text
        assert stored.is_signed is False

    def test_colleague_writes_own_entry_in_the_case(self, session, caseworker, colleague, case):
        entry = create_entry(session, colleague, case.id, DRAFT)
        assert entry.author_id == colleague.id
        with pytest.raises(AccessDenied):
            update_draft(session, caseworker, entry.id, DRAFT)

    def test_unknown_entry(self, session, caseworker, case) -> None:
        with pytest.raises(NotFound, match=re.escape("Journalanteckningen finns inte.")):
            update_draft(session, caseworker, uuid.uuid4(), DRAFT)
        with pytest.raises(NotFound):
            sign_entry(session, caseworker, uuid.uuid4())


class TestValidation:
    @pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
    def test_empty_text(self, session, caseworker, case, text) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, text=text))
        assert error.value.field_errors == {"text": "Texten måste fyllas i."}

    def test_future_date(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(
                session, caseworker, case.id, replace(DRAFT, entry_date=date(2026, 11, 24))
            )
        assert error.value.field_errors == {
            "entry_date": "En journalanteckning kan inte dateras i framtiden."
        }

    def test_today_in_sweden_counts(self, session, caseworker, case, set_clock) -> None:
        # 23:30 UTC on the 23rd is 00:30 on the 24th in Stockholm.
        set_clock(datetime(2026, 11, 23, 23, 30, tzinfo=UTC))
        entry = create_entry(
            session, caseworker, case.id, replace(DRAFT, entry_date=date(2026, 11, 24))
        )
        assert entry.entry_date == date(2026, 11, 24)

    def test_missing_date(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, entry_date=None))
        assert error.value.field_errors == {"entry_date": "Ange datum."}

    def test_text_of_20_001_characters(self, session, caseworker, case, count_rows) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, text="å" * (MAX_TEXT + 1)))
        assert error.value.field_errors == {
            "text": "Texten är för lång: 20001 tecken, högst 20000 är tillåtet."
        }
        assert count_rows(JournalEntry) == 0

    def test_text_of_20_000_characters(self, session, caseworker, case) -> None:
        assert MAX_TEXT == 20_000
        entry = create_entry(session, caseworker, case.id, replace(DRAFT, text="å" * 20_000))
        assert len(session.get(JournalEntry, entry.id).text) == 20_000

    def test_unknown_type(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, entry_type="skvaller"))
        assert error.value.field_errors == {"entry_type": "Välj en typ av anteckning."}

    def test_title_rules(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, title="Rad 1\nRad 2"))
        assert error.value.field_errors == {"title": "Rubriken får bara vara en rad."}
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, title="x" * 201))
        assert error.value.field_errors == {
            "title": "Rubriken är för lång: 201 tecken, högst 200 är tillåtet."
        }

    def test_control_characters_in_text(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, replace(DRAFT, text="Text\x00med NUL"))
        assert error.value.field_errors == {"text": "Texten innehåller otillåtna styrtecken."}

    def test_all_errors_at_once(self, session, caseworker, case) -> None:
        bad = JournalDraft(date(2027, 1, 1), "okänd", "a\nb", "")
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, bad)
        assert set(error.value.field_errors) == {"entry_type", "entry_date", "title", "text"}

    def test_update_is_validated_too(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        with pytest.raises(ValidationFailed) as error:
            update_draft(session, caseworker, entry.id, replace(DRAFT, text=" "))
        assert error.value.field_errors == {"text": "Texten måste fyllas i."}
        assert session.get(JournalEntry, entry.id).text == DRAFT.text


class TestSigning:
    def test_sign_sets_time_signer_and_hash(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        signed = sign_entry(session, caseworker, entry.id, expected_version=1)
        assert signed.signed_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert signed.signed_by == caseworker.id
        assert signed.is_signed is True
        assert re.fullmatch(r"[0-9a-f]{64}", signed.content_hash)
        assert signed.content_hash == content_hash(signed)

    def test_hash_survives_a_round_trip_and_detects_tampering(
        self, db, session, caseworker, case
    ) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        sign_entry(session, caseworker, entry.id)
        session.commit()
        with db.sessions() as fresh:
            stored = fresh.get(JournalEntry, entry.id)
            assert content_hash(stored) == stored.content_hash
            stored.text = stored.text + " (ändrad i efterhand)"
            assert content_hash(stored) != stored.content_hash
            fresh.rollback()

    def test_hash_covers_every_signed_field(self, session, caseworker, colleague, case) -> None:
        entry = sign_entry(
            session, caseworker, create_entry(session, caseworker, case.id, DRAFT).id
        )
        original = entry.content_hash
        for attr, value in (
            ("text", "annan text"),
            ("title", "annan rubrik"),
            ("entry_type", "besok"),
            ("entry_date", date(2026, 11, 22)),
            ("author_id", colleague.id),
            ("case_id", uuid.uuid4()),
        ):
            saved = getattr(entry, attr)
            setattr(entry, attr, value)
            assert content_hash(entry) != original, attr
            setattr(entry, attr, saved)
        assert content_hash(entry) == original
        session.expire(entry)

    def test_signed_entry_cannot_be_updated(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        sign_entry(session, caseworker, entry.id)
        with pytest.raises(SignedRecordError) as error:
            update_draft(session, caseworker, entry.id, replace(DRAFT, text="Ändrat"))
        assert str(error.value) == SIGNED_MESSAGE
        assert session.get(JournalEntry, entry.id).text == DRAFT.text

    def test_signed_entry_cannot_be_signed_again(self, session, caseworker, case, set_clock):
        entry = create_entry(session, caseworker, case.id, DRAFT)
        sign_entry(session, caseworker, entry.id)
        set_clock(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
        with pytest.raises(SignedRecordError, match="signerad och kan inte ändras"):
            sign_entry(session, caseworker, entry.id)
        assert session.get(JournalEntry, entry.id).signed_at == datetime(
            2026, 11, 23, 9, 0, tzinfo=UTC
        )

    def test_signed_entry_is_immutable_for_others_too(self, session, caseworker, colleague, case):
        entry = create_entry(session, caseworker, case.id, DRAFT)
        sign_entry(session, caseworker, entry.id)
        with pytest.raises(SignedRecordError):
            update_draft(session, colleague, entry.id, DRAFT)

    @pytest.mark.parametrize("entry_type", ["nybesok", "aterkoppling"])
    def test_first_response_set_by_signing(
        self, session, caseworker, case, set_clock, entry_type
    ) -> None:
        entry = create_entry(session, caseworker, case.id, replace(DRAFT, entry_type=entry_type))
        assert first_response(session, case) is None  # a draft does not answer anyone
        set_clock(datetime(2026, 11, 23, 13, 15, tzinfo=UTC))
        sign_entry(session, caseworker, entry.id)
        assert first_response(session, case) == datetime(2026, 11, 23, 13, 15, tzinfo=UTC)

    def test_first_response_is_not_moved_by_later_entries(
        self, session, caseworker, case, set_clock
    ) -> None:
        first = create_entry(
            session, caseworker, case.id, replace(DRAFT, entry_type="aterkoppling")
        )
        sign_entry(session, caseworker, first.id)
        set_clock(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
        later = create_entry(session, caseworker, case.id, replace(DRAFT, entry_type="nybesok"))
        sign_entry(session, caseworker, later.id)
        assert first_response(session, case) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    @pytest.mark.parametrize("entry_type", ["telefon", "anteckning", "besok", "hembesok"])
    def test_other_types_do_not_count_as_first_response(
        self, session, caseworker, case, entry_type
    ) -> None:
        entry = create_entry(session, caseworker, case.id, replace(DRAFT, entry_type=entry_type))
        sign_entry(session, caseworker, entry.id)
        assert first_response(session, case) is None

    def test_first_response_only_for_the_same_case(self, session, caseworker, case, make_case):
        other = make_case("19900101-2385", "Fatima", "Hassan")
        entry = create_entry(session, caseworker, other.id, replace(DRAFT, entry_type="nybesok"))
        sign_entry(session, caseworker, entry.id)
        assert first_response(session, case) is None
        assert first_response(session, other) == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


class TestCorrections:
    def test_correction_of_a_signed_entry(self, session, caseworker, case) -> None:
        original = create_entry(session, caseworker, case.id, DRAFT)
        sign_entry(session, caseworker, original.id)
        correction = create_entry(
            session,
            caseworker,
            case.id,
            replace(DRAFT, entry_type="rattelse", text="Rättelse: hyresavin fanns."),
            corrects_id=original.id,
        )
        assert correction.corrects_id == original.id
        assert session.get(JournalEntry, original.id).text == DRAFT.text

    def test_colleague_may_add_a_correction(self, session, caseworker, colleague, case) -> None:
        original = sign_entry(
            session, caseworker, create_entry(session, caseworker, case.id, DRAFT).id
        )
        correction = create_entry(session, colleague, case.id, DRAFT, corrects_id=original.id)
        assert correction.author_id == colleague.id

    def test_correction_of_a_draft_refused(self, session, caseworker, case, count_rows) -> None:
        draft = create_entry(session, caseworker, case.id, DRAFT)
        with pytest.raises(ValidationFailed) as error:
            create_entry(session, caseworker, case.id, DRAFT, corrects_id=draft.id)
        assert error.value.field_errors == {
            "corrects": "Ett tillägg måste gälla en signerad anteckning i samma ärende."
        }
        assert count_rows(JournalEntry) == 1

    def test_correction_of_an_entry_in_another_case_refused(
        self, session, caseworker, case, make_case
    ) -> None:
        other = make_case("19900101-2385", "Fatima", "Hassan")
        foreign = sign_entry(
            session, caseworker, create_entry(session, caseworker, other.id, DRAFT).id
        )
        with pytest.raises(ValidationFailed, match="samma ärende"):
            create_entry(session, caseworker, case.id, DRAFT, corrects_id=foreign.id)

    def test_correction_of_unknown_entry_refused(self, session, caseworker, case) -> None:
        with pytest.raises(ValidationFailed, match="signerad anteckning"):
            create_entry(session, caseworker, case.id, DRAFT, corrects_id=uuid.uuid4())


class TestAccess:
    def test_other_unit_and_administrator_cannot_write_or_read(
        self, session, caseworker, other_unit_caseworker, admin, case
    ) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        for actor in (other_unit_caseworker, admin):
            with pytest.raises(AccessDenied, match="inte behörighet"):
                create_entry(session, actor, case.id, DRAFT)
            with pytest.raises(AccessDenied, match="inte behörighet"):
                list_entries(session, actor, case.id)
            with pytest.raises(AccessDenied, match="inte behörighet"):
                sign_entry(session, actor, entry.id)

    def test_protected_case_closed_to_colleague(self, session, make_case, colleague, manager):
        case = make_case(protected=True)
        with pytest.raises(AccessDenied):
            list_entries(session, colleague, case.id)
        assert list_entries(session, manager, case.id) == []

    def test_refused_read_is_not_logged_as_read(self, session, other_unit_caseworker, case):
        with pytest.raises(AccessDenied):
            list_entries(session, other_unit_caseworker, case.id)
        assert audit_actions(session, "journal") == []


class TestListAndAudit:
    def test_list_newest_first_with_names(self, session, caseworker, colleague, case) -> None:
        older = create_entry(
            session, caseworker, case.id, replace(DRAFT, entry_date=date(2026, 11, 2))
        )
        sign_entry(session, caseworker, older.id)
        newer = create_entry(session, colleague, case.id, replace(DRAFT, entry_type="nybesok"))
        rows = list_entries(session, caseworker, case.id)
        assert [r.id for r in rows] == [newer.id, older.id]
        assert [(r.type_label, r.author_name, r.signer_name, r.is_signed) for r in rows] == [
            ("Nybesök", "Omar Haddad", "", False),
            ("Telefonsamtal", "Sara Nilsson", "Sara Nilsson", True),
        ]
        assert rows[1].signed_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert rows[1].version == 2

    def test_list_is_audited_as_open_journal(self, session, caseworker, case) -> None:
        list_entries(session, caseworker, case.id)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "journal")).all()
        assert [(r.action, r.case_id, r.user_id) for r in rows] == [
            ("open", case.id, caseworker.id)
        ]

    def test_every_write_is_audited(self, session, caseworker, case) -> None:
        entry = create_entry(session, caseworker, case.id, DRAFT)
        update_draft(session, caseworker, entry.id, replace(DRAFT, text="Ny"))
        sign_entry(session, caseworker, entry.id)
        assert audit_actions(session, "journal_entry") == [
            ("create", entry.id),
            ("sign", entry.id),
            ("update", entry.id),
        ]
        case_ids = set(
            session.scalars(select(AuditEntry.case_id).where(AuditEntry.entity == "journal_entry"))
        )
        assert case_ids == {case.id}

    def test_refused_update_writes_no_audit_row(self, session, caseworker, case) -> None:
        entry = sign_entry(
            session, caseworker, create_entry(session, caseworker, case.id, DRAFT).id
        )
        with pytest.raises(SignedRecordError):
            update_draft(session, caseworker, entry.id, DRAFT)
        assert [a for a, _ in audit_actions(session, "journal_entry")] == ["create", "sign"]
