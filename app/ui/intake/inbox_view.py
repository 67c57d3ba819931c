"""Inkorg (e-ansökningar): the unit's waiting applications from the e-service as a
main-window tab. A table (sortable, Enter takes the selected one into its case), the chosen
application's content beside it, its attachments, and what can be done with it: take it into
the matched case, register a new case from it, open the case, or mark a quarantined one
handled. Read off the GUI thread."""

from __future__ import annotations

import uuid
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.common import clock
from app.common.formatting import local_datetime, money
from app.intake import arrivals, attachments, inbox
from app.intake.inbox import DeliveryDetails, Inbox, InboxFilter, InboxRow
from app.intake.watched_folder import FolderWatch
from app.models import DeliveryStatus
from app.settings import configuration
from app.ui.context import AppContext
from app.ui.intake.application_content import details_html
from app.ui.intake.attachment_viewer import show_attachment
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_done, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

FILTERS = (
    ("Alla som väntar", InboxFilter.ALL),
    ("Mottagna", InboxFilter.RECEIVED),
    ("I karantän", InboxFilter.QUARANTINED),
)


def _flag(row: InboxRow) -> str:
    if row.status is DeliveryStatus.QUARANTINED:
        return "I karantän: ansökan kan inte tas in som den är."
    if row.is_overdue(clock.now()):
        return "Återkopplingen är försenad."
    return ""


class InboxView(QWidget):
    case_requested = Signal(object)
    """The case to open (uuid.UUID)."""
    new_case_requested = Signal(object)
    """The delivery to register a new case from (uuid.UUID)."""
    loaded = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.details: DeliveryDetails | None = None
        self._generation = 0
        self._watch = FolderWatch()
        """The watched folder's last scan (a file is taken once it is the same twice)."""
        layout = QVBoxLayout(self)
        self.summary = QLabel("Hämtar inkorgen …")
        self.summary.setObjectName("inboxSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        show_label = QLabel("&Visa:")
        self.show_which = QComboBox()
        self.show_which.setObjectName("inboxFilter")
        self.show_which.setAccessibleName("Visa")
        for text, value in FILTERS:
            self.show_which.addItem(text, value)
        show_label.setBuddy(self.show_which)
        self.show_which.currentIndexChanged.connect(self.reload)
        filters.addWidget(show_label)
        filters.addWidget(self.show_which)
        filters.addStretch()
        layout.addLayout(filters)

        self.model = RowTableModel(
            [
                Column(
                    "Inkom",
                    lambda r: local_datetime(r.received_at),
                    lambda r: r.received_at.isoformat(),
                ),
                Column("Sökande", lambda r: r.applicant_name),
                Column("Ärende", lambda r: r.match),
                Column(
                    "Återkoppling senast",
                    lambda r: local_datetime(r.response_due_at),
                    lambda r: r.response_due_at.isoformat(),
                ),
                Column("Period", lambda r: r.period, lambda r: r.period_start or ""),
                Column(
                    "Sökta kostnader",
                    lambda r: money(r.costs) if r.costs is not None else "",
                    lambda r: r.costs if r.costs is not None else -1,
                    align_right=True,
                ),
                Column(
                    "Bilagor",
                    lambda r: str(r.attachment_count),
                    lambda r: r.attachment_count,
                    align_right=True,
                ),
                Column("Personnummer", lambda r: r.personal_number),
                Column("Status", lambda r: r.status.label),
            ],
            highlight=_flag,
        )
        self.table = RowTableView(self.model, name="Inkorg (e-ansökningar)")
        self.table.setObjectName("inboxTable")
        self.table.activated_row.connect(self._activated)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.content = QTextBrowser()
        self.content.setObjectName("applicationContent")
        self.content.setAccessibleName("Ansökans innehåll")
        self.content.setOpenLinks(False)
        right_layout.addWidget(self.content, 3)
        attachments_label = QLabel("&Bilagor:")
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setAccessibleName("Bilagor")
        attachments_label.setBuddy(self.attachments)
        self.attachments.itemActivated.connect(lambda _item: self.show_attachment())
        right_layout.addWidget(attachments_label)
        self.attachments.setMaximumHeight(120)
        right_layout.addWidget(self.attachments)
        self.attachment_button = QPushButton("Visa bil&aga")
        self.attachment_button.setObjectName("showAttachment")
        self.attachment_button.clicked.connect(self.show_attachment)
        right_layout.addWidget(self.attachment_button, 0, Qt.AlignmentFlag.AlignLeft)

        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 420])
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.take_button = QPushButton("&Ta in i ärende")
        self.take_button.setObjectName("takeIntoCase")
        self.take_button.clicked.connect(self.take_into_case)
        self.new_case_button = QPushButton("Skapa &nytt ärende …")
        self.new_case_button.setObjectName("newCaseFromApplication")
        self.new_case_button.clicked.connect(self.new_case)
        self.open_button = QPushButton("Ö&ppna ärendet")
        self.open_button.setObjectName("openMatchedCase")
        self.open_button.clicked.connect(self.open_case)
        self.handled_button = QPushButton("&Markera hanterad …")
        self.handled_button.setObjectName("markHandled")
        self.handled_button.clicked.connect(self.mark_handled)
        for button in (
            self.take_button,
            self.new_case_button,
            self.open_button,
            self.handled_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selected())
        self._show_buttons(None)
        self.reload()

    # --- loading ------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the inbox off the GUI thread; the selected delivery stays selected."""
        self._generation += 1
        generation = self._generation
        status_filter = self.show_which.currentData()
        context = self.context
        keep = self.selected_row()
        keep_id = keep.delivery_id if keep is not None else None

        def done(result: tuple[list[str], Inbox]) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                arrived, found = result
                self._loaded(found, keep_id, arrived)

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.summary.setText("Inkorgen kunde inte läsas in. Försök igen med F5.")
                show_error(self, exc)

        watch = self._watch
        named = configuration.current().intake_folder
        watched = Path(named).expanduser() if named else None

        def read(_report) -> tuple[list[str], Inbox]:
            # what waits on the server or in the watched folder comes in first
            assert context.actor is not None
            arrived = arrivals.take_arrivals(
                context.database.sessions, context.actor, folder=watched, watch=watch
            )
            return arrived, context.call(lambda s, a: inbox.inbox(s, a, status_filter))

        run_in_background(
            self.window(),
            read,
            on_done=done,
            on_error=failed,
            label="Hämtar inkorgen …",
        )

    def _loaded(self, found: Inbox, keep_id: uuid.UUID | None, arrived: list[str]) -> None:
        self.model.set_rows(found.rows)
        self.table.fit_columns()
        late = sum(
            1
            for r in found.rows
            if r.status is DeliveryStatus.RECEIVED and r.is_overdue(clock.now())
        )
        text = (
            f"<b>{found.received}</b> e-ansökningar väntar på att tas in, "
            f"<b>{found.quarantined}</b> i karantän."
        )
        if late:
            text += f" {late} har passerat tiden för första återkoppling."
        if arrived:
            text += f" {len(arrived)} nya hämtades nu från e-tjänsten."
        self.summary.setToolTip("\n".join(arrived))
        self.summary.setText(text)
        if not (keep_id and self.table.select_where(lambda r: r.delivery_id == keep_id)):
            if found.rows:
                self.table.setCurrentIndex(self.table.proxy.index(0, 0))
            else:
                self._selected()
        self.loaded.emit()

    def selected_row(self) -> InboxRow | None:
        row = self.table.current_row()
        return row if isinstance(row, InboxRow) else None

    def _selected(self) -> None:
        row = self.selected_row()
        self.details = None
        self.attachments.clear()
        if row is None:
            self.content.setHtml("<p>Ingen ansökan vald.</p>")
            self._show_buttons(None)
            return
        try:
            self.details = self.context.call(lambda s, a: inbox.details(s, a, row.delivery_id))
        except Exception as exc:
            self.content.setPlainText(f"Ansökan kunde inte läsas: {exc}")
            self._show_buttons(None)
            return
        self.content.setHtml(details_html(self.details))
        for attachment in self.details.attachments:
            item = QListWidgetItem(f"{attachment.kind}: {attachment.filename}")
            item.setData(Qt.ItemDataRole.UserRole, attachment.ref)
            self.attachments.addItem(item)
        if self.attachments.count():
            self.attachments.setCurrentRow(0)
        else:
            self.attachments.addItem("Inga bilagor.")
        self._show_buttons(row)

    def _show_buttons(self, row: InboxRow | None) -> None:
        received = row is not None and row.status is DeliveryStatus.RECEIVED
        self.take_button.setText(
            f"&Ta in i ärende {row.case_number}" if row and row.case_number else "&Ta in i ärende"
        )
        self.take_button.setEnabled(received and row is not None and row.case_id is not None)
        self.new_case_button.setEnabled(
            received and row is not None and row.case_id is None and not row.other_unit
        )
        self.open_button.setEnabled(row is not None and row.case_id is not None)
        self.handled_button.setEnabled(row is not None and row.status is DeliveryStatus.QUARANTINED)
        self.attachment_button.setEnabled(bool(self.details and self.details.attachments))
        if row is not None and row.other_unit:
            self.new_case_button.setToolTip(
                f"Den sökande har ett öppet ärende på {row.other_unit}: kontakta den enheten."
            )
        else:
            self.new_case_button.setToolTip("")

    # --- actions ------------------------------------------------------------------------
    def _activated(self, row: InboxRow) -> None:
        if row.status is DeliveryStatus.RECEIVED and row.case_id is not None:
            self.take_into_case()
        elif self.new_case_button.isEnabled():
            self.new_case()

    def take_into_case(self) -> None:
        row = self.selected_row()
        if row is None or row.case_id is None:
            show_done(self, "Välj en mottagen ansökan med ett matchat ärende först.")
            return
        case_id = row.case_id
        if (
            QMessageBox.question(
                self,
                "Ta in ansökan",
                f"Ta in e-ansökan från {row.applicant_name} för {row.period} i ärende "
                f"{row.case_number}?",
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            self.context.call(lambda s, a: inbox.take_into_case(s, a, row.delivery_id, case_id))
        except Exception as exc:
            show_error(self, exc)
            return
        show_done(
            self,
            f"Ansökan är tagen in i ärende {row.case_number}. Bevakningen av första "
            f"återkoppling gäller från när den kom in ({local_datetime(row.received_at)}).",
        )
        self.reload()
        self.case_requested.emit(case_id)

    def new_case(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        self.new_case_requested.emit(row.delivery_id)

    def open_case(self) -> None:
        row = self.selected_row()
        if row is not None and row.case_id is not None:
            self.case_requested.emit(row.case_id)

    def mark_handled(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        reason, ok = QInputDialog.getMultiLineText(
            self,
            "Markera hanterad",
            "Varför behöver ansökan i karantän inget mer (t.ex. ”Ny ansökan kom samma dag”)?",
        )
        if not ok:
            return
        try:
            self.context.call(lambda s, a: inbox.mark_handled(s, a, row.delivery_id, reason))
        except Exception as exc:
            show_error(self, exc)
            return
        show_done(self, "Ansökan i karantän är markerad som hanterad. Den finns kvar.")
        self.reload()

    def show_attachment(self) -> None:
        item = self.attachments.currentItem()
        ref = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not ref or self.details is None:
            return
        delivery_id = self.details.delivery_id
        try:
            opened = self.context.call(lambda s, a: attachments.attachment(s, a, delivery_id, ref))
        except Exception as exc:
            show_error(self, exc)
            return
        show_attachment(self, opened.content, opened.media_type, opened.filename)
