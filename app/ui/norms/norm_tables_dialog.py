"""Administrator: the riksnorm tables per year, what is unverified, and entering next year's."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.norms import applicable_table
from app.norms.applicable_table import NormTableRow
from app.norms.norm_table import norm_table_to_json
from app.ui.context import AppContext
from app.ui.forms.form_definitions_dialog import DefinitionEditor
from app.ui.widgets.messages import FieldError, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


class NormTablesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Riksnormen")
        self.resize(820, 560)
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
            [
                Column("År", lambda r: str(r.year), sort_key=lambda r: r.year),
                Column(
                    "Inlagd av",
                    lambda r: (
                        "Administratör"
                        if r.entered_by_administrator
                        else "Levererad med programmet"
                    ),
                ),
                Column(
                    "Ej verifierade belopp",
                    lambda r: str(len(r.unverified)),
                    sort_key=lambda r: len(r.unverified),
                    align_right=True,
                ),
                Column("Källa", lambda r: r.source),  # last: it stretches
            ],
            highlight=lambda r: bool(r.unverified),
        )
        self.table = RowTableView(self.model)
        self.table.setObjectName("normTables")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._details())
        layout.addWidget(self.table, 2)
        layout.addWidget(
            QLabel(
                "Belopp som inte är kontrollerade mot förordningen "
                "(beräkningar som använder dem visar en varning):"
            )
        )
        self.details = QTextBrowser()
        self.details.setObjectName("unverifiedAmounts")
        layout.addWidget(self.details, 1)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        new = QPushButton("&Nytt år …")
        new.clicked.connect(self.enter_next_year)
        edit = QPushButton("&Ändra valt år …")
        edit.clicked.connect(self.edit_selected)
        import_button = QPushButton("&Importera från fil …")
        import_button.clicked.connect(self.import_file)
        close = QPushButton("&Stäng")
        close.clicked.connect(self.accept)
        for button in (new, edit, import_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows = self.context.call(lambda s, _a: applicable_table.list_tables(s))
        self.model.set_rows(rows)
        self.table.fit_columns()
        if rows:
            self.table.selectRow(len(rows) - 1)

    def _details(self) -> None:
        row: NormTableRow | None = self.table.current_row()
        if row is not None:
            self.details.setPlainText(
                "\n".join(f"• {item}" for item in row.unverified) or "Alla belopp är kontrollerade."
            )

    def enter_next_year(self) -> None:
        template = self.context.call(lambda s, _a: applicable_table.template_for_next_year(s))
        self._edit(json.dumps(template, ensure_ascii=False, indent=2))

    def edit_selected(self) -> None:
        row: NormTableRow | None = self.table.current_row()
        if row is None:
            return
        table = self.context.call(lambda s, _a: applicable_table.table_for(s, row.year))
        self._edit(json.dumps(norm_table_to_json(table), ensure_ascii=False, indent=2))

    def _edit(self, text: str) -> None:
        editor = DefinitionEditor(text, self)
        editor.setWindowTitle("Riksnorm")
        while editor.exec():
            if self.save(editor.editor.toPlainText(), editor.error):
                return

    def import_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Importera riksnorm", str(Path.home()), "JSON (*.json)"
        )
        if path:
            self.save(Path(path).read_text(encoding="utf-8"), self.error)

    def save(self, text: str, error: FieldError) -> bool:
        try:
            self.context.call(lambda s, a: applicable_table.import_table(s, a, text))
        except ValidationFailed as exc:
            error.set_message("Tabellen sparades inte: " + " ".join(exc.field_errors.values()))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        error.set_message("")
        self.reload()
        return True
