"""Fixtures of the decision editor tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def family_case(main_window):
    """The case view of the first demo case in Mina ärenden with a child living at home."""
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        if sum(m.role.value == "barn" and not m.visiting_child for m in view.overview.members) >= 1:
            return view
    pytest.skip("no demo family")
