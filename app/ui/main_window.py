"""Main window: one search field, 'Mina ärenden', and each opened case in its own tab."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from html import escape
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import __version__, storage
from app.cases import case_register, my_cases
from app.cases.case_search import SearchHit, search
from app.cases.my_cases import CaseListRow
from app.common import clock
from app.common.errors import ValidationFailed
from app.common.formatting import short_date
from app.forms import filled_forms
from app.intake import inbox
from app.models import FormKey
from app.security import server_login
from app.settings import configuration
from app.ui.cases.case_view import CaseView
from app.ui.cases.caseload_review_view import CaseloadReviewView
from app.ui.cases.chef_overview import ChefOverview
from app.ui.cases.new_case_wizard import NewCaseWizard
from app.ui.complaints.complaint_register_view import ComplaintRegisterView
from app.ui.complaints.register_dialog import RegisterComplaintDialog
from app.ui.context import AppContext
from app.ui.decisions.decision_editor import DecisionEditor
from app.ui.decisions.delegations_dialog import DelegationsDialog
from app.ui.forms.form_definitions_dialog import FormDefinitionsDialog
from app.ui.forms.form_editor import FormEditor
from app.ui.intake.inbox_view import InboxView
from app.ui.norms.norm_tables_dialog import NormTablesDialog
from app.ui.offline.checkout_dialog import CheckOutDialog
from app.ui.offline.offline_actions import OfflineActions
from app.ui.security.audit_review_view import AuditReviewView
from app.ui.security.idle_lock import IdleLock
from app.ui.security.users_dialog import UsersDialog
from app.ui.settings.settings_dialog import SettingsDialog
from app.ui.statistics.statistics_view import StatisticsView
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_done, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.screen_fit import keep_on_screen
from app.ui.widgets.table_view import RowTableView
from app.ui.widgets.unsaved_changes import UnsavedChangesGuard


def _deadline_text(row: CaseListRow) -> str:
    if row.next_deadline is None:
        return ""
    return f"{short_date(row.next_deadline.due)} {row.next_deadline.label}"


CASE_LIST_POLL_MS = 60_000
"""How often Mina ärenden looks for changes made by others."""
RECONNECT_MS = 5_000
"""How often a lost database connection is tried again."""
CONNECTION_LOST = (
    "<b>Ingen kontakt med databasen.</b> Det du har skrivit finns kvar i fönstren men är inte "
    "sparat – spara igen när kontakten är tillbaka. Programmet försöker ansluta igen var "
    "femte sekund."
)


class MainWindow(QMainWindow):
    connection_lost_reported = Signal()
    """Emitted from any thread when a call found the database unreachable."""

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.logged_out = False
        self.wizard: NewCaseWizard | None = None
        actor = context.actor
        assert actor is not None
        self.setWindowTitle(f"Ärendestöd – {actor.full_name}")
        keep_on_screen(self)
        self.resize(1200, 760)

        central = QWidget()
        layout = QVBoxLayout(central)
        self.connection_banner = QLabel(CONNECTION_LOST)
        self.connection_banner.setObjectName("connectionBanner")
        self.connection_banner.setWordWrap(True)
        self.connection_banner.setStyleSheet(
            "background: #fdecea; color: #8a1c13; border: 1px solid #e0a19b; padding: 6px;"
        )
        self.connection_banner.hide()
        layout.addWidget(self.connection_banner)
        # calls fail in worker threads too: the banner is shown on the GUI thread
        self.connection_lost_reported.connect(self.connection_lost)
        context.on_connection_lost = self.connection_lost_reported.emit
        self.reconnect_timer = QTimer(self)
        self.reconnect_timer.setInterval(RECONNECT_MS)
        self.reconnect_timer.timeout.connect(self.try_reconnect)
        top = QHBoxLayout()
        search_label = QLabel("&Sök:")
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            "Personnummer, namn eller ärendenummer – tryck Enter (Ctrl+F)"
        )
        self.search_field.setClearButtonEnabled(True)
        search_label.setBuddy(self.search_field)
        self.search_field.returnPressed.connect(self.run_search)
        self.new_case_button = QPushButton("&Nytt ärende …")
        self.new_case_button.setObjectName("newCaseButton")
        self.new_case_button.clicked.connect(self.new_case)
        top.addWidget(search_label)
        top.addWidget(self.search_field, 1)
        top.addWidget(self.new_case_button)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        layout.addWidget(self.tabs)
        self.setCentralWidget(central)

        self.my_cases_model = RowTableModel(
            [
                Column("Ärende", lambda r: r.case_number),
                Column("Sökande", lambda r: r.applicant_name),
                Column("Personnummer", lambda r: r.personal_number),
                Column("Status", lambda r: r.status.label),
                Column(
                    "Nästa bevakning",
                    _deadline_text,
                    sort_key=lambda r: (
                        r.next_deadline.due.isoformat() if r.next_deadline else "9999"
                    ),
                ),
                Column(
                    "Bevakningar",
                    lambda r: str(r.deadline_count),
                    sort_key=lambda r: r.deadline_count,
                    align_right=True,
                ),
            ],
            highlight=lambda r: (
                "Bevakningen är försenad."
                if r.next_deadline is not None and r.next_deadline.is_overdue(clock.now())
                else ""
            ),
        )
        self.my_cases_view = RowTableView(self.my_cases_model, sort_column=4, name="Mina ärenden")
        self.my_cases_view.setObjectName("myCasesView")
        self.my_cases_view.activated_row.connect(lambda row: self.open_case(row.case_id))
        my_cases_page = QWidget()
        my_layout = QVBoxLayout(my_cases_page)
        self.my_cases_info = QLabel()
        self.my_cases_info.setObjectName("myCasesInfo")
        info_row = QHBoxLayout()
        info_row.addWidget(self.my_cases_info, 1)
        self.inbox_button = QPushButton()
        self.inbox_button.setObjectName("inboxButton")
        self.inbox_button.setFlat(True)
        self.inbox_button.clicked.connect(self.show_inbox)
        self.inbox_button.hide()
        info_row.addWidget(self.inbox_button)
        my_layout.addLayout(info_row)
        my_layout.addWidget(self.my_cases_view)
        self.my_cases_page = my_cases_page
        self.tabs.addTab(my_cases_page, "Mina ärenden")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)

        self.search_model = RowTableModel(
            [
                Column("Namn", lambda h: h.person_name),
                Column("Personnummer", lambda h: h.personal_number),
                Column("Roll", lambda h: h.role.label),
                Column("Ärende", lambda h: h.case_number),
                Column("Status", lambda h: h.status.label),
                Column("Handläggare", lambda h: h.responsible_name),
            ]
        )
        self.search_view = RowTableView(self.search_model, name="Sökresultat")
        self.search_view.setObjectName("searchResults")
        self.search_view.activated_row.connect(lambda hit: self.open_case(hit.case_id))
        self.search_page = QWidget()
        search_layout = QVBoxLayout(self.search_page)
        self.search_message = QLabel()
        self.search_message.setObjectName("searchMessage")
        self.search_message.setWordWrap(True)
        search_layout.addWidget(self.search_message)
        search_layout.addWidget(self.search_view)

        self._on_server = server_login.is_shared_server(context.database.url)
        self.offline_actions = OfflineActions(self, context)
        self.idle_lock = IdleLock(self, context)
        self._build_menus()
        self.statusBar().showMessage(
            f"Inloggad: {actor.full_name} ({actor.role.label}) · "
            f"Databas: {context.database.display_url}"
        )
        self._case_list_stamp: tuple | None = None
        self.overview: ChefOverview | None = None
        self.refresh_my_cases()
        if actor.is_manager:
            self._add_chef_overview()
        # others change cases too (a colleague, a chef reassigning): look for changes now and
        # then, and reload the list only when something differs
        self.case_list_timer = QTimer(self)
        self.case_list_timer.setInterval(CASE_LIST_POLL_MS)
        self.case_list_timer.timeout.connect(self.poll_my_cases)
        if not actor.is_administrator:
            self.case_list_timer.start()
        # the laptop's replica goes up as soon as the office is reachable
        if self._on_server and not actor.is_administrator:
            QTimer.singleShot(0, self.offline_actions.sync_quietly)
        if actor.replica_id is not None:
            self._show_offline_mode()
        self.search_field.setFocus()

    def _add_chef_overview(self) -> None:
        """A chef starts on Översikt; Mina ärenden stays, second, only for own cases."""
        self.overview = ChefOverview(self.context)
        self.overview.flag_requested.connect(self.show_caseload_review_of)
        self.overview.complaints_requested.connect(self.show_complaints)
        self.overview.inbox_requested.connect(self.show_inbox)
        bar = self.tabs.tabBar()
        if not self.my_cases_model.rows:
            self.tabs.removeTab(self.tabs.indexOf(self.my_cases_page))
        else:
            bar.setTabButton(0, bar.ButtonPosition.RightSide, None)
        self.tabs.insertTab(0, self.overview, "Översikt")
        bar.setTabButton(0, bar.ButtonPosition.RightSide, None)
        self.tabs.setCurrentIndex(0)

    def _show_my_cases_tab(self) -> None:
        """A chef who started without cases of her own got one (F5, the poll): Mina
        ärenden comes back, second after Översikt, not closable; the current tab stays."""
        current = self.tabs.currentWidget()
        index = self.tabs.insertTab(1, self.my_cases_page, "Mina ärenden")
        bar = self.tabs.tabBar()
        bar.setTabButton(index, bar.ButtonPosition.RightSide, None)
        if current is not None:
            self.tabs.setCurrentWidget(current)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Arkiv")
        self._action(file_menu, "&Nytt ärende …", QKeySequence("Ctrl+N"), self.new_case)
        self._action(file_menu, "&Sök", QKeySequence("Ctrl+F"), self.focus_search)
        self._action(file_menu, "&Uppdatera", QKeySequence("F5"), self.refresh)
        self._action(
            file_menu,
            "S&täng flik",
            QKeySequence("Ctrl+W"),
            lambda: self.close_tab(self.tabs.currentIndex()),
        )
        actor = self.context.logged_in
        if self._on_server and not actor.is_administrator:
            file_menu.addSeparator()
            self._action(file_menu, "Ta med på &hembesök …", None, self.check_out_cases)
            self._action(
                file_menu,
                "S&ynkronisera offlinedatabasen",
                QKeySequence("Ctrl+Shift+Y"),
                self.offline_actions.sync_now,
            )
            self._action(
                file_menu, "Checka &in hembesöksärendena", None, self.offline_actions.check_in
            )
            self._action(
                file_menu,
                "&Konflikter från synkronisering …",
                None,
                self.offline_actions.show_conflicts,
            )
            file_menu.addSeparator()
        if actor.is_manager:
            self._action(
                file_menu,
                "Ä&rendegenomgång (översikt)",
                QKeySequence("Ctrl+G"),
                self.show_caseload_review,
            )
            self._action(file_menu, "Ny ärende&genomgång …", None, self.new_case_review)
            self._action(file_menu, "Stat&istik …", None, self.show_statistics)
        if not actor.is_administrator and actor.replica_id is None:
            self._action(
                file_menu, "Ink&org (e-ansökningar)", QKeySequence("Ctrl+I"), self.show_inbox
            )
        if not actor.is_administrator:
            self._action(file_menu, "Synpunkter och klago&mål", None, self.show_complaints)
            self._action(file_menu, "R&egistrera synpunkt …", None, self.register_complaint)
        if actor.is_manager or actor.is_administrator:
            self._action(file_menu, "Logggrans&kning …", None, self.show_audit_review)
        if actor.is_administrator:
            self._action(
                file_menu, "Anv&ändare …", None, lambda: UsersDialog(self.context, self).exec()
            )
            self._action(file_menu, "&Formulär och versioner …", None, self.show_form_definitions)
            self._action(
                file_menu,
                "&Riksnormen …",
                None,
                lambda: NormTablesDialog(self.context, self).exec(),
            )
            self._action(
                file_menu,
                "&Delegationsordning …",
                None,
                lambda: DelegationsDialog(self.context, self).exec(),
            )
            self._action(
                file_menu,
                "&Inställningar …",
                None,
                lambda: SettingsDialog(self.context, self).exec(),
            )
        file_menu.addSeparator()
        self._action(file_menu, "L&ås nu", QKeySequence("Ctrl+L"), self.idle_lock.lock)
        self._action(file_menu, "&Logga ut", None, self.log_out)
        self._action(file_menu, "&Avsluta", QKeySequence("Ctrl+Q"), self.close)
        help_menu = self.menuBar().addMenu("&Hjälp")
        self._action(help_menu, "&Kortkommandon", None, self.show_shortcuts)
        self._action(help_menu, "&Om Ärendestöd", None, self.show_about)

    def _action(self, menu, text: str, shortcut, slot) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _show_offline_mode(self) -> None:
        """On the laptop's replica: what is here, and what cannot be done without the office."""
        self.connection_banner.setText(
            "<b>Offline.</b> Du arbetar i den krypterade offlinedatabasen med de ärenden du "
            "tagit med. Det du skriver skickas till kontoret när du synkroniserar där."
        )
        self.connection_banner.show()
        self.new_case_button.hide()
        self.setWindowTitle(self.windowTitle() + " – offline")

    def check_out_cases(self) -> None:
        """Ta med på hembesök: the cases selected in Mina ärenden are preselected."""
        selected = self.my_cases_view.current_row()
        dialog = CheckOutDialog(
            self.context,
            self.my_cases_model.rows,
            {selected.case_id} if selected is not None else set(),
            self,
        )
        dialog.exec()

    # --- Mina ärenden and search -------------------------------------------------------
    def refresh(self) -> None:
        """F5: Mina ärenden read anew, and the inbox when it is the tab in front (what has
        arrived from the e-service is taken in first)."""
        self.refresh_my_cases()
        current = self.tabs.currentWidget()
        if isinstance(current, InboxView):
            current.reload()

    def refresh_my_cases(self) -> None:
        actor = self.context.actor
        if actor is not None and actor.is_administrator:
            self.my_cases_model.set_rows([])
            self.my_cases_info.setText(
                "Som administratör har du inga egna ärenden och ser inte ärendeinnehåll."
            )
            return
        try:
            stamp, rows, waiting = self.context.call(
                lambda s, a: (
                    my_cases.change_stamp(s, a),
                    my_cases.my_cases(s, a),
                    inbox.waiting_count(s, a) if a.replica_id is None else 0,
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self._case_list_stamp = stamp
        selected = self.my_cases_view.current_row()
        self.my_cases_model.set_rows(rows)
        if rows and self.overview is not None and self.tabs.indexOf(self.my_cases_page) < 0:
            self._show_my_cases_tab()
        if selected is not None:
            self.my_cases_view.select_where(lambda row: row.case_id == selected.case_id)
        overdue = sum(
            1 for r in rows if r.next_deadline and r.next_deadline.is_overdue(clock.now())
        )
        self.my_cases_info.setText(
            f"{len(rows)} öppna ärenden"
            + (
                f" · <b style='color:#b00020'>{overdue} med passerad bevakning</b>"
                if overdue
                else ""
            )
        )
        self.my_cases_view.fit_columns()
        self._show_waiting(waiting)

    def _show_waiting(self, waiting: int) -> None:
        """Where a handläggare starts: how many e-ansökningar wait in the unit's inbox."""
        noun = "e-ansökan väntar" if waiting == 1 else "e-ansökningar väntar"
        self.inbox_button.setText(f"Inkorgen: {waiting} {noun} (Ctrl+I)")
        self.inbox_button.setAccessibleName(f"Inkorgen: {waiting} {noun}. Öppnar inkorgen.")
        self.inbox_button.setVisible(waiting > 0)

    def poll_my_cases(self) -> None:
        """Reload Mina ärenden if any of the user's cases changed since it was read. Off the
        GUI thread and quietly: a lost connection shows the banner, nothing else."""
        if self.connection_banner.isVisible():
            return  # the reconnect attempts take over
        context = self.context
        run_in_background(
            self,
            lambda _report: context.call(my_cases.change_stamp),
            on_done=self._polled,
            on_error=lambda _exc: None,
            label="",
            quiet=True,
        )

    def _polled(self, stamp: tuple) -> None:
        if stamp != self._case_list_stamp:
            self.refresh_my_cases()

    def connection_lost(self) -> None:
        """A call found the database unreachable: say so above everything, keep what is on
        screen, and try again every few seconds."""
        if not self.connection_banner.isVisible():
            self.connection_banner.setText(CONNECTION_LOST)
            self.connection_banner.show()
            self.statusBar().showMessage("Ingen kontakt med databasen.")
        if not self.reconnect_timer.isActive():
            self.reconnect_timer.start()

    def try_reconnect(self) -> None:
        database = self.context.database
        run_in_background(
            self,
            lambda _report: database.ping(),
            on_done=self._reconnect_result,
            on_error=lambda _exc: None,
            label="",
            quiet=True,
        )

    def _reconnect_result(self, answered: bool) -> None:
        if not answered or not self.connection_banner.isVisible():
            return
        self.reconnect_timer.stop()
        self.connection_banner.hide()
        self.statusBar().showMessage("Kontakten med databasen är tillbaka.", 10_000)
        self.refresh_my_cases()
        if self._on_server:
            self.offline_actions.sync_quietly()

    def focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

    def run_search(self) -> None:
        query = self.search_field.text()
        try:
            result = self.context.call(lambda s, a: search(s, a, query))
        except Exception as exc:
            show_error(self, exc)
            return
        self.search_model.set_rows(result.hits)
        message = result.message or f"{len(result.hits)} träffar för ”{query.strip()}”."
        if result.truncated:
            message += " Visar de första 200 – skriv mer för att avgränsa."
        self.search_message.setText(message)
        if self.tabs.indexOf(self.search_page) < 0:
            self.tabs.insertTab(1, self.search_page, "Sökresultat")
        self.tabs.setCurrentWidget(self.search_page)
        self.search_view.fit_columns()
        if len(result.hits) == 1:
            self.open_case(result.hits[0].case_id)
        elif result.hits:
            self.search_view.setFocus()
            self.search_view.selectRow(0)

    def search_hits(self) -> list[SearchHit]:
        return self.search_model.rows

    # --- Cases -------------------------------------------------------------------------
    def _find_tab(self, matches: Callable[[QWidget], bool]) -> Any:
        """The first open tab whose widget `matches`, or None."""
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if matches(widget):
                return widget
        return None

    def case_tab(self, case_id: uuid.UUID) -> CaseView | None:
        return self._find_tab(lambda w: isinstance(w, CaseView) and w.case_id == case_id)

    def open_case(self, case_id: uuid.UUID) -> CaseView | None:
        existing = self.case_tab(case_id)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        try:
            view = CaseView(self.context, case_id)
        except Exception as exc:
            show_error(self, exc)
            return None
        view.changed.connect(self.refresh_my_cases)
        view.open_form_requested.connect(self.open_form)
        view.open_decision_requested.connect(self.open_decision)
        view.proposal_requested.connect(
            lambda case_view, delivery_id: self.open_decision(
                case_view, None, from_delivery_id=delivery_id
            )
        )
        view.replace_decision_requested.connect(
            lambda case_view, old_id: self.open_decision(case_view, None, replaces_id=old_id)
        )
        view.access_log_requested.connect(self.show_audit_review)
        index = self.tabs.addTab(view, view.tab_title)
        self.tabs.setTabToolTip(index, view.tab_title)
        self.tabs.setCurrentIndex(index)
        view.setFocus()
        return view

    def form_tab(self, form_id: uuid.UUID) -> FormEditor | None:
        return self._find_tab(lambda w: isinstance(w, FormEditor) and w.form_id == form_id)

    def open_form(self, form_id: uuid.UUID) -> FormEditor | None:
        existing = self.form_tab(form_id)
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        try:
            editor = FormEditor(self.context, form_id)
        except Exception as exc:
            show_error(self, exc)
            return None
        editor.signed.connect(lambda: self._form_signed(editor))
        editor.new_version_created.connect(self.open_form)
        case_view = self.case_tab(editor.view.case_id) if editor.view.case_id else None
        if case_view is not None and case_view.edit_lock.reason:
            editor.lock(case_view.edit_lock.reason)  # checked out elsewhere
        index = self.tabs.addTab(editor, editor.tab_title)
        self.tabs.setCurrentIndex(index)
        return editor

    def open_decision(
        self,
        case_view: CaseView,
        decision_id: uuid.UUID | None,
        *,
        replaces_id: uuid.UUID | None = None,
        from_delivery_id: uuid.UUID | None = None,
    ) -> DecisionEditor:
        existing = (
            self._find_tab(lambda w: isinstance(w, DecisionEditor) and w.decision_id == decision_id)
            if decision_id is not None
            else None
        )
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        editor = DecisionEditor(
            self.context,
            case_view.case_id,
            case_view.overview.case_number,
            decision_id,
            replaces_id=replaces_id,
            from_delivery_id=from_delivery_id,
        )
        editor.saved.connect(case_view.decisions_tab.reload)
        editor.replace_requested.connect(
            lambda old_id: self.open_decision(case_view, None, replaces_id=old_id)
        )
        editor.signed.connect(case_view.reload)
        # a case checked out elsewhere: its decisions can be read, not saved or signed here
        case_view.edit_lock.add(editor.save_button, editor.sign_button)
        self.tabs.setCurrentIndex(self.tabs.addTab(editor, editor.tab_title))
        return editor

    def _form_signed(self, editor: FormEditor) -> None:
        if editor.view.case_id is not None:
            case_view = self.case_tab(editor.view.case_id)
            if case_view is not None:
                case_view.reload()
        self.refresh_my_cases()

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if index <= 0 or widget is None or widget is self.my_cases_page:
            return
        if isinstance(widget, UnsavedChangesGuard) and not widget.confirm_close():
            return
        self.tabs.removeTab(index)
        if widget is not self.search_page:
            widget.deleteLater()

    def new_case(self) -> None:
        """Opens the wizard window-modally without blocking, so the app stays responsive."""
        if self.context.logged_in.replica_id is not None:
            QMessageBox.information(
                self,
                "Nytt ärende",
                "Nya ärenden registreras på kontoret: ärendenumret ges av servern.",
            )
            return
        self.wizard = NewCaseWizard(self.context, self)
        self.wizard.finished.connect(self._new_case_finished)
        self.wizard.open()

    def _new_case_finished(self, _result: int) -> None:
        wizard, self.wizard = self.wizard, None
        if wizard is not None:
            wizard.deleteLater()
            if wizard.created_case_id is not None:
                self.refresh_my_cases()
                if wizard.from_delivery is not None:
                    inbox_view = self._find_tab(lambda w: isinstance(w, InboxView))
                    if inbox_view is not None:
                        inbox_view.reload()
                self.open_case(wizard.created_case_id)
            elif wizard.existing_case_id is not None:  # "Öppna ärendet" instead of a new one
                self.open_case(wizard.existing_case_id)

    def show_caseload_review(self) -> CaseloadReviewView:
        """Chef: the caseload with the ärendegenomgång's indicators, in one tab."""
        existing = self._find_tab(lambda w: isinstance(w, CaseloadReviewView))
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        view = CaseloadReviewView(self.context, open_case=self.open_case, open_form=self.open_form)
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "Ärendegenomgång"))
        view.picker.setFocus()
        return view

    def show_caseload_review_of(self, flag: str) -> CaseloadReviewView:
        """Chef: the review list of the whole unit filtered on one flag (a count of
        Översikt)."""
        view = self.show_caseload_review()
        view.filter_on(flag)
        return view

    def show_statistics(self) -> StatisticsView:
        """Chef: the unit's statistics, in one tab."""
        existing = self._find_tab(lambda w: isinstance(w, StatisticsView))
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            return existing
        view = StatisticsView(self.context)
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "Statistik"))
        view.year.setFocus()
        return view

    def show_complaints(self) -> ComplaintRegisterView:
        """Synpunkter och klagomål, in one tab: the chef's register of her unit's, or what a
        handläggare may see."""
        existing = self._find_tab(lambda w: isinstance(w, ComplaintRegisterView))
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            existing.reload()
            return existing
        view = ComplaintRegisterView(self.context)
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "Synpunkter"))
        view.table.setFocus()
        return view

    def show_inbox(self) -> InboxView:
        """Inkorg (e-ansökningar): the unit's waiting applications from the e-service, in
        one tab."""
        existing = self._find_tab(lambda w: isinstance(w, InboxView))
        if existing is not None:
            self.tabs.setCurrentWidget(existing)
            existing.reload()
            existing.table.setFocus()
            return existing
        view = InboxView(self.context)
        view.case_requested.connect(self._open_case_from_inbox)
        view.new_case_requested.connect(self.new_case_from_delivery)
        self.tabs.setCurrentIndex(self.tabs.addTab(view, "Inkorg"))
        view.table.setFocus()
        return view

    def _open_case_from_inbox(self, case_id: uuid.UUID) -> None:
        self.refresh_my_cases()
        view = self.case_tab(case_id)
        if view is not None:  # opened before the application was taken in: read anew
            view.reload()
            self.tabs.setCurrentWidget(view)
            return
        self.open_case(case_id)

    def new_case_from_delivery(self, delivery_id: uuid.UUID) -> None:
        """The new-case wizard filled in from an e-ansökan; the case gets it as its first
        application."""
        try:
            self.wizard = NewCaseWizard(self.context, self, from_delivery=delivery_id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.wizard.finished.connect(self._new_case_finished)
        self.wizard.open()

    def register_complaint(self) -> None:
        dialog = RegisterComplaintDialog(self.context, self)
        if dialog.exec():
            view = self._find_tab(lambda w: isinstance(w, ComplaintRegisterView))
            if view is not None:
                view.reload()
            show_done(self, f"Synpunkten är registrerad som {dialog.registered_number}.")

    def show_audit_review(self, personal_number: str = "") -> AuditReviewView:
        """Chefs and administrators: the audit log, in one tab; with `personal_number`,
        everything logged about that person and their cases."""
        view = self._find_tab(lambda w: isinstance(w, AuditReviewView))
        if view is None:
            view = AuditReviewView(self.context)
            self.tabs.addTab(view, "Logggranskning")
        self.tabs.setCurrentWidget(view)
        if personal_number:
            view.show_person(personal_number)
        else:
            view.since.setFocus()
        return view

    def new_case_review(self) -> None:
        """Chef: record an ärendegenomgång of one handläggare's caseload."""
        caseworkers = self.context.call(case_register.unit_caseworkers)
        if not caseworkers:
            show_error(self, ValidationFailed({"subject": "Enheten har inga handläggare."}))
            return
        names = [name for _id, name in caseworkers]
        name, ok = QInputDialog.getItem(
            self, "Ny ärendegenomgång", "&Handläggare:", names, 0, False
        )
        if not ok:
            return
        subject_id = caseworkers[names.index(name)][0]
        try:
            form = self.context.call(
                lambda s, a: filled_forms.create_form(
                    s, a, FormKey.CASELOAD_REVIEW, subject_user_id=subject_id
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.open_form(form.id)

    def show_form_definitions(self) -> None:
        FormDefinitionsDialog(self.context, self).exec()

    # --- Misc --------------------------------------------------------------------------
    def log_out(self) -> None:
        self.logged_out = True
        self.close()

    def show_shortcuts(self) -> None:
        lines = [
            "Ctrl+F  Sök",
            "Ctrl+N  Nytt ärende",
            "F5  Uppdatera (Mina ärenden, översikten eller ärendegenomgången)",
            "Ctrl+W  Stäng flik",
            "Ctrl+Tab  Nästa flik",
            "Enter  Öppna markerat ärende",
            "Ctrl+S  Spara utkast (journal)",
            "Ctrl+L  Lås nu (lösenordet frågas efter)",
        ]
        if not self.context.logged_in.is_administrator:
            lines.append("Ctrl+I  Inkorg (e-ansökningar)")
        if self.context.logged_in.is_manager:
            lines.append("Ctrl+G  Ärendegenomgång (översikt)")
        lines.append("Alt + understruken bokstav  Välj fält eller knapp")
        QMessageBox.information(self, "Kortkommandon", "\n".join(lines))

    def show_about(self) -> None:
        """Version, schema and configuration: what IT and support ask for first."""
        schema = storage.schema_revision(self.context.database) or "okänd"
        files = configuration.current().files
        settings = "<br>".join(escape(str(path)) for path in files) or "inga (standardvärden)"
        QMessageBox.about(
            self,
            "Om Ärendestöd",
            (
                f"<h3>Ärendestöd {escape(__version__)}</h3>"
                "<p>Handläggarstöd för ekonomiskt bistånd.</p>"
                f"<p>Databasens schemaversion: {escape(schema)} "
                f"(programmets: {storage.HEAD_REVISION})<br>"
                f"Databas: {escape(self.context.database.display_url)}</p>"
                f"<p>Inställningsfiler: {settings}</p>"
            ),
        )

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        keep_on_screen(self)  # the frame's size is known once shown
        handle = self.windowHandle()
        if handle is not None and not getattr(self, "_follows_screen", False):
            handle.screenChanged.connect(lambda *_: keep_on_screen(self))
            self._follows_screen = True

    def closeEvent(self, event: QCloseEvent) -> None:
        for index in range(self.tabs.count() - 1, 0, -1):
            widget = self.tabs.widget(index)
            if not isinstance(widget, UnsavedChangesGuard) or not widget.has_unsaved_changes():
                continue
            self.tabs.setCurrentIndex(index)  # the question is about the tab in front
            if not widget.confirm_close():
                event.ignore()
                self.logged_out = False
                return
        # a closed window polls nothing (after logging out its database may be gone)
        self.case_list_timer.stop()
        self.reconnect_timer.stop()
        self.context.on_connection_lost = None
        event.accept()
