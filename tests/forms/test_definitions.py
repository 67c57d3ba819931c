"""Form definitions shipped as data (app/forms/definitions/<key>/v<version>.json): they parse,
carry the content DOMAIN.md asks for, and the parser rejects broken definitions."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import app.forms
from app.forms.computations import COMPUTATIONS
from app.forms.definition import (
    DefinitionError,
    FieldType,
    FormDefinition,
    RepeatKind,
    parse_definition,
)

DEFINITIONS_DIR = Path(app.forms.__file__).resolve().parent / "definitions"
DEFINITION_FILES = sorted(DEFINITIONS_DIR.glob("*/v*.json"))
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

FORANDRINGSPLAN_HEADINGS = [
    "Aktuell situation",
    "Förändring du vill genomföra för att uppnå egen försörjning",
    "De viktigaste anledningarna",
    "Detta behöver du göra för att nå ditt/dina mål",
    "Du kommer att ta följande steg",
    "Finns det något som kan försvåra din väg till självförsörjning?",
    "Tidplan och uppföljning",
    "Detta behöver jag göra för att ha rätt till ekonomiskt bistånd",
]
FREDA_QUESTIONS = ("fysiskt", "psykiskt", "sexuellt", "hjalpmedel", "omsorg")
CONFIRMED_FIA_AREAS = [
    "Boende",
    "Situationen hemma",
    "Socialt nätverk",
    "Kroppslig hälsa",
    "Psykisk hälsa",
    "Funktionsnedsättning",
    "Levnadsvanor och beteenden",
    "Skulder",
    "Våld i nära relation",
]
# Field keys (and which of them are required) that the side effect of signing relies on.
CREATES_FIELDS = {
    "plan_items": {"steg": True, "ansvarig": True, "datum": False},
    "follow_up_tasks": {
        "arende": True,
        "iakttagelser": False,
        "atgard": True,
        "ansvarig": True,
        "senast": True,
    },
}


def load(key: str, version: int = 1) -> FormDefinition:
    path = DEFINITIONS_DIR / key / f"v{version}.json"
    return parse_definition(path.read_text(encoding="utf-8"))


def raw(key: str, version: int = 1) -> dict:
    path = DEFINITIONS_DIR / key / f"v{version}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_four_core_definitions_exist():
    names = {(p.parent.name, p.name) for p in DEFINITION_FILES}
    for key in ("ib", "fia", "bka", "arendegenomgang"):
        assert (key, "v1.json") in names


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_definition_parses_and_matches_its_file_name(path: Path):
    definition = parse_definition(path.read_text(encoding="utf-8"))
    assert definition.key == path.parent.name
    assert f"v{definition.version}.json" == path.name
    assert definition.title
    assert definition.description
    assert definition.source
    assert definition.scope in ("case", "caseload")


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_keys_are_ascii_snake_case_and_labels_are_set(path: Path):
    definition = parse_definition(path.read_text(encoding="utf-8"))
    assert KEY_PATTERN.match(definition.key)
    for section in definition.sections:
        assert KEY_PATTERN.match(section.key), section.key
        assert section.title.strip()
        assert "Ã" not in section.title  # mojibake instead of å ä ö
        if section.repeat:
            for item in section.repeat.items:
                assert KEY_PATTERN.match(item.key), item.key
                assert item.label.strip()
        for field in section.fields:
            assert KEY_PATTERN.match(field.key), f"{section.key}.{field.key}"
            assert field.label.strip()
            assert "Ã" not in field.label + field.help
            for option in field.options:
                assert KEY_PATTERN.match(option.key), option.key
                assert option.label.strip()


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_computed_fields_name_a_known_computation(path: Path):
    definition = parse_definition(path.read_text(encoding="utf-8"))
    for section in definition.sections:
        for field in section.fields:
            if field.type is FieldType.COMPUTED:
                assert field.compute in COMPUTATIONS, f"{section.key}.{field.key}"


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sections_with_side_effects_have_the_fields_they_need(path: Path):
    definition = parse_definition(path.read_text(encoding="utf-8"))
    for section in definition.sections:
        if not section.creates:
            continue
        assert section.creates in CREATES_FIELDS, section.creates
        assert section.repeat is not None and section.repeat.kind is RepeatKind.ROWS
        expected = CREATES_FIELDS[section.creates]
        assert [f.key for f in section.fields] == list(expected)
        for key, required in expected.items():
            assert section.field(key).required is required, f"{section.key}.{key}"
        date_keys = {"plan_items": "datum", "follow_up_tasks": "senast"}
        assert section.field(date_keys[section.creates]).type is FieldType.DATE


def test_ib_has_four_parts_and_the_eight_forandringsplan_headings_in_order():
    ib = load("ib")
    assert ib.scope == "case"
    titles = [s.title for s in ib.sections]
    for part in (
        "Underlag för utredning av rätt till ekonomiskt bistånd",
        "Initial kartläggning",
        "Vägen till egen försörjning",
        "Förändringsplan",
    ):
        assert any(part in title for title in titles), part
    plan = ib.section("forandringsplan")
    assert [f.label for f in plan.fields] == FORANDRINGSPLAN_HEADINGS
    assert all(f.type is FieldType.LONG_TEXT for f in plan.fields)


def test_ib_plan_steps_feed_the_case_plan():
    steps = load("ib").section("plansteg")
    assert steps.creates == "plan_items"
    assert steps.repeat is not None and steps.repeat.item_label == "Steg"
    assert [(f.key, f.label) for f in steps.fields] == [
        ("steg", "Steg"),
        ("ansvarig", "Ansvarig"),
        ("datum", "Senast"),
    ]


def test_ib_freda_has_five_required_yes_no_questions_and_the_vinr_follow_up():
    freda = load("ib").section("freda")
    assert freda.title == "Screening: Freda kortfrågor"
    questions = [f for f in freda.fields if f.key in FREDA_QUESTIONS]
    assert [f.key for f in questions] == list(FREDA_QUESTIONS)
    assert all(f.type is FieldType.YES_NO and f.required for f in questions)
    yes_no_questions = [
        f for f in freda.fields if f.type is FieldType.YES_NO and f.key != "audit_dudit"
    ]
    assert len(yes_no_questions) == 5
    assert freda.field("fysiskt").label.startswith("Har du blivit utsatt för")

    action = freda.field("vinr_atgard")
    assert action.type is FieldType.LONG_TEXT
    assert action.label == "Åtgärd enligt rutinen för våld i nära relationer"
    assert action.required_when is not None
    assert set(action.required_when.any_of) == {(key, ("ja",)) for key in FREDA_QUESTIONS}

    flag = freda.field("vinr_behov")
    assert flag.type is FieldType.COMPUTED and flag.compute == "freda_any_yes"
    assert freda.field("audit_dudit").type is FieldType.YES_NO


def test_fia_has_thirteen_livsomraden_of_which_four_are_marked_verify():
    fia = load("fia")
    areas = fia.section("livsomraden")
    assert areas.repeat is not None and areas.repeat.kind is RepeatKind.FIXED
    items = areas.repeat.items
    assert len(items) == 13
    assert len({i.key for i in items}) == 13
    assert [i.label for i in items if not i.verify] == CONFIRMED_FIA_AREAS
    unconfirmed = [i for i in items if i.verify]
    assert len(unconfirmed) == 4
    listed = fia.verify_items()
    assert listed == [f"{areas.title}: {i.label}" for i in unconfirmed]


def test_fia_livsomraden_fields_and_later_sections():
    fia = load("fia")
    areas = fia.section("livsomraden")
    assert [f.key for f in areas.fields] == ["beskrivning", "paverkar_arbete", "stodbehov"]
    affects = areas.field("paverkar_arbete")
    assert affects.type is FieldType.CHOICE and affects.required
    assert [(o.key, o.label) for o in affects.options] == [
        ("ja", "Ja"),
        ("delvis", "Delvis"),
        ("nej", "Nej"),
        ("vet_ej", "Vet ej"),
    ]
    keys = [s.key for s in fia.sections]
    assert keys.index("livsomraden") < keys.index("mal_och_arbete")
    assert keys.index("mal_och_arbete") < keys.index("insatser_och_krav")
    assert keys.index("insatser_och_krav") < keys.index("bedomning") < keys.index("planering")
    assessment = fia.section("bedomning")
    assert any(f.type is FieldType.LONG_TEXT and f.required for f in assessment.fields)
    computed = assessment.field("paverkande_omraden")
    assert computed.type is FieldType.COMPUTED and computed.compute == "fia_affecting_areas"
    planning = fia.section("planering")
    assert planning.creates == "plan_items"
    assert planning.repeat is not None and planning.repeat.item_label == "Delmål"
    assert planning.field("steg").label == "Mål/delmål"


def test_bka_repeats_per_child_and_its_summary_is_computed():
    bka = load("bka")
    children = bka.section("barn")
    assert children.repeat is not None and children.repeat.kind is RepeatKind.CHILDREN
    for key in ("paverkan", "hur_paverkas", "har_horts", "barnets_basta"):
        assert children.field(key).required, key
    assert [o.key for o in children.field("paverkan").options] == ["direkt", "indirekt", "bade"]
    not_heard = children.field("varfor_inte_hort")
    assert not not_heard.required
    assert not_heard.required_when is not None
    assert not_heard.required_when.any_of == (("har_horts", ("nej",)),)

    section_key, _, field_key = bka.summary_field.partition(".")
    assert (section_key, field_key) == ("sammanfattning", "kort_sammanfattning")
    summary = bka.section(section_key).field(field_key)
    assert summary.type is FieldType.COMPUTED and summary.compute == "bka_summary"


def test_arendegenomgang_is_for_a_caseload_and_creates_follow_up_tasks():
    review = load("arendegenomgang")
    assert review.scope == "caseload"
    meeting = review.section("genomgang")
    assert all(meeting.field(k).required for k in ("datum", "chef", "handlaggare"))
    actions = review.section("atgarder")
    assert actions.creates == "follow_up_tasks"
    assert actions.repeat is not None and actions.repeat.item_label == "Ärende"
    assert actions.field("arende").label == "Ärendenummer"


def test_core_definitions_mark_nothing_for_review_except_the_fia_areas():
    for key in ("ib", "bka", "arendegenomgang"):
        assert load(key).verify_items() == [], key


# --- the parser rejects broken definitions ----------------------------------------------


def minimal() -> dict:
    return {
        "key": "test",
        "version": 1,
        "title": "Test",
        "sections": [
            {
                "key": "avsnitt",
                "title": "Avsnitt",
                "fields": [
                    {"key": "fraga", "label": "Fråga", "type": "yes_no"},
                    {"key": "svar", "label": "Svar", "type": "long_text"},
                ],
            }
        ],
    }


def test_minimal_definition_parses():
    assert parse_definition(minimal()).section("avsnitt").field("fraga").type is FieldType.YES_NO


def test_rejects_duplicate_field_key():
    data = minimal()
    data["sections"][0]["fields"][1]["key"] = "fraga"
    with pytest.raises(DefinitionError):
        parse_definition(data)


def test_rejects_unknown_field_type():
    data = minimal()
    data["sections"][0]["fields"][1]["type"] = "slider"
    with pytest.raises(DefinitionError):
        parse_definition(data)


def test_rejects_choice_without_options():
    data = minimal()
    data["sections"][0]["fields"][1] = {"key": "val", "label": "Val", "type": "choice"}
    with pytest.raises(DefinitionError):
        parse_definition(data)


def test_rejects_required_when_pointing_at_missing_field():
    data = minimal()
    data["sections"][0]["fields"][1]["required_when"] = {"field": "finns_inte", "equals": "ja"}
    with pytest.raises(DefinitionError):
        parse_definition(data)


def test_rejects_broken_copy_of_a_shipped_definition():
    data = copy.deepcopy(raw("ib"))
    freda = next(s for s in data["sections"] if s["key"] == "freda")
    freda["fields"] = [f for f in freda["fields"] if f["key"] != "omsorg"]
    with pytest.raises(DefinitionError):
        parse_definition(data)
