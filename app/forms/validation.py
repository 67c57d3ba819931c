"""Checking answers against a definition: required fields, conditional requirements,
lengths, dates and choices. Messages are Swedish and keyed by field path."""

from __future__ import annotations

import unicodedata
from datetime import date
from typing import Any

from app.forms.answers import Answers, Group, groups, is_filled, value_text
from app.forms.definition import Condition, Field, FieldType, FormDefinition, Section


def field_path(section: Section, index: int | None, field: Field) -> str:
    """'freda.fysiskt' or 'barn[0].barnets_basta'."""
    return f"{section.key}.{field.key}" if index is None else f"{section.key}[{index}].{field.key}"


def _lookup(reference: str, group: Group, answers: Answers) -> Any:
    section_key, _, field_key = reference.rpartition(".")
    if not section_key:
        return group.get(field_key)
    target = answers.get(section_key)
    return target.get(field_key) if isinstance(target, dict) else None


def condition_met(condition: Condition, group: Group, answers: Answers) -> bool:
    return any(
        value_text(_lookup(ref, group, answers)) in values for ref, values in condition.any_of
    )


def is_required(field: Field, group: Group, answers: Answers) -> bool:
    if field.type is FieldType.COMPUTED:
        return False
    return field.required or (
        field.required_when is not None and condition_met(field.required_when, group, answers)
    )


def _value_error(field: Field, value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return f"{field.label}: ogiltigt värde."
    if len(value) > field.max_length:
        return (
            f"{field.label} är för lång: {len(value)} tecken, högst {field.max_length} är tillåtet."
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in value):
        return f"{field.label} innehåller otillåtna styrtecken."
    if field.type is FieldType.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"{field.label}: skriv datumet som ÅÅÅÅ-MM-DD."
    if field.choices() and value not in {o.key for o in field.choices()}:
        return f"{field.label}: välj ett av alternativen."
    return ""


def validate(definition: FormDefinition, answers: Answers, *, for_signing: bool) -> dict[str, str]:
    """Problems by field path. Drafts are checked for bad values only; signing also needs
    every required field (a draft may be half-done, never wrong)."""
    errors: dict[str, str] = {}
    for section in definition.sections:
        section_groups = groups(section, answers)
        if for_signing and section.repeat and len(section_groups) < section.repeat.min_rows:
            errors[f"{section.key}"] = (
                f"{section.title}: minst {section.repeat.min_rows} "
                f"{section.repeat.item_label.lower() or 'rader'}."
            )
        for index, group in enumerate(section_groups):
            position = None if section.repeat is None else index
            for item in section.fields:
                path = field_path(section, position, item)
                value = group.get(item.key)
                problem = _value_error(item, value)
                if (
                    not problem
                    and for_signing
                    and is_required(item, group, answers)
                    and not is_filled(value)
                ):
                    where = f" ({group.get('_label')})" if group.get("_label") else ""
                    problem = f"{item.label}{where} måste fyllas i."
                if problem:
                    errors[path] = problem
    return errors


def required_progress(
    definition: FormDefinition, answers: Answers, *, only: str | None = None
) -> tuple[int, int]:
    """(filled, total) required fields, for the progress indicator (of one section if
    `only` names it)."""
    filled = total = 0
    for section in definition.sections:
        if only is not None and section.key != only:
            continue
        for group in groups(section, answers):
            for item in section.fields:
                if is_required(item, group, answers):
                    total += 1
                    filled += is_filled(group.get(item.key))
    return filled, total
