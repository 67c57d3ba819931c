"""`arendestod --offline` as the handläggare starts it on the laptop: the offline password
before any case is shown, the growing wait after wrong guesses, and cases whose lease has
ended no longer shown."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from app.common import clock
from app.ui import application
from app.ui.offline.offline_login_dialog import OfflineLoginDialog
from tests.helpers import click_and_wait_for_check, type_text
from tests.ui.conftest import FIXED_NOW
from tests.ui.offline.test_offline_window import OFFLINE_PASSWORD, _take_along
from tests.ui.security.test_password_checks_in_background import assert_responsive

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def offline_start(qtbot, main_window, caseworker, tmp_path, monkeypatch, memory_keyring):
    """Take the first case along, then start `--offline` with `answer(dialog)` playing the
    user at the offline login; returns the windows shown."""
    caseworker.replica_path = tmp_path / "replika.sqlcipher"
    row = main_window.my_cases_model.rows[0]
    _take_along(qtbot, main_window, monkeypatch, row)
    main_window.close()
    monkeypatch.setattr(application, "default_replica_path", lambda: caseworker.replica_path)
    monkeypatch.setattr(QApplication, "exec", lambda *_args: 0)
    shown: dict = {}

    def start(answer) -> int:
        def exec_dialog(dialog: OfflineLoginDialog) -> int:
            qtbot.addWidget(dialog)
            dialog.show()
            shown["dialog"] = dialog
            answer(dialog)
            return dialog.result()

        monkeypatch.setattr(OfflineLoginDialog, "exec", exec_dialog)
        from app.ui import main_window as main_window_module

        made = []
        original = main_window_module.MainWindow

        def window(context):
            made.append(original(context))
            qtbot.addWidget(made[-1])
            return made[-1]

        monkeypatch.setattr(main_window_module, "MainWindow", window)
        code = application._run_offline(QApplication.instance())
        shown["windows"] = made
        return code

    return start, row, shown


def test_the_offline_start_shows_cases_only_after_the_offline_password(
    qtbot, offline_start
) -> None:
    start, row, shown = offline_start

    def answer(dialog: OfflineLoginDialog) -> None:
        assert dialog.username.text() == "sara.nilsson"
        type_text(dialog.password, "fel-lösenord")
        click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
        assert dialog.error.text() == "Fel användarnamn eller lösenord."
        assert dialog.result() != QDialog.DialogCode.Accepted
        dialog.grab().save("/tmp/D-offline-login.png")
        dialog.password.clear()
        type_text(dialog.password, OFFLINE_PASSWORD)
        click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)

    assert start(answer) == 0
    [window] = shown["windows"]
    assert [r.case_id for r in window.my_cases_model.rows] == [row.case_id]


def test_cancelled_offline_login_shows_nothing(qtbot, offline_start) -> None:
    start, _row, shown = offline_start
    assert start(lambda dialog: dialog.reject()) == 0
    assert shown["windows"] == []


def test_wrong_guesses_make_the_offline_login_count_down(qtbot, offline_start) -> None:
    start, _row, shown = offline_start

    def answer(dialog: OfflineLoginDialog) -> None:
        for _ in range(4):
            dialog.password.clear()
            type_text(dialog.password, "fel-lösenord")
            click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
        assert "Vänta 1 sekund" in dialog.error.text()
        assert not dialog.login_button.isEnabled()
        dialog.reject()

    start(answer)
    assert shown["windows"] == []


def test_after_the_last_day_the_offline_start_says_the_lease_has_ended(
    qtbot, offline_start, dialogs
) -> None:
    start, row, shown = offline_start
    clock.set_now(lambda: FIXED_NOW + timedelta(days=3))

    def answer(dialog: OfflineLoginDialog) -> None:
        type_text(dialog.password, OFFLINE_PASSWORD)
        click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)

    assert start(answer) == 0
    assert shown["windows"] == []
    assert dialogs[-1].startswith(f"Lånet har gått ut för {row.case_number}")
    assert "skickas till kontoret" in dialogs[-1]


def test_the_offline_window_locks_and_opens_with_the_offline_password(qtbot, offline_start) -> None:
    start, _row, shown = offline_start

    def answer(dialog: OfflineLoginDialog) -> None:
        type_text(dialog.password, OFFLINE_PASSWORD)
        click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)

    start(answer)
    [window] = shown["windows"]
    lock = window.idle_lock
    lock.lock()
    assert lock.locked and not window.my_cases_view.isVisible()
    assert window.windowTitle() == "Ärendestöd – låst"
    type_text(lock.screen.password, "sara:s vanliga lösenord")
    click_and_wait_for_check(qtbot, lock.screen.unlock_button, lock.screen.check)
    assert lock.locked
    lock.screen.password.clear()
    type_text(lock.screen.password, OFFLINE_PASSWORD)
    click_and_wait_for_check(qtbot, lock.screen.unlock_button, lock.screen.check)
    assert not lock.locked and window.windowTitle().endswith("– offline")


def test_the_offline_login_answers_while_the_password_is_checked(
    qtbot, production_cost, offline_start
) -> None:
    """The offline password, hashed at check-out with the production cost, is checked off
    the GUI thread."""
    start, row, shown = offline_start

    def answer(dialog: OfflineLoginDialog) -> None:
        type_text(dialog.password, OFFLINE_PASSWORD)
        assert_responsive(
            qtbot,
            lambda: qtbot.mouseClick(dialog.login_button, LEFT),
            lambda: dialog.result() == QDialog.DialogCode.Accepted,
        )

    assert start(answer) == 0
    [window] = shown["windows"]
    assert [r.case_id for r in window.my_cases_model.rows] == [row.case_id]
