"""Statistics of appeals (överklaganden), omprövningar and the courts' rulings, for a unit and
a period of whole months (a month or a calendar year, as statistics.py): the figures seed 001
reports in its chapter 11, "Domar inom ekonomiskt bistånd".

Definitions:
- The unit is the appealed case's unit (Case.unit_id); all units when none is given.
- Inkomna överklaganden: appeals whose received_on (the day the appeal came in to the nämnd)
  is in the period. Of them, as they stand when asked: avvisade som för sent inkomna
  (timeliness `for_sent`; `for_sent_undantag` is not dismissed and not counted) and
  återkallade (withdrawn_on set, whenever).
- Omprövade: appeals whose reconsidered_on is in the period and that have a reconsideration
  (whenever they were received). Ändrade: reconsideration `andras` or `andras_delvis`; of
  them helt ändrade: `andras`. Andel ändrade = ändrade / omprövade.
- Domar: court rulings whose ruled_on (the day it was meddelad) is in the period, per
  instance (förvaltningsrätten, kammarrätten, Högsta förvaltningsdomstolen) and outcome, and
  by who brought the case to that instance (appealed_by: den enskilde or nämnden). Per month:
  the rulings of each month of the period, all instances together, per outcome.
- Every count is split by the sökande's sex and by whether there were children in the
  household, both taken from the appealed decision's household (app.statistics.household_type
  and child_facts' definitions): the sex is the statistics' sex of the household in the month
  the appealed decision's period begins (the sökande's that month, else the household's
  sökande's of any month, else K); "med barn" when a member with role barn (umgängesbarn
  included, as in the children's documentation audit) belongs to the household during any
  day of the appealed decision's period.
- Only counts: no names, no case numbers, no free text.

The registers are small (a unit has a few appeals a month), so the figures are counted from
the rows themselves, with indexes on received_on and ruled_on (migration 0044). On the shared
PostgreSQL server an administrator's or a chef's own login reads those rows through the
server (`arendestod_appeal_statistics`, migration 0044: anonymous rows with the sex and the
children computed there by the same definitions, for an administrator any unit or all, a chef
her own): row-level security hides the cases from an administrator. The tests compare both.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from app.common.periods import month_end, month_start
from app.models import Case, Decision, MemberRole
from app.models.appeal import (
    Appeal,
    AppealRuling,
    CourtInstance,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.statistics import household_type
from app.statistics.household_type import MemberSpan

CHANGED = (Reconsideration.CHANGED.value, Reconsideration.PARTLY_CHANGED.value)


@dataclass(frozen=True)
class Split:
    """A count by the sökande's sex (K/M) and by children in the household (med/utan barn);
    women + men = with_children + without_children = total."""

    women: int = 0
    men: int = 0
    with_children: int = 0
    without_children: int = 0
    total: int = 0


@dataclass(frozen=True)
class RulingCounts:
    """Rulings of one instance and outcome."""

    total: Split = field(default_factory=Split)
    appealed_by_applicant: int = 0
    """Brought to the instance by den enskilde."""
    appealed_by_board: int = 0
    """Brought to the instance by the nämnd."""


@dataclass(frozen=True)
class MonthRulings:
    month: date
    by_outcome: dict[str, int]
    """RulingOutcome value -> rulings of the month (every instance), every outcome present."""
    total: int


@dataclass(frozen=True)
class AppealStatistics:
    first: date
    last: date
    received: Split
    dismissed_late: Split
    withdrawn: Split
    reconsidered: Split
    changed: Split
    """Ändras helt eller delvis."""
    changed_fully: Split
    changed_share: Decimal | None
    """changed / reconsidered (0–1, four decimals); None when none was reconsidered."""
    rulings: dict[str, dict[str, RulingCounts]]
    """CourtInstance value -> RulingOutcome value -> rulings (every instance and outcome)."""
    instance_totals: dict[str, RulingCounts]
    """CourtInstance value -> all its rulings."""
    months: list[MonthRulings]

    @property
    def has_data(self) -> bool:
        return bool(
            self.received.total
            or self.reconsidered.total
            or any(t.total.total for t in self.instance_totals.values())
        )


class _Tally:
    def __init__(self) -> None:
        self.women = self.men = self.with_children = self.without_children = 0

    def add(self, sex: str, children: bool) -> None:
        if sex == "M":
            self.men += 1
        else:
            self.women += 1
        if children:
            self.with_children += 1
        else:
            self.without_children += 1

    def split(self) -> Split:
        return Split(
            self.women,
            self.men,
            self.with_children,
            self.without_children,
            self.women + self.men,
        )


def share(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _has_child(members: Sequence[MemberSpan], start: date, end: date) -> bool:
    return any(
        m.role == MemberRole.CHILD.value
        and (m.member_from is None or m.member_from <= end)
        and (m.member_until is None or m.member_until >= start)
        for m in members
    )


class _Households:
    """Sex and children of the appealed decisions' households, read once per household."""

    def __init__(self, session: Session, household_ids: set[uuid.UUID]):
        self.members = (
            household_type.memberships_of(session, sorted(household_ids, key=str))
            if household_ids
            else {}
        )

    def of(self, household_id: uuid.UUID, start: date, end: date) -> tuple[str, bool]:
        members = self.members.get(household_id, [])
        return household_type.sex_in_month(members, start), _has_child(members, start, end)


def _of_unit(stmt: Select, unit_id: uuid.UUID | None) -> Select:
    return stmt if unit_id is None else stmt.where(Case.unit_id == unit_id)


Received = tuple[str, bool, str | None, bool]
"""(sex, with children, timeliness, withdrawn) of an appeal received in the period."""
Reconsidered = tuple[str, bool, str]
"""(sex, with children, reconsideration) of an appeal reconsidered in the period."""
Ruled = tuple[str, bool, str, str, str, date]
"""(sex, with children, instance, outcome, appealed by, ruled on) of a ruling."""


def server_role(session: Session) -> str | None:
    """On PostgreSQL, the role of the user whose login the connection is (None on SQLite and
    for the owner's login, which row-level security does not restrict)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return session.scalar(text("SELECT public.arendestod_user_role()"))


def _value(value: Any) -> str | None:
    return None if value is None else str(getattr(value, "value", value))


def _rows(
    session: Session, first: date, last: date, unit_id: uuid.UUID | None
) -> tuple[list[Received], list[Reconsidered], list[Ruled]]:
    """The period's rows read as they are (SQLite, the owner's login on PostgreSQL)."""
    person = (Case.household_id, Decision.period_start, Decision.period_end)
    received = session.execute(
        _of_unit(
            select(Appeal.timeliness, Appeal.withdrawn_on, *person)
            .join(Case, Case.id == Appeal.case_id)
            .join(Decision, Decision.id == Appeal.decision_id)
            .where(Appeal.received_on >= first, Appeal.received_on <= last),
            unit_id,
        )
    ).all()
    reconsidered = session.execute(
        _of_unit(
            select(Appeal.reconsideration, *person)
            .join(Case, Case.id == Appeal.case_id)
            .join(Decision, Decision.id == Appeal.decision_id)
            .where(Appeal.reconsidered_on >= first, Appeal.reconsidered_on <= last)
            .where(Appeal.reconsideration.is_not(None)),
            unit_id,
        )
    ).all()
    rulings = session.execute(
        _of_unit(
            select(
                AppealRuling.instance,
                AppealRuling.outcome,
                AppealRuling.appealed_by,
                AppealRuling.ruled_on,
                *person,
            )
            .join(Appeal, Appeal.id == AppealRuling.appeal_id)
            .join(Case, Case.id == Appeal.case_id)
            .join(Decision, Decision.id == Appeal.decision_id)
            .where(AppealRuling.ruled_on >= first, AppealRuling.ruled_on <= last),
            unit_id,
        )
    ).all()
    households = _Households(
        session, {r.household_id for r in (*received, *reconsidered, *rulings)}
    )

    def who(row: Any) -> tuple[str, bool]:
        return households.of(row.household_id, row.period_start, row.period_end)

    return (
        [(*who(r), _value(r.timeliness), r.withdrawn_on is not None) for r in received],
        [(*who(r), str(_value(r.reconsideration))) for r in reconsidered],
        [
            (
                *who(r),
                str(_value(r.instance)),
                str(_value(r.outcome)),
                str(_value(r.appealed_by)),
                r.ruled_on,
            )
            for r in rulings
        ],
    )


def _server_rows(
    session: Session, first: date, last: date, unit_id: uuid.UUID | None
) -> tuple[list[Received], list[Reconsidered], list[Ruled]]:
    """The same rows from the server, for an administrator's or a chef's own login
    (`arendestod_appeal_statistics`, migration 0044): row-level security hides the cases
    from an administrator."""
    function = func.arendestod_appeal_statistics(first, last, unit_id).table_valued(
        "r_part",
        "r_timeliness",
        "r_withdrawn",
        "r_reconsideration",
        "r_instance",
        "r_outcome",
        "r_appealed_by",
        "r_ruled_on",
        "r_sex",
        "r_with_children",
    )
    received: list[Received] = []
    reconsidered: list[Reconsidered] = []
    rulings: list[Ruled] = []
    for (
        part,
        timeliness,
        gone,
        again,
        instance,
        outcome,
        by,
        ruled_on,
        sex,
        children,
    ) in session.execute(select(function)):
        if part == "received":
            received.append((sex, children, timeliness, gone))
        elif part == "reconsidered":
            reconsidered.append((sex, children, again))
        else:
            rulings.append((sex, children, instance, outcome, by, ruled_on))
    return received, reconsidered, rulings


def compute(
    session: Session, months: Sequence[date], unit_id: uuid.UUID | None
) -> AppealStatistics:
    """The figures of the months `months` (consecutive first days) for `unit_id` (None: all
    units). Access is the caller's (statistics.require_statistics_access)."""
    first, last = month_start(months[0]), month_end(months[-1])
    if server_role(session) in ("administrator", "chef"):
        received, reconsidered, rulings = _server_rows(session, first, last, unit_id)
    else:
        received, reconsidered, rulings = _rows(session, first, last, unit_id)

    all_received, late, withdrawn = _Tally(), _Tally(), _Tally()
    for sex, children, timeliness, is_withdrawn in received:
        all_received.add(sex, children)
        if timeliness == Timeliness.LATE.value:
            late.add(sex, children)
        if is_withdrawn:
            withdrawn.add(sex, children)

    all_reconsidered, changed, fully = _Tally(), _Tally(), _Tally()
    for sex, children, reconsideration in reconsidered:
        all_reconsidered.add(sex, children)
        if reconsideration in CHANGED:
            changed.add(sex, children)
        if reconsideration == Reconsideration.CHANGED.value:
            fully.add(sex, children)

    tallies = {
        (i.value, o.value): (_Tally(), Counter[str]()) for i in CourtInstance for o in RulingOutcome
    }
    instance_tallies = {i.value: (_Tally(), Counter[str]()) for i in CourtInstance}
    per_month = {month_start(m): Counter[str]() for m in months}
    for sex, children, instance, outcome, appealed_by, ruled_on in rulings:
        for tally, parties in (tallies[instance, outcome], instance_tallies[instance]):
            tally.add(sex, children)
            parties[appealed_by] += 1
        per_month[month_start(ruled_on)][outcome] += 1

    def counts(tally: _Tally, parties: Counter[str]) -> RulingCounts:
        return RulingCounts(
            tally.split(), parties[Party.APPLICANT.value], parties[Party.BOARD.value]
        )

    changed_split, reconsidered_split = changed.split(), all_reconsidered.split()
    return AppealStatistics(
        first=first,
        last=last,
        received=all_received.split(),
        dismissed_late=late.split(),
        withdrawn=withdrawn.split(),
        reconsidered=reconsidered_split,
        changed=changed_split,
        changed_fully=fully.split(),
        changed_share=share(changed_split.total, reconsidered_split.total),
        rulings={
            i.value: {o.value: counts(*tallies[i.value, o.value]) for o in RulingOutcome}
            for i in CourtInstance
        },
        instance_totals={i: counts(*t) for i, t in instance_tallies.items()},
        months=[
            MonthRulings(
                month,
                {o.value: found[o.value] for o in RulingOutcome},
                sum(found.values()),
            )
            for month, found in per_month.items()
        ],
    )
