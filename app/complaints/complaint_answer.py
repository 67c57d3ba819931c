"""The chef's written answer to a synpunkt (issue 23): a Letter of kind svar_synpunkt
(app.decisions.letters), drafted, previewed, signed and archived.

Who: drafted, changed and signed only by a chef of the complaint's unit (she signs it
herself); read by whoever may read the complaint. A complaint whose sender is anonymous or
does not want an answer has no letter: the chef records that it was handled (closing).

Sekretess (26 kap. 1 § OSL): the sender is not always the person a linked case is about — a
relative, a neighbour, an anonymous caller. So the letter prints nothing from the case by
itself: no case number, no applicant's name, no facts; its reference is the complaint's own
number (SYN-ÅÅÅÅ-NNNN). What it says is the chef's text, as she writes it; the dialog
reminds her not to write about a case unless the sender is the one it is about.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import NotFound, ValidationFailed
from app.common.formatting import long_date
from app.complaints import complaint_register
from app.decisions import letters
from app.models import Complaint, LetterKind, Unit, User
from app.models.letter import Letter
from app.security import audit
from app.security.actor import Actor


@dataclass(frozen=True)
class AnswerLetter:
    """Everything the printed answer shows (app/printing/complaint_answer_letter.py)."""

    organisation: str
    unit_name: str
    unit_phone: str
    unit_address: str
    number: str
    received_on: date
    recipient_lines: list[str]
    body: str
    dated: date
    signer_name: str
    signer_title: str
    is_preview: bool


def suggested_text(sender_name: str, received_on: date) -> str:
    """A polite opening and closing in klarspråk; the answer in between is the chef's."""
    first = sender_name.split()[0] if sender_name.split() else ""
    greeting = f"Hej {first}!" if first else "Hej!"
    return (
        f"{greeting}\n\n"
        f"Tack för att du hörde av dig till oss den {long_date(received_on)}. "
        "Dina synpunkter hjälper oss att bli bättre.\n\n"
        "\n\n"
        "Du är välkommen att kontakta mig om du har frågor.\n\n"
        "Med vänliga hälsningar"
    )


def _complaint_of(session: Session, actor: Actor, letter: Letter) -> Complaint:
    if letter.complaint_id is None or letter.kind is not LetterKind.COMPLAINT_ANSWER:
        raise NotFound("Brevet är inget svar på en synpunkt.")
    return complaint_register.load(session, actor, letter.complaint_id)


def load_answer(session: Session, actor: Actor, letter_id: uuid.UUID) -> Letter:
    letter = session.get(Letter, letter_id)
    if letter is None:
        raise NotFound("Brevet finns inte.")
    _complaint_of(session, actor, letter)
    return letter


def draft_answer(
    session: Session,
    actor: Actor,
    complaint_id: uuid.UUID,
    body: str,
    recipient: str | None = None,
) -> Letter:
    """The chef's draft. Refused for an anonymous sender or one who wants no answer, for
    anyone but a chef of the unit, and when an answer is already drafted (change that)."""
    complaint = complaint_register.load_for_handling(session, actor, complaint_id)
    if not complaint.sender_name or not complaint.wants_answer:
        raise ValidationFailed(
            {
                "answer": "Synpunkten är anonym eller personen vill inte ha svar, så inget brev "
                "skrivs. Avsluta synpunkten när den är handlagd."
            }
        )
    if complaint_register.answer_letter(session, complaint) is not None:
        raise ValidationFailed({"answer": "Det finns redan ett svar. Öppna det och ändra där."})
    if not body.strip():
        raise ValidationFailed({"body": "Skriv svaret."})
    return letters.draft_letter(
        session,
        actor,
        kind=LetterKind.COMPLAINT_ANSWER,
        unit_id=complaint.unit_id,
        # not the case's content: the answer is the complaint's (read with it, by its
        # readers), and a case checked out to a laptop does not hold up the chef's answer
        case_id=None,
        complaint_id=complaint.id,
        recipient=recipient
        if recipient is not None
        else f"{complaint.sender_name}\n{complaint.sender_address}",
        body=body,
        content={"complaint_number": complaint.number},
    )


def update_answer(
    session: Session,
    actor: Actor,
    letter_id: uuid.UUID,
    body: str,
    recipient: str,
    *,
    expected_version: int | None = None,
) -> Letter:
    letter = load_answer(session, actor, letter_id)
    assert letter.complaint_id is not None
    complaint_register.load_for_handling(session, actor, letter.complaint_id)
    if not body.strip():
        raise ValidationFailed({"body": "Skriv svaret."})
    return letters.update_draft(
        session, actor, letter, body=body, recipient=recipient, expected_version=expected_version
    )


def letter_data(
    session: Session, letter: Letter, *, preview_by: Actor | None = None
) -> AnswerLetter:
    """What the letter prints: the signer's name and the signing day once signed; in a
    preview the chef who looks at it and today."""
    complaint = session.get(Complaint, letter.complaint_id)
    unit = session.get(Unit, letter.unit_id)
    assert complaint is not None and unit is not None
    signer = session.get(User, letter.signed_by) if letter.signed_by else None
    if signer is not None:
        name, title = signer.full_name, signer.title
    elif preview_by is not None:
        name, title = preview_by.full_name, preview_by.title
    else:
        name, title = "", ""
    organisation = unit.board_name + (f", {unit.municipality}" if unit.municipality else "")
    return AnswerLetter(
        organisation=organisation,
        unit_name=unit.name,
        unit_phone=unit.phone,
        unit_address=unit.postal_address,
        number=letters.content(letter).get("complaint_number", complaint.number),
        received_on=complaint.received_on,
        recipient_lines=[line for line in letter.recipient.splitlines() if line.strip()],
        body=letter.body,
        dated=letter.decided_on or clock.today(),
        signer_name=name,
        signer_title=title,
        is_preview=not letter.is_signed,
    )


def answer_data(session: Session, actor: Actor, letter_id: uuid.UUID) -> AnswerLetter:
    """The draft as it would print now, for the preview (marked UTKAST). Logged as a
    print."""
    letter = load_answer(session, actor, letter_id)
    _record_print(session, actor, letter)
    return letter_data(session, letter, preview_by=actor)


def _record_print(session: Session, actor: Actor, letter: Letter) -> None:
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "letter",
        entity_id=letter.id,
        case_id=letter.case_id,
        detail=letter.kind.label,
    )


def preview(
    session: Session, actor: Actor, letter_id: uuid.UUID, render: Callable[[AnswerLetter], bytes]
) -> bytes:
    """The letter as it would print now (a draft is marked UTKAST; a signed one is its
    archived PDF, logged as an export; a draft is logged as a print)."""
    letter = load_answer(session, actor, letter_id)
    if letter.is_signed:
        return letters.archived_pdf(session, actor, letter)
    _record_print(session, actor, letter)
    return render(letter_data(session, letter, preview_by=actor))


def sign_answer(
    session: Session,
    actor: Actor,
    letter_id: uuid.UUID,
    render: Callable[[AnswerLetter], bytes],
    *,
    expected_version: int | None = None,
) -> Letter:
    """Signed by a chef of the complaint's unit, herself; archived; never changed after."""
    letter = load_answer(session, actor, letter_id)
    assert letter.complaint_id is not None
    complaint = complaint_register.load_for_handling(session, actor, letter.complaint_id)
    offered = suggested_text(complaint.sender_name, complaint.received_on)
    if not letter.body.strip() or letter.body.split() == offered.split():
        raise ValidationFailed({"body": "Skriv ditt svar innan du signerar."})
    return letters.sign_letter(
        session,
        actor,
        letter,
        lambda signed: render(letter_data(session, signed)),
        expected_version=expected_version,
    )


def archived(session: Session, actor: Actor, letter_id: uuid.UUID) -> bytes:
    """The signed answer exactly as archived (opened again later)."""
    return letters.archived_pdf(session, actor, load_answer(session, actor, letter_id))
