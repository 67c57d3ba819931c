"""Sync between laptops' replicas and the server: what is written offline arrives once,
edits to different fields merge, the same field becomes a conflict that keeps both values.

Runs with the server on SQLite and on a real PostgreSQL; each laptop is its own encrypted
replica file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from app.cases import case_overview, case_search
from app.cases.case_register import PersonInput
from app.common import clock, formatting
from app.db.database import open_database
from app.decisions import decisions
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    AuditEntry,
    Case,
    DecisionKind,
    Delegation,
    Household,
    JournalEntry,
    MemberRole,
    OutboxChange,
    Plan,
    SyncConflict,
)
from app.offline import leases, sync, sync_conflicts
from tests.core.offline.sync_helpers import (
    check_in,
    count,
    hand_over,
    offline,
    plan_for,
    run_sync,
    take_along,
)


def test_a_journal_entry_written_offline_arrives_exactly_once(
    db, session, make_case, caseworker, laptops
) -> None:
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with laptop.sessions.begin() as local:
        entry = journal.create_entry(
            local,
            me,
            case.id,
            JournalDraft(clock.today(), "hembesok", "Hembesök", "Besök i hemmet, åtgärd X."),
        )
        journal.sign_entry(local, me, entry.id)
        case_overview.open_case(local, me, case.id)  # a read offline is logged too
    with laptop.sessions() as local:
        saved = [dict(row._mapping) for row in local.execute(select(OutboxChange.__table__))]
    assert {row["table_name"] for row in saved} >= {"journal_entries", "audit_log"}

    report = run_sync(db, laptop, caseworker)
    assert report.pushed == len(saved) and report.conflicts == 0
    visit = JournalEntry.text == "Besök i hemmet, åtgärd X."
    assert count(db, JournalEntry, visit) == 1
    assert count(db, JournalEntry, visit, JournalEntry.signed_at.is_not(None)) == 1
    assert count(db, AuditEntry, AuditEntry.action == "open", AuditEntry.case_id == case.id) == 1
    assert count(laptop, OutboxChange) == 0

    # the acknowledgement was lost: the same changes are pushed again
    with laptop.sessions.begin() as local:
        local.execute(insert(OutboxChange.__table__), saved)
    again = run_sync(db, laptop, caseworker)
    assert again.pushed == len(saved) and again.already_there == len(saved)
    assert count(db, JournalEntry, visit) == 1
    assert count(laptop, JournalEntry, visit) == 1


def test_different_fields_merge_and_the_same_field_becomes_a_conflict(
    db, session, make_case, caseworker, colleague, manager, laptops
) -> None:
    case = make_case()
    plan = plan_for(session, caseworker, case.id)
    session.commit()
    sara, omar = laptops("sara", caseworker), laptops("omar", colleague)
    take_along(db, sara, caseworker, [case.id])
    # Sara's laptop stays at a hembesök; her chef takes the case back and Omar takes it
    hand_over(db, manager, caseworker, omar, colleague, case.id)

    with sara.sessions.begin() as local:
        local.get(Plan, plan.id).goal = "Arbete inom sex månader"
        local.get(Household, case.household_id).city = "Sarastad"
    with omar.sessions.begin() as local:
        local.get(Plan, plan.id).follow_up_on = clock.today() + timedelta(days=30)
        local.get(Household, case.household_id).city = "Omarby"

    assert run_sync(db, omar, colleague).conflicts == 0
    check_in(db, omar, colleague, case.id)  # Omar is done: the case is back at the office
    report = run_sync(db, sara, caseworker)
    assert (report.merged, report.conflicts) == (1, 1)

    with db.sessions() as server:
        merged = server.get(Plan, plan.id)
        assert merged.goal == "Arbete inom sex månader"  # Sara's field
        assert merged.follow_up_on == clock.today() + timedelta(days=30)  # Omar's field
        assert server.get(Household, case.household_id).city == "Omarby"  # first in stays
        [conflict] = server.scalars(select(SyncConflict)).all()
        assert (conflict.table_name, conflict.field) == ("households", "city")
        assert (conflict.server_json, conflict.replica_json) == ('"Omarby"', '"Sarastad"')
        assert conflict.made_by == caseworker.id
    # the case went back to the office: gone from Sara's laptop
    assert report.removed_cases == 1
    assert count(sara, Case) == 0


def test_a_case_checked_out_to_another_laptop_refuses_the_sync_and_keeps_the_changes(
    db, session, make_case, caseworker, colleague, manager, laptops
) -> None:
    """Sara's laptop comes back while Omar has the case on his: what she wrote is not
    applied over his lease but kept, with the reason, for a person to choose later."""
    case = make_case()
    plan = plan_for(session, caseworker, case.id)
    session.commit()
    sara, omar = laptops("sara", caseworker), laptops("omar", colleague)
    take_along(db, sara, caseworker, [case.id])
    hand_over(db, manager, caseworker, omar, colleague, case.id)
    me = offline(sara, caseworker)
    with sara.sessions.begin() as local:
        local.get(Plan, plan.id).goal = "Arbete inom sex månader"
        journal.create_entry(
            local, me, case.id, JournalDraft(clock.today(), "hembesok", "Besök", "Skrivet ute.")
        )

    report = run_sync(db, sara, caseworker)
    assert (report.merged, report.conflicts) == (0, 2)  # applied: only the audit row
    refused = {(r.table_name, r.case_number) for r in report.refused}
    assert refused == {("plans", case.case_number), ("journal_entries", case.case_number)}
    assert {r.reason for r in report.refused} == {
        "Ärendet är utcheckat för hembesök av Omar Haddad till och med "
        f"{formatting.long_date(clock.today() + timedelta(1))}. Det går att läsa men inte att "
        "ändra förrän det är incheckat."
    }
    assert count(db, JournalEntry, JournalEntry.text == "Skrivet ute.") == 0
    assert count(db, Plan, Plan.goal == "Arbete inom sex månader") == 0
    assert count(db, SyncConflict, SyncConflict.made_by == caseworker.id) == 2
    assert count(sara, OutboxChange) == 0  # on the server now, as conflicts

    check_in(db, omar, colleague, case.id)
    with db.sessions.begin() as server:
        for row in sync_conflicts.open_conflicts(server, caseworker):
            sync_conflicts.resolve(
                server, caseworker, row.id, take_laptop=True, expected_version=row.version
            )
    assert count(db, JournalEntry, JournalEntry.text == "Skrivet ute.") == 1
    assert count(db, Plan, Plan.goal == "Arbete inom sex månader") == 1


def test_pull_brings_the_office_state_to_the_laptop(
    db, session, make_case, caseworker, laptops
) -> None:
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with db.sessions.begin() as server:  # the office (the holder herself, from the replica)
        journal.create_entry(
            server, me, case.id, JournalDraft(clock.today(), "telefon", "Samtal", "Från kontoret.")
        )
    report = run_sync(db, laptop, caseworker)
    assert report.pulled_cases == 1
    assert count(laptop, JournalEntry, JournalEntry.text == "Från kontoret.") == 1


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_sync_works_as_the_users_own_database_role(
    db, session, make_case, caseworker, laptops, login_roles
) -> None:
    """Shared mode: the server's row-level security applies to every step of a sync."""
    case = make_case()
    plan = plan_for(session, caseworker, case.id)
    session.commit()
    server_db = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        laptop = laptops("sara", caseworker)
        take_along(server_db, laptop, caseworker, [case.id])
        me = offline(laptop, caseworker)
        with laptop.sessions.begin() as local:
            journal.create_entry(
                local, me, case.id, JournalDraft(clock.today(), "hembesok", "Besök", "Som roll.")
            )
            local.get(Plan, plan.id).goal = "Ny plan"
        report = run_sync(server_db, laptop, caseworker)
        assert (report.conflicts, report.pulled_cases) == (0, 1)
        assert count(server_db, JournalEntry, JournalEntry.text == "Som roll.") == 1
        assert count(server_db, Plan, Plan.goal == "Ny plan") == 1
    finally:
        server_db.dispose()


def test_check_in_sends_everything_and_gives_the_case_back(
    db, session, make_case, caseworker, colleague, laptops
) -> None:
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with laptop.sessions.begin() as local:
        journal.create_entry(
            local, me, case.id, JournalDraft(clock.today(), "hembesok", "Besök", "Sista besöket.")
        )
    with db.sessions() as server, laptop.sessions() as local:
        report = sync.check_in(server, local, caseworker, [case.id])
    assert report.pushed >= 1 and report.conflicts == 0
    assert count(db, JournalEntry, JournalEntry.text == "Sista besöket.") == 1
    assert count(laptop, Case) == 0 and count(laptop, JournalEntry) == 0
    assert count(laptop, OutboxChange) == 0
    with db.sessions.begin() as server:  # the office can change it again
        assert leases.lease_of_case(server, colleague, case.id) is None
        journal.create_entry(
            server, colleague, case.id, JournalDraft(clock.today(), "telefon", "Samtal", "Ok.")
        )


@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_pull_copies_only_the_cases_that_changed_at_the_office(
    db, session, make_case, pnr, caseworker, laptops
) -> None:
    """The server's change sequence (migration 0013) says which leased cases moved."""
    first = make_case()
    second = make_case(pnr("19700101", 11), "Bo", "Ek")
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [first.id, second.id])
    assert run_sync(db, laptop, caseworker).pulled_cases == 0  # nothing new since check-out
    me = offline(laptop, caseworker)
    with db.sessions.begin() as server:
        journal.create_entry(
            server, me, second.id, JournalDraft(clock.today(), "telefon", "Samtal", "Nytt.")
        )
    report = run_sync(db, laptop, caseworker)
    assert report.pulled_cases == 1
    assert count(laptop, JournalEntry, JournalEntry.text == "Nytt.") == 1
    assert run_sync(db, laptop, caseworker).pulled_cases == 0
    with db.sessions.begin() as server:  # a change in a table without case_id: the household
        server.get(Household, first.household_id).city = "Nyort"
    assert run_sync(db, laptop, caseworker).pulled_cases == 1
    with laptop.sessions() as local:
        assert local.get(Household, first.household_id).city == "Nyort"


def test_pull_brings_new_reference_data_when_no_case_changed(
    db, session, make_case, caseworker, admin, laptops
) -> None:
    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    with db.sessions.begin() as server:  # a delegation given at the office meanwhile
        decisions.set_delegation(server, admin, caseworker.id, DecisionKind.SUPPORT, None)
    report = run_sync(db, laptop, caseworker)
    assert (
        count(laptop, Delegation, Delegation.user_id == caseworker.id)
        == count(db, Delegation, Delegation.user_id == caseworker.id)
        > 0
    )
    assert report.pulled_rows > 0


def test_a_search_made_offline_reaches_the_servers_audit_log(
    db, session, make_case, caseworker, laptops
) -> None:
    """Every person a search shows is logged, offline too: the rows the laptop wrote arrive
    at the server as they are, and the server's chain takes them."""
    case = make_case(
        first_name="Erik",
        last_name="Johansson",
        members=[PersonInput("20150607-3459", "Hugo", "Johansson", MemberRole.CHILD)],
    )
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with laptop.sessions.begin() as local:
        shown = {hit.person_id for hit in case_search.search(local, me, "johansson").hits}
    assert len(shown) == 2

    def searched(database) -> list[tuple]:
        with database.sessions() as s:
            return sorted(
                s.execute(
                    select(
                        AuditEntry.id,
                        AuditEntry.at,
                        AuditEntry.user_id,
                        AuditEntry.person_id,
                        AuditEntry.action,
                        AuditEntry.entity,
                        AuditEntry.detail,
                    ).where(AuditEntry.action == "search")
                ).all(),
                key=str,
            )

    on_laptop = searched(laptop)
    assert {row.person_id for row in on_laptop} == shown | {None}  # and the search itself
    with laptop.sessions() as local:
        recorded = local.scalars(
            select(OutboxChange.fields_json).where(OutboxChange.table_name == "audit_log")
        ).all()
    # the rows written in one statement are recorded as a flushed row is: every column
    assert len({tuple(sorted(json.loads(fields))) for fields in recorded}) == 1
    report = run_sync(db, laptop, caseworker)
    assert report.conflicts == 0
    assert searched(db) == on_laptop
    assert count(laptop, OutboxChange) == 0
    with db.sessions() as server:
        chained = server.scalars(
            select(AuditEntry.chain_hash).where(AuditEntry.action == "search")
        ).all()
    assert len(chained) == len(on_laptop) and all(chained)
