"""Blanketter: the case's forms (IB, FIA, BKA) with status, and buttons to start new ones."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.common.formatting import local_datetime, short_date
from app.forms import filled_forms
from app.forms.filled_forms import FormRow
from app.models import FormKey
from app.ui.context import AppContext
from app.ui.widgets.messages import show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

CASE_FORMS = (
    (FormKey.INITIAL_ASSESSMENT, "Ny &initial bedömning"),
    (FormKey.FIA, "Ny &FIA"),
    (FormKey.CHILD_IMPACT, "Ny &barnkonsekvensanalys"),
)


class FormsTab(QWidget):
    open_form_requested = Signal(object)  # form id
    changed = Signal()

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        layout = QVBoxLayout(self)
        self.suggestion = QLabel()
        self.suggestion.setObjectName("fiaSuggestion")
        self.suggestion.setWordWrap(True)
        self.suggestion.setStyleSheet(
            "background: #fff4ce; padding: 6px; border: 1px solid #e0c060;"
        )
        layout.addWidget(self.suggestion)
        self.model = RowTableModel(
            [
                Column("Blankett", lambda r: r.title),
                Column("Version", lambda r: f"v{r.form_version}", align_right=True),
                Column(
                    "Skapad",
                    lambda r: short_date(r.created_on),
                    sort_key=lambda r: r.created_on.isoformat(),
                ),
                Column("Av", lambda r: r.author_name),
                Column(
                    "Status",
                    lambda r: (
                        f"Signerad {local_datetime(r.signed_at)}"
                        if r.signed_at and r.signature_holds
                        else r.status_label
                    ),
                ),
                Column("", lambda r: "Ny version av tidigare" if r.supersedes_id else ""),
            ]
        )
        self.view = RowTableView(self.model, name="Blanketter i ärendet")
        self.view.setObjectName("formsList")
        self.view.activated_row.connect(lambda row: self.open_form_requested.emit(row.id))
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.new_buttons: dict[str, QPushButton] = {}
        for key, text in CASE_FORMS:
            button = QPushButton(text)
            button.setObjectName(f"new_{key}")
            button.clicked.connect(lambda _=False, k=key: self.new_form(k))
            self.new_buttons[key] = button
            buttons.addWidget(button)
        self.open_button = QPushButton("Ö&ppna")
        self.open_button.clicked.connect(self._open_selected)
        buttons.addWidget(self.open_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows: list[FormRow] = self.context.call(
            lambda s, a: filled_forms.list_forms(s, a, self.case_id)
        )
        self.model.set_rows(rows)
        self.view.fit_columns()
        suggestion = self.context.call(lambda s, _a: filled_forms.fia_suggestion(s, self.case_id))
        self.suggestion.setText(suggestion)
        self.suggestion.setVisible(bool(suggestion))

    def new_form(self, key: str) -> uuid.UUID | None:
        try:
            form = self.context.call(
                lambda s, a: filled_forms.create_form(s, a, key, case_id=self.case_id)
            )
        except Exception as exc:
            show_error(self, exc)
            return None
        self.reload()
        self.open_form_requested.emit(form.id)
        return form.id

    def _open_selected(self) -> None:
        row = self.view.current_row()
        if row is not None:
            self.open_form_requested.emit(row.id)
