"""The riksnorm in a decision: what the decision keeps of the calculation, what stops it from
being signed, and the letter's line on which year's riksnorm was used.

A decision keeps a snapshot of its calculation (decisions.draft_from_calculation): the year,
the rows, the amounts without a source ("unverified") and the letter's text for the sources
("norm_source"). The checks read that snapshot, so a draft computed before a table changed
keeps what it was computed with.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from app.common.formatting import period_text
from app.norms.norm_calculation import Calculation, public_note

UNSOURCED_NORM = "unsourced_norm"
"""Problem kind: the calculation uses riksnorm amounts without a source."""
NORM_YEAR = "norm_year"
"""Problem kind: the calculation uses another year's riksnorm than the period's."""


def snapshot_fields(calculation: Calculation) -> dict[str, Any]:
    """What a decision keeps of the calculation's riksnorm, beside its rows."""
    return {
        "year": calculation.year,
        "unverified": list(calculation.unverified),
        "norm_source": calculation.norm_source,
    }


def _has_norm(snapshot: Mapping[str, Any]) -> bool:
    return any(row.get("section") == "norm" for row in snapshot.get("rows", []))


def signing_problems(
    period_start: date, period_end: date, snapshot: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(kind, Swedish sentence) for each reason the riksnorm of a decision stops signing:
    another year's table than the period's, or amounts without a source."""
    if not _has_norm(snapshot):
        return []
    problems: list[tuple[str, str]] = []
    year = snapshot.get("year")
    if year is None:
        return [
            (
                NORM_YEAR,
                "Beräkningen säger inte vilket års riksnorm den använder. Räkna om beslutet "
                f"med riksnormen för {period_start.year}.",
            )
        ]
    if year != period_start.year or period_end.year != period_start.year:
        problems.append(
            (
                NORM_YEAR,
                f"Beräkningen använder riksnormen för {year}, men beslutet gäller "
                f"{period_text(period_start, period_end)}. Räkna om beslutet med riksnormen "
                f"för {period_start.year}.",
            )
        )
    unsourced = [str(item) for item in snapshot.get("unverified") or []]
    if unsourced:
        problems.append(
            (
                UNSOURCED_NORM,
                f"Riksnormen för {year} har belopp utan källa: {'; '.join(unsourced)}. Ett "
                "belopp utan källa kan inte användas i ett beslut som undertecknas. En "
                "administratör lägger in årets belopp med källa (ändringsförordningens "
                "SFS-nummer) under Arkiv → Riksnormen och en annan administratör godkänner "
                "dem; räkna sedan om beslutet.",
            )
        )
    return problems


def norm_statement(snapshot: Mapping[str, Any]) -> str:
    """The letter's line on the riksnorm used, e.g. 'Riksnorm för 2021 enligt
    socialtjänstförordningen (2001:937) 2 kap. 1 § i lydelse enligt SFS 2020:1013.'"""
    if not _has_norm(snapshot) or not snapshot.get("year"):
        return ""
    source = str(snapshot.get("norm_source") or "").strip()
    year = snapshot["year"]
    return f"Riksnorm för {year} enligt {source}." if source else f"Riksnorm för {year}."


def letter_rows(snapshot: Mapping[str, Any]) -> list[dict]:
    """The calculation rows as a letter prints them: no internal note (a row saved by an
    older version may carry one)."""
    return [
        {**row, "note": public_note(str(row.get("note") or ""))} for row in snapshot.get("rows", [])
    ]
