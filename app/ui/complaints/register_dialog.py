"""Registrera en synpunkt: what the person said, when and how it came in, its themes, who
sent it (or anonymous), whether she wants an answer, a linked case, lex Sarah."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.common import clock, code_lists
from app.common.errors import ValidationFailed
from app.complaints import complaint_register
from app.complaints.complaint_register import NewComplaint
from app.models import FeedbackKind, LexSarah, ReceivedVia
from app.settings import registry, stored_settings
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error
from app.ui.widgets.screen_fit import keep_on_screen, scrollable


def text_box(name: str, height: int = 70) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)  # Tab goes on to the next field: keyboard only
    box.setMinimumHeight(height)
    return box


class RegisterComplaintDialog(QDialog):
    def __init__(
        self, context: AppContext, parent: QWidget | None = None, *, case_number: str = ""
    ):
        super().__init__(parent)
        self.context = context
        self.registered_number = ""
        self.setWindowTitle("Registrera synpunkt")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Alla synpunkter är värdefulla. Skriv ned vad personen framförde med hennes egna "
            "ord så långt det går. Chefen på enheten handlägger och besvarar synpunkten."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        page = QWidget()
        page.setObjectName("registerPage")
        form = QFormLayout(page)
        self.errors: dict[str, FieldError] = {}

        def error(name: str) -> FieldError:
            self.errors[name] = FieldError()
            return self.errors[name]

        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        for kind in FeedbackKind:
            self.kind.addItem(kind.label, kind)
        add_field(form, "&Typ:", self.kind)
        self.received_on = DateField(clock.today())
        self.received_on.setObjectName("receivedOn")
        add_field(form, "&Kom in:", self.received_on, error("received_on"))
        self.received_via = QComboBox()
        self.received_via.setObjectName("receivedVia")
        for via in ReceivedVia:
            self.received_via.addItem(via.label, via)
        add_field(form, "Kom in &via:", self.received_via)

        themes = QWidget()
        grid = QGridLayout(themes)
        grid.setContentsMargins(0, 0, 0, 0)
        self.themes: dict[str, QCheckBox] = {}
        for index, code in enumerate(code_lists.codes(code_lists.COMPLAINT_THEME)):
            box = QCheckBox(code.label)
            box.setObjectName(f"theme_{code.code}")
            box.setAccessibleName(f"Tema {code.label}")
            grid.addWidget(box, index // 4, index % 4)
            self.themes[code.code] = box
        theme_label = add_field(form, "T&ema (minst ett):", themes, error("themes"))
        theme_label.setBuddy(next(iter(self.themes.values())))
        self.errors["themes"].follow(next(iter(self.themes.values())))

        self.description = text_box("description", 110)
        add_field(form, "&Vad personen framförde:", self.description, error("description"))
        self.sender_name = QLineEdit()
        self.sender_name.setObjectName("senderName")
        self.sender_name.setMaxLength(complaint_register.NAME_LIMIT)
        self.sender_name.setPlaceholderText("Lämna tomt om personen är anonym")
        add_field(form, "&Namn:", self.sender_name, error("sender_name"))
        self.sender_address = text_box("senderAddress", 50)
        add_field(form, "&Adress för svar:", self.sender_address, error("sender_address"))
        self.wants_answer = QCheckBox("Personen vill ha svar")
        self.wants_answer.setObjectName("wantsAnswer")
        self.wants_answer.setChecked(True)
        add_field(form, "Sva&r:", self.wants_answer, error("wants_answer"))
        self.case_number = QLineEdit(case_number)
        self.case_number.setObjectName("caseNumber")
        self.case_number.setMaxLength(20)
        self.case_number.setPlaceholderText("EB-ÅÅÅÅ-NNNNNN, om synpunkten gäller ett ärende")
        add_field(form, "Ä&rende:", self.case_number, error("case_number"))
        self.concerns = QComboBox()
        self.concerns.setObjectName("concerns")
        self.concerns.addItem("Ingen särskild", None)
        for user_id, name in context.call(complaint_register.unit_staff):
            self.concerns.addItem(name, user_id)
        add_field(form, "&Gäller handläggare:", self.concerns, error("concerns_user_id"))
        self.lex_sarah = QComboBox()
        self.lex_sarah.setObjectName("lexSarah")
        self.lex_sarah.addItem("Nej", None)
        for sarah in LexSarah:
            self.lex_sarah.addItem(sarah.label, sarah)
        self.lex_sarah_hint = QLabel()
        self.lex_sarah_hint.setObjectName("lexSarahHint")
        self.lex_sarah_hint.setWordWrap(True)
        self.lex_sarah_hint.setStyleSheet("background: #fff3cd; padding: 4px;")
        lex_box = QWidget()
        lex_column = QVBoxLayout(lex_box)
        lex_column.setContentsMargins(0, 0, 0, 0)
        lex_column.addWidget(self.lex_sarah)
        lex_column.addWidget(self.lex_sarah_hint)
        add_field(form, "&Lex Sarah-rapport:", lex_box, buddy=self.lex_sarah)
        self.lex_sarah_function = context.call(
            lambda s, _a: stored_settings.get_text(s, registry.LEX_SARAH_FUNCTION)
        )
        self.lex_sarah.currentIndexChanged.connect(self._lex_sarah_changed)
        self._lex_sarah_changed()
        layout.addWidget(scrollable(page, "Synpunkten"))
        buttons, self.register_button = action_cancel_buttons(self, "Re&gistrera", self.register)
        layout.addWidget(buttons)
        self.sender_name.textChanged.connect(self._anonymous_changed)
        self._anonymous_changed("")
        self.resize(900, 700)
        keep_on_screen(self)
        self.kind.setFocus()

    def _lex_sarah_changed(self, *_index: int) -> None:
        """Where the rapport goes, as soon as it is chosen: it is due the same day."""
        chosen = self.lex_sarah.currentData() is not None
        where = self.lex_sarah_function or (
            "den funktion som nämnden har utsett (ingen är angiven i programmet)"
        )
        self.lex_sarah_hint.setText(
            f"Rapporten ska lämnas i dag till {where}. Chefen ser den som en bevakning tills "
            "det är registrerat att den är lämnad."
        )
        self.lex_sarah_hint.setVisible(chosen)

    def _anonymous_changed(self, name: str) -> None:
        """No name: anonymous, no address and no answer. A name typed: an answer is
        offered (ticked again once, when the name comes)."""
        anonymous = not name.strip()
        if not anonymous and not self.wants_answer.isEnabled():
            self.wants_answer.setChecked(True)
        self.sender_address.setEnabled(not anonymous)
        if anonymous:
            self.wants_answer.setChecked(False)
        self.wants_answer.setEnabled(not anonymous)

    def data(self) -> NewComplaint:
        return NewComplaint(
            kind=self.kind.currentData(),
            received_on=self.received_on.value() or clock.today(),
            received_via=self.received_via.currentData(),
            themes=[code for code, box in self.themes.items() if box.isChecked()],
            description=self.description.toPlainText(),
            case_number=self.case_number.text(),
            concerns_user_id=self.concerns.currentData(),
            sender_name=self.sender_name.text(),
            sender_address=self.sender_address.toPlainText(),
            wants_answer=self.wants_answer.isChecked(),
            lex_sarah=self.lex_sarah.currentData(),
        )

    def register(self) -> None:
        for message in self.errors.values():
            message.set_message("")
        if self.received_on.text_error():
            self.received_on.setFocus()
            return
        data = self.data()
        try:
            self.registered_number = self.context.call(
                lambda s, a: complaint_register.register(s, a, data).number
            )
        except ValidationFailed as exc:
            first = None
            for field, text in exc.field_errors.items():
                target = self.errors.get(field)
                if target is not None:
                    target.set_message(text)
                    first = first or field
            if first is None:
                show_error(self, exc)
            else:
                self._focus(first)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.accept()

    def _focus(self, field: str) -> None:
        widget = {
            "received_on": self.received_on,
            "themes": next(iter(self.themes.values())),
            "description": self.description,
            "sender_name": self.sender_name,
            "sender_address": self.sender_address,
            "wants_answer": self.sender_name,
            "case_number": self.case_number,
            "concerns_user_id": self.concerns,
        }.get(field)
        if widget is not None:
            widget.setFocus()
