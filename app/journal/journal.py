"""Journal entries: written as drafts, signed, then never edited.

A signed entry is corrected only by a new entry that refers to it (tillägg/rättelse);
signing stores a SHA-256 hash of the content so later tampering can be detected.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock, code_lists
from app.common.codes import JournalType
from app.common.content_hash import signed_content_hash
from app.common.errors import (
    AccessDenied,
    NotFound,
    SignedRecordError,
    StaleRecordError,
    ValidationFailed,
)
from app.common.text_input import clean_text
from app.models import Application, JournalEntry, User
from app.security import access, audit
from app.security.actor import Actor

MAX_TEXT = 20_000
# Signing one of these answers the applicant, which satisfies the first återkoppling.
_FIRST_RESPONSE_TYPES = {JournalType.FIRST_RESPONSE, JournalType.FIRST_VISIT}


@dataclass(frozen=True)
class JournalDraft:
    entry_date: date
    entry_type: str
    title: str
    text: str


@dataclass(frozen=True)
class JournalRow:
    id: uuid.UUID
    version: int
    entry_date: date
    entry_type: str
    type_label: str
    title: str
    text: str
    author_id: uuid.UUID
    author_name: str
    signed_at: datetime | None
    signer_name: str
    corrects_id: uuid.UUID | None
    signed_recorded_at: datetime | None = None
    """When the server recorded the signing (migration server_signing_rules); `signed_at`
    is the signer's claim."""
    signature_holds: bool = True
    """False when the signed content no longer matches its hash (`signature_holds`)."""

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


def _validated(draft: JournalDraft) -> JournalDraft:
    errors: dict[str, str] = {}
    if not code_lists.is_valid(code_lists.JOURNAL_TYPE, draft.entry_type):
        errors["entry_type"] = "Välj en typ av anteckning."
    if draft.entry_date is None:
        errors["entry_date"] = "Ange datum."
    elif draft.entry_date > clock.today():
        errors["entry_date"] = "En journalanteckning kan inte dateras i framtiden."
    title = text = ""
    try:
        title = clean_text(draft.title, field="title", label="Rubriken", max_length=200)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    try:
        text = clean_text(
            draft.text,
            field="text",
            label="Texten",
            max_length=MAX_TEXT,
            required=True,
            multiline=True,
        )
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    return JournalDraft(draft.entry_date, draft.entry_type, title, text)


def hash_content(
    *,
    id: uuid.UUID,
    case_id: uuid.UUID,
    entry_date: date,
    entry_type: str,
    title: str,
    text: str,
    author_id: uuid.UUID,
) -> str:
    """SHA-256 over the signed content; stored at signing so tampering shows."""
    return signed_content_hash(
        {
            "id": str(id),
            "case": str(case_id),
            "date": entry_date.isoformat(),
            "type": entry_type,
            "title": title,
            "text": text,
            "author": str(author_id),
        }
    )


def content_hash(entry: JournalEntry) -> str:
    return hash_content(
        id=entry.id,
        case_id=entry.case_id,
        entry_date=entry.entry_date,
        entry_type=entry.entry_type,
        title=entry.title,
        text=entry.text,
        author_id=entry.author_id,
    )


def signature_holds(entry: JournalEntry) -> bool:
    """False for a signed entry whose stored content no longer matches the hash stored at
    signing (changed by hand after signing, issue 20); True for a draft."""
    return not entry.is_signed or entry.content_hash == content_hash(entry)


def create_entry(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    draft: JournalDraft,
    *,
    corrects_id: uuid.UUID | None = None,
) -> JournalEntry:
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    clean = _validated(draft)
    if corrects_id is not None:
        original = session.get(JournalEntry, corrects_id)
        if original is None or original.case_id != case_id or not original.is_signed:
            raise ValidationFailed(
                {"corrects": "Ett tillägg måste gälla en signerad anteckning i samma ärende."}
            )
    entry = JournalEntry(
        case_id=case_id,
        entry_date=clean.entry_date,
        entry_type=clean.entry_type,
        title=clean.title,
        text=clean.text,
        author_id=actor.id,
        corrects_id=corrects_id,
        updated_by=actor.id,
    )
    session.add(entry)
    session.flush()
    audit.record(
        session, actor, audit.Action.CREATE, "journal_entry", entity_id=entry.id, case_id=case_id
    )
    return entry


def _editable(
    session: Session, actor: Actor, entry_id: uuid.UUID, expected_version: int | None
) -> JournalEntry:
    entry = session.get(JournalEntry, entry_id)
    if entry is None:
        raise NotFound("Journalanteckningen finns inte.")
    access.require_write(session, actor, load_case(session, entry.case_id))
    if entry.is_signed:
        raise SignedRecordError(
            "Anteckningen är signerad och kan inte ändras. Skriv ett tillägg i stället."
        )
    if entry.author_id != actor.id:
        raise AccessDenied("Bara den som skrivit anteckningen kan ändra eller signera den.")
    if expected_version is not None and entry.version != expected_version:
        raise StaleRecordError("Anteckningen har ändrats i ett annat fönster. Läs in den på nytt.")
    return entry


def update_draft(
    session: Session,
    actor: Actor,
    entry_id: uuid.UUID,
    draft: JournalDraft,
    *,
    expected_version: int | None = None,
) -> JournalEntry:
    entry = _editable(session, actor, entry_id, expected_version)
    clean = _validated(draft)
    entry.entry_date, entry.entry_type = clean.entry_date, clean.entry_type
    entry.title, entry.text = clean.title, clean.text
    entry.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "journal_entry",
        entity_id=entry.id,
        case_id=entry.case_id,
    )
    return entry


def sign_entry(
    session: Session, actor: Actor, entry_id: uuid.UUID, *, expected_version: int | None = None
) -> JournalEntry:
    entry = _editable(session, actor, entry_id, expected_version)
    _validated(JournalDraft(entry.entry_date, entry.entry_type, entry.title, entry.text))
    entry.signed_at = entry.signed_recorded_at = clock.now()
    entry.signed_by = actor.id
    entry.content_hash = content_hash(entry)
    entry.updated_by = actor.id
    if entry.entry_type in _FIRST_RESPONSE_TYPES:
        for application in session.scalars(
            select(Application)
            .where(Application.case_id == entry.case_id)
            .where(Application.first_response_at.is_(None))
        ):
            application.first_response_at = entry.signed_at
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.SIGN,
        "journal_entry",
        entity_id=entry.id,
        case_id=entry.case_id,
    )
    return entry


def list_entries(session: Session, actor: Actor, case_id: uuid.UUID) -> list[JournalRow]:
    """The case journal, newest first. Logged as a read of the case."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    entries = session.scalars(
        select(JournalEntry)
        .where(JournalEntry.case_id == case_id)
        .order_by(JournalEntry.entry_date.desc(), JournalEntry.created_at.desc())
    ).all()
    signer_ids = {e.signed_by for e in entries if e.signed_by}
    signers: dict[uuid.UUID | None, str] = (
        dict(session.execute(select(User.id, User.full_name).where(User.id.in_(signer_ids))).all())
        if signer_ids
        else {}
    )
    audit.record(session, actor, audit.Action.OPEN, "journal", case_id=case_id)
    return [
        JournalRow(
            e.id,
            e.version,
            e.entry_date,
            e.entry_type,
            code_lists.label(code_lists.JOURNAL_TYPE, e.entry_type),
            e.title,
            e.text,
            e.author_id,
            e.author.full_name,
            e.signed_at,
            signers.get(e.signed_by, ""),
            e.corrects_id,
            e.signed_recorded_at,
            signature_holds(e),
        )
        for e in entries
    ]
