"""Administrator: the settings the office shares (kept in the database), and where the others
are changed. The settings and their rules are declared in app.settings.registry."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.security import office_settings
from app.settings import registry, stored_settings
from app.settings.registry import Declaration, SettingType
from app.settings.stored_settings import AdjustableSetting
from app.ui.context import AppContext, ServiceCall
from app.ui.widgets.messages import FieldError, add_field, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

INTRO = (
    "Inställningarna här gäller alla som använder databasen och börjar gälla direkt. "
    "Varje ändring skrivs i loggen."
)


def _with_mnemonic(label: str, taken: set[str]) -> str:
    """The label with Alt+letter on its first letter not yet taken in the dialog."""
    for position, char in enumerate(label):
        if char.isalpha() and char.lower() not in taken:
            taken.add(char.lower())
            return f"{label[:position]}&{label[position:]}:"
    return f"{label}:"


class SettingsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Inställningar")
        self.resize(1000, 600)
        layout = QVBoxLayout(self)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, FieldError] = {}
        self.current: dict[str, AdjustableSetting] = {}
        taken = {"s", "t"}  # Spara, Stäng
        for setting in self.context.call(lambda s, _a: stored_settings.adjustable_settings(s)):
            declaration = setting.declaration
            field = QLineEdit()
            field.setObjectName(declaration.key)
            if declaration.kind is SettingType.TEXT:
                field.setMaxLength(declaration.max_length or 200)
                field.setMinimumWidth(420)
            else:
                field.setMaxLength(20)
            field.setAccessibleName(declaration.label)
            error = FieldError()
            box = QWidget()
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            row = QHBoxLayout()
            row.addWidget(field)
            row.addWidget(QLabel(declaration.unit))
            row.addStretch()
            column.addLayout(row)
            column.addWidget(error)
            help_text = QLabel(_help(declaration))
            help_text.setWordWrap(True)
            column.addWidget(help_text)
            add_field(form, _with_mnemonic(declaration.label, taken), box, buddy=field)
            error.follow(field)  # the message is what a screen reader says; it goes on typing
            self.fields[declaration.key] = field
            self.errors[declaration.key] = error
        layout.addLayout(form)
        self.status = QLabel()
        self.status.setObjectName("status")
        layout.addWidget(self.status)

        layout.addWidget(QLabel("<b>Alla inställningar och var de ändras</b>"))
        overview = RowTableModel(
            [
                Column("Inställning", lambda d: d.label),
                Column("Nyckel", lambda d: d.key),
                Column("Finns i", lambda d: d.places_label),
                Column("Ändras av", lambda d: d.changed_by.label),
            ]
        )
        overview.set_rows(list(registry.ALL))
        self.overview = RowTableView(overview, name="Alla inställningar")
        self.overview.setObjectName("allSettings")
        layout.addWidget(self.overview)
        self.overview.fit_columns()

        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Spara")
        self.save_button.setDefault(True)  # Enter in a field saves
        self.save_button.clicked.connect(self.save)
        close = QPushButton("S&täng")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addWidget(self.save_button)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def reload(self, keep: Collection[str] = ()) -> None:
        """The stored values, into every field except those in `keep` (a refused value
        the user is to correct: setting it again would also take its message away)."""
        settings = self.context.call(lambda s, _a: stored_settings.adjustable_settings(s))
        self.current = {setting.declaration.key: setting for setting in settings}
        for key, setting in self.current.items():
            if key not in keep:
                self.fields[key].setText(str(setting.value))

    def save(self) -> None:
        """Each changed field through the service; a refused value keeps its text and gets
        its message, the others are saved."""
        self.status.clear()
        for error in self.errors.values():
            error.set_message("")
        saved: list[str] = []
        refused = False
        for key, field in self.fields.items():
            text = field.text()
            if text.strip() == str(self.current[key].value):
                continue
            try:
                self.context.call(_change(key, text))
            except ValidationFailed as exc:
                self.errors[key].set_message(exc.field_errors.get(key, str(exc)))
                field.setFocus()
                field.selectAll()
                refused = True
                continue
            except Exception as exc:
                show_error(self, exc)
                return
            saved.append(self.current[key].declaration.label)
        # what the user typed and was refused stays, with its message, for her to correct
        self.reload(keep={key for key, error in self.errors.items() if error.text()})
        if saved:
            self.status.setText("Sparat: " + ", ".join(saved) + ".")
        elif not refused:
            self.status.setText("Inget är ändrat.")


def _change(key: str, text: str) -> ServiceCall[object]:
    return lambda session, actor: office_settings.change_setting(session, actor, key, text)


def _help(declaration: Declaration[object]) -> str:
    parts = [declaration.description]
    if declaration.minimum is not None and declaration.maximum is not None:
        parts.append(
            f"Tillåtet: {declaration.minimum}–{declaration.maximum} {declaration.unit}.".replace(
                " .", "."
            )
        )
    if declaration.kind is SettingType.TEXT:
        parts.append(f"Standard: {declaration.default}." if declaration.default else "")
    else:
        parts.append(f"Standard: {declaration.default} {declaration.unit}.".replace(" .", "."))
    return " ".join(parts)
