"""The journal's field messages go as soon as the field is filled in."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible

from tests.helpers import type_text


def test_text_message_goes_when_the_user_types(qtbot, main_window) -> None:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.journal_tab)
    tab = view.journal_tab
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    type_text(tab.title, "Telefon")
    tab.text.clear()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    error = tab.errors["text"]
    assert error.isVisible() and "måste fyllas i" in error.text()
    spoken = QAccessible.queryAccessibleInterface(tab.text)
    assert spoken.text(QAccessible.Text.Name) == "Text"
    assert "måste fyllas i" in spoken.text(QAccessible.Text.Description)
    type_text(tab.text, "S")
    assert not error.isVisible() and error.text() == ""
    assert spoken.text(QAccessible.Text.Description) == ""


def test_a_typed_date_that_is_no_date_says_why_under_the_field(qtbot, main_window) -> None:
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.journal_tab)
    tab = view.journal_tab
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    field, error = tab.entry_date, tab.errors["entry_date"]
    hint = field.toolTip()
    spoken = QAccessible.queryAccessibleInterface(field)
    field.setFocus()
    field.selectAll()
    type_text(field, "31/2 2026")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert error.isVisible() and "det finns ingen 31 februari 2026" in error.text()
    assert spoken.text(QAccessible.Text.Description) == error.text()
    assert field.toolTip() == hint  # the reason is under the field, not only in a tooltip
    type_text(tab.title, "Telefon")
    type_text(tab.text, "Samtal")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.current is None  # not saved with the last good date
    assert "det finns ingen 31 februari 2026" in error.text() and field.text() == "31/2 2026"
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_End)
    for _ in "2/2026":
        qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert error.isVisible()  # "31/" is no date either: the message stays
    type_text(field, "1 2026")  # 31/1 2026
    assert not error.isVisible() and error.text() == ""
    assert spoken.text(QAccessible.Text.Description) == hint  # Qt says the tooltip
    assert not field.error and "b00020" not in field.styleSheet()
