"""Sync between laptops' replicas and the server: what is written offline arrives once,
edits to different fields merge, the same field becomes a conflict that keeps both values.

Runs with the server on SQLite and on a real PostgreSQL; each laptop is its own encrypted
replica file."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select

from app.db.replica import ReplicaKey, open_replica
from app.models import AuditEntry, Case, Household, JournalEntry, OutboxChange, Plan, SyncConflict
from app.services import case_overview, checkout, clock, journal, leases, outbox, plans, sync
from app.services.journal import JournalDraft
from app.services.plans import PlanInput


@pytest.fixture
def laptops(tmp_path):
    """laptop(name, actor): a new encrypted replica recording the actor's changes."""
    made = []

    def laptop(name: str, actor):
        key, _stored = ReplicaKey.new_random()
        database = open_replica(tmp_path / f"{name}.sqlcipher", key)
        outbox.install(database.sessions, actor.id)
        made.append(database)
        return database

    yield laptop
    for database in made:
        database.dispose()


def take_along(db, laptop, actor, case_ids) -> None:
    with db.sessions() as server, laptop.sessions() as local:
        checkout.check_out(server, local, actor, case_ids, due_on=clock.today() + timedelta(1))
        server.commit()
        local.commit()


def offline(laptop, actor):
    """The actor working on the laptop."""
    with laptop.sessions() as local:
        return dataclasses.replace(actor, replica_id=checkout.replica_id(local))


def run_sync(db, laptop, actor) -> sync.SyncReport:
    with db.sessions() as server, laptop.sessions() as local:
        return sync.sync(server, local, actor)


def count(db, model, *where) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


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
    plan = plans.create_plan(
        session,
        caseworker,
        case.id,
        PlanInput("forandringsplan", "Egen försörjning", clock.today(), None),
    )
    session.commit()
    sara, omar = laptops("sara", caseworker), laptops("omar", colleague)
    take_along(db, sara, caseworker, [case.id])
    # Sara's laptop stays at a hembesök; her chef takes the case back and Omar takes it
    with db.sessions.begin() as server:
        [lease] = leases.my_leases(server, caseworker)
        leases.revoke(server, manager, lease.lease_id, expected_version=lease.version)
    take_along(db, omar, colleague, [case.id])

    with sara.sessions.begin() as local:
        local.get(Plan, plan.id).goal = "Arbete inom sex månader"
        local.get(Household, case.household_id).city = "Sarastad"
    with omar.sessions.begin() as local:
        local.get(Plan, plan.id).follow_up_on = clock.today() + timedelta(days=30)
        local.get(Household, case.household_id).city = "Omarby"

    assert run_sync(db, omar, colleague).conflicts == 0
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
    # the case went back to the office: gone from Sara's laptop, still on Omar's
    assert report.removed_cases == 1
    assert count(sara, Case) == 0 and count(omar, Case) == 1


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
