"""Fictional demo data: valid numbers and codes, reproducible, consistent with the services."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.cases import caseload_review
from app.cases.case_overview import open_case
from app.cases.case_search import search
from app.cases.my_cases import my_cases
from app.common import clock, code_lists
from app.common.clock import STOCKHOLM
from app.common.identity_number import age_on, parse_identity_number
from app.db.database import Database, open_database
from app.deadlines import fia
from app.deadlines.deadlines import deadlines_for_cases
from app.demo import demo_data
from app.forms import filled_forms
from app.forms.form_definitions import definition_of
from app.forms.validation import validate
from app.journal.journal import content_hash
from app.models import (
    Application,
    Case,
    CaseNumberSeries,
    CaseStatus,
    CaseStatusChange,
    FollowUpTask,
    FormInstance,
    Household,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Person,
    Plan,
    PlanItem,
    Role,
    SupportBarrier,
    User,
)
from app.security.actor import Actor
from tests.core.conftest import FIXED_NOW

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def open_fresh(path) -> Database:
    """A freshly migrated, empty database (demo data is made for one)."""
    return open_database(f"sqlite:///{path}", plain_sqlite_for_tests=True)


@pytest.fixture(scope="module")
def _demo_template(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, demo_data.DemoSummary]:
    """The demo data of `demo` (50 households, seed 1, at the fixed clock), generated once
    for this module and copied for each test that asks for it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    clock.set_now(lambda: FIXED_NOW)  # module fixtures come before the autouse fixed_clock
    database = open_fresh(path)
    try:
        with database.sessions.begin() as session:
            summary = demo_data.generate(session, 50, seed=1)
    finally:
        database.dispose()
        clock.set_now(None)
    return path, summary


@pytest.fixture
def demo_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """This test's own database: empty, or with the demo data when the test asks for `demo`."""
    path = tmp_path / "demo.sqlite3"
    if "demo" in request.fixturenames:
        shutil.copy2(request.getfixturevalue("_demo_template")[0], path)
    database = open_fresh(path)
    yield database
    database.dispose()


@pytest.fixture
def session(demo_db) -> Iterator[Session]:
    """Overrides the shared `session`: these tests run on an empty database of their own."""
    with demo_db.sessions() as s:
        yield s
        s.rollback()


@pytest.fixture
def demo(session, _demo_template) -> demo_data.DemoSummary:
    return _demo_template[1]


def count_rows(session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model))


def fingerprint(session) -> list[tuple]:
    """Case numbers with every member's name and number, in a stable order."""
    rows = session.execute(
        select(
            Case.case_number,
            Case.status,
            Person.first_name,
            Person.last_name,
            Person.personal_number,
            HouseholdMember.role,
        )
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .order_by(Case.case_number, HouseholdMember.sort_order)
    ).all()
    return [tuple(row) for row in rows]


def form_fingerprint(session) -> list[tuple]:
    """The forms' answers and signing times (ids, and so hashes, differ between databases:
    the staff is created anew)."""
    rows = session.execute(
        select(FormInstance.form_key, FormInstance.signed_at, FormInstance.answers_json)
    ).all()
    return sorted(tuple(row) for row in rows)


def test_summary_and_row_counts(session, demo) -> None:
    assert demo.households == 50
    assert demo.cases == 50
    assert count_rows(session, Household) == 50
    assert count_rows(session, Case) == 50
    assert count_rows(session, Person) == demo.persons
    assert count_rows(session, HouseholdMember) == demo.persons
    assert count_rows(session, JournalEntry) == demo.journal_entries
    assert count_rows(session, Application) == demo.applications
    assert demo.persons >= 50
    assert "sara.nilsson" in demo.usernames
    assert "eva.lind" in demo.usernames


def test_every_personal_number_parses(session, demo) -> None:
    persons = session.scalars(select(Person)).all()
    assert len({p.personal_number for p in persons}) == len(persons)
    for person in persons:
        number = parse_identity_number(person.personal_number, today=TODAY)
        assert number.digits == person.personal_number
        assert number.birth_date == person.birth_date
        assert number.sex == person.sex
        assert number.is_coordination_number == person.is_coordination_number
        assert person.birth_date < TODAY


def test_ages_fit_the_roles(session, demo) -> None:
    for role, birth in session.execute(
        select(HouseholdMember.role, Person.birth_date).join(
            Person, Person.id == HouseholdMember.person_id
        )
    ):
        age = age_on(birth, TODAY)
        if role is MemberRole.CHILD:
            assert 0 <= age <= 17
        else:
            assert 18 <= age <= 70


def test_children_are_at_least_18_years_younger_than_the_applicant(session, demo) -> None:
    births: dict = {}
    for household_id, role, birth in session.execute(
        select(HouseholdMember.household_id, HouseholdMember.role, Person.birth_date).join(
            Person, Person.id == HouseholdMember.person_id
        )
    ):
        births.setdefault(household_id, []).append((role, birth))
    families = 0
    for members in births.values():
        applicant = next(b for r, b in members if r is MemberRole.APPLICANT)
        children = [b for r, b in members if r is MemberRole.CHILD]
        families += bool(children)
        for child in children:
            assert age_on(applicant, child) >= 18, (applicant, child)
    assert families > 0


def test_one_applicant_per_household(session, demo) -> None:
    roles = Counter(
        (household_id, role)
        for household_id, role in session.execute(
            select(HouseholdMember.household_id, HouseholdMember.role)
        )
    )
    households = session.scalars(select(Household.id)).all()
    for household_id in households:
        assert roles[(household_id, MemberRole.APPLICANT)] == 1
        assert roles[(household_id, MemberRole.CO_APPLICANT)] <= 1


def test_same_seed_gives_the_same_data(session, demo, tmp_path) -> None:
    other = open_fresh(tmp_path / "other.sqlite3")
    try:
        with other.sessions() as second:
            demo_data.generate(second, 50, seed=1)
            assert fingerprint(second) == fingerprint(session)
            assert form_fingerprint(second) == form_fingerprint(session)
    finally:
        other.dispose()
    numbers = [row[0] for row in fingerprint(session)]
    assert numbers[0].startswith("EB-")


def test_another_seed_gives_other_data(session, demo, tmp_path) -> None:
    other = open_fresh(tmp_path / "other.sqlite3")
    try:
        with other.sessions() as second:
            demo_data.generate(second, 50, seed=2)
            assert fingerprint(second) != fingerprint(session)
    finally:
        other.dispose()


def test_all_codes_are_valid(session, demo) -> None:
    checks = [
        (code_lists.HOUSING_TYPE, select(Household.housing_type)),
        (
            code_lists.CLOSING_REASON,
            select(Case.closing_reason).where(Case.closing_reason.is_not(None)),
        ),
        (code_lists.APPLICATION_CHANNEL, select(Application.channel)),
        (code_lists.JOURNAL_TYPE, select(JournalEntry.entry_type)),
        (code_lists.PLAN_KIND, select(Plan.kind)),
        (code_lists.SUPPORT_BARRIER, select(SupportBarrier.code)),
    ]
    for list_name, stmt in checks:
        values = set(session.scalars(stmt))
        assert values, list_name
        invalid = {v for v in values if not code_lists.is_valid(list_name, v)}
        assert invalid == set(), list_name


def test_signed_entries_carry_a_valid_hash(session, demo) -> None:
    entries = session.scalars(select(JournalEntry)).all()
    signed = [e for e in entries if e.is_signed]
    assert len(signed) > 50
    for entry in signed:
        assert entry.content_hash == content_hash(entry)
        assert entry.signed_by == entry.author_id
        assert entry.signed_at <= NOW
        assert entry.entry_date <= TODAY
    for entry in entries:
        if not entry.is_signed:
            assert (entry.content_hash, entry.signed_by) == (None, None)


def test_hashes_survive_a_commit_and_fresh_read(demo_db, session, demo) -> None:
    session.commit()
    with demo_db.sessions() as fresh:
        entries = fresh.scalars(select(JournalEntry).where(JournalEntry.signed_at.is_not(None)))
        mismatched = [e.id for e in entries if e.content_hash != content_hash(e)]
        assert mismatched == []


def test_case_status_is_consistent(session, demo) -> None:
    for case in session.scalars(select(Case)):
        assert case.opened_on <= TODAY
        if case.status is CaseStatus.CLOSED:
            assert case.closed_on is not None
            assert case.opened_on <= case.closed_on <= TODAY
            assert case.closing_reason is not None
        else:
            assert (case.closed_on, case.closing_reason) == (None, None)
        history = session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case.id)
            .order_by(CaseStatusChange.changed_on, CaseStatusChange.changed_at)
        ).all()
        assert history[0].from_status is None
        assert history[-1].to_status is case.status


def test_case_numbers_and_series(session, demo) -> None:
    numbers = session.scalars(select(Case.case_number)).all()
    assert len(set(numbers)) == 50
    by_year: Counter[int] = Counter(int(n.split("-")[1]) for n in numbers)
    for year, count in by_year.items():
        assert session.get(CaseNumberSeries, year).last_number == count
        assert f"EB-{year}-{count:06d}" in numbers
    assert set(by_year) <= {2024, 2025, 2026}


def assert_nothing_after(session, now: datetime) -> None:
    today = now.astimezone(STOCKHOLM).date()
    for application in session.scalars(select(Application)):
        assert application.received_at.tzinfo is UTC
        assert application.received_at <= now
        if application.first_response_at is not None:
            assert application.received_at <= application.first_response_at <= now
        for day in (application.complete_on, application.decided_on):
            assert day is None or day <= today
        assert application.period_start.day == 1
        assert application.period_end >= application.period_start
    for entry in session.scalars(select(JournalEntry)):
        assert entry.entry_date <= today
        assert entry.created_at <= now
        assert entry.signed_at is None or entry.signed_at <= now
    for change in session.scalars(select(CaseStatusChange)):
        assert change.changed_on <= today
        assert change.changed_at <= now
    for case in session.scalars(select(Case)):
        assert case.created_at <= now
        assert case.opened_on <= today
    for step in session.scalars(select(PlanItem)):
        assert step.due_on is not None
        assert step.done_on is None or step.done_on <= today


def test_nothing_is_dated_after_the_clock(session, demo) -> None:
    assert_nothing_after(session, NOW)


def test_early_morning_generation_dates_nothing_in_the_future(tmp_path, set_clock) -> None:
    # At 07:00 Swedish time, cases opened today must not have notes signed "at 14:00" today,
    # nor notes dated tomorrow.
    early = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    set_clock(early)
    database = open_fresh(tmp_path / "early.sqlite3")
    try:
        with database.sessions() as session:
            demo_data.generate(session, 200, seed=3)
            session.flush()
            opened_today = session.scalar(
                select(func.count()).select_from(Case).where(Case.opened_on == TODAY)
            )
            assert opened_today >= 1
            assert_nothing_after(session, early)
    finally:
        database.dispose()


def test_generate_twice_continues(session, demo) -> None:
    reviews = count_reviews(session)
    second = demo_data.generate(session, 10, seed=5)
    session.flush()
    assert second.households == 10
    assert count_rows(session, Case) == 60
    assert count_rows(session, Household) == 60
    assert len(set(session.scalars(select(Case.case_number)))) == 60
    assert session.scalar(select(func.count(func.distinct(Person.personal_number)))) == (
        count_rows(session, Person)
    )
    # The staff is reused, not duplicated.
    assert (
        session.scalar(
            select(func.count()).select_from(User).where(User.username == "sara.nilsson")
        )
        == 1
    )
    # Handläggare already reviewed get no second set of ärendegenomgångar.
    assert count_reviews(session) == reviews


def count_reviews(session) -> int:
    return session.scalar(
        select(func.count())
        .select_from(FormInstance)
        .where(FormInstance.form_key == "arendegenomgang")
    )


def test_services_work_on_demo_data(session, demo) -> None:
    caseworker = session.scalar(select(User).where(User.username == "sara.nilsson"))
    assert caseworker.role is Role.CASEWORKER
    actor = Actor.of(caseworker)
    rows = my_cases(session, actor)
    assert rows
    for row in rows:
        overview = open_case(session, actor, row.case_id)
        assert overview.responsible_name == "Sara Nilsson"
        result = search(session, actor, row.personal_number)
        assert row.case_id in {hit.case_id for hit in result.hits}


# --- forms: ärendegenomgångar and FIA ------------------------------------------------------


def test_forms_are_valid_signed_and_hashed(session, demo) -> None:
    found = session.scalars(select(FormInstance)).all()
    assert {f.form_key for f in found} == {"arendegenomgang", "fia"}
    assert demo.forms == len(found)
    for form in found:
        definition = definition_of(form.definition)
        assert (form.form_key, form.form_version) == (definition.key, definition.version)
        answers = json.loads(form.answers_json)
        assert validate(definition, answers, for_signing=True) == {}, form.form_key
        assert form.answers_json == json.dumps(answers, ensure_ascii=False, sort_keys=True)
        assert form.content_hash == filled_forms.content_hash(form)
        assert form.is_signed and form.signed_by == form.author_id == form.updated_by
        assert form.created_at <= form.signed_at <= NOW
        assert form.supersedes_id is None
        author = session.get(User, form.author_id)
        assert author.unit_id == form.unit_id
        if form.form_key == "fia":
            case = session.get(Case, form.case_id)
            assert (form.author_id, form.unit_id) == (case.responsible_user_id, case.unit_id)
            assert form.subject_user_id is None
            assert case.opened_on <= date.fromisoformat(answers["introduktion"]["datum"])
        else:
            subject = session.get(User, form.subject_user_id)
            assert form.case_id is None
            assert author.role is Role.MANAGER
            assert (subject.role, subject.unit_id) == (Role.CASEWORKER, form.unit_id)
            day = form.signed_at.astimezone(STOCKHOLM).date()
            assert answers["genomgang"] == {
                "datum": day.isoformat(),
                "chef": author.full_name,
                "handlaggare": subject.full_name,
            }


def test_hashes_of_forms_survive_a_commit(demo_db, session, demo) -> None:
    session.commit()
    with demo_db.sessions() as fresh:
        found = fresh.scalars(select(FormInstance)).all()
        assert found
        assert [f.id for f in found if f.content_hash != filled_forms.content_hash(f)] == []


def test_agreed_actions_have_their_follow_up_tasks(session, demo) -> None:
    reviews = session.scalars(
        select(FormInstance).where(FormInstance.form_key == "arendegenomgang")
    ).all()
    tasks = session.scalars(select(FollowUpTask)).all()
    assert len(tasks) >= len(reviews) > 0
    by_form: dict = {}
    for task in tasks:
        by_form.setdefault(task.source_form_id, []).append(task)
    assert set(by_form) <= {r.id for r in reviews}
    for review in reviews:
        rows = json.loads(review.answers_json)["atgarder"]
        expected = []
        for row in rows:
            case = session.scalar(select(Case).where(Case.case_number == row["arende"]))
            assert case.unit_id == review.unit_id
            expected.append(
                (case.id, row["atgard"], row["ansvarig"], date.fromisoformat(row["senast"]))
            )
        made = by_form.get(review.id, [])
        assert sorted(expected) == sorted(
            (t.case_id, t.description, t.owner, t.due_on) for t in made
        )
        signed_on = review.signed_at.astimezone(STOCKHOLM).date()
        for task in made:
            assert task.created_at == review.signed_at and task.updated_at <= NOW
            if task.due_on < TODAY:
                assert task.done_on is not None  # nothing overdue from old reviews
            if task.done_on is not None:
                assert signed_on < task.done_on <= min(task.due_on, TODAY)
    assert any(t.done_on is None for t in tasks), "some actions still to do"


def test_agreed_actions_are_what_signing_creates(session, demo) -> None:
    review = session.scalars(
        select(FormInstance)
        .join(FollowUpTask, FollowUpTask.source_form_id == FormInstance.id)
        .order_by(FormInstance.signed_at)
    ).first()
    made = session.scalars(
        select(FollowUpTask).where(FollowUpTask.source_form_id == review.id)
    ).all()
    assert made
    chef = Actor.of(session.get(User, review.author_id))
    draft = filled_forms.create_form(
        session, chef, "arendegenomgang", subject_user_id=review.subject_user_id
    )
    answers = json.loads(review.answers_json)
    filled_forms.save_draft(session, chef, draft.id, answers)
    assert draft.answers_json == review.answers_json
    signed = filled_forms.sign_form(session, chef, draft.id)
    again = session.scalars(
        select(FollowUpTask).where(FollowUpTask.source_form_id == signed.id)
    ).all()
    assert sorted((t.case_id, t.description, t.owner, t.due_on) for t in again) == sorted(
        (t.case_id, t.description, t.owner, t.due_on) for t in made
    )


def test_review_status_shows_a_mix(session, demo) -> None:
    for chef in session.scalars(select(User).where(User.role == Role.MANAGER)):
        statuses = caseload_review.review_status(session, Actor.of(chef))
        counts = [s.reviews_last_12_months for s in statuses]
        assert any(n >= 3 for n in counts) and any(n < 3 for n in counts), counts
        assert all(0 <= n <= 4 for n in counts)
        assert {s.below_target for s in statuses} == {True, False}
        assert any(s.last_review_on is not None for s in statuses)


def fia_cases(session) -> set:
    return set(session.scalars(select(FormInstance.case_id).where(FormInstance.form_key == "fia")))


def test_fia_done_cases_get_no_fia_deadline(session, demo) -> None:
    with_fia = fia_cases(session)
    done = set()
    for chef in session.scalars(select(User).where(User.role == Role.MANAGER)):
        done |= {c.case_id for c in caseload_review.caseload(session, Actor.of(chef)) if c.fia_done}
    assert done and done == with_fia
    for case_id, found in deadlines_for_cases(session, done).items():
        assert "fia" not in {d.kind for d in found}, case_id


def test_fia_is_given_where_it_is_due(session, tmp_path) -> None:
    demo_data.generate(session, 400, seed=4)
    session.flush()
    with_fia = fia_cases(session)
    open_cases = list(session.scalars(select(Case.id).where(Case.status != CaseStatus.CLOSED)))
    still_due = set(fia.fia_candidates(session, open_cases))
    assert with_fia <= set(open_cases)
    assert not with_fia & still_due
    with_deadline = {
        case_id
        for case_id, found in deadlines_for_cases(session, open_cases).items()
        if "fia" in {d.kind for d in found}
    }
    assert with_deadline == still_due
    # without their forms, the cases with FIA are exactly the rest of those due for one
    session.execute(delete(FormInstance).where(FormInstance.form_key == "fia"))
    due = set(fia.fia_candidates(session, open_cases))
    assert due == with_fia | still_due
    assert 0.4 <= len(with_fia) / len(due) <= 0.8
