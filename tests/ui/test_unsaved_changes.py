"""Closing a tab that holds unsaved input asks Spara / Stäng utan att spara / Avbryt: the
decision editor, the journal's draft and a form all answer the same question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.decisions import decisions
from app.ui.decisions.decision_editor import DecisionEditor
from app.ui.forms.form_editor import FormEditor
from app.ui.widgets import messages
from tests.helpers import type_text

LEFT = Qt.MouseButton.LeftButton
Button = QMessageBox.StandardButton


@pytest.fixture
def answer(monkeypatch: pytest.MonkeyPatch) -> list:
    """Answer the unsaved-changes question with answer[0]; the questions asked are kept."""
    state: list = [Button.Cancel]

    def ask(_parent, title: str, _text: str) -> Button:
        state.append(title)
        return state[0]

    monkeypatch.setattr(messages, "ask_unsaved_changes", ask)
    return state


def _ctrl_w(qtbot, window) -> None:
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)


def _new_decision(qtbot, main_window) -> DecisionEditor:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.decisions_tab)
    qtbot.mouseClick(view.decisions_tab.new_button, LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    return editor


def test_an_untouched_new_decision_closes_without_a_question(qtbot, main_window, answer):
    _new_decision(qtbot, main_window)
    _ctrl_w(qtbot, main_window)
    assert answer[1:] == []
    assert not isinstance(main_window.tabs.currentWidget(), DecisionEditor)


def test_typed_decision_avbryt_keeps_it_and_stang_drops_it(qtbot, main_window, answer):
    editor = _new_decision(qtbot, main_window)
    editor.pages.setCurrentIndex(1)
    type_text(editor.motivation, "Hyran är skälig.")
    assert editor.has_unsaved_changes()
    _ctrl_w(qtbot, main_window)
    assert answer[1:] == ["Osparat beslut"]
    assert main_window.tabs.currentWidget() is editor  # Avbryt: the tab and the text stay
    assert editor.motivation.toPlainText() == "Hyran är skälig."
    answer[0] = Button.Discard
    _ctrl_w(qtbot, main_window)
    assert main_window.tabs.indexOf(editor) == -1
    assert editor.decision_id is None  # nothing was saved


def test_typed_decision_spara_saves_then_closes(qtbot, main_window, caseworker, answer):
    editor = _new_decision(qtbot, main_window)
    row = editor.add_cost("boende")
    editor.costs.item(row, 2).setText("9 500")
    editor.costs.item(row, 3).setText("7 500")
    type_text(editor.motivation, "Hyran är skälig.")
    answer[0] = Button.Save
    _ctrl_w(qtbot, main_window)
    assert answer[1:] == ["Osparat beslut"]
    assert main_window.tabs.indexOf(editor) == -1
    decision_id = editor.decision_id
    assert decision_id is not None
    detail = caseworker.call(lambda s, a: decisions.open_decision(s, a, decision_id))
    assert detail.draft.motivation == "Hyran är skälig."
    assert not detail.signed


def test_closing_the_window_asks_about_the_decision(qtbot, main_window, answer):
    editor = _new_decision(qtbot, main_window)
    type_text(editor.motivation, "Utkast")
    main_window.close()
    assert answer[1:] == ["Osparat beslut"]
    assert main_window.isVisible() and main_window.tabs.currentWidget() is editor
    answer[0] = Button.Discard
    main_window.close()
    assert not main_window.isVisible()


def test_journal_draft_is_asked_about(qtbot, main_window, answer):
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    journal = view.journal_tab
    view.tabs.setCurrentWidget(journal)
    type_text(journal.text, "Samtal med sökanden")
    _ctrl_w(qtbot, main_window)
    assert answer[1:] == ["Osparad anteckning"]
    assert main_window.tabs.currentWidget() is view
    answer[0] = Button.Discard
    _ctrl_w(qtbot, main_window)
    assert main_window.tabs.indexOf(view) == -1


def test_form_answers_are_asked_about(qtbot, main_window, answer):
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.forms_tab)
    qtbot.mouseClick(view.forms_tab.new_buttons["ib"], LEFT)
    editor = main_window.tabs.currentWidget()
    assert isinstance(editor, FormEditor)
    path, field = next((p, i) for p, i in editor.inputs.items() if hasattr(i.widget, "setText"))
    type_text(field.widget, "Svar")
    assert editor.has_unsaved_changes()
    _ctrl_w(qtbot, main_window)
    assert answer[1:] == ["Osparad blankett"]
    assert main_window.tabs.currentWidget() is editor
    answer[0] = Button.Save
    _ctrl_w(qtbot, main_window)
    assert main_window.tabs.indexOf(editor) == -1
    reopened = main_window.open_form(editor.form_id)
    assert reopened.inputs[path].value() == "Svar"
