"""One open case: header with the essentials, and tabs Översikt, Journal, Planering."""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.printing.journal_printout import render_journal
from app.services import case_register, printouts
from app.services.case_overview import CaseOverview, open_case
from app.ui.context import AppContext
from app.ui.decisions_tab import DecisionsTab
from app.ui.forms_tab import FormsTab
from app.ui.journal_tab import JournalTab
from app.ui.messages import show_error
from app.ui.overview_tab import OverviewTab
from app.ui.pdf_export import ask_pdf_path, export_pdf
from app.ui.plan_tab import PlanTab
from app.ui.status_dialog import StatusDialog


class CaseView(QWidget):
    changed = Signal()
    """The case changed in a way lists elsewhere show (status, deadlines)."""
    open_form_requested = Signal(object)  # form id
    open_decision_requested = Signal(object, object)  # case view, decision id or None
    access_log_requested = Signal(str)  # personnummer (chefs)

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.overview: CaseOverview = context.call(lambda s, a: open_case(s, a, case_id))
        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        self.header_label = QLabel()
        self.header_label.setObjectName("caseHeader")
        header.addWidget(self.header_label, 1)
        self.status_button = QPushButton("Ändra s&tatus …")
        self.status_button.clicked.connect(self.change_status)
        self.print_button = QPushButton("Skriv ut &journal …")
        self.print_button.clicked.connect(self.print_journal)
        header.addWidget(self.status_button)
        header.addWidget(self.print_button)
        layout.addLayout(header)
        self.tabs = QTabWidget()
        self.overview_tab = OverviewTab(context, self)
        self.journal_tab = JournalTab(context, case_id, self)
        self.plan_tab = PlanTab(context, case_id, self)
        self.forms_tab = FormsTab(context, case_id, self)
        self.tabs.addTab(self.overview_tab, "Ö&versikt")
        self.tabs.addTab(self.journal_tab, "&Journal")
        self.tabs.addTab(self.plan_tab, "&Planering")
        self.decisions_tab = DecisionsTab(context, case_id, self)
        self.tabs.addTab(self.forms_tab, "B&lanketter")
        self.tabs.addTab(self.decisions_tab, "&Beslut")
        self.forms_tab.open_form_requested.connect(self.open_form_requested)
        self.overview_tab.access_log_requested.connect(self.access_log_requested)
        self.decisions_tab.open_decision_requested.connect(
            lambda decision_id: self.open_decision_requested.emit(self, decision_id)
        )
        layout.addWidget(self.tabs)
        self.journal_tab.changed.connect(self.reload)
        self.plan_tab.changed.connect(self.reload)
        self.overview_tab.changed.connect(self.reload)
        self._show()

    @property
    def tab_title(self) -> str:
        return self.overview.title

    def _show(self) -> None:
        o = self.overview
        self.header_label.setText(
            f"<span style='font-size:15pt'><b>{o.case_number}</b> · {o.applicant.name} "
            f"({o.applicant.personal_number})</span><br>Status: <b>{o.status.label}</b> · "
            f"Handläggare: {o.responsible_name} · {o.unit_name}"
        )
        self.overview_tab.show_overview(o)

    def reload(self) -> None:
        """Re-read the case after a change here or in one of its forms."""
        try:
            self.overview = self.context.call(lambda s, a: open_case(s, a, self.case_id))
        except Exception as exc:
            show_error(self, exc)
            return
        self._show()
        self.forms_tab.reload()
        self.plan_tab.reload()
        self.decisions_tab.reload()
        self.changed.emit()

    def change_status(self) -> None:
        dialog = StatusDialog(self.overview.status, self)
        if not dialog.exec():
            return
        status, reason, version = (
            dialog.chosen_status(),
            dialog.chosen_reason(),
            self.overview.version,
        )
        try:
            self.context.call(
                lambda s, a: case_register.change_status(
                    s, a, self.case_id, status, closing_reason=reason, expected_version=version
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()

    def print_journal(self) -> None:
        target = ask_pdf_path(
            self, "Spara journalen som PDF", f"Journal {self.overview.case_number}.pdf"
        )
        if target:
            self.export_journal_pdf(target)

    def export_journal_pdf(self, target: Path) -> None:
        case_id = self.case_id
        export_pdf(
            self,
            self.context,
            target,
            gather=lambda s, a: printouts.journal_printout(s, a, case_id),
            render=render_journal,
            on_done=lambda path: (
                self.window().statusBar().showMessage(f"Journalen sparades som {path}", 8000)
            ),
        )

    def confirm_close(self) -> bool:
        if not self.journal_tab.has_unsaved_changes():
            return True
        answer = QMessageBox.question(
            self,
            "Osparad anteckning",
            "Journalanteckningen har ändringar som inte är sparade. Vill du spara dem som "
            "utkast innan fliken stängs?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.journal_tab.save_draft()
        return True
