"""Registering ärenden with their household, and the status lifecycle."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.case_register import (
    NewCase,
    PersonInput,
    change_status,
    create_case,
    format_case_number,
)
from app.common.errors import (
    AccessDenied,
    NotFound,
    ServiceError,
    StaleRecordError,
    ValidationFailed,
)
from app.models import (
    Application,
    AuditEntry,
    Case,
    CaseNumberSeries,
    CaseStatus,
    CaseStatusChange,
    Household,
    HouseholdMember,
    MemberRole,
    Person,
)
from app.security import audit

APPLICANT = "19850312-1231"  # man
PARTNER = "19900101-2385"  # woman
CHILD_1 = "20150607-3459"
CHILD_2 = "20180215-4565"
INVALID = "19850312-1232"  # wrong check digit

WRITE_MODELS = (Person, Household, HouseholdMember, Case, Application, CaseStatusChange)


def family(**fields) -> NewCase:
    return NewCase(
        applicant=PersonInput(APPLICANT, "Erik", "Johansson"),
        members=[
            PersonInput(PARTNER, "Fatima", "Hassan", MemberRole.CO_APPLICANT),
            PersonInput(CHILD_1, "Hugo", "Johansson", MemberRole.CHILD),
            PersonInput(CHILD_2, "Alva", "Johansson", MemberRole.CHILD, visiting_child=True),
        ],
        street_address="Storgatan 1",
        postal_code="123 45",
        city="Exempelstad",
        housing_type="hyresratt",
        **fields,
    )


def audit_rows(session: Session, **where) -> list[AuditEntry]:
    stmt = select(AuditEntry).where(~audit.written_by_server())  # the app's own rows
    for column, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, column) == value)
    return list(session.scalars(stmt.order_by(AuditEntry.action, AuditEntry.entity)))


def counts(count_rows) -> dict[str, int]:
    return {m.__name__: count_rows(m) for m in (*WRITE_MODELS, AuditEntry)}


class TestCreateCase:
    def test_case_number_format_and_initial_state(self, session, caseworker, staff) -> None:
        case = create_case(session, caseworker, family())
        assert case.case_number == "EB-2026-000001"
        assert case.status is CaseStatus.REGISTERED
        assert case.opened_on == date(2026, 11, 23)
        assert case.closed_on is None
        assert case.unit_id == staff.unit.id
        assert case.responsible_user_id == caseworker.id
        assert case.version == 1

    def test_case_numbers_increment_per_year(self, session, make_case, pnr) -> None:
        numbers = [
            make_case(pnr("19640404", n), "Per", f"Nummer{n}").case_number for n in range(1, 4)
        ]
        assert numbers == ["EB-2026-000001", "EB-2026-000002", "EB-2026-000003"]
        assert session.get(CaseNumberSeries, 2026).last_number == 3

    def test_case_number_series_continues_after_commit(self, db, session, make_case, pnr):
        make_case(pnr("19640404", 1), "Per", "Ett")
        session.commit()
        with db.sessions() as other:
            assert other.get(CaseNumberSeries, 2026).last_number == 1
        assert make_case(pnr("19640404", 2), "Per", "Två").case_number == "EB-2026-000002"

    def test_case_number_follows_the_year_of_the_clock(self, session, make_case, set_clock):
        set_clock(datetime(2027, 1, 1, 0, 30, tzinfo=UTC))  # 01:30 in Stockholm
        assert make_case().case_number == "EB-2027-000001"

    def test_format_case_number(self) -> None:
        assert format_case_number(2026, 123) == "EB-2026-000123"
        assert format_case_number(2026, 999_999) == "EB-2026-999999"

    def test_household_members_and_roles(self, session, caseworker) -> None:
        case = create_case(session, caseworker, family())
        household = session.get(Household, case.household_id)
        rows = [
            (
                m.person.personal_number,
                m.person.first_name,
                m.role,
                m.visiting_child,
                m.sort_order,
                m.member_from,
            )
            for m in household.members
        ]
        today = date(2026, 11, 23)
        assert rows == [
            ("198503121231", "Erik", MemberRole.APPLICANT, False, 0, today),
            ("199001012385", "Fatima", MemberRole.CO_APPLICANT, False, 1, today),
            ("201506073459", "Hugo", MemberRole.CHILD, False, 2, today),
            ("201802154565", "Alva", MemberRole.CHILD, True, 3, today),
        ]
        assert (household.street_address, household.postal_code, household.city) == (
            "Storgatan 1",
            "123 45",
            "Exempelstad",
        )
        assert household.housing_type == "hyresratt"

    def test_person_fields_derived_from_personnummer(self, session, caseworker) -> None:
        create_case(session, caseworker, family())
        partner = session.scalar(select(Person).where(Person.personal_number == "199001012385"))
        assert partner.birth_date == date(1990, 1, 1)
        assert partner.sex == "K"
        assert partner.is_coordination_number is False
        assert partner.first_name_key == "fatima"
        assert partner.last_name_key == "hassan"
        assert partner.display_number == "19900101-2385"

    def test_ten_digit_number_is_stored_with_century(self, session, make_case) -> None:
        case = make_case("850312-1231", " Erik ", "  Johansson ")
        member = session.get(Household, case.household_id).members[0]
        assert member.person.personal_number == "198503121231"
        assert (member.person.first_name, member.person.last_name) == ("Erik", "Johansson")

    def test_samordningsnummer_applicant(self, session, make_case) -> None:
        case = make_case("19780975-5676", "Ali", "Ahmadi")
        person = session.get(Household, case.household_id).members[0].person
        assert person.is_coordination_number is True
        assert person.birth_date == date(1978, 9, 15)

    def test_names_are_normalised_to_nfc_and_get_search_keys(self, session, make_case) -> None:
        case = make_case(APPLICANT, "Jose\u0301", "Öberg")
        person = session.get(Household, case.household_id).members[0].person
        assert person.first_name == "José"
        assert person.first_name_key == "jose"
        assert person.last_name_key == "öberg"

    def test_first_application_for_the_current_month(self, session, make_case) -> None:
        case = make_case()
        (application,) = session.scalars(select(Application).where(Application.case_id == case.id))
        assert application.received_at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        assert application.channel == "papper"
        assert (application.period_start, application.period_end) == (
            date(2026, 11, 1),
            date(2026, 11, 30),
        )
        assert application.first_response_at is None
        assert application.decided_on is None

    def test_application_period_in_december_ends_on_new_years_eve(self, session, make_case):
        case = make_case(period_start=date(2026, 12, 1), channel="e_ansokan", note="Via webben")
        application = session.scalar(select(Application).where(Application.case_id == case.id))
        assert application.period_end == date(2026, 12, 31)
        assert application.channel == "e_ansokan"
        assert application.note == "Via webben"

    def test_status_history_starts_with_registered(self, session, make_case, caseworker):
        case = make_case()
        (change,) = session.scalars(
            select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
        )
        assert change.from_status is None
        assert change.to_status is CaseStatus.REGISTERED
        assert change.changed_on == date(2026, 11, 23)
        assert change.changed_by == caseworker.id

    def test_manager_creates_unassigned_case(self, session, make_case, manager) -> None:
        case = make_case(actor=manager)
        assert case.responsible_user_id is None

    def test_manager_assigns_a_caseworker_of_the_unit(self, session, make_case, manager, colleague):
        case = make_case(actor=manager, responsible_user_id=colleague.id)
        assert case.responsible_user_id == colleague.id

    def test_responsible_from_another_unit_refused(
        self, session, make_case, manager, other_unit_caseworker, count_rows
    ) -> None:
        before = counts(count_rows)
        with pytest.raises(ValidationFailed) as error:
            make_case(actor=manager, responsible_user_id=other_unit_caseworker.id)
        assert error.value.field_errors == {
            "responsible": "Ansvarig handläggare måste höra till enheten."
        }
        assert counts(count_rows) == before

    def test_other_unit_caseworker_registers_in_own_unit(
        self, session, make_case, other_unit_caseworker, staff
    ) -> None:
        case = make_case(actor=other_unit_caseworker)
        assert case.unit_id == staff.other_unit.id

    def test_administrator_cannot_create_case(self, session, make_case, admin, count_rows):
        before = counts(count_rows)
        with pytest.raises(AccessDenied, match="Bara handläggare och chefer"):
            make_case(actor=admin)
        assert counts(count_rows) == before


class TestCreateCaseRefused:
    def test_applicant_repeated_as_member(self, session, caseworker, count_rows) -> None:
        data = family()
        data.members.append(PersonInput("850312-1231", "Erik", "Johansson", MemberRole.OTHER))
        before = counts(count_rows)
        with pytest.raises(ValidationFailed) as error:
            create_case(session, caseworker, data)
        assert error.value.field_errors == {
            "member.3.personal_number": "Personen finns redan i hushållet."
        }
        assert counts(count_rows) == before

    def test_same_member_twice(self, session, caseworker) -> None:
        data = family()
        data.members.append(PersonInput("150607-3459", "Hugo", "Johansson", MemberRole.CHILD))
        with pytest.raises(ValidationFailed) as error:
            create_case(session, caseworker, data)
        assert error.value.field_errors == {
            "member.3.personal_number": "Personen finns redan i hushållet."
        }

    def test_two_co_applicants(self, session, caseworker) -> None:
        data = family()
        data.members.append(PersonInput("19721010-1015", "Lars", "Ek", MemberRole.CO_APPLICANT))
        with pytest.raises(ValidationFailed) as error:
            create_case(session, caseworker, data)
        assert error.value.field_errors == {"members": "Ett hushåll kan ha högst en medsökande."}

    def test_second_open_case_for_the_applicant(self, session, make_case, count_rows) -> None:
        first = make_case()
        before = counts(count_rows)
        with pytest.raises(ValidationFailed) as error:
            make_case("850312-1231", "Erik", "Andersson")
        message = error.value.field_errors["applicant.personal_number"]
        assert "EB-2026-000001" in message
        assert first.case_number in str(error.value)
        assert message.startswith("Personen är redan sökande i det öppna ärendet EB-2026-000001.")
        assert counts(count_rows) == before

    def test_co_applicant_of_open_case_cannot_apply_alone(self, session, caseworker, make_case):
        create_case(session, caseworker, family())
        with pytest.raises(ValidationFailed, match="EB-2026-000001"):
            make_case(PARTNER, "Fatima", "Hassan")

    def test_child_of_open_case_may_become_applicant(self, session, caseworker, make_case):
        create_case(session, caseworker, family())
        case = make_case(CHILD_1, "Hugo", "Johansson")
        assert case.case_number == "EB-2026-000002"

    def test_new_case_after_closing_reuses_the_person(
        self, session, make_case, caseworker, count_rows
    ) -> None:
        first = make_case()
        change_status(session, caseworker, first.id, CaseStatus.CLOSED, closing_reason="arbete")
        persons = count_rows(Person)
        second = make_case()
        assert second.case_number == "EB-2026-000002"
        assert count_rows(Person) == persons
        first_person = session.get(Household, first.household_id).members[0].person_id
        second_person = session.get(Household, second.household_id).members[0].person_id
        assert first_person == second_person

    def test_invalid_member_personnummer_saves_nothing(
        self, session, caseworker, count_rows
    ) -> None:
        data = family()
        data.members[0].personal_number = INVALID
        before = counts(count_rows)
        with pytest.raises(ValidationFailed) as error:
            create_case(session, caseworker, data)
        assert list(error.value.field_errors) == ["member.0.personal_number"]
        assert "Kontrollsiffran" in error.value.field_errors["member.0.personal_number"]
        assert counts(count_rows) == before
        assert before["Person"] == 0
        assert before["Case"] == 0
        session.commit()
        assert counts(count_rows) == before

    def test_all_field_errors_are_reported_at_once(self, session, caseworker) -> None:
        data = NewCase(
            applicant=PersonInput("", "", "Andersson"),
            members=[PersonInput("20991212-1212", "Barn", "", MemberRole.CHILD)],
            housing_type="slott",
            channel="brevduva",
            period_start=date(2026, 11, 10),
            period_end=date(2026, 11, 1),
            received_at=datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        )
        with pytest.raises(ValidationFailed) as error:
            create_case(session, caseworker, data)
        assert error.value.field_errors == {
            "applicant.personal_number": "Ange ett personnummer eller samordningsnummer.",
            "applicant.first_name": "Förnamn måste fyllas i.",
            "member.0.personal_number": "Födelsedatumet i personnumret ligger i framtiden.",
            "member.0.last_name": "Efternamn måste fyllas i.",
            "housing_type": "Välj en boendeform i listan.",
            "channel": "Välj hur ansökan kom in.",
            "period_end": "Periodens slut kan inte ligga före dess början.",
            "received_at": "Ansökan kan inte ha kommit in i framtiden.",
        }

    def test_too_long_name(self, session, make_case, count_rows) -> None:
        with pytest.raises(ValidationFailed) as error:
            make_case(first_name="A" * 101)
        assert error.value.field_errors == {
            "applicant.first_name": "Förnamn är för lång: 101 tecken, högst 100 är tillåtet."
        }
        assert count_rows(Person) == 0

    def test_name_of_exactly_100_characters_accepted(self, session, make_case) -> None:
        case = make_case(last_name="Ö" * 100)
        assert session.get(Household, case.household_id).members[0].person.last_name == "Ö" * 100

    @pytest.mark.parametrize("bad", ["Anna\x00", "An\x07na", "Anna\x1b[31m", "\x7fAnna"])
    def test_control_characters_in_name(self, session, make_case, bad, count_rows) -> None:
        with pytest.raises(ValidationFailed) as error:
            make_case(first_name=bad)
        assert error.value.field_errors == {
            "applicant.first_name": "Förnamn innehåller otillåtna styrtecken."
        }
        assert count_rows(Case) == 0

    def test_name_on_two_lines(self, session, make_case) -> None:
        with pytest.raises(ValidationFailed) as error:
            make_case(last_name="Anders\nson")
        assert error.value.field_errors == {
            "applicant.last_name": "Efternamn får bara vara en rad."
        }

    def test_address_fields_checked(self, session, make_case) -> None:
        with pytest.raises(ValidationFailed) as error:
            make_case(
                street_address="Storgatan 1\nLgh 1101",
                postal_code="123 456 789 0",
                city="Ort\x00",
                note="x" * 4001,
            )
        assert error.value.field_errors == {
            "street_address": "Adressen får bara vara en rad.",
            "postal_code": "Postnumret är för lång: 13 tecken, högst 10 är tillåtet.",
            "city": "Orten innehåller otillåtna styrtecken.",
            "note": "Anteckningen är för lång: 4001 tecken, högst 4000 är tillåtet.",
        }

    def test_note_may_have_several_lines(self, session, make_case) -> None:
        case = make_case(note="Rad ett\r\nRad två\tmed tabb")
        application = session.scalar(select(Application).where(Application.case_id == case.id))
        assert application.note == "Rad ett\r\nRad två\tmed tabb"


class TestStatusLifecycle:
    @pytest.mark.parametrize(
        ("path", "expected"),
        [
            ([CaseStatus.INVESTIGATION], CaseStatus.INVESTIGATION),
            ([CaseStatus.INVESTIGATION, CaseStatus.ACTIVE], CaseStatus.ACTIVE),
            (
                [CaseStatus.INVESTIGATION, CaseStatus.ACTIVE, CaseStatus.INVESTIGATION],
                CaseStatus.INVESTIGATION,
            ),
        ],
    )
    def test_allowed_transitions(self, session, make_case, caseworker, path, expected) -> None:
        case = make_case()
        for status in path:
            case = change_status(session, caseworker, case.id, status)
        assert case.status is expected
        assert case.version == 1 + len(path)
        history = session.scalars(
            select(CaseStatusChange.to_status)
            .where(CaseStatusChange.case_id == case.id)
            .order_by(CaseStatusChange.id)
        ).all()
        assert sorted(history) == sorted([CaseStatus.REGISTERED, *path])

    @pytest.mark.parametrize(
        ("path", "refused", "message"),
        [
            (
                [],
                CaseStatus.ACTIVE,
                "Ett ärende med status aktualiserad kan inte få status aktuell.",
            ),
            (
                [],
                CaseStatus.REGISTERED,
                "Ett ärende med status aktualiserad kan inte få status aktualiserad.",
            ),
            (
                [CaseStatus.INVESTIGATION],
                CaseStatus.REGISTERED,
                "Ett ärende med status utredning kan inte få status aktualiserad.",
            ),
            (
                [CaseStatus.INVESTIGATION],
                CaseStatus.INVESTIGATION,
                "Ett ärende med status utredning kan inte få status utredning.",
            ),
        ],
    )
    def test_refused_transitions(
        self, session, make_case, caseworker, path, refused, message
    ) -> None:
        case = make_case()
        for status in path:
            change_status(session, caseworker, case.id, status)
        with pytest.raises(ServiceError) as error:
            change_status(session, caseworker, case.id, refused)
        assert str(error.value) == message
        assert session.get(Case, case.id).status is (path[-1] if path else CaseStatus.REGISTERED)

    def test_close_with_reason(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.INVESTIGATION)
        case = change_status(
            session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="studier"
        )
        assert case.status is CaseStatus.CLOSED
        assert case.closed_on == date(2026, 11, 23)
        assert case.closing_reason == "studier"
        last = session.scalar(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case.id)
            .where(CaseStatusChange.to_status == CaseStatus.CLOSED)
        )
        assert (last.from_status, last.reason) == (CaseStatus.INVESTIGATION, "studier")

    @pytest.mark.parametrize("reason", [None, "", "semester", "ARBETE"])
    def test_close_needs_valid_reason(self, session, make_case, caseworker, reason) -> None:
        case = make_case()
        with pytest.raises(ValidationFailed) as error:
            change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason=reason)
        assert error.value.field_errors == {"closing_reason": "Välj en avslutsorsak."}
        assert session.get(Case, case.id).status is CaseStatus.REGISTERED
        assert session.get(Case, case.id).closed_on is None

    def test_closed_case_cannot_become_active(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="flyttat")
        with pytest.raises(ServiceError, match="status avslutad kan inte få status aktuell"):
            change_status(session, caseworker, case.id, CaseStatus.ACTIVE)

    def test_closed_case_cannot_be_closed_again(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="flyttat")
        with pytest.raises(ServiceError, match="avslutad kan inte få status avslutad"):
            change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="arbete")

    def test_reopen_clears_closed_on_and_reason(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="flyttat")
        case = change_status(session, caseworker, case.id, CaseStatus.INVESTIGATION)
        assert case.status is CaseStatus.INVESTIGATION
        assert case.closed_on is None
        assert case.closing_reason is None

    def test_reopened_case_blocks_a_second_case_again(self, session, make_case, caseworker):
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="flyttat")
        change_status(session, caseworker, case.id, CaseStatus.INVESTIGATION)
        with pytest.raises(ValidationFailed, match="EB-2026-000001"):
            make_case()

    def test_stale_version_refused(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.INVESTIGATION, expected_version=1)
        with pytest.raises(StaleRecordError, match="ändrats av någon annan"):
            change_status(session, caseworker, case.id, CaseStatus.ACTIVE, expected_version=1)
        assert session.get(Case, case.id).status is CaseStatus.INVESTIGATION

    def test_colleague_and_manager_in_unit_may_change_status(
        self, session, make_case, colleague, manager
    ) -> None:
        case = make_case()
        change_status(session, colleague, case.id, CaseStatus.INVESTIGATION)
        change_status(session, manager, case.id, CaseStatus.ACTIVE)
        assert session.get(Case, case.id).status is CaseStatus.ACTIVE

    def test_other_unit_and_administrator_refused(
        self, session, make_case, other_unit_caseworker, admin
    ) -> None:
        case = make_case()
        for actor in (other_unit_caseworker, admin):
            with pytest.raises(AccessDenied, match="inte behörighet"):
                change_status(session, actor, case.id, CaseStatus.INVESTIGATION)
        assert session.get(Case, case.id).status is CaseStatus.REGISTERED

    def test_colleague_refused_on_protected_case(self, session, make_case, colleague) -> None:
        case = make_case(protected=True)
        with pytest.raises(AccessDenied):
            change_status(session, colleague, case.id, CaseStatus.INVESTIGATION)

    def test_unknown_case(self, session, caseworker) -> None:
        import uuid

        with pytest.raises(NotFound, match=re.escape("Ärendet finns inte.")):
            change_status(session, caseworker, uuid.uuid4(), CaseStatus.INVESTIGATION)


class TestAudit:
    def test_create_case_audits_case_and_every_new_person(self, session, caseworker) -> None:
        case = create_case(session, caseworker, family())
        case_rows = audit_rows(session, entity="case")
        assert [(r.action, r.case_id, r.user_id, r.detail) for r in case_rows] == [
            ("create", case.id, caseworker.id, "EB-2026-000001")
        ]
        applicant_id = session.get(Household, case.household_id).members[0].person_id
        assert case_rows[0].person_id == applicant_id
        assert case_rows[0].at == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        person_rows = audit_rows(session, entity="person", action="create")
        member_ids = {m.person_id for m in session.get(Household, case.household_id).members}
        assert {r.person_id for r in person_rows} == member_ids
        assert len(person_rows) == 4

    def test_audit_rows_are_in_the_same_transaction(self, db, session, caseworker) -> None:
        case = create_case(session, caseworker, family())
        case_id = case.id
        assert audit_rows(session, case_id=case_id)  # visible inside the transaction
        session.rollback()
        assert session.get(Case, case_id) is None
        assert audit_rows(session, case_id=case_id) == []
        assert audit_rows(session, entity="person") == []
        case = create_case(session, caseworker, family())
        session.commit()
        with db.sessions() as fresh:
            assert [r.action for r in audit_rows(fresh, case_id=case.id)] == ["create"]

    def test_status_change_audited(self, session, make_case, caseworker) -> None:
        case = make_case()
        change_status(session, caseworker, case.id, CaseStatus.INVESTIGATION)
        change_status(session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="arbete")
        rows = audit_rows(session, case_id=case.id, action="status")
        assert sorted(r.detail for r in rows) == [
            "Aktualiserad → Utredning",
            "Utredning → Avslutad",
        ]
        assert {(r.entity, r.user_id, r.entity_id) for r in rows} == {
            ("case", caseworker.id, case.id)
        }

    def test_refused_write_leaves_no_audit_row(self, session, make_case, caseworker):
        case = make_case()
        before = len(audit_rows(session))
        with pytest.raises(ServiceError):
            change_status(session, caseworker, case.id, CaseStatus.ACTIVE)
        assert len(audit_rows(session)) == before
