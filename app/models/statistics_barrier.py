"""Försörjningshinder kept for the statistics (migration 0033): per registration a fact
row with the adult's sex and the case's unit, and totals the database keeps from them
(app.statistics.kept_totals: triggers), which the statistics read instead of the period's
registrations. See app.statistics.barrier_facts for what each holds and why.

Months are month indexes (year * 12 + month - 1), years calendar years. `present` (1 when
the group has rows, else 0) is computed by the database, so that the next level's totals
can count groups: adults per unit, adults in any unit.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Computed, ForeignKey, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

PRESENT = "CASE WHEN fact_rows > 0 THEN 1 ELSE 0 END"


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
        # all units' months; unit_id for the policy without reading the table (PostgreSQL)
        Index("ix_statistics_barrier_totals_month", "month", "code", "sex", "unit_id", "fact_rows"),
    )

    unit_id: Mapped[uuid.UUID] = mapped_column()
    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierYearAdult(Base):
    """One adult with one code in one unit's year: its registrations there."""

    __tablename__ = "statistics_barrier_year_adults"
    __table_args__ = (PrimaryKeyConstraint("unit_id", "year", "code", "sex", "person_id"),)

    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
    present: Mapped[int] = mapped_column(Computed(PRESENT, persisted=True))


class StatisticsBarrierMonthAdult(Base):
    """One adult with one code in one unit's month: its registrations there."""

    __tablename__ = "statistics_barrier_month_adults"
    __table_args__ = (PrimaryKeyConstraint("unit_id", "month", "code", "sex", "person_id"),)

    unit_id: Mapped[uuid.UUID] = mapped_column()
    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
    present: Mapped[int] = mapped_column(Computed(PRESENT, persisted=True))


class StatisticsBarrierYearPerson(Base):
    """One adult with one code in a year, in any unit: its registrations (administrators
    only: it has no unit)."""

    __tablename__ = "statistics_barrier_year_persons"
    __table_args__ = (PrimaryKeyConstraint("year", "code", "sex", "person_id"),)

    year: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
    present: Mapped[int] = mapped_column(Computed(PRESENT, persisted=True))


class StatisticsBarrierMonthPerson(Base):
    """One adult with one code in a month, in any unit (administrators only)."""

    __tablename__ = "statistics_barrier_month_persons"
    __table_args__ = (PrimaryKeyConstraint("month", "code", "sex", "person_id"),)

    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    person_id: Mapped[uuid.UUID] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
    present: Mapped[int] = mapped_column(Computed(PRESENT, persisted=True))


class StatisticsBarrierYearAdultCount(Base):
    """Adults per unit, year, code and sex (the year adults' groups with registrations)."""

    __tablename__ = "statistics_barrier_year_adult_counts"
    __table_args__ = (PrimaryKeyConstraint("unit_id", "year", "code", "sex"),)

    unit_id: Mapped[uuid.UUID] = mapped_column()
    year: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    present: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierMonthAdultCount(Base):
    """Adults per unit, month, code and sex."""

    __tablename__ = "statistics_barrier_month_adult_counts"
    __table_args__ = (PrimaryKeyConstraint("unit_id", "month", "code", "sex"),)

    unit_id: Mapped[uuid.UUID] = mapped_column()
    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    present: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierYearPersonCount(Base):
    """Adults in any unit per year, code and sex (administrators only)."""

    __tablename__ = "statistics_barrier_year_person_counts"
    __table_args__ = (PrimaryKeyConstraint("year", "code", "sex"),)

    year: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    present: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()


class StatisticsBarrierMonthPersonCount(Base):
    """Adults in any unit per month, code and sex (administrators only)."""

    __tablename__ = "statistics_barrier_month_person_counts"
    __table_args__ = (PrimaryKeyConstraint("month", "code", "sex"),)

    month: Mapped[int] = mapped_column(autoincrement=False)
    code: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str] = mapped_column(String(1))
    present: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
