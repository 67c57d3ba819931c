"""Marking a plan's step done and closing a plan through the Planering tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from app.common import clock
from app.journal import plans
from app.journal.plans import PlanInput, PlanStepInput

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def plan_tab(main_window, caseworker):
    row = main_window.my_cases_model.rows[0]
    view = main_window.open_case(row.case_id)
    view.tabs.setCurrentWidget(view.plan_tab)
    today = clock.today()
    data = PlanInput(
        kind="handlingsplan",
        goal="Testplanens mål",
        start_on=today,
        follow_up_on=today + timedelta(days=60),
        steps=[PlanStepInput("Testplanens steg", "Sökande", today + timedelta(days=7))],
    )
    caseworker.call(lambda s, a: plans.create_plan(s, a, row.case_id, data))
    view.plan_tab.reload()
    return view.plan_tab


def _plan_item(tab):
    for index in range(tab.tree.topLevelItemCount()):
        item = tab.tree.topLevelItem(index)
        if item.text(0).endswith("Testplanens mål"):
            return item
    raise AssertionError("the new plan is not listed")


def test_without_a_marked_row_the_user_is_told_what_to_mark(qtbot, plan_tab, dialogs) -> None:
    plan_tab.tree.setCurrentItem(None)
    qtbot.mouseClick(plan_tab.done_button, LEFT)
    qtbot.mouseClick(plan_tab.close_button, LEFT)
    assert dialogs == ["Markera ett steg i listan först.", "Markera en plan i listan först."]


def test_step_done_then_plan_closed(qtbot, plan_tab, dialogs) -> None:
    changes: list[None] = []
    plan_tab.changed.connect(lambda: changes.append(None))
    plan_tab.tree.setCurrentItem(_plan_item(plan_tab).child(0))
    qtbot.mouseClick(plan_tab.done_button, LEFT)
    assert _plan_item(plan_tab).child(0).text(3).startswith("Klart ")

    plan_tab.tree.setCurrentItem(_plan_item(plan_tab))
    qtbot.mouseClick(plan_tab.close_button, LEFT)
    assert _plan_item(plan_tab).text(3).startswith("Avslutad ")
    assert dialogs == []
    assert len(changes) == 2
