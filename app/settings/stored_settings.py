"""The settings kept in the database (the `settings` table): rules the whole office shares,
declared in app.settings.registry, changed by an administrator in the program
(app.security.office_settings: the change is a use case, with its access check and audit)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.common.errors import ValidationFailed
from app.models import Setting
from app.settings import registry
from app.settings.registry import ChangedBy, Declaration, Location, SettingType

_STORED_VALUE = select(Setting.value).where(Setting.key == bindparam("key"))
"""Built once, its key given at execution: opening a case reads a setting (the
bevakningar's warning days), and building the statement anew each time (and deriving its
cache key) cost more than the read (as app.db.batches.built_once, which this layer is
below)."""


def get_int(session: Session, declaration: Declaration[int]) -> int:
    """The stored value, or the declared default when there is none or it is one the program
    would refuse (unreadable or out of bounds, e.g. written with SQL): a rule never runs on
    a value nobody could have chosen in the program."""
    _require_stored(declaration)
    value = session.scalar(_STORED_VALUE, {"key": declaration.key})
    if value is None:
        return declaration.default
    try:
        return declaration.parse(value)
    except ValidationFailed:
        return declaration.default


def get_text(session: Session, declaration: Declaration[str]) -> str:
    """The stored text, or the declared default when there is none or it is one the program
    would refuse (as `get_int`)."""
    _require_stored(declaration)
    value = session.scalar(_STORED_VALUE, {"key": declaration.key})
    if value is None:
        return declaration.default
    try:
        return declaration.parse(value)
    except ValidationFailed:
        return declaration.default


@dataclass(frozen=True)
class AdjustableSetting:
    """A database setting an administrator may change, with its value now (as shown)."""

    declaration: Declaration[object]
    value: int | str
    stored: bool
    """False while the default applies (no row yet)."""


def adjustable_settings(session: Session) -> list[AdjustableSetting]:
    """The database settings an administrator may change, in the registry's order. Not
    personal data: anyone logged in may read them (the rules use them for everyone)."""
    result = []
    for declaration in registry.kept_in(Location.DATABASE):
        if declaration.changed_by is not ChangedBy.ADMINISTRATOR:
            continue
        stored = session.scalar(select(Setting.id).where(Setting.key == declaration.key))
        value: int | str
        if declaration.kind is SettingType.TEXT:
            value = get_text(session, declaration)  # type: ignore[arg-type]  # kind TEXT: str
        else:
            value = get_int(session, declaration)  # type: ignore[arg-type]  # integers
        result.append(AdjustableSetting(declaration, value, stored is not None))
    return result


def _require_stored(declaration: Declaration[object]) -> None:
    if Location.DATABASE not in declaration.places:
        raise ValueError(f"{declaration.key} is not kept in the database")
