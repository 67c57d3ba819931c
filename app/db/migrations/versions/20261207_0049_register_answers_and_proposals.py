"""register answers kept as data; decisions remember the proposal they started from (issue 24)

register_answers (app.models.register_answer): every register look-up's answer with the
case, item by item, beside the journal entry that keeps it as text. decisions get
from_delivery_id, proposal_json and proposal_unchanged (app.decisions.proposal). On
PostgreSQL:

- row-level security as for the case's other rows: a row is read and written by those who
  may see its case; it is written in one's own name only (fetched_by);
- an answer is never changed or removed: UPDATE and DELETE are not granted, and a trigger
  refuses them for the table's owner too;
- every write audited by the server (0014), counted as a change of the case (0013, so a
  checked-out copy is refreshed) and refused for a case checked out to a laptop (0019);
- the audit log's vocabulary (0039's, as 0048 left it) takes the program's words for it;
- `arendestod_proposal_statistics`: for an administrator's or a chef's own login (as 0044's
  statistics functions), the signing day of each decision from a proposal and whether it
  was signed unchanged (app/statistics/proposal_statistics.py), nothing else.

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-07 18:00:00
"""


import sqlalchemy as sa
from alembic import op

from app.db.migrate import earlier_migration

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None

APP_ROLE = "arendestod_app"
TABLE = "register_answers"
AUDIT_ENTITIES = ("register_answer", "register_answers")

CASE_VISIBLE = f"EXISTS (SELECT 1 FROM cases c WHERE c.id = {TABLE}.case_id)"
POLICIES = (
    ("register_answer_read", "SELECT", f"USING ({CASE_VISIBLE})"),
    (
        "register_answer_write",
        "INSERT",
        f"WITH CHECK ({CASE_VISIBLE} AND fetched_by = (SELECT arendestod_user_id()))",
    ),
)

KEPT = "Ett registersvar ändras inte och tas inte bort."
GUARD = f"""
CREATE FUNCTION arendestod_keep_register_answer() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    RAISE EXCEPTION '{KEPT}' USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
TRANSITION_TABLES = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
"""0019's hold_lease triggers' transition tables."""


PROPOSAL_STATISTICS = """
CREATE FUNCTION public.arendestod_proposal_statistics(first_day date, last_day date, unit uuid)
RETURNS TABLE (r_decided_on date, r_unchanged boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER {search_path} AS $$
BEGIN{may_ask}
    RETURN QUERY
    SELECT d.decided_on, COALESCE(d.proposal_unchanged, false)
      FROM public.decisions d JOIN public.cases c ON c.id = d.case_id
     WHERE d.proposal_json IS NOT NULL
       AND d.decided_on BETWEEN first_day AND last_day
       AND (unit IS NULL OR c.unit_id = unit);
END
$$
"""
PROPOSAL_FUNCTION = "public.arendestod_proposal_statistics(date, date, uuid)"


def _vocabulary(entities: tuple[str, ...]) -> str:
    """0048's audit vocabulary (made by 0046's `_admit`, through 0048's) with `entities`."""
    m48 = earlier_migration("20261207_0048_intake_submissions_attachments.py")
    return m48._admit((*m48.AUDIT_ENTITIES, *entities))


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("journal_entry_id", sa.Uuid(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("service", sa.String(length=200), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("answer_json", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fetched_by", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_register_answers_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_register_answers_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["journal_entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_register_answers_journal_entry_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["fetched_by"], ["users.id"], name=op.f("fk_register_answers_fetched_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_register_answers")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(
            "ix_register_answers_case_period", ["case_id", "period_start"], unique=False
        )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("from_delivery_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("proposal_json", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("proposal_unchanged", sa.Boolean(), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"REVOKE ALL ON {TABLE} FROM PUBLIC")
    # 0008's default privileges grant UPDATE and DELETE too: an answer is kept as it came
    op.execute(f"REVOKE UPDATE, DELETE ON {TABLE} FROM {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON {TABLE} TO {APP_ROLE}")
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    for policy, command, clauses in POLICIES:
        op.execute(f"CREATE POLICY {policy} ON {TABLE} FOR {command} TO {APP_ROLE} {clauses}")
    op.execute(GUARD)
    op.execute("REVOKE ALL ON FUNCTION arendestod_keep_register_answer() FROM PUBLIC")
    op.execute(
        f"CREATE TRIGGER keep_register_answer BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION arendestod_keep_register_answer()"
    )
    m45 = earlier_migration("20261207_0045_after_decision_server_rules.py")
    op.execute(m45._case_changes_function(TABLE))
    op.execute(f"REVOKE ALL ON FUNCTION arendestod_case_changes_{TABLE}() FROM PUBLIC")
    for event, rows in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        op.execute(
            f"CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {TABLE} "
            f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
            "EXECUTE FUNCTION arendestod_audit_rows()"
        )
        op.execute(
            f"CREATE TRIGGER case_changes_{event.lower()} AFTER {event} ON {TABLE} "
            f"REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT "
            f"EXECUTE FUNCTION arendestod_case_changes_{TABLE}()"
        )
    for event, tables in TRANSITION_TABLES.items():
        op.execute(
            f"CREATE TRIGGER hold_lease_{event.lower()} AFTER {event} ON {TABLE} "
            f"REFERENCING {tables} FOR EACH STATEMENT "
            "EXECUTE FUNCTION arendestod_hold_lease('case', 'case_id')"
        )
    op.execute(_vocabulary(AUDIT_ENTITIES))
    m44 = earlier_migration("20261207_0044_after_decision_registers.py")
    op.execute(PROPOSAL_STATISTICS.format(search_path=m44.SEARCH_PATH, may_ask=m44.MAY_ASK))
    op.execute(f"REVOKE ALL ON FUNCTION {PROPOSAL_FUNCTION} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {PROPOSAL_FUNCTION} TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_vocabulary(()))
        op.execute(f"DROP FUNCTION IF EXISTS {PROPOSAL_FUNCTION}")
        op.execute(f"DROP TABLE {TABLE}")
        for function in ("keep_register_answer", f"case_changes_{TABLE}"):
            op.execute(f"DROP FUNCTION IF EXISTS arendestod_{function}()")
    else:
        op.drop_table(TABLE)
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("proposal_unchanged")
        batch_op.drop_column("proposal_json")
        batch_op.drop_column("from_delivery_id")
