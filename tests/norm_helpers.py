"""Riksnorm tables for tests that sign decisions (issue 19).

No source was found for the single amounts of 2024–2026 (resources/norms): a decision
computed with them cannot be signed. Tests that sign such decisions use the shipped amounts
marked as checked against a fictional test source, as the office would after its
administrators entered and approved the year's ändringsförordning. Never in the product.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from app.common import clock
from app.models import NormTableRecord, NormTableStatus
from app.norms.norm_table import NormTable, load_norm_table, norm_table_to_json, parse_norm_table

TEST_SOURCE = {
    "id": "test",
    "reference": "SFS 0000:0 (fiktiv källa i test)",
    "citation": "socialtjänstförordningen (2001:937) i lydelse enligt SFS 0000:0 (fiktiv, test)",
}


def _sourced_json(year: int) -> dict:
    data = norm_table_to_json(load_norm_table(year))

    def cite(node):
        if isinstance(node, dict):
            return {k: ("test" if k == "source" else cite(v)) for k, v in node.items()}
        return [cite(v) for v in node] if isinstance(node, list) else node

    data = cite(data)
    data["sources"] = [TEST_SOURCE]
    data["note"] = "Testdata: de levererade beloppen med en fiktiv källa."
    return data


def sourced_for_tests(year: int) -> NormTable:
    """The shipped table of `year`, every amount checked against the fictional test source."""
    return parse_norm_table(_sourced_json(year))


def approve_for_tests(session: Session, year: int) -> None:
    """An approved table of `year` in the database (written as the schema owner, as test
    data), with the shipped amounts and the fictional test source."""
    session.add(
        NormTableRecord(
            year=year,
            table_json=json.dumps(_sourced_json(year), ensure_ascii=False),
            published_at=clock.now(),
            status=NormTableStatus.APPROVED.value,
            approved_at=clock.now(),
        )
    )
    session.flush()
