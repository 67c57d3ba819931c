"""Login: username and password.

Local mode checks them against the scrypt hashes in the local database. On a shared
PostgreSQL server (`server_url`) the user connects with a database role of their own: the
server checks the password, and the password may be kept in the operating system's keyring
if the user ticks the box. Either check runs off the GUI thread (`PasswordCheck`)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
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
from app.security.accounts import LoginAttempt
from app.security.actor import Actor
from app.settings import registry
from app.ui.context import AppContext
from app.ui.security.password_check import PasswordCheck
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
        self.check = PasswordCheck(self, self.login_button, self.error)
        self.countdown = self.check.countdown
        if not username:
            self.username.setFocus()
        elif self.password.text():
            self.login_button.setFocus()
        else:
            self.password.setFocus()

    def reject(self) -> None:
        self.check.drop()  # Avbryt during a check: its answer opens nothing
        super().reject()

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
        database = self.context.database
        username, password = self.username.text(), self.password.text()

        def check() -> LoginAttempt:
            with database.sessions.begin() as session:
                return accounts.attempt_login(session, username, password)

        self.check.start(check, on_done=self._checked, on_error=self._failed)

    def _checked(self, attempt: LoginAttempt) -> None:
        actor = attempt.actor
        if actor is None:
            self._refused(attempt.message)
            self.countdown.start(attempt.wait_seconds)
            return
        assert self.context is not None
        self.actor = actor
        self.context.actor = actor
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.error.set_message(user_message(exc))

    def _refused(self, message: str) -> None:
        self.error.set_message(message)
        self.password.selectAll()
        self.password.setFocus()

    # shared server ------------------------------------------------------------------------
    def _log_in_on_server(self) -> None:
        url, username, password = self.server_url, self.username.text(), self.password.text()
        assert url is not None
        self.error.set_message("")
        self.check.start(
            lambda: server_login.log_in(url, username, password),
            on_done=self._connected,
            on_error=self._not_connected,
            label="Ansluter till servern …",
        )

    def _connected(self, session: server_login.ServerSession) -> None:
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
        self._refused(user_message(exc))
