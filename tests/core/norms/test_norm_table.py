"""Norm tables as data: the bundled files (2019, 2021 and 2026 with their sources; 2024–2025
whose amounts have no source), lookups, validation, JSON round trip."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from app.common.errors import ValidationFailed
from app.common.resources import resource_path
from app.norms.norm_table import (
    NormValue,
    available_years,
    load_norm_table,
    missing_year_message,
    norm_table_to_json,
    parse_norm_table,
)

D = Decimal


def raw(year: int) -> dict:
    return json.loads(resource_path("norms", f"{year}.json").read_text(encoding="utf-8"))


def errors_of(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_norm_table(data)
    return caught.value.field_errors


def test_bundled_years():
    assert {2019, 2021, 2024, 2025, 2026} <= set(available_years())
    assert available_years() == sorted(available_years())


def test_missing_year_is_a_swedish_validation_error_that_says_who_adds_it():
    with pytest.raises(ValidationFailed) as caught:
        load_norm_table(1999)
    assert caught.value.field_errors == {"year": missing_year_message(1999)}
    message = missing_year_message(1999)
    assert "ingen godkänd riksnorm för 1999" in message
    assert "En administratör lägger in" in message and "Arkiv → Riksnormen" in message
    assert "en annan administratör godkänner" in message


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
    assert table.source == "Socialstyrelsen: Riksnormen för försörjningsstöd 2019"
    assert table.sources[0].url == "https://www.socialstyrelsen.se/ekonomisktbistand/riksnormen"
    assert table.single_adult.source == "socialstyrelsen-2019"
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


# --- 2021: the text of SFS 2020:1013 ---------------------------------------------------------


def test_2021_is_the_table_of_sfs_2020_1013():
    table = load_norm_table(2021)
    assert [band.value.amount for band in table.children] == [
        D(a) for a in (2180, 2440, 2170, 2440, 3060, 3520, 3970, 4000)
    ]
    assert [band.value.amount for band in table.children_without_lunch] == [
        D(a) for a in (2050, 2240, 1990, 2170)
    ]
    assert (table.single_adult.amount, table.cohabiting_adults.amount) == (D(3160), D(5700))
    assert [v.amount for v in table.common_costs_values] == [
        D(a) for a in (1020, 1130, 1420, 1610, 1860, 2100, 2270)
    ]
    assert table.common_costs(8).amount == D(2440)  # the 7-person sum + (2 270 − 2 100)
    assert table.unverified_items() == []
    (source,) = table.sources
    assert (source.reference, source.date) == ("SFS 2020:1013", "2020-11-26")
    assert "lagboken.se" in source.url
    assert table.citation_of(table.all_values()) == (
        "socialtjänstförordningen (2001:937) 2 kap. 1 § i lydelse enligt SFS 2020:1013"
    )


# --- 2024–2025: no source found for the amounts ------------------------------------------------


@pytest.mark.parametrize(
    ("year", "url"),
    [
        (2024, "https://www.regeringen.se/artiklar/2023/11/riksnorm-for-2024-faststalld/"),
        (
            2025,
            "https://www.regeringen.se/pressmeddelanden/2024/11/"
            "hojt-forsorjningsstod-nar-riksnormen-raknas-upp/",
        ),
    ],
)
def test_amounts_without_a_source_are_marked(year, url):
    """The government's decisions are known (and named), the ändringsförordning with the
    amounts is not: every amount is marked as having no source."""
    table = load_norm_table(year)
    assert [source.url for source in table.sources] == [url]
    assert len(table.unverified_items()) == len(table.all_values()) == 22
    assert all(value.source is None for value in table.all_values())
    assert table.note.startswith("UPPSKATTNING – INGEN KÄLLA FÖR BELOPPEN")
    assert raw(year)["single_adult"]["source"] is None


def test_2026_is_the_förordning_as_amended_by_sfs_2025_1046():
    """Every amount of 2026 checked against 12 kap. 2 och 3 §§ socialtjänstförordningen
    (2025:468) in the wording of SFS 2025:1046 (issue 19)."""
    table = load_norm_table(2026)
    assert table.is_fully_verified
    assert {value.source for value in table.all_values()} == {"sfs-2025-1046"}
    assert [band.value.amount for band in table.children] == [
        D(a) for a in (2740, 3060, 2720, 3060, 3820, 4390, 4960, 5000)
    ]
    assert [band.value.amount for band in table.children_without_lunch] == [
        D(a) for a in (2560, 2800, 2500, 2720)
    ]
    assert (table.single_adult.amount, table.cohabiting_adults.amount) == (D(3940), D(7100))
    assert [v.amount for v in table.common_costs_values] == [
        D(a) for a in (1280, 1410, 1790, 2030, 2330, 2640, 2830)
    ]
    assert table.common_costs_per_extra_person.amount == D(190)  # 2 830 − 2 640
    assert table.citation_of(table.all_values()) == (
        "socialtjänstförordningen (2025:468) 12 kap. 2 § i lydelse enligt SFS 2025:1046"
    )
    assert not table.note.startswith("UPPSKATTNING")


def test_2026_known_totals_are_the_governments():
    table = load_norm_table(2026)
    assert [(t.adults, t.amount, t.source) for t in table.known_totals] == [
        (1, D(5220), "regeringen-2025-11"),
        (2, D(8510), "regeringen-2025-11"),
    ]
    assert table.single_adult.amount + table.common_costs(1).amount == D(5220)
    assert table.cohabiting_adults.amount + table.common_costs(2).amount == D(8510)
    assert "5 220 kr för en ensamstående" in table.source_by_id("regeringen-2025-11").covers


def test_amounts_that_do_not_add_up_to_a_known_total_are_refused():
    data = raw(2026)
    data["single_adult"]["amount"] = "3950"  # a typo
    assert errors_of(data) == {
        "known_totals.1": "Personliga kostnader (3\xa0950,00\xa0kr) och gemensamma "
        "hushållskostnader (1\xa0280,00\xa0kr) för en ensamstående blir 5\xa0230,00\xa0kr, men "
        "källan anger 5\xa0220,00\xa0kr."
    }


# --- parse / export --------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2019, 2021, 2024, 2025, 2026])
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


def test_an_amount_without_a_source_is_marked():
    data = raw(2019)
    data["single_adult"]["source"] = None
    assert parse_norm_table(data).single_adult == NormValue(Decimal("3090"), False)
    del data["single_adult"]["source"]  # the older format without a flag: no source either
    assert parse_norm_table(data).single_adult == NormValue(Decimal("3090"), False)


def test_the_older_format_with_one_source_and_verified_flags_is_read():
    """Tables entered before issue 19 (in the database) had one source text and a flag."""

    def legacy(node):
        if isinstance(node, dict):
            return {
                ("verified" if k == "source" else k): (
                    v is not None if k == "source" else legacy(v)
                )
                for k, v in node.items()
            }
        return [legacy(v) for v in node] if isinstance(node, list) else node

    data = legacy(raw(2019))
    del data["sources"]
    data["source"] = "Socialstyrelsen, riksnormen 2019"
    data["cohabiting_adults"]["verified"] = False
    table = parse_norm_table(data)
    assert table.source == "Socialstyrelsen, riksnormen 2019"
    assert table.single_adult.verified and table.single_adult.source == "kalla"
    assert not table.cohabiting_adults.verified


def test_an_unknown_source_is_refused():
    data = raw(2019)
    data["single_adult"]["source"] = "sfs-1999-1"
    assert errors_of(data) == {
        "single_adult.source": "Ensamstående vuxen: källan 'sfs-1999-1' finns inte bland "
        "tabellens källor."
    }


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
        (
            "1000000",
            "Ensamstående vuxen: orimligt högt belopp (1\xa0000\xa0000,00\xa0kr) – kontrollera.",
        ),
    ],
)
def test_bad_amounts(amount, message):
    data = raw(2019)
    data["single_adult"]["amount"] = amount
    assert errors_of(data) == {"single_adult.amount": message}


def test_bad_verified_flag():
    data = raw(2019)
    data["cohabiting_adults"] = {"amount": "5570", "verified": "ja"}
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
    assert errors["sources"] == (
        "Ange källan för normbeloppen: ändringsförordningens SFS-nummer eller "
        "Socialstyrelsens tabell, med adress och datum."
    )
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
