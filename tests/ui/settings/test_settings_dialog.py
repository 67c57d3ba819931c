"""An administrator opens Inställningar from the menu with the keyboard, types a bad number and
reads why it was refused, types a good one, saves, and finds it there on reopening."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QLabel, QMenu

from app.settings import registry, stored_settings
from app.ui.main_window import MainWindow
from app.ui.settings.settings_dialog import SettingsDialog
from tests.helpers import type_text
from tests.ui.forms.test_form_versions import login_admin

KEY = registry.DECISION_WARNING_DAYS.key
ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[SettingsDialog]:
    """Dialogs the menu opened: shown instead of run modally, so the test can type in them."""
    dialogs: list[SettingsDialog] = []

    def show(dialog: SettingsDialog) -> int:
        dialogs.append(dialog)
        dialog.show()
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", show)
    return dialogs


@pytest.fixture
def admin_window(qtbot, demo_database) -> MainWindow:
    window = MainWindow(login_admin(demo_database))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def open_from_menu(qtbot, window: MainWindow, opened: list[SettingsDialog]) -> SettingsDialog:
    """Alt+A opens Arkiv, I chooses Inställningar …"""
    qtbot.keyClick(window, Qt.Key.Key_A, ALT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu))
    menu = QApplication.activePopupWidget()
    assert "&Inställningar …" in [a.text() for a in menu.actions()]
    before = len(opened)
    qtbot.keyClick(menu, Qt.Key.Key_I)
    qtbot.waitUntil(lambda: len(opened) > before)
    dialog = opened[-1]
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, field, text: str) -> None:
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


# a menu opened with the keyboard grabs it; the offscreen platform says it cannot
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")
def test_administrator_changes_the_warning_days(qtbot, admin_window, opened, demo_database) -> None:
    dialog = open_from_menu(qtbot, admin_window, opened)
    field = dialog.fields[KEY]
    error = dialog.errors[KEY]
    assert dialog.windowTitle() == "Inställningar"
    assert field.text() == "30"
    assert not error.isVisible()
    assert "FL 9 och 11 §§" in " ".join(label.text() for label in dialog.findChildren(QLabel))

    for bad, message in (
        ("", "Fyll i antalet dagar, 1–180."),
        ("trettio", "Skriv antalet dagar som ett heltal, t.ex. 30."),
        ("-7", "Antalet dagar kan inte vara negativt."),
        ("5000", "Antalet dagar får vara högst 180."),
    ):
        retype(qtbot, field, bad)
        qtbot.keyClick(field, Qt.Key.Key_Return)  # Enter saves
        assert error.isVisible()
        assert error.text() == message
        assert field.text() == bad  # what she typed stays, to correct
    with demo_database.sessions() as session:
        assert stored_settings.get_int(session, registry.DECISION_WARNING_DAYS) == 30

    retype(qtbot, field, "21")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not error.isVisible()
    assert dialog.status.text() == "Sparat: Varning för ansökan utan beslut efter."
    with demo_database.sessions() as session:
        assert stored_settings.get_int(session, registry.DECISION_WARNING_DAYS) == 21
    dialog.close()

    reopened = open_from_menu(qtbot, admin_window, opened)
    assert reopened.fields[KEY].text() == "21"


def test_the_menu_entry_is_for_administrators_only(main_window) -> None:
    texts = [a.text() for m in main_window.menuBar().actions() for a in m.menu().actions()]
    assert "&Inställningar …" not in texts


def test_a_refused_value_keeps_its_message_until_she_corrects_it(qtbot, demo_database) -> None:
    dialog = SettingsDialog(login_admin(demo_database))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field, error = dialog.fields[KEY], dialog.errors[KEY]
    spoken = QAccessible.queryAccessibleInterface(field)
    retype(qtbot, field, "5000")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    # the reload after the refusal neither takes the message nor the text away
    assert error.isVisible() and error.text() == "Antalet dagar får vara högst 180."
    assert spoken.text(QAccessible.Text.Description) == error.text()
    assert field.text() == "5000"
    qtbot.keyClick(field, Qt.Key.Key_End)  # the refused text is selected, to type over
    qtbot.keyClick(field, Qt.Key.Key_Backspace)  # "500": changed, checked when saved
    assert not error.isVisible() and error.text() == ""
    assert spoken.text(QAccessible.Text.Description) == ""
    assert field.text() == "500"


def test_the_lex_sarah_function_is_typed_as_text(qtbot, demo_database) -> None:
    dialog = SettingsDialog(login_admin(demo_database))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    key = registry.LEX_SARAH_FUNCTION.key
    field, error = dialog.fields[key], dialog.errors[key]
    assert field.text() == "" and field.maxLength() == 200
    field.setFocus()
    type_text(field, "Kvalitetsenheten, lex Sarah-funktionen")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not error.isVisible()
    assert dialog.status.text() == "Sparat: Lex Sarah-rapporter lämnas till."
    with demo_database.sessions() as session:
        assert stored_settings.get_text(session, registry.LEX_SARAH_FUNCTION) == (
            "Kvalitetsenheten, lex Sarah-funktionen"
        )
