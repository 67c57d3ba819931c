"""Each application keeps its case's unit (`applications.unit_id`, migration 0031), so that
a unit's första återkoppling and beslut figures read the unit's own counts (the totals kept
by unit, migration 0032) and its open applications from `ix_applications_unit_open`, instead
of the whole period's applications joined with the unit's cases.

Who keeps it: on PostgreSQL the server (triggers of migration 0031: a written application
takes its case's unit whatever was sent, and moving a case moves its applications); on
SQLite `keep`, called by app.statistics.fact_upkeep for the applications written and the
cases moved in the transaction, and `rebuild` by `arendestod stats rebuild` (rows written
past the ORM, as the demo data are). On PostgreSQL `keep` finds nothing left to change.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from app.db.batches import in_batches
from app.models import Application, Case


def _case_unit():
    return select(Case.unit_id).where(Case.id == Application.__table__.c.case_id).scalar_subquery()


def _set_units(session: Session, condition) -> None:
    table: Table = Application.__table__  # type: ignore[assignment]
    unit = _case_unit()
    session.execute(
        update(table)
        .where(condition)
        .where(table.c.unit_id.is_distinct_from(unit))
        .values(unit_id=unit)
    )


def keep(
    session: Session, application_ids: Iterable[uuid.UUID], moved_case_ids: Iterable[uuid.UUID]
) -> None:
    """Set the kept unit of these applications and of the moved cases' applications."""
    table = Application.__table__
    for chunk in in_batches(sorted(set(application_ids), key=str)):
        _set_units(session, table.c.id.in_(chunk))
    for chunk in in_batches(sorted(set(moved_case_ids), key=str)):
        _set_units(session, table.c.case_id.in_(chunk))


def rebuild(session: Session) -> None:
    """Every application's kept unit from its case."""
    _set_units(session, Application.__table__.c.id.isnot(None))


def differing_cases(session: Session) -> set[uuid.UUID]:
    """Cases with an application whose kept unit is not the case's (`stats rebuild --check`)."""
    table = Application.__table__
    return set(
        session.scalars(
            select(table.c.case_id)
            .join(Case, Case.id == table.c.case_id)
            .where(table.c.unit_id.is_distinct_from(Case.unit_id))
            .distinct()
        )
    )
