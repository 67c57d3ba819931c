"""The statistics' facts of a household, from its raw rows: one definition, used by the
rebuild (`arendestod stats rebuild`), by the upkeep in every transaction (fact_upkeep.py)
and by `stats rebuild --check`. The definitions are those of statistics.py's docstring.

A household is counted through its case (the program makes one household per case), so the
facts are keyed by case and carry the case's unit: a unit's statistics are its cases'.

Per month in which the household is in some group (a counting decision, bistånd, new,
closed) one `MonthFact`; per calendar year and group one `YearFact` with what the household
was in the last month of the year it belonged to the group. Nothing here depends on today's
date: what does (applications still open) is counted when the statistics are read.
"""

from __future__ import annotations

import uuid
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.orm import Session

from app.common.errors import ServiceError
from app.common.periods import month_from_index, month_index
from app.db.batches import in_batches
from app.db.bulk import insert_rows
from app.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Decision,
    DecisionKind,
    MemberRole,
    StatisticsFactState,
    StatisticsMonthFact,
    StatisticsYearFact,
)
from app.statistics import (
    application_units,
    barrier_facts,
    child_facts,
    event_facts,
    household_type,
    kept_totals,
    month_shares,
    totals,
)
from app.statistics.household_type import MemberSpan

DEFINITION_VERSION = 3
"""Raise when a definition changes: kept facts of another version are refused until rebuilt.
2: the month, year and application totals kept by the database (migration 0032,
app.statistics.kept_totals). 3: försörjningshinder (0033) and the children's documentation
audit (0034) kept per case; the SIP and hembesök facts keep the household's sex, the year's
last month and whether the household has other cases (0035). Their migrations leave a
database with cases at 2: the rebuild computes the new facts."""

WOMEN = "K"
LONG_TERM_12 = 10
"""Months with bistånd out of 12 for långvarigt bistånd (seed 001: "10 mån av 12")."""
LONG_TERM_36 = 32
"""Months with bistånd out of 36 (seed 001: "32 mån av 36")."""
GROUPS = ("decision", "support", "new", "closed", "long12", "long36")
KEPT_TOTALS = (*totals.ALL, child_facts.KEPT, event_facts.TOTALS, *barrier_facts.TOTALS)
"""Every totals table the database keeps beside a fact table (app.statistics.kept_totals):
the rebuild counts them anew, `--check` compares them with their facts."""
REBUILD_BATCH = 2000
"""Cases per batch of the rebuild: their rows fit in memory at any register size."""

NOT_BUILT = (
    "Statistiken kan inte tas fram: underlaget för statistiken är inte byggt för den här "
    "versionen av Ärendestöd. Be IT köra arendestod stats rebuild (tar några minuter)."
)


class FactsNotBuilt(ServiceError):
    """The kept facts are missing or of another definition: rebuild them."""


@dataclass(frozen=True)
class MonthFact:
    case_id: uuid.UUID
    month: int
    unit_id: uuid.UUID
    sex: str
    household_type: str
    with_children: int
    young: int
    closing_reason: str | None
    decision: int
    support: int
    new: int
    closed: int
    long12: int
    long36: int
    support_months: int
    granted: int
    granted_support: int
    paid: int


@dataclass(frozen=True)
class YearFact:
    case_id: uuid.UUID
    year: int
    grp: str
    unit_id: uuid.UUID
    sex: str
    household_type: str
    with_children: int
    young: int
    closing_reason: str | None
    support_months: int


@dataclass
class _Month:
    decision: bool = False
    support: bool = False
    new: bool = False
    closed: bool = False
    closing_reason: str | None = None
    granted: int = 0
    granted_support: int = 0
    paid: int = 0


# --- one household -------------------------------------------------------------------------------
def _ore(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(ROUND_HALF_UP))


def _age_on(birth: date, first: date) -> int:
    return first.year - birth.year - ((first.month, first.day) < (birth.month, birth.day))


def _composition(members: list[MemberSpan], month: date) -> tuple[str, str, bool]:
    """(sökande's sex, hushållstyp, med barn) in `month`; the sex of a month without a
    sökande is that of the household's sökande in any month (else K), as before."""
    found = household_type.month_composition(members, month)
    return household_type.statistics_sex(members, found), found.code, found.with_children


def household_facts(
    case_id: uuid.UUID,
    unit_id: uuid.UUID,
    case_closing_reason: str | None,
    decisions: list[Any],
    status_changes: list[Any],
    members: list[MemberSpan],
) -> tuple[list[MonthFact], list[YearFact]]:
    """The facts of one case's household from its raw rows: its signed decisions
    (id, replaces_id, kind, granted_total, period_start, period_end, executed_on), its
    status changes in the order made (changed_on, from_status, to_status, reason) and its
    household's memberships in sort order."""
    months: dict[int, _Month] = defaultdict(_Month)
    replaced = {d.replaces_id for d in decisions if d.replaces_id is not None}
    for d in decisions:
        if d.id in replaced:
            continue
        supported = d.kind is DecisionKind.SUPPORT and d.granted_total > 0
        for month, part in month_shares.month_shares(d.granted_total, d.period_start, d.period_end):
            fact = months[month_index(month)]
            fact.decision = True
            fact.support = fact.support or supported
            ore = _ore(part)
            fact.granted += ore
            if d.kind is DecisionKind.SUPPORT:
                fact.granted_support += ore
            if d.executed_on is not None:
                fact.paid += ore
    for changed_on, old, new, reason in status_changes:
        index = month_index(changed_on)
        if old is None or (old is CaseStatus.CLOSED and new is not CaseStatus.CLOSED):
            months[index].new = True
        if new is CaseStatus.CLOSED and old is not CaseStatus.CLOSED:
            fact = months[index]
            fact.closed = True
            fact.closing_reason = (reason if reason is not None else case_closing_reason) or "annat"
    if not months:
        return [], []
    support_months = sorted(i for i, f in months.items() if f.support)
    applicant_birth = next(
        (m.birth_date for m in members if m.role == MemberRole.APPLICANT.value), None
    )
    month_facts: list[MonthFact] = []
    so_far = 0
    for index in sorted(months):
        f = months[index]
        first = month_from_index(index)
        sex, code, children = _composition(members, first)
        young = applicant_birth is not None and 18 <= _age_on(applicant_birth, first) <= 24
        if f.support:
            so_far += 1
        long12 = f.support and _count(support_months, index - 11, index) >= LONG_TERM_12
        long36 = f.support and _count(support_months, index - 35, index) >= LONG_TERM_36
        month_facts.append(
            MonthFact(
                case_id=case_id,
                month=index,
                unit_id=unit_id,
                sex=sex,
                household_type=code,
                with_children=int(children),
                young=int(young),
                closing_reason=f.closing_reason if f.closed else None,
                decision=int(f.decision),
                support=int(f.support),
                new=int(f.new),
                closed=int(f.closed),
                long12=int(long12),
                long36=int(long36),
                support_months=so_far if f.support else 0,
                granted=f.granted,
                granted_support=f.granted_support,
                paid=f.paid,
            )
        )
    return month_facts, _year_facts(month_facts, support_months)


def _count(sorted_months: list[int], low: int, high: int) -> int:
    """How many of `sorted_months` are from `low` to `high`."""
    return bisect_right(sorted_months, high) - bisect_left(sorted_months, low)


def _year_facts(month_facts: list[MonthFact], support_months: list[int]) -> list[YearFact]:
    """Per year and group the household as in its last month of the year in the group;
    långvarigt bistånd by the year's definitions (10 months of the calendar year; 32 of the
    36 months ending with December), at its last month with bistånd."""
    by_year: dict[int, list[MonthFact]] = defaultdict(list)
    for fact in month_facts:
        by_year[fact.month // 12].append(fact)
    found: list[YearFact] = []
    for year, facts in by_year.items():
        december = year * 12 + 11
        support = [f for f in facts if f.support]
        last: dict[str, MonthFact] = {}
        for group in ("decision", "support", "new", "closed"):
            chosen = [f for f in facts if getattr(f, group)]
            if chosen:
                last[group] = chosen[-1]
        if len(support) >= LONG_TERM_12:
            last["long12"] = support[-1]
        if support and _count(support_months, december - 35, december) >= LONG_TERM_36:
            last["long36"] = support[-1]
        for group, f in last.items():
            found.append(
                YearFact(
                    case_id=f.case_id,
                    year=year,
                    grp=group,
                    unit_id=f.unit_id,
                    sex=f.sex,
                    household_type=f.household_type,
                    with_children=f.with_children,
                    young=f.young,
                    closing_reason=f.closing_reason if group == "closed" else None,
                    support_months=f.support_months if group == "support" else 0,
                )
            )
    return found


# --- many households from the database ---------------------------------------------------
def compute(session: Session, case_ids: Iterable[uuid.UUID]) -> Iterator[tuple[list, list]]:
    """(month facts, year facts) of every case of `case_ids` that exists, batch by batch."""
    for chunk in in_batches(sorted(set(case_ids), key=str), REBUILD_BATCH):
        yield _compute_batch(session, chunk)


def _compute_batch(session: Session, case_ids: list[uuid.UUID]) -> tuple[list, list]:
    cases = session.execute(
        select(Case.id, Case.unit_id, Case.household_id, Case.closing_reason).where(
            Case.id.in_(case_ids)
        )
    ).all()
    decisions: dict[uuid.UUID, list] = defaultdict(list)
    for row in session.execute(
        select(
            Decision.case_id,
            Decision.id,
            Decision.replaces_id,
            Decision.kind,
            Decision.granted_total,
            Decision.period_start,
            Decision.period_end,
            Decision.executed_on,
        )
        .where(Decision.case_id.in_(case_ids))
        .where(Decision.signed_at.is_not(None))
    ):
        decisions[row.case_id].append(row)
    changes: dict[uuid.UUID, list] = defaultdict(list)
    for change in session.execute(
        select(
            CaseStatusChange.case_id,
            CaseStatusChange.changed_on,
            CaseStatusChange.from_status,
            CaseStatusChange.to_status,
            CaseStatusChange.reason,
        )
        .where(CaseStatusChange.case_id.in_(case_ids))
        .order_by(CaseStatusChange.changed_at)
    ):
        changes[change.case_id].append(tuple(change)[1:])
    members = household_type.memberships_of(session, list({c.household_id for c in cases}))
    month_rows: list[MonthFact] = []
    year_rows: list[YearFact] = []
    for case_id, unit_id, household_id, closing_reason in cases:
        month_facts, year_facts = household_facts(
            case_id,
            unit_id,
            closing_reason,
            decisions.get(case_id, []),
            changes.get(case_id, []),
            members.get(household_id, []),
        )
        month_rows += month_facts
        year_rows += year_facts
    return month_rows, year_rows


def _as_dicts(rows: list) -> list[dict]:
    return [vars(r) for r in rows]


def replace(session: Session, case_ids: Iterable[uuid.UUID]) -> None:
    """Compute the facts of these cases anew and write them in place of the kept ones (a
    case that no longer exists loses its facts), försörjningshinder included."""
    ids = list(set(case_ids))
    barrier_facts.replace(session, ids)
    for chunk in in_batches(ids, REBUILD_BATCH):
        session.execute(delete(StatisticsMonthFact).where(StatisticsMonthFact.case_id.in_(chunk)))
        session.execute(delete(StatisticsYearFact).where(StatisticsYearFact.case_id.in_(chunk)))
    for month_rows, year_rows in compute(session, ids):
        _insert(session, month_rows, year_rows)
    child_facts.replace(session, ids)


def _insert(session: Session, month_rows: list, year_rows: list) -> None:
    insert_rows(session, cast(Table, StatisticsMonthFact.__table__), _as_dicts(month_rows))
    insert_rows(session, cast(Table, StatisticsYearFact.__table__), _as_dicts(year_rows))


def rebuild(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Every case's facts anew, in batches, and the definition version; returns the number
    of cases. The caller commits (one transaction: the statistics never see half a build).

    The totals are counted anew from the new facts at the end. On SQLite the totals' row
    triggers are dropped meanwhile and made again in the same transaction: each row's
    upsert (through every level of the barrier totals), undone by the count anew, made the
    rebuild three times slower. PostgreSQL's statement triggers cost one grouped upsert per
    statement: they stay."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        for kept in KEPT_TOTALS:
            for statement in kept_totals.downgrade_sql(kept, "sqlite"):
                session.execute(text(statement))
    case_ids = list(session.scalars(select(Case.id)))
    session.execute(delete(StatisticsMonthFact))
    session.execute(delete(StatisticsYearFact))
    done = 0
    for month_rows, year_rows in compute(session, case_ids):
        _insert(session, month_rows, year_rows)
        done = min(done + REBUILD_BATCH, len(case_ids))
        if progress is not None:
            progress(done, len(case_ids))
    application_units.rebuild(session)
    event_facts.rebuild(session)
    child_facts.rebuild(session)
    barrier_facts.rebuild(session)
    for kept in KEPT_TOTALS:  # in their order: a level after the one it follows
        if sqlite:
            for statement in kept_totals.upgrade_sql(kept, "sqlite"):
                session.execute(text(statement))
        kept_totals.recount(session, kept)
    tables = (
        "statistics_month_facts",
        "statistics_year_facts",
        "statistics_child_facts",
        barrier_facts.FACTS,
        *(t.table for t in KEPT_TOTALS),
    )
    for table in tables:
        session.execute(text(f"ANALYZE {table}"))  # the planner's view of the new rows
    mark_built(session)
    return len(case_ids)


def build_if_missing(session: Session) -> bool:
    """Rebuild when the kept facts are missing or of another definition; True if it did."""
    try:
        require_built(session)
        return False
    except FactsNotBuilt:
        rebuild(session)
        return True


def mark_built(session: Session) -> None:
    session.execute(delete(StatisticsFactState))
    session.execute(
        insert(StatisticsFactState), [{"id": 1, "definition_version": DEFINITION_VERSION}]
    )


def require_built(session: Session) -> None:
    """Refuse (FactsNotBuilt, a Swedish sentence naming the rebuild) rather than count
    facts that are missing or of another definition."""
    version = session.scalar(select(StatisticsFactState.definition_version))
    if version != DEFINITION_VERSION:
        raise FactsNotBuilt(NOT_BUILT)


def total_differences(session: Session) -> dict[str, list[tuple]]:
    """Per totals table the groups whose kept totals differ from their facts summed now
    (`stats rebuild --check`): totals written past the triggers."""
    found = {kept.table: kept_totals.differences(session, kept) for kept in KEPT_TOTALS}
    return {table: groups for table, groups in found.items() if groups}


def differences(
    session: Session, progress: Callable[[int, int], None] | None = None
) -> list[uuid.UUID]:
    """Cases whose kept facts differ from a recomputation now (`stats rebuild --check`)."""
    case_ids = sorted(set(session.scalars(select(Case.id))), key=str)
    kept_ids = set(session.scalars(select(StatisticsMonthFact.case_id).distinct()))
    differing: set[uuid.UUID] = kept_ids - set(case_ids)
    differing |= application_units.differing_cases(session)
    differing |= event_facts.differing_cases(session)
    differing |= child_facts.differing_cases(session)
    differing |= barrier_facts.differing_cases(session)
    done = 0
    for chunk in in_batches(case_ids, REBUILD_BATCH):
        month_rows, year_rows = _compute_batch(session, chunk)
        expected = _by_case(_as_dicts(month_rows), _as_dicts(year_rows))
        kept = _by_case(
            _kept(session, StatisticsMonthFact, chunk), _kept(session, StatisticsYearFact, chunk)
        )
        for case_id in chunk:
            if expected.get(case_id) != kept.get(case_id):
                differing.add(case_id)
        done += len(chunk)
        if progress is not None:
            progress(done, len(case_ids))
    return sorted(differing, key=str)


def _kept(session: Session, model: Any, case_ids: list[uuid.UUID]) -> list[dict]:
    names = [c.key for c in model.__table__.columns]
    rows = session.execute(
        select(*(model.__table__.c[n] for n in names)).where(model.case_id.in_(case_ids))
    )
    return [dict(zip(names, row, strict=True)) for row in rows]


def _by_case(month_rows: list[dict], year_rows: list[dict]) -> dict[uuid.UUID, tuple]:
    found: dict[uuid.UUID, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for row in month_rows:
        found[row["case_id"]][0].add(tuple(sorted(row.items())))
    for row in year_rows:
        found[row["case_id"]][1].add(tuple(sorted(row.items())))
    return {k: (frozenset(a), frozenset(b)) for k, (a, b) in found.items()}
