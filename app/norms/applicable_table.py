"""Which riksnorm table applies to a period, and how an administrator brings in a new one.

The table is the one of the decision period's year, never another year's: an approved table
an administrator entered for the year, otherwise the one shipped in resources/norms (which
counts as approved with its source). A year with neither blocks the calculation with a
message that says who adds it (`MissingNormYear`).

A table an administrator enters is a draft until another administrator approves it
(four-eyes; the shared server holds the same rule, migration 0022). Only approved tables are
used. Approval needs a source for every amount: an estimate is never approved.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied, NotFound, ValidationFailed
from app.models import NormTableRecord, NormTableStatus, User
from app.norms.norm_table import (
    NormTable,
    available_years,
    load_norm_table,
    missing_year_message,
    norm_table_to_json,
    parse_norm_table,
)
from app.security import audit
from app.security.actor import Actor


class MissingNormYear(ValidationFailed):
    """No approved table for the year: nothing is computed, and the message says who adds it."""

    def __init__(self, year: int):
        super().__init__({"year": missing_year_message(year)})
        self.year = year


def _approved(session: Session, year: int) -> NormTableRecord | None:
    return session.scalar(
        select(NormTableRecord).where(
            NormTableRecord.year == year,
            NormTableRecord.status == NormTableStatus.APPROVED.value,
        )
    )


def _draft(session: Session, year: int) -> NormTableRecord | None:
    return session.scalar(
        select(NormTableRecord).where(
            NormTableRecord.year == year,
            NormTableRecord.status == NormTableStatus.DRAFT.value,
        )
    )


def table_for(session: Session, year: int) -> NormTable:
    """The approved table of `year`; MissingNormYear when there is none."""
    if isinstance(year, bool) or not isinstance(year, int):
        raise ValidationFailed({"year": "Året måste vara ett heltal, t.ex. 2026."})
    record = _approved(session, year)
    if record is not None:
        return parse_norm_table(json.loads(record.table_json))
    if year in available_years():
        return load_norm_table(year)
    raise MissingNormYear(year)


def table_for_period(session: Session, start: date, end: date) -> NormTable:
    """The table of the period's year. A period over a new year is refused: each year has
    its own riksnorm."""
    if end.year != start.year:
        raise ValidationFailed(
            {
                "period": f"Perioden går över årsskiftet ({start.year}–{end.year}). Riksnormen "
                "är olika för olika år: dela upp beslutet så att varje beslut gäller ett år."
            }
        )
    return table_for(session, start.year)


def years(session: Session) -> list[int]:
    """Years with an approved table, ascending."""
    entered = set(
        session.scalars(
            select(NormTableRecord.year).where(
                NormTableRecord.status == NormTableStatus.APPROVED.value
            )
        )
    )
    return sorted(entered | set(available_years()))


@dataclass(frozen=True)
class NormTableRow:
    year: int
    source: str
    entered_by_administrator: bool
    unverified: list[str]
    """Amounts without a source (in the table in force)."""
    status: str = "Levererad med programmet"
    entered_by: str = ""
    entered_at: datetime | None = None
    approved_by: str = ""
    approved_at: datetime | None = None
    draft: bool = False
    """A table of the year waits for approval."""
    draft_entered_by: str = ""
    in_force: bool = True
    """False for a year that has only a draft (nothing is computed for it yet)."""


def _name(session: Session, user_id: uuid.UUID | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def list_tables(session: Session) -> list[NormTableRow]:
    """Every year with a table in force or waiting for approval, ascending."""
    records = session.scalars(
        select(NormTableRecord).where(NormTableRecord.status != NormTableStatus.REPLACED.value)
    ).all()
    drafts = {r.year: r for r in records if r.status == NormTableStatus.DRAFT.value}
    approved = {r.year: r for r in records if r.status == NormTableStatus.APPROVED.value}
    rows = []
    for year in sorted(set(years(session)) | set(drafts)):
        draft = drafts.get(year)
        record = approved.get(year)
        waiting = draft is not None
        waiting_by = _name(session, draft.published_by) if draft else ""
        if year not in approved and year not in available_years():
            assert draft is not None
            table = parse_norm_table(json.loads(draft.table_json))
            rows.append(
                NormTableRow(
                    year,
                    table.source,
                    True,
                    table.unverified_items(),
                    "Utkast – väntar på godkännande",
                    entered_by=_name(session, draft.published_by),
                    entered_at=draft.published_at,
                    in_force=False,
                    draft=waiting,
                    draft_entered_by=waiting_by,
                )
            )
            continue
        table = table_for(session, year)
        if record is None:
            status = "Levererad med programmet"
            if draft is not None:
                status += " (ny tabell väntar på godkännande)"
            rows.append(
                NormTableRow(
                    year,
                    table.source,
                    False,
                    table.unverified_items(),
                    status,
                    draft=waiting,
                    draft_entered_by=waiting_by,
                )
            )
            continue
        status = "Godkänd"
        if draft is not None:
            status += " (ny tabell väntar på godkännande)"
        rows.append(
            NormTableRow(
                year,
                table.source,
                True,
                table.unverified_items(),
                status,
                entered_by=_name(session, record.published_by),
                entered_at=record.published_at,
                approved_by=_name(session, record.approved_by),
                approved_at=record.approved_at,
                draft=waiting,
                draft_entered_by=waiting_by,
            )
        )
    return rows


def _require_administrator(actor: Actor, what: str) -> None:
    if not actor.is_administrator:
        raise AccessDenied(f"Bara administratörer kan {what} riksnormen.")


def _parse(data: dict | str) -> NormTable:
    try:
        raw = json.loads(data) if isinstance(data, str) else data
    except ValueError as exc:
        raise ValidationFailed({"table": f"Filen är inte giltig JSON: {exc}"}) from None
    if not isinstance(raw, dict):
        raise ValidationFailed({"table": "Riksnormen ska vara ett JSON-objekt."})
    return parse_norm_table(raw)


def import_table(session: Session, actor: Actor, data: dict | str) -> NormTable:
    """Enter or import a year's table (JSON in the shipped files' format) as a draft.
    Administrators only; it applies once another administrator approves it
    (`approve_table`). A draft of the same year is replaced; the table in force stays until
    then. Audited."""
    _require_administrator(actor, "lägga in")
    table = _parse(data)
    text = json.dumps(norm_table_to_json(table), ensure_ascii=False, indent=2)
    old = _draft(session, table.year)
    if old is not None:
        session.delete(old)
        session.flush()
    record = NormTableRecord(
        year=table.year,
        table_json=text,
        published_at=clock.now(),
        published_by=actor.id,
        status=NormTableStatus.DRAFT.value,
        updated_by=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "norm_table",
        entity_id=record.id,
        detail=f"riksnorm {table.year} inlagd som utkast, "
        f"{len(table.unverified_items())} belopp utan källa",
    )
    return table


def approve_table(session: Session, actor: Actor, year: int) -> NormTable:
    """Approve the draft table of `year`: it applies from now on, and the table it replaces
    is kept as history. Another administrator than the one who entered it; every amount must
    have a source. Audited."""
    _require_administrator(actor, "godkänna")
    draft = _draft(session, year)
    if draft is None:
        raise NotFound(f"Det finns ingen riksnorm för {year} som väntar på godkännande.")
    if draft.published_by == actor.id:
        raise AccessDenied(
            f"Du har själv lagt in riksnormen för {year}. En annan administratör måste "
            "godkänna den (fyraögonprincipen)."
        )
    table = parse_norm_table(json.loads(draft.table_json))
    missing = table.unverified_items()
    if missing:
        raise ValidationFailed(
            {
                "table": f"Riksnormen för {year} kan inte godkännas: {len(missing)} belopp "
                "saknar källa ("
                + "; ".join(missing[:3])
                + ("; …" if len(missing) > 3 else "")
                + "). Ange för varje belopp vilken källa (SFS-nummer) det är kontrollerat mot."
            }
        )
    previous = _approved(session, year)
    if previous is not None:
        previous.status = NormTableStatus.REPLACED.value
        previous.updated_by = actor.id
        session.flush()
    draft.status = NormTableStatus.APPROVED.value
    draft.approved_by = actor.id
    draft.approved_at = clock.now()
    draft.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "norm_table",
        entity_id=draft.id,
        detail=f"riksnorm {year} godkänd (inlagd av {_name(session, draft.published_by)})",
    )
    return table


def discard_draft(session: Session, actor: Actor, year: int) -> None:
    """Remove the draft table of `year` (any administrator). Audited."""
    _require_administrator(actor, "ta bort ett utkast till")
    draft = _draft(session, year)
    if draft is None:
        raise NotFound(f"Det finns inget utkast till riksnorm för {year}.")
    draft_id = draft.id
    session.delete(draft)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "norm_table",
        entity_id=draft_id,
        detail=f"utkast till riksnorm {year} borttaget",
    )


def draft_table(session: Session, year: int) -> NormTable | None:
    """The table of `year` waiting for approval, if any (for the administrator to read)."""
    record = _draft(session, year)
    return parse_norm_table(json.loads(record.table_json)) if record else None


def template_for_next_year(session: Session) -> dict:
    """Next year's table to fill in: the latest year's layout and amounts with no source,
    and a source to name (the year's ändringsförordning)."""
    latest = table_for(session, years(session)[-1])
    data = norm_table_to_json(latest)
    year = latest.year + 1
    data["year"] = year
    data["sources"] = [
        {
            "id": "sfs",
            "reference": "SFS ÅÅÅÅ:NNN",
            "citation": "socialtjänstförordningen (2001:937) i lydelse enligt SFS ÅÅÅÅ:NNN",
            "title": "Förordning om ändring i socialtjänstförordningen (2001:937)",
            "url": "",
            "date": "",
        }
    ]
    data["note"] = (
        f'Fyll i {year} års belopp från ändringsförordningen och sätt "source": "sfs" på '
        f"varje belopp som är kontrollerat. Beloppen nedan är {latest.year} års."
    )
    data.pop("known_totals", None)

    def unsource(node):
        if isinstance(node, dict):
            return {k: (None if k == "source" else unsource(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [unsource(v) for v in node]
        return node

    sources = data.pop("sources")
    result = unsource(data)
    result["sources"] = sources
    return result
