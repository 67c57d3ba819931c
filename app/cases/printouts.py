"""What a printout shows, gathered and audited here; app/printing turns it into PDF bytes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock
from app.common.formatting import local_datetime
from app.common.identity_number import format_identity_number
from app.forms.filled_forms import FormView, open_form
from app.journal.journal import JournalRow, list_entries
from app.models import Case, FormInstance, MemberRole, Unit
from app.security import access, audit
from app.security.actor import Actor


@dataclass(frozen=True)
class Letterhead:
    organisation: str  # e.g. "Socialnämnden, Exempelstads kommun"
    unit: str
    document_title: str
    reference: str  # case number
    printed: str  # "Utskriven 2026-11-23 14:05 av Sara Nilsson"
    confidential: bool = True


@dataclass(frozen=True)
class JournalPrintout:
    letterhead: Letterhead
    applicant_name: str
    applicant_number: str
    entries: Sequence[JournalRow]


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


def letterhead_for(case: Case, actor: Actor, document_title: str) -> Letterhead:
    return Letterhead(
        organisation=organisation_of(case.unit),
        unit=case.unit.name,
        document_title=document_title,
        reference=case.case_number,
        printed=f"Utskriven {local_datetime(clock.now())} av {actor.full_name}",
    )


def journal_printout(session: Session, actor: Actor, case_id: uuid.UUID) -> JournalPrintout:
    """Everything the journal printout shows. Logged as a print (Lag 2001:454)."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    entries = list_entries(session, actor, case_id)
    applicant = next(m.person for m in case.household.members if m.role is MemberRole.APPLICANT)
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "journal",
        case_id=case_id,
        detail=f"{len(entries)} anteckningar",
    )
    return JournalPrintout(
        letterhead_for(case, actor, "Journalutskrift"),
        applicant.full_name,
        format_identity_number(applicant.personal_number),
        entries,
    )


@dataclass(frozen=True)
class FormPrintout:
    letterhead: Letterhead
    form: FormView
    subject: str  # "Anna Andersson, 19850312-1249" or "Ärendegenomgång för Sara Nilsson"
    content_hash: str | None


def form_printout(session: Session, actor: Actor, form_id: uuid.UUID) -> FormPrintout:
    """A form to print, as signed (or as the current draft). Logged as a print."""
    view = open_form(session, actor, form_id)
    form = session.get_one(FormInstance, form_id)  # there: open_form raised NotFound otherwise
    if view.case_id is not None:
        case = load_case(session, view.case_id)
        letterhead = letterhead_for(case, actor, view.title)
        applicant = next(m.person for m in case.household.members if m.role is MemberRole.APPLICANT)
        subject = f"{applicant.full_name}, {format_identity_number(applicant.personal_number)}"
    else:
        unit = session.get_one(Unit, form.unit_id)
        letterhead = Letterhead(
            organisation=unit.board_name + (f", {unit.municipality}" if unit.municipality else ""),
            unit=unit.name,
            document_title=view.title,
            reference="",
            printed=f"Utskriven {local_datetime(clock.now())} av {actor.full_name}",
        )
        subject = view.title
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        f"form:{form.form_key}",
        entity_id=form_id,
        case_id=view.case_id,
    )
    return FormPrintout(letterhead, view, subject, form.content_hash)
