"""the server's audit rows written once per statement

PostgreSQL only. Migration 0008 wrote the server's own audit row for every insert, update
and delete of case content from a row-level trigger: ~100 µs a row, the largest part of a
laptop's check-in (10 000 rows: 1 s). The same rows are now written by statement-level
triggers reading the statement's transition table: one INSERT … SELECT per statement,
however many rows it changed. What is logged does not change.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 11:20:00
"""

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

AUDITED_TABLES = (
    'cases',
    'applications',
    'case_status_changes',
    'journal_entries',
    'plans',
    'support_barriers',
    'decisions',
    'follow_up_tasks',
    'forms',
    'plan_items',
    'decision_items',
    'households',
    'household_members',
    'persons',
    'case_leases',
)
"""The tables of migration 0008's audit trigger, and case_leases (migration 0009)."""

STATEMENT_FUNCTION = """
CREATE FUNCTION arendestod_audit_rows() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    who uuid := arendestod_user_id();
BEGIN
    INSERT INTO audit_log (id, at, user_id, case_id, person_id, action, entity, entity_id,
                           detail)
    SELECT
        gen_random_uuid(),
        now(),
        who,
        -- a deleted case or person is no longer there to refer to (foreign keys)
        CASE WHEN TG_TABLE_NAME <> 'cases' THEN (item ->> 'case_id')::uuid
             WHEN TG_OP <> 'DELETE' THEN (item ->> 'id')::uuid END,
        CASE WHEN TG_TABLE_NAME <> 'persons' THEN (item ->> 'person_id')::uuid
             WHEN TG_OP <> 'DELETE' THEN (item ->> 'id')::uuid END,
        'db_' || lower(TG_OP),
        TG_TABLE_NAME,
        (item ->> 'id')::uuid,
        'databasroll ' || session_user
    FROM (SELECT to_jsonb(r) AS item FROM changed_rows AS r) AS changed;
    RETURN NULL;
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(STATEMENT_FUNCTION)
    op.execute('REVOKE ALL ON FUNCTION arendestod_audit_rows() FROM PUBLIC')
    for table in AUDITED_TABLES:
        op.execute(f'DROP TRIGGER audit_write ON {table}')
        for event, rows in (('INSERT', 'NEW'), ('UPDATE', 'NEW'), ('DELETE', 'OLD')):
            op.execute(
                f'CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {table} '
                f'REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT '
                'EXECUTE FUNCTION arendestod_audit_rows()'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in AUDITED_TABLES:
        for event in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS audit_{event} ON {table}')
        op.execute(
            f'CREATE TRIGGER audit_write AFTER INSERT OR UPDATE OR DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_write()'
        )
    op.execute('DROP FUNCTION IF EXISTS arendestod_audit_rows()')
