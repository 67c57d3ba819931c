"""Nytt ärende: applicant by personnummer, household members, the application."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.cases import case_register
from app.cases.case_register import NewCase, PersonInput
from app.common import clock, code_lists
from app.common.errors import ValidationFailed
from app.common.identity_number import InvalidIdentityNumber, parse_identity_number
from app.common.periods import month_start
from app.intake import inbox
from app.models import DecisionKind, MemberRole
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField, DateTimeField
from app.ui.widgets.messages import FieldError, add_field, user_message
from app.ui.widgets.unsaved_changes import input_snapshot

_MEMBER_ROLES = [MemberRole.CHILD, MemberRole.CO_APPLICANT, MemberRole.OTHER]
_FIELD_NAMES = {
    "personal_number": "personnummer",
    "first_name": "förnamn",
    "last_name": "efternamn",
}


def _describe(field: str) -> str:
    """'member.0.first_name' -> 'Hushållsmedlem 1, förnamn'."""
    parts = field.split(".")
    if parts[0] == "applicant":
        return f"Sökande, {_FIELD_NAMES.get(parts[1], parts[1])}"
    if parts[0] == "member" and len(parts) == 3:
        return f"Hushållsmedlem {int(parts[1]) + 1}, {_FIELD_NAMES.get(parts[2], parts[2])}"
    return ""


def _required(field: QLineEdit, label: str) -> str:
    return "" if field.text().strip() else f"{label} måste fyllas i."


class ApplicantPage(QWizardPage):
    def __init__(self, wizard: NewCaseWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("Sökande")
        self.setSubTitle("Börja med sökandens personnummer eller samordningsnummer.")
        form = QFormLayout(self)
        self.personal_number = QLineEdit()
        self.personal_number.setObjectName("applicantNumber")
        self.personal_number.setPlaceholderText("ÅÅÅÅMMDD-NNNN")
        self.number_info = QLabel()
        self.number_info.setObjectName("applicantNumberInfo")
        self.number_info.hide()
        self.open_existing = QPushButton("Öppna ärendet")
        self.open_existing.setObjectName("openExistingCase")
        self.open_existing.hide()
        self.open_existing.clicked.connect(wizard.open_existing_case)
        self.existing_case_id: uuid.UUID | None = None
        """The open case the person already is sökande in (after `check_number`)."""
        self.first_name = QLineEdit()
        self.first_name.setObjectName("applicantFirstName")
        self.last_name = QLineEdit()
        self.last_name.setObjectName("applicantLastName")
        self.phone = QLineEdit()
        self.protected = QCheckBox("Skyddade personuppgifter (adressen visas och skrivs inte ut)")
        self.errors = {
            name: FieldError() for name in ("personal_number", "first_name", "last_name")
        }
        self.errors["personal_number"].setObjectName("applicantNumberError")
        number_box = QWidget()
        number_column = QVBoxLayout(number_box)
        number_column.setContentsMargins(0, 0, 0, 0)
        number_column.addWidget(self.personal_number)
        number_column.addWidget(self.number_info)
        number_column.addWidget(self.open_existing, 0, Qt.AlignmentFlag.AlignLeft)
        add_field(
            form,
            "&Personnummer:",
            number_box,
            self.errors["personal_number"],
            buddy=self.personal_number,
            check=self._number_problem,
        )
        add_field(
            form,
            "&Förnamn:",
            self.first_name,
            self.errors["first_name"],
            check=lambda: _required(self.first_name, "Förnamn"),
        )
        add_field(
            form,
            "&Efternamn:",
            self.last_name,
            self.errors["last_name"],
            check=lambda: _required(self.last_name, "Efternamn"),
        )
        add_field(form, "&Telefon:", self.phone)
        form.addRow("", self.protected)
        self.personal_number.editingFinished.connect(self.check_number)
        self.personal_number.textChanged.connect(lambda _text: self._show_existing(None))

    def _number_problem(self) -> str:
        """What is wrong with the personnummer as typed (the register is asked only when
        the user leaves the field)."""
        try:
            parse_identity_number(self.personal_number.text())
        except InvalidIdentityNumber as exc:
            return str(exc)
        return ""

    def check_number(self) -> bool:
        self.errors["personal_number"].set_message("")
        self._show_info("")
        self._show_existing(None)
        try:
            number = parse_identity_number(self.personal_number.text())
        except InvalidIdentityNumber as exc:
            self.errors["personal_number"].set_message(str(exc))
            return False
        kind = "Samordningsnummer" if number.is_coordination_number else "Personnummer"
        sex = "kvinna" if number.sex == "K" else "man"
        info = f"{kind} {number.display}: {sex}, född {number.birth_date.isoformat()}."
        try:
            known = self.owner.context.call(
                lambda s, a: case_register.lookup_person(s, a, number.digits)
            )
        except Exception as exc:
            self.errors["personal_number"].set_message(user_message(exc))
            return False
        if known is not None:
            self.first_name.setText(known.first_name)
            self.last_name.setText(known.last_name)
            self.protected.setChecked(known.protected_identity)
            info += " Personen finns redan i registret."
            if known.open_case_number:
                self.errors["personal_number"].set_message(
                    f"Personen är redan sökande i det öppna ärendet {known.open_case_number}."
                )
                self._show_info(info)
                self._show_existing(known.open_case_id)
                self.open_existing.setText(f"Öppna ärendet {known.open_case_number}")
                return False
        self._show_info(info)
        return True

    def _show_info(self, text: str) -> None:
        self.number_info.setText(text)
        self.number_info.setVisible(bool(text))

    def _show_existing(self, case_id: uuid.UUID | None) -> None:
        self.existing_case_id = case_id
        self.open_existing.setVisible(case_id is not None)

    def validatePage(self) -> bool:
        ok = self.check_number()
        for name, widget, label in (
            ("first_name", self.first_name, "Förnamn"),
            ("last_name", self.last_name, "Efternamn"),
        ):
            problem = _required(widget, label)
            self.errors[name].set_message(problem)
            ok = ok and not problem
        return ok

    def person(self) -> PersonInput:
        return PersonInput(
            self.personal_number.text(),
            self.first_name.text(),
            self.last_name.text(),
            MemberRole.APPLICANT,
            protected_identity=self.protected.isChecked(),
            phone=self.phone.text(),
        )


class HouseholdPage(QWizardPage):
    def __init__(self):
        super().__init__()
        self.setTitle("Hushåll")
        self.setSubTitle("Lägg till medsökande och barn. Umgängesbarn bor delvis i hushållet.")
        layout = QVBoxLayout(self)
        self.members = QTableWidget(0, 5)
        self.members.setAccessibleName("Hushållsmedlemmar")
        self.members.setObjectName("householdMembers")
        self.members.setHorizontalHeaderLabels(
            ["Personnummer", "Förnamn", "Efternamn", "Roll", "Umgängesbarn"]
        )
        self.members.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.members)
        row_buttons = QHBoxLayout()
        add = QPushButton("&Lägg till person")
        add.setObjectName("addMember")
        remove = QPushButton("Ta &bort person")
        add.clicked.connect(lambda: self.add_member())
        remove.clicked.connect(lambda: self.members.removeRow(self.members.currentRow()))
        row_buttons.addWidget(add)
        row_buttons.addWidget(remove)
        row_buttons.addStretch()
        layout.addLayout(row_buttons)
        self.members_error = FieldError()
        self.members_error.setObjectName("membersError")
        self.members_error.follow(self.members, self._member_problems)
        layout.addWidget(self.members_error)
        form = QFormLayout()
        self.street = QLineEdit()
        self.postal_code = QLineEdit()
        self.city = QLineEdit()
        self.housing = QComboBox()
        self.housing.addItem("– välj –", "")
        for code in code_lists.codes(code_lists.HOUSING_TYPE):
            self.housing.addItem(code.label, code.code)
        form.addRow("&Gatuadress:", self.street)
        form.addRow("Post&nummer:", self.postal_code)
        form.addRow("&Ort:", self.city)
        form.addRow("Boende&form:", self.housing)
        layout.addLayout(form)

    def add_member(
        self,
        number: str = "",
        first: str = "",
        last: str = "",
        role: MemberRole = MemberRole.CHILD,
        visiting: bool = False,
    ) -> int:
        row = self.members.rowCount()
        self.members.insertRow(row)
        for column, text in enumerate((number, first, last)):
            self.members.setItem(row, column, QTableWidgetItem(text))
        role_box = QComboBox()
        role_box.setAccessibleName("Roll")  # the table's column titles are not the box's label
        for member_role in _MEMBER_ROLES:
            role_box.addItem(member_role.label, member_role)
        role_box.setCurrentIndex(_MEMBER_ROLES.index(role))
        self.members.setCellWidget(row, 3, role_box)
        visiting_box = QCheckBox()
        visiting_box.setAccessibleName("Umgängesbarn")
        visiting_box.setChecked(visiting)
        self.members.setCellWidget(row, 4, visiting_box)
        self.members.setCurrentCell(row, 0)
        return row

    def people(self) -> list[PersonInput]:
        people = []
        for row in range(self.members.rowCount()):
            texts = [(item.text() if (item := self.members.item(row, c)) else "") for c in range(3)]
            if not any(t.strip() for t in texts):
                continue
            role = self.members.cellWidget(row, 3).currentData()
            visiting = self.members.cellWidget(row, 4).isChecked()
            people.append(
                PersonInput(
                    texts[0],
                    texts[1],
                    texts[2],
                    role,
                    visiting_child=visiting and role is MemberRole.CHILD,
                )
            )
        return people

    def validatePage(self) -> bool:
        problems = self._member_problems()
        self.members_error.set_message(problems)
        return not problems

    def _member_problems(self) -> str:
        problems = []
        for index, person in enumerate(self.people()):
            try:
                parse_identity_number(person.personal_number)
            except InvalidIdentityNumber as exc:
                problems.append(f"Rad {index + 1}: {exc}")
            if not person.first_name.strip() or not person.last_name.strip():
                problems.append(f"Rad {index + 1}: för- och efternamn måste fyllas i.")
        return "\n".join(problems)


class ApplicationPage(QWizardPage):
    def __init__(self, wizard: NewCaseWizard):
        super().__init__()
        self.owner = wizard
        self.setTitle("Ansökan")
        self.setSubTitle("När och hur kom ansökan in, och vilken period gäller den?")
        form = QFormLayout(self)
        now = clock.now().astimezone(clock.STOCKHOLM)
        self.received = DateTimeField(now.replace(second=0, microsecond=0, tzinfo=None))
        self.channel = QComboBox()
        for code in code_lists.codes(code_lists.APPLICATION_CHANNEL):
            self.channel.addItem(code.label, code.code)
        self.kind = QComboBox()
        self.kind.setObjectName("applicationKind")
        for kind in DecisionKind:
            self.kind.addItem(kind.label, kind.value)
        self.period_start = DateField(month_start(clock.today()))
        self.period_end = DateField(None, optional=True)
        self.responsible = QComboBox()
        self.responsible.setObjectName("responsible")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(60)
        self.error = FieldError()
        self.error.setObjectName("wizardError")
        form.addRow("&Inkom:", self.received)
        form.addRow("&Ansökningssätt:", self.channel)
        form.addRow("Ansökan &om:", self.kind)
        form.addRow("Period &från:", self.period_start)
        form.addRow("Period &till:", self.period_end)
        form.addRow("Ansvarig &handläggare:", self.responsible)
        form.addRow("Antec&kning:", self.note)
        form.addRow(self.error)

    def initializePage(self) -> None:
        self.responsible.clear()
        actor = self.owner.context.logged_in
        caseworkers = self.owner.context.call(case_register.unit_caseworkers)
        if actor.is_manager:
            self.responsible.addItem("Ej tilldelad ännu", None)
        # ids as text: QComboBox.findData cannot compare Python UUID objects
        for user_id, name in caseworkers:
            self.responsible.addItem(name, str(user_id))
        own = self.responsible.findData(str(actor.id))
        if own >= 0:
            self.responsible.setCurrentIndex(own)

    def validatePage(self) -> bool:
        return self.owner.create()


class NewCaseWizard(QWizard):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        from_delivery: uuid.UUID | None = None,
    ):
        """`from_delivery`: an e-ansökan of the unit's inbox (app.intake.inbox): the wizard
        opens filled in with its household, and the case is registered with it as its first
        application (received at its arrival, through the e-service)."""
        super().__init__(parent)
        self.context = context
        self.from_delivery = from_delivery
        self.created_case_id: uuid.UUID | None = None
        self.existing_case_id: uuid.UUID | None = None
        """The open case the user chose to open instead ("Öppna ärendet")."""
        self.setWindowTitle("Nytt ärende")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Nästa >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Tillbaka")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Registrera ärendet")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Avbryt")
        self.resize(720, 560)
        self.applicant_page = ApplicantPage(self)
        self.household_page = HouseholdPage()
        self.application_page = ApplicationPage(self)
        pages = (self.applicant_page, self.household_page, self.application_page)
        for number, page in enumerate(pages, start=1):
            page.setTitle(f"Steg {number} av {len(pages)}: {page.title()}")
            self.addPage(page)
        if from_delivery is not None:
            self._fill_from(context.call(lambda s, a: inbox.new_case_data(s, a, from_delivery)))
        self._untouched = input_snapshot(self)

    def _fill_from(self, data: NewCase) -> None:
        self.setWindowTitle("Nytt ärende från e-ansökan")
        applicant = self.applicant_page
        applicant.personal_number.setText(data.applicant.personal_number)
        applicant.first_name.setText(data.applicant.first_name)
        applicant.last_name.setText(data.applicant.last_name)
        for member in data.members:
            self.household_page.add_member(
                member.personal_number, member.first_name, member.last_name, member.role
            )
        page = self.application_page
        if data.received_at is not None:
            local = data.received_at.astimezone(clock.STOCKHOLM)
            page.received.set_value(local.replace(second=0, microsecond=0, tzinfo=None))
        page.channel.setCurrentIndex(page.channel.findData(data.channel))
        if data.period_start is not None:
            page.period_start.set_value(data.period_start)
        page.period_end.set_value(data.period_end)
        # what the e-service delivered: the arrival, the channel, the period and the kind
        for field in (page.received, page.period_start, page.period_end):
            field.setReadOnly(True)
        page.channel.setEnabled(False)
        page.kind.setEnabled(False)
        page.setSubTitle(
            "Ansökan kom in via e-tjänsten; tiden och perioden är e-ansökans egna. Bevakningen "
            "av första återkoppling räknas från när den kom in."
        )

    def reject(self) -> None:
        """Avbryt, Esc or the window's close: with something typed, asked first (a stray Esc
        would lose a registration half done); "Öppna ärendet" closes without asking."""
        if (
            self.existing_case_id is None
            and input_snapshot(self) != self._untouched
            and QMessageBox.question(
                self,
                "Avbryta registreringen?",
                "Det du har skrivit in om det nya ärendet sparas inte. Vill du avbryta ändå?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        super().reject()

    def open_existing_case(self) -> None:
        """Close the wizard; the main window opens the case the person is sökande in."""
        self.existing_case_id = self.applicant_page.existing_case_id
        if self.existing_case_id is not None:
            self.reject()

    def new_case(self) -> NewCase:
        household, application = self.household_page, self.application_page
        received = application.received.value()
        return NewCase(
            applicant=self.applicant_page.person(),
            members=household.people(),
            street_address=household.street.text(),
            postal_code=household.postal_code.text(),
            city=household.city.text(),
            housing_type=household.housing.currentData(),
            received_at=received.replace(tzinfo=clock.STOCKHOLM),
            channel=application.channel.currentData(),
            period_start=application.period_start.value(),
            period_end=application.period_end.value(),
            kind=DecisionKind(application.kind.currentData()),
            responsible_user_id=uuid.UUID(responsible)
            if (responsible := application.responsible.currentData())
            else None,
            note=application.note.toPlainText(),
        )

    def create(self) -> bool:
        data = self.new_case()
        delivery = self.from_delivery
        try:
            if delivery is not None:
                case = self.context.call(
                    lambda s, a: inbox.create_case_from_delivery(s, a, delivery, data)
                )
            else:
                case = self.context.call(lambda s, a: case_register.create_case(s, a, data))
        except ValidationFailed as exc:
            lines = []
            for field, message in exc.field_errors.items():
                where = _describe(field)
                lines.append(f"{where}: {message}" if where else message)
            self.application_page.error.set_message("\n".join(lines))
            return False
        except Exception as exc:
            self.application_page.error.set_message(user_message(exc))
            return False
        self.created_case_id = case.id
        return True
