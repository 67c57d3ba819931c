"""Computed summaries, referred to by name from definitions ("compute": "bka_summary")."""

from __future__ import annotations

from collections.abc import Callable

from app.forms.answers import Answers, groups, value_text
from app.forms.definition import FormDefinition

Computation = Callable[[FormDefinition, Answers], str]


def freda_any_yes(definition: FormDefinition, answers: Answers) -> str:
    """Any yes to the Freda kortfrågor leads to the VINR routine (DOMAIN.md)."""
    section = definition.section("freda")
    questions = [f for f in section.fields if f.type.value == "yes_no" and f.key != "audit_dudit"]
    values = [value_text(answers.get("freda", {}).get(q.key)) for q in questions]
    if "ja" in values:
        return "Ja – följ rutinen för våld i nära relationer."
    if all(v == "nej" for v in values):
        return "Nej"
    return "Inte klart – alla frågor är inte besvarade."


def fia_affecting_areas(definition: FormDefinition, answers: Answers) -> str:
    """Livsområden where the client says work is affected (ja or delvis)."""
    section = definition.section("livsomraden")
    found = []
    for group in groups(section, answers):
        answer = value_text(group.get("paverkar_arbete"))
        if answer in ("ja", "delvis"):
            found.append(f"{group.get('_label', '')} ({'ja' if answer == 'ja' else 'delvis'})")
    return ", ".join(found) if found else "Inga livsområden har angetts påverka."


def bka_summary(definition: FormDefinition, answers: Answers) -> str:
    """One paragraph per child with the assessment of the child's best interest – the text a
    decision letter quotes (Barnkonventionen art. 3; seed 002 L80)."""
    section = definition.section("barn")
    parts = []
    for group in groups(section, answers):
        assessment = value_text(group.get("barnets_basta"))
        if assessment:
            parts.append(f"{group.get('_label', 'Barnet')}: {assessment}")
    if not parts:
        return "Ingen bedömning av barnets bästa är ännu gjord."
    return "\n".join(parts)


COMPUTATIONS: dict[str, Computation] = {
    "freda_any_yes": freda_any_yes,
    "fia_affecting_areas": fia_affecting_areas,
    "bka_summary": bka_summary,
}


def compute(name: str, definition: FormDefinition, answers: Answers) -> str:
    function = COMPUTATIONS.get(name)
    if function is None:
        return f"(okänd beräkning {name})"
    try:
        return function(definition, answers)
    except KeyError:  # a definition version without the section the computation reads
        return ""
