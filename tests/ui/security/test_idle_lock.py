"""The idle lock (issue 20): a window left alone hides the cases until the user's password
is given again; "Lås nu" (Ctrl+L) does the same at once; unsaved text survives; the same
in the offline window."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.common import clock
from app.demo import demo_data
from app.models import AuditEntry, Setting
from app.settings import registry
from app.ui.main_window import MainWindow
from app.ui.security import idle_lock
from tests.helpers import click_and_wait_for_check, type_text
from tests.ui.conftest import FIXED_NOW

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


def _open_unsaved_entry(qtbot, window: MainWindow) -> tuple:
    row = window.my_cases_model.rows[0]
    view = window.open_case(row.case_id)
    view.tabs.setCurrentWidget(view.journal_tab)
    qtbot.mouseClick(view.journal_tab.new_button, LEFT)
    type_text(view.journal_tab.text, "Påbörjad anteckning, inte sparad.")
    return row, view


def _idle_for(window: MainWindow, minutes: float) -> None:
    window.idle_lock.last_input -= minutes * 60
    window.idle_lock.check_idle()


def _unlock(qtbot, window: MainWindow, password: str) -> None:
    screen = window.idle_lock.screen
    screen.password.clear()
    type_text(screen.password, password)
    click_and_wait_for_check(qtbot, screen.unlock_button, screen.check)


def test_ten_idle_minutes_hide_the_cases_until_the_password(
    qtbot, main_window, demo_database
) -> None:
    _row, view = _open_unsaved_entry(qtbot, main_window)
    title = main_window.windowTitle()
    _idle_for(main_window, 9.9)
    assert not main_window.idle_lock.locked  # the default is ten minutes
    _idle_for(main_window, 0.2)
    lock = main_window.idle_lock
    assert lock.locked
    assert not view.isVisible() and not main_window.my_cases_view.isVisible()
    assert lock.screen.isVisible() and not main_window.menuBar().isVisible()
    assert main_window.windowTitle() == "Ärendestöd – låst"
    main_window.grab().save("/tmp/D-lock-screen.png")

    _unlock(qtbot, main_window, "fel-lösenord")
    assert lock.locked and lock.screen.error.text() == "Fel användarnamn eller lösenord."
    _unlock(qtbot, main_window, demo_data.DEMO_PASSWORD)
    assert not lock.locked and view.isVisible()
    assert main_window.windowTitle() == title and main_window.menuBar().isVisible()
    assert view.journal_tab.text.toPlainText() == "Påbörjad anteckning, inte sparad."
    with demo_database.sessions() as session:
        details = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.entity == "session")
        ).all()
    assert "upplåst" in details


def test_ctrl_l_locks_at_once(qtbot, main_window) -> None:
    main_window.activateWindow()
    qtbot.keyClick(main_window.search_field, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert main_window.idle_lock.locked
    assert main_window.idle_lock.screen.password.hasFocus()


def test_typing_keeps_the_window_open(qtbot, main_window) -> None:
    main_window.idle_lock.last_input -= 11 * 60
    type_text(main_window.search_field, "a")
    main_window.idle_lock.check_idle()
    assert not main_window.idle_lock.locked


def test_the_minutes_are_the_administrators_setting(qtbot, demo_database, caseworker) -> None:
    with demo_database.sessions.begin() as session:
        session.add(Setting(key=registry.IDLE_LOCK_MINUTES.key, value="2"))
    window = MainWindow(caseworker)
    qtbot.addWidget(window)
    window.show()
    assert window.idle_lock.minutes == 2
    _idle_for(window, 2)
    assert window.idle_lock.locked


def test_wrong_passwords_at_the_lock_screen_count_down(qtbot, main_window) -> None:
    clock.set_now(lambda: FIXED_NOW + timedelta(minutes=10))  # after the login
    main_window.idle_lock.lock()
    for _ in range(4):
        _unlock(qtbot, main_window, "fel-lösenord")
    screen = main_window.idle_lock.screen
    assert "Vänta 1 sekund" in screen.error.text() and not screen.unlock_button.isEnabled()
    assert main_window.idle_lock.locked


def test_the_check_interval_is_short_compared_to_a_minute() -> None:
    assert idle_lock.CHECK_MS <= 10_000


def test_a_modal_dialog_open_at_the_lock_is_covered_and_kept(qtbot, main_window) -> None:
    """A dialog waiting for the user (it may list cases) keeps running with its content
    hidden; the lock screen opens over it, Escape does not close it, and after the password
    the dialog is as it was."""
    from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout

    dialog = QDialog(main_window)
    dialog.setWindowTitle("Ta med på hembesök")
    layout = QVBoxLayout(dialog)
    shown = QLabel("EB-2026-000001 · Linnea Svensson (19980108-9781)")
    typed = QLineEdit()
    layout.addWidget(shown)
    layout.addWidget(typed)
    dialog.open()  # modal, as exec() is, without blocking the test
    type_text(typed, "halvskrivet")
    lock = main_window.idle_lock
    lock.lock()
    assert not shown.isVisible() and dialog.windowTitle() == "Ärendestöd – låst"
    assert lock.screen is not lock.window_screen and lock.screen.isVisible()
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_Escape)
    assert lock.locked and lock.screen.isVisible()
    _unlock(qtbot, main_window, demo_data.DEMO_PASSWORD)
    assert not lock.locked and dialog.isVisible() and shown.isVisible()
    assert dialog.windowTitle() == "Ta med på hembesök" and typed.text() == "halvskrivet"
    assert dialog.result() == 0  # still waiting for the user, not cancelled
    dialog.reject()
