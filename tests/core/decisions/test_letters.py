"""Signed letters other than decisions: drafted, signed once, archived, read back unaltered."""

from __future__ import annotations

import pytest
from sqlalchemy import text, update

from app.common.errors import NotFound, SignedRecordError, ValidationFailed
from app.deadlines import after_decision_rules as rules
from app.decisions import letters, signed_content
from app.models import Letter, LetterKind


def _render(letter: Letter) -> bytes:
    return f"%PDF-1.4 {letter.kind.value} {letter.decided_on}".encode()


@pytest.fixture
def draft(session, caseworker, make_case) -> Letter:
    case = make_case()
    return letters.draft_letter(
        session,
        caseworker,
        kind=LetterKind.APPEAL_FORWARDING,
        unit_id=case.unit_id,
        case_id=case.id,
        recipient="Förvaltningsrätten i Linköping",
        body="Överklagandet och handlingarna i ärendet.",
        content={"documents": ["Överklagandet", "Beslutet"]},
    )


def test_a_signed_letter_is_archived_and_read_back(session, caseworker, draft) -> None:
    letters.sign_letter(session, caseworker, draft, _render, rules=[rules.FORWARDING])
    assert draft.is_signed and draft.signed_by == caseworker.id
    assert letters.archived_pdf(session, caseworker, draft).startswith(b"%PDF")
    assert letters.content(draft) == {"documents": ["Överklagandet", "Beslutet"]}
    with pytest.raises(SignedRecordError):
        letters.update_draft(session, caseworker, draft, body="Något annat")
    with pytest.raises(SignedRecordError):
        letters.sign_letter(session, caseworker, draft, _render)


def test_a_letter_resting_on_an_unconfirmed_rule_is_not_signed(session, caseworker, draft) -> None:
    with pytest.raises(ValidationFailed, match="inte kontrollerad"):
        letters.sign_letter(session, caseworker, draft, _render, rules=[rules.BOARD_APPEAL_PERIOD])
    assert not draft.is_signed and draft.letter_pdf is None


def test_a_letter_changed_by_hand_after_signing_is_not_printed(session, caseworker, draft) -> None:
    letters.sign_letter(session, caseworker, draft, _render)
    if session.bind.dialect.name == "postgresql":
        # the server refuses it to the users' roles (migration 0045); its owner can switch
        # the triggers off, as someone with the server's keys could
        session.execute(text("SET LOCAL session_replication_role = replica"))
    session.execute(update(Letter).where(Letter.id == draft.id).values(body="Ändrat i efterhand"))
    session.expire(draft)
    assert not letters.signature_holds(draft)
    report = signed_content.check_signed_content(session)
    assert [m.kind for m in report.mismatches] == ["brev (överlämnande till förvaltningsrätten)"]
    with pytest.raises(ValidationFailed, match="ändrats i databasen"):
        letters.archived_pdf(session, caseworker, draft)


def test_an_unsigned_letter_has_no_archive_and_too_long_text_is_refused(
    session, caseworker, draft
) -> None:
    with pytest.raises(NotFound):
        letters.archived_pdf(session, caseworker, draft)
    with pytest.raises(ValidationFailed, match="högst 20\u00a0000") as refused:
        letters.update_draft(session, caseworker, draft, body="x" * 20_001)
    assert "body" in refused.value.field_errors
    assert draft.body == "Överklagandet och handlingarna i ärendet."
