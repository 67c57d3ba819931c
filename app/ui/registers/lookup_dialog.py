"""Hämta registeruppgifter: ask the register service about a person in the case's household
for a month and a purpose (app.registers.lookups). The question runs off the GUI thread; a
fault of the service (no answer in time, an unknown personnummer, a partial answer naming the
sources that did not answer, the service unavailable) is said in the dialog, which stays open
so that the question can be asked again. An answer becomes a signed journal entry."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date

import shiboken6
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.cases.case_overview import MemberView
from app.common import clock
from app.common.errors import ValidationFailed
from app.common.formatting import month_name
from app.common.periods import month_start
from app.registers import lookups
from app.registers.lookups import Lookup
from app.registers.register_service import MAX_MONTHS, MonthRange
from app.ui.context import AppContext
from app.ui.widgets.background import run_in_background
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, user_message


def recent_months(today: date, count: int = MAX_MONTHS) -> list[date]:
    """This month and the months before it, newest first (the registers know no later)."""
    found, month = [], month_start(today)
    for _ in range(count):
        found.append(month)
        month = month_start(date.fromordinal(month.toordinal() - 1))
    return found


class RegisterLookupDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        case_id: uuid.UUID,
        members: Sequence[MemberView],
        parent: QWidget | None = None,
        *,
        on_done: Callable[[Lookup], None] | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self._on_done = on_done
        self.lookup: Lookup | None = None
        self.setWindowTitle("Hämta registeruppgifter")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Registren (Försäkringskassan, Arbetsförmedlingen, a-kassan, CSN, "
            "Pensionsmyndigheten och Skatteverket) frågas om en persons inkomster och "
            "ersättningar under en månad. Vem som frågade, om vem, varför och när loggas. "
            "Svaret sparas i journalen som en signerad anteckning och kan inte ändras."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.errors = {name: FieldError() for name in ("person", "period", "purpose")}
        self.person = QComboBox()
        self.person.setObjectName("lookupPerson")
        for member in members:
            self.person.addItem(
                f"{member.name} ({member.personal_number}), {member.role.label.lower()}",
                member.person_id,
            )
        add_field(form, "&Person i hushållet:", self.person, self.errors["person"])
        self.month = QComboBox()
        self.month.setObjectName("lookupMonth")
        for month in recent_months(clock.today()):
            self.month.addItem(month_name(month), month)
        add_field(form, "&Månad:", self.month, self.errors["period"])
        self.purpose = QComboBox()
        self.purpose.setObjectName("lookupPurpose")
        for code in lookups.purposes():
            self.purpose.addItem(code.label, code.code)
        self.purpose.setCurrentIndex(-1)
        self.purpose.setPlaceholderText("Välj varför uppgifterna behövs …")
        add_field(form, "&Ändamål:", self.purpose, self.errors["purpose"])
        layout.addLayout(form)
        self.message = QLabel()
        """What went wrong with the question, in the service's words (what to do)."""
        self.message.setObjectName("lookupMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#b00020;")
        self.message.hide()
        layout.addWidget(self.message)
        buttons, self.ask_button = action_cancel_buttons(self, "&Hämta", self.ask)
        self.ask_button.setObjectName("lookupAsk")
        layout.addWidget(buttons)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        self.adjustSize()  # room for the message, the intro whole

    def ask(self) -> None:
        for error in self.errors.values():
            error.set_message("")
        self._say("")
        person_id = self.person.currentData()
        month = self.month.currentData()
        purpose = self.purpose.currentData() or ""
        case_id = self.case_id
        context = self.context
        self.ask_button.setEnabled(False)

        def done(lookup: Lookup) -> None:
            if not shiboken6.isValid(self):
                return
            self.ask_button.setEnabled(True)
            if lookup.fault is not None:
                self._say(str(lookup.fault))
                return
            self.lookup = lookup
            if self._on_done is not None:
                self._on_done(lookup)
            self.accept()

        def failed(exc: Exception) -> None:
            if not shiboken6.isValid(self):
                return
            self.ask_button.setEnabled(True)
            if isinstance(exc, ValidationFailed):
                rest = []
                for field, text in exc.field_errors.items():
                    if field in self.errors:
                        self.errors[field].set_message(text)
                    else:
                        rest.append(text)
                self._say(" ".join(rest))
                return
            self._say(user_message(exc))

        run_in_background(
            self,
            lambda _report: context.call(
                lambda s, a: lookups.look_up(
                    s, a, case_id, person_id, MonthRange.of(month), purpose
                )
            ),
            on_done=done,
            on_error=failed,
            label="Frågar registren …",
        )
