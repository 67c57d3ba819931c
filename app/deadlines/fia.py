"""When FIA (Förutsättningar inför arbete) is to be offered: an unemployed adult in the
latest month with försörjningshinder registered, about five months of assistance in the last
twelve, and no FIA form yet (seed 002 L78; DOMAIN.md "FIA at ~5 months").

A bevakning (app.deadlines.deadlines) and the suggestion on the Blanketter tab
(app.forms.filled_forms.fia_suggestion) both ask this one rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.common import clock
from app.common.periods import twelve_months_start
from app.db.batches import among, among_bound, built_once, in_batches, plain_rows
from app.models import Application, FormInstance, FormKey, SupportBarrier

FIA_AFTER_MONTHS = 5
"""FIA is offered to unemployed recipients with unclear barriers after about five months
of assistance (DOMAIN.md; seed 002 L78)."""


@dataclass(frozen=True)
class FiaCandidate:
    """A case where FIA should be offered now (seed 002 L78; DOMAIN.md "FIA at ~5 months")."""

    case_id: uuid.UUID
    months: int
    """Distinct decided application periods in the twelve months up to and including this one."""
    unemployed: int
    """Persons registered arbetslös in the case's latest försörjningshinder month."""
    fifth_month: date
    """Start of the fifth of those periods: FIA is due during that month of assistance."""


def latest_barriers_for_cases(
    session: Session, case_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[uuid.UUID, tuple[date, str]]]:
    """Case -> person -> (month, code) of each person's latest försörjningshinder."""
    ids = list(dict.fromkeys(case_ids))
    found: dict[uuid.UUID, dict[uuid.UUID, tuple[date, str]]] = {}

    def build() -> Select:
        # The latest month per person picked by a window over the case's rows, not by
        # joining a grouped subquery back to the table: the join looked each row up again in
        # another index (the months'), a second page per row where the file is encrypted
        # and read cold (the chef's first caseload, 3 700 pages at 100 000 households).
        # (case_id, person_id, month) is unique: one row per person.
        ranked = (
            select(
                SupportBarrier.case_id,
                SupportBarrier.person_id,
                SupportBarrier.month,
                SupportBarrier.code,
                func.row_number()
                .over(
                    partition_by=(SupportBarrier.case_id, SupportBarrier.person_id),
                    order_by=SupportBarrier.month.desc(),
                )
                .label("newest"),
            )
            .where(among_bound(session, SupportBarrier.case_id, "case_ids"))
            .subquery()
        )
        return select(ranked.c.case_id, ranked.c.person_id, ranked.c.month, ranked.c.code).where(
            ranked.c.newest == 1
        )

    # built once per dialect: opening a case asks for one case's, often
    stmt = built_once(("fia.latest_barriers", session.get_bind().dialect.name), build)
    for chunk in in_batches(ids):
        for case_id, person_id, month, code in plain_rows(session, stmt, {"case_ids": chunk}):
            found.setdefault(case_id, {})[person_id] = (month, code)
    return found


def fia_candidates(
    session: Session,
    case_ids: Iterable[uuid.UUID],
    *,
    barriers: dict[uuid.UUID, dict[uuid.UUID, tuple[date, str]]] | None = None,
) -> dict[uuid.UUID, FiaCandidate]:
    """The cases among `case_ids` where FIA should be offered: someone is arbetslös in the
    latest month with försörjningshinder registered, there is no FIA form (draft or signed),
    and at least `FIA_AFTER_MONTHS` decided applications in the last twelve months.
    `barriers` (from `latest_barriers_for_cases`) saves reading them again. Batched: a few
    queries per 500 cases, whatever their number."""
    ids = list(dict.fromkeys(case_ids))
    if barriers is None:
        barriers = latest_barriers_for_cases(session, ids)
    unemployed: dict[uuid.UUID, int] = {}
    for case_id in ids:
        latest = barriers.get(case_id)
        if latest:
            month = max(m for m, _code in latest.values())
            count = sum(1 for m, code in latest.values() if m == month and code == "arbetslos")
            if count:
                unemployed[case_id] = count
    found: dict[uuid.UUID, FiaCandidate] = {}
    today = clock.today()
    # the twelve months up to and including this one
    year_ago = twelve_months_start(today)
    candidates = list(unemployed)
    for chunk in in_batches(candidates):
        with_fia = set(
            case_id
            for (case_id,) in plain_rows(
                session,
                select(FormInstance.case_id)
                .where(among(session, FormInstance.case_id, chunk))
                .where(FormInstance.form_key == FormKey.FIA),
            )
        )
        remaining = [case_id for case_id in chunk if case_id not in with_fia]
        if not remaining:
            continue
        periods: dict[uuid.UUID, list[date]] = {}
        for case_id, period_start in plain_rows(
            session,
            select(Application.case_id, Application.period_start)
            .where(among(session, Application.case_id, remaining))
            .where(Application.decided_on.is_not(None))
            .where(Application.period_start >= year_ago)
            .distinct(),
        ):
            periods.setdefault(case_id, []).append(period_start)
        for case_id, starts in periods.items():
            if len(starts) >= FIA_AFTER_MONTHS:
                starts.sort()
                found[case_id] = FiaCandidate(
                    case_id, len(starts), unemployed[case_id], starts[FIA_AFTER_MONTHS - 1]
                )
    return found
