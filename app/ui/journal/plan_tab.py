"""Planering: plans with goal, steps (who, by when) and follow-up; new plan dialog."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.common import clock, code_lists
from app.common.errors import ValidationFailed
from app.common.formatting import short_date
from app.journal import plans
from app.journal.plans import PlanInput, PlanRow, PlanStepInput
from app.ui.context import AppContext, ServiceCall
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import action_cancel_buttons
from app.ui.widgets.messages import FieldError, add_field, show_error

_ROLE_PLAN, _ROLE_STEP = Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 1


class PlanTab(QWidget):
    changed = Signal()

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Planer och steg")
        self.tree.setObjectName("planTree")
        self.tree.setHeaderLabels(["Plan / steg", "Ansvarig", "Datum", "Status"])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.tree)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("&Ny plan …")
        self.new_button.setObjectName("newPlan")
        self.done_button = QPushButton("Markera steget &klart")
        self.done_button.setObjectName("stepDone")
        self.close_button = QPushButton("&Avsluta planen")
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.done_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.new_button.clicked.connect(self.new_plan)
        self.done_button.clicked.connect(self.mark_done)
        self.close_button.clicked.connect(self.close_plan)
        self.reload()

    def reload(self) -> None:
        rows: list[PlanRow] = self.context.call(lambda s, a: plans.list_plans(s, a, self.case_id))
        self.tree.clear()
        if not rows:
            empty = QTreeWidgetItem(["Ingen plan är upprättad. Välj ”Ny plan …”."])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.tree.addTopLevelItem(empty)
        for plan in rows:
            status = f"Avslutad {short_date(plan.closed_on)}" if plan.closed_on else "Aktuell"
            item = QTreeWidgetItem(
                [
                    f"{plan.kind_label}: {plan.goal}",
                    "",
                    f"{short_date(plan.start_on)} – uppföljning "
                    f"{short_date(plan.follow_up_on) or 'ej angiven'}",
                    status,
                ]
            )
            item.setData(0, _ROLE_PLAN, plan.id)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            for step in plan.steps:
                child = QTreeWidgetItem(
                    [
                        step.description,
                        step.owner,
                        short_date(step.due_on),
                        f"Klart {short_date(step.done_on)}" if step.done_on else "Pågår",
                    ]
                )
                child.setData(0, _ROLE_PLAN, plan.id)
                child.setData(0, _ROLE_STEP, step.id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(plan.closed_on is None)
        for column in range(1, 4):
            self.tree.resizeColumnToContents(column)

    def new_plan(self) -> None:
        dialog = PlanDialog(self)
        while dialog.exec():
            data = dialog.plan_input()
            try:
                self.context.call(
                    lambda s, a, data=data: plans.create_plan(s, a, self.case_id, data)
                )
            except ValidationFailed as exc:
                dialog.show_errors(exc)
                continue
            except Exception as exc:
                show_error(self, exc)
                return
            self.reload()
            self.changed.emit()
            return

    def _selected(self, role: int, field: str, missing: str) -> uuid.UUID | None:
        """The plan or step id of the current row; None, after saying `missing`, if none."""
        item = self.tree.currentItem()
        selected = item.data(0, role) if item is not None else None
        if selected is None:
            show_error(self, ValidationFailed({field: missing}))
        return selected

    def _change(self, change: ServiceCall[object]) -> None:
        """Run one change of the plans, then show the new state (or why it failed)."""
        try:
            self.context.call(change)
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.changed.emit()

    def mark_done(self) -> None:
        step_id = self._selected(_ROLE_STEP, "step", "Markera ett steg i listan först.")
        if step_id is not None:
            self._change(lambda s, a: plans.mark_step_done(s, a, step_id))

    def close_plan(self) -> None:
        plan_id = self._selected(_ROLE_PLAN, "plan", "Markera en plan i listan först.")
        if plan_id is not None:
            self._change(lambda s, a: plans.close_plan(s, a, plan_id))


class PlanDialog(QDialog):
    """A new plan: kind, goal, dates, and a table of steps. Entered text survives errors."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Ny plan")
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.kind = QComboBox()
        for code in code_lists.codes(code_lists.PLAN_KIND):
            self.kind.addItem(code.label, code.code)
        self.goal = QPlainTextEdit()
        self.goal.setObjectName("planGoal")
        self.goal.setTabChangesFocus(True)
        self.goal.setFixedHeight(70)
        self.start_on = DateField(clock.today())
        self.follow_up_on = DateField(clock.today() + timedelta(days=90), optional=True)
        self.errors = {name: FieldError() for name in ("kind", "goal", "follow_up_on", "steps")}
        form.addRow("&Typ:", self.kind)
        add_field(form, "&Mål:", self.goal, self.errors["goal"])
        add_field(form, "&Start:", self.start_on)
        add_field(form, "&Uppföljning:", self.follow_up_on, self.errors["follow_up_on"])
        layout.addLayout(form)
        layout.addWidget(QLabel("Steg (vad ska göras, vem gör det, senast när):"))
        self.steps = QTableWidget(0, 3)
        self.steps.setAccessibleName("Planens steg")
        self.steps.setObjectName("planSteps")
        self.steps.setHorizontalHeaderLabels(["Steg", "Ansvarig", "Senast (ÅÅÅÅ-MM-DD)"])
        self.steps.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.steps)
        layout.addWidget(self.errors["steps"])
        step_buttons = QHBoxLayout()
        add = QPushButton("&Lägg till steg")
        remove = QPushButton("Ta &bort steg")
        add.clicked.connect(self.add_step_row)
        remove.clicked.connect(lambda: self.steps.removeRow(self.steps.currentRow()))
        step_buttons.addWidget(add)
        step_buttons.addWidget(remove)
        step_buttons.addStretch()
        layout.addLayout(step_buttons)
        buttons, _save = action_cancel_buttons(self, "&Spara planen")
        layout.addWidget(buttons)
        self.add_step_row()

    def add_step_row(self, description: str = "", owner: str = "Sökande", due: str = "") -> None:
        row = self.steps.rowCount()
        self.steps.insertRow(row)
        for column, text in enumerate((description, owner, due)):
            self.steps.setItem(row, column, QTableWidgetItem(text))

    def plan_input(self) -> PlanInput:
        steps, bad_dates = [], []
        for row in range(self.steps.rowCount()):
            texts = [
                (item.text() if (item := self.steps.item(row, c)) else "").strip() for c in range(3)
            ]
            if not any(texts[:1]):
                continue
            due = None
            if texts[2]:
                try:
                    due = date.fromisoformat(texts[2])
                except ValueError:
                    bad_dates.append(row + 1)
            steps.append(PlanStepInput(texts[0], texts[1], due))
        self.errors["steps"].set_message(
            f"Datumet på rad {', '.join(map(str, bad_dates))} ska skrivas ÅÅÅÅ-MM-DD."
            if bad_dates
            else ""
        )
        return PlanInput(
            self.kind.currentData(),
            self.goal.toPlainText(),
            self.start_on.value() or clock.today(),
            self.follow_up_on.value(),
            steps,
        )

    def accept(self) -> None:
        self.plan_input()
        if self.errors["steps"].text() and self.errors["steps"].isVisible():
            return
        super().accept()

    def show_errors(self, exc: ValidationFailed) -> None:
        for name, message in exc.field_errors.items():
            key = "steps" if name.startswith("step") else name
            self.errors.get(key, self.errors["goal"]).set_message(message)
