"""Reads the chef's statistics CSV file (app/statistics/statistics_csv.py) the way a chef reads
it in Excel: find a table by its title, a cell by its row label and its column heading. Shared
by the core test of the file and the Statistik view's export test."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


@dataclass
class CsvTable:
    title: str
    header: list[str]
    rows: list[list[str]]

    def cell(self, row: str, column: str) -> str:
        """The figure in the row labelled `row` under the column heading `column`."""
        assert self.header.count(column) == 1, f"{column!r} not once in {self.header}"
        found = [r for r in self.rows if r[0] == row]
        assert len(found) == 1, f"no row {row!r} in {self.title}"
        return found[0][self.header.index(column)]

    def column(self, column: str) -> list[str]:
        return [r[self.header.index(column)] for r in self.rows]


@dataclass
class CsvFile:
    title: str
    tables: list[CsvTable]

    def table(self, title: str) -> CsvTable:
        found = [t for t in self.tables if t.title == title]
        assert len(found) == 1, f"no table {title!r}"
        return found[0]


MONTHS = [  # the month rows of a year table, as the CSV and the screen name them
    "Januari",
    "Februari",
    "Mars",
    "April",
    "Maj",
    "Juni",
    "Juli",
    "Augusti",
    "September",
    "Oktober",
    "November",
    "December",
]


def read_csv(path: Path) -> CsvFile:
    """The file as Excel shows it: the report's title, then blocks separated by empty lines,
    each a title, a line of column headings and the rows."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    assert b"\r\n" in raw and b"\n\n" not in raw  # CRLF lines
    with path.open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    title = lines[0]
    assert len(title) == 1
    blocks: list[list[list[str]]] = []
    for line in lines[1:]:
        if not line:
            blocks.append([])
        else:
            blocks[-1].append(line)
    tables = []
    for block in blocks:
        assert len(block[0]) == 1, block[0]  # the title stands alone on its line
        header, rows = block[1], block[2:]
        assert all(len(r) == len(header) for r in rows), block[0]
        tables.append(CsvTable(block[0][0], header, rows))
    return CsvFile(title[0], tables)
