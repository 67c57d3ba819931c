"""Registrera delgivning: how a signed decision reached the applicant, with the dates the
method needs, the rule of the method and its source, and the last day to appeal shown as
the dates are typed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.appeals import delivery
from app.appeals.delivery import DeliveryInput, DeliveryStatus
from app.common import clock
from app.common.date_input import DateInputError, parse_date
from app.common.errors import ValidationFailed
from app.common.formatting import long_date
from app.deadlines import after_decision_rules
from app.models import DeliveryMethod
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import save_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error


def typed_day(field: DateField) -> date | None:
    """The day the field's text is as it stands (while typing), or None."""
    text = field.text().strip()
    if not text:
        return None
    try:
        return parse_date(text, clock.today())
    except DateInputError:
        return None


def _row_of(field: QWidget) -> QWidget:
    """The widget a field's form row holds (the box of the field and its message)."""
    box = field.parentWidget()
    assert box is not None
    return box


class DeliveryDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        decision_id: uuid.UUID,
        description: str,
        current: DeliveryStatus | None,
        parent: QWidget | None = None,
        *,
        on_saved: Callable[[], None] | None = None,
    ):
        super().__init__(parent)
        self.context = context
        self.decision_id = decision_id
        self._on_saved = on_saved
        self._version = current.version if current else None
        self.setWindowTitle("Registrera delgivning")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            f"{description}<br>Ange hur beslutet nådde sökanden. Dagen då sökanden fick del "
            "av beslutet avgör när tiden för att överklaga går ut."
            + ("<br><b>Delgivningen är redan registrerad; det du sparar ersätter den.</b>"
               if current and current.method else "")
        )  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = QFormLayout()
        self.method = QComboBox()
        self.method.setObjectName("deliveryMethod")
        for method in DeliveryMethod:
            self.method.addItem(method.label, method)
        self.method.setCurrentIndex(-1)
        self.method.setPlaceholderText("Välj hur …")
        self.errors = {name: FieldError() for name in ("method", "sent_on", "delivered_on", "note")}
        add_field(self.form, "&Hur:", self.method, self.errors["method"])
        self.sent_on = DateField(optional=True)
        self.sent_on.setObjectName("sentOn")
        add_field(self.form, "&Skickat den:", self.sent_on, self.errors["sent_on"])
        self.delivered_on = DateField(optional=True)
        self.delivered_on.setObjectName("deliveredOn")
        add_field(
            self.form, "Sökanden &fick del av det den:", self.delivered_on,
            self.errors["delivered_on"],
        )  # fmt: skip
        self.note = QPlainTextEdit()
        self.note.setObjectName("deliveryNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(70)
        add_field(self.form, "&Anteckning:", self.note, self.errors["note"])
        layout.addLayout(self.form)
        self._sent_row = _row_of(self.sent_on)
        self._delivered_row = _row_of(self.delivered_on)
        self.rule = QLabel()
        self.rule.setObjectName("deliveryRule")
        self.rule.setWordWrap(True)
        self.rule.setStyleSheet("color: #444;")
        layout.addWidget(self.rule)
        self.last_day = QLabel()
        self.last_day.setObjectName("lastDay")
        self.last_day.setWordWrap(True)
        layout.addWidget(self.last_day)
        layout.addWidget(save_cancel_buttons(self, self.save))
        if current is not None and current.method is not None:
            self.method.setCurrentIndex(self.method.findData(current.method))
            self.sent_on.set_value(current.sent_on)
            self.delivered_on.set_value(current.given_on)
            self.note.setPlainText(current.note)
        self.method.currentIndexChanged.connect(self._refresh)
        self.sent_on.textChanged.connect(self._refresh)
        self.delivered_on.textChanged.connect(self._refresh)
        self._refresh()

    def chosen(self) -> DeliveryMethod | None:
        data = self.method.currentData()
        return DeliveryMethod(data) if data is not None else None

    def _refresh(self, *_args) -> None:
        method = self.chosen()
        self.form.setRowVisible(self._sent_row, method is not DeliveryMethod.HANDED_OVER)
        self.form.setRowVisible(self._delivered_row, method is not DeliveryMethod.SIMPLIFIED)
        if method is None:
            self.rule.setText("")
            self.last_day.setText("Sista dag att överklaga: välj först hur beslutet delgavs.")
            return
        rule = after_decision_rules.delivery_rules()[method]
        source = rule.source.sfs or rule.source.url
        self.rule.setText(f"{rule.text}" + (f" (Källa: {source}.)" if source else ""))
        day, last = delivery.outcome_of(
            DeliveryInput(method, typed_day(self.sent_on), typed_day(self.delivered_on))
        )
        if last is None:
            why = (
                delivery.unknown_reason(method)
                if method is DeliveryMethod.POST
                else "Ange dagen ovan."
            )
            self.last_day.setText(f"<b>Sista dag att överklaga: okänd</b> – {why}")
        else:
            self.last_day.setText(
                f"Sökanden fick del av beslutet {long_date(day)}.<br>"
                f"<b>Sista dag att överklaga: {long_date(last)}</b>"
            )

    def save(self) -> None:
        for error in self.errors.values():
            error.set_message("")
        method = self.chosen()
        data = DeliveryInput(
            method,
            self.sent_on.value() if self.form.isRowVisible(self._sent_row) else None,
            self.delivered_on.value() if self.form.isRowVisible(self._delivered_row) else None,
            self.note.toPlainText(),
        )
        for date_field in (self.sent_on, self.delivered_on):
            if date_field.error:
                return  # the field shows why its text is no date
        try:
            self.context.call(
                lambda s, a: delivery.record_delivery(
                    s, a, self.decision_id, data, expected_version=self._version
                )
            )
        except ValidationFailed as exc:
            shown = False
            for field, message in exc.field_errors.items():
                if field in self.errors:
                    self.errors[field].set_message(message)
                    shown = True
            if not shown:
                show_error(self, exc)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        if self._on_saved is not None:
            self._on_saved()
        self.accept()
