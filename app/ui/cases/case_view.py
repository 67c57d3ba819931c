"""One open case: header with the essentials, and tabs Översikt, Journal, Planering."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

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

from app.cases import case_register
from app.cases.case_overview import CaseOverview, open_case
from app.common.formatting import long_date
from app.journal.journal_printout import journal_printout
from app.offline import leases
from app.printing.journal_printout import render_journal
from app.ui.appeals.appeals_tab import AppealsTab
from app.ui.cases.overview_tab import OverviewTab
from app.ui.cases.status_dialog import StatusDialog
from app.ui.complaints.register_dialog import RegisterComplaintDialog
from app.ui.context import AppContext
from app.ui.decisions.decisions_tab import DecisionsTab
from app.ui.forms.forms_tab import FormsTab
from app.ui.journal.journal_tab import JournalTab
from app.ui.journal.plan_tab import PlanTab
from app.ui.registers.lookup_dialog import RegisterLookupDialog
from app.ui.widgets.messages import ask_save_or_discard, show_done, show_error
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.read_only import EditLock
from app.ui.widgets.screen_fit import scrollable

_Tab = TypeVar("_Tab", bound=QWidget)


class CaseView(QWidget):
    changed = Signal()
    """The case changed in a way lists elsewhere show (status, deadlines)."""
    open_form_requested = Signal(object)  # form id
    open_decision_requested = Signal(object, object)  # case view, decision id or None
    proposal_requested = Signal(object, object)  # case view, e-ansökan's delivery id
    replace_decision_requested = Signal(object, object)  # case view, id of the one replaced
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
        self.complaint_button = QPushButton("Registrera s&ynpunkt …")
        self.complaint_button.setToolTip("En synpunkt eller ett klagomål som gäller ärendet.")
        self.complaint_button.clicked.connect(self.register_complaint)
        header.addWidget(self.status_button)
        header.addWidget(self.print_button)
        header.addWidget(self.complaint_button)
        layout.addLayout(header)
        lease_row = QHBoxLayout()
        self.lease_banner = QLabel()
        self.lease_banner.setObjectName("leaseBanner")
        self.lease_banner.setWordWrap(True)
        self.lease_banner.setStyleSheet(
            "background: #fff4ce; border: 1px solid #c19c00; padding: 6px;"
        )
        lease_row.addWidget(self.lease_banner, 1)
        self.revoke_button = QPushButton("Åter&kalla utcheckningen …")
        self.revoke_button.setObjectName("revokeLease")
        self.revoke_button.clicked.connect(self.revoke_lease)
        lease_row.addWidget(self.revoke_button)
        layout.addLayout(lease_row)
        self.tabs = QTabWidget()
        self.overview_tab = OverviewTab(context, self)
        self.tabs.addTab(scrollable(self.overview_tab, "Översikt"), "Ö&versikt")
        self.overview_tab.access_log_requested.connect(self.access_log_requested)
        self.overview_tab.changed.connect(self.reload)
        # The other tabs are built when first picked (`_page`): built at once they took
        # two thirds of the time from Enter to the case painted, and read the journal, the
        # decisions (each signature checked), the forms and the plans whether or not the
        # user looks at them.
        self._unbuilt: dict[int, Callable[[], QWidget]] = {}
        self._tab_index: dict[type[QWidget], int] = {}
        tabs: list[tuple[str, type[QWidget], Callable[[], QWidget]]] = [
            ("&Journal", JournalTab, self._make_journal_tab),
            ("&Planering", PlanTab, self._make_plan_tab),
            ("B&lanketter", FormsTab, self._make_forms_tab),
            ("&Beslut", DecisionsTab, self._make_decisions_tab),
            ("Överkla&ganden", AppealsTab, self._make_appeals_tab),
        ]
        for label, kind, make in tabs:
            index = self.tabs.addTab(QWidget(), label)
            self._unbuilt[index] = make
            self._tab_index[kind] = index
        self.tabs.currentChanged.connect(self._picked)
        layout.addWidget(self.tabs)
        self.edit_lock = EditLock(self)
        """Every edit button of the case, held disabled while it is checked out elsewhere."""
        self.edit_lock.add(self.status_button, self.overview_tab.barrier_button)
        self._show()

    # --- the tabs, built when first picked --------------------------------------------
    def _picked(self, index: int) -> None:
        """The user picked a tab: its page built if it was not (a read that fails is
        shown, and tried again the next time the tab is picked)."""
        try:
            self._page(index)
        except Exception as exc:
            show_error(self, exc)

    def _page(self, index: int) -> QWidget:
        """The tab's page at `index`, built now and put in its placeholder's place if it
        was not built yet (the user picked it, or code needs it)."""
        placeholder = self.tabs.widget(index)
        assert placeholder is not None
        make = self._unbuilt.get(index)
        if make is None:
            return placeholder  # built already
        page = make()
        del self._unbuilt[index]
        current, label = self.tabs.currentIndex(), self.tabs.tabText(index)
        # no currentChanged while the placeholder is swapped: taking the current tab away
        # makes a neighbour current for a moment, which would build that one too
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, page, label)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        return page

    def _built(self, kind: type[_Tab]) -> _Tab | None:
        """The tab of this kind if it has been built, else None."""
        page = self.tabs.widget(self._tab_index[kind])
        return page if isinstance(page, kind) else None

    def _tab(self, kind: type[_Tab]) -> _Tab:
        """The tab of this kind, built now if it was not."""
        page = self._page(self._tab_index[kind])
        assert isinstance(page, kind)
        return page

    def _make_journal_tab(self) -> JournalTab:
        tab = JournalTab(self.context, self.case_id, self)
        tab.changed.connect(self.reload)
        tab.register_lookup_requested.connect(self.register_lookup)
        self.edit_lock.add(
            tab.new_button, tab.save_button, tab.sign_button, tab.addendum_button, tab.lookup_button
        )
        tab.hold(self.edit_lock.reason)  # and its inputs read-only while the buttons are held
        self.edit_lock.reason_changed.connect(tab.hold)
        return tab

    def register_lookup(self) -> RegisterLookupDialog:
        """Hämta registeruppgifter (app.ui.registers.lookup_dialog); the journal shows the
        answer's entry when it came."""
        dialog = RegisterLookupDialog(
            self.context,
            self.case_id,
            self.overview.members,
            self,
            on_done=lambda lookup: self.journal_tab.reload(select_id=lookup.entry_id),
        )
        dialog.open()
        return dialog

    def _make_plan_tab(self) -> PlanTab:
        tab = PlanTab(self.context, self.case_id, self)
        tab.changed.connect(self.reload)
        self.edit_lock.add(tab.new_button, tab.done_button, tab.close_button)
        return tab

    def _make_forms_tab(self) -> FormsTab:
        tab = FormsTab(self.context, self.case_id, self)
        tab.open_form_requested.connect(self.open_form_requested)
        self.edit_lock.add(*tab.new_buttons.values())
        return tab

    def _make_decisions_tab(self) -> DecisionsTab:
        tab = DecisionsTab(self.context, self.case_id, self)
        tab.open_decision_requested.connect(
            lambda decision_id: self.open_decision_requested.emit(self, decision_id)
        )
        tab.proposal_requested.connect(
            lambda delivery_id: self.proposal_requested.emit(self, delivery_id)
        )
        self.edit_lock.add(
            tab.new_button, tab.proposal_button, tab.execute_button, tab.delivery_button
        )
        return tab

    def _make_appeals_tab(self) -> AppealsTab:
        tab = AppealsTab(self.context, self.case_id, self)
        tab.replace_decision_requested.connect(
            lambda decision_id: self.replace_decision_requested.emit(self, decision_id)
        )
        self.edit_lock.add(*tab.edit_buttons)
        return tab

    @property
    def journal_tab(self) -> JournalTab:
        return self._tab(JournalTab)

    @property
    def plan_tab(self) -> PlanTab:
        return self._tab(PlanTab)

    @property
    def forms_tab(self) -> FormsTab:
        return self._tab(FormsTab)

    @property
    def decisions_tab(self) -> DecisionsTab:
        return self._tab(DecisionsTab)

    @property
    def appeals_tab(self) -> AppealsTab:
        return self._tab(AppealsTab)

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
        lease = o.lease
        self.lease_banner.setVisible(lease is not None)
        self.revoke_button.setVisible(lease is not None and self.context.logged_in.is_manager)
        actor = self.context.logged_in
        here = lease is not None and (lease.holder_id, lease.replica_id) == (
            actor.id,
            actor.replica_id,
        )
        if lease is not None and here:
            self.lease_banner.setText(
                f"<b>Utcheckat till den här datorn</b> till och med {long_date(lease.due_on)}. "
                "Det du skriver skickas till kontoret när du synkroniserar."
            )
        elif lease is not None:
            self.lease_banner.setText(
                f"<b>Utcheckat för hembesök</b> av {lease.holder_name} till och med "
                f"{long_date(lease.due_on)} – ärendet kan läsas men inte ändras här förrän "
                "det har checkats in."
            )
        # shown before the user fills in a dialog only to be told "Det gick inte"
        self.edit_lock.set_reason(
            f"Ärendet är utcheckat till {lease.holder_name} för hembesök – det kan inte "
            "ändras här förrän det checkats in."
            if lease is not None and not here
            else ""
        )

    def reload(self) -> None:
        """Re-read the case after a change here or in one of its forms."""
        try:
            self.overview = self.context.call(lambda s, a: open_case(s, a, self.case_id))
        except Exception as exc:
            show_error(self, exc)
            return
        self._show()
        # tabs not built yet read the case when they are
        if (forms_tab := self._built(FormsTab)) is not None:
            forms_tab.reload()
        if (plan_tab := self._built(PlanTab)) is not None:
            plan_tab.reload()
        if (decisions_tab := self._built(DecisionsTab)) is not None:
            decisions_tab.reload()
        if (appeals_tab := self._built(AppealsTab)) is not None:
            appeals_tab.reload()
        self.changed.emit()

    def revoke_lease(self) -> None:
        """A chef takes the case back (a laptop left behind); what the laptop changed and
        did not sync is never let in without a person choosing it."""
        lease = self.overview.lease
        if lease is None:
            return
        answer = QMessageBox.question(
            self,
            "Återkalla utcheckningen",
            f"Återkalla {lease.holder_name}s utcheckning av {lease.case_number}? Ärendet kan "
            "sedan ändras här igen. Det som ändrats på den bärbara datorn och inte "
            "synkroniserats förs inte in i ärendet utan att någon väljer det.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.context.call(
                lambda s, a: leases.revoke(s, a, lease.lease_id, expected_version=lease.version)
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()

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

    def register_complaint(self) -> None:
        """Registrera synpunkt with this case filled in (the chef handles it from the
        register)."""
        dialog = RegisterComplaintDialog(self.context, self, case_number=self.overview.case_number)
        if dialog.exec():
            show_done(self, f"Synpunkten är registrerad som {dialog.registered_number}.")

    def print_journal(self) -> None:
        """The journal in the preview, saved or printed from there."""
        case_id = self.case_id
        preview_pdf(
            self,
            self.context,
            title=f"Journal {self.overview.case_number}",
            suggested_name=f"Journal {self.overview.case_number}.pdf",
            gather=lambda s, a: journal_printout(s, a, case_id),
            render=render_journal,
        )

    def has_unsaved_changes(self) -> bool:
        journal_tab = self._built(JournalTab)
        return journal_tab is not None and journal_tab.has_unsaved_changes()

    def confirm_close(self) -> bool:
        journal_tab = self._built(JournalTab)
        if journal_tab is None or not journal_tab.has_unsaved_changes():
            return True
        return ask_save_or_discard(
            self,
            "Osparad anteckning",
            "Journalanteckningen har ändringar som inte är sparade. Vill du spara dem som "
            "utkast innan fliken stängs?",
            journal_tab.save_draft,
        )
