"""The inbox of applications from the e-service (E-ansökan, issue 24).

Every file the e-service delivers is kept as it came (its bytes), once: received when it is
a valid application (app.intake.application_format), quarantined with the reason when it is
not, or when it is a re-delivery of an application already received with other content.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin
from app.models.household import _enum


class DeliveryStatus(enum.StrEnum):
    RECEIVED = "mottagen"
    QUARANTINED = "karantan"
    TAKEN = "tagen"
    """Taken into a case by a handläggare (app.intake.inbox): `taken_application_id` set."""

    @property
    def label(self) -> str:
        return {"mottagen": "Mottagen", "karantan": "I karantän", "tagen": "Tagen till ärende"}[
            self.value
        ]


NOT_QUARANTINED = text("status <> 'karantan' AND application_id IS NOT NULL")


class IntakeDelivery(IdMixin, Base):
    """One file delivered by the e-service, kept whole."""

    __tablename__ = "intake_deliveries"
    __table_args__ = (
        Index(
            "ux_intake_deliveries_application",
            "e_service",
            "application_id",
            unique=True,
            sqlite_where=NOT_QUARANTINED,
            postgresql_where=NOT_QUARANTINED,
        ),
        Index("ix_intake_deliveries_unit_status", "unit_id", "status"),
        Index("ix_intake_deliveries_applicant", "applicant_digits"),
        Index("ix_intake_deliveries_taken_application", "taken_application_id"),
    )

    received_at: Mapped[datetime]
    """When the program took the file in (the server's clock on PostgreSQL)."""
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    """Of the raw bytes: the same file delivered twice is recognised by it."""
    filename: Mapped[str] = mapped_column(String(255))
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    e_service: Mapped[str | None] = mapped_column(String(64), default=None)
    application_id: Mapped[str | None] = mapped_column(String(64), default=None)
    """The e-service's id of the application; one received delivery per e-service and id."""
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus))
    reason: Mapped[str] = mapped_column(Text, default="")
    """Why it is quarantined (Swedish, one fault per line)."""
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    applicant_digits: Mapped[str | None] = mapped_column(String(12), default=None)
    """The sökande's personnummer (12 digits), to find the person's case."""
    # What the inbox lists of the document (app.intake.application_format.summary), kept
    # when it is taken in so that a list of thousands reads no files; None: not stated
    # (or taken in before migration 0050: then read from the file).
    applicant_name: Mapped[str | None] = mapped_column(String(201), default=None)
    period_start: Mapped[date | None] = mapped_column(default=None)
    period_end: Mapped[date | None] = mapped_column(default=None)
    costs: Mapped[Decimal | None] = mapped_column(default=None)
    """The costs applied for, summed."""
    attachment_count: Mapped[int | None] = mapped_column(default=None)
    taken_application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id"), default=None
    )
    """The case's application it became (status tagen); set once, never changed."""
    handled_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """Who took it into a case, or marked a quarantined delivery handled; set once."""
    handled_at: Mapped[datetime | None] = mapped_column(default=None)
    """When (the server's clock on PostgreSQL); set once. A delivery with it set has left
    the inbox."""


class IntakeAttachment(IdMixin, Base):
    """One attached file of a delivery (the document's `bilagor[]`), kept whole, once per
    delivery; stored in the same transaction as the delivery."""

    __tablename__ = "intake_attachments"
    __table_args__ = (UniqueConstraint("delivery_id", "filename"),)

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("intake_deliveries.id"), index=True)
    ref: Mapped[str | None] = mapped_column(String(64), default=None)
    """The attachment's id in the document (`bilagor[].id`); None for a file it does not list."""
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


MAX_SUBMISSION_BYTES = 20_000_000
"""Per file, as the schema's `storlek` maximum; the server refuses a larger one (a CHECK)."""


class IntakeSubmission(IdMixin, Base):
    """A file the e-service dropped on the shared server, waiting to be collected
    (app.intake.server_intake). The e-service may only insert `delivery_key`, `filename` and
    `content`; the server sets the rest (migration 0048)."""

    __tablename__ = "intake_submissions"

    delivery_key: Mapped[str] = mapped_column(String(200), index=True)
    """The e-service's own key grouping the files of one delivery (e.g. its ansokan_id)."""
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    arrived_at: Mapped[datetime | None] = mapped_column(default=None)
    """The server's time of the insert (DEFAULT now() on PostgreSQL)."""
    e_service: Mapped[str | None] = mapped_column(String(64), default=None)
    """The delivering login role (DEFAULT current_user on PostgreSQL)."""
    sha256: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    """Of the content: computed by the server on PostgreSQL (a generated column)."""
