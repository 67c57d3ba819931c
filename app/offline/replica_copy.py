"""Copying cases from the server to a laptop's replica (check-out for hembesök).

What a case needs offline is copied whole: the case and its household, members and persons,
applications, status history, journal, register answers, forms, plans, support barriers,
decisions and follow-ups, what came after its decisions (delgivning, appeals, court rulings,
their letters), the complaints linked to it with their answers (as far as the user may read
them: on PostgreSQL row-level security decides; a complaint's measures stay at the office)
and the e-ansökningar its applications were taken in from (to be read, not changed),
and its active lease; and the reference data every case uses (units, the staff
list without password hashes, delegations, form definitions, norm tables, settings). Rows
are read through the user's own session (on PostgreSQL under row-level security) and
written to the replica as upserts, so copying a case again refreshes it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import Select, Table, delete, select, text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models.base import Base

REFERENCE_TABLES = ("units", "users", "delegations", "form_definitions", "norm_tables", "settings")

CASE_ROW_TABLES = (
    "applications",
    "case_status_changes",
    "forms",
    "journal_entries",
    "plans",
    "support_barriers",
    "decisions",
    "follow_up_tasks",
    "decision_deliveries",
    "appeals",
    "appeal_rulings",
    "register_answers",
)
"""Tables whose rows belong to one case (column case_id)."""

LINKED_TABLES = ("complaints", "letters", "intake_deliveries")
"""Tables whose rows may name a case (case_id, or none) or one of its applications (the
e-ansökan an application was taken in from): those that do travel with it."""

NOT_COPIED = {"users": {"password_hash"}}
"""Columns that never leave the server (and that application roles cannot read there)."""

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class CopyResult:
    rows: dict[str, int]
    """Rows written per table."""

    @property
    def total(self) -> int:
        return sum(self.rows.values())


PRUNED = (
    "cases",
    "household_members",
    *CASE_ROW_TABLES,
    *LINKED_TABLES,
    "case_leases",
    "plan_items",
    "decision_items",
)
"""Tables whose rows of the copied cases the server may have removed (a draft deleted, a
member moved out): gone from the replica too when copying again (`prune`)."""


def copy_cases(
    server: Session,
    replica: Session,
    case_ids: Iterable[uuid.UUID],
    progress: Progress | None = None,
    *,
    prune: bool = False,
) -> CopyResult:
    """Copy the cases (and the reference data, also when no case is to be copied) into
    the replica's session; the caller commits both. `prune`: also remove the cases' rows
    the server no longer has (only after the replica's own changes are on the server:
    app.offline.sync)."""
    ids = list(dict.fromkeys(case_ids))
    # read first: a change committed while copying moves the counter past what is noted
    counters = server_case_counters(server, ids)
    queries = _queries(ids)
    # rows of a table may refer to each other (corrections, replaced decisions): the
    # replica checks its foreign keys at commit, when all are there
    replica.execute(text("PRAGMA defer_foreign_keys = ON"))
    written: dict[str, int] = {}
    for step, table in enumerate(Base.metadata.sorted_tables):
        query = queries.get(table.name)
        if query is None:
            continue
        rows = [dict(row._mapping) for row in server.execute(query)]
        if prune and table.name in PRUNED:
            kept = [row["id"] for row in rows]
            of_cases = query.whereclause
            assert of_cases is not None  # only the reference tables (never pruned) have none
            replica.execute(
                delete(table).where(
                    table.c.id.in_(
                        select(table.c.id)
                        .where(of_cases)
                        .where(table.c.id.not_in(kept))
                        .scalar_subquery()
                    )
                    if kept
                    else of_cases
                )
            )
        _upsert(replica, table, rows)
        written[table.name] = len(rows)
        if progress is not None:
            progress(step + 1, len(Base.metadata.sorted_tables))
    note_copied(replica, counters)
    return CopyResult(written)


def remove_cases(replica: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Remove the cases from the replica, with their households and the persons no other
    case there needs (their changes are on the server by then)."""
    ids = list(case_ids)
    if not ids:
        return
    tables = Base.metadata.tables
    queries = _queries(ids)
    queries["audit_log"] = select(tables["audit_log"].c.id).where(
        tables["audit_log"].c.case_id.in_(ids)
    )
    households = set(
        replica.scalars(queries["households"].with_only_columns(tables["households"].c.id))
    )
    people = set(replica.scalars(queries["persons"].with_only_columns(tables["persons"].c.id)))
    replica.execute(text("PRAGMA defer_foreign_keys = ON"))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in PRUNED or table.name == "audit_log":
            of_cases = queries[table.name].whereclause
            assert of_cases is not None  # only the reference tables have none
            replica.execute(delete(table).where(of_cases))
    cases = tables["cases"]
    members = tables["household_members"]
    still_used = set(replica.scalars(select(cases.c.household_id)))
    gone = households - still_used
    replica.execute(delete(members).where(members.c.household_id.in_(gone)))
    replica.execute(delete(tables["households"]).where(tables["households"].c.id.in_(gone)))
    needed = set(replica.scalars(select(members.c.person_id)))
    replica.execute(delete(tables["persons"]).where(tables["persons"].c.id.in_(people - needed)))
    pulled = tables["sync_pulled_cases"]
    replica.execute(delete(pulled).where(pulled.c.case_id.in_(ids)))


def _columns(table: Table) -> list:
    hidden = NOT_COPIED.get(table.name, set())
    return [column for column in table.columns if column.name not in hidden]


def _queries(case_ids: list[uuid.UUID]) -> dict[str, Select]:
    tables = Base.metadata.tables
    cases = tables["cases"]
    members = tables["household_members"]
    households = select(cases.c.household_id).where(cases.c.id.in_(case_ids))
    people = select(members.c.person_id).where(members.c.household_id.in_(households))

    def rows(name: str, where=None) -> Select:
        query = select(*_columns(tables[name]))
        return query if where is None else query.where(where)

    queries = {name: rows(name) for name in REFERENCE_TABLES}
    queries["cases"] = rows("cases", cases.c.id.in_(case_ids))
    queries["households"] = rows("households", tables["households"].c.id.in_(households))
    queries["household_members"] = rows("household_members", members.c.household_id.in_(households))
    queries["persons"] = rows("persons", tables["persons"].c.id.in_(people))
    for name in CASE_ROW_TABLES:
        queries[name] = rows(name, tables[name].c.case_id.in_(case_ids))
    # an ärendegenomgång (a unit's form, no case) whose agreed actions are the cases' tasks
    forms, tasks = tables["forms"], tables["follow_up_tasks"]
    queries["forms"] = rows(
        "forms",
        forms.c.case_id.in_(case_ids)
        | forms.c.id.in_(select(tasks.c.source_form_id).where(tasks.c.case_id.in_(case_ids))),
    )
    # the complaints linked to the cases, and their letters: an appeal's, and a complaint's
    # answer when its complaint travels too (a letter refers to it)
    complaints, letters = tables["complaints"], tables["letters"]
    linked = select(complaints.c.id).where(complaints.c.case_id.in_(case_ids))
    queries["complaints"] = rows("complaints", complaints.c.case_id.in_(case_ids))
    queries["letters"] = rows(
        "letters",
        letters.c.case_id.in_(case_ids)
        & (letters.c.complaint_id.is_(None) | letters.c.complaint_id.in_(linked)),
    )
    # the e-ansökningar the cases' applications were taken in from, to be read at a hembesök
    applications = select(tables["applications"].c.id).where(
        tables["applications"].c.case_id.in_(case_ids)
    )
    deliveries = tables["intake_deliveries"]
    queries["intake_deliveries"] = rows(
        "intake_deliveries", deliveries.c.taken_application_id.in_(applications)
    )
    leases = tables["case_leases"]
    queries["case_leases"] = rows(
        "case_leases", leases.c.case_id.in_(case_ids) & leases.c.ended_at.is_(None)
    )
    plans = select(tables["plans"].c.id).where(tables["plans"].c.case_id.in_(case_ids))
    queries["plan_items"] = rows("plan_items", tables["plan_items"].c.plan_id.in_(plans))
    decisions = select(tables["decisions"].c.id).where(tables["decisions"].c.case_id.in_(case_ids))
    queries["decision_items"] = rows(
        "decision_items", tables["decision_items"].c.decision_id.in_(decisions)
    )
    return queries


def _upsert(replica: Session, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    statement = sqlite_insert(table)
    updated = {
        column.name: statement.excluded[column.name]
        for column in _columns(table)
        if not column.primary_key
    }
    replica.execute(statement.on_conflict_do_update(index_elements=["id"], set_=updated), rows)


def server_case_counters(server: Session, case_ids: Iterable[uuid.UUID]) -> dict | None:
    """Each case's place in the server's change sequence (migration 0013), or None where
    the server keeps none (a local SQLite database: every case counts as changed)."""
    ids = list(case_ids)
    if server.get_bind().dialect.name != "postgresql":
        return None
    if not ids:
        return {}
    rows = server.execute(
        text("SELECT case_id, seq FROM case_changes WHERE case_id = ANY(:ids)"), {"ids": ids}
    )
    return dict(rows.all())


def note_copied(replica: Session, counters: dict | None) -> None:
    """Remember the counters the copied cases had (read before copying them)."""
    if not counters:
        return
    table = Base.metadata.tables["sync_pulled_cases"]
    statement = sqlite_insert(table)
    replica.execute(
        statement.on_conflict_do_update(
            index_elements=["case_id"], set_={"server_seq": statement.excluded.server_seq}
        ),
        [{"case_id": case_id, "server_seq": seq} for case_id, seq in counters.items()],
    )
