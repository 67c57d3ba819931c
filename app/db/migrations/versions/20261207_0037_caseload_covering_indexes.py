"""indexes that answer the chef's caseload by case without reading the tables' rows (issue 21)

The chef's first Ctrl+G at 100 000 households read the forms table from end to end (the
signed barnkonsekvensanalyser were looked up by the decisions' form ids, scattered over the
whole register, and SQLite chose a scan: 250–340 ms warm), and each plan of the unit's cases
from its own page of the table. An encrypted file decrypts every page it reads, so a page
per row is what a first opening waits for.

- forms: (case_id, form_key, signed_at, id) instead of (case_id): the signed FIA and BKA
  forms of a case are one stretch of the index, and every read by case still has its index.
- plans: (case_id, closed_on, start_on, follow_up_on, id) instead of (case_id): the plans in
  force are read from the index alone.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-07 05:00:00
"""

from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

REPLACED = (
    # table, old index and its columns, new index and its columns
    ("forms", "ix_forms_case", ["case_id"],
     "ix_forms_case_kind", ["case_id", "form_key", "signed_at", "id"]),
    ("plans", "ix_plans_case_id", ["case_id"],
     "ix_plans_case_cover", ["case_id", "closed_on", "start_on", "follow_up_on", "id"]),
)  # fmt: skip


def upgrade() -> None:
    for table, old, _old_columns, new, columns in REPLACED:
        op.create_index(new, table, columns)
        op.drop_index(old, table_name=table)


def downgrade() -> None:
    for table, old, old_columns, new, _columns in REPLACED:
        op.create_index(old, table, old_columns)
        op.drop_index(new, table_name=table)
