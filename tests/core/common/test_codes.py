"""The codes that rules depend on exist in the code lists the user picks from."""

from __future__ import annotations

import pytest

from app.common import code_lists
from app.common.codes import MEETING_TYPES, JournalType, PlanKind


@pytest.mark.parametrize(
    ("enum", "list_name"),
    [(JournalType, code_lists.JOURNAL_TYPE), (PlanKind, code_lists.PLAN_KIND)],
)
def test_every_named_code_is_in_its_list(enum, list_name):
    listed = {c.code for c in code_lists.codes(list_name)}
    assert {member.value for member in enum} <= listed


def test_meeting_types_are_the_visits():
    assert set(MEETING_TYPES) == {"nybesok", "besok", "hembesok"}
