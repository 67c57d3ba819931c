"""Ta med på hembesök: pick cases to copy (encrypted) to this laptop, and until when."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.cases.my_cases import CaseListRow
from app.common import clock, formatting
from app.common.errors import ValidationFailed
from app.offline import checkout, leases, offline_credential
from app.offline.checkout import CheckOutResult
from app.offline.offline_replica import PassphraseNeeded, ReplicaLocked
from app.security.accounts import PASSWORD_HELP, PASSWORD_PLACEHOLDER
from app.ui.context import AppContext
from app.ui.offline.passphrase_prompt import ask_passphrase
from app.ui.widgets.background import run_in_background
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error

EXPLANATION = (
    "De ärenden du väljer kopieras krypterade till den här datorn, så att du kan arbeta "
    "med dem utan nätverk. Medan de är utcheckade kan kolleger läsa men inte ändra dem. "
    "Synkronisera och checka in när du är tillbaka."
)
OFFLINE_PASSWORD_HELP = (
    "Offlinelösenordet frågas efter när du startar Ärendestöd offline, så att ingen annan "
    "som får tag i datorn kan läsa ärendena. Lämna fälten tomma för att behålla det "
    "offlinelösenord du valde förra gången. " + PASSWORD_HELP
)


class CheckOutDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        cases: list[CaseListRow],
        selected: set,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self.result_value: CheckOutResult | None = None
        self._passphrase: str | None = None
        self.setWindowTitle("Ta med på hembesök")
        self.resize(680, 480)
        layout = QVBoxLayout(self)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)

        form = QFormLayout()
        self.case_list = QListWidget()
        self.case_list.setObjectName("checkoutCases")
        for row in cases:
            item = QListWidgetItem(
                f"{row.case_number} · {row.applicant_name} ({row.personal_number})"
            )
            item.setData(Qt.ItemDataRole.UserRole, row.case_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if row.case_id in selected else Qt.CheckState.Unchecked
            )
            self.case_list.addItem(item)
        self.errors = {
            key: FieldError() for key in ("cases", "due_on", offline_credential.FIELD, "again")
        }
        add_field(form, "Ä&renden (mellanslag markerar):", self.case_list, self.errors["cases"])
        today = clock.today()
        self.due_on = DateField(today + timedelta(days=1))
        self.due_on.setObjectName("checkoutDueOn")
        self.due_on.setMinimumDate(QDate(today.year, today.month, today.day))
        last = today + timedelta(days=leases.MAX_LEASE_DAYS)
        self.due_on.setMaximumDate(QDate(last.year, last.month, last.day))
        add_field(form, "Till och &med:", self.due_on, self.errors["due_on"])
        self.offline_password = QLineEdit()
        self.offline_password.setObjectName("offlinePassword")
        self.offline_password_again = QLineEdit()
        self.offline_password_again.setObjectName("offlinePasswordAgain")
        for field in (self.offline_password, self.offline_password_again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setToolTip(OFFLINE_PASSWORD_HELP)
            field.setAccessibleDescription(OFFLINE_PASSWORD_HELP)
        self.offline_password.setPlaceholderText(PASSWORD_PLACEHOLDER)
        add_field(
            form,
            "&Offlinelösenord:",
            self.offline_password,
            self.errors[offline_credential.FIELD],
        )
        add_field(
            form, "&Upprepa offlinelösenordet:", self.offline_password_again, self.errors["again"]
        )
        help_label = QLabel(OFFLINE_PASSWORD_HELP)
        help_label.setWordWrap(True)
        form.addRow("", help_label)
        layout.addLayout(form)

        buttons, self.take_button = action_cancel_buttons(self, "&Ta med", self.take_along)
        layout.addWidget(buttons)
        self.case_list.setFocus()

    def chosen_case_ids(self) -> list:
        return [
            self.case_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.case_list.count())
            if self.case_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def take_along(self) -> None:
        for error in self.errors.values():
            error.set_message("")
        case_ids = self.chosen_case_ids()
        due_on = self.due_on.value()
        passphrase = self._passphrase
        context = self.context
        offline_password = self.offline_password.text()
        if due_on is None:
            self.errors["due_on"].set_message("Fyll i den sista dagen.")
            return
        try:
            # before the passphrase prompt a first check-out brings up
            leases.check_selection(case_ids, due_on)
        except ValidationFailed as exc:
            self._show_errors(exc)
            return
        if offline_password != self.offline_password_again.text():
            self.errors["again"].set_message("Offlinelösenorden är inte lika.")
            self.offline_password_again.setFocus()
            return

        def work(report):
            return context.call_with_replica(
                lambda server, local, actor: checkout.check_out(
                    server,
                    local,
                    actor,
                    case_ids,
                    due_on=due_on,
                    offline_password=offline_password or None,
                    progress=lambda step, total: report(step * 100 // total),
                ),
                passphrase=passphrase,
            )

        self.take_button.setEnabled(False)
        run_in_background(
            self,
            work,
            on_done=self._taken,
            on_error=self._failed,
            label="Kopierar ärendena till datorn …",
            maximum=100,
        )

    def _taken(self, result: CheckOutResult) -> None:
        self.take_button.setEnabled(True)
        self.result_value = result
        count = len(result.leases)
        if count == 1:
            cases, out = "1 ärende finns nu krypterat", "utcheckat"
        else:
            cases, out = f"{count} ärenden finns nu krypterade", "utcheckade"
        QMessageBox.information(
            self,
            "Ta med på hembesök",
            f"{cases} på datorn, {out} till och med "
            f"{formatting.long_date(result.leases[0].due_on)}.",
        )
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.take_button.setEnabled(True)
        if isinstance(error, PassphraseNeeded):
            self._passphrase = ask_passphrase(self, error)
            if self._passphrase is not None:
                self.take_along()
            return
        if isinstance(error, ReplicaLocked):
            self._passphrase = None
        if isinstance(error, ValidationFailed):
            self._show_errors(error)
            return
        show_error(self, error)

    def _show_errors(self, error: ValidationFailed) -> None:
        for key, message in error.field_errors.items():
            self.errors.get(key, self.errors["cases"]).set_message(message)
