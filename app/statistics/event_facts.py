"""The statistics' SIP and hembesök counts kept per case, month and type
(statistics_event_facts, migration 0031): the number of signed journal entries of the type
dated in the month, with the case's unit. The statistics read a range of the period's (or a
unit's) months from the table's covering index instead of the period's journal.

Kept like the month facts (app.statistics.fact_upkeep): a journal entry of either type
written, signed, changed or removed, or a case moved to another unit, has its case's rows
computed anew in the same transaction; `arendestod stats rebuild` builds them all and
`--check` compares them with a recomputation.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from app.common.codes import JournalType
from app.common.periods import month_index
from app.db.batches import in_batches
from app.db.bulk import insert_rows
from app.models import Case, JournalEntry, StatisticsEventFact

KINDS: tuple[str, ...] = (JournalType.SIP, JournalType.HOME_VISIT)
"""The journal types the statistics count."""

_TABLE: Table = StatisticsEventFact.__table__  # type: ignore[assignment]


def _computed(session: Session, case_ids: list[uuid.UUID] | None) -> list[dict]:
    """The rows as they should be, of these cases (None: all)."""
    e = JournalEntry
    stmt = (
        select(e.case_id, e.entry_type, e.entry_date, Case.unit_id, func.count())
        .join(Case, Case.id == e.case_id)
        .where(e.entry_type.in_(KINDS))
        .where(e.signed_at.is_not(None))
        .group_by(e.case_id, e.entry_type, e.entry_date, Case.unit_id)
    )
    if case_ids is not None:
        stmt = stmt.where(e.case_id.in_(case_ids))
    counts: Counter = Counter()
    for case_id, kind, day, unit_id, n in session.execute(stmt):
        counts[(case_id, month_index(day), str(kind), unit_id)] += n
    return [
        {"case_id": case_id, "month": month, "kind": kind, "unit_id": unit_id, "entries": n}
        for (case_id, month, kind, unit_id), n in counts.items()
    ]


def replace(session: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Compute these cases' rows anew in place of the kept ones."""
    for chunk in in_batches(sorted(set(case_ids), key=str)):
        session.execute(delete(_TABLE).where(_TABLE.c.case_id.in_(chunk)))
        insert_rows(session, _TABLE, _computed(session, chunk))


def rebuild(session: Session) -> None:
    """Every case's rows anew."""
    session.execute(delete(_TABLE))
    insert_rows(session, _TABLE, _computed(session, None))


def differing_cases(session: Session) -> set[uuid.UUID]:
    """Cases whose kept rows differ from a recomputation (`stats rebuild --check`)."""
    names = ("case_id", "month", "kind", "unit_id", "entries")
    kept = {tuple(row) for row in session.execute(select(*(_TABLE.c[n] for n in names)))}
    expected = {tuple(row[n] for n in names) for row in _computed(session, None)}
    return {row[0] for row in kept ^ expected}
