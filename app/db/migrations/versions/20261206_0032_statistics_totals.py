"""the statistics' month, year and application totals, kept by the database (issue 21)

Reading the kept per-case facts, a year of a big unit still summed hundreds of thousands of
rows (and on PostgreSQL checked row-level security on each; an administrator saw none, so
the all-units statistics came out empty there). Three totals tables, each kept by triggers
on the table it sums (app/statistics/kept_totals.py; definitions in app/statistics/totals.py):

- statistics_month_totals: statistics_month_facts per unit, month and composition;
- statistics_year_totals: statistics_year_facts per unit, year, group and composition;
- statistics_application_totals: applications per kept unit (0031), month received and the
  kept response and decision times (0029).

Filled in here from the rows there are. The applications' indexes for the statistics' grouped
reads (ix_applications_facts, ix_applications_unit_facts) go: nothing reads them now. A database whose facts were built (definition 1)
has them complete with these totals: its state is raised to definition 2.

PostgreSQL: the triggers run as the owner; the app role may only read the totals (an
administrator all units, a chef her own unit). The still-open applications (whether one is
within its deadline depends on now: not kept) are counted by the server for an administrator
(any unit or all) and a chef (her own unit), `arendestod_open_applications`: counts only,
from the covering index without a check of the case per row (row-level security hid them
from administrators, and cost a chef a visit of every open application's row).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06 22:20:00
"""

import sqlalchemy as sa
from alembic import op

from app.statistics import kept_totals
from app.statistics.kept_totals import KeptTotals

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
NO_TIME = -2147483648
NO_UNIT = "00000000000000000000000000000000"
COMPOSITION = ("sex", "household_type", "with_children", "young", "closing_reason")

# the definitions as this migration made them (app/statistics/totals.py; a test compares)
MONTH_TOTALS = KeptTotals(
    table="statistics_month_totals",
    facts="statistics_month_facts",
    keys=("unit_id", "month", *COMPOSITION),
    sums=(
        "decision", "support", "new", "closed", "long12", "long36", "support_months",
        "granted", "granted_support", "paid",
    ),
    null_as=(("closing_reason", "''"),),
)  # fmt: skip
YEAR_TOTALS = KeptTotals(
    table="statistics_year_totals",
    facts="statistics_year_facts",
    keys=("unit_id", "year", "grp", *COMPOSITION),
    sums=("support_months",),
    null_as=(("closing_reason", "''"),),
)
APPLICATION_TOTALS = KeptTotals(
    table="statistics_application_totals",
    facts="applications",
    keys=("unit_id", "received_month", "response_minutes", "responded_in_time", "decision_days"),
    sums=(),
    null_as=(
        ("unit_id", f"'{NO_UNIT}'"),
        ("received_month", str(NO_TIME)),
        ("response_minutes", str(NO_TIME)),
        ("responded_in_time", "false"),
        ("decision_days", str(NO_TIME)),
    ),
)
TOTALS = (MONTH_TOTALS, YEAR_TOTALS, APPLICATION_TOTALS)

SEARCH_PATH = "SET search_path = pg_catalog, public, pg_temp"
OPEN_APPLICATIONS = f"""
CREATE FUNCTION public.arendestod_open_applications(
    first_month integer, last_month integer, unit uuid, due_from timestamptz,
    received_from date
) RETURNS TABLE (received_month integer, response_open bigint, decision_open bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
DECLARE
    asker text := public.arendestod_user_role();
BEGIN
    IF asker IS DISTINCT FROM 'administrator' AND NOT (
        asker = 'chef' AND unit IS NOT NULL AND unit = public.arendestod_user_unit()
    ) THEN
        RETURN;  -- an administrator any unit or all, a chef her own, nobody else
    END IF;
    -- two statements, each planned for its own index (all units' or the unit's)
    IF unit IS NULL THEN
        RETURN QUERY
        SELECT a.received_month,
               count(*) FILTER (WHERE a.response_minutes IS NULL
                                  AND a.response_due_at >= due_from),
               count(*) FILTER (WHERE a.decision_days IS NULL AND a.received_on >= received_from)
          FROM public.applications a
         WHERE a.received_month BETWEEN first_month AND last_month
           AND (a.response_minutes IS NULL OR a.decision_days IS NULL)
           AND (a.response_due_at >= due_from OR a.received_on >= received_from)
         GROUP BY a.received_month;
    ELSE
        RETURN QUERY
        SELECT a.received_month,
               count(*) FILTER (WHERE a.response_minutes IS NULL
                                  AND a.response_due_at >= due_from),
               count(*) FILTER (WHERE a.decision_days IS NULL AND a.received_on >= received_from)
          FROM public.applications a
         WHERE a.unit_id = unit
           AND a.received_month BETWEEN first_month AND last_month
           AND (a.response_minutes IS NULL OR a.decision_days IS NULL)
           AND (a.response_due_at >= due_from OR a.received_on >= received_from)
         GROUP BY a.received_month;
    END IF;
END
$$
"""
"""The still-open applications within their deadlines, counted per month received (only
counts) for an administrator or a unit's chef. As the owner: row-level security hides the
applications from administrators, and its check per row made a chef's count visit every
open application of a year (16 000 at 100 000 households) instead of the covering index.
The conditions on the deadlines are also in WHERE: only recent rows can count."""


UNUSED_INDEXES = (
    # (name, columns): the statistics' grouped reads of the applications (0029, 0031), now
    # read from statistics_application_totals; kept up on every write for nothing
    (
        "ix_applications_facts",
        ["received_month", "response_minutes", "responded_in_time", "decision_days", "case_id"],
    ),
    (
        "ix_applications_unit_facts",
        ["unit_id", "received_month", "response_minutes", "responded_in_time", "decision_days"],
    ),
)


def _composition() -> list[sa.Column]:
    return [
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("household_type", sa.String(length=2), nullable=False),
        sa.Column("with_children", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("young", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("closing_reason", sa.String(length=40), nullable=False),
    ]


def _create_tables() -> None:
    op.create_table(
        MONTH_TOTALS.table,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Integer(), autoincrement=False, nullable=False),
        *_composition(),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("decision", "support", "new", "closed", "long12", "long36")
        ),
        # integer as in the facts: their sums read as the facts' sums did (PostgreSQL: a
        # bigint's sum is numeric)
        sa.Column("support_months", sa.Integer(), nullable=False),
        *(
            sa.Column(name, sa.BigInteger(), nullable=False)
            for name in ("granted", "granted_support", "paid")
        ),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*MONTH_TOTALS.keys, name=op.f("pk_statistics_month_totals")),
    )
    op.create_index("ix_statistics_month_totals_month", MONTH_TOTALS.table, ["month"])
    op.create_table(
        YEAR_TOTALS.table,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("grp", sa.String(length=10), nullable=False),
        *_composition(),
        sa.Column("support_months", sa.Integer(), nullable=False),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*YEAR_TOTALS.keys, name=op.f("pk_statistics_year_totals")),
    )
    op.create_index("ix_statistics_year_totals_year", YEAR_TOTALS.table, ["year"])
    op.create_table(
        APPLICATION_TOTALS.table,
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("received_month", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("response_minutes", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("responded_in_time", sa.Boolean(), nullable=False),
        sa.Column("decision_days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("fact_rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            *APPLICATION_TOTALS.keys, name=op.f("pk_statistics_application_totals")
        ),
    )
    op.create_index(
        "ix_statistics_application_totals_month", APPLICATION_TOTALS.table, ["received_month"]
    )


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    _create_tables()
    for totals in TOTALS:
        for statement in kept_totals.upgrade_sql(totals, dialect):
            op.execute(statement)
        kept_totals.recount(bind, totals)
    op.execute(
        "UPDATE statistics_fact_state SET definition_version = 2 WHERE definition_version = 1"
    )
    if dialect == "postgresql":
        op.execute(OPEN_APPLICATIONS)
        name = "public.arendestod_open_applications(integer, integer, uuid, timestamptz, date)"
        op.execute(f"REVOKE ALL ON FUNCTION {name} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {name} TO {APP_ROLE}")
    for name, _columns in UNUSED_INDEXES:
        op.drop_index(name, table_name="applications")
    for totals in TOTALS:
        op.execute(f"ANALYZE {totals.table}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, columns in UNUSED_INDEXES:
        op.create_index(name, "applications", columns)
    if dialect == "postgresql":
        op.execute(
            "DROP FUNCTION IF EXISTS public.arendestod_open_applications"
            "(integer, integer, uuid, timestamptz, date)"
        )
    op.execute(
        "UPDATE statistics_fact_state SET definition_version = 1 WHERE definition_version = 2"
    )
    for totals in reversed(TOTALS):
        for statement in kept_totals.downgrade_sql(totals, dialect):
            op.execute(statement)
    op.drop_index("ix_statistics_application_totals_month", table_name=APPLICATION_TOTALS.table)
    op.drop_table(APPLICATION_TOTALS.table)
    op.drop_index("ix_statistics_year_totals_year", table_name=YEAR_TOTALS.table)
    op.drop_table(YEAR_TOTALS.table)
    op.drop_index("ix_statistics_month_totals_month", table_name=MONTH_TOTALS.table)
    op.drop_table(MONTH_TOTALS.table)
