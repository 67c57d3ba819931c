"""Logging in on a shared PostgreSQL server through the login dialog, as a user does: with
the database role of one's own, a wrong password, a server on another schema version, and
the password kept in (or left out of) the operating system's keyring.

GUI tests, kept here beside the server fixtures (`login_roles` in this directory's conftest).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import URL, make_url, text

from app.cases import case_overview
from app.common.errors import AccessDenied, NotFound
from app.security import credentials, server_login
from app.ui.security.login_dialog import NO_KEYRING, LoginDialog
from tests.helpers import type_text

pytestmark = [pytest.mark.parametrize("db", ["postgresql"], indirect=True), pytest.mark.gui]

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(autouse=True)
def own_settings(tmp_path) -> Iterator[None]:
    """QSettings (the last username per server) in a folder of the test's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def server_url(login_roles: dict[str, str]) -> str:
    """The server as a workstation is configured: no user, no password."""
    url = make_url(login_roles["sara.nilsson"])
    bare = URL.create(url.drivername, host=url.host, port=url.port, database=url.database)
    return bare.render_as_string(hide_password=False)


def prefixed(login_roles: dict[str, str], username: str) -> str:
    return make_url(login_roles[username]).username


def open_dialog(qtbot, url: str, username: str = "") -> LoginDialog:
    dialog = LoginDialog(None, username=username, server_url=url)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def log_in(qtbot, dialog: LoginDialog, password: str | None = None) -> None:
    if password is not None:
        dialog.password.clear()
        type_text(dialog.password, password)
    qtbot.mouseClick(dialog.login_button, LEFT)
    qtbot.waitUntil(lambda: dialog.login_button.isEnabled(), timeout=10_000)


def test_a_user_logs_in_with_her_own_database_role(qtbot, cases, login_roles, staff) -> None:
    url = server_url(login_roles)
    dialog = open_dialog(qtbot, url)
    label = server_login.server_label(url)
    assert any(f"på servern {label}" in shown.text() for shown in dialog.findChildren(QLabel))
    type_text(dialog.username, prefixed(login_roles, "sara.nilsson"))
    log_in(qtbot, dialog, "fel-lösenord")
    assert dialog.error.text() == "Fel användarnamn eller lösenord."
    assert dialog.result() == 0 and dialog.context is None
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        log_in(qtbot, dialog, "rls-test-lösen")
    context = dialog.context
    assert context is not None and context.actor.id == staff.caseworker.id
    try:
        overview = context.call(lambda s, a: case_overview.open_case(s, a, cases.own))
        assert overview.case_number
        with pytest.raises((AccessDenied, NotFound)):  # the server does not even show it
            context.call(lambda s, a: case_overview.open_case(s, a, cases.other_unit))
    finally:
        context.database.dispose()
    # the next login on this workstation starts with her username
    again = open_dialog(qtbot, url)
    assert again.username.text() == prefixed(login_roles, "sara.nilsson")
    assert again.password.text() == ""  # no keyring here: asked for every time


def test_an_unknown_role_gets_the_same_message(qtbot, cases, login_roles) -> None:
    dialog = open_dialog(qtbot, server_url(login_roles), username="ingen.sadan")
    log_in(qtbot, dialog, "rls-test-lösen")
    assert dialog.error.text() == "Fel användarnamn eller lösenord."


def test_a_server_on_another_schema_version_is_refused(qtbot, cases, login_roles, db) -> None:
    with db.engine.begin() as owner:
        owner.execute(text("UPDATE alembic_version SET version_num = '0007'"))
    dialog = open_dialog(qtbot, server_url(login_roles), prefixed(login_roles, "eva.lind"))
    log_in(qtbot, dialog, "rls-test-lösen")
    assert "äldre databasversion (0007)" in dialog.error.text()
    assert "arendestod db init-server" in dialog.error.text()
    assert dialog.context is None


def test_without_a_keyring_the_password_is_not_kept(qtbot, cases, login_roles) -> None:
    dialog = open_dialog(qtbot, server_url(login_roles), prefixed(login_roles, "eva.lind"))
    assert not credentials.keyring_available()
    assert not dialog.remember.isEnabled()
    assert dialog.keyring_note.isVisible() and dialog.keyring_note.text() == NO_KEYRING
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        log_in(qtbot, dialog, "rls-test-lösen")
    dialog.context.database.dispose()


def test_the_keyring_keeps_the_password_when_asked(
    qtbot, cases, login_roles, memory_keyring
) -> None:
    url = server_url(login_roles)
    eva = prefixed(login_roles, "eva.lind")
    dialog = open_dialog(qtbot, url, eva)
    assert dialog.remember.isEnabled() and not dialog.keyring_note.isVisible()
    assert dialog.password.text() == ""
    dialog.remember.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        log_in(qtbot, dialog, "rls-test-lösen")
    dialog.context.database.dispose()
    label = server_login.server_label(url)
    assert memory_keyring.secrets == {("Ärendestöd", f"{eva}@{label}"): "rls-test-lösen"}
    # next time the password is filled in; unticking the box forgets it at the next login
    again = open_dialog(qtbot, url, eva)
    assert again.password.text() == "rls-test-lösen" and again.remember.isChecked()
    again.remember.setChecked(False)
    with qtbot.waitSignal(again.accepted, timeout=10_000):
        log_in(qtbot, again)
    again.context.database.dispose()
    assert memory_keyring.secrets == {}


def test_the_idle_lock_on_a_shared_server_asks_the_server(qtbot, cases, login_roles, staff) -> None:
    """Unlocking re-authenticates with the role's password on a connection of its own; the
    open session goes on (issue 20, idle lock)."""
    from app.ui.main_window import MainWindow

    url = server_url(login_roles)
    dialog = open_dialog(qtbot, url, prefixed(login_roles, "sara.nilsson"))
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        log_in(qtbot, dialog, "rls-test-lösen")
    context = dialog.context
    assert context is not None
    try:
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.show()
        lock = window.idle_lock
        lock.lock()
        assert lock.locked and not window.my_cases_view.isVisible()
        type_text(lock.screen.password, "fel-lösenord")
        qtbot.mouseClick(lock.screen.unlock_button, LEFT)
        qtbot.waitUntil(lambda: lock.screen.error.text() != "", timeout=10_000)
        assert lock.locked and lock.screen.error.text() == "Fel användarnamn eller lösenord."
        lock.screen.password.clear()
        type_text(lock.screen.password, "rls-test-lösen")
        qtbot.mouseClick(lock.screen.unlock_button, LEFT)
        qtbot.waitUntil(lambda: not lock.locked, timeout=10_000)
        overview = context.call(lambda s, a: case_overview.open_case(s, a, cases.own))
        assert overview.case_number
        window.close()
    finally:
        context.database.dispose()


def test_check_password_does_not_need_the_open_session(login_roles) -> None:
    url = server_url(login_roles)
    username = prefixed(login_roles, "eva.lind")
    server_login.check_password(url, username, "rls-test-lösen")
    with pytest.raises(server_login.LoginRefused):
        server_login.check_password(url, username, "fel-lösenord")
    with pytest.raises(server_login.LoginRefused):
        server_login.check_password(url, username, "")
