"""a change counter per case, for pulling to laptops

- sync_pulled_cases (all databases; used on a laptop's replica): the server's counter of
  each case when it was last copied there.
- case_changes (PostgreSQL): every case's place in a server-wide change sequence, moved by
  statement-level triggers (transition tables: once per statement, however many rows) on
  every table a case's content lives in. A pull copies again only the leased cases whose
  counter moved (app.services.sync).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 11:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'

CASE_ID_TABLES = (
    'applications',
    'case_status_changes',
    'journal_entries',
    'plans',
    'support_barriers',
    'decisions',
    'follow_up_tasks',
    'forms',
)
"""Tables with a case_id column."""

CASES_OF_ROWS = {
    **{table: 'SELECT case_id FROM changed_rows' for table in CASE_ID_TABLES},
    'cases': 'SELECT id FROM changed_rows',
    'plan_items': 'SELECT p.case_id FROM changed_rows r JOIN plans p ON p.id = r.plan_id',
    'decision_items': (
        'SELECT d.case_id FROM changed_rows r JOIN decisions d ON d.id = r.decision_id'
    ),
    'household_members': (
        'SELECT c.id FROM changed_rows r JOIN cases c ON c.household_id = r.household_id'
    ),
    'households': 'SELECT c.id FROM changed_rows r JOIN cases c ON c.household_id = r.id',
    'persons': (
        'SELECT c.id FROM changed_rows r JOIN household_members m ON m.person_id = r.id '
        'JOIN cases c ON c.household_id = m.household_id'
    ),
}
"""For each table: the cases its changed rows belong to."""


def _function(table: str) -> str:
    return f"""
CREATE FUNCTION arendestod_case_changes_{table}() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    INSERT INTO case_changes (case_id, seq)
    SELECT changed.case_id, nextval('case_change_counter')
    FROM (SELECT DISTINCT x.case_id FROM ({CASES_OF_ROWS[table]}) AS x(case_id)
          WHERE x.case_id IS NOT NULL) AS changed
    WHERE EXISTS (SELECT 1 FROM cases c WHERE c.id = changed.case_id)
    ON CONFLICT (case_id) DO UPDATE SET seq = EXCLUDED.seq;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    op.create_table(
        'sync_pulled_cases',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('server_seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_sync_pulled_cases')),
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'REVOKE ALL ON sync_pulled_cases FROM {APP_ROLE}')
    op.execute('CREATE SEQUENCE case_change_counter')
    op.execute(
        'CREATE TABLE case_changes ('
        'case_id uuid PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE, '
        'seq bigint NOT NULL)'
    )
    op.execute(
        "INSERT INTO case_changes (case_id, seq) "
        "SELECT id, nextval('case_change_counter') FROM cases"
    )
    visible = 'EXISTS (SELECT 1 FROM cases c WHERE c.id = case_changes.case_id)'
    op.execute(f'GRANT SELECT ON case_changes TO {APP_ROLE}')
    op.execute('ALTER TABLE case_changes ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY case_access ON case_changes FOR SELECT TO {APP_ROLE} USING ({visible})'
    )
    for table in CASES_OF_ROWS:
        op.execute(_function(table))
        op.execute(f'REVOKE ALL ON FUNCTION arendestod_case_changes_{table}() FROM PUBLIC')
        for event, rows in (('INSERT', 'NEW'), ('UPDATE', 'NEW'), ('DELETE', 'OLD')):
            op.execute(
                f'CREATE TRIGGER case_changes_{event.lower()} AFTER {event} ON {table} '
                f'REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT '
                f'EXECUTE FUNCTION arendestod_case_changes_{table}()'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in CASES_OF_ROWS:
            for event in ('insert', 'update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS case_changes_{event} ON {table}')
            op.execute(f'DROP FUNCTION IF EXISTS arendestod_case_changes_{table}()')
        op.execute('DROP TABLE IF EXISTS case_changes')
        op.execute('DROP SEQUENCE IF EXISTS case_change_counter')
    op.drop_table('sync_pulled_cases')
