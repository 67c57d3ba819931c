"""the protected households and persons returned as one set, not a row at a time (issue 21)

PostgreSQL only. Every policy that hides skyddade personuppgifter asks for the same two
sets: `household_id NOT IN (SELECT arendestod_protected_households())` (cases, 0008; the
name index, 0036/0040) and `person_id NOT IN (SELECT arendestod_protected_persons())`
(household memberships, 0008). Both were SQL functions with their own search_path
(SECURITY DEFINER): PostgreSQL cannot inline such a function, and runs a set-returning SQL
function one row at a time, starting the executor for each of its ~940 rows – 1.2–2.7 ms a
call at 100 000 households, and a name search asks 3–4 times a statement, plus once for every
protected household among its hits (`arendestod_case_visible`, 0040, runs the cases policy
again).

The same queries in PL/pgSQL with RETURN QUERY: the set is produced in one pass into a
tuplestore and the plan is kept for the session: 0.17–0.27 ms a call (EXPLAIN ANALYZE as
the owner, 100 000 households, warm). The functions keep their names, signatures, owner,
grants, volatility and search_path (CREATE OR REPLACE keeps the OID the policies refer to),
and their rows are the same rows read from the same tables: which rows a user may read or
write does not change. Nothing new is writable by anyone.

Revision ID: 0042
Revises: 0040
Create Date: 2026-12-07 10:40:00
"""

from alembic import op

revision = '0042'
down_revision = '0040'
branch_labels = None
depends_on = None

OPTIONS = 'STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp'

QUERIES = {
    'arendestod_protected_households': 'SELECT household_id FROM public.protected_households',
    'arendestod_protected_persons': 'SELECT id FROM public.persons WHERE protected_identity',
}
"""The sets' queries, the same as 0012 (households) and 0008 (persons)."""


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, query in QUERIES.items():
        op.execute(
            f'CREATE OR REPLACE FUNCTION public.{name}() RETURNS SETOF uuid\n'
            f'    LANGUAGE plpgsql {OPTIONS} AS $$\n'
            f'BEGIN\n    RETURN QUERY {query};\nEND\n$$'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for name, query in QUERIES.items():
        op.execute(
            f'CREATE OR REPLACE FUNCTION public.{name}() RETURNS SETOF uuid\n'
            f'    LANGUAGE sql {OPTIONS} AS $$\n    {query}\n$$'
        )
