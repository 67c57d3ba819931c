"""The journal tests' shared fixture."""

from __future__ import annotations

import pytest


@pytest.fixture
def journal_tab(main_window):
    """The journal tab of the handläggare's first case in Mina ärenden, shown."""
    row = main_window.my_cases_model.rows[0]
    view = main_window.open_case(row.case_id)
    view.tabs.setCurrentWidget(view.journal_tab)
    return view.journal_tab
