"""Login for local mode: username and password, checked against scrypt hashes."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.services import accounts
from app.services.actor import Actor
from app.ui.context import AppContext
from app.ui.messages import FieldError, user_message


class LoginDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        username: str = "",
        hint: str = "",
    ):
        super().__init__(parent)
        self.context = context
        self.actor: Actor | None = None
        self.setWindowTitle("Logga in – Ärendestöd")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        heading = QLabel("<h2>Ärendestöd</h2>Logga in med ditt användarnamn och lösenord.")
        layout.addWidget(heading)
        if hint:
            hint_label = QLabel(hint)
            hint_label.setWordWrap(True)
            hint_label.setObjectName("hint")
            layout.addWidget(hint_label)
        form = QFormLayout()
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("&Användarnamn:", self.username)
        form.addRow("&Lösenord:", self.password)
        layout.addLayout(form)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton("Logga &in", QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setDefault(True)
        buttons.addButton("Avbryt", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        try:
            with self.context.database.sessions.begin() as session:
                actor = accounts.login(session, self.username.text(), self.password.text())
        except Exception as exc:
            self.error.set_message(user_message(exc))
            return
        if actor is None:
            self.error.set_message(accounts.LOGIN_FAILED_MESSAGE)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.actor = actor
        self.context.actor = actor
        self.accept()
