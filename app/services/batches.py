"""Reading many rows by id: the ids go to the database in IN lists of a bounded size."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")

IN_LIST_SIZE = 500
"""Ids per IN list: far below the bound-parameter limits of SQLite (32 766) and PostgreSQL
(65 535), and large enough that a unit's thousands of cases take a few queries."""


def in_batches(ids: list[T], size: int = IN_LIST_SIZE) -> Iterator[list[T]]:
    """`ids` in consecutive slices of at most `size`."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
