"""First run on an empty database, and logging in."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.db.database import open_database
from app.demo import demo_data
from app.models import AuditEntry, Role, User
from app.ui.context import AppContext
from app.ui.first_run_dialog import FirstRunDialog
from app.ui.security.login_dialog import LoginDialog
from tests.helpers import click_and_wait_for_check, type_text


def test_first_run_creates_administrator_and_demo_data(qtbot, tmp_path: Path, fixed_clock) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'first.sqlite3'}", plain_sqlite_for_tests=True)
    context = AppContext(database)
    dialog = FirstRunDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.full_name, "Ingrid Admin")
    type_text(dialog.password, "hemligt-lösen-1")
    type_text(dialog.password_again, "hemligt-lösen-2")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "inte lika" in dialog.errors["password_again"].text()
    dialog.password_again.clear()
    type_text(dialog.password_again, "hemligt-lösen-1")
    with qtbot.waitSignal(dialog.accepted, timeout=60_000):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.demo_loaded
    with database.sessions() as session:
        admin = session.scalar(select(User).where(User.username == "admin"))
        assert admin.role is Role.ADMINISTRATOR
        assert admin.full_name == "Ingrid Admin"
        assert session.scalar(select(User).where(User.username == "sara.nilsson")) is not None
    database.dispose()


def test_short_password_is_refused(qtbot, tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'first.sqlite3'}", plain_sqlite_for_tests=True)
    dialog = FirstRunDialog(AppContext(database))
    qtbot.addWidget(dialog)
    type_text(dialog.full_name, "Ingrid Admin")
    type_text(dialog.password, "elva-tecken")
    type_text(dialog.password_again, "elva-tecken")
    dialog.empty.setChecked(True)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert "minst 12 tecken" in dialog.errors["password"].text()
    assert dialog.result() == 0
    with database.sessions() as session:
        assert session.scalars(select(User)).all() == []
    database.dispose()


def test_wrong_password_is_refused_and_logged(qtbot, demo_database) -> None:
    context = AppContext(demo_database)
    dialog = LoginDialog(context, username="sara.nilsson")
    qtbot.addWidget(dialog)
    type_text(dialog.password, "fel-lösen")
    click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
    assert dialog.error.text() == "Fel användarnamn eller lösenord."
    assert context.actor is None
    with demo_database.sessions() as session:
        failed = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "login_failed")
        ).all()
    assert len(failed) == 1
    dialog.password.clear()
    type_text(dialog.password, demo_data.DEMO_PASSWORD)
    click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
    assert context.actor is not None and context.actor.username == "sara.nilsson"


def test_repeated_wrong_passwords_make_the_dialog_count_down(qtbot, demo_database) -> None:
    """After three free failures the dialog says how long to wait, counts down with the
    button disabled, and the right password is refused until the wait is over."""
    from datetime import timedelta

    from app.common import clock
    from tests.ui.conftest import FIXED_NOW

    context = AppContext(demo_database)
    dialog = LoginDialog(context, username="sara.nilsson")
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(4):
        dialog.password.clear()
        type_text(dialog.password, "fel-lösen")
        click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
    assert dialog.error.text().startswith("För många misslyckade inloggningar. Vänta 1 sekund")
    assert not dialog.login_button.isEnabled()
    dialog.grab().save("/tmp/D-login-countdown.png")
    dialog.password.clear()
    type_text(dialog.password, demo_data.DEMO_PASSWORD)
    dialog.try_login()  # Enter pressed in the wait: refused without checking the password
    qtbot.waitUntil(lambda: not dialog.check.running, timeout=20_000)
    assert not dialog.login_button.isEnabled()  # still waiting
    assert context.actor is None and "Vänta" in dialog.error.text()
    clock.set_now(lambda: FIXED_NOW + timedelta(seconds=2))
    qtbot.waitUntil(dialog.login_button.isEnabled, timeout=5000)
    click_and_wait_for_check(qtbot, dialog.login_button, dialog.check)
    assert context.actor is not None and context.actor.username == "sara.nilsson"
    with demo_database.sessions() as session:
        refused = session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "login_failed")
        ).all()
    assert sorted(refused)[0].startswith("Vänta") and len(refused) == 5
