"""What the journal printout shows, gathered and audited here; app/printing turns it into PDF
bytes (app.printing.journal_printout)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, letterhead_for
from app.common.identity_number import format_identity_number
from app.journal.journal import JournalRow, list_entries
from app.models import MemberRole
from app.security import access, audit
from app.security.actor import Actor


@dataclass(frozen=True)
class JournalPrintout:
    letterhead: Letterhead
    applicant_name: str
    applicant_number: str
    entries: Sequence[JournalRow]


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
