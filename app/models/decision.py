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


class DelegationScope(enum.StrEnum):
    """The outcome class a delegation covers (defect 7 of issue 19): granting up to an amount
    is one right, refusing (avslag, avvisning) another, checked against what was applied
    for. A delvis bifall needs both."""

    GRANT = "bevilja"
    REFUSE = "avsla"

    @property
    def label(self) -> str:
        return {"bevilja": "Bevilja", "avsla": "Avslå eller avvisa"}[self.value]


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
    bka_not_needed_reason: Mapped[str] = mapped_column(Text, default="")
    """Why the decision has no tangible consequences for the children (no barnkonsekvensanalys
    is referred to): needed for an adverse decision in a household with children (seed 002
    L80)."""
    others_information: Mapped[bool] = mapped_column(default=False)
    """The decision rests on information from others than the applicant (förvaltningslagen
    25 §): an adverse decision then needs a kommunicering or a documented exception."""
    communication_sent_on: Mapped[date | None] = mapped_column(default=None)
    """Kommunicering (app.decisions.kommunicering): when the material was sent."""
    communication_method: Mapped[str] = mapped_column(String(20), default="")
    communication_sources: Mapped[str] = mapped_column(Text, default="")
    """From whom the information came."""
    communication_material: Mapped[str] = mapped_column(Text, default="")
    """What was sent to the applicant."""
    communication_answer_by: Mapped[date | None] = mapped_column(default=None)
    """The time to answer: the last day."""
    communication_answer_on: Mapped[date | None] = mapped_column(default=None)
    """When the applicant's answer came (or that she said she had nothing to add)."""
    communication_answer: Mapped[str] = mapped_column(Text, default="")
    communication_exception: Mapped[str] = mapped_column(String(40), default="")
    """A code of resources/kommunicering.json: why no kommunicering was needed (25 §)."""
    communication_exception_reason: Mapped[str] = mapped_column(Text, default="")
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
    from_delivery_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    """The e-ansökan (intake_deliveries) the decision was proposed from (app.decisions.
    proposal). No foreign key: the inbox stays at the office, the decision travels with a
    checked-out case."""
    proposal_json: Mapped[str | None] = mapped_column(Text, default=None)
    """What the program proposed (norm year, costs, incomes), to tell at signing whether the
    handläggare signed it unchanged."""
    proposal_unchanged: Mapped[bool | None] = mapped_column(default=None)
    """Set at signing for a decision from a proposal: the signed calculation is the proposed."""
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
    """Delegationsordning: which user may sign which kind of decision with which outcome,
    up to what amount. One row per user, kind and scope (bevilja / avslå)."""

    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("user_id", "kind", "scope"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind))
    scope: Mapped[DelegationScope] = mapped_column(
        _enum(DelegationScope, 10), default=DelegationScope.GRANT
    )
    max_amount: Mapped[Decimal | None] = mapped_column(default=None)
    """None: no limit. Otherwise, for GRANT the highest granted total per decision, for
    REFUSE the highest amount applied for (the sökta beloppet) a refusal may concern."""
