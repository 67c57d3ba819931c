"""Fixtures of the appeal register's tests: Anna's case (tests/core/decisions) with an
avslag signed on Tuesday 10 November 2026, read on Monday 7 December 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.models import Decision
from tests.core.decisions.test_decisions import (  # noqa: F401 (fixtures)
    avslag,
    case,
    delegated,
    family,
    render,
    sign,
    unit,
)

SIGNED_ON = date(2026, 11, 10)
TODAY = date(2026, 12, 7)


@pytest.fixture
def appealed(case, sign, set_clock) -> Decision:  # noqa: F811 (the fixtures above)
    """An avslag signed 10 November 2026; the clock then stands on 7 December 2026."""
    set_clock(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    decision = sign(case, avslag())
    set_clock(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    return decision
