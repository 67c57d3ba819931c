"""Time the handläggare's everyday reads on the benchmark database.

Every operation runs the way the UI runs it (`AppContext.call`): its own session and
transaction, the service call, the audit rows, the commit. Queries are drawn from the data
with a fixed seed: random persons of the acting handläggare's own unit, searched by
personnummer in three spellings, birth date, last name, "first last", a three-letter
first-name prefix and case number; plus opening a case and Mina ärenden. For each, the
SQL of the first calls is replayed raw (`measure.raw_sql_times`): the floor the app path
is compared with.

On PostgreSQL every call runs as the acting user's own role (`ensure_user_roles`), so the
server's row-level security (migration 0008) is part of what is timed, as in shared mode.
"""

from __future__ import annotations

import random
import statistics
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.cases import case_search
from app.cases.case_overview import open_case
from app.cases.my_cases import my_cases
from app.db.database import Database
from app.models import AuditEntry, Case, CaseStatus, HouseholdMember, Person, Role, User
from app.security.actor import Actor
from benchmarks.measure import (
    Measurement,
    captured_sql,
    ensure_user_roles,
    measured,
    ui_call,
)

T = TypeVar("T")

SEARCH_TARGET_MS = 50.0
OPEN_CASE_TARGET_MS = 150.0
MY_CASES_TARGET_MS = 100.0


@dataclass
class Sample:
    """One existing person with a case, and a handläggare of that case's unit."""

    actor: Actor
    responsible: Actor
    personal_number: str
    first_name: str
    last_name: str
    case_id: uuid.UUID
    case_number: str


@dataclass
class Workload:
    """Everything the benchmark draws from the database before timing starts."""

    samples: list[Sample]
    caseworkers: list[Actor]
    own_cases: dict[uuid.UUID, list[uuid.UUID]] = field(default_factory=dict)


def load_workload(database: Database, count: int, seed: int) -> Workload:
    """Draw `count` random persons with their case and an actor of the same unit."""
    rng = random.Random(seed)
    with database.sessions() as session:
        users = session.scalars(
            select(User).where(User.role == Role.CASEWORKER).order_by(User.username)
        ).all()
        caseworkers = [Actor.of(user) for user in users]
        by_id = {actor.id: actor for actor in caseworkers}
        by_unit: dict[uuid.UUID | None, list[Actor]] = {}
        for actor in caseworkers:
            by_unit.setdefault(actor.unit_id, []).append(actor)
        person_ids = session.scalars(select(Person.id).order_by(Person.personal_number)).all()
        chosen = rng.sample(person_ids, min(count, len(person_ids)))
        rows = session.execute(
            select(
                Person.id,
                Person.personal_number,
                Person.first_name,
                Person.last_name,
                Case.id,
                Case.case_number,
                Case.unit_id,
                Case.responsible_user_id,
            )
            .join(HouseholdMember, HouseholdMember.person_id == Person.id)
            .join(Case, Case.household_id == HouseholdMember.household_id)
            .where(Person.id.in_(chosen))
        ).all()
        by_person = {row[0]: row for row in rows}
        samples = []
        for person_id in chosen:
            row = by_person.get(person_id)
            if row is None or not by_unit.get(row[6]) or row[7] not in by_id:
                continue
            actor = rng.choice(by_unit[row[6]])
            samples.append(Sample(actor, by_id[row[7]], row[1], row[2], row[3], row[4], row[5]))
        own: dict[uuid.UUID, list[uuid.UUID]] = {}
        for actor_id, case_id in session.execute(
            select(Case.responsible_user_id, Case.id)
            .where(Case.status != CaseStatus.CLOSED)
            .where(Case.responsible_user_id.in_([a.id for a in caseworkers]))
            .order_by(Case.case_number)
        ):
            own.setdefault(actor_id, []).append(case_id)
    return Workload(samples, caseworkers, own)


def _pnr_short(sample: Sample) -> str:
    return f"{sample.personal_number[2:8]}-{sample.personal_number[8:]}"


def _pnr_long(sample: Sample) -> str:
    return f"{sample.personal_number[:8]}-{sample.personal_number[8:]}"


SEARCH_KINDS: list[tuple[str, Callable[[Sample], str]]] = [
    ("search: personnummer 12 digits", lambda s: s.personal_number),
    ("search: personnummer ÅÅMMDD-NNNN", _pnr_short),
    ("search: personnummer ÅÅÅÅMMDD-NNNN", _pnr_long),
    ("search: birth date ÅÅMMDD", lambda s: s.personal_number[2:8]),
    ("search: last name", lambda s: s.last_name),
    ("search: first + last name", lambda s: f"{s.first_name} {s.last_name}"),
    ("search: first-name prefix (3 letters)", lambda s: s.first_name[:3]),
    ("search: case number", lambda s: s.case_number),
]


def _searching(query: str) -> Callable[[Session, Actor], case_search.SearchResult]:
    """The search service call for `query`, ready for `_run`."""
    return lambda session, actor: case_search.search(session, actor, query)


def _opening(case_id: uuid.UUID) -> Callable[[Session, Actor], Any]:
    return lambda session, actor: open_case(session, actor, case_id)


def _hits_note(results: list[case_search.SearchResult]) -> str:
    hits = [len(result.hits) for result in results]
    truncated = sum(result.truncated for result in results)
    note = f"hits {min(hits)}–{max(hits)}, mean {statistics.fmean(hits):.0f}"
    if truncated:
        note += f"; {100 * truncated / len(results):.0f}% capped at {case_search.MAX_HITS}"
    return note


def bench_search(
    database: Database, workload: Workload, repeat: int, warmup: int
) -> list[Measurement]:
    """Each search kind on `repeat` different sampled persons, after `warmup` untimed ones."""
    samples = workload.samples[: repeat + warmup]
    return [
        measured(
            database,
            name,
            SEARCH_TARGET_MS,
            [ui_call(database, s.actor, _searching(spell(s))) for s in samples],
            warmup,
            _hits_note,
        )
        for name, spell in SEARCH_KINDS
    ]


def bench_common_prefix(
    database: Database, workload: Workload, repeat: int, warmup: int, prefix: str = "an"
) -> Measurement:
    """The worst name search: a two-letter prefix shared by thousands of names."""
    actors = [s.actor for s in workload.samples[: repeat + warmup]]
    calls = [ui_call(database, actor, _searching(prefix)) for actor in actors]
    name = f'search: common prefix "{prefix}"'
    return measured(database, name, SEARCH_TARGET_MS, calls, warmup, _hits_note)


def bench_open_case(
    database: Database, workload: Workload, repeat: int, warmup: int
) -> Measurement:
    """Open the sampled persons' cases, each as its responsible handläggare."""
    samples = workload.samples[: repeat + warmup]
    calls = [ui_call(database, s.responsible, _opening(s.case_id)) for s in samples]

    def note(results: list[Any]) -> str:
        members = [len(overview.members) for overview in results]
        return f"members {min(members)}–{max(members)}"

    return measured(database, "open case (Översikt)", OPEN_CASE_TARGET_MS, calls, warmup, note)


def bench_my_cases(
    database: Database, workload: Workload, repeat: int, warmup: int, seed: int
) -> Measurement:
    """Mina ärenden for randomly chosen handläggare (each with a real caseload)."""
    rng = random.Random(seed)
    actors = [a for a in workload.caseworkers if workload.own_cases.get(a.id)]
    chosen = [rng.choice(actors) for _ in range(repeat + warmup)]
    calls = [ui_call(database, actor, my_cases) for actor in chosen]

    def note(results: list[Any]) -> str:
        sizes = [len(rows) for rows in results]
        return f"open cases {min(sizes)}–{max(sizes)}, mean {statistics.fmean(sizes):.0f}"

    return measured(database, "Mina ärenden", MY_CASES_TARGET_MS, calls, warmup, note)


def run_all(
    database: Database, repeat: int = 200, warmup: int = 20, seed: int = 42
) -> list[Measurement]:
    """All measurements; audit rows written by the run are removed again afterwards."""
    workload = load_workload(database, repeat + warmup, seed)
    ensure_user_roles(database, workload.caseworkers)
    with database.sessions() as session:
        audit_mark = session.scalar(select(func.count()).select_from(AuditEntry))
        started_at = session.scalar(select(func.max(AuditEntry.at)))
    try:
        return [
            *bench_search(database, workload, repeat, warmup),
            bench_common_prefix(database, workload, repeat, warmup),
            bench_open_case(database, workload, repeat, warmup),
            bench_my_cases(database, workload, repeat, warmup, seed),
        ]
    finally:
        _remove_benchmark_audit(database, audit_mark, started_at)


def _remove_benchmark_audit(database: Database, count_before: int | None, last_at: Any) -> None:
    """Keep the benchmark database unchanged between runs (it is fictional data)."""
    with database.sessions.begin() as session:
        if last_at is None:
            session.execute(AuditEntry.__table__.delete())
        else:
            session.execute(AuditEntry.__table__.delete().where(AuditEntry.at > last_at))
        remaining = session.scalar(select(func.count()).select_from(AuditEntry))
    if count_before is not None and remaining != count_before:
        print(f"note: audit_log has {remaining} rows, had {count_before} before the run")


def explain(database: Database, workload: Workload) -> str:
    """EXPLAIN QUERY PLAN of every SELECT the app issues for one query of each kind (SQLite)."""
    sample = workload.samples[0]
    operations: list[tuple[str, Actor, Callable[[Session, Actor], Any]]] = [
        (name, sample.actor, _searching(spell(sample))) for name, spell in SEARCH_KINDS
    ]
    operations.append(('search: common prefix "an"', sample.actor, _searching("an")))
    operations.append(("open case", sample.responsible, _opening(sample.case_id)))
    owner = next(a for a in workload.caseworkers if workload.own_cases.get(a.id))
    operations.append(("Mina ärenden", owner, my_cases))
    out = []
    for name, actor, work in operations:
        # the session is closed without commit: no audit rows are kept
        with captured_sql(database.engine) as statements, database.sessions() as session:
            work(session, actor)
            session.flush()
        out.append(f"## {name}")
        with database.engine.connect() as connection:
            for statement, parameters in statements:
                if not statement.lstrip().upper().startswith("SELECT"):
                    continue
                plan = connection.exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, parameters
                ).all()
                out.append("    " + " ".join(statement.split())[:160] + " ...")
                out.extend(f"      {row[-1]}" for row in plan)
    return "\n".join(out)
