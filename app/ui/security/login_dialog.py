"""Login: username and password.

Local mode checks them against the scrypt hashes in the local database. On a shared
PostgreSQL server (`server_url`) the user connects with a database role of their own: the
server checks the password, the connection is made off the GUI thread, and the password
may be kept in the operating system's keyring if the user ticks the box."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.security import accounts, credentials, server_login
from app.security.actor import Actor
from app.settings import registry
from app.ui.context import AppContext
from app.ui.widgets.background import run_in_background
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, user_message

NO_KEYRING = (
    "Datorn har ingen nyckelring som Ärendestöd kan använda: lösenordet sparas inte och "
    "frågas efter vid varje inloggning."
)


class LoginDialog(QDialog):
    def __init__(
        self,
        context: AppContext | None,
        parent: QWidget | None = None,
        *,
        username: str = "",
        hint: str = "",
        server_url: str | None = None,
    ):
        """`context` is the local database's; on a server (`server_url`) it is made by the
        login and found in `self.context` after `accept`."""
        super().__init__(parent)
        self.context = context
        self.server_url = server_url
        self.server = server_login.server_label(server_url) if server_url else ""
        self.actor: Actor | None = None
        self.setWindowTitle("Logga in – Ärendestöd")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        where = f"på servern {self.server} " if server_url else ""
        heading = QLabel(f"<h2>Ärendestöd</h2>Logga in {where}med ditt användarnamn och lösenord.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setWordWrap(True)
            hint_label.setObjectName("hint")
            layout.addWidget(hint_label)
        if server_url and not username:
            username = server_login.username_in(server_url) or str(
                QSettings().value(
                    registry.LAST_USERNAME.key_for(server=self.server),
                    registry.LAST_USERNAME.default,
                )
            )
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Användarnamn:", self.username)
        form.addRow("&Lösenord:", self.password)
        layout.addLayout(form)
        self.remember = QCheckBox("&Kom ihåg lösenordet i datorns nyckelring")
        self.remember.setObjectName("remember")
        self.keyring_note = QLabel(NO_KEYRING)
        self.keyring_note.setWordWrap(True)
        if server_url:
            layout.addWidget(self.remember)
            layout.addWidget(self.keyring_note)
            available = credentials.keyring_available()
            self.remember.setEnabled(available)
            self.keyring_note.setVisible(not available)
            self.username.editingFinished.connect(self._fill_saved_password)
            self._fill_saved_password()
        else:
            self.remember.hide()
            self.keyring_note.hide()
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons, self.login_button = action_cancel_buttons(self, "Logga &in", self.try_login)
        self.login_button.setDefault(True)
        layout.addWidget(buttons)
        self.countdown = WaitCountdown(self, self.login_button, self.error)
        if not username:
            self.username.setFocus()
        elif self.password.text():
            self.login_button.setFocus()
        else:
            self.password.setFocus()

    def _fill_saved_password(self) -> None:
        saved = credentials.saved_password(self.server, self.username.text().strip().casefold())
        if saved is not None:
            self.password.setText(saved)
            self.remember.setChecked(True)

    def try_login(self) -> None:
        if self.server_url:
            self._log_in_on_server()
            return
        assert self.context is not None
        try:
            with self.context.database.sessions.begin() as session:
                attempt = accounts.attempt_login(
                    session, self.username.text(), self.password.text()
                )
        except Exception as exc:
            self.error.set_message(user_message(exc))
            return
        actor = attempt.actor
        if actor is None:
            self._refused(attempt.message)
            self.countdown.start(attempt.wait_seconds)
            return
        self.actor = actor
        self.context.actor = actor
        self.accept()

    def _refused(self, message: str) -> None:
        self.error.set_message(message)
        self.password.selectAll()
        self.password.setFocus()

    # shared server ------------------------------------------------------------------------
    def _log_in_on_server(self) -> None:
        url, username, password = self.server_url, self.username.text(), self.password.text()
        assert url is not None
        self.login_button.setEnabled(False)
        self.error.set_message("")
        run_in_background(
            self,
            lambda _report: server_login.log_in(url, username, password),
            on_done=self._connected,
            on_error=self._not_connected,
            label="Ansluter till servern …",
        )

    def _connected(self, session: server_login.ServerSession) -> None:
        self.login_button.setEnabled(True)
        username = session.actor.username
        QSettings().setValue(registry.LAST_USERNAME.key_for(server=self.server), username)
        if self.remember.isChecked():
            credentials.save_password(self.server, username, self.password.text())
        else:
            credentials.forget_password(self.server, username)
        self.actor = session.actor
        self.context = AppContext(session.database, session.actor)
        self.accept()

    def _not_connected(self, exc: Exception) -> None:
        self.login_button.setEnabled(True)
        self._refused(user_message(exc))


class WaitCountdown:
    """After repeated failed logins: the seconds left, counted down on the screen with the
    button disabled (the service only says how long; nothing sleeps on the GUI thread)."""

    def __init__(self, parent: QWidget, button, label: FieldError):
        self.parent = parent
        self.button = button
        self.label = label
        self.seconds = 0
        self.timer = QTimer(parent)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    def start(self, seconds: int) -> None:
        self.seconds = seconds
        if seconds <= 0:
            return
        self.button.setEnabled(False)
        self.label.set_message(accounts.wait_message(seconds))
        self.parent.adjustSize()  # the message takes two lines
        self.timer.start()

    def _tick(self) -> None:
        self.seconds -= 1
        if self.seconds > 0:
            self.label.set_message(accounts.wait_message(self.seconds))
            return
        self.timer.stop()
        self.label.set_message("Försök igen.")
        self.button.setEnabled(True)
