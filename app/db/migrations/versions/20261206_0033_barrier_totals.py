"""försörjningshinder kept per registration, with totals the database keeps (issue 21)

The statistics counted the period's support_barriers joined with persons (each adult's
sex) and, for a unit, its cases: 1.1–1.8 s a year at 100 000 households. Now:

- statistics_barrier_facts: one row per registration with the adult's sex, the case's unit,
  the month index and the year (app/statistics/barrier_facts.py keeps them through
  fact_upkeep; `stats rebuild` builds them), filled in here from the registrations;
- totals kept by the database (app/statistics/kept_totals.py: triggers), counted here once:
  statistics_barrier_totals (registrations per unit, month, code, sex); per year and per
  month the adults per unit (…_adults, keyed by the adult) and in any unit (…_persons),
  each with a computed `present`, and from those the adults counted per unit
  (…_adult_counts) and in all units (…_person_counts). The tables without a unit are
  read by administrators only.

Everything here is filled in from the registrations: the definition version stays as it is
(0034 and 0035 leave a database with cases to be rebuilt for definition 3).

PostgreSQL: the facts under row-level security like statistics_event_facts (migration
0031); the totals readable by the app role under kept_totals' policy (an administrator all
units, a chef her own unit), written only by the owner's trigger.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06 22:30:00
"""

import sqlalchemy as sa
from alembic import op

from app.statistics import kept_totals
from app.statistics.kept_totals import KeptTotals

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
FACTS = "statistics_barrier_facts"
PRESENT = "CASE WHEN fact_rows > 0 THEN 1 ELSE 0 END"
ADMINISTRATORS = "(SELECT public.arendestod_user_role()) = 'administrator'"


def _adults(period: str) -> tuple[KeptTotals, ...]:
    adults = f"statistics_barrier_{period}_adults"
    persons = f"statistics_barrier_{period}_persons"
    keys = (period, "code", "sex")
    return (
        KeptTotals(adults, FACTS, ("unit_id", *keys, "person_id"), ()),
        KeptTotals(persons, FACTS, (*keys, "person_id"), ()),
        KeptTotals(f"{adults[:-1]}_counts", adults, ("unit_id", *keys), ("present",)),
        KeptTotals(f"{persons[:-1]}_counts", persons, keys, ("present",)),
    )


# as app.statistics.barrier_facts.TOTALS when this migration was written: a level after
# the one it follows
YEAR, MONTH = _adults("year"), _adults("month")
TOTALS = (
    KeptTotals("statistics_barrier_totals", FACTS, ("unit_id", "month", "code", "sex"), ()),
    YEAR[0],
    YEAR[1],
    MONTH[0],
    MONTH[1],
    YEAR[2],
    YEAR[3],
    MONTH[2],
    MONTH[3],
)
KEY_TYPES = {
    "unit_id": sa.Uuid,
    "month": sa.Integer,
    "year": sa.Integer,
    "code": lambda: sa.String(length=40),
    "sex": lambda: sa.String(length=1),
    "person_id": sa.Uuid,
}


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
    """The keys, the sums, fact_rows, and `present` (computed) where the next level counts
    the groups."""
    counted = any(t.facts == totals.table for t in TOTALS)
    op.create_table(
        totals.table,
        *(
            sa.Column(key, KEY_TYPES[key](), autoincrement=False, nullable=False)
            for key in totals.keys
        ),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in totals.sums),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        *(
            [sa.Column(
                    "present",
                    sa.Integer(),
                    sa.Computed(PRESENT, persisted=True),
                    nullable=False,
                )]
            if counted
            else []
        ),
        sa.PrimaryKeyConstraint(*totals.keys, name=op.f(f"pk_{totals.table}")),
    )
    if totals.table == "statistics_barrier_totals":
        op.create_index(
            "ix_statistics_barrier_totals_month",
            totals.table,
            ["month", "code", "sex", "unit_id", "fact_rows"],
        )


def _keeping(totals: KeptTotals, dialect: str) -> list[str]:
    """kept_totals' statements; a table without a unit (adults in any unit) is read by
    administrators only."""
    statements = kept_totals.upgrade_sql(totals, dialect)
    if "unit_id" in totals.keys:
        return statements
    return [
        f"CREATE POLICY statistics_readers ON {totals.table} FOR SELECT TO {APP_ROLE} "
        f"USING ({ADMINISTRATORS})"
        if statement.startswith("CREATE POLICY")
        else statement
        for statement in statements
    ]


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _create_facts(dialect == "postgresql")
    for totals in TOTALS:
        _create_totals(totals)
        for statement in _keeping(totals, dialect):
            op.execute(statement)
        kept_totals.recount(bind, totals)


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
