"""Reading and preparing answers: the one place that knows the answers' JSON shape."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from app.forms.definition import FormDefinition, RepeatKind, Section
from app.models import MemberRole

Answers = dict[str, Any]
Group = dict[str, Any]


@dataclass(frozen=True)
class PersonRef:
    id: str
    name: str
    age: int
    role: str
    """A MemberRole value."""


@dataclass(frozen=True)
class FormContext:
    """What a form is filled in about: the household (for per-child sections and pickers)."""

    case_number: str = ""
    members: tuple[PersonRef, ...] = field(default_factory=tuple)

    @property
    def children(self) -> tuple[PersonRef, ...]:
        return tuple(m for m in self.members if m.role == MemberRole.CHILD)

    @property
    def adults(self) -> tuple[PersonRef, ...]:
        return tuple(
            m for m in self.members if m.role in (MemberRole.APPLICANT, MemberRole.CO_APPLICANT)
        )


def person_label(person: PersonRef) -> str:
    return f"{person.name} ({person.age} år)"


def initial_answers(definition: FormDefinition, context: FormContext) -> Answers:
    """Empty answers with one group per child, adult or fixed item, labels stored so a signed
    form prints exactly as it was filled in even if the household changes later."""
    answers: Answers = {}
    for section in definition.sections:
        if section.repeat is None:
            answers[section.key] = {}
            continue
        kind = section.repeat.kind
        if kind is RepeatKind.CHILDREN:
            answers[section.key] = [
                {"_item": p.id, "_label": person_label(p)} for p in context.children
            ]
        elif kind is RepeatKind.ADULTS:
            answers[section.key] = [
                {"_item": p.id, "_label": person_label(p)} for p in context.adults
            ]
        elif kind is RepeatKind.FIXED:
            answers[section.key] = [
                {"_item": i.key, "_label": i.label} for i in section.repeat.items
            ]
        else:
            answers[section.key] = [new_row() for _ in range(section.repeat.min_rows)]
    return answers


def new_row() -> Group:
    return {"_item": uuid.uuid4().hex, "_label": ""}


def groups(section: Section, answers: Answers) -> list[Group]:
    value = answers.get(section.key)
    if section.repeat is None:
        return [value if isinstance(value, dict) else {}]
    return [g for g in value if isinstance(g, dict)] if isinstance(value, list) else []


def value_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def is_filled(value: Any) -> bool:
    return bool(value_text(value))
