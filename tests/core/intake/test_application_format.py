"""The e-service's application format: the schema, the examples in docs/ and the checks
the schema cannot express (check digits, whole month, attachments' size and SHA-256)."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from app.intake import application_format
from app.intake.application_format import parse, validate
from app.norms.cost_types import COST_TYPES, INCOME_TYPES

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def good() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (EXAMPLES / "ansokan-barnfamilj.json").read_text(encoding="utf-8")
    )
    return document


def files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (EXAMPLES / "bilagor").iterdir()}


def test_the_schema_is_a_valid_2020_12_schema_with_an_id() -> None:
    schema = application_format.schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == application_format.SCHEMA_ID


def test_the_schemas_kinds_are_the_programs_cost_and_income_types() -> None:
    properties = application_format.schema()["properties"]
    assert properties["kostnader"]["items"]["properties"]["slag"]["enum"] == list(COST_TYPES)
    assert properties["inkomster"]["items"]["properties"]["slag"]["enum"] == list(INCOME_TYPES)


def test_the_household_with_children_example_is_valid_with_its_attachments() -> None:
    assert validate(good(), files()) == []


@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("felaktig-kontrollsiffra.json", "hushall.personer[2].personnummer: "),
        ("felaktig-halv-manad.json", "period: ska vara en hel kalendermånad"),
        ("felaktig-belopp-som-tal.json", "kostnader[0].belopp: ska vara en text."),
        ("felaktig-utan-signering.json", "signering: fältet saknas."),
        ("felaktig-fel-kontrollsumma.json", "bilagor[0].sha256: filens kontrollsumma stämmer inte"),
    ],
)
def test_every_bad_example_is_refused_naming_the_field(example: str, expected: str) -> None:
    document, problems = parse((EXAMPLES / example).read_bytes())
    assert problems == []
    messages = validate(document, files())
    assert any(message.startswith(expected) for message in messages), messages


def test_a_wrong_check_digit_says_so() -> None:
    document = good()
    document["hushall"]["personer"][3]["personnummer"] = "201904112512"
    [message] = validate(document)
    assert message.startswith("hushall.personer[3].personnummer: ")
    assert "kontrollsiffra" in message.lower()


def test_a_period_that_is_not_one_whole_month_is_refused() -> None:
    for start, end in [("2026-12-02", "2026-12-31"), ("2026-12-01", "2027-01-31")]:
        document = good()
        document["period"] = {"from": start, "tom": end}
        assert validate(document) == [
            "period: ska vara en hel kalendermånad, från den första till den sista dagen "
            f"(t.ex. {start[:8]}01 till 2026-12-31)."
        ]
    february = good()
    february["period"] = {"from": "2028-02-01", "tom": "2028-02-29"}
    assert validate(february) == []


def test_an_impossible_date_is_refused_by_the_format_check() -> None:
    document = good()
    document["period"]["tom"] = "2026-12-32"
    assert validate(document) == ["period.tom: ska vara ett datum ÅÅÅÅ-MM-DD."]


def test_attachments_must_be_the_files_given() -> None:
    given = files()
    given["hyresavi-december.pdf"] += b"x"
    given["okand.pdf"] = b"%PDF"
    del given["lonespecifikation-november.pdf"]
    size = len(given["hyresavi-december.pdf"])
    assert validate(good(), given) == [
        f"bilagor[0].storlek: filen är {size} byte, inte {size - 1}.",
        "bilagor[0].sha256: filens kontrollsumma stämmer inte; filen är ändrad eller skadad.",
        "bilagor[1].filnamn: filen lonespecifikation-november.pdf saknas i leveransen.",
        "bilagor: filen okand.pdf finns i leveransen men inte i ansökan.",
    ]
    assert (
        hashlib.sha256(files()["hyresavi-december.pdf"]).hexdigest()
        == (good()["bilagor"][0]["sha256"])
    )


def test_household_rules() -> None:
    document = good()
    document["hushall"]["personer"][1]["roll"] = "sokande"
    document["inkomster"][0]["personnummer"] = "191212121212"
    document["signering"]["personnummer"] = "201508232384"
    assert validate(document) == [
        "hushall.personer: hushållet ska ha exakt en person med roll sokande.",
        "inkomster[0].personnummer: personen finns inte i hushållet.",
        "signering.personnummer: ansökan ska vara signerad av den sökande eller medsökande.",
    ]


def test_schema_faults_name_their_field_in_swedish() -> None:
    document = good()
    document["extra"] = 1
    document["hushall"]["personer"][0]["personnummer"] = "19850712-2383"
    document["kostnader"][1]["slag"] = "mat"
    document["forandringar"] = {"har_forandringar": True}
    del document["mottagare"]["kommunkod"]
    assert validate(document) == [
        "(hela ansökan): okänt fält extra.",
        "forandringar.beskrivning: fältet saknas.",
        "hushall.personer[0].personnummer: ska vara tolv siffror utan bindestreck (ÅÅÅÅMMDDNNNN).",
        "kostnader[1].slag: ogiltigt värde; tillåtna värden är boende, hushallsel, arbetsresor, "
        "hemforsakring, fackforening_akassa, barnomsorg, lakarvard_medicin, ovrigt.",
        "mottagare.kommunkod: fältet saknas.",
    ]


def test_another_major_version_is_refused_and_a_minor_one_accepted() -> None:
    document = good()
    document["version"] = "2.0"
    assert validate(document) == ["version: formatversion 2.0 stöds inte (bara 1.x)."]
    document["version"] = "1.3"
    assert validate(document) == []


def test_a_kommunkod_outside_scbs_counties_and_a_time_without_zone_are_refused() -> None:
    document = good()
    document["mottagare"]["kommunkod"] = "0299"
    document["signering"]["signerad"] = "2026-11-23T10:16:41"
    messages = validate(document)
    assert messages[0].startswith("mottagare.kommunkod: Kommunkoden 0299 börjar inte")
    assert messages[1:] == [
        "signering.signerad: ska vara en tidpunkt med tidszon, t.ex. 2026-11-23T10:15:00+01:00."
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\xff\xfe{", "Filen är inte text i UTF-8."),
        (b'{"version": ', "Filen är inte giltig JSON (rad 1, kolumn 13)."),
    ],
)
def test_unreadable_bytes_get_a_reason(raw: bytes, expected: str) -> None:
    assert parse(raw) == (None, [expected])


def test_not_an_object() -> None:
    assert validate([1]) == ["Ansökan ska vara ett JSON-objekt."]
    assert validate(copy.deepcopy(good())) == []
