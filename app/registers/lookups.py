"""A register look-up in a case: who asked, for which person, why and when is logged, and the
answer is kept in the case's journal as a signed entry in the asker's name (issue 24;
DOMAIN.md, "After the decision, and around it": every look-up is logged with its purpose).

Asking needs the right to write the case (the answer is written into it; a case checked out
to a laptop cannot be asked for: look-ups need the office). The purpose is a code of the
"registerandamal" list, required. A fault of the register service stores nothing in the
case; only the audit row saying that the look-up failed, and why.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock, code_lists, formatting
from app.common.codes import JournalType
from app.common.errors import ServiceError, ValidationFailed
from app.common.identity_number import format_identity_number
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import HouseholdMember, Person
from app.registers import adapters, register_answers
from app.registers.register_service import (
    MonthRange,
    RegisterAnswer,
    RegisterFault,
    RegisterRequest,
    RegisterService,
)
from app.security import access, audit
from app.security.actor import Actor

AUDIT_ENTITY = "register_lookup"


@dataclass(frozen=True)
class Lookup:
    """What a look-up came to: the answer and the journal entry keeping it, or the fault.

    A fault is returned, not raised, so that the audit row of the failed look-up commits
    with the caller's transaction (a raised error rolls it back, as AppContext.call does);
    `result()` raises it for the caller after the commit, as the ServiceError it is:
    `context.call(lambda s, a: lookups.look_up(s, a, …)).result()`."""

    answer: RegisterAnswer | None
    entry_id: uuid.UUID | None
    fault: RegisterFault | None = None

    def result(self) -> RegisterAnswer:
        if self.fault is not None:
            raise self.fault
        assert self.answer is not None
        return self.answer


def purposes() -> list[code_lists.Code]:
    """The purposes a handläggare picks from."""
    return code_lists.codes(code_lists.REGISTER_PURPOSE)


def look_up(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    person_id: uuid.UUID,
    period: MonthRange,
    purpose: str,
    *,
    service: RegisterService | None = None,
) -> Lookup:
    """Ask the register service about a member of the case's household for `period`, for
    `purpose`; the answer becomes a signed journal entry of type "registeruppgifter" and is
    kept as data with the case (app.registers.register_answers).
    `service`: the configured one (app.registers.adapters) unless given."""
    case = load_case(session, case_id)
    if actor.replica_id is not None:
        raise ServiceError(
            "Registren kan bara frågas från kontoret, inte från den bärbara datorns "
            "offlinekopia. Gör förfrågan när ärendet är incheckat."
        )
    access.require_write(session, actor, case)
    errors: dict[str, str] = {}
    if not purpose or not code_lists.is_valid(code_lists.REGISTER_PURPOSE, purpose):
        errors["purpose"] = (
            "Ange varför uppgifterna behövs: välj ett ändamål i listan. Registren får bara "
            "frågas när uppgifterna behövs i ärendet."
        )
    person = session.scalar(
        select(Person)
        .join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(HouseholdMember.household_id == case.household_id, Person.id == person_id)
    )
    if person is None:
        errors["person"] = "Välj en person i ärendets hushåll."
    problem = period.problem(clock.today())
    if problem:
        errors["period"] = problem
    if errors:
        raise ValidationFailed(errors)
    assert person is not None
    purpose_label = code_lists.label(code_lists.REGISTER_PURPOSE, purpose)
    request = RegisterRequest(
        person.personal_number, period, purpose, actor.username, case.case_number
    )
    service = service or adapters.configured()
    asked = f"{purpose_label}; {period.text}; {service.name}"
    try:
        answer = service.incomes_and_benefits(request)
    except RegisterFault as fault:
        audit.record(
            session,
            actor,
            audit.Action.SEARCH,
            "register_lookup",
            case_id=case_id,
            person_id=person_id,
            detail=f"Misslyckades: {asked}. {fault}",
        )
        session.flush()
        return Lookup(None, None, fault)
    entry = journal.create_entry(
        session,
        actor,
        case_id,
        JournalDraft(
            clock.today(),
            JournalType.REGISTER_DATA,
            f"Registeruppgifter {period.text}",
            answer_text(answer, person, purpose_label, service.name, actor),
        ),
    )
    journal.sign_entry(session, actor, entry.id)
    register_answers.keep(session, actor, case_id, person_id, entry.id, answer, service.name)
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "register_lookup",
        entity_id=entry.id,
        case_id=case_id,
        person_id=person_id,
        detail=f"{asked}; svar {answer.reference}",
    )
    return Lookup(answer, entry.id)


def answer_text(
    answer: RegisterAnswer, person: Person, purpose_label: str, service_name: str, actor: Actor
) -> str:
    """The journal entry's text: who, why, from where, then every source's items."""
    lines = [
        f"Registeruppgifter för {answer.request.period.text} om {person.first_name} "
        f"{person.last_name} ({format_identity_number(person.personal_number)}).",
        f"Ändamål: {purpose_label}.",
        f"Hämtat {formatting.local_datetime(clock.now())} av {actor.full_name} från "
        f"{service_name}; svarets id {answer.reference}.",
        "Beloppen är före skatt.",
    ]
    for source_answer in answer.answers:
        lines.append("")
        source = source_answer.source.label
        source = source[0].upper() + source[1:]  # a-kassan first on its line
        if not source_answer.items:
            lines.append(f"{source}: inga utbetalningar under perioden.")
            continue
        lines.append(f"{source}:")
        for item in source_answer.items:
            name = item.kind.label
            if item.source_name != name:
                name += f" ({item.source_name})"
            line = f"- {name}, {item.period_text}: {formatting.money(item.amount)}"
            if item.tax_withheld:
                line += f", avdragen skatt {formatting.money(item.tax_withheld)}"
            if item.payer:
                line += f", utbetalare {item.payer}"
            lines.append(line)
    total = sum((item.amount for item in answer.items), Decimal("0"))
    tax = sum((item.tax_withheld for item in answer.items), Decimal("0"))
    lines += [
        "",
        f"Summa före skatt {formatting.money(total)}, avdragen skatt {formatting.money(tax)}.",
    ]
    return "\n".join(lines)
