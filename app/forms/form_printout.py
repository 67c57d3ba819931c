"""What a form's printout shows, gathered and audited here; app/printing turns it into PDF
bytes (app.printing.form_printout)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, letterhead_for, organisation_of, printed_by
from app.common.identity_number import format_identity_number
from app.forms.filled_forms import FormView, open_form
from app.models import FormInstance, MemberRole, Unit
from app.security import audit
from app.security.actor import Actor


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
            organisation=organisation_of(unit),
            unit=unit.name,
            document_title=view.title,
            reference="",
            printed=printed_by(actor),
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
