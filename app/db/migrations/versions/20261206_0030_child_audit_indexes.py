"""indexes for the statistics' audit of the children's documentation (issue 21)

Both dialects: two partial indexes on `decisions` led by decided_on, for the signed decisions
that are not full bifall (seed 004's audit, app/statistics/statistics.py
`_child_documentation`). `ix_decisions_audit_unnamed` holds those that name no child (no
consideration, no BKA): the statistics count them per month and child's sex from the index
alone, without reading the wide rows (consideration texts, calculation, letter).
`ix_decisions_audit_named` finds the others, whose texts must be read, by the period.
The predicates are the statistics' conditions word for word (with the constants written
out), so that both planners can use the indexes.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06 20:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

AUDITED = "signed_at IS NOT NULL AND outcome != 'bifall'"
UNNAMED = "child_consideration IN ('', '{}') AND bka_form_id IS NULL"
INDEXES = (
    # (name, columns, partial)
    (
        "ix_decisions_audit_unnamed",
        ["decided_on", "case_id", "period_start", "period_end", "id"],
        f"{AUDITED} AND {UNNAMED}",
    ),
    ("ix_decisions_audit_named", ["decided_on", "case_id"], f"{AUDITED} AND NOT ({UNNAMED})"),
)


def upgrade() -> None:
    for name, columns, partial in INDEXES:
        where = sa.text(partial)
        op.create_index(name, "decisions", columns, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, *_ in reversed(INDEXES):
        op.drop_index(name, table_name="decisions")
