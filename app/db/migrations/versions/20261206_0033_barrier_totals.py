"""försörjningshinder kept per registration, with totals the database keeps (issue 21)

The statistics counted the period's support_barriers joined with persons (each adult's
sex) and, for a unit, its cases: 1.1–1.8 s a year at 100 000 households. Now:

- statistics_barrier_facts: one row per registration with the adult's sex, the case's unit,
  the month index and the year (app/statistics/barrier_facts.py keeps them through
  fact_upkeep; `stats rebuild` builds them), filled in here from the registrations;
- statistics_barrier_totals (registrations per unit, month, code, sex),
  statistics_barrier_year_adults and statistics_barrier_month_adults (per unit, year or
  month, code, sex and adult): kept by the database from the facts
  (app/statistics/kept_totals.py: triggers), counted here once.

A database whose facts were built with definition 1 has everything definition 2 adds filled
in here: it is marked built with 2 (no rebuild needed after the upgrade).

PostgreSQL: the facts under row-level security like statistics_event_facts (migration
0031); the totals readable by the app role under kept_totals' policy (an administrator all
units, a chef her own unit), written only by the owner's trigger.

Revision ID: 0033
Revises: 0031
Create Date: 2026-12-06 22:30:00
"""

import sqlalchemy as sa
from alembic import op

from app.statistics import kept_totals
from app.statistics.kept_totals import KeptTotals

revision = "0033"
down_revision = "0031"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
FACTS = "statistics_barrier_facts"
# as app.statistics.barrier_facts.TOTALS when this migration was written
TOTALS = (
    KeptTotals("statistics_barrier_totals", FACTS, ("unit_id", "month", "code", "sex"), ()),
    KeptTotals(
        "statistics_barrier_year_adults",
        FACTS,
        ("unit_id", "year", "code", "sex", "person_id"),
        (),
    ),
    KeptTotals(
        "statistics_barrier_month_adults",
        FACTS,
        ("unit_id", "month", "code", "sex", "person_id"),
        (),
    ),
)


def _create_facts(postgresql: bool) -> None:
    op.create_table(
        FACTS,
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_statistics_barrier_facts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_statistics_barrier_facts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "person_id", "month", name=op.f("pk_statistics_barrier_facts")
        ),
    )
    op.create_index("ix_statistics_barrier_facts_person", FACTS, ["person_id", "case_id"])
    if postgresql:
        year = "CAST(date_part('year', b.month) AS integer)"
        month = f"{year} * 12 + CAST(date_part('month', b.month) AS integer) - 1"
    else:
        year = "CAST(strftime('%Y', b.month) AS INTEGER)"
        month = f"{year} * 12 + CAST(strftime('%m', b.month) AS INTEGER) - 1"
    op.execute(
        f"INSERT INTO {FACTS} (case_id, person_id, month, year, unit_id, code, sex) "
        f"SELECT b.case_id, b.person_id, {month}, {year}, c.unit_id, b.code, p.sex "
        "FROM support_barriers b JOIN cases c ON c.id = b.case_id "
        "JOIN persons p ON p.id = b.person_id"
    )
    if not postgresql:
        return
    op.execute(f"REVOKE ALL ON {FACTS} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {FACTS} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {FACTS} ENABLE ROW LEVEL SECURITY")
    visible = f"EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {FACTS}.case_id)"
    op.execute(
        f"CREATE POLICY case_access ON {FACTS} FOR ALL TO {APP_ROLE} "
        f"USING ({visible}) WITH CHECK ({visible} AND unit_id = "
        f"(SELECT c.unit_id FROM public.cases c WHERE c.id = {FACTS}.case_id))"
    )


def _create_totals(totals: KeptTotals) -> None:
    key_columns = {
        "unit_id": sa.Uuid(),
        "month": sa.Integer(),
        "year": sa.Integer(),
        "code": sa.String(length=40),
        "sex": sa.String(length=1),
        "person_id": sa.Uuid(),
    }
    op.create_table(
        totals.table,
        *(
            sa.Column(key, key_columns[key], autoincrement=False, nullable=False)
            for key in totals.keys
        ),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*totals.keys, name=op.f(f"pk_{totals.table}")),
    )
    period = totals.keys[1]
    if "person_id" in totals.keys:
        op.create_index(
            f"ix_{totals.table}_unit",
            totals.table,
            ["unit_id", period, "code", "sex", "fact_rows"],
        )
        op.create_index(
            f"ix_{totals.table}_{period}",
            totals.table,
            [period, "code", "sex", "person_id", "fact_rows"],
        )
    else:
        op.create_index(
            f"ix_{totals.table}_{period}", totals.table, [period, "code", "sex", "fact_rows"]
        )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _create_facts(dialect == "postgresql")
    for totals in TOTALS:
        _create_totals(totals)
        for statement in kept_totals.upgrade_sql(totals, dialect):
            op.execute(statement)
        kept_totals.recount(bind, totals)
    op.execute("UPDATE statistics_fact_state SET definition_version = 2 WHERE definition_version = 1")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for totals in reversed(TOTALS):
        for statement in kept_totals.downgrade_sql(totals, dialect):
            op.execute(statement)
        op.drop_table(totals.table)
    if dialect == "postgresql":
        op.execute(f"DROP POLICY IF EXISTS case_access ON {FACTS}")
    op.drop_index("ix_statistics_barrier_facts_person", table_name=FACTS)
    op.drop_table(FACTS)
    op.execute("UPDATE statistics_fact_state SET definition_version = 1 WHERE definition_version = 2")
