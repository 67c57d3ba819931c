"""the kept review facts cleared once per statement on PostgreSQL (issue 21)

Migration 0041's triggers on PostgreSQL ran for each row: the offline sync's check-in, which
writes a laptop's 10 000 journal entries in one statement per table, cleared the same 50
cases 10 000 times, ~0.4 ms each: check-in went from 2.4–2.9 s to 6.8 s (100 000
households). Now each source table's trigger runs once per statement over its transition
tables, and clears each case the changed rows name once (app.cases.review_facts,
`CHANGED_CASES`). Same names, same owner and search_path, same cases cleared. SQLite has no
statement-level triggers: its triggers stay as 0041 made them.

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07 12:00:00
"""

from alembic import op

from app.cases import review_facts

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None


def _replace(*, per_statement: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in review_facts.trigger_drop_sql(review_facts.FIRST_SOURCES):
        op.execute(statement)
    for statement in review_facts.trigger_sql(
        per_statement=per_statement, tables=review_facts.FIRST_SOURCES
    ):
        op.execute(statement)


def upgrade() -> None:
    _replace(per_statement=True)


def downgrade() -> None:
    _replace(per_statement=False)
