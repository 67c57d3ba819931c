"""Calculating and deciding through the decision editor; delegation, the children in every
decision, kommunicering, and the archived letter read back with pypdf."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import select

from app.common.formatting import money
from app.models import Decision, DecisionKind
from app.ui.decisions.decision_editor import DecisionEditor
from tests.helpers import shown_pdf_preview, type_text

LEFT = Qt.MouseButton.LeftButton


def _new_decision(qtbot, main_window, case_view) -> DecisionEditor:
    case_view.tabs.setCurrentWidget(case_view.decisions_tab)
    qtbot.mouseClick(case_view.decisions_tab.new_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    row = editor.add_cost("boende")
    editor.costs.item(row, 2).setText("9 500")
    editor.costs.item(row, 3).setText("7 500")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert editor.calculation is not None, editor.calculation_error.text()
    return editor


def _set_granted(editor: DecisionEditor, row: int, text: str) -> None:
    editor.items.item(row, 3).setText(text)


def _letter_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def _consider_every_child(editor: DecisionEditor, text: str = "Barnet påverkas inte.") -> None:
    assert editor.considerations, "the family has children in the period"
    for edit in editor.considerations.values():
        edit.setPlainText(text)


NOT_TANGIBLE = "Avslaget påverkar inte barnens boende, hälsa, fritid eller umgänge."


def test_calculation_fills_the_proposal(qtbot, main_window, family_case) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    calc = editor.calculation
    labels = [editor.items.item(r, 0).text() for r in range(editor.items.rowCount())]
    assert labels == ["Riksnorm", "Boende"]
    assert editor.items.item(0, 3).text() == money(calc.norm_total)
    # issue 22: amounts as in every other table, right-aligned, not "9500,00"
    assert editor.items.item(1, 1).text() == "9\xa0500,00\xa0kr"  # applied
    assert editor.items.item(1, 2).text() == "7\xa0500,00\xa0kr"  # proposed (reasonable)
    assert editor.items.item(1, 3).textAlignment() & Qt.AlignmentFlag.AlignRight
    assert "Delvis bifall" in editor.outcome_label.text()
    assert "underskott" in editor.result_label.text()


def test_bad_amount_gets_a_message_and_keeps_the_input(qtbot, main_window, family_case) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    row = editor.add_cost("hushallsel")
    editor.costs.item(row, 2).setText("-450")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert "får inte vara negativt" in editor.calculation_error.text()
    editor.costs.item(row, 2).setText("12e4")
    qtbot.mouseClick(editor.calculate_button, LEFT)
    assert "inte ett belopp" in editor.calculation_error.text()
    assert editor.costs.item(row, 2).text() == "12e4"


def test_caseworker_without_delegation_cannot_sign(
    qtbot, main_window, family_case, caseworker
) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    editor.kind.setCurrentIndex(editor.kind.findData(DecisionKind.BEYOND_RIGHT.value))
    type_text(editor.motivation, "Prövat enligt kommunens riktlinjer.")
    for person_edit in editor.considerations.values():
        person_edit.setPlainText("Barnet påverkas inte.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert "Du har inte delegation" in editor.problems.text()
    with caseworker.database.sessions() as session:
        decision = session.get(Decision, editor.decision_id)
        assert decision is not None and decision.signed_at is None


def test_avslag_in_family_needs_child_consideration_then_signs(
    qtbot, main_window, family_case, caseworker, tmp_path: Path
) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    for row in range(editor.items.rowCount()):
        _set_granted(editor, row, "0")
    assert "Avslag" in editor.outcome_label.text()
    editor.motivation.setPlainText("Du har inte sökt arbete under perioden enligt planeringen.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert "barnkonsekvensanalys" in editor.problems.text()
    children = [c.name for c in editor.period_children]
    assert all(name in editor.problems.text() for name in children)
    with caseworker.database.sessions() as session:
        assert session.get(Decision, editor.decision_id).signed_at is None
    _consider_every_child(
        editor, "Barnet behåller sin fritidsaktivitet; stödet till barnet påverkas inte."
    )
    qtbot.mouseClick(editor.sign_button, LEFT)
    # an adverse decision: a barnkonsekvensanalys, or why the consequences are not tangible
    assert "påtagliga konsekvenser" in editor.problems.text()
    assert editor.pages.currentIndex() == 3
    editor.bka_not_needed_reason.setPlainText(NOT_TANGIBLE)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    assert not editor.sign_button.isEnabled() and editor.letter_button.isEnabled()
    # nothing of a signed decision can be edited, the cost and income rows' buttons neither
    row_buttons = [
        button
        for box in (editor.costs_box, editor.incomes_box)
        for button in box.findChildren(QPushButton)
    ]
    assert len(row_buttons) == 4 and not any(button.isEnabled() for button in row_buttons)
    with caseworker.database.sessions() as session:
        decision = session.get(Decision, editor.decision_id)
        pdf = decision.letter_pdf
    text = _letter_text(pdf)
    assert "Du får inte försörjningsstöd" in text
    assert "Du har inte sökt arbete under perioden enligt planeringen." in text
    assert children[0] in text and "fritidsaktivitet" in text
    assert "förvaltningsrätten" in text and "tre veckor" in text
    assert "12 kap. 1 § socialtjänstlagen (2025:400)" in text
    # the archived letter is what the user saves
    target = tmp_path / "beslut.pdf"
    editor.export_archived(target)
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert target.read_bytes() == pdf
    # a success goes to the status bar, not to the red label of what stops the signing
    qtbot.waitUntil(lambda: "Brevet sparades" in main_window.statusBar().currentMessage())
    assert editor.problems.text() == ""


def test_partly_granted_letter_shows_amounts_and_bka_summary(
    qtbot, main_window, family_case, caseworker
) -> None:
    from tests.ui.forms.form_filling import fill_everything

    bka = main_window.open_form(family_case.forms_tab.new_form("bka"))
    fill_everything(bka)
    bka.inputs["barn[0].barnets_basta"].widget.setPlainText("Barnet kan bo kvar i området.")
    bka.sign()
    assert bka.view.is_signed
    editor = _new_decision(qtbot, main_window, family_case)
    editor.bka.setCurrentIndex(1)
    editor.motivation.setPlainText("Hyran är högre än vad en låginkomsttagare på orten kan ha.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    with caseworker.database.sessions() as session:
        decision = session.scalar(select(Decision).where(Decision.id == editor.decision_id))
        text = _letter_text(decision.letter_pdf)
        granted = decision.granted_total
    assert "Resten av ansökan avslås" in text
    assert f"{granted:,.2f}".replace(",", " ").replace(".", ",") in text.replace("\xa0", " ")
    assert "9 500,00 kr" in text.replace("\xa0", " ") and "7 500,00 kr" in text.replace("\xa0", " ")
    assert "Barnet kan bo kvar i området." in text
    assert "tre veckor" in text


def test_signed_decision_is_replaced_by_a_new_one(
    qtbot, main_window, family_case, caseworker
) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    _set_granted(editor, 1, "9500")  # full bifall
    _consider_every_child(editor)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    assert editor.replace_button.isVisible()
    qtbot.mouseClick(editor.replace_button, LEFT)
    successor = main_window.tabs.currentWidget()
    assert isinstance(successor, DecisionEditor) and successor is not editor
    assert successor.replaces_id == editor.decision_id
    row = successor.add_cost("boende")
    successor.costs.item(row, 2).setText("9 000")
    qtbot.mouseClick(successor.calculate_button, LEFT)
    _consider_every_child(successor)
    qtbot.mouseClick(successor.sign_button, LEFT)
    assert successor.signed_decision, successor.problems.text()
    with caseworker.database.sessions() as session:
        new = session.get(Decision, successor.decision_id)
        assert new.replaces_id == editor.decision_id
        assert "Beslutet ersätter beslutet den" in _letter_text(new.letter_pdf)


def test_execution_is_registered_from_the_decisions_tab(
    qtbot, main_window, family_case, caseworker, monkeypatch
) -> None:
    from datetime import date

    from app.ui.decisions.execution_dialog import ExecutionDialog

    editor = _new_decision(qtbot, main_window, family_case)
    _set_granted(editor, 1, "9500")
    _consider_every_child(editor)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    tab = family_case.decisions_tab
    tab.reload()
    main_window.tabs.setCurrentWidget(family_case)
    family_case.tabs.setCurrentWidget(tab)
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == editor.decision_id)
    column = next(
        i
        for i in range(tab.model.columnCount())
        if tab.model.headerData(i, Qt.Orientation.Horizontal) == "Verkställt"
    )
    tab.view.selectRow(tab.view.model().mapFromSource(tab.model.index(row, 0)).row())
    assert tab.model.index(row, column).data() == "Ej verkställt"
    assert tab.execute_button.isEnabled()
    attempts: list[str] = []

    def fill_and_save(dialog: ExecutionDialog) -> int:
        dialog.date.set_value(date(2026, 11, 24))  # tomorrow: refused, dialog stays open
        dialog.save()
        attempts.append(dialog.error.text())
        dialog.date.set_value(date(2026, 11, 23))
        dialog.save()
        attempts.append(dialog.error.text() if dialog.error.isVisible() else "")
        return dialog.result()

    monkeypatch.setattr(ExecutionDialog, "exec", fill_and_save)
    qtbot.mouseClick(tab.execute_button, LEFT)
    assert attempts == ["Verkställighetsdagen kan inte ligga i framtiden.", ""]
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == editor.decision_id)
    assert tab.model.index(row, column).data() == "2026-11-23"
    with caseworker.database.sessions() as session:
        assert session.get(Decision, editor.decision_id).executed_on == date(2026, 11, 23)


# --- the phrase bank and the lagrum follow the decision (issue 19, points 4 and 5) ------------


def _phrases(editor: DecisionEditor) -> list[str]:
    return [editor.phrase.itemData(i) for i in range(editor.phrase.count())]


def _shown_references(editor: DecisionEditor) -> dict[str, bool]:
    """The lagrum shown, and whether each is checked."""
    return {c: box.isChecked() for c, box in editor.references.items() if not box.isHidden()}


def test_the_phrase_bank_offers_only_what_fits(qtbot, main_window, family_case) -> None:
    editor = _new_decision(qtbot, main_window, family_case)
    # delvis bifall of försörjningsstöd with a cut rent: "Bifall enligt beräkning" is gone
    assert "Delvis bifall" in editor.outcome_label.text()
    assert _phrases(editor) == ["boende_over_skalig", "gemensamt_hushall"]
    _set_granted(editor, 1, "9500")  # full bifall
    assert _phrases(editor) == ["bifall_norm"]
    for row in range(editor.items.rowCount()):
        _set_granted(editor, row, "0")
    # the calculation shows a deficit: "Inkomsten räcker" would contradict it
    assert _phrases(editor) == ["avslag_ej_arbetssokande"]
    editor.kind.setCurrentIndex(editor.kind.findData(DecisionKind.OTHER_LIVING.value))
    assert "avslag_ej_arbetssokande" not in _phrases(editor)
    editor.dismissed.setChecked(True)
    assert _phrases(editor) == ["avvisning_annan_kommun", "avvisning_ofullstandig"]
    editor.phrase.setCurrentIndex(0)
    qtbot.mouseClick(editor.insert_phrase_button, LEFT)
    assert editor.motivation.toPlainText() == (
        "Vi prövar inte din ansökan eftersom du bor i en annan kommun. Du ska söka bistånd i "
        "den kommun där du bor."
    )


def test_the_lagrum_follow_the_day_of_the_decision(
    qtbot, main_window, family_case, tmp_path: Path
) -> None:
    """The lagrum of the law in force the day the decision is made (23 November 2026 here:
    socialtjänstlagen (2025:400)), whatever its period (övergångsbestämmelserna till SFS
    2025:400); they are confirmed against the law text, so nothing says they cannot be
    signed."""
    from datetime import date

    editor = _new_decision(qtbot, main_window, family_case)  # december 2026
    assert _shown_references(editor) == {
        "sol_12_1": True,
        "sol_12_7": True,
        "fl_32": False,
    }
    assert editor.law_label.text() == (
        "Ett beslut som fattas i dag grundas på socialtjänstlagen (2025:400), vilken period "
        "det än gäller."
    )
    assert "kan inte signeras" not in editor.references["sol_12_1"].text()
    editor.period_start.set_value(date(2025, 6, 1))
    editor.period_end.set_value(date(2025, 7, 31))  # before and across 1 July 2025
    assert "socialtjänstlagen (2025:400)" in editor.law_label.text()
    assert _shown_references(editor) == {
        "sol_12_1": True,
        "sol_12_7": True,
        "fl_32": False,
    }
    editor.period_end.set_value(date(2025, 6, 30))
    editor.kind.setCurrentIndex(editor.kind.findData(DecisionKind.BEYOND_RIGHT.value))
    assert _shown_references(editor) == {"sol_12_2": True, "fl_32": False}
    editor.pages.setCurrentIndex(1)
    editor.resize(1000, 900)
    editor.grab().save(str(tmp_path / "beslut_lagrum.png"))


# --- issue 19: children in every decision, kommunicering -------------------------------------


def test_a_full_bifall_asks_for_every_child_of_the_period(
    qtbot, main_window, family_case, caseworker
) -> None:
    """Defect 6: a full bifall needed nothing for the children."""
    editor = _new_decision(qtbot, main_window, family_case)
    _set_granted(editor, 1, "9500")
    assert "Bifall" in editor.outcome_label.text()
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.signed_decision
    assert "Saknas för" in editor.problems.text()
    assert all(c.name in editor.problems.text() for c in editor.period_children)
    _consider_every_child(editor, "Barnets behov ingår i normen som beviljas.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    with caseworker.database.sessions() as session:
        text = _letter_text(session.get(Decision, editor.decision_id).letter_pdf)
    assert "Barnets bästa" in text and "Barnets behov ingår i normen som beviljas." in text


def test_hela_normen_in_a_refusal_is_refused(qtbot, main_window, family_case, caseworker) -> None:
    """Defect 6 (and 3): "Hushållet får hela normen för barnet" while 0 kr is granted."""
    editor = _new_decision(qtbot, main_window, family_case)
    for row in range(editor.items.rowCount()):
        _set_granted(editor, row, "0")
    editor.motivation.setPlainText("Du har inte sökt arbete under perioden enligt planeringen.")
    _consider_every_child(editor, "Hushållet får hela normen för barnet.")
    editor.bka_not_needed_reason.setPlainText(NOT_TANGIBLE)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.signed_decision
    assert "hela normen, men beslutet beviljar 0 kr" in editor.problems.text()
    _consider_every_child(editor, "Barnet bor kvar och går kvar i skolan.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()


def _refusal_on_others_information(qtbot, main_window, family_case) -> DecisionEditor:
    editor = _new_decision(qtbot, main_window, family_case)
    for row in range(editor.items.rowCount()):
        _set_granted(editor, row, "0")
    editor.motivation.setPlainText("Du har fått bostadsbidrag som täcker behovet.")
    _consider_every_child(editor)
    editor.bka_not_needed_reason.setPlainText(NOT_TANGIBLE)
    editor.others_information.setChecked(True)
    return editor


def test_kommunicering_before_a_refusal(
    qtbot, main_window, family_case, caseworker, tmp_path: Path, monkeypatch
) -> None:
    """Defect 8: an adverse decision resting on others' information is signed only after the
    applicant was told and answered (or the time to answer passed)."""
    from datetime import date

    editor = _refusal_on_others_information(qtbot, main_window, family_case)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.signed_decision
    assert "låt sökanden yttra sig över uppgifterna först" in editor.problems.text()
    editor.pages.setCurrentIndex(2)
    assert editor.communication_status.text() == "Ingen kommunicering är registrerad."
    assert editor.communication_answer_by.value() == date(2026, 12, 7)  # 14 days, a suggestion
    editor.communication_sources.setText("Försäkringskassan")
    editor.communication_material.setPlainText(
        "Försäkringskassan har betalat ut 4 200 kr i bostadsbidrag för december."
    )
    asked: list[object] = []
    monkeypatch.setattr(
        "app.ui.decisions.decision_editor.ask_pdf_path", lambda *a, **_kw: asked.append(a)
    )
    qtbot.mouseClick(editor.communication_preview_button, LEFT)
    preview = shown_pdf_preview(qtbot, main_window)  # in the program, no file asked for
    assert not asked
    assert "UTKAST" in _letter_text(preview.pdf)
    assert preview.windowTitle().startswith("Kommuniceringsbrev")
    qtbot.mouseClick(editor.communication_send_button, LEFT)
    assert "Skickad 2026-11-23" in editor.communication_status.text()
    assert "svar senast <b>2026-12-07</b>" in editor.communication_status.text()
    assert not editor.communication_send_button.isEnabled()  # sent stays sent
    assert editor.communication_material.isReadOnly()
    target = tmp_path / "kommunicering.pdf"
    monkeypatch.setattr("app.ui.decisions.decision_editor.ask_pdf_path", lambda *_a, **_kw: target)
    qtbot.mouseClick(editor.communication_letter_button, LEFT)
    qtbot.waitUntil(
        lambda: "Kommuniceringsbrevet sparades" in main_window.statusBar().currentMessage(),
        timeout=10_000,
    )
    assert "Skickad 2026-11-23" in editor.communication_status.text()  # still what was sent
    text = _letter_text(target.read_bytes()).replace("\xa0", " ")
    assert "Vi vill att du får yttra dig innan vi beslutar" in text
    assert "4 200 kr i bostadsbidrag" in text and "Försäkringskassan" in text
    assert "senast den 7 december 2026" in text
    assert "25 § förvaltningslagen (2017:900)" in text
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.signed_decision
    assert "går ut 2026-12-07" in editor.problems.text()
    editor.communication_answer.setPlainText("Bostadsbidraget gäller november, inte december.")
    qtbot.mouseClick(editor.communication_answer_button, LEFT)
    assert "Svar 2026-11-23" in editor.communication_status.text()
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
    with caseworker.database.sessions() as session:
        decision = session.get(Decision, editor.decision_id)
        assert decision.communication_answer == "Bostadsbidraget gäller november, inte december."
        assert decision.communication_sent_on == date(2026, 11, 23)


def test_an_exception_of_25_instead(qtbot, main_window, family_case) -> None:
    editor = _refusal_on_others_information(qtbot, main_window, family_case)
    box = editor.communication_exception
    box.setCurrentIndex(box.findData("kan_inte_skjutas_upp"))
    assert "25 §" in box.itemData(box.currentIndex(), Qt.ItemDataRole.ToolTipRole)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert "Skriv varför kommunicering inte behövs" in editor.problems.text()
    editor.communication_exception_reason.setPlainText("Hushållet saknar pengar till mat i dag.")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.signed_decision, editor.problems.text()
