"""offline sync tables

- sync_outbox: on a laptop's replica, the rows written offline, in order, until the server
  has them (app.services.outbox).
- sync_applied_changes: on the server, the change ids already taken care of, so that a push
  repeated after a crash applies nothing twice (app.services.sync).
- sync_conflicts: on the server, a field changed both at the office and on the laptop; the
  laptop's value waits here for a person to choose.

On PostgreSQL: applied changes are each user's own; conflicts are visible with their case
(row-level security as in migration 0008).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 11:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
USER_ID = '(SELECT arendestod_user_id())'


def upgrade() -> None:
    op.create_table(
        'sync_outbox',
        sa.Column('seq', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('change_id', sa.Uuid(), nullable=False),
        sa.Column('table_name', sa.String(length=60), nullable=False),
        sa.Column('row_id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=True),
        sa.Column('operation', sa.String(length=10), nullable=False),
        sa.Column('base_version', sa.Integer(), nullable=True),
        sa.Column('fields_json', sa.Text(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('made_by', sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_sync_outbox')),
        sa.UniqueConstraint('change_id', name=op.f('uq_sync_outbox_change_id')),
    )
    op.create_table(
        'sync_applied_changes',
        sa.Column('change_id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('replica_id', sa.Uuid(), nullable=False),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sync_applied_changes_user_id_users')),
        sa.PrimaryKeyConstraint('change_id', name=op.f('pk_sync_applied_changes')),
    )
    with op.batch_alter_table('sync_applied_changes', schema=None) as batch_op:
        batch_op.create_index('ix_sync_applied_changes_user_at', ['user_id', 'applied_at'], unique=False)
    op.create_table(
        'sync_conflicts',
        sa.Column('change_id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=True),
        sa.Column('table_name', sa.String(length=60), nullable=False),
        sa.Column('row_id', sa.Uuid(), nullable=False),
        sa.Column('field', sa.String(length=60), nullable=False),
        sa.Column('base_json', sa.Text(), nullable=True),
        sa.Column('server_json', sa.Text(), nullable=True),
        sa.Column('replica_json', sa.Text(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('made_by', sa.Uuid(), nullable=False),
        sa.Column('made_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            'status',
            sa.Enum('oppen', 'server', 'replika', name='conflictstatus', native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column('resolved_by', sa.Uuid(), nullable=True),
        sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Uuid(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sync_conflicts_case_id_cases')),
        sa.ForeignKeyConstraint(['made_by'], ['users.id'], name=op.f('fk_sync_conflicts_made_by_users')),
        sa.ForeignKeyConstraint(['resolved_by'], ['users.id'], name=op.f('fk_sync_conflicts_resolved_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_conflicts')),
    )
    with op.batch_alter_table('sync_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_sync_conflicts_case_status', ['case_id', 'status'], unique=False)
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(f'GRANT SELECT, INSERT ON sync_applied_changes TO {APP_ROLE}')
    op.execute(f'REVOKE UPDATE, DELETE ON sync_applied_changes FROM {APP_ROLE}')
    op.execute('ALTER TABLE sync_applied_changes ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY own_changes ON sync_applied_changes FOR ALL TO {APP_ROLE} '
        f'USING (user_id = {USER_ID}) WITH CHECK (user_id = {USER_ID})'
    )
    visible = 'EXISTS (SELECT 1 FROM cases c WHERE c.id = sync_conflicts.case_id)'
    op.execute(f'GRANT SELECT, INSERT, UPDATE ON sync_conflicts TO {APP_ROLE}')
    op.execute(f'REVOKE DELETE ON sync_conflicts FROM {APP_ROLE}')
    op.execute('ALTER TABLE sync_conflicts ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY case_access ON sync_conflicts FOR ALL TO {APP_ROLE} '
        f'USING ({visible}) WITH CHECK ({visible})'
    )
    # the replica's table has no use on the server: application roles may not touch it
    op.execute(f'REVOKE ALL ON sync_outbox FROM {APP_ROLE}')


def downgrade() -> None:
    op.drop_table('sync_conflicts')
    op.drop_table('sync_applied_changes')
    op.drop_table('sync_outbox')
