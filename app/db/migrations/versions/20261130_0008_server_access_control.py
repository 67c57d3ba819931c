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
row-level security. On SQLite only the partial index of protected persons is made.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 08:00:00
"""

from alembic import op
import sqlalchemy as sa


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
-- session_user in a subquery: as a plain expression the planner will not use it in an index
-- condition and every call reads all users.
CREATE FUNCTION arendestod_user_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT id FROM users WHERE username = (SELECT session_user::text) AND active
$$;

CREATE FUNCTION arendestod_user_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT role FROM users WHERE username = (SELECT session_user::text) AND active
$$;

CREATE FUNCTION arendestod_user_unit() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT unit_id FROM users WHERE username = (SELECT session_user::text) AND active
$$;

-- The households with a member with skyddade personuppgifter (few: the policies use them
-- as a hashed NOT IN, built once per statement), and whether a household has any case at
-- all: asked about rows the user may not see themselves, as the owner, so that policies
-- never recurse into each other.
CREATE FUNCTION arendestod_protected_persons() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT id FROM persons WHERE protected_identity
$$;

CREATE FUNCTION arendestod_protected_households() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT m.household_id
    FROM persons p JOIN household_members m ON m.person_id = p.id
    WHERE p.protected_identity
$$;

-- A person with skyddade personuppgifter is visible to the handläggare responsible for a
-- case of their household and to that unit's chefs, or while their household has no case
-- yet (the new-case wizard). One indexed query as the owner, per protected row only.
CREATE FUNCTION arendestod_protected_person_visible(person uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    -- PL/pgSQL: its query plans are kept for the session (a SQL function is planned anew
    -- for every statement that calls it)
    RETURN EXISTS (
        SELECT 1
        FROM household_members m
        JOIN cases c ON c.household_id = m.household_id
        JOIN users u ON u.username = (SELECT session_user::text) AND u.active
        WHERE m.person_id = person
          AND c.unit_id = u.unit_id
          AND (u.role = 'chef' OR (u.role = 'handlaggare' AND c.responsible_user_id = u.id))
    ) OR EXISTS (
        SELECT 1 FROM household_members m
        WHERE m.person_id = person
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = m.household_id)
    );
END
$$;

CREATE FUNCTION arendestod_household_has_case(household uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    SELECT EXISTS (SELECT 1 FROM cases c WHERE c.household_id = household)
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
DROP FUNCTION IF EXISTS arendestod_household_has_case(uuid);
DROP FUNCTION IF EXISTS arendestod_protected_households();
DROP FUNCTION IF EXISTS arendestod_protected_persons();
DROP FUNCTION IF EXISTS arendestod_protected_person_visible(uuid);
DROP FUNCTION IF EXISTS arendestod_user_unit();
DROP FUNCTION IF EXISTS arendestod_user_role();
DROP FUNCTION IF EXISTS arendestod_user_id();
"""

NAME_INDEXES = {
    'ix_persons_last_first': ['last_name_key', 'first_name_key', 'id'],
    'ix_persons_first_last': ['first_name_key', 'last_name_key', 'id'],
}

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

# The user's id, role and unit as uncorrelated scalar subqueries: evaluated once per
# statement (an InitPlan), not once per row. Row checks are index lookups, so a search or an
# opened case costs the policies a few milliseconds, however large the unit.
USER_ID = '(SELECT arendestod_user_id())'
USER_ROLE = '(SELECT arendestod_user_role())'
USER_UNIT = '(SELECT arendestod_user_unit())'
IS_STAFF = '(SELECT arendestod_is_staff())'

READABLE_CASE_ROW = (
    f"{IS_STAFF} AND unit_id = {USER_UNIT} AND ({USER_ROLE} = 'chef' "
    f'OR responsible_user_id = {USER_ID} '
    'OR household_id NOT IN (SELECT arendestod_protected_households()))'
)
"""A case row the user may read and write (the cases policy)."""


def _case_visible(column: str) -> str:
    """The case `column` refers to is visible (through the cases policy)."""
    return f'EXISTS (SELECT 1 FROM cases c WHERE c.id = {column})'


def _household_visible(column: str) -> str:
    """A household of a visible case, or one in no case yet (the new-case wizard)."""
    return (
        f'{IS_STAFF} AND (EXISTS (SELECT 1 FROM cases c WHERE c.household_id = {column}) '
        f'OR NOT arendestod_household_has_case({column}))'
    )


POLICIES: tuple[tuple[str, str, str, str], ...] = (
    # (table, policy, command, USING / WITH CHECK expression)
    ('cases', 'case_access', 'ALL', READABLE_CASE_ROW),
    *((table, 'case_access', 'ALL', _case_visible(f'{table}.case_id')) for table in CASE_TABLES),
    (
        'forms',
        'case_access',
        'ALL',
        # case forms with the case; the unit's own forms (ärendegenomgång) for its chefs
        # and the handläggare they are about
        f'CASE WHEN case_id IS NOT NULL THEN {_case_visible("forms.case_id")} '
        f'ELSE {IS_STAFF} AND unit_id = {USER_UNIT} '
        f"AND ({USER_ROLE} = 'chef' OR subject_user_id = {USER_ID}) END",
    ),
    (
        'plan_items',
        'case_access',
        'ALL',
        'EXISTS (SELECT 1 FROM plans p WHERE p.id = plan_items.plan_id)',
    ),
    (
        'decision_items',
        'case_access',
        'ALL',
        'EXISTS (SELECT 1 FROM decisions d WHERE d.id = decision_items.decision_id)',
    ),
    ('households', 'case_access', 'ALL', _household_visible('households.id')),
    (
        # memberships of persons without skydd, like the persons themselves; a protected
        # person's only with the household
        'household_members',
        'case_access',
        'ALL',
        f'{IS_STAFF} AND (person_id NOT IN (SELECT arendestod_protected_persons()) '
        'OR arendestod_protected_person_visible(person_id))',
    ),
    (
        'persons',
        'case_access',
        'ALL',
        f'{IS_STAFF} AND (NOT protected_identity OR arendestod_protected_person_visible(id))',
    ),
)
"""Persons without skydd, and their memberships, are visible to every handläggare and chef
(a new applicant must be found before a second registration); protected persons only as
`arendestod_protected_person_visible` says."""


def _create_role_sql() -> str:
    return f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} NOLOGIN;
    END IF;
END $$;
"""


def upgrade() -> None:
    op.create_index(
        'ix_persons_protected',
        'persons',
        ['id'],
        postgresql_where=sa.text('protected_identity'),
        sqlite_where=sa.text('protected_identity'),
    )
    if op.get_bind().dialect.name != 'postgresql':
        return
    _name_indexes(include=['protected_identity'])
    op.execute(_create_role_sql())
    op.execute(FUNCTIONS)
    for name in (
        'arendestod_user_id()',
        'arendestod_user_role()',
        'arendestod_user_unit()',
        'arendestod_protected_households()',
        'arendestod_protected_persons()',
        'arendestod_protected_person_visible(uuid)',
        'arendestod_household_has_case(uuid)',
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
        f"USING ({USER_ROLE} = 'administrator') WITH CHECK ({USER_ROLE} = 'administrator')"
    )
    # audit log: written as oneself; read by chefs (their unit's staff) and administrators
    op.execute('ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY')
    op.execute(
        f'CREATE POLICY write_own ON audit_log FOR INSERT TO {APP_ROLE} '
        f'WITH CHECK (user_id IS NULL OR user_id = {USER_ID})'
    )
    op.execute(
        f"CREATE POLICY review ON audit_log FOR SELECT TO {APP_ROLE} USING ("
        f"user_id = {USER_ID} OR {USER_ROLE} = 'administrator' "
        f"OR ({USER_ROLE} = 'chef' AND user_id IN (SELECT id FROM users WHERE unit_id = {USER_UNIT})))"
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
        op.drop_index('ix_persons_protected', 'persons')
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
    op.drop_index('ix_persons_protected', 'persons')
    _name_indexes(include=[])


def _name_indexes(include: list[str]) -> None:
    """The name-search indexes, on PostgreSQL with the skydd flag as a payload: the
    persons policy reads it for every row, and without it a search reads the table."""
    for name, columns in NAME_INDEXES.items():
        op.drop_index(name, 'persons')
        op.create_index(name, 'persons', columns, postgresql_include=include)
