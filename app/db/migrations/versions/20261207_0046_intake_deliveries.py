"""the inbox of applications from the e-service (issue 24)

intake_deliveries: every file the e-service delivers, kept whole (app.models.intake). On
PostgreSQL:

- row-level security: staff (handläggare, chef) read, take in and update only their own
  unit's deliveries; administrators and other units see nothing; nothing is deleted
  (DELETE is not granted);
- `received_at` is the server's time (a BEFORE INSERT trigger), not the workstation's;
- what the e-service delivered (the bytes, their checksum, name, ids, unit, applicant)
  never changes: an update changes the status and the reason only (the same trigger),
  for the owner too;
- every write audited by the server (0014's `arendestod_audit_rows`);
- the audit log's vocabulary (0039's, extended by 0045) takes the program's word for it.

Revision ID: 0046
Revises: 0045
Create Date: 2026-12-07 17:00:00
"""


import sqlalchemy as sa
from alembic import op

from app.db.migrate import earlier_migration

revision = "0046"
down_revision = "0045"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
TABLE = "intake_deliveries"
AUDIT_ENTITIES = ("intake_delivery", "intake_deliveries")
NOT_QUARANTINED = "status <> 'karantan' AND application_id IS NOT NULL"

OWN_UNIT = "(SELECT arendestod_is_staff()) AND unit_id = (SELECT arendestod_user_unit())"
POLICIES = (
    ("intake_read", "SELECT", f"USING ({OWN_UNIT})"),
    ("intake_take_in", "INSERT", f"WITH CHECK ({OWN_UNIT})"),
    ("intake_change", "UPDATE", f"USING ({OWN_UNIT}) WITH CHECK ({OWN_UNIT})"),
)

KEPT = "Det som e-tjänsten lämnade ändras inte; bara status och skäl kan ändras."
GUARD = f"""
CREATE FUNCTION arendestod_guard_intake() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.received_at := pg_catalog.now();
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - ARRAY['status', 'reason'])
       IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'reason']) THEN
        RAISE EXCEPTION '{KEPT}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
"""


def _admit(entities: tuple[str, ...]) -> str:
    """Migration 0045's vocabulary (0039's function and 0045's words) with `entities`."""
    module = earlier_migration("20261207_0045_after_decision_server_rules.py")
    return module._admit((*module.AUDIT_ENTITIES, *entities))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("e_service", sa.String(length=64), nullable=True),
        sa.Column("application_id", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "mottagen", "karantan", "tagen", name="deliverystatus", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("applicant_digits", sa.String(length=12), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_intake_deliveries_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_deliveries")),
        sa.UniqueConstraint("sha256", name=op.f("uq_intake_deliveries_sha256")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            "ux_intake_deliveries_application",
            ["e_service", "application_id"],
            unique=True,
            sqlite_where=sa.text(NOT_QUARANTINED),
            postgresql_where=sa.text(NOT_QUARANTINED),
        )
        batch_op.create_index(
            "ix_intake_deliveries_unit_status", ["unit_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_intake_deliveries_applicant", ["applicant_digits"], unique=False
        )
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"REVOKE ALL ON {TABLE} FROM PUBLIC")
    # 0008's default privileges grant DELETE too: nothing delivered is ever removed
    op.execute(f"REVOKE DELETE ON {TABLE} FROM {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE ON {TABLE} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    for policy, command, clauses in POLICIES:
        op.execute(f"CREATE POLICY {policy} ON {TABLE} FOR {command} TO {APP_ROLE} {clauses}")
    op.execute(GUARD)
    op.execute("REVOKE ALL ON FUNCTION arendestod_guard_intake() FROM PUBLIC")
    op.execute(
        f"CREATE TRIGGER guard_intake BEFORE INSERT OR UPDATE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_guard_intake()"
    )
    for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {TABLE} "
            f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION arendestod_audit_rows()"
        )
    op.execute(_admit(AUDIT_ENTITIES))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_admit(()))
        op.execute(f"DROP TABLE {TABLE}")
        op.execute("DROP FUNCTION IF EXISTS arendestod_guard_intake()")
        return
    op.drop_table(TABLE)
