"""SIP and hembesök counted from kept totals (issue 21)

The statistics' SIP/hembesök figures read statistics_event_facts per case and month, joined
the month facts for the household's sex, flagged each case's last month in the period with a
window and found the households with more than one case with a subquery over all cases:
1–1.5 s a year at 100 000 households. Now:

- statistics_event_facts keeps what the statistics count by: `sex` (the household's that
  month, also in months without month facts), `last_in_year` (the case's last month with the
  type in the calendar year) and `shared` (the household has another case). The two indexes
  of the old read give way to one over the shared rows (the few the statistics still read one
  by one, to count such a household once).
- statistics_event_totals: the facts summed per unit, type, month, sex, last_in_year and
  shared, kept by database triggers on the facts (app.statistics.kept_totals; PostgreSQL:
  a SECURITY DEFINER function of the owner, the application role may only read, a chef her
  own unit's rows, an administrator all units').

The new columns are filled here from what the database has (the sex from the month facts,
else K); app.statistics.facts.DEFINITION_VERSION 2 has the statistics refuse until
`arendestod stats rebuild` (on a workstation: at the program's start) has computed them by
the program's definitions. A database without cases has nothing to build and is marked built.

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.statistics import kept_totals

revision = "0035"
down_revision = '0034'
branch_labels = None
depends_on = None

DEFINITION_VERSION = 3
"""app.statistics.facts.DEFINITION_VERSION when this migration was written."""
EVENT_TABLE = "statistics_event_facts"
TOTALS_TABLE = "statistics_event_totals"
SHARED_INDEX = (
    "ix_statistics_event_facts_shared",
    ["shared", "month", "unit_id", "kind", "case_id", "sex", "last_in_year"],
)
OLD_INDEXES = (
    ("ix_statistics_event_facts_unit", ["unit_id", "month", "kind", "case_id", "entries"]),
    ("ix_statistics_event_facts_month", ["month", "kind", "case_id", "entries"]),
)
NEW_COLUMNS = ("sex", "last_in_year", "shared")
TOTALS = kept_totals.KeptTotals(
    table=TOTALS_TABLE,
    facts=EVENT_TABLE,
    keys=("unit_id", "kind", "month", "sex", "last_in_year", "shared"),
    sums=("entries",),
)
"""app.statistics.event_facts.TOTALS when this migration was written."""

FILL = f"""
UPDATE {EVENT_TABLE} SET
    sex = COALESCE(
        (SELECT f.sex FROM statistics_month_facts f
          WHERE f.case_id = {EVENT_TABLE}.case_id AND f.month = {EVENT_TABLE}.month),
        'K'),
    last_in_year = CASE WHEN month = (
        SELECT max(o.month) FROM {EVENT_TABLE} o
         WHERE o.case_id = {EVENT_TABLE}.case_id AND o.kind = {EVENT_TABLE}.kind
           AND o.month / 12 = {EVENT_TABLE}.month / 12) THEN 1 ELSE 0 END,
    shared = CASE WHEN (
        SELECT count(*) FROM cases s JOIN cases c ON c.household_id = s.household_id
         WHERE c.id = {EVENT_TABLE}.case_id) > 1 THEN 1 ELSE 0 END
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, _columns in OLD_INDEXES:
        op.drop_index(name, table_name=EVENT_TABLE)
    op.add_column(EVENT_TABLE, sa.Column("sex", sa.String(length=1), nullable=True))
    op.add_column(EVENT_TABLE, sa.Column("last_in_year", sa.SmallInteger(), nullable=True))
    op.add_column(EVENT_TABLE, sa.Column("shared", sa.SmallInteger(), nullable=True))
    op.execute(FILL)
    with op.batch_alter_table(EVENT_TABLE) as batch:
        batch.alter_column("sex", existing_type=sa.String(length=1), nullable=False)
        for name in ("last_in_year", "shared"):
            batch.alter_column(name, existing_type=sa.SmallInteger(), nullable=False)
    op.create_index(SHARED_INDEX[0], EVENT_TABLE, SHARED_INDEX[1])
    op.create_table(
        TOTALS_TABLE,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("last_in_year", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("shared", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "unit_id",
            "kind",
            "month",
            "sex",
            "last_in_year",
            "shared",
            name=op.f("pk_statistics_event_totals"),
        ),
    )
    for statement in kept_totals.upgrade_sql(TOTALS, dialect):
        op.execute(statement)
    kept_totals.recount(op.get_bind(), TOTALS)
    op.execute(
        f"UPDATE statistics_fact_state SET definition_version = {DEFINITION_VERSION} "
        "WHERE NOT EXISTS (SELECT 1 FROM cases)"
    )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in kept_totals.downgrade_sql(TOTALS, dialect):
        op.execute(statement)
    op.drop_table(TOTALS_TABLE)
    op.drop_index(SHARED_INDEX[0], table_name=EVENT_TABLE)
    with op.batch_alter_table(EVENT_TABLE) as batch:
        for name in NEW_COLUMNS:
            batch.drop_column(name)
    for name, columns in OLD_INDEXES:
        op.create_index(name, EVENT_TABLE, columns)
    op.execute(
        "UPDATE statistics_fact_state SET definition_version = 2 "
        "WHERE NOT EXISTS (SELECT 1 FROM cases)"
    )
