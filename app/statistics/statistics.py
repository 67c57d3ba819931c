"""Statistics for chefs: the figures municipalities report on ekonomiskt bistånd
(DOMAIN.md "Statistics people ask for"; seed 001 "Verksamhetsstatistik 2011"; seed 004's
internal audit of the children's documentation).

`month_statistics` and `year_statistics` are aggregate: only chefs (their own unit) and
administrators may run them, and each call writes one audit row. Household counts are split
by the sökande's sex (K/M), försörjningshinder by each adult's sex, the children's audit by
the children's sex (girls/boys).

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
refuse with a message naming the rebuild rather than give wrong figures. Here the database sums
the month facts per month and composition (a covering range read of the unit's, or all units',
months, migration 0028) and counts the year facts per group; Python only lays the counts out.
The applications' times are not computed here either: each application keeps its Swedish
receipt day and month, response deadline, minutes to the första återkoppling, in time or not,
and days to decision (app/deadlines/application_facts.py, migration 0029; on PostgreSQL
computed by the server from the row), and the period's are counted grouped in the order of
their covering index; only whether a still-open one is within its deadline is decided at the
time of asking, from a partial index of the open ones. Försörjningshinder, the children's
documentation and SIP/hembesök are counted by the database from their rows (`_barriers`,
`_child_documentation`, `_events`; indexes led by the type and date or the month, migration
0029), grouped by month, code and sex into a few rows: a person's own sex from persons, a
household's sökande's sex in a month from its kept month facts. Only what a grouped read
cannot give comes back row by row: decisions that name children (their texts and BKA are
read here; on SQLite every audited decision's children, read in the households' order, which
costs the encrypted file fewer pages than the partial indexes of migration 0030 that
PostgreSQL uses) and the rare event month without kept facts or case sharing a household
(its household's memberships are read here).
benchmarks/chef.py measures it on the 100 000-household database.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from app.common import clock
from app.common.codes import JournalType
from app.common.errors import AccessDenied
from app.common.periods import month_end, month_index, month_start
from app.db.batches import in_batches, plain_rows
from app.forms.answers import is_filled
from app.models import (
    Application,
    Case,
    Decision,
    FormInstance,
    FormKey,
    HouseholdMember,
    MemberRole,
    Outcome,
    Person,
    StatisticsBarrierMonthAdultCount,
    StatisticsBarrierMonthPersonCount,
    StatisticsBarrierTotal,
    StatisticsBarrierYearAdultCount,
    StatisticsBarrierYearPersonCount,
    StatisticsEventFact,
    StatisticsMonthFact,
    StatisticsYearFact,
    Unit,
)
from app.security import audit
from app.security.actor import Actor
from app.settings import registry, stored_settings
from app.statistics import event_facts, fact_upkeep, facts, household_type

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


# --- public entry points ----------------------------------------------------------------------
def month_statistics(
    session: Session, actor: Actor, month: date, *, unit_id: uuid.UUID | None = None
) -> MonthStatistics:
    """The indicators of one calendar month (definitions in the module docstring)."""
    scope = require_statistics_access(actor, unit_id)
    first = month_start(month)
    result = _Computation(session, [first], scope).run()
    audit_aggregate(
        session,
        actor,
        audit.Action.OPEN,
        "statistics",
        f"statistik {first:%Y-%m}, {unit_label(session, scope)}",
    )
    return result.months[0]


def year_statistics(
    session: Session, actor: Actor, year: int, *, unit_id: uuid.UUID | None = None
) -> YearStatistics:
    """The twelve months of `year` and the year figures (definitions in the module docstring)."""
    scope = require_statistics_access(actor, unit_id)
    result = _Computation(session, [date(year, m, 1) for m in range(1, 13)], scope).run()
    audit_aggregate(
        session,
        actor,
        audit.Action.OPEN,
        "statistics",
        f"statistik {year}, {unit_label(session, scope)}",
    )
    return result


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


def _bits(mask: int) -> Iterable[int]:
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _uuid_text(value: Any) -> str:
    """The usual text form of an id read with `_Sql.id_text` (SQLite stores 32 hex digits)."""
    if isinstance(value, str) and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(value)


# --- SQL expressions that differ between SQLite and PostgreSQL ------------------------------------
class _Sql:
    def __init__(self, session: Session):
        self.sqlite = session.get_bind().dialect.name == "sqlite"

    def month_index(self, column: Any) -> ColumnElement[int]:
        """year * 12 + month - 1 of a date column."""
        if self.sqlite:  # dates are ISO text there; substr is much cheaper than strftime
            return (
                cast(func.substr(column, 1, 4), Integer) * 12
                + cast(func.substr(column, 6, 2), Integer)
                - 1
            )
        return (
            cast(extract("year", column), Integer) * 12
            + cast(extract("month", column), Integer)
            - 1
        )

    def day_key(self, column: Any) -> ColumnElement[int]:
        """yyyymmdd of a date column, as an integer."""
        if self.sqlite:
            return (
                cast(func.substr(column, 1, 4), Integer) * 10000
                + cast(func.substr(column, 6, 2), Integer) * 100
                + cast(func.substr(column, 9, 2), Integer)
            )
        return (
            cast(extract("year", column), Integer) * 10000
            + cast(extract("month", column), Integer) * 100
            + cast(extract("day", column), Integer)
        )

    def epoch(self, column: Any) -> ColumnElement[int]:
        """Whole seconds since 1970-01-01 UTC of a UTC time (or of a date's midnight)."""
        if self.sqlite:
            return cast(func.round((func.julianday(column) - 2440587.5) * 86400), BigInteger)
        return cast(func.round(extract("epoch", column)), BigInteger)

    def id_text(self, column: Any) -> ColumnElement[Any]:
        """An id read as text (no uuid.UUID per row): as stored on SQLite (32 hex digits,
        see `_uuid_text`), cast on PostgreSQL (whose driver makes UUIDs of uuid columns)."""
        if self.sqlite:
            return type_coerce(column, String)
        return cast(column, String)

    def id_in(self, column: Any, ids: Sequence[Any]) -> ColumnElement[bool]:
        """`column` is one of these ids, read with `id_text`."""
        if self.sqlite:
            return type_coerce(column, String).in_(ids)
        return column.in_([uuid.UUID(i) for i in ids])

    def sex_of(self, person_column: Any) -> tuple[ColumnElement[Any], Callable[[Any], Any]]:
        """The sex of the person in `person_column`, and what a select reading it must
        add. On SQLite a scalar subquery: a join would let its planner start from every
        person and membership instead of the period's rows."""
        if self.sqlite:
            sex = select(Person.sex).where(Person.id == person_column).scalar_subquery()
            return sex, lambda stmt: stmt

        def joined(stmt: Any) -> Any:
            return stmt.join(Person, Person.id == person_column)

        return Person.__table__.c.sex, joined

    def bit(self, index: Any) -> ColumnElement[int]:
        return cast(literal(1), BigInteger).op("<<")(index)


# --- the computation ------------------------------------------------------------------------------
GROUPS = facts.GROUPS
YOUNG = "young"


class _Computation:
    def __init__(self, session: Session, months: Sequence[date], unit_id: uuid.UUID | None):
        self.session = session
        self.sql = _Sql(session)
        self.unit_id = unit_id
        self.months = list(months)
        self.n = len(self.months)
        self.first = month_index(self.months[0])
        self.last = self.first + self.n - 1
        self.period_start = self.months[0]
        self.period_end = month_end(self.months[-1])
        self.members: dict[Any, tuple] = {}
        """Household -> its memberships in sort order, as the household type needs them:
        (role, umgängesbarn, from, until, sex if sökande, 18 from). From, until and 18 from
        are month indexes clamped to the period (None: before/after it; see `_adult_from`),
        so that households of the same composition have equal tuples and share their runs.
        Loaded only for the households that need them (`_load_members`: events in a month
        without kept facts)."""
        self.runs: dict[tuple, list[tuple[int, str, str, bool]]] = {}
        """Composition -> (mask, sex, type code, med barn) runs; see `_segments`."""
        self.household_runs: dict[Any, list[tuple[int, str, str, bool]]] = {}

    # scope
    def _cases_in_scope(self):
        # an alias: never correlated with a `cases` of the statement it is put in
        scope = aliased(Case)
        return select(scope.id).where(scope.unit_id == self.unit_id)

    def _in_scope(self, case_column):
        return case_column.in_(self._cases_in_scope()) if self.unit_id is not None else None

    def _where_scope(self, stmt, case_column):
        condition = self._in_scope(case_column)
        return stmt if condition is None else stmt.where(condition)

    def run(self) -> YearStatistics:
        fact_upkeep.refresh(self.session)  # this session's own changes first
        facts.require_built(self.session)
        return self._assemble()

    # loading ---------------------------------------------------------------------------------
    def _month_facts(self) -> list[Any]:
        """The kept month facts of the period, counted by the database per month and
        composition (a covering range read of the unit's, or all units', months)."""
        m = StatisticsMonthFact.__table__.c
        keys = (m.month, m.sex, m.household_type, m.with_children, m.young, m.closing_reason)
        sums = (
            m.decision,
            m.support,
            m.new,
            m.closed,
            m.long12,
            m.long36,
            m.support_months,
            m.granted,
            m.granted_support,
            m.paid,
        )
        stmt = (
            select(*keys, *(func.sum(column) for column in sums))
            .where(m.month >= self.first)
            .where(m.month <= self.last)
            .group_by(*keys)
        )
        if self.unit_id is not None:
            stmt = stmt.where(m.unit_id == self.unit_id)
        return plain_rows(self.session, stmt)

    def _year_facts(self) -> list[Any]:
        """The kept year facts of the calendar year: each household once per group."""
        y = StatisticsYearFact.__table__.c
        keys = (y.grp, y.sex, y.household_type, y.with_children, y.young, y.closing_reason)
        stmt = (
            select(*keys, func.count(), func.sum(y.support_months))
            .where(y.year == self.months[0].year)
            .group_by(*keys)
        )
        if self.unit_id is not None:
            stmt = stmt.where(y.unit_id == self.unit_id)
        return plain_rows(self.session, stmt)

    def _load_members(self, household_ids: Iterable[Any]) -> None:
        """The memberships of these households (ids as `_Sql.id_text` reads them)."""
        sql = self.sql
        applicant_role = MemberRole.APPLICANT.value  # the role is read as plain text
        members: dict[Any, list[tuple]] = defaultdict(list)
        for chunk in in_batches(sorted(set(household_ids) - self.members.keys())):
            stmt = (
                select(
                    sql.id_text(HouseholdMember.household_id),
                    type_coerce(HouseholdMember.role, String),
                    type_coerce(HouseholdMember.visiting_child, Integer),
                    sql.month_index(HouseholdMember.member_from),
                    sql.month_index(HouseholdMember.member_until),
                    Person.sex,
                    sql.day_key(Person.birth_date),
                )
                .join(Person, Person.id == HouseholdMember.person_id)
                .where(sql.id_in(HouseholdMember.household_id, chunk))
                .order_by(HouseholdMember.household_id, HouseholdMember.sort_order)
            )
            for household_id, role, visiting, start, until, sex, birth in plain_rows(
                self.session, stmt
            ):
                applicant = role == applicant_role
                members[household_id].append(
                    (
                        role,
                        bool(visiting),
                        *self._clamped(start, until),
                        sex if applicant else None,
                        self._adult_from(birth),
                    )
                )
        self.members.update((household_id, tuple(found)) for household_id, found in members.items())

    def _clamped(self, start: int | None, until: int | None) -> tuple[int | None, int | None]:
        """A membership's first and last month as far as the period tells them apart: None
        from before / until after the period, one month outside it if wholly outside."""
        first, last = self.first, self.last
        if start is not None and start <= first:
            start = None
        elif start is not None and start > last:
            start = last + 1
        if until is not None and until >= last:
            until = None
        elif until is not None and until < first:
            until = first - 1
        return start, until

    def _adult_from(self, birth: int) -> int:
        """The month index from which a person born on `birth` (yyyymmdd) is 18 on the
        month's first day (household_type.adult_on), clamped to the period: `first` when
        18 all through it, one month after it when 18 in none of it."""
        born = birth // 10000 * 12 + birth // 100 % 100 - 1 + (0 if birth % 100 == 1 else 1)
        adult = born + household_type.ADULT_AGE * 12
        return min(max(adult, self.first), self.last + 1)

    # per household ---------------------------------------------------------------------------
    def _runs(self, household_id: Any) -> list[tuple[int, str, str, bool]]:
        runs = self.household_runs.get(household_id)
        if runs is None:
            composition = self.members.get(household_id, ())
            runs = self.runs.get(composition)
            if runs is None:
                runs = self.runs[composition] = self._segments(composition)
            self.household_runs[household_id] = runs
        return runs

    def _segments(self, members: tuple) -> list[tuple[int, str, str, bool]]:
        """(mask over the period's months, sökande's sex, type code, med barn) runs: the
        household type of each stretch of months with the same members and the same
        children under 18 (household_type.type_of_members, on the clamped memberships)."""
        n, first = self.n, self.first
        cuts = {0}
        for _role, _visiting, start, until, _sex, adult_from in members:
            if start is not None and first < start <= self.last:
                cuts.add(start - first)
            if until is not None and first <= until < self.last:
                cuts.add(until + 1 - first)
            if first < adult_from <= self.last:
                cuts.add(adult_from - first)
        applicant_role, child_role = MemberRole.APPLICANT.value, MemberRole.CHILD.value
        co_applicant_role = MemberRole.CO_APPLICANT.value
        applicant_sex = next((m[4] for m in members if m[0] == applicant_role), None)
        ordered = sorted(cuts) + [n]
        runs: list[tuple[int, str, str, bool]] = []
        for a, b in pairwise(ordered):
            index = first + a
            applicant = co_applicant = False
            grown = children = 0
            sex = None
            for role, visiting, start, until, member_sex, adult_from in members:
                if (start is not None and start > index) or (until is not None and until < index):
                    continue
                if role == child_role and visiting:
                    continue
                if role == applicant_role and not applicant:
                    applicant, sex = True, member_sex
                elif role == co_applicant_role:
                    co_applicant = True
                if index >= adult_from:
                    grown += 1
                else:
                    children += 1
            code = household_type.classify(
                applicant=applicant,
                applicant_sex=sex,
                co_applicant=co_applicant,
                grown=grown,
                children=children,
            )
            mask = ((1 << (b - a)) - 1) << a
            sex = sex or applicant_sex or WOMEN
            if runs and runs[-1][1:] == (sex, code, children > 0):
                runs[-1] = (runs[-1][0] | mask, sex, code, children > 0)
            else:
                runs.append((mask, sex, code, children > 0))
        return runs

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
        r = StatisticsBarrierTotal.__table__.c
        per_month = (
            select(r.month, r.code, r.sex, func.sum(r.fact_rows))
            .where(r.month >= self.first)
            .where(r.month <= self.last)
            .where(r.fact_rows > 0)
            .group_by(r.month, r.code, r.sex)
        )
        if self.unit_id is not None:
            per_month = per_month.where(r.unit_id == self.unit_id)
        monthly: list[dict[str, Counter]] = [defaultdict(Counter) for _ in range(self.n)]
        for index, code, sex, count in plain_rows(self.session, per_month):
            monthly[index - self.first][code][sex] += int(count)
        month = self.n == 1  # else a calendar year
        if self.unit_id is None:
            kept: Any = (
                StatisticsBarrierMonthPersonCount if month else StatisticsBarrierYearPersonCount
            )
        else:
            kept = StatisticsBarrierMonthAdultCount if month else StatisticsBarrierYearAdultCount
        a = kept.__table__.c
        in_period = a.month == self.first if month else a.year == self.first // 12
        per_period = (
            select(a.code, a.sex, func.sum(a.present))
            .where(in_period)
            .where(a.present > 0)
            .group_by(a.code, a.sex)
        )
        if self.unit_id is not None:
            per_period = per_period.where(a.unit_id == self.unit_id)
        yearly: dict[str, Counter] = defaultdict(Counter)
        for code, sex, count in plain_rows(self.session, per_period):
            yearly[code][sex] += int(count)

        def as_counts(table) -> dict[str, SexCounts]:
            return {
                code: SexCounts(table[code][WOMEN], table[code][MEN])
                for code in _codes_with(codes, table)
            }

        return [as_counts(m) for m in monthly], as_counts(yearly)

    def _events(self) -> tuple[dict[str, list[EventCounts]], dict[str, EventCounts]]:
        """Counted by the database per type, month and the household's sökande's sex in the
        month, from the kept counts per case and month (statistics_event_facts,
        app.statistics.event_facts) and the sex of the case's kept month facts
        (statistics_month_facts: the same composition); each case-month flagged when it is
        the case's last month with the type in the period (the year counts each household
        once, as it was then). A case is its household (the program makes one household per
        case): only a case whose household has another case, or a month without kept facts
        (no decision, no change of status), comes back row by row, and is counted here by
        household, its sex worked out from the memberships where no facts tell it."""
        e, f = StatisticsEventFact.__table__.c, StatisticsMonthFact.__table__.c
        kinds: tuple[str, ...] = event_facts.KINDS
        kept = (
            select(
                e.case_id.label("case_id"),
                e.kind.label("kind"),
                e.month.label("month"),
                e.entries.label("n"),
            )
            .where(e.month >= self.first)
            .where(e.month <= self.last)
            .where(e.kind.in_(kinds))
        )
        if self.unit_id is not None:
            kept = kept.where(e.unit_id == self.unit_id)
        per_case = kept.subquery()
        c = per_case.c
        shared = aliased(Case)
        shared_households = (
            select(shared.household_id).group_by(shared.household_id).having(func.count() > 1)
        )
        sharing = aliased(Case)
        apart = select(sharing.id).where(sharing.household_id.in_(shared_households))
        last_month = func.max(c.month).over(partition_by=(c.case_id, c.kind))
        flagged = (
            select(
                c.case_id,
                c.kind,
                c.month,
                c.n,
                f.sex,
                case((c.month == last_month, 1), else_=0).label("last"),
                case((c.case_id.in_(apart), 1), else_=0).label("apart"),
            )
            .select_from(per_case)
            .outerjoin(
                StatisticsMonthFact.__table__,
                and_(
                    f.case_id == c.case_id,
                    f.month == c.month,
                    f.month >= self.first,  # the period's facts only (their index)
                    f.month <= self.last,
                ),
            )
            .subquery()
        )
        g = flagged.c
        one_by_one = case((or_(g.sex.is_(None), g.apart == 1), self.sql.id_text(g.case_id)))
        keys = (g.kind, g.month, g.sex, g.last, g.apart, one_by_one)
        stmt = select(*keys, cast(func.sum(g.n), Integer), func.count()).group_by(*keys)
        events = {kind: [0] * self.n for kind in kinds}
        households = {kind: {WOMEN: [0] * self.n, MEN: [0] * self.n} for kind in kinds}
        last: dict[str, Counter] = {kind: Counter() for kind in kinds}
        # case -> [(kind, position, sex or None, last, household has other cases)]
        case_months: dict[Any, list[tuple[str, int, Any, int, int]]] = defaultdict(list)
        for kind, index, sex, is_last, apart, case_id, entries, count in plain_rows(
            self.session, stmt
        ):
            position = index - self.first
            events[kind][position] += entries
            if case_id is not None:
                case_months[case_id].append((kind, position, sex, is_last, apart))
                continue
            households[kind].setdefault(sex, [0] * self.n)[position] += count
            last[kind][sex] += count if is_last else 0
        if case_months:
            self._count_by_household(case_months, households, last)
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

    def _count_by_household(
        self,
        case_months: dict[Any, list[tuple[str, int, Any, int, int]]],
        households: dict[str, dict[str, list[int]]],
        last: dict[str, Counter],
    ) -> None:
        """The event months of these cases counted once per household, type and month, with
        the sex of the kept facts or else of the memberships; the last month is the
        database's for a household of one case, else the latest of its cases'."""
        sql = self.sql
        household_of: dict[Any, Any] = {}
        for chunk in in_batches(sorted(case_months)):
            household_of.update(
                plain_rows(
                    self.session,
                    select(sql.id_text(Case.id), sql.id_text(Case.household_id)).where(
                        sql.id_in(Case.id, chunk)
                    ),
                )
            )
        # (household, kind) -> position -> [sex from the facts (None: not kept), last]
        found: dict[tuple[Any, str], dict[int, list]] = defaultdict(dict)
        for case_id, months in case_months.items():
            for kind, position, sex, is_last, apart in months:
                seen = found[(household_of[case_id], kind)]
                known = seen.setdefault(position, [None, None if apart else is_last])
                known[0] = known[0] or sex
        self._load_members(
            {h for (h, _kind), seen in found.items() if any(k[0] is None for k in seen.values())}
        )
        for (household_id, kind), seen in found.items():
            latest = max(seen)
            for position, (sex, is_last) in seen.items():
                sex = sex or _at(self._runs(household_id), position)[0]
                households[kind].setdefault(sex, [0] * self.n)[position] += 1
                if is_last or (is_last is None and position == latest):
                    last[kind][sex] += 1

    def _child_documentation(self) -> list[_ChildTally]:
        """Seed 004's audit: per child and decision (see the module docstring). A decision
        with neither a consideration nor a BKA names no child: those (most) are counted by
        the database per month and child's sex; the others come back per child and
        decision and are read here."""
        d, child = Decision, HouseholdMember
        replacer = aliased(Decision)
        replaced = self._where_scope(
            select(replacer.id)
            .where(replacer.replaces_id == d.id)
            .where(replacer.signed_at.is_not(None)),
            replacer.case_id,
        ).exists()
        month = self.sql.month_index(d.decided_on)
        # the constants written out: the partial indexes' predicates (migration 0030)
        names_none = and_(
            d.child_consideration.in_([literal_column("''"), literal_column("'{}'")]),
            d.bka_form_id.is_(None),
        )

        child_sex, with_sex = self.sql.sex_of(child.person_id)

        def audited(*columns: Any):
            stmt = with_sex(
                select(*columns)
                .select_from(d)
                .join(Case, Case.id == d.case_id)
                .join(child, child.household_id == Case.household_id)
            )
            stmt = (
                stmt.where(d.signed_at.is_not(None))
                .where(d.outcome != literal_column(f"'{Outcome.GRANTED.value}'"))
                .where(d.decided_on >= self.period_start)
                .where(d.decided_on <= self.period_end)
                .where(child.role == MemberRole.CHILD)
                .where(or_(child.member_from.is_(None), child.member_from <= d.period_end))
                .where(or_(child.member_until.is_(None), child.member_until >= d.period_start))
                .where(~replaced)
            )
            return stmt if self.unit_id is None else stmt.where(Case.unit_id == self.unit_id)

        tallies = [_ChildTally() for _ in range(self.n)]
        sql = self.sql
        if sql.sqlite:
            # One read of every audited child, driven by the households (the rows of a
            # case's decisions lie together): on an encrypted file, reading the decisions
            # in date order through the partial indexes costs more pages than it saves.
            rows = plain_rows(self.session, self._audited_rows(audited, month, child_sex))
        else:
            self._count_unnamed(audited, names_none, month, child_sex, tallies)
            rows = plain_rows(
                self.session,
                self._audited_rows(audited, month, child_sex).where(~names_none),
            )
        return self._tally_named(rows, tallies)

    def _count_unnamed(
        self,
        audited: Callable[..., Any],
        names_none: ColumnElement[bool],
        month: ColumnElement[int],
        child_sex: ColumnElement[Any],
        tallies: list[_ChildTally],
    ) -> None:
        """The decisions naming no child, counted by the database per month and child's
        sex (PostgreSQL: from the partial index of migration 0030)."""
        d = Decision
        unnamed = (False, False, False, False, False)
        per_decision = (
            audited(
                d.id.label("id"),
                month.label("month"),
                child_sex.label("sex"),
                func.count().label("n"),
            )
            .where(names_none)
            .group_by(d.id, month, child_sex)
            .subquery()
        )
        p = per_decision.c

        def children_of(sex: str) -> ColumnElement[int]:
            return cast(func.sum(case((p.sex == sex, p.n), else_=0)), Integer)

        for index, decisions, girls, boys in plain_rows(
            self.session,
            select(
                p.month, func.count(func.distinct(p.id)), children_of(WOMEN), children_of(MEN)
            ).group_by(p.month),
        ):
            tally = tallies[index - self.first]
            tally.decisions += decisions
            tally.add_child(WOMEN, *unnamed, times=girls)
            tally.add_child(MEN, *unnamed, times=boys)

    def _audited_rows(
        self, audited: Callable[..., Any], month: ColumnElement[int], child_sex: ColumnElement[Any]
    ) -> Any:
        sql = self.sql
        return audited(
            sql.id_text(Decision.id),
            sql.id_text(Decision.case_id),
            month,
            Decision.child_consideration,
            sql.id_text(Decision.bka_form_id),
            sql.id_text(HouseholdMember.person_id),
            child_sex,
        )

    def _tally_named(self, rows: list[Any], tallies: list[_ChildTally]) -> list[_ChildTally]:
        """The audit of decisions read per child: their texts and BKA read here."""
        sql = self.sql
        unnamed = (False, False, False, False, False)
        bka_ids = {r[4] for r in rows if r[4] is not None}
        bka_children: dict[Any, tuple[Any, dict[str, dict]]] = {}
        for chunk in in_batches(sorted(bka_ids)):
            for form_id, case_id, answers in plain_rows(
                self.session,
                select(
                    sql.id_text(FormInstance.id),
                    sql.id_text(FormInstance.case_id),
                    FormInstance.answers_json,
                )
                .where(sql.id_in(FormInstance.id, chunk))
                .where(FormInstance.form_key == FormKey.CHILD_IMPACT)
                .where(FormInstance.signed_at.is_not(None)),
            ):
                groups = json.loads(answers or "{}").get("barn") or []
                bka_children[form_id] = (
                    case_id,
                    {str(g.get("_item")): g for g in groups if isinstance(g, dict)},
                )
        children: dict[tuple, int] = defaultdict(int)  # (position, sex, flags) -> children
        considerations: dict[Any, dict] = {}
        decision_named: dict[Any, bool] = {}
        decision_month: dict[Any, int] = {}
        for decision_id, case_id, index, consideration, bka_form_id, person_id, sex in rows:
            position = index - self.first
            texts = considerations.get(decision_id)
            if texts is None:
                texts = considerations[decision_id] = (
                    json.loads(consideration) if consideration not in ("", "{}") else {}
                )
                decision_named[decision_id] = True
                decision_month[decision_id] = position
            bka = bka_children.get(bka_form_id) if bka_form_id is not None else None
            if texts or bka:
                person = _uuid_text(person_id)
                section = bka[1].get(person) if bka and bka[0] == case_id else None
                named = bool(str(texts.get(person, "")).strip()) or section is not None
                flags = (
                    named,
                    section is not None,
                    section is not None and is_filled(section.get("situation")),
                    section is not None and is_filled(section.get("behov")),
                    section is not None and is_filled(section.get("hur_paverkas")),
                )
            else:
                named = False
                flags = unnamed
            children[(position, sex, flags)] += 1
            decision_named[decision_id] = decision_named[decision_id] and named
        for (position, sex, flags), count in children.items():
            tallies[position].add_child(sex, *flags, times=count)
        for decision_id, position in decision_month.items():
            tallies[position].decisions += 1
            tallies[position].decisions_all_named += 1 if decision_named[decision_id] else 0
        return tallies

    def _application_times(self) -> tuple[list[list], int, list[list]]:
        """Första återkoppling and time to decision of the applications received in the
        period, from the values kept on each application (app/deadlines/application_facts.py,
        migration 0029): the tallies ([received, answered/decided, in time, open in time,
        histogram] per month) are made from grouped counts.

        The counts are grouped in the order of `ix_applications_facts` (a unit's:
        `ix_applications_unit_facts`, by the unit kept on each application), so the database
        streams them from the index without sorting or hashing. Whether a still-open
        application is within its deadline depends on now: those few are counted apart,
        from the partial index `ix_applications_open` (the response deadline not passed, in
        whole seconds as the times are kept; the decision target not passed since the day
        received)."""
        target = stored_settings.get_int(self.session, registry.DECISION_WARNING_DAYS)
        in_period = (
            Application.received_month >= self.first,
            Application.received_month <= self.last,
        )
        keys = (
            Application.received_month,
            Application.response_minutes,
            type_coerce(Application.responded_in_time, Integer),
            Application.decision_days,
        )
        counts = select(*keys, func.count()).where(*in_period).group_by(*keys)
        responses = [[0, 0, 0, 0, Counter()] for _ in range(self.n)]
        decisions = [[0, 0, 0, 0, Counter()] for _ in range(self.n)]
        for month, minute, on_time, waited, count in plain_rows(
            self.session, self._where_unit(counts)
        ):
            position = month - self.first
            t = responses[position]
            t[0] += count
            if minute is not None:
                t[1] += count
                t[2] += count if on_time else 0
                t[4][minute] += count
            t = decisions[position]
            t[0] += count
            if waited is not None:
                t[1] += count
                t[2] += count if waited <= target else 0
                t[4][waited] += count
        now = clock.now()
        now_second = now.replace(microsecond=0) + timedelta(
            seconds=1 if now.microsecond >= 500_000 else 0
        )
        unanswered = Application.response_minutes.is_(None)
        undecided = Application.decision_days.is_(None)
        cutoff = clock.today() - timedelta(days=target)
        still_open = (
            select(
                Application.received_month,
                func.sum(case((and_(unanswered, Application.response_due_at >= now_second), 1))),
                func.sum(case((and_(undecided, Application.received_on >= cutoff), 1))),
            )
            .where(*in_period)
            .where(or_(unanswered, undecided))
            .group_by(Application.received_month)
        )
        for month, response_open, decision_open in plain_rows(
            self.session, self._where_unit(still_open)
        ):
            responses[month - self.first][3] += int(response_open or 0)
            decisions[month - self.first][3] += int(decision_open or 0)
        return responses, target, decisions

    def _where_unit(self, stmt):
        """A unit's applications by the unit kept on each (app.statistics.application_units,
        migration 0031): a covering range of `ix_applications_unit_facts`."""
        return stmt if self.unit_id is None else stmt.where(Application.unit_id == self.unit_id)


# --- combining ------------------------------------------------------------------------------------
def _at(runs: list[tuple[int, str, str, bool]], position: int) -> tuple[str, str, bool]:
    """(sex, type code, med barn) of the household in the month at `position`."""
    for mask, sex, code, children in runs:
        if mask >> position & 1:
            return sex, code, children
    return runs[-1][1:]


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
