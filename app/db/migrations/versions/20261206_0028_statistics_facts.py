"""statistics kept per household and month, and per year

Issue 21: the chef's statistics recomputed every figure from the raw rows on each call (a
year of 100 000 households: 9.5 s). The facts they count are now kept (models in
app/models/statistics_fact.py, computed by app.statistics.facts, kept current in the
transaction of every change by app.statistics.fact_upkeep):

- statistics_month_facts: per case (household) and month in which it is in some group;
- statistics_year_facts: per case, calendar year and group, as in its last month in it;
- statistics_fact_state: the definition the facts were built with. A database that already
  has cases gets no row here: its facts are built by `arendestod stats rebuild` (app code,
  not a migration, so that the definitions stay in one place), and the statistics refuse
  until then. A database without cases has nothing to build and is marked built.

PostgreSQL: the fact tables are under row-level security like the case tables (a row is
visible, and writable, with its case: a handläggare her unit's cases, a chef her unit); the
state row is read by the application role and written only by the owner (the rebuild runs
as the owner, who is not subject to row-level security).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
DEFINITION_VERSION = 1
"""app.statistics.facts.DEFINITION_VERSION when this migration was written."""

MONTH_COLUMNS = (
    'sex', 'household_type', 'with_children', 'young', 'closing_reason', 'decision',
    'support', 'new', 'closed', 'long12', 'long36', 'support_months', 'granted',
    'granted_support', 'paid',
)
YEAR_COLUMNS = (
    'grp', 'sex', 'household_type', 'with_children', 'young', 'closing_reason',
    'support_months',
)
FACT_TABLES = ('statistics_month_facts', 'statistics_year_facts')


def _group_columns() -> list[sa.Column]:
    return [
        sa.Column('unit_id', sa.Uuid(), nullable=False),
        sa.Column('sex', sa.String(length=1), nullable=False),
        sa.Column('household_type', sa.String(length=2), nullable=False),
        sa.Column('with_children', sa.SmallInteger(), nullable=False),
        sa.Column('young', sa.SmallInteger(), nullable=False),
        sa.Column('closing_reason', sa.String(length=40), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        'statistics_month_facts',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('month', sa.Integer(), autoincrement=False, nullable=False),
        *_group_columns(),
        *(
            sa.Column(name, sa.SmallInteger(), nullable=False)
            for name in ('decision', 'support', 'new', 'closed', 'long12', 'long36')
        ),
        sa.Column('support_months', sa.Integer(), nullable=False),
        sa.Column('granted', sa.BigInteger(), nullable=False),
        sa.Column('granted_support', sa.BigInteger(), nullable=False),
        sa.Column('paid', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'],
            name=op.f('fk_statistics_month_facts_case_id_cases'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['units.id'], name=op.f('fk_statistics_month_facts_unit_id_units')
        ),
        sa.PrimaryKeyConstraint('case_id', 'month', name=op.f('pk_statistics_month_facts')),
    )
    op.create_index(
        'ix_statistics_month_facts_unit', 'statistics_month_facts',
        ['unit_id', 'month', *MONTH_COLUMNS],
    )
    op.create_index(
        'ix_statistics_month_facts_month', 'statistics_month_facts', ['month', *MONTH_COLUMNS]
    )
    op.create_table(
        'statistics_year_facts',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('grp', sa.String(length=10), nullable=False),
        *_group_columns(),
        sa.Column('support_months', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['cases.id'],
            name=op.f('fk_statistics_year_facts_case_id_cases'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['unit_id'], ['units.id'], name=op.f('fk_statistics_year_facts_unit_id_units')
        ),
        sa.PrimaryKeyConstraint('case_id', 'year', 'grp', name=op.f('pk_statistics_year_facts')),
    )
    op.create_index(
        'ix_statistics_year_facts_unit', 'statistics_year_facts',
        ['unit_id', 'year', *YEAR_COLUMNS],
    )
    op.create_index(
        'ix_statistics_year_facts_year', 'statistics_year_facts', ['year', *YEAR_COLUMNS]
    )
    op.create_table(
        'statistics_fact_state',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('definition_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statistics_fact_state')),
    )
    op.execute(
        'INSERT INTO statistics_fact_state (id, definition_version) '
        f'SELECT 1, {DEFINITION_VERSION} WHERE NOT EXISTS (SELECT 1 FROM cases)'
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in FACT_TABLES:
        op.execute(f'REVOKE ALL ON {table} FROM PUBLIC')
        op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}')
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        visible = f'EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {table}.case_id)'
        op.execute(
            f'CREATE POLICY case_access ON {table} FOR ALL TO {APP_ROLE} '
            f'USING ({visible}) WITH CHECK ({visible} AND unit_id = '
            f'(SELECT c.unit_id FROM public.cases c WHERE c.id = {table}.case_id))'
        )
    op.execute('REVOKE ALL ON statistics_fact_state FROM PUBLIC')
    op.execute(f'REVOKE ALL ON statistics_fact_state FROM {APP_ROLE}')
    op.execute(f'GRANT SELECT ON statistics_fact_state TO {APP_ROLE}')


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in FACT_TABLES:
            op.execute(f'DROP POLICY IF EXISTS case_access ON {table}')
    op.drop_table('statistics_fact_state')
    op.drop_index('ix_statistics_year_facts_year', table_name='statistics_year_facts')
    op.drop_index('ix_statistics_year_facts_unit', table_name='statistics_year_facts')
    op.drop_table('statistics_year_facts')
    op.drop_index('ix_statistics_month_facts_month', table_name='statistics_month_facts')
    op.drop_index('ix_statistics_month_facts_unit', table_name='statistics_month_facts')
    op.drop_table('statistics_month_facts')
