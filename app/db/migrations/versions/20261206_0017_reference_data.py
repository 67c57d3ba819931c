"""reference data changed only by administrators, and audited by the server

PostgreSQL only. Migration 0008 granted the app role every write on every table and put
row-level security on case content, users and the audit log only. The office's reference
data was left writable by every user, inactivated ones too (issue 18, point 2): a
handläggare removed her own amount limit in `delegations` and then signed any amount; an
inserted norm table "published by" the admin overrode the riksnorm for everyone; `units`
holds the nämnd and telephone printed in every letter. Now, for the app role:

- delegations, norm_tables, units, settings: read by every active user (the program reads
  them to work); inserted, updated and deleted only by an active administrator (the
  program's own checks: decisions.set_delegation, applicable_table.import_table,
  office_settings.change_setting; units are made by `db init-server` and the demo, as the
  owner).
- form_definitions: read by every active user, published (inserted) by an active
  administrator only (form_definitions.publish_version; the shipped versions by
  `db init-server`); a published version is never changed or deleted, by anyone of the app
  role: signed forms refer to it.
- case_number_series: every handläggare and chef takes the next case number when she
  registers a case (case_register.next_case_number): a new year's series starts at 1, a
  number is taken by counting up by one; setting a series back, jumping ahead, moving it to
  another year or deleting it is refused (a trigger: a policy cannot see the old row).
- every insert, update and delete of these tables writes an audit row on the server with
  the old and the new rows (statement-level triggers, as migration 0014), whoever wrote:
  `detail` is a JSON object {"databasroll", "före", "efter"}.

- case_changes (migration 0013) is kept by the server's triggers and only read by the
  users: it had every write from 0008's default privileges (refused by its SELECT-only
  policy), now it is read-only to them.

The schema owner (migrations, `db init-server`, demo) is not subject to row-level security
or the case-number rule; its writes are audited too.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00
"""

from alembic import op


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'

ADMINISTERED_TABLES = ('delegations', 'norm_tables', 'units', 'settings')
"""Read by every active user, written by active administrators only."""

PUBLISHED_TABLES = ('form_definitions',)
"""Read by every active user, inserted by active administrators only, never changed."""

SERIES_TABLE = 'case_number_series'
SERVER_KEPT_TABLE = 'case_changes'
"""Written by the server's triggers only (migration 0013), read by the users."""

AUDITED_TABLES = {
    'delegations': 'id',
    'norm_tables': 'id',
    'units': 'id',
    'settings': 'id',
    'form_definitions': 'id',
    SERIES_TABLE: 'year',
}
"""Reference tables and the column that identifies a row (an update's old and new row are
paired on it)."""

ACTIVE_USER = '(SELECT arendestod_user_role()) IS NOT NULL'
ADMINISTRATOR = "(SELECT arendestod_user_role()) = 'administrator'"
IS_STAFF = '(SELECT arendestod_is_staff())'

POLICIES: tuple[tuple[str, str, str, str | None, str | None], ...] = (
    # (table, policy, command, USING, WITH CHECK)
    *(
        policy
        for table in ADMINISTERED_TABLES
        for policy in (
            (table, 'read', 'SELECT', ACTIVE_USER, None),
            (table, 'administer_insert', 'INSERT', None, ADMINISTRATOR),
            (table, 'administer_update', 'UPDATE', ADMINISTRATOR, ADMINISTRATOR),
            (table, 'administer_delete', 'DELETE', ADMINISTRATOR, None),
        )
    ),
    *(
        policy
        for table in PUBLISHED_TABLES
        for policy in (
            (table, 'read', 'SELECT', ACTIVE_USER, None),
            (table, 'publish', 'INSERT', None, ADMINISTRATOR),
        )
    ),
    (SERIES_TABLE, 'read', 'SELECT', ACTIVE_USER, None),
    # a new year's series, as next_case_number starts it: its first number taken
    (SERIES_TABLE, 'start', 'INSERT', None, f'{IS_STAFF} AND last_number BETWEEN 0 AND 1'),
    (SERIES_TABLE, 'take_number', 'UPDATE', IS_STAFF, IS_STAFF),
)

FUNCTIONS = """
-- The server's audit row for every write of reference data, once per statement: the old and
-- the new row of each changed row (an update's paired on the table's key, TG_ARGV[0]).
CREATE FUNCTION arendestod_audit_reference() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    who uuid := public.arendestod_user_id();
    key text := TG_ARGV[0];
BEGIN
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO public.audit_log (id, at, user_id, action, entity, entity_id, detail)
        SELECT
            gen_random_uuid(), now(), who, 'db_update', TG_TABLE_NAME,
            CASE WHEN key = 'id' THEN (coalesce(n.item, o.item) ->> 'id')::uuid END,
            jsonb_build_object('databasroll', session_user, 'före', o.item, 'efter', n.item)::text
        FROM (SELECT to_jsonb(r) AS item FROM old_rows AS r) AS o
        FULL JOIN (SELECT to_jsonb(r) AS item FROM new_rows AS r) AS n
            ON (o.item -> key) = (n.item -> key);
    ELSE
        INSERT INTO public.audit_log (id, at, user_id, action, entity, entity_id, detail)
        SELECT
            gen_random_uuid(), now(), who, 'db_' || lower(TG_OP), TG_TABLE_NAME,
            CASE WHEN key = 'id' THEN (item ->> 'id')::uuid END,
            jsonb_build_object(
                'databasroll', session_user,
                'före', CASE WHEN TG_OP = 'DELETE' THEN item END,
                'efter', CASE WHEN TG_OP = 'INSERT' THEN item END
            )::text
        FROM (SELECT to_jsonb(r) AS item FROM changed_rows AS r) AS changed;
    END IF;
    RETURN NULL;
END
$$;

-- A user of the app role takes the next case number of a year: the series counts up by one
-- and stays in its year (the owner, not under row-level security, is not bound).
CREATE FUNCTION arendestod_next_number_only() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF row_security_active(TG_RELID)
       AND (NEW.year <> OLD.year
            OR NEW.last_number NOT IN (OLD.last_number, OLD.last_number + 1)) THEN
        RAISE EXCEPTION 'Diarienummerserien för % kan bara räknas upp till nästa nummer (%), '
                        'inte ändras till %.', OLD.year, OLD.last_number + 1, NEW.last_number
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name in ('arendestod_audit_reference()', 'arendestod_next_number_only()'):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
    op.execute(f'REVOKE UPDATE, DELETE ON form_definitions FROM {APP_ROLE}')
    op.execute(f'REVOKE DELETE ON {SERIES_TABLE} FROM {APP_ROLE}')
    op.execute(f'REVOKE INSERT, UPDATE, DELETE ON {SERVER_KEPT_TABLE} FROM {APP_ROLE}')
    for table in AUDITED_TABLES:
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
    for table, policy, command, using, check in POLICIES:
        clauses = (f' USING ({using})' if using else '') + (
            f' WITH CHECK ({check})' if check else ''
        )
        op.execute(f'CREATE POLICY {policy} ON {table} FOR {command} TO {APP_ROLE}{clauses}')
    op.execute(
        f'CREATE TRIGGER next_number_only BEFORE UPDATE ON {SERIES_TABLE} '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_next_number_only()'
    )
    for table, key in AUDITED_TABLES.items():
        for event, rows in (('INSERT', 'NEW'), ('DELETE', 'OLD')):
            op.execute(
                f'CREATE TRIGGER audit_{event.lower()} AFTER {event} ON {table} '
                f'REFERENCING {rows} TABLE AS changed_rows FOR EACH STATEMENT '
                f"EXECUTE FUNCTION arendestod_audit_reference('{key}')"
            )
        op.execute(
            f'CREATE TRIGGER audit_update AFTER UPDATE ON {table} '
            'REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT '
            f"EXECUTE FUNCTION arendestod_audit_reference('{key}')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in AUDITED_TABLES:
        for event in ('insert', 'update', 'delete'):
            op.execute(f'DROP TRIGGER IF EXISTS audit_{event} ON {table}')
    op.execute(f'DROP TRIGGER IF EXISTS next_number_only ON {SERIES_TABLE}')
    for table, policy, _command, _using, _check in POLICIES:
        op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
    for table in AUDITED_TABLES:
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    op.execute(f'GRANT INSERT, UPDATE, DELETE ON {SERVER_KEPT_TABLE} TO {APP_ROLE}')
    op.execute(f'GRANT DELETE ON {SERIES_TABLE} TO {APP_ROLE}')
    op.execute(f'GRANT UPDATE, DELETE ON form_definitions TO {APP_ROLE}')
    op.execute('DROP FUNCTION IF EXISTS arendestod_next_number_only()')
    op.execute('DROP FUNCTION IF EXISTS arendestod_audit_reference()')
