"""One synpunkt: what was said, and the chef's handling — contact, measures, lex Sarah, the
written answer (drafted, previewed, signed, opened again) and closing. A handläggare who may
read it sees it without the handling."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.common import clock
from app.common.errors import ValidationFailed
from app.common.formatting import long_date
from app.complaints import complaint_answer, complaint_register
from app.complaints.complaint_register import ComplaintView, MeasureView
from app.models import LexSarah
from app.printing.complaint_answer_letter import render_complaint_answer
from app.ui.complaints.register_dialog import text_box
from app.ui.context import AppContext, ServiceCall
from app.ui.widgets.date_field import DateField
from app.ui.widgets.messages import FieldError, add_field, show_done, show_error
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.screen_fit import keep_on_screen, scrollable
from app.ui.widgets.table_view import RowTableView

SECRECY_REMINDER = (
    "Skriv bara om ärendet om avsändaren är den som ärendet gäller. Svaret till en anhörig, "
    "en granne eller någon annan får inte avslöja uppgifter om någons ärende (sekretess, "
    "26 kap. 1 § offentlighets- och sekretesslagen). Brevet skriver inte själv ut något ur "
    "ärendet."
)


def _left(button: QPushButton) -> QWidget:
    """A button at its own width at the left of a form row."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    line.addWidget(button)
    line.addStretch()
    return row


def _day(value: Any) -> str:
    return long_date(value) if value else "–"


class ComplaintDialog(QDialog):
    def __init__(self, context: AppContext, complaint_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.complaint_id = complaint_id
        self.changed = False
        self.view: ComplaintView = context.call(
            lambda s, a: complaint_register.view(s, a, complaint_id)
        )
        self.setWindowTitle(f"Synpunkt {self.view.number}")
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.lex_sarah_banner = QLabel()
        self.lex_sarah_banner.setObjectName("lexSarahRouting")
        self.lex_sarah_banner.setWordWrap(True)
        self.lex_sarah_banner.setStyleSheet(
            "background: #fff3cd; border: 1px solid #b8860b; padding: 6px;"
        )
        layout.addWidget(self.lex_sarah_banner)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("complaintTabs")
        layout.addWidget(self.tabs)
        self.facts = QLabel()
        self.facts.setObjectName("facts")
        self.facts.setWordWrap(True)
        facts_page = QWidget()
        facts_page.setObjectName("factsPage")
        facts_column = QVBoxLayout(facts_page)
        facts_column.addWidget(self.facts)
        facts_column.addStretch()
        self.tabs.addTab(scrollable(facts_page, "Synpunkten"), "&1 Synpunkten")
        self.errors: dict[str, FieldError] = {}
        if self.view.may_handle:
            self.tabs.addTab(self._handling_page(), "&2 Handläggning")
            self.tabs.addTab(self._measures_page(), "&3 Åtgärder")
            self.tabs.addTab(self._answer_page(), "&4 Svar")
        elif self.view.answer_signed:
            page = QWidget()
            column = QVBoxLayout(page)
            self.open_signed = QPushButton("Öppna det signerade &svaret")
            self.open_signed.clicked.connect(self.show_signed)
            column.addWidget(self.open_signed)
            column.addStretch()
            self.tabs.addTab(page, "&4 Svar")
        close = QDialogButtonBox()
        close.addButton("Stäng", QDialogButtonBox.ButtonRole.RejectRole)  # Esc closes too
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.resize(1000, 700)
        keep_on_screen(self)
        self._show()

    def error(self, name: str) -> FieldError:
        self.errors[name] = FieldError()
        return self.errors[name]

    # --- pages -----------------------------------------------------------------------------
    def _handling_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("handlingPage")
        column = QVBoxLayout(page)

        contact = QGroupBox("Kontakt med personen")
        form = QFormLayout(contact)
        self.contact_on = DateField(optional=True)
        self.contact_on.setObjectName("contactOn")
        add_field(form, "&Datum:", self.contact_on, self.error("contact_on"))
        self.contact_note = text_box("contactNote", 60)
        add_field(form, "&Anteckning:", self.contact_note, self.error("contact_note"))
        self.save_contact = QPushButton("Spara &kontakten")
        self.save_contact.clicked.connect(self.record_contact)
        form.addRow("", _left(self.save_contact))
        column.addWidget(contact)

        lex = QGroupBox("Lex Sarah")
        form = QFormLayout(lex)
        self.lex_kind = QComboBox()
        self.lex_kind.setObjectName("lexSarahKind")
        for kind in LexSarah:
            self.lex_kind.addItem(kind.label, kind)
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.lex_kind)
        self.mark_button = QPushButton("&Markera som lex Sarah-rapport")
        self.mark_button.clicked.connect(self.mark_lex_sarah)
        line.addWidget(self.mark_button)
        line.addStretch()
        add_field(form, "&Gäller:", row, self.error("lex_sarah"), buddy=self.lex_kind)
        self.reported_on = DateField(clock.today())
        self.reported_on.setObjectName("lexSarahReportedOn")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.reported_on)
        self.reported_button = QPushButton("Registrera att rapporten är &lämnad")
        self.reported_button.clicked.connect(self.record_reported)
        line.addWidget(self.reported_button)
        line.addStretch()
        add_field(
            form,
            "Lä&mnad den:",
            row,
            self.error("lex_sarah_reported_on"),
            buddy=self.reported_on,
        )
        column.addWidget(lex)

        closing = QGroupBox("Avsluta")
        form = QFormLayout(closing)
        self.closing_hint = QLabel()
        self.closing_hint.setWordWrap(True)
        form.addRow(self.closing_hint)
        self.closed_on = DateField(clock.today())
        self.closed_on.setObjectName("closedOn")
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.closed_on)
        self.close_button = QPushButton("A&vsluta synpunkten")
        self.close_button.clicked.connect(self.close_complaint)
        line.addWidget(self.close_button)
        line.addStretch()
        add_field(form, "Handlag&d den:", row, self.error("closed_on"), buddy=self.closed_on)
        self.closing_errors = FieldError()
        form.addRow(self.closing_errors)
        column.addWidget(closing)
        column.addStretch()
        return scrollable(page, "Handläggning")

    def _measures_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("measuresPage")
        column = QVBoxLayout(page)
        column.addWidget(
            QLabel("Åtgärderna som ni har kommit överens om bevakas tills de är klara.")
        )
        self.measure_model = RowTableModel(
            [
                Column("Åtgärd", lambda m: m.description),
                Column("Klar senast", lambda m: _day(m.due_on), lambda m: m.due_on),
                Column("Ansvarig", lambda m: m.responsible),
                Column("Klar", lambda m: _day(m.done_on)),
            ],
            highlight=lambda m: "Åtgärden är försenad." if m.overdue else False,
        )
        self.measures = RowTableView(self.measure_model, name="Åtgärder")
        self.measures.setObjectName("measures")
        column.addWidget(self.measures)
        done_row = QHBoxLayout()
        self.done_on = DateField(clock.today())
        self.done_on.setObjectName("measureDoneOn")
        done_label = QLabel("Kla&r den:")
        done_label.setBuddy(self.done_on)
        self.done_on.setAccessibleName("Klar den")
        self.done_button = QPushButton("Markera vald åtgärd som &klar")
        self.done_button.clicked.connect(self.complete_measure)
        done_row.addWidget(done_label)
        done_row.addWidget(self.done_on)
        done_row.addWidget(self.done_button)
        done_row.addStretch()
        column.addLayout(done_row)
        self.done_error = FieldError()
        column.addWidget(self.done_error)

        new = QGroupBox("Ny åtgärd")
        form = QFormLayout(new)
        self.measure_text = QLineEdit()
        self.measure_text.setObjectName("measureText")
        self.measure_text.setMaxLength(complaint_register.NOTE_LIMIT)
        add_field(form, "Å&tgärd:", self.measure_text, self.error("measure"))
        self.measure_due = DateField(optional=True)
        self.measure_due.setObjectName("measureDue")
        add_field(form, "Klar &senast:", self.measure_due, self.error("due_on"))
        self.measure_responsible = QComboBox()
        self.measure_responsible.setObjectName("measureResponsible")
        self.measure_responsible.addItem(complaint_register.CHEF, None)
        for user_id, name in self.context.call(complaint_register.unit_staff):
            self.measure_responsible.addItem(name, user_id)
        add_field(form, "A&nsvarig:", self.measure_responsible, self.error("responsible"))
        self.add_measure_button = QPushButton("&Lägg till åtgärden")
        self.add_measure_button.clicked.connect(self.add_measure)
        form.addRow("", _left(self.add_measure_button))
        column.addWidget(new)
        return page

    def _answer_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("answerPage")
        column = QVBoxLayout(page)
        self.answer_state = QLabel()
        self.answer_state.setObjectName("answerState")
        self.answer_state.setWordWrap(True)
        column.addWidget(self.answer_state)
        reminder = QLabel(SECRECY_REMINDER)
        reminder.setObjectName("secrecyReminder")
        reminder.setWordWrap(True)
        column.addWidget(reminder)
        form = QFormLayout()
        self.recipient = text_box("recipient", 50)
        self.recipient.setFixedHeight(80)
        self.recipient.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        add_field(form, "&Mottagare:", self.recipient, self.error("recipient"))
        self.answer_body = text_box("answerBody", 200)
        add_field(form, "S&var:", self.answer_body, self.error("body"))
        column.addLayout(form)
        buttons = QHBoxLayout()
        self.save_answer_button = QPushButton("Spara &utkast")
        self.save_answer_button.clicked.connect(lambda: self.save_answer())
        self.preview_button = QPushButton("&Förhandsgranska")
        self.preview_button.clicked.connect(self.preview_answer)
        self.sign_button = QPushButton("Si&gnera och arkivera")
        self.sign_button.clicked.connect(self.sign_answer)
        self.open_signed = QPushButton("&Öppna det signerade svaret")
        self.open_signed.clicked.connect(self.show_signed)
        for button in (self.save_answer_button, self.preview_button, self.sign_button,
                       self.open_signed):  # fmt: skip
            buttons.addWidget(button)
        buttons.addStretch()
        column.addLayout(buttons)
        self.answer_error = FieldError()
        column.addWidget(self.answer_error)
        return scrollable(page, "Svar")

    # --- showing ---------------------------------------------------------------------------
    def _reload(self) -> None:
        self.view = self.context.call(lambda s, a: complaint_register.view(s, a, self.complaint_id))
        self.changed = True
        self._show()

    def _show(self) -> None:
        v = self.view
        status = f"Avslutad {long_date(v.closed_on)}" if v.closed_on else "Öppen"
        self.heading.setText(
            f"<b>{escape(v.number)}</b> · {escape(v.kind.label)} · kom in "
            f"{long_date(v.received_on)} · {status}"
        )
        lex = v.lex_sarah
        self.lex_sarah_banner.setVisible(lex is not None)
        if lex is not None:
            if lex.reported_on is not None:
                state = f"Rapporten lämnades {long_date(lex.reported_on)}."
            elif lex.overdue:
                state = f"FÖRSENAD: skulle ha lämnats {long_date(lex.due_on)}."
            else:
                state = f"Ska lämnas i dag, {long_date(lex.due_on)}."
            self.lex_sarah_banner.setText(
                f"<b>Lex Sarah-rapport: {escape(lex.kind.label)}.</b> {escape(state)}<br>"
                f"{escape(lex.routing_text())}"
            )
        sender = (
            f"{escape(v.sender_name)}<br>{escape(v.sender_address).replace(chr(10), '<br>')}"
            if v.sender_name
            else "Anonym"
        )
        rows = [
            ("Tema", escape(v.theme_labels)),
            ("Kom in via", escape(v.received_via.label)),
            ("Avsändare", sender),
            ("Vill ha svar", "Ja" if v.needs_letter else "Nej"),
            ("Ärende", escape(v.case_number) or "–"),
            ("Gäller handläggare", escape(v.concerns) or "–"),
            ("Registrerad av", escape(v.registered_by)),
            (
                "Kontakt",
                f"{_day(v.contact_on)} {escape(v.contact_note)}" if v.contact_on else "–",
            ),
            ("Vad personen framförde", escape(v.description).replace("\n", "<br>")),
        ]
        self.facts.setText(
            "<table cellpadding='3'>"
            + "".join(f"<tr><td valign='top'><b>{k}</b></td><td>{t}</td></tr>" for k, t in rows)
            + "</table>"
        )
        if not v.may_handle:
            return
        open_ = v.closed_on is None
        self.contact_on.set_value(v.contact_on)
        self.contact_note.setPlainText(v.contact_note)
        for widget in (self.contact_on, self.contact_note, self.save_contact):
            widget.setEnabled(open_)
        reported = lex is not None and lex.reported_on is not None
        self.lex_kind.setEnabled(not reported)
        self.mark_button.setEnabled(not reported)
        if lex is not None:
            self.lex_kind.setCurrentIndex(self.lex_kind.findData(lex.kind))
            self.mark_button.setText("Ä&ndra vad rapporten gäller")
        self.reported_on.setEnabled(lex is not None and not reported)
        self.reported_button.setEnabled(lex is not None and not reported)
        self.closing_hint.setText(
            "Personen vill ha svar: skriv och signera svaret (fliken Svar) innan du avslutar."
            if v.needs_letter
            else "Synpunkten är anonym eller personen vill inte ha svar: inget brev skrivs. "
            "Avsluta när den är handlagd."
        )
        self.closed_on.setEnabled(open_)
        self.close_button.setEnabled(open_)
        self.measure_model.set_rows(v.measures)
        self.measures.fit_columns()
        for input_ in (self.measure_text, self.measure_due, self.add_measure_button):
            input_.setEnabled(open_)
        self._show_answer()

    def _show_answer(self) -> None:
        v = self.view
        if not v.needs_letter:
            self.answer_state.setText(
                "Synpunkten är anonym eller personen vill inte ha svar, så inget brev skrivs."
            )
            for widget in (self.recipient, self.answer_body, self.save_answer_button,
                           self.preview_button, self.sign_button):  # fmt: skip
                widget.setEnabled(False)
            return
        self.open_signed.setVisible(v.answer_signed)
        self.preview_button.setVisible(not v.answer_signed)
        if v.answer_signed:
            self.answer_state.setText("Svaret är signerat och arkiverat. Det kan inte ändras.")
        elif v.answer_id is not None:
            self.answer_state.setText("Utkast: förhandsgranska och signera när svaret är klart.")
        else:
            self.answer_state.setText(
                "Inget svar är skrivet. En inledning och en avslutning är ifyllda; skriv ditt "
                "svar mellan dem."
            )
        if v.answer_id is None:
            self.recipient.setPlainText(f"{v.sender_name}\n{v.sender_address}")
            self.answer_body.setPlainText(
                complaint_answer.suggested_text(v.sender_name, v.received_on)
            )
        else:
            self.recipient.setPlainText(v.answer_recipient)
            self.answer_body.setPlainText(v.answer_body)
        for box in (self.recipient, self.answer_body):
            box.setReadOnly(v.answer_signed)  # still readable, and selectable
        for button in (self.save_answer_button, self.sign_button):
            button.setVisible(not v.answer_signed)  # a signed letter has nothing to save

    # --- actions ---------------------------------------------------------------------------
    def _run(
        self, work: ServiceCall[Any], done: str, fields: dict[str, FieldError] | None = None
    ) -> bool:
        """One change through the service; field messages for bad input; reloaded after."""
        for message in self.errors.values():
            message.set_message("")
        if hasattr(self, "closing_errors"):
            self.closing_errors.set_message("")
            self.answer_error.set_message("")
            self.done_error.set_message("")
        try:
            self.context.call(work)
        except ValidationFailed as exc:
            said: dict[FieldError, list[str]] = {}
            for field, text in exc.field_errors.items():
                target = (fields or {}).get(field) or self.errors.get(field)
                if target is not None:
                    said.setdefault(target, []).append(text)
            for target, texts in said.items():  # two reasons under one field: both told
                target.set_message(" ".join(texts))
            if not said:
                show_error(self, exc)
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self._reload()
        show_done(self, done)
        return True

    def record_contact(self) -> None:
        day, note, version = (
            self.contact_on.value(),
            self.contact_note.toPlainText(),
            self.view.version,
        )
        self._run(
            lambda s, a: complaint_register.record_contact(
                s, a, self.complaint_id, day, note, expected_version=version
            ),
            "Kontakten är sparad.",
        )

    def mark_lex_sarah(self) -> None:
        kind, version = self.lex_kind.currentData(), self.view.version
        self._run(
            lambda s, a: complaint_register.mark_lex_sarah(
                s, a, self.complaint_id, kind, expected_version=version
            ),
            "Synpunkten är markerad som lex Sarah-rapport.",
        )

    def record_reported(self) -> None:
        day, version = self.reported_on.value(), self.view.version
        self._run(
            lambda s, a: complaint_register.record_lex_sarah_reported(
                s, a, self.complaint_id, day, expected_version=version
            ),
            "Det är registrerat att rapporten är lämnad.",
        )

    def close_complaint(self) -> None:
        day, version = self.closed_on.value(), self.view.version
        self._run(
            lambda s, a: complaint_register.close(
                s, a, self.complaint_id, day, expected_version=version
            ),
            "Synpunkten är avslutad.",
            {"lex_sarah": self.closing_errors, "answer": self.closing_errors},
        )

    def add_measure(self) -> None:
        text, due = self.measure_text.text(), self.measure_due.value()
        responsible = self.measure_responsible.currentData()
        if self._run(
            lambda s, a: complaint_register.add_measure(
                s, a, self.complaint_id, text, due, responsible
            ),
            "Åtgärden är tillagd och bevakas.",
        ):
            self.measure_text.clear()
            self.measure_due.set_value(None)

    def complete_measure(self) -> None:
        measure: MeasureView | None = self.measures.current_row()
        if measure is None:
            self.done_error.set_message("Välj en åtgärd i listan först.")
            self.measures.setFocus()
            return
        day = self.done_on.value()
        self._run(
            lambda s, a: complaint_register.complete_measure(
                s, a, measure.id, day, expected_version=measure.version
            ),
            "Åtgärden är klar.",
            {"done_on": self.done_error},
        )

    def save_answer(self, quiet: bool = False) -> bool:
        body, recipient = self.answer_body.toPlainText(), self.recipient.toPlainText()
        letter_id, version = self.view.answer_id, self.view.answer_version
        work: Callable[[Any, Any], Any]
        if letter_id is None:
            work = lambda s, a: complaint_answer.draft_answer(  # noqa: E731
                s, a, self.complaint_id, body, recipient
            )
        else:
            work = lambda s, a: complaint_answer.update_answer(  # noqa: E731
                s, a, letter_id, body, recipient, expected_version=version
            )
        return self._run(
            work, "" if quiet else "Utkastet är sparat.", {"answer": self.answer_error}
        )

    def preview_answer(self) -> None:
        if self.view.answer_signed:
            self.show_signed()
            return
        if not self.save_answer(quiet=True):
            return
        letter_id = self.view.answer_id
        assert letter_id is not None
        preview_pdf(
            self,
            self.context,
            title=f"Svar på synpunkt {self.view.number} (utkast)",
            suggested_name=f"Svar {self.view.number} utkast.pdf",
            gather=lambda s, a: complaint_answer.answer_data(s, a, letter_id),
            render=render_complaint_answer,
        )

    def show_signed(self) -> None:
        letter_id = self.view.answer_id
        assert letter_id is not None
        preview_pdf(
            self,
            self.context,
            title=f"Svar på synpunkt {self.view.number}",
            suggested_name=f"Svar {self.view.number}.pdf",
            gather=lambda s, a: complaint_answer.archived(s, a, letter_id),
            render=lambda pdf: pdf,
        )

    def sign_answer(self) -> None:
        if not self.save_answer(quiet=True):
            return
        answer = QMessageBox.question(
            self,
            "Signera svaret",
            "Svaret signeras med ditt namn och arkiveras. Det kan inte ändras efteråt. Signera nu?",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        letter_id, version = self.view.answer_id, self.view.answer_version
        assert letter_id is not None
        self._run(
            lambda s, a: complaint_answer.sign_answer(
                s, a, letter_id, render_complaint_answer, expected_version=version
            ),
            "Svaret är signerat och arkiverat.",
            {"body": self.errors["body"], "letter": self.answer_error},
        )
