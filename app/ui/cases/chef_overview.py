"""Översikt: a chef's start page. The unit's open cases counted per flag of the
ärendegenomgång (each count opens the review list filtered on it), the overdue bevakningar
per handläggare, and the trends of the last twelve months as charts, the current month
marked incomplete.

Everything is read off the GUI thread, the caseload first (kept per case: ~100 ms warm for a
unit of 2 000 cases) and then the trends (kept month totals), one after the other as the
review page does: one database connection at a time."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCharts import QChartView
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cases import caseload_review
from app.cases.caseload_review import CASELOAD_FLAGS, CaseIndicators, CaseworkerFlags
from app.common.formatting import short_date
from app.complaints import complaint_register
from app.intake import inbox
from app.statistics import trends
from app.statistics.trends import Trends
from app.ui.context import AppContext
from app.ui.statistics.trend_charts import TrendLine, trend_chart_view
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_error
from app.ui.widgets.reload_key import ReloadKey
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

LOADING = "Hämtar …"
TREND_CHARTS: tuple[tuple[str, str, Callable[[trends.MonthTrend], float | None], str], ...] = (
    ("support", "Hushåll med bistånd", lambda p: p.support_households, ""),
    ("long_term", "Långvarigt bistånd (10 av 12 mån.)", lambda p: p.long_term_households, ""),
    ("families", "Barnfamiljer med bistånd", lambda p: p.families_with_children, ""),
    (
        "decision_days",
        "Tid till beslut (median, dagar)",
        lambda p: None if p.median_decision_days is None else float(p.median_decision_days),
        "dagar",
    ),
)
"""(key, title, value of a month, unit in the text summary)."""


class CountButton(QPushButton):
    """A count that opens the review list: a Tab stop, clicked by Enter as by Space."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


def _overdue_model() -> RowTableModel:
    return RowTableModel(
        [
            Column("Handläggare", lambda c: c.name),
            Column(
                "Förfallna",
                lambda c: str(c.overdue_deadlines),
                sort_key=lambda c: c.overdue_deadlines,
                align_right=True,
            ),
            Column(
                "I antal ärenden",
                lambda c: str(c.flags["overdue"]),
                sort_key=lambda c: c.flags["overdue"],
                align_right=True,
            ),
            Column(
                "Äldsta",
                lambda c: short_date(c.earliest_overdue_due),
                sort_key=lambda c: short_date(c.earliest_overdue_due),
            ),
            Column(
                "Öppna ärenden",
                lambda c: str(c.cases),
                sort_key=lambda c: c.cases,
                align_right=True,
            ),
        ]
    )


class ChefOverview(QWidget):
    flag_requested = Signal(str)
    """A count was clicked: the review list filtered on the flag (its key) is wanted."""
    complaints_requested = Signal()
    inbox_requested = Signal()
    """The complaints count was clicked: the register of synpunkter is wanted."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        ReloadKey(self, self.reload)  # F5 reads this page again
        self.context = context
        self.caseload_loading = False
        self.trends_loading = False
        self.rows: list[CaseIndicators] = []
        self.trends: Trends | None = None
        self._generation = 0

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setAccessibleName("Översikt")
        inner = QWidget()
        layout = QVBoxLayout(inner)
        scroll.setWidget(inner)
        outer.addWidget(scroll)

        self.heading = QLabel("<span style='font-size:14pt'><b>Översikt</b></span>")
        self.heading.setObjectName("overviewHeading")
        self.status_label = QLabel(LOADING)
        self.status_label.setObjectName("overviewStatus")
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.status_label)
        layout.addLayout(top)

        cases_box = QGroupBox("Enhetens öppna ärenden")
        cases_box.setObjectName("overviewCases")
        cases_layout = QVBoxLayout(cases_box)
        self.total_label = QLabel(LOADING)
        self.total_label.setObjectName("overviewTotal")
        cases_layout.addWidget(self.total_label)
        grid = QGridLayout()
        self.count_buttons: dict[str, CountButton] = {}
        for i, flag in enumerate(CASELOAD_FLAGS):
            button = CountButton(f"{flag.label}: …")
            button.setObjectName(f"count_{flag.key}")
            button.setToolTip(f"{flag.explanation}. Enter öppnar ärendegenomgången med dem.")
            button.setEnabled(False)
            button.clicked.connect(lambda _checked=False, key=flag.key: self._open_flag(key))
            self.count_buttons[flag.key] = button
            grid.addWidget(button, i // 2, i % 2)
        cases_layout.addLayout(grid)
        note = QLabel(
            "Klicka på en siffra (eller välj den med Tab och tryck Enter) för att se ärendena "
            "i ärendegenomgången."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        cases_layout.addWidget(note)
        middle = QHBoxLayout()
        middle.addWidget(cases_box, 1)
        overdue_box = QGroupBox("Förfallna bevakningar per handläggare")
        overdue_layout = QVBoxLayout(overdue_box)
        self.overdue_model = _overdue_model()
        self.overdue_table = RowTableView(self.overdue_model, sort_column=1)
        self.overdue_table.setObjectName("overdueTable")
        self.overdue_table.setAccessibleName("Förfallna bevakningar per handläggare")
        self.overdue_table.setMinimumHeight(120)
        overdue_layout.addWidget(self.overdue_table)
        self.complaints_button = CountButton("Synpunkter att åtgärda nu: …")
        self.complaints_button.setObjectName("count_complaints")
        self.complaints_button.setToolTip(
            "Lex Sarah-rapporter som inte är lämnade och åtgärder efter synpunkter som är "
            "försenade. Enter öppnar Synpunkter och klagomål."
        )
        self.complaints_button.setEnabled(False)
        self.complaints_button.clicked.connect(self.complaints_requested.emit)
        overdue_layout.addWidget(self.complaints_button)
        self.inbox_button = CountButton("E-ansökningar som väntar: …")
        self.inbox_button.setObjectName("count_inbox")
        self.inbox_button.setToolTip(
            "E-ansökningar i enhetens inkorg som inte är tagna in i ett ärende. Enter öppnar "
            "inkorgen."
        )
        self.inbox_button.setEnabled(False)
        self.inbox_button.clicked.connect(self.inbox_requested.emit)
        overdue_layout.addWidget(self.inbox_button)
        middle.addWidget(overdue_box, 1)
        layout.addLayout(middle)

        trends_box = QGroupBox("Utveckling de senaste 12 månaderna")
        trends_box.setObjectName("overviewTrends")
        self.trends_layout = QGridLayout(trends_box)
        self.trends_status = QLabel(LOADING)
        self.trends_status.setObjectName("trendsStatus")
        self.trends_layout.addWidget(self.trends_status, 0, 0)
        self.charts: dict[str, QChartView] = {}
        self.trend_lines: dict[str, TrendLine] = {}
        layout.addWidget(trends_box, 1)

        previous: QWidget | None = None
        for button in self.count_buttons.values():
            if previous is not None:
                self.setTabOrder(previous, button)
            previous = button
        assert previous is not None
        self.setTabOrder(previous, self.overdue_table)
        self.setTabOrder(self.overdue_table, self.complaints_button)
        self.setTabOrder(self.complaints_button, self.inbox_button)

    # --- loading -------------------------------------------------------------------------
    @property
    def loading(self) -> bool:
        return self.caseload_loading or self.trends_loading

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous() and not self.loading:
            self.reload()

    def reload(self) -> None:
        """The caseload, then the trends; a result of an earlier reload is dropped."""
        self._generation += 1
        generation = self._generation
        context = self.context
        self.caseload_loading = self.trends_loading = True
        self.status_label.setText(LOADING)

        def caseload_done(rows: list[CaseIndicators]) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            self._caseload_loaded(rows)
            self._read_trends(generation)

        def caseload_failed(exc: Exception) -> None:
            if not shiboken6.isValid(self) or generation != self._generation:
                return
            self.caseload_loading = False
            self.total_label.setText("Ärendena kunde inte läsas in. Försök igen med F5.")
            self._read_trends(generation)
            show_error(self, exc)

        run_in_background(
            self.window(),
            lambda _report: context.call(lambda s, a: caseload_review.caseload(s, a)),
            on_done=caseload_done,
            on_error=caseload_failed,
            label="Hämtar översikten …",
        )

    def _read_trends(self, generation: int) -> None:
        context = self.context

        def done(found: Trends) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._trends_loaded(found)

        def failed(exc: Exception) -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self.trends_loading = False
                self.status_label.setText("")
                # said beside the charts; the counts above are still usable
                self.trends_status.setText(f"Utvecklingen kunde inte läsas in: {exc}")
                self.trends_status.show()

        run_in_background(
            self.window(),
            lambda _report: context.call(lambda s, a: trends.monthly_trends(s, a)),
            on_done=done,
            on_error=failed,
            label="",
            quiet=True,
        )

    def _caseload_loaded(self, rows: list[CaseIndicators]) -> None:
        self.rows = rows
        self.caseload_loading = False
        counts = caseload_review.flag_counts(rows)
        noun = "öppet ärende" if len(rows) == 1 else "öppna ärenden"
        self.total_label.setText(f"<b>{len(rows)}</b> {noun} i enheten.")
        for flag in CASELOAD_FLAGS:
            button = self.count_buttons[flag.key]
            button.setText(f"{flag.label}: {counts[flag.key]}")
            button.setAccessibleName(f"{flag.label}: {counts[flag.key]} ärenden")
            button.setAccessibleDescription(f"{flag.explanation}. Öppnar ärendegenomgången.")
            button.setEnabled(True)
        caseworkers: list[CaseworkerFlags] = caseload_review.per_caseworker(rows)
        self.overdue_model.set_rows([c for c in caseworkers if c.overdue_deadlines])
        self.overdue_table.fit_columns()
        # one count of a small register: read here, after the caseload (one connection at
        # a time), not worth a thread of its own
        try:
            waiting = self.context.call(complaint_register.overdue_count)
        except Exception:  # the counts above are still usable; the register says why
            self.complaints_button.setText("Synpunkter att åtgärda nu: kunde inte läsas")
        else:
            self.complaints_button.setText(f"Synpunkter att åtgärda nu: {waiting}")
            self.complaints_button.setAccessibleName(f"Synpunkter att åtgärda nu: {waiting}")
            self.complaints_button.setEnabled(True)
        try:
            applications = self.context.call(inbox.waiting_count)
        except Exception:  # the counts above are still usable; the inbox says why
            self.inbox_button.setText("E-ansökningar som väntar: kunde inte läsas")
            return
        self.inbox_button.setText(f"E-ansökningar som väntar: {applications}")
        self.inbox_button.setAccessibleName(f"E-ansökningar som väntar: {applications}")
        self.inbox_button.setEnabled(True)

    def _trends_loaded(self, found: Trends) -> None:
        self.trends = found
        self.trends_loading = False
        self.status_label.setText("")
        self.heading.setText(
            f"<span style='font-size:14pt'><b>Översikt – {found.unit_name}</b></span>"
        )
        self.trends_status.hide()
        for chart in self.charts.values():
            self.trends_layout.removeWidget(chart)
            chart.deleteLater()
        self.charts.clear()
        months = [trends.short_month(p.month) for p in found.months]
        last = found.months[-1] if found.months else None
        note = ""
        if last is not None and last.counted_to is not None:
            note = trends.incomplete_note(last.month, last.counted_to)
        for i, (key, title, value, unit) in enumerate(TREND_CHARTS):
            line = TrendLine(
                title, months, [value(p) for p in found.months], unit, incomplete_note=note
            )
            view = trend_chart_view(line)
            view.setObjectName(f"trend_{key}")
            view.setMinimumHeight(250)
            self.trend_lines[key] = line
            self.charts[key] = view
            self.trends_layout.addWidget(view, 1 + i // 2, i % 2)
        previous: QWidget = self.inbox_button
        for chart in self.charts.values():
            self.setTabOrder(previous, chart)
            previous = chart

    def _open_flag(self, key: str) -> None:
        self.flag_requested.emit(key)
