"""A register look-up in a case (both engines): audited with who, which person, why and
when; the answer kept as a signed journal entry in the asker's name; a fault stores nothing
but the audit row of the failure; no look-up without a purpose or for another unit's case."""

from __future__ import annotations

import uuid
from datetime import date

import psycopg
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.common.errors import AccessDenied, ServiceError, ValidationFailed
from app.db.database import open_database
from app.journal import journal
from app.models import AuditEntry, Case, JournalEntry, RegisterAnswerRecord
from app.registers import lookups, register_answers
from app.registers.register_service import MonthRange, PartialAnswer, RegisterTimeout
from app.registers.simulator import Fault, Simulator, SimulatorConfig
from app.security import audit_review
from app.security.actor import Actor
from tests.core.security.test_server_access_control import on_postgresql

NOVEMBER = MonthRange.of(date(2026, 11, 1))


class Recording(Simulator):
    """The simulator, counting the questions it is asked."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        super().__init__(config)
        self.asked = 0

    def incomes_and_benefits(self, request):
        self.asked += 1
        return super().incomes_and_benefits(request)


def applicant(case: Case):
    return case.household.members[0].person_id


def lookup_rows(session) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.entity == lookups.AUDIT_ENTITY))
    )


def test_a_look_up_is_audited_and_kept_as_a_signed_entry(session, caseworker, make_case) -> None:
    case = make_case()
    person = applicant(case)
    done = lookups.look_up(session, caseworker, case.id, person, NOVEMBER, "ansokan")
    answer = done.result()
    session.commit()
    entry = session.get(JournalEntry, done.entry_id)
    assert entry.case_id == case.id and entry.entry_type == "registeruppgifter"
    assert entry.is_signed and entry.signed_by == caseworker.id == entry.author_id
    assert journal.signature_holds(entry)
    assert entry.title == "Registeruppgifter november 2026"
    assert "om Anna Andersson (19850312-1231)" in entry.text
    assert "Ändamål: Prövning av ansökan om ekonomiskt bistånd." in entry.text
    assert "av Sara Nilsson från Simulerad registertjänst" in entry.text
    assert answer.reference in entry.text
    for source_answer in answer.answers:
        label = source_answer.source.label
        assert label[0].upper() + label[1:] in entry.text
    assert "A-kassan" in entry.text
    assert answer.items
    for item in answer.items:
        assert f"{item.kind.label}" in entry.text and item.period_text in entry.text
    (row,) = lookup_rows(session)
    assert (row.user_id, row.case_id, row.person_id) == (caseworker.id, case.id, person)
    assert row.entity_id == entry.id and row.action == "search"
    assert row.detail.startswith("Prövning av ansökan om ekonomiskt bistånd; november 2026")
    assert audit_review.entity_label(row.entity, {}) != row.entity
    # read-only: signed, so it cannot be changed
    with pytest.raises(Exception, match="signerad"):
        journal.update_draft(
            session,
            caseworker,
            entry.id,
            journal.JournalDraft(entry.entry_date, "anteckning", "x", "ändrad"),
        )


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault.TIMEOUT, RegisterTimeout, "svarade inte inom"),
        (Fault.PARTIAL, PartialAnswer, "Svar saknas från Försäkringskassan och CSN"),
    ],
)
def test_a_fault_stores_nothing_but_the_failed_look_up(
    session, caseworker, make_case, fault, error, words
) -> None:
    case = make_case()
    entries_before = session.scalar(select(JournalEntry.id).where(JournalEntry.case_id == case.id))
    done = lookups.look_up(
        session,
        caseworker,
        case.id,
        applicant(case),
        NOVEMBER,
        "uppfoljning",
        service=Simulator(SimulatorConfig(fault=fault)),
    )
    session.commit()  # as AppContext.call does before the fault is raised
    with pytest.raises(error, match=words):
        done.result()
    assert done.entry_id is None and done.answer is None
    assert (
        session.scalar(select(JournalEntry.id).where(JournalEntry.case_id == case.id))
        == entries_before
    )
    (row,) = lookup_rows(session)
    assert row.detail.startswith("Misslyckades: Uppföljning av pågående bistånd; november 2026")
    assert words in row.detail and row.person_id == applicant(case)


@pytest.mark.parametrize("purpose", ["", "   ", "nyfikenhet"])
def test_no_look_up_without_a_purpose(session, caseworker, make_case, purpose) -> None:
    case = make_case()
    service = Recording()
    with pytest.raises(ValidationFailed) as refused:
        lookups.look_up(
            session, caseworker, case.id, applicant(case), NOVEMBER, purpose, service=service
        )
    assert "Ange varför uppgifterna behövs" in refused.value.field_errors["purpose"]
    assert service.asked == 0 and not lookup_rows(session)
    assert [c.code for c in lookups.purposes()] == ["ansokan", "uppfoljning", "aterkrav"]


def test_only_a_member_of_the_household_and_a_begun_period(
    session, caseworker, make_case, pnr
) -> None:
    case = make_case()
    stranger = applicant(make_case(pnr("19770505", 789), "Bo", "Berg"))
    service = Recording()
    with pytest.raises(ValidationFailed) as refused:
        lookups.look_up(
            session,
            caseworker,
            case.id,
            stranger,
            MonthRange.of(date(2026, 12, 1)),
            "ansokan",
            service=service,
        )
    assert refused.value.field_errors == {
        "person": "Välj en person i ärendets hushåll.",
        "period": "Registren har inga uppgifter om månader som inte har börjat.",
    }
    assert service.asked == 0


def test_another_units_case_is_refused(
    session, caseworker, other_unit_caseworker, make_case
) -> None:
    case = make_case()
    service = Recording()
    with pytest.raises(AccessDenied, match="behörighet"):
        lookups.look_up(
            session,
            other_unit_caseworker,
            case.id,
            applicant(case),
            NOVEMBER,
            "ansokan",
            service=service,
        )
    assert service.asked == 0 and not lookup_rows(session)


def test_no_look_up_from_a_laptops_replica(session, caseworker, make_case) -> None:
    """Look-ups need the office: a laptop working offline cannot reach the registers."""
    case = make_case()
    service = Recording()
    on_laptop = caseworker.on_replica(uuid.uuid4())
    with pytest.raises(ServiceError, match="bara frågas från kontoret"):
        lookups.look_up(
            session, on_laptop, case.id, applicant(case), NOVEMBER, "ansokan", service=service
        )
    assert service.asked == 0 and not lookup_rows(session)


@on_postgresql
def test_the_server_takes_the_look_up_from_the_users_own_role(
    session, cases, login_roles, staff
) -> None:
    """Migration 0046: the audit log's vocabulary has "register_lookup", so a look-up made
    connected as Sara's own login role is not refused."""
    person = applicant(session.get(Case, cases.own))
    sara_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with sara_db.sessions.begin() as sara:
            done = lookups.look_up(
                sara, Actor.of(staff.users["caseworker"]), cases.own, person, NOVEMBER, "ansokan"
            )
        done.result()
    finally:
        sara_db.dispose()
    session.expire_all()
    (row,) = lookup_rows(session)
    assert row.entity_id == done.entry_id
    assert session.get(JournalEntry, done.entry_id).is_signed


def test_the_answer_is_kept_as_data_with_the_case(session, caseworker, make_case) -> None:
    """Every item of every source, beside the journal entry (issue 24, migration 0049)."""
    case = make_case()
    person = applicant(case)
    done = lookups.look_up(session, caseworker, case.id, person, NOVEMBER, "ansokan")
    answer = done.result()
    session.commit()
    (kept,) = register_answers.answers_for_month(session, caseworker, case.id, NOVEMBER.first)
    record = session.get(RegisterAnswerRecord, kept.id)
    assert (record.case_id, record.person_id, record.journal_entry_id) == (
        case.id,
        person,
        done.entry_id,
    )
    assert (record.period_start, record.period_end) == (date(2026, 11, 1), date(2026, 11, 30))
    assert record.fetched_by == caseworker.id and record.purpose == "ansokan"
    assert record.reference == answer.reference and record.service == Simulator.name
    assert kept.sources == answer.answers  # every source, every item, exactly
    assert [s.source for s in kept.sources] == [s.source for s in answer.answers]
    # another month's question finds nothing
    assert not register_answers.answers_for_month(session, caseworker, case.id, date(2026, 10, 1))


def test_a_fault_keeps_no_answer(session, caseworker, make_case) -> None:
    case = make_case()
    lookups.look_up(
        session,
        caseworker,
        case.id,
        applicant(case),
        NOVEMBER,
        "ansokan",
        service=Simulator(SimulatorConfig(fault=Fault.PARTIAL)),
    )
    session.commit()
    assert session.scalar(select(RegisterAnswerRecord.id)) is None


@on_postgresql
def test_on_the_server_a_kept_answer_is_never_changed_or_removed(
    session, cases, login_roles, staff
) -> None:
    """Attacked as Sara's own login role (the handläggare who fetched it) and as the table's
    owner: UPDATE and DELETE are refused."""
    person = applicant(session.get(Case, cases.own))
    sara_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with sara_db.sessions.begin() as sara:
            lookups.look_up(
                sara, Actor.of(staff.users["caseworker"]), cases.own, person, NOVEMBER, "ansokan"
            ).result()
    finally:
        sara_db.dispose()
    url = login_roles["sara.nilsson"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM register_answers").fetchone() == (1,)
        for attack in (
            "UPDATE register_answers SET answer_json = '[]'",
            "UPDATE register_answers SET period_start = period_start",
            "DELETE FROM register_answers",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(attack)
    for attack in (
        "UPDATE register_answers SET answer_json = '[]'",
        "DELETE FROM register_answers",
    ):
        with pytest.raises(DBAPIError, match="ändras inte"):
            session.execute(text(attack))
        session.rollback()
    assert session.scalar(select(RegisterAnswerRecord.answer_json)) != "[]"
