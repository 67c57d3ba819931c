"""Statistics for chefs: the figures municipalities report on ekonomiskt bistånd
(DOMAIN.md "Statistics people ask for"; seed 001 "Verksamhetsstatistik 2011"; seed 004's
internal audit of the children's documentation).

`month_statistics` and `year_statistics` are aggregate: only chefs (their own unit) and
administrators may run them, and each call writes one audit row. Household counts are split
by the sökande's sex (K/M), försörjningshinder by each adult's sex, the children's audit by
the children's sex (girls/boys). The period's appeals, omprövningar and court rulings
(appeal_statistics.py) and synpunkter och klagomål (complaint_statistics.py) come with them,
under the same access and audit row, each with its definitions in its own module.

Definitions (the same for a month and for each month of a year):
- A decision counts when it is signed and has not been replaced by a later signed decision
  (`replaces_id`). Its months are the calendar months its period overlaps; its amount is
  shared out on them (month_shares.py: the month the bistånd is for, HSLF-FS 2015:30 3 §).
- beslutshushåll: a household with a counting decision (any kind and outcome) for the month.
- bidragshushåll: a household with a counting försörjningsstöd decision with
  granted_total > 0 for the month ("bistånd" below means exactly this).
- The household's hushållstyp (household_type.py: Socialstyrelsen's codes, children under
  18), the sökande's sex, barnfamilj (a child under 18 lives there) and ungdomshushåll
  (sökande 18–24 years old on the first day of the month) are those of the month. In
  year figures every household is counted once, with what it was in the last month of the
  year it belonged to the group.
- nya hushåll: the case was registered, or reopened after avslut, in the month. avslutade
  hushåll: the case got status avslutad in the month; avslutsorsak from the status change,
  else from the case.
- långvarigt bistånd, month: a bidragshushåll of the month with bistånd in at least 10 of
  the 12 months ending with the month (and, separately, 32 of 36). Year: bistånd in at least
  10 months of the calendar year; 32 of the 36 months ending with December.
- genomsnittlig varaktighet: for the bidragshushåll of the month, the number of months with
  bistånd up to and including the month (all history in the database), averaged. Year: each
  bidragshushåll of the year once, counted up to its last month with bistånd in the year.
  (Households closed in the period are not measured separately.)
- försörjningshinder: adults with a registration for the month, by code. Year: distinct
  adults per code, so an adult with two codes during the year counts under both.
- beviljat: the month's shares of granted_total of counting decisions of every kind
  (försörjningsstöd, livsföring i övrigt, utöver rätten: all are ekonomiskt bistånd in
  Socialstyrelsen's register); of it försörjningsstöd. utbetalt: the same for the counting
  decisions recorded as verkställda (`executed_on`, decisions.record_execution: the program
  records that a decision was paid, not partial payments). kostnad per bidragshushåll =
  beviljat försörjningsstöd / bidragshushåll.
- children's documentation (seed 004): decisions signed (decided_on) in the month that are
  not full bifall, in a household that had children (role barn, umgängesbarn included, as
  for the child gate in decisions.py) during the decision's period. Counted per child and
  decision: the child is named when the decision has a consideration for that child or
  refers to a signed BKA with a section for that child; for a BKA, whether the child's
  situation, behov and hur_paverkas are filled in.
- SIP and hembesök: signed journal entries of that type dated in the month.
- första återkoppling: applications received in the month (Swedish time); the deadline is
  24 hours counted on vardagar, holidays excluded (deadlines.add_weekday_hours, kept on the
  application and tested against it). Applications not yet answered whose deadline has not passed
  are left out of the share. Median over the answered ones, in hours.
- beslut: days from the day the application was received to Application.decided_on; the
  target is the DECISION_WARNING_DAYS setting. Applications without a decision still within
  the target are left out of the share.

How: the figures from decisions, status changes and memberships (beslutshushåll through kostnad
per bidragshushåll above) are kept, not recomputed: facts.py computes, per case (the program
makes one household per case) and month in which the household is in a group, its groups, what
it was (sökande's sex, hushållstyp, barnfamilj, ungdomshushåll), avslutsorsak, months with
bistånd so far and the month's amounts in öre; and per calendar year and group the household as
in its last month in the group (långvarigt bistånd by the year's definitions). They are kept
current in the transaction of every change (fact_upkeep.py: a session listener; the statistics
first write this session's own pending changes), built by `arendestod stats rebuild`, and
tagged with facts.DEFINITION_VERSION: missing facts or another version make the statistics
refuse with a message naming the rebuild rather than give wrong figures. The applications'
times are kept too: each application keeps its Swedish receipt day and month, response
deadline, minutes to the första återkoppling, in time or not, and days to decision
(app/deadlines/application_facts.py, migration 0029; on PostgreSQL computed by the server from
the row); only whether a still-open one is within its deadline is decided at the time of
asking, from a partial index of the open ones. The children's documentation is kept per case
and month: the audited (child, decision) pairs by the child's sex and flags, and the month's
decisions (app/statistics/child_facts.py, migration 0034). SIP and hembesök are kept per case,
month and type with the household's sex, the year's last month and whether the household has
other cases (app/statistics/event_facts.py, migration 0035); only the rare household with more
than one case is counted once, from its cases' facts. Försörjningshinder are kept per
registration with the adult's sex and the case's unit (app/statistics/barrier_facts.py,
migration 0033); the distinct adults of a period are counted by the database in two levels
(each adult per unit and in any unit, then their number).

The statistics read none of these per-case rows: the database keeps their totals per unit,
period and the statistics' keys (app/statistics/kept_totals.py: triggers on the fact tables;
app/statistics/totals.py and migrations 0032–0035), summed over the units for all units, and
Python only lays the counts out: a few rows per unit and month.
benchmarks/chef.py measures it on the 100 000-household database.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    BigInteger,
    Integer,
    Select,
    and_,
    bindparam,
    case,
    cast,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from app.common import clock
from app.common.codes import JournalType
from app.common.errors import AccessDenied
from app.common.periods import month_end, month_index, month_start
from app.db.batches import built_once, plain_rows
from app.models import (
    Application,
    Case,
    StatisticsApplicationTotal,
    StatisticsBarrierMonthAdultCount,
    StatisticsBarrierMonthPersonCount,
    StatisticsBarrierTotal,
    StatisticsBarrierYearAdultCount,
    StatisticsBarrierYearPersonCount,
    StatisticsChildTotal,
    StatisticsEventFact,
    StatisticsEventTotal,
    StatisticsMonthTotal,
    StatisticsYearTotal,
    Unit,
)
from app.models.statistics_fact import (
    CHILD_FLAGS,
    CHILD_SUMS,
    DECISIONS_SEX,
    MONTH_FACT_KEYS,
    MONTH_FACT_SUMS,
    YEAR_FACT_KEYS,
)
from app.security import audit
from app.security.actor import Actor
from app.settings import registry, stored_settings
from app.statistics import event_facts, fact_upkeep, facts, household_type, totals

if TYPE_CHECKING:
    from app.statistics.appeal_statistics import AppealStatistics
    from app.statistics.complaint_statistics import ComplaintStatistics
    from app.statistics.proposal_statistics import ProposalStatistics

WOMEN = "K"
MEN = "M"
LONG_TERM_12 = 10
"""Months with bistånd out of 12 for långvarigt bistånd (seed 001: "10 mån av 12")."""
LONG_TERM_36 = 32
"""Months with bistånd out of 36 (seed 001: "32 mån av 36")."""


# --- who asks --------------------------------------------------------------------------------
def require_statistics_access(actor: Actor, unit_id: uuid.UUID | None) -> uuid.UUID | None:
    """The unit the statistics may cover (None: all units). Chefs see their own unit,
    administrators any unit or all of them; handläggare none."""
    if actor.is_administrator:
        return unit_id
    if actor.is_manager and actor.unit_id is not None:
        if unit_id is not None and unit_id != actor.unit_id:
            raise AccessDenied("Du kan bara ta fram statistik för din egen enhet.")
        return actor.unit_id
    raise AccessDenied("Statistik kan bara tas fram av chefer och administratörer.")


def audit_aggregate(session: Session, actor: Actor, action: str, entity: str, detail: str) -> None:
    """One audit row for an aggregate read or export (the command line too: it has a user)."""
    audit.record(session, actor, action, entity, detail=detail)


def unit_label(session: Session, unit_id: uuid.UUID | None) -> str:
    if unit_id is None:
        return "Alla enheter"
    unit = session.get(Unit, unit_id)
    return unit.name if unit else str(unit_id)


# --- result types ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SexCounts:
    """A count split by sex: K (kvinnor/flickor) and M (män/pojkar)."""

    women: int = 0
    men: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men

    def __add__(self, other: SexCounts) -> SexCounts:
        return SexCounts(self.women + other.women, self.men + other.men)


@dataclass(frozen=True)
class SexShares:
    """Shares (0–1, four decimals) split by sex; None where there is nothing to divide by."""

    women: Decimal | None = None
    men: Decimal | None = None
    total: Decimal | None = None


@dataclass(frozen=True)
class SexAverages:
    women: Decimal | None = None
    men: Decimal | None = None
    total: Decimal | None = None


@dataclass(frozen=True)
class HouseholdCounts:
    """One group of households, each counted once, by the sökande's sex."""

    total: SexCounts = field(default_factory=SexCounts)
    by_type: dict[str, SexCounts] = field(default_factory=dict)
    """Hushållstyp code -> households (every code of household_type.HOUSEHOLD_TYPES)."""
    with_children: SexCounts = field(default_factory=SexCounts)
    """Barnfamiljer."""
    young: SexCounts = field(default_factory=SexCounts)
    """Ungdomshushåll: sökande 18–24 years old."""


@dataclass(frozen=True)
class ChildDocumentation:
    """Seed 004's audit, per child and decision; K = flickor, M = pojkar."""

    decisions: int = 0
    """Decisions audited: signed, not full bifall, children in the household."""
    decisions_all_named: int = 0
    """... where every child is named (consideration or signed BKA section)."""
    children: SexCounts = field(default_factory=SexCounts)
    named: SexCounts = field(default_factory=SexCounts)
    with_bka: SexCounts = field(default_factory=SexCounts)
    """Children whose decision refers to a signed BKA with a section for them."""
    bka_situation: SexCounts = field(default_factory=SexCounts)
    bka_needs: SexCounts = field(default_factory=SexCounts)
    bka_consequences: SexCounts = field(default_factory=SexCounts)
    named_share: SexShares = field(default_factory=SexShares)
    """named / children."""
    bka_situation_share: SexShares = field(default_factory=SexShares)
    """bka_situation / with_bka (likewise the two below)."""
    bka_needs_share: SexShares = field(default_factory=SexShares)
    bka_consequences_share: SexShares = field(default_factory=SexShares)


@dataclass(frozen=True)
class EventCounts:
    events: int = 0
    households: SexCounts = field(default_factory=SexCounts)


@dataclass(frozen=True)
class FirstResponseTimes:
    """Första återkoppling on applications received in the period."""

    received: int = 0
    answered: int = 0
    answered_in_time: int = 0
    open_in_time: int = 0
    """Not answered yet, deadline not passed: left out of the share."""
    median_hours: Decimal | None = None
    share_in_time: Decimal | None = None
    """answered_in_time / (received - open_in_time)."""


@dataclass(frozen=True)
class DecisionTimes:
    """From application (received) to decision (Application.decided_on)."""

    target_days: int = 0
    received: int = 0
    decided: int = 0
    decided_in_time: int = 0
    open_in_time: int = 0
    median_days: Decimal | None = None
    share_in_time: Decimal | None = None
    """decided_in_time / (received - open_in_time)."""


@dataclass(frozen=True)
class MonthStatistics:
    month: date
    unit_id: uuid.UUID | None
    unit_name: str
    decision_households: HouseholdCounts
    """Beslutshushåll."""
    support_households: HouseholdCounts
    """Bidragshushåll."""
    new_households: HouseholdCounts
    closed_households: HouseholdCounts
    closing_reasons: dict[str, SexCounts]
    """Avslutsorsak code -> closed households (every code of the list)."""
    long_term_10_of_12: HouseholdCounts
    long_term_32_of_36: HouseholdCounts
    average_duration_months: SexAverages
    support_barriers: dict[str, SexCounts]
    """Försörjningshinder code -> adults (every code of the list)."""
    amount_granted: Decimal
    """Beviljat: ekonomiskt bistånd of every kind granted for the period's months."""
    amount_granted_support: Decimal
    """Of it, försörjningsstöd."""
    amount_paid: Decimal
    """Utbetalt: what was granted in decisions recorded as verkställda (paid)."""
    cost_per_support_household: Decimal | None
    """Beviljat försörjningsstöd / bidragshushåll."""
    child_documentation: ChildDocumentation
    sip: EventCounts
    home_visits: EventCounts
    first_response: FirstResponseTimes
    time_to_decision: DecisionTimes
    appeals: AppealStatistics | None = None
    """Överklaganden, omprövningar and domar (appeal_statistics.py); None for the months of
    a year (the year's own figures have them, with the rulings per month)."""
    complaints: ComplaintStatistics | None = None
    """Synpunkter och klagomål (complaint_statistics.py); None for the months of a year."""
    proposals: ProposalStatistics | None = None
    """Förslag från e-ansökan signed, and signed unchanged (proposal_statistics.py); None
    for the months of a year."""


@dataclass(frozen=True)
class YearStatistics:
    """The year's months, and year figures in which each household counts once."""

    year: int
    unit_id: uuid.UUID | None
    unit_name: str
    months: list[MonthStatistics]
    decision_households: HouseholdCounts
    support_households: HouseholdCounts
    new_households: HouseholdCounts
    closed_households: HouseholdCounts
    closing_reasons: dict[str, SexCounts]
    long_term_10_of_12: HouseholdCounts
    long_term_32_of_36: HouseholdCounts
    average_duration_months: SexAverages
    support_barriers: dict[str, SexCounts]
    amount_granted: Decimal
    """Beviljat: ekonomiskt bistånd of every kind granted for the period's months."""
    amount_granted_support: Decimal
    """Of it, försörjningsstöd."""
    amount_paid: Decimal
    """Utbetalt: what was granted in decisions recorded as verkställda (paid)."""
    cost_per_support_household: Decimal | None
    """Beviljat försörjningsstöd / bidragshushåll."""
    child_documentation: ChildDocumentation
    sip: EventCounts
    home_visits: EventCounts
    first_response: FirstResponseTimes
    time_to_decision: DecisionTimes
    appeals: AppealStatistics | None = None
    complaints: ComplaintStatistics | None = None
    proposals: ProposalStatistics | None = None


# --- public entry points ----------------------------------------------------------------------
def month_statistics(
    session: Session, actor: Actor, month: date, *, unit_id: uuid.UUID | None = None
) -> MonthStatistics:
    """The indicators of one calendar month (definitions in the module docstring)."""
    scope = require_statistics_access(actor, unit_id)
    first = month_start(month)
    result = _Computation(session, [first], scope).run()
    appeals, complaints, proposals = _after_decision(session, [first], scope)
    # the unit's name as the result has it: read again, the unit (no longer referenced, so
    # gone from the session's identity map) was a second statement
    audit_aggregate(
        session,
        actor,
        audit.Action.OPEN,
        "statistics",
        f"statistik {first:%Y-%m}, {result.unit_name}",
    )
    return replace(result.months[0], appeals=appeals, complaints=complaints, proposals=proposals)


def year_statistics(
    session: Session, actor: Actor, year: int, *, unit_id: uuid.UUID | None = None
) -> YearStatistics:
    """The twelve months of `year` and the year figures (definitions in the module docstring)."""
    scope = require_statistics_access(actor, unit_id)
    months = [date(year, m, 1) for m in range(1, 13)]
    result = _Computation(session, months, scope).run()
    appeals, complaints, proposals = _after_decision(session, months, scope)
    result = replace(result, appeals=appeals, complaints=complaints, proposals=proposals)
    audit_aggregate(
        session,
        actor,
        audit.Action.OPEN,
        "statistics",
        f"statistik {year}, {result.unit_name}",
    )
    return result


def _after_decision(
    session: Session, months: list[date], scope: uuid.UUID | None
) -> tuple[AppealStatistics, ComplaintStatistics, ProposalStatistics]:
    """The appeals', the complaints' and the proposals' figures of the period (their
    definitions are in appeal_statistics.py, complaint_statistics.py and
    proposal_statistics.py), under the same access and audit row."""
    from app.statistics import appeal_statistics, complaint_statistics, proposal_statistics

    return (
        appeal_statistics.compute(session, months, scope),
        complaint_statistics.compute(session, months, scope),
        proposal_statistics.compute(session, months, scope),
    )


def as_json_dict(stats: MonthStatistics | YearStatistics) -> dict[str, Any]:
    """Plain JSON values (Decimal and dates as strings, SexCounts with their total)."""

    def convert(value: Any) -> Any:
        if isinstance(value, SexCounts):
            return {"K": value.women, "M": value.men, "totalt": value.total}
        if is_dataclass(value):
            return {f.name: convert(getattr(value, f.name)) for f in fields(value)}
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list):
            return [convert(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return str(value)
        return value

    return convert(stats)


# --- small helpers ------------------------------------------------------------------------------
def share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def sex_shares(part: SexCounts, whole: SexCounts) -> SexShares:
    return SexShares(
        share(part.women, whole.women), share(part.men, whole.men), share(part.total, whole.total)
    )


def _average(total: int, count: int) -> Decimal | None:
    if count <= 0:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _sex_averages(women: Sequence[int], men: Sequence[int]) -> SexAverages:
    """Averages of (sum, count) for women and for men, for a month or the year; the total
    pools both."""
    women_sum, women_count = women
    men_sum, men_count = men
    return SexAverages(
        _average(women_sum, women_count),
        _average(men_sum, men_count),
        _average(women_sum + men_sum, women_count + men_count),
    )


def median_of(histogram: dict[int, int]) -> Decimal | None:
    """The median of values given as value -> how many."""
    n = sum(histogram.values())
    if n == 0:
        return None
    wanted = [(n - 1) // 2, n // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
        if len(found) == 2:
            break
    return Decimal(found[0] + found[1]) / 2


# --- the computation ------------------------------------------------------------------------------
GROUPS = facts.GROUPS
YOUNG = "young"


class _Computation:
    def __init__(self, session: Session, months: Sequence[date], unit_id: uuid.UUID | None):
        self.session = session
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.unit_id = unit_id
        self.months = list(months)
        self.n = len(self.months)
        self.first = month_index(self.months[0])
        self.last = self.first + self.n - 1
        self.period_start = self.months[0]
        self.period_end = month_end(self.months[-1])

    def run(self) -> YearStatistics:
        fact_upkeep.refresh(self.session)  # this session's own changes first
        facts.require_built(self.session)
        return self._assemble()

    # loading ---------------------------------------------------------------------------------
    def _month_facts(self) -> list[Any]:
        """The month facts of the period, from their totals kept per unit, month and
        composition (app/statistics/totals.py): a few hundred rows per unit and month,
        summed over the units for all units. Groups whose facts are all gone are skipped,
        so the rows are those of a GROUP BY over the facts."""

        def build() -> Select:
            m = StatisticsMonthTotal.__table__.c
            keys = (m.month, *(m[key] for key in MONTH_FACT_KEYS))  # closing_reason last
            sums = tuple(m[column] for column in MONTH_FACT_SUMS)  # as `_assemble` reads them
            stmt = (
                select(
                    *keys[:-1],
                    func.nullif(m.closing_reason, ""),
                    *(func.sum(column) for column in sums),
                )
                .where(m.month >= bindparam("first"))
                .where(m.month <= bindparam("last"))
                .group_by(*keys)
                .having(func.sum(m.fact_rows) > 0)
            )
            return self._of_unit(stmt, m.unit_id)

        return self._rows("month_facts", build)

    def _year_facts(self) -> list[Any]:
        """The year facts of the calendar year (each household once per group), from
        their totals kept per unit, year, group and composition."""

        def build() -> Select:
            y = StatisticsYearTotal.__table__.c
            keys = tuple(y[key] for key in YEAR_FACT_KEYS)  # closing_reason last
            stmt = (
                select(
                    *keys[:-1],
                    func.nullif(y.closing_reason, ""),
                    func.sum(y.fact_rows),
                    func.sum(y.support_months),
                )
                .where(y.year == bindparam("year"))
                .group_by(*keys)
                .having(func.sum(y.fact_rows) > 0)
            )
            return self._of_unit(stmt, y.unit_id)

        return self._rows("year_facts", build)

    def _assemble(self) -> YearStatistics:
        n, first = self.n, self.first
        # (group, sex, code, med barn) and (group, sex, YOUNG) -> households per month
        per_month: dict[tuple, list[int]] = defaultdict(lambda: [0] * n)
        duration_sum = {WOMEN: [0] * n, MEN: [0] * n}
        duration_count = {WOMEN: [0] * n, MEN: [0] * n}
        reasons_per_month: dict[tuple, list[int]] = defaultdict(lambda: [0] * n)
        granted, granted_support, paid = [0] * n, [0] * n, [0] * n  # öre
        for month, sex, code, children, young, reason, *sums in self._month_facts():
            position = month - first
            support_months, amounts = sums[6], sums[7:]
            for group, count in zip(GROUPS, sums[:6], strict=True):
                if count:
                    per_month[(group, sex, code, bool(children))][position] += count
                    if young:
                        per_month[(group, sex, YOUNG)][position] += count
            if sums[1] and sex in duration_sum:
                duration_sum[sex][position] += support_months
                duration_count[sex][position] += sums[1]
            if sums[3]:
                reasons_per_month[(reason, sex)][position] += sums[3]
            granted[position] += amounts[0]
            granted_support[position] += amounts[1]
            paid[position] += amounts[2]
        yearly: dict[tuple, int] = defaultdict(int)  # (group, sex, code, barn, ungdom)
        year_duration = {WOMEN: [0, 0], MEN: [0, 0]}
        reasons_yearly: Counter = Counter()
        if n == 12:  # the calendar year
            for group, sex, code, children, young, reason, count, months in self._year_facts():
                yearly[(group, sex, code, bool(children), bool(young))] += count
                if group == "support" and sex in year_duration:
                    year_duration[sex][0] += months
                    year_duration[sex][1] += count
                if group == "closed":
                    reasons_yearly[(reason, sex)] += count
        barriers_monthly, barriers_yearly = self._barriers()
        children_monthly = self._child_documentation()
        events_monthly, events_yearly = self._events()
        responses, target_days, decision_times = self._application_times()
        reason_codes = _closing_codes()

        month_statistics: list[MonthStatistics] = []
        unit_name = unit_label(self.session, self.unit_id)
        for i, month in enumerate(self.months):
            support_households = _household_counts(per_month, "support", i)
            support_amount = Decimal(granted_support[i]) / 100
            month_statistics.append(
                MonthStatistics(
                    month=month,
                    unit_id=self.unit_id,
                    unit_name=unit_name,
                    decision_households=_household_counts(per_month, "decision", i),
                    support_households=support_households,
                    new_households=_household_counts(per_month, "new", i),
                    closed_households=_household_counts(per_month, "closed", i),
                    closing_reasons=_reason_counts(reasons_per_month, reason_codes, i),
                    long_term_10_of_12=_household_counts(per_month, "long12", i),
                    long_term_32_of_36=_household_counts(per_month, "long36", i),
                    average_duration_months=_sex_averages(
                        (duration_sum[WOMEN][i], duration_count[WOMEN][i]),
                        (duration_sum[MEN][i], duration_count[MEN][i]),
                    ),
                    support_barriers=barriers_monthly[i],
                    amount_granted=_kronor(granted[i]),
                    amount_granted_support=_kronor(granted_support[i]),
                    amount_paid=_kronor(paid[i]),
                    cost_per_support_household=_per(support_amount, support_households.total.total),
                    child_documentation=children_monthly[i].result(),
                    sip=events_monthly[JournalType.SIP][i],
                    home_visits=events_monthly[JournalType.HOME_VISIT][i],
                    first_response=_first_response(*responses[i]),
                    time_to_decision=_decision_time(target_days, *decision_times[i]),
                )
            )
        year_support = _year_household_counts(yearly, "support")
        support_total = Decimal(sum(granted_support)) / 100
        year_children = _ChildTally()
        for tally in children_monthly:
            year_children.merge(tally)
        return YearStatistics(
            year=self.months[0].year,
            unit_id=self.unit_id,
            unit_name=unit_name,
            months=month_statistics,
            decision_households=_year_household_counts(yearly, "decision"),
            support_households=year_support,
            new_households=_year_household_counts(yearly, "new"),
            closed_households=_year_household_counts(yearly, "closed"),
            closing_reasons={
                code: SexCounts(reasons_yearly[(code, WOMEN)], reasons_yearly[(code, MEN)])
                for code in _codes_with(reason_codes, (k[0] for k in reasons_yearly))
            },
            long_term_10_of_12=_year_household_counts(yearly, "long12"),
            long_term_32_of_36=_year_household_counts(yearly, "long36"),
            average_duration_months=_sex_averages(year_duration[WOMEN], year_duration[MEN]),
            support_barriers=barriers_yearly,
            amount_granted=_kronor(sum(granted)),
            amount_granted_support=_kronor(sum(granted_support)),
            amount_paid=_kronor(sum(paid)),
            cost_per_support_household=_per(support_total, year_support.total.total),
            child_documentation=year_children.result(),
            sip=events_yearly[JournalType.SIP],
            home_visits=events_yearly[JournalType.HOME_VISIT],
            first_response=_first_response(*_merged(responses)),
            time_to_decision=_decision_time(target_days, *_merged(decision_times)),
        )

    # other sources --------------------------------------------------------------------------
    def _barriers(self) -> tuple[list[dict[str, SexCounts]], dict[str, SexCounts]]:
        """Each adult with their own sex: a month the registrations (a person has at most
        one per case and month, so a person registered in two cases counts twice), the
        period the distinct adults per code (a person in two units' cases once in each
        unit and once in all units). Read from the totals the database keeps
        (app.statistics.barrier_facts): a few rows per code and sex."""
        from app.common import code_lists

        codes = [c.code for c in code_lists.codes(code_lists.SUPPORT_BARRIER)]

        def per_month() -> Select:
            r = StatisticsBarrierTotal.__table__.c
            stmt = (
                select(r.month, r.code, r.sex, func.sum(r.fact_rows))
                .where(r.month >= bindparam("first"))
                .where(r.month <= bindparam("last"))
                .where(r.fact_rows > 0)
                .group_by(r.month, r.code, r.sex)
            )
            return self._of_unit(stmt, r.unit_id)

        monthly: list[dict[str, Counter]] = [defaultdict(Counter) for _ in range(self.n)]
        for index, code, sex, count in self._rows("barriers_per_month", per_month):
            monthly[index - self.first][code][sex] += int(count)
        month = self.n == 1  # else a calendar year

        def per_period() -> Select:
            if self.unit_id is None:
                kept: Any = (
                    StatisticsBarrierMonthPersonCount if month else StatisticsBarrierYearPersonCount
                )
            else:
                kept = (
                    StatisticsBarrierMonthAdultCount if month else StatisticsBarrierYearAdultCount
                )
            a = kept.__table__.c
            in_period = a.month == bindparam("first") if month else a.year == bindparam("year")
            stmt = (
                select(a.code, a.sex, func.sum(a.present))
                .where(in_period)
                .where(a.present > 0)
                .group_by(a.code, a.sex)
            )
            # the person counts for all units have no unit column
            return stmt if self.unit_id is None else self._of_unit(stmt, a.unit_id)

        yearly: dict[str, Counter] = defaultdict(Counter)
        for code, sex, count in self._rows(("barriers_per_period", month), per_period):
            yearly[code][sex] += int(count)

        def as_counts(table) -> dict[str, SexCounts]:
            return {
                code: SexCounts(table[code][WOMEN], table[code][MEN])
                for code in _codes_with(codes, table)
            }

        return [as_counts(m) for m in monthly], as_counts(yearly)

    def _events(self) -> tuple[dict[str, list[EventCounts]], dict[str, EventCounts]]:
        """Read from the kept totals (statistics_event_totals: the event facts summed by the
        database per unit, type, month, the household's sex that month, whether the month is
        the case's last with the type in the calendar year, and whether the household has
        other cases; app.statistics.event_facts): a few rows per unit and month. A case is
        its household (the program makes one household per case): only the rare household
        with more than one case is counted here once, from its cases' facts
        (`_count_shared`). The year counts each household once, as in its last month with
        the type; a month, each household of the month."""
        kinds: tuple[str, ...] = event_facts.KINDS

        def build() -> Select:
            t = StatisticsEventTotal.__table__.c
            keys = (t.kind, t.month, t.sex, t.last_in_year, t.shared)
            stmt = (
                select(
                    *keys, cast(func.sum(t.entries), Integer), cast(func.sum(t.fact_rows), Integer)
                )
                .where(t.month >= bindparam("first"))
                .where(t.month <= bindparam("last"))
                .where(t.kind.in_(kinds))
                .group_by(*keys)
                .having(func.sum(t.fact_rows) > 0)
            )
            return self._of_unit(stmt, t.unit_id)

        # the totals' last month is the calendar year's: a year's or a single month's
        by_totals = self.n == 1 or (self.n == 12 and self.months[0].month == 1)
        events = {kind: [0] * self.n for kind in kinds}
        households = {kind: {WOMEN: [0] * self.n, MEN: [0] * self.n} for kind in kinds}
        last: dict[str, Counter] = {kind: Counter() for kind in kinds}
        for kind, index, sex, in_year, _shared, entries, cases in self._rows("events", build):
            position = index - self.first
            events[kind][position] += entries
            if by_totals:
                households[kind].setdefault(sex, [0] * self.n)[position] += cases
                last[kind][sex] += cases if in_year or self.n == 1 else 0
        self._count_shared(households, last, only_shared=by_totals)
        monthly = {
            kind: [
                EventCounts(
                    events[kind][i],
                    SexCounts(households[kind][WOMEN][i], households[kind][MEN][i]),
                )
                for i in range(self.n)
            ]
            for kind in kinds
        }
        yearly = {
            kind: EventCounts(sum(events[kind]), SexCounts(last[kind][WOMEN], last[kind][MEN]))
            for kind in kinds
        }
        return monthly, yearly

    def _count_shared(
        self,
        households: dict[str, dict[str, list[int]]],
        last: dict[str, Counter],
        *,
        only_shared: bool,
    ) -> None:
        """The event months of households with more than one case (`only_shared`; else of
        every household) counted once per household, type and month, the last month the
        latest of its cases'. What the totals counted per case for them is taken back
        first. On PostgreSQL the facts are read under row-level security: a case hidden
        from the reader stays counted as the totals count it (as its own household)."""

        def build() -> Select:
            f = StatisticsEventFact.__table__.c
            stmt = (
                select(Case.household_id, f.kind, f.month, f.sex, f.last_in_year)
                .join(Case, Case.id == f.case_id)
                .where(f.month >= bindparam("first"))
                .where(f.month <= bindparam("last"))
                .where(f.kind.in_(event_facts.KINDS))
            )
            if only_shared:
                stmt = stmt.where(f.shared == 1)
            return self._of_unit(stmt, f.unit_id)

        # (household, kind) -> position -> sex
        found: dict[tuple[Any, str], dict[int, str]] = defaultdict(dict)
        for household_id, kind, index, sex, in_year in self._rows(
            ("shared_events", only_shared), build
        ):
            position = index - self.first
            if only_shared:
                households[kind].setdefault(sex, [0] * self.n)[position] -= 1
                last[kind][sex] -= 1 if in_year or self.n == 1 else 0
            found[(household_id, kind)].setdefault(position, sex)
        for (_household_id, kind), seen in found.items():
            latest = max(seen)
            for position, sex in seen.items():
                households[kind].setdefault(sex, [0] * self.n)[position] += 1
                if position == latest:
                    last[kind][sex] += 1

    def _child_documentation(self) -> list[_ChildTally]:
        """Seed 004's audit (see the module docstring), from its kept totals per unit,
        month, child's sex and flags (app.statistics.child_facts, migration 0034): a few
        rows per unit and month. A group with no fact rows left is kept with zeros."""

        def build() -> Select:
            t = StatisticsChildTotal.__table__.c
            keys = (t.month, t.sex, *(t[flag] for flag in CHILD_FLAGS))
            stmt = (
                select(*keys, *(cast(func.sum(t[name]), BigInteger) for name in CHILD_SUMS))
                .where(t.month >= bindparam("first"))
                .where(t.month <= bindparam("last"))
                .group_by(*keys)
                .having(func.sum(t.fact_rows) > 0)
            )
            return self._of_unit(stmt, t.unit_id)

        tallies = [_ChildTally() for _ in range(self.n)]
        for month, sex, *rest in self._rows("child_documentation", build):
            flags, (children, decisions, all_named) = rest[:5], rest[5:]
            tally = tallies[month - self.first]
            tally.decisions += decisions
            tally.decisions_all_named += all_named
            if sex != DECISIONS_SEX:
                tally.add_child(sex, *(bool(flag) for flag in flags), times=children)
        return tallies

    def _application_times(self) -> tuple[list[list], int, list[list]]:
        """Första återkoppling and time to decision of the applications received in the
        period, from the values kept on each application (app/deadlines/application_facts.py,
        migration 0029): the tallies ([received, answered/decided, in time, open in time,
        histogram] per month) are made from the counts the database keeps per unit, month
        and times (statistics_application_totals, migration 0032; a time not yet there is
        kept as totals.NO_TIME).

        Whether a still-open application is within its deadline depends on now: those few
        are counted apart, from the partial index `ix_applications_unit_open` (a unit's) or
        `ix_applications_open` (the response deadline not passed, in whole seconds as the
        times are kept; the decision target not passed since the day received); on
        PostgreSQL as a user's own role, counted by the server (`_open_rows`)."""
        target = stored_settings.get_int(self.session, registry.DECISION_WARNING_DAYS)
        responses = [[0, 0, 0, 0, Counter()] for _ in range(self.n)]
        decisions = [[0, 0, 0, 0, Counter()] for _ in range(self.n)]
        # The response times and the decision times summed apart: the totals are kept per
        # both, and their combinations are ten times the rows of either (a big unit's month
        # at 10 000 households: 589 rows against 34 and 18), each row handled in Python.
        for month, minute, on_time, count in self._application_counts(
            "response_minutes", "responded_in_time"
        ):
            t = responses[month - self.first]
            t[0] += count
            if minute != totals.NO_TIME:
                t[1] += count
                t[2] += count if on_time else 0
                t[4][minute] += count
        for month, waited, count in self._application_counts("decision_days"):
            t = decisions[month - self.first]
            t[0] += count
            if waited != totals.NO_TIME:
                t[1] += count
                t[2] += count if waited <= target else 0
                t[4][waited] += count
        now = clock.now()
        now_second = now.replace(microsecond=0) + timedelta(
            seconds=1 if now.microsecond >= 500_000 else 0
        )
        cutoff = clock.today() - timedelta(days=target)
        for month, response_open, decision_open in self._open_rows(now_second, cutoff):
            responses[month - self.first][3] += int(response_open or 0)
            decisions[month - self.first][3] += int(decision_open or 0)
        return responses, target, decisions

    def _application_counts(self, *keys: str) -> list[Any]:
        """The kept applications of the period summed per month and the columns `keys`."""

        def build() -> Select:
            a = StatisticsApplicationTotal.__table__.c
            columns = [a[key] for key in keys]
            counts = (
                select(a.received_month, *columns, func.sum(a.fact_rows))
                .where(a.received_month >= bindparam("first"))
                .where(a.received_month <= bindparam("last"))
                .group_by(a.received_month, *columns)
                .having(func.sum(a.fact_rows) > 0)
            )
            return self._of_unit(counts, a.unit_id)

        return self._rows(("application_counts", keys), build)

    def _open_rows(self, due_from: datetime, received_from: date) -> list[Any]:
        """(month, open responses in time, open decisions in time) of the still-open
        applications: the response deadline not passed (`due_from`), the decision target
        not passed (received on or after `received_from`). On PostgreSQL, as an
        administrator's or a chef's own role, the server counts them
        (`arendestod_open_applications`, migration 0032): row-level security hides them
        from an administrator, and would check each row's case for a chef."""
        if not self.sqlite and self._server_role() in ("administrator", "chef"):
            function = func.arendestod_open_applications(
                self.first, self.last, self.unit_id, due_from, received_from
            ).table_valued("received_month", "response_open", "decision_open")
            return plain_rows(self.session, select(function))

        def build() -> Select:
            unanswered = Application.response_minutes.is_(None)
            undecided = Application.decision_days.is_(None)
            due = Application.response_due_at >= bindparam("due_from")
            received = Application.received_on >= bindparam("received_from")
            still_open = (
                select(
                    Application.received_month,
                    func.sum(case((and_(unanswered, due), 1))),
                    func.sum(case((and_(undecided, received), 1))),
                )
                .where(Application.received_month >= bindparam("first"))
                .where(Application.received_month <= bindparam("last"))
                .where(or_(unanswered, undecided))
                # only these can be open in time: the rows of the recent days, not every
                # undecided application of the period (the sums are the same)
                .where(or_(due, received))
                .group_by(Application.received_month)
            )
            return self._where_unit(still_open)

        return self._rows("still_open", build, due_from=due_from, received_from=received_from)

    def _server_role(self) -> str | None:
        """The role of the user the connection's login belongs to (None: not a user's
        login, e.g. the owner's, which row-level security does not restrict)."""
        return self.session.scalar(text("SELECT public.arendestod_user_role()"))

    def _where_unit(self, stmt: Select) -> Select:
        """A unit's applications by the unit kept on each (app.statistics.application_units,
        migration 0031): a range of the partial index `ix_applications_unit_open`."""
        return self._of_unit(stmt, Application.unit_id)

    def _of_unit(self, stmt: Select, unit_column: Any) -> Select:
        """`stmt` limited to the unit (its `bindparam` "unit_id") when one is asked for."""
        return stmt if self.unit_id is None else stmt.where(unit_column == bindparam("unit_id"))

    def _rows(self, name: Hashable, build: Callable[[], Select], **more: Any) -> list[Any]:
        """The rows of the statement `build` makes, made once per process for each `name`
        and whether a unit is asked for (`built_once`), run with this computation's period
        (bound as first, last, year, unit_id) and `more`."""
        stmt = built_once(("statistics", name, self.unit_id is None), build)
        parameters = {
            "first": self.first,
            "last": self.last,
            "year": self.months[0].year,
            "unit_id": self.unit_id,
            **more,
        }
        return plain_rows(self.session, stmt, parameters)


# --- combining ------------------------------------------------------------------------------------
def _codes_with(known: Iterable[str], found: Iterable[str]) -> list[str]:
    codes = list(known)
    for code in found:
        if code not in codes:
            codes.append(code)
    return codes


def _closing_codes() -> list[str]:
    from app.common import code_lists

    return [c.code for c in code_lists.codes(code_lists.CLOSING_REASON)]


def _household_counts(per_month: dict[tuple, list[int]], group: str, i: int) -> HouseholdCounts:
    def count(sex: str, code: str | None = None, children: bool | None = None) -> int:
        return sum(
            values[i]
            for key, values in per_month.items()
            if key[0] == group
            and key[1] == sex
            and key[2] != YOUNG
            and (code is None or key[2] == code)
            and (children is None or key[3] == children)
        )

    def young(sex: str) -> int:
        values = per_month.get((group, sex, YOUNG))
        return values[i] if values else 0

    return _household_counts_from(count, young)


def _year_household_counts(yearly: dict[tuple, int], group: str) -> HouseholdCounts:
    def count(sex: str, code: str | None = None, children=None, young=None) -> int:
        return sum(
            n
            for (g, s, c, kids, is_young), n in yearly.items()
            if g == group
            and s == sex
            and (code is None or c == code)
            and (children is None or kids == children)
            and (young is None or is_young == young)
        )

    return _household_counts_from(count, lambda sex: count(sex, young=True))


def _household_counts_from(
    count: Callable[..., int], young: Callable[[str], int]
) -> HouseholdCounts:
    """One group's counts, the same for a month and for the year: `count(sex, code,
    children=...)` counts the group's households, `young(sex)` its ungdomshushåll."""
    return HouseholdCounts(
        total=SexCounts(count(WOMEN), count(MEN)),
        by_type={
            code: SexCounts(count(WOMEN, code), count(MEN, code))
            for code in household_type.HOUSEHOLD_TYPES
        },
        with_children=SexCounts(count(WOMEN, children=True), count(MEN, children=True)),
        young=SexCounts(young(WOMEN), young(MEN)),
    )


def _reason_counts(per_month: dict[tuple, list[int]], codes: list[str], i: int):
    found = {key[0] for key in per_month}
    return {
        code: SexCounts(
            per_month.get((code, WOMEN), [0] * (i + 1))[i],
            per_month.get((code, MEN), [0] * (i + 1))[i],
        )
        for code in _codes_with(codes, sorted(found))
    }


def _kronor(ore: int) -> Decimal:
    return (Decimal(ore) / 100).quantize(Decimal("0.01"))


def _per(amount: Decimal, households: int) -> Decimal | None:
    if households <= 0:
        return None
    return (amount / households).quantize(Decimal("0.01"), ROUND_HALF_UP)


class _ChildTally:
    def __init__(self) -> None:
        self.decisions = 0
        self.decisions_all_named = 0
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add_child(self, sex: str, *flags: bool, times: int = 1) -> None:
        names = ("named", "with_bka", "bka_situation", "bka_needs", "bka_consequences")
        self.counts["children"][sex] += times
        for name, flag in zip(names, flags, strict=True):
            if flag:
                self.counts[name][sex] += times

    def merge(self, other: _ChildTally) -> None:
        self.decisions += other.decisions
        self.decisions_all_named += other.decisions_all_named
        for name, counter in other.counts.items():
            self.counts[name].update(counter)

    def result(self) -> ChildDocumentation:
        def get(name: str) -> SexCounts:
            return SexCounts(self.counts[name][WOMEN], self.counts[name][MEN])

        children, with_bka = get("children"), get("with_bka")
        return ChildDocumentation(
            decisions=self.decisions,
            decisions_all_named=self.decisions_all_named,
            children=children,
            named=get("named"),
            with_bka=with_bka,
            bka_situation=get("bka_situation"),
            bka_needs=get("bka_needs"),
            bka_consequences=get("bka_consequences"),
            named_share=sex_shares(get("named"), children),
            bka_situation_share=sex_shares(get("bka_situation"), with_bka),
            bka_needs_share=sex_shares(get("bka_needs"), with_bka),
            bka_consequences_share=sex_shares(get("bka_consequences"), with_bka),
        )


def _first_response(
    received: int, answered: int, in_time: int, open_in_time: int, minutes: Counter
) -> FirstResponseTimes:
    median = median_of(minutes)
    return FirstResponseTimes(
        received=received,
        answered=answered,
        answered_in_time=in_time,
        open_in_time=open_in_time,
        median_hours=None
        if median is None
        else (median / 60).quantize(Decimal("0.01"), ROUND_HALF_UP),
        share_in_time=share(in_time, received - open_in_time),
    )


def _decision_time(
    target: int, received: int, decided: int, in_time: int, open_in_time: int, days: Counter
) -> DecisionTimes:
    return DecisionTimes(
        target_days=target,
        received=received,
        decided=decided,
        decided_in_time=in_time,
        open_in_time=open_in_time,
        median_days=median_of(days),
        share_in_time=share(in_time, received - open_in_time),
    )


def _merged(tallies: list[list]) -> list:
    """Sums of [count, count, count, count, histogram] tallies."""
    total: list = [0, 0, 0, 0, Counter()]
    for t in tallies:
        for i in range(4):
            total[i] += t[i]
        total[4].update(t[4])
    return total
