"""The statistics' försörjningshinder kept per registration (statistics_barrier_facts,
migration 0033), with three totals the database keeps from them (app.statistics.kept_totals):
registrations per unit, month, code and sex, and the adults per unit, year (and month),
code and sex. The statistics read a few hundred totals per unit and month, and the adults
of a period as groups, instead of joining the period's registrations with persons and
cases (1.1–1.8 s a year at 100 000 households).

A fact is one support_barriers row with the adult's own sex and the case's unit. It moves
when the registration is written or removed, the case moves to another unit, or the
adult's sex changes: app.statistics.fact_upkeep notes those cases and `replace` computes
their rows anew in the same transaction; `arendestod stats rebuild` builds them all and
`--check` compares them (and the totals) with a recomputation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from app.common.periods import month_index
from app.db.batches import in_batches
from app.db.bulk import insert_rows
from app.models import Case, Person, StatisticsBarrierFact, SupportBarrier
from app.statistics.kept_totals import KeptTotals

FACTS = "statistics_barrier_facts"
REGISTRATIONS = KeptTotals(
    "statistics_barrier_totals", FACTS, ("unit_id", "month", "code", "sex"), ()
)
"""A month's registrations (a person registered in two cases counts twice)."""


def _adults(period: str) -> tuple[KeptTotals, KeptTotals, KeptTotals, KeptTotals]:
    """The levels that count a period's distinct adults, each kept by the database from
    the one before: per unit and adult, and per adult in any unit (their registrations,
    with `present` computed 1 or 0); then per unit, and in all units, the adults (the
    sum of `present`). A reader adds up a few rows per code and sex whatever the size of
    the register, and a person in two units' cases counts once in each and once in all."""
    adults = f"statistics_barrier_{period}_adults"
    persons = f"statistics_barrier_{period}_persons"
    keys = (period, "code", "sex")
    return (
        KeptTotals(adults, FACTS, ("unit_id", *keys, "person_id"), ()),
        KeptTotals(persons, FACTS, (*keys, "person_id"), ()),
        KeptTotals(f"{adults[:-1]}_counts", adults, ("unit_id", *keys), ("present",)),
        KeptTotals(f"{persons[:-1]}_counts", persons, keys, ("present",)),
    )


YEAR_ADULTS, YEAR_PERSONS, YEAR_ADULT_COUNTS, YEAR_PERSON_COUNTS = _adults("year")
MONTH_ADULTS, MONTH_PERSONS, MONTH_ADULT_COUNTS, MONTH_PERSON_COUNTS = _adults("month")
TOTALS = (
    REGISTRATIONS,
    YEAR_ADULTS,
    YEAR_PERSONS,
    MONTH_ADULTS,
    MONTH_PERSONS,
    YEAR_ADULT_COUNTS,
    YEAR_PERSON_COUNTS,
    MONTH_ADULT_COUNTS,
    MONTH_PERSON_COUNTS,
)
"""In the order they are counted anew: a level after the one it follows."""

_TABLE: Table = StatisticsBarrierFact.__table__  # type: ignore[assignment]
NAMES = ("case_id", "person_id", "month", "year", "unit_id", "code", "sex")


def _computed(session: Session, case_ids: list[uuid.UUID] | None) -> list[dict]:
    """The rows as they should be, of these cases (None: all)."""
    b = SupportBarrier
    stmt = (
        select(b.case_id, b.person_id, b.month, Case.unit_id, b.code, Person.sex)
        .join(Case, Case.id == b.case_id)
        .join(Person, Person.id == b.person_id)
    )
    if case_ids is not None:
        stmt = stmt.where(b.case_id.in_(case_ids))
    rows = []
    for case_id, person_id, month, unit_id, code, sex in session.execute(stmt):
        index = month_index(month)
        rows.append(
            {
                "case_id": case_id,
                "person_id": person_id,
                "month": index,
                "year": index // 12,
                "unit_id": unit_id,
                "code": code,
                "sex": sex,
            }
        )
    return rows


def cases_of_persons(session: Session, person_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """The cases with kept registrations of these persons (their sex is in the facts)."""
    found: set[uuid.UUID] = set()
    for chunk in in_batches(sorted(set(person_ids), key=str)):
        found.update(session.scalars(select(_TABLE.c.case_id).where(_TABLE.c.person_id.in_(chunk))))
    return found


def replace(session: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Compute these cases' rows anew in place of the kept ones: only the rows that
    differ are deleted and inserted, so that the database moves the totals (nine levels of
    triggers) for what changed, not for every registration of the case."""
    c = _TABLE.c
    for chunk in in_batches(sorted(set(case_ids), key=str)):
        kept = {
            tuple(row)
            for row in session.execute(select(*(c[n] for n in NAMES)).where(c.case_id.in_(chunk)))
        }
        expected = {tuple(row[n] for n in NAMES) for row in _computed(session, chunk)}
        for case_id, person_id, month, *_ in kept - expected:
            session.execute(
                delete(_TABLE).where(
                    c.case_id == case_id, c.person_id == person_id, c.month == month
                )
            )
        insert_rows(
            session, _TABLE, [dict(zip(NAMES, row, strict=True)) for row in expected - kept]
        )


def rebuild(session: Session) -> None:
    """Every case's rows anew (facts.rebuild then counts the totals anew, level by level)."""
    session.execute(delete(_TABLE))
    insert_rows(session, _TABLE, _computed(session, None))


def differing_cases(session: Session) -> set[uuid.UUID]:
    """Cases whose kept rows differ from a recomputation (`stats rebuild --check`)."""
    kept = {tuple(row) for row in session.execute(select(*(_TABLE.c[n] for n in NAMES)))}
    expected = {tuple(row[n] for n in NAMES) for row in _computed(session, None)}
    return {row[0] for row in kept ^ expected}
