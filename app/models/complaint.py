"""Synpunkter och klagomål (issue 23): complaints, praise and suggestions about the unit's
work, the chef's handling of them, the measures agreed, and Lex Sarah reports.

The themes are a code list (resources/code_lists.json, "klagomalstema"); the Lex Sarah rule
and its deadline are data with their source (resources/after_decision.json).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin, referrer_index
from app.models.household import _enum


class FeedbackKind(enum.StrEnum):
    COMPLAINT = "klagomal"
    PRAISE = "berom"
    SUGGESTION = "forslag"

    @property
    def label(self) -> str:
        return {"klagomal": "Klagomål", "berom": "Beröm", "forslag": "Förslag"}[self.value]


class ReceivedVia(enum.StrEnum):
    FORM = "blankett"
    """The form at the reception desk."""
    LETTER = "brev"
    EMAIL = "e_post"
    WEB = "webb"
    PHONE = "telefon"
    VISIT = "besok"

    @property
    def label(self) -> str:
        return {
            "blankett": "Blankett i receptionen",
            "brev": "Brev",
            "e_post": "E-post",
            "webb": "Kommunens webbformulär",
            "telefon": "Telefon",
            "besok": "Besök",
        }[self.value]


class LexSarah(enum.StrEnum):
    """What a Lex Sarah rapport is about (socialtjänstlagen (2001:453) 14 kap. 3 §)."""

    IMPROPRIETY = "missforhallande"
    RISK = "patalig_risk"

    @property
    def label(self) -> str:
        return {
            "missforhallande": "Missförhållande",
            "patalig_risk": "Påtaglig risk för missförhållande",
        }[self.value]


class Complaint(VersionedMixin, Base):
    """One synpunkt: registered by anyone of the unit, handled and answered by its chef."""

    __tablename__ = "complaints"
    __table_args__ = (
        Index("ix_complaints_unit_received", "unit_id", "received_on"),
        referrer_index("complaints", "case_id"),
        referrer_index("complaints", "concerns_user_id"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)
    """SYN-ÅÅÅÅ-NNNN, per year."""
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    """The unit it is about (its chef handles it)."""
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), default=None)
    concerns_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """The handläggare it is about, if any."""
    kind: Mapped[FeedbackKind] = mapped_column(_enum(FeedbackKind, 20))
    received_on: Mapped[date]
    received_via: Mapped[ReceivedVia] = mapped_column(_enum(ReceivedVia, 20))
    themes: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of codes of the 'klagomalstema' list."""
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    """Empty: anonymous."""
    sender_address: Mapped[str] = mapped_column(Text, default="")
    """Where the answer goes (a postal address or an e-mail address)."""
    wants_answer: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contact_on: Mapped[date | None] = mapped_column(default=None)
    """The chef's contact with the person."""
    contact_note: Mapped[str] = mapped_column(Text, default="")
    lex_sarah: Mapped[LexSarah | None] = mapped_column(_enum(LexSarah, 20), default=None)
    lex_sarah_marked_on: Mapped[date | None] = mapped_column(default=None)
    """The day it was marked as a lex Sarah rapport: the report is due that same day
    ("genast")."""
    lex_sarah_reported_on: Mapped[date | None] = mapped_column(default=None)
    """Handed to the designated function (office setting `lex_sarah_function`)."""
    closed_on: Mapped[date | None] = mapped_column(default=None)
    registered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class ComplaintNumberSeries(Base):
    """Next free number per year for complaint numbers SYN-ÅÅÅÅ-NNNN (as case numbers: the
    row is locked while a number is taken, so two registering at once get two numbers, and
    nobody needs to see other units' complaints to count)."""

    __tablename__ = "complaint_number_series"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class ComplaintMeasure(VersionedMixin, Base):
    """A measure agreed after a complaint: a bevakning until it is done."""

    __tablename__ = "complaint_measures"

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), default=None
    )
    done_on: Mapped[date | None] = mapped_column(default=None)
    done_note: Mapped[str] = mapped_column(Text, default="")
