"""the chef's Ärendegenomgång kept per case (issue 21)

The chef's page computed every indicator of a unit's 2 000 cases from a dozen tables at each
opening; where the file is encrypted and read cold that was ~23 000 pages at 100 000
households (a page per case per index: the cases' ids are random UUIDs), the first opening
0.9–1.2 s. case_review_facts keeps what the review computed per case, keyed by unit first
(SQLite: WITHOUT ROWID, a unit's rows lie together), valid for the Swedish date and settings
it was computed for and until a source row changes: triggers on every table the computation
reads clear the cases' rows (app.cases.review_facts). Created empty: the caseload fills it
as it reads.

PostgreSQL: the app role reads the rows of the cases it sees, only a chef of the case's
unit writes them, nobody but the owner's triggers clears them.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07 11:00:00
"""

import sqlalchemy as sa
from alembic import op

from app.cases import review_facts

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None

TABLE = "case_review_facts"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("basis", sa.String(length=80), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_case_review_facts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("unit_id", "case_id", name=op.f("pk_case_review_facts")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_case_review_facts_case", TABLE, ["case_id"])
    # PostgreSQL's triggers as this migration made them, a row at a time (0043 replaced them)
    for statement in review_facts.upgrade_sql(
        op.get_bind().dialect.name, per_statement=False, tables=review_facts.FIRST_SOURCES
    ):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for statement in review_facts.downgrade_sql(dialect, review_facts.FIRST_SOURCES):
        op.execute(statement)
    if dialect == "postgresql":
        for policy in ("case_readers", "chef_writers", "chef_updaters"):
            op.execute(f"DROP POLICY IF EXISTS {policy} ON {TABLE}")
    op.drop_index("ix_case_review_facts_case", table_name=TABLE)
    op.drop_table(TABLE)
