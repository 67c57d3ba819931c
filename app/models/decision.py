"""Decisions (beslut) with their items, and the delegation that says who may sign them."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin, referrer_index
from app.models.household import _enum


class DecisionKind(enum.StrEnum):
    """What the decision is about; the kind decides the appeal route (besvärshänvisning)."""

    SUPPORT = "forsorjningsstod"
    OTHER_LIVING = "livsforing_ovrigt"
    BEYOND_RIGHT = "utover_ratten"

    @property
    def label(self) -> str:
        return {
            "forsorjningsstod": "Försörjningsstöd",
            "livsforing_ovrigt": "Livsföring i övrigt",
            "utover_ratten": "Bistånd utöver rätten",
        }[self.value]


class Outcome(enum.StrEnum):
    GRANTED = "bifall"
    PARTLY = "delvis_bifall"
    REFUSED = "avslag"
    DISMISSED = "avvisning"

    @property
    def label(self) -> str:
        return {
            "bifall": "Bifall",
            "delvis_bifall": "Delvis bifall",
            "avslag": "Avslag",
            "avvisning": "Avvisning",
        }[self.value]


class Decision(VersionedMixin, Base):
    """Immutable once signed: a change is a new decision that `replaces_id` the old one."""

    __tablename__ = "decisions"
    __table_args__ = (
        # Covers the batch reads of bevakningar, the ärendegenomgång and statistics, so they
        # never read the wide rows (calculation, letter PDF).
        Index(
            "ix_decisions_case_cover",
            "case_id",
            "period_start",
            "period_end",
            "kind",
            "outcome",
            "granted_total",
            "signed_at",
            "decided_on",
            "executed_on",
            "replaces_id",
            "bka_form_id",
            "id",
        ),
        referrer_index("decisions", "replaces_id"),
        referrer_index("decisions", "bka_form_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind))
    outcome: Mapped[Outcome] = mapped_column(_enum(Outcome))
    period_start: Mapped[date]
    period_end: Mapped[date]
    norm_year: Mapped[int | None] = mapped_column(default=None)
    calculation_json: Mapped[str] = mapped_column(Text, default="{}")
    """Inputs and rows of the calculation as decided (so the letter can be re-read later)."""
    income_counted: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    granted_total: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    motivation: Mapped[str] = mapped_column(Text, default="")
    legal_references: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of codes from resources/legal_references.json."""
    include_appeal: Mapped[bool] = mapped_column(default=True)
    child_consideration: Mapped[str] = mapped_column(Text, default="{}")
    """JSON: child person id -> documented consideration, when no BKA is referred to."""
    bka_form_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forms.id"), default=None)
    child_summary: Mapped[str] = mapped_column(Text, default="")
    """The barnets bästa text quoted in the letter, fixed at signing."""
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    signed_at: Mapped[datetime | None] = mapped_column(default=None)
    decided_on: Mapped[date | None] = mapped_column(default=None)
    signed_recorded_at: Mapped[datetime | None] = mapped_column(default=None)
    """When the signing was recorded, by the server's own clock on a shared server (migration
    server_signing_rules), beside `signed_at`, the signer's claim (a laptop signs offline
    and syncs later). On SQLite and a laptop's replica the program fills it in."""
    content_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    letter_pdf: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    letter_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    replaces_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("decisions.id"), default=None)
    executed_on: Mapped[date | None] = mapped_column(default=None)
    """Verkställt (paid or otherwise carried out); decisions not executed in 3 months are
    reported (DOMAIN.md)."""

    items: Mapped[list[DecisionItem]] = relationship(
        back_populates="decision", cascade="all, delete-orphan", order_by="DecisionItem.sort_order"
    )

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


class DecisionItem(VersionedMixin, Base):
    """One line: what was applied for, what the system proposed, what was granted."""

    __tablename__ = "decision_items"

    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    item_type: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    applied: Mapped[Decimal]
    proposed: Mapped[Decimal]
    granted: Mapped[Decimal]
    motivation: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    decision: Mapped[Decision] = relationship(back_populates="items")


class Delegation(VersionedMixin, Base):
    """Delegationsordning: which user may sign which kind of decision, up to what amount."""

    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind))
    max_amount: Mapped[Decimal | None] = mapped_column(default=None)
    """None: no limit. Otherwise the highest granted total per decision."""
