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
from app.ui.security.login_dialog import WaitCountdown
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
        self.countdown = WaitCountdown(self, self.login_button, self.error)
        self.password.setFocus()

    def try_login(self) -> None:
        try:
            self.start = offline_replica.log_in(
                self.replica, self.username.text(), self.password.text()
            )
        except offline_replica.LoginRefused as refused:
            self.error.set_message(str(refused))
            self.password.selectAll()
            self.password.setFocus()
            self.countdown.start(refused.wait_seconds)
            return
        except offline_replica.LeasesExpired as expired:
            self.expired_message = str(expired)
            self.reject()
            return
        except Exception as error:
            self.error.set_message(user_message(error))
            return
        self.accept()
