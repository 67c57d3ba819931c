"""Cases taken along on the laptop (check-out for hembesök): one active lease per case."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin
from app.models.case import Case
from app.models.household import _enum
from app.models.organisation import User


class LeaseEnd(StrEnum):
    CHECKED_IN = "incheckad"
    REVOKED = "aterkallad"
    EXPIRED = "utgangen"
    """Past its last day: ended by whoever next takes the case along (migration 0019)."""

    @property
    def label(self) -> str:
        return {
            "incheckad": "Incheckad",
            "aterkallad": "Återkallad av chef",
            "utgangen": "Utgången",
        }[self.value]


class CaseLease(VersionedMixin, Base):
    """While a lease is active (not ended) the case is read-only everywhere but on the
    holder's replica; check-in (after sync) or a chef's revocation ends it."""

    __tablename__ = "case_leases"
    __table_args__ = (
        Index(
            "uq_case_leases_active_case",
            "case_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        Index("ix_case_leases_holder_ended", "holder_id", "ended_at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    holder_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    replica_id: Mapped[uuid.UUID]
    """The laptop's replica the case was copied to."""
    checked_out_at: Mapped[datetime]
    due_on: Mapped[date]
    """The last day the holder expects to have it (shown to colleagues)."""
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the lease stops holding the case: the end of `due_on` in Swedish time. On the
    shared server the server sets it from its own clock (migration 0019), so no laptop can
    keep a case longer by claiming another date; NULL only on leases from before 0019."""
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    end_reason: Mapped[LeaseEnd | None] = mapped_column(_enum(LeaseEnd, 20), default=None)

    case: Mapped[Case] = relationship()
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])
