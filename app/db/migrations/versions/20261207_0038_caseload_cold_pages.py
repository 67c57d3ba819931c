"""indexes that let the chef's first caseload of a process read fewer pages (issue 21)

An encrypted SQLite file decrypts and checks every page it reads (~20 µs a page on the
benchmark machine), and the first caseload of a process reads its pages from the file: the
2 000 cases of a unit sit in random id order, so every table or index read costs about a
page per case, and a read that goes on to the table's rows a page per row more. At 100 000
households the first opening read 30 400 pages (~0.6 s of the 1.4 s); these cut the reads
that still went to the table or through a larger index than they need:

- cases (unit_id, status, case_number, responsible_user_id, opened_on, id): the unit's open
  cases from the index alone, one stretch of it, not a table page per case (1 850 pages at
  100 000 households). Beside (unit_id, status), not instead: given only this one, SQLite
  planned the review status's count per handläggare through the handläggare index under a
  big register's statistics (tests/core/cases/test_caseload_review_plans.py).
- cases (id, household_id, status): the households and statuses of the cases by id without
  the table's row beside the primary key's entry.
- persons (id, first_name, last_name, personal_number, birth_date, sex, protected_identity):
  the members' names without a table page per person. (id, sex, birth_date) stays for the
  statistics, which read it whole and need nothing wider.
- applications (case_id, received_at, first_response_at) WHERE decided_on IS NULL: the few
  applications awaiting a decision, not every application of the case.
- SQLite only, plan_items (plan_id, due_on, description) WHERE done_on IS NULL AND due_on
  IS NOT NULL: the open steps' labels without the table. Not on PostgreSQL, whose index
  entries may not exceed 2 704 bytes (a step's description may be longer), and whose
  caseload is not waiting for pages (app.db.migrate.SQLITE_ONLY_INDEXES).

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

UNDECIDED = sa.text("decided_on IS NULL")
OPEN_STEPS = sa.text("done_on IS NULL AND due_on IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_cases_unit_caseload",
        "cases",
        ["unit_id", "status", "case_number", "responsible_user_id", "opened_on", "id"],
    )
    op.create_index("ix_cases_id_household", "cases", ["id", "household_id", "status"])
    op.create_index(
        "ix_persons_member_cover",
        "persons",
        [
            "id",
            "first_name",
            "last_name",
            "personal_number",
            "birth_date",
            "sex",
            "protected_identity",
        ],
    )
    op.create_index(
        "ix_applications_case_undecided",
        "applications",
        ["case_id", "received_at", "first_response_at"],
        sqlite_where=UNDECIDED,
        postgresql_where=UNDECIDED,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(
            "ix_plan_items_open_steps",
            "plan_items",
            ["plan_id", "due_on", "description"],
            sqlite_where=OPEN_STEPS,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_plan_items_open_steps", table_name="plan_items")
    op.drop_index("ix_applications_case_undecided", table_name="applications")
    op.drop_index("ix_persons_member_cover", table_name="persons")
    op.drop_index("ix_cases_id_household", table_name="cases")
    op.drop_index("ix_cases_unit_caseload", table_name="cases")
