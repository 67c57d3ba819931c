"""Socialstyrelsen's monthly individual statistics: the per-person file the municipality sends.
(The chef's statistics as a CSV file for Excel are statistics_csv.py, from the same tables as the
screen and the PDF.)

Socialstyrelsen (HSLF-FS 2015:30, DOMAIN.md): for every calendar month, due by the 15th of
the next month, the persons and households granted ekonomiskt bistånd, with the bistånd,
försörjningshinder per adult and (later) arbetsmarknadsinsatser and avslutsorsaker.

`sos_rows` gives one row per person in a household granted bistånd for the month (not one
row per household): every member of the household that month except umgängesbarn, who are
reported in the household where they live. The household's amount stands on the sökande's
row only, so summing the column gives the municipality's total; försörjningshinder stands on
the adults' rows (sökande, medsökande).

The file `write_sos_file` writes, UTF-8, semicolon-separated, one header line, in this
column order:

    månad;ärende;personnummer;kön;roll;hushållstyp;belopp;försörjningshinder

- månad: ÅÅÅÅ-MM; ärende: the case number, which ties the household's rows together;
- personnummer: 12 digits ÅÅÅÅMMDDNNNN (samordningsnummer likewise);
- kön: K or M; roll: sokande, medsokande, barn or ovrig;
- hushållstyp: the code of household_type.HOUSEHOLD_TYPES;
- belopp: whole kronor (rounded half up), the sum of granted_total of the household's
  counting decisions whose period starts in the month (statistics.py's rule), on the
  sökande's row; empty on the others;
- försörjningshinder: the code of the "forsorjningshinder" list registered for the adult and
  month, empty if none is registered and on children's rows.

VERIFY: this layout, the codes (hushållstyp, försörjningshinder, roles) and the set of
decision kinds that count as ekonomiskt bistånd (`SOS_KINDS`) have to be checked against
Socialstyrelsen's technical description of the file before a file is sent. No official
field codes are invented here.
"""

from __future__ import annotations

import csv
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.common.periods import month_end, month_start
from app.db.batches import in_batches
from app.models import (
    Case,
    Decision,
    DecisionKind,
    HouseholdMember,
    MemberRole,
    Person,
    SupportBarrier,
)
from app.security import audit
from app.security.actor import Actor
from app.statistics import household_type
from app.statistics.household_type import MemberSpan
from app.statistics.statistics import (
    CommandLine,
    audit_aggregate,
    require_statistics_access,
    unit_label,
)

VERIFY = True
"""The file layout has not been checked against Socialstyrelsen's technical description."""

SOS_KINDS = (DecisionKind.SUPPORT, DecisionKind.OTHER_LIVING, DecisionKind.BEYOND_RIGHT)
"""Decision kinds whose granted amounts count as ekonomiskt bistånd in the file (verify
whether bistånd utöver rätten belongs there)."""

SOS_COLUMNS = (
    "månad",
    "ärende",
    "personnummer",
    "kön",
    "roll",
    "hushållstyp",
    "belopp",
    "försörjningshinder",
)


@dataclass(frozen=True)
class SosRow:
    month: date
    case_number: str
    personal_number: str
    sex: str
    role: str
    household_type: str
    amount: Decimal | None
    """The household's amount, on the sökande's row only."""
    support_barrier: str


def sos_rows(
    session: Session,
    actor: Actor | CommandLine,
    month: date,
    *,
    unit_id: uuid.UUID | None = None,
) -> list[SosRow]:
    """Socialstyrelsen's individual statistics for one month (HSLF-FS 2015:30), in case
    number order. Chefs (own unit), administrators and the command line; logged as one
    export."""
    scope = require_statistics_access(actor, unit_id)
    first = month_start(month)
    last = month_end(first)
    stmt = (
        select(
            type_coerce(Decision.id, String),
            type_coerce(Decision.case_id, String),
            Decision.period_start,
            Decision.granted_total,
        )
        .where(Decision.signed_at.is_not(None))
        .where(Decision.kind.in_(SOS_KINDS))
        .where(Decision.granted_total > 0)
        .where(Decision.period_start <= last)
        .where(Decision.period_end >= first)
    )
    if scope is not None:
        stmt = stmt.where(Decision.case_id.in_(select(Case.id).where(Case.unit_id == scope)))
    decisions = session.execute(stmt).all()
    replaced = _replaced(session, [d[0] for d in decisions])
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for decision_id, case_id, period_start, granted in decisions:
        if decision_id in replaced:
            continue
        amounts[case_id] += granted if period_start >= first else Decimal(0)
    rows: list[SosRow] = []
    case_ids = sorted(amounts)
    for chunk in in_batches(case_ids):
        rows.extend(_rows_for_cases(session, chunk, first, amounts))
    rows.sort(key=lambda r: (r.case_number, _ROLE_ORDER.get(r.role, 9)))
    audit_aggregate(
        session,
        actor,
        audit.Action.EXPORT,
        "sos_export",
        f"individstatistik {first:%Y-%m}, {unit_label(session, scope)}: {len(rows)} personer "
        f"i {len(case_ids)} hushåll",
    )
    return rows


_ROLE_ORDER = {
    MemberRole.APPLICANT.value: 0,
    MemberRole.CO_APPLICANT.value: 1,
    MemberRole.OTHER.value: 2,
    MemberRole.CHILD.value: 3,
}


def _replaced(session: Session, decision_ids: list[str]) -> set[str]:
    """Those of the decisions that a later signed decision replaces."""
    found: set[str] = set()
    for chunk in in_batches(decision_ids):
        found.update(
            session.scalars(
                select(type_coerce(Decision.replaces_id, String))
                .where(type_coerce(Decision.replaces_id, String).in_(chunk))
                .where(Decision.signed_at.is_not(None))
            )
        )
    return found


def _rows_for_cases(
    session: Session, case_ids: list[str], month: date, amounts: dict[str, Decimal]
) -> list[SosRow]:
    members = session.execute(
        select(
            type_coerce(Case.id, String),
            Case.case_number,
            type_coerce(HouseholdMember.person_id, String),
            HouseholdMember.role,
            HouseholdMember.visiting_child,
            HouseholdMember.member_from,
            HouseholdMember.member_until,
            Person.personal_number,
            Person.sex,
            Person.birth_date,
        )
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .where(type_coerce(Case.id, String).in_(case_ids))
        .order_by(Case.case_number, HouseholdMember.sort_order)
    ).all()
    barriers = {
        (case_id, person_id): code
        for case_id, person_id, code in session.execute(
            select(
                type_coerce(SupportBarrier.case_id, String),
                type_coerce(SupportBarrier.person_id, String),
                SupportBarrier.code,
            )
            .where(type_coerce(SupportBarrier.case_id, String).in_(case_ids))
            .where(SupportBarrier.month == month)
        )
    }
    by_case: dict[str, list] = defaultdict(list)
    for row in members:
        by_case[row[0]].append(row)
    rows: list[SosRow] = []
    for case_id, case_members in by_case.items():
        spans = [MemberSpan(r[3].value, bool(r[4]), r[5], r[6], r[8], r[9]) for r in case_members]
        code = household_type.type_of_members(spans, month)
        amount_written = False
        for (
            _case,
            case_number,
            person_id,
            role,
            visiting,
            start,
            until,
            number,
            sex,
            _born,
        ) in case_members:
            if not household_type.in_month(start, until, month):
                continue
            if role is MemberRole.CHILD and visiting:
                continue
            is_applicant = role is MemberRole.APPLICANT and not amount_written
            amount_written = amount_written or is_applicant
            adult = role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
            rows.append(
                SosRow(
                    month=month,
                    case_number=case_number,
                    personal_number=number,
                    sex=sex,
                    role=role.value,
                    household_type=code,
                    amount=amounts[case_id] if is_applicant else None,
                    support_barrier=barriers.get((case_id, person_id), "") if adult else "",
                )
            )
    return rows


def write_sos_file(rows: list[SosRow], path: str | Path) -> None:
    """The rows as Socialstyrelsen's file (layout in the module docstring; verify)."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(SOS_COLUMNS)
        for r in rows:
            writer.writerow(
                [
                    f"{r.month:%Y-%m}",
                    r.case_number,
                    r.personal_number,
                    r.sex,
                    r.role,
                    r.household_type,
                    "" if r.amount is None else str(r.amount.quantize(Decimal("1"), ROUND_HALF_UP)),
                    r.support_barrier,
                ]
            )
