"""The chef's Ärendegenomgång kept per case (case_review_facts, migration 0041).

The caseload of a unit of 2 000 cases read its facts from a dozen tables, a page per case
per index where the file is encrypted and read cold (the cases' ids are random UUIDs spread
over every index: ~23 000 pages at 100 000 households, the first opening 0.9–1.2 s). What it
computes for a case stays the same all day unless a row it reads changes, so it is kept,
one row per case, keyed by the unit first: the chef's page reads its unit's rows with its
cases, in the same statement, all from the unit's stretch of the key
(app.cases.caseload_review.open_cases; it computes and writes back the cases it finds no
valid row for, with its one computation).

A row is valid when its `basis` is today's (the Swedish date and the settings the
computation reads: ages, the twelve months, the plans current, the young adults and the
warning days move with them) and it was not cleared. Clearing is the database's: triggers
on every table the computation reads (`SOURCES`), so every path that writes them (the
services, the sync's bulk apply, core statements, demo data, psql) clears the cases it
touches in the same statement. A trigger does not delete: it writes the case's row empty
and counts its `generation` up, a row made empty when there was none. The caseload writes
its computation back only over the generation it read (`write`), so facts computed from
rows read before a change committed are never kept after it, whatever the interleaving
(PostgreSQL's read committed: the write waits for the changing transaction's row and then
finds the generation moved).

What changes within a day is not kept: the bevakningar overdue now (their due dates and
times are kept, `now` is compared at the read), and what other tables name (the
handläggare's name) is read live.

PostgreSQL: the app role may read the rows of the cases it may see, and only a chef of the
case's unit may write them (a handläggare with psql cannot forge what her chef sees; her
own caseload is computed without writing); it may not delete them. The triggers run as the
owner (SECURITY DEFINER, their own search_path).

Migrations call `upgrade_sql`/`downgrade_sql`: a change to the SQL made here needs a new
migration that drops and recreates the triggers.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import Integer, Text, Uuid, bindparam, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import CaseReviewFact

TABLE = "case_review_facts"
APP_ROLE = "arendestod_app"

SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    # table: (events, the cases whose rows a row R (OLD or NEW) of it moves, as c)
    "applications": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "decisions": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "follow_up_tasks": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "forms": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "journal_entries": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "plans": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "support_barriers": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "plan_items": (
        ("INSERT", "UPDATE", "DELETE"),
        "c.id = (SELECT p.case_id FROM {S}plans p WHERE p.id = {R}.plan_id)",
    ),
    "household_members": (("INSERT", "UPDATE", "DELETE"), "c.household_id = {R}.household_id"),
    "persons": (
        ("UPDATE", "DELETE"),
        "c.household_id IN (SELECT m.household_id FROM {S}household_members m "
        "WHERE m.person_id = {R}.id)",
    ),
    # a new case has no row; a deleted one loses its rows by the foreign key
    "cases": (("UPDATE",), "c.id = {R}.id"),
    # the bevakningar after a decision (issue 23, migration 0044)
    "appeals": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
    "appeal_rulings": (("INSERT", "UPDATE", "DELETE"), "c.id = {R}.case_id"),
}
"""The tables the caseload's computation reads (app.cases.caseload_review, app.deadlines),
each with the events that clear facts and which cases' facts. An UPDATE clears the cases of
the row before and after."""

FIRST_SOURCES = (
    "applications",
    "decisions",
    "follow_up_tasks",
    "forms",
    "journal_entries",
    "plans",
    "support_barriers",
    "plan_items",
    "household_members",
    "persons",
    "cases",
)
"""The sources whose triggers migrations 0041 and 0043 made (a later table did not exist
then: its triggers are made by the migration that creates it)."""
AFTER_DECISION_SOURCES = ("appeals", "appeal_rulings")
"""The sources migration 0044 creates, with their triggers."""

NOT_SOURCES: dict[str, str] = {
    "users": "the handläggare's name is read live with the cases, never kept",
    "settings": "the settings the computation reads are in each row's basis (`basis`)",
    "units": "not read",
    "households": "not read: a case's household is cases.household_id, its members are read",
    "case_status_changes": "not read: the status is the case's own",
    "decision_items": "not read: a decision's total is on the decision",
    "audit_log": "written, not read (one audit row per caseload)",
    "case_leases": "not read",
    "case_search_names": "not read (the name search's index)",
    "sync_outbox": "the replica's bookkeeping",
    "sync_conflicts": "the replica's bookkeeping",
    "sync_pulled_cases": "the replica's bookkeeping",
    TABLE: "the kept facts themselves",
    "decision_deliveries": "not read: the bevakningar after a decision are the appeals' own",
    "letters": "not read: a signed letter makes no bevakning",
    "complaints": "not read: a complaint is the unit's register, not the case's review",
    "register_answers": "not read: a register answer makes no bevakning (its journal entry is)",
}
"""Tables with a case_id column, or named by the computation's statements, that are not
sources, and why (tests/core/cases/test_review_facts.py makes every new table decide).
The statistics' facts and totals (statistics_*) are not read either."""

try:  # as app.__version__ (importing the package from here would cross the layers)
    PROGRAM_VERSION = version("arendestod")
except PackageNotFoundError:  # run from a source tree without installing
    PROGRAM_VERSION = "okänd"

BASIS_LENGTH = 80
"""case_review_facts.basis's length."""
FORMAT_VERSION = 1
"""Of the payload (app.cases.caseload_review.KeptFacts): a new version makes every kept row
invalid (it is part of `basis`)."""


def basis(today: str, warning_days: int) -> str:
    """What a row was computed for besides the rows: the payload's format, the Swedish date
    (ISO), the decision warning days (app.settings.registry.DECISION_WARNING_DAYS, the
    only setting the computation reads) and the program's version (an upgrade may compute
    differently: its first opening computes anew)."""
    return f"{FORMAT_VERSION}|{today}|{warning_days}|{PROGRAM_VERSION}"[:BASIS_LENGTH]


def write(
    session: Session,
    unit_id: uuid.UUID,
    computed: Iterable[tuple[uuid.UUID, int, str]],
    row_basis: str,
) -> None:
    """Keep the cases' facts (case id, the generation read before computing them, payload):
    written only where the row's generation is still the one read (or there is none), so
    a change committed since is never hidden."""
    values: list[dict[str, Any]] = [
        {
            "unit_id": unit_id,
            "case_id": case_id,
            "generation": generation,
            "basis": row_basis,
            "payload": payload,
        }
        for case_id, generation, payload in computed
    ]
    if not values:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # one statement for the lot: a statement per row, each through the policies'
        # checks, took 5–6 s for 2 000 rows (10 000 households); this ~0.1 s
        session.execute(
            _WRITE_MANY,
            {
                "unit_id": unit_id,
                "basis": row_basis,
                "case_ids": [v["case_id"] for v in values],
                "generations": [v["generation"] for v in values],
                "payloads": [v["payload"] for v in values],
            },
        )
        return
    stmt = sqlite.insert(CaseReviewFact)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CaseReviewFact.unit_id, CaseReviewFact.case_id],
        set_={"basis": stmt.excluded.basis, "payload": stmt.excluded.payload},
        where=CaseReviewFact.generation == stmt.excluded.generation,
    )
    session.execute(stmt, values)


_WRITE_MANY = text(
    f"INSERT INTO {TABLE} AS f (unit_id, case_id, generation, basis, payload) "
    "SELECT :unit_id, r.case_id, r.generation, :basis, r.payload "
    "FROM unnest(:case_ids, :generations, :payloads) AS r(case_id, generation, payload) "
    "ON CONFLICT (unit_id, case_id) DO UPDATE SET basis = EXCLUDED.basis, "
    "payload = EXCLUDED.payload WHERE f.generation = EXCLUDED.generation"
).bindparams(
    bindparam("unit_id", type_=Uuid()),
    bindparam("case_ids", type_=postgresql.ARRAY(Uuid())),
    bindparam("generations", type_=postgresql.ARRAY(Integer())),
    bindparam("payloads", type_=postgresql.ARRAY(Text())),
)
"""`write` on PostgreSQL: the rows as three arrays, one INSERT."""


# --- the triggers -------------------------------------------------------------------------------


def _schema(dialect: str) -> str:
    """`public.` on PostgreSQL: functions running as their owner name the tables they mean
    whatever a caller's search_path (they also set their own)."""
    return "public." if dialect == "postgresql" else ""


def _clear(cases: str, dialect: str) -> str:
    """Clear the facts of the cases `cases` selects (a condition on cases c): the row of the
    case's unit made empty and its generation counted up, made when missing."""
    schema = _schema(dialect)
    # SQLite names the row there by the table, PostgreSQL by an alias
    target, row = (f"{TABLE} AS f", "f") if dialect == "postgresql" else (TABLE, TABLE)
    return (
        f"INSERT INTO {schema}{target} (unit_id, case_id, generation) "
        f"SELECT c.unit_id, c.id, 1 FROM {schema}cases c WHERE {cases} "
        "ON CONFLICT (unit_id, case_id) DO UPDATE SET "
        f"generation = {row}.generation + 1, basis = NULL, payload = NULL;"
    )


def _moved(dialect: str) -> str:
    """A case moved to another unit: its row under the old unit cleared too (it would be
    valid again if the case came back the same day)."""
    schema = _schema(dialect)
    differs = "IS DISTINCT FROM" if dialect == "postgresql" else "IS NOT"
    return (
        f"UPDATE {schema}{TABLE} SET generation = generation + 1, basis = NULL, payload = NULL "
        f"WHERE case_id = NEW.id AND unit_id {differs} NEW.unit_id;"
    )


def _body(table: str, event: str, dialect: str) -> str:
    """SQLite's trigger body, run for each row (OLD, NEW)."""
    _events, cases = SOURCES[table]
    schema = _schema(dialect)
    rows = {"INSERT": ("NEW",), "DELETE": ("OLD",), "UPDATE": ("OLD", "NEW")}[event]
    condition = " OR ".join(f"({cases.format(R=r, S=schema)})" for r in rows)
    if table == "cases":  # the case's row (OLD and NEW are the same case)
        return _moved(dialect) + " " + _clear(cases.format(R="NEW", S=schema), dialect)
    return _clear(condition, dialect)


TRANSITION_TABLES = {
    "INSERT": ("new_rows",),
    "DELETE": ("old_rows",),
    "UPDATE": ("old_rows", "new_rows"),
}
"""PostgreSQL's transition tables of each event's statement-level trigger."""


CHANGED_CASES: dict[str, tuple[str, str]] = {
    **{
        table: ("id", "SELECT R.case_id FROM {rows} R")
        for table in (
            "applications",
            "decisions",
            "follow_up_tasks",
            "forms",
            "journal_entries",
            "plans",
            "support_barriers",
            "appeals",
            "appeal_rulings",
        )
    },
    "plan_items": ("id", "SELECT p.case_id FROM public.plans p JOIN {rows} R ON p.id = R.plan_id"),
    "household_members": ("household_id", "SELECT R.household_id FROM {rows} R"),
    "persons": (
        "household_id",
        "SELECT m.household_id FROM public.household_members m JOIN {rows} R ON m.person_id = R.id",
    ),
    "cases": ("id", "SELECT R.id FROM {rows} R"),
}
"""`SOURCES` as sets for PostgreSQL's statement-level triggers: per source, the column of
cases and the set of its values the changed rows ({rows}: a transition table) name — the
same cases `SOURCES`' condition selects row by row (a test holds the two to the same keys,
and the random-changes test runs on both engines)."""


def _statement_body(table: str, event: str) -> str:
    """PostgreSQL's trigger body, run once per statement over its transition tables: the
    cases any changed row moves, each cleared once. The sync's check-in writes 10 000
    journal entries in one statement; a trigger per row made that 2.4–2.9 s check-in 6.8 s."""
    column, changed = CHANGED_CASES[table]
    tables = ("new_rows",) if table == "cases" else TRANSITION_TABLES[event]
    values = " UNION ".join(changed.format(rows=rows) for rows in tables)
    clear = (
        f"INSERT INTO public.{TABLE} AS f (unit_id, case_id, generation) "
        f"SELECT c.unit_id, c.id, 1 FROM public.cases c WHERE c.{column} IN ({values}) "
        "ON CONFLICT (unit_id, case_id) DO UPDATE SET "
        "generation = f.generation + 1, basis = NULL, payload = NULL;"
    )
    if table != "cases":
        return clear
    # a case moved to another unit: its row under the unit it left cleared too
    return (
        f"UPDATE public.{TABLE} f SET generation = f.generation + 1, basis = NULL, "
        "payload = NULL FROM new_rows n "
        "WHERE f.case_id = n.id AND f.unit_id IS DISTINCT FROM n.unit_id; " + clear
    )


def _triggers(tables: Iterable[str] | None = None) -> list[tuple[str, str, str]]:
    """(name, table, event) of every trigger, or of the sources `tables`."""
    wanted = set(SOURCES if tables is None else tables)
    return [
        (f"{TABLE}_{table}_{event.lower()}", table, event)
        for table, (events, _cases) in SOURCES.items()
        if table in wanted
        for event in events
    ]


def upgrade_sql(
    dialect: str, *, per_statement: bool, tables: Iterable[str] | None = None
) -> list[str]:
    """The statements that make the database clear the kept facts (the table must exist),
    and on PostgreSQL its grants and policies. SQLite's triggers run for each row;
    PostgreSQL's once per statement over its transition tables (`per_statement`; migration
    0041 made them per row, 0043 replaced them)."""
    if dialect != "postgresql":
        return [
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
            f"BEGIN {_body(table, event, dialect)} END"
            for name, table, event in _triggers(tables)
        ]
    return [*trigger_sql(per_statement=per_statement, tables=tables), *ACCESS_SQL]


def source_triggers_sql(dialect: str, tables: Iterable[str]) -> list[str]:
    """The triggers of the sources `tables` alone, as they are made now (a migration that
    creates a source table)."""
    tables = list(tables)
    if dialect != "postgresql":
        return upgrade_sql(dialect, per_statement=False, tables=tables)
    return trigger_sql(per_statement=True, tables=tables)


def trigger_sql(*, per_statement: bool, tables: Iterable[str] | None = None) -> list[str]:
    """PostgreSQL's trigger functions and triggers (functions run as the owner)."""
    statements = []
    for name, table, event in _triggers(tables):
        function = f"public.arendestod_{name}()"
        if per_statement:
            body = _statement_body(table, event)
            transition = " ".join(
                f"{'OLD' if rows == 'old_rows' else 'NEW'} TABLE AS {rows}"
                for rows in TRANSITION_TABLES[event]
            )
            when = f"REFERENCING {transition} FOR EACH STATEMENT"
        else:
            body, when = _body(table, event, "postgresql"), "FOR EACH ROW"
        statements += [
            f"CREATE FUNCTION {function} RETURNS trigger\n"
            "    LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path = pg_catalog, public, pg_temp AS $$\n"
            f"BEGIN\n    {body}\n    RETURN NULL;\nEND\n$$",
            f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC",
            f"CREATE TRIGGER {name} AFTER {event} ON public.{table} {when} "
            f"EXECUTE FUNCTION {function}",
        ]
    return statements


def downgrade_sql(dialect: str, tables: Iterable[str] | None = None) -> list[str]:
    if dialect != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in _triggers(tables)]
    return trigger_drop_sql(tables)


def trigger_drop_sql(tables: Iterable[str] | None = None) -> list[str]:
    """PostgreSQL's triggers and their functions dropped (of the sources `tables`)."""
    found = _triggers(tables)
    return [
        *(f"DROP TRIGGER IF EXISTS {name} ON public.{table}" for name, table, _ in found),
        *(f"DROP FUNCTION IF EXISTS public.arendestod_{name}()" for name, *_ in found),
    ]


VISIBLE = f"EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {TABLE}.case_id)"
"""A row the app role may read: of a case the cases policy shows the user (the statistics'
facts' rule, migration 0028)."""

CHEF = (
    "(SELECT public.arendestod_user_role()) = 'chef' "
    f"AND unit_id = (SELECT public.arendestod_user_unit()) "
    f"AND EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {TABLE}.case_id "
    f"AND c.unit_id = {TABLE}.unit_id)"
)
"""A row the app role may write: a chef's, of a case of her unit, under its unit."""


ACCESS_SQL = [
    f"REVOKE ALL ON {TABLE} FROM PUBLIC",
    f"REVOKE ALL ON {TABLE} FROM {APP_ROLE}",
    f"GRANT SELECT, INSERT, UPDATE ON {TABLE} TO {APP_ROLE}",
    f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY",
    f"CREATE POLICY case_readers ON {TABLE} FOR SELECT TO {APP_ROLE} USING ({VISIBLE})",
    f"CREATE POLICY chef_writers ON {TABLE} FOR INSERT TO {APP_ROLE} WITH CHECK ({CHEF})",
    f"CREATE POLICY chef_updaters ON {TABLE} FOR UPDATE TO {APP_ROLE} "
    f"USING ({CHEF}) WITH CHECK ({CHEF})",
]
"""PostgreSQL: the app role reads the rows of the cases it sees; only a chef of the case's
unit writes them; nobody but the owner's triggers clears them."""
