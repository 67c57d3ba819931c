"""a unit's kommunkod, for the individual data of Socialstyrelsen's statistics

Socialstyrelsen's register over ekonomiskt bistånd identifies the municipality by its
four-digit kommunkod (the variable list: "Kommun – fyrsiffrig kod, varav de två första anger
län"; the codes are SCB's). The program had the municipality's name only (units.municipality,
printed on letters). `municipality_code` is the code of the municipality a unit decides for;
empty until IT gives it (the configuration file's unit.municipality_code for the first unit,
`arendestod unit set-municipality-code` for any unit). The export of individual data refuses
a unit without one.

On PostgreSQL the column falls under migration 0017's rules for units as it stands: read by
every active user, written by an active administrator or the owner, every change audited by
the server.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.add_column(
            sa.Column('municipality_code', sa.String(length=4), nullable=False, server_default='')
        )


def downgrade() -> None:
    with op.batch_alter_table('units') as batch:
        batch.drop_column('municipality_code')
