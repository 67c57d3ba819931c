"""The head of every printed page: who sends it (the board and municipality), the unit, the
document's title and case number, and who printed it when. app/printing draws it; the areas
that gather a printout's data (decisions, journal, forms, statistics) fill it in here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.formatting import local_datetime
from app.models import Case, Unit
from app.security.actor import Actor


@dataclass(frozen=True)
class Letterhead:
    organisation: str  # e.g. "Socialnämnden, Exempelstads kommun"
    unit: str
    document_title: str
    reference: str  # case number
    printed: str  # "Utskriven 2026-11-23 14:05 av Sara Nilsson"
    confidential: bool = True


def organisation_of(unit: Unit) -> str:
    """The letterhead's sender: the board, and the municipality when it is known."""
    return unit.board_name + (f", {unit.municipality}" if unit.municipality else "")


def organisation_name(session: Session, unit_id: uuid.UUID | None) -> str:
    """The sender of a report covering `unit_id`, or all units (the board of the first)."""
    unit = (
        session.get(Unit, unit_id)
        if unit_id is not None
        else session.scalars(select(Unit).order_by(Unit.name)).first()
    )
    return organisation_of(unit) if unit is not None else "Socialnämnden"


def printed_by(actor: Actor) -> str:
    """The 'Utskriven … av …' line: when, and by whom, a paper copy was made."""
    return f"Utskriven {local_datetime(clock.now())} av {actor.full_name}"


def letterhead_for(case: Case, actor: Actor, document_title: str) -> Letterhead:
    return Letterhead(
        organisation=organisation_of(case.unit),
        unit=case.unit.name,
        document_title=document_title,
        reference=case.case_number,
        printed=printed_by(actor),
    )


def sent_letterhead(case: Case, actor: Actor, document_title: str) -> Letterhead:
    """The head of a letter the nämnd sends to a person (a decision, a kommunicering, the
    avvisning of an appeal): no sekretess mark on its face, and at its foot the board's
    postal address and telephone instead of who printed it."""
    unit = case.unit
    return replace(
        letterhead_for(case, actor, document_title),
        confidential=False,
        printed=" · ".join(
            part
            for part in (
                unit.board_name,
                unit.postal_address,
                f"Telefon {unit.phone}" if unit.phone else "",
            )
            if part
        ),
    )
