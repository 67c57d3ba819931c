"""norm tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:08:30.842326
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('norm_tables',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('table_json', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.Uuid(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['published_by'], ['users.id'], name=op.f('fk_norm_tables_published_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_norm_tables')),
    sa.UniqueConstraint('year', name=op.f('uq_norm_tables_year'))
    )



def downgrade() -> None:

    op.drop_table('norm_tables')

