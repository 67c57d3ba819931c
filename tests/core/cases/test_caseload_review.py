"""The chef's ärendegenomgång: the caseload with its indicators on a small hand-built unit,
access and the read log, and the review status per handläggare (seed 000 §5.2.1)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select, text

from app.cases.case_register import PersonInput, change_status
from app.cases.caseload_review import (
    BKA_MISSING,
    BKA_NOT_APPLICABLE,
    BKA_OK,
    CaseIndicators,
    ChildInfo,
    ReviewStatus,
    caseload,
    review_status,
)
from app.cases.support_barriers import set_barrier
from app.common.clock import STOCKHOLM
from app.common.errors import AccessDenied
from app.common.periods import add_months
from app.forms.form_definitions import latest_record
from app.models import (
    AuditEntry,
    CaseStatus,
    Decision,
    DecisionKind,
    FollowUpTask,
    FormInstance,
    JournalEntry,
    MemberRole,
    Outcome,
    Plan,
    PlanItem,
    Role,
)
from app.security.actor import Actor

TODAY = date(2026, 11, 23)  # the fixed clock: Monday 23 November 2026, 10:00 in Stockholm


# --- helpers ------------------------------------------------------------------------------


def month_end(start: date) -> date:
    return add_months(start.replace(day=1), 1) - timedelta(days=1)


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def add_decision(
    session,
    case,
    author,
    start: date,
    end: date | None = None,
    *,
    decided_on: date | None = None,
    **fields,
) -> Decision:
    """A signed, verkställd försörjningsstöd bifall of 5 000 kr unless told otherwise."""
    decided_on = decided_on or start + timedelta(days=2)
    values = {
        "case_id": case.id,
        "kind": DecisionKind.SUPPORT,
        "outcome": Outcome.GRANTED,
        "period_start": start,
        "period_end": end or month_end(start),
        "granted_total": Decimal("5000"),
        "author_id": author.id,
        "decided_by": author.id,
        "decided_on": decided_on,
        "signed_at": noon(decided_on),
        "executed_on": decided_on,
        **fields,
    }
    decision = Decision(**values)
    session.add(decision)
    session.flush()
    return decision


def add_form(session, key: str, unit_id, author, *, signed_at=None, **fields) -> FormInstance:
    record = latest_record(session, key)
    form = FormInstance(
        definition_id=record.id,
        form_key=key,
        form_version=record.version,
        unit_id=unit_id,
        author_id=author.id,
        signed_at=signed_at,
        signed_by=author.id if signed_at else None,
        **fields,
    )
    session.add(form)
    session.flush()
    return form


def add_journal(session, case, author, day: date, entry_type: str, *, signed=True) -> None:
    session.add(
        JournalEntry(
            case_id=case.id,
            entry_date=day,
            entry_type=entry_type,
            text="Anteckning.",
            author_id=author.id,
            signed_at=noon(day) if signed else None,
            signed_by=author.id if signed else None,
        )
    )
    session.flush()


def members(case) -> dict[str, object]:
    return {m.person.first_name: m for m in case.household.members}


def by_number(rows: list[CaseIndicators]) -> dict[str, CaseIndicators]:
    return {r.case_number: r for r in rows}


def received(days_ago: int) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, 10, tzinfo=STOCKHOLM)


# --- the unit -----------------------------------------------------------------------------


@pytest.fixture
def unit(session, make_case, pnr, caseworker, colleague, manager, other_unit_caseworker):
    """EB-2026-000001 family (Sara), 000002 young adult (Omar), 000003 former child (Sara),
    000004 closed (Sara), 000005 in the other unit."""
    family = make_case(
        pnr("19850312", 123),
        "Anna",
        "Andersson",
        members=[
            PersonInput(pnr("19870601", 456), "Ali", "Andersson", MemberRole.CO_APPLICANT),
            PersonInput(pnr("20190510", 222), "Lisa", "Andersson", MemberRole.CHILD),
            PersonInput(pnr("20140201", 333), "Noah", "Andersson", MemberRole.CHILD, True),
        ],
    )
    young = make_case(
        pnr("20040315", 444), "Elin", "Ung", actor=colleague, received_at=received(40)
    )
    former = make_case(
        pnr("19700202", 555),
        "Per",
        "Ek",
        members=[PersonInput(pnr("20060505", 666), "Maja", "Ek", MemberRole.CHILD)],
    )
    closed = make_case(pnr("19600606", 777), "Stina", "Stängd")
    elsewhere = make_case(pnr("19750707", 888), "Sven", "Söder", actor=other_unit_caseworker)
    for case in (family, former):
        for member in case.household.members:
            member.member_from = None
        case.status = CaseStatus.ACTIVE
    change_status(session, caseworker, closed.id, CaseStatus.CLOSED, closing_reason="arbete")
    session.flush()

    # family: ten months of assistance, february–november
    people = members(family)
    lisa, noah = str(people["Lisa"].person_id), str(people["Noah"].person_id)
    for month in range(2, 12):
        add_decision(session, family, caseworker, date(2026, month, 1))
    # december is not yet a month of assistance; decided but not verkställd
    add_decision(
        session,
        family,
        caseworker,
        date(2026, 12, 1),
        decided_on=date(2026, 11, 20),
        executed_on=None,
    )
    # an avslag in january considering Lisa but not Noah: documentation missing
    add_decision(
        session,
        family,
        caseworker,
        date(2026, 1, 1),
        outcome=Outcome.REFUSED,
        granted_total=Decimal("0"),
        executed_on=None,
        child_consideration=json.dumps({lisa: "Lisa påverkas inte.", noah: "  "}),
    )
    # a delvis bifall referring to a signed BKA: documented
    bka = add_form(
        session,
        "bka",
        family.unit_id,
        caseworker,
        case_id=family.id,
        signed_at=noon(date(2026, 6, 1)),
    )
    add_decision(
        session, family, caseworker, date(2026, 6, 1), outcome=Outcome.PARTLY, bka_form_id=bka.id
    )
    # livsföring i övrigt, delvis bifall, a consideration for each child: documented
    add_decision(
        session,
        family,
        caseworker,
        date(2026, 9, 1),
        kind=DecisionKind.OTHER_LIVING,
        outcome=Outcome.PARTLY,
        child_consideration=json.dumps({lisa: "Ingen påverkan.", noah: "Ingen påverkan."}),
    )
    # more than twelve months ago: not part of the review
    add_decision(
        session,
        family,
        caseworker,
        date(2025, 11, 1),
        decided_on=date(2025, 11, 20),
        outcome=Outcome.REFUSED,
        granted_total=Decimal("0"),
        executed_on=None,
    )
    old_plan = Plan(
        case_id=family.id,
        kind="handlingsplan",
        goal="Gammal plan",
        start_on=date(2026, 1, 1),
        follow_up_on=date(2026, 4, 1),
        closed_on=date(2026, 8, 31),
    )
    plan = Plan(
        case_id=family.id,
        kind="forandringsplan",
        goal="Egen försörjning",
        start_on=date(2026, 9, 1),
        follow_up_on=date(2026, 12, 15),
    )
    plan.items = [
        PlanItem(
            description="Skriva in sig på Arbetsförmedlingen",
            owner="Sökande",
            due_on=date(2026, 11, 10),
        ),
        PlanItem(description="Söka tre jobb i veckan", owner="Sökande", due_on=date(2027, 1, 10)),
        PlanItem(
            description="Läkarbesök",
            owner="Sökande",
            due_on=date(2026, 11, 1),
            done_on=date(2026, 11, 1),
        ),
    ]
    session.add_all([old_plan, plan])
    session.add(
        FollowUpTask(
            case_id=family.id,
            description="Ta fram en aktuell plan",
            owner="Sara Nilsson",
            due_on=date(2026, 11, 20),
        )
    )
    add_form(
        session,
        "fia",
        family.unit_id,
        caseworker,
        case_id=family.id,
        signed_at=noon(date(2026, 10, 1)),
    )
    add_journal(session, family, caseworker, date(2026, 1, 10), "nybesok")
    add_journal(session, family, caseworker, date(2026, 9, 15), "hembesok")
    add_journal(session, family, caseworker, date(2026, 10, 20), "besok")
    add_journal(session, family, caseworker, date(2026, 11, 2), "telefon")
    add_journal(session, family, caseworker, date(2026, 11, 20), "hembesok", signed=False)
    anna, ali = people["Anna"].person_id, people["Ali"].person_id
    set_barrier(session, caseworker, family.id, anna, date(2026, 10, 1), "arbetslos")
    set_barrier(session, caseworker, family.id, anna, date(2026, 11, 1), "sjukskriven_lakarintyg")
    set_barrier(session, caseworker, family.id, ali, date(2026, 11, 1), "sprakhinder")

    # former: nine months, a child who moved out in May
    maja = members(former)["Maja"]
    maja.member_until = date(2026, 5, 31)
    add_decision(session, former, caseworker, date(2025, 11, 1))  # the thirteenth month back
    add_decision(session, former, caseworker, date(2025, 12, 1))
    add_decision(session, former, caseworker, date(2026, 1, 1), date(2026, 2, 28))  # two months
    for month in range(3, 9):
        add_decision(session, former, caseworker, date(2026, month, 1))
    replaced = add_decision(session, former, caseworker, date(2026, 9, 1), executed_on=None)
    add_decision(
        session,
        former,
        caseworker,
        date(2026, 9, 1),
        decided_on=date(2026, 9, 5),
        outcome=Outcome.REFUSED,
        granted_total=Decimal("0"),
        executed_on=None,
        replaces_id=replaced.id,
    )
    add_decision(
        session,
        former,
        caseworker,
        date(2026, 5, 1),
        outcome=Outcome.REFUSED,
        granted_total=Decimal("0"),
        executed_on=None,
        child_consideration=json.dumps({str(maja.person_id): "Maja flyttar hemifrån."}),
    )
    add_journal(session, former, caseworker, date(2026, 8, 1), "hembesok")
    set_barrier(
        session,
        caseworker,
        former.id,
        members(former)["Per"].person_id,
        date(2026, 11, 1),
        "arbetshinder_sociala",
    )
    session.flush()
    return {
        "family": family,
        "young": young,
        "former": former,
        "closed": closed,
        "elsewhere": elsewhere,
    }


# --- the caseload -------------------------------------------------------------------------


class TestCaseload:
    def test_the_units_open_cases_by_handlaggare_and_number(self, session, manager, unit):
        rows = caseload(session, manager)
        assert [(r.responsible_name, r.case_number, r.applicant_name) for r in rows] == [
            ("Omar Haddad", "EB-2026-000002", "Elin Ung"),
            ("Sara Nilsson", "EB-2026-000001", "Anna Andersson"),
            ("Sara Nilsson", "EB-2026-000003", "Per Ek"),
        ]

    def test_the_family(self, session, manager, caseworker, unit, pnr) -> None:
        family = unit["family"]
        row = by_number(caseload(session, manager))["EB-2026-000001"]
        assert row == CaseIndicators(
            case_id=family.id,
            case_number="EB-2026-000001",
            applicant_name="Anna Andersson",
            personal_number=pnr("19850312", 123),
            responsible_id=caseworker.id,
            responsible_name="Sara Nilsson",
            status=CaseStatus.ACTIVE,
            opened_on=TODAY,
            young_adult=False,
            assistance_months=10,
            long_dependence=True,
            child_count=2,
            children=(ChildInfo(7, False), ChildInfo(12, True)),
            has_plan=True,
            plan_next_date=date(2026, 11, 10),
            lacks_plan=False,
            fia_done=True,
            bka_status=BKA_MISSING,
            bka_missing=1,
            lacks_bka=True,
            last_meeting_on=date(2026, 10, 20),
            last_meeting_was_home_visit=False,
            last_home_visit_on=date(2026, 9, 15),
            overdue_count=2,
            earliest_overdue_label="Plansteg: Skriva in sig på Arbetsförmedlingen",
            earliest_overdue_due=date(2026, 11, 10),
            overdue=True,
            support_barriers=("Sjukskriven med läkarintyg", "Språkhinder"),
        )
        assert (row.visiting_child_count, row.children_text) == (1, "7, 12 (umg.)")

    def test_a_hinder_two_adults_share_is_named_once(
        self, session, manager, caseworker, unit
    ) -> None:
        """Issue 22: "Utan försörjningshinder; Utan försörjningshinder"."""
        family = unit["family"]
        ali = members(family)["Ali"].person_id
        set_barrier(
            session, caseworker, family.id, ali, date(2026, 11, 1), "sjukskriven_lakarintyg"
        )
        session.flush()
        row = by_number(caseload(session, manager))["EB-2026-000001"]
        assert row.support_barriers == ("Sjukskriven med läkarintyg",)

    def test_the_young_adult(self, session, manager, colleague, unit) -> None:
        row = by_number(caseload(session, manager))["EB-2026-000002"]
        assert row == CaseIndicators(
            case_id=unit["young"].id,
            case_number="EB-2026-000002",
            applicant_name="Elin Ung",
            personal_number=row.personal_number,
            responsible_id=colleague.id,
            responsible_name="Omar Haddad",
            status=CaseStatus.REGISTERED,
            opened_on=TODAY,
            young_adult=True,
            assistance_months=0,
            long_dependence=False,
            child_count=0,
            children=(),
            has_plan=False,
            plan_next_date=None,
            lacks_plan=False,  # still in aktualisering: no plan expected yet
            fia_done=False,
            bka_status=BKA_NOT_APPLICABLE,
            bka_missing=0,
            lacks_bka=False,
            last_meeting_on=None,
            last_meeting_was_home_visit=False,
            last_home_visit_on=None,
            # återkoppling due 15 oct, beslut and the phone call due 13 nov
            overdue_count=3,
            earliest_overdue_label="Första återkoppling",
            earliest_overdue_due=date(2026, 10, 15),
            overdue=True,
            support_barriers=(),
        )
        assert row.personal_number.startswith("20040315-")
        assert row.children_text == ""

    def test_the_former_child(self, session, manager, caseworker, unit) -> None:
        row = by_number(caseload(session, manager))["EB-2026-000003"]
        assert row == CaseIndicators(
            case_id=unit["former"].id,
            case_number="EB-2026-000003",
            applicant_name="Per Ek",
            personal_number=row.personal_number,
            responsible_id=caseworker.id,
            responsible_name="Sara Nilsson",
            status=CaseStatus.ACTIVE,
            opened_on=TODAY,
            young_adult=False,
            # december 2025, january–february (one decision), march–august; the
            # replaced september and november 2025 do not count
            assistance_months=9,
            long_dependence=False,
            child_count=0,
            children=(),
            has_plan=False,
            plan_next_date=None,
            lacks_plan=True,
            fia_done=False,
            # the may avslag considered Maja, who lived there then
            bka_status=BKA_OK,
            bka_missing=0,
            lacks_bka=False,
            last_meeting_on=date(2026, 8, 1),
            last_meeting_was_home_visit=True,
            last_home_visit_on=date(2026, 8, 1),
            overdue_count=0,
            earliest_overdue_label="",
            earliest_overdue_due=None,
            overdue=False,
            support_barriers=("Arbetshinder, sociala skäl",),
        )

    def test_one_handlaggare(self, session, manager, caseworker, colleague, unit) -> None:
        assert [r.case_number for r in caseload(session, manager, caseworker_id=caseworker.id)] == [
            "EB-2026-000001",
            "EB-2026-000003",
        ]
        assert [r.case_number for r in caseload(session, manager, caseworker_id=colleague.id)] == [
            "EB-2026-000002"
        ]

    def test_a_handlaggare_sees_their_own_caseload(self, session, caseworker, unit) -> None:
        rows = caseload(session, caseworker, caseworker_id=caseworker.id)
        assert [r.case_number for r in rows] == ["EB-2026-000001", "EB-2026-000003"]
        assert (
            rows[0]
            == by_number(caseload(session, caseworker, caseworker_id=caseworker.id))[
                "EB-2026-000001"
            ]
        )

    def test_empty_unit(self, session, manager) -> None:
        assert caseload(session, manager) == []


class TestAssistanceMonths:
    """Distinct months of the last twelve with a signed försörjningsstöd decision > 0 kr."""

    @pytest.fixture
    def case(self, make_case, session):
        case = make_case()
        case.status = CaseStatus.ACTIVE
        session.flush()
        return case

    def months(self, session, manager, case) -> int:
        return by_number(caseload(session, manager))[case.case_number].assistance_months

    def test_what_counts(self, session, manager, caseworker, case) -> None:
        def add(*period: date, **fields) -> None:
            add_decision(session, case, caseworker, *period, **fields)

        add(date(2025, 12, 1))  # the first of the twelve months
        assert self.months(session, manager, case) == 1
        add(date(2025, 11, 1))  # the thirteenth month back
        add(date(2026, 12, 1))  # next month
        add(date(2026, 1, 1), outcome=Outcome.REFUSED, granted_total=Decimal("0"))
        add(date(2026, 2, 1), kind=DecisionKind.OTHER_LIVING)
        add(date(2026, 3, 1), signed_at=None, decided_on=None)
        add(date(2025, 12, 15), date(2025, 12, 31))  # the same month again
        assert self.months(session, manager, case) == 1
        add(date(2025, 10, 15), date(2026, 1, 14))  # reaches into december and january
        assert self.months(session, manager, case) == 2
        add(date(2026, 11, 15), date(2026, 12, 14))  # this month, partly
        assert self.months(session, manager, case) == 3

    def test_nine_and_ten_months(self, session, manager, caseworker, case) -> None:
        for month in range(2, 11):
            add_decision(session, case, caseworker, date(2026, month, 1))
        row = by_number(caseload(session, manager))[case.case_number]
        assert (row.assistance_months, row.long_dependence) == (9, False)
        add_decision(session, case, caseworker, date(2026, 11, 1))
        row = by_number(caseload(session, manager))[case.case_number]
        assert (row.assistance_months, row.long_dependence) == (10, True)

    def test_a_replaced_decision_does_not_count(self, session, manager, caseworker, case):
        old = add_decision(session, case, caseworker, date(2026, 10, 1))
        assert self.months(session, manager, case) == 1
        add_decision(
            session,
            case,
            caseworker,
            date(2026, 10, 1),
            outcome=Outcome.REFUSED,
            granted_total=Decimal("0"),
            replaces_id=old.id,
        )
        assert self.months(session, manager, case) == 0


class TestChildDocumentation:
    @pytest.fixture
    def family(self, session, make_case, pnr):
        case = make_case(
            pnr("19800101", 101),
            "Eva",
            "Barn",
            members=[PersonInput(pnr("20180101", 102), "Ola", "Barn", MemberRole.CHILD)],
        )
        for member in case.household.members:
            member.member_from = None
        session.flush()
        return case

    def status(self, session, manager, case) -> tuple[str, int, bool]:
        row = by_number(caseload(session, manager))[case.case_number]
        return row.bka_status, row.bka_missing, row.lacks_bka

    def refuse(self, session, case, author, **fields) -> Decision:
        values = {"outcome": Outcome.REFUSED, "granted_total": Decimal("0"), **fields}
        return add_decision(session, case, author, date(2026, 10, 1), **values)

    def test_children_and_only_bifall(self, session, manager, caseworker, family) -> None:
        add_decision(session, family, caseworker, date(2026, 10, 1))
        assert self.status(session, manager, family) == (BKA_OK, 0, False)

    def test_no_children(self, session, manager, caseworker, make_case) -> None:
        case = make_case()
        self.refuse(session, case, caseworker)
        assert self.status(session, manager, case) == (BKA_NOT_APPLICABLE, 0, False)

    def test_nothing_documented(self, session, manager, caseworker, family) -> None:
        self.refuse(session, family, caseworker)
        self.refuse(session, family, caseworker, outcome=Outcome.DISMISSED)
        assert self.status(session, manager, family) == (BKA_MISSING, 2, True)

    def test_a_consideration_for_the_child(self, session, manager, caseworker, family) -> None:
        ola = str(members(family)["Ola"].person_id)
        self.refuse(session, family, caseworker, child_consideration=json.dumps({ola: "Prövat."}))
        assert self.status(session, manager, family) == (BKA_OK, 0, False)

    def test_an_unsigned_bka_is_not_enough(self, session, manager, caseworker, family) -> None:
        bka = add_form(session, "bka", family.unit_id, caseworker, case_id=family.id)
        decision = self.refuse(session, family, caseworker, bka_form_id=bka.id)
        assert self.status(session, manager, family) == (BKA_MISSING, 1, True)
        bka.signed_at = noon(date(2026, 10, 2))
        session.flush()
        assert decision.bka_form_id == bka.id
        assert self.status(session, manager, family) == (BKA_OK, 0, False)

    def test_a_bka_signed_in_another_case_is_not_enough(
        self, session, manager, caseworker, family, make_case
    ) -> None:
        other = make_case()
        bka = add_form(session, "bka", other.unit_id, caseworker, case_id=other.id)
        bka.signed_at = noon(date(2026, 10, 2))
        session.flush()
        self.refuse(session, family, caseworker, bka_form_id=bka.id)
        assert self.status(session, manager, family) == (BKA_MISSING, 1, True)

    def test_each_decision_is_judged_by_its_own_consideration(
        self, session, manager, caseworker, family
    ) -> None:
        ola = str(members(family)["Ola"].person_id)
        self.refuse(session, family, caseworker, child_consideration=json.dumps({ola: "Prövat."}))
        self.refuse(session, family, caseworker, child_consideration=json.dumps({ola: "  "}))
        self.refuse(session, family, caseworker)
        assert self.status(session, manager, family) == (BKA_MISSING, 2, True)

    def test_twelve_months_back(self, session, manager, caseworker, family) -> None:
        self.refuse(session, family, caseworker, decided_on=date(2025, 11, 22))
        assert self.status(session, manager, family) == (BKA_OK, 0, False)
        self.refuse(session, family, caseworker, decided_on=date(2025, 11, 23))
        assert self.status(session, manager, family) == (BKA_MISSING, 1, True)


# --- access and the read log --------------------------------------------------------------


class TestAccess:
    @pytest.mark.parametrize("who", ["caseworker", "colleague", "admin", "other"])
    def test_only_chefs_see_the_whole_unit(self, session, staff, unit, count_rows, who):
        before = count_rows(AuditEntry)
        with pytest.raises(AccessDenied):
            caseload(session, getattr(staff, who))
        assert count_rows(AuditEntry) == before

    def test_a_handlaggare_may_not_see_a_colleagues_caseload(
        self, session, caseworker, colleague, unit
    ) -> None:
        with pytest.raises(AccessDenied):
            caseload(session, caseworker, caseworker_id=colleague.id)

    def test_a_chef_only_in_the_own_unit(self, session, manager, staff, unit) -> None:
        with pytest.raises(AccessDenied, match="Handläggaren hör inte till din enhet"):
            caseload(session, manager, caseworker_id=staff.other.id)
        other_chef = Actor(
            manager.id, "chef.soder", "Chef Söder", "Enhetschef", Role.MANAGER, staff.other_unit.id
        )
        assert [r.case_number for r in caseload(session, other_chef)] == ["EB-2026-000005"]

    def test_the_other_units_handlaggare_sees_only_their_own(
        self, session, other_unit_caseworker, unit
    ) -> None:
        rows = caseload(session, other_unit_caseworker, caseworker_id=other_unit_caseworker.id)
        assert [r.case_number for r in rows] == ["EB-2026-000005"]

    def test_one_audit_row_per_call(self, session, manager, caseworker, unit) -> None:
        caseload(session, manager)
        caseload(session, manager, caseworker_id=caseworker.id)
        caseload(session, caseworker, caseworker_id=caseworker.id)
        rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "caseload")).all()
        whole_unit = "Ärendegenomgång, hela enheten: 3 ärenden"
        sara = "Ärendegenomgång, Sara Nilsson: 2 ärenden"
        assert len(rows) == 3
        assert {(r.action, r.user_id, r.entity_id, r.case_id, r.detail) for r in rows} == {
            ("open", manager.id, None, None, whole_unit),
            ("open", manager.id, caseworker.id, None, sara),
            ("open", caseworker.id, caseworker.id, None, sara),
        }

    def test_the_number_of_queries_does_not_grow_with_the_cases(
        self, session, db, manager, make_case, pnr, unit
    ) -> None:
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        session.flush()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            caseload(session, manager)
            few = len(statements)
            for serial in range(10):
                make_case(pnr("19900909", 900 + serial), "Fler", f"Ärenden{serial}")
            session.flush()  # the audit rows of the calls before
            statements.clear()
            rows = caseload(session, manager)
            many = len(statements)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert len(rows) == 13
        # the second call computes only the new cases (the others are kept): no more
        assert many <= few

    def test_postgresql_compiles_no_plan_for_the_caseload(self, session, manager, unit) -> None:
        """A database restored from a dump, or copied from a template, lacks `db init-server`'s
        `jit = off`; the caseload's lists of 2 000 ids then pass jit_above_cost and compiling
        its plans cost more than running them (0.5 s of 2.3 s at 100 000 households)."""
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("jit is PostgreSQL's")
        session.execute(text("SET jit = on"))
        caseload(session, manager)
        assert session.scalar(text("SELECT current_setting('jit')")) == "off"
        session.commit()
        assert session.scalar(text("SELECT current_setting('jit')")) == "on"


# --- review status ------------------------------------------------------------------------


class TestReviewStatus:
    @pytest.fixture
    def reviews(self, session, staff, manager, caseworker, colleague):
        def review(subject, signed_at, **fields) -> FormInstance:
            return add_form(
                session,
                "arendegenomgang",
                staff.unit.id,
                staff.manager,
                subject_user_id=subject.id,
                signed_at=signed_at,
                **fields,
            )

        return review

    def test_three_in_twelve_months_meets_the_target(
        self, session, manager, caseworker, colleague, reviews, unit
    ) -> None:
        # Sara: three, the oldest exactly twelve months ago (00:30 Swedish time)
        reviews(caseworker, datetime(2025, 11, 22, 23, 30, tzinfo=UTC))
        reviews(caseworker, noon(date(2026, 3, 2)))
        first = reviews(caseworker, noon(date(2026, 9, 14)))
        reviews(caseworker, noon(date(2026, 9, 20)), supersedes_id=first.id)  # new version
        reviews(caseworker, None)  # a draft
        # Omar: two within twelve months, one just older
        reviews(colleague, datetime(2025, 11, 22, 22, 30, tzinfo=UTC))  # 23:30 on the 22nd
        reviews(colleague, noon(date(2026, 2, 1)))
        reviews(colleague, noon(date(2026, 10, 5)))
        assert review_status(session, manager) == [
            ReviewStatus(
                user_id=colleague.id,
                name="Omar Haddad",
                open_cases=1,
                last_review_on=date(2026, 10, 5),
                reviews_last_12_months=2,
                below_target=True,
            ),
            ReviewStatus(
                user_id=caseworker.id,
                name="Sara Nilsson",
                open_cases=2,
                last_review_on=date(2026, 9, 14),
                reviews_last_12_months=3,
                below_target=False,
            ),
        ]

    def test_none_yet(self, session, manager, caseworker, colleague) -> None:
        assert review_status(session, manager) == [
            ReviewStatus(colleague.id, "Omar Haddad", 0, None, 0, True),
            ReviewStatus(caseworker.id, "Sara Nilsson", 0, None, 0, True),
        ]

    @pytest.mark.parametrize("who", ["caseworker", "admin", "other"])
    def test_chefs_only(self, session, staff, who) -> None:
        with pytest.raises(AccessDenied):
            review_status(session, getattr(staff, who))


# --- pages read -----------------------------------------------------------------------------

COVERED_READS = {
    # a statement of the caseload (by its text) -> the indexes that answer it alone
    "FROM cases LEFT OUTER JOIN users": ["COVERING INDEX ix_cases_unit_caseload"],
    "JOIN persons": [
        "COVERING INDEX ix_cases_id_household",
        "COVERING INDEX ix_persons_member_cover",
    ],
    "applications.decided_on IS NULL": ["INDEX ix_applications_case_undecided"],
    "FROM plan_items": ["INDEX ix_plan_items_open_steps"],
}
BIG_REGISTER = {
    # ANALYZE of the benchmark's 100 000 households (SQLite plans from these, not from the
    # rows; the test's few rows would make a scan or either index look as good): 13
    # applications a case, one in 36 undecided; 4 steps a plan, 126 375 of 199 089 open
    "applications": {
        "ix_applications_case_cover": "1238862 13 1 1 1 1",
        "ix_applications_case_undecided": "34072 1 1 1",
        "sqlite_autoindex_applications_1": "1238862 1",
    },
    "plan_items": {
        "ix_plan_items_due": "199089 231",
        "ix_plan_items_open_steps": "126375 3 1 1",
        "ix_plan_items_plan_id": "199089 4",
        "sqlite_autoindex_plan_items_1": "199089 1",
    },
}


def test_sqlite_reads_the_caseload_from_indexes_not_table_rows(session, manager, unit) -> None:
    """An encrypted file decrypts every page it reads, and the chef's first caseload of a
    process reads its pages from the file: a unit's cases lie in random id order, a page per
    case and table or index read, and a page more per row when a read goes on to the table
    (migration 0038: 30 400 → 23 000 pages at 100 000 households). The reads that went to
    the rows are answered by indexes; the latest försörjningshinder from one index, not
    looked up again in the months' index."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's plans; PostgreSQL keeps its pages in its own buffers")
    session.execute(text("ANALYZE"))
    for table, indexes in BIG_REGISTER.items():
        session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
        session.execute(text("DELETE FROM sqlite_stat4 WHERE tbl = :t"), {"t": table})
        for index, stat in indexes.items():
            session.execute(
                text("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (:t, :i, :s)"),
                {"t": table, "i": index, "s": stat},
            )
    session.execute(text("ANALYZE sqlite_schema"))  # the planner reads the statistics again
    statements: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        caseload(session, manager)
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    raw = session.connection().connection.dbapi_connection
    plans = {
        statement: "\n".join(
            row[-1] for row in raw.execute("EXPLAIN QUERY PLAN " + statement, parameters)
        )
        for statement, parameters in statements
    }
    for marker, indexes in COVERED_READS.items():
        found = [plan for statement, plan in plans.items() if marker in statement]
        assert found, f"no statement of the caseload with {marker!r}"
        for plan in found:
            assert all(index in plan for index in indexes), (marker, plan)
    (barriers,) = [
        plan for statement, plan in plans.items() if "FROM support_barriers" in statement
    ]
    assert barriers.count("SEARCH support_barriers") == 1, barriers
