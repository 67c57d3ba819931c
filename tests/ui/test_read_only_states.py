"""Read-only is shown before the user acts (issue 22, item 5): a case checked out to
someone else has every edit button disabled with the reason; a signed decision has every
input read-only (readable, not greyed out) and a banner saying why."""

from __future__ import annotations

import uuid
from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton

from app.cases import my_cases
from app.common import clock
from app.forms import filled_forms
from app.offline import leases
from app.ui.forms.form_editor import FormEditor
from app.ui.widgets.read_only import BANNER_STYLE
from tests.helpers import type_text
from tests.ui.forms.form_filling import fill_everything

Group, Role = QPalette.ColorGroup, QPalette.ColorRole
REASON = "Ärendet är utcheckat till Sara Nilsson för hembesök – det kan inte ändras här"


def _edit_buttons(view) -> list[QPushButton]:
    journal, plan = view.journal_tab, view.plan_tab
    forms, decisions = view.forms_tab, view.decisions_tab
    return [
        view.status_button,
        view.overview_tab.barrier_button,
        journal.new_button,
        journal.save_button,
        journal.sign_button,
        plan.new_button,
        *forms.new_buttons.values(),
        decisions.new_button,
    ]


def _check_out_elsewhere(caseworker, case_id: uuid.UUID) -> None:
    """The handläggare takes the case to another laptop until tomorrow."""
    caseworker.call(
        lambda s, a: leases.check_out(
            s, a, [case_id], due_on=clock.today() + timedelta(days=1), replica_id=uuid.uuid4()
        )
    )


def test_a_checked_out_case_disables_every_edit_button(qtbot, main_window, caseworker) -> None:
    rows = main_window.my_cases_model.rows
    leased, free = rows[0].case_id, rows[1].case_id
    form = caseworker.call(lambda s, a: filled_forms.create_form(s, a, "ib", case_id=leased))
    _check_out_elsewhere(caseworker, leased)
    view = main_window.open_case(leased)
    assert view.lease_banner.isVisible()
    assert "kan läsas men inte ändras här förrän det har checkats in" in view.lease_banner.text()
    buttons = _edit_buttons(view)
    assert not any(b.isEnabled() for b in buttons), [b.text() for b in buttons if b.isEnabled()]
    assert all(REASON in b.toolTip() for b in buttons)
    # picking a journal entry enables the journal's buttons in an ordinary case: not here
    journal = view.journal_tab
    view.tabs.setCurrentWidget(journal)
    if journal.list_view.model().rowCount():
        journal.list_view.selectRow(0)
    assert not journal.new_button.isEnabled() and not journal.save_button.isEnabled()
    assert view.print_button.isEnabled()  # reading and printing still work
    # a decision of the case opens, but cannot be saved or signed here
    draft = main_window.open_decision(view, None)
    assert not draft.save_button.isEnabled() and not draft.sign_button.isEnabled()
    assert REASON in draft.sign_button.toolTip()
    main_window.tabs.setCurrentWidget(view)
    # a draft form of the case too: read-only, the reason where its status is
    editor = main_window.open_form(form.id)
    assert editor.read_only and not editor.save_button.isEnabled()
    assert REASON in editor.status_label.text()
    assert all(
        i.widget.isReadOnly() for i in editor.inputs.values() if isinstance(i.widget, QLineEdit)
    )
    main_window.tabs.setCurrentWidget(view)
    # the same buttons of a case that is not checked out
    other = main_window.open_case(free)
    assert not other.lease_banner.isVisible()
    assert other.status_button.isEnabled() and other.journal_tab.new_button.isEnabled()
    assert other.decisions_tab.new_button.isEnabled()


def test_a_chef_taking_the_case_back_gives_the_buttons_back(
    qtbot, chef_window, chef, caseworker, dialogs
) -> None:
    case_id = caseworker.call(lambda s, a: my_cases.my_cases(s, a))[0].case_id
    _check_out_elsewhere(caseworker, case_id)
    view = chef_window.open_case(case_id)
    assert not view.status_button.isEnabled()
    view.revoke_lease()  # answered Ja
    assert not view.lease_banner.isVisible()
    assert view.status_button.isEnabled() and view.decisions_tab.new_button.isEnabled()


def test_the_journal_of_a_checked_out_case_cannot_be_typed_into_until_it_is_back(
    qtbot, chef_window, caseworker, dialogs
) -> None:
    case_id = caseworker.call(lambda s, a: my_cases.my_cases(s, a))[0].case_id
    _check_out_elsewhere(caseworker, case_id)
    view = chef_window.open_case(case_id)
    journal = view.journal_tab
    view.tabs.setCurrentWidget(journal)
    assert view.lease_banner.isVisible()  # the reason
    # the new entry's fields: readable, nothing typed gets in
    assert journal.title.isReadOnly() and journal.text.isReadOnly()
    assert journal.title.isEnabled() and journal.text.isEnabled()
    assert not journal.entry_date.isEnabled() and not journal.entry_type.isEnabled()
    type_text(journal.title, "Hembesök")
    type_text(journal.text, "Skrivet här")
    assert journal.title.text() == "" and journal.text.toPlainText() == ""
    assert not journal.has_unsaved_changes()
    if journal.list_view.model().rowCount():  # picking an entry does not open it for typing
        journal.list_view.selectRow(0)
        assert journal.title.isReadOnly() and journal.text.isReadOnly()
    view.revoke_lease()  # answered Ja
    assert not view.lease_banner.isVisible()
    qtbot.mouseClick(journal.new_button, Qt.MouseButton.LeftButton)
    assert not journal.title.isReadOnly() and not journal.text.isReadOnly()
    assert journal.entry_date.isEnabled() and journal.entry_type.isEnabled()
    type_text(journal.title, "Hembesök")
    assert journal.title.text() == "Hembesök" and journal.save_button.isEnabled()


def _signed_decision(main_window):
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        signed = [r for r in view.decisions_tab.model.rows if r.decided_on is not None]
        if signed:
            return main_window.open_decision(view, signed[0].id)
    raise AssertionError("the demo data has signed decisions")


def test_a_signed_decision_is_read_only_and_readable_before_any_click(qtbot, main_window) -> None:
    editor = _signed_decision(main_window)
    assert editor.signed_decision
    assert editor.read_only_banner.isVisible()
    assert "Beslutet är signerat" in editor.read_only_banner.text()
    assert "Skapa ett nytt beslut som ersätter det" in editor.read_only_banner.text()
    # text fields: read-only, still enabled, so their text keeps its normal colour
    for field in (
        editor.motivation,
        editor.period_start,
        editor.period_end,
        editor.communication_material,
        editor.bka_not_needed_reason,
        *editor.considerations.values(),
    ):
        assert field.isReadOnly() and field.isEnabled(), field.objectName()
    assert editor.items.editTriggers() == editor.items.EditTrigger.NoEditTriggers
    # the lagrum, the phrase bank and every choice: disabled, text not washed out
    assert editor.references and not any(b.isEnabled() for b in editor.references.values())
    assert not editor.insert_phrase_button.isEnabled()
    choices = editor.pages.findChildren(QComboBox) + editor.pages.findChildren(QCheckBox)
    assert choices and not any(c.isEnabled() for c in choices)
    for choice in (editor.kind, next(iter(editor.references.values()))):
        palette = choice.palette()
        for role in (Role.Text, Role.ButtonText, Role.WindowText):
            assert palette.color(Group.Disabled, role) == palette.color(Group.Active, role)
    row_buttons = [
        b for box in (editor.costs_box, editor.incomes_box) for b in box.findChildren(QPushButton)
    ]
    assert row_buttons and not any(b.isEnabled() for b in row_buttons)
    assert editor.replace_button.isVisible() and editor.replace_button.isEnabled()


def test_a_draft_decision_has_no_banner_and_editable_lagrum(qtbot, main_window) -> None:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    editor = main_window.open_decision(view, None)
    editor.pages.setCurrentIndex(1)
    assert not editor.read_only_banner.isVisible()
    assert not editor.motivation.isReadOnly() and not editor.period_start.isReadOnly()
    assert any(b.isEnabled() for b in editor.references.values() if b.isVisible())


def test_a_signed_form_is_locked_with_its_answers_readable(qtbot, main_window) -> None:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.forms_tab)
    qtbot.mouseClick(view.forms_tab.new_buttons["ib"], Qt.MouseButton.LeftButton)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, FormEditor)
    assert not editor.status_label.styleSheet()  # a draft: no banner
    fill_everything(editor)
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    assert editor.view.is_signed, editor.status_label.text()
    assert "Blanketten är låst" in editor.status_label.text()
    assert editor.status_label.styleSheet() == BANNER_STYLE
    combos = [i.widget for i in editor.inputs.values() if isinstance(i.widget, QComboBox)]
    texts = [i.widget for i in editor.inputs.values() if isinstance(i.widget, QLineEdit)]
    assert combos and texts
    assert all(t.isReadOnly() and t.isEnabled() for t in texts)
    for combo in combos:
        palette = combo.palette()
        assert not combo.isEnabled()
        assert palette.color(Group.Disabled, Role.ButtonText) == palette.color(
            Group.Active, Role.ButtonText
        )
