"""Loggranskning: chefs and administrators look up who did what in the audit log, by
period, user, person and action, and export it for the municipality's review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.common import clock
from app.common.errors import ValidationFailed
from app.common.formatting import local_datetime, number
from app.models import Role
from app.security import audit_review, integrity
from app.security.audit_review import Review, ReviewFilter
from app.security.integrity import ChainReport
from app.ui.context import AppContext
from app.ui.widgets.background import run_in_background
from app.ui.widgets.date_field import DateField
from app.ui.widgets.messages import FieldError, add_field, show_done, show_error
from app.ui.widgets.pdf_export import ask_save_path
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

ALL = "Alla"


def _rows(count: int) -> str:
    return "1 rad" if count == 1 else f"{number(count)} rader"


class AuditReviewView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.review: Review | None = None
        self.busy = False
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Sök i loggen över vem som läst, sökt, skrivit, skrivit ut och exporterat "
            "uppgifter. Rader markerade <i>(servern)</i> har databasservern skrivit själv."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        filters = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        today = clock.today()
        self.since = DateField(today - timedelta(days=30))
        self.until = DateField(today)
        self.user = QComboBox()
        self.user.setObjectName("user")
        self.user.addItem(ALL, None)
        for user_id, name in context.call(audit_review.reviewable_users):
            self.user.addItem(name, user_id)
        self.person = QLineEdit()
        self.person.setObjectName("person")
        self.person.setPlaceholderText("ÅÅÅÅMMDD-NNNN")
        self.action = QComboBox()
        self.action.setObjectName("action")
        self.action.addItem(ALL, None)
        for action, label in audit_review.ACTION_LABELS.items():
            self.action.addItem(label, action)
        self.errors = {"until": FieldError(), "personal_number": FieldError()}
        add_field(left, "&Från:", self.since)
        add_field(left, "&Till:", self.until, self.errors["until"])
        add_field(right, "&Användare:", self.user)
        add_field(right, "&Person:", self.person, self.errors["personal_number"])
        add_field(right, "Å&tgärd:", self.action)
        filters.addLayout(left)
        filters.addLayout(right)
        buttons = QVBoxLayout()
        self.show_button = QPushButton("&Visa")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.show_rows)
        self.export_button = QPushButton("&Exportera CSV …")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_csv)
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        self.chain_button = QPushButton("&Kontrollera loggkedjan")
        self.chain_button.setObjectName("checkChain")
        self.chain_button.setToolTip(
            "Kontrollerar att ingen loggrad har tagits bort eller ändrats i databasen i "
            "efterhand (kedjan av kontrollsummor)."
        )
        self.chain_button.clicked.connect(self.check_chain)
        self.chain_button.setVisible(context.logged_in.role is Role.ADMINISTRATOR)
        buttons.addWidget(self.chain_button)
        buttons.addStretch()
        filters.addLayout(buttons)
        filters.addStretch()
        layout.addLayout(filters)
        self.person.returnPressed.connect(self.show_rows)

        self.status_label = QLabel("Välj period och tryck Visa.")
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        self.model = RowTableModel(
            [
                Column("Tid", lambda r: local_datetime(r.at), sort_key=lambda r: r.at.isoformat()),
                Column("Användare", lambda r: r.user_name),
                Column("Åtgärd", lambda r: r.action_label),
                Column("Gäller", lambda r: r.entity_label),
                Column("Ärende", lambda r: r.case_number),
                Column("Person", lambda r: r.person),
                Column("Detalj", lambda r: r.detail),
            ]
        )
        self.table = RowTableView(self.model, name="Logghändelser")
        self.table.setObjectName("auditRows")
        layout.addWidget(self.table, 1)

    def wanted(self) -> ReviewFilter:
        return ReviewFilter(
            since=self.since.value(),
            until=self.until.value(),
            user_id=self.user.currentData(),
            personal_number=self.person.text(),
            action=self.action.currentData(),
        )

    def show_person(self, personal_number: str) -> None:
        """The whole log about one person (and their cases): 'who has looked at this
        person'. The period is the last year."""
        today = clock.today()
        self.since.set_value(today - timedelta(days=audit_review.MAX_DAYS - 1))
        self.until.set_value(today)
        self.user.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.person.setText(personal_number)
        self.show_rows()

    def show_rows(self) -> None:
        if self.busy:
            return
        wanted = self.wanted()
        for error in self.errors.values():
            error.set_message("")
        self.busy = True
        self.show_button.setEnabled(False)
        self.status_label.setText("Hämtar loggen …")
        context = self.context
        run_in_background(
            self.window(),
            lambda _report: context.call(lambda s, a: audit_review.review(s, a, wanted)),
            on_done=self._shown,
            on_error=self._failed,
            label="Hämtar loggen …",
        )

    def _shown(self, review: Review) -> None:
        if not isValid(self):
            return
        self._idle()
        self.review = review
        self.model.set_rows(review.rows)
        self.table.fit_columns()
        self.export_button.setEnabled(bool(review.rows))
        about = f" om {review.person_name}" if review.person_name else ""
        if review.truncated:
            self.status_label.setText(
                f"Visar de {number(len(review.rows))} senaste raderna{about}. Det finns fler: "
                "välj en kortare period, en användare eller en person."
            )
        elif review.rows:
            self.status_label.setText(f"{number(len(review.rows))} rader{about}.")
        else:
            self.status_label.setText(f"Inga rader{about} för det valda.")

    def _failed(self, exc: Exception) -> None:
        if not isValid(self):
            return
        self._idle()
        self.status_label.setText("")
        if isinstance(exc, ValidationFailed):
            for field, message in exc.field_errors.items():
                self.errors.get(field, self.errors["until"]).set_message(message)
            return
        show_error(self, exc)

    def _idle(self) -> None:
        self.busy = False
        self.show_button.setEnabled(True)
        self.chain_button.setEnabled(True)

    def export_csv(self) -> None:
        wanted = self.wanted()
        target = ask_save_path(
            self,
            "Spara loggen som CSV",
            f"Logggranskning {wanted.since.isoformat()}–{wanted.until.isoformat()}.csv",
            "CSV för Excel (*.csv)",
            ".csv",
        )
        if target is None:
            return
        context = self.context

        def work(_report: Callable[[int], None]) -> tuple[int, Path]:
            rows = context.call(lambda s, a: audit_review.export_csv(s, a, wanted, target))
            return rows, target

        run_in_background(
            self.window(),
            work,
            on_done=self._exported,
            on_error=self._failed,
            label="Sparar loggen …",
        )

    def check_chain(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.show_button.setEnabled(False)
        self.chain_button.setEnabled(False)
        self.status_label.setText("Kontrollerar loggkedjan …")
        context = self.context
        run_in_background(
            self.window(),
            lambda _report: context.call(integrity.check_audit_chain),
            on_done=self._chain_checked,
            on_error=self._failed,
            label="Kontrollerar loggkedjan …",
        )

    def _chain_checked(self, report: ChainReport) -> None:
        if not isValid(self):
            return
        self._idle()
        head = f"Kedjans huvud: {report.head_seq}:{report.head_hash}"
        if report.intact:
            self.status_label.setText(f"Loggkedjan stämmer: {number(report.rows)} rader. {head}")
            return
        problems = []
        if report.gaps:
            problems.append(f"{_rows(report.missing)} saknas")
        if report.edited:
            problems.append(f"{_rows(len(report.edited))} har ändrats")
        if report.unchained:
            problems.append(f"{_rows(report.unchained)} saknar plats i kedjan")
        self.status_label.setText(
            f"<b style='color:#b00020'>Loggkedjan stämmer inte</b> från rad "
            f"{report.first_bad_seq}: {', '.join(problems)}. Kontakta systemförvaltaren. " + head
        )

    def _exported(self, result: tuple[int, Path]) -> None:
        if isValid(self):
            rows, target = result
            show_done(self, f"{number(rows)} rader sparades i {target}.")
