"""Signed content changed by hand after signing (an UPDATE on the database file, as an
attacker with `sqlite3` would) is shown as such, never as validly signed (issue 20): in the
journal tab, the forms list and form editor, the decisions list and decision editor, and in
the printouts; a decision letter of such a decision is refused."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import select, update

from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.errors import ValidationFailed
from app.decisions import decisions
from app.forms.form_printout import form_printout
from app.journal.journal_printout import journal_printout
from app.models import Decision, DecisionItem, FormInstance, JournalEntry
from app.printing.form_printout import render_form
from app.printing.journal_printout import render_journal
from app.ui.widgets.pdf_preview import PdfPreviewDialog
from tests.ui.forms.form_filling import fill_everything


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _first_signed(context, model, case_ids):
    with context.database.sessions() as session:
        row = session.scalars(
            select(model)
            .where(model.case_id.in_(case_ids), model.signed_at.is_not(None))
            .order_by(model.id)
        ).first()
    if row is None:
        pytest.skip(f"no signed {model.__name__} in the demo cases")
    return row


def _tamper(context, statement) -> None:
    with context.database.engine.begin() as connection:
        connection.execute(statement)


def _my_case_ids(main_window) -> list:
    return [row.case_id for row in main_window.my_cases_model.rows]


def test_journal_entry_edited_after_signing(qtbot, main_window, caseworker) -> None:
    entry = _first_signed(caseworker, JournalEntry, _my_case_ids(main_window))
    _tamper(
        caseworker,
        update(JournalEntry)
        .where(JournalEntry.id == entry.id)
        .values(text="Beviljas 50 000 kr enligt överenskommelse."),
    )
    view = main_window.open_case(entry.case_id)
    tab = view.journal_tab
    view.tabs.setCurrentWidget(tab)
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == entry.id)
    assert tab.model.data(tab.model.index(row, 4)) == ALTERED_AFTER_SIGNING
    tab.list_view.selectRow(row)
    assert ALTERED_AFTER_SIGNING in tab.state_label.text()
    assert "Signerad" not in tab.state_label.text()
    qtbot.wait(50)
    tab.grab().save("/tmp/C-journal-tampered.png")
    # the others still signed
    others = [r for r in tab.model.rows if r.is_signed and r.id != entry.id]
    assert all(r.signature_holds for r in others)
    printout = caseworker.call(lambda s, a: journal_printout(s, a, entry.case_id))
    text = _pdf_text(render_journal(printout))
    assert ALTERED_AFTER_SIGNING.upper() in text


def test_form_edited_after_signing(qtbot, main_window, caseworker) -> None:
    """A FIA filled in and signed through the editor, then its answers changed in the file."""
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    qtbot.mouseClick(view.forms_tab.new_buttons["fia"], Qt.MouseButton.LeftButton)
    editor = main_window.tabs.currentWidget()
    fill_everything(editor)
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    assert editor.view.is_signed, editor.status_label.text()
    form_id = editor.form_id
    main_window.close_tab(main_window.tabs.indexOf(editor))
    with caseworker.database.sessions() as session:
        answers = session.get_one(FormInstance, form_id).answers_json
    assert "Svar" in answers
    _tamper(
        caseworker,
        update(FormInstance)
        .where(FormInstance.id == form_id)
        .values(answers_json=answers.replace("Svar", "Ändrat svar", 1)),
    )
    view.tabs.setCurrentWidget(view.forms_tab)
    view.forms_tab.reload()
    model = view.forms_tab.model
    row = next(i for i, r in enumerate(model.rows) if r.id == form_id)
    assert model.data(model.index(row, 4)) == ALTERED_AFTER_SIGNING
    reopened = main_window.open_form(form_id)
    assert reopened is not None
    assert ALTERED_AFTER_SIGNING in reopened.status_label.text()
    assert "Signerad" not in reopened.status_label.text()
    reopened.grab().save("/tmp/C-form-tampered.png")
    printout = caseworker.call(lambda s, a: form_printout(s, a, form_id))
    text = _pdf_text(render_form(printout))
    assert ALTERED_AFTER_SIGNING.upper() in text
    assert "Signerad" not in text


def test_decision_edited_after_signing(qtbot, main_window, caseworker, dialogs, tmp_path) -> None:
    case_ids = _my_case_ids(main_window)
    with caseworker.database.sessions() as session:
        decision = session.scalars(
            select(Decision)
            .where(Decision.case_id.in_(case_ids), Decision.signed_at.is_not(None))
            .order_by(Decision.id)
        ).first()
    if decision is None:
        pytest.skip("no signed decision in the demo cases")
    _tamper(
        caseworker,
        update(DecisionItem)
        .where(DecisionItem.decision_id == decision.id)
        .values(granted=DecisionItem.granted + 10000),
    )
    view = main_window.open_case(decision.case_id)
    tab = view.decisions_tab
    view.tabs.setCurrentWidget(tab)
    row = next(i for i, r in enumerate(tab.model.rows) if r.id == decision.id)
    decided = tab.model.data(tab.model.index(row, 4))
    assert ALTERED_AFTER_SIGNING in decided
    editor = main_window.open_decision(view, decision.id)
    assert ALTERED_AFTER_SIGNING in editor.header.text()
    assert "Signerat beslut" not in editor.header.text()
    assert not editor.letter_button.isEnabled()
    editor.grab().save("/tmp/C-decision-tampered.png")
    # "Förhandsgranska brev …" stays (it is how one sees what is in the file now): refused
    editor.export_preview()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=10_000)
    assert "beslutsbrevet skrivs inte ut" in dialogs[-1]
    assert not any(isinstance(w, PdfPreviewDialog) for w in QApplication.topLevelWidgets())
    with pytest.raises(ValidationFailed, match="skrivs inte ut"):
        caseworker.call(lambda s, a: decisions.letter_preview(s, a, decision.id))
    with pytest.raises(ValidationFailed, match="skrivs inte ut"):
        caseworker.call(lambda s, a: decisions.archived_letter(s, a, decision.id))
