"""administrators manage accounts, not their own; inactivated users lose their login

PostgreSQL only. Migration 0008 let an administrator change any row of users (issue 18,
point 4): she could make herself chef of a unit and read its cases, or rename another
user's username (the link from a database login role to its user, `arendestod_user_id()`)
and take over that login's rows. The server now holds what the program does
(app.security.accounts: add users, inactivate and activate others):

- nobody changes their own role, unit or active flag;
- username (and id) cannot be changed once the user exists;
- a new user's username must not already be a role on the server: in the program's order
  the user is added first and `db create-login` then makes the role, so an existing role
  is never a fresh one, and a user row for it would give a login someone already holds
  (the owner's, another application's, or a user's deleted earlier) the new row's role;
- users are not deleted (the program inactivates them; their names stay on what they wrote).

These rules bind the members of `arendestod_app` (everyone row-level security applies to);
the schema owner, who runs the migrations, `db init-server` and `demo`, is not bound by
them, as by no policy.

Every insert, update and delete of users is written to the audit log by the server, with
the old and new values in words (never the local-mode password hash: only that it changed).

Inactivating a user takes the login from their role (`ALTER ROLE … NOLOGIN`) and activating
them gives it back (issue 18, point 6), also when an administrator changes `active` with
plain SQL. Only login roles that are members of `arendestod_app` and nothing more (no
superuser, CREATEROLE, replication or BYPASSRLS role, never the owner) are touched. Open
sessions are not ended: from their next statement the policies give an inactivated user
nothing (`arendestod_user_id()` requires active), ending them needs rights over the user's
role that the README's owner does not have, and it could not be undone if the inactivation
is rolled back. When the owner may not change the role (a role it did not create) the
change of users still goes through, with a warning and the audit row saying so.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 12:00:00
"""

from alembic import op


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

APP_ROLE = 'arendestod_app'

SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'

FUNCTIONS = f"""
-- What a member of the app role may change in users. Not a definer function: it asks
-- whether row-level security applies to the one who changes (it does not to the owner).
CREATE FUNCTION arendestod_check_user_change() RETURNS trigger
    LANGUAGE plpgsql {SEARCH_PATH} AS $$
BEGIN
    IF NOT pg_catalog.row_security_active(TG_RELID) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Användare tas inte bort. Inaktivera användaren i stället.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname::text = NEW.username) THEN
            RAISE EXCEPTION 'Användarnamnet % finns redan som roll på databasservern. '
                'Välj ett annat användarnamn.', NEW.username
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.username IS DISTINCT FROM OLD.username OR NEW.id IS DISTINCT FROM OLD.id THEN
        RAISE EXCEPTION 'Användarnamnet kan inte ändras: det är användarens inloggning på '
            'servern. Lägg upp en ny användare i stället.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.username = SESSION_USER::text AND (
        NEW.role IS DISTINCT FROM OLD.role
        OR NEW.unit_id IS DISTINCT FROM OLD.unit_id
        OR NEW.active IS DISTINCT FROM OLD.active
    ) THEN
        RAISE EXCEPTION 'Du kan inte ändra din egen roll, enhet eller aktivering. '
            'Be en annan systemförvaltare.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

-- Login for the role of an active user, none for an inactivated one: what happened, in
-- words for the audit row ('' when the user has no login role of the app).
CREATE FUNCTION arendestod_user_login(login_name text, allowed boolean) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1
        FROM pg_catalog.pg_roles r
        JOIN pg_catalog.pg_auth_members m ON m.member = r.oid
        JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
        WHERE r.rolname = login_name AND g.rolname = '{APP_ROLE}'
          AND r.rolname <> CURRENT_USER
          AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolreplication OR r.rolbypassrls)
    ) THEN
        RETURN '';
    END IF;
    EXECUTE pg_catalog.format(
        'ALTER ROLE %I %s', login_name, CASE WHEN allowed THEN 'LOGIN' ELSE 'NOLOGIN' END
    );
    RETURN CASE WHEN allowed THEN 'databasrollen får logga in igen'
                ELSE 'databasrollen får inte längre logga in' END;
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'Databasrollen % kunde inte %: % saknar rätt att ändra den.',
        login_name, CASE WHEN allowed THEN 'få logga in igen' ELSE 'spärras' END, CURRENT_USER
        USING HINT = 'Kör ALTER ROLE ' || pg_catalog.quote_ident(login_name)
            || CASE WHEN allowed THEN ' LOGIN' ELSE ' NOLOGIN' END || ' som superanvändare.';
    RETURN CASE WHEN allowed THEN 'databasrollen kunde inte få logga in igen'
                ELSE 'databasrollen kunde inte spärras' END
        || ' (' || CURRENT_USER || ' saknar rätt att ändra den)';
END
$$;

-- A user's values in words, as the log review shows them.
CREATE FUNCTION arendestod_user_value(field text, value jsonb) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT CASE
        WHEN value IS NULL OR value = 'null'::jsonb THEN '–'
        WHEN field = 'active' THEN CASE WHEN value = 'true'::jsonb THEN 'ja' ELSE 'nej' END
        WHEN field = 'role' THEN coalesce(
            '{{"handlaggare": "Handläggare", "chef": "Chef", "administrator": "Administratör"}}'
                ::jsonb ->> (value #>> '{{}}'),
            value #>> '{{}}')
        WHEN field = 'unit_id' THEN coalesce(
            (SELECT u.name FROM units u WHERE u.id::text = value #>> '{{}}'), value #>> '{{}}')
        ELSE value #>> '{{}}'
    END
$$;

-- The server's audit row of every change of users, and the login that goes with active.
CREATE FUNCTION arendestod_audit_user() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER {SEARCH_PATH} AS $$
DECLARE
    labels jsonb := '{{"username": "användarnamn", "full_name": "namn", "title": "titel",
                      "role": "roll", "unit_id": "enhet", "active": "aktiv", "id": "id"}}';
    unlogged text[] := ARRAY['password_hash', 'version', 'created_at', 'updated_at',
                             'updated_by'];
    before jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    after jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    item jsonb := coalesce(after, before);
    changes text[] := ARRAY[]::text[];
    field text;
    login text := '';
BEGIN
    FOR field IN SELECT k FROM jsonb_object_keys(item) AS k
                 ORDER BY array_position(ARRAY['full_name', 'title', 'role', 'unit_id',
                                               'active', 'username', 'id'], k)
    LOOP
        CONTINUE WHEN field = ANY (unlogged);
        IF TG_OP = 'UPDATE' THEN
            CONTINUE WHEN before -> field IS NOT DISTINCT FROM after -> field;
            changes := changes || (coalesce(labels ->> field, field) || ' '
                || arendestod_user_value(field, before -> field) || ' → '
                || arendestod_user_value(field, after -> field));
        ELSIF field NOT IN ('id', 'username') THEN
            changes := changes || (coalesce(labels ->> field, field) || ' '
                || arendestod_user_value(field, item -> field));
        END IF;
    END LOOP;
    IF TG_OP = 'UPDATE'
       AND before -> 'password_hash' IS DISTINCT FROM after -> 'password_hash' THEN
        changes := changes || 'lösenordet ändrat'::text;
    END IF;
    IF (TG_OP = 'UPDATE' AND NEW.active IS DISTINCT FROM OLD.active)
       OR (TG_OP = 'INSERT' AND NOT NEW.active) THEN
        login := arendestod_user_login(NEW.username, NEW.active);
    END IF;
    INSERT INTO audit_log (id, at, user_id, case_id, person_id, action, entity, entity_id,
                           detail)
    VALUES (
        gen_random_uuid(),
        now(),
        arendestod_user_id(),
        NULL,
        NULL,
        'db_' || lower(TG_OP),
        TG_TABLE_NAME,
        (item ->> 'id')::uuid,
        CASE TG_OP WHEN 'INSERT' THEN 'ny användare ' WHEN 'DELETE' THEN 'borttagen användare '
                   ELSE 'användare ' END
            || (item ->> 'username') || ': '
            || coalesce(nullif(array_to_string(changes, ', '), ''), 'inga uppgifter ändrade')
            || CASE WHEN login <> '' THEN '; ' || login ELSE '' END
            || ' (databasroll ' || SESSION_USER || ')'
    );
    RETURN NULL;
END
$$;
"""

FUNCTION_NAMES = (
    'arendestod_audit_user()',
    'arendestod_user_value(text, jsonb)',
    'arendestod_user_login(text, boolean)',
    'arendestod_check_user_change()',
)

BLOCK_INACTIVE = """
DO $$
DECLARE
    name text;
BEGIN
    FOR name IN SELECT username FROM users WHERE NOT active LOOP
        PERFORM arendestod_user_login(name, false);
    END LOOP;
END
$$;
"""
"""Users inactivated before this revision lose their login now."""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(FUNCTIONS)
    for name in FUNCTION_NAMES:
        # trigger functions and their helpers: nobody calls them directly
        op.execute(f'REVOKE ALL ON FUNCTION {name} FROM PUBLIC')
    op.execute(
        'CREATE TRIGGER check_user_change BEFORE INSERT OR UPDATE OR DELETE ON users '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_check_user_change()'
    )
    op.execute(
        'CREATE TRIGGER audit_user AFTER INSERT OR UPDATE OR DELETE ON users '
        'FOR EACH ROW EXECUTE FUNCTION arendestod_audit_user()'
    )
    op.execute(BLOCK_INACTIVE)


def downgrade() -> None:
    """The rules and the audit go; roles already without login keep it so (safe)."""
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('DROP TRIGGER IF EXISTS audit_user ON users')
    op.execute('DROP TRIGGER IF EXISTS check_user_change ON users')
    for name in FUNCTION_NAMES:
        op.execute(f'DROP FUNCTION IF EXISTS {name}')
