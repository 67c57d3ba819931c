"""Opening a case: everything the Översikt tab shows, read once and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session

from app.cases import jobbstimulans
from app.common import clock, code_lists
from app.common.errors import NotFound
from app.common.formatting import local_datetime
from app.common.identity_number import age_on, format_identity_number
from app.db.batches import built_once, plain_rows
from app.deadlines.deadlines import Deadline, read_case_facts
from app.models import (
    Application,
    Case,
    CaseLease,
    CaseStatus,
    Household,
    IntakeDelivery,
    MemberRole,
    Plan,
    PlanItem,
    Unit,
    User,
)
from app.offline import leases
from app.offline.leases import LeaseInfo
from app.security import access, audit
from app.security.actor import Actor


@dataclass(frozen=True)
class MemberView:
    person_id: uuid.UUID
    name: str
    personal_number: str
    role: MemberRole
    age: int
    sex: str
    visiting_child: bool
    protected_identity: bool
    support_barrier: str  # label of the latest försörjningshinder, adults only


@dataclass(frozen=True)
class PlanView:
    plan_id: uuid.UUID
    kind_label: str
    goal: str
    start_on: date
    follow_up_on: date | None
    open_steps: int
    done_steps: int


@dataclass(frozen=True)
class ApplicationView:
    received: str
    channel_label: str
    period_start: date
    period_end: date
    decided_on: date | None
    e_application_id: uuid.UUID | None = None
    """The e-ansökan (app.intake.inbox) it was taken in from, to be read beside it."""


@dataclass(frozen=True)
class CaseOverview:
    case_id: uuid.UUID
    version: int
    case_number: str
    status: CaseStatus
    unit_name: str
    responsible_name: str
    opened_on: date
    closed_on: date | None
    closing_reason_label: str
    address_lines: list[str]
    """Empty, with `address_hidden` set, when anyone in the household has
    skyddade personuppgifter."""
    address_hidden: bool
    housing_label: str
    members: list[MemberView]
    current_plan: PlanView | None
    deadlines: list[Deadline]
    applications: list[ApplicationView]
    lease: LeaseInfo | None = None
    """Checked out for hembesök: read-only here until checked in."""
    jobbstimulans: list[jobbstimulans.OverviewLine] = field(default_factory=list)
    """Per current sökande and medsökande: the period of jobbstimulans derived from the
    case's signed decisions, or why there is none (app.cases.jobbstimulans)."""

    @property
    def applicant(self) -> MemberView:
        return next(m for m in self.members if m.role is MemberRole.APPLICANT)

    @property
    def title(self) -> str:
        return f"{self.case_number} {self.applicant.name}"


def open_case(session: Session, actor: Actor, case_id: uuid.UUID) -> CaseOverview:
    """Read a case for display. Logs the read (Lag 2001:454: every read is logged).

    Each thing is read once: the household's members, their latest försörjningshinder and
    the sökande for jobbstimulans come with the bevakningar (`read_case_facts`), the
    names of the case's unit and handläggare and the household's address with the case;
    the lists shown are read as plain columns (no ORM objects are needed for display)."""
    found = session.execute(
        _case_with_names_address_and_lease(), {"case_id": case_id, "now": clock.now()}
    ).one_or_none()
    if found is None:
        raise NotFound("Ärendet finns inte.")
    case = found.Case
    access.require_read(session, actor, case)
    today = clock.today()
    facts = read_case_facts(session, [case.id])
    current = [m for m in facts.members.get(case.id, []) if m.is_current(today)]
    barriers = facts.barriers.get(case.id, {})
    hidden = any(m.protected_identity for m in current)
    address = (
        []
        if hidden
        else [
            line
            for line in (found.street_address, f"{found.postal_code} {found.city}".strip())
            if line
        ]
    )
    plan = next((p for p in _open_plans(session, case.id) if p.is_current(today)), None)
    applications = plain_rows(session, _latest_applications(), {"case_id": case.id})
    audit.record(session, actor, audit.Action.OPEN, "case", entity_id=case.id, case_id=case.id)
    # the lease in force (`access.active_lease`) came with the case: at most one not ended
    lease = None if found.lease_id is None else session.get(CaseLease, found.lease_id)
    return CaseOverview(
        lease=None if lease is None else leases.lease_info(session, lease),
        case_id=case.id,
        version=case.version,
        case_number=case.case_number,
        status=case.status,
        unit_name=found.unit_name,
        responsible_name=found.responsible_name or "Ej tilldelad",
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        closing_reason_label=code_lists.label(code_lists.CLOSING_REASON, case.closing_reason),
        address_lines=address,
        address_hidden=hidden,
        housing_label=code_lists.label(code_lists.HOUSING_TYPE, found.housing_type),
        members=[
            MemberView(
                person_id=m.person_id,
                name=m.name,
                personal_number=format_identity_number(m.personal_number),
                role=m.role,
                age=age_on(m.birth_date, today),
                sex=m.sex,
                visiting_child=m.visiting_child,
                protected_identity=m.protected_identity,
                support_barrier=code_lists.label(
                    code_lists.SUPPORT_BARRIER,
                    barriers[m.person_id][1] if m.person_id in barriers else None,
                ),
            )
            for m in current
        ],
        current_plan=plan.view() if plan else None,
        deadlines=facts.deadlines.get(case.id, []),
        applications=[
            ApplicationView(
                local_datetime(a.received_at),
                code_lists.label(code_lists.APPLICATION_CHANNEL, a.channel),
                a.period_start,
                a.period_end,
                a.decided_on,
                a.delivery_id,
            )
            for a in applications
        ],
        jobbstimulans=jobbstimulans.overview(session, case, today, facts.members.get(case.id, [])),
    )


@dataclass(frozen=True)
class _OpenPlan:
    plan_id: uuid.UUID
    kind: str
    goal: str
    start_on: date
    follow_up_on: date | None
    closed_on: date | None
    open_steps: int
    done_steps: int

    def is_current(self, on: date) -> bool:
        return self.start_on <= on and (self.closed_on is None or self.closed_on > on)

    def view(self) -> PlanView:
        return PlanView(
            self.plan_id,
            code_lists.label(code_lists.PLAN_KIND, self.kind),
            self.goal,
            self.start_on,
            self.follow_up_on,
            self.open_steps,
            self.done_steps,
        )


def _open_plans(session: Session, case_id: uuid.UUID) -> list[_OpenPlan]:
    """The case's plans not closed, latest start first, with their steps counted open and
    done: one statement (the plans and then their steps as objects were two)."""
    rows = plain_rows(session, _open_plans_statement(), {"case_id": case_id})
    return [_OpenPlan(*row) for row in rows]


# Built once (app.db.batches.built_once): a case is opened often, and building its
# statements anew each time cost more than running them.


def _case_with_names_address_and_lease() -> Select:
    """The case (an object: the access check and jobbstimulans take one) with the few
    columns shown of its unit, handläggare and household, and the id of the lease that
    holds it now if any: loaded as objects they were four more (the handläggare's own unit
    too) for three names and an address, and the lease a statement of its own."""
    return built_once(
        "case_overview.case_names_address_lease",
        lambda: (
            select(
                Case,
                Unit.name.label("unit_name"),
                User.full_name.label("responsible_name"),
                Household.street_address,
                Household.postal_code,
                Household.city,
                Household.housing_type,
                CaseLease.id.label("lease_id"),
            )
            .outerjoin(Unit, Unit.id == Case.unit_id)
            .outerjoin(Household, Household.id == Case.household_id)
            .outerjoin(User, User.id == Case.responsible_user_id)
            .outerjoin(
                CaseLease,
                and_(CaseLease.case_id == Case.id, access.lease_in_force(bindparam("now"))),
            )
            .where(Case.id == bindparam("case_id"))
        ),
    )


def _latest_applications() -> Select:
    return built_once(
        "case_overview.applications",
        lambda: (
            select(
                Application.received_at,
                Application.channel,
                Application.period_start,
                Application.period_end,
                Application.decided_on,
                IntakeDelivery.id.label("delivery_id"),
            )
            .outerjoin(IntakeDelivery, IntakeDelivery.taken_application_id == Application.id)
            .where(Application.case_id == bindparam("case_id"))
            .order_by(Application.received_at.desc())
            .limit(12)
        ),
    )


def _open_plans_statement() -> Select:
    return built_once(
        "case_overview.open_plans",
        lambda: (
            select(
                Plan.id,
                Plan.kind,
                Plan.goal,
                Plan.start_on,
                Plan.follow_up_on,
                Plan.closed_on,
                func.count(PlanItem.id) - func.count(PlanItem.done_on),  # open steps
                func.count(PlanItem.done_on),  # done steps
            )
            .outerjoin(PlanItem, PlanItem.plan_id == Plan.id)
            .where(Plan.case_id == bindparam("case_id"))
            .where(Plan.closed_on.is_(None))
            .group_by(Plan.id)
            .order_by(Plan.start_on.desc())
        ),
    )
