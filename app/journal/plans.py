"""Plans with a goal, steps (who does what by when) and a follow-up date."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.cases.case_register import load_case
from app.common import clock, code_lists
from app.common.errors import NotFound, ValidationFailed
from app.common.text_input import clean_text
from app.models import Plan, PlanItem
from app.security import access, audit
from app.security.actor import Actor


@dataclass
class PlanStepInput:
    description: str
    owner: str
    due_on: date | None = None


@dataclass
class PlanInput:
    kind: str
    goal: str
    start_on: date
    follow_up_on: date | None
    steps: list[PlanStepInput] = field(default_factory=list)


@dataclass(frozen=True)
class PlanStepRow:
    id: uuid.UUID
    description: str
    owner: str
    due_on: date | None
    done_on: date | None


@dataclass(frozen=True)
class PlanRow:
    id: uuid.UUID
    version: int
    kind: str
    kind_label: str
    goal: str
    start_on: date
    follow_up_on: date | None
    closed_on: date | None
    steps: list[PlanStepRow]


def _validated_steps(steps: list[PlanStepInput], start_on: date) -> list[PlanStepInput]:
    errors: dict[str, str] = {}
    clean = []
    for index, step in enumerate(steps):
        try:
            description = clean_text(
                step.description,
                field=f"step.{index}.description",
                label="Steget",
                max_length=2000,
                required=True,
                multiline=True,
            )
            owner = clean_text(
                step.owner,
                field=f"step.{index}.owner",
                label="Ansvarig",
                max_length=100,
                required=True,
            )
        except ValidationFailed as exc:
            errors.update(exc.field_errors)
            continue
        if step.due_on and step.due_on < start_on:
            errors[f"step.{index}.due_on"] = "Ett steg kan inte ha datum före planens start."
        clean.append(PlanStepInput(description, owner, step.due_on))
    if errors:
        raise ValidationFailed(errors)
    return clean


def _new_item(step: PlanStepInput, sort_order: int, actor: Actor) -> PlanItem:
    """A plan step from input already cleaned by `_validated_steps`."""
    return PlanItem(
        description=step.description,
        owner=step.owner,
        due_on=step.due_on,
        sort_order=sort_order,
        updated_by=actor.id,
    )


def create_plan(session: Session, actor: Actor, case_id: uuid.UUID, data: PlanInput) -> Plan:
    case = load_case(session, case_id)
    access.require_write(session, actor, case)
    errors: dict[str, str] = {}
    if not code_lists.is_valid(code_lists.PLAN_KIND, data.kind):
        errors["kind"] = "Välj typ av plan."
    try:
        goal = clean_text(
            data.goal, field="goal", label="Målet", max_length=4000, required=True, multiline=True
        )
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        goal = ""
    if data.follow_up_on and data.follow_up_on < data.start_on:
        errors["follow_up_on"] = "Uppföljningen kan inte ligga före planens start."
    try:
        steps = _validated_steps(data.steps, data.start_on)
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
        steps = []
    if errors:
        raise ValidationFailed(errors)
    plan = Plan(
        case_id=case_id,
        kind=data.kind,
        goal=goal,
        start_on=data.start_on,
        follow_up_on=data.follow_up_on,
        updated_by=actor.id,
    )
    for index, step in enumerate(steps):
        plan.items.append(_new_item(step, index, actor))
    session.add(plan)
    session.flush()
    audit.record(session, actor, audit.Action.CREATE, "plan", entity_id=plan.id, case_id=case_id)
    return plan


def _plan_for_write(session: Session, actor: Actor, plan_id: uuid.UUID) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("Planen finns inte.")
    access.require_write(session, actor, load_case(session, plan.case_id))
    return plan


def _record_change(session: Session, actor: Actor, plan: Plan, detail: str) -> None:
    """Writes the change to the database and logs it as an update of the plan (the steps have
    no audit entity of their own)."""
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "plan",
        entity_id=plan.id,
        case_id=plan.case_id,
        detail=detail,
    )


def add_step(session: Session, actor: Actor, plan_id: uuid.UUID, step: PlanStepInput) -> PlanItem:
    plan = _plan_for_write(session, actor, plan_id)
    (clean,) = _validated_steps([step], plan.start_on)
    item = _new_item(clean, len(plan.items), actor)
    plan.items.append(item)
    _record_change(session, actor, plan, "nytt steg")
    return item


def mark_step_done(
    session: Session, actor: Actor, item_id: uuid.UUID, done_on: date | None = None
) -> PlanItem:
    item = session.get(PlanItem, item_id)
    if item is None:
        raise NotFound("Plansteget finns inte.")
    plan = _plan_for_write(session, actor, item.plan_id)
    item.done_on = done_on or clock.today()
    item.updated_by = actor.id
    _record_change(session, actor, plan, "steg klart")
    return item


def close_plan(session: Session, actor: Actor, plan_id: uuid.UUID) -> Plan:
    plan = _plan_for_write(session, actor, plan_id)
    plan.closed_on = clock.today()
    plan.updated_by = actor.id
    _record_change(session, actor, plan, "avslutad")
    return plan


def list_plans(session: Session, actor: Actor, case_id: uuid.UUID) -> list[PlanRow]:
    """All plans of the case, current first. Logged as a read of the case."""
    access.require_read(session, actor, load_case(session, case_id))
    plans = session.scalars(
        select(Plan)
        .where(Plan.case_id == case_id)
        .options(selectinload(Plan.items))
        .order_by(Plan.closed_on.is_not(None), Plan.start_on.desc())
    ).all()
    audit.record(session, actor, audit.Action.OPEN, "plans", case_id=case_id)
    return [
        PlanRow(
            p.id,
            p.version,
            p.kind,
            code_lists.label(code_lists.PLAN_KIND, p.kind),
            p.goal,
            p.start_on,
            p.follow_up_on,
            p.closed_on,
            [PlanStepRow(i.id, i.description, i.owner, i.due_on, i.done_on) for i in p.items],
        )
        for p in plans
    ]
