"""The chef's Ärendegenomgång kept per case: one row per case with what the review computed
for it on a Swedish date (app/cases/review_facts.py keeps it, app.cases.caseload_review reads
and fills it; migration 0041).

Derived data: a row is used only when it was computed for today with today's settings
(`basis`) and no source row changed since (the database's triggers clear `payload` and count
`generation` up on every change of a table the computation reads). Keyed by unit first, so
that a unit's rows lie together: the chef's page reads its unit's 2 000 rows as one range
(SQLite: WITHOUT ROWID, the rows are the key's b-tree), not a page per case.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class CaseReviewFact(Base):
    """One case's kept Ärendegenomgång facts (or, with `payload` empty, only the count of
    changes that cleared them)."""

    __tablename__ = "case_review_facts"
    __table_args__ = (
        Index("ix_case_review_facts_case", "case_id"),
        {"sqlite_with_rowid": False},
    )

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    """The case's unit when the row was written (a case moved to another unit has its old
    row cleared: the read asks for the case's unit now)."""
    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    generation: Mapped[int] = mapped_column(Integer)
    """Counted up by the triggers at every change of a source row: the caseload writes its
    computation back only over the generation it read, so a change committed meanwhile is
    never covered by facts computed before it."""
    basis: Mapped[str | None] = mapped_column(String(80))
    """What the facts were computed for besides the rows: the Swedish date and the settings
    the computation reads and the program's version ('1|2026-12-07|30|0.1.0'). NULL when cleared."""
    payload: Mapped[str | None] = mapped_column(Text)
    """The computed facts as compact JSON (app.cases.caseload_review.KeptFacts). NULL when
    cleared."""
