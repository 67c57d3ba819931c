"""Jobbstimulans (särskild beräkningsregel) derived from the case's history, never typed in.

The rule (4 kap. 1 b § socialtjänstlagen 2001:453 as of SFS 2013:421, in force 1 July 2013,
prop. 2012/13:94; from 1 July 2025 12 kap. 8 § socialtjänstlagen 2025:400, the same words):
for the one who has had försörjningsstöd six months in a row, 25 % of the income from
employment (inkomster av anställning) is not counted when the right to bistånd is tried.
The rule applies for two years; after them six new months in a row are needed. The rule,
its lagrum per period and the sources are data in resources/jobbstimulans.json.

How the program reads it (sources in the JSON's "interpretation"):
- A month with försörjningsstöd for a person: a signed decision on försörjningsstöd (kind
  forsorjningsstod, not livsföring i övrigt or bistånd utöver rätten) grants money
  (granted_total > 0) for some day of the month, the decision is not replaced by a later
  signed decision, and the person is sökande or medsökande of the household on some day of
  the decision's period. An avslag, or no decision at all, breaks the months in a row.
- Six such months in a row (months 1–6) start the two years with the next month (month 7);
  the two years are 24 calendar months in a row whether or not the person gets bistånd in
  them. Months inside the two years do not count towards the next six: those are counted
  from the month after the two years.
- No age limit (the law has none). Income of hemmavarande barn is never counted at all
  (12 kap. 9 §, old 4 kap. 1 a §), so the rule is only for sökande and medsökande.
- Only this case's decisions are read: months with försörjningsstöd in another
  municipality (which count by law) are not known to the program.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.common.formatting import month_name
from app.common.periods import add_months, month_end, month_start, months
from app.common.resources import resource_path
from app.db.batches import built_once, plain_rows
from app.deadlines.deadlines import MemberFact
from app.models import Decision, DecisionKind, HouseholdMember, MemberRole, Person
from app.models.case import Case

ADULT_ROLES = (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)


@dataclass(frozen=True)
class LawVersion:
    """The paragraph that holds the rule for months from `valid_from` to `valid_until`."""

    valid_from: date
    valid_until: date | None
    lagrum: str
    text: str
    source: str

    def covers(self, month: date) -> bool:
        return self.valid_from <= month and (self.valid_until is None or month <= self.valid_until)


@dataclass(frozen=True)
class Rule:
    share_not_counted: Decimal
    months_in_a_row: int
    months_of_rule: int
    laws: tuple[LawVersion, ...]
    source: str

    def law_for(self, month: date) -> LawVersion | None:
        return next((law for law in self.laws if law.covers(month_start(month))), None)


@cache
def rule() -> Rule:
    """The rule as data, with its sources (resources/jobbstimulans.json)."""
    data = json.loads(resource_path("jobbstimulans.json").read_text(encoding="utf-8"))
    return Rule(
        share_not_counted=Decimal(data["share_not_counted"]),
        months_in_a_row=int(data["months_in_a_row"]),
        months_of_rule=int(data["months_of_rule"]),
        laws=tuple(
            LawVersion(
                date.fromisoformat(law["valid_from"]),
                date.fromisoformat(law["valid_until"]) if law["valid_until"] else None,
                law["lagrum"],
                law["text"],
                law["source"],
            )
            for law in data["laws"]
        ),
        source=data["source"],
    )


@dataclass(frozen=True)
class JobbstimulansPeriod:
    """The months (first days) in which the särskild beräkningsregel applies."""

    first_month: date
    last_month: date

    def covers(self, month: date) -> bool:
        return self.first_month <= month_start(month) <= self.last_month

    @property
    def text(self) -> str:
        return f"från {month_name(self.first_month)} till {month_name(self.last_month)}"


@dataclass(frozen=True)
class JobbstimulansStatus:
    """One person's jobbstimulans in one month, as derived from the case's decisions."""

    person_id: uuid.UUID | None
    name: str
    month: date
    period: JobbstimulansPeriod | None
    """The period that covers `month`, if any."""
    months_in_a_row: int
    """Months with försörjningsstöd in a row up to the month before `month` that count
    towards a new period (0 inside a period)."""
    lagrum: str
    """The paragraph that holds the rule in `month`; "" when no law with a source covers
    the month (then the rule is not used)."""
    share: Decimal

    @property
    def applies(self) -> bool:
        return self.period is not None and bool(self.lagrum)

    def explanation(self) -> str:
        """Why the whole income counts (Swedish, for the calculation's note)."""
        if self.period is not None and not self.lagrum:
            return (
                f"regeln om jobbstimulans har ingen källa för {month_name(self.month)} "
                "och används inte"
            )
        needed = rule().months_in_a_row
        return (
            f"ingen jobbstimulans för {self.name} – {self.months_in_a_row} av {needed} "
            "månader i följd med försörjningsstöd"
        )


def periods_from_months(
    support_months: Iterable[date], the_rule: Rule | None = None
) -> list[JobbstimulansPeriod]:
    """The periods of the rule, given the months (any day in them) with försörjningsstöd."""
    the_rule = the_rule or rule()
    found: list[JobbstimulansPeriod] = []
    run = 0
    previous: date | None = None
    for month in sorted({month_start(m) for m in support_months}):
        if found and month <= found[-1].last_month:
            continue  # inside the two years: does not count towards the next six
        run = run + 1 if previous is not None and add_months(previous, 1) == month else 1
        previous = month
        if run == the_rule.months_in_a_row:
            first = add_months(month, 1)
            found.append(JobbstimulansPeriod(first, add_months(first, the_rule.months_of_rule - 1)))
            run, previous = 0, None
    return found


def status_in(
    month: date,
    name: str,
    person_id: uuid.UUID | None,
    support_months: Iterable[date],
    the_rule: Rule | None = None,
) -> JobbstimulansStatus:
    """The person's jobbstimulans in `month`, from the months with försörjningsstöd (only
    those before `month` matter)."""
    the_rule = the_rule or rule()
    month = month_start(month)
    before = sorted({month_start(m) for m in support_months if month_start(m) < month})
    periods = periods_from_months(before, the_rule)
    period = next((p for p in periods if p.covers(month)), None)
    run = 0
    if period is None:
        last_end = periods[-1].last_month if periods else None
        expected = add_months(month, -1)
        for earlier in reversed(before):
            if earlier != expected or (last_end is not None and earlier <= last_end):
                break
            run += 1
            expected = add_months(expected, -1)
    law = the_rule.law_for(month)
    return JobbstimulansStatus(
        person_id,
        name,
        month,
        period,
        run,
        law.lagrum if law else "",
        the_rule.share_not_counted,
    )


# --- from the database --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Adult:
    person_id: uuid.UUID
    name: str
    spans: list[tuple[date | None, date | None]]


def _adults(session: Session, case: Case) -> dict[uuid.UUID, _Adult]:
    rows = session.execute(
        select(
            HouseholdMember.person_id,
            HouseholdMember.member_from,
            HouseholdMember.member_until,
            Person.first_name,
            Person.last_name,
        )
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(HouseholdMember.household_id == case.household_id)
        .where(HouseholdMember.role.in_(ADULT_ROLES))
        .order_by(HouseholdMember.sort_order)
    ).all()
    return _adults_of(
        (person_id, f"{first} {last}", since, until)
        for person_id, since, until, first, last in rows
    )


def _adults_of(
    spans: Iterable[tuple[uuid.UUID, str, date | None, date | None]],
) -> dict[uuid.UUID, _Adult]:
    """The sökande and medsökande from (person id, name, member from, member until) of
    their memberships, in the household's order."""
    adults: dict[uuid.UUID, _Adult] = {}
    for person_id, name, since, until in spans:
        adult = adults.setdefault(person_id, _Adult(person_id, name, []))
        adult.spans.append((since, until))
    return adults


def adults_from_members(members: Iterable[MemberFact]) -> dict[uuid.UUID, _Adult]:
    """`_adults` from the members a caller has already read (every member the household
    has had, in the household's order: `deadlines.CaseFacts.members`), without reading
    them again."""
    return _adults_of(
        (m.person_id, m.name, m.member_from, m.member_until)
        for m in members
        if m.role in ADULT_ROLES
    )


def _member_in(adult: _Adult, start: date, end: date) -> bool:
    return any(
        (since is None or since <= end) and (until is None or start <= until)
        for since, until in adult.spans
    )


def support_months(
    session: Session, case: Case, adults: dict[uuid.UUID, _Adult] | None = None
) -> dict[uuid.UUID, tuple[str, set[date]]]:
    """Per sökande and medsökande the household has had: (name, months with
    försörjningsstöd) from the case's signed decisions. `adults`: as `_adults` reads them,
    when the caller has them already."""
    if adults is None:
        adults = _adults(session, case)
    signed = plain_rows(
        session,
        built_once(  # a case is opened often: its statement is built once
            "jobbstimulans.signed_decisions",
            lambda: (
                select(
                    Decision.id,
                    Decision.kind,
                    Decision.granted_total,
                    Decision.period_start,
                    Decision.period_end,
                    Decision.replaces_id,
                )
                .where(Decision.case_id == bindparam("case_id"))
                .where(Decision.signed_at.is_not(None))
            ),
        ),
        {"case_id": case.id},
    )
    replaced = {row.replaces_id for row in signed if row.replaces_id is not None}
    found: dict[uuid.UUID, tuple[str, set[date]]] = {
        a.person_id: (a.name, set()) for a in adults.values()
    }
    for row in signed:
        if row.kind is not DecisionKind.SUPPORT or row.granted_total <= 0 or row.id in replaced:
            continue
        for adult in adults.values():
            for month in months(row.period_start, row.period_end):
                start = max(month, row.period_start)
                end = min(month_end(month), row.period_end)
                if _member_in(adult, start, end):
                    found[adult.person_id][1].add(month)
    return found


def for_case(session: Session, case_id: uuid.UUID, month: date) -> list[JobbstimulansStatus]:
    """Jobbstimulans in `month` for each sökande and medsökande of the case's household in
    that month. Reads no access and writes no audit: the callers do (case_overview.open_case,
    decisions.jobbstimulans_for_calculation)."""
    case = session.get_one(Case, case_id)
    month = month_start(month)
    adults = _adults(session, case)
    history = support_months(session, case, adults)
    return [
        status_in(month, adult.name, adult.person_id, history[adult.person_id][1])
        for adult in adults.values()
        if _member_in(adult, month, month_end(month))
    ]


@dataclass(frozen=True)
class OverviewLine:
    person_id: uuid.UUID
    name: str
    detail: str
    """'från juli 2026 till juni 2028', or why there is none."""
    period: JobbstimulansPeriod | None

    @property
    def text(self) -> str:
        return f"{self.name}: {self.detail}"


def overview(
    session: Session, case: Case, today: date, members: Iterable[MemberFact] | None = None
) -> list[OverviewLine]:
    """For each current sökande and medsökande: the period that covers this month or starts
    later (from decisions already signed), else the months in a row so far. `members`: every
    member the household has had, in its order, when the caller has read them already
    (opening a case: `deadlines.read_case_facts`)."""
    this_month = month_start(today)
    adults = _adults(session, case) if members is None else adults_from_members(members)
    history = support_months(session, case, adults)
    lines = []
    for adult in adults.values():
        if not _member_in(adult, today, today):
            continue
        supported = history[adult.person_id][1]
        horizon = add_months(max(supported), 1) if supported else this_month
        periods = periods_from_months(supported)
        period = next((p for p in periods if p.last_month >= this_month), None)
        if period is not None:
            lines.append(OverviewLine(adult.person_id, adult.name, period.text, period))
            continue
        status = status_in(max(horizon, this_month), adult.name, adult.person_id, supported)
        if status.months_in_a_row and supported:
            count = status.months_in_a_row
            detail = (
                f"ingen jobbstimulans – {count} {'månad' if count == 1 else 'månader'} i följd "
                f"med försörjningsstöd till och med {month_name(max(supported))}, "
                f"{rule().months_in_a_row} behövs"
            )
        else:
            ended = f" (gällde {periods[-1].text})" if periods else ""
            detail = f"ingen jobbstimulans{ended}"
        lines.append(OverviewLine(adult.person_id, adult.name, detail, None))
    return lines
