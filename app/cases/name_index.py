"""The unit's name index (case_search_names), kept by the database.

One row per case and member of its household, with the member's search keys and what the
search orders by (open before closed, last name, first name, case number). Kept by triggers
so that every path that writes cases, memberships or names (the services, the sync's bulk
inserts, the replica's copy, a statement typed by hand) moves it in the same statement:

- a case inserted: a row per member of its household; a case's unit, status, number or
  household changed: its rows made anew; a case deleted: its rows go (foreign key);
- a membership inserted, moved or deleted: the member's rows for the household's cases;
- a person's search keys changed: the person's rows.

On PostgreSQL the trigger functions run as the owner (SECURITY DEFINER): the app role may
only read the index, and only its own unit's rows, a protected household's only where the
cases policy shows the case (migration 0036). `rebuild` makes it anew from the tables,
`differences` compares the two (tests, `db`-level checks).

Migrations call `upgrade_sql`/`downgrade_sql`: a change to the SQL made here needs a new
migration that drops and recreates the triggers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

TABLE = "case_search_names"
COLUMNS = (
    "case_id",
    "person_id",
    "unit_id",
    "household_id",
    "closed",
    "case_number",
    "last_name_key",
    "first_name_key",
)
APP_ROLE = "arendestod_app"
CLOSED = "'avslutad'"
"""app.models.CaseStatus.CLOSED as stored."""

Executor = Session | Connection


def _rows_of(case: str, member: str) -> str:
    """SELECT of the index rows for the cases and members joined as `case` and `member`
    (a table alias or NEW), the persons as p."""
    return (
        f"SELECT {case}.id, {member}.person_id, {case}.unit_id, {case}.household_id, "
        f"{case}.status = {CLOSED}, {case}.case_number, p.last_name_key, p.first_name_key"
    )


def _schema(dialect: str) -> str:
    """The tables' schema as the trigger bodies name it: on PostgreSQL `public.`, so that
    functions running as their owner (SECURITY DEFINER) name the tables they mean whatever a
    caller's search_path (they also set their own)."""
    return "public." if dialect == "postgresql" else ""


def _insert(select: str, dialect: str) -> str:
    columns = ", ".join(COLUMNS)
    if dialect == "postgresql":
        return f"INSERT INTO {_schema(dialect)}{TABLE} ({columns}) {select} ON CONFLICT DO NOTHING;"
    # SQLite: ON CONFLICT after INSERT … SELECT would need a WHERE to parse
    return f"INSERT OR IGNORE INTO {TABLE} ({columns}) {select};"


def _for_case(case: str, dialect: str) -> str:
    """The rows of the case `case` (NEW) for every member of its household."""
    schema = _schema(dialect)
    return _insert(
        f"{_rows_of(case, 'm')} FROM {schema}household_members m "
        f"JOIN {schema}persons p ON p.id = m.person_id WHERE m.household_id = {case}.household_id",
        dialect,
    )


def _for_member(member: str, dialect: str) -> str:
    """The rows of the membership `member` (NEW) for every case of its household."""
    schema = _schema(dialect)
    return _insert(
        f"{_rows_of('c', member)} FROM {schema}cases c JOIN {schema}persons p "
        f"ON p.id = {member}.person_id WHERE c.household_id = {member}.household_id",
        dialect,
    )


def _without_member(member: str, dialect: str) -> str:
    """Delete the rows of the membership `member` (OLD)."""
    schema = _schema(dialect)
    return (
        f"DELETE FROM {schema}{TABLE} WHERE person_id = {member}.person_id AND case_id IN "
        f"(SELECT c.id FROM {schema}cases c WHERE c.household_id = {member}.household_id);"
    )


def _without_case(case: str, dialect: str) -> str:
    schema = _schema(dialect)
    return f"DELETE FROM {schema}{TABLE} WHERE case_id = {case}.id;"


def _renamed(person: str, dialect: str) -> str:
    schema = _schema(dialect)
    return (
        f"UPDATE {schema}{TABLE} SET last_name_key = {person}.last_name_key, "
        f"first_name_key = {person}.first_name_key WHERE person_id = {person}.id;"
    )


CASE_CHANGED = (
    "OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.case_number IS DISTINCT FROM NEW.case_number "
    "OR OLD.household_id IS DISTINCT FROM NEW.household_id"
)
MEMBER_MOVED = (
    "OLD.household_id IS DISTINCT FROM NEW.household_id "
    "OR OLD.person_id IS DISTINCT FROM NEW.person_id"
)
RENAMED = (
    "OLD.last_name_key IS DISTINCT FROM NEW.last_name_key "
    "OR OLD.first_name_key IS DISTINCT FROM NEW.first_name_key"
)

# (trigger name, table, event, WHEN condition or None, body as a function of the dialect)
_TRIGGERS: tuple[tuple[str, str, str, str | None, Any], ...] = (
    ("case_search_names_case_added", "cases", "INSERT", None, lambda d: _for_case("NEW", d)),
    (
        "case_search_names_case_changed",
        "cases",
        "UPDATE",
        CASE_CHANGED,
        lambda d: _without_case("OLD", d) + " " + _for_case("NEW", d),
    ),
    (
        "case_search_names_member_added",
        "household_members",
        "INSERT",
        None,
        lambda d: _for_member("NEW", d),
    ),
    (
        "case_search_names_member_moved",
        "household_members",
        "UPDATE",
        MEMBER_MOVED,
        lambda d: _without_member("OLD", d) + " " + _for_member("NEW", d),
    ),
    (
        "case_search_names_member_removed",
        "household_members",
        "DELETE",
        None,
        lambda d: _without_member("OLD", d),
    ),
    ("case_search_names_renamed", "persons", "UPDATE", RENAMED, lambda d: _renamed("NEW", d)),
)


def upgrade_sql(dialect: str) -> list[str]:
    """The statements that make the database keep the index (the table must exist)."""
    if dialect == "postgresql":
        return _postgresql()
    # SQLite's `IS NOT` is PostgreSQL's IS DISTINCT FROM (which older SQLite lacks)
    return [
        f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW "
        f"{'WHEN ' + when.replace('IS DISTINCT FROM', 'IS NOT') + ' ' if when else ''}"
        f"BEGIN {body('sqlite')} END"
        for name, table, event, when, body in _TRIGGERS
    ]


def downgrade_sql(dialect: str) -> list[str]:
    if dialect != "postgresql":
        return [f"DROP TRIGGER IF EXISTS {name}" for name, *_ in _TRIGGERS]
    return [
        *(f"DROP TRIGGER IF EXISTS {name} ON public.{table}" for name, table, *_ in _TRIGGERS),
        *(f"DROP FUNCTION IF EXISTS public.arendestod_{name}()" for name, *_ in _TRIGGERS),
        f"DROP POLICY IF EXISTS unit_readers ON {TABLE}",
    ]


VISIBLE = (
    "(SELECT public.arendestod_is_staff()) AND unit_id = (SELECT public.arendestod_user_unit()) "
    "AND (household_id NOT IN (SELECT public.arendestod_protected_households()) "
    f"OR EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {TABLE}.case_id))"
)
"""A row the app role may read: its own unit's, and a protected household's only where the
cases policy shows the user the case (its handläggare, the unit's chefs). The unit is an
index condition; the cases subquery is asked only for the few protected households."""


def _postgresql() -> list[str]:
    statements = []
    for name, table, event, when, body in _TRIGGERS:
        function = f"public.arendestod_{name}()"
        statements += [
            f"CREATE FUNCTION {function} RETURNS trigger\n"
            "    LANGUAGE plpgsql SECURITY DEFINER "
            "SET search_path = pg_catalog, public, pg_temp AS $$\n"
            f"BEGIN\n    {body('postgresql')}\n    RETURN NULL;\nEND\n$$",
            f"REVOKE ALL ON FUNCTION {function} FROM PUBLIC",
            f"CREATE TRIGGER {name} AFTER {event} ON public.{table} FOR EACH ROW "
            f"{f'WHEN ({when}) ' if when else ''}EXECUTE FUNCTION {function}",
        ]
    return [
        *statements,
        f"REVOKE ALL ON {TABLE} FROM PUBLIC",
        f"REVOKE ALL ON {TABLE} FROM {APP_ROLE}",
        f"GRANT SELECT ON {TABLE} TO {APP_ROLE}",
        f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY unit_readers ON {TABLE} FOR SELECT TO {APP_ROLE} USING ({VISIBLE})",
    ]


def _all_rows() -> str:
    return (
        f"{_rows_of('c', 'm')} FROM cases c JOIN household_members m "
        "ON m.household_id = c.household_id JOIN persons p ON p.id = m.person_id"
    )


def rebuild(executor: Executor) -> None:
    """The index made anew from cases, memberships and persons (the migration's first
    fill; on PostgreSQL as the owner: the app role cannot write it)."""
    executor.execute(text(f"DELETE FROM {TABLE}"))
    executor.execute(text(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) {_all_rows()}"))


def differences(executor: Executor) -> tuple[set[tuple], set[tuple]]:
    """(rows kept but not in the tables, rows in the tables but not kept), as tuples of
    strings: both empty when the index is right."""
    kept = {
        tuple(str(v) for v in row)
        for row in executor.execute(text(f"SELECT {', '.join(COLUMNS)} FROM {TABLE}"))
    }
    counted = {tuple(str(v) for v in row) for row in executor.execute(text(_all_rows()))}
    return kept - counted, counted - kept
