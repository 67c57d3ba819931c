"""the kind of bistånd an application is for

A new decision takes the period and the kind of the case's oldest undecided application, and
signing decides the applications of that kind whose period it covers (issue 19, defect 12).
Applications so far were all for försörjningsstöd (the only kind the program registered):
they get that kind.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 18:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

KIND = sa.Enum(
    'forsorjningsstod',
    'livsforing_ovrigt',
    'utover_ratten',
    name='decisionkind',
    native_enum=False,
    length=30,
)


def upgrade() -> None:
    op.add_column(
        'applications',
        sa.Column('kind', KIND, nullable=False, server_default='forsorjningsstod'),
    )


def downgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('kind')
