"""the audit log takes the register look-ups' rows (issue 24)

PostgreSQL only (on SQLite this does nothing): 0039's arendestod_audit_admit, as 0045 left
it, with "register_lookup" (app.registers.lookups: who asked the registers about which
person, why and when) added to its vocabulary, so that a look-up's audit row is not refused.
Made by 0045's `_admit`, loaded from its file as 0045 loads 0039's.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07 17:00:00
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

AUDIT_ENTITIES = ("register_lookup",)


def _migration_0045():
    path = Path(__file__).with_name("20261207_0045_after_decision_server_rules.py")
    spec = importlib.util.spec_from_file_location("after_decision_server_rules_0045", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    earlier = _migration_0045()
    op.execute(earlier._admit((*earlier.AUDIT_ENTITIES, *AUDIT_ENTITIES)))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    earlier = _migration_0045()
    op.execute(earlier._admit(earlier.AUDIT_ENTITIES))
