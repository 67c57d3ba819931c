"""The decision editor answers the application waiting for it (issue 19, defect 12) and
applies the jobbstimulans the case's history gives (defect 11): the handläggare sees it and
cannot type it in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from app.common.formatting import money
from app.models import Application, DecisionKind
from app.ui.decisions.decision_editor import DecisionEditor

LEFT = Qt.MouseButton.LeftButton


def _case_with(main_window, wanted) -> object:
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        if wanted(view.overview):
            return view
    pytest.skip("no such demo case")


def _pending(overview):
    return next((a for a in overview.applications if a.decided_on is None), None)


def _new_decision(qtbot, main_window, case_view) -> DecisionEditor:
    case_view.tabs.setCurrentWidget(case_view.decisions_tab)
    qtbot.mouseClick(case_view.decisions_tab.new_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    return editor


def test_a_new_decision_answers_the_pending_application_and_decides_it(
    qtbot, main_window, caseworker
) -> None:
    case_view = _case_with(main_window, lambda o: _pending(o) is not None)
    application = _pending(case_view.overview)
    editor = _new_decision(qtbot, main_window, case_view)
    assert editor.period_start.value() == application.period_start
    assert editor.period_end.value() == application.period_end
    assert editor.kind_value() is DecisionKind.SUPPORT
    assert editor.source_label.text().startswith("Ansökan som kom in ")
    assert "om försörjningsstöd för november 2026" in editor.source_label.text()
    row = editor.add_cost("boende")
    editor.costs.item(row, 2).setText("6 000")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.calculation is not None, editor.calculation_error.text()
    for edit in editor.considerations.values():
        edit.setPlainText("Barnet får hela normen för sin ålder.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    main_window.tabs.setCurrentWidget(case_view)
    case_view.reload()
    decided = [
        a for a in case_view.overview.applications if a.period_start == application.period_start
    ]
    assert decided and all(a.decided_on is not None for a in decided)
    texts = [
        case_view.overview_tab.applications_model.index(r, 3).data()
        for r in range(case_view.overview_tab.applications_model.rowCount())
    ]
    assert "Ej beslutad" not in texts
    labels = [d.label for d in case_view.overview.deadlines]
    assert "Ansökan utan beslut" not in labels and "Första återkoppling" not in labels
    with caseworker.database.sessions() as session:
        from sqlalchemy import select

        waiting = session.scalars(
            select(Application).where(
                Application.case_id == case_view.case_id, Application.decided_on.is_(None)
            )
        ).all()
        assert waiting == []


def test_jobbstimulans_comes_from_the_history_and_is_applied(
    qtbot, main_window, caseworker
) -> None:
    """A sökande whose period covers the month: 25 % of her lön is not counted; the editor
    shows the period and has nothing to type it into."""
    case_view = _case_with(
        main_window,
        lambda o: (
            _pending(o) is not None
            and any(
                line.period and line.period.covers(_pending(o).period_start)
                for line in o.jobbstimulans
            )
        ),
    )
    overview = case_view.overview
    line = next(line for line in overview.jobbstimulans if line.period)
    info = case_view.overview_tab.case_info.text()
    assert f"Jobbstimulans för {line.name}: {line.period.text}" in info
    editor = _new_decision(qtbot, main_window, case_view)
    row = editor.add_income("lon", str(line.person_id), "8 000")
    assert editor.incomes.columnCount() == 4  # no "months in a row" to type
    shown = editor.incomes.item(row, 3)
    assert shown.text() == f"Ja, {line.period.text}"
    assert not shown.flags() & Qt.ItemFlag.ItemIsEditable
    other = editor.add_income("barnbidrag", "", "1 250")
    assert editor.incomes.item(other, 3).text() == "–"
    qtbot.mouseClick(editor.calculate_button, LEFT)
    calc = editor.calculation
    assert calc is not None, editor.calculation_error.text()
    assert calc.income_total == Decimal("9250.00")
    assert calc.income_counted_total == Decimal("7250.00")  # 6 000 of the lön, all barnbidrag
    note = calc.section("inkomst")[0].note
    assert line.period.text in note and f"{money(Decimal('2000'))}" in note
    assert "Avgår inkomster: " + money(Decimal("7250")) == editor.income_label.text()


def test_the_wizard_records_what_the_application_is_for(qtbot, main_window, caseworker) -> None:
    """An application for livsföring i övrigt: the new decision is of that kind."""
    from PySide6.QtWidgets import QWizard

    from app.common.identity_number import with_check_digit
    from app.ui.cases.case_view import CaseView
    from tests.helpers import type_text

    qtbot.mouseClick(main_window.new_case_button, LEFT)
    wizard = main_window.wizard
    number = with_check_digit("19790214321")
    type_text(wizard.applicant_page.personal_number, f"{number[2:8]}-{number[8:]}")
    type_text(wizard.applicant_page.first_name, "Greta")
    type_text(wizard.applicant_page.last_name, "Glas")
    for _ in range(2):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), LEFT)
    page = wizard.application_page
    page.kind.setCurrentIndex(page.kind.findData(DecisionKind.OTHER_LIVING.value))
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), LEFT)
    view = main_window.tabs.currentWidget()
    assert isinstance(view, CaseView), page.error.text()
    editor = _new_decision(qtbot, main_window, view)
    assert editor.kind_value() is DecisionKind.OTHER_LIVING
    assert "om livsföring i övrigt för november 2026" in editor.source_label.text()
