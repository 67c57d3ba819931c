"""Administrator view of form definitions: versions, items marked for review (verify), and
publishing a revised definition as a new version."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.forms import form_definitions
from app.forms.form_definitions import DefinitionRow
from app.ui.context import AppContext
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


class FormDefinitionsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Formulär och versioner")
        self.resize(900, 600)
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
            [
                Column("Formulär", lambda r: r.title),
                Column("Nyckel", lambda r: r.key),
                Column("Version", lambda r: str(r.version), align_right=True),
                Column("Aktuell", lambda r: "Ja" if r.is_latest else ""),
                Column("Källa", lambda r: "Levererad" if r.builtin else "Administratör"),
                Column("Att granska", lambda r: str(len(r.verify_items)), align_right=True),
            ],
            highlight=lambda r: (
                "Har uppgifter att granska." if r.verify_items and r.is_latest else ""
            ),
        )
        self.table = RowTableView(self.model, name="Formulär och versioner")
        self.table.setObjectName("definitionsTable")
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        layout.addWidget(self.table, 2)
        layout.addWidget(
            QLabel("Uppgifter markerade för granskning (ej kontrollerade mot primärkällan):")
        )
        self.details = QTextBrowser()
        self.details.setObjectName("verifyItems")
        self.details.setAccessibleName("Uppgifter markerade för granskning")
        layout.addWidget(self.details, 1)
        buttons = QHBoxLayout()
        self.revise_button = QPushButton("&Publicera ny version …")
        self.revise_button.clicked.connect(self.revise)
        buttons.addWidget(self.revise_button)
        buttons.addStretch()
        close = QPushButton("&Stäng")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows = self.context.call(lambda s, _a: form_definitions.list_definitions(s))
        self.model.set_rows(rows)
        self.table.fit_columns()
        if rows:
            self.table.selectRow(0)

    def _show_details(self) -> None:
        row: DefinitionRow | None = self.table.current_row()
        if row is None:
            return
        if not row.verify_items:
            self.details.setPlainText("Inget i den här versionen är markerat för granskning.")
        else:
            self.details.setPlainText("\n".join(f"• {item}" for item in row.verify_items))

    def revise(self) -> None:
        row: DefinitionRow | None = self.table.current_row()
        if row is None:
            return
        latest = next(r for r in self.model.rows if r.key == row.key and r.is_latest)
        text = self.context.call(lambda s, _a: form_definitions.definition_json(s, latest.id))
        draft = json.loads(text)
        draft["version"] = latest.version + 1
        dialog = DefinitionEditor(json.dumps(draft, ensure_ascii=False, indent=2), self)
        while dialog.exec():
            try:
                self.context.call(
                    lambda s, a: form_definitions.publish_version(s, a, dialog.editor.toPlainText())
                )
            except ValidationFailed as exc:
                dialog.error.set_message(str(exc))
                continue
            except Exception as exc:
                show_error(self, exc)
                return
            self.reload()
            return


class DefinitionEditor(QDialog):
    """Edit a definition's JSON; nothing is published until it parses and checks out."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Ny version av formulär")
        self.resize(800, 640)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Ändra definitionen. Versionsnumret är redan uppräknat. "
                "Signerade blanketter behåller sin gamla version."
            )
        )
        self.editor = QPlainTextEdit(text)
        self.editor.setObjectName("definitionJson")
        layout.addWidget(self.editor)
        self.error = FieldError()
        layout.addWidget(self.error)
        buttons, _publish = action_cancel_buttons(self, "&Publicera")
        layout.addWidget(buttons)
