"""Försörjningshinder per adult and month (Socialstyrelsen's statistics ask for it per adult)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin
from app.models.person import Person


class SupportBarrier(VersionedMixin, Base):
    __tablename__ = "support_barriers"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id", "month"),
        # Per case, person and code without reading the table (app.statistics.statistics).
        Index("ix_support_barriers_case_cover", "case_id", "person_id", "code", "month"),
        # The period's registrations without reading the others (statistics, migration 0029).
        Index("ix_support_barriers_month", "month", "case_id", "person_id", "code"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    month: Mapped[date]
    """First day of the month it applies to."""
    code: Mapped[str] = mapped_column(String(40))
    """Code from the 'försörjningshinder' list."""

    person: Mapped[Person] = relationship(lazy="joined")
