"""Journal entries: drafts until signed, then immutable (corrections are new entries)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin, referrer_index
from app.models.organisation import User


class JournalEntry(VersionedMixin, Base):
    __tablename__ = "journal_entries"
    __table_args__ = (
        Index("ix_journal_entries_case_date", "case_id", "entry_date"),
        # The latest entry of a type per case (bevakningar, ärendegenomgång) without the text.
        Index("ix_journal_entries_case_type", "case_id", "entry_type", "entry_date", "signed_at"),
        # A period's entries of a type (SIP, hembesök) for the statistics (migration 0029).
        Index("ix_journal_entries_type_date", "entry_type", "entry_date", "case_id", "signed_at"),
        referrer_index("journal_entries", "corrects_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    entry_date: Mapped[date]
    entry_type: Mapped[str] = mapped_column(String(30))
    """Code from the 'journaltyp' list (nybesok, hembesok, telefon, sip, ...)."""
    title: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    signed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    signed_recorded_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the signing was recorded, by the server's own clock on a shared server (migration
    server_signing_rules), beside `signed_at`, the signer's claim (a laptop signs offline
    and syncs later). On SQLite and a laptop's replica the program fills it in."""
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("journal_entries.id"), default=None
    )
    """A tillägg/rättelse refers to the signed entry it corrects."""

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
