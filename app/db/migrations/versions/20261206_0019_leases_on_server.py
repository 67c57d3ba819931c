"""leases held by the server: a checked-out case is changed only by its holder's sync, and a
lease is ended only by its holder, a chef of the unit or its expiry

Migration 0009 put leases under the case's row-level security, but the rules of
app.offline.leases were the program's alone (issue 18, point 7): with plain SQL a handläggare
changed a case checked out to a colleague's laptop, ended colleagues' leases or removed them,
and a laptop's sync changed a case leased to another laptop. On PostgreSQL now:

- **A case checked out to a laptop is changed only from that laptop.** Triggers
  (`hold_lease_insert`, `_update`, `_delete`: AFTER each statement, over the rows it
  changed, so a sync's bulk inserts are asked about once) on the case and every table of its
  content (the case tables of 0008, forms, plan and decision items, the household, its
  members and persons) refuses a write to a case with a lease in force unless the session's
  own user holds it and the session says it comes from the lease's replica
  (`arendestod.replica_id`, set by app.offline.sync for its transaction). The holder at the
  office is refused like everyone else, as in the program (access.require_write). The
  holder could set the variable by hand with psql: she would then write what her own sync
  could, nothing more.
- **A lease is made, and ended, only as the program does** (`guard_lease` on case_leases):
  a user checks a case out only to herself, as handläggare or chef, for 0–14 days; a lease
  is never deleted, and changes only by being ended, in the ender's own name: "incheckad" by
  its holder, "aterkallad" by a chef of the case's unit, "utgangen" by anyone once it has
  expired. The end time is the server's.
- **The server's own expiry.** A new lease's `expires_at` (new column) is set by the server:
  the end of its last day in Swedish time, the days counted from the server's own date (a
  laptop asks for "until Friday"; its clock does not decide how long that lasts). A lease
  past `expires_at` holds its case no more, ended or not (the program's
  access.lease_in_force is the same rule). Leases made before this migration expire at the
  end of their `due_on`.

The schema owner (migrations, `db init-server`, the demo data) is not bound, as by no
policy (row-level security is not active for it).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 14:00:00
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'
SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'
MAX_LEASE_DAYS = 14
"""app.offline.leases.MAX_LEASE_DAYS."""

CASE_ID_TABLES = (
    'applications',
    'case_status_changes',
    'journal_entries',
    'plans',
    'support_barriers',
    'decisions',
    'follow_up_tasks',
    'forms',
)
"""Tables whose rows name their case (column case_id; a unit's own forms have none)."""

HELD_TABLES = {
    'cases': ('case', 'id'),
    **{table: ('case', 'case_id') for table in CASE_ID_TABLES},
    'plan_items': ('plan', 'plan_id'),
    'decision_items': ('decision', 'decision_id'),
    'households': ('household', 'id'),
    'household_members': ('household', 'household_id'),
    'persons': ('person', 'id'),
}
"""Each table whose writes a lease holds, and how its rows lead to their case: what the key
column names (arendestod_lease_refusal's `kind`) and the column."""

TRANSITION_TABLES = {
    'INSERT': 'NEW TABLE AS new_rows',
    'UPDATE': 'OLD TABLE AS old_rows NEW TABLE AS new_rows',
    'DELETE': 'OLD TABLE AS old_rows',
}

ONLY_HOLDER_OR_CHEF = (
    'Bara den som checkat ut ärendet kan checka in det, och bara en chef för enheten kan '
    'återkalla utcheckningen.'
)

MONTHS = (
    "'januari','februari','mars','april','maj','juni','juli','augusti','september',"
    "'oktober','november','december'"
)

FUNCTIONS = f"""
-- Why the session may not change the cases that `keys` lead to (a lease in force that is
-- not the session's own replica's), in the program's words, or NULL. `kind` says what the
-- keys are: case, plan, decision, household or person ids. As the owner: the leases and
-- the cases of a household are found whatever row-level security shows the user.
CREATE FUNCTION arendestod_lease_refusal(kind text, keys uuid[]) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    WITH held AS (
        SELECT unnest(keys) AS id WHERE kind = 'case'
        UNION ALL SELECT p.case_id FROM public.plans p WHERE kind = 'plan' AND p.id = ANY(keys)
        UNION ALL SELECT d.case_id FROM public.decisions d
            WHERE kind = 'decision' AND d.id = ANY(keys)
        UNION ALL SELECT c.id FROM public.cases c
            WHERE kind = 'household' AND c.household_id = ANY(keys)
        UNION ALL SELECT c.id FROM public.cases c
            JOIN public.household_members m ON m.household_id = c.household_id
            WHERE kind = 'person' AND m.person_id = ANY(keys)
    )
    SELECT 'Ärendet är utcheckat för hembesök av '
        || coalesce(u.full_name, 'en kollega') || ' till och med '
        || extract(day FROM l.due_on)::int || ' '
        || (ARRAY[{MONTHS}])[extract(month FROM l.due_on)::int] || ' '
        || extract(year FROM l.due_on)::int
        || '. Det går att läsa men inte att ändra förrän det är incheckat.'
    FROM public.case_leases l
    LEFT JOIN public.users u ON u.id = l.holder_id
    WHERE l.case_id IN (SELECT id FROM held)
      AND l.ended_at IS NULL
      AND (l.expires_at IS NULL OR l.expires_at > pg_catalog.now())
      -- the session's user and replica once per call (an initplan), not once per lease
      AND NOT (
          l.holder_id IS NOT DISTINCT FROM (SELECT public.arendestod_user_id())
          AND l.replica_id::text IS NOT DISTINCT FROM
              (SELECT pg_catalog.current_setting('arendestod.replica_id', true))
      )
    LIMIT 1
$$;

-- A write to a case, or to what belongs to it, while the case is checked out elsewhere:
-- once per statement, over the rows it changed (a sync inserts thousands of rows in a few
-- statements). AFTER, so the rows are in the transition tables; raising undoes the
-- statement. Arguments: what the key column names (case, plan, decision, household,
-- person) and the column. Not a definer function: row_security_active asks about the one
-- who writes.
CREATE FUNCTION arendestod_hold_lease() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    keys uuid[] := '{{}}';
    more uuid[];
    refusal text;
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN NULL;  -- the owner
    END IF;
    -- both the old and the new rows: a row moved from one case to another needs both free
    IF TG_OP <> 'INSERT' THEN
        EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT %I) FROM old_rows',
                                  TG_ARGV[1]) INTO more;
        keys := keys || coalesce(more, '{{}}');
    END IF;
    IF TG_OP <> 'DELETE' THEN
        EXECUTE pg_catalog.format('SELECT pg_catalog.array_agg(DISTINCT %I) FROM new_rows',
                                  TG_ARGV[1]) INTO more;
        keys := keys || coalesce(more, '{{}}');
    END IF;
    refusal := public.arendestod_lease_refusal(TG_ARGV[0], keys);
    IF refusal IS NOT NULL THEN
        RAISE EXCEPTION '%', refusal USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END
$$;

-- Leases are made and ended as app.offline.leases does, in the user's own name.
CREATE FUNCTION arendestod_guard_lease() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
DECLARE
    who uuid;
    days integer;
    kept text[] := ARRAY['ended_at', 'ended_by', 'end_reason', 'version', 'updated_at',
                         'updated_by'];
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;  -- the owner
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'En utcheckning tas inte bort: den checkas in eller återkallas.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    who := public.arendestod_user_id();
    IF TG_OP = 'INSERT' THEN
        IF who IS NULL OR NEW.holder_id IS DISTINCT FROM who THEN
            RAISE EXCEPTION 'Du kan bara ta med ärenden på hembesök i ditt eget namn.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF public.arendestod_user_role() NOT IN ('handlaggare', 'chef') THEN
            RAISE EXCEPTION 'Bara handläggare och chefer kan ta med ärenden på hembesök.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.ended_at IS NOT NULL OR NEW.ended_by IS NOT NULL
           OR NEW.end_reason IS NOT NULL THEN
            RAISE EXCEPTION 'En ny utcheckning kan inte vara avslutad.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- the days the laptop asked for, counted from the server's own date
        days := NEW.due_on - (NEW.checked_out_at AT TIME ZONE 'Europe/Stockholm')::date;
        IF days IS NULL OR days < 0 OR days > {MAX_LEASE_DAYS} THEN
            RAISE EXCEPTION 'Ett ärende kan tas med i högst {MAX_LEASE_DAYS} dagar.'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        NEW.expires_at := ((pg_catalog.now() AT TIME ZONE 'Europe/Stockholm')::date
                           + days + 1)::timestamp AT TIME ZONE 'Europe/Stockholm';
        RETURN NEW;
    END IF;
    IF OLD.ended_at IS NOT NULL THEN
        RAISE EXCEPTION 'Utcheckningen är redan avslutad.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.ended_at IS NULL
       OR (pg_catalog.to_jsonb(NEW) - kept) <> (pg_catalog.to_jsonb(OLD) - kept) THEN
        RAISE EXCEPTION 'En utcheckning kan bara avslutas, inte ändras.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF who IS NULL OR NEW.ended_by IS DISTINCT FROM who THEN
        RAISE EXCEPTION 'Du kan bara avsluta en utcheckning i ditt eget namn.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.end_reason = 'incheckad' AND OLD.holder_id = who THEN
        NULL;  -- the holder checks in
    ELSIF NEW.end_reason = 'aterkallad' AND public.arendestod_user_role() = 'chef'
          AND EXISTS (SELECT 1 FROM public.cases c
                      WHERE c.id = OLD.case_id AND c.unit_id = public.arendestod_user_unit()) THEN
        NULL;  -- a chef of the unit revokes
    ELSIF NEW.end_reason = 'utgangen' AND OLD.expires_at <= pg_catalog.now() THEN
        NULL;  -- past its last day: ended by whoever takes the case along next
    ELSE
        RAISE EXCEPTION '{ONLY_HOLDER_OR_CHEF}'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    NEW.ended_at := pg_catalog.now();
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    with op.batch_alter_table('case_leases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    _expire_old_leases()
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name in (
        'arendestod_lease_refusal(text, uuid[])',
        'arendestod_hold_lease()',
        'arendestod_guard_lease()',
    ):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
    # the trigger calls it as the user; a trigger function itself needs no EXECUTE to fire
    op.execute(f'GRANT EXECUTE ON FUNCTION arendestod_lease_refusal(text, uuid[]) TO {APP_ROLE}')
    for table, (kind, column) in HELD_TABLES.items():
        for event, tables in TRANSITION_TABLES.items():
            op.execute(
                f'CREATE TRIGGER hold_lease_{event.lower()} AFTER {event} ON {table} '
                f'REFERENCING {tables} FOR EACH STATEMENT '
                f"EXECUTE FUNCTION arendestod_hold_lease('{kind}', '{column}')"
            )
    op.execute(
        'CREATE TRIGGER guard_lease BEFORE INSERT OR UPDATE OR DELETE ON case_leases '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_guard_lease()'
    )


def _expire_old_leases() -> None:
    """Leases made before this migration expire at the end of their last day."""
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute(
            "UPDATE case_leases SET expires_at = "
            "(due_on + 1)::timestamp AT TIME ZONE 'Europe/Stockholm' WHERE expires_at IS NULL"
        )
        return
    leases = sa.table(
        'case_leases',
        sa.column('id', sa.Uuid()),
        sa.column('due_on', sa.Date()),
        sa.column('expires_at', sa.DateTime()),
    )
    stockholm = ZoneInfo('Europe/Stockholm')
    for lease_id, due_on in bind.execute(sa.select(leases.c.id, leases.c.due_on)).all():
        end = datetime.combine(due_on + timedelta(days=1), time(0), tzinfo=stockholm)
        bind.execute(
            leases.update()
            .where(leases.c.id == lease_id)
            .values(expires_at=end.astimezone(UTC).replace(tzinfo=None))  # SQLite: naive UTC
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS guard_lease ON case_leases')
        for table in HELD_TABLES:
            for event in TRANSITION_TABLES:
                op.execute(f'DROP TRIGGER IF EXISTS hold_lease_{event.lower()} ON {table}')
        op.execute('DROP FUNCTION IF EXISTS arendestod_guard_lease()')
        op.execute('DROP FUNCTION IF EXISTS arendestod_hold_lease()')
        op.execute('DROP FUNCTION IF EXISTS arendestod_lease_refusal(text, uuid[])')
    with op.batch_alter_table('case_leases', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
