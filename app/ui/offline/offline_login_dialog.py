"""The offline start's login: the offline password chosen at check-out, before any case
of the replica is shown (the replica's key alone, in the keyring, opens the file)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.offline import offline_replica
from app.offline.offline_replica import LockedReplica, OfflineStart
from app.ui.security.password_check import PasswordCheck
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, user_message


class OfflineLoginDialog(QDialog):
    def __init__(self, replica: LockedReplica, parent: QWidget | None = None):
        super().__init__(parent)
        self.replica = replica
        self.start: OfflineStart | None = None
        self.expired_message = ""
        self.setWindowTitle("Logga in offline – Ärendestöd")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # wrapped lines fit
        heading = QLabel(
            "<h2>Ärendestöd offline</h2>Skriv offlinelösenordet du valde vid Ta med på hembesök."
        )
        heading.setWordWrap(True)
        heading.setMinimumWidth(400)
        layout.addWidget(heading)
        form = QFormLayout()
        self.username = QLineEdit(replica.holder_username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Användarnamn:", self.username)
        form.addRow("&Offlinelösenord:", self.password)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons, self.login_button = action_cancel_buttons(self, "Logga &in", self.try_login)
        self.login_button.setDefault(True)
        layout.addWidget(buttons)
        self.check = PasswordCheck(self, self.login_button, self.error)
        self.countdown = self.check.countdown
        self.password.setFocus()

    def reject(self) -> None:
        self.check.drop()  # Avbryt during a check: its answer opens nothing
        super().reject()

    def try_login(self) -> None:
        """The offline password is checked off the GUI thread (scrypt at its full cost)."""
        replica, username, password = self.replica, self.username.text(), self.password.text()
        self.check.start(
            lambda: offline_replica.log_in(replica, username, password),
            on_done=self._logged_in,
            on_error=self._not_logged_in,
        )

    def _logged_in(self, start: OfflineStart) -> None:
        self.start = start
        self.accept()

    def _not_logged_in(self, error: Exception) -> None:
        if isinstance(error, offline_replica.LoginRefused):
            self.error.set_message(str(error))
            self.password.selectAll()
            self.password.setFocus()
            self.countdown.start(error.wait_seconds)
        elif isinstance(error, offline_replica.LeasesExpired):
            self.expired_message = str(error)
            self.reject()
        else:
            self.error.set_message(user_message(error))
