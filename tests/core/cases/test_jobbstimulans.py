"""Jobbstimulans from the case's history (issue 19, defect 11): once a person has had
försörjningsstöd six months in a row, 25 % of the income from employment is not counted
during the 24 months that follow, whether or not bistånd runs every month; after them six
new months in a row are needed. Derived from the signed decisions, never typed in."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from app.cases import jobbstimulans
from app.cases.case_overview import open_case
from app.cases.case_register import PersonInput, find_or_create_person
from app.cases.jobbstimulans import JobbstimulansPeriod, periods_from_months
from app.common.errors import ValidationFailed
from app.common.periods import month_end, months
from app.decisions import decisions
from app.decisions.decisions import DecisionDraft, ItemInput
from app.models import AuditEntry, DecisionKind, HouseholdMember, MemberRole
from app.norms.norm_calculation import AdultInput, HouseholdComposition, IncomeInput, calculate
from app.norms.norm_table import load_norm_table
from app.printing.decision_letter import render_decision_letter

D = Decimal


def m(year: int, month: int) -> date:
    return date(year, month, 1)


def span(first: date, last: date) -> list[date]:
    return list(months(first, last))


# --- the rule, from months with försörjningsstöd ----------------------------------------------


class TestPeriods:
    def test_six_months_in_a_row_start_two_years(self) -> None:
        found = periods_from_months(span(m(2026, 1), m(2026, 6)))
        assert found == [JobbstimulansPeriod(m(2026, 7), m(2028, 6))]

    def test_five_months_are_not_enough(self) -> None:
        assert periods_from_months(span(m(2026, 1), m(2026, 5))) == []

    def test_a_month_without_forsorjningsstod_breaks_the_six(self) -> None:
        history = span(m(2026, 1), m(2026, 3)) + span(m(2026, 5), m(2026, 10))
        assert periods_from_months(history) == [JobbstimulansPeriod(m(2026, 11), m(2028, 10))]

    def test_months_during_the_two_years_do_not_count_towards_the_next(self) -> None:
        """Bistånd every month from January 2024: the first period ends June 2026; the next
        six months in a row are July–December 2026."""
        history = span(m(2024, 1), m(2027, 3))
        assert periods_from_months(history) == [
            JobbstimulansPeriod(m(2024, 7), m(2026, 6)),
            JobbstimulansPeriod(m(2027, 1), m(2028, 12)),
        ]

    def test_the_right_arises_again_after_a_pause(self) -> None:
        history = span(m(2020, 1), m(2020, 6)) + span(m(2023, 3), m(2023, 8))
        assert periods_from_months(history) == [
            JobbstimulansPeriod(m(2020, 7), m(2022, 6)),
            JobbstimulansPeriod(m(2023, 9), m(2025, 8)),
        ]

    def test_status_runs_without_bistand(self) -> None:
        status = jobbstimulans.status_in(m(2027, 5), "Anna", None, span(m(2026, 1), m(2026, 6)))
        assert status.applies
        assert status.period == JobbstimulansPeriod(m(2026, 7), m(2028, 6))
        assert status.lagrum == "12 kap. 8 § socialtjänstlagen (2025:400)"
        assert status.share == D("0.25")

    def test_status_counts_the_months_in_a_row(self) -> None:
        status = jobbstimulans.status_in(m(2026, 6), "Anna", None, span(m(2026, 1), m(2026, 5)))
        assert not status.applies and status.months_in_a_row == 5
        after_gap = jobbstimulans.status_in(m(2026, 8), "Anna", None, span(m(2026, 1), m(2026, 5)))
        assert after_gap.months_in_a_row == 0

    def test_the_law_of_the_month(self) -> None:
        history = span(m(2024, 6), m(2024, 11))
        before = jobbstimulans.status_in(m(2025, 6), "Anna", None, history)
        after = jobbstimulans.status_in(m(2025, 7), "Anna", None, history)
        assert before.lagrum == "4 kap. 1 b § socialtjänstlagen (2001:453)"
        assert after.lagrum == "12 kap. 8 § socialtjänstlagen (2025:400)"
        assert before.applies and after.applies

    def test_no_rule_before_1_july_2013(self) -> None:
        status = jobbstimulans.status_in(m(2013, 3), "Anna", None, span(m(2012, 1), m(2012, 12)))
        assert status.period is not None and status.lagrum == "" and not status.applies

    def test_every_law_has_a_source(self) -> None:
        rule = jobbstimulans.rule()
        assert rule.months_in_a_row == 6 and rule.months_of_rule == 24
        assert all(law.source and law.lagrum and law.text for law in rule.laws)
        assert "2013:421" in rule.source and "2025:400" in rule.source


# --- from the signed decisions of a case ------------------------------------------------------


@pytest.fixture
def delegated(session, admin, caseworker) -> None:
    for kind in DecisionKind:
        decisions.set_delegation(session, admin, caseworker.id, kind, None)


@pytest.fixture
def decide(session, caseworker, delegated):
    """decide(case, month, granted, kind=SUPPORT, replaces=None): a signed decision."""

    def sign(case, month: date, granted: str, kind=DecisionKind.SUPPORT, replaces=None):
        refused = D(granted) == 0
        draft = DecisionDraft(
            kind=kind,
            period_start=month,
            period_end=month_end(month),
            items=[
                ItemInput(
                    "riksnorm",
                    "Riksnorm",
                    D("5220") if refused else D(granted),
                    D(granted),
                    D(granted),
                )
            ],
            legal_references=["sol_12_1"],
            motivation="Du har inte stått till arbetsmarknadens förfogande." if refused else "",
        )
        decision = decisions.save_draft(session, caseworker, case.id, draft, replaces_id=replaces)
        return decisions.sign_decision(session, caseworker, decision.id, render_decision_letter)

    return sign


@pytest.fixture
def anna(make_case, session):
    """Anna Andersson, in the household since December 2025."""
    case = make_case(period_start=m(2026, 1))
    session.execute(
        update(HouseholdMember)
        .where(HouseholdMember.household_id == case.household_id)
        .values(member_from=date(2025, 12, 10))
    )
    session.flush()
    session.expire_all()
    return case


def anna_id(case):
    return case.household.members[0].person_id


def test_six_signed_months_give_jobbstimulans_for_two_years(session, anna, decide) -> None:
    for month in span(m(2026, 1), m(2026, 6)):
        decide(anna, month, "5220")
    [status] = jobbstimulans.for_case(session, anna.id, m(2026, 10))
    assert status.person_id == anna_id(anna) and status.name == "Anna Andersson"
    assert status.applies  # no bistånd July–September: the two years run anyway
    assert status.period == JobbstimulansPeriod(m(2026, 7), m(2028, 6))
    [june] = jobbstimulans.for_case(session, anna.id, m(2026, 6))
    assert not june.applies and june.months_in_a_row == 5


def test_a_refusal_breaks_and_other_kinds_do_not_count(session, anna, decide) -> None:
    for month in span(m(2026, 1), m(2026, 6)):
        decide(anna, month, "0" if month == m(2026, 3) else "5220")
    for month in span(m(2026, 7), m(2026, 9)):
        decide(anna, month, "900", kind=DecisionKind.OTHER_LIVING)
    [status] = jobbstimulans.for_case(session, anna.id, m(2026, 10))
    assert not status.applies and status.period is None
    assert status.months_in_a_row == 0  # April–June: three months, then no försörjningsstöd


def test_a_replaced_decision_counts_as_its_replacement(session, anna, decide) -> None:
    signed = {month: decide(anna, month, "5220") for month in span(m(2026, 1), m(2026, 6))}
    [before] = jobbstimulans.for_case(session, anna.id, m(2026, 7))
    assert before.applies
    decide(anna, m(2026, 6), "0", replaces=signed[m(2026, 6)].id)
    [after] = jobbstimulans.for_case(session, anna.id, m(2026, 7))
    assert not after.applies and after.months_in_a_row == 0
    [june] = jobbstimulans.for_case(session, anna.id, m(2026, 6))
    assert june.months_in_a_row == 5


def test_a_co_applicant_counts_from_when_he_joined(session, caseworker, anna, decide, pnr) -> None:
    ali = find_or_create_person(
        session,
        caseworker,
        PersonInput(pnr("19870704", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
    )
    session.add(
        HouseholdMember(
            household_id=anna.household_id,
            person_id=ali.id,
            role=MemberRole.CO_APPLICANT,
            member_from=date(2026, 3, 15),
            sort_order=1,
            updated_by=caseworker.id,
        )
    )
    session.flush()
    for month in span(m(2026, 1), m(2026, 8)):
        decide(anna, month, "8510")
    statuses = {s.name: s for s in jobbstimulans.for_case(session, anna.id, m(2026, 9))}
    assert statuses["Anna Andersson"].period == JobbstimulansPeriod(m(2026, 7), m(2028, 6))
    assert statuses["Ali Andersson"].period == JobbstimulansPeriod(m(2026, 9), m(2028, 8))
    assert statuses["Ali Andersson"].applies


def test_the_case_overview_shows_the_period(session, caseworker, anna, decide) -> None:
    for month in span(m(2026, 1), m(2026, 6)):
        decide(anna, month, "5220")
    overview = open_case(session, caseworker, anna.id)
    [line] = overview.jobbstimulans
    assert line.text == "Anna Andersson: från juli 2026 till juni 2028"


def test_the_case_overview_without_a_period(session, caseworker, anna, decide) -> None:
    for month in span(m(2026, 8), m(2026, 10)):
        decide(anna, month, "5220")
    overview = open_case(session, caseworker, anna.id)
    [line] = overview.jobbstimulans
    assert line.text == (
        "Anna Andersson: ingen jobbstimulans – 3 månader i följd med försörjningsstöd "
        "till och med oktober 2026, 6 behövs"
    )


def test_the_calculation_applies_it_by_itself(session, caseworker, anna, decide) -> None:
    for month in span(m(2026, 1), m(2026, 6)):
        decide(anna, month, "5220")
    [status] = decisions.jobbstimulans_for_calculation(session, caseworker, anna.id, m(2026, 12))
    audit = session.scalars(
        select(AuditEntry).where(
            AuditEntry.entity == "decisions", AuditEntry.detail.like("jobbstimulans%")
        )
    ).all()
    assert [(a.action, a.case_id, a.user_id) for a in audit] == [("open", anna.id, caseworker.id)]

    salary = IncomeInput("lon", "Anna Andersson", D("8000"), employment=True, jobbstimulans=status)
    household = HouseholdComposition([AdultInput("Anna Andersson", False)], [])
    calc = calculate(load_norm_table(2026), household, [], [salary])
    assert calc.income_total == D("8000.00") and calc.income_counted_total == D("6000.00")
    note = calc.section("inkomst")[0].note
    assert "juli 2026" in note and "juni 2028" in note and "25 %" in note
    assert "12 kap. 8 § socialtjänstlagen (2025:400)" in note


def test_signing_refuses_a_jobbstimulans_the_history_does_not_give(
    session, caseworker, anna, decide
) -> None:
    """Five months only: a calculation with an invented period is not signed; the one the
    case's decisions give is."""
    for month in span(m(2026, 1), m(2026, 5)):
        decide(anna, month, "5220")
    [real] = decisions.jobbstimulans_for_calculation(session, caseworker, anna.id, m(2026, 12))
    assert not real.applies
    forged = replace(real, period=JobbstimulansPeriod(m(2026, 7), m(2028, 6)), months_in_a_row=0)
    household = HouseholdComposition([AdultInput("Anna Andersson", False)], [])

    def drafted(status):
        salary = IncomeInput("lon", real.name, D("2000"), employment=True, jobbstimulans=status)
        calc = calculate(load_norm_table(2026), household, [], [salary])
        draft = decisions.draft_from_calculation(
            DecisionKind.SUPPORT, m(2026, 12), date(2026, 12, 31), calc, [], [salary]
        )
        return decisions.save_draft(session, caseworker, anna.id, draft)

    invented = drafted(forged)
    assert invented.income_counted == D("1500.00")
    with pytest.raises(ValidationFailed) as caught:
        decisions.sign_decision(session, caseworker, invented.id, render_decision_letter)
    assert "Jobbstimulansen i beräkningen stämmer inte längre" in str(caught.value)
    assert "(Anna Andersson)" in str(caught.value)
    honest = drafted(real)
    assert honest.income_counted == D("2000.00")
    decisions.sign_decision(session, caseworker, honest.id, render_decision_letter)
    assert honest.is_signed
