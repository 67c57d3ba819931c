"""The unit's name index: one row per case and household member, with the member's search
keys, kept by the database (app/cases/name_index.py, migration 0036).

A name search reads the user's own unit's rows in name order and stops at the hits it
shows (app.cases.case_search), however common the name is in the municipality: before, it
read every person of that name and then asked which of them had a case in the unit (on
PostgreSQL at 100 000 households 150–230 ms for a surname whose open cases in a small unit
were fewer than 200).

Written only by triggers on cases, household_members and persons (on PostgreSQL the app
role may only read it, its own unit's rows, protected households as the cases policy says).
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, key_string

_ORDER = ("case_number", "case_id", "person_id")
"""After the name keys: the hit order's last key, and the row's identity (covering)."""


class CaseSearchName(Base):
    """A member of a case's household, as the unit's name search finds them."""

    __tablename__ = "case_search_names"
    __table_args__ = (
        # one ordered range scan per kind (open, closed) and name (last, first); on
        # PostgreSQL with the household, which the access rule asks of every row (0042)
        Index(
            "ix_case_search_names_last",
            "unit_id",
            "closed",
            "last_name_key",
            "first_name_key",
            *_ORDER,
            postgresql_include=["household_id"],
        ),
        Index(
            "ix_case_search_names_first",
            "unit_id",
            "closed",
            "first_name_key",
            "last_name_key",
            *_ORDER,
            postgresql_include=["household_id"],
        ),
        Index("ix_case_search_names_person", "person_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[uuid.UUID] = mapped_column()
    household_id: Mapped[uuid.UUID] = mapped_column()
    """The case's household: the server's access rule hides protected households' rows."""
    closed: Mapped[bool] = mapped_column()
    """The case is avslutat (open cases are listed first)."""
    case_number: Mapped[str] = mapped_column(String(20))
    last_name_key: Mapped[str] = mapped_column(key_string(100))
    first_name_key: Mapped[str] = mapped_column(key_string(100))
