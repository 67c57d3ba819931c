"""The chef's page reads only its own unit's cases, whatever the size of the register.

SQLite picks a plan from the statistics ANALYZE keeps (`sqlite_stat1`). In a municipality
whose register is large and whose units are few, those say that a unit holds a third of
all cases; a statement that filters the unit with `status != 'avslutad'` (not answerable
from an index) and groups by handläggare was then planned as a walk through the whole
handläggare index (143 ms at 100 000 households against 3 ms through the unit's index), so
the review status grew with the register instead of with the unit. The statistics of such a
register are written here by hand (the planner reads only them, not the rows)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import event, text

from app.cases.caseload_review import caseload, review_status
from app.db.database import Database
from app.deadlines.deadlines import read_case_facts

# rows, then rows per distinct value of each index's leading columns (ANALYZE of the
# benchmark's register): 100 000 cases in two units, ~70 cases per handläggare
BIG_REGISTER = {
    "ix_cases_unit_household": "100000 50000 1 1",
    "ix_cases_unit_status": "100000 50000 12500",
    "ix_cases_unit_caseload": "100000 50000 12500 1 1 1 1",
    "ix_cases_id_household": "100000 1 1 1",
    "ix_cases_responsible_status": "100000 71 18",
    "ix_cases_household_id": "100000 1",
    "sqlite_autoindex_cases_1": "100000 1",
    "sqlite_autoindex_cases_2": "100000 1",
}


UNIT_AND_STATUS = r"INDEX ix_cases_unit_(status|caseload) \(unit_id=\? AND status=\?\)"
"""Both columns of a unit's index used (a pattern): the planner then expects the unit's open
cases, not a third or half of the register (SQLite's statistics hold one average per unit;
the `sqlite_stat4` samples of a big unit made the handläggare index look cheaper)."""
UNIT_CASELOAD = "USING COVERING INDEX ix_cases_unit_caseload (unit_id=? AND status=?)"
"""The same for the caseload's list of cases, from the index alone (migration 0038)."""


@pytest.fixture
def big_register_statistics(db: Database) -> Iterator[None]:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the statistics that mislead SQLite's planner; PostgreSQL plans its own")
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        connection.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'cases'"))
        for index, stat in BIG_REGISTER.items():
            connection.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('cases', :i, :s)"),
                {"i": index, "s": stat},
            )
    db.engine.dispose()  # new connections read the statistics when they load the schema
    yield


def _plans_over_cases(db: Database, call) -> list[str]:
    """EXPLAIN QUERY PLAN of every statement `call` sends that reads the cases table."""
    return _plans(db, call, " cases")


def _plans(db: Database, call, reading: str) -> list[str]:
    """EXPLAIN QUERY PLAN of every SELECT `call` sends whose text holds `reading`."""
    statements: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if reading in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        with db.sessions() as session:
            call(session)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert statements, f"the call sends no statement with {reading!r}"
    plans = []
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        for statement, parameters in statements:
            rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
            plans.append("\n".join(row[-1] for row in rows))
    return plans


def _whole_table_scans(plans: list[str]) -> list[str]:
    return [p for p in plans if any(line.startswith("SCAN cases") for line in p.splitlines())]


def test_review_status_reads_the_unit_through_its_index(
    db, big_register_statistics, manager
) -> None:
    plans = _plans_over_cases(db, lambda s: review_status(s, manager))
    assert not _whole_table_scans(plans), plans
    assert all(re.search(UNIT_AND_STATUS, p) for p in plans), plans


def test_the_unit_caseload_reads_the_unit_through_its_index(
    db, big_register_statistics, manager
) -> None:
    plans = _plans_over_cases(db, lambda s: caseload(s, manager))
    assert not _whole_table_scans(plans), plans
    assert UNIT_CASELOAD in plans[0], plans


# journal_entries of the benchmark's register after migration 0029 (which added the type
# index without analysing it, as a user's database is upgraded)
BIG_JOURNAL = {
    "ix_journal_entries_case_type": "1392015 14 3 1 1",
    "ix_journal_entries_case_date": "1392015 14 1",
    "sqlite_autoindex_journal_entries_1": "1392015 1",
}


def test_the_caseload_reads_the_journal_through_the_cases(db, big_register_statistics) -> None:
    """The latest meetings per case: read through (case_id, entry_type, …), not by walking
    every journal entry of the meeting types in the register and grouping them (261 ms for
    a unit of 2 000 cases at 100 000 households). The plan depends on the statistics and on
    the length of the id list, not on the rows: a unit's 2 000 ids are enough."""
    with db.engine.begin() as connection:
        connection.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = 'journal_entries'"))
        connection.execute(text("DELETE FROM sqlite_stat4 WHERE tbl = 'journal_entries'"))
        for index, stat in BIG_JOURNAL.items():
            connection.execute(
                text(
                    "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('journal_entries', :i, :s)"
                ),
                {"i": index, "s": stat},
            )
    db.engine.dispose()
    unit = [uuid.uuid4() for _ in range(2000)]
    plans = _plans(
        db,
        lambda s: read_case_facts(s, unit, review_since=date(2025, 11, 23)),
        "FROM journal_entries",
    )
    assert all("ix_journal_entries_case_type (case_id=?" in p for p in plans), plans
