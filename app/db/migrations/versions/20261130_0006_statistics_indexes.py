"""statistics indexes

Covering indexes for the chef's statistics (app.services.statistics), measured on the
100 000-household benchmark database (year statistics of a unit of ~50 000 households):

- cases (unit_id, id, household_id): the unit's cases and their households without reading
  the table; every statistics query limits itself to them.
- household_members (household_id, sort_order, role, visiting_child, member_from,
  member_until, person_id): the memberships in order without reading the table; it replaces
  the index on household_id alone.
- persons (id, sex, birth_date): sex and birth date of the members.
- support_barriers (case_id, person_id, code, month): försörjningshinder per case, person and
  code; it replaces the index on case_id alone.

Plain CREATE/DROP INDEX: no table is recreated.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 06:30:00
"""

from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_cases_unit_household', 'cases', ['unit_id', 'id', 'household_id'])
    op.create_index(
        'ix_household_members_cover',
        'household_members',
        ['household_id', 'sort_order', 'role', 'visiting_child', 'member_from', 'member_until',
         'person_id'],
    )
    op.drop_index('ix_household_members_household_id', table_name='household_members')
    op.create_index('ix_persons_sex_birth', 'persons', ['id', 'sex', 'birth_date'])
    op.create_index(
        'ix_support_barriers_case_cover',
        'support_barriers',
        ['case_id', 'person_id', 'code', 'month'],
    )
    op.drop_index('ix_support_barriers_case_id', table_name='support_barriers')


def downgrade() -> None:
    op.create_index('ix_support_barriers_case_id', 'support_barriers', ['case_id'])
    op.drop_index('ix_support_barriers_case_cover', table_name='support_barriers')
    op.drop_index('ix_persons_sex_birth', table_name='persons')
    op.create_index('ix_household_members_household_id', 'household_members', ['household_id'])
    op.drop_index('ix_household_members_cover', table_name='household_members')
    op.drop_index('ix_cases_unit_household', table_name='cases')
