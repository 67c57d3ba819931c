"""the children's documentation audit kept per case, with totals kept by the database

Issue 21: the statistics' audit of the children's documentation (seed 004) read every
audited decision's children, texts and BKA on each call (a year of 100 000 households:
1.6–3 s). Now (app/statistics/child_facts.py computes, fact_upkeep keeps in the transaction
of every change, `arendestod stats rebuild` builds):

- statistics_child_facts: per case, month of decided_on, child's sex and the five flags
  (named, with_bka, bka_situation, bka_needs, bka_consequences) the (child, decision) pairs;
  and per case and month a row with sex '' holding the audited decisions and those naming
  every child. PostgreSQL: under row-level security like statistics_month_facts (0028).
- statistics_child_totals: those summed per unit and keys, kept by triggers on the facts
  (app.statistics.kept_totals): the statistics read them. PostgreSQL: the app role reads
  them (administrator all units, chef her own) and cannot write them.

The definition version becomes 2 (facts.DEFINITION_VERSION): a database with cases has its
facts built by `arendestod stats rebuild` (app code, so that the definition stays in one
place; a local database is rebuilt when opened), the statistics refuse until then. One
without cases is marked built.

The partial indexes of migration 0030 (ix_decisions_audit_unnamed, _named) served only the
statistics' reads of the audited decisions by date, which are gone: dropped.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-06 22:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.statistics import kept_totals
from app.statistics.kept_totals import KeptTotals

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
DEFINITION_VERSION = 3
"""app.statistics.facts.DEFINITION_VERSION when this migration was written."""
FACTS = "statistics_child_facts"
FLAGS = ("named", "with_bka", "bka_situation", "bka_needs", "bka_consequences")
SUMS = ("children", "decisions", "decisions_all_named")
TOTALS = KeptTotals(
    table="statistics_child_totals",
    facts=FACTS,
    keys=("unit_id", "month", "sex", *FLAGS),
    sums=SUMS,
)

AUDITED = "signed_at IS NOT NULL AND outcome != 'bifall'"
UNNAMED = "child_consideration IN ('', '{}') AND bka_form_id IS NULL"
OLD_INDEXES = (
    # migration 0030's (name, columns, partial)
    (
        "ix_decisions_audit_unnamed",
        ["decided_on", "case_id", "period_start", "period_end", "id"],
        f"{AUDITED} AND {UNNAMED}",
    ),
    ("ix_decisions_audit_named", ["decided_on", "case_id"], f"{AUDITED} AND NOT ({UNNAMED})"),
)


def _keys() -> list[sa.Column]:
    return [
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        *(sa.Column(flag, sa.SmallInteger(), nullable=False) for flag in FLAGS),
    ]


def _sums() -> list[sa.Column]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in SUMS]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, *_ in OLD_INDEXES:
        op.drop_index(name, table_name="decisions")
    op.create_table(
        FACTS,
        sa.Column("case_id", sa.Uuid(), nullable=False),
        *_keys(),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        *_sums(),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_statistics_child_facts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_statistics_child_facts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "month", "sex", *FLAGS, name=op.f("pk_statistics_child_facts")
        ),
    )
    op.create_table(
        TOTALS.table,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        *_keys(),
        *_sums(),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*TOTALS.keys, name=op.f("pk_statistics_child_totals")),
    )
    for statement in kept_totals.upgrade_sql(TOTALS, dialect):
        op.execute(statement)
    kept_totals.recount(op.get_bind(), TOTALS)
    op.execute(
        f"UPDATE statistics_fact_state SET definition_version = {DEFINITION_VERSION} "
        "WHERE NOT EXISTS (SELECT 1 FROM cases)"
    )
    if dialect != "postgresql":
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


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP POLICY IF EXISTS case_access ON {FACTS}")
    for statement in kept_totals.downgrade_sql(TOTALS, dialect):
        op.execute(statement)
    op.drop_table(TOTALS.table)
    op.drop_table(FACTS)
    op.execute(
        "UPDATE statistics_fact_state SET definition_version = 2 "
        "WHERE NOT EXISTS (SELECT 1 FROM cases)"
    )
    for name, columns, partial in OLD_INDEXES:
        where = sa.text(partial)
        op.create_index(name, "decisions", columns, postgresql_where=where, sqlite_where=where)
