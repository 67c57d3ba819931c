"""access control enforced by PostgreSQL (shared office mode)

Lag (2001:454) om behandling av personuppgifter inom socialtjänsten: staff see only what
their task needs. In shared mode every user connects with a login role of their own
(named as their `users.username`), member of the group role `arendestod_app`; the server
then enforces, whatever the client does:

- row-level security on case content: handläggare see the cases of their unit, but a case
  with a member with skyddade personuppgifter only when it is theirs; chefs see their
  unit; administrators no case content. Persons without skydd are visible to every
  handläggare and chef (a new applicant must be found before a second registration);
- signed journal entries, forms and decisions cannot be changed or deleted, by anyone (a
  decision only gets its letter archived, once, and its verkställighet recorded);
- the staff list is readable by all users, without the (local-mode) password hashes, and
  changed only by administrators;
- the audit log can be read by chefs (their unit's users) and administrators, and
  written only as oneself; `arendestod_app` has no UPDATE or DELETE on it;
- every insert, update and delete of case content writes an audit row on the server
  (action db_insert / db_update / db_delete), so a modified client cannot skip it.

The schema owner (who runs the migrations: `arendestod db init-server`) is not subject to
row-level security. Nothing here runs on SQLite.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 08:00:00
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'

CASE_TABLES = (
    'applications',
    'case_status_changes',
    'journal_entries',
    'plans',
    'support_barriers',
    'decisions',
    'follow_up_tasks',
)
"""Tables whose rows belong to one case (column case_id)."""

SIGNED_TABLES = ('journal_entries', 'forms', 'decisions')
AUDITED_TABLES = (
    'cases',
    *CASE_TABLES,
    'forms',
    'plan_items',
    'decision_items',
    'households',
    'household_members',
    'persons',
)

FUNCTIONS = f"""
CREATE FUNCTION arendestod_user_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT id FROM users WHERE username = session_user AND active
$$;

CREATE FUNCTION arendestod_user_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT role FROM users WHERE username = session_user AND active
$$;

CREATE FUNCTION arendestod_user_unit() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT unit_id FROM users WHERE username = session_user AND active
$$;

-- The cases the connected user may read and write: evaluated once per statement (the
-- policies use it as an uncorrelated subquery), as the owner (no recursion into RLS).
CREATE FUNCTION arendestod_readable_cases() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT c.id
    FROM cases c
    JOIN users u ON u.username = session_user AND u.active
    WHERE u.role IN ('handlaggare', 'chef')
      AND c.unit_id = u.unit_id
      AND (
        u.role = 'chef'
        OR c.responsible_user_id = u.id
        OR NOT EXISTS (
            SELECT 1 FROM household_members m JOIN persons p ON p.id = m.person_id
            WHERE m.household_id = c.household_id AND p.protected_identity
        )
      )
$$;

-- Households (and so members and protected persons) visible: those of readable cases, and
-- those not (yet) in any case, as while the new-case wizard registers them.
CREATE FUNCTION arendestod_readable_households() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT c.household_id FROM cases c WHERE c.id IN (SELECT arendestod_readable_cases())
    UNION
    SELECT h.id FROM households h
    WHERE arendestod_user_role() IN ('handlaggare', 'chef')
      AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = h.id)
$$;

CREATE FUNCTION arendestod_is_staff() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT coalesce(arendestod_user_role() IN ('handlaggare', 'chef'), false)
$$;

-- Signed rows are final: no update (a decision only gets executed_on), no delete.
CREATE FUNCTION arendestod_keep_signed() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    changeable text[] := ARRAY['version', 'updated_at', 'updated_by'];
BEGIN
    IF OLD.signed_at IS NULL THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF TG_TABLE_NAME = 'decisions' THEN
            -- verkställighet is recorded later; the letter is archived once, just after
            changeable := changeable || ARRAY['executed_on'];
            IF OLD.letter_pdf IS NULL THEN
                changeable := changeable || ARRAY['letter_pdf', 'letter_sha256'];
            END IF;
        END IF;
        IF (to_jsonb(NEW) - changeable) = (to_jsonb(OLD) - changeable) THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'En signerad rad i % kan inte ändras eller tas bort.', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The server's own audit row for every write of case content.
CREATE FUNCTION arendestod_audit_write() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    item jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
    INSERT INTO audit_log (id, at, user_id, case_id, person_id, action, entity, entity_id,
                           detail)
    VALUES (
        gen_random_uuid(),
        now(),
        arendestod_user_id(),
        -- a deleted case or person is no longer there to refer to (foreign keys)
        CASE WHEN TG_TABLE_NAME <> 'cases' THEN (item ->> 'case_id')::uuid
             WHEN TG_OP <> 'DELETE' THEN (item ->> 'id')::uuid END,
        CASE WHEN TG_TABLE_NAME <> 'persons' THEN (item ->> 'person_id')::uuid
             WHEN TG_OP <> 'DELETE' THEN (item ->> 'id')::uuid END,
        'db_' || lower(TG_OP),
        TG_TABLE_NAME,
        (item ->> 'id')::uuid,
        'databasroll ' || session_user
    );
    RETURN NULL;
END
$$;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS arendestod_audit_write();
DROP FUNCTION IF EXISTS arendestod_keep_signed();
DROP FUNCTION IF EXISTS arendestod_is_staff();
DROP FUNCTION IF EXISTS arendestod_readable_households();
DROP FUNCTION IF EXISTS arendestod_readable_cases();
DROP FUNCTION IF EXISTS arendestod_user_unit();
DROP FUNCTION IF EXISTS arendestod_user_role();
DROP FUNCTION IF EXISTS arendestod_user_id();
"""

USER_COLUMNS_READABLE = (
    'id',
    'username',
    'full_name',
    'title',
    'role',
    'unit_id',
    'active',
    'version',
    'created_at',
    'updated_at',
    'updated_by',
)
"""Every column of users but password_hash (local mode only)."""

READABLE_CASE = 'case_id IN (SELECT arendestod_readable_cases())'

POLICIES: tuple[tuple[str, str, str, str], ...] = (
    # (table, policy, command, USING / WITH CHECK expression)
    ('cases', 'case_access', 'ALL', 'id IN (SELECT arendestod_readable_cases())'),
    *((table, 'case_access', 'ALL', READABLE_CASE) for table in CASE_TABLES),
    (
        'forms',
        'case_access',
        'ALL',
        # case forms with the case; the unit's own forms (ärendegenomgång) for its chefs
        # and the handläggare they are about
        f'CASE WHEN case_id IS NOT NULL THEN {READABLE_CASE} '
        "ELSE arendestod_is_staff() AND unit_id = arendestod_user_unit() "
        "AND (arendestod_user_role() = 'chef' OR subject_user_id = arendestod_user_id()) END",
    ),
    ('plan_items', 'case_access', 'ALL', 'plan_id IN (SELECT id FROM plans)'),
    ('decision_items', 'case_access', 'ALL', 'decision_id IN (SELECT id FROM decisions)'),
    ('households', 'case_access', 'ALL', 'id IN (SELECT arendestod_readable_households())'),
    (
        'household_members',
        'case_access',
        'ALL',
        'household_id IN (SELECT arendestod_readable_households())',
    ),
    (
        'persons',
        'case_access',
        'ALL',
        'arendestod_is_staff() AND (NOT protected_identity OR id IN ('
        'SELECT person_id FROM household_members WHERE household_id IN '
        '(SELECT arendestod_readable_households())))',
    ),
)


def _create_role_sql() -> str:
    return f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN;
    END IF;
END $$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(_create_role_sql())
    op.execute(FUNCTIONS)
    for name in (
        'arendestod_user_id()',
        'arendestod_user_role()',
        'arendestod_user_unit()',
        'arendestod_readable_cases()',
        'arendestod_readable_households()',
        'arendestod_is_staff()',
    ):
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
        op.execute(f'GRANT EXECUTE ON FUNCTION {name} TO {APP_ROLE}')
    op.execute(f'GRANT USAGE ON SCHEMA public TO {APP_ROLE}')
    op.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}')
    op.execute(
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE}'
    )
    op.execute(f'REVOKE UPDATE, DELETE ON audit_log FROM {APP_ROLE}')
    op.execute(f'REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {APP_ROLE}')
    for table, policy, command, expression in POLICIES:
        op.execute(f'ALTER TABLE {table} ENABLE ROW LEVEL SECURITY')
        op.execute(
            f'CREATE POLICY {policy} ON {table} FOR {command} TO {APP_ROLE} '
            f'USING ({expression}) WITH CHECK ({expression})'
        )
    # users: everyone reads the staff list, but not the local-mode password hashes; only
    # administrators change it
    op.execute(f'REVOKE SELECT ON users FROM {APP_ROLE}')
    op.execute(f'GRANT SELECT ({", ".join(USER_COLUMNS_READABLE)}) ON users TO {APP_ROLE}')
    op.execute('ALTER TABLE users ENABLE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY staff_list ON users FOR SELECT TO {APP_ROLE} USING (true)')
    op.execute(
        f"CREATE POLICY administration ON users FOR ALL TO {APP_ROLE} "
        "USING (arendestod_user_role() = 'administrator') "
        "WITH CHECK (arendestod_user_role() = 'administrator')"
    )
    # audit log: written as oneself; read by chefs (their unit's staff) and administrators
    op.execute('ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY write_own ON audit_log FOR INSERT TO {APP_ROLE} '
        'WITH CHECK (user_id IS NULL OR user_id = arendestod_user_id())'
    )
    op.execute(
        f"CREATE POLICY review ON audit_log FOR SELECT TO {APP_ROLE} USING ("
        "user_id = arendestod_user_id() "
        "OR arendestod_user_role() = 'administrator' "
        "OR (arendestod_user_role() = 'chef' AND user_id IN "
        "(SELECT id FROM users WHERE unit_id = arendestod_user_unit())))"
    )
    for table in SIGNED_TABLES:
        op.execute(
            f'CREATE TRIGGER keep_signed BEFORE UPDATE OR DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_keep_signed()'
        )
    for table in AUDITED_TABLES:
        op.execute(
            f'CREATE TRIGGER audit_write AFTER INSERT OR UPDATE OR DELETE ON {table} '
            'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_write()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table in AUDITED_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS audit_write ON {table}')
    for table in SIGNED_TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS keep_signed ON {table}')
    for table in ('audit_log', 'users'):
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    for policy in ('write_own', 'review'):
        op.execute(f'DROP POLICY IF EXISTS {policy} ON audit_log')
    for policy in ('staff_list', 'administration'):
        op.execute(f'DROP POLICY IF EXISTS {policy} ON users')
    for table, policy, _command, _expression in POLICIES:
        op.execute(f'DROP POLICY IF EXISTS {policy} ON {table}')
        op.execute(f'ALTER TABLE {table} DISABLE ROW LEVEL SECURITY')
    op.execute(
        'ALTER DEFAULT PRIVILEGES IN SCHEMA public '
        f'REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE}'
    )
    op.execute(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}')
    op.execute(f'REVOKE USAGE ON SCHEMA public FROM {APP_ROLE}')
    op.execute(DROP_FUNCTIONS)
