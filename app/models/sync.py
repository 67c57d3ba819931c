"""Offline sync: the replica's outbox, and on the server the changes applied and the
conflicts waiting for a person (ARCHITECTURE.md, Offline sync)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin
from app.models.household import _enum


class ChangeOperation(StrEnum):
    """What an outbox change did to its row (stored in sync_outbox.operation)."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class SyncOutcome(StrEnum):
    """What the server did with one pushed change (stored in
    sync_applied_changes.outcome). Each value is also the name of the SyncReport counter
    it adds to (app/offline/sync.py)."""

    APPLIED = "applied"
    MERGED = "merged"
    """Applied on top of a newer server version: no field changed on both sides."""
    CONFLICTS = "conflicts"
    """At least one field became a conflict for a person to resolve."""
    ALREADY_THERE = "already_there"
    """Pushed before (a repeated push after a crash), or a delete of a row already gone."""


class OutboxChange(Base):
    """On the replica: one row written offline (inserted, updated or deleted), in order,
    until the server has it. The change id makes pushing it twice harmless."""

    __tablename__ = "sync_outbox"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    change_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[uuid.UUID]
    case_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    operation: Mapped[str] = mapped_column(String(10))
    """A ChangeOperation value."""
    base_version: Mapped[int | None] = mapped_column(default=None)
    """The row's version before the change (updates and deletes)."""
    fields_json: Mapped[str] = mapped_column(Text)
    """{column: [value before, value after]} (inserts: before null), JSON-encoded values."""
    made_at: Mapped[datetime]
    made_by: Mapped[uuid.UUID]


class AppliedChange(Base):
    """On the server: a replica's change already taken care of (applied, merged or turned
    into conflicts), so that a push repeated after a crash does nothing twice."""

    __tablename__ = "sync_applied_changes"
    __table_args__ = (Index("ix_sync_applied_changes_user_at", "user_id", "applied_at"),)

    change_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    replica_id: Mapped[uuid.UUID]
    applied_at: Mapped[datetime]
    outcome: Mapped[str] = mapped_column(String(20))
    """A SyncOutcome value (a newly inserted row that arrived gets no row here: the row
    itself, under the change's id, says so)."""


class ConflictStatus(StrEnum):
    OPEN = "oppen"
    KEPT_SERVER = "server"
    TOOK_REPLICA = "replika"

    @property
    def label(self) -> str:
        return {
            "oppen": "Att välja",
            "server": "Kontorets värde behölls",
            "replika": "Den bärbara datorns värde valdes",
        }[self.value]


class SyncConflict(VersionedMixin, Base):
    """On the server: one field changed both at the office and on the laptop. The office's
    value stays until a person chooses; the laptop's value is kept here, never dropped."""

    __tablename__ = "sync_conflicts"
    __table_args__ = (Index("ix_sync_conflicts_case_status", "case_id", "status"),)

    change_id: Mapped[uuid.UUID]
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), default=None)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[uuid.UUID]
    field: Mapped[str] = mapped_column(String(60))
    """The column, or "" when the whole change could not be applied (see `reason`)."""
    base_json: Mapped[str | None] = mapped_column(Text, default=None)
    server_json: Mapped[str | None] = mapped_column(Text, default=None)
    replica_json: Mapped[str | None] = mapped_column(Text, default=None)
    reason: Mapped[str] = mapped_column(Text, default="")
    made_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime]
    status: Mapped[ConflictStatus] = mapped_column(
        _enum(ConflictStatus, 10), default=ConflictStatus.OPEN
    )
    resolved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)


class PulledCase(Base):
    """On the replica: the server's change counter of each case when it was last copied
    here. A pull copies again only the cases whose counter has moved since."""

    __tablename__ = "sync_pulled_cases"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    server_seq: Mapped[int] = mapped_column(BigInteger)
