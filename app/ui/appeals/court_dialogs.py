"""The court panel's dialogs (issue 23): överlämnande with its cover letter, a ruling, the
nämnd's own appeal and a ruling carried out. Each keeps what was typed when the service
refuses it and shows the message beside the field it is about."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.appeals import court_proceedings as court
from app.appeals.court_proceedings import CourtHistory, ForwardingInput, RulingInput, RulingRow
from app.common.errors import ValidationFailed
from app.common.formatting import long_date
from app.deadlines import after_decision_rules as rules
from app.models import CourtInstance, Party, RulingOutcome
from app.printing.forwarding_letter import render_forwarding_letter
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, name_field, show_error
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.read_only import keep_text_readable


def _intro(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class _ServiceDialog(QDialog):
    """Runs the service on the action button; its field errors are shown under the fields,
    other refusals in a message box; the dialog stays open with what was typed."""

    errors: dict[str, FieldError]

    def __init__(self, context: AppContext, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.errors = {}
        self.general = FieldError()

    def error(self, *fields: str) -> FieldError:
        shown = FieldError()
        for field in fields:
            self.errors[field] = shown
        return shown

    def run(self, work: Callable[..., object]) -> bool:
        for shown in self.errors.values():
            shown.set_message("")
        self.general.set_message("")
        try:
            self.context.call(work)
        except ValidationFailed as exc:
            for field, message in exc.field_errors.items():
                target = self.errors.get(field, self.general)
                target.set_message(" ".join(filter(None, (target.text(), message))))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        return True


class ForwardDialog(_ServiceDialog):
    """Överlämna till förvaltningsrätten: the day, the court, the documents ticked, the
    nämnd's position; preview the cover letter, then sign it and record the överlämnande."""

    def __init__(
        self,
        context: AppContext,
        history: CourtHistory,
        court_name: str,
        position: str,
        parent: QWidget | None = None,
    ):
        super().__init__(context, "Överlämna till förvaltningsrätten", parent)
        self.setMinimumWidth(680)
        self.history = history
        layout = QVBoxLayout(self)
        due = long_date(history.forwarding_due)
        layout.addWidget(
            _intro(
                f"Överklagandet kom in {long_date(history.received_on)} och ska vara hos "
                f"förvaltningsrätten senast {due}. Följebrevet signeras av dig och arkiveras."
            )
        )
        form = QFormLayout()
        self.forwarded_on = DateField()
        self.forwarded_on.setObjectName("forwardedOn")
        add_field(form, "Överlämnat &den:", self.forwarded_on, self.error("forwarded_on"))
        self.court = QLineEdit(court_name)
        self.court.setObjectName("court")
        add_field(form, "D&omstol:", self.court, self.error("court"))
        self.documents = QListWidget()
        self.documents.setObjectName("documents")
        for name in court.DEFAULT_DOCUMENTS:
            self._add_document(name)
        documents_box = QWidget()
        column = QVBoxLayout(documents_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.documents)
        add_row = QHBoxLayout()
        self.new_document = QLineEdit()
        self.new_document.setObjectName("newDocument")
        self.new_document.setMaxLength(court.DOCUMENT_LENGTH)
        self.new_document.setPlaceholderText("Annan handling, t.ex. läkarintyg 2026-10-12")
        name_field(self.new_document, "Annan handling")
        # Enter there adds the document; it never signs (the dialog's default button)
        self.new_document.installEventFilter(self)
        self.add_button = QPushButton("&Lägg till")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(self._add_typed)
        add_row.addWidget(self.new_document, 1)
        add_row.addWidget(self.add_button)
        column.addLayout(add_row)
        add_field(
            form,
            "&Handlingar som skickas med:",
            documents_box,
            self.error("documents"),
            buddy=self.documents,
        )
        self.position = QLineEdit(position)
        self.position.setObjectName("position")
        self.position.setMaxLength(court.POSITION_LENGTH)
        add_field(form, "Nämndens &inställning:", self.position, self.error("position"))
        layout.addLayout(form)
        layout.addWidget(self.general)
        rule = rules.rule(rules.FORWARDING)
        layout.addWidget(_intro(f"{rule.text} ({rule.paragraph})"))
        buttons, self.sign_button = action_cancel_buttons(self, "&Signera och överlämna", self.sign)
        self.preview_button = QPushButton("&Förhandsgranska …")
        self.preview_button.setObjectName("previewForwarding")
        self.preview_button.setAutoDefault(False)
        self.preview_button.clicked.connect(self.preview)
        buttons.addButton(self.preview_button, buttons.ButtonRole.ActionRole)
        layout.addWidget(buttons)
        self.signed = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.new_document
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._add_typed()
            return True
        return super().eventFilter(watched, event)

    def _add_document(self, name: str, *, checked: bool = True) -> None:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.documents.addItem(item)

    def _add_typed(self) -> None:
        name = " ".join(self.new_document.text().split())
        if name:
            self._add_document(name)
            self.new_document.clear()

    def chosen_documents(self) -> tuple[str, ...]:
        return tuple(
            self.documents.item(i).text()
            for i in range(self.documents.count())
            if self.documents.item(i).checkState() == Qt.CheckState.Checked
        )

    def given(self) -> ForwardingInput | None:
        day = self.forwarded_on.value()
        if day is None:
            return None
        return ForwardingInput(
            day, self.court.text(), self.chosen_documents(), self.position.text()
        )

    def preview(self) -> None:
        given = self.given()
        if given is None:
            return
        appeal_id = self.history.appeal_id
        try:
            self.context.call(lambda s, a: court.forwarding_preview(s, a, appeal_id, given))
        except ValidationFailed:
            self.run(lambda s, a: court.forwarding_preview(s, a, appeal_id, given))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        preview_pdf(
            self,
            self.context,
            title="Följebrev (utkast)",
            suggested_name="overlamnande-utkast.pdf",
            gather=lambda s, a: court.forwarding_preview(s, a, appeal_id, given),
            render=render_forwarding_letter,
        )

    def sign(self) -> None:
        given = self.given()
        if given is None:
            return
        appeal_id, version = self.history.appeal_id, self.history.version
        if self.run(
            lambda s, a: court.forward(
                s, a, appeal_id, given, render_forwarding_letter, expected_version=version
            )
        ):
            self.signed = True
            self.accept()


class RulingDialog(_ServiceDialog):
    """Registrera dom: instance, day, outcome, who appealed, målnummer, the follow-up day
    (proposed: the ruling's day, for a ruling to carry out) and a note."""

    def __init__(self, context: AppContext, history: CourtHistory, parent: QWidget | None = None):
        super().__init__(context, "Registrera dom", parent)
        self.history = history
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.instance = QComboBox()
        self.instance.setObjectName("instance")
        for instance in court.INSTANCE_ORDER:
            self.instance.addItem(instance.label, instance.value)
        upcoming = history.next_instance or CourtInstance.SUPREME_COURT
        self.instance.setCurrentIndex(court.INSTANCE_ORDER.index(upcoming))
        add_field(form, "&Instans:", self.instance, self.error("instance"))
        self.ruled_on = DateField()
        self.ruled_on.setObjectName("ruledOn")
        add_field(form, "&Meddelad den:", self.ruled_on, self.error("ruled_on"))
        self.outcome = QComboBox()
        self.outcome.setObjectName("outcome")
        add_field(form, "&Utfall:", self.outcome, self.error("outcome"))
        self.appealed_by = QComboBox()
        self.appealed_by.setObjectName("appealedBy")
        for party in Party:
            self.appealed_by.addItem(party.label, party.value)
        add_field(form, "Överklagad &av:", self.appealed_by, self.error("appealed_by"))
        keep_text_readable(self.appealed_by)
        self.case_number = QLineEdit()
        self.case_number.setObjectName("courtCaseNumber")
        self.case_number.setMaxLength(court.CASE_NUMBER_LENGTH)
        add_field(form, "Mål&nummer:", self.case_number, self.error("court_case_number"))
        self.follow_up = DateField(optional=True)
        self.follow_up.setObjectName("followUpDue")
        self.follow_up_label = add_field(
            form, "&Verkställ senast:", self.follow_up, self.error("follow_up_due")
        )
        self.note = QPlainTextEdit()
        self.note.setObjectName("rulingNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        add_field(form, "An&teckning:", self.note, self.error("note"))
        layout.addLayout(form)
        self.hint = _intro("")
        layout.addWidget(self.hint)
        layout.addWidget(self.general)
        buttons, self.save_button = action_cancel_buttons(self, "&Spara", self.save)
        layout.addWidget(buttons)
        self.instance.currentIndexChanged.connect(self._instance_changed)
        self.outcome.currentIndexChanged.connect(self._outcome_changed)
        self.ruled_on.dateChanged.connect(self._outcome_changed)
        self._instance_changed()

    # a combo box keeps an enum as its text: the choices are read back as enums
    def _instance(self) -> CourtInstance:
        return CourtInstance(self.instance.currentData())

    def _outcome(self) -> RulingOutcome:
        return RulingOutcome(self.outcome.currentData())

    def _party(self) -> Party:
        return Party(self.appealed_by.currentData())

    def _instance_changed(self, *_args: object) -> None:
        instance = self._instance()
        chosen = self.outcome.currentData()
        self.outcome.blockSignals(True)
        self.outcome.clear()
        for outcome in RulingOutcome:
            if outcome is RulingOutcome.LEAVE_REFUSED and not instance.needs_leave:
                continue
            self.outcome.addItem(outcome.label, outcome.value)
        index = self.outcome.findData(chosen)
        self.outcome.setCurrentIndex(max(index, 0))
        self.outcome.blockSignals(False)
        if not instance.needs_leave:
            self.appealed_by.setCurrentIndex(self.appealed_by.findData(Party.APPLICANT.value))
        self.appealed_by.setEnabled(instance.needs_leave)  # the applicant's, at förvaltningsrätten
        self._outcome_changed()

    def _outcome_changed(self, *_args: object) -> None:
        instance = self._instance()
        carry_out = court.to_carry_out(instance, self._outcome(), self._party())
        self.follow_up.setEnabled(carry_out)
        day = self.ruled_on.value()
        if carry_out and self.follow_up.value() is None and day is not None:
            self.follow_up.set_value(court.proposed_follow_up(day))
        if not carry_out:
            self.follow_up.set_value(None)
        rule = rules.rule(rules.RULING_ENFORCED if carry_out else rules.LEAVE_TO_APPEAL)
        self.hint.setText(rule.cited() if carry_out or instance.needs_leave else "")

    def given(self) -> RulingInput | None:
        day = self.ruled_on.value()
        if day is None:
            return None
        return RulingInput(
            self._instance(),
            day,
            self._outcome(),
            self._party(),
            self.case_number.text(),
            self.note.toPlainText(),
            self.follow_up.value() if self.follow_up.isEnabled() else None,
        )

    def save(self) -> None:
        given = self.given()
        if given is None:
            return
        appeal_id = self.history.appeal_id
        if self.run(lambda s, a: court.register_ruling(s, a, appeal_id, given)):
            self.accept()


class BoardAppealDialog(_ServiceDialog):
    """Nämndens överklagande of a ruling it lost: "överklagat den …" or "överklagar inte"."""

    def __init__(self, context: AppContext, row: RulingRow, parent: QWidget | None = None):
        super().__init__(context, "Nämndens överklagande", parent)
        self.row = row
        layout = QVBoxLayout(self)
        last = long_date(row.board_appeal_last_day)
        layout.addWidget(
            _intro(
                f"Domen från {row.instance.label.lower()} meddelades "
                f"{long_date(row.ruled_on)} ({row.outcome.label.lower()}). Nämndens "
                f"överklagande ska ha kommit in till domstolen senast {last}."
            )
        )
        rule = rules.rule(rules.BOARD_APPEAL_PERIOD)
        layout.addWidget(_intro(rule.cited()))
        self.appealed = QRadioButton("Nämnden har &överklagat domen")
        self.appealed.setObjectName("boardAppealed")
        self.not_appealed = QRadioButton("Nämnden överklagar &inte")
        self.not_appealed.setObjectName("boardNotAppealed")
        self.appealed.setChecked(True)
        layout.addWidget(self.appealed)
        layout.addWidget(self.not_appealed)
        layout.addWidget(self.error("choice"))
        form = QFormLayout()
        self.day = DateField()
        self.day.setObjectName("boardAppealDay")
        add_field(form, "&Den:", self.day, self.error("day"))
        layout.addLayout(form)
        layout.addWidget(self.general)
        buttons, self.save_button = action_cancel_buttons(self, "&Spara", self.save)
        layout.addWidget(buttons)

    def save(self) -> None:
        day = self.day.value()
        if day is None:
            return
        appealed = self.appealed.isChecked()
        ruling_id, version = self.row.id, self.row.version
        if self.run(
            lambda s, a: court.record_board_appeal(
                s,
                a,
                ruling_id,
                appealed_on=day if appealed else None,
                not_appealed_on=None if appealed else day,
                expected_version=version,
            )
        ):
            self.accept()


class CarriedOutDialog(_ServiceDialog):
    """Verkställt: the signed decision that carries the ruling out, or only the day."""

    NO_DECISION = "Inget beslut behövs – markera som verkställd"

    def __init__(
        self,
        context: AppContext,
        row: RulingRow,
        decisions: list[tuple[uuid.UUID, str]],
        parent: QWidget | None = None,
    ):
        super().__init__(context, "Domen verkställd", parent)
        self.row = row
        layout = QVBoxLayout(self)
        layout.addWidget(
            _intro(
                f"Domen från {row.instance.label.lower()} ({row.outcome.label.lower()}, "
                f"{long_date(row.ruled_on)}) ska verkställas senast "
                f"{long_date(row.follow_up_due)}. Välj beslutet som verkställer den."
            )
        )
        form = QFormLayout()
        self.decision = QComboBox()
        self.decision.setObjectName("followUpDecision")
        for decision_id, label in decisions:
            self.decision.addItem(label, decision_id)
        self.decision.addItem(self.NO_DECISION, None)
        add_field(form, "&Beslut:", self.decision, self.error("decision"))
        self.done_on = DateField(optional=True)
        self.done_on.setObjectName("followUpDoneOn")
        self.done_on.setToolTip("Tomt: beslutets dag.")
        add_field(form, "Verkställd &den:", self.done_on, self.error("done_on"))
        layout.addLayout(form)
        layout.addWidget(self.general)
        buttons, self.save_button = action_cancel_buttons(self, "&Spara", self.save)
        layout.addWidget(buttons)

    def save(self) -> None:
        decision_id = self.decision.currentData()
        done_on = self.done_on.value()
        ruling_id, version = self.row.id, self.row.version
        if self.run(
            lambda s, a: court.record_carried_out(
                s,
                a,
                ruling_id,
                decision_id=decision_id,
                done_on=done_on,
                expected_version=version,
            )
        ):
            self.accept()
