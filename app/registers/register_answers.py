"""A register look-up's answer kept as data with the case (issue 24): every item of every
source, so that a proposed decision (app.decisions.proposal) can count the incomes without
reading the journal text. Written by the look-up (app.registers.lookups) together with its
signed journal entry, never changed (migration 0049 refuses it on the shared server)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock
from app.models import RegisterAnswerRecord
from app.registers.register_service import (
    ItemKind,
    RegisterAnswer,
    RegisterItem,
    Source,
    SourceAnswer,
)
from app.security import access, audit
from app.security.actor import Actor

AUDIT_ENTITY = "register_answer"


def answer_json(answer: RegisterAnswer) -> str:
    """Every source asked and its items (amounts as text: no floats)."""
    return json.dumps(
        [
            {
                "source": part.source.value,
                "items": [
                    {
                        "kind": item.kind.value,
                        "source_name": item.source_name,
                        "amount": str(item.amount),
                        "tax_withheld": str(item.tax_withheld),
                        "period_start": item.period_start.isoformat(),
                        "period_end": item.period_end.isoformat(),
                        "payer": item.payer,
                    }
                    for item in part.items
                ],
            }
            for part in answer.answers
        ],
        ensure_ascii=False,
    )


def parse_answer(text: str) -> tuple[SourceAnswer, ...]:
    return tuple(
        SourceAnswer(
            Source(part["source"]),
            tuple(
                RegisterItem(
                    Source(part["source"]),
                    ItemKind(item["kind"]),
                    item["source_name"],
                    Decimal(item["amount"]),
                    date.fromisoformat(item["period_start"]),
                    date.fromisoformat(item["period_end"]),
                    Decimal(item["tax_withheld"]),
                    item["payer"],
                )
                for item in part["items"]
            ),
        )
        for part in json.loads(text)
    )


def keep(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    person_id: uuid.UUID,
    entry_id: uuid.UUID,
    answer: RegisterAnswer,
    service_name: str,
) -> RegisterAnswerRecord:
    """Store the answer with the case (the look-up has checked the right to write it)."""
    record = RegisterAnswerRecord(
        case_id=case_id,
        person_id=person_id,
        journal_entry_id=entry_id,
        period_start=answer.request.period.first,
        period_end=answer.request.period.end,
        purpose=answer.request.purpose,
        service=service_name[:200],
        reference=answer.reference[:100],
        answer_json=answer_json(answer),
        fetched_at=clock.now(),
        fetched_by=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "register_answer",
        entity_id=record.id,
        case_id=case_id,
        person_id=person_id,
        detail=f"svar {record.reference}",
    )
    return record


@dataclass(frozen=True)
class KeptAnswer:
    id: uuid.UUID
    person_id: uuid.UUID
    period_start: date
    period_end: date
    reference: str
    fetched_at: datetime
    sources: tuple[SourceAnswer, ...]

    @property
    def items(self) -> list[RegisterItem]:
        return [item for part in self.sources for item in part.items]


def answers_for_month(
    session: Session, actor: Actor, case_id: uuid.UUID, month: date
) -> list[KeptAnswer]:
    """The case's register answers whose period covers `month` (its first day), per person
    the latest; logged as a read of the case's register answers."""
    case = load_case(session, case_id)
    access.require_read(session, actor, case)
    rows = session.scalars(
        select(RegisterAnswerRecord)
        .where(
            RegisterAnswerRecord.case_id == case_id,
            RegisterAnswerRecord.period_start <= month,
            RegisterAnswerRecord.period_end >= month,
        )
        .order_by(RegisterAnswerRecord.fetched_at)
    ).all()
    latest: dict[uuid.UUID, RegisterAnswerRecord] = {}
    for row in rows:
        latest[row.person_id] = row
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "register_answer",
        case_id=case_id,
        detail=f"registersvar för {month:%Y-%m} ({len(latest)} personer)",
    )
    return [
        KeptAnswer(
            row.id,
            row.person_id,
            row.period_start,
            row.period_end,
            row.reference,
            row.fetched_at,
            parse_answer(row.answer_json),
        )
        for row in latest.values()
    ]
