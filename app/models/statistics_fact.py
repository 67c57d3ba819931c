"""Statistics kept, not recomputed: per case (the program makes one household per case,
case_register.create_case) and month, and per case, year and group, the facts the chef's
statistics count (app.statistics.facts computes them, app.statistics.fact_upkeep keeps them
current in the transaction of the change, `arendestod stats rebuild` builds them all).

Rows exist only for months in which the household is in some group (a decision, bistånd, new,
closed). Months are month indexes (year * 12 + month - 1); amounts are öre.
"""

from __future__ import annotations

import uuid

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

MONTH_FACT_KEYS = ("sex", "household_type", "with_children", "young", "closing_reason")
"""What a month fact is counted by (after its case or unit and its month)."""
MONTH_FACT_SUMS = (
    "decision",
    "support",
    "new",
    "closed",
    "long12",
    "long36",
    "support_months",
    "granted",
    "granted_support",
    "paid",
)
"""What a month fact's rows are summed over (the order the statistics read them in)."""
MONTH_FACT_COLUMNS = (*MONTH_FACT_KEYS, *MONTH_FACT_SUMS)
"""What a unit's months read: in both covering indexes, after the range columns."""

YEAR_FACT_KEYS = ("grp", "sex", "household_type", "with_children", "young", "closing_reason")
YEAR_FACT_SUMS = ("support_months",)
YEAR_FACT_COLUMNS = (*YEAR_FACT_KEYS, *YEAR_FACT_SUMS)


class StatisticsMonthFact(Base):
    """One household (case) in one month."""

    __tablename__ = "statistics_month_facts"
    __table_args__ = (
        # a unit's months, and all units' months, as covering range reads
        Index("ix_statistics_month_facts_unit", "unit_id", "month", *MONTH_FACT_COLUMNS),
        Index("ix_statistics_month_facts_month", "month", *MONTH_FACT_COLUMNS),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    sex: Mapped[str] = mapped_column(String(1))
    """The sökande's (K/M): the household's sex in the statistics."""
    household_type: Mapped[str] = mapped_column(String(2))
    with_children: Mapped[int] = mapped_column(SmallInteger)
    young: Mapped[int] = mapped_column(SmallInteger)
    """Ungdomshushåll: the sökande 18–24 on the month's first day."""
    closing_reason: Mapped[str | None] = mapped_column(String(40))
    """Avslutsorsak of the last closing in the month (closed months only)."""
    decision: Mapped[int] = mapped_column(SmallInteger)
    support: Mapped[int] = mapped_column(SmallInteger)
    new: Mapped[int] = mapped_column(SmallInteger)
    closed: Mapped[int] = mapped_column(SmallInteger)
    long12: Mapped[int] = mapped_column(SmallInteger)
    long36: Mapped[int] = mapped_column(SmallInteger)
    support_months: Mapped[int] = mapped_column()
    """Months with bistånd up to and including this one (all history)."""
    granted: Mapped[int] = mapped_column(BigInteger)
    granted_support: Mapped[int] = mapped_column(BigInteger)
    paid: Mapped[int] = mapped_column(BigInteger)


class StatisticsYearFact(Base):
    """One household (case) in one group of one calendar year, as it was in the last month
    of the year it belonged to the group (each household counted once in year figures)."""

    __tablename__ = "statistics_year_facts"
    __table_args__ = (
        Index("ix_statistics_year_facts_unit", "unit_id", "year", *YEAR_FACT_COLUMNS),
        Index("ix_statistics_year_facts_year", "year", *YEAR_FACT_COLUMNS),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    grp: Mapped[str] = mapped_column(String(10), primary_key=True)
    """decision, support, new, closed, long12 or long36 (the year's definitions)."""
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    sex: Mapped[str] = mapped_column(String(1))
    household_type: Mapped[str] = mapped_column(String(2))
    with_children: Mapped[int] = mapped_column(SmallInteger)
    young: Mapped[int] = mapped_column(SmallInteger)
    closing_reason: Mapped[str | None] = mapped_column(String(40))
    support_months: Mapped[int] = mapped_column()
    """For the support group: months with bistånd up to its last month with bistånd in the
    year (genomsnittlig varaktighet); 0 otherwise."""


class StatisticsFactState(Base):
    """One row: the definition the kept facts were built with (app.statistics.facts
    DEFINITION_VERSION). No row, or another version: the statistics refuse until
    `arendestod stats rebuild` has run."""

    __tablename__ = "statistics_fact_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    definition_version: Mapped[int] = mapped_column()


class StatisticsEventFact(Base):
    """A case's signed SIP or hembesök journal entries in one month (their count), with what
    the statistics count them by: the household's sex that month, whether it is the case's
    last month with the type in the calendar year (the year counts each household once, as
    it was then) and whether the household has other cases (then the statistics count it
    once, from these rows). app.statistics.event_facts keeps them (migrations 0031, 0035);
    statistics_event_totals sums them per unit, type, month and those keys."""

    __tablename__ = "statistics_event_facts"
    __table_args__ = (
        # the few rows of households with more than one case, read one by one
        Index(
            "ix_statistics_event_facts_shared",
            "shared",
            "month",
            "unit_id",
            "kind",
            "case_id",
            "sex",
            "last_in_year",
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    """The journal entry type (sip, hembesok)."""
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    entries: Mapped[int] = mapped_column()
    sex: Mapped[str] = mapped_column(String(1))
    """The household's in the month, as the month facts' (household_type.sex_in_month)."""
    last_in_year: Mapped[int] = mapped_column(SmallInteger)
    """1: the case's last month with entries of the type in the month's calendar year."""
    shared: Mapped[int] = mapped_column(SmallInteger)
    """1: the case's household has another case."""


class StatisticsEventTotal(Base):
    """statistics_event_facts summed per unit, type, month, sex, last month of the year and
    shared household (app.statistics.kept_totals: kept by database triggers on the facts;
    on PostgreSQL only readable by the application role). `fact_rows` is the number of
    cases, i.e. of households where `shared` is 0."""

    __tablename__ = "statistics_event_totals"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    last_in_year: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    shared: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    entries: Mapped[int] = mapped_column(BigInteger)
    fact_rows: Mapped[int] = mapped_column()


CHILD_FLAGS = ("named", "with_bka", "bka_situation", "bka_needs", "bka_consequences")
"""Per child and decision of the children's documentation audit (seed 004)."""
CHILD_KEYS = ("month", "sex", *CHILD_FLAGS)
"""What a child fact and its totals are grouped by (after the case, or the unit)."""
CHILD_SUMS = ("children", "decisions", "decisions_all_named")
DECISIONS_SEX = ""
"""The `sex` of a case's row of audited decisions in a month (a child's is K or M)."""


class StatisticsChildFact(Base):
    """The children's documentation audit of a case's decisions decided in a month
    (app.statistics.child_facts, migration 0034): per child's sex and the five flags the
    number of (child, decision) pairs; and, in one row with `sex` '' and the flags 0, the
    month's audited decisions and of them those naming every child."""

    __tablename__ = "statistics_child_facts"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    """The month of decided_on."""
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    named: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    with_bka: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_situation: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_needs: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_consequences: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("units.id"))
    children: Mapped[int] = mapped_column()
    decisions: Mapped[int] = mapped_column()
    decisions_all_named: Mapped[int] = mapped_column()


class StatisticsChildTotal(Base):
    """statistics_child_facts summed per unit and its keys, kept by database triggers on the
    facts (app.statistics.kept_totals, migration 0034): what the statistics read. A group
    whose `fact_rows` has fallen to 0 stays, with zeros."""

    __tablename__ = "statistics_child_totals"

    unit_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    named: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    with_bka: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_situation: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_needs: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    bka_consequences: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    children: Mapped[int] = mapped_column()
    decisions: Mapped[int] = mapped_column()
    decisions_all_named: Mapped[int] = mapped_column()
    fact_rows: Mapped[int] = mapped_column()
