"""Nytt beslut från e-ansökan (issue 24): the Beslut tab offers it when the case has an
e-ansökan for a month without a decision; the editor opens pre-filled from the proposal,
each income row that differs from what the applicant stated marked (colour, a "⚠ Avviker"
row header and a tooltip) and the differences listed above the tables; nothing is saved
until the handläggare saves, and signing it unchanged is remembered."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from app.common.formatting import month_name
from app.common.periods import month_end, month_start
from app.intake.intake import take_in
from app.models import Case, Decision, MemberRole
from app.registers import lookups
from app.registers.register_service import ItemKind, MonthRange, Source
from app.ui.decisions.decision_editor import DIFFERS_MARKER, DecisionEditor
from tests.core.decisions.test_proposal import HandBuilt, application, paid

LEFT = Qt.MouseButton.LeftButton


def _prepared_case(main_window, caseworker):
    """A demo case of Sara's without children, and the newest month (2025–2026) in which its
    sökande belonged to the household and that has no decision."""
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        members = view.overview.members
        if len(members) != 1 or members[0].role is not MemberRole.APPLICANT:
            continue
        with caseworker.database.sessions() as session:
            decided = set(
                session.scalars(
                    select(Decision.period_start).where(Decision.case_id == row.case_id)
                )
            )
            case = session.get(Case, row.case_id)
            since = case.household.members[0].member_from or date(2000, 1, 1)
        newest_first = [date(2026, m, 1) for m in range(11, 0, -1)] + [
            date(2025, m, 1) for m in range(12, 0, -1)
        ]
        months = [m for m in newest_first if m not in decided and m >= month_start(since)]
        if not months:
            continue
        return view, months[0]
    pytest.skip("no demo case for a single adult")


def _deliver_and_ask(caseworker, view, month: date, application_id: str = "EA-GUI-1") -> None:
    with caseworker.database.sessions() as session:
        case = session.get(Case, view.case_id)
        person = case.household.members[0].person
        digits, person_id = person.personal_number, person.id
        first, last = person.first_name, person.last_name
    raw = application(
        [(digits, first, last, "sokande")],
        [(digits, "lon", "4000"), (digits, "foraldrapenning", "2500")],
        [("boende", "6200", "Hyra"), ("hushallsel", "300", "")],
        month=f"{month:%Y-%m}",
        application_id=application_id,
    )
    period = MonthRange.of(month)
    service = HandBuilt(
        {
            digits: [
                paid(Source.SKATTEVERKET, ItemKind.SALARY, "6000", "1800", month=period),
            ]
        }
    )
    caseworker.call(lambda s, a: take_in(s, a, raw, filename="ansokan.json"))
    if month > date(2026, 11, 1):
        return  # next month's application: the registers know nothing of it yet
    caseworker.call(
        lambda s, a: lookups.look_up(
            s, a, view.case_id, person_id, period, "ansokan", service=service
        )
    ).result()


def _decisions(caseworker, case_id) -> int:
    with caseworker.database.sessions() as session:
        return session.scalar(
            select(func.count()).select_from(Decision).where(Decision.case_id == case_id)
        )


def test_the_editor_opens_from_the_proposal_with_the_differences_marked(
    qtbot, main_window, caseworker
) -> None:
    view, month = _prepared_case(main_window, caseworker)
    tab = view.decisions_tab
    assert tab.proposal_button.isHidden()  # no e-ansökan yet
    _deliver_and_ask(caseworker, view, month)
    tab.reload()
    view.tabs.setCurrentWidget(tab)
    assert tab.proposal_button.isVisible()
    before = _decisions(caseworker, view.case_id)
    qtbot.mouseClick(tab.proposal_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    assert (editor.period_start.value(), editor.period_end.value()) == (month, month_end(month))
    assert "Förslag från e-ansökan EA-GUI-1" in editor.source_label.text()
    # costs as applied for, incomes from the registers (lön after tax) and the stated one
    assert [editor.costs.cellWidget(r, 0).currentData() for r in range(2)] == [
        "boende",
        "hushallsel",
    ]
    assert editor.costs.item(0, 2).text().replace("\xa0", " ") == "6 200,00 kr"
    assert [
        (editor.incomes.cellWidget(r, 0).currentData(), editor.incomes.item(r, 2).text())
        for r in range(editor.incomes.rowCount())
    ] == [("lon", "4\xa0200,00\xa0kr"), ("foraldrapenning", "2\xa0500,00\xa0kr")]
    # both rows differ: lön 4 000 stated vs 4 200 after tax; föräldrapenning not in registers
    assert editor.differing_rows() == [0, 1]
    for row in (0, 1):
        header = editor.incomes.verticalHeaderItem(row)
        assert header.text() == DIFFERS_MARKER and header.toolTip()
        assert editor.incomes.item(row, 2).background().color().name() == "#ffe08a"
    assert "Källa: Skatteverket." in editor.incomes.item(0, 2).toolTip()
    shown = editor.differences_label.text().replace("\xa0", " ")
    assert editor.differences_label.isVisible()
    assert "Ansökan och registren skiljer sig åt (2)" in shown
    assert (
        "• Lön, " in shown and "ansökan 4 000,00 kr; registren 4 200,00 kr (Skatteverket)." in shown
    )
    assert "Föräldrapenning" in shown and "ansökan 2 500,00 kr; finns inte i registren." in shown
    assert editor.calculation is not None, editor.calculation_error.text()
    # nothing saved until she saves
    assert _decisions(caseworker, view.case_id) == before
    assert editor.has_unsaved_changes()
    assert editor.save(), editor.items_error.text()
    assert _decisions(caseworker, view.case_id) == before + 1
    with caseworker.database.sessions() as session:
        saved = session.get(Decision, editor.decision_id)
        assert saved.from_delivery_id is not None and saved.proposal_json
        assert saved.signed_at is None  # the program never signs on its own
    # opened again, the draft still lists what differed
    again = DecisionEditor(caseworker, view.case_id, "EB", editor.decision_id)
    qtbot.addWidget(again)
    shown_again = again.differences_label.text().replace("\xa0", " ")
    assert not again.differences_label.isHidden()
    assert shown_again.startswith("Föreslaget från e-ansökan.")
    assert "ansökan 4 000,00 kr; registren 4 200,00 kr (Skatteverket)." in shown_again
    # she signs it as proposed: remembered as signed unchanged (the statistics count it)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    with caseworker.database.sessions() as session:
        assert session.get(Decision, editor.decision_id).proposal_unchanged is True


def test_several_months_waiting_she_picks_the_month(qtbot, main_window, caseworker) -> None:
    """An application for next month beside this one's: the button offers both."""
    view, month = _prepared_case(main_window, caseworker)
    december = date(2026, 12, 1)
    _deliver_and_ask(caseworker, view, month)
    _deliver_and_ask(caseworker, view, december, "EA-GUI-2")
    tab = view.decisions_tab
    tab.reload()
    menu = tab.proposal_button.menu()
    assert menu is not None
    texts = [action.text() for action in menu.actions()]
    assert texts == [
        "december 2026 (e-ansökan EA-GUI-2)",
        f"{month_name(month)} (e-ansökan EA-GUI-1)",
    ]
    menu.actions()[0].trigger()
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    assert editor.period_start.value() == december
    assert "EA-GUI-2" in editor.source_label.text()
    # the registers not asked for december: nothing compared, and the editor says so
    assert editor.differing_rows() == []
    assert "Registren har inte frågats om" in editor.differences_label.text()
