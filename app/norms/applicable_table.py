"""Which riksnorm table applies: an administrator's table for the year if there is one,
otherwise the one shipped in resources/norms. Amounts are set yearly by the government
(socialtjänstförordningen 2001:937), so next year's table is entered here, not in code."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied, ValidationFailed
from app.models import NormTableRecord
from app.norms.norm_table import (
    NormTable,
    available_years,
    load_norm_table,
    norm_table_to_json,
    parse_norm_table,
)
from app.security import audit
from app.security.actor import Actor


def table_for(session: Session, year: int) -> NormTable:
    record = session.scalar(select(NormTableRecord).where(NormTableRecord.year == year))
    if record is not None:
        return parse_norm_table(json.loads(record.table_json))
    return load_norm_table(year)


def years(session: Session) -> list[int]:
    entered = set(session.scalars(select(NormTableRecord.year)))
    return sorted(entered | set(available_years()))


@dataclass(frozen=True)
class NormTableRow:
    year: int
    source: str
    entered_by_administrator: bool
    unverified: list[str]


def list_tables(session: Session) -> list[NormTableRow]:
    entered = {r.year for r in session.scalars(select(NormTableRecord))}
    rows = []
    for year in years(session):
        table = table_for(session, year)
        rows.append(NormTableRow(year, table.source, year in entered, table.unverified_items()))
    return rows


def import_table(session: Session, actor: Actor, data: dict | str) -> NormTable:
    """Enter or import a year's table (JSON in the shipped files' format). Administrators
    only; a table for a year that already has one replaces it, and the change is audited."""
    if not actor.is_administrator:
        raise AccessDenied("Bara administratörer kan lägga in riksnormen.")
    try:
        raw = json.loads(data) if isinstance(data, str) else data
    except ValueError as exc:
        raise ValidationFailed({"table": f"Filen är inte giltig JSON: {exc}"}) from None
    if not isinstance(raw, dict):
        raise ValidationFailed({"table": "Riksnormen ska vara ett JSON-objekt."})
    table = parse_norm_table(raw)
    text = json.dumps(norm_table_to_json(table), ensure_ascii=False, indent=2)
    record = session.scalar(select(NormTableRecord).where(NormTableRecord.year == table.year))
    if record is None:
        record = NormTableRecord(
            year=table.year,
            table_json=text,
            published_at=clock.now(),
            published_by=actor.id,
            updated_by=actor.id,
        )
        session.add(record)
    else:
        record.table_json, record.published_at = text, clock.now()
        record.published_by = record.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "norm_table",
        entity_id=record.id,
        detail=f"riksnorm {table.year}, {len(table.unverified_items())} ej verifierade",
    )
    return table


def template_for_next_year(session: Session) -> dict:
    """Next year's table to fill in: the latest year's amounts, all marked unverified."""
    latest = table_for(session, years(session)[-1])
    data = norm_table_to_json(latest)
    data["year"] = latest.year + 1
    data["source"] = "Ange källa: socialtjänstförordningen (2001:937), ändring för året"

    def unverify(node):
        if isinstance(node, dict):
            return {k: (False if k == "verified" else unverify(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [unverify(v) for v in node]
        return node

    return unverify(data)
