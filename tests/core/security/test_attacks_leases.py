"""Attacks on check-out for hembesök, straight to PostgreSQL as each user's own login role
(psycopg, never through the program), and through a laptop's modified sync: while a case is
checked out, only the holder's sync changes it; a lease is made only in one's own name for
at most 14 days, and ended only by its holder, a chef of the unit or its expiry (migration
0019, issue 18 point 7).

Sara takes her case along to her laptop through the program, connected as her own role."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg
import pytest

from app.common import clock
from app.db.database import open_database
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import Case, JournalEntry, Plan, SyncConflict
from app.offline import checkout, leases, sync
from tests.core.offline.sync_helpers import count, offline, plan_for, run_sync, take_along
from tests.core.security.test_server_access_control import connect, db_owner, on_postgresql

pytestmark = on_postgresql

REFUSED = psycopg.errors.InsufficientPrivilege
SARAS_LEASE = "Ärendet är utcheckat för hembesök av Sara Nilsson till och med"


@dataclass
class TakenAlong:
    case_id: uuid.UUID
    household_id: uuid.UUID
    person_id: uuid.UUID
    plan_id: uuid.UUID
    draft_id: uuid.UUID
    """Sara's unsigned journal entry in the case."""
    lease_id: uuid.UUID
    replica_id: uuid.UUID
    laptop: object


@pytest.fixture
def taken_along(db, session, cases, caseworker, login_roles, laptops) -> TakenAlong:
    """Sara's case (cases.own) with a plan and a draft, checked out to her laptop by the
    program as her own role."""
    plan = plan_for(session, caseworker, cases.own)
    draft = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(clock.today(), "telefon", "Utkast", "Text.")
    )
    session.commit()
    case = session.get(Case, cases.own)
    laptop = laptops("sara", caseworker)
    saras = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        take_along(saras, laptop, caseworker, [cases.own])
        with saras.sessions() as server:
            [lease] = leases.my_leases(server, caseworker)
    finally:
        saras.dispose()
    with laptop.sessions() as local:
        replica = checkout.replica_id(local)
    return TakenAlong(
        cases.own,
        case.household_id,
        case.household.members[0].person_id,
        plan.id,
        draft.id,
        lease.lease_id,
        replica,
        laptop,
    )


def writes(t: TakenAlong) -> list[tuple[str, tuple]]:
    """A write to each part of the case (its row, content, items, household, person; nothing
    of a case is deleted at all since migration 0020)."""
    return [
        ("UPDATE cases SET updated_at = now() WHERE id = %s", (t.case_id,)),
        ("UPDATE journal_entries SET text = 'Ändrat' WHERE id = %s", (t.draft_id,)),
        (
            "INSERT INTO journal_entries SELECT (jsonb_populate_record(NULL::journal_entries, "
            "to_jsonb(e) || jsonb_build_object('id', gen_random_uuid()))).* "
            "FROM journal_entries e WHERE e.id = %s",
            (t.draft_id,),
        ),
        ("UPDATE plans SET goal = 'Annat mål' WHERE id = %s", (t.plan_id,)),
        ("UPDATE households SET city = 'Annanstad' WHERE id = %s", (t.household_id,)),
        ("UPDATE household_members SET sort_order = 5 WHERE household_id = %s", (t.household_id,)),
        ("UPDATE persons SET first_name = 'Annan' WHERE id = %s", (t.person_id,)),
    ]


def _refused(conn: psycopg.Connection, sql: str, params: tuple, message: str) -> None:
    with pytest.raises(REFUSED) as refused:
        conn.execute(sql, params)
    assert message in str(refused.value), sql


@pytest.mark.parametrize("username", ["omar.haddad", "eva.lind", "sara.nilsson"])
def test_no_one_changes_a_checked_out_case_from_anywhere_but_the_holders_laptop(
    taken_along, login_roles, username
) -> None:
    """A colleague, the chef, and the holder herself at the office (no replica, or another
    one) are all refused, whatever part of the case they write."""
    with connect(login_roles, username) as conn:
        for sql, params in writes(taken_along):
            if username != "sara.nilsson" and "journal_entries" in sql:
                # Sara's draft: a colleague is refused before the lease is asked (0021)
                with pytest.raises(REFUSED):
                    conn.execute(sql, params)
                continue
            _refused(conn, sql, params, SARAS_LEASE)
        if username == "sara.nilsson":
            conn.execute(
                "SELECT set_config('arendestod.replica_id', %s, false)", (str(uuid.uuid4()),)
            )
            for sql, params in writes(taken_along):
                _refused(conn, sql, params, SARAS_LEASE)


def test_the_holders_own_sync_changes_the_case(taken_along, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as conn:
        conn.execute(
            "SELECT set_config('arendestod.replica_id', %s, false)",
            (str(taken_along.replica_id),),
        )
        for sql, params in writes(taken_along):
            conn.execute(sql, params)


def _lease_row(login_roles, pg_server, lease_id) -> tuple:
    with db_owner(login_roles, pg_server) as owner:
        return owner.execute(
            "SELECT ended_at, ended_by, end_reason, due_on, expires_at FROM case_leases "
            "WHERE id = %s",
            (lease_id,),
        ).fetchone()


def test_a_lease_is_ended_only_by_its_holder_or_a_chef_and_never_removed_or_changed(
    taken_along, login_roles, pg_server, staff
) -> None:
    lease = taken_along.lease_id
    end = "UPDATE case_leases SET ended_at = now(), ended_by = %s, end_reason = %s WHERE id = %s"
    with connect(login_roles, "omar.haddad") as omar:
        for reason in ("incheckad", "aterkallad", "utgangen"):
            with pytest.raises(REFUSED):
                omar.execute(end, (staff.colleague.id, reason, lease))
        with pytest.raises(REFUSED):  # in the holder's name
            omar.execute(end, (staff.caseworker.id, "incheckad", lease))
        with pytest.raises(REFUSED):
            omar.execute("DELETE FROM case_leases WHERE id = %s", (lease,))
    with connect(login_roles, "sara.nilsson") as sara:
        for change in (
            "due_on = due_on + 30",
            "expires_at = expires_at + interval '30 days'",
            "holder_id = holder_id, replica_id = gen_random_uuid()",
        ):
            with pytest.raises(REFUSED):
                sara.execute(f"UPDATE case_leases SET {change} WHERE id = %s", (lease,))
        with pytest.raises(REFUSED):  # a handläggare does not revoke, not even her own
            sara.execute(end, (staff.caseworker.id, "aterkallad", lease))
        with pytest.raises(REFUSED):  # not expired yet
            sara.execute(end, (staff.caseworker.id, "utgangen", lease))
    assert _lease_row(login_roles, pg_server, lease)[0] is None
    with connect(login_roles, "eva.lind") as chef:
        chef.execute(
            "UPDATE case_leases SET ended_at = '2020-01-01', ended_by = %s, "
            "end_reason = 'aterkallad' WHERE id = %s",
            (staff.manager.id, lease),
        )
    ended_at, ended_by, reason, *_ = _lease_row(login_roles, pg_server, lease)
    assert (ended_by, reason) == (staff.manager.id, "aterkallad")
    assert ended_at.year >= 2026  # the server's clock, not the one claimed
    with connect(login_roles, "eva.lind") as chef, pytest.raises(REFUSED):  # ended is final
        chef.execute("UPDATE case_leases SET ended_at = NULL WHERE id = %s", (lease,))
    with connect(login_roles, "omar.haddad") as omar:  # the case is back at the office
        omar.execute(
            "UPDATE households SET city = 'Norrby' WHERE id = %s", (taken_along.household_id,)
        )


def test_the_holder_checks_in_her_own_lease(taken_along, login_roles, pg_server, staff) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        sara.execute(
            "UPDATE case_leases SET ended_at = now(), ended_by = %s, end_reason = 'incheckad' "
            "WHERE id = %s",
            (staff.caseworker.id, taken_along.lease_id),
        )
    assert _lease_row(login_roles, pg_server, taken_along.lease_id)[2] == "incheckad"


NEW_LEASE = (
    "INSERT INTO case_leases (id, case_id, holder_id, replica_id, checked_out_at, due_on, "
    "expires_at, version, created_at, updated_at) VALUES (gen_random_uuid(), %(case)s, "
    "%(holder)s, gen_random_uuid(), now(), (now() AT TIME ZONE 'Europe/Stockholm')::date + "
    "%(days)s, %(expires)s, 1, now(), now()) RETURNING id"
)
"""A lease as a laptop asks for it: its last day counted from today in Sweden (the server's
`current_date` is UTC's: from 23:00 or 22:00 UTC a day behind, which made this test fail
then)."""


def test_a_lease_is_made_only_in_ones_own_name_for_at_most_fourteen_days(
    taken_along, session, make_case, pnr, login_roles, pg_server, staff
) -> None:
    free = make_case(pnr("19660606", 246), "Fri", "Fallsson").id
    session.commit()
    lease = {"case": free, "holder": staff.colleague.id, "days": 2, "expires": "2099-01-01"}
    with connect(login_roles, "omar.haddad") as omar:
        with pytest.raises(REFUSED):  # to a colleague's name
            omar.execute(NEW_LEASE, {**lease, "holder": staff.caseworker.id})
        with pytest.raises(REFUSED):
            omar.execute(NEW_LEASE, {**lease, "days": 30})
        with pytest.raises(REFUSED):
            omar.execute(NEW_LEASE, {**lease, "days": -1})
        with pytest.raises(psycopg.errors.UniqueViolation):  # Sara's checked-out case
            omar.execute(NEW_LEASE, {**lease, "case": taken_along.case_id})
    with connect(login_roles, "ada.admin") as admin, pytest.raises(psycopg.Error):
        admin.execute(NEW_LEASE, {**lease, "holder": staff.admin.id})
    with connect(login_roles, "omar.haddad") as omar:
        [made] = omar.execute(NEW_LEASE, lease).fetchone()
    *_, expires_at = _lease_row(login_roles, pg_server, made)
    with db_owner(login_roles, pg_server) as owner:
        [server_end] = owner.execute(
            "SELECT ((now() AT TIME ZONE 'Europe/Stockholm')::date + 3)::timestamp "
            "AT TIME ZONE 'Europe/Stockholm'"
        ).fetchone()
    assert expires_at == server_end  # the server's two days, not the claimed 2099


def test_a_lease_past_its_expiry_holds_nothing_and_anyone_may_end_it(
    taken_along, login_roles, pg_server, staff
) -> None:
    with db_owner(login_roles, pg_server) as owner:
        owner.execute(
            "UPDATE case_leases SET expires_at = now() - interval '1 minute' WHERE id = %s",
            (taken_along.lease_id,),
        )
    with connect(login_roles, "omar.haddad") as omar:
        omar.execute(
            "UPDATE households SET city = 'Norrby' WHERE id = %s", (taken_along.household_id,)
        )
        omar.execute(
            "UPDATE case_leases SET ended_at = now(), ended_by = %s, end_reason = 'utgangen' "
            "WHERE id = %s",
            (staff.colleague.id, taken_along.lease_id),
        )
    assert _lease_row(login_roles, pg_server, taken_along.lease_id)[1:3] == (
        staff.colleague.id,
        "utgangen",
    )


def test_another_units_caseworker_sees_no_lease_and_changes_none(
    taken_along, login_roles, staff
) -> None:
    with connect(login_roles, "karin.holm") as karin:
        assert karin.execute("SELECT count(*) FROM case_leases").fetchone() == (0,)
        ended = karin.execute(
            "UPDATE case_leases SET ended_at = now(), ended_by = %s, end_reason = 'incheckad'",
            (staff.other.id,),
        )
        assert ended.rowcount == 0


def test_a_modified_laptop_cannot_sync_into_a_case_checked_out_to_a_colleague(
    db, taken_along, caseworker, colleague, manager, login_roles, laptops, monkeypatch
) -> None:
    """Sara's laptop skips the program's own lease check; the case is on Omar's laptop now.
    The server refuses her changes, and they come back to her as refused, with the reason,
    kept on the server as conflicts."""
    omars = open_database(login_roles["omar.haddad"], upgrade=False)
    chefs = open_database(login_roles["eva.lind"], upgrade=False)
    saras = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with chefs.sessions.begin() as server:
            [lease] = leases.my_leases(server, caseworker)
            leases.revoke(server, manager, lease.lease_id, expected_version=lease.version)
        take_along(omars, laptops("omar", colleague), colleague, [taken_along.case_id])
        me = offline(taken_along.laptop, caseworker)
        with taken_along.laptop.sessions.begin() as local:
            local.get(Plan, taken_along.plan_id).goal = "Skrivet på Saras dator"
            journal.create_entry(
                local, me, taken_along.case_id, JournalDraft(clock.today(), "hembesok", "B", "Ute.")
            )
        monkeypatch.setattr(
            sync._CaseLookup,
            "require",
            lambda lookup, case: sync.access.require_read(lookup.server, lookup.actor, case),
        )
        report = run_sync(saras, taken_along.laptop, caseworker)
        assert report.conflicts == 2 and len(report.refused) == 2
        for refused in report.refused:
            assert refused.reason.startswith("Servern tog inte emot ändringen: ")
            assert "utcheckat för hembesök av Omar Haddad" in refused.reason
        assert count(omars, Plan, Plan.goal == "Skrivet på Saras dator") == 0
        assert count(omars, JournalEntry, JournalEntry.text == "Ute.") == 0
        assert count(chefs, SyncConflict, SyncConflict.made_by == caseworker.id) == 2
    finally:
        for database in (omars, chefs, saras):
            database.dispose()
