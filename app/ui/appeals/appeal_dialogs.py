"""The appeal register's dialogs: register an appeal, its withdrawal, the rättidsprövning,
the omprövning and the avvisning of a late appeal (its letter previewed before signing,
archived after).
Errors stay in the dialog next to their field; nothing typed is lost."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.appeals import appeal_register, dismissal
from app.appeals.appeal_register import AppealInput, AppealRow
from app.common.errors import ValidationFailed
from app.common.formatting import long_date
from app.deadlines import after_decision_rules
from app.models import Appellant, Reconsideration, Timeliness
from app.printing.appeal_dismissal_letter import render_dismissal_letter
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import action_cancel_buttons, save_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error
from app.ui.widgets.pdf_preview import preview_pdf


def _uuid(data: object) -> uuid.UUID | None:
    """A combo box's item data: ids are kept as text (Qt compares text in findData)."""
    return uuid.UUID(str(data)) if data else None


def _text_box(name: str, height: int = 90) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    return box


class _ServiceDialog(QDialog):
    """A dialog whose save calls one service: its ValidationFailed messages go under the
    fields they name, anything else to a message box."""

    def __init__(
        self,
        context: AppContext,
        title: str,
        parent: QWidget | None,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self._on_saved = on_saved
        """Called after a save went through (the owner reloads)."""
        self.setWindowTitle(title)
        self.setMinimumWidth(600)
        self.errors: dict[str, FieldError] = {}
        self.general_error = FieldError()

    def error(self, name: str) -> FieldError:
        return self.errors.setdefault(name, FieldError())

    def run(self, work, on_success: Callable[[object], None] | None = None) -> bool:
        for error in (*self.errors.values(), self.general_error):
            error.set_message("")
        if any(isinstance(w, DateField) and w.error for w in self.findChildren(DateField)):
            return False  # the date field shows why its text is no date
        try:
            result = self.context.call(work)
        except ValidationFailed as exc:
            for field, message in exc.field_errors.items():
                (self.errors.get(field) or self.general_error).set_message(message)
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        if on_success is not None:
            on_success(result)
        return True

    def saved(self) -> None:
        """Tell the owner something was saved."""
        if self._on_saved is not None:
            self._on_saved()

    def save_and_close(self, work) -> None:
        """Run the save; when it goes through, tell the owner and close the dialog."""
        if self.run(work):
            self.saved()
            self.accept()


class RegisterAppealDialog(_ServiceDialog):
    def __init__(
        self,
        context: AppContext,
        case_id: uuid.UUID,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(context, "Registrera överklagande", parent, on_saved)
        self.case_id = case_id
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.decision = QComboBox()
        self.decision.setObjectName("appealedDecision")
        for choice in context.call(
            lambda s, a: appeal_register.appealable_decisions(s, a, case_id)
        ):
            self.decision.addItem(choice.text, str(choice.id))
        add_field(form, "&Beslut som överklagas:", self.decision, self.error("decision"))
        self.received_on = DateField()
        self.received_on.setObjectName("receivedOn")
        add_field(form, "&Inkom till nämnden:", self.received_on, self.error("received_on"))
        self.received_by_court_on = DateField(optional=True)
        self.received_by_court_on.setObjectName("receivedByCourtOn")
        self.received_by_court_on.setToolTip(
            "Fyll bara i om överklagandet först skickades till förvaltningsrätten."
        )
        add_field(
            form,
            "Inkom till &domstolen först:",
            self.received_by_court_on,
            self.error("received_by_court_on"),
        )
        self.appellant = QComboBox()
        self.appellant.setObjectName("appellant")
        for who in Appellant:
            self.appellant.addItem(who.label, who)
        add_field(form, "&Vem överklagar:", self.appellant)
        self.appellant_name = QLineEdit()
        self.appellant_name.setObjectName("appellantName")
        add_field(form, "&Ombudets namn:", self.appellant_name, self.error("appellant_name"))
        self.claims = _text_box("claims", 120)
        self.claims.setPlaceholderText("Vilken ändring klaganden vill ha, och varför.")
        add_field(form, "Vad &begärs:", self.claims, self.error("claims"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(save_cancel_buttons(self, self.save))
        self.appellant.currentIndexChanged.connect(self._appellant_changed)
        self._appellant_changed()

    def _appellant_changed(self, *_args) -> None:
        self.appellant_name.setEnabled(self.appellant.currentData() == Appellant.REPRESENTATIVE)

    def save(self) -> None:
        data = AppealInput(
            _uuid(self.decision.currentData()),
            self.received_on.value(),
            self.received_by_court_on.value(),
            Appellant(self.appellant.currentData()),
            self.appellant_name.text(),
            self.claims.toPlainText(),
        )
        self.save_and_close(lambda s, a: appeal_register.register_appeal(s, a, self.case_id, data))


class WithdrawalDialog(_ServiceDialog):
    """The appellant återkallade the appeal: the day it was withdrawn."""

    def __init__(
        self,
        context: AppContext,
        row: AppealRow,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(context, "Återkallat överklagande", parent, on_saved)
        self.row = row
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{row.decision_text}. Ett återkallat överklagande prövas inte och lämnas inte "
            "över till domstolen."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.withdrawn_on = DateField()
        self.withdrawn_on.setObjectName("withdrawnOn")
        add_field(form, "&Återkallades:", self.withdrawn_on, self.error("withdrawn_on"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        day = self.withdrawn_on.value()
        self.save_and_close(
            lambda s, a: appeal_register.record_withdrawal(
                s, a, self.row.id, day, expected_version=self.row.version
            )
        )


class TimelinessDialog(_ServiceDialog):
    """The program's proposal with why; the handläggare decides."""

    def __init__(
        self,
        context: AppContext,
        row: AppealRow,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(context, "Rättidsprövning", parent, on_saved)
        self.row = row
        proposal = context.call(lambda s, a: appeal_register.timeliness_proposal(s, a, row.id))
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{row.decision_text}.<br><br><b>Programmets förslag: {proposal.proposed.label}."
            f"</b><br>{proposal.explanation}"
        )
        intro.setObjectName("timelinessProposal")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.decided = QComboBox()
        self.decided.setObjectName("timeliness")
        for value in Timeliness:
            self.decided.addItem(value.label, value)
        chosen = row.timeliness or proposal.proposed
        self.decided.setCurrentIndex(self.decided.findData(chosen))
        add_field(form, "&Bedömning:", self.decided, self.error("timeliness"))
        self.reason = _text_box("timelinessReason", 70)
        self.reason.setPlainText(row.timeliness_reason)
        add_field(form, "&Skäl:", self.reason, self.error("reason"))
        layout.addLayout(form)
        hint = QLabel(
            "Ett skäl behövs när bedömningen skiljer sig från förslaget och när ett "
            "överklagande som kom in för sent ändå inte ska avvisas (felaktig "
            "besvärshänvisning, eller det kom in till domstolen i tid)."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #444;")
        layout.addWidget(hint)
        layout.addWidget(self.general_error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        decided = Timeliness(self.decided.currentData())
        reason = self.reason.toPlainText()
        self.save_and_close(
            lambda s, a: appeal_register.record_timeliness(
                s, a, self.row.id, decided, reason, expected_version=self.row.version
            )
        )


class ReconsiderationDialog(_ServiceDialog):
    """Omprövning: the outcome with a note; a changed decision is a new decision made in the
    decision editor (it replaces the appealed one), linked here once it is signed."""

    new_decision_requested = Signal(object)  # the appealed decision's id

    def __init__(
        self,
        context: AppContext,
        row: AppealRow,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(context, "Omprövning", parent, on_saved)
        self.row = row
        layout = QVBoxLayout(self)
        rule = after_decision_rules.rule(after_decision_rules.RECONSIDERATION)
        intro = QLabel(
            f"{row.decision_text}.<br>{rule.cited()}"
            + ("" if rule.confirmed else " Paragraferna är inte kontrollerade mot lagtexten.")
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.outcome = QComboBox()
        self.outcome.setObjectName("reconsideration")
        for value in Reconsideration:
            self.outcome.addItem(value.label, value)
        self.outcome.setCurrentIndex(
            self.outcome.findData(row.reconsideration) if row.reconsideration else -1
        )
        self.outcome.setPlaceholderText("Välj …")
        add_field(form, "&Resultat:", self.outcome, self.error("outcome"))
        self.reconsidered_on = DateField(row.reconsidered_on)
        self.reconsidered_on.setObjectName("reconsideredOn")
        add_field(form, "&Omprövat den:", self.reconsidered_on, self.error("reconsidered_on"))
        self.note = _text_box("reconsiderationNote", 70)
        self.note.setPlainText(row.reconsideration_note)
        add_field(form, "&Anteckning:", self.note, self.error("note"))
        self.replacing = QComboBox()
        self.replacing.setObjectName("replacingDecision")
        self.replacing.addItem("Inget nytt beslut", None)
        for choice in context.call(lambda s, a: appeal_register.replacing_candidates(s, a, row.id)):
            self.replacing.addItem(choice.text, str(choice.id))
        if row.replacing_decision_id is not None:
            self.replacing.setCurrentIndex(self.replacing.findData(str(row.replacing_decision_id)))
        add_field(form, "&Nytt beslut:", self.replacing, self.error("decision"))
        layout.addLayout(form)
        self.new_decision = QPushButton("Gör ett nytt beslut som &ersätter det överklagade …")
        self.new_decision.setObjectName("newReplacingDecision")
        self.new_decision.setToolTip(
            "Öppnar beslutsredigeraren. Signera beslutet där och koppla det sedan hit."
        )
        self.new_decision.clicked.connect(self._new_decision)
        row_layout = QHBoxLayout()
        row_layout.addWidget(self.new_decision)
        row_layout.addStretch()
        layout.addLayout(row_layout)
        layout.addWidget(self.general_error)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def _new_decision(self) -> None:
        self.new_decision_requested.emit(self.row.decision_id)
        self.reject()

    def save(self) -> None:
        outcome = self.outcome.currentData()
        note = self.note.toPlainText()
        day = self.reconsidered_on.value()
        replacing = _uuid(self.replacing.currentData())
        self.save_and_close(
            lambda s, a: appeal_register.record_reconsideration(
                s,
                a,
                self.row.id,
                Reconsideration(outcome) if outcome is not None else None,
                note,
                reconsidered_on=day,
                replacing_decision_id=replacing,
                expected_version=self.row.version,
            )
        )


class DismissalDialog(_ServiceDialog):
    """The avvisning of a late appeal: the motivering (built from the facts, may be
    edited), the letter previewed before signing, signed by a holder of a delegation to
    avslå, and the archived letter opened again."""

    def __init__(
        self,
        context: AppContext,
        row: AppealRow,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(context, "Avvisningsbeslut", parent, on_saved)
        self.row = row
        letter, may_sign = context.call(
            lambda s, a: (
                dismissal.dismissal_of(s, a, row.id),
                dismissal.may_sign_dismissal(s, a, row.id),
            )
        )
        self.letter_id = letter.id if letter else None
        self.version = letter.version if letter else None
        self.signed = bool(letter and letter.is_signed)
        layout = QVBoxLayout(self)
        self.status = QLabel()
        self.status.setObjectName("dismissalStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        form = QFormLayout()
        self.motivation = _text_box("dismissalMotivation", 160)
        if letter is not None:
            self.motivation.setPlainText(letter.body)
        add_field(form, "&Skäl för beslutet:", self.motivation, self.error("body"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        actions = QHBoxLayout()
        self.preview_button = QPushButton("&Förhandsgranska …")
        self.preview_button.setObjectName("previewDismissal")
        self.preview_button.clicked.connect(self.preview)
        self.open_button = QPushButton("Ö&ppna arkiverat beslut …")
        self.open_button.setObjectName("openDismissal")
        self.open_button.clicked.connect(self.open_archived)
        actions.addWidget(self.preview_button)
        actions.addWidget(self.open_button)
        actions.addStretch()
        layout.addLayout(actions)
        buttons, self.sign_button = action_cancel_buttons(self, "Si&gnera", self.sign)
        self.sign_button.setObjectName("signDismissal")
        layout.addWidget(buttons)
        self.sign_button.setEnabled(may_sign and not self.signed)
        if not may_sign and not self.signed:
            self.sign_button.setToolTip(
                "Du har inte delegation att avslå eller avvisa i den här sortens ärenden. "
                "Spara utkastet och be någon med delegation att signera."
            )
        self._show_state(may_sign)
        if letter is None:  # the motivering built from the facts, to read and edit
            self.run(
                lambda s, a: dismissal.proposed_motivation(s, a, row.id),
                lambda text: self.motivation.setPlainText(str(text)),
            )

    def _show_state(self, may_sign: bool) -> None:
        if self.signed:
            self.status.setText("<b>Avvisningsbeslutet är signerat.</b> Det kan inte ändras.")
            self.motivation.setReadOnly(True)
            self.preview_button.setEnabled(False)
        else:
            self.status.setText(
                "Överklagandet kom in för sent. Skälen nedan är skrivna utifrån datumen; "
                "läs, ändra vid behov och förhandsgranska innan du signerar."
                + ("" if may_sign else " <b>Du har inte delegation att signera avvisningen.</b>")
            )
        self.open_button.setEnabled(self.signed)

    def _save_draft(self) -> bool:
        body = self.motivation.toPlainText()

        def saved(letter) -> None:
            self.letter_id, self.version = letter.id, letter.version

        return self.run(lambda s, a: dismissal.draft_dismissal(s, a, self.row.id, body), saved)

    def preview(self) -> None:
        if not self._save_draft():
            return
        letter_id = self.letter_id
        assert letter_id is not None
        preview_pdf(
            self,
            self.context,
            title="Avvisningsbeslut (utkast)",
            suggested_name="avvisningsbeslut-utkast.pdf",
            gather=lambda s, a: dismissal.dismissal_preview(s, a, letter_id),
            render=render_dismissal_letter,
        )

    def open_archived(self) -> None:
        letter_id = self.letter_id
        if letter_id is None:
            return
        preview_pdf(
            self,
            self.context,
            title="Avvisningsbeslut",
            suggested_name="avvisningsbeslut.pdf",
            gather=lambda s, a: dismissal.archived_dismissal(s, a, letter_id),
            render=lambda pdf: pdf,
        )

    def sign(self) -> None:
        if not self._save_draft():
            return
        letter_id = self.letter_id
        assert letter_id is not None

        def signed(letter) -> None:
            self.signed = True
            self._show_state(True)
            self.sign_button.setEnabled(False)
            self.status.setText(
                f"<b>Avvisningsbeslutet signerades {long_date(letter.decided_on)}.</b> Det "
                "kan inte ändras. Öppna det arkiverade beslutet för att skriva ut det."
            )
            self.saved()

        self.run(
            lambda s, a: dismissal.sign_dismissal(
                s, a, letter_id, render_dismissal_letter, expected_version=self.version
            ),
            signed,
        )
