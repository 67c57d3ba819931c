"""Computed summaries: the Freda flag, the FIA livsområden that affect work and the BKA
summary a decision letter quotes."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.forms
from app.forms.answers import FormContext, PersonRef, initial_answers
from app.forms.computations import (
    COMPUTATIONS,
    bka_summary,
    compute,
    fia_affecting_areas,
    freda_any_yes,
)
from app.forms.definition import FormDefinition, parse_definition

DEFINITIONS_DIR = Path(app.forms.__file__).resolve().parent / "definitions"
FREDA_QUESTIONS = ("fysiskt", "psykiskt", "sexuellt", "hjalpmedel", "omsorg")

YES = "Ja – följ rutinen för våld i nära relationer."
NOT_DONE = "Inte klart – alla frågor är inte besvarade."
NO_AREAS = "Inga livsområden har angetts påverka."
NO_ASSESSMENT = "Ingen bedömning av barnets bästa är ännu gjord."

FAMILY = FormContext(
    "EB-2026-000001",
    (
        PersonRef("p-anna", "Anna Andersson", 41, "sokande"),
        PersonRef("p-lisa", "Lisa Andersson", 7, "barn"),
        PersonRef("p-noah", "Noah Andersson", 12, "barn"),
        PersonRef("p-elsa", "Elsa Berg", 2, "barn"),
    ),
)


def load(key: str) -> FormDefinition:
    return parse_definition((DEFINITIONS_DIR / key / "v1.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ib() -> FormDefinition:
    return load("ib")


@pytest.fixture(scope="module")
def fia() -> FormDefinition:
    return load("fia")


@pytest.fixture(scope="module")
def bka() -> FormDefinition:
    return load("bka")


def freda(**answers: str) -> dict:
    return {"freda": dict.fromkeys(FREDA_QUESTIONS, "nej") | answers}


class TestFredaAnyYes:
    def test_all_no(self, ib) -> None:
        assert freda_any_yes(ib, freda()) == "Nej"
        assert compute("freda_any_yes", ib, freda()) == "Nej"

    @pytest.mark.parametrize("question", FREDA_QUESTIONS)
    def test_one_yes(self, ib, question) -> None:
        result = freda_any_yes(ib, freda(**{question: "ja"}))
        assert result.startswith("Ja")
        assert result == YES

    def test_yes_wins_even_when_other_questions_are_unanswered(self, ib) -> None:
        assert freda_any_yes(ib, {"freda": {"omsorg": "ja"}}) == YES

    def test_incomplete(self, ib) -> None:
        assert freda_any_yes(ib, initial_answers(ib, FormContext())) == NOT_DONE
        assert freda_any_yes(ib, {}) == NOT_DONE
        answers = freda()
        del answers["freda"]["hjalpmedel"]
        assert freda_any_yes(ib, answers) == NOT_DONE
        assert freda_any_yes(ib, freda(sexuellt="  ")) == NOT_DONE

    def test_whitespace_around_an_answer_is_ignored(self, ib) -> None:
        assert freda_any_yes(ib, freda(fysiskt=" ja ")) == YES
        assert freda_any_yes(ib, freda(fysiskt="nej\n")) == "Nej"

    def test_audit_dudit_is_not_a_freda_question(self, ib) -> None:
        assert freda_any_yes(ib, freda(audit_dudit="ja")) == "Nej"
        answers = freda(audit_dudit="nej")
        del answers["freda"]["fysiskt"]
        assert freda_any_yes(ib, answers) == NOT_DONE

    def test_other_sections_do_not_count(self, ib) -> None:
        answers = freda() | {"kartlaggning": {"tolk": "ja", "korkort": "ja"}}
        assert freda_any_yes(ib, answers) == "Nej"


class TestFiaAffectingAreas:
    def test_nothing_answered(self, fia) -> None:
        assert fia_affecting_areas(fia, initial_answers(fia, FormContext())) == NO_AREAS
        assert fia_affecting_areas(fia, {}) == NO_AREAS

    def test_lists_ja_and_delvis_with_their_labels_in_order(self, fia) -> None:
        answers = initial_answers(fia, FormContext())
        by_key = {g["_item"]: g for g in answers["livsomraden"]}
        by_key["skulder"]["paverkar_arbete"] = "delvis"
        by_key["boende"]["paverkar_arbete"] = "ja"
        by_key["psykisk_halsa"]["paverkar_arbete"] = "nej"
        by_key["fritid"]["paverkar_arbete"] = "vet_ej"
        by_key["vald_i_nara_relation"]["paverkar_arbete"] = "ja"
        by_key["vardagsfungerande"]["paverkar_arbete"] = "delvis"
        assert fia_affecting_areas(fia, answers) == (
            "Boende (ja), Skulder (delvis), Våld i nära relation (ja), Vardagsfungerande (delvis)"
        )
        assert compute("fia_affecting_areas", fia, answers) == fia_affecting_areas(fia, answers)

    def test_only_nej_and_vet_ej(self, fia) -> None:
        answers = initial_answers(fia, FormContext())
        for group, value in zip(answers["livsomraden"], ["nej", "vet_ej"] * 7, strict=False):
            group["paverkar_arbete"] = value
        assert fia_affecting_areas(fia, answers) == NO_AREAS

    def test_uses_the_label_stored_in_the_answers(self, fia) -> None:
        answers = {
            "livsomraden": [{"_item": "boende", "_label": "Bostad", "paverkar_arbete": "ja"}]
        }
        assert fia_affecting_areas(fia, answers) == "Bostad (ja)"
        answers = {"livsomraden": [{"_item": "boende", "paverkar_arbete": "delvis"}]}
        assert fia_affecting_areas(fia, answers) == " (delvis)"


class TestBkaSummary:
    def test_no_children_or_no_assessment(self, bka) -> None:
        assert bka_summary(bka, initial_answers(bka, FormContext())) == NO_ASSESSMENT
        assert bka_summary(bka, initial_answers(bka, FAMILY)) == NO_ASSESSMENT

    def test_one_line_per_assessed_child_with_its_label(self, bka) -> None:
        answers = initial_answers(bka, FAMILY)
        answers["barn"][0]["barnets_basta"] = "  Lisa behöver bo kvar nära skolan.  "
        answers["barn"][1]["barnets_basta"] = "   "
        answers["barn"][1]["situation"] = "Noah spelar fotboll."
        answers["barn"][2]["barnets_basta"] = "Elsa påverkas indirekt; förskolan fortsätter."
        assert bka_summary(bka, answers) == (
            "Lisa Andersson (7 år): Lisa behöver bo kvar nära skolan.\n"
            "Elsa Berg (2 år): Elsa påverkas indirekt; förskolan fortsätter."
        )
        assert compute("bka_summary", bka, answers) == bka_summary(bka, answers)

    def test_a_group_without_a_label_is_called_barnet(self, bka) -> None:
        answers = {"barn": [{"_item": "x", "barnets_basta": "Bra"}]}
        assert bka_summary(bka, answers) == "Barnet: Bra"

    def test_odd_text_is_quoted_as_is(self, bka) -> None:
        text = "Robert'); DROP TABLE forms;-- 👨‍👩‍👧 مرحبا"
        answers = {"barn": [{"_item": "x", "_label": "Zoë (5 år)", "barnets_basta": text}]}
        assert bka_summary(bka, answers) == f"Zoë (5 år): {text}"


class TestCompute:
    def test_the_registry(self) -> None:
        assert set(COMPUTATIONS) == {"freda_any_yes", "fia_affecting_areas", "bka_summary"}

    def test_unknown_computation_name(self, ib) -> None:
        assert compute("finns_inte", ib, {}) == "(okänd beräkning finns_inte)"
        assert compute("", ib, {}) == "(okänd beräkning )"

    @pytest.mark.parametrize(
        ("name", "key"),
        [("freda_any_yes", "bka"), ("fia_affecting_areas", "ib"), ("bka_summary", "fia")],
    )
    def test_a_definition_lacking_the_section(self, name, key) -> None:
        definition = load(key)
        assert compute(name, definition, {}) == ""
        with pytest.raises(KeyError):
            COMPUTATIONS[name](definition, {})

    def test_a_small_definition_without_the_section(self) -> None:
        definition = parse_definition(
            {
                "key": "prov",
                "version": 1,
                "title": "Prov",
                "sections": [
                    {
                        "key": "sammanfattning",
                        "title": "Sammanfattning",
                        "fields": [
                            {
                                "key": "summa",
                                "label": "Summa",
                                "type": "computed",
                                "compute": "bka_summary",
                            }
                        ],
                    }
                ],
            }
        )
        assert compute("bka_summary", definition, {"barn": [{"barnets_basta": "x"}]}) == ""
