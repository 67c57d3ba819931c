"""Ta med på hembesök: the cases are leased on the server and copied, whole, into the
laptop's encrypted replica."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app.common import clock
from app.db.replica import ReplicaKey, open_replica
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import (
    Case,
    CaseLease,
    HouseholdMember,
    JournalEntry,
    Person,
    RegisterAnswerRecord,
    User,
)
from app.offline import checkout
from app.registers import lookups
from app.registers.register_service import MonthRange

OFFLINE_PASSWORD = "offline-lösen-för-hembesök"


@pytest.fixture
def replica(tmp_path):
    key, _stored = ReplicaKey.new_random()
    database = open_replica(tmp_path / "replika.sqlcipher", key)
    yield database
    database.dispose()


def test_check_out_copies_the_cases_whole(
    db, session, replica, make_case, pnr, caseworker, colleague
) -> None:
    taken = make_case()
    journal.sign_entry(
        session,
        caseworker,
        journal.create_entry(
            session,
            caseworker,
            taken.id,
            JournalDraft(clock.today(), "telefon", "Samtal", "Ringde om hembesöket."),
        ).id,
    )
    left = make_case(pnr("19700101", 11), "Bo", "Ek")
    session.commit()

    with replica.sessions() as local:
        result = checkout.check_out(
            session,
            local,
            caseworker,
            [taken.id],
            due_on=clock.today() + timedelta(days=1),
            offline_password=OFFLINE_PASSWORD,
        )
        session.commit()
        local.commit()
    assert [lease.case_id for lease in result.leases] == [taken.id]
    assert result.copied.rows["cases"] == 1 and result.copied.rows["journal_entries"] == 1

    with replica.sessions() as local:
        assert local.scalars(select(Case.id)).all() == [taken.id]
        entry = local.scalar(select(JournalEntry))
        assert entry.text == "Ringde om hembesöket." and entry.signed_at is not None
        assert local.scalars(select(Person.last_name)).all() == ["Andersson"]
        assert local.scalar(select(func.count()).select_from(HouseholdMember)) == 1
        lease = local.scalar(select(CaseLease))
        assert lease.holder_id == caseworker.id
        assert lease.replica_id == checkout.replica_id(local)
        # the staff list, never the password hashes
        users = local.scalars(select(User)).all()
        assert {u.username for u in users} >= {"sara.nilsson", "omar.haddad"}
        assert all(u.password_hash is None for u in users)
    assert left.id not in {lease.case_id for lease in result.leases}


def test_the_replica_keeps_its_id(replica) -> None:
    with replica.sessions.begin() as local:
        first = checkout.replica_id(local)
    with replica.sessions() as local:
        assert checkout.replica_id(local) == first
        assert isinstance(first, uuid.UUID)


def test_refresh_copies_again_what_is_leased_to_the_replica(
    session, replica, make_case, caseworker
) -> None:
    case = make_case()
    session.commit()
    with replica.sessions() as local:
        checkout.check_out(
            session,
            local,
            caseworker,
            [case.id],
            due_on=clock.today(),
            offline_password=OFFLINE_PASSWORD,
        )
        session.commit()
        local.rollback()  # the laptop failed to store the copy
    with replica.sessions() as local:
        assert local.scalar(select(func.count()).select_from(Case)) == 0
        copied = checkout.refresh(session, local, caseworker)
        session.commit()
        local.commit()
    assert copied.rows["cases"] == 1
    with replica.sessions() as local:
        assert local.scalars(select(Case.id)).all() == [case.id]


def test_a_register_answer_travels_with_the_case(db, session, replica, make_case, caseworker):
    """The register answer kept as data (issue 24) is on the laptop; a look-up from there
    is refused (app.registers.lookups), so the replica only reads it."""
    taken = make_case()
    month = MonthRange.of(date(2026, 11, 1))
    person = taken.household.members[0].person_id
    lookups.look_up(session, caseworker, taken.id, person, month, "ansokan").result()
    session.commit()
    with replica.sessions() as local:
        result = checkout.check_out(
            session,
            local,
            caseworker,
            [taken.id],
            due_on=clock.today() + timedelta(days=1),
            offline_password=OFFLINE_PASSWORD,
        )
        session.commit()
        local.commit()
    assert result.copied.rows["register_answers"] == 1
    with replica.sessions() as local:
        kept = local.scalar(select(RegisterAnswerRecord))
        assert kept.case_id == taken.id and kept.person_id == person
        assert kept.answer_json == session.scalar(select(RegisterAnswerRecord.answer_json))
