"""Ärendegenomgång for chefs: a handläggare's or the whole unit's open cases with the
indicators the review covers, and how many reviews each handläggare has had.

The review covers the caseload, which cases lack a current plan, families with children,
long dependence, support needed, and the child perspective (seed 002 L42, L82); at least
three ärendegenomgångar per year and handläggare (seed 000 §5.2.1). Everything is computed
from the data in batches (IN lists of 500 cases, GROUP BY in the database), so a unit of
thousands of cases is read with a few dozen queries.
"""

from __future__ import annotations

import json
import json.scanner
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from sqlalchemy import Row, case, func, select, tuple_
from sqlalchemy.orm import Session

from app.cases import review_facts
from app.common import clock, code_lists
from app.common.clock import STOCKHOLM
from app.common.codes import MEETING_TYPES, JournalType
from app.common.errors import AccessDenied
from app.common.identity_number import age_on, format_identity_number
from app.common.periods import add_months, month_end, twelve_months_start
from app.db.batches import among, in_batches, not_among, plain_rows, without_jit
from app.deadlines.deadlines import (
    CaseFacts,
    MemberFact,
    PlanFact,
    household_today,
    is_young_adult,
    read_case_facts,
)
from app.models import (
    Case,
    CaseReviewFact,
    CaseStatus,
    Decision,
    DecisionKind,
    FormInstance,
    FormKey,
    MemberRole,
    Outcome,
    Role,
    User,
)
from app.security import audit
from app.security.actor import Actor
from app.settings import registry, stored_settings

LONG_DEPENDENCE_MONTHS = 10
"""Långvarigt bistånd: assistance 10–12 of the last 12 months (DOMAIN.md, statistics)."""
REVIEWS_PER_YEAR = 3
"""At least three ärendegenomgångar per year and handläggare (seed 000 §5.2.1)."""

OPEN_STATUSES = tuple(s for s in CaseStatus if s is not CaseStatus.CLOSED)
"""Every status but avslutad. Written as `status IN (…)`, not `status != 'avslutad'`: an
equality the unit's (unit_id, status) index answers, so the planner expects the unit's open
cases rather than a third of the register and does not walk the whole handläggare index
(the review status took 143 ms at 100 000 households that way, 3 ms through the unit)."""

BKA_OK = "ok"
BKA_MISSING = "saknas"
BKA_NOT_APPLICABLE = "ej aktuellt"


@dataclass(frozen=True)
class ChildInfo:
    """A child (role barn) who is a member of the household today."""

    age: int
    visiting: bool
    """Umgängesbarn: lives elsewhere, stays with the household part of the time."""


@dataclass(slots=True)
class CaseIndicators:
    """One open case (status other than avslutad) as the ärendegenomgång shows it.

    Dates are Swedish calendar dates; "the last 12 months" for decisions means decided on or
    after the same day twelve months ago; months of assistance count calendar months (the
    twelve up to and including this one). Journal entries count only when signed.

    A value nobody changes, but not declared frozen: a frozen dataclass's `__init__` sets
    each of its 28 fields through `object.__setattr__`, 7.5 µs a row against 2 µs with
    slots: 15 ms of the chef's 2 000 rows, as long as reading them from the kept facts.
    """

    case_id: uuid.UUID
    case_number: str
    applicant_name: str
    personal_number: str
    """Display form ÅÅÅÅMMDD-NNNN."""
    responsible_id: uuid.UUID | None
    responsible_name: str
    """'' when no handläggare is responsible."""
    status: CaseStatus
    opened_on: date
    young_adult: bool
    """The sökande is 18–24 years old today (unga vuxna)."""

    assistance_months: int
    """Distinct calendar months of the last twelve (this one included) covered by a signed
    försörjningsstöd decision granting more than 0 kr (replaced decisions not counted)."""
    long_dependence: bool
    """assistance_months >= 10 (långvarigt bistånd)."""

    child_count: int
    """Children in the household today, umgängesbarn included."""
    children: tuple[ChildInfo, ...]
    """Ages and umgängesbarn flag, in the household's order."""

    has_plan: bool
    """A plan is current today (started, not closed)."""
    plan_next_date: date | None
    """Of the current plan: the earlier of its follow-up date and its earliest open step's
    due date (may be in the past)."""
    lacks_plan: bool
    """Status aktuell and no current plan (cases still in aktualisering or utredning are not
    flagged)."""

    fia_done: bool
    """A signed FIA form exists in the case."""

    bka_status: str
    """BKA_OK ('ok'): every signed decision that is not full bifall, decided in the last 12
    months, in a period when the household had children, has a signed barnkonsekvensanalys
    or a documented consideration for each child (seed 002 L80). BKA_MISSING ('saknas'):
    `bka_missing` such decisions lack it. BKA_NOT_APPLICABLE ('ej aktuellt'): no children
    today and no such decision."""
    bka_missing: int
    lacks_bka: bool
    """bka_status == 'saknas'."""

    last_meeting_on: date | None
    """Latest personal meeting: journal type nybesök, besök or hembesök."""
    last_meeting_was_home_visit: bool
    last_home_visit_on: date | None

    overdue_count: int
    """Bevakningar (app.deadlines.deadlines) past their due date now."""
    earliest_overdue_label: str
    """Label of the earliest overdue bevakning, '' if none."""
    earliest_overdue_due: date | None
    overdue: bool
    """overdue_count > 0."""

    support_barriers: tuple[str, ...]
    """Labels of the adults' försörjningshinder, each adult's latest registered month, in the
    household's order, each label once; adults without any are left out."""

    @property
    def needs_attention(self) -> bool:
        """Something the review should look at: no plan, BKA missing, a bevakning overdue or
        långvarigt bistånd (the flags the chef's page lists for the row)."""
        return self.lacks_plan or self.lacks_bka or self.overdue or self.long_dependence

    @property
    def visiting_child_count(self) -> int:
        return sum(1 for c in self.children if c.visiting)

    @property
    def children_text(self) -> str:
        """'3, 7, 12 (umg.)': the ages, umgängesbarn marked."""
        return ", ".join(f"{c.age} (umg.)" if c.visiting else str(c.age) for c in self.children)


@dataclass(frozen=True)
class ReviewStatus:
    """One handläggare of the unit and their ärendegenomgångar (seed 000 §5.2.1)."""

    user_id: uuid.UUID
    name: str
    open_cases: int
    """Cases of the unit, not avslutade, the handläggare is responsible for."""
    last_review_on: date | None
    """Swedish date a signed ärendegenomgång of the handläggare was last signed."""
    reviews_last_12_months: int
    """Signed ärendegenomgångar signed on or after the same day twelve months ago; a new
    version of a signed review is the same review and does not count again."""
    below_target: bool
    """reviews_last_12_months < 3."""


@dataclass(frozen=True)
class CaseloadFlag:
    """Something the review looks for in a case, as the chef's pages count and filter it."""

    key: str
    label: str
    """'Saknar plan': the count's and the filter's text."""
    test: Callable[[CaseIndicators], bool]
    explanation: str


CASELOAD_FLAGS = (
    CaseloadFlag(
        "flagged",
        "Med flaggor",
        lambda r: r.needs_attention,
        "Ärenden med minst en flagga: saknar plan, barn utan BKA, förfallen bevakning eller "
        "långvarigt bistånd",
    ),
    CaseloadFlag(
        "lacks_plan", "Saknar plan", lambda r: r.lacks_plan, "Aktuella ärenden utan aktuell plan"
    ),
    CaseloadFlag(
        "lacks_bka",
        "Barn utan BKA",
        lambda r: r.lacks_bka,
        "Beslut som påverkar barn utan barnkonsekvensanalys eller bedömning för varje barn",
    ),
    CaseloadFlag(
        "overdue",
        "Förfallna bevakningar",
        lambda r: r.overdue,
        "Ärenden med minst en bevakning vars datum har passerat",
    ),
    CaseloadFlag(
        "long_dependence",
        "Långvarigt bistånd",
        lambda r: r.long_dependence,
        f"Bistånd minst {LONG_DEPENDENCE_MONTHS} av de senaste 12 månaderna",
    ),
    CaseloadFlag("young_adult", "Unga vuxna", lambda r: r.young_adult, "Sökande 18–24 år"),
    CaseloadFlag(
        "with_children",
        "Barnfamiljer",
        lambda r: r.child_count > 0,
        "Hushåll med barn i dag, umgängesbarn medräknade",
    ),
)
"""The flags in the order the pages show them; "flagged" is any of the four the review
must look at (CaseIndicators.needs_attention)."""
FLAG_BY_KEY = {flag.key: flag for flag in CASELOAD_FLAGS}


def flag_counts(rows: Iterable[CaseIndicators]) -> dict[str, int]:
    """Flag key -> how many of `rows` have it."""
    counts = dict.fromkeys(FLAG_BY_KEY, 0)
    for row in rows:
        for flag in CASELOAD_FLAGS:
            if flag.test(row):
                counts[flag.key] += 1
    return counts


@dataclass(frozen=True)
class CaseworkerFlags:
    """One handläggare's (or no one's) open cases of a caseload, with their flags."""

    user_id: uuid.UUID | None
    name: str
    """'Ingen handläggare' for cases without one."""
    cases: int
    flags: dict[str, int]
    """Flag key -> cases with the flag."""
    overdue_deadlines: int
    """Bevakningar past their due date in the cases, all of them."""
    earliest_overdue_due: date | None


def per_caseworker(rows: Iterable[CaseIndicators]) -> list[CaseworkerFlags]:
    """The caseload split by handläggare, in name order (the cases without one last)."""
    grouped: dict[uuid.UUID | None, list[CaseIndicators]] = defaultdict(list)
    for row in rows:
        grouped[row.responsible_id].append(row)
    result = []
    for user_id, cases in grouped.items():
        dues = [r.earliest_overdue_due for r in cases if r.earliest_overdue_due is not None]
        result.append(
            CaseworkerFlags(
                user_id=user_id,
                name=cases[0].responsible_name or "Ingen handläggare",
                cases=len(cases),
                flags=flag_counts(cases),
                overdue_deadlines=sum(r.overdue_count for r in cases),
                earliest_overdue_due=min(dues, default=None),
            )
        )
    return sorted(result, key=lambda c: (c.user_id is None, c.name.casefold()))


# --- access -------------------------------------------------------------------------------------


def _caseload_subject(
    session: Session, actor: Actor, caseworker_id: uuid.UUID | None
) -> User | None:
    if actor.unit_id is None or actor.is_administrator:
        raise AccessDenied("Du har inte behörighet att se ärendegenomgången.")
    if actor.is_manager:
        if caseworker_id is None:
            return None
        subject = session.get(User, caseworker_id)
        if subject is None or subject.unit_id != actor.unit_id:
            raise AccessDenied("Handläggaren hör inte till din enhet.")
        return subject
    if caseworker_id is not None and caseworker_id == actor.id:
        return session.get(User, actor.id)
    raise AccessDenied("Bara chefer kan se enhetens ärendegenomgång. Du kan se dina egna ärenden.")


# --- the caseload ---------------------------------------------------------------------------


def caseload(
    session: Session, actor: Actor, *, caseworker_id: uuid.UUID | None = None
) -> list[CaseIndicators]:
    """The open cases of the actor's unit (or of one handläggare there) with the
    ärendegenomgång's indicators, sorted by handläggare and case number.

    Chefs see their own unit; a handläggare may see only their own caseload
    (`caseworker_id` = their id). One audit row per call (entity 'caseload').

    The cases' facts kept for today (app.cases.review_facts) are used; the others are
    computed here and, when a chef asks, kept (a handläggare's own caseload writes none:
    on PostgreSQL only the unit's chefs may write what the chefs see)."""
    subject = _caseload_subject(session, actor, caseworker_id)
    without_jit(session)
    assert actor.unit_id is not None  # _caseload_subject refuses an actor without a unit
    rows = open_cases(session, actor.unit_id, caseworker_id, with_kept=True)
    result = _kept_indicators(session, rows, actor.unit_id, keep=actor.is_manager)
    who = subject.full_name if subject is not None else "hela enheten"
    audit.record(
        session,
        actor,
        audit.Action.OPEN,
        "caseload",
        entity_id=caseworker_id,
        detail=f"Ärendegenomgång, {who}: {len(result)} ärenden",
    )
    return result


def open_cases(
    session: Session,
    unit_id: uuid.UUID,
    caseworker_id: uuid.UUID | None = None,
    *,
    with_kept: bool = False,
) -> list[Row]:
    """The unit's open cases (of one handläggare, if given) as the caseload's computation
    takes them: id, case_number, responsible_user_id, status, opened_on and the
    responsible's full_name; with `with_kept` also the case's kept facts (generation,
    basis, payload: None where it has no row; app.cases.review_facts) from the same
    statement. No access check."""
    stmt = (
        select(
            Case.id,
            Case.case_number,
            Case.responsible_user_id,
            Case.status,
            Case.opened_on,
            User.full_name,
        )
        .outerjoin(User, User.id == Case.responsible_user_id)
        .where(Case.unit_id == unit_id)
        .where(Case.status.in_(OPEN_STATUSES))
    )
    if with_kept:
        stmt = stmt.add_columns(
            CaseReviewFact.generation, CaseReviewFact.basis, CaseReviewFact.payload
        ).outerjoin(
            CaseReviewFact,
            (CaseReviewFact.unit_id == Case.unit_id) & (CaseReviewFact.case_id == Case.id),
        )
    if caseworker_id is not None:
        stmt = stmt.where(Case.responsible_user_id == caseworker_id)
    return plain_rows(session, stmt)


class KeptFacts(NamedTuple):
    """What the review computes for a case that holds for the whole Swedish day it was
    computed on, unless a row it was computed from changes (kept per case,
    app.cases.review_facts). Which bevakningar are overdue is decided at the read (`now`):
    `deadlines` are those that may be overdue today (a due date passed, or a time of day)."""

    applicant_name: str
    personal_number: str
    young_adult: bool
    assistance_months: int
    children: tuple[ChildInfo, ...]
    has_plan: bool
    plan_next_date: date | None
    fia_done: bool
    bka_status: str
    bka_missing: int
    last_meeting_on: date | None
    last_meeting_was_home_visit: bool
    last_home_visit_on: date | None
    deadlines: tuple[tuple[str, date, datetime | None], ...]
    """(label, due date, due time or None), earliest first."""
    support_barrier_codes: tuple[str, ...]

    def dump(self) -> str:
        """Compact JSON: a list in field order, dates ISO."""
        return json.dumps(
            [
                self.applicant_name,
                self.personal_number,
                self.young_adult,
                self.assistance_months,
                [[c.age, c.visiting] for c in self.children],
                self.has_plan,
                _iso(self.plan_next_date),
                self.fia_done,
                self.bka_status,
                self.bka_missing,
                _iso(self.last_meeting_on),
                self.last_meeting_was_home_visit,
                _iso(self.last_home_visit_on),
                [[label, due.isoformat(), _iso(at)] for label, due, at in self.deadlines],
                self.support_barrier_codes,
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def load(cls, text: str) -> KeptFacts:
        """From `dump`. Runs for every kept case of the unit at each opening: the empty
        lists (most cases have no child and no bevakning overdue) cost no generator, and
        the children are shared ChildInfo values (frozen: one per age and flag)."""
        (
            name,
            number,
            young,
            months,
            children,
            has_plan,
            plan_next,
            fia,
            bka,
            bka_missing,
            meeting,
            meeting_home,
            home,
            deadlines,
            barriers,
        ) = _decode(text)
        return cls(
            name,
            number,
            young,
            months,
            tuple([_child(age, visiting) for age, visiting in children]) if children else (),
            has_plan,
            _from_iso(plan_next) if plan_next else None,
            fia,
            bka,
            bka_missing,
            _from_iso(meeting) if meeting else None,
            meeting_home,
            _from_iso(home) if home else None,
            tuple(
                [
                    (label, _from_iso(due), datetime.fromisoformat(at) if at else None)
                    for label, due, at in deadlines
                ]
            )
            if deadlines
            else (),
            tuple(barriers) if barriers else (),
        )


# typeshed types the argument as a scanner where a decoder's attributes are meant
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
"""The json module's C scanner itself: `json.loads` wraps it in two Python calls and two
regular-expression matches per text, a third of reading a kept row."""


def _decode(text: str) -> Any:
    """One JSON text (as `dump` writes it: no surrounding white space), all of it."""
    try:
        value, end = _scan(text, 0)
    except StopIteration as stop:  # the scanner's way to say "no JSON value here"
        raise ValueError(f"No JSON value in the kept facts at {stop.value}") from None
    if end != len(text):
        raise ValueError(f"Extra data after the kept facts at {end}")
    return value


_from_iso = date.fromisoformat
_children: dict[tuple[int, bool], ChildInfo] = {}


def _child(age: int, visiting: bool) -> ChildInfo:
    """The one ChildInfo of this age and flag (a frozen value, shared)."""
    found = _children.get((age, visiting))
    if found is None:
        found = _children[(age, visiting)] = ChildInfo(age, visiting)
    return found


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _kept_indicators(
    session: Session, rows: Sequence, unit_id: uuid.UUID, *, keep: bool
) -> list[CaseIndicators]:
    """`_case_indicators` of the case rows read `with_kept` (`open_cases`), with the facts
    kept for today used, the others computed by it and, with `keep`, written back (over the
    generation read: app.cases.review_facts)."""
    now = clock.now()
    today = now.astimezone(STOCKHOLM).date()
    row_basis = review_facts.basis(
        today.isoformat(), stored_settings.get_int(session, registry.DECISION_WARNING_DAYS)
    )
    kept: dict[uuid.UUID, KeptFacts] = {}
    missing = []
    load = KeptFacts.load
    for row in rows:
        if row[8] is not None and row[7] == row_basis:
            try:
                kept[row[0]] = load(row[8])
                continue
            except (ValueError, TypeError):  # not what `dump` wrote: computed anew
                pass
        missing.append(row)
    if missing:
        computed = _computed_facts(session, missing, today)
        kept.update(computed)
        if keep:
            generations = {row[0]: row[6] or 0 for row in missing}
            review_facts.write(
                session,
                unit_id,
                (
                    (case_id, generations[case_id], facts.dump())
                    for case_id, facts in computed.items()
                ),
                row_basis,
            )
    return _assembled(rows, kept, now, today)


def _case_indicators(session: Session, rows: Sequence) -> list[CaseIndicators]:
    """Indicators for case rows (id, case_number, responsible_user_id, status, opened_on,
    full_name of the responsible), sorted by handläggare and case number, computed from
    the data (no kept facts). No access check and no audit: the caller has done both."""
    now = clock.now()
    today = now.astimezone(STOCKHOLM).date()
    return _assembled(rows, _computed_facts(session, rows, today), now, today)


def _assembled(
    rows: Sequence, kept: dict[uuid.UUID, KeptFacts], now: datetime, today: date
) -> list[CaseIndicators]:
    """The indicators of the case rows from their facts of the day: what depends on the
    case row itself (status) and on `now` (the bevakningar overdue) is decided here."""
    result = []
    labels: dict[tuple[str, ...], tuple[str, ...]] = {}
    # tuple unpacking and locals: this loop runs for every case of the unit
    for case_id, case_number, responsible_id, status, opened_on, responsible_name, *_ in rows:
        facts = kept[case_id]
        overdue = [  # Deadline.is_overdue, without converting `now` for every deadline
            d for d in facts.deadlines if (now > d[2] if d[2] is not None else today > d[1])
        ]
        count = facts.assistance_months
        children = facts.children
        missing = facts.bka_missing
        result.append(
            # in the fields' order, not by keyword: 28 keywords cost 1.5 µs a row more, 3 ms
            # of the chef's 2 000 (test_review_facts holds the order to the fields' names)
            CaseIndicators(
                case_id,
                case_number,
                facts.applicant_name,
                facts.personal_number,
                responsible_id,
                responsible_name or "",
                status,
                opened_on,
                facts.young_adult,
                count,
                count >= LONG_DEPENDENCE_MONTHS,  # long_dependence
                len(children),  # child_count
                children,
                facts.has_plan,
                facts.plan_next_date,
                not facts.has_plan and status is CaseStatus.ACTIVE,  # lacks_plan
                facts.fia_done,
                facts.bka_status,
                missing,  # bka_missing
                bool(missing),  # lacks_bka
                facts.last_meeting_on,
                facts.last_meeting_was_home_visit,
                facts.last_home_visit_on,
                len(overdue),  # overdue_count
                overdue[0][0] if overdue else "",  # earliest_overdue_label
                overdue[0][1] if overdue else None,  # earliest_overdue_due
                bool(overdue),  # overdue
                _labels(codes, labels) if (codes := facts.support_barrier_codes) else (),
            )
        )
    result.sort(key=lambda c: (c.responsible_name, c.case_number))
    return result


def _labels(
    codes: tuple[str, ...], seen: dict[tuple[str, ...], tuple[str, ...]]
) -> tuple[str, ...]:
    """The försörjningshinder codes' labels, each once (two adults without a hinder were
    shown as "Utan försörjningshinder; Utan försörjningshinder"), each combination looked
    up once per call."""
    found = seen.get(codes)
    if found is None:
        found = seen[codes] = tuple(
            dict.fromkeys(code_lists.label(code_lists.SUPPORT_BARRIER, code) for code in codes)
        )
    return found


def _computed_facts(session: Session, rows: Sequence, today: date) -> dict[uuid.UUID, KeptFacts]:
    """The facts of the day of the case rows, computed from the data."""
    window = _Window(today)
    facts = read_case_facts(session, [r.id for r in rows], review_since=window.decided_since)
    by_case: dict[uuid.UUID, list[Row]] = defaultdict(list)
    for decision in facts.decisions:
        by_case[decision.case_id].append(decision)
    months: dict[uuid.UUID, int] = {}
    ids = [r.id for r in rows]
    for chunk in in_batches(ids):
        months.update(_assistance_months(session, chunk, by_case, window))
    fia_signed = set(_signed_forms(session, ids, FormKey.FIA).values())
    missing_bka, bka_relevant = _child_documentation(session, facts, by_case, window)
    result: dict[uuid.UUID, KeptFacts] = {}
    members_of, plans_of, journal_of = facts.members.get, facts.plans.get, facts.journal.get
    deadlines_of, barriers_of = facts.deadlines.get, facts.barriers.get
    # tuple unpacking and locals: this loop runs for every case of the unit
    for case_id, *_ in rows:
        current, applicant, applicant_current = household_today(members_of(case_id, ()), today)
        children = tuple(
            ChildInfo(age_on(m.birth_date, today), m.visiting_child)
            for m in current
            if m.role is MemberRole.CHILD
        )
        plan = _current_plan(plans_of(case_id, ()), today)
        missing = missing_bka.get(case_id, 0)
        if missing:
            bka_status = BKA_MISSING
        elif children or case_id in bka_relevant:
            bka_status = BKA_OK
        else:
            bka_status = BKA_NOT_APPLICABLE
        journal = journal_of(case_id)
        if journal:
            last_meeting = max([journal[t] for t in MEETING_TYPES if t in journal], default=None)
            home_visit = journal.get(JournalType.HOME_VISIT)
        else:
            last_meeting = home_visit = None
        barriers = barriers_of(case_id)
        result[case_id] = KeptFacts(
            applicant_name=applicant.name if applicant else "",
            personal_number=format_identity_number(applicant.personal_number) if applicant else "",
            young_adult=applicant is not None
            and applicant_current
            and is_young_adult(applicant.birth_date, today),
            assistance_months=months.get(case_id, 0),
            children=children,
            has_plan=plan is not None,
            plan_next_date=_next_date(plan) if plan else None,
            fia_done=case_id in fia_signed,
            bka_status=bka_status,
            bka_missing=missing,
            last_meeting_on=last_meeting,
            last_meeting_was_home_visit=last_meeting is not None and home_visit == last_meeting,
            last_home_visit_on=home_visit,
            # the ones that may be overdue some time today: a due date passed, or a time
            deadlines=tuple(
                (d.label, d.due, d.due_at)
                for d in deadlines_of(case_id, ())
                if d.due_at is not None or today > d.due
            ),
            support_barrier_codes=tuple(
                barriers[m.person_id][1]
                for m in current
                if m.role is not MemberRole.CHILD and m.person_id in barriers
            )
            if barriers
            else (),
        )
    return result


@dataclass(frozen=True)
class _Window:
    """The twelve calendar months up to and including this one (months of assistance), and
    the day twelve months ago (decisions 'in the last 12 months')."""

    today: date

    @property
    def first_month(self) -> date:
        return twelve_months_start(self.today)

    @property
    def last_day(self) -> date:
        return month_end(self.today)

    @property
    def decided_since(self) -> date:
        return add_months(self.today, -12)


def _assistance_months(
    session: Session,
    chunk: list[uuid.UUID],
    decisions: dict[uuid.UUID, list[Row]],
    window: _Window,
) -> dict[uuid.UUID, int]:
    """Distinct months of the window covered by a signed försörjningsstöd decision granting
    money, replaced decisions left out. The usual decision is one whole calendar month:
    those are counted in the database; cases with any other period are counted here."""
    first, last = window.first_month, window.last_day
    months = [add_months(first, i) for i in range(12)]
    whole_month = tuple_(Decision.period_start, Decision.period_end).in_(
        [(m, month_end(m)) for m in months]
    )
    replaced = [
        r.replaces_id for c in chunk for r in decisions.get(c, ()) if r.replaces_id is not None
    ]
    granted = [
        among(session, Decision.case_id, chunk),
        Decision.signed_at.is_not(None),
        Decision.kind == DecisionKind.SUPPORT,
        Decision.granted_total > 0,
        Decision.period_end >= first,
    ]
    if replaced:
        granted.append(not_among(session, Decision.id, replaced))
    counted: dict[uuid.UUID, int] = {}
    other: list[uuid.UUID] = []
    # The upper bound is inside the count, not in the WHERE: so an index on (case_id,
    # signed_at, kind, granted_total, period_start, period_end) can answer it alone.
    for case_id, whole, odd in plain_rows(
        session,
        select(
            Decision.case_id,
            func.count(func.distinct(case((whole_month, Decision.period_start)))),
            func.count(case((~whole_month & (Decision.period_start <= last), 1))),
        )
        .where(*granted)
        .group_by(Decision.case_id),
    ):
        counted[case_id] = whole
        if odd:
            other.append(case_id)
    if other:
        covered: dict[uuid.UUID, set[date]] = defaultdict(set)
        for case_id, period_start, period_end in plain_rows(
            session,
            select(Decision.case_id, Decision.period_start, Decision.period_end)
            .where(*granted)
            .where(among(session, Decision.case_id, other), Decision.period_start <= last),
        ):
            covered[case_id].update(
                m for m in months if period_start <= month_end(m) and period_end >= m
            )
        counted.update({case_id: len(days) for case_id, days in covered.items()})
    return counted


def _child_documentation(
    session: Session, facts: CaseFacts, decisions: dict[uuid.UUID, list[Row]], window: _Window
) -> tuple[dict[uuid.UUID, int], set[uuid.UUID]]:
    """Per case: how many decisions of the last 12 months that are not full bifall, in a
    period with children, lack a signed BKA or a consideration for each child (seed 002
    L80); and which cases had such decisions at all."""
    adverse = [
        r
        for rows in decisions.values()
        for r in rows
        if r.outcome is not Outcome.GRANTED
        and r.decided_on is not None
        and r.decided_on >= window.decided_since
    ]
    signed_bka = _signed_forms(
        session, {r.case_id for r in adverse if r.bka_form_id is not None}, FormKey.CHILD_IMPACT
    )
    without_bka: list[tuple[Row, list[MemberFact]]] = []
    relevant: set[uuid.UUID] = set()
    for r in adverse:
        children = [
            m
            for m in facts.members.get(r.case_id, [])
            if m.role is MemberRole.CHILD and m.in_period(r.period_start, r.period_end)
        ]
        if not children:
            continue
        relevant.add(r.case_id)
        if r.bka_form_id is not None and signed_bka.get(r.bka_form_id) == r.case_id:
            continue
        without_bka.append((r, children))
    considerations = _child_considerations(
        session, [r for r, _ in without_bka], window.decided_since
    )
    missing: dict[uuid.UUID, int] = defaultdict(int)
    for r, children in without_bka:
        given = json.loads(considerations.get(r.id) or "{}")
        if any(not str(given.get(str(c.person_id), "")).strip() for c in children):
            missing[r.case_id] += 1
    return missing, relevant


def _signed_forms(
    session: Session, case_ids: Iterable[uuid.UUID], form_key: str
) -> dict[uuid.UUID, uuid.UUID]:
    """Signed forms of the kind `form_key` (FIA, BKA) of these cases: form id -> case id.
    Read by case through `ix_forms_case_kind` (migration 0037), one stretch of the index
    per case: the BKA looked up by the decisions' form ids were scattered over the
    register's forms, and SQLite chose to read the whole forms table instead (250–340 ms of
    the chef's 2 000 cases at 100 000 households)."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    for chunk in in_batches(sorted(case_ids, key=_uuid_order)):
        found.update(
            plain_rows(
                session,
                select(FormInstance.id, FormInstance.case_id)
                .where(among(session, FormInstance.case_id, chunk))
                .where(FormInstance.form_key == form_key)
                .where(FormInstance.signed_at.is_not(None)),
            )
        )
    return found


def _child_considerations(
    session: Session, decisions: list[Row], since: date
) -> dict[uuid.UUID, str | None]:
    """The considerations per child (JSON) of these decisions, which lack a signed BKA:
    not part of the caseload's decisions read, which the index answers alone. Read through
    the same index by case (the decisions not full bifall since `since` of their cases), not
    by decision id, whose index is in random order: a page of it per decision."""
    wanted = {r.id for r in decisions}
    found: dict[uuid.UUID, str | None] = {}
    for chunk in in_batches(sorted({r.case_id for r in decisions}, key=_uuid_order)):
        for decision_id, text in plain_rows(
            session,
            select(Decision.id, Decision.child_consideration)
            .where(among(session, Decision.case_id, chunk))
            .where(Decision.signed_at.is_not(None))
            .where(Decision.outcome != Outcome.GRANTED)
            .where(Decision.decided_on >= since),
        ):
            if decision_id in wanted:
                found[decision_id] = text
    return found


_uuid_order = attrgetter("int")
"""UUIDs' own order (`uuid.UUID.__lt__` compares `int`), without a Python call per
comparison."""


def _current_plan(plans: Sequence[PlanFact], today: date) -> PlanFact | None:
    """The plan in force today that started last."""
    current = [p for p in plans if p.start_on <= today]
    return max(current, key=lambda p: p.start_on, default=None)


def _next_date(plan: PlanFact) -> date | None:
    dates = [d for d in (plan.follow_up_on, *plan.open_step_dues[:1]) if d is not None]
    return min(dates, default=None)


# --- review status ----------------------------------------------------------------------------


def review_status(session: Session, actor: Actor) -> list[ReviewStatus]:
    """Per active handläggare of the chef's unit: open cases, the last signed
    ärendegenomgång and how many in the last 12 months; `below_target` under three
    (seed 000 §5.2.1). Chefs only."""
    if not actor.is_manager or actor.unit_id is None:
        raise AccessDenied("Bara chefer kan se ärendegenomgångarna för enheten.")
    today = clock.today()
    since = add_months(today, -12)
    caseworkers = plain_rows(
        session,
        select(User.id, User.full_name)
        .where(User.unit_id == actor.unit_id)
        .where(User.role == Role.CASEWORKER)
        .where(User.active.is_(True))
        .order_by(User.full_name),
    )
    open_cases = dict(
        plain_rows(
            session,
            select(Case.responsible_user_id, func.count())
            .where(Case.unit_id == actor.unit_id)
            .where(Case.status.in_(OPEN_STATUSES))
            .group_by(Case.responsible_user_id),
        )
    )
    signed: dict[uuid.UUID, list[date]] = defaultdict(list)
    ids = [c.id for c in caseworkers]
    for chunk in in_batches(ids):
        for subject_id, signed_at in plain_rows(
            session,
            select(FormInstance.subject_user_id, FormInstance.signed_at)
            .where(among(session, FormInstance.subject_user_id, chunk))
            .where(FormInstance.form_key == FormKey.CASELOAD_REVIEW)
            .where(FormInstance.signed_at.is_not(None))
            .where(FormInstance.supersedes_id.is_(None)),
        ):
            signed[subject_id].append(signed_at.astimezone(STOCKHOLM).date())
    result = []
    for user_id, name in caseworkers:
        dates = signed.get(user_id, [])
        recent = sum(1 for d in dates if d >= since)
        result.append(
            ReviewStatus(
                user_id=user_id,
                name=name,
                open_cases=open_cases.get(user_id, 0),
                last_review_on=max(dates, default=None),
                reviews_last_12_months=recent,
                below_target=recent < REVIEWS_PER_YEAR,
            )
        )
    return result
