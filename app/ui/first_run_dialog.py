"""First run on an empty database: create the administrator, offer fictional demo data."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.demo import demo_data
from app.printing.decision_letter import render_decision_letter
from app.security import accounts
from app.settings import configuration
from app.ui.context import AppContext
from app.ui.widgets.background import run_in_background
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error, user_message

DEMO_HOUSEHOLDS = 150


class FirstRunDialog(QDialog):
    """After `accept()`, `demo_loaded` tells whether demo data was added."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.demo_loaded = False
        self.setWindowTitle("Välkommen till Ärendestöd")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<h2>Välkommen till Ärendestöd</h2>"
            "<p>Databasen är tom. Skapa först ett administratörskonto. Administratören "
            "hanterar användare och inställningar.</p>"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.unit_name = QLineEdit(configuration.current().unit.name)
        self.full_name = QLineEdit()
        self.username = QLineEdit("admin")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(
            f"minst {accounts.MIN_PASSWORD_LENGTH} tecken, gärna en lösenfras"
        )
        self.password.setToolTip(accounts.PASSWORD_HELP)
        self.password.setAccessibleDescription(accounts.PASSWORD_HELP)
        self.password_again = QLineEdit()
        self.password_again.setEchoMode(QLineEdit.EchoMode.Password)
        for widget, name in (
            (self.unit_name, "unit_name"),
            (self.full_name, "full_name"),
            (self.username, "username"),
            (self.password, "password"),
            (self.password_again, "password_again"),
        ):
            widget.setObjectName(name)
        self.errors = {
            name: FieldError()
            for name in ("unit_name", "full_name", "username", "password", "password_again")
        }
        for label, widget in (
            ("&Enhetens namn:", self.unit_name),
            ("Ditt &namn:", self.full_name),
            ("&Användarnamn:", self.username),
            ("&Lösenord:", self.password),
            ("&Upprepa lösenordet:", self.password_again),
        ):
            add_field(form, label, widget, self.errors[widget.objectName()])
        layout.addLayout(form)
        choice = QGroupBox("Innehåll")
        choice_layout = QVBoxLayout(choice)
        self.demo = QRadioButton(
            f"Lägg in &demodata: {DEMO_HOUSEHOLDS} påhittade hushåll med ärenden, journal och "
            "planer (för att prova programmet)"
        )
        self.demo.setObjectName("demo")
        self.empty = QRadioButton("Börja med en &tom databas")
        self.empty.setObjectName("empty")
        self.demo.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.demo)
        group.addButton(self.empty)
        choice_layout.addWidget(self.demo)
        choice_layout.addWidget(self.empty)
        demo_note = QLabel(
            f"Demodata innehåller bara fiktiva personer. Demoanvändarna, t.ex. "
            f"<b>sara.nilsson</b> (handläggare) och <b>eva.lind</b> (chef), har lösenordet "
            f"<b>{demo_data.DEMO_PASSWORD}</b>."
        )
        demo_note.setWordWrap(True)
        choice_layout.addWidget(demo_note)
        layout.addWidget(choice)
        buttons, self.create_button = action_cancel_buttons(self, "&Skapa", self.create)
        self.create_button.setDefault(True)
        layout.addWidget(buttons)
        self.full_name.setFocus()

    def create(self) -> None:
        for error in self.errors.values():
            error.set_message("")
        if self.password.text() != self.password_again.text():
            self.errors["password_again"].set_message("Lösenorden är inte lika.")
            self.password_again.setFocus()
            return
        try:
            with self.context.database.sessions.begin() as session:
                accounts.create_first_administrator(
                    session,
                    username=self.username.text(),
                    full_name=self.full_name.text(),
                    password=self.password.text(),
                    unit_name=self.unit_name.text(),
                    unit_details=configuration.current().unit,
                )
        except ValidationFailed as exc:
            for name, message in exc.field_errors.items():
                if name in self.errors:
                    self.errors[name].set_message(message)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        if not self.demo.isChecked():
            self.accept()
            return
        self.create_button.setEnabled(False)
        sessions = self.context.database.sessions

        def work(report):
            with sessions.begin() as session:
                return demo_data.generate(
                    session,
                    DEMO_HOUSEHOLDS,
                    seed=1,
                    progress=report,
                    render_letter=render_decision_letter,
                )

        def done(_summary) -> None:
            self.demo_loaded = True
            self.accept()

        def failed(exc: Exception) -> None:
            self.create_button.setEnabled(True)
            self.errors["unit_name"].set_message(
                "Demodata kunde inte läggas in: " + user_message(exc)
            )

        run_in_background(
            self,
            work,
            on_done=done,
            on_error=failed,
            label="Lägger in demodata och skapar beslutsbrev …",
            maximum=2 * DEMO_HOUSEHOLDS,
        )
