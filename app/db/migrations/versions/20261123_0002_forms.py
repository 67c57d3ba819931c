"""forms

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:47:39.991463
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('form_definitions',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('definition_json', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_form_definitions_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_definitions')),
    sa.UniqueConstraint('key', 'version', name=op.f('uq_form_definitions_key'))
    )
    op.create_table('forms',
    sa.Column('definition_id', sa.Uuid(), nullable=False),
    sa.Column('form_key', sa.String(length=40), nullable=False),
    sa.Column('form_version', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=True),
    sa.Column('subject_user_id', sa.Uuid(), nullable=True),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('answers_json', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('signed_by', sa.Uuid(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('supersedes_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_forms_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_forms_case_id_cases')),
    sa.ForeignKeyConstraint(['definition_id'], ['form_definitions.id'], name=op.f('fk_forms_definition_id_form_definitions')),
    sa.ForeignKeyConstraint(['signed_by'], ['users.id'], name=op.f('fk_forms_signed_by_users')),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_forms_subject_user_id_users')),
    sa.ForeignKeyConstraint(['supersedes_id'], ['forms.id'], name=op.f('fk_forms_supersedes_id_forms')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_forms_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forms'))
    )
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.create_index('ix_forms_case', ['case_id'], unique=False)
        batch_op.create_index('ix_forms_subject', ['subject_user_id'], unique=False)

    op.create_table('follow_up_tasks',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=100), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('source_form_id', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_follow_up_tasks_case_id_cases')),
    sa.ForeignKeyConstraint(['source_form_id'], ['forms.id'], name=op.f('fk_follow_up_tasks_source_form_id_forms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_tasks'))
    )
    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_tasks_case_open', ['case_id', 'done_on'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('follow_up_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_tasks_case_open')

    op.drop_table('follow_up_tasks')
    with op.batch_alter_table('forms', schema=None) as batch_op:
        batch_op.drop_index('ix_forms_subject')
        batch_op.drop_index('ix_forms_case')

    op.drop_table('forms')
    op.drop_table('form_definitions')

