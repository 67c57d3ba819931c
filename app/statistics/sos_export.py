"""Files for others: Socialstyrelsen's monthly individual statistics, and the chef's
statistics as a CSV file for Excel.

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
from enum import StrEnum
from pathlib import Path

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from app.common import code_lists
from app.common.excel_csv import write_excel_csv
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
    HouseholdCounts,
    MonthStatistics,
    SexCounts,
    YearStatistics,
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
        spans = [MemberSpan(r[3].value, bool(r[4]), r[5], r[6], r[8]) for r in case_members]
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


# --- the chef's statistics as CSV for Excel ---------------------------------------------------
SEXES = (("Kvinnor", "women"), ("Män", "men"), ("Totalt", "total"))
CHILD_SEXES = (("Flickor", "women"), ("Pojkar", "men"), ("Totalt", "total"))

HOUSEHOLD_GROUPS = (
    ("decision_households", "Beslutshushåll"),
    ("support_households", "Bidragshushåll"),
    ("new_households", "Nya hushåll"),
    ("closed_households", "Avslutade hushåll"),
    ("long_term_10_of_12", "Långvarigt bistånd, 10 av 12 månader"),
    ("long_term_32_of_36", "Långvarigt bistånd, 32 av 36 månader"),
)


class ValueKind(StrEnum):
    """What an indicator's values are, which decides how the CSV writes them."""

    NUMBER = "number"
    """A count, an amount or an average: written as it is."""
    SHARE = "share"
    """A fraction 0–1: written in per cent with one decimal."""


@dataclass(frozen=True)
class IndicatorRow:
    indicator: str
    group: str
    sex: str
    values: list[object]
    """One per period: int, Decimal or None."""
    kind: ValueKind = ValueKind.NUMBER


def statistics_table(
    stats: MonthStatistics | YearStatistics,
) -> tuple[list[str], list[list[object]]]:
    """Header and rows (indikator, grupp, kön, one value per period): a month has one period
    column, a year its twelve months and the year. Values are int, Decimal, or None; shares
    are fractions (0–1)."""
    header, rows = _indicator_rows(stats)
    return header, [[r.indicator, r.group, r.sex, *r.values] for r in rows]


def _indicator_rows(
    stats: MonthStatistics | YearStatistics,
) -> tuple[list[str], list[IndicatorRow]]:
    """`statistics_table`'s header and rows, each row with the kind of its values."""
    if isinstance(stats, YearStatistics):
        periods: list[MonthStatistics | YearStatistics] = [*stats.months, stats]
        header = [f"{m.month:%Y-%m}" for m in stats.months] + [f"Helår {stats.year}"]
    else:
        periods = [stats]
        header = [f"{stats.month:%Y-%m}"]
    rows: list[IndicatorRow] = []

    def add(indicator: str, group: str, sex: str, value_of, kind=ValueKind.NUMBER) -> None:
        rows.append(IndicatorRow(indicator, group, sex, [value_of(p) for p in periods], kind))

    def add_sexes(
        indicator: str, group: str, counts_of, sexes=SEXES, kind=ValueKind.NUMBER
    ) -> None:
        for sex_label, attribute in sexes:
            add(
                indicator,
                group,
                sex_label,
                lambda p, a=attribute: getattr(counts_of(p), a),
                kind,
            )

    for name, title in HOUSEHOLD_GROUPS:

        def group(p, name=name) -> HouseholdCounts:
            return getattr(p, name)

        add_sexes(title, "Alla", lambda p, g=group: g(p).total)
        for code, type_label in household_type.HOUSEHOLD_TYPES.items():
            add_sexes(
                title,
                f"Hushållstyp {code} {type_label}",
                lambda p, g=group, c=code: g(p).by_type.get(c, SexCounts()),
            )
        add_sexes(title, "Barnfamiljer", lambda p, g=group: g(p).with_children)
        add_sexes(title, "Ungdomshushåll (sökande 18–24 år)", lambda p, g=group: g(p).young)
    for code in stats.closing_reasons:
        add_sexes(
            "Avslutsorsak",
            code_lists.label(code_lists.CLOSING_REASON, code),
            lambda p, c=code: p.closing_reasons.get(c, SexCounts()),
        )
    add_sexes(
        "Genomsnittlig varaktighet, månader",
        "Bidragshushåll",
        lambda p: p.average_duration_months,
    )
    for code in stats.support_barriers:
        add_sexes(
            "Försörjningshinder (vuxna)",
            code_lists.label(code_lists.SUPPORT_BARRIER, code),
            lambda p, c=code: p.support_barriers.get(c, SexCounts()),
        )
    add("Utbetalt, kr", "Alla beslut", "Totalt", lambda p: p.amount_paid)
    add("Kostnad per bidragshushåll, kr", "", "Totalt", lambda p: p.cost_per_support_household)
    docs = "Barnens dokumentation (beslut som inte är fullt bifall)"
    add(docs, "Granskade beslut", "Totalt", lambda p: p.child_documentation.decisions)
    add(
        docs,
        "Beslut där alla barn är namngivna",
        "Totalt",
        lambda p: p.child_documentation.decisions_all_named,
    )
    number, share = ValueKind.NUMBER, ValueKind.SHARE
    for attribute, label, kind in (
        ("children", "Barn", number),
        ("named", "Barnet namngivet", number),
        ("named_share", "Andel namngivna", share),
        ("with_bka", "Barn med barnkonsekvensanalys", number),
        ("bka_situation", "BKA: situationen beskriven", number),
        ("bka_situation_share", "BKA: andel situationen beskriven", share),
        ("bka_needs", "BKA: behoven beskrivna", number),
        ("bka_needs_share", "BKA: andel behoven beskrivna", share),
        ("bka_consequences", "BKA: konsekvenserna beskrivna", number),
        ("bka_consequences_share", "BKA: andel konsekvenserna beskrivna", share),
    ):
        add_sexes(
            docs,
            label,
            lambda p, a=attribute: getattr(p.child_documentation, a),
            CHILD_SEXES,
            kind,
        )
    for name, title in (("sip", "SIP"), ("home_visits", "Hembesök")):
        add(title, "Tillfällen", "Totalt", lambda p, n=name: getattr(p, n).events)
        add_sexes(title, "Hushåll", lambda p, n=name: getattr(p, n).households)
    response = "Första återkoppling"
    for attribute, label, kind in (
        ("received", "Ansökningar", number),
        ("answered", "Besvarade", number),
        ("answered_in_time", "Inom 24 timmar (vardagar)", number),
        ("share_in_time", "Andel inom 24 timmar", share),
        ("median_hours", "Median, timmar", number),
    ):
        add(response, label, "Totalt", lambda p, a=attribute: getattr(p.first_response, a), kind)
    to_decision = "Ansökan till beslut"
    for attribute, label, kind in (
        ("received", "Ansökningar", number),
        ("decided", "Beslutade", number),
        ("decided_in_time", "Inom målet", number),
        ("share_in_time", "Andel inom målet", share),
        ("median_days", "Median, dagar", number),
        ("target_days", "Mål, dagar", number),
    ):
        add(
            to_decision,
            label,
            "Totalt",
            lambda p, a=attribute: getattr(p.time_to_decision, a),
            kind,
        )
    return ["Indikator", "Grupp", "Kön", *header], rows


def _cell(value: object, kind: ValueKind) -> str:
    """Excel with Swedish settings: decimal comma, no thousands separator, shares in
    per cent with one decimal."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if kind is ValueKind.SHARE:
            value = (value * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return format(value, "f").replace(".", ",")
    return str(value)


def write_statistics_csv(stats: MonthStatistics | YearStatistics, path: str | Path) -> None:
    """The indicators as a CSV file Excel opens as it is: semicolon separated, UTF-8 with
    BOM, decimal comma; shares in per cent."""
    header, rows = _indicator_rows(stats)
    title = (
        f"Statistik {stats.year}"
        if isinstance(stats, YearStatistics)
        else f"Statistik {stats.month:%Y-%m}"
    )
    write_excel_csv(
        path,
        [
            [f"{title}, {stats.unit_name}"],
            header,
            *(
                [row.indicator, row.group, row.sex, *(_cell(v, row.kind) for v in row.values)]
                for row in rows
            ),
        ],
    )
