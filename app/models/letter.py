"""Letters other than decisions that are signed and archived (issue 23): the avvisning of a
late appeal, the cover letter with which an appeal goes to förvaltningsrätten, the chef's
answer to a complaint. Like a decision, a letter is immutable once signed (server trigger
`keep_signed`): its archived PDF is stored once, just after signing."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin, referrer_index
from app.models.household import _enum


class LetterKind(enum.StrEnum):
    APPEAL_DISMISSAL = "avvisning_overklagande"
    APPEAL_FORWARDING = "overlamnande"
    COMPLAINT_ANSWER = "svar_synpunkt"

    @property
    def label(self) -> str:
        return {
            "avvisning_overklagande": "Beslut om avvisning av överklagande",
            "overlamnande": "Överlämnande till förvaltningsrätten",
            "svar_synpunkt": "Svar på synpunkt",
        }[self.value]


class Letter(VersionedMixin, Base):
    __tablename__ = "letters"
    __table_args__ = (
        referrer_index("letters", "case_id"),
        referrer_index("letters", "appeal_id"),
        referrer_index("letters", "complaint_id"),
    )

    kind: Mapped[LetterKind] = mapped_column(_enum(LetterKind, 30))
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), default=None)
    appeal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appeals.id"), default=None)
    complaint_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("complaints.id"), default=None
    )
    recipient: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    """The letter's own text (motivering, answer), as written."""
    content_json: Mapped[str] = mapped_column(Text, default="{}")
    """Everything else the letter prints, fixed at signing (legal texts with their sources,
    the documents listed, dates), so the letter can be read again as it was."""
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    signed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_on: Mapped[date | None] = mapped_column(default=None)
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    letter_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    letter_sha256: Mapped[str | None] = mapped_column(String(64), default=None)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None
