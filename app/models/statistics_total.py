"""Totals of the statistics' kept facts, kept by the database (app/statistics/kept_totals.py,
migration 0032): the fact rows summed per unit, period and the statistics' keys, so that a
year of a big unit reads a few hundred rows per month instead of hundreds of thousands of
fact rows (and, on PostgreSQL, no row-level security check per fact row).

Written only by the database's triggers on the fact tables (on PostgreSQL the app role may
only read them: an administrator all units, a chef her own unit). A group whose facts are
all gone stays with zero sums: read with `HAVING sum(fact_rows) > 0`. Nullable keys of the
facts are kept as a sentinel (app/statistics/totals.py names them).
"""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class StatisticsMonthTotal(Base):
    """statistics_month_facts summed per unit, month and composition."""

    __tablename__ = "statistics_month_totals"
    __table_args__ = (Index("ix_statistics_month_totals_month", "month"),)

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    household_type: Mapped[str] = mapped_column(String(2), primary_key=True)
    with_children: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    young: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    closing_reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    """'' for the facts' NULL (months without a closing)."""
    decision: Mapped[int] = mapped_column()
    support: Mapped[int] = mapped_column()
    new: Mapped[int] = mapped_column()
    closed: Mapped[int] = mapped_column()
    long12: Mapped[int] = mapped_column()
    long36: Mapped[int] = mapped_column()
    support_months: Mapped[int] = mapped_column()
    granted: Mapped[int] = mapped_column(BigInteger)
    granted_support: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)
    fact_rows: Mapped[int] = mapped_column()


class StatisticsYearTotal(Base):
    """statistics_year_facts counted per unit, year, group and composition."""

    __tablename__ = "statistics_year_totals"
    __table_args__ = (Index("ix_statistics_year_totals_year", "year"),)

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    grp: Mapped[str] = mapped_column(String(10), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    household_type: Mapped[str] = mapped_column(String(2), primary_key=True)
    with_children: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    young: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    closing_reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    support_months: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()


class StatisticsApplicationTotal(Base):
    """applications counted per kept unit, month received and the kept response and
    decision times (the values of migration 0029). NULLs (not yet set, not yet answered or
    decided) are kept as the sentinels of app/statistics/totals.py."""

    __tablename__ = "statistics_application_totals"
    __table_args__ = (Index("ix_statistics_application_totals_month", "received_month"),)

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    received_month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    response_minutes: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    responded_in_time: Mapped[bool] = mapped_column(primary_key=True)
    decision_days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fact_rows: Mapped[int] = mapped_column()
