"""Ärendegenomgång for chefs: one handläggare's (or the whole unit's) open cases with the
indicators the review covers, how many genomgångar each handläggare has had, and recording
a new one (the form `arendegenomgang`; agreed actions become bevakningar)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.cases import caseload_review
from app.cases.caseload_review import (
    BKA_MISSING,
    BKA_OK,
    FLAG_BY_KEY,
    LONG_DEPENDENCE_MONTHS,
    REVIEWS_PER_YEAR,
    CaseIndicators,
    ReviewStatus,
)
from app.common.formatting import short_date
from app.forms import filled_forms
from app.ui.context import AppContext
from app.ui.statistics.trend_charts import BarGroup, stacked_bars_view
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_error
from app.ui.widgets.reload_key import ReloadKey
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

WHOLE_UNIT = "Hela enheten"
FLAG_RED = QColor("#b00020")
FLAGGED_ROW = QColor("#fdecea")
STATUS_TITLE = (
    f"Ärendegenomgån&gar per handläggare (minst {REVIEWS_PER_YEAR} per år; "
    "Enter väljer handläggaren ovan)"
)
FILTER_TEXTS = {
    "flagged": "Bara ärenden &med flaggor",
    "lacks_plan": "Saknar &plan",
    "lacks_bka": "Barn utan &BKA",
    "overdue": "Förfallna b&evakningar",
    "long_dependence": "Lång&varigt bistånd",
    "young_adult": "&Unga vuxna",
    "with_children": "Barnfamil&jer",
}
"""Each flag filter's text (its count is added after it)."""
CHART_FLAGS = (
    ("lacks_plan", "Saknar plan", "#b00020"),
    ("lacks_bka", "Saknar BKA", "#e07b00"),
    ("overdue", "Förfallen bevakning", "#7b3fa0"),
    ("long_dependence", "Långvarigt", "#1f5f9e"),
)
"""The four flags of needs_attention, drawn per handläggare: names short enough for the
legend of a laptop's screen, colours."""
BAR_HEIGHT = 18
"""Pixels per handläggare in the flags chart."""
WIDEST_COLUMN = 280
"""Long texts (bevakningar, försörjningshinder) are cut here; the tooltip shows them whole."""
NARROWEST_LONG_COLUMN = 140
"""How far the long texts' columns give way so that the table fits a laptop's screen."""
LONG_TEXT_COLUMNS = ("Förfallna bevakningar", "Försörjningshinder")
LAST_COLUMN_WIDTH = 120
HEADER_LINES = {
    "Mån. bistånd": "Mån.\nbistånd",
    "Senaste besök": "Senaste\nbesök",
    "Förfallna bevakningar": "Förfallna\nbevakningar",
    "Försörjningshinder": "Försörjnings-\nhinder",
}
"""Titles wider than their column's dates and numbers, on two lines: at 1366 pixels the
one-line titles pushed Förfallna bevakningar past the table's right edge."""


# --- what a cell shows ---------------------------------------------------------------------------


def children_text(row: CaseIndicators) -> str:
    """'2 (3, 7 år)'; umgängesbarn marked 'umg.'."""
    if not row.children:
        return "–"
    ages = ", ".join(f"{c.age} umg." if c.visiting else str(c.age) for c in row.children)
    return f"{row.child_count} ({ages} år)"


def plan_text(row: CaseIndicators) -> str:
    if not row.has_plan:
        return "Nej"
    if row.plan_next_date is None:
        return "Ja"
    return f"Ja, {short_date(row.plan_next_date)}"


def bka_text(row: CaseIndicators) -> str:
    if row.bka_status == BKA_MISSING:
        return f"Saknas ({row.bka_missing} beslut)"
    if row.bka_status == BKA_OK:
        return "Ja"
    return "–"


def meeting_text(row: CaseIndicators) -> str:
    return short_date(row.last_meeting_on) or "–"


def home_visit_text(row: CaseIndicators) -> str:
    return short_date(row.last_home_visit_on) or "–"


def overdue_text(row: CaseIndicators) -> str:
    if not row.overdue_count:
        return ""
    first = f"{short_date(row.earliest_overdue_due)} {row.earliest_overdue_label}"
    if row.overdue_count == 1:
        return first
    return f"{row.overdue_count}, äldst {first}"


def barriers_text(row: CaseIndicators) -> str:
    return "; ".join(row.support_barriers)


def long_dependence_reason(row: CaseIndicators) -> str:
    return f"Långvarigt bistånd: {row.assistance_months} av 12 månader."


def plan_reason(_row: CaseIndicators) -> str:
    return "Saknar plan."


def bka_reason(row: CaseIndicators) -> str:
    decisions = "1 beslut" if row.bka_missing == 1 else f"{row.bka_missing} beslut"
    return f"Barn utan barnkonsekvensanalys: {decisions} saknar den."


def overdue_reason(row: CaseIndicators) -> str:
    since = short_date(row.earliest_overdue_due)
    if row.overdue_count == 1:
        return f"Bevakningen är försenad sedan {since}."
    return f"{row.overdue_count} bevakningar är försenade, den äldsta sedan {since}."


@dataclass(frozen=True)
class Indicator:
    """A table column plus when its cell is flagged (red, bold) and what its header means."""

    column: Column
    flagged: Callable[[CaseIndicators], bool] | None = None
    tip: str = ""
    reason: Callable[[CaseIndicators], str] | None = None
    """Why a flagged cell is flagged, in a sentence (its tooltip, what a screen reader says)."""


INDICATORS = (
    Indicator(Column("Ärende", lambda r: r.case_number), tip="Enter eller dubbelklick öppnar"),
    Indicator(Column("Sökande", lambda r: r.applicant_name)),
    Indicator(Column("Status", lambda r: r.status.label)),
    Indicator(Column("Handläggare", lambda r: r.responsible_name or "Ingen")),
    Indicator(
        Column(
            "Mån. bistånd",
            lambda r: f"{r.assistance_months} av 12",
            sort_key=lambda r: r.assistance_months,
            align_right=True,
        ),
        lambda r: r.long_dependence,
        "Månader med försörjningsstöd de senaste 12 månaderna (den här månaden medräknad). "
        f"{LONG_DEPENDENCE_MONTHS} eller fler är långvarigt bistånd.",
        reason=long_dependence_reason,
    ),
    Indicator(
        Column("Barn", children_text, sort_key=lambda r: r.child_count),
        tip="Antal barn i hushållet i dag och deras ålder. umg. = umgängesbarn.",
    ),
    Indicator(
        Column(
            "Plan",
            plan_text,
            sort_key=lambda r: (r.has_plan, short_date(r.plan_next_date) or "9999"),
        ),
        lambda r: r.lacks_plan,
        "Aktuell plan och dess nästa datum (uppföljning eller plansteg som inte är klart). "
        "Rött: ärendet är aktuellt men saknar plan.",
        reason=plan_reason,
    ),
    Indicator(
        Column("FIA", lambda r: "Ja" if r.fia_done else "Nej"),
        tip="FIA – Förutsättningar inför arbete: en signerad FIA finns i ärendet.",
    ),
    Indicator(
        Column("BKA", bka_text, sort_key=lambda r: (r.bka_missing, r.bka_status)),
        lambda r: r.lacks_bka,
        "Barnkonsekvensanalys (BKA) eller dokumenterad bedömning för varje barn, för beslut "
        "som inte är fullt bifall de senaste 12 månaderna. – = inga barn och inga sådana beslut.",
        reason=bka_reason,
    ),
    Indicator(
        Column("Senaste besök", meeting_text, sort_key=lambda r: short_date(r.last_meeting_on)),
        tip="Senaste personliga möte (nybesök, besök eller hembesök) enligt signerad journal.",
    ),
    Indicator(
        Column("Hembesök", home_visit_text, sort_key=lambda r: short_date(r.last_home_visit_on)),
        tip="Senaste hembesök enligt signerad journal.",
    ),
    Indicator(
        Column(
            "Förfallna bevakningar",
            overdue_text,
            sort_key=lambda r: (r.overdue_count, short_date(r.earliest_overdue_due)),
        ),
        lambda r: r.overdue,
        "Bevakningar vars datum har passerat: antal och den äldsta.",
        reason=overdue_reason,
    ),
    Indicator(
        Column("Försörjningshinder", barriers_text),
        tip="De vuxnas senast registrerade försörjningshinder.",
    ),
)
RESPONSIBLE_COLUMN = 3


def flags(row: CaseIndicators) -> list[str]:
    """What the review should look at in this case, a sentence per flagged cell."""
    return [
        i.reason(row)
        for i in INDICATORS
        if i.flagged is not None and i.reason is not None and i.flagged(row)
    ]


class CaseloadModel(RowTableModel):
    """The caseload rows: flagged cells red and bold, flagged rows tinted, tooltips that
    explain abbreviations and list the row's flags."""

    served_roles = RowTableModel.served_roles | {
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
    }

    def __init__(self, parent=None):
        super().__init__([i.column for i in INDICATORS], parent=parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def cell_flagged(self, row: CaseIndicators, column: int) -> bool:
        flagged = INDICATORS[column].flagged
        return flagged is not None and flagged(row)

    def flag_reason(self, row: CaseIndicators, column: int = 0) -> str:
        reason = INDICATORS[column].reason
        return reason(row) if reason is not None and self.cell_flagged(row, column) else ""

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self.served_roles or not index.isValid():
            return None
        row: CaseIndicators = self.row_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.ToolTipRole:
            # the cell's own flag first, then the rest of the row's
            reason = self.flag_reason(row, column)
            lines = [INDICATORS[column].column.text(row), reason]
            if row.young_adult:
                lines.append("Sökande är ung vuxen (18–24 år).")
            lines += [flag for flag in flags(row) if flag != reason]
            return "\n".join(line for line in lines if line)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(FLAG_RED) if self.cell_flagged(row, column) else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self.cell_flagged(row, column) else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(FLAGGED_ROW) if row.needs_attention else None
        return super().data(index, role)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return super().headerData(section, orientation, role)
        title = INDICATORS[section].column.title
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADER_LINES.get(title, title)
        if role == Qt.ItemDataRole.ToolTipRole:
            # the whole title too: a narrow column elides it
            tip = INDICATORS[section].tip
            return f"{title}: {tip}" if tip else title
        return None


def _status_model() -> RowTableModel:
    return RowTableModel(
        [
            Column("Handläggare", lambda s: s.name),
            Column(
                "Öppna ärenden",
                lambda s: str(s.open_cases),
                sort_key=lambda s: s.open_cases,
                align_right=True,
            ),
            Column(
                "Senaste genomgång",
                lambda s: short_date(s.last_review_on) or "Ingen",
                sort_key=lambda s: short_date(s.last_review_on),
            ),
            Column(
                "Antal senaste 12 mån.",
                lambda s: str(s.reviews_last_12_months),
                sort_key=lambda s: s.reviews_last_12_months,
                align_right=True,
            ),
            # the header names the target, the cell whether it is met (issue 22: "Mål" over
            # "Under 3 per år" read as if the target were under three)
            Column(
                f"Målet {REVIEWS_PER_YEAR} per år",
                lambda s: "Inte uppnått" if s.below_target else "Uppnått",
            ),
        ],
        highlight=lambda s: s.below_target,
    )


# --- the page --------------------------------------------------------------------------------


class CaseloadReviewView(QWidget):
    """The chef's page. Reads its data off the GUI thread each time it is shown, on F5 and
    when another handläggare is picked."""

    def __init__(
        self,
        context: AppContext,
        open_case: Callable[[uuid.UUID], Any],
        open_form: Callable[[uuid.UUID], Any],
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        ReloadKey(self, self.reload)  # F5 reads this page again
        self.context = context
        self._open_case = open_case
        self._open_form = open_form
        self.all_rows: list[CaseIndicators] = []
        self.statuses: list[ReviewStatus] = []
        self.caseload_loading = False
        self.status_loading = False
        self._generation = 0
        self._status_generation = 0
        self._fitted_for: object = "nothing yet"

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        picker_label = QLabel("Hand&läggare:")
        self.picker = QComboBox()
        self.picker.setObjectName("caseworkerPicker")
        self.picker.setMinimumContentsLength(22)
        self.picker.addItem(WHOLE_UNIT, None)
        picker_label.setBuddy(self.picker)
        self.picker.currentIndexChanged.connect(self._caseworker_changed)
        filter_label = QLabel("&Filter:")
        self.filter_field = QLineEdit()
        self.filter_field.setObjectName("caseloadFilter")
        self.filter_field.setPlaceholderText("Ärendenummer, namn eller personnummer")
        self.filter_field.setClearButtonEnabled(True)
        filter_label.setBuddy(self.filter_field)
        self.filter_field.textChanged.connect(self.apply_filter)
        self.record_button = QPushButton("&Registrera ärendegenomgång …")
        self.record_button.setObjectName("recordReview")
        self.record_button.setToolTip(
            "Öppnar blanketten Ärendegenomgång för den valda handläggaren. Markerade ärenden "
            "(Ctrl- eller Skift-klick) förs in som rader under Överenskomna åtgärder."
        )
        self.record_button.clicked.connect(self.record_review)
        top.addWidget(picker_label)
        top.addWidget(self.picker)
        top.addSpacing(12)
        top.addWidget(filter_label)
        top.addWidget(self.filter_field, 1)
        top.addSpacing(12)
        top.addWidget(self.record_button)
        layout.addLayout(top)

        checks = QHBoxLayout()
        self.only_flagged = QCheckBox()
        self.lacks_plan = QCheckBox()
        self.lacks_bka = QCheckBox()
        self.overdue = QCheckBox()
        self.long_dependence = QCheckBox()
        self.young_adults = QCheckBox()
        self.with_children = QCheckBox()
        self.flag_boxes: dict[str, QCheckBox] = {
            "flagged": self.only_flagged,
            "lacks_plan": self.lacks_plan,
            "lacks_bka": self.lacks_bka,
            "overdue": self.overdue,
            "long_dependence": self.long_dependence,
            "young_adult": self.young_adults,
            "with_children": self.with_children,
        }
        self.filters: dict[QCheckBox, Callable[[CaseIndicators], bool]] = {
            box: FLAG_BY_KEY[key].test for key, box in self.flag_boxes.items()
        }
        for key, box in self.flag_boxes.items():
            box.setObjectName(f"filter_{key}")
            box.setText(FILTER_TEXTS[key])
            box.setToolTip(FLAG_BY_KEY[key].explanation)
        # two rows: with their counts (four digits in a big unit) seven filters in one row
        # made the window wider than a laptop's screen
        more_checks = QHBoxLayout()
        for i, box in enumerate(self.filters):
            box.toggled.connect(self.apply_filter)
            (checks if i < 4 else more_checks).addWidget(box)
        checks.addStretch()
        more_checks.addStretch()
        self.count_label = QLabel()
        self.count_label.setObjectName("caseloadCount")
        more_checks.addWidget(self.count_label)
        layout.addLayout(checks)
        layout.addLayout(more_checks)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = CaseloadModel(self)
        self.table = RowTableView(self.model, name="Ärenden i genomgången")
        self.table.setObjectName("caseloadTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        self.table.activated_row.connect(lambda row: self._open_case(row.case_id))
        splitter.addWidget(self.table)

        status_box = QWidget()
        status_layout = QVBoxLayout(status_box)
        status_layout.setContentsMargins(0, 6, 0, 0)
        status_label = QLabel(STATUS_TITLE)
        status_label.setObjectName("reviewStatusLabel")
        self.status_label = status_label
        self.status_model = _status_model()
        self.status_table = RowTableView(self.status_model, name="Genomgångar per handläggare")
        self.status_table.setObjectName("reviewStatusTable")
        status_label.setBuddy(self.status_table)
        self.status_table.activated_row.connect(lambda s: self.select_caseworker(s.user_id))
        status_layout.addWidget(status_label)
        status_layout.addWidget(self.status_table)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(status_box)
        self.chart_box = QWidget()
        self.chart_box.setObjectName("caseloadChartBox")
        self.chart_layout = QVBoxLayout(self.chart_box)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_scroll = QScrollArea()
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        chart_scroll.setAccessibleName("Diagram per handläggare")
        chart_scroll.setWidget(self.chart_box)
        chart_scroll.setMinimumWidth(540)
        self.chart: QWidget | None = None
        bottom.addWidget(chart_scroll)
        bottom.setStretchFactor(0, 1)
        bottom.setStretchFactor(1, 1)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        self.setTabOrder(self.picker, self.filter_field)
        self.setTabOrder(self.filter_field, self.record_button)
        previous: QWidget = self.record_button
        for box in self.filters:
            self.setTabOrder(previous, box)
            previous = box
        self.setTabOrder(previous, self.table)
        self.setTabOrder(self.table, self.status_table)
        self._update_record_button()

    def filter_on(self, key: str) -> None:
        """Show the whole unit's cases with the flag `key` (caseload_review.CASELOAD_FLAGS)
        and nothing else: the other filters and the text filter are cleared."""
        self.filter_field.clear()
        for box_key, box in self.flag_boxes.items():
            box.blockSignals(True)
            box.setChecked(box_key == key)
            box.blockSignals(False)
        if self.picker.currentIndex() != 0:
            self.picker.setCurrentIndex(0)  # reads the whole unit, then filters
        else:
            self.apply_filter()
        self.flag_boxes[key].setFocus()

    # --- loading -------------------------------------------------------------------------
    def caseworker_id(self) -> uuid.UUID | None:
        """The handläggare picked, None for the whole unit."""
        data = self.picker.currentData()
        return uuid.UUID(data) if data else None

    def select_caseworker(self, user_id: uuid.UUID | None) -> None:
        index = 0 if user_id is None else self.picker.findData(str(user_id))
        if index >= 0:
            self.picker.setCurrentIndex(index)
            self.table.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # a tab switch, not the window being restored
            self.reload()

    @property
    def loading(self) -> bool:
        """The caseload or the review status is still being read."""
        return self.caseload_loading or self.status_loading

    def reload(self, *, with_status: bool = True) -> None:
        """Read the chosen caseload, and after it the review status: the rows are shown as
        soon as they are read, and the status (a few milliseconds) does not take a second
        database connection meanwhile. On an encrypted file each connection has its own
        page cache; read side by side, the next opening's caseload could be handed the
        connection the status had used, and read its 2 000 cases' pages from the file
        again (1–4 s instead of 0.4–0.6 at 100 000 households, issue 21). A result that
        arrives after the user picked someone else or reloaded is dropped."""
        if with_status:
            self.status_loading = True
        self._read_caseload(then_status=with_status)

    def _read_caseload(self, *, then_status: bool) -> None:
        self._generation += 1
        generation, caseworker_id = self._generation, self.caseworker_id()
        context = self.context
        self.caseload_loading = True
        self.count_label.setText("Läser in …")

        def done(rows: list[CaseIndicators]) -> None:
            if not shiboken6.isValid(self):
                return
            if generation == self._generation:
                self._caseload_loaded(caseworker_id, rows)
            if then_status:
                self._read_status()

        def failed(exc: Exception) -> None:
            if not shiboken6.isValid(self):
                return
            if then_status:
                self._read_status()
            if generation == self._generation:
                self.caseload_loading = False
                self.count_label.setText("Kunde inte läsas in.")
                show_error(self, exc)

        run_in_background(
            self.window(),
            lambda _report: context.call(
                lambda s, a: caseload_review.caseload(s, a, caseworker_id=caseworker_id)
            ),
            on_done=done,
            on_error=failed,
            label="Läser in ärendena …",
        )

    def _read_status(self) -> None:
        self._status_generation += 1
        generation = self._status_generation
        context = self.context
        self.status_loading = True

        def done(statuses: list[ReviewStatus]) -> None:
            if shiboken6.isValid(self) and generation == self._status_generation:
                self._status_loaded(statuses)

        def failed(_exc: Exception) -> None:
            # said beside the table; the caseload above is still usable
            if shiboken6.isValid(self) and generation == self._status_generation:
                self.status_loading = False
                self.status_label.setText(
                    STATUS_TITLE + " – kunde inte läsas in. Försök igen med F5."
                )

        run_in_background(
            self.window(),
            lambda _report: context.call(caseload_review.review_status),
            on_done=done,
            on_error=failed,
            label="",
            quiet=True,
        )

    def _status_loaded(self, statuses: list[ReviewStatus]) -> None:
        self.statuses = statuses
        self.status_loading = False
        self.status_label.setText(STATUS_TITLE)
        picked = self.picker.currentData()
        self.picker.blockSignals(True)
        self.picker.clear()
        self.picker.addItem(WHOLE_UNIT, None)
        for status in statuses:
            self.picker.addItem(status.name, str(status.user_id))
        self.picker.setCurrentIndex(max(self.picker.findData(picked), 0))
        self.picker.blockSignals(False)
        self.status_model.set_rows(statuses)
        self.status_table.fit_columns()
        self._update_record_button()

    def _caseload_loaded(self, caseworker_id: uuid.UUID | None, rows: list[CaseIndicators]) -> None:
        self.all_rows = rows
        self.table.setColumnHidden(RESPONSIBLE_COLUMN, caseworker_id is not None)
        self.caseload_loading = False
        counts = caseload_review.flag_counts(rows)
        for key, box in self.flag_boxes.items():
            box.setText(f"{FILTER_TEXTS[key]} ({counts[key]})")
        self._show_chart(rows)
        self.apply_filter()
        if self._fitted_for != caseworker_id:
            self._fitted_for = caseworker_id
            self._fit_columns()
        self._update_record_button()

    def _show_chart(self, rows: list[CaseIndicators]) -> None:
        """The flags of the caseload per handläggare, as stacked bars."""
        caseworkers = caseload_review.per_caseworker(rows)
        groups = [
            BarGroup(label, [c.flags[key] for c in caseworkers], colour)
            for key, label, colour in CHART_FLAGS
        ]
        chart = stacked_bars_view("Flaggor per handläggare", [c.name for c in caseworkers], groups)
        chart.setObjectName("caseloadChart")
        # a readable bar per handläggare: the chart scrolls when the unit has many
        chart.setMinimumHeight(110 + BAR_HEIGHT * len(caseworkers))
        if self.chart is not None:
            self.chart_layout.removeWidget(self.chart)
            self.chart.deleteLater()
        self.chart = chart
        self.chart_layout.addWidget(chart)
        self.setTabOrder(self.status_table, chart)

    def _fit_columns(self) -> None:
        bold = QFont(self.table.font())  # flagged cells are bold: measured as if all were
        bold.setBold(True)
        self.table.fit_columns(bold)
        header = self.table.horizontalHeader()
        last = self.model.columnCount() - 1
        for column in range(last):
            if header.sectionSize(column) > WIDEST_COLUMN:
                header.resizeSection(column, WIDEST_COLUMN)
        header.resizeSection(last, LAST_COLUMN_WIDTH)  # stretches into what is left
        # too wide for the table (a laptop): the long texts' columns give way first, their
        # texts elided (the tooltip has them whole); what still does not fit scrolls
        shown = [c for c in range(last + 1) if not self.table.isColumnHidden(c)]
        # the room with the vertical scroll bar in it: it comes as the rows are laid out
        room = (
            self.table.maximumViewportSize().width()
            - self.table.verticalScrollBar().sizeHint().width()
        )
        excess = sum(header.sectionSize(c) for c in shown) - room
        titles = [i.column.title for i in INDICATORS]
        for title in LONG_TEXT_COLUMNS:
            column = titles.index(title)
            if excess <= 0 or column == last:
                break
            size = header.sectionSize(column)
            narrower = max(size - excess, NARROWEST_LONG_COLUMN)
            header.resizeSection(column, min(size, narrower))
            excess -= size - header.sectionSize(column)

    def _caseworker_changed(self, _index: int) -> None:
        self._update_record_button()
        self.reload(with_status=False)

    def _update_record_button(self) -> None:
        self.record_button.setEnabled(self.caseworker_id() is not None)

    # --- filtering -----------------------------------------------------------------------
    def apply_filter(self) -> None:
        terms = self.filter_field.text().casefold().split()
        checked = [test for box, test in self.filters.items() if box.isChecked()]

        def keep(row: CaseIndicators) -> bool:
            haystack = " ".join(
                (row.case_number, row.applicant_name, row.personal_number)
            ).casefold()
            return all(t in haystack for t in terms) and all(test(row) for test in checked)

        shown = [r for r in self.all_rows if keep(r)]
        self.model.set_rows(shown)
        if self.caseload_loading:
            return
        total, flagged = len(self.all_rows), sum(1 for r in shown if r.needs_attention)
        noun = "ärende" if total == 1 else "ärenden"
        text = f"{total} {noun}" if len(shown) == total else f"{len(shown)} av {total} {noun}"
        self.count_label.setText(f"{text} · {flagged} med flaggor" if flagged else text)

    def shown_rows(self) -> list[CaseIndicators]:
        """The rows in the order the table shows them."""
        proxy = self.table.proxy
        return [
            self.model.row_at(proxy.mapToSource(proxy.index(i, 0)).row())
            for i in range(proxy.rowCount())
        ]

    def selected_rows(self) -> list[CaseIndicators]:
        proxy = self.table.proxy
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [self.model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()) for r in rows]

    def select_case(self, case_id: uuid.UUID) -> None:
        """Make the case the current (and only selected) row."""
        for i, row in enumerate(self.shown_rows()):
            if row.case_id == case_id:
                index = self.table.proxy.index(i, 0)
                self.table.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                return

    # --- recording a genomgång -----------------------------------------------------------
    def record_review(self) -> None:
        subject_id = self.caseworker_id()
        if subject_id is None:
            return
        case_ids = [r.case_id for r in self.selected_rows()]
        try:
            form_id = self.context.call(
                lambda s, a: filled_forms.create_case_review(s, a, subject_id, case_ids).id
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self._open_form(form_id)
