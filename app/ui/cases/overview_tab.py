"""Översikt: household with ages, status, försörjningshinder, current plan, next deadlines."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.cases import support_barriers
from app.cases.case_overview import ApplicationView, CaseOverview, MemberView
from app.common import clock, code_lists
from app.common.formatting import local_datetime, short_date
from app.common.periods import month_start
from app.models import MemberRole
from app.ui.context import AppContext
from app.ui.intake.application_content import show_e_application
from app.ui.widgets.date_field import DateField
from app.ui.widgets.dialog_buttons import save_cancel_buttons
from app.ui.widgets.messages import show_error
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

_SEX = {"K": "Kvinna", "M": "Man"}


def _member_role(member: MemberView) -> str:
    text = member.role.label
    if member.visiting_child:
        text += " (umgänge)"
    return text


MEMBER_ROWS_SHOWN = 8
"""The household's table grows to this many rows before it scrolls; the height it does not
need goes to the bevakningar and applications below."""


def _boxed(title: str, content: QWidget) -> QGroupBox:
    """A titled box holding one widget: the case, the plan, the deadlines, the applications."""
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(content)
    return box


class OverviewTab(QWidget):
    changed = Signal()
    access_log_requested = Signal(str)
    """Chefs: the audit log about the selected member (personnummer), or the sökande."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.overview: CaseOverview | None = None
        layout = QGridLayout(self)

        household_box = QGroupBox("Hushåll")
        household_layout = QVBoxLayout(household_box)
        self.address = QLabel()
        self.address.setObjectName("address")
        self.address.setWordWrap(True)
        household_layout.addWidget(self.address)
        self.members_model = RowTableModel(
            [
                Column("Namn", lambda m: m.name + (" 🔒" if m.protected_identity else "")),
                Column("Personnummer", lambda m: m.personal_number),
                Column("Roll", _member_role),
                Column("Ålder", lambda m: str(m.age), sort_key=lambda m: m.age, align_right=True),
                Column("Kön", lambda m: _SEX[m.sex]),
                Column("Försörjningshinder", lambda m: m.support_barrier),
            ]
        )
        self.members_view = RowTableView(self.members_model, name="Hushållsmedlemmar")
        self.members_view.setObjectName("membersView")
        household_layout.addWidget(self.members_view)
        barrier_row = QHBoxLayout()
        barrier_row.addStretch()
        self.access_log_button = QPushButton("Vem har &läst? …")
        self.access_log_button.setToolTip(
            "Loggen över vem som sökt fram, öppnat och ändrat uppgifter om den markerade "
            "personen och hens ärenden det senaste året."
        )
        self.access_log_button.clicked.connect(self.request_access_log)
        if context.actor is None or not context.actor.is_manager:
            # hide(), not setVisible(flag): shown before it has a parent, the button would
            # become a window of its own
            self.access_log_button.hide()
        barrier_row.addWidget(self.access_log_button)
        self.barrier_button = QPushButton("Registrera &försörjningshinder …")
        self.barrier_button.clicked.connect(self.register_barrier)
        barrier_row.addWidget(self.barrier_button)
        household_layout.addLayout(barrier_row)
        layout.addWidget(household_box, 0, 0, 1, 2)

        self.case_info = QLabel()
        self.case_info.setObjectName("caseInfo")
        self.case_info.setWordWrap(True)
        layout.addWidget(_boxed("Ärendet", self.case_info), 1, 0)

        self.plan_info = QLabel()
        self.plan_info.setObjectName("planInfo")
        self.plan_info.setWordWrap(True)
        layout.addWidget(_boxed("Aktuell plan", self.plan_info), 1, 1)

        self.deadlines_model = RowTableModel(
            [
                Column(
                    "Datum",
                    lambda d: local_datetime(d.due_at) if d.due_at else short_date(d.due),
                    sort_key=lambda d: d.due.isoformat(),
                ),
                Column("Bevakning", lambda d: d.label),
            ],
            highlight=lambda d: "Bevakningen är försenad." if d.is_overdue(clock.now()) else "",
        )
        self.deadlines_view = RowTableView(self.deadlines_model, name="Bevakningar")
        self.deadlines_view.setObjectName("deadlinesView")
        layout.addWidget(_boxed("Bevakningar", self.deadlines_view), 2, 0)

        self.applications_model = RowTableModel(
            [
                Column("Inkom", lambda a: a.received),
                Column("Sätt", lambda a: a.channel_label),
                Column(
                    "Period", lambda a: f"{short_date(a.period_start)} – {short_date(a.period_end)}"
                ),
                Column(
                    "Beslut", lambda a: short_date(a.decided_on) if a.decided_on else "Ej beslutad"
                ),
                Column(
                    "E-ansökan",
                    lambda a: "Visa (Enter)" if a.e_application_id is not None else "",
                ),
            ]
        )
        self.applications_view = RowTableView(self.applications_model, name="Ansökningar")
        self.applications_view.setObjectName("applicationsView")
        self.applications_view.activated_row.connect(self._show_e_application)
        layout.addWidget(_boxed("Ansökningar", self.applications_view), 2, 1)
        # the household as tall as its members need; the lists that grow get the rest
        layout.setRowStretch(0, 0)
        layout.setRowStretch(2, 1)

    def request_access_log(self) -> None:
        if self.overview is None:
            return
        member = self.members_view.current_row() or self.overview.applicant
        self.access_log_requested.emit(member.personal_number)

    def _show_e_application(self, application: ApplicationView) -> None:
        """Enter on an application taken in from an e-ansökan: the e-ansökan, to read."""
        if application.e_application_id is not None:
            self.e_application = show_e_application(
                self, self.context, application.e_application_id
            )

    def show_overview(self, overview: CaseOverview) -> None:
        self.overview = overview
        if overview.address_hidden:
            self.address.setText("<b>Skyddade personuppgifter:</b> adressen visas inte.")
        else:
            address = ", ".join(overview.address_lines) or "Adress saknas"
            housing = f" · {overview.housing_label}" if overview.housing_label else ""
            self.address.setText(f"{address}{housing}")
        self.members_model.set_rows(overview.members)
        self.members_view.fit_columns()
        self.members_view.fit_height_to_rows(most=MEMBER_ROWS_SHOWN)
        children = [m for m in overview.members if m.role is MemberRole.CHILD]
        lines = [
            f"Status: <b>{overview.status.label}</b>",
            f"Aktualiserat: {short_date(overview.opened_on)}",
            f"Ansvarig handläggare: {overview.responsible_name}",
            f"Enhet: {overview.unit_name}",
            f"Barn i hushållet: {len(children)}"
            + (f" ({', '.join(f'{c.age} år' for c in children)})" if children else ""),
        ]
        lines += [
            f"Jobbstimulans för {line.name}: {line.detail}" for line in overview.jobbstimulans
        ]
        if overview.closed_on:
            lines.append(
                f"Avslutat: {short_date(overview.closed_on)} – {overview.closing_reason_label}"
            )
        self.case_info.setText("<br>".join(lines))
        plan = overview.current_plan
        if plan is None:
            self.plan_info.setText(
                "<b>Ingen aktuell plan.</b> Upprätta en plan under fliken Planering."
            )
        else:
            self.plan_info.setText(
                f"<b>{plan.kind_label}</b> från {short_date(plan.start_on)}<br>"
                f"Mål: {plan.goal}<br>"
                f"Uppföljning: {short_date(plan.follow_up_on) or 'ej angiven'}<br>"
                f"Steg: {plan.done_steps} klara, {plan.open_steps} kvar"
            )
        self.deadlines_model.set_rows(overview.deadlines)
        self.deadlines_view.fit_columns()
        self.applications_model.set_rows(overview.applications)
        self.applications_view.fit_columns()

    def register_barrier(self) -> None:
        assert self.overview is not None
        adults = [
            m
            for m in self.overview.members
            if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
        ]
        dialog = QDialog(self)
        dialog.setWindowTitle("Försörjningshinder")
        form = QFormLayout(dialog)
        person = QComboBox()
        for member in adults:
            person.addItem(f"{member.name} ({member.role.label.lower()})", member.person_id)
        month = DateField(month_start(clock.today()))
        month.setToolTip("Vilken dag som helst i månaden; försörjningshindret gäller hela månaden.")
        code = QComboBox()
        for item in code_lists.codes(code_lists.SUPPORT_BARRIER):
            code.addItem(item.label, item.code)
        form.addRow("&Person:", person)
        form.addRow("&Månad:", month)
        form.addRow("&Försörjningshinder:", code)
        form.addRow(save_cancel_buttons(dialog))
        if not dialog.exec():
            return
        case_id, person_id, chosen_month, chosen_code = (
            self.overview.case_id,
            person.currentData(),
            month_start(month.value() or clock.today()),
            code.currentData(),
        )
        try:
            self.context.call(
                lambda s, a: support_barriers.set_barrier(
                    s, a, case_id, person_id, chosen_month, chosen_code
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.changed.emit()
