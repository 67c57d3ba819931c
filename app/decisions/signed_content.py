"""Every signed journal entry, form, decision and letter checked against the hash stored at signing
(`arendestod db verify`, issue 20). Here because this area sees all three kinds; the rule
for each is its own module's `signature_holds`.

Reads everything signed, whatever the caller may see in the program: for IT's check of the
whole database. The caller logs the check (app/cli/verify_cli.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from app.common.content_hash import SignatureMismatch
from app.decisions import decisions, letters
from app.forms import filled_forms
from app.journal import journal
from app.models import Case, Decision, FormInstance, JournalEntry, Letter, User

BATCH = 1000


@dataclass
class SignedContentReport:
    checked: int = 0
    mismatches: list[SignatureMismatch] = field(default_factory=list)


def check_signed_content(session: Session) -> SignedContentReport:
    report = SignedContentReport()
    names: dict[uuid.UUID | None, str] = {
        user_id: name for user_id, name in session.execute(select(User.id, User.full_name))
    }
    for kind, number, signed_at, signer, holds in _items(session):
        report.checked += 1
        if not holds:
            report.mismatches.append(
                SignatureMismatch(kind, number or "–", signed_at, names.get(signer, "okänd"))
            )
    return report


def _items(session: Session) -> Iterator[tuple]:
    for entry, number in _signed(session, JournalEntry):
        yield (
            "journalanteckning",
            number,
            entry.signed_at,
            entry.signed_by,
            journal.signature_holds(entry),
        )
    for form, number in _signed(session, FormInstance):
        yield (
            f"blankett ({form.form_key})",
            number,
            form.signed_at,
            form.signed_by,
            filled_forms.signature_holds(form),
        )
    for decision, number in _signed(session, Decision, selectinload(Decision.items)):
        yield (
            "beslut",
            number,
            decision.signed_at,
            decision.decided_by,
            decisions.signature_holds(decision),
        )
    for letter, number in _signed(session, Letter):
        yield (
            f"brev ({letter.kind.label.lower()})",
            number,
            letter.signed_at,
            letter.signed_by,
            letters.signature_holds(letter),
        )


def _signed(session: Session, model: Any, *options: Any) -> Iterator[Any]:
    """Every signed row of `model` with its case number (a form may have no case), in
    signing order, a batch at a time."""
    return iter(
        session.execute(
            select(model, Case.case_number)
            .outerjoin(Case, Case.id == model.case_id)
            .where(model.signed_at.is_not(None))
            .order_by(model.signed_at, model.id)
            .options(lazyload("*"), *options)
            .execution_options(yield_per=BATCH)
        )
    )
