"""Ärenden, their applications (ansökningar) and status history."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, IdMixin, VersionedMixin
from app.models.decision import DecisionKind
from app.models.household import Household, _enum
from app.models.organisation import Unit, User


class CaseStatus(enum.StrEnum):
    """Lifecycle: aktualiserad → utredning → aktuell → avslutad (reopening possible)."""

    REGISTERED = "aktualiserad"
    INVESTIGATION = "utredning"
    ACTIVE = "aktuell"
    CLOSED = "avslutad"

    @property
    def label(self) -> str:
        return {
            "aktualiserad": "Aktualiserad",
            "utredning": "Utredning",
            "aktuell": "Aktuell",
            "avslutad": "Avslutad",
        }[self.value]


class Case(VersionedMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_responsible_status", "responsible_user_id", "status"),
        Index("ix_cases_unit_status", "unit_id", "status"),
        # The unit's open cases as the chef's caseload lists them, from the index alone: an
        # encrypted file decrypts every page it reads, and the rows are a page per case
        # (migration 0038).
        Index(
            "ix_cases_unit_caseload",
            "unit_id",
            "status",
            "case_number",
            "responsible_user_id",
            "opened_on",
            "id",
        ),
        # Households and statuses of cases by id without the table's rows (0038).
        Index("ix_cases_id_household", "id", "household_id", "status"),
        # A unit's cases and households without reading the table (app.statistics.statistics).
        Index("ix_cases_unit_household", "unit_id", "id", "household_id"),
    )

    case_number: Mapped[str] = mapped_column(String(20), unique=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"), index=True)
    responsible_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    opened_on: Mapped[date]
    closed_on: Mapped[date | None] = mapped_column(default=None)
    closing_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    """Avslutsorsak: code from resources/code_lists.json."""

    unit: Mapped[Unit] = relationship()
    household: Mapped[Household] = relationship()
    responsible: Mapped[User | None] = relationship()
    applications: Mapped[list[Application]] = relationship(
        back_populates="case", order_by="Application.received_at.desc()"
    )


class CaseNumberSeries(Base):
    """Next free number per year for case numbers EB-ÅÅÅÅ-NNNNNN."""

    __tablename__ = "case_number_series"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CaseStatusChange(IdMixin, Base):
    """Append-only history of status changes (statistics count new and closed households)."""

    __tablename__ = "case_status_changes"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(_enum(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    reason: Mapped[str | None] = mapped_column(String(40), default=None)
    changed_on: Mapped[date]
    changed_at: Mapped[datetime]
    changed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


_OPEN = text("response_minutes IS NULL OR decision_days IS NULL")
_UNDECIDED = text("decided_on IS NULL")


class Application(VersionedMixin, Base):
    """Ansökan. An application can never be refused to be received (DOMAIN.md)."""

    __tablename__ = "applications"
    __table_args__ = (
        Index(
            "ix_applications_case_cover",
            "case_id",
            "period_start",
            "received_at",
            "first_response_at",
            "decided_on",
        ),
        # The applications awaiting a decision (the bevakningar's), not every application
        # of the case (migration 0038).
        Index(
            "ix_applications_case_undecided",
            "case_id",
            "received_at",
            "first_response_at",
            sqlite_where=_UNDECIDED,
            postgresql_where=_UNDECIDED,
        ),
        # (ix_applications_facts and ix_applications_unit_facts, the statistics' grouped
        # reads of 0029 and 0031, were dropped by 0032: the statistics read kept totals)
        Index(
            "ix_applications_unit_open",
            "unit_id",
            "received_month",
            "response_due_at",
            "received_on",
            "response_minutes",
            "decision_days",
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
        # the few not yet answered or decided, whose deadline the statistics compare with now
        Index(
            "ix_applications_open",
            "received_month",
            "case_id",
            "response_due_at",
            "received_on",
            "response_minutes",
            "decision_days",
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    received_at: Mapped[datetime]
    channel: Mapped[str] = mapped_column(String(30))
    """Code from the 'ansökningssätt' list: papper, telefon, e-ansökan, besök."""
    period_start: Mapped[date]
    period_end: Mapped[date]
    kind: Mapped[DecisionKind] = mapped_column(
        _enum(DecisionKind), default=DecisionKind.SUPPORT, server_default="forsorjningsstod"
    )
    """What bistånd is applied for: a new decision takes it, and signing a decision of this
    kind for the period decides the application."""
    complete_on: Mapped[date | None] = mapped_column(default=None)
    """The day the application was complete enough to decide on."""
    first_response_at: Mapped[datetime | None] = mapped_column(default=None)
    """First återkoppling to the applicant (target: within 24 hours on weekdays, seed 000 §7.3)."""
    decided_on: Mapped[date | None] = mapped_column(default=None)
    """Set when a decision on the application is signed."""
    note: Mapped[str] = mapped_column(Text, default="")
    # Kept for the statistics (app.deadlines.application_facts; on PostgreSQL computed by
    # the server from the row, migration 0029). Never set them by hand.
    received_on: Mapped[date | None] = mapped_column(default=None)
    """The Swedish day received_at falls on."""
    received_month: Mapped[int | None] = mapped_column(default=None)
    """year * 12 + month - 1 of received_on."""
    response_due_at: Mapped[datetime | None] = mapped_column(default=None)
    """Deadline of the första återkoppling (24 hours counted on vardagar)."""
    response_minutes: Mapped[int | None] = mapped_column(default=None)
    """Minutes from receipt to the första återkoppling; None until answered."""
    responded_in_time: Mapped[bool | None] = mapped_column(default=None)
    """Answered by response_due_at; None until answered."""
    decision_days: Mapped[int | None] = mapped_column(default=None)
    """Days from received_on to decided_on; None until decided."""
    unit_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    """The case's unit, kept so that a unit's statistics read a range of its own rows
    (app.statistics.fact_upkeep; on PostgreSQL set by the server, migration 0031). A copy
    of cases.unit_id, hence no foreign key of its own."""

    case: Mapped[Case] = relationship(back_populates="applications")
