"""An administrator changes the office's shared settings (the `settings` table) in the
program: the use case above app.settings, with its access check and audit row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.errors import AccessDenied, ValidationFailed
from app.models import Setting
from app.security import audit
from app.security.actor import Actor
from app.settings import registry
from app.settings.registry import ChangedBy, Location


def change_setting(session: Session, actor: Actor, key: str, text: str) -> object:
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
    return value
