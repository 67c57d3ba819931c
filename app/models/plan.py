"""Plans (handlingsplan / förändringsplan / genomförandeplan) with goals, steps and dates."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, VersionedMixin


class Plan(VersionedMixin, Base):
    __tablename__ = "plans"
    __table_args__ = (
        # the plans in force per case, read from the index alone (migration 0037)
        Index("ix_plans_case_cover", "case_id", "closed_on", "start_on", "follow_up_on", "id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(30))
    """Code from the 'plantyp' list."""
    goal: Mapped[str] = mapped_column(Text)
    start_on: Mapped[date]
    follow_up_on: Mapped[date | None] = mapped_column(default=None)
    closed_on: Mapped[date | None] = mapped_column(default=None)

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.sort_order"
    )

    def is_current(self, on: date) -> bool:
        return self.start_on <= on and (self.closed_on is None or self.closed_on > on)


class PlanItem(VersionedMixin, Base):
    """One step towards the goal: what, who does it, by when."""

    __tablename__ = "plan_items"
    __table_args__ = (Index("ix_plan_items_due", "due_on"),)

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("plans.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    """Who carries out the step, e.g. 'Sökande', 'Handläggare', 'Arbetsförmedlingen'."""
    due_on: Mapped[date | None] = mapped_column(default=None)
    done_on: Mapped[date | None] = mapped_column(default=None)
    sort_order: Mapped[int] = mapped_column(default=0)

    plan: Mapped[Plan] = relationship(back_populates="items")
