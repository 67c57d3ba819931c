"""Bevakningar computed from the data, never typed in (DOMAIN.md, "Deadlines worth tracking").

- första återkoppling within 24 hours on vardagar of an application (seed 000 §7.3): only
  the hours of working days count, holidays are not working days (`working_days`);
- ansökan utan beslut: decide "utan dröjsmål" (FL 9 §); warn after a configurable number of days;
- plan follow-up dates and the due dates of open plan steps;
- agreed actions (e.g. from an ärendegenomgång) until they are done;
- FIA offered to unemployed adults after about five months of assistance (seed 002 L78);
- unga vuxna (sökande 18–24 år) who stop applying are phoned once before the case is closed
  (seed 002 L78);
- beslut ej verkställda: decisions not carried out within three months are reported (DOMAIN.md);
- after a decision (issue 23): an appeal awaiting rättidsprövning or överlämnande, a court's
  ruling to carry out, the nämnd's own time to appeal a ruling it lost
  (app.deadlines.appeal_deadlines; app.appeals.court_proceedings records what ends them).

Everything is read in batches (IN lists of 500 cases, plain column rows, GROUP BY in the
database), so a chef's caseload of thousands of cases costs a few queries per 500 cases, not
per case. `read_case_facts` also hands back the rows the bevakningar were computed from, so
the chef's ärendegenomgång (app.cases.caseload_review) reads them only once.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row, Select, bindparam, case, func, select, true
from sqlalchemy.orm import Session

from app.common import clock
from app.common.clock import STOCKHOLM
from app.common.codes import MEETING_TYPES, JournalType
from app.common.formatting import month_name
from app.common.identity_number import age_on
from app.common.periods import add_months, month_end
from app.db.batches import (
    DumpedIds,
    among,
    among_bound,
    built_once,
    dumped_ids,
    in_batches,
    plain_rows,
    raw_id,
    raw_id_of,
)
from app.deadlines import appeal_deadlines
from app.deadlines.fia import fia_candidates, latest_barriers_for_cases
from app.deadlines.working_days import is_working_day
from app.models import (
    Appeal,
    AppealRuling,
    Application,
    Case,
    CaseStatus,
    CourtInstance,
    Decision,
    FollowUpTask,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Outcome,
    Party,
    Person,
    Plan,
    PlanItem,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.settings import registry, stored_settings

YOUNG_ADULT_AGES = (18, 24)
"""Unga vuxna: sökande 18–24 år (the statistics' ungdomshushåll; seed 002 L78)."""
YOUNG_ADULT_SILENT_DAYS = 30
"""Days without a new application after which a young adult's case is about to become
inactive and the young adult is to be phoned (seed 002 L78)."""
NOT_EXECUTED_MONTHS = 3
"""Decisions not carried out (ej verkställda) within three months are reported (DOMAIN.md)."""

YOUNG_ADULT_LABEL = "Ring den unga vuxna innan ärendet avslutas"
FIA_LABEL = "FIA bör erbjudas"


class DeadlineKind(StrEnum):
    """What a deadline (bevakning) is about."""

    FIRST_RESPONSE = "aterkoppling"
    """Första återkoppling to a new application, 24 hours of working days after it came in."""
    DECISION = "beslut"
    """An application still without a decision."""
    ACTION = "atgard"
    """An åtgärd in an ärendegenomgång with a date."""
    FIA = "fia"
    """A FIA (Förutsättningar inför arbete) should be offered."""
    PLAN_FOLLOW_UP = "plan_uppfoljning"
    PLAN_STEP = "plansteg"
    NOT_EXECUTED = "ej_verkstallt"
    """A decision not carried out (ej verkställt) within three months."""
    YOUNG_ADULT = "unga_vuxna"
    """Call the young adult before the case is closed."""
    APPEAL_TIMELINESS = "rattidsprovning"
    """An appeal received with no rättidsprövning recorded: due the day it is to be
    överlämnat (rule "forwarding")."""
    APPEAL_FORWARDING = "overlamnande"
    """An appeal not dismissed, not överlämnat to förvaltningsrätten (rule "forwarding")."""
    RULING_TO_CARRY_OUT = "dom_verkstalla"
    """A court's ruling the nämnd must carry out (rule "ruling_enforced")."""
    BOARD_APPEAL = "namndens_overklagande"
    """The nämnd lost at a court: its own time to appeal (rule "board_appeal_period")."""


@dataclass(frozen=True)
class Deadline:
    case_id: uuid.UUID
    kind: DeadlineKind
    label: str
    due: date
    due_at: datetime | None = None  # set when the deadline has a time of day (återkoppling)

    def is_overdue(self, now: datetime) -> bool:
        if self.due_at is not None:
            return now > self.due_at
        return now.astimezone(STOCKHOLM).date() > self.due


def add_weekday_hours(start: datetime, hours: int) -> datetime:
    """Add hours counting only the hours of vardagar (Swedish local time): Monday to Friday
    that are not holidays (`working_days.is_working_day`: allmänna helgdagar, midsommarafton,
    julafton, nyårsafton). app.statistics mirrors this in SQL."""
    current = start.astimezone(STOCKHOLM)
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        next_midnight = datetime.combine(
            current.date() + timedelta(days=1), datetime.min.time(), tzinfo=STOCKHOLM
        )
        if not is_working_day(current.date()):
            current = next_midnight
            continue
        step = min(remaining, next_midnight - current)
        current += step
        remaining -= step
    return current


class MemberFact(NamedTuple):
    """A household member as the bevakningar and the chef's caseload need it (a named
    tuple: thousands are made per caseload)."""

    person_id: uuid.UUID
    role: MemberRole
    visiting_child: bool
    member_from: date | None
    member_until: date | None
    name: str
    personal_number: str
    birth_date: date
    sex: str
    protected_identity: bool
    """Skyddade personuppgifter."""

    def in_period(self, start: date, end: date) -> bool:
        """A member on some day from `start` to `end`."""
        return (self.member_from is None or self.member_from <= end) and (
            self.member_until is None or start <= self.member_until
        )

    def is_current(self, on: date) -> bool:
        return self.in_period(on, on)


class PlanFact(NamedTuple):
    """A plan not closed today, with the due dates of its open steps."""

    plan_id: uuid.UUID
    start_on: date
    follow_up_on: date | None
    closed_on: date | None
    open_step_dues: tuple[date, ...]


@dataclass
class CaseFacts:
    """The bevakningar and the rows they were computed from, for a caller that needs the
    same facts (the chef's caseload, app.cases.caseload_review): read once, used twice."""

    deadlines: dict[uuid.UUID, list[Deadline]] = field(default_factory=lambda: defaultdict(list))
    """Per case, earliest first."""
    status: dict[uuid.UUID, CaseStatus] = field(default_factory=dict)
    members: dict[uuid.UUID, list[MemberFact]] = field(default_factory=lambda: defaultdict(list))
    """Per case, every member the household has had, in the household's order."""
    decisions: list[Row] = field(default_factory=list)
    """Signed decisions that replace another, or grant money and are not verkställda, or
    (with `review_since`, in households with children) are not full bifall and were decided
    on or after that day. Columns: id, case_id, kind, outcome, period_start, period_end,
    granted_total, decided_on, signed_at, executed_on, replaces_id, bka_form_id: all in the
    index `ix_decisions_case_cover`, so the read never touches the table's rows (a unit's
    decisions lie one per page, scattered over the file: the chef's first opening at 100 000
    households read ~40 000 pages for them). The considerations per child are read by
    the few decisions that need them (app.cases.caseload_review)."""
    barriers: dict[uuid.UUID, dict[uuid.UUID, tuple[date, str]]] = field(default_factory=dict)
    """Case -> person -> (month, code) of the person's latest försörjningshinder."""
    plans: dict[uuid.UUID, list[PlanFact]] = field(default_factory=lambda: defaultdict(list))
    """Plans not closed today (closed_on empty or later)."""
    journal: dict[uuid.UUID, dict[str, date]] = field(default_factory=lambda: defaultdict(dict))
    """Case -> journal type -> date of the latest signed entry. Type telefon for the young
    adults' cases; with `review_since` also MEETING_TYPES for every case."""


def deadlines_for_cases(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Deadline]]:
    """All open bevakningar per case, earliest first.

    Kinds: aterkoppling, beslut (warning days from settings), plan_uppfoljning, plansteg,
    atgard, ej_verkstallt, rattidsprovning, overlamnande, dom_verkstalla,
    namndens_overklagande, and for cases not avslutade fia and unga_vuxna."""
    return read_case_facts(session, case_ids).deadlines


def read_case_facts(
    session: Session, case_ids: Iterable[uuid.UUID], *, review_since: date | None = None
) -> CaseFacts:
    """The bevakningar of `case_ids` with the rows they were computed from (`CaseFacts`);
    `review_since` also reads what an ärendegenomgång needs besides. A few queries per 500
    cases, never one per case."""
    ids = list(dict.fromkeys(case_ids))
    facts = CaseFacts()
    if not ids:
        return facts
    today = clock.today()
    warning_days = stored_settings.get_int(session, registry.DECISION_WARNING_DAYS)
    found = facts.deadlines
    # The statements bring the case ids back as text (`raw_id`), which picks the caller's own
    # UUID object here in C: no uuid.UUID made per row, and the facts are keyed by the very
    # objects the caller looks them up with (a dict compares a UUID it did not get as the
    # key with a Python __eq__: ~40 000 calls for the chef's 2 000 cases on PostgreSQL).
    raw = raw_id_of(session)
    given = {raw(c): c for c in ids}
    for chunk in in_batches(ids):
        # the chunk's ids dumped once for the dozen statements that are given them
        param = dumped_ids(session, chunk)
        # plain column rows, not ORM objects: this runs for thousands of cases at a time
        for raw_case, received_at, first_response_at in _rows(
            session,
            "applications",
            lambda: (
                select(
                    raw_id(session, Application.case_id),
                    Application.received_at,
                    Application.first_response_at,
                )
                .where(among_bound(session, Application.case_id, "ids"))
                .where(Application.decided_on.is_(None))
            ),
            ids=param,
        ):
            case_id = given[raw_case]
            if first_response_at is None:
                due_at = add_weekday_hours(received_at, 24)
                found[case_id].append(
                    Deadline(
                        case_id,
                        DeadlineKind.FIRST_RESPONSE,
                        "Första återkoppling",
                        due_at.date(),
                        due_at,
                    )
                )
            received = received_at.astimezone(STOCKHOLM).date()
            found[case_id].append(
                Deadline(
                    case_id,
                    DeadlineKind.DECISION,
                    "Ansökan utan beslut",
                    received + timedelta(days=warning_days),
                )
            )
        _read_plans(session, param, facts, given)
        _read_appeals(session, param, facts, given)
        for raw_case, description, due_on in _rows(
            session,
            "follow_up_tasks",
            lambda: (
                select(
                    raw_id(session, FollowUpTask.case_id),
                    FollowUpTask.description,
                    FollowUpTask.due_on,
                )
                .where(among_bound(session, FollowUpTask.case_id, "ids"))
                .where(FollowUpTask.done_on.is_(None))
            ),
            ids=param,
        ):
            case_id = given[raw_case]
            found[case_id].append(
                Deadline(case_id, DeadlineKind.ACTION, f"Åtgärd: {_shorten(description)}", due_on)
            )
        _read_members(session, chunk, param, facts, given)
        with_children = [
            c for c in chunk if any(m.role is MemberRole.CHILD for m in facts.members[c])
        ]
        _read_decisions(session, param, facts, review_since, with_children)
        facts.barriers.update(latest_barriers_for_cases(session, chunk))
        young = [
            c
            for c in chunk
            if facts.status.get(c) not in (None, CaseStatus.CLOSED)
            and _young_adult(facts.members[c], today)
        ]
        _read_journal(session, param if review_since else young, facts, bool(review_since), given)
        _young_adults(session, young, facts, given)
    open_cases = [c for c in ids if facts.status.get(c) not in (None, CaseStatus.CLOSED)]
    for candidate in fia_candidates(session, open_cases, barriers=facts.barriers).values():
        found[candidate.case_id].append(
            Deadline(
                candidate.case_id, DeadlineKind.FIA, FIA_LABEL, month_end(candidate.fifth_month)
            )
        )
    for items in found.values():
        items.sort(key=_deadline_order)
    return facts


_LAST = datetime.max.replace(tzinfo=STOCKHOLM)


def _deadline_order(deadline: Deadline) -> tuple[date, datetime]:
    """Earliest due date first; on the same day, one with a time of day before one without."""
    return deadline.due, deadline.due_at or _LAST


def household_today(
    members: Sequence[MemberFact], on: date
) -> tuple[list[MemberFact], MemberFact | None, bool]:
    """The members current on `on`, the sökande (the current one, or the latest listed when
    none is current) and whether the sökande is current: one pass over the household, for
    callers that go through thousands."""
    current: list[MemberFact] = []
    applicant = latest = None
    for m in members:
        since, until = m.member_from, m.member_until
        member_now = (since is None or since <= on) and (until is None or on <= until)
        if member_now:
            current.append(m)
        if m.role is MemberRole.APPLICANT:
            latest = m
            if member_now and applicant is None:
                applicant = m
    if applicant is not None:
        return current, applicant, True
    return current, latest, False


def is_young_adult(birth_date: date, on: date) -> bool:
    youngest, oldest = YOUNG_ADULT_AGES
    return youngest <= age_on(birth_date, on) <= oldest


def _young_adult(members: list[MemberFact], today: date) -> bool:
    _current, applicant, current = household_today(members, today)
    return applicant is not None and current and is_young_adult(applicant.birth_date, today)


def next_deadline(deadlines: list[Deadline]) -> Deadline | None:
    return deadlines[0] if deadlines else None


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read_plans(
    session: Session, chunk: DumpedIds, facts: CaseFacts, given: dict[str, uuid.UUID]
) -> None:
    """Plans not closed today and their open steps; the bevakningar are the follow-up dates
    and step due dates of plans not closed at all. The plans' ids are read as text
    (`raw_id`): they only pair the steps with their plans, and as uuid.UUID keys their
    hashing was a tenth of the chef's caseload's Python."""
    today = clock.today()
    plans: dict[str, tuple[uuid.UUID, date, date | None, date | None]] = {}
    for plan_id, raw_case, start_on, follow_up_on, closed_on in _rows(
        session,
        "plans",
        lambda: (
            select(
                raw_id(session, Plan.id),
                raw_id(session, Plan.case_id),
                Plan.start_on,
                Plan.follow_up_on,
                Plan.closed_on,
            )
            .where(among_bound(session, Plan.case_id, "ids"))
            .where(Plan.closed_on.is_(None) | (Plan.closed_on > bindparam("today")))
        ),
        ids=chunk,
        today=today,
    ):
        plans[plan_id] = (given[raw_case], start_on, follow_up_on, closed_on)
    if not plans:
        return
    for case_id, _start, follow_up_on, closed_on in plans.values():
        if closed_on is None and follow_up_on is not None:
            facts.deadlines[case_id].append(
                Deadline(case_id, DeadlineKind.PLAN_FOLLOW_UP, "Uppföljning av plan", follow_up_on)
            )
    steps: dict[str, list[date]] = defaultdict(list)
    for plan_id, description, due_on in _rows(
        session,
        "plan_items",
        lambda: (
            select(raw_id(session, PlanItem.plan_id), PlanItem.description, PlanItem.due_on)
            .where(among_bound(session, PlanItem.plan_id, "ids"))
            .where(PlanItem.done_on.is_(None))
            .where(PlanItem.due_on.is_not(None))
        ),
        ids=dumped_ids(session, list(plans)),
    ):
        steps[plan_id].append(due_on)
        case_id, _start, _follow_up, closed_on = plans[plan_id]
        if closed_on is None:
            facts.deadlines[case_id].append(
                Deadline(
                    case_id, DeadlineKind.PLAN_STEP, f"Plansteg: {_shorten(description)}", due_on
                )
            )
    for plan_id, (case_id, start_on, follow_up_on, closed_on) in plans.items():
        facts.plans[case_id].append(
            PlanFact(
                uuid.UUID(plan_id),
                start_on,
                follow_up_on,
                closed_on,
                tuple(sorted(steps[plan_id])),
            )
        )


def _rows(
    session: Session, name: Hashable, build: Callable[[], Select], **values: Any
) -> list[Row]:
    """The rows of the statement `build` makes, built once per process for `name` and the
    dialect (`built_once`: opening a case reads these for one case, often, and building
    them anew cost more than running them), run with `values` for its bound parameters."""
    stmt = built_once(("deadlines", name, session.get_bind().dialect.name), build)
    return plain_rows(session, stmt, values)


def _read_members(
    session: Session,
    chunk: list[uuid.UUID],
    param: DumpedIds,
    facts: CaseFacts,
    given: dict[str, uuid.UUID],
) -> None:
    """The cases' status and every member their households have had."""
    rows = _rows(
        session,
        "members",
        lambda: (
            select(
                HouseholdMember.sort_order,
                raw_id(session, Case.id),
                Case.status,
                HouseholdMember.person_id,
                HouseholdMember.role,
                HouseholdMember.visiting_child,
                HouseholdMember.member_from,
                HouseholdMember.member_until,
                Person.first_name,
                Person.last_name,
                Person.personal_number,
                Person.birth_date,
                Person.sex,
                Person.protected_identity,
            )
            .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(among_bound(session, Case.id, "ids"))
        ),
        ids=param,
    )
    rows.sort(key=itemgetter(0))
    # tuple unpacking: attribute access on thousands of rows costs more than the query
    for (
        _,
        raw_case,
        status,
        person,
        role,
        visiting,
        since,
        until,
        first,
        last,
        pnr,
        born,
        sex,
        protected,
    ) in rows:
        case_id = given[raw_case]
        facts.status[case_id] = status
        facts.members[case_id].append(
            MemberFact(
                person, role, visiting, since, until, f"{first} {last}", pnr, born, sex, protected
            )
        )
    # a case whose household has no members still has a status
    missing = [c for c in chunk if c not in facts.status]
    if missing:
        statuses = select(Case.id, Case.status).where(among(session, Case.id, missing))
        facts.status.update(plain_rows(session, statuses))


def _read_decisions(
    session: Session,
    chunk: DumpedIds,
    facts: CaseFacts,
    review_since: date | None,
    with_children: list[uuid.UUID],
) -> None:
    """The decisions of `CaseFacts.decisions`, and the bevakning for those granting money
    and not verkställda: due three months after the decision. A decision replaced by a later
    signed one is carried out through that one."""
    reviewed = review_since is not None and bool(with_children)

    def build() -> Select:
        wanted: ColumnElement[bool] = Decision.replaces_id.is_not(None) | (
            Decision.executed_on.is_(None) & (Decision.granted_total > 0)
        )
        if reviewed:
            wanted = wanted | (
                (Decision.outcome != Outcome.GRANTED)
                & (Decision.decided_on >= bindparam("review_since"))
                & among_bound(session, Decision.case_id, "with_children")
            )
        if session.get_bind().dialect.name == "postgresql":
            # `(…) IS true`, the same rows: given the bare OR, PostgreSQL made a bitmap of
            # each branch (the replaced decisions of the whole register, and the cases' list
            # against the children's list as two index conditions, 120 ms) and read the
            # table's rows; so it walks the covering index by case alone, without the table
            # (the chef's caseload at 100 000 households: 217 -> 75 ms for this statement)
            wanted = wanted.is_(true())
        return (
            select(
                Decision.id,
                Decision.case_id,
                Decision.kind,
                Decision.outcome,
                Decision.period_start,
                Decision.period_end,
                Decision.granted_total,
                Decision.decided_on,
                Decision.signed_at,
                Decision.executed_on,
                Decision.replaces_id,
                Decision.bka_form_id,
            )
            .where(among_bound(session, Decision.case_id, "ids"))
            .where(Decision.signed_at.is_not(None))
            .where(wanted)
        )

    rows = _rows(
        session,
        ("decisions", reviewed),
        build,
        ids=chunk,
        review_since=review_since,
        with_children=with_children,
    )
    facts.decisions.extend(rows)
    replaced = {r.replaces_id for r in rows if r.replaces_id is not None}
    for r in rows:
        if r.executed_on is not None or r.granted_total <= 0 or r.id in replaced:
            continue
        decided = r.decided_on or r.signed_at.astimezone(STOCKHOLM).date()
        facts.deadlines[r.case_id].append(
            Deadline(
                r.case_id,
                DeadlineKind.NOT_EXECUTED,
                f"Beslut ej verkställt: {month_name(r.period_start)}",
                add_months(decided, NOT_EXECUTED_MONTHS),
            )
        )


def _read_journal(
    session: Session,
    cases: Sequence[uuid.UUID] | DumpedIds,
    facts: CaseFacts,
    meetings: bool,
    given: dict[str, uuid.UUID],
) -> None:
    """Latest signed entry per case and type: telefon, and the meeting types if asked."""
    if not cases:
        return
    types = (JournalType.PHONE_CALL, *MEETING_TYPES) if meetings else (JournalType.PHONE_CALL,)
    latest = [
        func.max(case((JournalEntry.entry_type == t, JournalEntry.entry_date))).label(t)
        for t in types
    ]
    # The type is compared as an expression (`entry_type || ''`), which no index serves: so
    # the cases' rows are read through (case_id, entry_type, …). Given the bare column,
    # SQLite walked ix_journal_entries_type_date, every journal entry of these types in the
    # register, and grouped them (261 ms for a unit of 2 000 cases at 100 000 households,
    # growing with the register; 2–3 ms through the cases).
    for row in plain_rows(
        session,
        select(raw_id(session, JournalEntry.case_id).label("case_id"), *latest)
        .where(among(session, JournalEntry.case_id, cases))
        .where(JournalEntry.entry_type.concat("").in_(types))
        .where(JournalEntry.signed_at.is_not(None))
        .group_by(JournalEntry.case_id),
    ):
        facts.journal[given[row.case_id]] = {
            t: day for t, day in zip(types, row[1:], strict=True) if day is not None
        }


def _young_adults(
    session: Session, cases: list[uuid.UUID], facts: CaseFacts, given: dict[str, uuid.UUID]
) -> None:
    """Open cases of a sökande aged 18–24 (`cases`) with no application in the last 30 days
    and no telefon journal entry (signed) since the last application: phone the young adult
    before the case is closed (seed 002 L78)."""
    if not cases:
        return
    today = clock.today()
    for raw_case, received_at in plain_rows(
        session,
        select(raw_id(session, Application.case_id), func.max(Application.received_at))
        .where(among(session, Application.case_id, cases))
        .group_by(Application.case_id),
    ):
        if received_at is None:
            continue
        case_id = given[raw_case]
        applied = received_at.astimezone(STOCKHOLM).date()
        if (today - applied).days < YOUNG_ADULT_SILENT_DAYS:
            continue
        called = facts.journal.get(case_id, {}).get(JournalType.PHONE_CALL)
        if called is not None and called >= applied:
            continue
        facts.deadlines[case_id].append(
            Deadline(
                case_id,
                DeadlineKind.YOUNG_ADULT,
                YOUNG_ADULT_LABEL,
                applied + timedelta(days=YOUNG_ADULT_SILENT_DAYS),
            )
        )


_FORWARDABLE = (Timeliness.IN_TIME, Timeliness.LATE_EXCUSED, Timeliness.UNKNOWN)
_BOARD_LOST = {
    Party.APPLICANT: (RulingOutcome.GRANTED, RulingOutcome.PARTLY_GRANTED),
    Party.BOARD: (RulingOutcome.REFUSED, RulingOutcome.LEAVE_REFUSED, RulingOutcome.DISMISSED),
}
"""When the nämnd lost a ruling, by who brought the appeal (as
app.appeals.court_proceedings.board_lost, which this layer may not import)."""


def _read_appeals(
    session: Session, chunk: DumpedIds, facts: CaseFacts, given: dict[str, uuid.UUID]
) -> None:
    """The bevakningar after a decision (issue 23): appeals not withdrawn and not
    överlämnade (awaiting rättidsprövning, or to be överlämnade), and rulings to carry out
    or that the nämnd may appeal."""
    for raw_case, received_on, timeliness, reconsideration in _rows(
        session,
        "appeals",
        lambda: (
            select(
                raw_id(session, Appeal.case_id),
                Appeal.received_on,
                Appeal.timeliness,
                Appeal.reconsideration,
            )
            .where(among_bound(session, Appeal.case_id, "ids"))
            .where(Appeal.forwarded_on.is_(None))
            .where(Appeal.withdrawn_on.is_(None))
        ),
        ids=chunk,
    ):
        case_id = given[raw_case]
        due = appeal_deadlines.forwarding_due(received_on)
        if timeliness is None:
            facts.deadlines[case_id].append(
                Deadline(case_id, DeadlineKind.APPEAL_TIMELINESS, "Rättidspröva överklagandet", due)
            )
        elif timeliness in _FORWARDABLE and reconsideration != Reconsideration.CHANGED:
            facts.deadlines[case_id].append(
                Deadline(
                    case_id,
                    DeadlineKind.APPEAL_FORWARDING,
                    "Överlämna överklagandet till förvaltningsrätten",
                    due,
                )
            )
    for (
        raw_case,
        instance,
        outcome,
        appealed_by,
        ruled_on,
        follow_up_due,
        done_on,
        follow_up_decision,
        sent_on,
        not_on,
    ) in _rows(
        session,
        "appeal_rulings",
        lambda: (
            select(
                raw_id(session, AppealRuling.case_id),
                AppealRuling.instance,
                AppealRuling.outcome,
                AppealRuling.appealed_by,
                AppealRuling.ruled_on,
                AppealRuling.follow_up_due,
                AppealRuling.follow_up_done_on,
                AppealRuling.follow_up_decision_id,
                AppealRuling.board_appeal_sent_on,
                AppealRuling.board_appeal_decided_not_on,
            )
            .where(among_bound(session, AppealRuling.case_id, "ids"))
            .where(
                (
                    AppealRuling.follow_up_due.is_not(None)
                    & AppealRuling.follow_up_done_on.is_(None)
                    & AppealRuling.follow_up_decision_id.is_(None)
                )
                | (
                    AppealRuling.board_appeal_sent_on.is_(None)
                    & AppealRuling.board_appeal_decided_not_on.is_(None)
                )
            )
        ),
        ids=chunk,
    ):
        case_id = given[raw_case]
        court = CourtInstance(instance).label.lower()
        if follow_up_due is not None and done_on is None and follow_up_decision is None:
            facts.deadlines[case_id].append(
                Deadline(
                    case_id,
                    DeadlineKind.RULING_TO_CARRY_OUT,
                    f"Verkställ domen från {court}",
                    follow_up_due,
                )
            )
        if (
            sent_on is None
            and not_on is None
            and instance != CourtInstance.SUPREME_COURT
            and outcome in _BOARD_LOST[Party(appealed_by)]
        ):
            facts.deadlines[case_id].append(
                Deadline(
                    case_id,
                    DeadlineKind.BOARD_APPEAL,
                    f"Nämndens överklagandetid: dom från {court}",
                    appeal_deadlines.board_appeal_last_day(ruled_on),
                )
            )
