"""Publishing and looking up form definitions. Shipped definitions (app/forms/definitions)
are published into the database on first use; an administrator publishes new versions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.common import clock
from app.common.errors import AccessDenied, NotFound, ValidationFailed
from app.forms.definition import DefinitionError, FormDefinition, parse_definition
from app.models import FormDefinitionRecord
from app.security import audit
from app.security.actor import Actor

BUILTIN_DIR = Path(__file__).resolve().parent / "definitions"
INSUFFICIENT_PRIVILEGE = "42501"
"""PostgreSQL's SQLSTATE for a write the server's row-level security refuses."""


@cache
def _parsed(definition_json: str) -> FormDefinition:
    return parse_definition(definition_json)


def builtin_files() -> list[Path]:
    return sorted(BUILTIN_DIR.glob("*/v*.json"))


def publish_builtin(session: Session) -> None:
    """Make sure every shipped definition version exists in the database.

    On a shared server only an administrator (and `db init-server`, as the schema owner) may
    publish (migration 0017): for anyone else the server refuses the new versions, and the
    program goes on with the versions already published."""
    existing = {
        (key, version)
        for key, version in session.execute(
            select(FormDefinitionRecord.key, FormDefinitionRecord.version)
        )
    }
    missing = []
    for path in builtin_files():
        text = path.read_text(encoding="utf-8")
        definition = parse_definition(text)
        if (definition.key, definition.version) not in existing:
            missing.append(
                FormDefinitionRecord(
                    key=definition.key,
                    version=definition.version,
                    title=definition.title,
                    definition_json=text,
                    published_at=clock.now(),
                )
            )
    if not missing:
        session.flush()
        return
    if session.get_bind().dialect.name != "postgresql":
        session.add_all(missing)
        session.flush()
        return
    try:
        with session.begin_nested():
            session.add_all(missing)
            session.flush()
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
            raise


def definition_of(record: FormDefinitionRecord) -> FormDefinition:
    return _parsed(record.definition_json)


def latest_record(session: Session, key: str) -> FormDefinitionRecord:
    publish_builtin(session)
    record = session.scalar(
        select(FormDefinitionRecord)
        .where(FormDefinitionRecord.key == key)
        .order_by(FormDefinitionRecord.version.desc())
        .limit(1)
    )
    if record is None:
        raise NotFound(f"Formuläret {key!r} finns inte.")
    return record


@dataclass(frozen=True)
class DefinitionRow:
    id: uuid.UUID
    key: str
    version: int
    title: str
    builtin: bool
    verify_items: list[str]
    is_latest: bool


def list_definitions(session: Session) -> list[DefinitionRow]:
    publish_builtin(session)
    records = session.scalars(
        select(FormDefinitionRecord).order_by(
            FormDefinitionRecord.key, FormDefinitionRecord.version
        )
    ).all()
    latest: dict[str, int] = {}
    for record in records:
        latest[record.key] = max(latest.get(record.key, 0), record.version)
    return [
        DefinitionRow(
            r.id,
            r.key,
            r.version,
            r.title,
            r.published_by is None,
            definition_of(r).verify_items(),
            r.version == latest[r.key],
        )
        for r in records
    ]


def publish_version(session: Session, actor: Actor, definition_json: str) -> FormDefinition:
    """Publish a revised definition as the next version of its form (administrators only)."""
    if not actor.is_administrator:
        raise AccessDenied("Bara administratörer kan publicera formulärversioner.")
    try:
        definition = parse_definition(definition_json)
    except (DefinitionError, ValueError) as exc:
        raise ValidationFailed({"definition": f"Definitionen kan inte användas: {exc}"}) from None
    except (KeyError, TypeError, AttributeError) as exc:  # e.g. a field without "label"
        raise ValidationFailed(
            {
                "definition": "Definitionen kan inte användas: ett avsnitt, fält eller "
                f"alternativ är ofullständigt eller har fel form ({type(exc).__name__}: {exc})."
            }
        ) from None
    publish_builtin(session)
    current = session.scalar(
        select(func.max(FormDefinitionRecord.version)).where(
            FormDefinitionRecord.key == definition.key
        )
    )
    if current is None:
        raise ValidationFailed({"definition": f"Det finns inget formulär {definition.key!r}."})
    if definition.version != current + 1:
        raise ValidationFailed(
            {
                "definition": f"Nästa version av {definition.key} ska ha "
                f"versionsnummer {current + 1}."
            }
        )
    record = FormDefinitionRecord(
        key=definition.key,
        version=definition.version,
        title=definition.title,
        definition_json=definition_json,
        published_at=clock.now(),
        published_by=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.CREATE,
        "form_definition",
        entity_id=record.id,
        detail=f"{definition.title}, version {definition.version}",
    )
    return definition


def definition_json(session: Session, definition_id: uuid.UUID) -> str:
    record = session.get(FormDefinitionRecord, definition_id)
    if record is None:
        raise NotFound("Formulärversionen finns inte.")
    return record.definition_json
