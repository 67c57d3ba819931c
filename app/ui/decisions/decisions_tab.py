"""Beslut: the case's decisions with outcome and amount; start a new one or open one."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.formatting import money, period_text, short_date
from app.decisions import decisions
from app.decisions.decisions import DecisionRow
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


class DecisionsTab(QWidget):
    open_decision_requested = Signal(object)  # decision id, or None for a new decision

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
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
                Column("", lambda r: "Ersätter tidigare beslut" if r.replaces_id else ""),
            ]
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
        self.open_button = QPushButton("Ö&ppna")
        self.open_button.clicked.connect(self._open_selected)
        self.execute_button = QPushButton("Registrera &verkställighet …")
        self.execute_button.setObjectName("recordExecution")
        self.execute_button.setToolTip(
            "Ange när ett beviljat beslut verkställdes (till exempel betalades ut)."
        )
        self.execute_button.clicked.connect(self._record_execution)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.execute_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows: list[DecisionRow] = self.context.call(
            lambda s, a: decisions.list_decisions(s, a, self.case_id)
        )
        self.model.set_rows(rows)
        self.view.fit_columns()
        self._update_buttons()

    def _update_buttons(self, *_args) -> None:
        row = self.view.current_row()
        self.execute_button.setEnabled(row is not None and row.awaits_execution)

    def _record_execution(self) -> None:
        row = self.view.current_row()
        if row is None or not row.awaits_execution:
            return
        description = (
            f"Beslut för {period_text(row.period_start, row.period_end)}: "
            f"{row.outcome.label.lower()}, {money(row.granted_total)}."
        )
        ExecutionDialog(self.context, row.id, description, self, on_saved=self.reload).exec()

    def _open_selected(self) -> None:
        row = self.view.current_row()
        if row is not None:
            self.open_decision_requested.emit(row.id)
