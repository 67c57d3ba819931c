"""Form definitions as published data, filled-in forms, and the follow-up tasks they create."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, VersionedMixin, referrer_index


class FormKey(StrEnum):
    """The forms shipped with the program (app/forms/definitions/<key>/); the value is the
    `key` stored in form_definitions and forms."""

    INITIAL_ASSESSMENT = "ib"
    """Initial bedömning, at the nybesök."""
    FIA = "fia"
    """FIA – Förutsättningar inför arbete."""
    CHILD_IMPACT = "bka"
    """Barnkonsekvensanalys, before a decision that affects a child."""
    CASELOAD_REVIEW = "arendegenomgang"
    """The chef's ärendegenomgång with a handläggare (about the user, not a case)."""


class FormDefinitionRecord(IdMixin, Base):
    """One published version of a form definition. Never changed after publishing: a
    revision is a new row with a higher version, so signed forms keep their definition."""

    __tablename__ = "form_definitions"
    __table_args__ = (UniqueConstraint("key", "version"),)

    key: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    definition_json: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime]
    published_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """None for the definitions shipped with the program."""


class FormInstance(VersionedMixin, Base):
    """A filled-in form: utkast until signed, then locked with a content hash."""

    __tablename__ = "forms"
    __table_args__ = (
        # the signed forms of a kind per case, read from the index alone (migration 0037)
        Index("ix_forms_case_kind", "case_id", "form_key", "signed_at", "id"),
        Index("ix_forms_subject", "subject_user_id"),
        referrer_index("forms", "supersedes_id"),
    )

    definition_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("form_definitions.id"))
    form_key: Mapped[str] = mapped_column(String(40))
    form_version: Mapped[int]
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cases.id"), default=None)
    subject_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    """For an ärendegenomgång: the handläggare whose caseload was reviewed."""
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    answers_json: Mapped[str] = mapped_column(Text, default="{}")
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    signed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    signed_recorded_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the signing was recorded, by the server's own clock on a shared server (migration
    server_signing_rules), beside `signed_at`, the signer's claim (a laptop signs offline
    and syncs later). On SQLite and a laptop's replica the program fills it in."""
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forms.id"), default=None)
    """A new version or tillägg refers to the signed form it follows."""

    definition: Mapped[FormDefinitionRecord] = relationship(lazy="joined")

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class FollowUpTask(VersionedMixin, Base):
    """An agreed action with owner and due date (e.g. from an ärendegenomgång); a bevakning
    on the case until it is done."""

    __tablename__ = "follow_up_tasks"
    __table_args__ = (
        Index("ix_follow_up_tasks_case_open", "case_id", "done_on"),
        referrer_index("follow_up_tasks", "source_form_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    due_on: Mapped[date]
    done_on: Mapped[date | None] = mapped_column(default=None)
    source_form_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forms.id"), default=None)

    source_form: Mapped[FormInstance | None] = relationship()
