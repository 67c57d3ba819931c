"""Filled-in forms: create, autosave drafts, sign (locked, hashed), new versions, and what
signing creates: plan steps (IB, FIA) and follow-up tasks (ärendegenomgång)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import load_case
from app.common import clock
from app.common.codes import PlanKind
from app.common.content_hash import ALTERED_AFTER_SIGNING, signed_content_hash
from app.common.errors import (
    AccessDenied,
    NotFound,
    SignedRecordError,
    StaleRecordError,
    ValidationFailed,
)
from app.common.identity_number import age_on
from app.db.batches import among, in_batches
from app.deadlines.fia import fia_candidates
from app.forms.answers import Answers, FormContext, PersonRef, groups, initial_answers, new_row
from app.forms.computations import compute
from app.forms.definition import FieldType, FormDefinition
from app.forms.form_definitions import definition_of, latest_record
from app.forms.validation import validate
from app.models import (
    Case,
    FollowUpTask,
    FormInstance,
    FormKey,
    HouseholdMember,
    Plan,
    PlanItem,
    Role,
    User,
)
from app.security import access, audit
from app.security.actor import Actor


@dataclass(frozen=True)
class FormView:
    id: uuid.UUID
    version: int
    definition: FormDefinition
    answers: Answers
    context: FormContext
    title: str
    case_id: uuid.UUID | None
    case_number: str
    author_id: uuid.UUID
    author_name: str
    signed_at: datetime | None
    signer_name: str
    supersedes_id: uuid.UUID | None
    signed_recorded_at: datetime | None = None
    """When the server recorded the signing (migration server_signing_rules); `signed_at`
    is the signer's claim."""
    signature_holds: bool = True
    """False when the signed answers no longer match their hash (`signature_holds`)."""

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


@dataclass(frozen=True)
class FormRow:
    id: uuid.UUID
    form_key: str
    title: str
    form_version: int
    created_on: date
    author_name: str
    signed_at: datetime | None
    supersedes_id: uuid.UUID | None
    signature_holds: bool = True
    """False when the signed answers no longer match their hash (`signature_holds`)."""

    @property
    def status_label(self) -> str:
        if not self.signed_at:
            return "Utkast"
        return "Signerad" if self.signature_holds else ALTERED_AFTER_SIGNING


def _answers(form: FormInstance) -> Answers:
    return json.loads(form.answers_json or "{}")


def dump_answers(answers: Answers) -> str:
    """Answers as stored in FormInstance.answers_json (and hashed when signed)."""
    return json.dumps(answers, ensure_ascii=False, sort_keys=True)


def form_context(session: Session, case: Case | None) -> FormContext:
    if case is None:
        return FormContext()
    today = clock.today()
    members = session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.household_id == case.household_id)
        .order_by(HouseholdMember.sort_order)
    )
    return FormContext(
        case.case_number,
        tuple(
            PersonRef(
                str(m.person.id),
                m.person.full_name,
                age_on(m.person.birth_date, today),
                m.role.value,
            )
            for m in members
            if m.is_current(today)
        ),
    )


def _case_or_none(session: Session, case_id: uuid.UUID | None) -> Case | None:
    return load_case(session, case_id) if case_id else None


def _require_read(session: Session, actor: Actor, form: FormInstance) -> None:
    if form.case_id is not None:
        access.require_read(session, actor, load_case(session, form.case_id))
        return
    # a caseload form (ärendegenomgång): the unit's chefs and the handläggare reviewed
    if form.unit_id != actor.unit_id or not (actor.is_manager or form.subject_user_id == actor.id):
        raise AccessDenied("Du har inte behörighet att läsa den här ärendegenomgången.")


def create_form(
    session: Session,
    actor: Actor,
    form_key: str,
    *,
    case_id: uuid.UUID | None = None,
    subject_user_id: uuid.UUID | None = None,
    supersedes_id: uuid.UUID | None = None,
) -> FormInstance:
    """Start a new draft from the latest definition version. A new version of a signed form
    (`supersedes_id`) starts from its answers, for the fields the new definition still has."""
    record = latest_record(session, form_key)
    definition = definition_of(record)
    case = _case_or_none(session, case_id)
    if definition.scope == "case":
        if case is None:
            raise ValidationFailed({"case": f"{definition.title} hör till ett ärende."})
        access.require_write(session, actor, case)
        unit_id: uuid.UUID | None = case.unit_id
    else:
        if not actor.is_manager:
            raise AccessDenied("Bara chefer kan registrera en ärendegenomgång.")
        subject = session.get(User, subject_user_id) if subject_user_id else None
        if (
            subject is None
            or subject.unit_id != actor.unit_id
            or subject.role is not Role.CASEWORKER
        ):
            raise ValidationFailed({"subject": "Välj en handläggare på din enhet."})
        unit_id = actor.unit_id
    answers = initial_answers(definition, form_context(session, case))
    if supersedes_id is not None:
        previous = session.get(FormInstance, supersedes_id)
        if (
            previous is None
            or not previous.is_signed
            or previous.form_key != form_key
            or previous.case_id != case_id
            or previous.unit_id != unit_id
            or previous.subject_user_id != subject_user_id
        ):
            raise ValidationFailed(
                {
                    "supersedes": "En ny version måste följa en signerad "
                    "blankett av samma slag i samma ärende."
                }
            )
        answers = _carry_over(definition, _answers(previous), answers)
    if definition.scope == "caseload":
        _prefill_caseload(session, actor, subject_user_id, answers, definition)
    form = FormInstance(
        definition_id=record.id,
        form_key=definition.key,
        form_version=definition.version,
        unit_id=unit_id,
        case_id=case_id,
        subject_user_id=subject_user_id,
        author_id=actor.id,
        answers_json=dump_answers(answers),
        supersedes_id=supersedes_id,
        updated_by=actor.id,
    )
    session.add(form)
    session.flush()
    audit.record(
        session, actor, audit.Action.CREATE, f"form:{form_key}", entity_id=form.id, case_id=case_id
    )
    return form


def _carry_over(definition: FormDefinition, old: Answers, fresh: Answers) -> Answers:
    for section in definition.sections:
        keys = {f.key for f in section.fields} | {"_item", "_label"}
        previous = old.get(section.key)
        if section.repeat is None and isinstance(previous, dict):
            fresh[section.key] = {k: v for k, v in previous.items() if k in keys}
        elif section.repeat is not None and isinstance(previous, list):
            fresh[section.key] = [
                {k: v for k, v in g.items() if k in keys} for g in previous if isinstance(g, dict)
            ]
    return fresh


def _prefill_caseload(
    session: Session,
    actor: Actor,
    subject_user_id: uuid.UUID | None,
    answers: Answers,
    definition: FormDefinition,
) -> None:
    first = definition.sections[0]
    fields = {f.key for f in first.fields}
    subject = session.get(User, subject_user_id)
    values = {
        "datum": clock.today().isoformat(),
        "chef": actor.full_name,
        "handlaggare": subject.full_name if subject else "",
    }
    answers[first.key].update({k: v for k, v in values.items() if k in fields})


def create_case_review(
    session: Session,
    actor: Actor,
    subject_user_id: uuid.UUID,
    case_ids: Iterable[uuid.UUID] = (),
) -> FormInstance:
    """Start an ärendegenomgång of one handläggare (seed 000 §5.2.1) from the chef's
    caseload view: one row of agreed actions per case in `case_ids`, with the case number
    and the handläggare as owner filled in (the chef writes the action and the date, or
    removes the row). Every case must belong to the chef's unit."""
    form = create_form(session, actor, FormKey.CASELOAD_REVIEW, subject_user_id=subject_user_id)
    ids = list(dict.fromkeys(case_ids))
    definition = definition_of(form.definition)
    section = next((s for s in definition.sections if s.creates == "follow_up_tasks"), None)
    if not ids or section is None:
        return form
    numbers: dict[uuid.UUID, str] = {}
    for chunk in in_batches(ids):
        numbers.update(
            session.execute(
                select(Case.id, Case.case_number)
                .where(among(session, Case.id, chunk))
                .where(Case.unit_id == form.unit_id)
            ).all()
        )
    if len(numbers) != len(ids):
        raise ValidationFailed({"cases": "Välj bara ärenden på din enhet."})
    subject = session.get(User, subject_user_id)
    keys = {f.key for f in section.fields}
    answers = _answers(form)
    rows = [g for g in groups(section, answers) if any(g.get(k) for k in keys)]
    for case_id in ids:
        values = {"arende": numbers[case_id], "ansvarig": subject.full_name if subject else ""}
        rows.append({**new_row(), **{k: v for k, v in values.items() if k in keys}})
    answers[section.key] = rows
    form.answers_json = dump_answers(answers)
    session.flush()
    return form


def _load(session: Session, form_id: uuid.UUID) -> FormInstance:
    form = session.get(FormInstance, form_id)
    if form is None:
        raise NotFound("Blanketten finns inte.")
    return form


def open_form(session: Session, actor: Actor, form_id: uuid.UUID) -> FormView:
    """A form to show or print. Logged as a read."""
    form = _load(session, form_id)
    _require_read(session, actor, form)
    case = _case_or_none(session, form.case_id)
    names: dict[uuid.UUID | None, str] = dict(
        session.execute(
            select(User.id, User.full_name).where(
                User.id.in_([form.author_id, *([form.signed_by] if form.signed_by else [])])
            )
        ).all()
    )
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        f"form:{form.form_key}",
        entity_id=form.id,
        case_id=form.case_id,
    )
    definition = definition_of(form.definition)
    return FormView(
        id=form.id,
        version=form.version,
        definition=definition,
        answers=_answers(form),
        context=form_context(session, case),
        title=definition.title,
        case_id=form.case_id,
        case_number=case.case_number if case else "",
        author_id=form.author_id,
        author_name=names.get(form.author_id, ""),
        signed_at=form.signed_at,
        signer_name=names.get(form.signed_by, ""),
        supersedes_id=form.supersedes_id,
        signed_recorded_at=form.signed_recorded_at,
        signature_holds=signature_holds(form),
    )


def _editable(
    session: Session, actor: Actor, form_id: uuid.UUID, expected_version: int | None
) -> FormInstance:
    form = _load(session, form_id)
    _require_read(session, actor, form)
    if form.is_signed:
        raise SignedRecordError(
            "Blanketten är signerad och kan inte ändras. Skapa en ny version i stället."
        )
    if form.author_id != actor.id:
        raise AccessDenied("Bara den som skapade utkastet kan ändra eller signera det.")
    if expected_version is not None and form.version != expected_version:
        raise StaleRecordError("Blanketten har ändrats i ett annat fönster. Läs in den på nytt.")
    return form


def save_draft(
    session: Session,
    actor: Actor,
    form_id: uuid.UUID,
    answers: Answers,
    *,
    expected_version: int | None = None,
) -> FormInstance:
    """Autosave: bad values are refused (with messages), missing ones are fine in a draft."""
    form = _editable(session, actor, form_id, expected_version)
    errors = validate(definition_of(form.definition), answers, for_signing=False)
    if errors:
        raise ValidationFailed(errors)
    text = dump_answers(answers)
    if text != form.answers_json:
        form.answers_json = text
        form.updated_by = actor.id
        session.flush()
        audit.record(
            session,
            actor,
            audit.Action.UPDATE,
            f"form:{form.form_key}",
            entity_id=form.id,
            case_id=form.case_id,
        )
    return form


def content_hash(form: FormInstance) -> str:
    return signed_content_hash(
        {
            "id": str(form.id),
            "key": form.form_key,
            "version": form.form_version,
            "answers": _answers(form),
            "author": str(form.author_id),
        }
    )


def signature_holds(form: FormInstance) -> bool:
    """False for a signed form whose stored answers no longer match the hash stored at
    signing (changed by hand after signing, issue 20); True for a draft."""
    return not form.is_signed or form.content_hash == content_hash(form)


def sign_form(
    session: Session, actor: Actor, form_id: uuid.UUID, *, expected_version: int | None = None
) -> FormInstance:
    """Lock the form: needs every required field; stores a content hash; creates plan steps
    or follow-up tasks as the definition says."""
    form = _editable(session, actor, form_id, expected_version)
    definition = definition_of(form.definition)
    answers = _answers(form)
    errors = validate(definition, answers, for_signing=True)
    tasks = _follow_up_tasks(session, actor, form, definition, answers, errors)
    if errors:
        raise ValidationFailed(errors)
    form.signed_at = form.signed_recorded_at = clock.now()
    form.signed_by = actor.id
    form.content_hash = content_hash(form)
    form.updated_by = actor.id
    _create_plan_items(session, actor, form, definition, answers)
    session.add_all(tasks)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.SIGN,
        f"form:{form.form_key}",
        entity_id=form.id,
        case_id=form.case_id,
    )
    return form


def _rows(definition: FormDefinition, answers: Answers, creates: str):
    for section in definition.sections:
        if section.creates == creates:
            for index, group in enumerate(groups(section, answers)):
                yield section, index, group


def _create_plan_items(
    session: Session, actor: Actor, form: FormInstance, definition: FormDefinition, answers: Answers
) -> None:
    steps = [g for _s, _i, g in _rows(definition, answers, "plan_items") if g.get("steg")]
    if not steps or form.case_id is None:
        return
    kind = (
        PlanKind.CHANGE_PLAN
        if form.form_key == FormKey.INITIAL_ASSESSMENT
        else PlanKind.ACTION_PLAN
    )
    dates = [date.fromisoformat(g["datum"]) for g in steps if g.get("datum")]
    start = clock.today()
    plan = Plan(
        case_id=form.case_id,
        kind=kind,
        goal=f"Plan från {definition.title.lower()} {start.isoformat()}",
        start_on=min([start, *dates]),
        follow_up_on=max(dates) if dates else start + timedelta(days=90),
        updated_by=actor.id,
    )
    for order, group in enumerate(steps):
        plan.items.append(
            PlanItem(
                description=group["steg"],
                owner=group.get("ansvarig") or "Sökande",
                due_on=date.fromisoformat(group["datum"]) if group.get("datum") else None,
                sort_order=order,
                updated_by=actor.id,
            )
        )
    session.add(plan)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "plan",
        entity_id=plan.id,
        case_id=form.case_id,
        detail=f"från {definition.title}",
    )


def _follow_up_tasks(
    session: Session,
    actor: Actor,
    form: FormInstance,
    definition: FormDefinition,
    answers: Answers,
    errors: dict[str, str],
) -> list[FollowUpTask]:
    tasks = []
    for section, index, group in _rows(definition, answers, "follow_up_tasks"):
        number = str(group.get("arende") or "").strip().upper()
        if not number or not group.get("senast"):
            continue
        case_id = session.scalar(
            select(Case.id).where(Case.case_number == number, Case.unit_id == form.unit_id)
        )
        if case_id is None:
            errors[f"{section.key}[{index}].arende"] = (
                f"Ärendet {number} finns inte på enheten. Skriv numret som EB-ÅÅÅÅ-NNNNNN."
            )
            continue
        tasks.append(
            FollowUpTask(
                case_id=case_id,
                description=group.get("atgard", ""),
                owner=group.get("ansvarig", ""),
                due_on=date.fromisoformat(group["senast"]),
                source_form=form,
                updated_by=actor.id,
            )
        )
    return tasks


def list_forms(session: Session, actor: Actor, case_id: uuid.UUID) -> list[FormRow]:
    """The case's forms, newest first. Logged as a read of the case."""
    access.require_read(session, actor, load_case(session, case_id))
    forms = session.scalars(
        select(FormInstance)
        .where(FormInstance.case_id == case_id)
        .order_by(FormInstance.created_at.desc())
    ).all()
    names = dict(session.execute(select(User.id, User.full_name)).all()) if forms else {}
    audit.record(session, actor, audit.Action.OPEN, "forms", case_id=case_id)
    return [
        FormRow(
            f.id,
            f.form_key,
            f.definition.title,
            f.form_version,
            f.created_at.astimezone(clock.STOCKHOLM).date(),
            names.get(f.author_id, ""),
            f.signed_at,
            f.supersedes_id,
            signature_holds(f),
        )
        for f in forms
    ]


def computed_value(definition: FormDefinition, answers: Answers, path: str) -> str:
    """The value of a computed field, e.g. the BKA summary a decision letter quotes."""
    section_key, _, field_key = path.partition(".")
    item = definition.section(section_key).field(field_key)
    if item.type is not FieldType.COMPUTED:
        return str(answers.get(section_key, {}).get(field_key, ""))
    return compute(item.compute, definition, answers)


def fia_suggestion(session: Session, case_id: uuid.UUID) -> str:
    """Why FIA should be offered now, or "" (unemployed adult, ~5 months of assistance,
    no FIA yet; seed 002 L78)."""
    candidate = fia_candidates(session, [case_id]).get(case_id)
    if candidate is None:
        return ""
    count = candidate.unemployed
    return (
        f"FIA bör erbjudas: "
        f"{'en arbetslös vuxen' if count == 1 else f'{count} arbetslösa vuxna'}"
        f" i hushållet och bistånd {candidate.months} av de senaste tolv månaderna."
    )
