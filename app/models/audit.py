"""The audit log: every read of a case and every write (Lag 2001:454; DOMAIN.md)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin


class AuditEntry(IdMixin, Base):
    """Append-only: never updated or deleted by the application."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_case_at", "case_id", "at"),
        Index("ix_audit_log_user_at", "user_id", "at"),
        Index(
            "ix_audit_log_seq",
            "seq",
            unique=True,
            postgresql_where=text("seq IS NOT NULL"),
            sqlite_where=text("seq IS NOT NULL"),
        ),
    )

    at: Mapped[datetime]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    """open, search, create, update, sign, print, export, login, ..."""
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    detail: Mapped[str] = mapped_column(Text, default="")
    seq: Mapped[int | None] = mapped_column(BigInteger, default=None)
    """The row's place in the hash chain (1, 2, 3 …), set by the database's own trigger
    (migration 0027), never by the program: app/common/audit_chain.py."""
    chain_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    """Hex SHA-256 over the row and the previous row's chain_hash, set by the trigger."""
