"""The statistics report of a year or a month as PDF: the key figures, the tables of
app/statistics/tables.py and bar charts (reportlab.graphics), on the common document base.

Plain data in (statistics.MonthStatistics / YearStatistics), PDF bytes out; no SQL.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.cases.letterhead import Letterhead
from app.printing.document import FONT, FONT_BOLD, MARGIN, build_pdf, paragraph, styles
from app.statistics.statistics import YearStatistics
from app.statistics.tables import (
    EMPTY_MESSAGE,
    ChartData,
    Stats,
    StatTable,
    all_tables,
    amounts_chart,
    axis_text,
    has_data,
    households_chart,
    nice_ticks,
    period_title,
    report_title,
    summary,
    support_barriers_chart,
)

WIDTH = 210 * mm - 2 * MARGIN
PAGE_HEIGHT = A4[1]
GRID = colors.HexColor("#bbbbbb")
HEADER_BACKGROUND = colors.HexColor("#e8eef4")
SUMMARY_BACKGROUND = colors.HexColor("#f3f3f3")
TABLE_FONT_SIZE = 8
NEW_PAGE_ROOM = 60 * mm
"""A table starts on a new page unless this much room is left (or the whole table fits)."""

INTRO = (
    "Uppgifterna bygger på signerade beslut som inte har ersatts av ett senare beslut. "
    "Hushåll räknas efter den sökandes kön, försörjningshinder efter den vuxnes kön och "
    "granskningen av barnens dokumentation efter barnets kön (flickor/pojkar). "
    "Ett streck (–) betyder att det inte finns något att räkna andelen eller genomsnittet på."
)


def render_statistics_report(stats: Stats, *, printed: str, organisation: str) -> bytes:
    """The report; `printed` is the footer ('Utskriven 2026-11-23 10:00 av Eva Lind')."""
    letterhead = Letterhead(
        organisation=organisation,
        unit=stats.unit_name,
        document_title="Statistikrapport",
        reference=period_title(stats),
        printed=printed,
        confidential=False,
    )
    title = report_title(stats)
    story: list[Flowable] = [paragraph(title, "title"), paragraph(INTRO, "small"), Spacer(0, 6)]
    if not has_data(stats):
        story.append(paragraph(f"{EMPTY_MESSAGE}.", "h2"))
        return build_pdf(story, letterhead, title=title)
    story += [_summary_table(stats), Spacer(0, 4)]
    tables = {t.key: t for t in all_tables(stats)}
    year = isinstance(stats, YearStatistics)
    charts: dict[str, list[Flowable]] = {
        "households": [_bar_chart(households_chart(stats), legend_columns=2)],
        "money": [_bar_chart(amounts_chart(stats))] if year else [],
        "support_barriers": [_barrier_chart(support_barriers_chart(stats))],
    }
    for key, table in tables.items():
        story += _section(table, charts.get(key, []))
    return build_pdf(story, letterhead, title=title)


# --- tables ---------------------------------------------------------------------------------------
def _cell_style(bold: bool = False, right: bool = False) -> ParagraphStyle:
    return ParagraphStyle(
        f"cell{bold}{right}",
        parent=styles()["body"],
        fontName=FONT_BOLD if bold else FONT,
        fontSize=TABLE_FONT_SIZE,
        leading=TABLE_FONT_SIZE + 2,
        alignment=TA_RIGHT if right else TA_LEFT,
    )


def _text(value: str, *, bold: bool = False, right: bool = False) -> Paragraph:
    return Paragraph(escape(value), _cell_style(bold, right))


def _section(table: StatTable, charts: list[Flowable]) -> list[Flowable]:
    """The table with its title and explanation, on a new page unless NEW_PAGE_ROOM is left or
    the whole section fits in the room left (a month's small table is not moved alone to a new
    page)."""
    head = [paragraph(table.title, "h2"), paragraph(table.explanation, "small"), Spacer(0, 4)]
    body = _pdf_table(table)
    room = min(NEW_PAGE_ROOM, _height([*head, *charts, body]))
    if charts:
        return [CondPageBreak(room), KeepTogether([*head, *charts]), Spacer(0, 4), body]
    return [CondPageBreak(room), KeepTogether([*head, body])]


def _height(flowables: list[Flowable]) -> float:
    """The height the flowables take at full width, with the space around them."""
    return sum(
        f.wrap(WIDTH, PAGE_HEIGHT)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables
    )


MEASURED = (
    "appeals",
    "rulings_forvaltningsratten",
    "rulings_kammarratten",
    "rulings_hfd",
    "rulings_months",
    "complaints",
    "complaint_themes",
    "complaint_via",
)
"""Tables whose columns are measured from their texts (`_measured_widths`): many columns
whose titles are long single words ("Återförvisning"), which a column of equal share cuts
in the middle of the word."""
CELL_PADDING = 12
"""Points left and right of a cell's text (ReportLab's default 6 + 6)."""


def _measured_widths(table: StatTable) -> list[float]:
    """Each value column as wide as its longest word (titles, bold figures), all of them
    equally wide when that fits; the row labels on one line when that fits, else wrapped."""

    def widest(texts: list[str], *, words: bool) -> float:
        parts = [w for t in texts for w in (t.split(" ") if words else [t])] or [""]
        return max(stringWidth(p, FONT_BOLD, TABLE_FONT_SIZE) for p in parts) + CELL_PADDING

    needs = [
        max(
            widest([table.columns[c].title], words=True),
            widest([row.cells[c] for row in table.rows], words=False),
        )
        for c in range(1, len(table.columns))
    ]
    labels = [table.columns[0].title, *(row.cells[0] for row in table.rows)]
    label = widest(labels, words=False)
    if max(needs) * len(needs) + label <= WIDTH:
        return [label] + [max(needs)] * len(needs)
    if sum(needs) + label <= WIDTH:
        return [label] + needs
    return [max(WIDTH - sum(needs), widest(labels, words=True))] + needs


def _column_widths(table: StatTable) -> list[float]:
    if table.key in MEASURED:
        return _measured_widths(table)
    values = len(table.columns) - 1
    label_width = 26 * mm if table.columns[0].title == "Månad" else 62 * mm
    if table.key == "money":
        # "Försörjningsstöd" and "Bidragshushåll" in bold, a year's millions: on one line
        return [22 * mm, 30 * mm, 32 * mm, 30 * mm, 28 * mm, 28 * mm]
    value_width = min(25 * mm, (WIDTH - label_width) / values)
    return [label_width] + [value_width] * values


def _pdf_table(table: StatTable) -> Table:
    columns = table.columns
    grouped = any(c.group for c in columns)
    data: list[list] = []
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ]
    header_rows = 2 if grouped else 1
    if grouped:
        groups: list = [_text("", bold=True)]
        start = 1
        while start < len(columns):
            end = start
            while end + 1 < len(columns) and columns[end + 1].group == columns[start].group:
                end += 1
            groups += [_text(columns[start].group, bold=True)] + [""] * (end - start)
            if end > start:
                style.append(("SPAN", (start, 0), (end, 0)))
            start = end + 1
        data.append(groups)
    data.append(
        [_text(columns[0].title, bold=True)]
        + [_text(c.title, bold=True, right=True) for c in columns[1:]]
    )
    style.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BACKGROUND))
    for number, row in enumerate(table.rows, start=header_rows):
        data.append(
            [_text(row.cells[0], bold=row.summary)]
            + [_text(text, bold=row.summary, right=True) for text in row.cells[1:]]
        )
        if row.summary:
            style.append(("LINEABOVE", (0, number), (-1, number), 1, colors.black))
    pdf = Table(data, colWidths=_column_widths(table), repeatRows=header_rows, hAlign="LEFT")
    pdf.setStyle(TableStyle(style))
    return pdf


def _summary_table(stats: Stats) -> Table:
    rows = [[_text(label, bold=True), _text(text)] for label, text in summary(stats)]
    table = Table(rows, colWidths=[55 * mm, 90 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), SUMMARY_BACKGROUND),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


# --- charts ---------------------------------------------------------------------------------
def _caption(drawing: Drawing, text: str, y: float) -> None:
    drawing.add(String(0, y, text, fontName=FONT_BOLD, fontSize=9))


def _legend(data: ChartData, x: float, y: float, columns: int) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y  # type: ignore[assignment]  # stubs: int; ReportLab takes floats
    legend.fontName = FONT
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.boxAnchor = "nw"
    legend.columnMaximum = max(1, -(-len(data.series) // columns))
    legend.deltax = 120
    legend.dx = legend.dy = 7
    legend.deltay = 11
    legend.colorNamePairs = [(colors.HexColor(s.colour), s.name) for s in data.series]
    return legend


def _style_axes(chart, data: ChartData, maximum: float) -> None:
    ticks = nice_ticks(maximum)
    axis = chart.valueAxis
    axis.valueMin, axis.valueMax, axis.valueStep = 0, ticks[-1], ticks[1] - ticks[0]
    axis.labels.fontName = FONT
    axis.labels.fontSize = 7
    axis.labelTextFormat = lambda value: axis_text(value, data.unit)
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.HexColor("#dddddd")
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.categoryNames = list(data.categories)
    for i, series in enumerate(data.series):
        chart.bars[i].fillColor = colors.HexColor(series.colour)
        chart.bars[i].strokeColor = None


def _bar_chart(data: ChartData, *, legend_columns: int = 1) -> Drawing:
    """Vertical bars per category (month), one bar per series."""
    legend_rows = -(-len(data.series) // legend_columns) if len(data.series) > 1 else 0
    height = 170 + legend_rows * 11
    drawing = Drawing(WIDTH, height)
    _caption(drawing, data.title, height - 10)
    chart = VerticalBarChart()
    left = 62 if data.unit else 30
    chart.x, chart.y = left, 22 + legend_rows * 11
    # the stubs type the sizes as int; ReportLab takes floats
    chart.width, chart.height = WIDTH - left - 10, 125  # type: ignore[assignment]
    chart.data = [list(s.values) for s in data.series]
    chart.barSpacing = 0.5  # type: ignore[assignment]  # stubs: int; ReportLab takes floats
    chart.groupSpacing = 6
    _style_axes(chart, data, max((max(s.values, default=0) for s in data.series), default=0))
    drawing.add(chart)
    if legend_rows:
        drawing.add(_legend(data, left, legend_rows * 11 + 2, legend_columns))
    return drawing


def _barrier_chart(data: ChartData) -> Flowable:
    """Horizontal bars, one category per försörjningshinder, women and men."""
    if not data.categories:
        return paragraph("Inga försörjningshinder är registrerade för perioden.", "small")
    rows = len(data.categories)
    plot_height = rows * 24
    height = plot_height + 40
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 30
    # the stubs type the sizes as int; ReportLab takes floats
    chart.width, chart.height = WIDTH - 170, plot_height  # type: ignore[assignment]
    # Categories and the bars in a group are drawn bottom-up: reverse both so the chart reads
    # top-down in code-list order, women above men as in the legend.
    series = list(reversed(data.series))
    chart.data = [list(reversed(s.values)) for s in series]
    chart.barSpacing = 1
    chart.groupSpacing = 6
    _style_axes(chart, data, max((max(s.values) for s in data.series), default=0))
    for i, s in enumerate(series):
        chart.bars[i].fillColor = colors.HexColor(s.colour)
    chart.categoryAxis.categoryNames = list(reversed(data.categories))
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dy = -2
    drawing.add(chart)
    drawing.add(_legend(data, 150, 14, 2))
    return drawing
