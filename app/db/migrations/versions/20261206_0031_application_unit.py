"""the case's unit kept on each application (issue 21)

Both dialects: `applications.unit_id`, a copy of the case's unit, and two indexes led by it
(`ix_applications_unit_facts`, and the open applications' `ix_applications_unit_open`), so
that a unit's första återkoppling and beslut figures read a range of the unit's own rows
(app/statistics/statistics.py `_application_times`) instead of the whole period's
applications joined with the unit's cases. Existing rows are filled in.

PostgreSQL: the server keeps it, for every role. A BEFORE trigger on applications sets it
from the case whatever was sent (a user cannot move an application into another unit's
statistics over psql); an AFTER trigger on cases moves a moved case's applications with it
(SECURITY DEFINER: the case may have left the user's sight by the move).

SQLite: the program keeps it (app/statistics/application_units.py through fact_upkeep).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 20:30:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"

FUNCTIONS = f"""
CREATE FUNCTION public.arendestod_application_unit() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    NEW.unit_id := (SELECT c.unit_id FROM public.cases c WHERE c.id = NEW.case_id);
    RETURN NEW;
END
$$;

CREATE FUNCTION public.arendestod_case_unit_to_applications() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN
    UPDATE public.applications SET unit_id = NEW.unit_id
     WHERE case_id = NEW.id AND unit_id IS DISTINCT FROM NEW.unit_id;
    RETURN NULL;
END
$$;
"""

FUNCTION_NAMES = ("arendestod_application_unit()", "arendestod_case_unit_to_applications()")

OPEN = "response_minutes IS NULL OR decision_days IS NULL"
INDEXES = (
    # (name, columns, partial)
    (
        "ix_applications_unit_facts",
        ["unit_id", "received_month", "response_minutes", "responded_in_time", "decision_days"],
        None,
    ),
    (
        "ix_applications_unit_open",
        [
            "unit_id",
            "received_month",
            "response_due_at",
            "received_on",
            "response_minutes",
            "decision_days",
        ],
        OPEN,
    ),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        op.add_column("applications", sa.Column("unit_id", sa.Uuid(), nullable=True))
        # the rows there are: without the audit and change triggers (their content is the same)
        op.execute("ALTER TABLE applications DISABLE TRIGGER USER")
        op.execute(
            "UPDATE applications a SET unit_id = c.unit_id FROM cases c WHERE c.id = a.case_id"
        )
        op.execute("ALTER TABLE applications ENABLE TRIGGER USER")
        op.execute(FUNCTIONS)
        for name in FUNCTION_NAMES:
            op.execute(f"REVOKE ALL ON FUNCTION public.{name} FROM PUBLIC")
        op.execute(
            "CREATE TRIGGER keep_application_unit BEFORE INSERT OR UPDATE ON applications "
            "FOR EACH ROW EXECUTE FUNCTION public.arendestod_application_unit()"
        )
        op.execute(
            "CREATE TRIGGER move_application_units AFTER UPDATE OF unit_id ON cases "
            "FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id) "
            "EXECUTE FUNCTION public.arendestod_case_unit_to_applications()"
        )
    else:
        with op.batch_alter_table("applications") as batch:
            batch.add_column(sa.Column("unit_id", sa.Uuid(), nullable=True))
        op.execute(
            "UPDATE applications SET unit_id = "
            "(SELECT c.unit_id FROM cases c WHERE c.id = applications.case_id)"
        )
    for name, columns, partial in INDEXES:
        where = sa.text(partial) if partial else None
        op.create_index(name, "applications", columns, postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    for name, *_ in reversed(INDEXES):
        op.drop_index(name, table_name="applications")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS move_application_units ON cases")
        op.execute("DROP TRIGGER IF EXISTS keep_application_unit ON applications")
        for name in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS public.{name}")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("unit_id")
