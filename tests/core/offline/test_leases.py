"""Check-out for hembesök: a leased case is read-only everywhere but on the holder's
replica; check-in or a chef's revocation gives it back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import psycopg
import pytest
from sqlalchemy import select

from app.common import clock
from app.common.errors import AccessDenied, StaleRecordError, ValidationFailed
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import AuditEntry, CaseLease, LeaseEnd
from app.offline import leases

REPLICA = uuid.UUID("00000000-0000-4000-8000-00000000aaaa")
OTHER_REPLICA = uuid.UUID("00000000-0000-4000-8000-00000000bbbb")


def write_journal(session, actor, case_id) -> None:
    journal.create_entry(
        session, actor, case_id, JournalDraft(clock.today(), "telefon", "Samtal", "Ringde.")
    )


def on_replica(actor, replica_id=REPLICA):
    return actor.on_replica(replica_id)


def test_a_checked_out_case_is_read_only_except_on_the_holders_replica(
    session, make_case, caseworker, colleague
) -> None:
    case = make_case()
    due = clock.today() + timedelta(days=2)
    [info] = leases.check_out(session, caseworker, [case.id], due_on=due, replica_id=REPLICA)
    assert (info.case_number, info.holder_name, info.due_on) == (
        case.case_number,
        "Sara Nilsson",
        due,
    )
    audit_row = session.scalar(select(AuditEntry).where(AuditEntry.action == "checkout"))
    assert audit_row.case_id == case.id and audit_row.user_id == caseworker.id

    for someone in (colleague, caseworker, on_replica(caseworker, OTHER_REPLICA)):
        with pytest.raises(AccessDenied) as refused:
            write_journal(session, someone, case.id)
        assert "utcheckat för hembesök av Sara Nilsson till och med" in str(refused.value)
        assert "Det går att läsa" in str(refused.value)
    write_journal(session, on_replica(caseworker), case.id)  # the replica may

    assert leases.lease_of_case(session, colleague, case.id) == info
    assert leases.my_leases(session, caseworker) == [info]


def test_check_out_is_all_or_nothing(session, make_case, pnr, caseworker, colleague) -> None:
    free = make_case()
    taken = make_case(pnr("19700101", 11), "Bo", "Ek")
    due = clock.today() + timedelta(days=1)
    leases.check_out(session, colleague, [taken.id], due_on=due, replica_id=OTHER_REPLICA)
    session.commit()
    with pytest.raises(AccessDenied, match=f"{taken.case_number}: .*Omar Haddad"):
        leases.check_out(session, caseworker, [free.id, taken.id], due_on=due, replica_id=REPLICA)
    session.rollback()  # the UI's transaction ends with the error
    assert session.scalars(select(CaseLease.case_id)).all() == [taken.id]


@pytest.mark.parametrize(
    ("days", "cases", "message"),
    [
        (-1, 1, "före i dag"),
        (15, 1, "högst 14 dagar"),
        (1, 0, "minst ett ärende"),
    ],
)
def test_bad_check_outs_are_refused_with_a_message(
    session, make_case, caseworker, days, cases, message
) -> None:
    case = make_case()
    with pytest.raises(ValidationFailed, match=message):
        leases.check_out(
            session,
            caseworker,
            [case.id] * cases,
            due_on=clock.today() + timedelta(days=days),
            replica_id=REPLICA,
        )


def test_another_units_case_cannot_be_checked_out(
    session, make_case, caseworker, other_unit_caseworker, admin
) -> None:
    case = make_case()
    for outsider in (other_unit_caseworker, admin):
        with pytest.raises(AccessDenied):
            leases.check_out(session, outsider, [case.id], due_on=clock.today(), replica_id=REPLICA)


def test_check_in_gives_the_case_back(session, make_case, caseworker, colleague) -> None:
    case = make_case()
    leases.check_out(session, caseworker, [case.id], due_on=clock.today(), replica_id=REPLICA)
    assert leases.check_in(session, caseworker, [case.id], replica_id=OTHER_REPLICA) == 0
    assert leases.check_in(session, colleague, [case.id], replica_id=REPLICA) == 0
    assert leases.check_in(session, caseworker, [case.id], replica_id=REPLICA) == 1
    lease = session.scalar(select(CaseLease))
    assert lease.end_reason is LeaseEnd.CHECKED_IN and lease.ended_by == caseworker.id
    write_journal(session, colleague, case.id)
    assert leases.lease_of_case(session, colleague, case.id) is None
    # and it can be taken along again
    leases.check_out(session, colleague, [case.id], due_on=clock.today(), replica_id=REPLICA)


def test_a_chef_of_the_unit_can_revoke_a_lease(
    session, make_case, caseworker, colleague, manager
) -> None:
    case = make_case()
    [info] = leases.check_out(
        session, caseworker, [case.id], due_on=clock.today(), replica_id=REPLICA
    )
    with pytest.raises(AccessDenied, match="Bara en chef"):
        leases.revoke(session, colleague, info.lease_id, expected_version=info.version)
    with pytest.raises(StaleRecordError):
        leases.revoke(session, manager, info.lease_id, expected_version=info.version + 1)
    leases.revoke(session, manager, info.lease_id, expected_version=info.version)
    lease = session.get(CaseLease, info.lease_id)
    assert lease.end_reason is LeaseEnd.REVOKED and lease.ended_by == manager.id
    write_journal(session, colleague, case.id)
    with pytest.raises(AccessDenied):  # the replica's later changes are not let in silently
        write_journal(session, on_replica(caseworker), case.id)
    assert (
        session.scalar(select(AuditEntry.user_id).where(AuditEntry.action == "revoke"))
        == manager.id
    )


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_other_units_do_not_see_the_leases(session, make_case, caseworker, login_roles) -> None:
    case = make_case()
    leases.check_out(session, caseworker, [case.id], due_on=date.today(), replica_id=REPLICA)
    session.commit()
    url = login_roles["karin.holm"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_leases").fetchone() == (0,)
    url = login_roles["omar.haddad"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM case_leases").fetchone() == (1,)


def test_a_lease_past_its_last_day_holds_the_case_no_more(
    session, make_case, caseworker, colleague, manager, set_clock
) -> None:
    """The server's own expiry, in the program too: after the end of the last day in
    Swedish time the case can be changed at the office again, and the next check-out ends
    the old lease as expired."""
    case = make_case()
    due = clock.today() + timedelta(days=1)
    leases.check_out(session, caseworker, [case.id], due_on=due, replica_id=REPLICA)
    last_minute = datetime.combine(due, time(23, 59), tzinfo=clock.STOCKHOLM)
    set_clock(last_minute.astimezone(UTC))
    with pytest.raises(AccessDenied):
        write_journal(session, colleague, case.id)
    set_clock((last_minute + timedelta(minutes=1)).astimezone(UTC))
    assert leases.lease_of_case(session, colleague, case.id) is None
    assert leases.my_leases(session, caseworker) == []
    assert leases.leased_cases(session, caseworker, REPLICA) == []
    write_journal(session, colleague, case.id)

    [taken] = leases.check_out(
        session, colleague, [case.id], due_on=clock.today(), replica_id=OTHER_REPLICA
    )
    ended = session.scalars(select(CaseLease).where(CaseLease.holder_id == caseworker.id)).one()
    assert (ended.end_reason, ended.ended_by) == (LeaseEnd.EXPIRED, colleague.id)
    assert leases.lease_of_case(session, caseworker, case.id) == taken


def test_a_chef_ending_an_expired_lease_records_it_as_expired(
    session, make_case, caseworker, manager, set_clock
) -> None:
    case = make_case()
    due = clock.today()
    [info] = leases.check_out(session, caseworker, [case.id], due_on=due, replica_id=REPLICA)
    set_clock(datetime.combine(due + timedelta(days=1), time(8), tzinfo=clock.STOCKHOLM))
    leases.revoke(session, manager, info.lease_id, expected_version=info.version)
    ended = session.get(CaseLease, info.lease_id)
    assert (ended.end_reason, ended.end_reason.label) == (LeaseEnd.EXPIRED, "Utgången")
