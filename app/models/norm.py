"""Norm tables entered or imported by an administrator (they override the shipped files)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin


class NormTableRecord(VersionedMixin, Base):
    __tablename__ = "norm_tables"

    year: Mapped[int] = mapped_column(unique=True)
    table_json: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
