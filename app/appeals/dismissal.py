"""Avvisning of an appeal that came in too late (förvaltningslagen 45 §): a signed letter
(app.decisions.letters, kind avvisning_overklagande) whose motivering is built from the facts
(the day of delgivning, the last day, the day it came in) and whose rules are those of
resources/after_decision.json (late_dismissal, appeal_period, deadline_moves,
dismissal_appealable), with its own besvärshänvisning
(resources/texts/besvarshanvisning.json, "forvaltningsbesvar_avvisat_overklagande").

Drafted by whoever may write the case; signed only by a holder of a delegation to avslå or
avvisa (DelegationScope.REFUSE) the appealed decision's kind. What the letter prints is fixed
in the letter at signing, so the archived PDF and a reprint say the same.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.appeals import appeal_register
from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, sent_letterhead
from app.common.errors import AccessDenied, NotFound, ValidationFailed
from app.common.formatting import long_date
from app.deadlines import after_decision_rules as rules
from app.decisions import decisions, legal_texts, letters
from app.models import (
    Appeal,
    Appellant,
    Decision,
    DecisionDelivery,
    DecisionKind,
    DelegationScope,
    DeliveryMethod,
    Letter,
    LetterKind,
    MemberRole,
    Timeliness,
    User,
)
from app.security import access, audit
from app.security.actor import Actor

APPEAL_TEXT_KEY = "forvaltningsbesvar_avvisat_overklagande"
RULES = (
    rules.LATE_DISMISSAL,
    rules.APPEAL_PERIOD,
    rules.DEADLINE_MOVES,
    rules.DISMISSAL_APPEALABLE,
)
TITLE = "Beslut om avvisning av överklagande"


@dataclass(frozen=True)
class DismissalLetter:
    """What the avvisning's PDF prints (app.printing.appeal_dismissal_letter)."""

    letterhead: Letterhead
    recipient_lines: list[str]
    case_number: str
    decided_on: date | None
    """None for a draft (printed as UTKAST)."""
    title: str
    decision_line: str
    facts: list[tuple[str, str]]
    motivation: str
    rules: list[str]
    """The rules cited, each with its paragraph."""
    appeal_title: str
    appeal_paragraphs: list[str]
    signer: str
    signer_title: str
    copy_to: str
    """"Kopia till ombudet …" when an ombud appealed; else empty."""

    @property
    def is_draft(self) -> bool:
        return self.decided_on is None


def _late(appeal: Appeal, last: date) -> str:
    days = (appeal.received_on - last).days
    return "en dag" if days == 1 else f"{days} dagar"


def _facts(session: Session, appeal: Appeal) -> dict[str, Any]:
    """The facts and texts the letter rests on, as they are now. Refused unless the
    rättidsprövning found the appeal late and the day of delgivning is known."""
    if appeal.timeliness is not Timeliness.LATE:
        raise ValidationFailed(
            {
                "timeliness": "Ett överklagande avvisas bara när rättidsprövningen har kommit "
                "fram till att det kom in för sent."
            }
        )
    decision = session.get(Decision, appeal.decision_id)
    assert decision is not None and decision.decided_on is not None
    if decision.kind is DecisionKind.BEYOND_RIGHT:
        raise ValidationFailed(
            {
                "timeliness": "Beslut om bistånd utöver rätten prövas genom laglighetsprövning; "
                "förvaltningsrätten prövar själv om överklagandet kom in i tid."
            }
        )
    delivery = session.scalar(
        select(DecisionDelivery).where(DecisionDelivery.decision_id == decision.id)
    )
    proposal = appeal_register.proposal_of(session, appeal)
    if delivery is None or proposal.delivered_on is None or proposal.last_day is None:
        raise ValidationFailed(
            {
                "timeliness": "Dagen då sökanden fick del av beslutet är inte känd; "
                "överklagandet kan inte avvisas som för sent."
            }
        )
    if proposal.proposed is not Timeliness.LATE:
        raise ValidationFailed(
            {
                "timeliness": "Med den delgivning som nu är registrerad kom överklagandet inte "
                "in för sent. Gör om rättidsprövningen."
            }
        )
    case = load_case(session, appeal.case_id)
    unit = case.unit
    text = legal_texts.appeal_texts()[APPEAL_TEXT_KEY]
    values = decisions.appeal_values(unit)
    return {
        "appealed_decision": str(decision.id),
        "appealed_decided_on": decision.decided_on.isoformat(),
        "appealed_text": appeal_register.decision_text(decision),
        "delivery_method": delivery.method.value,
        "sent_on": delivery.sent_on.isoformat() if delivery.sent_on else "",
        "delivered_on": proposal.delivered_on.isoformat(),
        "last_day": proposal.last_day.isoformat(),
        "received_on": appeal.received_on.isoformat(),
        "received_by_court_on": (
            appeal.received_by_court_on.isoformat() if appeal.received_by_court_on else ""
        ),
        "late": _late(appeal, proposal.last_day),
        "rules": [
            {
                "code": r.code,
                "cited": r.cited(),
                "source": r.source.sfs or r.source.url or r.source.note,
            }
            for r in (rules.rule(code) for code in RULES)
        ],
        "appeal_text": {
            "key": text.key,
            "title": text.title,
            "paragraphs": [legal_texts.fill(p, values) for p in text.paragraphs],
            "sources": list(text.sources),
        },
    }


def _how(facts: dict[str, Any]) -> str:
    """How the applicant got the decision, said to her."""
    day = long_date(date.fromisoformat(facts["delivered_on"]))
    method = _method(facts)
    if method is DeliveryMethod.SIMPLIFIED:
        sent = f" den {long_date(date.fromisoformat(facts['sent_on']))}" if facts["sent_on"] else ""
        return (
            f"Beslutet skickades till dig med förenklad delgivning{sent}. "
            f"Du anses då ha fått del av det två veckor senare, den {day}."
        )
    return {
        DeliveryMethod.HANDED_OVER: f"Beslutet lämnades till dig personligen den {day}.",
        DeliveryMethod.RECEIPT: f"Enligt delgivningskvittot fick du beslutet den {day}.",
        DeliveryMethod.E_SERVICE: f"Du tog emot beslutet i e-tjänsten den {day}.",
        DeliveryMethod.POST: f"Beslutet skickades med post. Du fick det den {day}.",
    }[method]


def default_motivation(facts: dict[str, Any]) -> str:
    last = date.fromisoformat(facts["last_day"])
    received = date.fromisoformat(facts["received_on"])
    return (
        f"{_how(facts)} Ett överklagande skulle därför ha kommit in till nämnden senast den "
        f"{long_date(last)}. Ditt överklagande kom in den {long_date(received)}, "
        f"{facts['late']} för sent. Det kom inte heller in till förvaltningsrätten inom tiden, "
        "och du har fått rätt information om hur man överklagar. Därför avvisas "
        "överklagandet och prövas inte."
    )


def _method(facts: dict[str, Any]) -> DeliveryMethod:
    return DeliveryMethod(facts["delivery_method"])


def _dismissal(session: Session, letter_id: uuid.UUID) -> tuple[Letter, Appeal]:
    letter = session.get(Letter, letter_id)
    if letter is None or letter.kind is not LetterKind.APPEAL_DISMISSAL or letter.appeal_id is None:
        raise NotFound("Avvisningsbeslutet finns inte.")
    appeal = session.get(Appeal, letter.appeal_id)
    assert appeal is not None
    return letter, appeal


def dismissal_of(session: Session, actor: Actor, appeal_id: uuid.UUID) -> Letter | None:
    """The appeal's avvisning (the signed one, else the latest draft), or None. Its opening
    is logged."""
    appeal_register.readable_appeal(session, actor, appeal_id)
    letter = _latest_dismissal(session, appeal_id)
    if letter is not None:
        audit.record(
            session,
            actor,
            audit.Action.OPEN,
            "letter",
            entity_id=letter.id,
            case_id=letter.case_id,
            detail=TITLE,
        )
    return letter


def _latest_dismissal(session: Session, appeal_id: uuid.UUID) -> Letter | None:
    """The signed avvisning, else the latest draft (the caller has checked access)."""
    rows = session.scalars(
        select(Letter)
        .where(Letter.appeal_id == appeal_id, Letter.kind == LetterKind.APPEAL_DISMISSAL)
        .order_by(Letter.created_at.desc())
    ).all()
    return next((r for r in rows if r.is_signed), rows[0] if rows else None)


def signed_dismissals(session: Session, case_id: uuid.UUID) -> dict[uuid.UUID, date]:
    """Appeal id -> the day its avvisning was signed (the caller has checked access)."""
    return {
        appeal_id: day
        for appeal_id, day in session.execute(
            select(Letter.appeal_id, Letter.decided_on).where(
                Letter.case_id == case_id,
                Letter.kind == LetterKind.APPEAL_DISMISSAL,
                Letter.signed_at.is_not(None),
            )
        )
        if appeal_id is not None and day is not None
    }


def draft_dismissal(
    session: Session,
    actor: Actor,
    appeal_id: uuid.UUID,
    motivation: str | None = None,
) -> Letter:
    """The appeal's avvisning as a draft: made now (or the existing draft, its motivering
    changed when one is given), with the motivering built from the facts unless written."""
    appeal = appeal_register.writable_appeal(session, actor, appeal_id)
    facts = _facts(session, appeal)
    if motivation is not None and not motivation.strip():
        raise ValidationFailed({"body": "Skriv skälen för beslutet."})
    existing = _latest_dismissal(session, appeal.id)
    if existing is not None and existing.is_signed:
        raise ValidationFailed(
            {"letter": "Överklagandet är redan avvisat med ett signerat beslut."}
        )
    if existing is not None:
        return letters.update_draft(
            session,
            actor,
            existing,
            body=motivation,
            content=facts,
        )
    case = load_case(session, appeal.case_id)
    return letters.draft_letter(
        session,
        actor,
        kind=LetterKind.APPEAL_DISMISSAL,
        unit_id=case.unit_id,
        case_id=case.id,
        appeal_id=appeal.id,
        recipient="\n".join(_recipient(session, appeal)),
        body=motivation if motivation is not None else default_motivation(facts),
        content=facts,
    )


def _recipient(session: Session, appeal: Appeal) -> list[str]:
    decision = session.get(Decision, appeal.decision_id)
    case = load_case(session, appeal.case_id)
    assert decision is not None
    members = [
        m
        for m in case.household.members
        if (m.member_from is None or m.member_from <= decision.period_end)
        and (m.member_until is None or decision.period_start <= m.member_until)
    ]
    adults = [
        m.person for m in members if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
    ]
    protected = any(m.person.protected_identity for m in members)
    lines, _forwarding = legal_texts.recipient_lines(adults, case.household, protected)
    return lines


def _letter_data(
    session: Session, actor: Actor, letter: Letter, appeal: Appeal, facts: dict[str, Any]
) -> DismissalLetter:
    case = load_case(session, appeal.case_id)
    unit = case.unit
    signer = session.get(User, letter.signed_by) if letter.signed_by else None
    appealed_on = date.fromisoformat(facts["appealed_decided_on"])
    text = facts["appeal_text"]
    return DismissalLetter(
        letterhead=sent_letterhead(case, actor, "Beslut"),
        # a protected household's window lines are made anew: never an address kept
        recipient_lines=_recipient(session, appeal),
        case_number=case.case_number,
        decided_on=letter.decided_on,
        title=TITLE,
        decision_line=(
            f"{unit.board_name} avvisar ditt överklagande av beslutet den "
            f"{long_date(appealed_on)}. Överklagandet kom in för sent och prövas därför inte."
        ),
        facts=[
            ("Beslutet som överklagades", facts["appealed_text"]),
            ("Du fick del av beslutet", long_date(date.fromisoformat(facts["delivered_on"]))),
            ("Sista dag att överklaga", long_date(date.fromisoformat(facts["last_day"]))),
            ("Överklagandet kom in", long_date(date.fromisoformat(facts["received_on"]))),
        ],
        motivation=letter.body,
        rules=[r["cited"] for r in facts["rules"]],
        appeal_title=text["title"],
        appeal_paragraphs=list(text["paragraphs"]),
        signer=signer.full_name if signer else actor.full_name,
        signer_title=(signer.title if signer else actor.title) or "",
        copy_to=(
            f"Kopia till ombudet {appeal.appellant_name}"
            if appeal.appellant is Appellant.REPRESENTATIVE and appeal.appellant_name
            else ""
        ),
    )


def dismissal_preview(session: Session, actor: Actor, letter_id: uuid.UUID) -> DismissalLetter:
    """The letter as it stands: a draft with today's facts (marked UTKAST), a signed one as
    it was signed. Logged as a print."""
    letter, appeal = _dismissal(session, letter_id)
    access.require_read(session, actor, load_case(session, appeal.case_id))
    facts = letters.content(letter) if letter.is_signed else _facts(session, appeal)
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "letter",
        entity_id=letter.id,
        case_id=letter.case_id,
        detail=TITLE,
    )
    return _letter_data(session, actor, letter, appeal, facts)


def may_sign(session: Session, actor: Actor, appeal: Appeal) -> bool:
    decision = session.get(Decision, appeal.decision_id)
    assert decision is not None
    return decisions.has_delegation(
        session, actor, decision.kind, Decimal("0"), DelegationScope.REFUSE
    )


def sign_dismissal(
    session: Session,
    actor: Actor,
    letter_id: uuid.UUID,
    render: Callable[[DismissalLetter], bytes],
    *,
    expected_version: int | None = None,
) -> Letter:
    """Sign the avvisning and archive its PDF. Only a holder of a delegation to avslå or
    avvisa the appealed decision's kind signs it; its facts are fixed as they are now."""
    letter, appeal = _dismissal(session, letter_id)
    access.require_write(session, actor, load_case(session, appeal.case_id))
    if not may_sign(session, actor, appeal):
        decision = session.get(Decision, appeal.decision_id)
        assert decision is not None
        raise AccessDenied(
            "Du har inte delegation att avslå eller avvisa i ärenden om "
            f"{decision.kind.label.lower()} och kan därför inte signera avvisningen. "
            "Be någon som har den delegationen att signera."
        )
    facts = _facts(session, appeal)
    # the day of delgivning the letter states must rest on a confirmed rule too
    problems = rules.delivery_problems(_method(facts))
    if problems:
        raise ValidationFailed({"letter": " ".join(problems)})
    letters.update_draft(
        session,
        actor,
        letter,
        content=facts,
        expected_version=expected_version,
    )
    return letters.sign_letter(
        session,
        actor,
        letter,
        lambda signed: render(
            _letter_data(session, actor, signed, appeal, letters.content(signed))
        ),
        rules=RULES,
    )


def archived_dismissal(session: Session, actor: Actor, letter_id: uuid.UUID) -> bytes:
    """The signed avvisning's PDF as archived."""
    letter, appeal = _dismissal(session, letter_id)
    access.require_read(session, actor, load_case(session, appeal.case_id))
    return letters.archived_pdf(session, actor, letter)


def may_sign_dismissal(session: Session, actor: Actor, appeal_id: uuid.UUID) -> bool:
    """Whether `actor` holds the delegation that signing the appeal's avvisning needs (the
    dialog says so before she tries)."""
    return may_sign(session, actor, appeal_register.readable_appeal(session, actor, appeal_id))


def proposed_motivation(session: Session, actor: Actor, appeal_id: uuid.UUID) -> str:
    """The motivering built from the facts, before any draft is saved (nothing is written
    but the read in the log)."""
    appeal = appeal_register.writable_appeal(session, actor, appeal_id)
    facts = _facts(session, appeal)
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "appeal",
        entity_id=appeal.id,
        case_id=appeal.case_id,
        detail="avvisning",
    )
    return default_motivation(facts)
