"""The statistics' SIP and hembesök counts kept per case, month and type
(statistics_event_facts, migrations 0031 and 0035): the number of signed journal entries of
the type dated in the month, with the case's unit and what the statistics count the
household by: its sex that month (as the month facts': household_type.sex_in_month, also in
a month without month facts), whether the month is the case's last with the type in its
calendar year (the year counts each household once, as it was then), and whether the
household has other cases (`shared`: then the statistics count the household once, from
these rows).

The statistics read the totals (statistics_event_totals, `TOTALS`): the facts summed per
unit, type, month and those keys, kept by database triggers (app.statistics.kept_totals).

Kept like the month facts (app.statistics.fact_upkeep): a journal entry of either type
written, signed, changed or removed, a case moved to another unit, or a change of a
household's members or cases (its sex, its cases' `shared`) has the cases' rows computed
anew in the same transaction; `arendestod stats rebuild` builds them all and `--check`
compares them with a recomputation.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Table, delete, func, select, text
from sqlalchemy.orm import Session

from app.common.codes import JournalType
from app.common.periods import month_from_index, month_index
from app.db.batches import in_batches
from app.db.bulk import insert_rows
from app.models import Case, JournalEntry, StatisticsEventFact
from app.statistics import household_type, kept_totals

KINDS: tuple[str, ...] = (JournalType.SIP, JournalType.HOME_VISIT)
"""The journal types the statistics count."""

TOTALS = kept_totals.KeptTotals(
    table="statistics_event_totals",
    facts="statistics_event_facts",
    keys=("unit_id", "kind", "month", "sex", "last_in_year", "shared"),
    sums=("entries",),
)
"""What the statistics read: `fact_rows` is the number of cases (households where not
shared)."""

COLUMNS = ("case_id", "month", "kind", "unit_id", "entries", "sex", "last_in_year", "shared")

_TABLE: Table = StatisticsEventFact.__table__  # type: ignore[assignment]


def _computed(session: Session, case_ids: list[uuid.UUID] | None) -> list[dict]:
    """The rows as they should be, of these cases (None: all)."""
    e = JournalEntry
    stmt = (
        select(e.case_id, e.entry_type, e.entry_date, Case.unit_id, Case.household_id, func.count())
        .join(Case, Case.id == e.case_id)
        .where(e.entry_type.in_(KINDS))
        .where(e.signed_at.is_not(None))
        .group_by(e.case_id, e.entry_type, e.entry_date, Case.unit_id, Case.household_id)
    )
    if case_ids is not None:
        stmt = stmt.where(e.case_id.in_(case_ids))
    counts: Counter = Counter()
    household_of: dict[uuid.UUID, uuid.UUID] = {}
    for case_id, kind, day, unit_id, household_id, n in session.execute(stmt):
        counts[(case_id, month_index(day), str(kind), unit_id)] += n
        household_of[case_id] = household_id
    if not counts:
        return []
    households = sorted(set(household_of.values()), key=str)
    members: dict[uuid.UUID, list[household_type.MemberSpan]] = {}
    shared: set[uuid.UUID] = set()
    for chunk in in_batches(households):
        members.update(household_type.memberships_of(session, chunk))
        shared.update(
            session.scalars(
                select(Case.household_id)
                .where(Case.household_id.in_(chunk))
                .group_by(Case.household_id)
                .having(func.count() > 1)
            )
        )
    last: dict[tuple, int] = {}  # (case, kind, year) -> its last month with the kind
    for case_id, month, kind, _unit in counts:
        key = (case_id, kind, month // 12)
        last[key] = max(last.get(key, month), month)
    sexes: dict[tuple, str] = {}  # (household, month) -> sex
    rows = []
    for (case_id, month, kind, unit_id), n in counts.items():
        household_id = household_of[case_id]
        sex = sexes.get((household_id, month))
        if sex is None:
            sex = sexes[(household_id, month)] = household_type.sex_in_month(
                members.get(household_id, []), month_from_index(month)
            )
        rows.append(
            {
                "case_id": case_id,
                "month": month,
                "kind": kind,
                "unit_id": unit_id,
                "entries": n,
                "sex": sex,
                "last_in_year": int(last[(case_id, kind, month // 12)] == month),
                "shared": int(household_id in shared),
            }
        )
    return rows


def replace(session: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Compute these cases' rows anew in place of the kept ones (the totals follow by the
    database's triggers)."""
    for chunk in in_batches(sorted(set(case_ids), key=str)):
        session.execute(delete(_TABLE).where(_TABLE.c.case_id.in_(chunk)))
        insert_rows(session, _TABLE, _computed(session, chunk))


def rebuild(session: Session) -> None:
    """Every case's rows anew (facts.rebuild then counts the totals anew)."""
    session.execute(delete(_TABLE))
    insert_rows(session, _TABLE, _computed(session, None))


def differing_cases(session: Session) -> set[uuid.UUID]:
    """Cases whose kept rows differ from a recomputation, or whose rows are in a group whose
    kept totals differ from their sum (`stats rebuild --check`)."""
    kept = {tuple(row) for row in session.execute(select(*(_TABLE.c[n] for n in COLUMNS)))}
    expected = {tuple(row[n] for n in COLUMNS) for row in _computed(session, None)}
    differing = {row[0] for row in kept ^ expected}
    groups = set(kept_totals.differences(session, TOTALS))
    if groups:  # read as kept_totals reads them: the keys as text
        keys = ", ".join(TOTALS.keys)
        for case_id, *key in session.execute(text(f"SELECT case_id, {keys} FROM {TOTALS.facts}")):
            if tuple(str(k) for k in key) in groups:
                differing.add(case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(case_id))
    return differing
