"""Förslag från e-ansökan in the statistics (issue 24): of the decisions signed in the period
that started from a proposal, how many were signed unchanged, per month and unit, in the
tables (view, CSV, PDF) and `stats --json`; on the shared server the chef's and the
administrator's own logins get the same counts through the server."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.cli import main
from app.decisions import decisions
from app.printing.statistics_report import render_statistics_report
from app.statistics import statistics_csv, tables
from app.statistics.statistics import as_json_dict, month_statistics, year_statistics
from tests.core.decisions.test_decisions import (  # noqa: F401 (fixtures)
    bifall,
    case,
    delegated,
    partly,
    render,
    sign,
    unit,
)
from tests.core.security.test_server_access_control import on_postgresql


@pytest.fixture
def signed(session, case, sign, set_clock):  # noqa: F811 (the imported fixtures)
    """October: one proposal signed unchanged, one changed; November: one unchanged, and a
    decision made by hand (not counted)."""
    proposed = bifall()
    snapshot = decisions.proposal_snapshot(proposed)
    from_proposal = {"from_delivery_id": uuid.uuid4(), "proposal": snapshot}
    for day, draft in (
        (datetime(2026, 10, 5, 9, tzinfo=UTC), replace(proposed, **from_proposal)),
        (datetime(2026, 10, 20, 9, tzinfo=UTC), replace(partly(), **from_proposal)),
        (datetime(2026, 11, 23, 9, tzinfo=UTC), replace(proposed, **from_proposal)),
        (datetime(2026, 11, 23, 10, tzinfo=UTC), partly()),
    ):
        set_clock(day)
        sign(case, draft)
    session.commit()


def test_the_year_counts_signed_and_unchanged_per_month(session, signed, manager) -> None:
    p = year_statistics(session, manager, 2026).proposals
    assert (p.total.signed, p.total.unchanged, p.total.share) == (3, 2, Decimal("0.6667"))
    by_month = {m.month.month: (m.counts.signed, m.counts.unchanged) for m in p.months}
    assert by_month[10] == (2, 1) and by_month[11] == (1, 1) and by_month[9] == (0, 0)
    october = month_statistics(session, manager, datetime(2026, 10, 1).date()).proposals
    assert (october.total.signed, october.total.unchanged) == (2, 1)
    assert october.total.share == Decimal("0.5")


def test_another_units_figures_have_none(session, signed, admin, staff) -> None:
    every = year_statistics(session, admin, 2026).proposals
    other = year_statistics(session, admin, 2026, unit_id=staff.other_unit.id).proposals
    assert every.total.signed == 3 and other.total.signed == 0 and other.total.share is None


def test_tables_csv_and_pdf_hold_the_figures(session, signed, manager, tmp_path) -> None:
    s = year_statistics(session, manager, 2026)
    assert ("Förslag från e-ansökan", "3 signerade, varav 2 oförändrade (66,7\xa0%)") in (
        tables.summary(s)
    )
    table = {t.key: t for t in tables.all_tables(s)}["proposals"]
    assert table.title == (
        "Förslag från e-ansökan 2026: 3 signerade, varav 2 oförändrade (66,7\xa0%)"
    )
    assert [table.cell("Oktober", c) for c in (1, 2, 3)] == ["2", "1", "50,0\xa0%"]
    assert [table.cell("Helår 2026", c) for c in (1, 2, 3)] == ["3", "2", "66,7\xa0%"]
    assert table.cell("Mars", 3) == "–"

    path = tmp_path / "s.csv"
    statistics_csv.write_statistics_csv(s, path)
    csv = path.read_text(encoding="utf-8-sig")
    assert "Förslag från e-ansökan 2026: 3 signerade, varav 2 oförändrade" in csv
    assert "Oktober;2;1;50,0" in csv and "Helår 2026;3;2;66,7" in csv

    pdf = render_statistics_report(s, printed="Utskriven", organisation="Socialnämnden")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
        .replace("\xa0", " ")
        .split()
    )
    assert "Förslag från e-ansökan 3 signerade, varav 2 oförändrade (66,7 %)" in text
    assert "Oktober 2 1 50,0 %" in text


def test_stats_json_holds_the_figures(db, signed, capsys, cli_as) -> None:
    eva = cli_as("eva.lind")
    assert main([*eva.before, "stats", "--year", "2026", "--json", *eva.after]) == 0
    out = json.loads(capsys.readouterr().out)
    proposals = out["proposals"]
    assert proposals["total"] == {"signed": 3, "unchanged": 2, "share": "0.6667"}
    assert [m["counts"]["signed"] for m in proposals["months"]][9:11] == [2, 1]


def _proposals(session, actor, unit_id=None) -> dict:
    return as_json_dict(year_statistics(session, actor, 2026, unit_id=unit_id))["proposals"]


def _as_login(url: str, work):
    from app.db.database import open_database

    database = open_database(url, upgrade=False)
    try:
        with database.sessions.begin() as session:
            return work(session)
    finally:
        database.dispose()


@on_postgresql
def test_the_users_own_logins_get_the_owners_figures(
    session, signed, staff, admin, manager, login_roles
) -> None:
    expected = _proposals(session, manager)
    assert expected["total"]["signed"] == 3
    assert _as_login(login_roles["ada.admin"], lambda s: _proposals(s, admin)) == expected
    assert _as_login(login_roles["eva.lind"], lambda s: _proposals(s, manager)) == expected
    assert _as_login(login_roles["ada.admin"], lambda s: _proposals(s, admin, staff.other_unit.id))[
        "total"
    ] == {"signed": 0, "unchanged": 0, "share": None}
