"""Reading many rows: ids go to the database in IN lists of a bounded size, and plain
column rows come back without the ORM's per-row work."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from sqlalchemy import Executable, Row
from sqlalchemy.orm import Session

T = TypeVar("T")

IN_LIST_SIZE = 1000
"""Ids per IN list: far below the bound-parameter limits of SQLite (32 766) and PostgreSQL
(65 535), and large enough that a unit's thousands of cases take a few queries."""


def in_batches(ids: list[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """`ids` in consecutive slices of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def plain_rows(session: Session, stmt: Executable) -> list[Row[Any]]:
    """All rows of a column select, read through the session's connection: the ORM's
    result handling costs time per row and adds nothing for plain columns. The session is
    flushed first (a no-op when nothing is pending), since this read bypasses autoflush."""
    session.flush()
    return list(session.connection().execute(stmt).all())
