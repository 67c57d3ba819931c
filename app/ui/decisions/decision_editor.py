"""Beräkning och beslut: household, costs and incomes -> riksnorm calculation -> the proposal
-> what is granted, motivation, lagrum -> kommunicering (FL 25 §) -> barnets bästa for each
child -> signing with delegation."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.cases.jobbstimulans import JobbstimulansStatus
from app.common import clock
from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.errors import ValidationFailed
from app.common.formatting import long_date, money, period_text
from app.common.periods import month_end, month_start, next_month_start
from app.decisions import decisions, kommunicering, legal_texts, proposal
from app.decisions.decisions import DecisionDraft, ItemInput
from app.decisions.kommunicering import CommunicationStatus, SentCommunication
from app.decisions.proposal import Proposal
from app.models import DecisionKind, Outcome
from app.norms import applicable_table
from app.norms.norm_calculation import (
    COST_TYPES,
    INCOME_TYPES,
    AdultInput,
    Calculation,
    ChildInput,
    CostInput,
    HouseholdComposition,
    IncomeInput,
    calculate,
    parse_amount,
)
from app.printing.communication_letter import render_communication_letter
from app.printing.decision_letter import render_decision_letter
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.messages import (
    FieldError,
    add_field,
    ask_save_or_discard,
    show_done,
    show_error,
)
from app.ui.widgets.pdf_export import ask_pdf_path, export_pdf
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.read_only import ReadOnlyBanner, make_read_only
from app.ui.widgets.screen_fit import scrollable
from app.ui.widgets.unsaved_changes import input_snapshot


def _amount_item(value: Decimal) -> QTableWidgetItem:
    """An amount cell as every table shows amounts ('13 570,00 kr', right-aligned); read
    back by parse_amount, which takes the same form."""
    item = QTableWidgetItem(money(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


DIFFERS_COLOUR = "#ffe08a"
"""A row whose income differs between the application and the registers (with a marker in
the row's header and a tooltip: never the colour alone)."""
DIFFERS_MARKER = "⚠ Avviker"


def _combo(options: dict[str, str], current: str = "") -> QComboBox:
    combo = QComboBox()
    for key, label in options.items():
        combo.addItem(label, key)
    if current:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class DecisionEditor(QWidget):
    signed = Signal()
    saved = Signal()
    replace_requested = Signal(object)  # the signed decision's id
    replace_requested = Signal(object)  # the signed decision's id

    def __init__(
        self,
        context: AppContext,
        case_id: uuid.UUID,
        case_number: str,
        decision_id: uuid.UUID | None = None,
        parent: QWidget | None = None,
        *,
        replaces_id: uuid.UUID | None = None,
        from_delivery_id: uuid.UUID | None = None,
    ):
        """`replaces_id`: a new decision that replaces a signed one (a change of a signed
        decision is always a new decision referring to the old). `from_delivery_id`: a new
        decision pre-filled with the proposal from that e-ansökan (app.decisions.proposal);
        nothing is saved until the handläggare saves."""
        super().__init__(parent)
        self.context = context
        self.replaces_id = replaces_id
        self.case_id = case_id
        self.case_number = case_number
        self.decision_id = decision_id
        self.version: int | None = None
        self.signed_decision = False
        self.signature_holds = True
        self.decided_on: date | None = None
        """The day a signed decision was made: its lagrum follow the law of that day."""
        self.calculation: Calculation | None = None
        self._jobbstimulans: dict[str, JobbstimulansStatus] = {}
        self.period_children: list[decisions.ChildRef] = []
        self.communication: CommunicationStatus | None = None
        self.proposal: Proposal | None = None
        self._proposal_snapshot: dict | None = None
        self._proposal_notes: list[str] = []
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("decisionHeader")
        layout.addWidget(self.header)
        self.read_only_banner = ReadOnlyBanner()
        layout.addWidget(self.read_only_banner)
        self.pages = QTabWidget()
        # each page scrolls on its own: the buttons below stay on a 768-pixel screen
        for number, (page, title) in enumerate(
            (
                (self._calculation_page(), "Beräkning"),
                (self._decision_page(), "Beslut"),
                (self._communication_page(), "Kommunicering"),
                (self._sign_page(), "Barnets bästa och signering"),
            ),
            start=1,
        ):
            self.pages.addTab(scrollable(page, title), f"&{number} {title}")
        layout.addWidget(self.pages, 1)
        # the phrase bank and the lagrum follow the kind, the period's law and the outcome
        self._default_codes: list[str] = []
        self.kind.currentIndexChanged.connect(lambda *_: self._update_outcome())
        self.period_start.dateChanged.connect(lambda *_: self._update_outcome())
        self.period_end.dateChanged.connect(lambda *_: self._update_outcome())
        buttons = QHBoxLayout()
        self.save_button = QPushButton("Spara &utkast")
        self.save_button.setObjectName("saveDecision")
        self.preview_button = QPushButton("&Förhandsgranska brev …")
        self.sign_button = QPushButton("&Signera beslutet")
        self.sign_button.setObjectName("signDecision")
        self.letter_button = QPushButton("Spara &beslutsbrev …")
        self.replace_button = QPushButton("Nytt beslut som &ersätter detta …")
        self.replace_button.setObjectName("replaceDecision")
        self.replace_button.clicked.connect(lambda: self.replace_requested.emit(self.decision_id))
        for button in (
            self.save_button,
            self.preview_button,
            self.sign_button,
            self.letter_button,
            self.replace_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.forwarding_label = QLabel()
        self.forwarding_label.setObjectName("forwardingInstruction")
        self.forwarding_label.setWordWrap(True)
        self.forwarding_label.setStyleSheet("background:#fff4ce; padding:4px;")
        self.forwarding_label.hide()
        layout.addWidget(self.forwarding_label)
        self.save_button.clicked.connect(self.save)
        self.preview_button.clicked.connect(self.preview)
        self.sign_button.clicked.connect(self.sign)
        self.letter_button.clicked.connect(self.save_letter)
        self.period_start.dateChanged.connect(lambda *_: self._refresh_children())
        self.period_end.dateChanged.connect(lambda *_: self._refresh_children())
        if decision_id is None:
            self._apply_defaults()
            self._prefill_household()
            if from_delivery_id is not None:
                self._apply_proposal(from_delivery_id)
            self._refresh_children()
            self._update_outcome()
        else:
            self._load()
        self._update_state()
        self._remember_saved_inputs()

    # --- page 1: calculation -----------------------------------------------------------
    def _calculation_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        self.kind = _combo({k.value: k.label for k in DecisionKind})
        self.kind.setObjectName("decisionKind")
        month_start = next_month_start(clock.today())
        self.period_start = DateField(month_start)
        self.period_end = DateField(month_end(month_start))
        self.year = QLabel()
        """The riksnorm of the period's year (never chosen by hand: issue 19, defect 1)."""
        self.year.setObjectName("normYear")
        self.year.setWordWrap(True)
        self.year.setTextFormat(Qt.TextFormat.PlainText)
        self.period_start.dateChanged.connect(lambda *_: self._show_norm_year())
        self.period_end.dateChanged.connect(lambda *_: self._show_norm_year())
        add_field(form, "&Typ av bistånd:", self.kind)
        add_field(form, "Period &från:", self.period_start)
        add_field(form, "Period &till:", self.period_end)
        form.addRow("Riksnorm:", self.year)
        column.addLayout(form)
        self.source_label = QLabel()
        self.source_label.setObjectName("decisionSource")
        self.source_label.setWordWrap(True)
        column.addWidget(self.source_label)
        self.differences_label = QLabel()
        """What the e-ansökan and the registers disagree on, for the handläggare to judge."""
        self.differences_label.setObjectName("proposalDifferences")
        self.differences_label.setWordWrap(True)
        self.differences_label.setTextFormat(Qt.TextFormat.PlainText)
        self.differences_label.setStyleSheet(f"background:{DIFFERS_COLOUR}; padding:4px;")
        self.differences_label.hide()
        column.addWidget(self.differences_label)
        household = QGroupBox("Hushållet")
        household_layout = QFormLayout(household)
        self.adults_label = QLabel()
        self.cohabiting = QCheckBox("Sökande och medsökande är sambor eller gifta")
        self.shared = QSpinBox()
        self.shared.setRange(0, 20)
        self.shared.setSpecialValueText("Bor i eget hushåll")
        self.children_table = QTableWidget(0, 3)
        self.children_table.setAccessibleName("Barn i hushållet")
        self.children_table.setObjectName("childrenTable")
        self.children_table.setHorizontalHeaderLabels(["Barn", "Ålder", "Lunch i förskola"])
        self.children_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.children_table.setMaximumHeight(130)
        household_layout.addRow("Vuxna:", self.adults_label)
        household_layout.addRow("", self.cohabiting)
        add_field(household_layout, "&Hushållsgemenskap (personer):", self.shared)
        household_layout.addRow("Barn:", self.children_table)
        column.addWidget(household)
        self.costs = self._row_table(["Kostnad", "Beskrivning", "Ansökt", "Godtas"], "costsTable")
        self.incomes = self._row_table(
            ["Inkomst", "Person", "Belopp", "Jobbstimulans"], "incomesTable"
        )
        self.incomes.setToolTip(
            "Jobbstimulansen räknas fram ur ärendets signerade beslut om försörjningsstöd "
            "och gäller lön (inkomst av anställning)."
        )
        # the boxes hold the tables and their row buttons: a signed decision locks both
        self.costs_box = self._with_buttons("Skäliga kostnader", self.costs, self.add_cost)
        self.incomes_box = self._with_buttons("Inkomster", self.incomes, self.add_income)
        column.addWidget(self.costs_box)
        column.addWidget(self.incomes_box)
        calculate_row = QHBoxLayout()
        self.calculate_button = QPushButton("&Beräkna")
        self.calculate_button.setObjectName("calculate")
        self.calculate_button.clicked.connect(self.recalculate)
        calculate_row.addWidget(self.calculate_button)
        self.result_label = QLabel()
        self.result_label.setObjectName("calculationResult")
        self.result_label.setWordWrap(True)
        calculate_row.addWidget(self.result_label, 1)
        column.addLayout(calculate_row)
        self.calculation_error = FieldError()
        self.calculation_error.setObjectName("calculationError")
        column.addWidget(self.calculation_error)
        self.unverified_label = QLabel()
        self.unverified_label.setObjectName("unverifiedWarning")
        self.unverified_label.setWordWrap(True)
        self.unverified_label.setStyleSheet("background:#fff4ce; padding:4px;")
        self.unverified_label.hide()
        column.addWidget(self.unverified_label)
        self._show_norm_year()
        return page

    def _show_norm_year(self) -> None:
        """Which year's riksnorm the period takes, or why there is none."""
        start, end = self.period_start.value(), self.period_end.value()
        if start is None or end is None:
            return
        try:
            table = self.context.call(
                lambda s, _a: applicable_table.table_for_period(s, start, end)
            )
        except ValidationFailed as exc:
            self.year.setText(" ".join(exc.field_errors.values()))
            self.year.setStyleSheet("color:#b00020;")
            return
        text = f"{table.year} ({table.source})"
        missing = table.unverified_items()
        if missing:
            text += (
                f". {len(missing)} belopp saknar källa: en beräkning kan visas, men ett beslut "
                "som använder dem kan inte undertecknas."
            )
        calculated = getattr(self, "_norm_year", None)
        if self.calculation is not None and calculated not in (None, table.year):
            text += f" Beräkningen är gjord med {calculated} års riksnorm: räkna om."
        self.year.setText(text)
        self.year.setStyleSheet("background:#fff4ce;" if missing else "")

    def _row_table(self, headers: list[str], name: str) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.setMaximumHeight(150)
        return table

    def _with_buttons(self, title: str, table: QTableWidget, add) -> QGroupBox:
        box = QGroupBox(title)
        column = QVBoxLayout(box)
        column.addWidget(table)
        row = QHBoxLayout()
        add_button = QPushButton("Lägg till rad")
        add_button.clicked.connect(lambda: add())
        remove_button = QPushButton("Ta bort rad")
        remove_button.clicked.connect(lambda: table.removeRow(table.currentRow()))
        row.addWidget(add_button)
        row.addWidget(remove_button)
        row.addStretch()
        column.addLayout(row)
        return box

    def add_cost(
        self,
        cost_type: str = "boende",
        applied: str = "",
        approved: str = "",
        description: str = "",
    ) -> int:
        row = self.costs.rowCount()
        self.costs.insertRow(row)
        self.costs.setCellWidget(row, 0, _combo(COST_TYPES, cost_type))
        for column, text in ((1, description), (2, applied), (3, approved)):
            self.costs.setItem(row, column, QTableWidgetItem(text))
        return row

    def add_income(self, income_type: str = "lon", person_id: str = "", amount: str = "") -> int:
        """A row of income. `person_id`: whose income (a sökande or medsökande; "" for the
        household). Lön is income from employment: its jobbstimulans is derived from the
        case's decisions and shown in the last column, never typed in."""
        row = self.incomes.rowCount()
        self.incomes.insertRow(row)
        kind = _combo(INCOME_TYPES, income_type)
        self.incomes.setCellWidget(row, 0, kind)
        person = QComboBox()
        for status in self._jobbstimulans.values():
            person.addItem(status.name, str(status.person_id))
        person.addItem("Hushållet", "")
        if person_id or income_type == "lon":
            person.setCurrentIndex(max(0, person.findData(person_id)) if person_id else 0)
        else:
            person.setCurrentIndex(person.count() - 1)
        self.incomes.setCellWidget(row, 1, person)
        self.incomes.setItem(row, 2, QTableWidgetItem(amount))
        shown = QTableWidgetItem()
        shown.setFlags(shown.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.incomes.setItem(row, 3, shown)
        kind.currentIndexChanged.connect(lambda *_: self._show_jobbstimulans())
        person.currentIndexChanged.connect(lambda *_: self._show_jobbstimulans())
        self._show_jobbstimulans()
        return row

    def _apply_defaults(self) -> None:
        """A new decision answers the case's oldest undecided application: its kind and
        period (a replacing decision: those of the decision it replaces)."""
        defaults = self.context.call(
            lambda s, a: decisions.new_decision_defaults(
                s, a, self.case_id, replaces_id=self.replaces_id
            )
        )
        self.kind.setCurrentIndex(max(0, self.kind.findData(defaults.kind.value)))
        self.period_start.set_value(defaults.period_start)
        self.period_end.set_value(defaults.period_end)
        self._show_norm_year()  # the period decides the riksnorm's year
        self.source_label.setText(defaults.note)

    def _apply_proposal(self, delivery_id: uuid.UUID) -> None:
        """Fill the calculation from the proposal (app.decisions.proposal), mark the income
        rows that differ from what the applicant stated, list the differences, calculate."""
        found = self.context.call(lambda s, a: proposal.propose(s, a, self.case_id, delivery_id))
        self.proposal = found
        self.kind.setCurrentIndex(max(0, self.kind.findData(found.kind.value)))
        self.period_start.set_value(found.period_start)
        self.period_end.set_value(found.period_end)
        self._prefill_household()
        self.source_label.setText(
            f"Förslag från e-ansökan {found.application_id} för "
            f"{period_text(found.period_start, found.period_end)}: kostnader som sökanden "
            "angett, inkomster från registren. Bedöm förslaget; ingenting sparas förrän du "
            "sparar, och beslutet signeras bara av dig."
        )
        self.costs.setRowCount(0)
        for cost in found.costs:
            self.add_cost(cost.cost_type, money(cost.applied), description=cost.description)
        self.incomes.setRowCount(0)
        for income in found.incomes:
            row = self.add_income(income.income_type, income.person_id, money(income.amount))
            tip = f"Källa: {income.origin}."
            if income.note:
                tip += f" {income.note}"
            difference = found.differs(income)
            if difference is not None:
                tip = f"{DIFFERS_MARKER}: {difference.text} {tip}"
                self._mark_differing(row, tip)
            amount = self.incomes.item(row, 2)
            if amount is not None:
                amount.setToolTip(tip)
        lines = []
        if found.differences:
            lines.append(
                f"Ansökan och registren skiljer sig åt ({len(found.differences)}); bedöm "
                "varje rad markerad med ⚠:"
            )
            lines += [f"• {difference.text}" for difference in found.differences]
        lines += found.notes
        self._proposal_notes = lines
        self._show_proposal_notes(lines)
        if found.norm_year is not None:
            self.recalculate()
        self._proposal_snapshot = decisions.proposal_snapshot(self.draft())

    def _show_proposal_notes(self, lines: list[str]) -> None:
        self.differences_label.setText("\n".join(lines))
        self.differences_label.setVisible(bool(lines))

    def _mark_differing(self, row: int, tip: str) -> None:
        header = QTableWidgetItem(DIFFERS_MARKER)
        header.setToolTip(tip)
        self.incomes.setVerticalHeaderItem(row, header)
        for column in (2, 3):
            item = self.incomes.item(row, column)
            if item is not None:
                item.setBackground(QBrush(QColor(DIFFERS_COLOUR)))
                item.setToolTip(tip)
        for column in (0, 1):
            widget = self.incomes.cellWidget(row, column)
            if widget is not None:
                widget.setStyleSheet(f"background:{DIFFERS_COLOUR};")
                widget.setToolTip(tip)

    def differing_rows(self) -> list[int]:
        """The income rows marked as differing from the application."""
        return [
            row
            for row in range(self.incomes.rowCount())
            if (header := self.incomes.verticalHeaderItem(row)) is not None
            and header.text() == DIFFERS_MARKER
        ]

    def _refresh_jobbstimulans(self) -> None:
        """Each sökande's and medsökande's jobbstimulans in the month calculated (the
        period's first), from the case's signed decisions."""
        month = month_start(self.period_start.value() or clock.today())
        statuses = self.context.call(
            lambda s, a: decisions.jobbstimulans_for_calculation(s, a, self.case_id, month)
        )
        self._jobbstimulans = {str(status.person_id): status for status in statuses}
        self._show_jobbstimulans()

    def _income_combo(self, row: int, column: int) -> QComboBox:
        combo = self.incomes.cellWidget(row, column)
        assert isinstance(combo, QComboBox)  # the type and person columns are combos
        return combo

    def _income_status(self, row: int) -> JobbstimulansStatus | None:
        return self._jobbstimulans.get(self._income_combo(row, 1).currentData() or "")

    def _show_jobbstimulans(self) -> None:
        for row in range(self.incomes.rowCount()):
            shown = self.incomes.item(row, 3)
            if shown is None:
                continue
            status = self._income_status(row)
            if self._income_combo(row, 0).currentData() != "lon":
                text = "–"
            elif status is None:
                text = "Nej – välj vems lönen är"
            elif status.applies and status.period is not None:
                text = f"Ja, {status.period.text}"
            else:
                text = f"Nej – {status.explanation()}"
            shown.setText(text)

    def _prefill_household(self) -> None:
        month = self.period_start.value() or clock.today()
        composition = self.context.call(
            lambda s, a: decisions.household_for_calculation(s, a, self.case_id, month)
        )
        self._show_household(composition)
        self._refresh_jobbstimulans()

    def _show_household(self, composition: HouseholdComposition) -> None:
        self.adult_names = [a.name for a in composition.adults]
        self.adults_label.setText(", ".join(self.adult_names))
        self.cohabiting.setChecked(any(a.cohabiting for a in composition.adults))
        self.cohabiting.setEnabled(len(composition.adults) == 2)
        self.shared.setValue(composition.shared_household_persons)
        self.children_table.setRowCount(0)
        for child in composition.children:
            row = self.children_table.rowCount()
            self.children_table.insertRow(row)
            self.children_table.setItem(row, 0, QTableWidgetItem(child.name))
            age = QSpinBox()
            age.setRange(0, 20)
            age.setValue(child.age)
            self.children_table.setCellWidget(row, 1, age)
            lunch = QCheckBox()
            lunch.setChecked(child.without_lunch)
            self.children_table.setCellWidget(row, 2, lunch)

    def _text(self, table: QTableWidget, row: int, column: int) -> str:
        item = table.item(row, column)
        return item.text() if item else ""

    def _inputs(self) -> tuple[HouseholdComposition, list[CostInput], list[IncomeInput]]:
        errors: dict[str, str] = {}
        cohabiting = self.cohabiting.isChecked() and len(self.adult_names) == 2
        composition = HouseholdComposition(
            adults=[AdultInput(name, cohabiting) for name in self.adult_names],
            children=[
                ChildInput(
                    self._text(self.children_table, r, 0),
                    self.children_table.cellWidget(r, 1).value(),
                    self.children_table.cellWidget(r, 2).isChecked(),
                )
                for r in range(self.children_table.rowCount())
            ],
            shared_household_persons=self.shared.value(),
        )
        costs, incomes = [], []
        for row in range(self.costs.rowCount()):
            try:
                applied = parse_amount(
                    self._text(self.costs, row, 2),
                    f"cost.{row}.applied",
                    f"Kostnad rad {row + 1}, ansökt",
                )
                approved_text = self._text(self.costs, row, 3).strip()
                approved = (
                    parse_amount(
                        approved_text, f"cost.{row}.approved", f"Kostnad rad {row + 1}, godtas"
                    )
                    if approved_text
                    else None
                )
            except ValidationFailed as exc:
                errors.update(exc.field_errors)
                continue
            costs.append(
                CostInput(
                    self.costs.cellWidget(row, 0).currentData(),
                    applied,
                    approved,
                    self._text(self.costs, row, 1).strip(),
                )
            )
        for row in range(self.incomes.rowCount()):
            try:
                amount = parse_amount(
                    self._text(self.incomes, row, 2),
                    f"income.{row}.amount",
                    f"Inkomst rad {row + 1}",
                )
            except ValidationFailed as exc:
                errors.update(exc.field_errors)
                continue
            income_type = self._income_combo(row, 0).currentData()
            status = self._income_status(row)
            incomes.append(
                IncomeInput(
                    income_type,
                    status.name if status else "Hushållet",
                    amount,
                    employment=income_type == "lon",
                    jobbstimulans=status,
                )
            )
        if errors:
            raise ValidationFailed(errors)
        return composition, costs, incomes

    def recalculate(self) -> bool:
        """Run the calculation and put the proposal on the decision page."""
        self.calculation_error.set_message("")
        try:
            self._refresh_jobbstimulans()
            composition, costs, incomes = self._inputs()
            start, end = self.period_start.value(), self.period_end.value()
            if start is None or end is None:
                raise ValidationFailed({"period": "Ange beslutsperioden."})
            table = self.context.call(
                lambda s, _a: applicable_table.table_for_period(s, start, end)
            )
            self.calculation = calculate(table, composition, costs, incomes)
        except ValidationFailed as exc:
            self.calculation = None
            self.unverified_label.hide()
            self.calculation_error.set_message("\n".join(exc.field_errors.values()))
            return False
        calc = self.calculation
        self.result_label.setText(
            f"Riksnorm {money(calc.norm_total)} + godtagna kostnader "
            f"{money(calc.costs_approved_total)} − inkomster {money(calc.income_counted_total)}"
            f" = <b>{'underskott' if calc.result >= 0 else 'överskott'} "
            f"{money(abs(calc.result))}</b>"
        )
        self.unverified_label.setText(
            f"Riksnormen för {calc.year} har belopp utan källa: "
            + "; ".join(calc.unverified)
            + ". Beräkningen kan visas, men beslutet kan inte undertecknas förrän en "
            "administratör har lagt in beloppen med källa och en annan har godkänt dem."
            if calc.uses_unverified
            else ""
        )
        self.unverified_label.setVisible(calc.uses_unverified)
        draft = decisions.draft_from_calculation(
            self.kind_value(),
            self.period_start.value(),
            self.period_end.value(),
            calc,
            costs,
            incomes,
        )
        self._show_items(draft.items, draft.income_counted)
        self._set_references(draft.legal_references)
        self._calculation_snapshot = draft.calculation
        self._norm_year = draft.norm_year
        self._show_norm_year()
        self._update_outcome()
        return True

    def kind_value(self) -> DecisionKind:
        return DecisionKind(self.kind.currentData())

    # --- page 2: decision --------------------------------------------------------------
    def _decision_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        self.items = QTableWidget(0, 5)
        self.items.setAccessibleName("Beslutets poster")
        self.items.setObjectName("decisionItems")
        self.items.setHorizontalHeaderLabels(
            ["Post", "Ansökt", "Föreslaget", "Beviljat", "Motivering för posten"]
        )
        self.items.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.items.itemChanged.connect(lambda *_: self._update_outcome())
        column.addWidget(self.items)
        self.income_label = QLabel()
        column.addWidget(self.income_label)
        self.outcome_label = QLabel()
        self.outcome_label.setObjectName("outcomeLabel")
        column.addWidget(self.outcome_label)
        self.items_error = FieldError()
        column.addWidget(self.items_error)
        self.dismissed = QCheckBox("&Avvisa ansökan (den prövas inte, t.ex. fel kommun)")
        self.dismissed.toggled.connect(lambda *_: self._update_outcome())
        column.addWidget(self.dismissed)
        phrase_row = QHBoxLayout()
        self.phrase = QComboBox()
        self.phrase.setObjectName("phrase")
        self.phrase.setToolTip(
            "Fraserna som passar beslutets slag av bistånd, utfall och poster. Frasen "
            "infogas i motiveringen; redigera den så att den beskriver just det här beslutet."
        )
        insert = QPushButton("&Infoga fras")
        insert.clicked.connect(self.insert_phrase)
        self.insert_phrase_button = insert
        phrase_row.addWidget(QLabel("Frasbank:"))
        phrase_row.addWidget(self.phrase, 1)
        phrase_row.addWidget(insert)
        column.addLayout(phrase_row)
        self.motivation = QPlainTextEdit()
        self.motivation.setObjectName("motivation")
        self.motivation.setTabChangesFocus(True)
        motivation_label = QLabel("&Motivering (krävs när beslutet inte är fullt bifall):")
        motivation_label.setBuddy(self.motivation)
        column.addWidget(motivation_label)
        column.addWidget(self.motivation)
        references = QGroupBox("Lagrum")
        reference_column = QVBoxLayout(references)
        self.law_label = QLabel()
        self.law_label.setObjectName("lawForDecision")
        self.law_label.setWordWrap(True)
        reference_column.addWidget(self.law_label)
        self.references: dict[str, QCheckBox] = {}
        for reference in legal_texts.legal_references():
            box = QCheckBox(f"{reference.text} – {reference.about}")
            box.setObjectName(f"reference_{reference.code}")
            self.references[reference.code] = box
            reference_column.addWidget(box)
        column.addWidget(references)
        self.include_appeal = QCheckBox(
            "Bifoga &besvärshänvisning (alltid med när beslutet inte är fullt bifall)"
        )
        self.include_appeal.setObjectName("includeAppeal")
        column.addWidget(self.include_appeal)
        return page

    def _show_items(self, items: list[ItemInput], income: Decimal) -> None:
        self.items.blockSignals(True)
        self.items.setRowCount(0)
        for item in items:
            row = self.items.rowCount()
            self.items.insertRow(row)
            label = QTableWidgetItem(item.label)
            label.setData(256, item.item_type)
            self.items.setItem(row, 0, label)
            self.items.setItem(row, 1, _amount_item(item.applied))
            self.items.setItem(row, 2, _amount_item(item.proposed))
            self.items.setItem(row, 3, _amount_item(item.granted))
            self.items.setItem(row, 4, QTableWidgetItem(item.motivation))
        self.items.blockSignals(False)
        self._income = income
        self.income_label.setText(f"Avgår inkomster: {money(income)}")

    def _set_references(self, codes: list[str]) -> None:
        for code, box in self.references.items():
            box.setChecked(code in codes)

    def _chosen_references(self) -> list[str]:
        return [c for c, box in self.references.items() if box.isChecked()]

    def _refresh_references(self, outcome: Outcome) -> None:
        """Show the lagrum of the law the decision rests on (the one in force the day it is
        signed, whatever its period) that fit the kind and outcome (and any chosen one that
        does not, marked, so it can be unchecked); unconfirmed paragraphs say so. A choice
        that was the previous default follows a change of kind."""
        start, end = self.period_start.value(), self.period_end.value()
        if start is None or end is None or end < start:
            return
        kind = self.kind_value()
        decided = self.signed_decision and self.decided_on is not None
        decided_on = self.decided_on if decided and self.decided_on else clock.today()
        defaults = legal_texts.default_references(kind, decided_on)
        chosen = self._chosen_references()
        if not self.signed_decision and sorted(chosen) == sorted(self._default_codes):
            chosen = defaults
            for code, box in self.references.items():
                box.setChecked(code in chosen)
        self._default_codes = defaults
        fitting = {r.code for r in legal_texts.references_for(decided_on, kind, outcome)}
        for reference in legal_texts.legal_references():
            box = self.references[reference.code]
            notes = []
            if box.isChecked() and reference.code not in fitting:
                notes.append("passar inte beslutet")
            if not reference.confirmed:
                notes.append("ej kontrollerat mot lagtexten, kan inte signeras")
            box.setText(
                f"{reference.text} – {reference.about}"
                + (f" ({'; '.join(notes)})" if notes else "")
            )
            box.setVisible(reference.code in fitting or box.isChecked())
        self.law_label.setText(legal_texts.law_statement(decided_on, decided=decided))

    def _refresh_phrases(self, outcome: Outcome, items: list[ItemInput]) -> None:
        """Offer only the phrases that fit the kind, the outcome and the decision's items."""
        current = self.phrase.currentData()
        facts = decisions.draft_facts(
            DecisionDraft(
                kind=self.kind_value(),
                period_start=self.period_start.value() or clock.today(),
                period_end=self.period_end.value() or clock.today(),
                items=items,
                income_counted=getattr(self, "_income", Decimal("0")),
                dismissed=self.dismissed.isChecked(),
            )
        )
        fitting = [
            p
            for p in legal_texts.phrases_for(
                outcome, kind=self.kind_value(), cost_types={i.item_type for i in items}
            )
            if legal_texts.claims_hold(p, facts)
        ]
        self.phrase.blockSignals(True)
        self.phrase.clear()
        for phrase in fitting:
            self.phrase.addItem(phrase.label, phrase.key)
        self.phrase.setCurrentIndex(max(0, self.phrase.findData(current)))
        self.phrase.blockSignals(False)
        self.insert_phrase_button.setEnabled(bool(fitting) and not self.signed_decision)

    def _item_inputs(self) -> list[ItemInput]:
        items, errors = [], {}
        for row in range(self.items.rowCount()):
            amounts = []
            for column, name, title in (
                (1, "applied", "ansökt"),
                (2, "proposed", "föreslaget"),
                (3, "granted", "beviljat"),
            ):
                try:
                    amounts.append(
                        parse_amount(
                            self._text(self.items, row, column),
                            f"item.{row}.{name}",
                            f"Rad {row + 1}, {title}",
                        )
                    )
                except ValidationFailed as exc:
                    errors.update(exc.field_errors)
                    amounts.append(Decimal("0"))
            label_item = self.items.item(row, 0)
            assert label_item is not None  # every row has its label cell
            applied, proposed, granted = amounts
            items.append(
                ItemInput(
                    label_item.data(256) or "ovrigt",
                    label_item.text(),
                    applied,
                    proposed,
                    granted,
                    self._text(self.items, row, 4),
                )
            )
        if errors:
            raise ValidationFailed(errors)
        return items

    def _update_outcome(self) -> None:
        try:
            items = self._item_inputs()
        except ValidationFailed as exc:
            self.items_error.set_message("\n".join(exc.field_errors.values()))
            return
        self.items_error.set_message("")
        income = getattr(self, "_income", Decimal("0"))
        outcome = decisions.derive_outcome(items, income, self.dismissed.isChecked())
        total = decisions.granted_total(items, income)
        self.outcome_label.setText(
            f"Utfall: <b>{outcome.label}</b> · att betala ut: <b>{money(total)}</b>"
        )
        if outcome is not Outcome.GRANTED:
            self.include_appeal.setChecked(True)
        self.include_appeal.setEnabled(outcome is Outcome.GRANTED and not self.signed_decision)
        self._refresh_phrases(outcome, items)
        self._refresh_references(outcome)

    def insert_phrase(self) -> None:
        if self.phrase.currentData() is None:
            return
        phrase = legal_texts.phrase(self.phrase.currentData())
        text = legal_texts.fill(
            phrase.text,
            {"period": period_text(self.period_start.value(), self.period_end.value())},
        )
        self.motivation.insertPlainText(("\n" if self.motivation.toPlainText() else "") + text)

    # --- page 3: kommunicering ----------------------------------------------------------
    def _communication_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        intro = QLabel(
            "Innan ett beslut som går sökanden emot ska sökanden få yttra sig över uppgifter "
            f"som andra har lämnat ({kommunicering.rule_paragraph()})."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        self.others_information = QCheckBox(
            "Beslutet grundar sig på &uppgifter från annan än sökanden "
            "(t.ex. en myndighet eller hyresvärden)"
        )
        self.others_information.setObjectName("othersInformation")
        column.addWidget(self.others_information)
        self.communication_status = QLabel()
        self.communication_status.setObjectName("communicationStatus")
        self.communication_status.setWordWrap(True)
        column.addWidget(self.communication_status)
        sent_box = QGroupBox("Kommunicera uppgifterna med sökanden")
        sent_form = QFormLayout(sent_box)
        self.communication_sources = QLineEdit()
        self.communication_sources.setObjectName("communicationSources")
        self.communication_sources.setPlaceholderText("t.ex. Försäkringskassan, hyresvärden")
        self.communication_material = QPlainTextEdit()
        self.communication_material.setObjectName("communicationMaterial")
        self.communication_material.setTabChangesFocus(True)
        self.communication_material.setFixedHeight(80)
        self.communication_method = _combo(kommunicering.methods())
        self.communication_sent_on = DateField(clock.today())
        self.communication_answer_by = DateField(
            clock.today() + timedelta(days=kommunicering.default_answer_days())
        )
        self.communication_error = FieldError()
        add_field(sent_form, "Uppgifterna kommer &från:", self.communication_sources)
        add_field(sent_form, "Uppgi&fterna:", self.communication_material)
        add_field(sent_form, "Skickas &som:", self.communication_method)
        add_field(sent_form, "Skickad &den:", self.communication_sent_on)
        add_field(sent_form, "Svar senast &den:", self.communication_answer_by)
        sent_form.addRow(self.communication_error)
        sent_buttons = QHBoxLayout()
        self.communication_preview_button = QPushButton("Förhandsgranska &kommuniceringsbrev …")
        self.communication_preview_button.clicked.connect(self.preview_communication)
        self.communication_send_button = QPushButton("Registrera som &skickad")
        self.communication_send_button.setObjectName("recordCommunication")
        self.communication_send_button.clicked.connect(self.record_communication)
        self.communication_letter_button = QPushButton("Spara kommuniceringsbrevet …")
        self.communication_letter_button.clicked.connect(self.save_communication_letter)
        for button in (
            self.communication_preview_button,
            self.communication_send_button,
            self.communication_letter_button,
        ):
            sent_buttons.addWidget(button)
        sent_buttons.addStretch()
        sent_form.addRow(sent_buttons)
        column.addWidget(sent_box)
        answer_box = QGroupBox("Sökandens svar")
        answer_form = QFormLayout(answer_box)
        self.communication_answer_on = DateField(clock.today())
        self.communication_answer = QPlainTextEdit()
        self.communication_answer.setObjectName("communicationAnswer")
        self.communication_answer.setTabChangesFocus(True)
        self.communication_answer.setFixedHeight(60)
        self.communication_answer_button = QPushButton("Registrera &svaret")
        self.communication_answer_button.setObjectName("recordAnswer")
        self.communication_answer_button.clicked.connect(self.record_answer)
        add_field(answer_form, "Svaret kom &den:", self.communication_answer_on)
        add_field(answer_form, "Svaret &i korthet:", self.communication_answer)
        answer_form.addRow(self.communication_answer_button)
        column.addWidget(answer_box)
        exception_box = QGroupBox(
            "Eller: kommunicering behövs inte (undantag i 25 § förvaltningslagen)"
        )
        exception_form = QFormLayout(exception_box)
        self.communication_exception = QComboBox()
        self.communication_exception.setObjectName("communicationException")
        self.communication_exception.addItem("Inget undantag – uppgifterna kommuniceras", "")
        for each in kommunicering.exceptions():
            self.communication_exception.addItem(each.label, each.code)
            index = self.communication_exception.count() - 1
            self.communication_exception.setItemData(
                index,
                f"{each.text} ({each.paragraph})",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.communication_exception_reason = QPlainTextEdit()
        self.communication_exception_reason.setObjectName("communicationExceptionReason")
        self.communication_exception_reason.setTabChangesFocus(True)
        self.communication_exception_reason.setFixedHeight(50)
        add_field(exception_form, "&Undantag:", self.communication_exception)
        add_field(
            exception_form,
            "Varför undantaget gäller &här:",
            self.communication_exception_reason,
        )
        column.addWidget(exception_box)
        column.addStretch()
        self._show_communication(None)
        return page

    def _show_communication(self, status: CommunicationStatus | None) -> None:
        self.communication = status
        if status is None:
            self.communication_status.setText("Ingen kommunicering är registrerad.")
        else:
            sent = status.sent
            answer = (
                f"Svar {status.answer_on.isoformat()}: {status.answer}"
                if status.answer_on
                else "Inget svar registrerat."
            )
            self.communication_status.setText(
                f"<b>Skickad {sent.sent_on.isoformat()}</b> "
                f"({kommunicering.methods().get(sent.method, sent.method).lower()}), "
                f"svar senast <b>{sent.answer_by.isoformat()}</b>. {answer}"
            )
            self.communication_sources.setText(sent.sources)
            self.communication_material.setPlainText(sent.material)
            self.communication_method.setCurrentIndex(
                max(0, self.communication_method.findData(sent.method))
            )
            self.communication_sent_on.set_value(sent.sent_on)
            self.communication_answer_by.set_value(sent.answer_by)
            if status.answer_on:
                self.communication_answer_on.set_value(status.answer_on)
                self.communication_answer.setPlainText(status.answer)

    def _sent_communication(self) -> SentCommunication:
        return SentCommunication(
            sent_on=self.communication_sent_on.value() or clock.today(),
            method=self.communication_method.currentData(),
            sources=self.communication_sources.text(),
            material=self.communication_material.toPlainText(),
            answer_by=self.communication_answer_by.value() or clock.today(),
        )

    def record_communication(self) -> bool:
        self.communication_error.set_message("")
        if not self.save():
            return False
        sent, decision_id, version = self._sent_communication(), self.decision_id, self.version
        assert decision_id is not None  # saved
        return self._record(
            lambda s, a: kommunicering.record_sent(
                s, a, decision_id, sent, expected_version=version
            )
        )

    def record_answer(self) -> bool:
        self.communication_error.set_message("")
        decision_id, version = self.decision_id, self.version
        if decision_id is None:
            self.communication_error.set_message(
                "Registrera först att uppgifterna har skickats till sökanden."
            )
            return False
        answered_on = self.communication_answer_on.value() or clock.today()
        answer = self.communication_answer.toPlainText()
        return self._record(
            lambda s, a: kommunicering.record_answer(
                s, a, decision_id, answered_on, answer, expected_version=version
            )
        )

    def _record(self, work: Callable) -> bool:
        """Write part of the kommunicering; its validation message stays on the tab, and
        the decision is read again after."""
        try:
            self.context.call(work)
        except ValidationFailed as exc:
            self.communication_error.set_message("\n".join(exc.field_errors.values()))
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self._load()
        return True

    def preview_communication(self) -> None:
        """The draft letter (marked UTKAST) in the program's preview, as the decision
        letter's: no file is asked for, none written unless the user saves it there."""
        if not self.save():
            return
        decision_id = self.decision_id
        assert decision_id is not None  # saved just now
        sent = self._sent_communication()
        preview_pdf(
            self,
            self.context,
            title=f"Kommuniceringsbrev {self.case_number} – förhandsgranskning",
            suggested_name=f"Kommunicering {self.case_number} (utkast).pdf",
            gather=lambda s, a: kommunicering.letter_data(s, a, decision_id, sent),
            render=render_communication_letter,
        )

    def save_communication_letter(self) -> None:
        target = ask_pdf_path(
            self, "Spara kommuniceringsbrevet", f"Kommunicering {self.case_number}.pdf"
        )
        if target:
            self.export_communication(target)

    def export_communication(self, target: Path) -> None:
        """The letter as sent (no UTKAST), saved to `target`."""
        decision_id = self.decision_id
        assert decision_id is not None  # saved before
        export_pdf(
            self,
            self.context,
            target,
            gather=lambda s, a: kommunicering.letter_data(s, a, decision_id, None),
            render=render_communication_letter,
            # to the status bar: communication_status keeps showing what was sent and answered
            on_done=lambda path: show_done(self, f"Kommuniceringsbrevet sparades som {path}"),
        )

    # --- page 4: children and signing -------------------------------------------------
    def _sign_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        intro = QLabel(
            "Konsekvenserna för varje barn i hushållet ska vara övervägda och dokumenterade "
            "i varje beslut, också vid bifall: skriv för varje barn, eller hänvisa till en "
            "signerad barnkonsekvensanalys. Går beslutet hushållet emot ska en "
            "barnkonsekvensanalys finnas, eller en förklaring till varför beslutet inte får "
            "påtagliga konsekvenser för barnen."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.bka = QComboBox()
        self.bka.setObjectName("bkaChoice")
        self.bka.addItem("Ingen – jag dokumenterar per barn nedan", "")
        for form_id, label in self.context.call(
            lambda s, _a: decisions.signed_bka_forms(s, self.case_id)
        ):
            self.bka.addItem(label, str(form_id))
        add_field(form, "&Barnkonsekvensanalys:", self.bka)
        self.children_form = form
        """The children's rows come after the analysis (row 0), before the reason."""
        self.considerations: dict[str, QPlainTextEdit] = {}
        self.no_children: QLabel | None = None
        self.bka_not_needed_reason = QPlainTextEdit()
        self.bka_not_needed_reason.setObjectName("bkaNotNeededReason")
        self.bka_not_needed_reason.setTabChangesFocus(True)
        self.bka_not_needed_reason.setFixedHeight(50)
        add_field(
            form,
            "&Varför behövs ingen barnkonsekvensanalys?\n(när beslutet går hushållet emot)",
            self.bka_not_needed_reason,
        )
        column.addLayout(form)
        self.problems = QLabel()
        self.problems.setObjectName("signingProblems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color:#b00020;")
        column.addWidget(self.problems)
        column.addStretch(1)
        return page

    def _refresh_children(self) -> None:
        """One field per child in the household on some day of the period; what is written
        stays when the period changes."""
        start, end = self.period_start.value(), self.period_end.value()
        if start is None or end is None or end < start:
            return
        children = self.context.call(
            lambda s, _a: decisions.children_of(s, decisions.load_case(s, self.case_id), start, end)
        )
        if [c.person_id for c in children] == [c.person_id for c in self.period_children]:
            return
        texts = {pid: edit.toPlainText() for pid, edit in self.considerations.items()}
        for old in (*self.considerations.values(), self.no_children):
            if old is not None:
                self.children_form.removeRow(old)
        self.considerations, self.no_children = {}, None
        self.period_children = children
        for row, child in enumerate(children, start=1):
            edit = QPlainTextEdit()
            edit.setObjectName(f"consideration_{child.person_id}")
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(60)
            edit.setPlainText(texts.get(child.person_id, ""))
            edit.setReadOnly(self.signed_decision)
            self.considerations[child.person_id] = edit
            label = QLabel(f"{child.name} ({child.age} år):")
            label.setBuddy(edit)
            self.children_form.insertRow(row, label, edit)
        if not children:
            self.no_children = QLabel("Det finns inga barn i hushållet under perioden.")
            self.children_form.insertRow(1, self.no_children)

    # --- saving, signing, letters -----------------------------------------------------
    def draft(self) -> DecisionDraft:
        items = self._item_inputs()
        return DecisionDraft(
            kind=self.kind_value(),
            period_start=self.period_start.value(),
            period_end=self.period_end.value(),
            items=items,
            income_counted=getattr(self, "_income", Decimal("0")),
            calculation=getattr(self, "_calculation_snapshot", {}),
            norm_year=getattr(self, "_norm_year", None),
            motivation=self.motivation.toPlainText(),
            legal_references=self._chosen_references(),
            include_appeal=self.include_appeal.isChecked(),
            child_consideration={
                pid: edit.toPlainText()
                for pid, edit in self.considerations.items()
                if edit.toPlainText().strip()
            },
            bka_form_id=uuid.UUID(self.bka.currentData()) if self.bka.currentData() else None,
            dismissed=self.dismissed.isChecked(),
            bka_not_needed_reason=self.bka_not_needed_reason.toPlainText(),
            others_information=self.others_information.isChecked(),
            communication_exception=self.communication_exception.currentData() or "",
            communication_exception_reason=self.communication_exception_reason.toPlainText(),
            from_delivery_id=self.proposal.delivery_id if self.proposal else None,
            proposal=self._proposal_snapshot,
            proposal_notes=self._proposal_notes,
        )

    def save(self) -> bool:
        if self.signed_decision:
            return True
        if self.items.rowCount() == 0 and not self.dismissed.isChecked() and not self.recalculate():
            self.pages.setCurrentIndex(0)
            return False
        try:
            draft = self.draft()
            decision = self.context.call(
                lambda s, a: decisions.save_draft(
                    s,
                    a,
                    self.case_id,
                    draft,
                    decision_id=self.decision_id,
                    expected_version=self.version,
                    replaces_id=self.replaces_id if self.decision_id is None else None,
                )
            )
        except ValidationFailed as exc:
            errors = exc.field_errors
            communication = {
                k: v for k, v in errors.items() if k.startswith("communication_exception")
            }
            children = errors.get("bka_not_needed_reason")
            if communication:
                self.communication_error.set_message("\n".join(communication.values()))
                self.pages.setCurrentIndex(2)
            elif children:
                self.problems.setText(children)
                self.pages.setCurrentIndex(3)
            else:
                self.items_error.set_message("\n".join(errors.values()))
                self.pages.setCurrentIndex(1)
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self.decision_id, self.version = decision.id, decision.version
        self._load()
        self.saved.emit()
        return True

    def sign(self) -> None:
        if not self.save():
            return
        decision_id, version = self.decision_id, self.version
        try:
            self.context.call(
                lambda s, a: decisions.sign_decision(
                    s, a, decision_id, render_decision_letter, expected_version=version
                )
            )
        except Exception as exc:
            self.problems.setText(str(exc))
            self.pages.setCurrentIndex(3)
            return
        self._load()
        self.signed.emit()

    def _load(self) -> None:
        detail = self.context.call(lambda s, a: decisions.open_decision(s, a, self.decision_id))
        draft = detail.draft
        self.version = detail.version
        self.signed_decision = detail.signed
        self.signature_holds = detail.signature_holds
        self.decided_on = detail.decided_on
        self.kind.setCurrentIndex(max(0, self.kind.findData(draft.kind.value)))
        self.period_start.set_value(draft.period_start)
        self.period_end.set_value(draft.period_end)
        self._calculation_snapshot, self._norm_year = draft.calculation, draft.norm_year
        self._show_norm_year()
        if not self.children_table.rowCount():
            self._prefill_household()
        self._show_items(draft.items, draft.income_counted)
        self.motivation.setPlainText(draft.motivation)
        self._set_references(draft.legal_references)
        self.include_appeal.setChecked(draft.include_appeal)
        self.dismissed.setChecked(draft.dismissed)
        self._refresh_children()
        for person_id, edit in self.considerations.items():
            edit.setPlainText(draft.child_consideration.get(person_id, ""))
        self.bka_not_needed_reason.setPlainText(draft.bka_not_needed_reason)
        self.others_information.setChecked(draft.others_information)
        self.communication_exception.setCurrentIndex(
            max(0, self.communication_exception.findData(draft.communication_exception))
        )
        self.communication_exception_reason.setPlainText(draft.communication_exception_reason)
        self._show_communication(detail.communication)
        if draft.bka_form_id:
            self.bka.setCurrentIndex(max(0, self.bka.findData(str(draft.bka_form_id))))
        self.problems.setText("\n".join(detail.problems))
        if detail.proposal_notes:
            self._show_proposal_notes(["Föreslaget från e-ansökan.", *detail.proposal_notes])
        self.forwarding_label.setText(
            f"Så skickas brevet: {detail.forwarding_instruction}"
            if detail.forwarding_instruction
            else ""
        )
        self.forwarding_label.setVisible(bool(detail.forwarding_instruction))
        self._update_outcome()
        self._update_state()
        self._remember_saved_inputs()

    def _update_state(self) -> None:
        signed = self.signed_decision
        for button in (
            self.save_button,
            self.sign_button,
            self.calculate_button,
            self.communication_answer_button,
        ):
            button.setEnabled(not signed)
        sent = self.communication is not None
        # once sent, the kommunicering's letter is what it was: read-only, readable
        for text in (
            self.communication_sources,
            self.communication_sent_on,
            self.communication_answer_by,
        ):
            text.setReadOnly(signed or sent)
        for each in (
            self.communication_method,
            self.communication_send_button,
            self.communication_preview_button,
        ):
            each.setEnabled(not signed and not sent)
        self.communication_material.setReadOnly(signed or sent)
        if signed:
            # a signed decision is never edited: every input read-only before any click
            make_read_only(self.pages, keep=(self.communication_letter_button,))
            self.read_only_banner.set_reason(
                f"Beslutet är signerat {long_date(self.decided_on)} och kan inte ändras. "
                "Skapa ett nytt beslut som ersätter det (knappen nedan)."
                if self.decided_on
                else "Beslutet är signerat och kan inte ändras. Skapa ett nytt beslut som "
                "ersätter det (knappen nedan)."
            )
        else:
            self.read_only_banner.set_reason("")
        self.communication_letter_button.setEnabled(sent)
        self.replace_button.setVisible(signed)
        self.letter_button.setEnabled(signed)
        self.preview_button.setEnabled(self.decision_id is not None)
        if signed and not self.signature_holds:
            state = f"<b style='color:#b00020'>{ALTERED_AFTER_SIGNING}</b>"
            self.letter_button.setEnabled(False)
            self.letter_button.setToolTip(decisions.ALTERED_LETTER)
        else:
            state = (
                "Signerat beslut – kan inte ändras"
                if signed
                else ("Utkast" if self.decision_id else "Nytt beslut")
            )
        self.header.setText(
            f"<span style='font-size:14pt'><b>Beslut</b></span> · {self.case_number} · {state}"
        )

    @property
    def tab_title(self) -> str:
        return f"Beslut {self.case_number}"

    def preview(self) -> None:
        if self.save():
            self.export_preview()

    def export_preview(self) -> None:
        """The letter as it would be sent, in the program's preview (saved or printed from
        there); never written to a temporary file."""
        decision_id = self.decision_id
        preview_pdf(
            self,
            self.context,
            title=f"Beslutsbrev {self.case_number} – förhandsgranskning",
            suggested_name=f"Beslut {self.case_number} (utkast).pdf",
            gather=lambda s, a: decisions.letter_preview(s, a, decision_id),
            render=render_decision_letter,
        )

    def save_letter(self) -> None:
        target = ask_pdf_path(self, "Spara beslutsbrevet", f"Beslut {self.case_number}.pdf")
        if target:
            self.export_archived(target)

    def export_archived(self, target: Path) -> None:
        decision_id = self.decision_id
        export_pdf(
            self,
            self.context,
            target,
            gather=lambda s, a: decisions.archived_letter(s, a, decision_id),
            render=lambda pdf: pdf,
            # a success, so not in self.problems (red, for what stops the signing)
            on_done=lambda path: show_done(self, f"Brevet sparades som {path}"),
        )

    def _remember_saved_inputs(self) -> None:
        self._saved_inputs = input_snapshot(self)

    def has_unsaved_changes(self) -> bool:
        if self.proposal is not None and self.decision_id is None:
            return True  # a proposal is not kept until it is saved
        return not self.signed_decision and input_snapshot(self) != self._saved_inputs

    def confirm_close(self) -> bool:
        if not self.has_unsaved_changes():
            return True
        return ask_save_or_discard(
            self,
            "Osparat beslut",
            "Beslutet har ändringar som inte är sparade. Vill du spara dem som utkast innan "
            "fliken stängs?",
            self.save,
        )
