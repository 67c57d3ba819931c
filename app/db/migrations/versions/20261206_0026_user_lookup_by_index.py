"""the session's user is found through the username index again

PostgreSQL only. `arendestod_user_id()`, `arendestod_user_role()`, `arendestod_user_unit()`
and `arendestod_protected_person_visible()` (migration 0008, search path 0015) compare
`users.username` with `session_user::text`. `session_user` is of type `name`, whose
collation is "C", so the comparison was made in "C" and the unique index on username (the
database's default collation) could not be used: every call read `users` from the start
(at 100 000 households, 25 buffers and ~0.14 ms for a handläggare, against 3 with the
index). The policies call these functions once per statement, but 0018's audit stamp calls
`arendestod_user_id()` once per audit row and 0019's lease rule once per lease in force, so a
name search writing 51 audit rows lost 3–5 ms (measured on the benchmark database beside the
schema of 0014, call by call in turn: benchmarks/README.md, "Issue 18 on PostgreSQL").

The bodies are the same but for `COLLATE pg_catalog."default"` on the session user's name,
and tables named with their schema.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 15:00:00
"""

from alembic import op


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

SEARCH_PATH = 'SET search_path = pg_catalog, public, pg_temp'


def _functions(session_user: str) -> str:
    return f"""
CREATE OR REPLACE FUNCTION arendestod_user_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT id FROM public.users WHERE username = {session_user} AND active
$$;

CREATE OR REPLACE FUNCTION arendestod_user_role() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT role FROM public.users WHERE username = {session_user} AND active
$$;

CREATE OR REPLACE FUNCTION arendestod_user_unit() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
    SELECT unit_id FROM public.users WHERE username = {session_user} AND active
$$;

CREATE OR REPLACE FUNCTION arendestod_protected_person_visible(person uuid) RETURNS boolean
    LANGUAGE plpgsql STABLE SECURITY DEFINER {SEARCH_PATH} AS $$
BEGIN
    -- PL/pgSQL: its query plans are kept for the session (a SQL function is planned anew
    -- for every statement that calls it)
    RETURN EXISTS (
        SELECT 1
        FROM public.household_members m
        JOIN public.cases c ON c.household_id = m.household_id
        JOIN public.users u ON u.username = {session_user} AND u.active
        WHERE m.person_id = person
          AND c.unit_id = u.unit_id
          AND (u.role = 'chef' OR (u.role = 'handlaggare' AND c.responsible_user_id = u.id))
    ) OR EXISTS (
        SELECT 1 FROM public.household_members m
        WHERE m.person_id = person
          AND NOT EXISTS (SELECT 1 FROM public.cases c WHERE c.household_id = m.household_id)
    );
END
$$;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_functions('(SELECT session_user::text COLLATE pg_catalog."default")'))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(_functions('(SELECT session_user::text)'))
