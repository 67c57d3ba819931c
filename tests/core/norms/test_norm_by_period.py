"""Issue 19, defect 1: the riksnorm is the table of the decision period's year, never the
first of the list (2019) and never another year's; a year without a table blocks the
calculation with a message that says who adds it. `norm --year 2025` computes with 2025's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from app.cli import main
from app.common import clock
from app.common.errors import ValidationFailed
from app.common.periods import month_end, next_month_start
from app.norms import applicable_table
from app.norms.applicable_table import MissingNormYear
from app.norms.norm_calculation import AdultInput, ChildInput, HouseholdComposition, calculate
from app.norms.norm_table import load_norm_table

DECEMBER = datetime(2026, 12, 15, 10, 0, tzinfo=UTC)

FAMILY = HouseholdComposition(
    [AdultInput("Anna", True), AdultInput("Bo", True)],
    [ChildInput("Lisa", 4), ChildInput("Olle", 12)],
)


def test_in_december_a_decision_for_january_takes_next_years_table_or_is_blocked(
    session, set_clock
) -> None:
    """The issue's family: in December 2026 a decision for January 2027 got 2019's riksnorm
    (13 570 kr) without a word. There is no riksnorm for 2027 yet (no published source was
    found): the calculation is blocked, and the message says who adds it."""
    set_clock(DECEMBER)
    january = next_month_start(clock.today())
    assert january == date(2027, 1, 1)
    with pytest.raises(MissingNormYear) as caught:
        applicable_table.table_for_period(session, january, month_end(january))
    message = caught.value.field_errors["year"]
    assert "ingen godkänd riksnorm för 2027" in message
    assert "En administratör lägger in 2027 års riksnorm" in message
    assert "Arkiv → Riksnormen" in message and "en annan administratör godkänner" in message
    assert "2019" not in message


def test_january_takes_the_new_years_table_once_it_is_there(session, set_clock) -> None:
    set_clock(DECEMBER)
    table = applicable_table.table_for_period(session, date(2026, 12, 1), date(2026, 12, 31))
    assert table.year == 2026
    assert (
        calculate(table, FAMILY).norm_total != calculate(load_norm_table(2019), FAMILY).norm_total
    )


@pytest.mark.parametrize("year", [2019, 2021, 2024, 2025, 2026])
def test_every_period_takes_its_own_years_table(session, year) -> None:
    start = date(year, 3, 1)
    table = applicable_table.table_for_period(session, start, month_end(start))
    assert table.year == year
    assert calculate(table, FAMILY).year == year


@pytest.mark.parametrize("year", [2018, 2020, 2022, 2023, 2027])
def test_a_year_without_a_table_is_never_computed_with_another(session, year) -> None:
    with pytest.raises(MissingNormYear):
        applicable_table.table_for(session, year)


def test_a_period_over_new_year_is_refused(session) -> None:
    with pytest.raises(ValidationFailed) as caught:
        applicable_table.table_for_period(session, date(2026, 12, 15), date(2027, 1, 14))
    assert "går över årsskiftet (2026–2027)" in caught.value.field_errors["period"]


def test_norm_year_2025_computes_with_2025s_table(capsys) -> None:
    """`norm --year 2025` said "ingen riksnorm för år 2025" while the demo computed 2025 with
    2019's amounts. Now it computes with 2025's table and lists its amounts without a source."""
    assert main(["norm", "--year", "2025", "--adult", "--child", "4", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    table = load_norm_table(2025)
    assert out["year"] == 2025
    assert (
        out["norm_total"]
        == str(
            table.single_adult.amount + table.child_amount(4).amount + table.common_costs(2).amount
        )
        + ".00"
    )
    assert out["uses_unverified"] is True  # no source found for 2025's amounts
    assert out["norm_source"] == ""


def test_norm_for_a_year_without_a_table_says_who_adds_it(capsys) -> None:
    assert main(["norm", "--year", "2027", "--adult"]) == 2
    err = capsys.readouterr().err
    assert "ingen godkänd riksnorm för 2027" in err and "administratör" in err


def test_a_calculation_that_names_no_year_is_not_signed_and_says_so() -> None:
    """A riksnorm row saved without its table's year (an older version's snapshot) is not
    "riksnormen för None": the user is told to compute it again."""
    from app.norms import decision_norm

    snapshot = {"rows": [{"section": "norm", "label": "Riksnorm", "amount": "8397"}]}
    [(kind, message)] = decision_norm.signing_problems(
        date(2026, 12, 1), date(2026, 12, 31), snapshot
    )
    assert kind == decision_norm.NORM_YEAR
    assert message == (
        "Beräkningen säger inte vilket års riksnorm den använder. Räkna om beslutet med "
        "riksnormen för 2026."
    )
