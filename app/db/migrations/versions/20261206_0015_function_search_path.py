"""the server's functions search pg_temp last

PostgreSQL only. Migrations 0008-0014 gave every function `SET search_path = pg_catalog,
public`. When pg_temp is not named in a search path, PostgreSQL searches it FIRST for tables
(the documentation of search_path), and every role may create temporary tables by default:
a handläggare's own `CREATE TEMP TABLE users (…)` with herself as chef of another unit was
then what the SECURITY DEFINER policy functions read (issue 18, point 1). Naming pg_temp
last makes the schema's own tables win; `db init-server` also takes TEMPORARY on the
database from the users (app.db.server_roles.secure_database).

Every function of the schema whose name starts with arendestod_ gets the path, whether it
runs as its definer or not: the trigger functions decide what may be written.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 11:30:00
"""

from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

SET_PATHS = """
DO $$
DECLARE
    function regprocedure;
BEGIN
    FOR function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = pg_catalog.current_schema() AND p.proname LIKE 'arendestod\\_%'
    LOOP
        EXECUTE pg_catalog.format(
            'ALTER FUNCTION %s SET search_path = pg_catalog, %I, pg_temp',
            function, pg_catalog.current_schema()
        );
    END LOOP;
END
$$;
"""

RESTORE_PATHS = SET_PATHS.replace(', pg_temp', '')


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(SET_PATHS)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(RESTORE_PATHS)
