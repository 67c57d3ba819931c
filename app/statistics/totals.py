"""The statistics' kept totals (app/statistics/kept_totals.py keeps them, migration 0032
creates them): the month and year facts of the households, and the applications' kept
response and decision times, summed by the database per unit, period and the statistics'
keys. The statistics read these instead of the per-case rows.

Nullable keys are kept as a sentinel that no real value takes: a month without a closing
has closing_reason ''; an application not yet answered or decided has the smallest integer
as its time; one whose unit or month is not yet kept (SQLite, between its insert and the
upkeep of the same transaction) the nil unit and that integer. A NULL responded_in_time is
kept as false: the statistics read it only for answered applications, where it is set, and
count a NULL as not in time.
"""

from __future__ import annotations

from app.models.statistics_fact import (
    MONTH_FACT_KEYS,
    MONTH_FACT_SUMS,
    YEAR_FACT_KEYS,
    YEAR_FACT_SUMS,
)
from app.statistics.kept_totals import KeptTotals

NO_TIME = -2147483648
"""Kept for a NULL month, response time or decision time (times may be negative: a
response or decision dated before the receipt)."""
NO_UNIT = "00000000000000000000000000000000"
"""Kept for a NULL applications.unit_id: the nil UUID, as both databases read it (and as
SQLite stores a UUID)."""

MONTH_TOTALS = KeptTotals(
    table="statistics_month_totals",
    facts="statistics_month_facts",
    keys=("unit_id", "month", *MONTH_FACT_KEYS),
    sums=MONTH_FACT_SUMS,
    null_as=(("closing_reason", "''"),),
)

YEAR_TOTALS = KeptTotals(
    table="statistics_year_totals",
    facts="statistics_year_facts",
    keys=("unit_id", "year", *YEAR_FACT_KEYS),
    sums=YEAR_FACT_SUMS,
    null_as=(("closing_reason", "''"),),
)

APPLICATION_TOTALS = KeptTotals(
    table="statistics_application_totals",
    facts="applications",
    keys=("unit_id", "received_month", "response_minutes", "responded_in_time", "decision_days"),
    sums=(),
    null_as=(
        ("unit_id", f"'{NO_UNIT}'"),
        ("received_month", str(NO_TIME)),
        ("response_minutes", str(NO_TIME)),
        ("responded_in_time", "false"),
        ("decision_days", str(NO_TIME)),
    ),
)

ALL = (MONTH_TOTALS, YEAR_TOTALS, APPLICATION_TOTALS)
