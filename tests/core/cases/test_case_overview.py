"""Opening a case: what the Översikt tab shows, skyddade personuppgifter, the read log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app.cases.case_overview import ApplicationView, PlanView, open_case
from app.cases.case_register import PersonInput, change_status
from app.cases.support_barriers import set_barrier
from app.common.errors import AccessDenied
from app.journal.plans import PlanInput, PlanStepInput, close_plan, create_plan, mark_step_done
from app.models import AuditEntry, CaseStatus, Household, MemberRole

ADDRESS = {"street_address": "Storgatan 1", "postal_code": "123 45", "city": "Exempelstad"}


@pytest.fixture
def family(make_case):
    return make_case(
        "19850312-1249",
        "Anna",
        "Andersson",
        members=[
            PersonInput("19900101-2393", "Erik", "Berg", MemberRole.CO_APPLICANT),
            PersonInput("20081123-0028", "Ebba", "Andersson", MemberRole.CHILD),  # 18 today
            PersonInput("20081124-0027", "Hugo", "Andersson", MemberRole.CHILD, True),  # 17
        ],
        housing_type="hyresratt",
        **ADDRESS,
    )


def open_rows(session, case_id) -> list[tuple[str, str]]:
    return [
        (r.action, r.entity)
        for r in session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id))
        if r.action == "open"
    ]


class TestContents:
    def test_header(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        assert overview.case_id == family.id
        assert overview.version == 1
        assert overview.case_number == "EB-2026-000001"
        assert overview.title == "EB-2026-000001 Anna Andersson"
        assert overview.status is CaseStatus.REGISTERED
        assert overview.unit_name == "Försörjningsstöd Norr"
        assert overview.responsible_name == "Sara Nilsson"
        assert (overview.opened_on, overview.closed_on) == (date(2026, 11, 23), None)
        assert overview.closing_reason_label == ""
        assert overview.housing_label == "Hyresrätt, förstahandskontrakt"

    def test_address_shown(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        assert overview.address_hidden is False
        assert overview.address_lines == ["Storgatan 1", "123 45 Exempelstad"]

    def test_partial_address(self, session, caseworker, make_case) -> None:
        case = make_case(city="Exempelstad")
        overview = open_case(session, caseworker, case.id)
        assert overview.address_lines == ["Exempelstad"]
        assert (
            open_case(
                session, caseworker, make_case("19900101-2385", "Fatima", "Hassan").id
            ).address_lines
            == []
        )

    def test_members_with_ages(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        assert [
            (m.name, m.personal_number, m.role, m.age, m.sex, m.visiting_child)
            for m in overview.members
        ] == [
            ("Anna Andersson", "19850312-1249", MemberRole.APPLICANT, 41, "K", False),
            ("Erik Berg", "19900101-2393", MemberRole.CO_APPLICANT, 36, "M", False),
            ("Ebba Andersson", "20081123-0028", MemberRole.CHILD, 18, "K", False),
            ("Hugo Andersson", "20081124-0027", MemberRole.CHILD, 17, "K", True),
        ]
        assert overview.applicant.name == "Anna Andersson"
        assert all(m.protected_identity is False for m in overview.members)
        assert all(m.support_barrier == "" for m in overview.members)

    def test_latest_support_barrier_per_adult(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        anna, erik = overview.members[0].person_id, overview.members[1].person_id
        set_barrier(session, caseworker, family.id, anna, date(2026, 10, 1), "sprakhinder")
        set_barrier(session, caseworker, family.id, anna, date(2026, 11, 15), "arbetslos")
        set_barrier(session, caseworker, family.id, erik, date(2026, 11, 1), "foraldraledig")
        overview = open_case(session, caseworker, family.id)
        assert [m.support_barrier for m in overview.members] == [
            "Arbetslös",
            "Föräldraledig",
            "",
            "",
        ]

    def test_former_member_is_not_listed(self, session, caseworker, family) -> None:
        household = session.get(Household, family.household_id)
        household.members[1].member_from = date(2026, 1, 1)
        household.members[1].member_until = date(2026, 11, 22)
        session.flush()
        names = [m.name for m in open_case(session, caseworker, family.id).members]
        assert names == ["Anna Andersson", "Ebba Andersson", "Hugo Andersson"]

    def test_applications(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        assert overview.applications == [
            ApplicationView(
                "2026-11-23 10:00", "Pappersansökan", date(2026, 11, 1), date(2026, 11, 30), None
            )
        ]

    def test_deadlines(self, session, caseworker, family) -> None:
        overview = open_case(session, caseworker, family.id)
        assert [(d.kind, d.due) for d in overview.deadlines] == [
            ("aterkoppling", date(2026, 11, 24)),
            ("beslut", date(2026, 12, 23)),
        ]

    def test_current_plan(self, session, caseworker, family) -> None:
        assert open_case(session, caseworker, family.id).current_plan is None
        plan = create_plan(
            session,
            caseworker,
            family.id,
            PlanInput(
                "forandringsplan",
                "Arbete inom ett år",
                date(2026, 11, 1),
                date(2027, 2, 1),
                [PlanStepInput("SFI", "Sökande"), PlanStepInput("CV", "Sökande")],
            ),
        )
        mark_step_done(session, caseworker, plan.items[0].id)
        overview = open_case(session, caseworker, family.id)
        assert overview.current_plan == PlanView(
            plan.id,
            "Förändringsplan",
            "Arbete inom ett år",
            date(2026, 11, 1),
            date(2027, 2, 1),
            1,
            1,
        )
        close_plan(session, caseworker, plan.id)
        assert open_case(session, caseworker, family.id).current_plan is None

    def test_plan_starting_later_is_not_current(self, session, caseworker, family) -> None:
        create_plan(
            session,
            caseworker,
            family.id,
            PlanInput("handlingsplan", "Mål", date(2026, 12, 1), None),
        )
        assert open_case(session, caseworker, family.id).current_plan is None

    def test_closed_case(self, session, caseworker, family) -> None:
        change_status(session, caseworker, family.id, CaseStatus.CLOSED, closing_reason="arbete")
        overview = open_case(session, caseworker, family.id)
        assert overview.status is CaseStatus.CLOSED
        assert overview.closed_on == date(2026, 11, 23)
        assert overview.closing_reason_label == "Fått arbete"
        assert overview.version == 2

    def test_unassigned_case(self, session, manager, make_case) -> None:
        case = make_case(actor=manager)
        assert open_case(session, manager, case.id).responsible_name == "Ej tilldelad"


class TestProtectedIdentity:
    @pytest.fixture
    def protected(self, make_case):
        return make_case(
            "19850312-1249",
            "Anna",
            "Andersson",
            members=[
                PersonInput(
                    "20150607-3459", "Hugo", "Andersson", MemberRole.CHILD, protected_identity=True
                )
            ],
            **ADDRESS,
        )

    def test_address_hidden_when_a_member_is_protected(
        self, session, caseworker, manager, protected
    ) -> None:
        for actor in (caseworker, manager):
            overview = open_case(session, actor, protected.id)
            assert overview.address_hidden is True
            assert overview.address_lines == []
            assert [m.protected_identity for m in overview.members] == [False, True]

    def test_address_hidden_when_the_applicant_is_protected(
        self, session, caseworker, make_case
    ) -> None:
        case = make_case(protected=True, **ADDRESS)
        overview = open_case(session, caseworker, case.id)
        assert (overview.address_hidden, overview.address_lines) == (True, [])

    def test_address_shown_again_when_the_protected_member_has_left(
        self, session, caseworker, protected
    ) -> None:
        household = session.get(Household, protected.household_id)
        household.members[1].member_from = date(2026, 1, 1)
        household.members[1].member_until = date(2026, 11, 22)
        session.flush()
        overview = open_case(session, caseworker, protected.id)
        assert overview.address_hidden is False
        assert overview.address_lines == ["Storgatan 1", "123 45 Exempelstad"]

    def test_colleague_cannot_open(self, session, colleague, protected) -> None:
        with pytest.raises(AccessDenied, match="inte behörighet att läsa"):
            open_case(session, colleague, protected.id)
        assert open_rows(session, protected.id) == []


class TestAccessAndAudit:
    def test_open_is_audited(self, session, caseworker, family) -> None:
        open_case(session, caseworker, family.id)
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "open", AuditEntry.entity == "case")
        ).all()
        assert [(r.user_id, r.case_id, r.entity_id) for r in rows] == [
            (caseworker.id, family.id, family.id)
        ]

    def test_every_open_is_audited(self, session, caseworker, colleague, manager, family):
        for actor in (caseworker, colleague, manager, caseworker):
            open_case(session, actor, family.id)
        assert open_rows(session, family.id) == [("open", "case")] * 4

    def test_colleague_and_manager_of_the_unit_may_open(
        self, session, colleague, manager, family
    ) -> None:
        for actor in (colleague, manager):
            assert open_case(session, actor, family.id).case_number == "EB-2026-000001"

    def test_other_unit_denied(self, session, other_unit_caseworker, family) -> None:
        with pytest.raises(
            AccessDenied, match=re.escape("Du har inte behörighet att läsa det här ärendet.")
        ):
            open_case(session, other_unit_caseworker, family.id)
        assert open_rows(session, family.id) == []

    def test_administrator_denied(self, session, admin, family) -> None:
        with pytest.raises(AccessDenied, match="inte behörighet"):
            open_case(session, admin, family.id)
        assert open_rows(session, family.id) == []

    def test_other_unit_manager_denied(self, session, make_case, other_unit_caseworker, manager):
        case = make_case(actor=other_unit_caseworker)
        with pytest.raises(AccessDenied):
            open_case(session, manager, case.id)
