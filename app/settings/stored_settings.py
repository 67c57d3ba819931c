"""The settings kept in the database (the `settings` table): rules the whole office shares,
declared in app.settings.registry, changed by an administrator in the program."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.errors import AccessDenied, ValidationFailed
from app.models import Setting
from app.security import audit
from app.security.actor import Actor
from app.settings import registry
from app.settings.registry import ChangedBy, Declaration, Location

DECISION_WARNING_DAYS = registry.DECISION_WARNING_DAYS
"""Kept here too: the deadlines and statistics read it as stored_settings.DECISION_WARNING_DAYS."""


def get_int(session: Session, declaration: Declaration[int]) -> int:
    """The stored value, or the declared default when there is none or it is one the program
    would refuse (unreadable or out of bounds, e.g. written with SQL): a rule never runs on
    a value nobody could have chosen in the program."""
    _require_stored(declaration)
    value = session.scalar(select(Setting.value).where(Setting.key == declaration.key))
    if value is None:
        return declaration.default
    try:
        return declaration.parse(value)
    except ValidationFailed:
        return declaration.default


@dataclass(frozen=True)
class AdjustableSetting:
    """A database setting an administrator may change, with its value now (as shown)."""

    declaration: Declaration[int]
    value: int
    stored: bool
    """False while the default applies (no row yet)."""


def adjustable_settings(session: Session) -> list[AdjustableSetting]:
    """The database settings an administrator may change, in the registry's order. Not
    personal data: anyone logged in may read them (the rules use them for everyone)."""
    result = []
    for declaration in registry.kept_in(Location.DATABASE):
        if declaration.changed_by is not ChangedBy.ADMINISTRATOR:
            continue
        integer: Declaration[int] = declaration  # type: ignore[assignment]  # only integers so far
        stored = session.scalar(select(Setting.id).where(Setting.key == integer.key)) is not None
        result.append(AdjustableSetting(integer, get_int(session, integer), stored))
    return result


def change_setting(session: Session, actor: Actor, key: str, text: str) -> int:
    """An administrator sets one database setting to `text` as typed; returns the value.

    Only administrators (the settings apply to the whole office, like the
    delegationsordning). A value outside the declaration's bounds is refused with a message
    for the field (ValidationFailed keyed by `key`) and the stored value is left as it was.
    The change is written to the audit log with the old and the new value."""
    if not actor.is_administrator:
        raise AccessDenied("Bara administratörer kan ändra inställningarna.")
    try:
        declaration = registry.by_key(key)
    except KeyError:
        raise ValidationFailed({key: f"Det finns ingen inställning som heter {key}."}) from None
    if Location.DATABASE not in declaration.places or (
        declaration.changed_by is not ChangedBy.ADMINISTRATOR
    ):
        raise AccessDenied(
            f"Inställningen {declaration.label.lower()} kan inte ändras i programmet."
        )
    value = declaration.parse(text)
    row = session.scalar(select(Setting).where(Setting.key == key))
    old = row.value if row is not None else f"{declaration.default} (standard)"
    if row is None:
        row = Setting(key=key, value=str(value), updated_by=actor.id)
        session.add(row)
    else:
        row.value = str(value)
        row.updated_by = actor.id
    session.flush()
    audit.record(
        session,
        actor,
        audit.Action.UPDATE,
        "setting",
        entity_id=row.id,
        detail=f"{key}: {old} → {value}",
    )
    return value  # type: ignore[return-value]  # database settings are integers so far


def _require_stored(declaration: Declaration[object]) -> None:
    if Location.DATABASE not in declaration.places:
        raise ValueError(f"{declaration.key} is not kept in the database")
