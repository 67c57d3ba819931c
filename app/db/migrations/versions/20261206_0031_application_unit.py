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

Both dialects: `statistics_event_facts`, the signed SIP and hembesök journal entries counted
per case, month and type with the case's unit (app/statistics/event_facts.py keeps them,
through fact_upkeep; `stats rebuild` builds them), filled in here from the journal.
PostgreSQL: under row-level security like statistics_month_facts (migration 0028).

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


APP_ROLE = "arendestod_app"
EVENT_TABLE = "statistics_event_facts"


def _create_event_facts(postgresql: bool) -> None:
    op.create_table(
        EVENT_TABLE,
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_statistics_event_facts_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_statistics_event_facts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("case_id", "month", "kind", name=op.f("pk_statistics_event_facts")),
    )
    op.create_index(
        "ix_statistics_event_facts_unit",
        EVENT_TABLE,
        ["unit_id", "month", "kind", "case_id", "entries"],
    )
    op.create_index(
        "ix_statistics_event_facts_month", EVENT_TABLE, ["month", "kind", "case_id", "entries"]
    )
    if postgresql:
        month = (
            "CAST(date_part('year', j.entry_date) AS integer) * 12 "
            "+ CAST(date_part('month', j.entry_date) AS integer) - 1"
        )
    else:
        month = (
            "CAST(strftime('%Y', j.entry_date) AS INTEGER) * 12 "
            "+ CAST(strftime('%m', j.entry_date) AS INTEGER) - 1"
        )
    op.execute(
        f"INSERT INTO {EVENT_TABLE} (case_id, month, kind, unit_id, entries) "
        f"SELECT j.case_id, {month}, j.entry_type, c.unit_id, count(*) "
        "FROM journal_entries j JOIN cases c ON c.id = j.case_id "
        "WHERE j.entry_type IN ('sip', 'hembesok') AND j.signed_at IS NOT NULL "
        f"GROUP BY j.case_id, {month}, j.entry_type, c.unit_id"
    )
    if not postgresql:
        return
    op.execute(f"REVOKE ALL ON {EVENT_TABLE} FROM PUBLIC")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {EVENT_TABLE} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {EVENT_TABLE} ENABLE ROW LEVEL SECURITY")
    visible = f"EXISTS (SELECT 1 FROM public.cases c WHERE c.id = {EVENT_TABLE}.case_id)"
    op.execute(
        f"CREATE POLICY case_access ON {EVENT_TABLE} FOR ALL TO {APP_ROLE} "
        f"USING ({visible}) WITH CHECK ({visible} AND unit_id = "
        f"(SELECT c.unit_id FROM public.cases c WHERE c.id = {EVENT_TABLE}.case_id))"
    )


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    _create_event_facts(postgresql)
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
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP POLICY IF EXISTS case_access ON {EVENT_TABLE}')
    op.drop_index('ix_statistics_event_facts_month', table_name=EVENT_TABLE)
    op.drop_index('ix_statistics_event_facts_unit', table_name=EVENT_TABLE)
    op.drop_table(EVENT_TABLE)
    for name, *_ in reversed(INDEXES):
        op.drop_index(name, table_name="applications")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS move_application_units ON cases")
        op.execute("DROP TRIGGER IF EXISTS keep_application_unit ON applications")
        for name in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS public.{name}")
    with op.batch_alter_table("applications") as batch:
        batch.drop_column("unit_id")
