"""Överklaganden: the case's appeals (which decision, received, rättidsprövning, omprövning,
status) with the register's actions. Below the list, `court_area` holds the court's panel
(överlämnande, rulings; app.ui.appeals.court_panel), which follows `selection_changed`."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.appeals import appeal_register
from app.appeals.appeal_register import AppealRow
from app.common.formatting import short_date
from app.models import Timeliness
from app.ui.appeals.appeal_dialogs import (
    DismissalDialog,
    ReconsiderationDialog,
    RegisterAppealDialog,
    TimelinessDialog,
    WithdrawalDialog,
)
from app.ui.appeals.court_panel import CourtPanel
from app.ui.context import AppContext
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _timeliness_text(row: AppealRow) -> str:
    return row.timeliness.label if row.timeliness else "Ej prövad"


def _reconsideration_text(row: AppealRow) -> str:
    if row.reconsideration is None:
        return ""
    return f"{row.reconsideration.label} ({short_date(row.reconsidered_on)})"


class AppealsTab(QWidget):
    selection_changed = Signal(object)  # the selected appeal's id, or None
    changed = Signal()
    replace_decision_requested = Signal(object)  # the appealed decision's id

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
            [
                Column("Beslut som överklagas", lambda r: r.decision_text),
                Column(
                    "Inkom",
                    lambda r: short_date(r.received_on),
                    sort_key=lambda r: r.received_on.isoformat(),
                ),
                Column(
                    "Vem",
                    lambda r: r.appellant_name or r.appellant.label,
                ),
                Column("Rättidsprövning", _timeliness_text),
                Column("Omprövning", _reconsideration_text),
                Column("Status", lambda r: r.status),
            ],
            highlight=lambda r: (
                "Överklagandet har kommit in för sent och ska avvisas."
                if r.timeliness is Timeliness.LATE and r.dismissal_signed_on is None
                else False
            ),
        )
        self.view = RowTableView(self.model, name="Överklaganden i ärendet")
        self.view.setObjectName("appealsList")
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.view.activated_row.connect(lambda _row: self._timeliness())
        layout.addWidget(self.view, 2)
        self.empty = QLabel("Inga överklaganden är registrerade i ärendet.")
        self.empty.setObjectName("noAppeals")
        layout.addWidget(self.empty)
        buttons = QHBoxLayout()
        self.register_button = QPushButton("&Registrera överklagande …")
        self.register_button.setObjectName("registerAppeal")
        self.register_button.clicked.connect(self._register)
        self.timeliness_button = QPushButton("Rätt&idsprövning …")
        self.timeliness_button.setObjectName("appealTimeliness")
        self.timeliness_button.clicked.connect(self._timeliness)
        self.reconsider_button = QPushButton("O&mprövning …")
        self.reconsider_button.setObjectName("appealReconsideration")
        self.reconsider_button.clicked.connect(self._reconsider)
        self.dismiss_button = QPushButton("Avvisningsb&eslut …")
        self.dismiss_button.setObjectName("appealDismissal")
        self.dismiss_button.setToolTip("Beslut att avvisa ett överklagande som kom in för sent.")
        self.dismiss_button.clicked.connect(self._dismiss)
        self.withdraw_button = QPushButton("&Återkallat …")
        self.withdraw_button.setObjectName("appealWithdrawn")
        self.withdraw_button.setToolTip("Klaganden har återkallat överklagandet.")
        self.withdraw_button.clicked.connect(self._withdraw)
        for button in (
            self.register_button,
            self.timeliness_button,
            self.reconsider_button,
            self.dismiss_button,
            self.withdraw_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.court_area = QVBoxLayout()
        """The court's panel: the selected appeal's överlämnande and rulings."""
        layout.addLayout(self.court_area, 3)
        self.court_panel = CourtPanel(context, case_id, self)
        self.court_area.addWidget(self.court_panel)
        self.selection_changed.connect(self.court_panel.show_appeal)
        self.court_panel.changed.connect(self.reload)
        self.reload()

    @property
    def edit_buttons(self) -> tuple[QPushButton, ...]:
        return (
            self.register_button,
            self.timeliness_button,
            self.reconsider_button,
            self.dismiss_button,
            self.withdraw_button,
        )

    def reload(self) -> None:
        selected = self.selected_id()
        rows = self.context.call(lambda s, a: appeal_register.list_appeals(s, a, self.case_id))
        self.model.set_rows(rows)
        self.view.fit_columns()
        self.empty.setVisible(not rows)
        if rows and (selected is None or not self.view.select_where(lambda r: r.id == selected)):
            self.view.select_where(lambda r: r.id == rows[0].id)
        self._update_buttons()
        self.selection_changed.emit(self.selected_id())

    def selected_id(self) -> uuid.UUID | None:
        row = self.view.current_row()
        return row.id if row is not None else None

    def _current_changed(self, *_args) -> None:
        self._update_buttons()
        self.selection_changed.emit(self.selected_id())

    def _update_buttons(self) -> None:
        row: AppealRow | None = self.view.current_row()
        open_ = row is not None and row.dismissal_signed_on is None and row.withdrawn_on is None
        self.timeliness_button.setEnabled(open_ and row is not None and row.forwarded_on is None)
        self.reconsider_button.setEnabled(
            open_
            and row is not None
            and row.timeliness not in (None, Timeliness.LATE)
            and row.forwarded_on is None  # 39 § förvaltningslagen
        )
        self.dismiss_button.setEnabled(
            row is not None and row.timeliness is Timeliness.LATE and row.withdrawn_on is None
        )
        self.withdraw_button.setEnabled(open_ and row is not None and row.forwarded_on is None)

    def _saved(self) -> None:
        self.reload()
        self.changed.emit()

    def _register(self) -> None:
        RegisterAppealDialog(self.context, self.case_id, self, on_saved=self._saved).exec()

    def _timeliness(self) -> None:
        row = self.view.current_row()
        if row is not None and self.timeliness_button.isEnabled():
            TimelinessDialog(self.context, row, self, on_saved=self._saved).exec()

    def _reconsider(self) -> None:
        row = self.view.current_row()
        if row is None:
            return
        dialog = ReconsiderationDialog(self.context, row, self, on_saved=self._saved)
        dialog.new_decision_requested.connect(self.replace_decision_requested)
        dialog.exec()

    def _withdraw(self) -> None:
        row = self.view.current_row()
        if row is not None and self.withdraw_button.isEnabled():
            WithdrawalDialog(self.context, row, self, on_saved=self._saved).exec()

    def _dismiss(self) -> None:
        row = self.view.current_row()
        if row is not None:
            DismissalDialog(self.context, row, self, on_saved=self._saved).exec()
