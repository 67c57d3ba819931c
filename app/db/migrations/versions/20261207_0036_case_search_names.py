"""the unit's name index, kept by the database (issue 21)

A name search read every person of the name in the municipality, 600 at a time in name
order, and asked which of them had a case in the user's unit; for a surname whose open
cases in a small unit are fewer than the 200 shown, that meant every batch (PostgreSQL,
100 000 households: 150–230 ms from Enter to the hits painted, target 50).

case_search_names holds one row per case and member of its household with the member's
search keys, the case's unit, number and whether it is closed; the search reads the user's
unit's rows in the order it shows them and stops at 200 (app.cases.case_search). Kept by
triggers on cases, household_members and persons (app.cases.name_index); filled here.
PostgreSQL: the app role may only read it, its own unit's rows, a protected household's
only where the cases policy shows the case.

The persons' name indexes (migration 0008), which only the name search read, are dropped.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 01:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.cases import name_index

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

TABLE = "case_search_names"
ORDER = ["case_number", "case_id", "person_id"]
PERSON_NAME_INDEXES = {
    # migration 0008's, which only the name search read
    "ix_persons_last_first": ["last_name_key", "first_name_key", "id"],
    "ix_persons_first_last": ["first_name_key", "last_name_key", "id"],
}


def _key() -> sa.types.TypeEngine:
    # app.models.base.key_string: code point order on PostgreSQL too
    return sa.String(length=100).with_variant(sa.String(length=100, collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("household_id", sa.Uuid(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("case_number", sa.String(length=20), nullable=False),
        sa.Column("last_name_key", _key(), nullable=False),
        sa.Column("first_name_key", _key(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_search_names_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_case_search_names_person_id_persons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "person_id", name=op.f("pk_case_search_names")),
    )
    name_index.rebuild(op.get_bind())
    for name, names in (
        ("ix_case_search_names_last", ["last_name_key", "first_name_key"]),
        ("ix_case_search_names_first", ["first_name_key", "last_name_key"]),
    ):
        op.create_index(name, TABLE, ["unit_id", "closed", *names, *ORDER])
    op.create_index("ix_case_search_names_person", TABLE, ["person_id"])
    for statement in name_index.upgrade_sql(op.get_bind().dialect.name):
        op.execute(statement)
    for name in PERSON_NAME_INDEXES:
        op.drop_index(name, table_name="persons")


def downgrade() -> None:
    for statement in name_index.downgrade_sql(op.get_bind().dialect.name):
        op.execute(statement)
    op.drop_table(TABLE)
    for name, columns in PERSON_NAME_INDEXES.items():
        op.create_index(name, "persons", columns, postgresql_include=["protected_identity"])
