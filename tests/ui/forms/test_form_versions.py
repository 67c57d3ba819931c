"""A new definition version leaves old signed forms opening and printing as signed."""

from __future__ import annotations

import json
import re
from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.forms import form_definitions
from app.ui.forms.form_definitions_dialog import FormDefinitionsDialog
from tests.helpers import shown_pdf_preview
from tests.ui.forms.form_filling import fill_everything

OLD_LABEL = "Klientens mål"


def _print(qtbot, main_window, editor) -> str:
    qtbot.mouseClick(editor.print_button, Qt.MouseButton.LeftButton)
    preview = shown_pdf_preview(qtbot, main_window)
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(preview.pdf)).pages)
    preview.close()
    return re.sub(r"Utskriven [^\n]*", "", text)  # the print time differs, nothing else


def test_old_signed_form_is_unchanged_by_a_new_version(qtbot, main_window, demo_database) -> None:
    case = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    editor = main_window.open_form(case.forms_tab.new_form("fia"))
    first_field = editor.view.definition.section("mal_och_arbete").fields[0]
    fill_everything(editor)
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    assert editor.view.is_signed
    before = _print(qtbot, main_window, editor)
    assert first_field.label in before

    # the administrator publishes version 2 with a changed label and a new field
    admin_context = login_admin(demo_database)
    raw = json.loads(
        admin_context.call(
            lambda s, _a: form_definitions.definition_json(
                s, form_definitions.latest_record(s, "fia").id
            )
        )
    )
    raw["version"] = 2
    section = next(s for s in raw["sections"] if s["key"] == "mal_och_arbete")
    section["fields"][0]["label"] = "Ändrad rubrik i version 2"
    section["fields"].append({"key": "nytt_falt", "label": "Nytt fält i version 2", "type": "text"})
    admin_context.call(
        lambda s, a: form_definitions.publish_version(s, a, json.dumps(raw, ensure_ascii=False))
    )

    reopened = main_window.open_form(editor.form_id)
    assert reopened.view.definition.version == 1
    after = _print(qtbot, main_window, reopened)
    assert after == before
    assert "version 2" not in after

    # new forms use the new version
    new_editor = main_window.open_form(case.forms_tab.new_form("fia"))
    assert new_editor.view.definition.version == 2
    assert "mal_och_arbete.nytt_falt" in new_editor.inputs


def login_admin(database):
    from app.models import Role, Unit
    from app.security import accounts
    from app.ui.context import AppContext

    with database.sessions.begin() as session:
        unit = session.query(Unit).first()
        accounts.create_user(
            session,
            None,
            username="admin",
            full_name="Ada Admin",
            role=Role.ADMINISTRATOR,
            unit=unit,
            password="adminlösenord1",
        )
    context = AppContext(database)
    with database.sessions.begin() as session:
        context.actor = accounts.login(session, "admin", "adminlösenord1")
    return context


def test_admin_view_lists_items_to_verify(qtbot, demo_database) -> None:
    context = login_admin(demo_database)
    dialog = FormDefinitionsDialog(context)
    qtbot.addWidget(dialog)
    rows = dialog.model.rows
    fia = next(r for r in rows if r.key == "fia")
    dialog.table.selectRow(rows.index(fia))
    assert fia.verify_items
    for item in fia.verify_items:
        assert item in dialog.details.toPlainText()


def test_only_administrators_publish(demo_database, caseworker) -> None:
    import pytest

    from app.common.errors import AccessDenied

    with pytest.raises(AccessDenied):
        caseworker.call(lambda s, a: form_definitions.publish_version(s, a, "{}"))


def test_new_version_of_signed_form_starts_from_its_answers(qtbot, main_window) -> None:
    case = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    editor = main_window.open_form(case.forms_tab.new_form("fia"))
    entered = fill_everything(editor)
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.new_version_button, Qt.MouseButton.LeftButton)
    successor = main_window.tabs.currentWidget()
    assert successor.form_id != editor.form_id
    assert successor.view.supersedes_id == editor.form_id
    assert not successor.read_only
    path = (
        "bedomning.sammanstallning"
        if "bedomning.sammanstallning" in entered
        else next(p for p in entered if entered[p].startswith("Svar"))
    )
    assert successor.inputs[path].value() == entered[path]
