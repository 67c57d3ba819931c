"""case leases (check-out for hembesök)

A case taken along on a laptop's offline replica has an active lease (ended_at NULL; at most
one per case, a partial unique index). While it is active the case is read-only everywhere
else (app.services.leases).

On PostgreSQL the table is under the same row-level security as the case it belongs to,
and the server logs its writes like those of other case tables (migration 0008).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 10:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'


def upgrade() -> None:
    op.create_table(
        'case_leases',
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('holder_id', sa.Uuid(), nullable=False),
        sa.Column('replica_id', sa.Uuid(), nullable=False),
        sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_by', sa.Uuid(), nullable=True),
        sa.Column(
            'end_reason',
            sa.Enum('incheckad', 'aterkallad', name='leaseend', native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.Uuid(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_leases_case_id_cases')),
        sa.ForeignKeyConstraint(['holder_id'], ['users.id'], name=op.f('fk_case_leases_holder_id_users')),
        sa.ForeignKeyConstraint(['ended_by'], ['users.id'], name=op.f('fk_case_leases_ended_by_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_case_leases')),
    )
    with op.batch_alter_table('case_leases', schema=None) as batch_op:
        batch_op.create_index(
            'uq_case_leases_active_case',
            ['case_id'],
            unique=True,
            sqlite_where=sa.text('ended_at IS NULL'),
            postgresql_where=sa.text('ended_at IS NULL'),
        )
        batch_op.create_index('ix_case_leases_holder_ended', ['holder_id', 'ended_at'], unique=False)
    if op.get_bind().dialect.name != 'postgresql':
        return
    visible = 'EXISTS (SELECT 1 FROM cases c WHERE c.id = case_leases.case_id)'
    op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON case_leases TO {APP_ROLE}')
    op.execute('ALTER TABLE case_leases ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY case_access ON case_leases FOR ALL TO {APP_ROLE} '
        f'USING ({visible}) WITH CHECK ({visible})'
    )
    op.execute(
        'CREATE TRIGGER audit_write AFTER INSERT OR UPDATE OR DELETE ON case_leases '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_write()'
    )


def downgrade() -> None:
    op.drop_table('case_leases')
