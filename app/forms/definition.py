"""The shape of a form definition, parsed from JSON.

A definition is data (app/forms/definitions/<key>/v<version>.json, then stored in the database
so an administrator can publish a new version). Answers are JSON tied to key and version, so an
old signed form always opens and prints with the definition it was signed under.

Answers shape::

    {"<section>": {"<field>": value, ...}}                  # plain section
    {"<section>": [{"_item": "<item key>", "<field>": value, ...}, ...]}   # repeating section

Values: text -> str, date -> "ÅÅÅÅ-MM-DD", choice/yes_no -> option key, person -> person id.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class DefinitionError(ValueError):
    """A definition that the engine cannot render; the message says where."""


class FieldType(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    YES_NO_UNKNOWN = "yes_no_unknown"
    DATE = "date"
    PERSON = "person"
    COMPUTED = "computed"


class RepeatKind(StrEnum):
    CHILDREN = "children"  # one group per child in the household, pre-filled
    ADULTS = "adults"  # one group per sökande/medsökande
    FIXED = "fixed"  # one group per listed item (e.g. FIA livsområden)
    ROWS = "rows"  # the user adds rows (plan steps, cases discussed)


YES_NO_OPTIONS = (("ja", "Ja"), ("nej", "Nej"))
YES_NO_UNKNOWN_OPTIONS = (("ja", "Ja"), ("nej", "Nej"), ("vet_ej", "Vet ej"))


@dataclass(frozen=True)
class Option:
    key: str
    label: str
    verify: bool = False


@dataclass(frozen=True)
class Condition:
    """True when any of the referenced fields has one of the listed values.

    A reference is "field" (same section or group) or "section.field"."""

    any_of: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    type: FieldType
    required: bool = False
    required_when: Condition | None = None
    options: tuple[Option, ...] = ()
    help: str = ""
    max_length: int = 10_000
    compute: str = ""  # name of a function in app.forms.computations, for COMPUTED
    verify: bool = False

    def choices(self) -> tuple[Option, ...]:
        if self.type is FieldType.YES_NO:
            return tuple(Option(k, label) for k, label in YES_NO_OPTIONS)
        if self.type is FieldType.YES_NO_UNKNOWN:
            return tuple(Option(k, label) for k, label in YES_NO_UNKNOWN_OPTIONS)
        return self.options


@dataclass(frozen=True)
class RepeatItem:
    key: str
    label: str
    verify: bool = False


@dataclass(frozen=True)
class Repeat:
    kind: RepeatKind
    items: tuple[RepeatItem, ...] = ()  # for FIXED
    item_label: str = ""  # e.g. "Steg", "Ärende" for ROWS
    min_rows: int = 0


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    help: str = ""
    repeat: Repeat | None = None
    creates: str = ""
    """Side effect on signing: "plan_items" or "follow_up_tasks" (see app.forms.filled_forms)."""
    verify: bool = False

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass(frozen=True)
class FormDefinition:
    key: str
    version: int
    title: str
    sections: tuple[Section, ...]
    description: str = ""
    source: str = ""
    scope: str = "case"  # "case" or "caseload" (ärendegenomgång)
    summary_field: str = ""  # "section.field" of the summary a decision letter quotes
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def verify_items(self) -> list[str]:
        """Human-readable list of everything marked for review (verify) in this definition."""
        found = []
        for section in self.sections:
            if section.verify:
                found.append(f"Avsnitt: {section.title}")
            if section.repeat:
                found += [f"{section.title}: {i.label}" for i in section.repeat.items if i.verify]
            for item in section.fields:
                if item.verify:
                    found.append(f"{section.title}: {item.label}")
                found += [
                    f"{section.title}: {item.label} – {o.label}" for o in item.options if o.verify
                ]
        return found

    def to_json(self) -> str:
        return json.dumps(self.raw, ensure_ascii=False, indent=2, sort_keys=False)


def _condition(raw: Any, where: str) -> Condition | None:
    if raw is None:
        return None
    if isinstance(raw, dict) and "field" in raw:
        raw = {"any": [raw]}
    if not isinstance(raw, dict) or not isinstance(raw.get("any"), list):
        raise DefinitionError(f"{where}: required_when ska vara {{'any': [...]}}")
    parts = []
    for part in raw["any"]:
        values = part.get("in", [part.get("equals")])
        parts.append((str(part["field"]), tuple(str(v) for v in values)))
    return Condition(tuple(parts))


def _field(raw: dict, where: str) -> Field:
    try:
        kind = FieldType(raw.get("type", "text"))
    except ValueError:
        raise DefinitionError(f"{where}: okänd fälttyp {raw.get('type')!r}") from None
    options = tuple(
        Option(str(o["key"]), str(o["label"]), bool(o.get("verify")))
        for o in raw.get("options", [])
    )
    if kind is FieldType.CHOICE and not options:
        raise DefinitionError(f"{where}: ett valfält behöver alternativ")
    if kind is FieldType.COMPUTED and not raw.get("compute"):
        raise DefinitionError(f"{where}: ett beräknat fält behöver 'compute'")
    return Field(
        key=str(raw["key"]),
        label=str(raw["label"]),
        type=kind,
        required=bool(raw.get("required")),
        required_when=_condition(raw.get("required_when"), where),
        options=options,
        help=str(raw.get("help", "")),
        max_length=int(raw.get("max_length", 10_000 if kind is FieldType.LONG_TEXT else 500)),
        compute=str(raw.get("compute", "")),
        verify=bool(raw.get("verify")),
    )


def parse_definition(data: dict | str) -> FormDefinition:
    """Parse and check a definition; raises DefinitionError with a Swedish message."""
    raw = json.loads(data) if isinstance(data, str) else data
    try:
        key, version, title = str(raw["key"]), int(raw["version"]), str(raw["title"])
    except (KeyError, TypeError, ValueError):
        raise DefinitionError("Definitionen saknar key, version eller title.") from None
    sections = []
    seen_sections: set[str] = set()
    for index, raw_section in enumerate(raw.get("sections", [])):
        where = f"{key} v{version}, avsnitt {index + 1}"
        section_key = str(raw_section.get("key", ""))
        if not section_key or section_key in seen_sections:
            raise DefinitionError(f"{where}: avsnittet saknar unik key")
        seen_sections.add(section_key)
        repeat = None
        if raw_section.get("repeat"):
            r = raw_section["repeat"]
            try:
                repeat_kind = RepeatKind(r["kind"])
            except (KeyError, ValueError):
                raise DefinitionError(f"{where}: okänd upprepning {r!r}") from None
            repeat = Repeat(
                kind=repeat_kind,
                items=tuple(
                    RepeatItem(str(i["key"]), str(i["label"]), bool(i.get("verify")))
                    for i in r.get("items", [])
                ),
                item_label=str(r.get("item_label", "")),
                min_rows=int(r.get("min_rows", 0)),
            )
            if repeat.kind is RepeatKind.FIXED and not repeat.items:
                raise DefinitionError(f"{where}: fast upprepning behöver items")
        fields = []
        seen_fields: set[str] = set()
        for field_index, raw_field in enumerate(raw_section.get("fields", [])):
            field_where = f"{where}, fält {field_index + 1}"
            parsed = _field(raw_field, field_where)
            if parsed.key in seen_fields or parsed.key.startswith("_"):
                raise DefinitionError(f"{field_where}: fältets key måste vara unik")
            seen_fields.add(parsed.key)
            fields.append(parsed)
        sections.append(
            Section(
                key=section_key,
                title=str(raw_section["title"]),
                fields=tuple(fields),
                help=str(raw_section.get("help", "")),
                repeat=repeat,
                creates=str(raw_section.get("creates", "")),
                verify=bool(raw_section.get("verify")),
            )
        )
    if not sections:
        raise DefinitionError(f"{key} v{version}: definitionen har inga avsnitt.")
    definition = FormDefinition(
        key=key,
        version=version,
        title=title,
        sections=tuple(sections),
        description=str(raw.get("description", "")),
        source=str(raw.get("source", "")),
        scope=str(raw.get("scope", "case")),
        summary_field=str(raw.get("summary_field", "")),
        raw=raw,
    )
    _check_references(definition)
    return definition


def _check_references(definition: FormDefinition) -> None:
    for section in definition.sections:
        for item in section.fields:
            if item.required_when is None:
                continue
            for reference, _values in item.required_when.any_of:
                section_key, _, field_key = reference.rpartition(".")
                try:
                    target = definition.section(section_key) if section_key else section
                    target.field(field_key)
                except KeyError:
                    raise DefinitionError(
                        f"{definition.key}: {section.key}.{item.key} hänvisar till okänt fält "
                        f"{reference!r}"
                    ) from None
