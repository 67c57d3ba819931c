"""The demo's registers after the decision (issue 23): delgivningar, appeals with an
omprövning that changes the decision and court rulings, synpunkter; consistent with the
rules as data and with the statistics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common import clock
from app.db.database import open_database
from app.deadlines import appeal_deadlines
from app.decisions import decisions
from app.demo import demo_data
from app.models import Decision, User
from app.models.appeal import (
    Appeal,
    AppealRuling,
    CourtInstance,
    DecisionDelivery,
    Reconsideration,
    Timeliness,
)
from app.models.complaint import Complaint, FeedbackKind
from app.models.letter import Letter
from app.security.actor import Actor
from app.statistics import complaint_statistics, statistics
from tests.core.conftest import FIXED_NOW

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    clock.set_now(lambda: FIXED_NOW)
    database = open_database(f"sqlite:///{path}", plain_sqlite_for_tests=True)
    try:
        with database.sessions.begin() as session:
            summary = demo_data.generate(session, 40, seed=11)
    finally:
        database.dispose()
        clock.set_now(None)
    yield path, summary


@pytest.fixture
def session(demo, fixed_clock) -> Iterator[Session]:
    database = open_database(f"sqlite:///{demo[0]}", plain_sqlite_for_tests=True)
    try:
        with database.sessions() as s:
            yield s
            s.rollback()
    finally:
        database.dispose()


def test_deliveries_are_of_signed_decisions_and_dated_by_the_rules(session) -> None:
    deliveries = session.scalars(select(DecisionDelivery)).all()
    assert len(deliveries) >= 20
    for d in deliveries:
        decision = session.get_one(Decision, d.decision_id)
        assert decision.signed_at is not None and decision.case_id == d.case_id
        assert decision.decided_on is not None
        assert decision.decided_on <= d.delivered_on <= TODAY
        assert d.delivered_on == appeal_deadlines.delivered_on(d.method, d.sent_on, d.delivered_on)


def test_appeals_late_changed_and_forwarded(session, demo) -> None:
    appeals = session.scalars(select(Appeal)).all()
    assert len(appeals) == demo[1].appeals >= 5
    for a in appeals:
        decision = session.get_one(Decision, a.decision_id)
        assert decision.signed_at is not None and decision.case_id == a.case_id
        delivery = session.scalars(
            select(DecisionDelivery).where(DecisionDelivery.decision_id == a.decision_id)
        ).one()
        assert a.timeliness == appeal_deadlines.timeliness(delivery.delivered_on, a.received_on)
        assert a.received_on <= TODAY
        if a.forwarded_on is not None:
            assert a.forwarded_on <= appeal_deadlines.forwarding_due(a.received_on)
    assert [a.timeliness for a in appeals].count(Timeliness.LATE) == 1
    changed = [a for a in appeals if a.reconsideration is Reconsideration.CHANGED]
    assert len(changed) == 1
    new = session.get_one(Decision, changed[0].replacing_decision_id)
    old = session.get_one(Decision, changed[0].decision_id)
    assert new.replaces_id == old.id and new.case_id == old.case_id
    assert new.signed_at is not None and new.granted_total > old.granted_total
    assert new.content_hash == decisions.content_hash(new)  # db verify accepts it
    rulings = session.scalars(select(AppealRuling)).all()
    assert {r.instance for r in rulings} == {
        CourtInstance.ADMINISTRATIVE_COURT,
        CourtInstance.COURT_OF_APPEAL,
    }
    for r in rulings:
        appeal = session.get_one(Appeal, r.appeal_id)
        assert r.case_id == appeal.case_id and appeal.forwarded_on is not None
        assert appeal.forwarded_on < r.ruled_on <= TODAY


def test_complaints_of_each_kind_without_answers(session) -> None:
    complaints = session.scalars(select(Complaint)).all()
    assert {c.kind for c in complaints} == set(FeedbackKind)
    themes = [json.loads(c.themes) for c in complaints]
    assert any(len(t) == 2 for t in themes)
    assert {code for t in themes for code in t} <= set(complaint_statistics.THEMES)
    assert len({c.number for c in complaints}) == len(complaints)
    assert all(c.received_on <= TODAY for c in complaints)
    assert any(c.lex_sarah_reported_on for c in complaints)
    assert all(c.sender_address for c in complaints if c.wants_answer)
    assert session.scalars(select(Letter)).all() == []  # no letter without its archived PDF


def test_the_chefs_statistics_show_them(session) -> None:
    total_received = total_complaints = changed = 0
    for chef in session.scalars(select(User).where(User.role == "chef")):
        year = statistics.year_statistics(session, Actor.of(chef), 2026)
        assert year.appeals is not None and year.complaints is not None
        total_received += year.appeals.received.total
        changed += year.appeals.changed.total
        total_complaints += year.complaints.total.received
    assert total_received == len(session.scalars(select(Appeal)).all())
    assert changed == 1
    assert total_complaints == len(session.scalars(select(Complaint)).all())
