"""Konflikter från synkronisering: a field changed both at the office and on a laptop. The
office's value stays until the user picks one of the two, row by row."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.common.formatting import local_datetime
from app.offline import sync_conflicts
from app.offline.sync_conflicts import ConflictRow
from app.ui.context import AppContext
from app.ui.widgets.messages import show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

EXPLANATION = (
    "Samma uppgift ändrades både på kontoret och på en bärbar dator innan de hann "
    "synkroniseras. Kontorets värde gäller tills du väljer. Välj en rad och behåll "
    "kontorets värde eller använd den bärbara datorns."
)


class ConflictsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Konflikter från synkronisering")
        self.resize(980, 480)
        layout = QVBoxLayout(self)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        self.model = RowTableModel(
            [
                Column("Ärende", lambda r: r.case_number),
                Column("Uppgift", lambda r: r.what),
                Column("Kontorets värde", lambda r: r.office_value),
                Column("Den bärbara datorns värde", lambda r: r.laptop_value),
                Column("Ändrat av", lambda r: r.made_by_name),
                Column("När", lambda r: local_datetime(r.made_at), lambda r: r.made_at),
                Column("Orsak", lambda r: r.reason),
            ]
        )
        self.table = RowTableView(self.model, name="Konflikter")
        self.table.setObjectName("conflicts")
        layout.addWidget(self.table)
        self.empty_label = QLabel("Inga konflikter väntar.")
        self.empty_label.setObjectName("noConflicts")
        layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.keep_button = QPushButton("&Behåll kontorets värde")
        self.keep_button.clicked.connect(lambda: self.resolve(take_laptop=False))
        self.take_button = QPushButton("&Använd den bärbara datorns värde")
        self.take_button.clicked.connect(lambda: self.resolve(take_laptop=True))
        close = QPushButton("&Stäng")
        close.clicked.connect(self.accept)
        for button in (self.keep_button, self.take_button, close):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.model.rows:
            self.table.setFocus()  # arrows choose a conflict, Tab goes on to the buttons

    def reload(self) -> None:
        try:
            rows = self.context.call(lambda s, a: sync_conflicts.open_conflicts(s, a))
        except Exception as exc:
            show_error(self, exc)
            rows = []
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.empty_label.setVisible(not rows)
        for button in (self.keep_button, self.take_button):
            button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)
            self.table.setFocus()

    def resolve(self, *, take_laptop: bool) -> None:
        row: ConflictRow | None = self.table.current_row()
        if row is None:
            return
        try:
            self.context.call(
                lambda s, a: sync_conflicts.resolve(
                    s, a, row.id, take_laptop=take_laptop, expected_version=row.version
                )
            )
        except Exception as exc:
            show_error(self, exc)
        self.reload()
