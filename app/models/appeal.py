"""After the decision (issue 23): how a decision reached the applicant (delgivning), appeals
of it (överklaganden) through every instance, and the courts' rulings.

The legal rules the registers apply (the three weeks, the week to överlämnande, what counts
as delgivning) are data with their sources: resources/after_decision.json,
app/deadlines/after_decision_rules.py.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, VersionedMixin, referrer_index
from app.models.household import _enum


class DeliveryMethod(enum.StrEnum):
    """How a decision reached the applicant. Which of them fixes the day she "fick del av
    beslutet" (förvaltningslagen 44 §), and how, is in resources/after_decision.json."""

    HANDED_OVER = "personligen"
    """Handed over in person (at a meeting, a hembesök): the day it was handed over."""
    RECEIPT = "kvitto"
    """Vanlig delgivning (delgivningslagen 16–18 §§): the day on the signed delgivningskvitto."""
    SIMPLIFIED = "forenklad"
    """Förenklad delgivning (delgivningslagen 22–26 §§): two weeks after it was sent."""
    E_SERVICE = "e_tjanst"
    """Through the e-service (digital brevlåda), with a receipt of when she opened it."""
    POST = "post"
    """Ordinary post without delgivning: the day she received it is not known."""

    @property
    def label(self) -> str:
        return {
            "personligen": "Lämnat personligen",
            "kvitto": "Delgivning med kvitto",
            "forenklad": "Förenklad delgivning",
            "e_tjanst": "E-tjänst med läskvitto",
            "post": "Vanlig post (utan delgivning)",
        }[self.value]


class DecisionDelivery(VersionedMixin, Base):
    """Delgivning of one signed decision: recorded after signing (the decision itself is
    immutable), corrected if need be (every change audited), never deleted."""

    __tablename__ = "decision_deliveries"
    __table_args__ = (UniqueConstraint("decision_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"))
    method: Mapped[DeliveryMethod] = mapped_column(_enum(DeliveryMethod, 20))
    sent_on: Mapped[date | None] = mapped_column(default=None)
    """When it was sent (post, förenklad delgivning, e-tjänst)."""
    delivered_on: Mapped[date | None] = mapped_column(default=None)
    """The day the applicant fick del av beslutet; None when it is not known (post)."""
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class Appellant(enum.StrEnum):
    APPLICANT = "sokande"
    REPRESENTATIVE = "ombud"

    @property
    def label(self) -> str:
        return {"sokande": "Sökande", "ombud": "Ombud med fullmakt"}[self.value]


class Timeliness(enum.StrEnum):
    """Rättidsprövning (förvaltningslagen 45 §): decided by the handläggare on the program's
    proposal."""

    IN_TIME = "i_tid"
    LATE = "for_sent"
    LATE_EXCUSED = "for_sent_undantag"
    """Late, but not dismissed: the besvärshänvisning was wrong, or it reached the court
    within the time (45 § andra stycket)."""
    UNKNOWN = "okand"
    """The day of delgivning cannot be shown: the appeal cannot be dismissed as late."""

    @property
    def label(self) -> str:
        return {
            "i_tid": "Inkommit i tid",
            "for_sent": "Inkommit för sent",
            "for_sent_undantag": "För sent, men ska inte avvisas",
            "okand": "Kan inte avgöras (delgivningen kan inte visas)",
        }[self.value]


class Reconsideration(enum.StrEnum):
    """Omprövning (förvaltningslagen 37–39 §§)."""

    NOT_CHANGED = "andras_inte"
    CHANGED = "andras"
    """Changed as the appellant asks (fully)."""
    PARTLY_CHANGED = "andras_delvis"

    @property
    def label(self) -> str:
        return {
            "andras_inte": "Ändras inte",
            "andras": "Ändras som klaganden begär",
            "andras_delvis": "Ändras delvis",
        }[self.value]


class Appeal(VersionedMixin, Base):
    """An appeal (överklagande) of one of the nämnd's decisions, received by the nämnd, with
    its rättidsprövning, omprövning and överlämnande to förvaltningsrätten."""

    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_case", "case_id", "received_on"),
        Index("ix_appeals_received", "received_on", "case_id"),
        referrer_index("appeals", "replacing_decision_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("decisions.id"), index=True)
    """The decision appealed."""
    received_on: Mapped[date]
    """The day the appeal came in to the nämnd."""
    received_by_court_on: Mapped[date | None] = mapped_column(default=None)
    """The day it came in to the court, when it was sent there first (45 § andra stycket)."""
    appellant: Mapped[Appellant] = mapped_column(_enum(Appellant, 20), default=Appellant.APPLICANT)
    appellant_name: Mapped[str] = mapped_column(String(200), default="")
    """The ombud's name (the applicant's is the case's)."""
    claims: Mapped[str] = mapped_column(Text, default="")
    """What the appellant asks (the change wanted, and why)."""
    timeliness: Mapped[Timeliness | None] = mapped_column(_enum(Timeliness, 20), default=None)
    timeliness_reason: Mapped[str] = mapped_column(Text, default="")
    reconsidered_on: Mapped[date | None] = mapped_column(default=None)
    reconsideration: Mapped[Reconsideration | None] = mapped_column(
        _enum(Reconsideration, 20), default=None
    )
    reconsideration_note: Mapped[str] = mapped_column(Text, default="")
    replacing_decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("decisions.id"), default=None
    )
    """The new decision of an omprövning that changes the decision (it `replaces_id` the
    appealed one)."""
    forwarded_on: Mapped[date | None] = mapped_column(default=None)
    """Överlämnad to förvaltningsrätten (with the documents in `forwarded_documents`)."""
    forwarded_documents: Mapped[str] = mapped_column(Text, default="[]")
    """JSON list of the documents sent."""
    court: Mapped[str] = mapped_column(String(300), default="")
    """The court it was sent to ("Förvaltningsrätten i Linköping"), with its postal address
    when the unit's setting appeal.administrative_court gives one (up to 300 characters)."""
    court_case_number: Mapped[str] = mapped_column(String(40), default="")
    withdrawn_on: Mapped[date | None] = mapped_column(default=None)
    """Återkallat by the appellant."""
    registered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class CourtInstance(enum.StrEnum):
    ADMINISTRATIVE_COURT = "forvaltningsratten"
    COURT_OF_APPEAL = "kammarratten"
    SUPREME_COURT = "hfd"

    @property
    def label(self) -> str:
        return {
            "forvaltningsratten": "Förvaltningsrätten",
            "kammarratten": "Kammarrätten",
            "hfd": "Högsta förvaltningsdomstolen",
        }[self.value]

    @property
    def needs_leave(self) -> bool:
        """Prövningstillstånd is needed above förvaltningsrätten (resources/after_decision.json)."""
        return self is not CourtInstance.ADMINISTRATIVE_COURT


class RulingOutcome(enum.StrEnum):
    """The outcomes the units count (seed 001, "Domar inom ekonomiskt bistånd")."""

    GRANTED = "bifall"
    PARTLY_GRANTED = "delvis_bifall"
    REFUSED = "avslag"
    REMITTED = "aterforvisning"
    WRITTEN_OFF = "avskrivning"
    DISMISSED = "avvisning"
    LEAVE_REFUSED = "pt_ej_meddelat"
    """Prövningstillstånd not given: the lower court's ruling stands."""

    @property
    def label(self) -> str:
        return {
            "bifall": "Bifall",
            "delvis_bifall": "Delvis bifall",
            "avslag": "Avslag",
            "aterforvisning": "Återförvisning",
            "avskrivning": "Avskrivning",
            "avvisning": "Avvisning",
            "pt_ej_meddelat": "Prövningstillstånd meddelas inte",
        }[self.value]


class Party(enum.StrEnum):
    APPLICANT = "sokande"
    BOARD = "namnd"

    @property
    def label(self) -> str:
        return {"sokande": "Den enskilde", "namnd": "Nämnden"}[self.value]


class AppealRuling(VersionedMixin, Base):
    """A court's ruling (dom or beslut) in an appeal, at one instance, with the follow-up it
    asks of the nämnd, and the nämnd's own appeal of it."""

    __tablename__ = "appeal_rulings"
    __table_args__ = (
        UniqueConstraint("appeal_id", "instance"),
        Index("ix_appeal_rulings_case", "case_id", "ruled_on"),
        Index("ix_appeal_rulings_ruled", "ruled_on", "instance", "outcome"),
        referrer_index("appeal_rulings", "follow_up_decision_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    appeal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appeals.id"))
    instance: Mapped[CourtInstance] = mapped_column(_enum(CourtInstance, 20))
    appealed_by: Mapped[Party] = mapped_column(_enum(Party, 10), default=Party.APPLICANT)
    """Who brought it to this instance."""
    ruled_on: Mapped[date]
    """The day the ruling was meddelad."""
    outcome: Mapped[RulingOutcome] = mapped_column(_enum(RulingOutcome, 20))
    court_case_number: Mapped[str] = mapped_column(String(40), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    follow_up_due: Mapped[date | None] = mapped_column(default=None)
    """A ruling to carry out (bifall, återförvisning): the bevakning's day."""
    follow_up_done_on: Mapped[date | None] = mapped_column(default=None)
    follow_up_decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("decisions.id"), default=None
    )
    """The decision that carries the ruling out."""
    board_appeal_sent_on: Mapped[date | None] = mapped_column(default=None)
    """The nämnd's own appeal of this ruling, sent to the court on this day."""
    board_appeal_decided_not_on: Mapped[date | None] = mapped_column(default=None)
    """The nämnd decided not to appeal (ends the bevakning)."""
    recorded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
