"""Statistics on a small dataset built by hand, where every number is known.

Households (unit Norr unless said otherwise; "stöd" = försörjningsstöd granted > 0):
 1 Anna K 1980, alone; daughter Alma joins 2026-06-10; stöd 5000 every month 2025-11..2026-10;
   October's verkställt
 2 Bertil M 1990; stöd 4000 2025-11..2026-10 except avslag (0 kr) in 2026-02 and 2026-05
 3 Cecilia K 1985; stöd 3000 2025-11..2026-10 except no decision in 2026-01, -03, -07
 4 David M 1970; stöd 2000 2023-11..2026-10 except 2024-01..2024-04 (32 of 36)
 5 Erik M 1975; stöd 2000 2023-11..2026-10 except 2024-01..2024-05 (31 of 36)
 6 Elin K born 2002-10-01 (24 on 2026-10-01); stöd 1000 in 2026-10
 7 Filip M born 2001-10-01 (25 on 2026-10-01); stöd 1000 in 2026-09 and 2026-10
 8 Gustav M + Hanna K, son Hugo, umgängesdotter Greta; delvis bifall 3000 in 2026-10 with a
   consideration for Hugo only
 9 Ida K + Isak M, umgängesson Ivar; avslag (livsföring) in 2026-10 referring to a signed BKA
   whose section for Ivar has situation and behov but not hur_paverkas
10 Johan M; 4000 in 2026-10 replaced by a signed 4500
11 Karin K; one decision 6000 for 2026-09-15..2026-10-14, verkställt: 3248.91 for September
   (16/30 of the month) and 2751.09 for October (14/31)
12 Lars M; case registered 2026-10-05, no decision
13 Maja K; stöd 2500 in 2026-10, closed 2026-10-20 (arbete)
14 Nils M; closed 2026-08-15 (flyttat), reopened 2026-10-03, stöd 3500 in 2026-10
15 Olle M, unit Söder; stöd 7000 in 2026-10
16 Pia K; an unsigned draft of 9999 in 2026-10
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cli import main
from app.common.clock import STOCKHOLM
from app.common.errors import AccessDenied
from app.common.identity_number import with_check_digit
from app.common.periods import month_end
from app.common.text_input import search_key
from app.deadlines.deadlines import add_weekday_hours
from app.forms.form_definitions import latest_record
from app.models import (
    Application,
    AuditEntry,
    Case,
    CaseStatus,
    CaseStatusChange,
    Decision,
    DecisionKind,
    FormInstance,
    Household,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Outcome,
    Person,
    SupportBarrier,
)
from app.statistics import household_type, statistics
from app.statistics.statistics import (
    SexCounts,
    SexShares,
    month_statistics,
    year_statistics,
)

OCT = date(2026, 10, 1)
SUPPORT = DecisionKind.SUPPORT


def months(first: date, last: date) -> list[date]:
    found, month = [], first
    while month <= last:
        found.append(month)
        month = month_end(month) + timedelta(days=1)
    return found


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=STOCKHOLM).astimezone(UTC)


@dataclass
class Dataset:
    cases: dict[int, Case] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    serial: int = 100


class Builder:
    def __init__(self, session, staff):
        self.session = session
        self.staff = staff
        self.data = Dataset()

    def person(self, name: str, sex: str, born: date) -> Person:
        self.data.serial += 1
        number = with_check_digit(f"{born:%Y%m%d}{self.data.serial:03d}")
        person = Person(
            personal_number=number,
            first_name=name,
            last_name="Test",
            first_name_key=search_key(name),
            last_name_key="test",
            birth_date=born,
            sex=sex,
        )
        self.session.add(person)
        self.data.persons[name] = person
        return person

    def household(
        self,
        number: int,
        members: list[tuple],
        *,
        unit=None,
        opened: date = date(2023, 6, 1),
    ) -> Case:
        """members: (name, sex, born, role, member_from, visiting)"""
        household = Household()
        for order, (name, sex, born, role, start, visiting) in enumerate(members):
            household.members.append(
                HouseholdMember(
                    person=self.person(name, sex, born),
                    role=role,
                    visiting_child=visiting,
                    member_from=start or opened,
                    sort_order=order,
                )
            )
        case = Case(
            case_number=f"EB-2025-{number:06d}",
            unit_id=(unit or self.staff.unit).id,
            household=household,
            responsible_user_id=self.staff.caseworker.id,
            status=CaseStatus.ACTIVE,
            opened_on=opened,
        )
        self.session.add_all([household, case])
        self.session.flush()
        self.data.cases[number] = case
        return case

    def decision(
        self,
        number: int,
        month: date,
        granted: int | str,
        *,
        kind: DecisionKind = SUPPORT,
        outcome: Outcome | None = None,
        period_end: date | None = None,
        signed: bool = True,
        decided_on: date | None = None,
        considerations: dict | None = None,
        bka: FormInstance | None = None,
        replaces: Decision | None = None,
        executed_on: date | None = None,
    ) -> Decision:
        granted = Decimal(granted)
        decided = decided_on or month
        decision = Decision(
            case_id=self.data.cases[number].id,
            kind=kind,
            outcome=outcome or (Outcome.GRANTED if granted > 0 else Outcome.REFUSED),
            period_start=month,
            period_end=period_end or month_end(month),
            granted_total=granted,
            child_consideration=json.dumps(considerations or {}),
            bka_form_id=bka.id if bka else None,
            author_id=self.staff.caseworker.id,
            decided_by=self.staff.caseworker.id if signed else None,
            signed_at=datetime.combine(decided, time(12), tzinfo=UTC) if signed else None,
            decided_on=decided if signed else None,
            replaces_id=replaces.id if replaces else None,
            executed_on=executed_on,
        )
        self.session.add(decision)
        self.session.flush()
        return decision

    def status(self, number: int, on: date, old, new, reason=None) -> None:
        self.session.add(
            CaseStatusChange(
                case_id=self.data.cases[number].id,
                from_status=old,
                to_status=new,
                reason=reason,
                changed_on=on,
                changed_at=datetime.combine(on, time(10), tzinfo=UTC),
                changed_by=self.staff.caseworker.id,
            )
        )

    def barrier(self, number: int, name: str, month: date, code: str) -> None:
        self.session.add(
            SupportBarrier(
                case_id=self.data.cases[number].id,
                person_id=self.data.persons[name].id,
                month=month,
                code=code,
            )
        )

    def journal(self, number: int, on: date, entry_type: str, *, signed: bool = True) -> None:
        at = datetime.combine(on, time(10), tzinfo=UTC)
        self.session.add(
            JournalEntry(
                case_id=self.data.cases[number].id,
                entry_date=on,
                entry_type=entry_type,
                text="x",
                author_id=self.staff.caseworker.id,
                signed_at=at if signed else None,
                signed_by=self.staff.caseworker.id if signed else None,
            )
        )

    def application(
        self, number: int, received: datetime, responded: datetime | None, decided: date | None
    ) -> None:
        day = received.astimezone(STOCKHOLM).date().replace(day=1)
        self.session.add(
            Application(
                case_id=self.data.cases[number].id,
                received_at=received,
                channel="papper",
                period_start=day,
                period_end=month_end(day),
                first_response_at=responded,
                decided_on=decided,
            )
        )


def build_dataset(session, staff) -> Dataset:
    b = Builder(session, staff)
    A, C, O_ = MemberRole.APPLICANT, MemberRole.CO_APPLICANT, MemberRole.CHILD
    b.household(
        1,
        [
            ("Anna", "K", date(1980, 5, 5), A, None, False),
            ("Alma", "K", date(2015, 3, 3), O_, date(2026, 6, 10), False),
        ],
    )
    for m in months(date(2025, 11, 1), OCT):
        b.decision(1, m, 5000, executed_on=date(2026, 10, 3) if m == OCT else None)
    b.household(2, [("Bertil", "M", date(1990, 3, 1), A, None, False)])
    for m in months(date(2025, 11, 1), OCT):
        b.decision(2, m, 0 if m in (date(2026, 2, 1), date(2026, 5, 1)) else 4000)
    b.household(3, [("Cecilia", "K", date(1985, 7, 7), A, None, False)])
    for m in months(date(2025, 11, 1), OCT):
        if m not in (date(2026, 1, 1), date(2026, 3, 1), date(2026, 7, 1)):
            b.decision(3, m, 3000)
    b.household(4, [("David", "M", date(1970, 1, 15), A, None, False)])
    b.household(5, [("Erik", "M", date(1975, 2, 2), A, None, False)])
    for m in months(date(2023, 11, 1), OCT):
        if not date(2024, 1, 1) <= m <= date(2024, 4, 1):
            b.decision(4, m, 2000)
        if not date(2024, 1, 1) <= m <= date(2024, 5, 1):
            b.decision(5, m, 2000)
    b.household(6, [("Elin", "K", date(2002, 10, 1), A, None, False)])
    b.decision(6, OCT, 1000)
    b.household(7, [("Filip", "M", date(2001, 10, 1), A, None, False)])
    b.decision(7, date(2026, 9, 1), 1000)
    b.decision(7, OCT, 1000)
    b.household(
        8,
        [
            ("Gustav", "M", date(1988, 8, 8), A, None, False),
            ("Hanna", "K", date(1989, 9, 9), C, None, False),
            ("Hugo", "M", date(2016, 6, 6), O_, None, False),
            ("Greta", "K", date(2018, 1, 1), O_, None, True),
        ],
    )
    b.decision(
        8,
        OCT,
        3000,
        outcome=Outcome.PARTLY,
        decided_on=date(2026, 10, 12),
        considerations={str(b.data.persons["Hugo"].id): "Hugo får hela normen."},
    )
    case9 = b.household(
        9,
        [
            ("Ida", "K", date(1992, 2, 2), A, None, False),
            ("Isak", "M", date(1991, 1, 1), C, None, False),
            ("Ivar", "M", date(2017, 7, 7), O_, None, True),
        ],
    )
    record = latest_record(session, "bka")
    bka = FormInstance(
        definition_id=record.id,
        form_key="bka",
        form_version=record.version,
        unit_id=staff.unit.id,
        case_id=case9.id,
        author_id=staff.caseworker.id,
        answers_json=json.dumps(
            {
                "barn": [
                    {
                        "_item": str(b.data.persons["Ivar"].id),
                        "_label": "Ivar (9 år)",
                        "situation": "Bor hos mamma, går i skolan.",
                        "behov": "Fritidsaktivitet.",
                        "hur_paverkas": "",
                    }
                ]
            }
        ),
        signed_at=datetime(2026, 10, 13, 12, tzinfo=UTC),
        signed_by=staff.caseworker.id,
    )
    session.add(bka)
    session.flush()
    b.decision(
        9,
        OCT,
        0,
        kind=DecisionKind.OTHER_LIVING,
        decided_on=date(2026, 10, 14),
        bka=bka,
    )
    b.household(10, [("Johan", "M", date(1983, 3, 3), A, None, False)])
    old = b.decision(10, OCT, 4000, decided_on=date(2026, 10, 2))
    b.decision(10, OCT, 4500, decided_on=date(2026, 10, 9), replaces=old)
    b.household(11, [("Karin", "K", date(1979, 9, 9), A, None, False)])
    b.decision(
        11, date(2026, 9, 15), 6000, period_end=date(2026, 10, 14), executed_on=date(2026, 9, 20)
    )
    b.household(12, [("Lars", "M", date(1960, 6, 6), A, None, False)], opened=date(2026, 10, 5))
    b.status(12, date(2026, 10, 5), None, CaseStatus.REGISTERED)
    b.household(13, [("Maja", "K", date(1995, 5, 5), A, None, False)])
    b.decision(13, OCT, 2500)
    b.status(13, date(2026, 10, 20), CaseStatus.ACTIVE, CaseStatus.CLOSED, "arbete")
    b.household(14, [("Nils", "M", date(1965, 12, 12), A, None, False)])
    b.status(14, date(2026, 8, 15), CaseStatus.ACTIVE, CaseStatus.CLOSED, "flyttat")
    b.status(14, date(2026, 10, 3), CaseStatus.CLOSED, CaseStatus.ACTIVE)
    b.decision(14, OCT, 3500)
    b.household(15, [("Olle", "M", date(1972, 4, 4), A, None, False)], unit=staff.other_unit)
    b.decision(15, OCT, 7000)
    b.household(16, [("Pia", "K", date(1982, 8, 8), A, None, False)])
    b.decision(16, OCT, 9999, signed=False)

    b.barrier(1, "Anna", date(2026, 8, 1), "foraldraledig")
    b.barrier(1, "Anna", date(2026, 9, 1), "arbetslos")
    b.barrier(1, "Anna", OCT, "arbetslos")
    b.barrier(2, "Bertil", OCT, "sjukskriven_lakarintyg")
    b.barrier(8, "Gustav", OCT, "sprakhinder")
    b.barrier(8, "Hanna", OCT, "sprakhinder")
    b.barrier(15, "Olle", OCT, "arbetslos")

    b.journal(1, date(2026, 10, 5), "sip")
    b.journal(1, date(2026, 10, 20), "sip")
    b.journal(2, date(2026, 9, 10), "sip")
    b.journal(8, date(2026, 10, 7), "hembesok")
    b.journal(8, date(2026, 10, 8), "hembesok", signed=False)
    b.journal(15, date(2026, 10, 9), "hembesok")

    # Applications (Swedish time). Summer time ends 2026-10-25 at 03:00.
    b.application(  # Monday, answered after 23 h, decided after 10 days
        1, local(2026, 10, 5, 10), local(2026, 10, 6, 9), date(2026, 10, 15)
    )
    b.application(  # Friday 14:00, answered Monday 13:00 (71 h, in time), decided after 42 days
        1, local(2026, 10, 9, 14), local(2026, 10, 12, 13), date(2026, 11, 20)
    )
    b.application(  # Tuesday, answered after 25 h (late), decided the same day
        1, local(2026, 10, 13, 8), local(2026, 10, 14, 9), date(2026, 10, 13)
    )
    b.application(  # Saturday, answered Monday 22:00 (59 real hours, before Tuesday 00:00);
        # no decision, 30 days old: still within the target
        1,
        local(2026, 10, 24, 12),
        local(2026, 10, 26, 22),
        None,
    )
    b.application(  # 00:30 on 1 November Swedish time (31 October in UTC): November
        1, local(2026, 11, 1, 0, 30), None, None
    )
    b.application(  # 00:30 on 1 October (30 September in UTC): October, never answered
        1, local(2026, 10, 1, 0, 30), None, None
    )
    b.application(15, local(2026, 10, 6, 10), local(2026, 10, 6, 11), date(2026, 10, 7))
    session.flush()
    return b.data


@pytest.fixture
def data(session, staff) -> Dataset:
    built = build_dataset(session, staff)
    session.commit()
    return built


def women_men(stats_counts: SexCounts) -> tuple[int, int]:
    return stats_counts.women, stats_counts.men


def types(counts) -> dict[str, tuple[int, int]]:
    return {code: women_men(c) for code, c in counts.by_type.items() if c.total}


# --- October 2026, every indicator -----------------------------------------------------------
@pytest.fixture
def october(session, data, manager) -> statistics.MonthStatistics:
    return month_statistics(session, manager, OCT)


def test_household_groups_in_october(october):
    s = october
    assert s.month == OCT and s.unit_name == "Försörjningsstöd Norr"
    assert women_men(s.decision_households.total) == (6, 7)  # 1-11, 13, 14; not 12, 15, 16
    assert types(s.decision_households) == {
        "5": (4, 0),  # ensamstående kvinna utan barn: Cecilia, Elin, Karin, Maja
        "3": (0, 6),  # ensamstående man utan barn: Bertil, David, Erik, Filip, Johan, Nils
        "6": (1, 0),  # ensamstående kvinna med barn: Anna with Alma since June
        "7": (1, 0),  # par utan barn: Ida and Isak (an umgängesbarn does not make "med barn")
        "8": (0, 1),  # par med barn: Gustav, Hanna and Hugo
    }
    assert women_men(s.decision_households.with_children) == (1, 1)
    assert women_men(s.decision_households.young) == (1, 0)  # Elin is 24; Filip turned 25
    assert women_men(s.support_households.total) == (5, 7)  # not 9 (avslag)
    assert types(s.support_households) == {"5": (4, 0), "3": (0, 6), "6": (1, 0), "8": (0, 1)}
    assert women_men(s.support_households.with_children) == (1, 1)
    assert women_men(s.support_households.young) == (1, 0)
    assert women_men(s.new_households.total) == (0, 2)  # Lars registered, Nils reopened
    assert types(s.new_households) == {"3": (0, 2)}
    assert women_men(s.closed_households.total) == (1, 0)  # Maja
    assert {k: women_men(v) for k, v in s.closing_reasons.items() if v.total} == {"arbete": (1, 0)}
    assert set(s.closing_reasons) >= {"arbete", "flyttat", "annat"}


def test_long_term_and_duration_in_october(october):
    s = october
    # 12 of 12 (Anna), exactly 10 (Bertil), 12 (David, Erik); Cecilia has 9
    assert women_men(s.long_term_10_of_12.total) == (1, 3)
    assert types(s.long_term_10_of_12) == {"3": (0, 3), "6": (1, 0)}
    assert women_men(s.long_term_10_of_12.with_children) == (1, 0)
    # exactly 32 of 36 (David); Erik has 31
    assert women_men(s.long_term_32_of_36.total) == (0, 1)
    # months with bistånd so far: K 12+9+1+2+1 = 25 / 5; M 10+32+31+2+1+1+1 = 78 / 7
    assert s.average_duration_months == statistics.SexAverages(
        Decimal("5.0"), Decimal("11.1"), Decimal("8.6")
    )


def test_money_barriers_and_events_in_october(october):
    s = october
    # the replaced 4000 does not count; Karin's 6000 for 15 September-14 October is
    # shared out on its months: 2751.09 for October
    assert s.amount_granted == Decimal("34251.09")
    assert s.amount_granted_support == Decimal("34251.09")  # Ida's livsföring is 0 kr
    assert s.amount_paid == Decimal("7751.09")  # verkställda: Anna's 5000 and Karin's share
    assert s.cost_per_support_household == Decimal("2854.26")  # / 12 bidragshushåll
    assert {k: women_men(v) for k, v in s.support_barriers.items() if v.total} == {
        "arbetslos": (1, 0),
        "sjukskriven_lakarintyg": (0, 1),
        "sprakhinder": (1, 1),
    }
    assert s.sip == statistics.EventCounts(2, SexCounts(1, 0))
    assert s.home_visits == statistics.EventCounts(1, SexCounts(0, 1))  # the draft is left out


def test_children_documentation_in_october(october):
    d = october.child_documentation
    assert d.decisions == 2  # Gustav's delvis bifall and Ida's avslag
    assert d.decisions_all_named == 1  # Ida's: Ivar is in the signed BKA
    assert women_men(d.children) == (1, 2)  # Greta; Hugo and Ivar
    assert women_men(d.named) == (0, 2)
    assert d.named_share == SexShares(Decimal("0.0000"), Decimal("1.0000"), Decimal("0.6667"))
    assert women_men(d.with_bka) == (0, 1)
    assert women_men(d.bka_situation) == (0, 1)
    assert women_men(d.bka_needs) == (0, 1)
    assert women_men(d.bka_consequences) == (0, 0)
    assert d.bka_situation_share == SexShares(None, Decimal("1.0000"), Decimal("1.0000"))
    assert d.bka_consequences_share == SexShares(None, Decimal("0.0000"), Decimal("0.0000"))


def test_response_and_decision_times_in_october(october):
    r = october.first_response
    assert (r.received, r.answered, r.answered_in_time, r.open_in_time) == (5, 4, 3, 0)
    assert r.median_hours == Decimal("42.00")  # 23, 25, 59, 71 hours
    assert r.share_in_time == Decimal("0.6000")
    t = october.time_to_decision
    assert t.target_days == 30
    assert (t.received, t.decided, t.decided_in_time, t.open_in_time) == (5, 3, 2, 1)
    assert t.median_days == Decimal("10")  # 0, 10, 42 days
    assert t.share_in_time == Decimal("0.5000")  # 2 of the 4 that are not still open


# --- boundaries, type changes, the year ----------------------------------------------------------
def test_household_type_changes_in_june(session, data, manager):
    year = year_statistics(session, manager, 2026)
    may, june = year.months[4], year.months[5]
    assert women_men(may.decision_households.by_type["5"]) == (2, 0)  # Anna, Cecilia
    assert women_men(may.decision_households.by_type["6"]) == (0, 0)
    assert women_men(june.decision_households.by_type["6"]) == (1, 0)
    assert women_men(june.decision_households.with_children) == (1, 0)
    anna = data.cases[1].household_id
    assert household_type.household_type(session, anna, date(2026, 5, 1)) == "5"
    assert household_type.household_type(session, anna, date(2026, 6, 1)) == "6"


def test_youth_boundary_24_and_25(session, data, manager):
    year = year_statistics(session, manager, 2026)
    september, october = year.months[8], year.months[9]
    assert women_men(september.support_households.young) == (0, 1)  # Filip, 24 on 1 Sept
    assert women_men(october.support_households.young) == (1, 0)  # Elin 24, Filip 25


def test_long_term_boundaries_month_by_month(session, data, manager):
    year = year_statistics(session, manager, 2026)
    # Bertil (10 of 12 only in October), Cecilia (never 10): check the months around
    august, september = year.months[7], year.months[8]
    # August: Anna (10 of 12: 2025-11..2026-08), David, Erik; Bertil 8 (gaps Feb, May)
    assert women_men(august.long_term_10_of_12.total) == (1, 2)
    # September: Anna 11, Bertil 9 of 12 -> not yet; David, Erik
    assert women_men(september.long_term_10_of_12.total) == (1, 2)
    assert women_men(year.months[9].long_term_10_of_12.total) == (1, 3)


def test_year_figures_count_each_household_once(session, data, manager):
    year = year_statistics(session, manager, 2026)
    assert year.year == 2026 and len(year.months) == 12
    assert women_men(year.decision_households.total) == (6, 7)
    assert women_men(year.support_households.total) == (5, 7)
    # 10 months in 2026: Anna, David, Erik; Bertil 8, Cecilia 7
    assert women_men(year.long_term_10_of_12.total) == (1, 2)
    # 36 months ending December 2026: David 30, Erik 29
    assert women_men(year.long_term_32_of_36.total) == (0, 0)
    assert women_men(year.new_households.total) == (0, 2)
    assert women_men(year.closed_households.total) == (1, 1)
    assert {k: women_men(v) for k, v in year.closing_reasons.items() if v.total} == {
        "arbete": (1, 0),
        "flyttat": (0, 1),
    }
    # 50000 + 32000 + 21000 + 20000 + 20000 + 1000 + 2000 + 3000 + 4500 + 6000 + 2500 + 3500
    assert year.amount_granted == year.amount_granted_support == Decimal("165500.00")
    assert year.amount_paid == Decimal("11000.00")  # Anna's October, Karin's decision
    assert year.cost_per_support_household == Decimal("13791.67")
    assert sum(m.amount_granted for m in year.months) == year.amount_granted
    # September: Anna 5000, Bertil 4000, Cecilia 3000, David, Erik 2000, Filip 1000 and
    # Karin's 3248.91 (16/30 of September against 14/31 of October)
    assert year.months[8].amount_granted == Decimal("20248.91")
    assert year.months[8].amount_paid == Decimal("3248.91")
    assert women_men(year.months[8].support_households.total) == (3, 4)
    assert year.average_duration_months.total == Decimal("8.6")
    assert {k: women_men(v) for k, v in year.support_barriers.items() if v.total} == {
        "arbetslos": (1, 0),
        "foraldraledig": (1, 0),
        "sjukskriven_lakarintyg": (0, 1),
        "sprakhinder": (1, 1),
    }
    assert year.sip == statistics.EventCounts(3, SexCounts(1, 1))
    assert year.child_documentation.decisions == 2
    assert year.first_response.received == 6  # five in October, one in November
    assert year.months[10].first_response.received == 1
    assert year.time_to_decision.median_days == Decimal("10")


def test_barriers_count_registrations_and_adults(session, staff, manager):
    """A month counts registrations (one per case, person and month), the year each adult
    once per code; a registered person who is not a member counts with their own sex."""
    b = Builder(session, staff)
    first = b.household(1, [("Rut", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    second = Case(
        case_number="EB-2025-000002",
        unit_id=staff.unit.id,
        household_id=first.household_id,
        responsible_user_id=staff.caseworker.id,
        status=CaseStatus.ACTIVE,
        opened_on=date(2026, 1, 1),
    )
    session.add(second)
    b.data.cases[2] = second
    b.person("Sven", "M", date(1975, 1, 1))
    session.flush()
    b.barrier(1, "Rut", OCT, "arbetslos")
    b.barrier(2, "Rut", OCT, "arbetslos")
    b.barrier(2, "Rut", date(2026, 11, 1), "arbetslos")
    b.barrier(1, "Sven", OCT, "sprakhinder")
    session.flush()
    year = year_statistics(session, manager, 2026)
    assert women_men(year.months[9].support_barriers["arbetslos"]) == (2, 0)
    assert women_men(year.months[9].support_barriers["sprakhinder"]) == (0, 1)
    assert women_men(year.months[10].support_barriers["arbetslos"]) == (1, 0)
    assert women_men(year.support_barriers["arbetslos"]) == (1, 0)
    assert women_men(year.support_barriers["sprakhinder"]) == (0, 1)


# --- the 24-hour rule against add_weekday_hours ---------------------------------------------
def test_response_deadline_matches_add_weekday_hours(session, staff, manager):
    """Every three hours around both summer-time changes of 2026, one application answered
    exactly at the deadline and one a minute after."""
    b = Builder(session, staff)
    b.household(1, [("Test", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    start = local(2026, 10, 19, 0)
    count = 0
    for step in range(0, 24 * 12, 3):
        received = start + timedelta(hours=step, minutes=7)
        deadline = add_weekday_hours(received, 24)
        b.application(1, received, deadline, None)
        b.application(1, received, deadline + timedelta(minutes=1), None)
        count += 1
    friday_midnight = local(2026, 10, 23, 0)
    b.application(1, friday_midnight, add_weekday_hours(friday_midnight, 24), None)
    session.flush()
    october = month_statistics(session, manager, OCT)
    assert october.first_response.received == 2 * count + 1
    assert october.first_response.answered_in_time == count + 1
    march_start = local(2026, 3, 23, 0)
    for step in range(0, 24 * 10, 3):
        received = march_start + timedelta(hours=step, minutes=7)
        deadline = add_weekday_hours(received, 24)
        b.application(1, received, deadline, None)
        b.application(1, received, deadline + timedelta(minutes=1), None)
    session.flush()
    march = month_statistics(session, manager, date(2026, 3, 1))
    assert march.first_response.answered_in_time == march.first_response.received // 2


# --- access and audit ---------------------------------------------------------------------------
def test_only_chefs_and_administrators(session, data, caseworker, manager, admin, staff):
    with pytest.raises(AccessDenied):
        month_statistics(session, caseworker, OCT)
    with pytest.raises(AccessDenied):
        month_statistics(session, manager, OCT, unit_id=staff.other_unit.id)
    everything = month_statistics(session, admin, OCT)
    assert everything.unit_id is None and everything.unit_name == "Alla enheter"
    assert everything.decision_households.total.total == 14  # Olle too
    assert everything.amount_granted == Decimal("41251.09")  # Olle's 7000 too
    south = month_statistics(session, admin, OCT, unit_id=staff.other_unit.id)
    assert south.decision_households.total.men == 1 and south.home_visits.events == 1
    assert south.first_response.received == 1


def test_one_audit_row_per_call(session, data, manager):
    before = session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "statistics"))
    assert before is None
    year_statistics(session, manager, 2026)
    rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "statistics")).all()
    assert len(rows) == 1
    assert rows[0].action == "open" and rows[0].user_id == manager.id
    assert rows[0].case_id is None and "2026" in rows[0].detail
    month_statistics(session, manager, OCT)
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "statistics").order_by(AuditEntry.at)
    ).all()
    assert len(rows) == 2
    assert {r.user_id for r in rows} == {manager.id}  # no statistics without a user


def test_json_dict_is_plain(october):
    plain = statistics.as_json_dict(october)
    json.dumps(plain)
    assert plain["support_households"]["total"] == {"K": 5, "M": 7, "totalt": 12}
    assert plain["amount_granted"] == "34251.09"
    assert plain["amount_paid"] == "7751.09"


# --- command line ---------------------------------------------------------------------------------
def test_cli_stats_json(db, data, capsys, session, cli_as, manager):
    """The chef who uses the statistics, on both databases: her own unit's figures."""
    eva = cli_as("eva.lind")
    assert main([*eva.before, "stats", "--month", "2026-10", "--json", *eva.after]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["month"] == "2026-10-01"
    assert out["unit_name"] == "Försörjningsstöd Norr"
    assert out["decision_households"]["total"] == {"K": 6, "M": 7, "totalt": 13}
    assert out["support_households"]["total"] == {"K": 5, "M": 7, "totalt": 12}
    assert out["long_term_10_of_12"]["total"]["totalt"] == 4
    assert out["amount_granted"] == "34251.09"
    assert out["first_response"]["median_hours"] == "42.00"  # 23, 25, 59, 71 hours
    session.expire_all()
    audit_row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "statistics")).one()
    assert audit_row.user_id == manager.id


def test_cli_stats_for_a_unit_and_a_year(db, data, capsys, cli_as):
    ada = cli_as("ada.admin")
    norr = ["--unit", "Försörjningsstöd Norr"]
    assert main([*ada.before, "stats", "--year", "2026", *norr, *ada.after]) == 0
    out = capsys.readouterr().out
    assert "Statistik 2026 (helår), Försörjningsstöd Norr" in out
    assert main([*ada.before, "stats", "--month", "2026-13", *ada.after]) == 2
    unknown = ["--unit", "Finns inte"]
    assert main([*ada.before, "stats", "--month", "2026-10", *unknown, *ada.after]) == 2


def test_cli_stats_with_the_rights_of_the_window(db, data, capsys, cli_as):
    """A chef sees their own unit only, a handläggare no statistics at all."""
    eva = cli_as("eva.lind")
    assert main([*eva.before, "stats", "--year", "2026", *eva.after]) == 0
    assert "Statistik 2026 (helår), Försörjningsstöd Norr" in capsys.readouterr().out
    soder = ["--unit", "Försörjningsstöd Söder"]
    assert main([*eva.before, "stats", "--year", "2026", *soder, *eva.after]) == 2
    assert "din egen enhet" in capsys.readouterr().err
    sara = cli_as("sara.nilsson")
    assert main([*sara.before, "stats", "--year", "2026", *sara.after]) == 2
    assert "chefer och administratörer" in capsys.readouterr().err


def test_a_child_turning_18_ends_med_barn_in_the_statistics_too(session, staff, manager):
    """Socialstyrelsen's "barn" is a child under 18, whatever the role: Rut's son is 18 on
    15 June, so June (17 on its first day) is the last month "med barn"; the statistics and
    household_type agree month by month."""
    b = Builder(session, staff)
    case = b.household(
        1,
        [
            ("Rut", "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False),
            ("Sixten", "M", date(2008, 6, 15), MemberRole.CHILD, None, False),
        ],
    )
    for m in months(date(2026, 1, 1), date(2026, 12, 1)):
        b.decision(1, m, 4000)
    session.commit()
    year = year_statistics(session, manager, 2026)
    for month in year.months:
        expected = household_type.household_type(session, case.household_id, month.month)
        assert types(month.support_households) == {expected: (1, 0)}, month.month
        assert women_men(month.support_households.with_children) == (
            (1, 0) if month.month <= date(2026, 6, 1) else (0, 0)
        )
    assert [
        household_type.household_type(session, case.household_id, m)
        for m in (date(2026, 6, 1), date(2026, 7, 1))
    ] == ["6", "5"]


def test_beviljat_forsorjningsstod_and_utbetalt_are_told_apart(session, staff, manager):
    """Beviljat counts every kind of ekonomiskt bistånd, for the months it is for; utbetalt
    only decisions recorded as verkställda; the cost per bidragshushåll only
    försörjningsstöd. A decision over December and January counts half in each year."""
    b = Builder(session, staff)
    for number, name in ((1, "Tea"), (2, "Ulf"), (3, "Vera")):
        b.household(number, [(name, "K", date(1980, 1, 1), MemberRole.APPLICANT, None, False)])
    b.decision(1, OCT, 4000, executed_on=date(2026, 10, 5))
    b.decision(1, OCT, 1500, kind=DecisionKind.OTHER_LIVING)  # tandvård, not yet paid
    b.decision(2, date(2026, 9, 1), 3000, period_end=date(2026, 10, 31))  # 1500 a month
    b.decision(
        3, date(2026, 12, 1), 8000, period_end=date(2027, 1, 31), executed_on=date(2026, 12, 1)
    )
    session.commit()
    october = month_statistics(session, manager, OCT)
    assert october.amount_granted == Decimal("7000.00")  # 4000 + 1500 + 1500
    assert october.amount_granted_support == Decimal("5500.00")
    assert october.amount_paid == Decimal("4000.00")
    assert october.cost_per_support_household == Decimal("2750.00")  # 5500 / 2
    year = year_statistics(session, manager, 2026)
    assert [m.amount_granted for m in year.months[8:]] == [
        Decimal("1500.00"),
        Decimal("7000.00"),
        Decimal("0.00"),
        Decimal("4000.00"),
    ]
    assert year.amount_granted == Decimal("12500.00")
    assert year.amount_paid == Decimal("8000.00")  # 4000 in October, Vera's December half
    january = month_statistics(session, manager, date(2027, 1, 1))
    assert january.amount_granted == january.amount_paid == Decimal("4000.00")
