"""Administrator: the riksnorm tables per year with their sources and status, amounts without
a source, entering a new year's table (a draft) and approving another administrator's."""

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
from app.common.formatting import money, short_date
from app.norms import applicable_table
from app.norms.applicable_table import NormTableRow
from app.norms.norm_table import NormTable, norm_table_to_json
from app.ui.context import AppContext
from app.ui.forms.form_definitions_dialog import DefinitionEditor
from app.ui.widgets.messages import FieldError, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _who(name: str, at) -> str:
    return f"{name} {short_date(at.date()) if at else ''}".strip()


def describe_table(table: NormTable) -> list[str]:
    """The table's sources and its amounts without a source, as the dialog lists them."""
    lines = ["Källor:"]
    for source in table.sources:
        lines.append(f"• {source.reference}" + (f" ({source.date})" if source.date else ""))
        if source.url:
            lines.append(f"  {source.url}")
        if source.covers:
            lines.append(f"  {source.covers}")
    for total in table.known_totals:
        lines.append(f"• Känd summa: {total.description} {money(total.amount)} ({total.source})")
    missing = table.unverified_items()
    lines.append("")
    if missing:
        lines.append(
            f"{len(missing)} belopp saknar källa. En beräkning kan visa dem, men ett beslut "
            "som använder dem kan inte undertecknas:"
        )
        lines += [f"• {item}" for item in missing]
    else:
        lines.append("Alla belopp har källa.")
    if table.note:
        lines += ["", "Anteckning (skrivs aldrig ut i beslut):", table.note]
    return lines


class NormTablesDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Riksnormen")
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Riksnormen väljs efter beslutsperiodens år. En ny tabell läggs in av en "
                "administratör och gäller först när en annan administratör har godkänt den."
            )
        )
        self.model = RowTableModel(
            [
                Column("År", lambda r: str(r.year), sort_key=lambda r: r.year),
                Column("Status", lambda r: r.status),
                Column(
                    "Inlagd av", lambda r: _who(r.entered_by or r.draft_entered_by, r.entered_at)
                ),
                Column("Godkänd av", lambda r: _who(r.approved_by, r.approved_at)),
                Column(
                    "Belopp utan källa",
                    lambda r: str(len(r.unverified)),
                    sort_key=lambda r: len(r.unverified),
                    align_right=True,
                ),
                Column("Källa", lambda r: r.source),  # last: it stretches
            ],
            highlight=lambda r: bool(r.unverified) or not r.in_force,
        )
        self.table = RowTableView(self.model, name="Riksnormer per år")
        self.table.setObjectName("normTables")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._details())
        layout.addWidget(self.table, 2)
        self.details = QTextBrowser()
        self.details.setObjectName("unverifiedAmounts")
        self.details.setAccessibleName("Det valda årets riksnorm")
        layout.addWidget(self.details, 2)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons = QHBoxLayout()
        new = QPushButton("&Nytt år …")
        new.clicked.connect(self.enter_next_year)
        edit = QPushButton("&Ändra valt år …")
        edit.clicked.connect(self.edit_selected)
        import_button = QPushButton("&Importera från fil …")
        import_button.clicked.connect(self.import_file)
        self.approve_button = QPushButton("&Godkänn utkastet")
        self.approve_button.setObjectName("approveNormTable")
        self.approve_button.clicked.connect(self.approve_selected)
        self.discard_button = QPushButton("&Ta bort utkastet")
        self.discard_button.clicked.connect(self.discard_selected)
        close = QPushButton("&Stäng")
        close.clicked.connect(self.accept)
        for button in (new, edit, import_button, self.approve_button, self.discard_button):
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
        self._details()

    def select_year(self, year: int) -> None:
        for index, row in enumerate(self.model.rows):
            if row.year == year:
                self.table.selectRow(index)

    def _details(self) -> None:
        row: NormTableRow | None = self.table.current_row()
        self.approve_button.setEnabled(bool(row and row.draft))
        self.discard_button.setEnabled(bool(row and row.draft))
        if row is None:
            self.details.setPlainText("")
            return
        lines: list[str] = []
        if row.in_force:
            table = self.context.call(lambda s, _a: applicable_table.table_for(s, row.year))
            lines += [f"Riksnormen för {row.year} som gäller ({row.status}):", ""]
            lines += describe_table(table)
        draft = (
            self.context.call(lambda s, _a: applicable_table.draft_table(s, row.year))
            if row.draft
            else None
        )
        if draft is not None:
            if lines:
                lines += ["", "—" * 20, ""]
            lines += [
                f"Utkast för {row.year}, inlagt av {row.draft_entered_by}: gäller först när "
                "en annan administratör har godkänt det.",
                "",
            ]
            lines += describe_table(draft)
        self.details.setPlainText("\n".join(lines))

    def enter_next_year(self) -> None:
        template = self.context.call(lambda s, _a: applicable_table.template_for_next_year(s))
        self._edit(json.dumps(template, ensure_ascii=False, indent=2))

    def edit_selected(self) -> None:
        row: NormTableRow | None = self.table.current_row()
        if row is None:
            return
        table = self.context.call(
            lambda s, _a: (
                applicable_table.draft_table(s, row.year) or applicable_table.table_for(s, row.year)
            )
        )
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
        """Store the table as a draft for another administrator to approve."""
        try:
            table = self.context.call(lambda s, a: applicable_table.import_table(s, a, text))
        except ValidationFailed as exc:
            error.set_message("Tabellen sparades inte: " + " ".join(exc.field_errors.values()))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        error.set_message("")
        self.reload()
        self.select_year(table.year)
        self.error.set_message(
            f"Riksnormen för {table.year} är sparad som utkast. Den gäller när en annan "
            "administratör har godkänt den."
        )
        return True

    def approve_selected(self) -> bool:
        row: NormTableRow | None = self.table.current_row()
        if row is None or not row.draft:
            return False
        try:
            self.context.call(lambda s, a: applicable_table.approve_table(s, a, row.year))
        except ValidationFailed as exc:
            self.error.set_message(" ".join(exc.field_errors.values()))
            return False
        except Exception as exc:
            self.error.set_message(str(exc))
            return False
        self.reload()
        self.select_year(row.year)
        self.error.set_message(f"Riksnormen för {row.year} är godkänd och gäller nu.")
        return True

    def discard_selected(self) -> None:
        row: NormTableRow | None = self.table.current_row()
        if row is None or not row.draft:
            return
        try:
            self.context.call(lambda s, a: applicable_table.discard_draft(s, a, row.year))
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
