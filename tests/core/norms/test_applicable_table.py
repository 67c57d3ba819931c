"""A new year's riksnorm is entered by one administrator and approved by another before it
applies (four-eyes, issue 19); only approved tables are used; approval needs a source for
every amount; the shipped tables count as approved with their source."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.common.errors import AccessDenied, NotFound, ValidationFailed
from app.models import AuditEntry, NormTableRecord, Role
from app.norms import applicable_table
from app.norms.applicable_table import MissingNormYear
from app.norms.norm_calculation import AdultInput, ChildInput, HouseholdComposition, calculate
from app.norms.norm_table import load_norm_table, norm_table_to_json
from app.security.accounts import create_user
from app.security.actor import Actor

SINGLE_WITH_CHILD = HouseholdComposition([AdultInput("Anna", False)], [ChildInput("Lisa", 4)])


@pytest.fixture
def second_admin(session, staff) -> Actor:
    """Another active administrator (Bo) beside Ada."""
    user = create_user(
        session,
        None,
        username="bo.admin",
        full_name="Bo Admin",
        role=Role.ADMINISTRATOR,
        unit=staff.unit,
        password="hemligt-lösen-2",
    )
    session.flush()
    return Actor.of(user)


def table_2027() -> dict:
    """A fully sourced 2027 table (test data: 2021's amounts under a fictional SFS number)."""
    data = norm_table_to_json(load_norm_table(2021))
    data["year"] = 2027
    data["sources"] = [
        {
            "id": "sfs-test",
            "reference": "SFS 2026:9999 (fiktiv, test)",
            "citation": "socialtjänstförordningen (2001:937) i lydelse enligt SFS 2026:9999",
        }
    ]

    def cite(node):
        if isinstance(node, dict):
            return {k: ("sfs-test" if k == "source" else cite(v)) for k, v in node.items()}
        return [cite(v) for v in node] if isinstance(node, list) else node

    return cite(data)


def test_the_shipped_tables_count_as_approved(session) -> None:
    rows = {row.year: row for row in applicable_table.list_tables(session)}
    assert {2019, 2021, 2024, 2025, 2026} <= set(rows)
    assert rows[2021].status == "Levererad med programmet" and rows[2021].unverified == []
    assert len(rows[2025].unverified) == 22
    assert applicable_table.years(session) == sorted(rows)


def test_an_entered_table_is_a_draft_and_is_not_used(session, admin) -> None:
    applicable_table.import_table(session, admin, table_2027())
    record = session.scalar(select(NormTableRecord).where(NormTableRecord.year == 2027))
    assert (record.status, record.published_by, record.approved_by) == ("draft", admin.id, None)
    with pytest.raises(MissingNormYear):
        applicable_table.table_for(session, 2027)
    assert 2027 not in applicable_table.years(session)
    row = next(r for r in applicable_table.list_tables(session) if r.year == 2027)
    assert (row.status, row.in_force, row.draft) == ("Utkast – väntar på godkännande", False, True)
    assert row.entered_by == "Ada Admin"


def test_the_one_who_entered_it_cannot_approve_it(session, admin) -> None:
    applicable_table.import_table(session, admin, table_2027())
    with pytest.raises(AccessDenied) as caught:
        applicable_table.approve_table(session, admin, 2027)
    assert str(caught.value) == (
        "Du har själv lagt in riksnormen för 2027. En annan administratör måste godkänna den "
        "(fyraögonprincipen)."
    )
    with pytest.raises(MissingNormYear):
        applicable_table.table_for(session, 2027)


def test_another_administrator_approves_and_it_applies(session, admin, second_admin) -> None:
    applicable_table.import_table(session, admin, table_2027())
    applicable_table.approve_table(session, second_admin, 2027)
    record = session.scalar(select(NormTableRecord).where(NormTableRecord.year == 2027))
    assert (record.status, record.approved_by) == ("approved", second_admin.id)
    assert record.approved_at is not None
    table = applicable_table.table_for(session, 2027)
    result = calculate(table, SINGLE_WITH_CHILD)
    assert result.norm_total == Decimal("3160") + Decimal("2440") + Decimal("1130")
    assert not result.uses_unverified
    assert (
        result.norm_source == "socialtjänstförordningen (2001:937) i lydelse enligt SFS 2026:9999"
    )
    row = next(r for r in applicable_table.list_tables(session) if r.year == 2027)
    assert (row.status, row.entered_by, row.approved_by) == ("Godkänd", "Ada Admin", "Bo Admin")
    details = [
        a.detail
        for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == "norm_table"))
    ]
    assert details == [
        "riksnorm 2027 inlagd som utkast, 0 belopp utan källa",
        "riksnorm 2027 godkänd (inlagd av Ada Admin)",
    ]


def test_a_table_with_amounts_without_a_source_is_not_approved(
    session, admin, second_admin
) -> None:
    data = table_2027()
    data["children"][3]["source"] = None
    applicable_table.import_table(session, admin, data)  # a draft may lack sources
    with pytest.raises(ValidationFailed) as caught:
        applicable_table.approve_table(session, second_admin, 2027)
    assert caught.value.field_errors["table"].startswith(
        "Riksnormen för 2027 kan inte godkännas: 1 belopp saknar källa "
        "(Barn 4–6 år: 2\xa0440,00\xa0kr)."
    )


def test_a_new_table_for_a_year_in_force_replaces_it_only_when_approved(
    session, admin, second_admin
) -> None:
    """The 2025 table shipped without sources for its amounts; the administrators
    enter the ändringsförordning's amounts (here fictional), and it applies once approved."""
    data = norm_table_to_json(load_norm_table(2021))
    data.update(year=2025, sources=table_2027()["sources"])
    data = json.loads(json.dumps(data).replace('"sfs-2020-1013"', '"sfs-test"'))
    applicable_table.import_table(session, second_admin, data)
    shipped = applicable_table.table_for(session, 2025)
    assert calculate(shipped, SINGLE_WITH_CHILD).uses_unverified  # the draft is not used
    row = next(r for r in applicable_table.list_tables(session) if r.year == 2025)
    assert row.status == "Levererad med programmet (ny tabell väntar på godkännande)"
    applicable_table.approve_table(session, admin, 2025)
    assert not calculate(
        applicable_table.table_for(session, 2025), SINGLE_WITH_CHILD
    ).uses_unverified
    # a second correction: the first approved table is kept as replaced history
    applicable_table.import_table(session, admin, data)
    applicable_table.approve_table(session, second_admin, 2025)
    statuses = sorted(
        session.scalars(select(NormTableRecord.status).where(NormTableRecord.year == 2025))
    )
    assert statuses == ["approved", "replaced"]


def test_only_administrators_enter_approve_or_discard(session, caseworker, admin) -> None:
    with pytest.raises(AccessDenied):
        applicable_table.import_table(session, caseworker, table_2027())
    applicable_table.import_table(session, admin, table_2027())
    with pytest.raises(AccessDenied):
        applicable_table.approve_table(session, caseworker, 2027)
    with pytest.raises(AccessDenied):
        applicable_table.discard_draft(session, caseworker, 2027)
    applicable_table.discard_draft(session, admin, 2027)
    with pytest.raises(NotFound):
        applicable_table.approve_table(session, admin, 2027)
    assert [
        (a.action, a.user_id, a.detail)
        for a in session.scalars(select(AuditEntry).where(AuditEntry.entity == "norm_table"))
    ][-1] == ("update", admin.id, "utkast till riksnorm 2027 borttaget")


def test_the_template_for_next_year_names_no_source_for_any_amount(session) -> None:
    template = applicable_table.template_for_next_year(session)
    assert template["year"] == 2027
    assert template["sources"][0]["reference"] == "SFS ÅÅÅÅ:NNN"
    assert template["single_adult"]["source"] is None
    assert "known_totals" not in template
