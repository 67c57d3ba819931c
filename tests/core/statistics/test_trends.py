"""The chef's start page's trends: each month's point equals the month statistics of that
month, on generated data; the current month is marked incomplete."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from app.common.errors import AccessDenied
from app.demo import demo_data
from app.models import AuditEntry, User
from app.security.actor import Actor
from app.statistics import statistics, trends


@pytest.fixture
def generated(session):
    # the demo's Karin Holm is a chef; the test staff's a handläggare of another unit
    session.execute(update(User).where(User.username == "karin.holm").values(username="k.h"))
    demo_data.generate(session, 40, seed=11)
    session.commit()
    return session


def _demo_chef(session) -> Actor:
    return Actor.of(session.scalar(select(User).where(User.username == "eva.lind")))


def test_each_point_is_the_month_statistics_figure(generated):
    session = generated
    chef = _demo_chef(session)
    found = trends.monthly_trends(session, chef)
    # the fixed clock is 23 November 2026: December 2025 to November 2026
    assert [p.month for p in found.months] == [
        date(2025, 12, 1),
        *(date(2026, m, 1) for m in range(1, 12)),
    ]
    assert sum(p.support_households for p in found.months) > 0
    assert any(p.median_decision_days is not None for p in found.months)
    for point in found.months:
        expected = statistics.month_statistics(session, chef, point.month)
        assert point.support_households == expected.support_households.total.total
        assert point.long_term_households == expected.long_term_10_of_12.total.total
        assert point.families_with_children == expected.support_households.with_children.total
        assert point.median_decision_days == expected.time_to_decision.median_days
    assert found.unit_name == expected.unit_name


def test_the_current_month_is_incomplete(generated):
    found = trends.monthly_trends(generated, _demo_chef(generated))
    assert [p.incomplete for p in found.months] == [False] * 11 + [True]
    assert found.months[-1].counted_to == date(2026, 11, 23)
    assert trends.incomplete_note(date(2026, 11, 1)) == "ofullständig månad (t.o.m. 23 nov)"
    assert trends.incomplete_note(date(2026, 10, 1)) == ""
    assert (
        trends.incomplete_note(date(2026, 12, 1), date(2026, 12, 6))
        == "ofullständig månad (t.o.m. 6 dec)"
    )
    assert trends.short_month(date(2025, 12, 1)) == "dec 2025"


def test_only_chefs_and_one_audit_row(generated, caseworker):
    session = generated
    with pytest.raises(AccessDenied):
        trends.monthly_trends(session, caseworker)
    before = session.query(AuditEntry).count()
    trends.monthly_trends(session, _demo_chef(session))
    assert session.query(AuditEntry).count() == before + 1
