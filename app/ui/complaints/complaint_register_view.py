"""Synpunkter och klagomål: the register as a main-window tab. The chef sees her unit's, with
what needs her first (lex Sarah rapporter not handed over, measures late); a handläggare sees
those she registered, those about her and those on her cases, and her own measures."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.common import code_lists
from app.common.errors import AccessDenied
from app.common.formatting import long_date
from app.complaints import complaint_register
from app.complaints.complaint_register import ComplaintRow, Watch
from app.models import FeedbackKind
from app.ui.complaints.complaint_dialog import ComplaintDialog
from app.ui.complaints.register_dialog import RegisterComplaintDialog
from app.ui.context import AppContext
from app.ui.widgets.messages import show_done, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _attention(row: ComplaintRow) -> bool | str:
    return row.attention or False


class ComplaintRegisterView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setObjectName("attentionSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        filters = QHBoxLayout()
        self.show_which = QComboBox()
        self.show_which.setObjectName("showWhich")
        self.show_which.addItem("Öppna", True)
        self.show_which.addItem("Alla", False)
        self.kind = QComboBox()
        self.kind.setObjectName("kindFilter")
        self.kind.addItem("Alla typer", None)
        for kind in FeedbackKind:
            self.kind.addItem(kind.label, kind)
        self.theme = QComboBox()
        self.theme.setObjectName("themeFilter")
        self.theme.addItem("Alla teman", "")
        for code in code_lists.codes(code_lists.COMPLAINT_THEME):
            self.theme.addItem(code.label, code.code)
        for text, widget in (("&Visa:", self.show_which), ("&Typ:", self.kind),
                             ("T&ema:", self.theme)):  # fmt: skip
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", "").rstrip(":"))
            filters.addWidget(label)
            filters.addWidget(widget)
            widget.currentIndexChanged.connect(self.reload)
        filters.addStretch()
        self.register_button = QPushButton("&Registrera synpunkt …")
        self.register_button.clicked.connect(self.register)
        self.open_button = QPushButton("Ö&ppna")
        self.open_button.clicked.connect(self.open_selected)
        filters.addWidget(self.register_button)
        filters.addWidget(self.open_button)
        layout.addLayout(filters)

        self.model = RowTableModel(
            [
                Column("Nummer", lambda r: r.number),
                Column("Kom in", lambda r: long_date(r.received_on), lambda r: r.received_on),
                Column("Typ", lambda r: r.kind.label),
                Column("Tema", lambda r: r.themes),
                Column("Gäller", lambda r: r.concerns),
                Column("Status", lambda r: r.status),
                Column("Att göra", lambda r: r.attention),
                Column("Vad personen framförde", lambda r: r.summary),
            ],
            highlight=_attention,
        )
        self.table = RowTableView(self.model, name="Synpunkter och klagomål")
        self.table.setObjectName("complaints")
        self.table.activated_row.connect(lambda row: self.open(row.id))
        layout.addWidget(self.table, 3)

        watch_label = QLabel("&Bevakningar (åtgärder och lex Sarah-rapporter):")
        layout.addWidget(watch_label)
        self.watch_model = RowTableModel(
            [
                Column("Senast", lambda w: long_date(w.due_on), lambda w: w.due_on),
                Column("Synpunkt", lambda w: w.number),
                Column("Vad", lambda w: w.what),
                Column("Ansvarig", lambda w: w.responsible),
            ],
            highlight=lambda w: "Bevakningen är försenad." if w.overdue else False,
        )
        self.watches = RowTableView(self.watch_model, name="Bevakningar")
        self.watches.setObjectName("watches")
        watch_label.setBuddy(self.watches)
        self.watches.activated_row.connect(self._open_watch)
        layout.addWidget(self.watches, 1)
        self.reload()

    def reload(self) -> None:
        only_open = self.show_which.currentData()
        kind = self.kind.currentData()
        theme = self.theme.currentData()
        try:
            rows = self.context.call(
                lambda s, a: complaint_register.complaint_list(
                    s, a, only_open=only_open, kind=kind, theme=theme
                )
            )
            watches: list[Watch] = self.context.call(complaint_register.watches)
        except Exception as exc:
            show_error(self, exc)
            return
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.watch_model.set_rows(watches)
        self.watches.fit_columns()
        lex = sum(1 for w in watches if w.what.startswith("Lex Sarah"))
        late = sum(1 for w in watches if w.overdue and not w.what.startswith("Lex Sarah"))
        parts = []
        if lex:
            parts.append(
                f"{lex} lex Sarah-rapport{'er inte lämnade' if lex > 1 else ' inte lämnad'}"
            )
        if late:
            parts.append(
                f"{late} åtgärd{'er' if late > 1 else ''} försenad{'e' if late > 1 else ''}"
            )
        self.summary.setText(
            ("<b>Att göra nu:</b> " + ", ".join(parts) + ".")
            if parts
            else "Inga lex Sarah-rapporter väntar och inga åtgärder är försenade."
        )

    def register(self) -> None:
        dialog = RegisterComplaintDialog(self.context, self)
        if dialog.exec():
            self.reload()
            self.table.select_where(lambda r: r.number == dialog.registered_number)
            show_done(self, f"Synpunkten är registrerad som {dialog.registered_number}.")

    def open_selected(self) -> None:
        row = self.table.current_row()
        if row is None:
            show_done(self, "Välj en synpunkt i listan först.")
            self.table.setFocus()
            return
        self.open(row.id)

    def open(self, complaint_id: uuid.UUID) -> None:
        try:
            dialog = ComplaintDialog(self.context, complaint_id, self)
        except Exception as exc:
            show_error(self, exc)
            return
        dialog.exec()
        if dialog.changed:
            self.reload()

    def _open_watch(self, watch: Watch) -> None:
        try:
            dialog = ComplaintDialog(self.context, watch.complaint_id, self)
        except AccessDenied:  # a measure she is responsible for, on a complaint she may not read
            show_done(self, f"Åtgärden hör till synpunkt {watch.number}, som chefen handlägger.")
            return
        except Exception as exc:
            show_error(self, exc)
            return
        dialog.exec()
        if dialog.changed:
            self.reload()
