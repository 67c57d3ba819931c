"""Declarative base, shared column types and the versioning mixin (ARCHITECTURE.md rules)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Index, MetaData, Numeric, String, TypeDecorator, Uuid, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeEngine

from app.common import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, also on SQLite (which stores no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type:
        return datetime

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Naive datetime given; use app.common.clock.now().")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@lru_cache(maxsize=1 << 16)
def _uuid_from_hex(text: str) -> uuid.UUID:
    return uuid.UUID(text)


class MemoizedUuid(Uuid[uuid.UUID]):
    """`Uuid`, with the text-to-UUID conversion on databases that store UUIDs as text
    (SQLite: CHAR(32)) memoised.

    The same ids come back row after row (a case id in every row of its journal, decisions
    and members): a unit's caseload converts ~30 000 ids, half of them repeats, and the
    conversion was a sixth of the view's time. UUIDs are immutable, so sharing one object
    is safe; the cache holds at most 65 536 (a few MB). PostgreSQL returns `uuid.UUID`
    itself and is left alone. Same DDL as `Uuid`, so the schema does not change."""

    cache_ok = True

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], uuid.UUID | None] | None:
        if dialect.supports_native_uuid and self.native_uuid:
            return super().result_processor(dialect, coltype)

        def process(value: str | None) -> uuid.UUID | None:
            return None if value is None else _uuid_from_hex(value)

        return process


def key_string(length: int) -> TypeEngine[str]:
    """A string of a machine-made key (search key, personnummer digits) that is compared code
    point by code point on every database, as SQLite always does.

    PostgreSQL otherwise compares with the database's collation: on a server set up with
    sv_SE.UTF-8 (glibc), `key < 'and' || U+10FFFF` is false for 'andersson', so prefix
    ranges find nothing, and the order differs from the order Python sorts the keys in.
    "C" compares the UTF-8 bytes, which is code point order.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: MemoizedUuid(),
        datetime: UtcDateTime(),
        Decimal: Numeric(12, 2),
    }


def referrer_index(table: str, column: str) -> Index:
    """An index on a nullable reference to another row (a correction, a replaced decision):
    deleting the referred-to row looks its referrers up through it, instead of reading the
    whole table per deleted row (removing checked-in cases from a laptop). Partial: only
    the few rows that refer to something are in it."""
    condition = text(f"{column} IS NOT NULL")
    return Index(f"ix_{table}_{column}", column, sqlite_where=condition, postgresql_where=condition)


def _new_id() -> uuid.UUID:
    return clock.new_id()


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=_new_id)


class VersionedMixin(IdMixin):
    """UUID key, optimistic-locking version, and who changed the row last.

    A stale write raises `sqlalchemy.orm.exc.StaleDataError`; the UI offers a reload.
    """

    version: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(default=None)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}
