"""Individual data for Socialstyrelsen's statistics on ekonomiskt bistånd: an underlag, NOT
Socialstyrelsen's file. (The chef's statistics as a CSV file for Excel are
statistics_csv.py, from the same tables as the screen and the PDF.)

What Socialstyrelsen asks for, and where it says so (the sources found and read):
- HSLF-FS 2015:30, Socialstyrelsens föreskrifter om socialnämndernas skyldighet att lämna
  statistiska uppgifter om ekonomiskt bistånd (beslutade 2015-12-01, utkom 2016-01-29;
  https://lagen.nu/hslf-fs/2015:30): 2 § persons and households granted ekonomiskt bistånd
  under SoL (2001:453); 3 § ekonomiskt bistånd, försörjningshinder and kommunala
  arbetsmarknadsinsatser as bilaga 1 says, "för den kalendermånad som biståndet gäller för",
  by the 15th of the next month; 4 § the reasons persons and households no longer get
  ekonomiskt bistånd as bilaga 2 says, per calendar month, by the 15th of the next month.
- Socialstyrelsen, Registret över ekonomiskt bistånd
  (https://www.socialstyrelsen.se/statistik-och-data/register/ekonomiskt-bistand/): the
  register covers försörjningsstöd and livsföring i övrigt under 4 kap. 1 § and "i
  förekommande fall 4 kap. 2 §" SoL (so all three decision kinds, SOS_KINDS); the
  municipalities report personnummer, kön, biståndskommun, biståndsbelopp and
  försörjningshinder among other things.
- Socialstyrelsen's page for uppgiftslämnare: "det är den månad som biståndet avser som ska
  inrapporteras och inte månaden för utbetalning" (month_shares.py shares a decision out).
- Socialstyrelsen, Variabelförteckning för registret över ekonomiskt bistånd (the address in
  resources/code_lists.json, list hushallstyp; no version or date on the page): Kommun, a
  four-digit code whose first two digits are the län; Hushållstyp, codes 1 and 3–9
  (household_type.py).

What could NOT be found or read, and what the program does instead (so this is an underlag
and never called Socialstyrelsen's file; `OFFICIAL_LAYOUT` is False):
- the technical description of the file ("teknisk beskrivning för inrapportering",
  Socialstyrelsen's inrapporteringsportal): field order, field names, formats and file
  structure are the program's own, listed below;
- HSLF-FS 2015:30 bilaga 1 and 2 (the variables and their codes) and Socialstyrelsen's
  "Instruktion för registrering av ekonomiskt bistånd" (January 2017): the försörjningshinder
  and the avslutsorsak are the program's own codes (resources/code_lists.json), not mapped to
  Socialstyrelsen's;
- kommunala arbetsmarknadsinsatser: the program registers none per person and month (a
  plan's steps are free text), so the underlag has none (`MISSING`).

The underlag, `write_underlag`: UTF-8 (no BOM), semicolon-separated, CRLF; blocks separated
by an empty line, each a title on its own line, a line of column headings and the rows:

    Underlag för Socialstyrelsens individstatistik om ekonomiskt bistånd, oktober 2026 – Norr
    (empty line)
    Om underlaget
    Uppgift;Text
    Format;Inte Socialstyrelsens filformat: …
    Källa;…            (one line per source)
    Saknas;…           (one line per thing missing)
    (empty line)
    Bistånd och försörjningshinder per person
    Kommunkod;Månad;Ärende;Personnummer;Kön;Roll;Hushållstyp;Beviljat belopp;Försörjningshinder
    0180;2026-10;EB-2025-000001;198005051234;K;sokande;6;5000;arbetslos
    (empty line)
    Avslutade hushåll
    Kommunkod;Månad;Ärende;Personnummer;Avslutad;Avslutsorsak;Benämning

Persons (`PersonRow`): one row per person in a household with ekonomiskt bistånd for the
month (a share above 0 kr of a counting decision: signed, not replaced, of SOS_KINDS):
every member of the household that month except umgängesbarn, who are reported in the
household where they live; in case number order, sökande first. Kommunkod: the case's
unit's (units.municipality_code; a unit without a valid one stops the export). Månad:
ÅÅÅÅ-MM, the month the bistånd is for. Personnummer: 12 digits (samordningsnummer
likewise). Kön: K or M. Roll: sokande, medsokande, barn or ovrig. Hushållstyp: the code of
the month. Beviljat belopp: whole kronor, rounded half up, the household's share for the
month of its counting decisions, on the sökande's row only (summing the column gives the
total); empty on the others. Försörjningshinder: the program's code registered for the adult
and month, on the sökande's and medsökande's rows; empty if none.

Closings (`ClosingRow`): one row per case of a household that has had ekonomiskt bistånd
(any counting decision granting more than 0 kr) whose status was set to avslutad during the
month: kommunkod, month, case number, the sökande's personnummer, the date, and the
avslutsorsak (the program's code, from the status change, else the case) with its name.
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

from app.common import code_lists, municipality_code
from app.common.errors import ServiceError
from app.common.formatting import month_name
from app.common.periods import month_end, month_start
from app.db.batches import in_batches
from app.models import (
    Case,
    CaseStatus,
    CaseStatusChange,
    Decision,
    DecisionKind,
    HouseholdMember,
    MemberRole,
    Person,
    SupportBarrier,
    Unit,
)
from app.security import audit
from app.security.actor import Actor
from app.statistics import household_type, month_shares
from app.statistics.household_type import MemberSpan
from app.statistics.statistics import (
    audit_aggregate,
    require_statistics_access,
    unit_label,
)

OFFICIAL_LAYOUT = False
"""Socialstyrelsen's technical file description could not be found: the export is an
underlag in the program's own layout, never Socialstyrelsen's file."""

SOS_KINDS = (DecisionKind.SUPPORT, DecisionKind.OTHER_LIVING, DecisionKind.BEYOND_RIGHT)
"""Decision kinds that are ekonomiskt bistånd in the register: 4 kap. 1 § (försörjningsstöd,
livsföring i övrigt) and "i förekommande fall" 4 kap. 2 § SoL (Socialstyrelsen's page on the
register)."""

TITLE = "Underlag för Socialstyrelsens individstatistik om ekonomiskt bistånd"
FORMAT_NOTE = (
    "Inte Socialstyrelsens filformat: Socialstyrelsens tekniska beskrivning av filen har inte "
    "kunnat kontrolleras. Underlaget har Ärendestödets egen uppställning och egna koder för "
    "försörjningshinder och avslutsorsak. Lämna det inte till Socialstyrelsen som det är."
)
SOURCES = (
    "HSLF-FS 2015:30 (Socialstyrelsens föreskrifter om socialnämndernas skyldighet att lämna "
    "statistiska uppgifter om ekonomiskt bistånd) 2-4 §§: uppgifterna avser den kalendermånad "
    "biståndet gäller för.",
    "Socialstyrelsens variabelförteckning för registret över ekonomiskt bistånd: kommunkod "
    "(fyra siffror) och hushållstyp (koderna 1, 3-9; barn = under 18 år).",
    "Ett beslut för flera månader fördelas på månaderna efter hur stor del av varje månad "
    "perioden täcker (Ärendestödets regel).",
)
MISSING = (
    "Kommunala arbetsmarknadsinsatser: Ärendestöd registrerar inga insatser per person och "
    "månad (planernas steg är fritext).",
    "Socialstyrelsens koder för försörjningshinder och avslutsorsak (HSLF-FS 2015:30 bilaga 1 "
    "och 2) har inte kunnat läsas: underlaget har Ärendestödets koder.",
)
PERSON_COLUMNS = (
    "Kommunkod",
    "Månad",
    "Ärende",
    "Personnummer",
    "Kön",
    "Roll",
    "Hushållstyp",
    "Beviljat belopp",
    "Försörjningshinder",
)
CLOSING_COLUMNS = (
    "Kommunkod",
    "Månad",
    "Ärende",
    "Personnummer",
    "Avslutad",
    "Avslutsorsak",
    "Benämning",
)


@dataclass(frozen=True)
class PersonRow:
    month: date
    municipality_code: str
    case_number: str
    personal_number: str
    sex: str
    role: str
    household_type: str
    amount: Decimal | None
    """The household's share for the month, on the sökande's row only."""
    support_barrier: str


@dataclass(frozen=True)
class ClosingRow:
    month: date
    municipality_code: str
    case_number: str
    personal_number: str
    """The sökande's."""
    closed_on: date
    reason: str
    """The program's avslutsorsak code."""

    @property
    def reason_label(self) -> str:
        return code_lists.label(code_lists.CLOSING_REASON, self.reason)


@dataclass(frozen=True)
class Underlag:
    month: date
    unit_name: str
    persons: list[PersonRow]
    closings: list[ClosingRow]

    @property
    def households(self) -> int:
        return len({r.case_number for r in self.persons})


def individual_data(
    session: Session,
    actor: Actor,
    month: date,
    *,
    unit_id: uuid.UUID | None = None,
) -> Underlag:
    """The month's individual data (HSLF-FS 2015:30), in case number order. Chefs (own unit)
    and administrators; logged as one export. A unit of the data without a
    valid kommunkod stops it (ServiceError) before any person is read."""
    scope = require_statistics_access(actor, unit_id)
    first = month_start(month)
    amounts = _month_amounts(session, scope, first)
    closed = _closed_cases(session, scope, first)
    codes = _municipality_codes(session, [*amounts, *(c[0] for c in closed)])
    rows: list[PersonRow] = []
    case_ids = sorted(amounts)
    for chunk in in_batches(case_ids):
        rows.extend(_person_rows(session, chunk, first, amounts, codes))
    rows.sort(key=lambda r: (r.case_number, _ROLE_ORDER.get(r.role, 9)))
    closings = _closing_rows(session, closed, first, codes)
    audit_aggregate(
        session,
        actor,
        audit.Action.EXPORT,
        "sos_export",
        f"individunderlag {first:%Y-%m}, {unit_label(session, scope)}: {len(rows)} personer "
        f"i {len(case_ids)} hushåll, {len(closings)} avslut",
    )
    return Underlag(first, unit_label(session, scope), rows, closings)


_ROLE_ORDER = {
    MemberRole.APPLICANT.value: 0,
    MemberRole.CO_APPLICANT.value: 1,
    MemberRole.OTHER.value: 2,
    MemberRole.CHILD.value: 3,
}


def _counting(scope: uuid.UUID | None):
    """Signed decisions of SOS_KINDS granting more than 0 kr, in the scope."""
    stmt = (
        select(
            type_coerce(Decision.id, String),
            type_coerce(Decision.case_id, String),
            Decision.period_start,
            Decision.period_end,
            Decision.granted_total,
        )
        .where(Decision.signed_at.is_not(None))
        .where(Decision.kind.in_(SOS_KINDS))
        .where(Decision.granted_total > 0)
    )
    if scope is not None:
        stmt = stmt.where(Decision.case_id.in_(select(Case.id).where(Case.unit_id == scope)))
    return stmt


def _month_amounts(session: Session, scope: uuid.UUID | None, first: date) -> dict[str, Decimal]:
    """Case id -> the household's ekonomiskt bistånd for the month (its decisions' shares),
    for the cases with more than 0 kr."""
    stmt = (
        _counting(scope)
        .where(Decision.period_start <= month_end(first))
        .where(Decision.period_end >= first)
    )
    decisions = session.execute(stmt).all()
    replaced = _replaced(session, [d[0] for d in decisions])
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    for decision_id, case_id, start, end, granted in decisions:
        if decision_id not in replaced:
            amounts[case_id] += month_shares.share_in(granted, start, end, first)
    return {case_id: amount for case_id, amount in amounts.items() if amount > 0}


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


def _closed_cases(
    session: Session, scope: uuid.UUID | None, first: date
) -> list[tuple[str, date, str]]:
    """(case id, date, avslutsorsak) of each closing in the month of a case that has had
    ekonomiskt bistånd."""
    had_support = select(Decision.case_id).where(Decision.signed_at.is_not(None))
    had_support = had_support.where(Decision.kind.in_(SOS_KINDS)).where(Decision.granted_total > 0)
    stmt = (
        select(
            type_coerce(CaseStatusChange.case_id, String),
            CaseStatusChange.changed_on,
            CaseStatusChange.reason,
            Case.closing_reason,
        )
        .join(Case, Case.id == CaseStatusChange.case_id)
        .where(CaseStatusChange.to_status == CaseStatus.CLOSED)
        .where(CaseStatusChange.changed_on >= first)
        .where(CaseStatusChange.changed_on <= month_end(first))
        .where(CaseStatusChange.case_id.in_(had_support))
        .order_by(CaseStatusChange.changed_at)
    )
    if scope is not None:
        stmt = stmt.where(Case.unit_id == scope)
    return [
        (case_id, on, reason or closing_reason or "annat")
        for case_id, on, reason, closing_reason in session.execute(stmt)
    ]


def _municipality_codes(session: Session, case_ids: list[str]) -> dict[str, str]:
    """Case id -> its unit's kommunkod; ServiceError naming the units without a valid one."""
    codes: dict[str, str] = {}
    missing: set[str] = set()
    for chunk in in_batches(sorted(set(case_ids))):
        for case_id, name, code in session.execute(
            select(type_coerce(Case.id, String), Unit.name, Unit.municipality_code)
            .join(Unit, Unit.id == Case.unit_id)
            .where(type_coerce(Case.id, String).in_(chunk))
        ):
            if municipality_code.is_valid(code or ""):
                codes[case_id] = code
            else:
                missing.add(name)
    if missing:
        names = ", ".join(sorted(missing))
        raise ServiceError(
            f"Kommunkod saknas för {names}: underlaget kan inte tas fram utan den. IT anger "
            "kommunens fyrsiffriga kod (SCB) med arendestod unit set-municipality-code."
        )
    return codes


def _person_rows(
    session: Session,
    case_ids: list[str],
    month: date,
    amounts: dict[str, Decimal],
    codes: dict[str, str],
) -> list[PersonRow]:
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
    rows: list[PersonRow] = []
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
                PersonRow(
                    month=month,
                    municipality_code=codes[case_id],
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


def _closing_rows(
    session: Session, closed: list[tuple[str, date, str]], month: date, codes: dict[str, str]
) -> list[ClosingRow]:
    if not closed:
        return []
    case_ids = sorted({c[0] for c in closed})
    applicants: dict[str, list[tuple[date | None, date | None, str]]] = defaultdict(list)
    numbers: dict[str, str] = {}
    for chunk in in_batches(case_ids):
        for case_id, case_number, start, until, personal_number in session.execute(
            select(
                type_coerce(Case.id, String),
                Case.case_number,
                HouseholdMember.member_from,
                HouseholdMember.member_until,
                Person.personal_number,
            )
            .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(type_coerce(Case.id, String).in_(chunk))
            .where(HouseholdMember.role == MemberRole.APPLICANT)
            .order_by(HouseholdMember.sort_order)
        ):
            numbers[case_id] = case_number
            applicants[case_id].append((start, until, personal_number))
    rows = []
    for case_id, on, reason in closed:
        found = applicants.get(case_id, [])
        current = [p for s, u, p in found if (s is None or s <= on) and (u is None or on <= u)]
        rows.append(
            ClosingRow(
                month=month,
                municipality_code=codes[case_id],
                case_number=numbers.get(case_id, ""),
                personal_number=(current or [p for _s, _u, p in found] or [""])[0],
                closed_on=on,
                reason=reason,
            )
        )
    rows.sort(key=lambda r: (r.case_number, r.closed_on))
    return rows


def _kronor(amount: Decimal | None) -> str:
    return "" if amount is None else str(amount.quantize(Decimal("1"), ROUND_HALF_UP))


def underlag_lines(underlag: Underlag) -> list[list[str]]:
    """The file's lines, as the module docstring lays them out."""
    lines: list[list[str]] = [
        [f"{TITLE}, {month_name(underlag.month)} – {underlag.unit_name}"],
        [],
        ["Om underlaget"],
        ["Uppgift", "Text"],
        ["Format", FORMAT_NOTE],
        *(["Källa", text] for text in SOURCES),
        *(["Saknas", text] for text in MISSING),
        [],
        ["Bistånd och försörjningshinder per person"],
        list(PERSON_COLUMNS),
    ]
    for r in underlag.persons:
        lines.append(
            [
                r.municipality_code,
                f"{r.month:%Y-%m}",
                r.case_number,
                r.personal_number,
                r.sex,
                r.role,
                r.household_type,
                _kronor(r.amount),
                r.support_barrier,
            ]
        )
    lines += [[], ["Avslutade hushåll"], list(CLOSING_COLUMNS)]
    for c in underlag.closings:
        lines.append(
            [
                c.municipality_code,
                f"{c.month:%Y-%m}",
                c.case_number,
                c.personal_number,
                c.closed_on.isoformat(),
                c.reason,
                c.reason_label,
            ]
        )
    return lines


def write_underlag(underlag: Underlag, path: str | Path) -> None:
    """The underlag as a file (layout in the module docstring): UTF-8 without BOM, so that the
    leading zero of a kommunkod and the 12 digits of a personnummer stay as they are."""
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerows(underlag_lines(underlag))
