"""Helpers shared by tests (fixtures live in conftest.py files)."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from sqlalchemy import func, select

from app.db.database import Database
from app.demo import demo_data
from app.security import accounts
from app.ui.context import AppContext


def login(database: Database, username: str) -> AppContext:
    context = AppContext(database)
    with database.sessions.begin() as session:
        context.actor = accounts.login(session, username, demo_data.DEMO_PASSWORD)
    assert context.actor is not None
    return context


def count(database: Database, model: type) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def type_text(widget, text: str) -> None:
    """Type text into a widget key by key, like a user.

    QTest.keyClicks only handles ASCII (it aborts on å, ä, ö), so each character is sent as
    a key event carrying its text, which is what a keyboard with a Swedish layout produces.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        key = Qt.Key.Key_Return if char == "\n" else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char)
            )


def click_and_wait_for_check(qtbot, button, check) -> None:
    """Click the button of a password check and wait for its answer: the check runs off
    the GUI thread (app.ui.security.password_check.PasswordCheck). A disabled button (the
    wait after failed logins) starts nothing, and nothing is waited for."""
    from PySide6.QtCore import Qt

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not check.running, timeout=20_000)


class MemoryKeyring(KeyringBackend):
    """A keyring that works, in memory (the tests' default is the null backend)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


def shown_pdf_preview(qtbot, main_window):
    """The PDF preview dialog `main_window` opened, once it is on screen (the PDF is made
    off the GUI thread); closed when the test ends."""
    from PySide6.QtWidgets import QApplication

    from app.ui.widgets.pdf_preview import PdfPreviewDialog

    shown: list[PdfPreviewDialog] = []

    def preview_shown() -> bool:
        shown[:] = [
            widget
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, PdfPreviewDialog)
            and widget.isVisible()
            and widget.parentWidget().window() is main_window
        ]
        return bool(shown)

    qtbot.waitUntil(preview_shown, timeout=10_000)
    qtbot.addWidget(shown[0])
    return shown[0]
