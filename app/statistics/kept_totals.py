"""Totals kept by the database beside a per-case fact table.

The statistics' facts are kept per case (facts.py and its siblings), so that a change
recomputes only the cases it touches. Read as they are, a year of a big unit still means
summing hundreds of thousands of fact rows, and on PostgreSQL checking row-level security
on each of them. A totals table holds the same sums grouped by the statistics' keys
(the case's unit first, then the period and the composition): a few hundred rows per unit
and month. The statistics read the totals; `HAVING sum(fact_rows) > 0` gives exactly the
groups a GROUP BY over the facts would.

Why the database keeps them, by triggers on the fact table, rather than the program:
- every path that writes facts (the upkeep in each transaction, the rebuild, the sync's bulk
  inserts, a core statement) moves the totals in the same statement, with nothing to forget;
- on PostgreSQL the app role may only read the totals, under a policy that costs nothing
  per row (an administrator all units, a chef her own unit, a handläggare nothing). The
  trigger runs as the owner (SECURITY DEFINER), so a user who can write a fact row can
  move the totals only by that row, which `stats rebuild --check` finds.

SQLite: row triggers, each an UPSERT of one group (a deletion adds the negated row).
PostgreSQL: statement triggers with transition tables, one grouped UPSERT per statement,
the groups in key order (two transactions lock shared groups in the same order).

Migrations call `upgrade_sql`/`downgrade_sql`: a change to the SQL made here needs a new
migration that drops and recreates the triggers of the tables already kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

APP_ROLE = "arendestod_app"
SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"
EVENTS = ("INSERT", "UPDATE", "DELETE")


@dataclass(frozen=True)
class KeptTotals:
    """A totals table and the per-case fact table it follows.

    The totals table has the keys (all NOT NULL), the sums (NOT NULL integers) and
    `fact_rows` (the fact rows in the group), with a unique constraint or primary key over
    the keys in this order."""

    table: str
    facts: str
    keys: tuple[str, ...]
    """Grouping columns, the same names in both tables; unit_id first."""
    sums: tuple[str, ...]
    """Summed columns, the same names in both tables."""
    null_as: tuple[tuple[str, str], ...] = ()
    """Keys that may be NULL in the facts, and the SQL literal kept in their place in the
    totals, e.g. (("closing_reason", "''"), ("decision_days", "-1"))."""

    def key_of(self, row: str) -> list[str]:
        """The keys as read from `row` (NEW, OLD, a table or alias), NULLs replaced."""
        replaced = dict(self.null_as)
        return [
            f"COALESCE({row}.{key}, {replaced[key]})" if key in replaced else f"{row}.{key}"
            for key in self.keys
        ]

    @property
    def columns(self) -> str:
        return ", ".join((*self.keys, *self.sums, "fact_rows"))


Executor = Session | Connection


# --- the triggers ----------------------------------------------------------------------------
def upgrade_sql(totals: KeptTotals, dialect: str) -> list[str]:
    """The statements that make the database keep `totals` (the table must exist)."""
    if dialect == "postgresql":
        return _postgresql(totals)
    return _sqlite(totals)


def downgrade_sql(totals: KeptTotals, dialect: str) -> list[str]:
    if dialect == "postgresql":
        drops = [
            f"DROP TRIGGER IF EXISTS {_trigger(totals, event)} ON {totals.facts}"
            for event in EVENTS
        ]
        return [
            *drops,
            f"DROP FUNCTION IF EXISTS public.{_function(totals)}()",
            f"DROP POLICY IF EXISTS statistics_readers ON {totals.table}",
        ]
    return [f"DROP TRIGGER IF EXISTS {_trigger(totals, event)}" for event in EVENTS]


def _trigger(totals: KeptTotals, event: str) -> str:
    return f"{totals.table}_on_{event.lower()}"


def _function(totals: KeptTotals) -> str:
    return f"arendestod_keep_{totals.table}"


def _upsert_set(totals: KeptTotals, existing: str) -> str:
    return ", ".join(
        f"{column} = {existing}{column} + excluded.{column}"
        for column in (*totals.sums, "fact_rows")
    )


def _sqlite(totals: KeptTotals) -> list[str]:
    def upsert(row: str, sign: str) -> str:
        values = [*totals.key_of(row), *(f"{sign}{row}.{s}" for s in totals.sums), f"{sign}1"]
        return (
            f"INSERT INTO {totals.table} ({totals.columns}) VALUES ({', '.join(values)}) "
            f"ON CONFLICT ({', '.join(totals.keys)}) DO UPDATE SET {_upsert_set(totals, '')};"
        )

    bodies = {
        "INSERT": upsert("NEW", ""),
        "UPDATE": upsert("OLD", "-") + " " + upsert("NEW", ""),
        "DELETE": upsert("OLD", "-"),
    }
    return [
        f"CREATE TRIGGER {_trigger(totals, event)} AFTER {event} ON {totals.facts} "
        f"FOR EACH ROW BEGIN {body} END"
        for event, body in bodies.items()
    ]


def _postgresql(totals: KeptTotals) -> list[str]:
    def upsert(rows: str, sign: str) -> str:
        keys = ", ".join(totals.key_of(rows))
        sums = ", ".join(f"{sign}sum({rows}.{s})" for s in totals.sums)
        return (
            f"INSERT INTO public.{totals.table} AS t ({totals.columns}) "
            f"SELECT {keys}, {sums + ', ' if sums else ''}{sign}count(*) FROM {rows} "
            f"GROUP BY {keys} ORDER BY {keys} "
            f"ON CONFLICT ({', '.join(totals.keys)}) DO UPDATE SET {_upsert_set(totals, 't.')};"
        )

    function = _function(totals)
    body = (
        f"CREATE FUNCTION public.{function}() RETURNS trigger\n"
        f"    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$\n"
        "BEGIN\n"
        "    IF TG_OP IN ('DELETE', 'UPDATE') THEN\n"
        f"        {upsert('old_rows', '-')}\n"
        "    END IF;\n"
        "    IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
        f"        {upsert('new_rows', '')}\n"
        "    END IF;\n"
        "    RETURN NULL;\n"
        "END\n"
        "$$"
    )
    transitions = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }
    triggers = [
        f"CREATE TRIGGER {_trigger(totals, event)} AFTER {event} ON public.{totals.facts} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION public.{function}()"
        for event, transition in transitions.items()
    ]
    readers = (
        "(SELECT public.arendestod_user_role()) = 'administrator' OR "
        "((SELECT public.arendestod_user_role()) = 'chef' "
        "AND unit_id = (SELECT public.arendestod_user_unit()))"
    )
    return [
        body,
        f"REVOKE ALL ON FUNCTION public.{function}() FROM PUBLIC",
        *triggers,
        f"REVOKE ALL ON {totals.table} FROM PUBLIC",
        f"REVOKE ALL ON {totals.table} FROM {APP_ROLE}",
        f"GRANT SELECT ON {totals.table} TO {APP_ROLE}",
        f"ALTER TABLE {totals.table} ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY statistics_readers ON {totals.table} FOR SELECT TO {APP_ROLE} "
        f"USING ({readers})",
    ]


# --- counting anew ---------------------------------------------------------------------------
def _grouped_facts(totals: KeptTotals) -> str:
    keys = ", ".join(totals.key_of(totals.facts))
    sums = "".join(f"sum({totals.facts}.{s}), " for s in totals.sums)
    return f"SELECT {keys}, {sums}count(*) FROM {totals.facts} GROUP BY {keys}"


def recount(executor: Executor, totals: KeptTotals) -> None:
    """The totals made anew from the facts (a migration's first fill, `stats rebuild`).
    On PostgreSQL as the owner: the app role cannot write totals."""
    executor.execute(text(f"DELETE FROM {totals.table}"))
    executor.execute(
        text(f"INSERT INTO {totals.table} ({totals.columns}) {_grouped_facts(totals)}")
    )


def differences(executor: Executor, totals: KeptTotals) -> list[tuple[Any, ...]]:
    """The groups (their keys) whose kept totals differ from the facts summed now
    (`stats rebuild --check`); groups kept at zero equal groups without facts."""
    width = len(totals.keys)
    kept = _non_zero(executor.execute(text(f"SELECT {totals.columns} FROM {totals.table}")), width)
    counted = _non_zero(executor.execute(text(_grouped_facts(totals))), width)
    return sorted(
        (key for key in kept.keys() | counted.keys() if kept.get(key) != counted.get(key)),
        key=repr,
    )


def _non_zero(rows: Iterable[Any], width: int) -> dict[tuple[Any, ...], tuple[int, ...]]:
    found = {}
    for row in rows:
        values = tuple(int(v) for v in row[width:])
        if any(values):
            found[tuple(str(k) for k in row[:width])] = values
    return found
