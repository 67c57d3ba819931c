"""Norm tables as data: the bundled 2019 and 2026 files, lookups, validation, JSON round trip."""

from __future__ import annotations

import copy
import json
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.common.errors import ValidationFailed
from app.common.resources import resource_path
from app.norms.norm_table import (
    NormValue,
    available_years,
    load_norm_table,
    norm_table_to_json,
    parse_norm_table,
)


def raw(year: int) -> dict:
    return json.loads(resource_path("norms", f"{year}.json").read_text(encoding="utf-8"))


def errors_of(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_norm_table(data)
    return caught.value.field_errors


def test_bundled_years():
    assert {2019, 2026} <= set(available_years())
    assert available_years() == sorted(available_years())


def test_missing_year_is_a_swedish_validation_error():
    with pytest.raises(ValidationFailed) as caught:
        load_norm_table(1999)
    assert caught.value.field_errors == {"year": "Det finns ingen riksnorm för år 1999."}


def test_year_must_be_an_integer():
    with pytest.raises(ValidationFailed) as caught:
        load_norm_table("2019")  # type: ignore[arg-type]
    assert "year" in caught.value.field_errors


# --- 2019: the full official table --------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "amount"),
    [
        (0, "2130"),
        (1, "2380"),
        (2, "2380"),
        (3, "2120"),
        (4, "2380"),
        (6, "2380"),
        (7, "2990"),
        (10, "2990"),
        (11, "3440"),
        (14, "3440"),
        (15, "3880"),
        (18, "3880"),
        (19, "3910"),
        (20, "3910"),
    ],
)
def test_2019_children(age, amount):
    assert load_norm_table(2019).child_amount(age) == NormValue(Decimal(amount), True)


@pytest.mark.parametrize(
    ("age", "amount"),
    [(0, "2000"), (1, "2190"), (2, "2190"), (3, "1940"), (4, "2120"), (6, "2120")],
)
def test_2019_children_without_lunch(age, amount):
    assert load_norm_table(2019).child_amount(age, without_lunch=True) == NormValue(
        Decimal(amount), True
    )


def test_without_lunch_is_ignored_above_six():
    assert load_norm_table(2019).child_amount(7, without_lunch=True).amount == Decimal("2990")


@pytest.mark.parametrize("age", [-1, 21])
def test_child_age_outside_the_table(age):
    with pytest.raises(ValidationFailed) as caught:
        load_norm_table(2019).child_amount(age)
    assert "age" in caught.value.field_errors


def test_2019_adults():
    table = load_norm_table(2019)
    assert table.single_adult == NormValue(Decimal("3090"), True)
    assert table.cohabiting_adults == NormValue(Decimal("5570"), True)
    assert table.source == "Socialtjänstförordningen (2001:937) / Socialstyrelsen, riksnormen 2019"
    assert table.year == 2019


@pytest.mark.parametrize(
    ("persons", "amount"),
    [(1, "990"), (2, "1100"), (3, "1380"), (4, "1570"), (5, "1810"), (6, "2050"), (7, "2220")],
)
def test_2019_common_costs(persons, amount):
    assert load_norm_table(2019).common_costs(persons) == NormValue(Decimal(amount), True)


def test_common_costs_above_seven_persons():
    table = load_norm_table(2019)
    assert table.common_costs(8) == NormValue(Decimal("2390"), True)  # 2 220 + 170
    assert table.common_costs(10).amount == Decimal("2730")  # 2 220 + 3 × 170


@pytest.mark.parametrize("persons", [0, -1])
def test_common_costs_need_a_person(persons):
    with pytest.raises(ValidationFailed):
        load_norm_table(2019).common_costs(persons)


def test_2019_is_fully_verified():
    table = load_norm_table(2019)
    assert table.unverified_items() == []
    assert table.is_fully_verified


# --- 2026: confirmed totals and flagged estimates -------------------------------------------


def test_2026_confirmed_values():
    table = load_norm_table(2026)
    assert table.single_adult == NormValue(Decimal("3940"), True)
    assert table.common_costs(1) == NormValue(Decimal("1280"), True)
    assert table.single_adult.amount + table.common_costs(1).amount == Decimal("5220")
    assert table.cohabiting_adults.amount + table.common_costs(2).amount == Decimal("8510")


def test_2026_estimates_are_unverified():
    table = load_norm_table(2026)
    assert not table.cohabiting_adults.verified
    assert not table.common_costs(2).verified
    assert not table.common_costs(8).verified
    assert all(not band.value.verified for band in table.children)
    assert all(not band.value.verified for band in table.children_without_lunch)
    items = table.unverified_items()
    # 8 + 4 children's bands, sambor, 6 common cost rows (2–7 persons), the extra person sum
    assert len(items) == 20
    assert "Sambor (två vuxna tillsammans): 7\xa0088 kr" in items
    assert "Barn 4–6 år: 3\xa0035 kr" in items
    assert "Barn 0 år (utan lunch): 2\xa0550 kr" in items
    assert "Gemensamma hushållskostnader, 2 personer: 1\xa0422 kr" in items
    assert not any("Ensamstående" in item for item in items)


def test_2026_estimates_follow_the_stated_scaling():
    """Each estimate is the 2019 amount scaled by the ratio of the confirmed amounts."""
    old, new = raw(2019), raw(2026)
    personal = Decimal(3940) / Decimal(3090)
    common = Decimal(1280) / Decimal(990)

    def scaled(value: str, ratio: Decimal) -> str:
        return str((Decimal(value) * ratio).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    for kind in ("children", "children_without_lunch"):
        for before, after in zip(old[kind], new[kind], strict=True):
            assert after["amount"] == scaled(before["amount"], personal)
            assert after["verified"] is False
    for before, after in zip(old["common_costs"][1:], new["common_costs"][1:], strict=True):
        assert after["amount"] == scaled(before["amount"], common)
        assert after["verified"] is False
    assert new["common_costs_per_extra_person"]["amount"] == scaled("170", common)
    assert new["cohabiting_adults"]["amount"] == str(8510 - int(scaled("1100", common)))
    assert "8 510" in new["note"]


# --- parse / export --------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2026])
def test_json_round_trip(year):
    table = load_norm_table(year)
    exported = norm_table_to_json(table)
    assert exported == raw(year)
    assert parse_norm_table(exported) == table


def test_parse_accepts_integers_and_unordered_bands():
    data = raw(2019)
    data["children"].reverse()
    data["single_adult"]["amount"] = 3090
    table = parse_norm_table(data)
    assert table.child_amount(0).amount == Decimal("2130")
    assert table.single_adult.amount == Decimal("3090")


def test_missing_verified_flag_means_unverified():
    data = raw(2019)
    del data["single_adult"]["verified"]
    assert parse_norm_table(data).single_adult == NormValue(Decimal("3090"), False)


def test_gap_in_children_bands():
    data = raw(2019)
    del data["children"][2]  # 3 år
    assert errors_of(data) == {
        "children": "Barn: ålder 3 år saknas (åldersgrupperna ska täcka 0–20 år utan luckor)."
    }


def test_overlapping_bands():
    data = raw(2019)
    data["children"][1]["to_age"] = 3
    assert errors_of(data) == {"children": "Barn: åldersgrupperna överlappar vid 3 år."}


def test_bands_must_reach_the_last_age():
    data = raw(2019)
    data["children"].pop()
    assert errors_of(data) == {"children": "Barn: ålder 19–20 år saknas (de ska täcka 0–20 år)."}
    data = raw(2019)
    data["children_without_lunch"][-1]["to_age"] = 7
    assert errors_of(data) == {
        "children_without_lunch": "Barn utan lunch: åldersgrupperna går över 6 år "
        "(de ska täcka 0–6 år)."
    }


def test_band_ending_before_it_starts():
    data = raw(2019)
    data["children"][1] = {"from_age": 2, "to_age": 1, "amount": "2380", "verified": True}
    assert errors_of(data) == {
        "children.1.to_age": "Barn: åldersgruppen 2–1 år slutar före den börjar."
    }


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "Ensamstående vuxen: beloppet måste vara större än noll."),
        ("-3090", "Ensamstående vuxen: beloppet måste vara större än noll."),
        ("3090.50", "Ensamstående vuxen: beloppet måste vara i hela kronor."),
        ("abc", "Ensamstående vuxen: beloppet måste anges i hela kronor."),
        ("NaN", "Ensamstående vuxen: beloppet måste anges i hela kronor."),
        (3090.0, "Ensamstående vuxen: beloppet måste anges i hela kronor."),
        (None, "Ensamstående vuxen: beloppet måste anges i hela kronor."),
        ("1000000", "Ensamstående vuxen: orimligt högt belopp (1000000 kr) – kontrollera."),
    ],
)
def test_bad_amounts(amount, message):
    data = raw(2019)
    data["single_adult"]["amount"] = amount
    assert errors_of(data) == {"single_adult.amount": message}


def test_bad_verified_flag():
    data = raw(2019)
    data["cohabiting_adults"]["verified"] = "ja"
    assert errors_of(data) == {
        "cohabiting_adults.verified": "Sambor (två vuxna tillsammans): 'verified' måste vara "
        "true eller false."
    }


def test_child_amount_error_is_keyed_by_band():
    data = raw(2019)
    data["children"][4]["amount"] = "-1"
    assert errors_of(data) == {
        "children.4.amount": "Barn 7–10 år: beloppet måste vara större än noll."
    }


def test_common_costs_must_have_one_to_seven_persons():
    data = raw(2019)
    del data["common_costs"][4]
    assert errors_of(data) == {
        "common_costs": "Gemensamma hushållskostnader: belopp saknas för 5 personer."
    }
    data = raw(2019)
    data["common_costs"][4]["persons"] = 4
    assert errors_of(data) == {
        "common_costs.4.persons": "Gemensamma hushållskostnader: 4 personer finns två gånger."
    }
    data = raw(2019)
    data["common_costs"][6]["persons"] = 8
    assert errors_of(data) == {
        "common_costs.6.persons": "Gemensamma hushållskostnader: antal personer ska vara "
        "1–7, inte 8."
    }


def test_missing_sections_and_fields_are_all_reported():
    errors = errors_of({"year": 1800})
    assert errors["year"] == "Året måste vara mellan 2000 och 2100."
    assert errors["source"] == "Ange källan för normbeloppen (t.ex. socialtjänstförordningen)."
    assert errors["children"] == "Barn: åldersgrupperna saknas."
    assert errors["children_without_lunch"] == "Barn utan lunch: åldersgrupperna saknas."
    assert errors["single_adult"] == "Ensamstående vuxen: belopp saknas."
    assert errors["cohabiting_adults"] == "Sambor (två vuxna tillsammans): belopp saknas."
    assert (
        errors["common_costs"] == "Gemensamma hushållskostnader: beloppen för 1–7 personer saknas."
    )
    assert errors["common_costs_per_extra_person"] == (
        "Gemensamma hushållskostnader, per person utöver sju: belopp saknas."
    )


def test_year_must_be_whole_number():
    data = raw(2019)
    data["year"] = True
    assert errors_of(data) == {"year": "Året måste vara ett heltal."}


def test_not_a_dict():
    with pytest.raises(ValidationFailed) as caught:
        parse_norm_table([])  # type: ignore[arg-type]
    assert caught.value.field_errors == {"table": "Normtabellen har fel format."}


def test_parse_does_not_change_its_input():
    data = raw(2026)
    before = copy.deepcopy(data)
    parse_norm_table(data)
    assert data == before
