"""The chef's statistics as a CSV file for Excel: the very tables of tables.all_tables that the
Statistik view and the PDF report show, with the same titles, row labels and column headings,
so that a chef finds in the spreadsheet what she saw on screen and on paper.

The file is one section per table, in the order of the screen and the report, rather than one
long list of "table; row; column; value" lines: opened in Excel it looks like the report (each
table readable as it stands, ready to copy into a presentation or to draw a chart from), and a
chef who wants a pivot table can still select one table's block. The layout, line by line:

    Statistik ekonomiskt bistånd oktober 2026 – Försörjningsstöd Norr
    (empty line)
    Beslutshushåll och bidragshushåll                 <- the table's title
    Månad;Beslutshushåll – Kvinnor;Beslutshushåll – Män;…   <- its column headings
    Oktober 2026;6;7;13;5;7;12                         <- its rows: label, then the figures
    (empty line)
    Beviljat, utbetalt och kostnad per hushåll
    …

A column heading is "group – title" where the column has a group heading over it on screen,
otherwise the title alone. The figures are the raw values behind the screen's texts, written
the way Swedish Excel reads numbers (app/common/excel_csv.py: semicolon separated, UTF-8 with
BOM): decimal comma, no thousands separator, amounts without "kr"; shares (ValueKind.SHARE,
declared in the table layout) in per cent with one decimal and without "%", so that "66,7"
is a number Excel can calculate with; an empty cell where the screen shows "–" or nothing.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from app.common.excel_csv import write_excel_csv
from app.statistics.tables import (
    Stats,
    StatTable,
    ValueKind,
    all_tables,
    per_cent,
    report_title,
)

GROUP_SEPARATOR = " – "


def column_heading(table: StatTable, column: int) -> str:
    """'Beslutshushåll – Kvinnor' (with its group heading) or 'Kvinnor' (without one)."""
    c = table.columns[column]
    return f"{c.group}{GROUP_SEPARATOR}{c.title}" if c.group else c.title


def value_text(value: object, kind: ValueKind) -> str:
    """One figure for Swedish Excel: 31500,00; 11,1; a share 0.6667 -> 66,7; None -> ''."""
    if value is None:
        return ""
    if kind is ValueKind.SHARE:
        return format(per_cent(Decimal(str(value))), "f").replace(".", ",")
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def table_lines(table: StatTable) -> list[list[str]]:
    """The table's title, its column headings and its rows (the label, then the figures)."""
    lines = [
        [table.title],
        [column_heading(table, c) for c in range(len(table.columns))],
    ]
    for row in table.rows:
        figures = [
            value_text(row.values[c], table.kind(row, c)) for c in range(1, len(table.columns))
        ]
        lines.append([row.cells[0], *figures])
    return lines


def statistics_lines(stats: Stats) -> list[list[str]]:
    """The whole file: the report's title, then every table, each after an empty line."""
    lines: list[list[str]] = [[report_title(stats)]]
    for table in all_tables(stats):
        lines.append([])
        lines.extend(table_lines(table))
    return lines


def write_statistics_csv(stats: Stats, path: str | Path) -> None:
    """Every table of the period's statistics as a CSV file Excel opens as it is (layout in
    the module docstring)."""
    write_excel_csv(path, statistics_lines(stats))
