"""binary collation for search keys on PostgreSQL

persons.personal_number, first_name_key and last_name_key are machine-made keys searched
with prefix ranges (`key >= 'and' AND key < 'and' || U+10FFFF`, app.services.case_search)
and read in key order. SQLite compares them code point by code point; PostgreSQL uses the
database's collation, and with sv_SE.UTF-8 (glibc) the range finds nothing. "C" compares
bytes (= code point order in UTF-8) and the indexes on the columns are rebuilt with it.

Nothing to do on SQLite.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 07:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

COLUMNS = (('personal_number', 12), ('first_name_key', 100), ('last_name_key', 100))


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, length in COLUMNS:
        op.alter_column(
            'persons',
            name,
            type_=sa.String(length, collation='C'),
            existing_type=sa.String(length),
            existing_nullable=False,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, length in COLUMNS:
        op.alter_column(
            'persons',
            name,
            type_=sa.String(length, collation='default'),
            existing_type=sa.String(length, collation='C'),
            existing_nullable=False,
        )
