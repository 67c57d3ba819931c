"""the e-service's insert-only drop on the server, and the attachments kept (issue 24)

- intake_submissions: the files the e-service drops on the shared server, waiting to be
  collected (app.intake.server_intake). On PostgreSQL the group role `arendestod_eservice`
  (NOLOGIN; `db create-eservice-login` makes a login role member of it) may only
  `INSERT (delivery_key, filename, content)`: no read (not even RETURNING), no update, no
  delete, no other table; the server sets the id, `arrived_at` (now()), `e_service`
  (current_user) and `sha256` (a generated column). A file is at most 20 000 000 bytes
  (a CHECK; the schema's maximum for bilagor[].storlek).
  Unit staff read the submissions and delete one only once its bytes are kept in the inbox
  (a delivery or an attachment with the same SHA-256 that they can see): a submission is
  never removed without being taken in first. Staff do not insert submissions.
- intake_attachments: each attached file of a delivery, kept whole; staff read and insert
  those of their own unit's deliveries (the deliveries' policies decide), nobody updates
  or deletes. The server computes a file's SHA-256 itself, and keeps a file only as one the
  (unchangeable) document lists with that name, id, media type and SHA-256; a quarantined
  delivery also keeps other files, without an id (what came, as evidence). So nobody adds
  a document of her own to an applicant's application afterwards.
- arendestod_guard_intake: a delivery's received_at is the arrived_at of the submission
  with its bytes when there is one (the e-service's time of delivery, set by the server),
  else now(); a workstation still chooses no time.
- the e-service role gets no function: PUBLIC executes none of the schema's (every
  migration revokes it; tests/core/security/test_server_catalog.py sweeps for it).
- the audit log's vocabulary: 0047's with the submissions and attachments.

Revision ID: 0048
Revises: 0047
Create Date: 2026-12-07 18:00:00
"""


import sqlalchemy as sa
from alembic import op

from app.db.migrate import earlier_migration

revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
ESERVICE_ROLE = "arendestod_eservice"
SUBMISSIONS = "intake_submissions"
ATTACHMENTS = "intake_attachments"
MAX_BYTES = 20_000_000
AUDIT_ENTITIES = (
    "intake_submission",
    "intake_submissions",
    "intake_attachment",
    "intake_attachments",
)

STAFF = "(SELECT arendestod_is_staff())"
KEPT = (
    "EXISTS (SELECT FROM intake_deliveries d WHERE d.sha256 = intake_submissions.sha256) "
    "OR EXISTS (SELECT FROM intake_attachments a WHERE a.sha256 = intake_submissions.sha256)"
)
OWN_DELIVERY = (
    f"{STAFF} AND EXISTS (SELECT FROM intake_deliveries d WHERE d.id = "
    "intake_attachments.delivery_id)"
)
POLICIES = (
    (
        SUBMISSIONS,
        "submission_deliver",
        "INSERT",
        ESERVICE_ROLE,
        "WITH CHECK (e_service = current_user)",
    ),
    (SUBMISSIONS, "submission_read", "SELECT", APP_ROLE, f"USING ({STAFF})"),
    (SUBMISSIONS, "submission_collected", "DELETE", APP_ROLE, f"USING ({STAFF} AND ({KEPT}))"),
    (ATTACHMENTS, "attachment_read", "SELECT", APP_ROLE, f"USING ({OWN_DELIVERY})"),
    (ATTACHMENTS, "attachment_keep", "INSERT", APP_ROLE, f"WITH CHECK ({OWN_DELIVERY})"),
)

GUARD = """
CREATE OR REPLACE FUNCTION arendestod_guard_intake() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    arrived timestamptz;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(s.arrived_at) INTO arrived FROM public.intake_submissions s
            WHERE s.sha256 = NEW.sha256;
        NEW.received_at := coalesce(arrived, pg_catalog.now());
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - ARRAY['status', 'reason'])
       IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'reason']) THEN
        RAISE EXCEPTION '{kept}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
"""

ATTACHMENT_GUARD = """
CREATE OR REPLACE FUNCTION arendestod_guard_intake_attachment() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    delivery public.intake_deliveries%ROWTYPE;
    document jsonb;
BEGIN
    NEW.sha256 := encode(sha256(NEW.content), 'hex');
    SELECT * INTO delivery FROM public.intake_deliveries d WHERE d.id = NEW.delivery_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION '{refused}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.ref IS NULL AND delivery.status = 'karantan' THEN
        RETURN NEW;
    END IF;
    BEGIN
        document := convert_from(delivery.raw, 'UTF8')::jsonb;
    EXCEPTION WHEN others THEN
        document := NULL;
    END;
    IF jsonb_typeof(document -> 'bilagor') = 'array' AND EXISTS (
        SELECT FROM jsonb_array_elements(document -> 'bilagor') b
        WHERE b ->> 'id' = NEW.ref AND b ->> 'filnamn' = NEW.filename
          AND b ->> 'sha256' = NEW.sha256 AND b ->> 'mediatyp' = NEW.media_type
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{refused}' USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
ATTACHMENT_REFUSED = (
    "En bilaga sparas bara som en fil som ansökan beskriver (namn, id, typ och "
    "kontrollsumma); en ansökan i karantän behåller också andra filer, utan id."
)


def _migration_0046():
    return earlier_migration("20261207_0046_intake_deliveries.py")


def _admit(entities: tuple[str, ...]) -> str:
    """0047's vocabulary (0046's `_admit` with 0046's and 0047's entities) and `entities`."""
    earlier = _migration_0046()
    register = earlier_migration("20261207_0047_register_lookup_audit.py")
    return earlier._admit((*earlier.AUDIT_ENTITIES, *register.AUDIT_ENTITIES, *entities))


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        ATTACHMENTS,
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["intake_deliveries.id"],
            name=op.f("fk_intake_attachments_delivery_id_intake_deliveries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_attachments")),
        sa.UniqueConstraint(
            "delivery_id", "filename", name=op.f("uq_intake_attachments_delivery_id")
        ),
    )
    with op.batch_alter_table(ATTACHMENTS, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_attachments_delivery_id"), ["delivery_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intake_attachments_sha256"), ["sha256"], unique=False)
    sha256 = (
        sa.Column(
            "sha256",
            sa.String(length=64),
            sa.Computed("encode(sha256(content), 'hex')", persisted=True),
            nullable=True,
        )
        if postgresql
        else sa.Column("sha256", sa.String(length=64), nullable=True)
    )
    op.create_table(
        SUBMISSIONS,
        sa.Column("delivery_key", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("e_service", sa.String(length=64), nullable=True),
        sha256,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_submissions")),
    )
    with op.batch_alter_table(SUBMISSIONS, schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_submissions_delivery_key"), ["delivery_key"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_intake_submissions_sha256"), ["sha256"], unique=False)
    if not postgresql:
        return
    op.execute(
        f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ESERVICE_ROLE}') THEN
        CREATE ROLE {ESERVICE_ROLE} NOLOGIN;
    END IF;
END $$;
"""
    )
    op.execute(
        f"ALTER TABLE {SUBMISSIONS} "
        "ALTER COLUMN id SET DEFAULT gen_random_uuid(), "
        "ALTER COLUMN arrived_at SET DEFAULT now(), "
        "ALTER COLUMN e_service SET DEFAULT current_user, "
        f"ADD CONSTRAINT ck_intake_submissions_size CHECK (octet_length(content) <= {MAX_BYTES}), "
        "ADD CONSTRAINT ck_intake_submissions_named CHECK "
        "(length(filename) > 0 AND length(delivery_key) > 0)"
    )
    for table in (SUBMISSIONS, ATTACHMENTS):
        op.execute(f"REVOKE ALL ON {table} FROM PUBLIC")
        op.execute(f"REVOKE ALL ON {table} FROM {APP_ROLE}")  # 0008's default privileges
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    op.execute(f"GRANT SELECT, DELETE ON {SUBMISSIONS} TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON {ATTACHMENTS} TO {APP_ROLE}")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {ESERVICE_ROLE}")
    delivered = "delivery_key, filename, content"
    op.execute(f"GRANT INSERT ({delivered}) ON {SUBMISSIONS} TO {ESERVICE_ROLE}")
    for table, policy, command, role, clauses in POLICIES:
        op.execute(f"CREATE POLICY {policy} ON {table} FOR {command} TO {role} {clauses}")
    op.execute(GUARD.format(kept=_migration_0046().KEPT))
    op.execute(ATTACHMENT_GUARD.format(refused=ATTACHMENT_REFUSED))
    op.execute("REVOKE ALL ON FUNCTION arendestod_guard_intake_attachment() FROM PUBLIC")
    op.execute(
        f"CREATE TRIGGER guard_intake_attachment BEFORE INSERT ON {ATTACHMENTS} "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_guard_intake_attachment()"
    )
    op.execute("REVOKE ALL ON FUNCTION arendestod_guard_intake() FROM PUBLIC")
    for table, events in ((SUBMISSIONS, ("INSERT", "DELETE")), (ATTACHMENTS, ("INSERT",))):
        for event in events:
            rows = "OLD" if event == "DELETE" else "NEW"
            op.execute(
                f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {table} "
                f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
                "EXECUTE FUNCTION arendestod_audit_rows()"
            )
    op.execute(_admit(AUDIT_ENTITIES))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_admit(()))
        earlier = _migration_0046()
        op.execute(earlier.GUARD.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
        op.execute(f"DROP TABLE {SUBMISSIONS}")
        op.execute(f"DROP TABLE {ATTACHMENTS}")
        op.execute("DROP FUNCTION IF EXISTS arendestod_guard_intake_attachment()")
        op.execute(f"REVOKE USAGE ON SCHEMA public FROM {ESERVICE_ROLE}")
        return
    op.drop_table(SUBMISSIONS)
    op.drop_table(ATTACHMENTS)
