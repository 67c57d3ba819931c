"""Norm tables entered by an administrator: a draft until another administrator approves it
(four-eyes); an approved table overrides the shipped file of its year, and a later approved
one replaces it. Only approved tables are used in calculations (app/norms/applicable_table)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin


class NormTableStatus(StrEnum):
    DRAFT = "draft"
    """Entered, waiting for another administrator's approval; never used."""
    APPROVED = "approved"
    """In force for its year (at most one per year)."""
    REPLACED = "replaced"
    """Was in force until a later table of the year was approved (kept as history)."""


_APPROVED = text("status = 'approved'")
_DRAFT = text("status = 'draft'")


class NormTableRecord(VersionedMixin, Base):
    __tablename__ = "norm_tables"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'approved', 'replaced')", name="status"),
        Index(
            "uq_norm_tables_year_approved",
            "year",
            unique=True,
            sqlite_where=_APPROVED,
            postgresql_where=_APPROVED,
        ),
        Index(
            "uq_norm_tables_year_draft",
            "year",
            unique=True,
            sqlite_where=_DRAFT,
            postgresql_where=_DRAFT,
        ),
    )

    year: Mapped[int]
    table_json: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    """When the table was entered."""
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """The administrator who entered it."""
    status: Mapped[str] = mapped_column(
        String(10), default=NormTableStatus.DRAFT.value, server_default="draft"
    )
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """Another administrator than the one who entered it (the server holds the rule too)."""
    approved_at: Mapped[datetime | None] = mapped_column(default=None)
