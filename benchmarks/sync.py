"""Offline sync on the benchmark database: check-out of 50 cases to a laptop's replica, and
check-in after 200 changes per case made offline (issue 7: each < 3 s on loopback).

A handläggare with at least 50 open cases takes them along to a new encrypted replica
(the "Ta med på hembesök" work: leases, audit rows, the copy, both commits). Offline, each
case gets 198 new journal entries, a changed household address and a changed phone number
(10 000 changes in the outbox; not timed). Check-in is what the button does: push the
outbox, pull the leased cases again, end the leases, remove the cases from the laptop.

On PostgreSQL every step runs as the handläggare's own role (row-level security and the
server's audit triggers included). The benchmark's journal entries are removed afterwards.

    uv run python -m benchmarks.sync --db postgresql://…/arendestod_bench
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete, event, func, select, text, update

from app.common import clock
from app.db.database import Database
from app.db.replica import ReplicaKey, open_replica
from app.models import (
    Case,
    CaseLease,
    CaseStatus,
    Household,
    HouseholdMember,
    JournalEntry,
    Person,
    Role,
    Unit,
    User,
)
from app.offline import checkout, outbox, sync
from app.security.actor import Actor
from benchmarks.bench_database import open_bench_database
from benchmarks.measure import (
    Measurement,
    ensure_user_roles,
    part_parser,
    reported,
    run_part,
)

OFFLINE_PASSWORD = "bänkprov-offline-2026"
TARGET_MS = 3000.0
MARKER = "benchmark-synk"


def _caseworker(database: Database, cases: int) -> tuple[Actor, list]:
    """A handläggare with at least `cases` open cases, outside the benchmark's 2 000-case
    unit (where it was made before its cases' forms moved with them, the forms are in
    another unit than their case, and the laptop's copy fails its foreign keys)."""
    from benchmarks.chef import BENCH_UNIT

    with database.sessions() as session:
        bench_unit = session.scalar(select(Unit.id).where(Unit.name == BENCH_UNIT))
        counts = (
            select(Case.responsible_user_id, func.count().label("n"))
            .where(Case.status != CaseStatus.CLOSED)
            .group_by(Case.responsible_user_id)
            .subquery()
        )
        user = session.scalar(
            select(User)
            .join(counts, counts.c.responsible_user_id == User.id)
            .where(User.role == Role.CASEWORKER, User.active, counts.c.n >= cases)
            .where(User.unit_id.is_distinct_from(bench_unit))
            .order_by(User.username)
        )
        if user is None:
            raise SystemExit(f"no handläggare with {cases} open cases")
        case_ids = session.scalars(
            select(Case.id)
            .where(Case.responsible_user_id == user.id, Case.status != CaseStatus.CLOSED)
            .order_by(Case.case_number)
            .limit(cases)
        ).all()
        return Actor.of(user), list(case_ids)


def _as_user(url: str, actor: Actor) -> Database:
    """The server as the handläggare's own role (PostgreSQL), as in shared mode."""
    database = open_bench_database(url, upgrade=False)
    if database.engine.dialect.name == "postgresql":
        quoted = database.engine.dialect.identifier_preparer.quote(actor.username)

        @event.listens_for(database.engine, "connect")
        def _become(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET SESSION AUTHORIZATION {quoted}")
            dbapi_connection.commit()

    return database


def _work_offline(replica: Database, actor: Actor, case_ids: list, changes: int) -> int:
    """`changes` per case: journal entries, the household's address, a member's phone
    (both put back afterwards, `_clean_up`)."""
    me = actor
    with replica.sessions.begin() as local:
        for case_id in case_ids:
            case = local.get(Case, case_id)
            for n in range(changes - 2):
                local.add(
                    JournalEntry(
                        case_id=case_id,
                        entry_date=clock.today(),
                        entry_type="anteckning",
                        title=MARKER,
                        text=f"Anteckning {n} skriven offline under hembesöket.",
                        author_id=me.id,
                        updated_by=me.id,
                    )
                )
            household = local.get(Household, case.household_id)
            household.street_address = f"{household.street_address} (ny port)"[:200]
            person = local.scalar(
                select(Person)
                .join(HouseholdMember, HouseholdMember.person_id == Person.id)
                .where(HouseholdMember.household_id == case.household_id)
                .limit(1)
            )
            person.phone = f"{person.phone}0"[:50]
    with replica.sessions() as local:
        return sync.pending(local)


def run(url: str, cases: int, changes: int, repeat: int) -> list[Measurement]:
    owner = open_bench_database(url)
    try:
        actor, case_ids = _caseworker(owner, cases)
        ensure_user_roles(owner, [actor])
    finally:
        owner.dispose()
    server = _as_user(url, actor)
    originals = _originals(url, case_ids)
    out_ms, in_ms, notes = [], [], []
    try:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory() as folder:
                key, _stored = ReplicaKey.new_random()
                replica = open_replica(Path(folder) / "laptop.sqlcipher", key)
                outbox.install(replica.sessions, actor.id)
                try:
                    started = time.perf_counter()
                    with server.sessions() as remote, replica.sessions() as local:
                        result = checkout.check_out(
                            remote,
                            local,
                            actor,
                            case_ids,
                            due_on=clock.today(),
                            offline_password=OFFLINE_PASSWORD,  # chosen at Ta med, as a user does
                        )
                        remote.commit()
                        local.commit()
                    out_ms.append((time.perf_counter() - started) * 1000)
                    waiting = _work_offline(replica, actor, case_ids, changes)
                    started = time.perf_counter()
                    with server.sessions() as remote, replica.sessions() as local:
                        report = sync.check_in(remote, local, actor, case_ids)
                    in_ms.append((time.perf_counter() - started) * 1000)
                    notes.append(
                        f"copied {result.copied.total} rows; pushed {report.pushed} of {waiting} "
                        f"({report.conflicts} conflicts), pulled {report.pulled_rows} rows"
                    )
                finally:
                    replica.dispose()
                    _clean_up(url, case_ids, originals)  # each run starts from the same data
    finally:
        server.dispose()
    note = notes[-1] if notes else ""
    return [
        reported(Measurement(f"sync: check-out of {cases} cases", TARGET_MS, out_ms)),
        reported(
            Measurement(f"sync: check-in, {changes} changes per case", TARGET_MS, in_ms, note)
        ),
    ]


def _originals(url: str, case_ids: list) -> tuple[dict, dict]:
    """The addresses and phone numbers the offline work changes, to put back."""
    owner = open_bench_database(url, upgrade=False)
    try:
        with owner.sessions() as session:
            households = select(Case.household_id).where(Case.id.in_(case_ids))
            addresses = dict(
                session.execute(
                    select(Household.id, Household.street_address).where(
                        Household.id.in_(households)
                    )
                ).all()
            )
            people = select(HouseholdMember.person_id).where(
                HouseholdMember.household_id.in_(households)
            )
            phones = dict(
                session.execute(select(Person.id, Person.phone).where(Person.id.in_(people))).all()
            )
        return addresses, phones
    finally:
        owner.dispose()


def _clean_up(url: str, case_ids: list, originals: tuple[dict, dict]) -> None:
    """Remove the benchmark's journal entries and leases and put the changed addresses and
    phone numbers back (as the owner, audit triggers off)."""
    owner = open_bench_database(url, upgrade=False)
    addresses, phones = originals
    try:
        with owner.sessions.begin() as session:
            if owner.engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL session_replication_role = replica"))
            session.execute(delete(JournalEntry).where(JournalEntry.title == MARKER))
            session.execute(delete(CaseLease).where(CaseLease.case_id.in_(case_ids)))
            for household_id, address in addresses.items():
                session.execute(
                    update(Household)
                    .where(Household.id == household_id)
                    .values(street_address=address)
                )
            for person_id, phone in phones.items():
                session.execute(update(Person).where(Person.id == person_id).values(phone=phone))
    finally:
        owner.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = part_parser("python -m benchmarks.sync", __doc__, repeat=3)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--changes", type=int, default=200, help="changes per case")
    args = parser.parse_args(argv)
    return run_part(args, lambda url: run(url, args.cases, args.changes, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
