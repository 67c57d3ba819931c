"""Attacks on the case register's shape, straight to PostgreSQL as each user's own login role
(psycopg, never through the program): nothing of a case is deleted, a case keeps its number,
unit, household and handläggare, its status moves only as the program moves it, its status
history is append-only, and persons are changed only through a case the user may see
(migration 0020, found beyond issue 18's list)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import select

from app.cases import case_register, support_barriers
from app.cases.case_register import ALLOWED_TRANSITIONS
from app.common import clock
from app.db.database import open_database
from app.decisions import decisions
from app.forms import filled_forms
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import Case, CaseStatus, CaseStatusChange, FollowUpTask, HouseholdMember
from tests.core.decisions.test_decisions import bifall
from tests.core.offline.sync_helpers import plan_for
from tests.core.security.test_server_access_control import connect, on_postgresql

pytestmark = on_postgresql

REFUSED = psycopg.errors.InsufficientPrivilege
MIGRATION = (
    Path(case_register.__file__).parents[1]
    / "db/migrations/versions/20261206_0020_case_integrity.py"
)


def _migration():
    spec = importlib.util.spec_from_file_location("case_integrity", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_servers_status_steps_are_the_programs(db) -> None:
    program = {(old.value, new.value) for old, news in ALLOWED_TRANSITIONS.items() for new in news}
    assert set(_migration().TRANSITIONS) == program


@pytest.fixture
def content(session, cases, caseworker) -> dict[str, object]:
    """One unsigned row of each kind in Sara's case."""
    entry = journal.create_entry(
        session, caseworker, cases.own, JournalDraft(clock.today(), "telefon", "Utkast", "T.")
    )
    plan = plan_for(session, caseworker, cases.own)
    decision = decisions.save_draft(session, caseworker, cases.own, bifall())
    form = filled_forms.create_form(session, caseworker, "ib", case_id=cases.own)
    case = session.get(Case, cases.own)
    barrier = support_barriers.set_barrier(
        session,
        caseworker,
        cases.own,
        case.household.members[0].person_id,
        clock.today().replace(day=1),
        "arbetslos",
    )
    task = FollowUpTask(
        case_id=cases.own,
        description="Uppföljning",
        owner="Sara",
        due_on=clock.today(),
        source_form=form,
        updated_by=caseworker.id,
    )
    session.add(task)
    session.commit()
    rows = {
        "cases": case.id,
        "journal_entries": entry.id,
        "plans": plan.id,
        "decisions": decision.id,
        "forms": form.id,
        "households": case.household_id,
        "persons": case.household.members[0].person_id,
        "applications": case.applications[0].id,
        "case_status_changes": session.scalar(
            select(CaseStatusChange.id).where(CaseStatusChange.case_id == case.id)
        ),
        "support_barriers": barrier.id,
        "follow_up_tasks": task.id,
    }
    assert set(rows) == set(_migration().KEPT_TABLES)
    return rows


def test_nothing_of_a_case_is_deleted(content, login_roles) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        for table, row_id in content.items():
            with pytest.raises(REFUSED) as refused:
                sara.execute(f"DELETE FROM {table} WHERE id = %s", (row_id,))
            assert "tas inte bort" in str(refused.value), table


@pytest.mark.parametrize(
    "change",
    [
        "responsible_user_id = (SELECT id FROM users WHERE username LIKE '%%omar.haddad')",
        "responsible_user_id = NULL",
        "case_number = 'EB-2026-999999'",
        "household_id = (SELECT o.household_id FROM cases o WHERE o.id <> cases.id LIMIT 1)",
        "opened_on = opened_on - 400",
        "unit_id = unit_id, created_at = created_at - interval '1 year'",
    ],
)
def test_a_case_keeps_its_number_unit_household_handlaggare_and_start(
    cases, login_roles, change
) -> None:
    with connect(login_roles, "sara.nilsson") as sara, pytest.raises(REFUSED) as refused:
        sara.execute(f"UPDATE cases SET {change} WHERE id = %s", (cases.own,))
    assert "ändras inte" in str(refused.value)


def test_the_status_moves_only_as_the_program_moves_it(cases, login_roles) -> None:
    status = (
        "UPDATE cases SET status = %s::text, closed_on = %s::date, closing_reason = %s::text "
        "WHERE id = %s"
    )
    with connect(login_roles, "sara.nilsson") as sara:
        for bad in (
            ("aktuell", None, None),  # aktualiserad → aktuell skips the utredning
            ("avslutad", None, None),  # closed without a reason
            ("avslutad", clock.today(), ""),
            ("utredning", clock.today(), None),  # a closing date on an open case
            ("okänd", None, None),
        ):
            with pytest.raises(REFUSED):
                sara.execute(status, (*bad, cases.own))
        sara.execute(status, ("utredning", None, None, cases.own))
        sara.execute(status, ("avslutad", clock.today(), "arbete", cases.own))
        with pytest.raises(REFUSED):  # a closed case's reason stays
            sara.execute("UPDATE cases SET closing_reason = 'studier' WHERE id = %s", (cases.own,))


def test_status_history_is_append_only_and_in_ones_own_name(cases, login_roles, staff) -> None:
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED):
            sara.execute(
                "UPDATE case_status_changes SET changed_on = changed_on - 100 WHERE case_id = %s",
                (cases.own,),
            )
        with pytest.raises(REFUSED):
            sara.execute(
                "INSERT INTO case_status_changes (id, case_id, from_status, to_status, "
                "changed_on, changed_at, changed_by) VALUES (gen_random_uuid(), %s, "
                "'aktualiserad', 'utredning', current_date, now(), %s)",
                (cases.own, staff.colleague.id),
            )


def test_a_new_case_starts_registered_with_a_handlaggare_of_its_unit(
    cases, login_roles, staff
) -> None:
    copy = (
        "INSERT INTO cases SELECT (jsonb_populate_record(NULL::cases, to_jsonb(c) || "
        "jsonb_build_object('id', gen_random_uuid(), 'case_number', 'EB-2026-777777', "
        "'status', %s::text, 'responsible_user_id', %s::uuid))).* FROM cases c WHERE c.id = %s"
    )
    with connect(login_roles, "sara.nilsson") as sara:
        with pytest.raises(REFUSED):
            sara.execute(copy, ("aktuell", staff.caseworker.id, cases.own))
        with pytest.raises(REFUSED) as refused:
            sara.execute(copy, ("aktualiserad", staff.other.id, cases.own))
        assert "höra till enheten" in str(refused.value)


def test_another_units_handlaggare_changes_no_person_or_membership_of_a_case(
    cases, session, login_roles
) -> None:
    case = session.get(Case, cases.own)
    person = case.household.members[0].person_id
    with connect(login_roles, "karin.holm") as karin:
        # she may see the person (to find an applicant before registering her twice) ...
        assert karin.execute(
            "SELECT count(*) FROM persons WHERE id = %s", (person,)
        ).fetchone() == (1,)
        # ... but not change her, nor the household's memberships
        renamed = karin.execute(
            "UPDATE persons SET first_name = 'Annan', personal_number = '199001019802' "
            "WHERE id = %s",
            (person,),
        )
        assert renamed.rowcount == 0
        moved = karin.execute(
            "UPDATE household_members SET member_until = current_date WHERE person_id = %s",
            (person,),
        )
        assert moved.rowcount == 0
        removed = karin.execute("DELETE FROM household_members WHERE person_id = %s", (person,))
        assert removed.rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            karin.execute(
                "INSERT INTO household_members SELECT (jsonb_populate_record("
                "NULL::household_members, to_jsonb(m) || jsonb_build_object('id', "
                "gen_random_uuid(), 'sort_order', 9))).* FROM household_members m "
                "WHERE m.person_id = %s",
                (person,),
            )
    session.expire_all()
    assert session.get(Case, cases.own).household.members[0].person.first_name == "Anna"
    assert (
        len(
            session.scalars(
                select(HouseholdMember).where(HouseholdMember.household_id == case.household_id)
            ).all()
        )
        == 1
    )


def test_a_colleague_of_the_unit_still_changes_the_cases_person(
    cases, session, login_roles
) -> None:
    """Omar may work in Sara's case (not protected): the person is his to correct too."""
    person = session.get(Case, cases.own).household.members[0].person_id
    with connect(login_roles, "omar.haddad") as omar:
        changed = omar.execute("UPDATE persons SET phone = '070-1234567' WHERE id = %s", (person,))
        assert changed.rowcount == 1


def test_the_program_moves_a_case_through_its_life_under_the_servers_rules(
    cases, login_roles, caseworker
) -> None:
    saras = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        for status, reason in (
            (CaseStatus.INVESTIGATION, None),
            (CaseStatus.ACTIVE, None),
            (CaseStatus.CLOSED, "arbete"),
            (CaseStatus.INVESTIGATION, None),
        ):
            with saras.sessions.begin() as session:
                case_register.change_status(
                    session, caseworker, cases.own, status, closing_reason=reason
                )
        with saras.sessions() as session:
            assert session.get(Case, cases.own).status is CaseStatus.INVESTIGATION
    finally:
        saras.dispose()
