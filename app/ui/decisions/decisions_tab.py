"""Beslut: the case's decisions with outcome and amount; start a new one or open one."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMenu, QPushButton, QVBoxLayout, QWidget

from app.appeals import delivery
from app.appeals.delivery import DeliveryStatus
from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.formatting import money, month_name, period_text, short_date
from app.decisions import decisions, proposal
from app.decisions.decisions import DecisionRow
from app.ui.appeals.delivery_dialog import DeliveryDialog
from app.ui.context import AppContext
from app.ui.decisions.execution_dialog import ExecutionDialog
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _decided_text(row: DecisionRow) -> str:
    if row.decided_on is None:
        return "Utkast"
    if not row.signature_holds:
        return f"{short_date(row.decided_on)} – {ALTERED_AFTER_SIGNING}"
    return short_date(row.decided_on)


def _execution_text(row: DecisionRow) -> str:
    if row.executed_on is not None:
        return short_date(row.executed_on)
    return "Ej verkställt" if row.awaits_execution else ""


UNKNOWN = "okänd"
LAST_DAY_COLUMN = 8


class _DecisionsModel(RowTableModel):
    """The list, whose "Sista dag att överklaga" says why it is unknown in its tooltip."""

    def __init__(self, columns: list[Column], tab: DecisionsTab):
        super().__init__(columns)
        self._tab = tab

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole)
            and index.isValid()
            and index.column() == LAST_DAY_COLUMN
        ):
            status = self._tab.delivery_of(self.row_at(index.row()))
            if status is not None and status.last_day is None:
                return f"{UNKNOWN}: {status.unknown_reason}"
        return super().data(index, role)


class DecisionsTab(QWidget):
    open_decision_requested = Signal(object)  # decision id, or None for a new decision
    proposal_requested = Signal(object)  # the e-ansökan's delivery id

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        layout = QVBoxLayout(self)
        self.deliveries: dict[uuid.UUID, DeliveryStatus] = {}
        self.model = _DecisionsModel(
            [
                Column(
                    "Period",
                    lambda r: period_text(r.period_start, r.period_end),
                    sort_key=lambda r: r.period_start.isoformat(),
                ),
                Column("Typ", lambda r: r.kind.label),
                Column("Utfall", lambda r: r.outcome.label),
                Column(
                    "Beviljat",
                    lambda r: money(r.granted_total),
                    sort_key=lambda r: r.granted_total,
                    align_right=True,
                ),
                Column("Beslutat", _decided_text),
                Column("Beslutsfattare", lambda r: r.decided_by_name),
                Column("Verkställt", _execution_text),
                Column("Delgiven", self._delivered_text),
                Column("Sista dag att överklaga", self._last_day_text),
                Column("", lambda r: "Ersätter tidigare beslut" if r.replaces_id else ""),
            ],
            self,
        )
        self.view = RowTableView(self.model, name="Beslut i ärendet")
        self.view.setObjectName("decisionsList")
        self.view.activated_row.connect(lambda row: self.open_decision_requested.emit(row.id))
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&Ny beräkning och beslut …")
        self.new_button.setObjectName("newDecision")
        self.new_button.clicked.connect(lambda: self.open_decision_requested.emit(None))
        self.proposal_button = QPushButton("Nytt beslut från &e-ansökan …")
        self.proposal_button.setObjectName("newDecisionFromApplication")
        self.proposal_button.clicked.connect(self._propose)
        self.pending: list[proposal.PendingApplication] = []
        self.open_button = QPushButton("Ö&ppna")
        self.open_button.clicked.connect(self._open_selected)
        self.execute_button = QPushButton("Registrera &verkställighet …")
        self.execute_button.setObjectName("recordExecution")
        self.execute_button.setToolTip(
            "Ange när ett beviljat beslut verkställdes (till exempel betalades ut)."
        )
        self.execute_button.clicked.connect(self._record_execution)
        self.delivery_button = QPushButton("Registrera &delgivning …")
        self.delivery_button.setObjectName("recordDelivery")
        self.delivery_button.setToolTip(
            "Ange hur och när ett signerat beslut nådde sökanden; det avgör sista dag att "
            "överklaga."
        )
        self.delivery_button.clicked.connect(self._record_delivery)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.proposal_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.execute_button)
        buttons.addWidget(self.delivery_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows, deliveries, pending = self.context.call(
            lambda s, a: (
                decisions.list_decisions(s, a, self.case_id),
                delivery.deliveries_of_case(s, a, self.case_id),
                proposal.pending_applications(s, a, self.case_id),
            )
        )
        self.deliveries = deliveries
        self.pending = pending
        self.proposal_button.setVisible(bool(pending))
        # several months waiting: she picks the month (one: the button opens it at once)
        menu = None
        if len(pending) > 1:
            menu = QMenu(self.proposal_button)
            for waiting in pending:
                action = menu.addAction(
                    f"{month_name(waiting.period_start)} (e-ansökan {waiting.application_id})"
                )
                action.triggered.connect(
                    lambda _checked=False, d=waiting.delivery_id: self.proposal_requested.emit(d)
                )
        self.proposal_button.setMenu(menu)  # type: ignore[arg-type]  # None: no menu
        if len(pending) > 1:
            self.proposal_button.setToolTip(
                f"{len(pending)} e-ansökningar för månader utan beslut: välj månad. Förslaget "
                "har kostnader från ansökan och inkomster från registren; du bedömer, ändrar "
                "och signerar själv."
            )
        elif pending:
            self.proposal_button.setToolTip(
                f"Öppna ett förslag till beslut för {pending[0].period_start:%Y-%m} från "
                f"e-ansökan {pending[0].application_id}: kostnader från ansökan, inkomster "
                "från registren. Du bedömer, ändrar och signerar själv."
            )
        self.model.set_rows(rows)
        self.view.fit_columns()
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        row = self.view.current_row()
        self.execute_button.setEnabled(row is not None and row.awaits_execution)
        self.delivery_button.setEnabled(row is not None and row.is_signed)

    def delivery_of(self, row: DecisionRow) -> DeliveryStatus | None:
        return self.deliveries.get(row.id)

    def _delivered_text(self, row: DecisionRow) -> str:
        status = self.delivery_of(row)
        if status is None or status.method is None:
            return "" if status is None else "Ej registrerad"
        day = status.delivered_on
        return (
            f"{short_date(day)} ({status.method.label.lower()})" if day else (status.method.label)
        )

    def _last_day_text(self, row: DecisionRow) -> str:
        status = self.delivery_of(row)
        if status is None:
            return ""
        return short_date(status.last_day) if status.last_day else UNKNOWN

    def _record_delivery(self) -> None:
        row = self.view.current_row()
        if row is None or not row.is_signed:
            return
        description = (
            f"Beslut {short_date(row.decided_on)} för "
            f"{period_text(row.period_start, row.period_end)}: {row.outcome.label.lower()}."
        )
        DeliveryDialog(
            self.context, row.id, description, self.delivery_of(row), self, on_saved=self.reload
        ).exec()

    def _record_execution(self) -> None:
        row = self.view.current_row()
        if row is None or not row.awaits_execution:
            return
        description = (
            f"Beslut för {period_text(row.period_start, row.period_end)}: "
            f"{row.outcome.label.lower()}, {money(row.granted_total)}."
        )
        ExecutionDialog(self.context, row.id, description, self, on_saved=self.reload).exec()

    def _propose(self) -> None:
        if self.pending:
            self.proposal_requested.emit(self.pending[0].delivery_id)

    def _open_selected(self) -> None:
        row = self.view.current_row()
        if row is not None:
            self.open_decision_requested.emit(row.id)
