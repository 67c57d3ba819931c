"""A register look-up's answer kept as data with the case (issue 24), beside the signed
journal entry that keeps it as text (app.registers.lookups). Written once, never changed
or removed (on PostgreSQL the server refuses an update or delete, migration 0049)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin


class RegisterAnswerRecord(IdMixin, Base):
    __tablename__ = "register_answers"
    __table_args__ = (Index("ix_register_answers_case_period", "case_id", "period_start"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    journal_entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("journal_entries.id"))
    period_start: Mapped[date]
    """The first day of the first month asked for."""
    period_end: Mapped[date]
    """The last day of the last month asked for."""
    purpose: Mapped[str] = mapped_column(String(40))
    service: Mapped[str] = mapped_column(String(200))
    """Which register service answered (the simulator or the real one)."""
    reference: Mapped[str] = mapped_column(String(100))
    """The service's own id of the answer."""
    answer_json: Mapped[str] = mapped_column(Text)
    """Every source asked, with its items: source, kind, source's name, amount before tax,
    tax withheld, period, payer (app.registers.register_answers)."""
    fetched_at: Mapped[datetime]
    fetched_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
