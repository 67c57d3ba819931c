"""Changing a case's status; closing asks for the avslutsorsak."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.cases.case_register import ALLOWED_TRANSITIONS
from app.common import code_lists
from app.models import CaseStatus
from app.ui.widgets.dialog_buttons import save_cancel_buttons


class StatusDialog(QDialog):
    def __init__(self, current: CaseStatus, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Ändra status")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"Nuvarande status: <b>{current.label}</b>"))
        form = QFormLayout()
        self.status = QComboBox()
        self.status.setObjectName("newStatus")
        for status in CaseStatus:
            if status in ALLOWED_TRANSITIONS[current]:
                text = "Återöppna (utredning)" if current is CaseStatus.CLOSED else status.label
                self.status.addItem(text, status)
        self.reason = QComboBox()
        self.reason.setObjectName("closingReason")
        self.reason.addItem("– välj –", None)
        for code in code_lists.codes(code_lists.CLOSING_REASON):
            self.reason.addItem(code.label, code.code)
        form.addRow("&Ny status:", self.status)
        self.reason_label = QLabel("&Avslutsorsak:")
        self.reason_label.setBuddy(self.reason)
        form.addRow(self.reason_label, self.reason)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self))
        self.status.currentIndexChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        closing = self.chosen_status() is CaseStatus.CLOSED
        self.reason.setVisible(closing)
        self.reason_label.setVisible(closing)

    def chosen_status(self) -> CaseStatus:
        return self.status.currentData()

    def chosen_reason(self) -> str | None:
        return self.reason.currentData()
