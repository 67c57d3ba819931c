"""The administrator's riksnorm dialog: each year's sources and amounts without a source, a
new year's table entered as a draft by one administrator and approved by another."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.common.errors import AccessDenied
from app.models import Role, Unit
from app.norms import applicable_table
from app.norms.applicable_table import MissingNormYear
from app.norms.norm_calculation import AdultInput, HouseholdComposition, calculate
from app.security import accounts
from app.ui.context import AppContext
from app.ui.norms.norm_tables_dialog import NormTablesDialog
from tests.ui.forms.test_form_versions import login_admin

SHOTS = Path(__file__).resolve().parents[3] / "build" / "screenshots"


@pytest.fixture
def admin(demo_database):
    return login_admin(demo_database)


@pytest.fixture
def second_admin(demo_database, admin) -> AppContext:
    with demo_database.sessions.begin() as session:
        accounts.create_user(
            session,
            None,
            username="bo.admin",
            full_name="Bo Admin",
            role=Role.ADMINISTRATOR,
            unit=session.query(Unit).first(),
            password="adminlösenord2",
        )
    context = AppContext(demo_database)
    with demo_database.sessions.begin() as session:
        context.actor = accounts.login(session, "bo.admin", "adminlösenord2")
    return context


def filled_template(context: AppContext) -> dict:
    """Next year's template with every amount checked against a (fictional) SFS number."""
    template = context.call(lambda s, _a: applicable_table.template_for_next_year(s))
    template["sources"][0].update(reference="SFS 2026:999 (fiktiv i test)", id="sfs")
    template["single_adult"]["amount"] = "4000"
    text = json.dumps(template).replace('"source": null', '"source": "sfs"')
    return json.loads(text)


def test_each_year_shows_its_sources_and_amounts_without_one(qtbot, admin) -> None:
    dialog = NormTablesDialog(admin)
    qtbot.addWidget(dialog)
    rows = {r.year: r for r in dialog.model.rows}
    assert {2019, 2021, 2024, 2025, 2026} <= set(rows)
    assert rows[2021].unverified == [] and rows[2021].source == "SFS 2020:1013"
    assert len(rows[2025].unverified) == 22
    assert rows[2026].status == "Levererad med programmet"
    assert rows[2026].unverified == [] and rows[2026].source.startswith("SFS 2025:1046")
    dialog.table.selectRow(dialog.model.rows.index(rows[2025]))
    details = dialog.details.toPlainText()
    assert (
        "https://www.regeringen.se/pressmeddelanden/2024/11/"
        "hojt-forsorjningsstod-nar-riksnormen-raknas-upp/" in details
    )
    assert "Riksnormen räknas upp med 2,8 procent från 1 januari 2025" in details
    assert "22 belopp saknar källa" in details
    assert rows[2025].unverified[0].replace("\xa0", " ") in details.replace("\xa0", " ")
    assert re.search(r"Barn 4–6 år: [\d\s]+,00\skr", details)  # as the tables read amounts
    assert "Anteckning (skrivs aldrig ut i beslut):" in details
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.resize(1000, 640)
    dialog.grab().save(str(SHOTS / "norm_tables_dialog.png"))


def test_one_administrator_enters_another_approves(qtbot, admin, second_admin, caseworker) -> None:
    dialog = NormTablesDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.save(json.dumps(filled_template(admin)), dialog.error)
    assert "sparad som utkast" in dialog.error.text()
    row = next(r for r in dialog.model.rows if r.year == 2027)
    assert (row.status, row.entered_by) == ("Utkast – väntar på godkännande", "Ada Admin")
    with pytest.raises(MissingNormYear):  # a draft is not used
        caseworker.call(lambda s, _a: applicable_table.table_for(s, 2027))
    # the one who entered it cannot approve it
    assert dialog.approve_button.isEnabled()
    qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)
    assert "En annan administratör måste godkänna den" in dialog.error.text()
    # another administrator can
    other = NormTablesDialog(second_admin)
    qtbot.addWidget(other)
    other.select_year(2027)
    assert "inlagt av Ada Admin" in other.details.toPlainText()
    qtbot.mouseClick(other.approve_button, Qt.MouseButton.LeftButton)
    assert "Riksnormen för 2027 är godkänd och gäller nu." in other.error.text()
    row = next(r for r in other.model.rows if r.year == 2027)
    assert (row.status, row.approved_by) == ("Godkänd", "Bo Admin")
    table = caseworker.call(lambda s, _a: applicable_table.table_for(s, 2027))
    result = calculate(table, HouseholdComposition([AdultInput("A", False)], []))
    assert result.norm_total == Decimal("4000") + table.common_costs(1).amount
    assert not result.uses_unverified


def test_a_table_with_amounts_without_a_source_is_not_approved(qtbot, admin, second_admin) -> None:
    template = admin.call(lambda s, _a: applicable_table.template_for_next_year(s))
    dialog = NormTablesDialog(admin)
    qtbot.addWidget(dialog)
    assert dialog.save(json.dumps(template), dialog.error)  # a draft may lack sources
    other = NormTablesDialog(second_admin)
    qtbot.addWidget(other)
    other.select_year(2027)
    assert not other.approve_selected()
    assert "kan inte godkännas: 22 belopp saknar källa" in other.error.text()


def test_bad_table_is_refused_with_a_message(qtbot, admin) -> None:
    dialog = NormTablesDialog(admin)
    qtbot.addWidget(dialog)
    before = len(dialog.model.rows)
    assert not dialog.save("{ inte json", dialog.error)
    assert "inte giltig JSON" in dialog.error.text()
    broken = admin.call(lambda s, _a: applicable_table.template_for_next_year(s))
    broken["children"] = broken["children"][1:]  # a gap: age 0 missing
    assert not dialog.save(json.dumps(broken), dialog.error)
    assert "sparades inte" in dialog.error.text()
    assert len(dialog.model.rows) == before


def test_only_administrators_enter_tables(caseworker) -> None:
    with pytest.raises(AccessDenied):
        caseworker.call(lambda s, a: applicable_table.import_table(s, a, "{}"))
