"""Administrator: the delegationsordning – who may sign which kind of decision, granting up
to what and refusing applications of up to what (issue 19: two rights per kind)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.common.errors import ValidationFailed
from app.common.formatting import money
from app.decisions import decisions
from app.decisions.decisions import DelegationRow
from app.models import DecisionKind, DelegationScope
from app.norms.norm_calculation import parse_amount
from app.ui.context import AppContext
from app.ui.widgets.messages import FieldError, add_field, show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _cell(kind: DecisionKind, scope: DelegationScope):
    def text(row: DelegationRow) -> str:
        if (kind, scope) not in row.rights:
            return ""
        limit = row.rights[(kind, scope)]
        return "Ja" if limit is None else f"Upp till {money(limit)}"

    return text


SCOPE_HEADINGS = {DelegationScope.GRANT: "bevilja", DelegationScope.REFUSE: "avslå"}


class DelegationsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Delegationsordning")
        self.resize(1200, 520)
        layout = QVBoxLayout(self)
        self.model = RowTableModel(
            [Column("Användare", lambda r: r.user_name), Column("Roll", lambda r: r.role_label)]
            + [
                Column(f"{kind.label}: {SCOPE_HEADINGS[scope]}", _cell(kind, scope))
                for kind in DecisionKind
                for scope in DelegationScope
            ]
        )
        self.table = RowTableView(self.model, name="Delegationer")
        self.table.setObjectName("delegations")
        layout.addWidget(self.table)
        form = QFormLayout()
        self.user = QComboBox()
        self.kind = QComboBox()
        for kind in DecisionKind:
            self.kind.addItem(kind.label, kind.value)
        self.scope = QComboBox()
        self.scope.setObjectName("delegationScope")
        self.scope.addItem("Bevilja (gränsen gäller beviljat belopp)", DelegationScope.GRANT.value)
        self.scope.addItem(
            "Avslå eller avvisa (gränsen gäller sökt belopp)", DelegationScope.REFUSE.value
        )
        self.scope.addItem("Både bevilja och avslå", "")
        self.granted = QCheckBox("Får fatta beslut av den här typen")
        self.granted.setChecked(True)
        self.limit = QLineEdit()
        self.limit.setPlaceholderText("tomt = ingen beloppsgräns")
        self.error = FieldError()
        add_field(form, "&Användare:", self.user)
        add_field(form, "&Beslutstyp:", self.kind)
        add_field(form, "&Får:", self.scope)
        form.addRow("", self.granted)
        add_field(form, "Belopps&gräns per beslut:", self.limit, self.error)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        save = QPushButton("&Spara delegation")
        save.clicked.connect(self.save)
        close = QPushButton("S&täng")
        close.clicked.connect(self.accept)
        buttons.addWidget(save)
        buttons.addStretch()
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        rows = self.context.call(lambda s, _a: decisions.list_delegations(s))
        self.model.set_rows(rows)
        self.table.fit_columns()
        current = self.user.currentData()
        self.user.clear()
        for row in rows:
            self.user.addItem(f"{row.user_name} ({row.role_label.lower()})", str(row.user_id))
        if current:
            self.user.setCurrentIndex(max(0, self.user.findData(current)))

    def save(self) -> None:
        self.error.set_message("")
        limit: Decimal | None = None
        if self.limit.text().strip():
            try:
                limit = parse_amount(self.limit.text(), "max_amount", "Beloppsgränsen")
            except ValidationFailed as exc:
                self.error.set_message(str(exc))
                return
        user_id = uuid.UUID(self.user.currentData())
        kind = DecisionKind(self.kind.currentData())
        scope = DelegationScope(self.scope.currentData()) if self.scope.currentData() else None
        granted = self.granted.isChecked()
        try:
            self.context.call(
                lambda s, a: decisions.set_delegation(
                    s, a, user_id, kind, limit, granted=granted, scope=scope
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
