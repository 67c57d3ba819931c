"""Password checks run off the GUI thread: scrypt at the production cost takes half a second
or more, and the window must keep answering meanwhile (the login dialog, the lock screen,
the offline login). Enter pressed twice starts one check, not two."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select, update

from app.demo import demo_data
from app.models import AuditEntry, User
from app.security import audit, password_hashing
from app.ui.context import AppContext
from app.ui.security.login_dialog import LoginDialog
from tests.helpers import type_text

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
TICK_MS = 20


def _rehash_at_production_cost(database, username: str) -> None:
    stored = password_hashing.hash_password(demo_data.DEMO_PASSWORD)
    assert stored.startswith("scrypt$131072$")
    with database.sessions.begin() as session:
        session.execute(update(User).where(User.username == username).values(password_hash=stored))


class Ticks:
    """A timer on the GUI thread: it ticks only while the GUI thread is free."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.times.append(time.monotonic()))
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def between(self, start: float, end: float) -> list[float]:
        return [t for t in self.times if start < t < end]


def assert_responsive(qtbot, act: Callable[[], None], done: Callable[[], bool]) -> None:
    """`act()` starts a check; until `done()` the GUI thread keeps ticking."""
    ticks = Ticks()
    qtbot.wait(3 * TICK_MS)
    started = time.monotonic()
    act()
    qtbot.waitUntil(done, timeout=30_000)
    ended = time.monotonic()
    ticks.stop()
    during = ticks.between(started, ended)
    points = [started, *during, ended]
    gap = max(b - a for a, b in itertools.pairwise(points))
    print(f"check {ended - started:.2f} s, {len(during)} ticks, longest gap {gap:.3f} s")
    assert ended - started >= 0.25  # the production cost: a check slow enough to matter
    assert len(during) >= 3, f"the GUI thread froze for {gap:.2f} s during the check"


def test_the_login_dialog_answers_while_the_password_is_checked(
    qtbot, demo_database, production_cost
) -> None:
    _rehash_at_production_cost(demo_database, "sara.nilsson")
    context = AppContext(demo_database)
    dialog = LoginDialog(context, username="sara.nilsson")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.password, demo_data.DEMO_PASSWORD)
    assert_responsive(
        qtbot,
        lambda: qtbot.mouseClick(dialog.login_button, LEFT),
        lambda: context.actor is not None,
    )
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_cancel_during_the_check_opens_nothing(qtbot, demo_database) -> None:
    context = AppContext(demo_database)
    dialog = LoginDialog(context, username="sara.nilsson")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.password, demo_data.DEMO_PASSWORD)
    qtbot.mouseClick(dialog.login_button, LEFT)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Escape)  # Avbryt before the answer
    qtbot.waitUntil(lambda: not dialog.check.running, timeout=10_000)
    qtbot.wait(50)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert context.actor is None and dialog.actor is None


def test_the_lock_screen_answers_while_the_password_is_checked(
    qtbot, main_window, demo_database, production_cost
) -> None:
    _rehash_at_production_cost(demo_database, "sara.nilsson")
    lock = main_window.idle_lock
    lock.lock()
    type_text(lock.screen.password, demo_data.DEMO_PASSWORD)
    assert_responsive(
        qtbot, lambda: qtbot.mouseClick(lock.screen.unlock_button, LEFT), lambda: not lock.locked
    )


def _failed_logins(database) -> int:
    with database.sessions() as session:
        return session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == audit.Action.LOGIN_FAILED)
        )


def test_enter_twice_in_the_login_dialog_checks_once(qtbot, demo_database) -> None:
    context = AppContext(demo_database)
    dialog = LoginDialog(context, username="sara.nilsson")
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.password, "fel-lösen")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    qtbot.waitUntil(dialog.login_button.isEnabled, timeout=10_000)
    assert dialog.error.text() == "Fel användarnamn eller lösenord."
    assert _failed_logins(demo_database) == 1


def test_enter_twice_at_the_lock_screen_checks_once(qtbot, main_window, demo_database) -> None:
    lock = main_window.idle_lock
    lock.lock()
    type_text(lock.screen.password, "fel-lösenord")
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_Return)
    qtbot.keyClick(lock.screen.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: lock.screen.error.text() != "", timeout=10_000)
    qtbot.waitUntil(lock.screen.unlock_button.isEnabled, timeout=10_000)
    assert lock.screen.error.text() == "Fel användarnamn eller lösenord."
    assert _failed_logins(demo_database) == 1
