"""The unit's inbox (both engines): waiting deliveries matched to the applicant's open
case, taken into it as an application received at the arrival, once; quarantined ones
refused and marked handled; on PostgreSQL another unit sees nothing and the link is set once."""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied, NotFound, ServiceError
from app.deadlines.deadlines import DeadlineKind, add_weekday_hours, deadlines_for_cases
from app.intake import attachments, inbox
from app.intake.intake import take_in
from app.models import Application, DeliveryStatus, IntakeDelivery, JournalEntry
from app.models.household import MemberRole

on_postgresql = pytest.mark.parametrize("db", ["postgresql"], indirect=True)
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
GOOD = (EXAMPLES / "ansokan-barnfamilj.json").read_bytes()
APPLICANT = "19850712-2383"
CO_APPLICANT = "19880304-2475"


def document(**fields) -> bytes:
    loaded = json.loads(GOOD)
    loaded.update(fields)
    return json.dumps(loaded, ensure_ascii=False).encode()


def own_case(make_case, **kwargs):
    return make_case(APPLICANT, "Tolvan", "Tolvansson", **kwargs)


def test_a_received_application_is_matched_to_the_applicants_open_case(
    session, caseworker, make_case
) -> None:
    case = own_case(make_case)
    take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    result = inbox.inbox(session, caseworker)
    [row] = result.rows
    assert (row.case_id, row.match) == (case.id, case.case_number)
    assert (row.applicant_name, row.personal_number) == ("Tolvan Tolvansson", APPLICANT)
    assert (row.period, row.costs, row.attachment_count) == (
        "december 2026",
        Decimal("9709"),
        2,
    )
    assert (result.received, result.quarantined, result.waiting) == (1, 0, 1)
    assert inbox.waiting_count(session, caseworker) == 1


def test_without_an_open_case_a_new_case_is_proposed(session, caseworker) -> None:
    take_in(session, caseworker, GOOD, filename="a.json")
    [row] = inbox.inbox(session, caseworker).rows
    assert (row.case_id, row.match) == (None, "Nytt ärende föreslås")


def test_an_open_case_of_another_unit_is_named(
    session, caseworker, make_case, other_unit_caseworker, staff
) -> None:
    own_case(make_case, actor=other_unit_caseworker)
    session.commit()
    take_in(session, caseworker, GOOD, filename="a.json")
    [row] = inbox.inbox(session, caseworker).rows
    assert row.case_id is None
    assert row.match == f"Öppet ärende på {staff.other_unit.name}"


def test_the_first_response_deadline_counts_24_weekday_hours_from_arrival(
    session, caseworker, set_clock
) -> None:
    # Friday 2026-11-27 15:00 Swedish time: due Monday 15:00
    set_clock(datetime(2026, 11, 27, 14, 0, tzinfo=UTC))
    take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    [row] = inbox.inbox(session, caseworker).rows
    delivery = session.get(IntakeDelivery, row.delivery_id)
    if session.get_bind().dialect.name == "sqlite":
        assert row.response_due_at == datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
    assert row.response_due_at == add_weekday_hours(delivery.received_at, 24)
    assert row.response_text.startswith("Återkoppling senast ")


def test_taking_in_creates_the_application_received_at_arrival(
    session, caseworker, make_case
) -> None:
    case = own_case(make_case)
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    application_id = inbox.take_into_case(session, caseworker, received.delivery_id, case.id)
    session.commit()
    delivery = session.get(IntakeDelivery, received.delivery_id)
    application = session.get(Application, application_id)
    assert application.received_at == delivery.received_at
    assert (application.channel, str(application.period_start)) == ("e_ansokan", "2026-12-01")
    assert (delivery.status, delivery.taken_application_id, delivery.handled_by) == (
        DeliveryStatus.TAKEN,
        application_id,
        caseworker.id,
    )
    due = {
        d.due_at
        for d in deadlines_for_cases(session, [case.id])[case.id]
        if d.kind is DeadlineKind.FIRST_RESPONSE
    }
    assert add_weekday_hours(delivery.received_at, 24) in due
    entry = session.scalars(
        select(JournalEntry).where(
            JournalEntry.case_id == case.id, JournalEntry.title.like("E-ansökan%")
        )
    ).one()
    assert entry.is_signed
    assert "mottagen via e-tjänsten Exempelkommunens" in entry.text
    assert inbox.inbox(session, caseworker).rows == []
    with pytest.raises(ServiceError, match=f"redan tagen in i ärende {case.case_number}"):
        inbox.take_into_case(session, caseworker, received.delivery_id, case.id)


def test_a_quarantined_application_is_refused_and_can_be_marked_handled(
    session, caseworker, make_case
) -> None:
    case = own_case(make_case)
    bad = take_in(
        session, caseworker, (EXAMPLES / "felaktig-halv-manad.json").read_bytes(), filename="b"
    )
    session.commit()
    [row] = inbox.inbox(session, caseworker, inbox.InboxFilter.QUARANTINED).rows
    assert row.status is DeliveryStatus.QUARANTINED
    with pytest.raises(ServiceError, match="i karantän kan inte tas in"):
        inbox.take_into_case(session, caseworker, bad.delivery_id, case.id)
    inbox.mark_handled(session, caseworker, bad.delivery_id, "Ny ansökan kom samma dag.")
    session.commit()
    delivery = session.get(IntakeDelivery, bad.delivery_id)
    assert delivery.status is DeliveryStatus.QUARANTINED
    assert delivery.reason.endswith("Sara Nilsson: Ny ansökan kom samma dag.")
    assert inbox.waiting_count(session, caseworker) == 0
    with pytest.raises(ServiceError):
        inbox.mark_handled(session, caseworker, bad.delivery_id, "igen")


def test_a_new_case_from_the_delivery_gets_it_as_its_first_application(session, caseworker) -> None:
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    data = inbox.new_case_data(session, caseworker, received.delivery_id)
    assert data.applicant.personal_number == APPLICANT
    assert [(m.personal_number, m.role) for m in data.members][:1] == [
        (CO_APPLICANT, MemberRole.CO_APPLICANT)
    ]
    case = inbox.create_case_from_delivery(session, caseworker, received.delivery_id, data)
    session.commit()
    delivery = session.get(IntakeDelivery, received.delivery_id)
    [application] = case.applications
    assert delivery.taken_application_id == application.id
    assert application.received_at == delivery.received_at
    assert len(case.household.members) == 4


def test_others_and_laptops_cannot_take_in(
    session, caseworker, make_case, other_unit_caseworker, admin
) -> None:
    case = own_case(make_case)
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    with pytest.raises(NotFound):
        inbox.take_into_case(session, other_unit_caseworker, received.delivery_id, case.id)
    with pytest.raises(AccessDenied):
        inbox.inbox(session, admin)
    on_laptop = dataclasses.replace(caseworker, replica_id=uuid.uuid4())
    with pytest.raises(AccessDenied, match="utcheckad dator"):
        inbox.take_into_case(session, on_laptop, received.delivery_id, case.id)
    assert inbox.inbox(session, other_unit_caseworker).rows == []


def test_an_attachment_without_stored_bytes_says_so(session, caseworker) -> None:
    received = take_in(session, caseworker, GOOD, filename="a.json")
    with pytest.raises(ServiceError, match=r"Bilagan finns inte i leveransen\."):
        attachments.attachment(session, caseworker, received.delivery_id, "b1")


@on_postgresql
def test_on_the_server_the_link_is_set_once_and_other_units_see_nothing(
    session, caseworker, make_case, login_roles, pnr
) -> None:
    case = own_case(make_case)
    other = make_case(pnr("19700101", 12), "Per", "Persson")
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    application_id = inbox.take_into_case(session, caseworker, received.delivery_id, case.id)
    session.commit()
    [other_application] = other.applications

    def connect(username: str):
        url = login_roles[username].replace("postgresql+psycopg://", "postgresql://")
        return psycopg.connect(url, autocommit=True)

    with connect("karin.holm") as conn:
        assert conn.execute("SELECT count(*) FROM intake_deliveries").fetchone() == (0,)
    with connect("sara.nilsson") as conn:
        for change in (
            f"taken_application_id = '{other_application.id}'",
            "status = 'mottagen', taken_application_id = NULL, handled_by = NULL, "
            "handled_at = NULL",
            "handled_at = now() - interval '1 day'",
            "reason = 'ändrat'",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="redan är hanterad"):
                conn.execute(f"UPDATE intake_deliveries SET {change}")
    session.expire_all()
    assert session.get(IntakeDelivery, received.delivery_id).taken_application_id == (
        application_id
    )


@on_postgresql
def test_on_the_server_a_delivery_is_linked_only_with_its_taker_to_own_units_case(
    session, caseworker, make_case, other_unit_caseworker, login_roles, pnr
) -> None:
    foreign = make_case(pnr("19770505", 789), "Bo", "Berg", actor=other_unit_caseworker)
    received = take_in(session, caseworker, GOOD, filename="a.json")
    session.commit()
    [foreign_application] = foreign.applications
    url = login_roles["sara.nilsson"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        sara = conn.execute("SELECT id FROM users WHERE username = current_user").fetchone()[0]
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="egna enheten"):
            conn.execute(
                "UPDATE intake_deliveries SET status = 'tagen', "
                f"taken_application_id = '{foreign_application.id}', handled_by = '{sara}'"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="redan är hanterad"):
            conn.execute("UPDATE intake_deliveries SET status = 'tagen'")
    session.expire_all()
    assert session.get(IntakeDelivery, received.delivery_id).status is DeliveryStatus.RECEIVED


def test_the_list_reads_the_kept_summary_and_the_file_of_an_older_delivery(
    session, caseworker, staff
) -> None:
    received = take_in(session, caseworker, GOOD, filename="a.json")
    kept = session.get(IntakeDelivery, received.delivery_id)
    assert (kept.applicant_name, kept.costs, kept.attachment_count) == (
        "Tolvan Tolvansson",
        Decimal("9709"),
        2,
    )
    older = document(ansokan_id="EA-2026-000999")
    session.add(  # as delivered before the summary was kept (migration 0050)
        IntakeDelivery(
            received_at=kept.received_at,
            sha256="f" * 64,
            filename="äldre.json",
            raw=older,
            e_service="e-ansokan.exempelkommun",
            application_id="EA-2026-000999",
            status=DeliveryStatus.RECEIVED,
            reason="",
            unit_id=staff.unit.id,
            applicant_digits="198507122383",
        )
    )
    session.commit()
    rows = inbox.inbox(session, caseworker).rows
    assert [(r.applicant_name, r.period, r.costs, r.attachment_count) for r in rows] == [
        ("Tolvan Tolvansson", "december 2026", Decimal("9709"), 2)
    ] * 2
