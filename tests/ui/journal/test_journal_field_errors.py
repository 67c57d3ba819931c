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
