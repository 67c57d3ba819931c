"""The chef's Ärendegenomgång kept per case (case_review_facts, migration 0041): after any
sequence of changes through the services (and the clock moving) the caseload read from the
kept facts equals the one computed anew, on SQLite and PostgreSQL; every table the
computation reads clears them; on PostgreSQL a handläggare cannot write or delete them."""

from __future__ import annotations

import random
import re
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest
from sqlalchemy import delete, event, func, select, text

from app.cases import caseload_review, review_facts
from app.cases.case_register import PersonInput, change_status, find_or_create_person
from app.cases.support_barriers import set_barrier
from app.db import bulk
from app.db.database import open_database
from app.models import (
    Base,
    Case,
    CaseReviewFact,
    CaseStatus,
    Decision,
    DecisionKind,
    FollowUpTask,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Outcome,
    Person,
    Plan,
    PlanItem,
    Setting,
)
from app.security.actor import Actor
from app.settings import registry
from tests.core.cases import test_caseload_review
from tests.core.cases.test_caseload_review import add_decision, add_form, add_journal, noon
from tests.core.security.test_server_access_control import connect, db_owner, on_postgresql

TODAY = date(2026, 11, 23)

unit = test_caseload_review.unit
"""The fixture of the caseload's tests: a family, a young adult, a former child, a closed
case and one in the other unit."""


def _fresh(session, actor: Actor, caseworker_id=None) -> list[caseload_review.CaseIndicators]:
    """The caseload computed from the data alone, as before the facts were kept."""
    assert actor.unit_id is not None
    rows = caseload_review.open_cases(session, actor.unit_id, caseworker_id)
    return caseload_review._case_indicators(session, rows)


def _valid_rows(session) -> int:
    return session.scalar(
        select(func.count()).select_from(CaseReviewFact).where(CaseReviewFact.payload.is_not(None))
    )


def test_the_kept_caseload_equals_the_computed_after_any_changes(
    session, manager, caseworker, colleague, staff, unit, set_clock, pnr
) -> None:
    rng = random.Random(2141)
    cases = [unit["family"], unit["young"], unit["former"], unit["closed"]]
    now = datetime(2026, 11, 23, 9, 0, tzinfo=noon(TODAY).tzinfo)
    first = caseload_review.caseload(session, manager)
    assert first == _fresh(session, manager)
    assert _valid_rows(session) == len(first) == 3
    used = 0
    for step in range(60):
        case = rng.choice(cases)
        action = rng.randrange(14)
        if action == 0:  # a decision signed
            month = date(2026, rng.randrange(1, 13), 1)
            add_decision(
                session,
                case,
                caseworker,
                month,
                decided_on=min(month + timedelta(days=2), now.date()),
                outcome=rng.choice([Outcome.GRANTED, Outcome.REFUSED, Outcome.PARTLY]),
                executed_on=None if rng.random() < 0.5 else month,
                granted_total=Decimal(rng.choice([0, 4000])),
            )
        elif action == 1:  # a signed decision replaced
            old = session.scalars(select(Decision).where(Decision.case_id == case.id)).first()
            if old is not None:
                add_decision(
                    session,
                    case,
                    caseworker,
                    old.period_start,
                    old.period_end,
                    decided_on=now.date(),
                    outcome=Outcome.REFUSED,
                    granted_total=Decimal("0"),
                    executed_on=None,
                    replaces_id=old.id,
                )
        elif action == 2:  # a member moves out, or back
            member = rng.choice(case.household.members)
            member.member_until = (
                None if member.member_until else now.date() - timedelta(days=rng.randrange(400))
            )
        elif action == 3:  # a child added to the household, or one removed
            children = [m for m in case.household.members if m.role is MemberRole.CHILD]
            if children and rng.random() < 0.5:
                case.household.members.remove(rng.choice(children))
            else:
                child = find_or_create_person(
                    session,
                    caseworker,
                    PersonInput(pnr(f"2015{rng.randrange(1, 13):02d}15", 100 + step), "Ny", "Barn"),
                )
                case.household.members.append(
                    HouseholdMember(
                        person_id=child.id,
                        role=MemberRole.CHILD,
                        visiting_child=rng.random() < 0.3,
                        member_from=now.date() - timedelta(days=rng.randrange(-2, 400)),
                        sort_order=len(case.household.members),
                    )
                )
        elif action == 4:  # a plan made, or one closed
            plan = session.scalars(
                select(Plan).where(Plan.case_id == case.id, Plan.closed_on.is_(None))
            ).first()
            if plan is not None and rng.random() < 0.5:
                plan.closed_on = now.date()
            else:
                plan = Plan(
                    case_id=case.id,
                    kind="handlingsplan",
                    goal="Ny plan",
                    start_on=now.date() - timedelta(days=rng.randrange(-3, 30)),
                    follow_up_on=now.date() + timedelta(days=rng.randrange(-10, 10)),
                )
                plan.items = [
                    PlanItem(
                        description="Steg",
                        owner="Sökande",
                        due_on=now.date() + timedelta(days=rng.randrange(-5, 5)),
                    )
                ]
                session.add(plan)
        elif action == 5:  # a plan step done
            item = session.scalars(
                select(PlanItem)
                .join(Plan, Plan.id == PlanItem.plan_id)
                .where(Plan.case_id == case.id, PlanItem.done_on.is_(None))
            ).first()
            if item is not None:
                item.done_on = now.date()
        elif action == 6:  # a journal entry signed
            add_journal(
                session,
                case,
                caseworker,
                now.date() - timedelta(days=rng.randrange(5)),
                rng.choice(["besok", "hembesok", "nybesok", "telefon", "anteckning"]),
            )
        elif action == 7:  # a form signed: BKA or FIA
            add_form(
                session,
                rng.choice(["bka", "fia"]),
                case.unit_id,
                caseworker,
                case_id=case.id,
                signed_at=now,
            )
        elif action == 8:  # a case closed, reopened, or moved to the other unit and back
            if case.unit_id != staff.unit.id:
                case.unit_id = staff.unit.id
            elif rng.random() < 0.3:
                case.unit_id = staff.other_unit.id
            elif case.status is CaseStatus.CLOSED:
                case.status = CaseStatus.ACTIVE
            else:
                change_status(
                    session, caseworker, case.id, CaseStatus.CLOSED, closing_reason="arbete"
                )
        elif action == 9:  # a person's birth date changed
            member = rng.choice(case.household.members)
            person = session.get(Person, member.person_id)
            person.birth_date = date(rng.choice([1960, 2002, 2005, 2015]), 11, 24)
        elif action == 10:  # the warning days changed (settings)
            value = str(rng.choice([5, 10, 30, 60]))
            setting = session.scalar(
                select(Setting).where(Setting.key == registry.DECISION_WARNING_DAYS.key)
            )
            if setting is None:
                session.add(Setting(key=registry.DECISION_WARNING_DAYS.key, value=value))
            else:
                setting.value = value
        elif action == 11:  # the clock: hours (a bevakning's time passes) or a day on
            now += timedelta(hours=rng.choice([3, 9, 24, 24 * 32]))
            set_clock(now)
        elif action == 12:  # an åtgärd, or one done
            task = session.scalars(
                select(FollowUpTask).where(
                    FollowUpTask.case_id == case.id, FollowUpTask.done_on.is_(None)
                )
            ).first()
            if task is not None:
                task.done_on = now.date()
            else:
                session.add(
                    FollowUpTask(
                        case_id=case.id,
                        description="Åtgärd",
                        owner="Sara Nilsson",
                        due_on=now.date() - timedelta(days=1),
                    )
                )
        else:  # a försörjningshinder registered
            adults = [m for m in case.household.members if m.role is not MemberRole.CHILD]
            if adults and case.status is not CaseStatus.CLOSED and case.unit_id == staff.unit.id:
                set_barrier(
                    session,
                    colleague if case.responsible_user_id == colleague.id else caseworker,
                    case.id,
                    rng.choice(adults).person_id,
                    now.date().replace(day=1),
                    rng.choice(["arbetslos", "sprakhinder", "sjukskriven_lakarintyg"]),
                )
        session.flush()
        used += _valid_rows(session)
        for actor, caseworker_id in ((manager, None), (caseworker, caseworker.id)):
            kept = caseload_review.caseload(session, actor, caseworker_id=caseworker_id)
            assert kept == _fresh(session, actor, caseworker_id), (step, action)
        if rng.random() < 0.3:
            session.commit()
    assert used > 60  # most steps found rows kept from the step before


def test_a_handlaggare_reads_the_kept_facts_but_writes_none(
    session, manager, caseworker, unit
) -> None:
    caseload_review.caseload(session, caseworker, caseworker_id=caseworker.id)
    assert _valid_rows(session) == 0
    chefs = caseload_review.caseload(session, manager)
    assert _valid_rows(session) == len(chefs)
    # the chef's kept rows are what the handläggare reads: a forged one would show
    forged = caseload_review.KeptFacts.load(
        session.scalar(
            select(CaseReviewFact.payload).where(CaseReviewFact.case_id == unit["family"].id)
        )
    )._replace(applicant_name="Förfalskad")
    session.execute(
        CaseReviewFact.__table__.update()
        .where(CaseReviewFact.case_id == unit["family"].id)
        .values(payload=forged.dump())
    )
    own = caseload_review.caseload(session, caseworker, caseworker_id=caseworker.id)
    assert "Förfalskad" in {r.applicant_name for r in own}


def test_a_new_day_or_a_change_makes_the_row_computed_anew(
    session, manager, caseworker, unit, set_clock
) -> None:
    caseload_review.caseload(session, manager)
    family = unit["family"].id

    def kept() -> tuple[int, str | None]:
        return session.execute(
            select(CaseReviewFact.generation, CaseReviewFact.basis).where(
                CaseReviewFact.case_id == family
            )
        ).one()

    generation, basis = kept()
    assert basis is not None and basis.split("|")[1] == TODAY.isoformat()
    add_journal(session, unit["family"], caseworker, TODAY, "besok")
    session.flush()
    assert kept() == (generation + 1, None)
    caseload_review.caseload(session, manager)
    assert kept() == (generation + 1, basis)
    set_clock(datetime(2026, 11, 24, 9, 0, tzinfo=noon(TODAY).tzinfo))
    caseload_review.caseload(session, manager)
    assert kept() == (generation + 1, basis.replace("2026-11-23", "2026-11-24"))


@pytest.mark.parametrize("payload", ["", "[1,", '["Namn"] och mer', "[1, 2]", '{"a": 1}', "null"])
def test_a_damaged_kept_row_is_computed_anew_and_replaced(session, manager, unit, payload) -> None:
    """A kept payload that is not what `KeptFacts.dump` wrote (cut short, trailing text, too
    few fields, not a list) is never shown: the case is computed from its rows and the row
    written anew."""
    expected = caseload_review.caseload(session, manager)
    family = unit["family"].id
    session.execute(
        CaseReviewFact.__table__.update()
        .where(CaseReviewFact.case_id == family)
        .values(payload=payload)
    )
    assert caseload_review.caseload(session, manager) == expected == _fresh(session, manager)
    kept = session.scalar(select(CaseReviewFact.payload).where(CaseReviewFact.case_id == family))
    assert kept is not None and kept != payload
    assert caseload_review.KeptFacts.load(kept).applicant_name


FLAG_CODES = {
    "overdue": 0,
    "young_adult": 1,
    "long_dependence": 2,
    "has_plan": 3,
    "lacks_plan": 4,
    "fia_done": 5,
    "lacks_bka": 6,
    "last_meeting_was_home_visit": 7,
}
"""Each yes/no field's pattern over the three runs below (bit n in run n): every two of them
differ in some run, so a swap of two is seen (lacks_plan is not has_plan, as its code)."""


@pytest.mark.parametrize("run", range(3))
def test_the_indicators_are_assembled_field_by_field(run: int) -> None:
    """`_assembled` gives CaseIndicators its values in the fields' order: each field gets
    the value it names (values of their own per field, so a swap or a field added out of
    order fails here)."""

    def flag(name: str) -> bool:
        return bool(FLAG_CODES[name] >> run & 1)

    now = datetime(2026, 11, 23, 10, 0, tzinfo=noon(TODAY).tzinfo)
    case_id, responsible_id = uuid.uuid4(), uuid.uuid4()
    child = caseload_review.ChildInfo(7, True)
    due = date(2026, 11, 20) if flag("overdue") else date(2026, 11, 30)
    missing = 2 if flag("lacks_bka") else 0
    facts = caseload_review.KeptFacts(
        applicant_name="Ada Testsson",
        personal_number="19900101-1234",
        young_adult=flag("young_adult"),
        assistance_months=11 if flag("long_dependence") else 4,
        children=(child,),
        has_plan=flag("has_plan"),
        plan_next_date=date(2026, 12, 1),
        fia_done=flag("fia_done"),
        bka_status=caseload_review.BKA_MISSING if missing else caseload_review.BKA_OK,
        bka_missing=missing,
        last_meeting_on=date(2026, 10, 1),
        last_meeting_was_home_visit=flag("last_meeting_was_home_visit"),
        last_home_visit_on=date(2026, 9, 1),
        deadlines=(("Plan: uppföljning", due, None),),
        support_barrier_codes=(),
    )
    row = ("EB-2026-000001", responsible_id, CaseStatus.ACTIVE, date(2025, 1, 2), "Hanna H")
    [assembled] = caseload_review._assembled([(case_id, *row)], {case_id: facts}, now, TODAY)
    assert {f: getattr(assembled, f) for f in caseload_review.CaseIndicators.__slots__} == {
        "case_id": case_id,
        "case_number": "EB-2026-000001",
        "applicant_name": "Ada Testsson",
        "personal_number": "19900101-1234",
        "responsible_id": responsible_id,
        "responsible_name": "Hanna H",
        "status": CaseStatus.ACTIVE,
        "opened_on": date(2025, 1, 2),
        "young_adult": flag("young_adult"),
        "assistance_months": facts.assistance_months,
        "long_dependence": flag("long_dependence"),
        "child_count": 1,
        "children": (child,),
        "has_plan": flag("has_plan"),
        "plan_next_date": date(2026, 12, 1),
        "lacks_plan": flag("lacks_plan"),
        "fia_done": flag("fia_done"),
        "bka_status": facts.bka_status,
        "bka_missing": missing,
        "lacks_bka": flag("lacks_bka"),
        "last_meeting_on": date(2026, 10, 1),
        "last_meeting_was_home_visit": flag("last_meeting_was_home_visit"),
        "last_home_visit_on": date(2026, 9, 1),
        "overdue_count": int(flag("overdue")),
        "earliest_overdue_label": "Plan: uppföljning" if flag("overdue") else "",
        "earliest_overdue_due": due if flag("overdue") else None,
        "overdue": flag("overdue"),
        "support_barriers": (),
    }


def test_a_write_over_a_newer_generation_is_not_kept(session, manager, caseworker, unit) -> None:
    """Facts computed before a change committed meanwhile (the generation read is older)
    are not written over the row the change cleared."""
    family = unit["family"].id
    caseload_review.caseload(session, manager)
    generation = session.scalar(
        select(CaseReviewFact.generation).where(CaseReviewFact.case_id == family)
    )
    add_journal(session, unit["family"], caseworker, TODAY, "besok")
    session.flush()
    review_facts.write(session, unit["family"].unit_id, [(family, generation, "[]")], "x")
    assert session.execute(
        select(CaseReviewFact.generation, CaseReviewFact.payload).where(
            CaseReviewFact.case_id == family
        )
    ).one() == (generation + 1, None)


# --- the sources --------------------------------------------------------------------------


FROM_TABLE = re.compile(r"\b(?:FROM|JOIN)\s+(?:public\.)?\"?([a-z_]+)\"?", re.IGNORECASE)


def test_every_table_the_caseload_reads_or_that_names_a_case_is_decided(
    db, session, manager, unit
) -> None:
    """A table the computation reads is a source (its triggers clear the facts) or listed
    with the reason it need not be; so is every table with a case_id column: a new table
    has to be decided here."""
    statements: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    session.flush()
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        _fresh(session, manager)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    tables = set(Base.metadata.tables)
    read = {name for s in statements for name in FROM_TABLE.findall(s) if name in tables}
    assert {"cases", "decisions", "household_members", "persons", "plan_items"} <= read
    decided = set(review_facts.SOURCES) | set(review_facts.NOT_SOURCES)
    assert read - decided == set()
    with_case = {
        name
        for name, table in Base.metadata.tables.items()
        if "case_id" in table.c and not name.startswith("statistics_")
    }
    assert with_case - decided == set()
    assert set(review_facts.SOURCES) & set(review_facts.NOT_SOURCES) == set()


def test_every_source_has_its_triggers(db, session) -> None:
    if db.engine.dialect.name == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    names = set(session.scalars(text(sql)))
    expected = {
        f"case_review_facts_{table}_{event.lower()}"
        for table, (events, _cases) in review_facts.SOURCES.items()
        for event in events
    }
    assert expected <= names


def test_the_statement_triggers_name_the_sources_cases() -> None:
    """PostgreSQL's once-per-statement triggers (`CHANGED_CASES`) cover the same sources as
    the row triggers' conditions (`SOURCES`)."""
    assert set(review_facts.CHANGED_CASES) == set(review_facts.SOURCES)


def test_one_statement_of_many_rows_clears_each_case_once(
    db, session, manager, caseworker, unit
) -> None:
    """A statement writing many rows of a source (the sync's check-in: thousands of journal
    entries in one INSERT) clears each case it names, once: on PostgreSQL the generation
    counts one per statement, on SQLite one per row."""
    caseload_review.caseload(session, manager)
    family, young = unit["family"], unit["young"]
    before = dict(session.execute(select(CaseReviewFact.case_id, CaseReviewFact.generation)).all())
    rows = [
        {
            "id": uuid.uuid4(),
            "case_id": case.id,
            "entry_date": TODAY,
            "entry_type": "anteckning",
            "title": f"Anteckning {n}",
            "text": "Skriven på en bärbar dator.",
            "author_id": caseworker.id,
            "version": 1,
            "created_at": noon(TODAY),
            "updated_at": noon(TODAY),
        }
        for n in range(3)
        for case in (family, young)
    ]
    bulk.insert_rows(session, JournalEntry.__table__, rows)  # as the sync's apply writes
    after = dict(session.execute(select(CaseReviewFact.case_id, CaseReviewFact.generation)).all())
    per_statement = db.engine.dialect.name == "postgresql"
    for case in (family, young):
        assert after[case.id] == before[case.id] + (1 if per_statement else 3)
    assert after[unit["former"].id] == before[unit["former"].id]
    assert _valid_rows(session) == 1
    assert caseload_review.caseload(session, manager) == _fresh(session, manager)


def test_the_triggers_clear_rows_written_by_core_statements(session, manager, unit) -> None:
    """Not only the ORM: a statement on a source table (as the sync's apply or demo data
    write) clears the cases' rows."""
    caseload_review.caseload(session, manager)
    assert _valid_rows(session) == 3
    session.execute(delete(HouseholdMember).where(HouseholdMember.role == MemberRole.CHILD))
    # family and former have children
    assert _valid_rows(session) == 1
    session.execute(Case.__table__.update().values(case_number=Case.case_number))
    assert _valid_rows(session) == 0


# --- PostgreSQL: the server's rules -------------------------------------------------------


@on_postgresql
def test_a_handlaggare_cannot_write_or_delete_kept_facts_and_her_writes_clear_them(
    db, cases, login_roles, staff, pg_server
) -> None:
    """Over psql, Sara (handläggare) reads the kept rows of her cases, cannot insert,
    update, delete or truncate them; what she may write (a journal entry, a decision)
    clears her chef's kept row through the owner's trigger."""
    eva = open_database(login_roles["eva.lind"], upgrade=False)
    try:
        with eva.sessions.begin() as s:
            rows = caseload_review.caseload(s, staff.manager)
    finally:
        eva.dispose()
    assert {r.case_id for r in rows} == {cases.own, cases.protected}

    def kept(conn) -> dict:
        """The rows of the kept cases (the cases' setup left cleared ones elsewhere)."""
        return {
            row[0]: row[1:]
            for row in conn.execute(
                "SELECT case_id, generation, payload FROM case_review_facts "
                "WHERE case_id = ANY(%s)",
                ([cases.own, cases.protected],),
            )
        }

    with db_owner(login_roles, pg_server) as owner:
        before = kept(owner)
    assert set(before) == {cases.own, cases.protected}
    assert all(payload is not None for _generation, payload in before.values())
    with connect(login_roles, "sara.nilsson") as conn:
        assert kept(conn) == before
        for statement, values in (
            (
                "INSERT INTO case_review_facts (unit_id, case_id, generation, basis, payload) "
                "SELECT unit_id, id, 0, 'x', '[]' FROM cases WHERE id = %s "
                "ON CONFLICT (unit_id, case_id) DO UPDATE SET payload = '[]'",
                (cases.own,),
            ),
            (
                "INSERT INTO case_review_facts (unit_id, case_id, generation, basis, payload) "
                "VALUES (%s, gen_random_uuid(), 0, 'x', '[]')",
                (staff.unit.id,),
            ),
            ("DELETE FROM case_review_facts WHERE case_id = %s", (cases.own,)),
            ("TRUNCATE case_review_facts", ()),
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(statement, values)
        # an UPDATE finds no row she may change
        changed = conn.execute(
            "UPDATE case_review_facts SET payload = '[]' WHERE case_id = %s", (cases.own,)
        )
        assert changed.rowcount == 0
        assert kept(conn) == before
        # what she may write clears the chef's row, through the owner's trigger
        conn.execute(
            "INSERT INTO journal_entries (id, case_id, entry_date, entry_type, title, text, "
            "author_id, version, created_at, updated_at) VALUES "
            "(gen_random_uuid(), %s, '2026-11-23', 'anteckning', 'Utan app', 'Text', %s, 1, "
            "now(), now())",
            (cases.own, staff.caseworker.id),
        )
    # a decision (a draft) written through her own role
    sara = open_database(login_roles["sara.nilsson"], upgrade=False)
    try:
        with sara.sessions.begin() as s:
            s.add(
                Decision(
                    case_id=cases.protected,
                    kind=DecisionKind.SUPPORT,
                    outcome=Outcome.GRANTED,
                    period_start=date(2026, 12, 1),
                    period_end=date(2026, 12, 31),
                    author_id=staff.caseworker.id,
                )
            )
    finally:
        sara.dispose()
    with connect(login_roles, "sara.nilsson") as conn:
        after = kept(conn)
    assert after == {
        case_id: (generation + 1, None) for case_id, (generation, _payload) in before.items()
    }
    # her colleague Omar (same unit, not the protected household) sees only the own case's
    with connect(login_roles, "omar.haddad") as conn:
        assert set(kept(conn)) == {cases.own}
        assert {row[0] for row in conn.execute("SELECT case_id FROM case_review_facts")} <= {
            cases.own
        }


# --- the offline replica ------------------------------------------------------------------


def test_a_replica_keeps_its_own_facts_and_never_syncs_them(
    db, session, make_case, caseworker, laptops
) -> None:
    """On a laptop the handläggare's own caseload is computed from the replica's rows (the
    replica's triggers clear what the copy and her changes touch); kept rows written there
    are the replica's own: never in the outbox, never on the server."""
    from app.journal import journal
    from app.journal.journal import JournalDraft
    from app.models import OutboxChange
    from tests.core.offline.sync_helpers import offline, run_sync, take_along

    case = make_case()
    session.commit()
    laptop = laptops("sara", caseworker)
    take_along(db, laptop, caseworker, [case.id])
    me = offline(laptop, caseworker)
    with laptop.sessions.begin() as local:
        [row] = caseload_review.caseload(local, me, caseworker_id=caseworker.id)
        assert [row] == _fresh(local, me, caseworker.id)
        # as a chef's caseload on a replica would: kept there
        facts = caseload_review._computed_facts(
            local, caseload_review.open_cases(local, caseworker.unit_id), TODAY
        )
        review_facts.write(
            local,
            caseworker.unit_id,
            [(case.id, 0, facts[case.id].dump())],
            review_facts.basis(TODAY.isoformat(), 30),
        )
        journal.create_entry(
            local, me, case.id, JournalDraft(TODAY, "besok", "Besök", "Hemma hos familjen.")
        )
    with laptop.sessions() as local:
        assert (
            local.scalar(select(CaseReviewFact.payload).where(CaseReviewFact.case_id == case.id))
            is None
        )  # the entry cleared it
        tables = set(local.scalars(select(OutboxChange.table_name)))
    assert "journal_entries" in tables and "case_review_facts" not in tables
    run_sync(db, laptop, caseworker)
    with db.sessions() as server:
        assert (
            server.scalar(
                select(func.count())
                .select_from(CaseReviewFact)
                .where(CaseReviewFact.payload.is_not(None))
            )
            == 0
        )
