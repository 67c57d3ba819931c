"""Administrator: the users – add one, inactivate or activate again."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.models import Role
from app.security import accounts, server_login
from app.security.accounts import UserRow
from app.ui.context import AppContext
from app.ui.widgets.messages import FieldError, add_field, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

ON_SERVER = (
    "På den delade servern loggar användaren in med en egen databasroll. När användaren är "
    "upplagd ger du inloggning med: arendestod --db URL db create-login ANVÄNDARNAMN"
)


class UsersDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.on_server = server_login.is_shared_server(context.database.url)
        self.setWindowTitle("Användare")
        self.resize(860, 560)
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
            [
                Column("Namn", lambda u: u.full_name),
                Column("Användarnamn", lambda u: u.username),
                Column("Roll", lambda u: u.role.label),
                Column("Enhet", lambda u: u.unit_name),
                Column("Aktiv", lambda u: "Ja" if u.active else "Nej"),
            ],
            highlight=lambda u: "" if u.active else "Kontot är inaktiverat.",
        )
        self.table = RowTableView(self.model, name="Användare")
        self.table.setObjectName("users")
        layout.addWidget(self.table)
        toggle_row = QHBoxLayout()
        toggle_row.addStretch()
        self.toggle_button = QPushButton("&Inaktivera / aktivera markerad")
        self.toggle_button.clicked.connect(self.toggle_active)
        toggle_row.addWidget(self.toggle_button)
        layout.addLayout(toggle_row)

        layout.addWidget(QLabel("<b>Ny användare</b>"))
        form = QFormLayout()
        self.full_name = QLineEdit()
        self.username = QLineEdit()
        self.username.setPlaceholderText("t.ex. anna.berg")
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.unit = QComboBox()
        for unit_id, name in context.call(accounts.list_units):
            self.unit.addItem(name, unit_id)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            f"minst {accounts.MIN_PASSWORD_LENGTH} tecken, gärna en lösenfras"
        )
        self.password.setToolTip(accounts.PASSWORD_HELP)
        self.password.setAccessibleDescription(accounts.PASSWORD_HELP)
        self.errors = {
            key: FieldError() for key in ("full_name", "username", "unit", "password", "user")
        }
        add_field(form, "&Namn:", self.full_name, self.errors["full_name"])
        add_field(form, "An&vändarnamn:", self.username, self.errors["username"])
        add_field(form, "&Roll:", self.role)
        add_field(form, "&Enhet:", self.unit, self.errors["unit"])
        if self.on_server:
            note = QLabel(ON_SERVER)
            note.setWordWrap(True)
            note.setObjectName("serverNote")
            form.addRow("", note)
        else:
            add_field(form, "&Lösenord:", self.password, self.errors["password"])
        layout.addLayout(form)
        layout.addWidget(self.errors["user"])
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Lägg till användare")
        self.add_button.clicked.connect(self.add_user)
        close = QPushButton("S&täng")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.add_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.model.set_rows(self.context.call(accounts.list_users))
        self.table.fit_columns()

    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.set_message("")

    def _show_problems(self, exc: Exception) -> None:
        if isinstance(exc, ValidationFailed):
            for field, message in exc.field_errors.items():
                self.errors.get(field, self.errors["user"]).set_message(message)
        else:
            show_error(self, exc)

    def add_user(self) -> None:
        self._clear_errors()
        username, full_name = self.username.text(), self.full_name.text()
        role = Role(self.role.currentData())
        unit_id = self.unit.currentData()
        password = None if self.on_server else self.password.text()
        try:
            self.context.call(
                lambda s, a: accounts.add_user(
                    s,
                    a,
                    username=username,
                    full_name=full_name,
                    role=role,
                    unit_id=unit_id,
                    password=password,
                )
            )
        except Exception as exc:
            self._show_problems(exc)
            return
        for field in (self.full_name, self.username, self.password):
            field.clear()
        self.reload()
        self.table.select_where(lambda u: u.username == username.strip().casefold())

    def toggle_active(self) -> None:
        self._clear_errors()
        row: UserRow | None = self.table.current_row()
        if row is None:
            self.errors["user"].set_message("Markera en användare i listan först.")
            return
        try:
            self.context.call(
                lambda s, a: accounts.set_active(
                    s, a, row.id, not row.active, expected_version=row.version
                )
            )
        except Exception as exc:
            self._show_problems(exc)
            return
        self.reload()
        self.table.select_where(lambda u: u.id == row.id)
