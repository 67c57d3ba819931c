"""Kommunicering before a decision (förvaltningslagen (2017:900) 25 §): before an adverse
decision that rests on information the applicant has not given herself, she is told what
the information is and gets a set time to answer (issue 19, defect 8).

The kommunicering is recorded on the decision draft it prepares (columns `communication_*`
of `decisions`): when it was sent, how, from whom the information came, what was sent, the
last day to answer, and the answer. Once sent it stays as sent; the signed decision keeps
it (the content hash covers it). Instead, a decision can name an exception of 25 § with a
reason (resources/kommunicering.json, each with its source). The rule signing applies is
`communication_problem`; the server holds it too (migration 0022).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.cases.letterhead import Letterhead, sent_letterhead
from app.common import clock
from app.common.errors import NotFound, SignedRecordError, StaleRecordError, ValidationFailed
from app.common.formatting import period_text
from app.common.resources import resource_path
from app.common.text_input import clean_text
from app.decisions import legal_texts
from app.models import Decision, MemberRole, Outcome, User
from app.security import access, audit
from app.security.actor import Actor

NOT_COMMUNICATED = (
    "Beslutet går sökanden emot och grundar sig på uppgifter från annan än sökanden: "
    "låt sökanden yttra sig över uppgifterna först (kommunicering), eller ange varför det "
    "inte behövs (25 § förvaltningslagen)."
)
NO_EXCEPTION_REASON = (
    "Skriv varför kommunicering inte behövs i det här ärendet (25 § förvaltningslagen)."
)


# --- the rule as data ---------------------------------------------------------------------------
@cache
def _data() -> dict:
    return json.loads(resource_path("kommunicering.json").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CommunicationException:
    """An exception of 25 § förvaltningslagen: when no kommunicering is needed."""

    code: str
    label: str
    text: str
    paragraph: str
    source: str


def exceptions(*, all_of_25: bool = False) -> list[CommunicationException]:
    """The exceptions a decision on ekonomiskt bistånd may name (all of 25 § with
    `all_of_25`)."""
    return [
        CommunicationException(e["code"], e["label"], e["text"], e["paragraph"], e["source"])
        for e in _data()["exceptions"]
        if all_of_25 or e["for_bistand"]
    ]


def exception(code: str) -> CommunicationException | None:
    return next((e for e in exceptions() if e.code == code), None)


def methods() -> dict[str, str]:
    """How the material was sent: code -> Swedish label."""
    return dict(_data()["methods"])


def default_answer_days() -> int:
    """A suggestion the handläggare changes: the law says only "inom en bestämd tid"."""
    return int(_data()["default_answer_days"])


def rule_paragraph() -> str:
    return str(_data()["rule"]["paragraph"])


def rule_source() -> str:
    return str(_data()["rule"]["source"])


# --- the rule at signing ------------------------------------------------------------------------
def communication_problem(decision: Decision, today: date) -> str:
    """Why the decision may not be signed on `today` for want of kommunicering, or ""."""
    if decision.outcome is Outcome.GRANTED or not decision.others_information:
        return ""
    if decision.communication_exception:
        if exception(decision.communication_exception) is None:
            return f"Okänt undantag från kommunicering: {decision.communication_exception}."
        if not decision.communication_exception_reason.strip():
            return NO_EXCEPTION_REASON
        return ""
    answer_by = decision.communication_answer_by
    if (
        decision.communication_sent_on is None
        or answer_by is None
        or not decision.communication_material.strip()
    ):
        return NOT_COMMUNICATED
    if decision.communication_answer_on is None and answer_by >= today:
        return (
            f"Tiden för sökanden att yttra sig går ut {answer_by.isoformat()}: vänta på svaret "
            "eller tills tiden har gått ut."
        )
    return ""


def validate_exception(code: str, reason: str) -> dict[str, str]:
    """save_draft's check of the exception a draft names."""
    errors = {}
    if code and exception(code) is None:
        errors["communication_exception"] = (
            f"Okänt undantag från kommunicering: {code}. Välj ett av undantagen i 25 § "
            "förvaltningslagen som gäller ekonomiskt bistånd."
        )
    try:
        clean_text(
            reason,
            field="communication_exception_reason",
            label="Skälet",
            max_length=4000,
            multiline=True,
        )
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    return errors


# --- recording ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentCommunication:
    sent_on: date
    method: str
    """A code of `methods()`."""
    sources: str
    """From whom the information came (e.g. "Försäkringskassan")."""
    material: str
    """What the applicant is told."""
    answer_by: date
    """The last day to answer."""


@dataclass(frozen=True)
class CommunicationStatus:
    sent: SentCommunication
    answer_on: date | None
    answer: str


def status_of(decision: Decision) -> CommunicationStatus | None:
    if decision.communication_sent_on is None or decision.communication_answer_by is None:
        return None
    return CommunicationStatus(
        SentCommunication(
            decision.communication_sent_on,
            decision.communication_method,
            decision.communication_sources,
            decision.communication_material,
            decision.communication_answer_by,
        ),
        decision.communication_answer_on,
        decision.communication_answer,
    )


def _draft(
    session: Session, actor: Actor, decision_id: uuid.UUID, expected_version: int | None
) -> Decision:
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Beslutet finns inte.")
    access.require_write(session, actor, load_case(session, decision.case_id))
    if decision.is_signed:
        raise SignedRecordError(
            "Beslutet är signerat och kan inte ändras. Fatta ett nytt beslut som ersätter det."
        )
    if expected_version is not None and decision.version != expected_version:
        raise StaleRecordError("Beslutet har ändrats i ett annat fönster. Läs in det på nytt.")
    return decision


def _validated(sent: SentCommunication) -> SentCommunication:
    errors: dict[str, str] = {}
    texts = {}
    for name, label, limit, required_message in (
        ("material", "Uppgifterna", 20_000, "Skriv vilka uppgifter sökanden får yttra sig över."),
        ("sources", "Varifrån uppgifterna kommer", 500, "Skriv varifrån uppgifterna kommer."),
    ):
        try:
            texts[name] = clean_text(
                getattr(sent, name), field=name, label=label, max_length=limit, multiline=True
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            continue
        if not texts[name]:
            errors[name] = required_message
    if sent.method not in methods():
        errors["method"] = f"Okänt sätt att kommunicera: {sent.method}."
    if sent.sent_on > clock.today():
        errors["sent_on"] = "Dagen då uppgifterna skickades kan inte ligga i framtiden."
    if sent.answer_by <= sent.sent_on:
        errors["answer_by"] = "Sista dag att svara ska vara efter den dag uppgifterna skickades."
    if errors:
        raise ValidationFailed(errors)
    return replace(sent, material=texts["material"], sources=texts["sources"])


def record_sent(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    sent: SentCommunication,
    *,
    expected_version: int | None = None,
) -> Decision:
    """Record that the material was sent to the applicant (once per decision draft)."""
    decision = _draft(session, actor, decision_id, expected_version)
    if decision.communication_sent_on is not None:
        raise ValidationFailed(
            {
                "sent_on": "Kommuniceringen är redan registrerad som skickad "
                f"{decision.communication_sent_on.isoformat()} och ändras inte. Registrera "
                "svaret när det kommer."
            }
        )
    sent = _validated(sent)
    decision.communication_sent_on = sent.sent_on
    decision.communication_method = sent.method
    decision.communication_sources = sent.sources
    decision.communication_material = sent.material
    decision.communication_answer_by = sent.answer_by
    decision.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail=f"kommunicering skickad {sent.sent_on.isoformat()}, "
        f"svar senast {sent.answer_by.isoformat()}",
    )
    return decision


def record_answer(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    answered_on: date,
    answer: str,
    *,
    expected_version: int | None = None,
) -> Decision:
    """Record the applicant's answer (or that she has nothing to add)."""
    decision = _draft(session, actor, decision_id, expected_version)
    sent_on = decision.communication_sent_on
    errors: dict[str, str] = {}
    if sent_on is None:
        errors["answer_on"] = "Registrera först att uppgifterna har skickats till sökanden."
    elif answered_on < sent_on:
        errors["answer_on"] = "Svaret kan inte ha kommit innan uppgifterna skickades."
    elif answered_on > clock.today():
        errors["answer_on"] = "Dagen för svaret kan inte ligga i framtiden."
    try:
        text = clean_text(answer, field="answer", label="Svaret", max_length=20_000, multiline=True)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if errors:
        raise ValidationFailed(errors)
    decision.communication_answer_on = answered_on
    decision.communication_answer = text
    decision.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail=f"svar på kommunicering {answered_on.isoformat()}",
    )
    return decision


# --- the letter ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommunicationLetter:
    letterhead: Letterhead
    recipient_lines: list[str]
    address_protected: bool
    case_number: str
    sent_on: date
    kind_label: str
    period_text: str
    sources: str
    material: str
    method_label: str
    answer_by: date
    handlaggare: str
    handlaggare_title: str
    unit_name: str
    unit_phone: str
    unit_address: str
    paragraph: str
    is_preview: bool


def letter_data(
    session: Session,
    actor: Actor,
    decision_id: uuid.UUID,
    preview: SentCommunication | None = None,
) -> CommunicationLetter:
    """The kommuniceringsbrev: of the kommunicering recorded, or of `preview` before it is
    sent. Logged as a print of the decision."""
    decision = session.get(Decision, decision_id)
    if decision is None:
        raise NotFound("Beslutet finns inte.")
    case = load_case(session, decision.case_id)
    access.require_read(session, actor, case)
    if preview is not None:
        sent = _validated(preview)
    else:
        status = status_of(decision)
        if status is None:
            raise NotFound("Ingen kommunicering är registrerad för beslutet.")
        sent = status.sent
    audit.record(
        session,
        actor,
        audit.Action.PRINT,
        "decision",
        entity_id=decision.id,
        case_id=decision.case_id,
        detail="kommuniceringsbrev",
    )
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
    recipient, _forwarding = legal_texts.recipient_lines(adults, case.household, protected)
    author = session.get(User, decision.author_id)
    unit = case.unit
    return CommunicationLetter(
        letterhead=sent_letterhead(case, actor, "Kommunicering"),
        recipient_lines=recipient,
        address_protected=protected,
        case_number=case.case_number,
        sent_on=sent.sent_on,
        kind_label=decision.kind.label.lower(),
        period_text=period_text(decision.period_start, decision.period_end),
        sources=sent.sources,
        material=sent.material,
        method_label=methods().get(sent.method, sent.method),
        answer_by=sent.answer_by,
        handlaggare=author.full_name if author else actor.full_name,
        handlaggare_title=author.title if author else actor.title,
        unit_name=unit.name,
        unit_phone=unit.phone or "",
        unit_address=unit.postal_address or "",
        paragraph=rule_paragraph(),
        is_preview=preview is not None,
    )
