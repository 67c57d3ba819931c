"""an e-ansökan taken into a case, or a quarantined one marked handled (issue 24)

intake_deliveries gets the summary the inbox lists (the applicant's name, the period, the
costs applied for, the number of attachments: app.intake.application_format.summary, kept
when a file is taken in so that the list reads no files; rows from before stay empty and are
read from their files), `taken_application_id` (the case's application the delivery became),
`handled_by` and `handled_at` (who took it in, or marked a quarantined delivery handled,
and when): a delivery with `handled_at` set has left the unit's inbox (app.intake.inbox).

On PostgreSQL 0048's guard is replaced (a delivery's received_at stays the arrival of the
submission with its bytes, else the server's now()): besides status and reason, an update may set these
three once, from empty, and never change them after; `handled_at` is the server's time; a
delivery taken into a case names an application of its own unit's cases; a handled
delivery's status and reason do not change again.

Also on PostgreSQL: `arendestod_open_case_units(digits)`, for the inbox's matching, tells
the unit's staff which other unit has an open case where a person is sökande or medsökande
(the unit only, no case content; persons with skyddade personuppgifter are left out), as
row-level security hides other units' cases.

Revision ID: 0050
Revises: 0049
Create Date: 2026-12-07 18:00:00
"""


import sqlalchemy as sa
from alembic import op

from app.db.migrate import earlier_migration

revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None

TABLE = "intake_deliveries"


def _summary() -> list[sa.Column]:
    """What the inbox lists of the document, kept when it is taken in (not changed after:
    the guard keeps all but the columns it names)."""
    return [
        sa.Column("applicant_name", sa.String(length=201), nullable=True),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("costs", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("attachment_count", sa.Integer(), nullable=True),
    ]

KEPT = "Det som e-tjänsten lämnade ändras inte; bara status och skäl kan ändras."
ONCE = "En ansökan som redan är hanterad ändras inte."
NOT_OWN = "Ansökan kan bara tas in i ett ärende på den egna enheten."

GUARD = f"""
CREATE OR REPLACE FUNCTION arendestod_guard_intake() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    free CONSTANT text[] := ARRAY['status', 'reason', 'taken_application_id', 'handled_by',
                                  'handled_at'];
    arrived timestamptz;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(s.arrived_at) INTO arrived FROM public.intake_submissions s
            WHERE s.sha256 = NEW.sha256;
        NEW.received_at := coalesce(arrived, pg_catalog.now());
        NEW.taken_application_id := NULL;
        NEW.handled_by := NULL;
        NEW.handled_at := NULL;
        RETURN NEW;
    END IF;
    IF (to_jsonb(NEW) - free) IS DISTINCT FROM (to_jsonb(OLD) - free) THEN
        RAISE EXCEPTION '{KEPT}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.handled_at IS NOT NULL THEN
        IF (NEW.status, NEW.reason, NEW.taken_application_id, NEW.handled_by,
            NEW.handled_at)
           IS DISTINCT FROM (OLD.status, OLD.reason, OLD.taken_application_id,
                             OLD.handled_by, OLD.handled_at) THEN
            RAISE EXCEPTION '{ONCE}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.handled_by IS NOT NULL OR NEW.taken_application_id IS NOT NULL
       OR NEW.status = 'tagen' THEN
        IF NEW.handled_by IS NULL
           OR (NEW.status = 'tagen') <> (NEW.taken_application_id IS NOT NULL)
           OR (OLD.status = 'karantan' AND NEW.status = 'tagen') THEN
            RAISE EXCEPTION '{ONCE}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.taken_application_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM public.applications a JOIN public.cases c ON c.id = a.case_id
            WHERE a.id = NEW.taken_application_id AND c.unit_id = NEW.unit_id
        ) THEN
            RAISE EXCEPTION '{NOT_OWN}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.handled_at := pg_catalog.now();
    ELSIF NEW.handled_at IS NOT NULL THEN
        RAISE EXCEPTION '{ONCE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
"""

APP_ROLE = "arendestod_app"
OPEN_CASE_UNITS = """
CREATE FUNCTION arendestod_open_case_units(digits text[])
    RETURNS TABLE (personal_number text, unit_id uuid)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT p.personal_number::text, c.unit_id
    FROM persons p
    JOIN household_members m ON m.person_id = p.id
         AND m.role IN ('sokande', 'medsokande') AND m.member_until IS NULL
    JOIN cases c ON c.household_id = m.household_id AND c.status <> 'avslutad'
    WHERE arendestod_is_staff() AND NOT p.protected_identity
      AND p.personal_number = ANY(digits)
$$;
"""



def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        for column in _summary():
            batch_op.add_column(column)
        batch_op.add_column(sa.Column("taken_application_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("handled_by", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_intake_deliveries_taken_application_id_applications"),
            "applications",
            ["taken_application_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            op.f("fk_intake_deliveries_handled_by_users"), "users", ["handled_by"], ["id"]
        )
        batch_op.create_index(
            "ix_intake_deliveries_taken_application", ["taken_application_id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
        op.execute(OPEN_CASE_UNITS)
        op.execute("REVOKE ALL ON FUNCTION arendestod_open_case_units(text[]) FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION arendestod_open_case_units(text[]) TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        earlier = earlier_migration("20261207_0048_intake_submissions_attachments.py")
        op.execute(earlier.GUARD.format(kept=KEPT))
        op.execute("DROP FUNCTION arendestod_open_case_units(text[])")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index("ix_intake_deliveries_taken_application")
        batch_op.drop_constraint(
            op.f("fk_intake_deliveries_handled_by_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            op.f("fk_intake_deliveries_taken_application_id_applications"), type_="foreignkey"
        )
        batch_op.drop_column("handled_at")
        batch_op.drop_column("handled_by")
        batch_op.drop_column("taken_application_id")
        for column in _summary():
            batch_op.drop_column(column.name)
