"""Validation of answers against a definition: drafts may be half-done but never wrong,
signing needs every required (and conditionally required) field. Paths and messages are
exact because the form editor shows them next to the field."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

import app.forms
from app.forms.answers import FormContext, PersonRef, initial_answers, new_row
from app.forms.definition import DefinitionError, FormDefinition, parse_definition
from app.forms.validation import field_path, required_progress, validate

DEFINITIONS_DIR = Path(app.forms.__file__).resolve().parent / "definitions"

LISA = PersonRef("p-lisa", "Lisa Andersson", 7, "barn")
NOAH = PersonRef("p-noah", "Noah Andersson", 12, "barn")
ANNA = PersonRef("p-anna", "Anna Andersson", 41, "sokande")
FAMILY = FormContext("EB-2026-000001", (ANNA, LISA, NOAH))

FREDA_QUESTIONS = ("fysiskt", "psykiskt", "sexuellt", "hjalpmedel", "omsorg")

ODD_VALUES = [
    "Zoë Ñúñez-Åström",
    "李小龍 и Влади́мир",
    "مرحبا بالعالم",  # right-to-left
    "e\u0301 (combining accent)",
    "👨‍👩‍👧 familj 🇸🇪",
    "zero\u200bwidth\u00a0space",
    "Robert'); DROP TABLE forms;--",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    "rad ett\n\trad två\r\n",
    "%s %(namn)s {0} ${x}",
]


def load(key: str) -> FormDefinition:
    return parse_definition((DEFINITIONS_DIR / key / "v1.json").read_text(encoding="utf-8"))


def small_raw() -> dict:
    return {
        "key": "prov",
        "version": 1,
        "title": "Prov",
        "sections": [
            {
                "key": "grund",
                "title": "Grund",
                "fields": [
                    {
                        "key": "namn",
                        "label": "Namn",
                        "type": "text",
                        "required": True,
                        "max_length": 10,
                    },
                    {"key": "datum", "label": "Datum", "type": "date"},
                    {
                        "key": "val",
                        "label": "Val",
                        "type": "choice",
                        "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                    },
                    {"key": "fraga1", "label": "Fråga 1", "type": "yes_no"},
                    {"key": "fraga2", "label": "Fråga 2", "type": "yes_no_unknown"},
                    {
                        "key": "atgard",
                        "label": "Åtgärd",
                        "type": "long_text",
                        "required_when": {
                            "any": [
                                {"field": "fraga1", "equals": "ja"},
                                {"field": "fraga2", "in": ["ja", "vet_ej"]},
                            ]
                        },
                    },
                    {
                        "key": "summa",
                        "label": "Summa",
                        "type": "computed",
                        "compute": "freda_any_yes",
                        "required": True,
                    },
                ],
            },
            {
                "key": "barn",
                "title": "Barn",
                "repeat": {"kind": "children"},
                "fields": [
                    {
                        "key": "bedomning",
                        "label": "Bedömning",
                        "type": "long_text",
                        "required": True,
                    },
                    {
                        "key": "motivering",
                        "label": "Motivering",
                        "type": "text",
                        "required_when": {"field": "grund.fraga1", "equals": "ja"},
                    },
                ],
            },
            {
                "key": "rader",
                "title": "Rader",
                "repeat": {"kind": "rows", "item_label": "Steg", "min_rows": 2},
                "fields": [{"key": "steg", "label": "Steg", "type": "text", "required": True}],
            },
        ],
    }


@pytest.fixture
def small() -> FormDefinition:
    return parse_definition(small_raw())


def draft(small: FormDefinition, **grund) -> dict:
    answers = initial_answers(small, FAMILY)
    answers["grund"].update(grund)
    return answers


def complete(small: FormDefinition) -> dict:
    answers = draft(small, namn="Anna", fraga1="nej", fraga2="nej")
    for group in answers["barn"]:
        group["bedomning"] = f"Bedömning för {group['_label']}"
    for group in answers["rader"]:
        group["steg"] = "Ett steg"
    return answers


class TestRequiredOnlyWhenSigning:
    def test_empty_answers_are_a_valid_draft(self, small) -> None:
        assert validate(small, {}, for_signing=False) == {}
        assert validate(small, initial_answers(small, FAMILY), for_signing=False) == {}

    def test_signing_empty_answers_lists_every_missing_field_by_path(self, small) -> None:
        errors = validate(small, initial_answers(small, FAMILY), for_signing=True)
        assert errors == {
            "grund.namn": "Namn måste fyllas i.",
            "barn[0].bedomning": "Bedömning (Lisa Andersson (7 år)) måste fyllas i.",
            "barn[1].bedomning": "Bedömning (Noah Andersson (12 år)) måste fyllas i.",
            "rader[0].steg": "Steg måste fyllas i.",
            "rader[1].steg": "Steg måste fyllas i.",
        }

    def test_a_complete_form_signs_and_computed_fields_are_never_required(self, small) -> None:
        answers = complete(small)
        assert "summa" not in answers["grund"]
        assert small.section("grund").field("summa").required is True
        assert validate(small, answers, for_signing=True) == {}

    @pytest.mark.parametrize("blank", ["", "   ", "\n\t ", None])
    def test_blank_values_do_not_fill_a_required_field(self, small, blank) -> None:
        answers = complete(small)
        answers["grund"]["namn"] = blank
        assert validate(small, answers, for_signing=False) == {}
        assert validate(small, answers, for_signing=True) == {"grund.namn": "Namn måste fyllas i."}

    def test_a_plain_section_missing_from_the_answers_counts_as_empty(self, small) -> None:
        answers = complete(small)
        del answers["grund"]
        assert validate(small, answers, for_signing=True) == {"grund.namn": "Namn måste fyllas i."}


class TestBadValuesInDrafts:
    def test_too_long(self, small) -> None:
        assert validate(small, draft(small, namn="x" * 10), for_signing=False) == {}
        errors = validate(small, draft(small, namn="x" * 11), for_signing=False)
        assert errors == {"grund.namn": "Namn är för lång: 11 tecken, högst 10 är tillåtet."}
        assert "för lång" in errors["grund.namn"]

    def test_default_lengths_text_500_long_text_10000(self, small) -> None:
        ib = load("ib")
        assert ib.section("underlag").field("ansokan_avser").max_length == 10_000
        assert ib.section("plansteg").field("steg").max_length == 500
        answers = {"plansteg": [{**new_row(), "steg": "s" * 500}]}
        assert validate(ib, answers, for_signing=False) == {}
        answers["plansteg"][0]["steg"] = "s" * 501
        assert validate(ib, answers, for_signing=False) == {
            "plansteg[0].steg": "Steg är för lång: 501 tecken, högst 500 är tillåtet."
        }
        answers = {"underlag": {"ansokan_avser": "å" * 10_001}}
        assert validate(ib, answers, for_signing=False) == {
            "underlag.ansokan_avser": "Vad gäller ansökan? är för lång: 10001 tecken, "
            "högst 10000 är tillåtet."
        }

    @pytest.mark.parametrize(
        "value",
        ["a\x00b", "\x1b[31mröd", "vt\x0bx", "del\x7f", "nel\x85", "x\ud800y"],
        ids=["nul", "escape", "vertical-tab", "del", "c1-nel", "lone-surrogate"],
    )
    def test_control_characters_are_refused(self, small, value) -> None:
        errors = validate(small, draft(small, namn=value), for_signing=False)
        assert errors == {"grund.namn": "Namn innehåller otillåtna styrtecken."}

    def test_tab_newline_and_carriage_return_are_allowed(self, small) -> None:
        answers = draft(small, namn="a\tb\r\nc")
        assert validate(small, answers, for_signing=False) == {}

    @pytest.mark.parametrize("value", ["2026-13-01", "2026-02-30", "2026-00-10", "igår", "1/12"])
    def test_bad_dates(self, small, value) -> None:
        errors = validate(small, draft(small, datum=value), for_signing=False)
        assert errors == {"grund.datum": "Datum: skriv datumet som ÅÅÅÅ-MM-DD."}

    @pytest.mark.parametrize("value", ["2026-12-01", "2028-02-29", "1900-01-01"])
    def test_good_dates(self, small, value) -> None:
        assert validate(small, draft(small, datum=value), for_signing=False) == {}

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("val", "c"),
            ("val", "A"),  # the label, not the key
            ("val", " a"),
            ("fraga1", "JA"),
            ("fraga1", "vet_ej"),  # only for yes_no_unknown
            ("fraga1", "true"),
            ("fraga2", "kanske"),
        ],
    )
    def test_a_choice_not_among_the_options(self, small, field, value) -> None:
        label = small.section("grund").field(field).label
        errors = validate(small, draft(small, **{field: value}), for_signing=False)
        assert errors == {f"grund.{field}": f"{label}: välj ett av alternativen."}

    @pytest.mark.parametrize(
        ("field", "value"),
        [("val", "a"), ("val", "b"), ("fraga1", "ja"), ("fraga1", "nej"), ("fraga2", "vet_ej")],
    )
    def test_valid_option_keys(self, small, field, value) -> None:
        assert validate(small, draft(small, **{field: value}), for_signing=False) == {}

    @pytest.mark.parametrize("value", [5, 1.5, True, ["a"], {"a": 1}])
    def test_a_value_that_is_not_a_string(self, small, value) -> None:
        errors = validate(small, draft(small, namn=value), for_signing=False)
        assert errors == {"grund.namn": "Namn: ogiltigt värde."}

    def test_a_bad_value_is_reported_instead_of_missing_when_signing(self, small) -> None:
        answers = complete(small)
        answers["grund"]["namn"] = "x" * 11
        answers["rader"][1]["steg"] = "\x00"
        assert validate(small, answers, for_signing=True) == {
            "grund.namn": "Namn är för lång: 11 tecken, högst 10 är tillåtet.",
            "rader[1].steg": "Steg innehåller otillåtna styrtecken.",
        }

    def test_every_problem_at_once(self, small) -> None:
        answers = draft(small, namn="x" * 20, datum="2026-13-01", val="c", fraga2="kanske")
        assert set(validate(small, answers, for_signing=False)) == {
            "grund.namn",
            "grund.datum",
            "grund.val",
            "grund.fraga2",
        }

    @pytest.mark.parametrize("value", ODD_VALUES)
    def test_odd_unicode_and_sql_looking_strings_are_plain_values(self, small, value) -> None:
        answers = complete(small)
        answers["barn"][0]["bedomning"] = value
        answers["rader"][0]["steg"] = value
        answers["grund"]["atgard"] = value
        assert validate(small, answers, for_signing=False) == {}
        assert validate(small, answers, for_signing=True) == {}


class TestRequiredWhen:
    def test_any_of_several_fields_in_the_same_group(self, small) -> None:
        missing = {"grund.atgard": "Åtgärd måste fyllas i."}
        cases = [
            ({"fraga1": "nej", "fraga2": "nej"}, {}),
            ({}, {}),
            ({"fraga1": "ja", "fraga2": "nej"}, missing),
            ({"fraga1": "nej", "fraga2": "ja"}, missing),
            ({"fraga2": "vet_ej"}, missing),
            ({"fraga1": "ja", "fraga2": "ja"}, missing),
        ]
        for values, expected in cases:
            answers = complete(small)
            answers["grund"].pop("fraga1")
            answers["grund"].pop("fraga2")
            answers["grund"].update(values)
            errors = validate(small, answers, for_signing=True)
            assert {k: v for k, v in errors.items() if k.startswith("grund.")} == expected, values
            answers["grund"]["atgard"] = "Kontaktat VINR-teamet"
            assert "grund.atgard" not in validate(small, answers, for_signing=True)

    def test_condition_with_surrounding_whitespace_still_matches(self, small) -> None:
        answers = complete(small)
        answers["grund"]["fraga2"] = "vet_ej"
        answers["grund"]["fraga1"] = None
        assert validate(small, answers, for_signing=True) == {
            "grund.atgard": "Åtgärd måste fyllas i."
        }

    def test_section_dot_field_reference_from_a_repeating_section(self, small) -> None:
        answers = complete(small)
        answers["grund"]["fraga1"] = "ja"
        answers["grund"]["atgard"] = "Gjort"
        assert validate(small, answers, for_signing=True) == {
            "barn[0].motivering": "Motivering (Lisa Andersson (7 år)) måste fyllas i.",
            "barn[1].motivering": "Motivering (Noah Andersson (12 år)) måste fyllas i.",
        }
        answers["barn"][1]["motivering"] = "Noah vill bo kvar"
        assert list(validate(small, answers, for_signing=True)) == ["barn[0].motivering"]

    def test_a_reference_to_a_section_that_is_not_a_plain_dict_is_not_met(self, small) -> None:
        answers = complete(small)
        answers["grund"] = ["fraga1", "ja"]  # broken shape: treated as an empty section
        errors = validate(small, answers, for_signing=True)
        assert errors == {"grund.namn": "Namn måste fyllas i."}

    def test_references_are_checked_when_parsing(self) -> None:
        raw = small_raw()
        raw["sections"][1]["fields"][1]["required_when"] = {"field": "grund.finns_ej"}
        with pytest.raises(DefinitionError, match=r"hänvisar till okänt fält 'grund\.finns_ej'"):
            parse_definition(raw)

    def test_a_reference_to_an_unknown_section_is_a_definition_error(self) -> None:
        raw = small_raw()
        raw["sections"][1]["fields"][1]["required_when"] = {"field": "saknas.x", "equals": "ja"}
        with pytest.raises(DefinitionError, match=r"hänvisar till okänt fält 'saknas\.x'"):
            parse_definition(raw)

    def test_ib_vinr_action_is_required_after_any_yes(self) -> None:
        ib = load("ib")
        for question in FREDA_QUESTIONS:
            freda = dict.fromkeys(FREDA_QUESTIONS, "nej") | {question: "ja"}
            errors = validate(ib, {"freda": freda}, for_signing=True)
            assert errors["freda.vinr_atgard"] == (
                "Åtgärd enligt rutinen för våld i nära relationer måste fyllas i."
            )
        freda = dict.fromkeys(FREDA_QUESTIONS, "nej")
        assert "freda.vinr_atgard" not in validate(ib, {"freda": freda}, for_signing=True)

    def test_ib_audit_dudit_result_only_when_used(self) -> None:
        ib = load("ib")
        freda = dict.fromkeys(FREDA_QUESTIONS, "nej")
        errors = validate(ib, {"freda": freda | {"audit_dudit": "nej"}}, for_signing=True)
        assert "freda.audit_dudit_resultat" not in errors
        errors = validate(ib, {"freda": freda | {"audit_dudit": "ja"}}, for_signing=True)
        assert errors["freda.audit_dudit_resultat"] == (
            "Resultat av AUDIT/DUDIT och vad det leder till måste fyllas i."
        )

    def test_bka_reason_for_not_hearing_a_child(self) -> None:
        bka = load("bka")
        answers = initial_answers(bka, FAMILY)
        answers["barn"][0]["har_horts"] = "ja"
        answers["barn"][1]["har_horts"] = "nej"
        errors = validate(bka, answers, for_signing=True)
        assert "barn[0].varfor_inte_hort" not in errors
        assert errors["barn[1].varfor_inte_hort"] == (
            "Om barnet inte har hörts: varför inte? (Noah Andersson (12 år)) måste fyllas i."
        )


class TestRepeatingSections:
    def test_field_path(self, small) -> None:
        grund, barn = small.section("grund"), small.section("barn")
        assert field_path(grund, None, grund.field("namn")) == "grund.namn"
        assert field_path(barn, 0, barn.field("bedomning")) == "barn[0].bedomning"
        assert field_path(barn, 1, barn.field("bedomning")) == "barn[1].bedomning"

    def test_children_paths_on_the_real_bka(self) -> None:
        bka = load("bka")
        answers = initial_answers(bka, FAMILY)
        assert [g["_label"] for g in answers["barn"]] == [
            "Lisa Andersson (7 år)",
            "Noah Andersson (12 år)",
        ]
        errors = validate(bka, answers, for_signing=True)
        required = ["paverkan", "hur_paverkas", "situation", "behov", "har_horts", "barnets_basta"]
        assert sorted(errors) == sorted(
            ["beslut.fraga"] + [f"barn[{i}].{key}" for i in (0, 1) for key in required]
        )
        assert errors["barn[1].barnets_basta"] == (
            "Bedömning av barnets bästa och hur det vägts mot andra intressen "
            "(Noah Andersson (12 år)) måste fyllas i."
        )

    def test_a_bad_value_in_the_second_child_is_reported_at_its_path(self) -> None:
        bka = load("bka")
        answers = initial_answers(bka, FAMILY)
        answers["barn"][1]["barnets_basta"] = "x" * 10_001
        answers["barn"][1]["paverkan"] = "ibland"
        assert validate(bka, answers, for_signing=False) == {
            "barn[1].barnets_basta": "Bedömning av barnets bästa och hur det vägts mot andra "
            "intressen är för lång: 10001 tecken, högst 10000 är tillåtet.",
            "barn[1].paverkan": "Hur berörs barnet?: välj ett av alternativen.",
        }

    def test_fixed_items_on_the_real_fia(self) -> None:
        fia = load("fia")
        answers = initial_answers(fia, FormContext())
        errors = validate(fia, answers, for_signing=True)
        area_errors = {k: v for k, v in errors.items() if k.startswith("livsomraden")}
        assert list(area_errors) == [f"livsomraden[{i}].paverkar_arbete" for i in range(13)]
        assert area_errors["livsomraden[0].paverkar_arbete"] == (
            "Påverkar det möjligheten att arbeta? (Boende) måste fyllas i."
        )
        assert area_errors["livsomraden[12].paverkar_arbete"] == (
            "Påverkar det möjligheten att arbeta? (Vardagsfungerande) måste fyllas i."
        )
        answers["livsomraden"][9]["paverkar_arbete"] = "kanske"
        assert validate(fia, answers, for_signing=False) == {
            "livsomraden[9].paverkar_arbete": "Påverkar det möjligheten att arbeta?: "
            "välj ett av alternativen."
        }

    def test_rows_on_the_real_arendegenomgang(self) -> None:
        review = load("arendegenomgang")
        answers = initial_answers(review, FormContext())
        assert answers["atgarder"] == []
        assert not any(
            k.startswith("atgarder") for k in validate(review, answers, for_signing=True)
        )
        answers["atgarder"] = [new_row(), new_row()]
        answers["atgarder"][1].update(
            arende="EB-2026-000001", atgard="Gör en plan", ansvarig="Sara", senast="2026-13-01"
        )
        errors = validate(review, answers, for_signing=True)
        assert {k: v for k, v in errors.items() if k.startswith("atgarder")} == {
            "atgarder[0].arende": "Ärendenummer måste fyllas i.",
            "atgarder[0].atgard": "Överenskommen åtgärd måste fyllas i.",
            "atgarder[0].ansvarig": "Ansvarig måste fyllas i.",
            "atgarder[0].senast": "Senast måste fyllas i.",
            "atgarder[1].senast": "Senast: skriv datumet som ÅÅÅÅ-MM-DD.",
        }

    def test_min_rows_only_when_signing(self, small) -> None:
        answers = complete(small)
        assert len(answers["rader"]) == 2  # initial_answers starts with min_rows rows
        answers["rader"] = answers["rader"][:1]
        assert validate(small, answers, for_signing=False) == {}
        assert validate(small, answers, for_signing=True) == {"rader": "Rader: minst 2 steg."}
        answers["rader"] = []
        assert validate(small, answers, for_signing=True) == {"rader": "Rader: minst 2 steg."}
        answers["rader"] = "inte en lista"
        assert validate(small, answers, for_signing=True) == {"rader": "Rader: minst 2 steg."}

    def test_min_rows_without_item_label_says_rader(self) -> None:
        raw = small_raw()
        raw["sections"][2]["repeat"] = {"kind": "rows", "min_rows": 1}
        definition = parse_definition(raw)
        answers = {"grund": {"namn": "Anna"}, "rader": []}
        assert validate(definition, answers, for_signing=True) == {"rader": "Rader: minst 1 rader."}

    def test_groups_that_are_not_dicts_are_skipped(self, small) -> None:
        answers = complete(small)
        answers["rader"] = ["skräp", None, *answers["rader"]]
        assert validate(small, answers, for_signing=True) == {}


class TestRequiredProgress:
    def test_counts_on_the_small_definition(self, small) -> None:
        answers = initial_answers(small, FAMILY)
        # namn + 2 children × bedomning + 2 rows × steg; computed and conditional excluded
        assert required_progress(small, answers) == (0, 5)
        answers["grund"]["namn"] = "Anna"
        answers["barn"][1]["bedomning"] = "Bra"
        assert required_progress(small, answers) == (2, 5)
        answers["grund"]["fraga1"] = "ja"  # atgard + 2 × motivering become required
        assert required_progress(small, answers) == (2, 8)
        answers["barn"][0]["motivering"] = "   "
        answers["grund"]["atgard"] = "Gjort"
        assert required_progress(small, answers) == (3, 8)

    def test_only_one_section(self, small) -> None:
        answers = initial_answers(small, FAMILY)
        answers["barn"][0]["bedomning"] = "Bra"
        assert required_progress(small, answers, only="grund") == (0, 1)
        assert required_progress(small, answers, only="barn") == (1, 2)
        assert required_progress(small, answers, only="rader") == (0, 2)
        assert required_progress(small, answers, only="finns_inte") == (0, 0)

    def test_real_ib(self) -> None:
        ib = load("ib")
        answers = initial_answers(ib, FormContext())
        assert required_progress(ib, answers) == (0, 14)
        assert required_progress(ib, answers, only="freda") == (0, 5)
        answers["freda"] = dict.fromkeys(FREDA_QUESTIONS, "nej") | {"fysiskt": "ja"}
        assert required_progress(ib, answers, only="freda") == (5, 6)
        assert required_progress(ib, answers) == (5, 15)
        answers["plansteg"] = [new_row()]
        assert required_progress(ib, answers, only="plansteg") == (0, 2)

    def test_real_fia_and_bka(self) -> None:
        fia = load("fia")
        answers = initial_answers(fia, FormContext())
        assert required_progress(fia, answers) == (0, 20)
        assert required_progress(fia, answers, only="livsomraden") == (0, 13)
        for group in answers["livsomraden"][:4]:
            group["paverkar_arbete"] = "nej"
        assert required_progress(fia, answers, only="livsomraden") == (4, 13)
        bka = load("bka")
        assert required_progress(bka, initial_answers(bka, FAMILY)) == (0, 13)
        assert required_progress(bka, initial_answers(bka, FormContext())) == (0, 1)


def test_validation_does_not_change_the_answers(small) -> None:
    answers = complete(small)
    answers["grund"]["datum"] = "2026-13-01"
    before = copy.deepcopy(answers)
    validate(small, answers, for_signing=True)
    required_progress(small, answers)
    assert answers == before
