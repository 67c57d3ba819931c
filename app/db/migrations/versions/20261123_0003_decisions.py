"""decisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:57:27.474838
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('delegations',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('forsorjningsstod', 'livsforing_ovrigt', 'utover_ratten', name='decisionkind', native_enum=False, length=30), nullable=False),
    sa.Column('max_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_delegations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegations')),
    sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_delegations_user_id'))
    )
    op.create_table('decisions',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('forsorjningsstod', 'livsforing_ovrigt', 'utover_ratten', name='decisionkind', native_enum=False, length=30), nullable=False),
    sa.Column('outcome', sa.Enum('bifall', 'delvis_bifall', 'avslag', 'avvisning', name='outcome', native_enum=False, length=30), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('norm_year', sa.Integer(), nullable=True),
    sa.Column('calculation_json', sa.Text(), nullable=False),
    sa.Column('income_counted', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('granted_total', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('legal_references', sa.Text(), nullable=False),
    sa.Column('include_appeal', sa.Boolean(), nullable=False),
    sa.Column('child_consideration', sa.Text(), nullable=False),
    sa.Column('bka_form_id', sa.Uuid(), nullable=True),
    sa.Column('child_summary', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('decided_by', sa.Uuid(), nullable=True),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('letter_pdf', sa.LargeBinary(), nullable=True),
    sa.Column('letter_sha256', sa.String(length=64), nullable=True),
    sa.Column('replaces_id', sa.Uuid(), nullable=True),
    sa.Column('executed_on', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_decisions_author_id_users')),
    sa.ForeignKeyConstraint(['bka_form_id'], ['forms.id'], name=op.f('fk_decisions_bka_form_id_forms')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_decisions_case_id_cases')),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_decisions_decided_by_users')),
    sa.ForeignKeyConstraint(['replaces_id'], ['decisions.id'], name=op.f('fk_decisions_replaces_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decisions'))
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index('ix_decisions_case_period', ['case_id', 'period_start'], unique=False)

    op.create_table('decision_items',
    sa.Column('decision_id', sa.Uuid(), nullable=False),
    sa.Column('item_type', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('applied', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('proposed', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('granted', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('motivation', sa.Text(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['decision_id'], ['decisions.id'], name=op.f('fk_decision_items_decision_id_decisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision_items'))
    )
    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_items_decision_id'), ['decision_id'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('decision_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_items_decision_id'))

    op.drop_table('decision_items')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index('ix_decisions_case_period')

    op.drop_table('decisions')
    op.drop_table('delegations')

