"""Försörjningshinder kept for the statistics (migration 0033): per registration a fact
row with the adult's sex and the case's unit, and three totals the database keeps from
them (app.statistics.kept_totals: triggers on the fact table), which the statistics read
instead of the period's registrations.

- statistics_barrier_totals: registrations per unit, month, code and sex (a month's
  figures: a person registered in two cases counts twice);
- statistics_barrier_year_adults / _month_adults: per unit, year (month), code, sex and
  adult the registrations there are. A unit's distinct adults are its groups with
  fact_rows > 0; all units' are the distinct (adult, code) over every unit's groups, so
  that a person in two units' cases counts once in each unit and once in all units.

Months are month indexes (year * 12 + month - 1), years calendar years.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class StatisticsBarrierFact(Base):
    """One adult's försörjningshinder in one case and month (one support_barriers row),
    with what the statistics group it by (app.statistics.barrier_facts keeps them)."""

    __tablename__ = "statistics_barrier_facts"
    __table_args__ = (
        # the cases of a person whose sex changes (app.statistics.fact_upkeep)
        Index("ix_statistics_barrier_facts_person", "person_id", "case_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column()
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    """The adult's own sex (K/M)."""


class StatisticsBarrierTotal(Base):
    """Registrations per unit, month, code and sex (kept by the database)."""

    __tablename__ = "statistics_barrier_totals"
    __table_args__ = (
        PrimaryKeyConstraint("unit_id", "month", "code", "sex"),
        Index("ix_statistics_barrier_totals_month", "month", "code", "sex", "fact_rows"),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column()
    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierYearAdult(Base):
    """One adult with one code in one unit's year (kept by the database)."""

    __tablename__ = "statistics_barrier_year_adults"
    __table_args__ = (
        PrimaryKeyConstraint("unit_id", "year", "code", "sex", "person_id"),
        # covering reads: a unit's year, and all units' year ordered for count(DISTINCT)
        Index(
            "ix_statistics_barrier_year_adults_unit",
            "unit_id",
            "year",
            "code",
            "sex",
            "fact_rows",
        ),
        Index(
            "ix_statistics_barrier_year_adults_year",
            "year",
            "code",
            "sex",
            "person_id",
            "fact_rows",
        ),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierMonthAdult(Base):
    """One adult with one code in one unit's month (kept by the database): a one-month
    period's distinct adults."""

    __tablename__ = "statistics_barrier_month_adults"
    __table_args__ = (
        PrimaryKeyConstraint("unit_id", "month", "code", "sex", "person_id"),
        Index(
            "ix_statistics_barrier_month_adults_unit",
            "unit_id",
            "month",
            "code",
            "sex",
            "fact_rows",
        ),
        Index(
            "ix_statistics_barrier_month_adults_month",
            "month",
            "code",
            "sex",
            "person_id",
            "fact_rows",
        ),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column()
    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
