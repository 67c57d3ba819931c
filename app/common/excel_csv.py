"""The one CSV format for people who open files in Excel: semicolon separated (Swedish
Excel reads a comma as the decimal mark), UTF-8 with BOM (so å ä ö survive), CRLF."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any


def write_excel_csv(path: str | Path, rows: Iterable[Sequence[Any]]) -> None:
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerows(rows)
