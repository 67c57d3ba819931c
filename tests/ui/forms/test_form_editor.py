"""The four forms filled in through the generated UI: validation, signing, read-only
reopening, printing, autosave, and what signing creates (plan steps, follow-up tasks)."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.forms import filled_forms
from app.models import FollowUpTask, FormInstance, Plan
from app.ui.forms.form_editor import AUTOSAVE_MS, FormEditor
from tests.helpers import login, shown_pdf_preview, type_text
from tests.ui.forms.form_filling import answer_for, fill_everything

LEFT = Qt.MouseButton.LeftButton


def _case_with_children(main_window, minimum: int = 1):
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        if sum(m.role.value == "barn" for m in view.overview.members) >= minimum:
            return view
    pytest.skip("no demo case with children")


def _print(qtbot, main_window, editor: FormEditor) -> str:
    """Skriv ut: the form's printout in the program's preview, its text read from there."""
    qtbot.mouseClick(editor.print_button, LEFT)
    preview = shown_pdf_preview(qtbot, main_window)
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(preview.pdf)).pages)
    preview.close()
    return text


@pytest.mark.parametrize("key", ["ib", "fia", "bka"])
def test_fill_validate_sign_reopen_and_print(qtbot, main_window, key) -> None:
    case_view = _case_with_children(main_window)
    qtbot.mouseClick(case_view.forms_tab.new_buttons[key], LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, FormEditor)
    assert editor.view.definition.key == key
    # signing an empty form is refused, with messages next to the fields
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert "kan inte signeras" in editor.status_label.text()
    shown = [e for e in editor.errors.values() if e.isVisible()]
    assert shown and all("måste fyllas i" in e.text() for e in shown)
    assert editor.progress.value() < editor.progress.maximum()
    entered = fill_everything(editor)
    assert editor.progress.value() == editor.progress.maximum()
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.view.is_signed, editor.status_label.text()
    assert "Signerad" in editor.status_label.text()
    assert all(
        not i.widget.isEnabled() or getattr(i.widget, "isReadOnly", lambda: True)()
        for i in editor.inputs.values()
    )
    # reopened from the case's form list: read-only, answers intact
    form_id = editor.form_id
    main_window.close_tab(main_window.tabs.indexOf(editor))
    case_view.forms_tab.reload()
    row = next(r for r in case_view.forms_tab.model.rows if r.id == form_id)
    assert row.signed_at is not None
    reopened = main_window.open_form(form_id)
    assert reopened.read_only and not reopened.sign_button.isEnabled()
    some_path = next(p for p in entered if entered[p].startswith("Svar"))
    assert reopened.inputs[some_path].value() == entered[some_path]
    text = _print(qtbot, main_window, reopened)
    assert editor.view.title.split(" – ")[0] in text
    assert answer_for(some_path) in text.replace("\n", " ")
    assert "Signerad" in text and "Kontrollsumma" in text


def test_bka_summary_quotes_each_child(qtbot, main_window) -> None:
    case_view = _case_with_children(main_window)
    form_id = case_view.forms_tab.new_form("bka")
    editor = main_window.form_tab(form_id)
    children = [g["_label"] for g in editor.answers["barn"]]
    assert children, "one section per child, pre-filled from the household"
    type_text(editor.inputs["barn[0].barnets_basta"].widget, "Barnet behöver trygghet.")
    summary = editor.inputs["sammanfattning.kort_sammanfattning"].widget.text()
    assert summary == f"{children[0]}: Barnet behöver trygghet."


def test_freda_yes_requires_vinr_action(qtbot, main_window) -> None:
    case_view = _case_with_children(main_window)
    editor = main_window.open_form(case_view.forms_tab.new_form("ib"))
    fill_everything(editor)
    editor.inputs["freda.vinr_atgard"].widget.setPlainText("")
    editor.inputs["freda.fysiskt"].widget.setCurrentIndex(1)  # Ja
    assert editor.inputs["freda.vinr_behov"].widget.text().startswith("Ja")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert not editor.view.is_signed
    assert "måste fyllas i" in editor.errors["freda.vinr_atgard"].text()


def test_ib_plan_steps_become_a_plan_with_deadlines(qtbot, main_window, caseworker) -> None:
    case_view = _case_with_children(main_window)
    editor = main_window.open_form(case_view.forms_tab.new_form("ib"))
    add = editor.findChild(type(editor.sign_button), "add_plansteg")
    qtbot.mouseClick(add, LEFT)
    fill_everything(editor)
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.view.is_signed
    with caseworker.database.sessions() as session:
        plan = session.scalars(
            select(Plan)
            .where(Plan.case_id == case_view.case_id, Plan.kind == "forandringsplan")
            .order_by(Plan.created_at.desc())
        ).first()
        assert plan is not None and plan.items[0].description.startswith("Svar plansteg")
    # the plan and its step deadline show on the case
    assert any(d.kind == "plansteg" for d in case_view.overview.deadlines)


def test_too_long_text_gets_a_message_and_is_kept(qtbot, main_window) -> None:
    case_view = _case_with_children(main_window)
    editor = main_window.open_form(case_view.forms_tab.new_form("fia"))
    text_path = next(p for p, i in editor.inputs.items() if i.field.type.value == "text")
    limit = editor.inputs[text_path].field.max_length
    editor.inputs[text_path].widget.setText("x" * (limit + 1))
    assert not editor.save()
    assert "för lång" in editor.errors[text_path].text()
    assert editor.inputs[text_path].widget.text() == "x" * (limit + 1)


def test_closing_without_saving_loses_at_most_the_autosave_interval(
    qtbot, main_window, caseworker
) -> None:
    case_view = _case_with_children(main_window)
    form_id = case_view.forms_tab.new_form("ib")
    editor = main_window.form_tab(form_id)
    widget = editor.inputs["underlag.ansokan_avser"].widget
    type_text(widget, "Försörjningsstöd för december, hyra och el.")
    qtbot.waitUntil(lambda: not editor.dirty, timeout=AUTOSAVE_MS + 3000)
    # the app is killed: the editor goes away without any explicit save or close handling
    editor._autosave.stop()
    editor.setParent(None)
    editor.deleteLater()
    qtbot.wait(10)
    with caseworker.database.sessions.begin() as session:
        view = filled_forms.open_form(session, caseworker.actor, form_id)
    assert view.answers["underlag"]["ansokan_avser"] == (
        "Försörjningsstöd för december, hyra och el."
    )


def test_caseload_review_creates_follow_up_deadlines(qtbot, demo_database, caseworker) -> None:
    from app.ui.main_window import MainWindow

    chef = login(demo_database, "eva.lind")
    window = MainWindow(chef)
    qtbot.addWidget(window)
    form = chef.call(
        lambda s, a: filled_forms.create_form(
            s, a, "arendegenomgang", subject_user_id=caseworker.actor.id
        )
    )
    editor = window.open_form(form.id)
    assert editor.inputs["genomgang.handlaggare"].value() == "Sara Nilsson"
    qtbot.mouseClick(editor.findChild(type(editor.sign_button), "add_atgarder"), LEFT)
    fill_everything(editor)
    case_row = next(iter(MainWindow(caseworker).my_cases_model.rows))
    editor.inputs["atgarder[0].arende"].widget.setText("EB-1999-999999")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert "finns inte på enheten" in editor.errors["atgarder[0].arende"].text()
    editor.inputs["atgarder[0].arende"].widget.setText(case_row.case_number)
    editor.inputs["atgarder[0].atgard"].widget.setText("Upprätta ny plan")
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.view.is_signed, editor.status_label.text()
    with demo_database.sessions() as session:
        task = session.scalar(select(FollowUpTask).where(FollowUpTask.source_form_id == form.id))
        assert task.case_id == case_row.case_id and task.description == "Upprätta ny plan"
    overview = caseworker.call(
        lambda s, a: __import__("app.cases.case_overview", fromlist=["x"]).open_case(
            s, a, case_row.case_id
        )
    )
    assert any(d.label == "Åtgärd: Upprätta ny plan" for d in overview.deadlines)


def test_forms_are_stored_with_their_definition_version(main_window, caseworker) -> None:
    case_view = _case_with_children(main_window)
    form_id = case_view.forms_tab.new_form("fia")
    with caseworker.database.sessions() as session:
        form = session.get(FormInstance, form_id)
        assert (form.form_key, form.form_version) == ("fia", 1)
