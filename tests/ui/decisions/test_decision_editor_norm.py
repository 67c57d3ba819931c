"""The decision editor's riksnorm (issue 19): the table is the period's year, shown and never
chosen by hand; a year without a table blocks the calculation and says who adds it; amounts
without a source stop signing and the editor says why; the letter states the year."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.common import clock
from app.decisions import decisions
from app.models import Decision
from app.printing.decision_letter import render_decision_letter
from app.ui.decisions.decision_editor import DecisionEditor

LEFT = Qt.MouseButton.LeftButton
SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


def _new_editor(qtbot, main_window, case_view) -> DecisionEditor:
    case_view.tabs.setCurrentWidget(case_view.decisions_tab)
    qtbot.mouseClick(case_view.decisions_tab.new_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    row = editor.add_cost("boende")
    editor.costs.item(row, 2).setText("7 500")
    return editor


def _set_period(editor: DecisionEditor, start: date, end: date) -> None:
    editor.period_start.set_value(start)
    editor.period_end.set_value(end)


def _text(pdf: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(raw.replace("\xa0", " ").split())


def _shot(editor: DecisionEditor, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    editor.resize(1100, 760)
    editor.grab().save(str(SHOTS / name))


def test_in_december_a_new_decision_for_january_is_blocked_not_computed_with_2019(
    qtbot, main_window, family_case
) -> None:
    """Issue 19, defect 1: in December the year box stayed on the list's first year (2019)
    for a January decision. The period's year decides; 2027 has no riksnorm yet."""
    clock.set_now(lambda: datetime(2026, 12, 15, 9, 0, tzinfo=UTC))  # fixture restores it
    editor = _new_editor(qtbot, main_window, family_case)
    assert editor.period_start.value() == date(2027, 1, 1)
    assert "ingen godkänd riksnorm för 2027" in editor.year.text()
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.calculation is None
    message = editor.calculation_error.text()
    assert "ingen godkänd riksnorm för 2027" in message
    assert "En administratör lägger in 2027 års riksnorm" in message
    assert editor.items.rowCount() == 0
    _shot(editor, "decision_editor_2027_blocked.png")


def test_the_period_decides_the_year(qtbot, main_window, family_case) -> None:
    editor = _new_editor(qtbot, main_window, family_case)
    assert editor.year.text().startswith("2026 (")  # december 2026
    _set_period(editor, date(2025, 3, 1), date(2025, 3, 31))
    assert editor.year.text().startswith("2025 (")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.calculation is not None and editor.calculation.year == 2025
    _set_period(editor, date(2026, 12, 1), date(2026, 12, 31))
    assert "Beräkningen är gjord med 2025 års riksnorm: räkna om." in editor.year.text()
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.calculation.year == 2026


def test_amounts_without_a_source_stop_signing_and_the_editor_says_why(
    qtbot, main_window, family_case, caseworker
) -> None:
    """Issue 19, defect 2: 2025's amounts have no source (none was found); the calculation
    shows them, signing is refused with the reason, and no letter says a word about it."""
    editor = _new_editor(qtbot, main_window, family_case)
    _set_period(editor, date(2025, 3, 1), date(2025, 3, 31))
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.unverified_label.isVisible()
    assert "Riksnormen för 2025 har belopp utan källa" in editor.unverified_label.text()
    # the amounts read as in the calculation's table: '3 910,00 kr', not '3 910 kr'
    amounts = re.findall(r"\d[\d\xa0]*(?:,\d\d)?\xa0kr", editor.unverified_label.text())
    assert amounts and all(re.fullmatch(r"[\d\xa0]+,00\xa0kr", a) for a in amounts), amounts
    for row in range(editor.items.rowCount()):
        editor.items.item(row, 3).setText(editor.items.item(row, 2).text())  # full bifall
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.signed_decision
    problems = editor.problems.text()
    assert "Riksnormen för 2025 har belopp utan källa" in problems
    assert "kan inte användas i ett beslut som undertecknas" in problems
    assert "under Arkiv → Riksnormen" in problems
    _shot(editor, "decision_editor_unsourced.png")
    with caseworker.database.sessions() as session:
        assert session.get(Decision, editor.decision_id).signed_at is None
    decision_id = editor.decision_id
    preview = editor.context.call(lambda s, a: decisions.letter_preview(s, a, decision_id))
    text = _text(render_decision_letter(preview))
    assert "Riksnorm för 2025." in text
    assert "kontrollera" not in text.replace("kontrollerar först", "")


def test_a_signed_letter_states_the_years_riksnorm(
    qtbot, main_window, family_case, caseworker
) -> None:
    """December 2026 with the table shipped with the program (SFS 2025:1046)."""
    editor = _new_editor(qtbot, main_window, family_case)
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert not editor.unverified_label.isVisible()
    for row in range(editor.items.rowCount()):
        editor.items.item(row, 3).setText(editor.items.item(row, 2).text())
    for edit in editor.considerations.values():  # every child, in a bifall too
        edit.setPlainText("Barnets behov ingår i normen som beviljas.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    with caseworker.database.sessions() as session:
        pdf = session.get(Decision, editor.decision_id).letter_pdf
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "letter_riksnorm_2026.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert (
        "Riksnorm för 2026 enligt socialtjänstförordningen (2025:468) 12 kap. 2 § i lydelse "
        "enligt SFS 2025:1046." in text
    )
