"""The idle lock: after some minutes without keyboard or mouse (a database setting,
`registry.IDLE_LOCK_MINUTES`, default 10), or at once with "Lås nu" (Ctrl+L), the window's
content is replaced by a lock screen until the user's password is given again.

The content is not closed, only hidden: the central widget is put in a stack with the lock
screen on top, so text typed in open editors is still there after the unlock. The menu bar
and status bar are hidden, the title no longer names the user, and other windows of the
program that are not waiting as modal dialogs are hidden too.

Input is noticed by an event filter on the application that only notes the time of the
latest key or mouse event; a timer looks at it every `CHECK_MS` (cheaper than restarting a
timer on every mouse move).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.offline import offline_credential
from app.security import server_login, session_lock
from app.security.accounts import LoginAttempt
from app.settings import registry, stored_settings
from app.ui.context import AppContext
from app.ui.security.password_check import PasswordCheck
from app.ui.widgets.messages import FieldError, user_message

CHECK_MS = 5_000
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)
LOCKED_TITLE = "Ärendestöd – låst"


class LockScreen(QWidget):
    """What a locked window shows: who is logged in and a password field, nothing else."""

    def __init__(self, full_name: str, username: str, offline: bool):
        super().__init__()
        self.setObjectName("lockScreen")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        panel = QFrame()
        panel.setFrameShape(QFrame.Shape.StyledPanel)
        panel.setFixedWidth(460)
        layout = QVBoxLayout(panel)
        what = "offlinelösenord" if offline else "lösenord"
        # one line each: a wrapped label's height is not known before it is shown
        for text in (
            "<h2>Ärendestöd är låst</h2>",
            f"Inloggad: {full_name} ({username}).",
            f"Skriv ditt {what} för att fortsätta.",
            "Det du har skrivit finns kvar.",
        ):
            layout.addWidget(QLabel(text))
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(f"&{what.capitalize()}:", self.password)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        self.unlock_button = QPushButton("Lås &upp")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setDefault(True)
        layout.addWidget(self.unlock_button, alignment=Qt.AlignmentFlag.AlignRight)
        row = QVBoxLayout()
        row.addWidget(panel, alignment=Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(2)
        self.check = PasswordCheck(self, self.unlock_button, self.error)
        self.countdown = self.check.countdown
        self.password.returnPressed.connect(self.unlock_button.click)


class LockDialog(QDialog):
    """The lock screen over a modal dialog that was open when the lock came (a modal dialog
    takes the input from the main window, so the lock screen there could not be typed in).
    Escape and the close button do not close it: only the password does."""

    def __init__(self, parent: QWidget, screen: LockScreen):
        super().__init__(parent)
        self.setWindowTitle(LOCKED_TITLE)
        self.setModal(True)
        QVBoxLayout(self).addWidget(screen)

    def reject(self) -> None:
        pass

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()


class IdleLock(QObject):
    """Installed by the main window on itself (one line there)."""

    def __init__(self, window: QMainWindow, context: AppContext):
        super().__init__(window)
        self.window = window
        self.context = context
        actor = context.logged_in
        self.offline = actor.replica_id is not None
        self.on_server = server_login.is_shared_server(context.database.url)
        self.minutes = context.call(
            lambda session, _actor: stored_settings.get_int(session, registry.IDLE_LOCK_MINUTES)
        )
        self.locked = False
        self._title = ""
        self._hidden: list[QWidget] = []
        self._covered: list[tuple[QWidget, str, list[QWidget]]] = []
        self._host: LockDialog | None = None
        self.last_input = time.monotonic()

        content = window.takeCentralWidget()
        assert content is not None  # the main window has built its central widget
        self.content: QWidget = content
        self.window_screen = LockScreen(actor.full_name, actor.username, self.offline)
        self.screen = self.window_screen
        """The lock screen in use: the window's, or the one over a modal dialog."""
        self.stack = QStackedWidget()
        self.stack.addWidget(self.content)
        self.stack.addWidget(self.window_screen)
        window.setCentralWidget(self.stack)
        self.window_screen.unlock_button.clicked.connect(self.try_unlock)

        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check_idle)
        self.timer.start()
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        window.destroyed.connect(self._stop)

    def _stop(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.last_input = time.monotonic()
        return False

    def idle_seconds(self) -> float:
        return time.monotonic() - self.last_input

    def check_idle(self) -> None:
        if not self.locked and self.idle_seconds() >= self.minutes * 60:
            self.lock()

    def lock(self) -> None:
        """Hide everything of the cases: the content, the menus, other windows."""
        if self.locked:
            return
        self.locked = True
        self._title = self.window.windowTitle()
        self.window.setWindowTitle(LOCKED_TITLE)
        self.window.menuBar().hide()
        self.window.statusBar().hide()
        self._hidden = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self.window
            and widget.isVisible()
            and not (isinstance(widget, QDialog) and widget.isModal())
        ]
        for widget in self._hidden:
            widget.hide()
        self.stack.setCurrentWidget(self.window_screen)
        self._cover_modal_dialogs()
        self.screen.password.clear()
        self.screen.error.set_message("")
        self.screen.password.setFocus()

    def _cover_modal_dialogs(self) -> None:
        """A modal dialog open at the lock (it may show a case) keeps running, its content
        hidden; the lock screen then opens over it."""
        modal = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget is not self.window
            and widget.isVisible()
            and isinstance(widget, QDialog)
            and widget.isModal()
        ]
        for dialog in modal:
            shown = [
                child
                for child in dialog.findChildren(
                    QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly
                )
                if child.isVisible()
            ]
            for child in shown:
                child.hide()
            self._covered.append((dialog, dialog.windowTitle(), shown))
            dialog.setWindowTitle(LOCKED_TITLE)
        top = QApplication.activeModalWidget()
        if top is None or top is self.window:
            top = modal[-1] if modal else None
        if top is not None:
            actor = self.context.logged_in
            screen = LockScreen(actor.full_name, actor.username, self.offline)
            screen.unlock_button.clicked.connect(self.try_unlock)
            self._host = LockDialog(top, screen)
            self.screen = screen
            self._host.show()

    def _uncover_modal_dialogs(self) -> None:
        if self._host is not None:
            self._host.hide()
            self._host.deleteLater()
            self._host = None
            self.screen = self.window_screen
        for dialog, title, shown in self._covered:
            dialog.setWindowTitle(title)
            for child in shown:
                child.show()
        self._covered = []

    def _unlocked(self) -> None:
        self.locked = False
        self.last_input = time.monotonic()
        self._uncover_modal_dialogs()
        self.stack.setCurrentWidget(self.content)
        self.window.setWindowTitle(self._title)
        self.window.menuBar().show()
        self.window.statusBar().show()
        for widget in self._hidden:
            widget.show()
        self._hidden = []
        self.screen.password.clear()
        self.screen.error.set_message("")

    def try_unlock(self) -> None:
        """The password is checked off the GUI thread (scrypt, or the server), on the lock
        screen in use; a second Enter while it runs is ignored (`PasswordCheck`)."""
        screen, password = self.screen, self.screen.password.text()
        if self.on_server and not self.offline:
            url, username = self.context.database.url, self.context.logged_in.username
            screen.check.start(
                lambda: server_login.check_password(url, username, password),
                on_done=lambda _none: self._server_unlocked(),
                on_error=lambda error: self._refused(screen, user_message(error)),
            )
            return
        check: Callable[..., LoginAttempt] = (
            offline_credential.unlock if self.offline else session_lock.unlock_local
        )
        context = self.context
        screen.check.start(
            lambda: context.call(lambda session, actor: check(session, actor, password)),
            on_done=lambda attempt: self._checked(screen, attempt),
            on_error=lambda error: screen.error.set_message(user_message(error)),
        )

    def _checked(self, screen: LockScreen, attempt: LoginAttempt) -> None:
        if attempt.actor is None:
            self._refused(screen, attempt.message, attempt.wait_seconds)
            return
        self._unlocked()

    def _refused(self, screen: LockScreen, message: str, wait_seconds: int = 0) -> None:
        screen.error.set_message(message)
        screen.password.selectAll()
        screen.password.setFocus()
        screen.countdown.start(wait_seconds)

    def _server_unlocked(self) -> None:
        self.context.call(lambda session, actor: session_lock.record_unlock(session, actor))
        self._unlocked()
