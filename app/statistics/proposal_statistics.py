"""How far the proposals from e-ansökan go (issue 24): of the decisions signed in a period
that started from a proposal (app.decisions.proposal), how many were signed unchanged.

Definitions:
- The unit is the decision's case's unit; all units when none is given.
- Signerade: decisions with a proposal (proposal_json set) whose decided_on is in the period;
  per month by the month of decided_on.
- Oförändrade: of them, those whose signed norm year, items and incomes equal the proposal's
  (proposal_unchanged, set at signing: app.decisions.decisions). Andel = oförändrade /
  signerade.
- Only counts.

On the shared PostgreSQL server an administrator's or a chef's own login reads the rows
through the server (`arendestod_proposal_statistics`, migration 0049: the signing day and
whether unchanged, nothing else), as appeal_statistics.py does: row-level security hides
the cases from an administrator.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.common.periods import month_end, month_start
from app.models import Case, Decision
from app.statistics.appeal_statistics import server_role, share


@dataclass(frozen=True)
class ProposalCounts:
    signed: int
    unchanged: int
    share: Decimal | None
    """unchanged / signed (0–1, four decimals); None when none was signed."""


@dataclass(frozen=True)
class MonthProposals:
    month: date
    counts: ProposalCounts


@dataclass(frozen=True)
class ProposalStatistics:
    first: date
    last: date
    total: ProposalCounts
    months: list[MonthProposals]

    @property
    def has_data(self) -> bool:
        return self.total.signed > 0


def _counts(signed: int, unchanged: int) -> ProposalCounts:
    return ProposalCounts(signed, unchanged, share(unchanged, signed))


def _rows(
    session: Session, first: date, last: date, unit_id: uuid.UUID | None
) -> list[tuple[date, bool]]:
    if server_role(session) in ("administrator", "chef"):
        function = func.arendestod_proposal_statistics(first, last, unit_id).table_valued(
            "r_decided_on", "r_unchanged"
        )
        return [(day, bool(same)) for day, same in session.execute(select(function))]
    stmt = (
        select(Decision.decided_on, Decision.proposal_unchanged)
        .join(Case, Case.id == Decision.case_id)
        .where(
            Decision.proposal_json.is_not(None),
            Decision.decided_on >= first,
            Decision.decided_on <= last,
        )
    )
    if unit_id is not None:
        stmt = stmt.where(Case.unit_id == unit_id)
    return [(day, bool(same)) for day, same in session.execute(stmt) if day is not None]


def compute(
    session: Session, months: Sequence[date], unit_id: uuid.UUID | None
) -> ProposalStatistics:
    """The figures of the months `months` (consecutive first days) for `unit_id` (None: all
    units). Access is the caller's (statistics.require_statistics_access)."""
    first, last = month_start(months[0]), month_end(months[-1])
    signed, unchanged = Counter[date](), Counter[date]()
    for day, same in _rows(session, first, last, unit_id):
        signed[month_start(day)] += 1
        unchanged[month_start(day)] += same
    return ProposalStatistics(
        first,
        last,
        _counts(sum(signed.values()), sum(unchanged.values())),
        [
            MonthProposals(
                month_start(m), _counts(signed[month_start(m)], unchanged[month_start(m)])
            )
            for m in months
        ],
    )
