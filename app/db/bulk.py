"""Inserting many rows of one table in one statement (offline sync's pushes).

On PostgreSQL the rows go as one array per column (`INSERT … SELECT * FROM unnest(…)`): one
statement for thousands of rows, so the row-level security checks and per-statement work
run once, and the driver has a dozen parameters to send instead of one per value. SQLite,
local and fast, takes them as an executemany.

The values are the columns' Python values; each column's own bind processing (UTC times,
codes of enumerations, UUIDs) is applied here as SQLAlchemy would. No column defaults are
filled in: the caller gives every column it wants set.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

PAGE = 5000
"""Rows per statement (bounds the arrays' size)."""

_listeners: list[Callable[[Session, Table, list[dict]], None]] = []


def on_insert(listener: Callable[[Session, Table, list[dict]], None]) -> None:
    """Call `listener(session, table, rows)` after every `insert_rows`: rows written past
    the ORM's flush events (the statistics' kept facts follow them, app.statistics.fact_upkeep)."""
    _listeners.append(listener)


def insert_rows(session: Session, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    if session.connection().dialect.name != "postgresql":
        session.execute(insert(table), rows)
    else:
        _insert_arrays(session, table, rows)
    for listener in _listeners:
        listener(session, table, rows)


def _insert_arrays(session: Session, table: Table, rows: list[dict]) -> None:
    connection = session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    quote = dialect.identifier_preparer.quote
    arrays = ", ".join(f"%s::{column.type.compile(dialect=dialect)}[]" for column in columns)
    statement = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(name) for name in names)}) "
        f"SELECT * FROM unnest({arrays})"
    )
    processors = [column.type.bind_processor(dialect) for column in columns]
    for start in range(0, len(rows), PAGE):
        page = rows[start : start + PAGE]
        values = []
        for name, process in zip(names, processors, strict=True):
            column_values = [row[name] for row in page]
            if process is not None:
                column_values = [process(value) for value in column_values]
            values.append(column_values)
        connection.exec_driver_sql(statement, tuple(values))
