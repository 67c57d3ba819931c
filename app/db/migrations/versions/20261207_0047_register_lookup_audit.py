"""the audit log takes the register look-ups' rows (issue 24)

PostgreSQL only (on SQLite this does nothing): 0039's arendestod_audit_admit, as 0046 left
it, with "register_lookup" (app.registers.lookups: who asked the registers about which
person, why and when) added to its vocabulary, so that a look-up's audit row is not refused.
Made by 0046's `_admit` (0045's with the intake's entities), loaded from its file as 0045
loads 0039's.

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-07 17:00:00
"""


from alembic import op

from app.db.migrate import earlier_migration

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None

AUDIT_ENTITIES = ("register_lookup",)


def _migration_0046():
    """Migration 0046, whose `_admit` gives 0039's function with 0045's and 0046's entities
    and those passed to it."""
    return earlier_migration("20261207_0046_intake_deliveries.py")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    earlier = _migration_0046()
    op.execute(earlier._admit((*earlier.AUDIT_ENTITIES, *AUDIT_ENTITIES)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    earlier = _migration_0046()
    op.execute(earlier._admit(earlier.AUDIT_ENTITIES))
