"""Beslut: the case's decisions with outcome and amount; start a new one or open one."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.services import decisions
from app.services.decisions import DecisionRow, period_text
from app.services.formatting import money, short_date
from app.ui.context import AppContext
from app.ui.row_table_model import Column, RowTableModel
from app.ui.table_view import RowTableView


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
                Column(
                    "Beslutat", lambda r: short_date(r.decided_on) if r.decided_on else "Utkast"
                ),
                Column("Beslutsfattare", lambda r: r.decided_by_name),
                Column("", lambda r: "Ersätter tidigare beslut" if r.replaces_id else ""),
            ]
        )
        self.view = RowTableView(self.model)
        self.view.setObjectName("decisionsList")
        self.view.activated_row.connect(lambda row: self.open_decision_requested.emit(row.id))
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&Ny beräkning och beslut …")
        self.new_button.setObjectName("newDecision")
        self.new_button.clicked.connect(lambda: self.open_decision_requested.emit(None))
        self.open_button = QPushButton("Ö&ppna")
        self.open_button.clicked.connect(self._open_selected)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows: list[DecisionRow] = self.context.call(
            lambda s, a: decisions.list_decisions(s, a, self.case_id)
        )
        self.model.set_rows(rows)
        self.view.fit_columns()

    def _open_selected(self) -> None:
        row = self.view.current_row()
        if row is not None:
            self.open_decision_requested.emit(row.id)
