"""Registering that a decision has been carried out (verkställt), e.g. paid out."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.decisions import decisions
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import save_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error


class ExecutionDialog(QDialog):
    """Asks for the day the decision was carried out and saves it; errors stay in the dialog
    next to the date so nothing typed is lost."""

    def __init__(
        self,
        context: AppContext,
        decision_id: uuid.UUID,
        description: str,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self.decision_id = decision_id
        self._on_saved = on_saved
        self.setWindowTitle("Registrera verkställighet")
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{description}<br>Ange dagen då beslutet verkställdes, till exempel när "
            "pengarna betalades ut. Beslut som inte verkställs inom tre månader ska "
            "rapporteras."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.date = DateField()
        self.date.setObjectName("executedOn")
        self.error = FieldError()
        add_field(form, "&Verkställt den:", self.date, self.error)
        layout.addLayout(form)
        layout.addWidget(save_cancel_buttons(self, self.save))

    def save(self) -> None:
        executed_on = self.date.value()
        assert executed_on is not None
        try:
            self.context.call(
                lambda s, a: decisions.record_execution(s, a, self.decision_id, executed_on)
            )
        except ValidationFailed as exc:
            self.error.set_message(exc.field_errors.get("executed_on", str(exc)))
            return
        except Exception as exc:
            show_error(self, exc)
            return
        if self._on_saved is not None:
            self._on_saved()
        self.accept()
