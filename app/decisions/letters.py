"""Signed letters other than decisions (issue 23): drafted, signed once, archived as a PDF.

The one mechanism for the avvisning of a late appeal, the cover letter of an överlämnande and
the chef's answer to a complaint (app/models/letter.py). Who may draft, read and sign a letter
is the calling register's rule (app.appeals, app.complaints): they check it before calling,
and pass the legal rules the letter rests on, which must have a confirmed source
(app.deadlines.after_decision_rules.signing_problems). Here: the draft's validation, the
signature (signer, time, the hash of what was signed), the PDF stored once with its SHA-256,
and reading it back unaltered — as for decisions (app.decisions.decisions).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.orm import Session

from app.common import clock
from app.common.content_hash import ALTERED_AFTER_SIGNING, signed_content_hash
from app.common.errors import NotFound, SignedRecordError, StaleRecordError, ValidationFailed
from app.deadlines import after_decision_rules
from app.models import Letter, LetterKind
from app.security import audit
from app.security.actor import Actor

BODY_LIMIT = 20_000
"""Characters of a letter's own text: about eight printed pages, far more than an answer or
a motivering needs; a pasted document beyond it is refused with a message, not cut."""

ALTERED_LETTER = (
    f"{ALTERED_AFTER_SIGNING}: brevet har ändrats i databasen efter att det signerades och "
    "skrivs därför inte ut. Kontakta systemförvaltaren."
)


def draft_letter(
    session: Session,
    actor: Actor,
    *,
    kind: LetterKind,
    unit_id: uuid.UUID,
    case_id: uuid.UUID | None = None,
    appeal_id: uuid.UUID | None = None,
    complaint_id: uuid.UUID | None = None,
    recipient: str = "",
    body: str = "",
    content: dict[str, Any] | None = None,
) -> Letter:
    """A new unsigned letter. The caller has checked that `actor` may draft it."""
    _validate(recipient, body)
    letter = Letter(
        kind=kind,
        unit_id=unit_id,
        case_id=case_id,
        appeal_id=appeal_id,
        complaint_id=complaint_id,
        recipient=recipient.strip(),
        body=body.strip(),
        content_json=json.dumps(content or {}, ensure_ascii=False, sort_keys=True),
        author_id=actor.id,
        updated_by=actor.id,
    )
    session.add(letter)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "letter",
        entity_id=letter.id,
        case_id=case_id,
        detail=kind.label,
    )
    return letter


def update_draft(
    session: Session,
    actor: Actor,
    letter: Letter,
    *,
    recipient: str | None = None,
    body: str | None = None,
    content: dict[str, Any] | None = None,
    expected_version: int | None = None,
) -> Letter:
    """Change a draft; a signed letter never changes."""
    _require_draft(letter, expected_version)
    _validate(
        letter.recipient if recipient is None else recipient,
        letter.body if body is None else body,
    )
    if recipient is not None:
        letter.recipient = recipient.strip()
    if body is not None:
        letter.body = body.strip()
    if content is not None:
        letter.content_json = json.dumps(content, ensure_ascii=False, sort_keys=True)
    letter.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "letter",
        entity_id=letter.id,
        case_id=letter.case_id,
        detail=letter.kind.label,
    )
    return letter


def sign_letter(
    session: Session,
    actor: Actor,
    letter: Letter,
    render: Callable[[Letter], bytes],
    *,
    rules: Iterable[str] = (),
    expected_version: int | None = None,
) -> Letter:
    """Sign `letter` as `actor` and archive its PDF (rendered once, after the signature is
    set, so the PDF carries the signer and date). Refused when a rule it rests on has no
    confirmed source. The caller has checked that `actor` may sign this letter."""
    _require_draft(letter, expected_version)
    problems = after_decision_rules.signing_problems(list(rules))
    if problems:
        raise ValidationFailed({"letter": " ".join(problems)})
    letter.signed_by = actor.id
    letter.signed_at = clock.now()
    letter.decided_on = clock.today()
    letter.updated_by = actor.id
    letter.content_hash = content_hash(letter)
    session.flush()
    pdf = render(letter)
    letter.letter_pdf = pdf
    letter.letter_sha256 = hashlib.sha256(pdf).hexdigest()
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.SIGN,
        "letter",
        entity_id=letter.id,
        case_id=letter.case_id,
        detail=letter.kind.label,
    )
    return letter


def archived_pdf(session: Session, actor: Actor, letter: Letter) -> bytes:
    """The PDF exactly as archived at signing. Logged as an export. The caller has checked
    that `actor` may read the letter."""
    if not signature_holds(letter):
        raise ValidationFailed({"letter": ALTERED_LETTER})
    if letter.letter_pdf is None:
        raise NotFound("Brevet är inte signerat; det finns inget arkiverat brev.")
    if hashlib.sha256(letter.letter_pdf).hexdigest() != letter.letter_sha256:
        raise ValidationFailed(
            {
                "letter": "Det arkiverade brevet stämmer inte med sin kontrollsumma. "
                "Kontakta systemförvaltaren."
            }
        )
    audit.record(
        session,
        actor,
        audit.Action.EXPORT,
        "letter",
        entity_id=letter.id,
        case_id=letter.case_id,
        detail=letter.kind.label,
    )
    return letter.letter_pdf


def content(letter: Letter) -> dict[str, Any]:
    """The letter's fixed content (legal texts with sources, documents listed, dates)."""
    return dict(json.loads(letter.content_json or "{}"))


def content_hash(letter: Letter) -> str:
    """The hash of what was signed."""
    return signed_content_hash(
        {
            "id": str(letter.id),
            "kind": letter.kind.value,
            "unit": str(letter.unit_id),
            "case": str(letter.case_id) if letter.case_id else "",
            "appeal": str(letter.appeal_id) if letter.appeal_id else "",
            "complaint": str(letter.complaint_id) if letter.complaint_id else "",
            "recipient": letter.recipient,
            "body": letter.body,
            "content": letter.content_json,
            "signed_by": str(letter.signed_by),
            "decided_on": letter.decided_on.isoformat() if letter.decided_on else "",
        }
    )


def signature_holds(letter: Letter) -> bool:
    """False for a signed letter whose stored content no longer matches its hash (changed by
    hand after signing); True for a draft."""
    return not letter.is_signed or letter.content_hash == content_hash(letter)


def _require_draft(letter: Letter, expected_version: int | None) -> None:
    if letter.is_signed:
        raise SignedRecordError("Brevet är signerat och kan inte ändras.")
    if expected_version is not None and letter.version != expected_version:
        raise StaleRecordError("Brevet har ändrats av någon annan. Läs in det igen.")


def _validate(recipient: str, body: str) -> None:
    errors = {}
    if len(body) > BODY_LIMIT:
        errors["body"] = (
            f"Texten är {len(body):,} tecken; ett brev får ha högst {BODY_LIMIT:,}. "
            "Korta texten eller bifoga resten som en egen handling."
        ).replace(",", "\u00a0")
    if len(recipient) > 2_000:
        errors["recipient"] = "Mottagarens uppgifter är för långa (högst 2 000 tecken)."
    if "\x00" in body or "\x00" in recipient:
        errors["body"] = (
            "Texten innehåller ett otillåtet tecken (NUL). Ta bort det och försök igen."
        )
    if errors:
        raise ValidationFailed(errors)
