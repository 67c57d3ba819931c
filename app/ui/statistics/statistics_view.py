"""Statistik (chefs): pick a year or a month, see charts and the tables of the indicators, and
export them as a PDF report, a CSV file for Excel or the month's individual data (an underlag
for Socialstyrelsen's statistics, not Socialstyrelsen's file: app.statistics.sos_export).

The figures are computed off the GUI thread (a year on a big database takes seconds). The
tables come from app/statistics/tables.py, the same tables the PDF report prints and the CSV
file (app/statistics/statistics_csv.py) holds;
the charts are display-only and show nothing the tables do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
)
from PySide6.QtCore import QEvent, QMargins, QObject, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QStyle,
    QStyleOptionHeader,
    QToolTip,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.cases.letterhead import organisation_name
from app.common import clock
from app.common.formatting import local_datetime, month_name
from app.printing.statistics_report import render_statistics_report
from app.statistics import sos_export, statistics, statistics_csv, trends
from app.statistics import tables as tables
from app.statistics.statistics import MonthStatistics, YearStatistics
from app.statistics.tables import ChartData, Stats, StatTable
from app.ui.context import AppContext
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_done, show_error
from app.ui.widgets.pdf_export import ask_save_path
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView

SECTIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "Diagram",
        (),
        "Beslutshushåll och bidragshushåll, beviljat och utbetalt, försörjningshinder.",
    ),
    (
        "Hushåll och belopp",
        ("households", "money"),
        "Beslutshushåll, bidragshushåll, beviljat, utbetalt och kostnad per hushåll.",
    ),
    (
        "Hushållstyp",
        ("household_types",),
        "Socialstyrelsens hushållstyper, barnfamiljer och ungdomshushåll.",
    ),
    (
        "Nya och avslutade",
        ("new_closed", "new_closed_types", "closing_reasons"),
        "Nya och avslutade hushåll, även efter hushållstyp, och avslutsorsak.",
    ),
    (
        "Långvarigt bistånd",
        ("long_term", "long_term_types", "duration"),
        tables.LONG_TERM_12_TEXT + ", även efter hushållstyp.",
    ),
    ("Försörjningshinder", ("support_barriers",), "Försörjningshinder per vuxen, efter kön."),
    (
        "Barnens dokumentation",
        ("child_documentation",),
        "Hur besluten dokumenterar barnen, flickor och pojkar.",
    ),
    ("SIP och hembesök", ("events",), "Samordnade individuella planer och hembesök."),
    (
        "Handläggningstider",
        ("times", "times_counts"),
        "Tid till första återkoppling och till beslut, besvarade och beslutade ansökningar.",
    ),
    (
        "Överklaganden",
        (
            "appeals",
            "rulings_forvaltningsratten",
            "rulings_kammarratten",
            "rulings_hfd",
            "rulings_months",
        ),
        "Inkomna överklaganden, omprövning och domar i varje instans, även per månad.",
    ),
    (
        "Synpunkter och klagomål",
        ("complaints", "complaint_themes", "complaint_via"),
        "Synpunkter efter slag, tema och hur de kom in, svar och lex Sarah-rapporter.",
    ),
)
"""(name in the list, table keys, tooltip)."""

UNPAINTED_BUILD_MS = 300
"""The sections not shown are built once the chosen one has been painted (`_fill`); if it
is not painted by then (the window minimised), from then on all the same."""

DIAGRAM_NOTE = (
    "Diagrammen visar samma siffror som tabellerna under Hushåll och belopp och "
    "Försörjningshinder. Håll muspekaren över en stapel för att se värdet."
)


def _sort_value(value: Any) -> float:
    return -1.0 if value is None else float(value)


class StatTableModel(RowTableModel):
    """A StatTable's rows with the column explanations as header tooltips; the year row bold."""

    def __init__(self, table: StatTable, parent=None):
        columns = [
            Column(
                c.title,
                lambda row, i=i: row.cells[i],
                sort_key=lambda row, i=i: _sort_value(row.values[i]),
                align_right=i > 0,
            )
            for i, c in enumerate(table.columns)
        ]
        super().__init__(columns, parent=parent)
        self.table = table
        self._bold = QFont()
        self._bold.setBold(True)
        self.set_rows(table.rows)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role in (
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            column = self.table.columns[section]
            name = f"{column.group}, {column.title.lower()}" if column.group else column.title
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return name
            return f"{name}: {column.explanation}" if column.explanation else name
        return super().headerData(section, orientation, role)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.FontRole and self.row_at(index.row()).summary:
            return self._bold
        if role == Qt.ItemDataRole.ToolTipRole:
            column = self.table.columns[index.column()]
            text = self.row_at(index.row()).cells[index.column()]
            return f"{text}\n{column.explanation}" if column.explanation else text
        return super().data(index, role)


class GroupedHeader(QHeaderView):
    """A horizontal header in two rows: a group name ('Beslutshushåll') spanning its
    columns above their own titles ('Kvinnor', 'Män', 'Totalt'). Columns without a group
    use both rows."""

    def __init__(self, groups: list[str], parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.groups = groups
        self.setSectionsClickable(True)
        self.setHighlightSections(False)

    def _grouped(self) -> bool:
        return any(self.groups)

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        if self._grouped():
            size.setHeight(2 * size.height())
        return size

    def span(self, logical: int) -> tuple[int, int]:
        """The first and last section of the group `logical` belongs to."""
        group, first, last = self.groups[logical], logical, logical
        while first > 0 and self.groups[first - 1] == group:
            first -= 1
        while last + 1 < len(self.groups) and self.groups[last + 1] == group:
            last += 1
        return first, last

    def paintSection(self, painter: QPainter, rect: QRect, logical: int) -> None:
        group = self.groups[logical] if 0 <= logical < len(self.groups) else ""
        if not group:
            super().paintSection(painter, rect, logical)
            return
        half = rect.height() // 2
        painter.save()
        super().paintSection(
            painter,
            QRect(rect.left(), rect.top() + half, rect.width(), rect.height() - half),
            logical,
        )
        painter.restore()
        first, last = self.span(logical)
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        option = QStyleOptionHeader()
        self.initStyleOption(option)
        option.rect = QRect(left, rect.top(), right - left, half)
        option.text = group
        option.section = first
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        option.position = QStyleOptionHeader.SectionPosition.OnlyOneSection
        painter.save()
        painter.setClipRect(QRect(rect.left(), rect.top(), rect.width(), half))
        self.style().drawControl(QStyle.ControlElement.CE_Header, option, painter, self)
        painter.restore()


def _scrolling(inner: QWidget) -> QScrollArea:
    """`inner` in a frameless scroll area that follows its width."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(inner)
    return scroll


class StatisticsView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.stats: Stats | None = None
        self.busy = False
        """Figures being computed."""
        self.tables: dict[str, RowTableView] = {}
        self._unbuilt: dict[int, Callable[[], QWidget]] = {}
        """Section → what builds its page, for the sections not built yet (`_fill`)."""
        self._awaiting_paint: QWidget | None = None
        self._discarded: list[QWidget] = []
        """The pages of earlier figures, taken away but not yet deleted."""
        # A zero-time QTimer (not QTimer.singleShot(0), a posted call) fires when the event
        # loop has nothing else to do: after the paint that is under way, and between the
        # user's clicks and keys. A posted call or a timer of 1–30 ms ran before that paint
        # had ended.
        self._build_timer = QTimer(self)
        self._build_timer.setSingleShot(True)
        self._build_timer.timeout.connect(self._build_next)
        self.charts: dict[str, QChartView] = {}
        try:
            unit_name = context.call(lambda s, a: statistics.unit_label(s, a.unit_id))
        except Exception:  # only a label; the statistics call reports real errors
            unit_name = ""

        layout = QVBoxLayout(self)
        picker = QHBoxLayout()
        year_label = QLabel("&År:")
        self.year = QSpinBox()
        self.year.setObjectName("statisticsYear")
        self.year.setRange(2000, clock.today().year + 1)
        self.year.setValue(clock.today().year)
        self._rerun = False
        """Visa was pressed while other figures were computed: computed again after them."""
        self._loaded_once = False
        self.year.setAccessibleName("År")
        year_label.setBuddy(self.year)
        month_label = QLabel("&Månad:")
        self.month = QComboBox()
        self.month.setObjectName("statisticsMonth")
        self.month.addItem("Hela året", 0)
        for number in range(1, 13):
            self.month.addItem(tables.month_label(date(2000, number, 1)), number)
        self.month.setAccessibleName("Månad")
        month_label.setBuddy(self.month)
        unit_caption = QLabel("Enhet:")
        self.unit_label = QLabel(f"<b>{unit_name}</b>" if unit_name else "din enhet")
        self.unit_label.setObjectName("statisticsUnit")
        self.unit_label.setToolTip("Som chef ser du statistiken för din egen enhet.")
        self.show_button = QPushButton("&Visa")
        self.show_button.setObjectName("showStatistics")
        self.show_button.clicked.connect(self.show_statistics)
        for widget in (year_label, self.year, month_label, self.month):
            picker.addWidget(widget)
        picker.addSpacing(16)
        picker.addWidget(unit_caption)
        picker.addWidget(self.unit_label)
        picker.addSpacing(16)
        picker.addWidget(self.show_button)
        picker.addStretch(1)
        layout.addLayout(picker)

        self.heading = QLabel()
        self.heading.setObjectName("statisticsHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.heading)

        self.body = QStackedWidget()
        self.hint = QLabel("Välj år och månad (eller hela året) och tryck Visa.")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty = QLabel(tables.EMPTY_MESSAGE)
        self.empty.setObjectName("statisticsEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("font-size: 14pt; color: #555;")
        content = QWidget()
        content_layout = QHBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        section_column = QVBoxLayout()
        section_label = QLabel("Avsn&itt:")
        self.section_list = QListWidget()
        self.section_list.setObjectName("statisticsSections")
        section_label.setBuddy(self.section_list)
        self.pages = QStackedWidget()
        for name, _keys, tip in SECTIONS:
            item = QListWidgetItem(name)
            item.setToolTip(tip)
            self.section_list.addItem(item)
            self.pages.addWidget(QWidget())
        self.section_list.setFixedWidth(
            self.section_list.sizeHintForColumn(0) + 2 * self.section_list.frameWidth() + 16
        )
        self.section_list.currentRowChanged.connect(self._show_section)
        section_column.addWidget(section_label)
        section_column.addWidget(self.section_list)
        content_layout.addLayout(section_column)
        content_layout.addWidget(self.pages, 1)
        for page in (self.hint, self.empty, content):
            self.body.addWidget(page)
        self.content = content
        layout.addWidget(self.body, 1)

        bottom = QHBoxLayout()
        self.status_label = QLabel()
        self.status_label.setObjectName("statisticsStatus")
        self.status_label.setWordWrap(True)
        bottom.addWidget(self.status_label, 1)
        self.pdf_button = QPushButton("&PDF-rapport …")
        self.pdf_button.setObjectName("previewPdf")
        self.pdf_button.setToolTip(
            "Rapporten med tabeller och diagram, förhandsgranskad: sparas som PDF eller skrivs "
            "ut därifrån."
        )
        self.pdf_button.clicked.connect(self.preview_report)
        self.csv_button = QPushButton("Exportera &CSV …")
        self.csv_button.setObjectName("exportCsv")
        self.csv_button.setToolTip(
            "Alla indikatorer som CSV-fil för Excel (semikolon, decimalkomma, andelar i procent)."
        )
        self.csv_button.clicked.connect(self.export_csv)
        # Alt+S is the search field's; "o" is free in the main window.
        self.sos_button = QPushButton("Exp&ortera individunderlag …")
        self.sos_button.setObjectName("exportSos")
        self.sos_button.clicked.connect(self.export_sos)
        for button in (self.pdf_button, self.csv_button, self.sos_button):
            bottom.addWidget(button)
        layout.addLayout(bottom)
        self.month.currentIndexChanged.connect(self._update_buttons)
        self._update_buttons()
        self.section_list.setCurrentRow(0)
        # the current month is shown as soon as the page is (`showEvent`)
        self.month.setCurrentIndex(self.month.findData(clock.today().month))
        self.hint.setText("Hämtar statistiken …")

        self.setTabOrder(self.year, self.month)
        self.setTabOrder(self.month, self.show_button)
        self.setTabOrder(self.show_button, self.section_list)
        self.setTabOrder(self.section_list, self.pdf_button)
        self.setTabOrder(self.pdf_button, self.csv_button)
        self.setTabOrder(self.csv_button, self.sos_button)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:  # no empty page waiting for Visa
            self._loaded_once = True
            self.show_statistics()

    # --- the period ---------------------------------------------------------------------------
    def selected_month(self) -> date | None:
        number = self.month.currentData()
        return date(self.year.value(), number, 1) if number else None

    def _update_buttons(self) -> None:
        shown = self.stats is not None
        self.pdf_button.setEnabled(shown)
        self.csv_button.setEnabled(shown)
        month = self.selected_month()
        self.sos_button.setEnabled(month is not None)
        self.sos_button.setToolTip(
            f"Underlag för Socialstyrelsens individstatistik för {month_name(month)}: bistånd, "
            "hushållstyp, försörjningshinder och avslut per person. Inte Socialstyrelsens "
            "filformat."
            if month
            else "Välj en månad: individunderlaget gäller en månad i taget."
        )

    def show_statistics(self) -> None:
        if self.busy:
            self._rerun = True  # the period picked now, once the figures under way are in
            return
        self._loaded_once = True
        self.busy = True
        # the last figures' sections not built yet are built only if picked meanwhile
        self._build_timer.stop()
        year, month = self.year.value(), self.selected_month()
        context = self.context

        def work(_report: Callable[[int], None]) -> tuple[Stats, list[StatTable]]:
            stats: Stats
            if month is not None:
                stats = context.call(lambda s, a: statistics.month_statistics(s, a, month))
            else:
                stats = context.call(lambda s, a: statistics.year_statistics(s, a, year))
            # the tables' texts too (some 800 numbers formatted the Swedish way, 50–70 ms):
            # the GUI thread only draws them
            return stats, tables.all_tables(stats)

        self.status_label.setText("Räknar fram statistiken …")
        # The progress dialog belongs to the window: closing this tab while the job runs
        # must not delete the dialog under the helper (the callbacks check isValid).
        run_in_background(
            self.window(),
            work,
            on_done=lambda figures: self._shown(*figures),
            on_error=self._failed,
            label="Räknar fram statistiken …",
        )

    def _again(self) -> bool:
        """Visa was pressed meanwhile: those figures instead (True)."""
        self.busy = False
        if not self._rerun:
            return False
        self._rerun = False
        self.show_statistics()
        return True

    def _failed(self, exc: Exception) -> None:
        if not isValid(self):
            return
        if self._again():
            return
        self.status_label.setText("")
        show_error(self, exc)

    def _shown(self, stats: Stats, made: list[StatTable]) -> None:
        if not isValid(self):  # the tab was closed while the figures were computed
            return
        if self._again():
            return
        self.stats = stats
        self.status_label.setText("")
        title = f"<span style='font-size:14pt'><b>{tables.report_title(stats)}</b></span>"
        if isinstance(stats, MonthStatistics) and (note := trends.incomplete_note(stats.month)):
            title += f" <span style='color:#8a4b00'>– {note}</span>"
        elif isinstance(stats, YearStatistics) and stats.year == clock.today().year:
            title += (
                f" <span style='color:#8a4b00'>– {month_name(clock.today())}: "
                f"{trends.incomplete_note(clock.today())}</span>"
            )
        if tables.has_data(stats):
            title += "<br>" + " · ".join(
                f"{label}: {text}" for label, text in tables.summary(stats)
            )
        self.heading.setText(title)
        self._update_buttons()
        if not tables.has_data(stats):
            self.body.setCurrentWidget(self.empty)
            return
        self._fill(stats, made)
        self.body.setCurrentWidget(self.content)

    # --- showing ----------------------------------------------------------------------------------
    def _fill(self, stats: Stats, made: list[StatTable]) -> None:
        """The chosen section's page now; the others' pages (every other table and the charts,
        ~75 % of the GUI thread's work for a month) one per turn of the event loop after the
        chosen one is shown, or at once when the user picks one of them first."""
        by_key = {t.key: t for t in made}
        self.tables.clear()
        old_pages = [
            page for page in map(self.pages.widget, range(self.pages.count())) if page is not None
        ]
        shown = max(self.section_list.currentRow(), 0)
        self._unbuilt = {
            section: self._page_maker(stats, by_key, keys)
            for section, (_name, keys, _tip) in enumerate(SECTIONS)
        }
        for section in range(len(SECTIONS)):
            page = self._build(section) if section == shown else QWidget()
            self.pages.addWidget(page)
            if section == shown:
                # the rest once this page is painted (`_build_timer`)
                self._awaiting_paint = page
                page.installEventFilter(self)
        # the new section's page shown first, then the old pages taken away: taking away the
        # page shown made Qt lay out and show another old page each time (~60 ms)
        self.pages.setCurrentIndex(len(old_pages) + shown)
        for old in old_pages:
            self.pages.removeWidget(old)
            old.hide()
        # deleted after the new page is painted too, one per turn (~5 ms a table)
        self._discarded.extend(old_pages)
        self._build_timer.start(UNPAINTED_BUILD_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._awaiting_paint and event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._awaiting_paint = None
            self._build_timer.start(0)
        return super().eventFilter(watched, event)

    def _page_maker(
        self, stats: Stats, by_key: dict[str, StatTable], keys: tuple[str, ...]
    ) -> Callable[[], QWidget]:
        """What makes a section's page: the charts (no table keys) or its tables."""
        if not keys:
            return lambda: self._chart_page(stats)
        return lambda: self._table_page(by_key, keys)

    @property
    def building(self) -> bool:
        """Sections of the figures shown whose pages are not built yet."""
        return bool(self._unbuilt)

    def _build(self, section: int) -> QWidget:
        """The page of `section`, made now (it must be in `_unbuilt`)."""
        name = SECTIONS[section][0]
        page = self._unbuilt.pop(section)()
        page.setObjectName(f"statisticsPage{section}")
        page.setAccessibleName(name)
        return page

    def _put_in_place(self, section: int) -> None:
        """Build the section's page and put it where its placeholder is."""
        placeholder = self.pages.widget(section)
        assert placeholder is not None
        current = self.pages.currentIndex() == section
        self.pages.insertWidget(section, self._build(section))
        if current:  # shown before the placeholder goes (see `_fill`)
            self.pages.setCurrentIndex(section)
        self.pages.removeWidget(placeholder)
        placeholder.deleteLater()

    def _build_next(self) -> None:
        """One section's page built, or one old page deleted, per turn of the event loop."""
        if self._discarded:
            self._discarded.pop().deleteLater()
        elif self._unbuilt:
            self._put_in_place(min(self._unbuilt))
        if self._unbuilt or self._discarded:
            self._build_timer.start(0)

    def _show_section(self, section: int) -> None:
        if section in self._unbuilt:
            self._put_in_place(section)
        self.pages.setCurrentIndex(section)

    def _table_page(self, by_key: dict[str, StatTable], keys: tuple[str, ...]) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        for key in keys:
            table = by_key[key]
            title = QLabel(f"<b>{table.title}</b>")
            explanation = QLabel(table.explanation)
            explanation.setWordWrap(True)
            explanation.setStyleSheet("color: #444;")
            view = RowTableView(StatTableModel(table), name=table.title)
            view.setSortingEnabled(False)
            header = GroupedHeader([c.group for c in table.columns], view)
            view.setHorizontalHeader(header)
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            view.setSortingEnabled(True)
            view.setObjectName(f"table_{key}")
            view.setAccessibleName(table.title)
            view.setAccessibleDescription(table.explanation)
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
            self._fit(view)
            title.setBuddy(view)
            self.tables[key] = view
            column.addWidget(title)
            column.addWidget(explanation)
            column.addWidget(view, 0, Qt.AlignmentFlag.AlignLeft)
            column.addSpacing(8)
        column.addStretch(1)
        return _scrolling(inner)

    @staticmethod
    def _fit(view: RowTableView) -> None:
        """As big as the table, no bigger: compact rows, equal value columns, no inner
        scrolling (the page scrolls). The columns are measured from the texts, in the bold
        font of the year's row (`fit_columns`; Qt's resizeColumnsToContents asked the model
        for every cell's roles through Python: 14 tables then, ~100 ms of the GUI thread)."""
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        bold = QFont(view.font())
        bold.setBold(True)
        view.fit_columns(bold)
        header.setStretchLastSection(False)
        count = header.count()
        width = max([header.sectionSize(i) for i in range(1, count)] + [80])
        if isinstance(header, GroupedHeader):  # each group's name fits over its columns
            metrics = header.fontMetrics()
            for i in range(1, count):
                first, last = header.span(i)
                if header.groups[i]:
                    needed = metrics.horizontalAdvance(header.groups[i]) + 24
                    width = max(width, -(-needed // (last - first + 1)))
        for i in range(1, count):
            header.resizeSection(i, width)
        frame = 2 * view.frameWidth()
        view.setFixedWidth(header.length() + frame)
        view.setFixedHeight(header.sizeHint().height() + view.verticalHeader().length() + frame)

    def _chart_page(self, stats: Stats) -> QWidget:
        inner = QWidget()
        column = QVBoxLayout(inner)
        note = QLabel(DIAGRAM_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #444;")
        column.addWidget(note)
        households = self._chart_view("households", tables.households_chart(stats))
        households.setMinimumHeight(320)
        column.addWidget(households)
        if isinstance(stats, YearStatistics):
            amounts = self._chart_view("amounts", tables.amounts_chart(stats))
            amounts.setMinimumHeight(300)
            column.addWidget(amounts)
        else:
            self.charts.pop("amounts", None)
        barrier_data = tables.support_barriers_chart(stats)
        barriers = self._chart_view("support_barriers", barrier_data, horizontal=True)
        barriers.setMinimumHeight(120 + 36 * max(len(barrier_data.categories), 2))
        column.addWidget(barriers)
        column.addStretch(1)
        return _scrolling(inner)

    def _chart_view(self, key: str, data: ChartData, *, horizontal: bool = False) -> QChartView:
        chart = QChart()
        chart.setTitle(f"<b>{data.title}</b>")
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setReverseMarkers(horizontal)
        series = QHorizontalBarSeries() if horizontal else QBarSeries()
        categories = list(data.categories)
        ordered = list(data.series)
        if horizontal:  # drawn bottom-up: reverse so they read top-down, women first
            categories.reverse()
            ordered.reverse()
        for s in ordered:
            bar_set = QBarSet(s.name)
            values = list(reversed(s.values)) if horizontal else list(s.values)
            bar_set.append([float(v) for v in values])
            bar_set.setColor(QColor(s.colour))
            bar_set.setBorderColor(QColor(s.colour))
            series.append(bar_set)
        series.setBarWidth(0.8)
        chart.addSeries(series)
        category_axis = QBarCategoryAxis()
        category_axis.append(categories or [""])
        value_axis = self._value_axis(data)
        if horizontal:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignLeft)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignBottom)
        else:
            chart.addAxis(category_axis, Qt.AlignmentFlag.AlignBottom)
            chart.addAxis(value_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
        series.hovered.connect(
            lambda on, index, bar_set: self._bar_tip(on, index, bar_set, categories, data.unit)
        )
        view = QChartView(chart)
        view.setObjectName(f"chart_{key}")
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Display only: the tables carry the same figures, so the charts take no keyboard focus.
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setAccessibleName(data.title)
        view.setAccessibleDescription(DIAGRAM_NOTE)
        self.charts[key] = view
        return view

    @staticmethod
    def _value_axis(data: ChartData) -> QCategoryAxis:
        """Values with Swedish digit grouping ('250 000 kr'): a category axis whose labels
        stand on round values."""
        maximum = max((max(s.values, default=0) for s in data.series), default=0)
        ticks = tables.nice_ticks(float(maximum))
        axis = QCategoryAxis()
        axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        axis.setRange(0, ticks[-1])
        axis.setStartValue(0)
        for tick in ticks:
            axis.append(tables.axis_text(tick, data.unit), tick)
        return axis

    def _bar_tip(self, on: bool, index: int, bar_set: QBarSet, categories, unit: str) -> None:
        if not on:
            QToolTip.hideText()
            return
        value = bar_set.at(index)
        text = tables.money_text(value) if unit == "kr" else tables.count_text(round(value))
        QToolTip.showText(QCursor.pos(), f"{bar_set.label()}, {categories[index]}: {text}")

    # --- exports ----------------------------------------------------------------------------------
    def _file_stem(self) -> str:
        assert self.stats is not None
        return f"Statistik {tables.period_title(self.stats)} {self.stats.unit_name}".strip()

    def preview_report(self) -> None:
        """The report in the program's preview (as the decision letter and the journal),
        saved as PDF or printed from there."""
        if self.stats is None:
            return
        stats = self.stats
        printed = f"Utskriven {local_datetime(clock.now())} av {self.context.logged_in.full_name}"
        preview_pdf(
            self,
            self.context,
            title=f"{self._file_stem()} – rapport",
            suggested_name=f"{self._file_stem()}.pdf",
            gather=lambda session, _actor: organisation_name(session, stats.unit_id),
            render=lambda organisation: render_statistics_report(
                stats, printed=printed, organisation=organisation
            ),
        )

    def export_csv(self) -> None:
        if self.stats is None:
            return
        target = ask_save_path(
            self,
            "Spara statistiken som CSV",
            f"{self._file_stem()}.csv",
            "CSV för Excel (*.csv)",
            ".csv",
        )
        if target is None:
            return
        try:
            statistics_csv.write_statistics_csv(self.stats, target)
        except Exception as exc:
            show_error(self, exc)
            return
        show_done(self, f"Statistiken sparades som {target}.")

    def export_sos(self) -> None:
        month = self.selected_month()
        if month is None:
            return
        target = ask_save_path(
            self,
            "Spara individunderlaget",
            f"Individunderlag {month:%Y-%m}.csv",
            "Textfil med semikolon (*.csv)",
            ".csv",
        )
        if target is None:
            return
        context = self.context

        def work(_report: Callable[[int], None]) -> sos_export.Underlag:
            underlag = context.call(lambda s, a: sos_export.individual_data(s, a, month))
            sos_export.write_underlag(underlag, target)
            return underlag

        def done(underlag: sos_export.Underlag) -> None:
            if not isValid(self):
                return
            show_done(self, f"Individunderlaget sparades i {target}.")
            # not a success message but what the file is not: it stays on the page
            self.status_label.setText(
                f"Individunderlaget för {month_name(month)} ({len(underlag.persons)} personer i "
                f"{underlag.households} hushåll, {len(underlag.closings)} avslut): Obs! "
                f"{sos_export.FORMAT_NOTE} Saknas: kommunala arbetsmarknadsinsatser."
            )

        run_in_background(
            self.window(),
            work,
            on_done=done,
            on_error=self._export_failed,
            label="Skapar underlaget …",
        )

    def _export_failed(self, exc: Exception) -> None:
        if isValid(self):
            show_error(self, exc)
